"""The monitoring records of a SQLite store file opened by its path alone, for scripts that hold a path and
no :class:`~embargo.store.base.Store` (the benchmark); everything else uses ``store.monitor``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from embargo.store.sql.monitor import SQLMonitorStore
from embargo.store.sqlite import SQLiteDb, SQLiteStore


class SQLiteMonitorStore(SQLMonitorStore):
    """``store.monitor`` of the SQLite file at ``path`` (brought up to date first), on a connection of its
    own that :meth:`close` closes."""

    def __init__(self, path: Path | str) -> None:
        SQLiteStore(path).close()  # creates or upgrades the file's tables
        self._own = SQLiteDb(str(path))
        super().__init__(self._own)

    @property
    def conn(self) -> sqlite3.Connection:
        return self._own.conn

    def close(self) -> None:
        self._own.close()
