"""PostgreSQL: the shared store of a deployment with many processes (psycopg 3).

Writers of one kind take turns through transaction-scoped advisory locks (two processes storing the same
publication at once store one version); a version coming into force is announced with ``NOTIFY`` so every
process's :meth:`~embargo.store.sql.store.SQLStore.watch` hears it at once. Entity states are loaded with
``COPY``.
"""

from __future__ import annotations

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
        self._url = url
        self._listening: set[str] = set()
        self.conn = self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise StoreError(f"{self.where}: cannot connect to the PostgreSQL store ({exc})".strip()) from exc
        for channel in self._listening:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        return conn

    def _live(self) -> psycopg.Connection[Any]:
        """The connection, opened anew when the server dropped it (a restart, a failover) since last used."""
        if self.conn.broken:
            self.conn = self._connect()
        return self.conn

    def execute(self, query: str, args: Sequence[Any] = ()) -> Cursor:
        idle = not self.in_transaction()
        try:
            return self._execute(query, args)
        except psycopg.OperationalError:
            # a read outside a transaction is asked again once on a new connection when the old one died
            if not (idle and self.conn.broken and query.lstrip()[:6].upper() in ("SELECT", "WITH")):
                raise
            return self._execute(query, args)

    def _execute(self, query: str, args: Sequence[Any]) -> Cursor:
        conn = self._live()
        if args:
            return conn.execute(_placeholders(query), tuple(args))
        return conn.execute(query)

    def executemany(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_placeholders(query), rows)

    def begin_write(self, lock: str) -> None:
        try:
            self._live().execute("BEGIN")
        except psycopg.OperationalError:
            if not self.conn.broken:
                raise
            self._live().execute("BEGIN")  # nothing was done yet: begin again on a new connection
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))

    def in_transaction(self) -> bool:
        # UNKNOWN: the connection is lost, and its transaction with it
        return self.conn.info.transaction_status in (
            TransactionStatus.ACTIVE,
            TransactionStatus.INTRANS,
            TransactionStatus.INERROR,
        )

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
        conn = self._live()
        if channel not in self._listening:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            self._listening.add(channel)
        for _ in conn.notifies(timeout=timeout, stop_after=1):
            pass

    def close(self) -> None:
        self.conn.close()


class PostgresStore(SQLStore):
    """The store in a PostgreSQL database (``postgresql://user:password@host:port/dbname``)."""

    def __init__(self, url: str, *, upgrade: bool = False) -> None:
        super().__init__(redact(url), lambda: PostgresDb(url), upgrade=upgrade)
