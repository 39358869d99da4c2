"""PostgreSQL: the shared store of a deployment with many processes (psycopg 3).

Writers of one kind take turns through transaction-scoped advisory locks (two processes storing the same
publication at once store one version); a version coming into force is announced with ``NOTIFY`` so every
process's :meth:`~embargo.store.sql.store.SQLStore.watch` hears it at once. Entity states are loaded with
``COPY``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus

from embargo.errors import StoreError
from embargo.store.sql.db import Cursor, Db
from embargo.store.sql.store import SQLStore

CONNECT_TIMEOUT = 10  # seconds


def redact(url: str) -> str:
    """The URL as messages show it: without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@lru_cache(maxsize=512)
def _placeholders(query: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return query.replace("%", "%%").replace("?", "%s")


class PostgresDb(Db):
    backend = "postgresql"
    integrity_errors = (errors.IntegrityError,)

    def __init__(self, url: str) -> None:
        super().__init__()
        self.where = redact(url)
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise StoreError(f"{self.where}: cannot connect to the PostgreSQL store ({exc})".strip()) from exc
        self._listening: set[str] = set()
        self._notify_lock = threading.Lock()

    def execute(self, query: str, args: Sequence[Any] = ()) -> Cursor:
        if args:
            return self.conn.execute(_placeholders(query), tuple(args))
        return self.conn.execute(query)

    def executemany(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_placeholders(query), rows)

    def begin_write(self, lock: str) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))

    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def script(self, query: str) -> None:
        self.conn.execute(query)

    def table_exists(self, table: str) -> bool:
        return self.one("SELECT to_regclass(?) IS NOT NULL", (table,))[0] is True

    def add_column(self, table: str, column: str, decl: str) -> None:
        self.conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {decl}")

    def bulk_insert(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str
    ) -> None:
        """Rows copied into a temporary table, then inserted from it (``COPY`` itself knows no conflicts)."""
        if not rows:
            return
        temp = sql.Identifier(f"load_{table}")
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        self.conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            ).format(temp, sql.Identifier(table))
        )
        with self.conn.cursor() as cur:
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(temp, cols)) as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(
                sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ").format(
                    sql.Identifier(table), cols, cols, temp
                )
                + sql.SQL(tail)
            )
            cur.execute(sql.SQL("DELETE FROM {}").format(temp))

    def disk_full(self, exc: BaseException) -> bool:
        return isinstance(exc, errors.DiskFull)

    def notify(self, channel: str, payload: str) -> None:
        self.conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))

    def wait(self, channel: str, timeout: float) -> None:
        if channel not in self._listening:
            self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            self._listening.add(channel)
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            pass

    def close(self) -> None:
        self.conn.close()


class PostgresStore(SQLStore):
    """The store in a PostgreSQL database (``postgresql://user:password@host:port/dbname``)."""

    def __init__(self, url: str, *, upgrade: bool = False) -> None:
        super().__init__(redact(url), lambda: PostgresDb(url), upgrade=upgrade)
