"""Small publications for the store suite."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from embargo.model import Entity, Name, make_entity
from embargo.store import NewVersion, open_store


def entity(list_id: str, name: str, dob: str | None = None, source: str = "test_src") -> Entity:
    return make_entity(
        source=source,
        source_id=list_id,
        schema="Person",
        names=[Name(name)],
        birth_dates=[dob] if dob else [],
    )


def version(
    date: str, entities: list[Entity], *, source: str = "test_src", hold: str | None = None
) -> NewVersion:
    return NewVersion(source, date, "folder", "test", date, ("f.csv",), tuple(entities), hold_reason=hold)


# the tables of the migrations after 4 (monitoring, judgements), which older code created on its own
_SINCE_4 = (
    "party_judgements", "monitor_audit", "deliveries", "outbox", "webhook_endpoints", "monitor_runs",
    "monitor_cursor", "alert_events", "alerts", "portfolio_history", "portfolio",
)  # fmt: skip


def sqlite_file_at_4(db: Path, old_tables: str) -> None:
    """A SQLite store file as the code before migrations 5 and 6 left it: schema version 4 with
    ``old_tables`` (the DDL and rows the old monitoring or judgement store wrote into it)."""
    open_store(db).close()
    conn = sqlite3.connect(db)
    try:
        for table in _SINCE_4:
            conn.execute(f"DROP TABLE {table}")
        conn.executescript(old_tables + "UPDATE meta SET value='4' WHERE key='schema_version';")
    finally:
        conn.close()


def together(*work: Callable[[], object]) -> None:
    """Run each callable in a thread of its own, all released at the same moment; re-raise a failure."""
    start = threading.Barrier(len(work))
    failed: list[BaseException] = []

    def run(fn: Callable[[], object]) -> None:
        try:
            start.wait()
            fn()
        except BaseException as exc:  # re-raised below, in the test's thread
            failed.append(exc)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if failed:
        raise failed[0]
