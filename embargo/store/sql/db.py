"""One database connection and what the backends do differently (see :mod:`embargo.store.sql`)."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol


class Cursor(Protocol):
    """What both drivers' cursors give: rows as tuples."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(ABC):
    """One connection (autocommit: a transaction is only what :meth:`write` opens) and a lock for the
    threads that share it."""

    backend: str  # "sqlite" | "postgresql"
    where: str  # the database as messages name it (never with a password)
    integrity_errors: tuple[type[Exception], ...]  # a unique or foreign key refused the write

    def __init__(self) -> None:
        self.lock = threading.RLock()

    @abstractmethod
    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abstractmethod
    def begin_write(self, lock: str) -> None:
        """Open a transaction that holds ``lock`` (a name) until it ends: writers of one name take turns."""

    @abstractmethod
    def in_transaction(self) -> bool: ...

    @abstractmethod
    def script(self, sql: str) -> None:
        """Run several DDL statements inside the current transaction."""

    @abstractmethod
    def table_exists(self, table: str) -> bool: ...

    @abstractmethod
    def add_column(self, table: str, column: str, decl: str) -> None:
        """Add a column to a table unless it has it already."""

    def bulk_insert(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str
    ) -> None:
        """Insert many rows inside the current transaction; ``tail``: the ``ON CONFLICT`` clause, if any."""
        marks = ", ".join("?" * len(columns))
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {tail}", rows)

    @abstractmethod
    def close(self) -> None: ...

    def disk_full(self, exc: BaseException) -> bool:
        """Whether an error means the database ran out of room."""
        return False

    def notify(self, channel: str, payload: str) -> None:  # noqa: B027 (a hook: SQLite has no NOTIFY)
        """Tell other processes something changed (sent at commit); a no-op where there is no such thing."""

    def wait(self, channel: str, timeout: float) -> None:
        """Return when another process notified ``channel``, or after ``timeout`` seconds (where there are
        no notifications: after ``timeout``). Used by a connection of its own (see ``SQLStore.watch``)."""
        time.sleep(timeout)

    @contextmanager
    def write(self, lock: str) -> Iterator[None]:
        """One transaction holding ``lock``: committed at the end of the block, rolled back on any error."""
        with self.lock:
            self.begin_write(lock)
            try:
                yield
                self.execute("COMMIT")
            except BaseException:
                if self.in_transaction():
                    self.execute("ROLLBACK")
                raise

    def one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """The first row of a query (None when there is none)."""
        with self.lock:
            return self.execute(sql, args).fetchone()

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self.lock:
            return self.execute(sql, args).fetchall()
