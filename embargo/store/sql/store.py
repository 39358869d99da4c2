"""One database as embargo sees it: the list versions (this object), ``keys``, ``audit``, ``monitor`` and
``judgements``.

Each concern gets a connection of its own, opened when first used, so a command that only reads the lists
opens one. The backends (:mod:`embargo.store.sqlite`, :mod:`embargo.store.postgres`) only say how to
connect. A new concern is a protocol in ``store/``, its SQL class in ``store/sql/``, a migration in
:mod:`embargo.store.sql.schema` and one property here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property

from embargo.store.sql import schema
from embargo.store.sql.audit import SQLAuditLog
from embargo.store.sql.db import Db
from embargo.store.sql.judgements import SQLJudgements
from embargo.store.sql.keys import SQLKeyStore
from embargo.store.sql.monitor import SQLMonitorStore
from embargo.store.sql.versions import CHANNEL, SQLVersions, change_mark


class Watch:
    """A thread calling ``on_change`` whenever a list version comes into force in the database, by this
    process or another (notified where the backend can, else noticed by polling every ``interval`` s)."""

    def __init__(self, db: Db, on_change: Callable[[], None], interval: float) -> None:
        self._db = db
        self._on_change = on_change
        self._interval = interval
        self._stop = threading.Event()
        self._seen = change_mark(db)
        self._thread = threading.Thread(target=self._run, name="embargo-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._db.wait(CHANNEL, self._interval)
                if self._stop.is_set():
                    break
                now = change_mark(self._db)
            except Exception:  # the database went away a moment: try again at the next interval
                self._stop.wait(self._interval)
                continue
            if now != self._seen:
                self._seen = now
                self._on_change()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)
        self._db.close()


class SQLStore(SQLVersions):
    """The store of one database; ``connect`` opens a new connection to it."""

    def __init__(self, url: str, connect: Callable[[], Db], *, upgrade: bool) -> None:
        self.url = url
        self._connect = connect
        self.db = connect()
        try:
            self.schema_found = schema.found_version(self.db)
            self.schema_version = schema.check(self.db, upgrade=upgrade)
        except BaseException:
            self.db.close()
            raise
        self._opened: list[Db] = [self.db]
        self._watches: list[Watch] = []

    def _open(self) -> Db:
        db = self._connect()
        self._opened.append(db)
        return db

    @cached_property
    def keys(self) -> SQLKeyStore:
        return SQLKeyStore(self._open())

    @cached_property
    def audit(self) -> SQLAuditLog:
        return SQLAuditLog(self._open())

    @cached_property
    def monitor(self) -> SQLMonitorStore:
        return SQLMonitorStore(self._open())

    @cached_property
    def judgements(self) -> SQLJudgements:
        return SQLJudgements(self._open())

    def watch(self, on_change: Callable[[], None], interval: float = 1.0) -> Watch:
        """Call ``on_change`` (in a thread of the watch) whenever a version comes into force; ``stop()`` it."""
        w = Watch(self._open(), on_change, interval)
        self._watches.append(w)
        return w

    def close(self) -> None:
        for w in self._watches:
            w.stop()
        if "audit" in self.__dict__:
            self.audit.flush()
        for db in self._opened:
            db.close()
        self._opened = []
