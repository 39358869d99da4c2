"""SQLite: the embedded default (one file, no server), in WAL mode.

The file holds API key hashes, password hashes, sessions and the audit log: it is created owner-only
(0600, see :mod:`embargo.store.private`). ``":memory:"`` gives a private in-memory store (tests).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from embargo.errors import StoreError
from embargo.store.base import content_hash_of
from embargo.store.private import make_private
from embargo.store.sql.db import Cursor, Db
from embargo.store.sql.store import SQLStore

__all__ = ["SQLiteStore", "content_hash_of"]  # content_hash_of: kept importable from here

_DISK_FULL = ("database or disk is full",)  # SQLITE_FULL: the disk, or the max_page_count cap


class SQLiteDb(Db):
    backend = "sqlite"
    integrity_errors = (sqlite3.IntegrityError,)

    def __init__(self, path: str) -> None:
        super().__init__()
        self.where = path
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            # committed means on disk (the audit log's promise), not only in the OS cache
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not an embargo store ({exc})") from exc

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        return self.conn.execute(sql, args)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def begin_write(self, lock: str) -> None:
        self.conn.execute("BEGIN IMMEDIATE")  # the whole file's write lock: one writer at a time

    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def script(self, sql: str) -> None:
        # executescript would commit first; statements one by one stay inside the transaction
        statement = ""
        for line in sql.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self.conn.execute(statement)
                statement = ""
        if statement.strip():
            self.conn.execute(statement)

    def table_exists(self, table: str) -> bool:
        q = "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name=?"
        return self.one(q, (table,)) is not None

    def add_column(self, table: str, column: str, decl: str) -> None:
        have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
        if column.strip('"') not in have:
            self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    def disk_full(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and any(s in str(exc).lower() for s in _DISK_FULL)

    def close(self) -> None:
        self.conn.close()


class SQLiteStore(SQLStore):
    """The store in one SQLite file (``":memory:"``: in memory, private to this object)."""

    def __init__(self, path: Path | str, *, upgrade: bool = True) -> None:
        self.path = str(path)
        if self.path == ":memory:":  # one connection (and its lock) for every concern: there is no file
            memory = SQLiteDb(":memory:")
            super().__init__(self.path, lambda: memory, upgrade=upgrade)
            return
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        make_private(self.path)
        try:
            super().__init__(self.path, lambda: SQLiteDb(self.path), upgrade=upgrade)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not an embargo store ({exc})") from exc

    @property
    def conn(self) -> sqlite3.Connection:
        """The versions' connection (for tests that look at the file's tables)."""
        db = self.db
        assert isinstance(db, SQLiteDb)
        return db.conn
