"""The monitoring store (``store.monitor``) on every backend: portfolio history, alert states, remembered
decisions, four-eyes, delisting, the outbox and the append-only audit trail; an old SQLite file keeps its
records; on PostgreSQL, two runs at once raise each alert once and a decision is seen at once elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from embargo.model import Entity, Name, Sanction, make_entity
from embargo.store import Store, open_store
from embargo.store.monitor import Counterparty, Hit, MonitorError, MonitorStore, Screening
from embargo.store.sql import monitor_trail
from tests import pgserver
from tests.store.helpers import sqlite_file_at_4, together

CP = Counterparty("A1", ("Ivan Petrov",), "Person", ("1960",), ("ru",))


def entity(programs: tuple[str, ...], list_id: str = "1") -> Entity:
    return make_entity(
        source="us_ofac_sdn",
        source_id=list_id,
        schema="Person",
        names=[Name("PETROV, Ivan")],
        sanctions=[Sanction("US Treasury OFAC", "SDN", programs)],
    )


def hit(cp: Counterparty = CP, programs: tuple[str, ...] = ("RUSSIA-EO14024",)) -> Hit:
    return Hit(cp, entity(programs), 0.91, ({"feature": "name"},), 7, "embargo-v2")


@pytest.fixture
def records(store: Store) -> MonitorStore:
    return store.monitor


def test_portfolio_upsert_remove_and_history(records: MonitorStore) -> None:
    assert records.upsert([CP]) == [CP]
    assert records.upsert([CP]) == []  # the same record again: no change, no history line
    moved = Counterparty("A1", ("Ivan Petrov",), "Person", ("1960",), ("ua",))
    assert records.upsert([moved]) == [moved]
    assert records.counterparty("A1") == moved
    assert records.remove(["A1", "nobody"]) == 1
    assert records.counterparty("A1") is None
    hist = records.portfolio_history("A1")
    assert [h.action for h in hist] == ["added", "changed", "removed"]
    assert hist[1].data is not None and hist[1].data["countries"] == ["ua"]


def test_one_alert_per_pair_and_the_state_machine(records: MonitorStore) -> None:
    (a,) = records.record([hit()], [Screening(CP, {"us_ofac_sdn": 7}, "embargo-v2", [])], actor="monitor")
    assert records.record([hit()], [], actor="monitor") == []  # same pair again: not raised twice
    assert len(records.alerts()) == 1 and a.state == "open" and a.reason == "new"
    records.transition(a.id, "in_review", actor="ana", reason="looking")
    with pytest.raises(MonitorError, match="cannot move"):
        records.transition(a.id, "open", actor="ana", reason="back")
    with pytest.raises(MonitorError, match="reason"):
        records.transition(a.id, "false_positive", actor="ana", reason=" ")
    done = records.transition(a.id, "true_match", actor="ana", reason="same passport")
    assert done.state == "true_match"
    records.comment(a.id, actor="bo", text="reported to the regulator")
    ev = records.events(a.id)
    assert [(e.action, e.to_state, e.actor) for e in ev] == [
        ("raised", "open", "monitor"),
        ("transition", "in_review", "ana"),
        ("transition", "true_match", "ana"),
        ("comment", None, "bo"),
    ]
    assert records.counts()["true_match"] == 1
    decisions = list(records.audit(kind="decision"))
    assert [(d.decision, d.reviewer) for d in decisions] == [("in_review", "ana"), ("true_match", "ana")]


def test_false_positive_stays_quiet_until_a_material_change(records: MonitorStore) -> None:
    (a,) = records.record([hit()], [], actor="monitor")
    records.transition(a.id, "false_positive", actor="ana", reason="different person")
    assert records.record([hit()], [], actor="monitor") == []  # the same data: quiet
    (again,) = records.record([hit(programs=("RUSSIA-EO14024", "UKRAINE-EO13660"))], [], actor="monitor")
    assert again.id == a.id and again.state == "open"
    assert again.reason == "re-raised: entity.programmes changed"
    records.transition(a.id, "false_positive", actor="ana", reason="still not him")
    moved = Counterparty("A1", ("Ivan Petrov",), "Person", ("1961",), ("ru",))
    (third,) = records.record([hit(moved, programs=("RUSSIA-EO14024", "UKRAINE-EO13660"))], [], actor="m")
    assert third.reason == "re-raised: counterparty.birth_dates changed"


def test_four_eyes_needs_a_second_reviewer(records: MonitorStore) -> None:
    (a,) = records.record([hit()], [], actor="monitor")
    proposed = records.transition(a.id, "false_positive", actor="ana", reason="no", four_eyes=True)
    assert proposed.state == "open" and proposed.proposed_state == "false_positive"
    with pytest.raises(MonitorError, match="second reviewer"):
        records.transition(a.id, "false_positive", actor="ana", reason="no", four_eyes=True)
    closed = records.transition(a.id, "false_positive", actor="bo", reason="agreed", four_eyes=True)
    assert closed.state == "false_positive" and closed.proposed_by is None
    assert records.events(a.id)[-1].data == {"confirms": "ana"}


def test_outbox_queues_one_delivery_per_endpoint_and_event(records: MonitorStore) -> None:
    records.add_endpoint("http://127.0.0.1:9/hook", ["s1"])
    (a,) = records.record([hit()], [], actor="monitor")
    records.delist(["us-ofac-sdn-1"], 9)
    due = records.due(1e12)
    assert [d.event_id for d in due] == [f"evt_{e.seq}" for e in records.events(a.id)]
    assert b'"alert.delisted"' in due[1].body
    assert records.delivery_counts() == {"pending": 2, "retrying": 0, "delivered": 0, "dead": 0}
    records.failed(due[1].id, "HTTP 503", 1e12)
    assert records.delivery_counts() == {"pending": 1, "retrying": 1, "delivered": 0, "dead": 0}
    records.failed(due[0].id, "HTTP 500", None)
    assert [d.id for d in records.deliveries("dead")] == [due[0].id]
    assert records.delivery_counts() == {"pending": 0, "retrying": 1, "delivered": 0, "dead": 1}


def test_audit_trail_is_append_only_and_filtered(store: Store, records: MonitorStore) -> None:
    records.record(
        [hit()], [Screening(CP, {"us_ofac_sdn": 7}, "embargo-v2", [{"entity_id": "x"}])], actor="m"
    )
    (rec,) = records.audit(counterparty_id="A1")
    assert (
        rec.versions == {"us_ofac_sdn": 7} and rec.input is not None and rec.input["names"] == ["Ivan Petrov"]
    )
    assert list(records.audit(until="2000-01-01")) == []
    for sql in ("UPDATE monitor_audit SET kind = 'x'", "DELETE FROM monitor_audit"):
        with pytest.raises(Exception, match="append-only"):
            store.db.execute(sql)  # type: ignore[attr-defined]
    assert len(list(records.audit())) == 1
    with pytest.raises(MonitorError, match="not a date"):
        list(records.audit(until="tomorrow"))


def test_a_failed_write_leaves_nothing_half_written(records: MonitorStore) -> None:
    class Boom(Exception):
        pass

    def hits() -> Iterator[Hit]:
        yield hit()
        raise Boom

    with pytest.raises(Boom):
        records.record(hits(), [], actor="monitor")
    assert records.alerts() == [] and records.due(1e12) == []


def test_an_open_alert_follows_new_data_but_keeps_the_version_that_raised_it(
    records: MonitorStore,
) -> None:
    (a,) = records.record([hit()], [], actor="monitor")
    later = Hit(CP, entity(("RUSSIA-EO14024", "UKRAINE-EO13660")), 0.93, (), 12, "embargo-v2")
    assert records.record([later], [], actor="monitor") == []  # an undecided case: updated, not raised again
    now = records.alert(a.id)
    assert now.version_id == 7 and now.score == 0.93
    assert records.events(a.id)[-1].action == "updated"
    assert records.events(a.id)[-1].data["version_id"] == 12


def test_delisting_marks_the_alert_and_a_relisting_clears_it(records: MonitorStore) -> None:
    (a,) = records.record([hit()], [], actor="monitor")
    (gone,) = records.delist(["us-ofac-sdn-1", "us-ofac-sdn-404"], 9)
    assert gone.id == a.id and gone.delisted_version_id == 9 and gone.state == "open"
    assert records.delist(["us-ofac-sdn-1"], 10) == []  # delisted once, not again
    (back,) = records.record([hit()], [], actor="monitor")
    assert back.delisted_version_id is None
    assert [e.action for e in records.events(a.id)] == ["raised", "delisted", "relisted"]


def test_runs_move_the_cursor_when_they_finish(records: MonitorStore) -> None:
    assert records.cursor("us_ofac_sdn") is None
    run = records.begin_run("delta", "us_ofac_sdn", 7)
    assert [r["id"] for r in records.unfinished_runs()] == [run]
    records.finish_run(run, alerts=2, screened=30)
    assert records.cursor("us_ofac_sdn") == 7 and records.unfinished_runs() == []
    later = records.begin_run("delta", "us_ofac_sdn", 8)
    records.finish_run(later, alerts=0, screened=30)
    full = records.begin_run("full", None, None)
    records.finish_run(full, alerts=0, screened=30)
    assert records.cursor("us_ofac_sdn") == 8  # a full run moves no cursor
    assert [(r["kind"], r["alerts"]) for r in records.runs()] == [("full", 0), ("delta", 0), ("delta", 2)]


def test_the_trail_and_the_portfolio_are_read_in_order_a_page_at_a_time(
    records: MonitorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitor_trail, "PAGE", 3)
    parties = [Counterparty(f"C{i}", (f"Name {i}",)) for i in range(8)]
    records.upsert(reversed(parties))
    assert list(records.portfolio()) == parties and records.portfolio_size() == 8
    revision = records.portfolio_revision()
    records.remove(["C3"])
    assert records.portfolio_revision() > revision and len(list(records.portfolio())) == 7
    records.record([], [Screening(p, {"us_ofac_sdn": 7}, "embargo-v2", []) for p in parties], actor="m")
    (a,) = records.record([hit()], [], actor="monitor")
    records.transition(a.id, "false_positive", actor="ana", reason="not him")
    trail = list(records.audit())
    assert [r.counterparty_id for r in trail] == [p.id for p in parties] + ["A1"]
    assert [r.seq for r in trail] == sorted(r.seq for r in trail) and len({r.seq for r in trail}) == 9
    assert trail[-1].kind == "decision" and trail[-1].decision == "false_positive"
    assert [r.counterparty_id for r in records.audit(kind="screening", counterparty_id="C5")] == ["C5"]


def wave(n: int = 60) -> list[Hit]:
    """The hits of one list update for ``n`` counterparties, each against its own listed entity."""
    return [
        Hit(Counterparty(f"C{i}", (f"Name {i}",)), entity(("SDGT",), str(i)), 0.9, (), 7, "embargo-v2")
        for i in range(n)
    ]


def record_in_batches(records: MonitorStore, hits: list[Hit], actor: str) -> list[int]:
    """What a monitoring run writes: the hits in batches of 10, one transaction each; the alerts raised."""
    return [a.id for i in range(0, len(hits), 10) for a in records.record(hits[i : i + 10], [], actor=actor)]


def test_two_runs_at_once_raise_each_alert_once(opened: Callable[[], Store]) -> None:
    """Two monitoring runs (here: threads, each with its store and connections) record the same hits at
    the same moment, in batches as the engine writes them."""
    hits = wave()
    runs = [opened().monitor for _ in range(2)]
    raised: list[list[int]] = [[], []]

    def run(n: int) -> None:
        raised[n] = record_in_batches(runs[n], hits, f"run{n}")

    together(lambda: run(0), lambda: run(1))
    assert sorted(raised[0] + raised[1]) == sorted({*raised[0], *raised[1]})  # none raised by both
    alerts = runs[0].alerts()
    assert len(alerts) == 60 and len({(a.counterparty_id, a.entity_id) for a in alerts}) == 60
    assert sorted(raised[0] + raised[1]) == [a.id for a in alerts]
    assert all([e.action for e in runs[1].events(a.id)] == ["raised"] for a in alerts)
    assert len(runs[0].due(1e12)) == 0  # no endpoint: nothing queued


def test_a_decision_through_one_connection_is_read_at_once_through_another(
    opened: Callable[[], Store],
) -> None:
    one, other = opened().monitor, opened().monitor
    (a,) = one.record([hit()], [], actor="monitor")
    assert other.alert(a.id).state == "open"
    other.transition(a.id, "false_positive", actor="bo", reason="another person", four_eyes=True)
    assert one.alert(a.id).proposed_by == "bo"
    one.transition(a.id, "false_positive", actor="ana", reason="agreed", four_eyes=True)
    assert other.alert(a.id).state == "false_positive" and other.counts()["false_positive"] == 1
    assert [e.actor for e in other.events(a.id)] == ["monitor", "bo", "ana"]


# the monitoring tables as the SQLite monitoring store created them in the store's file (an excerpt)
OLD_MONITOR = """
CREATE TABLE portfolio (id TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE portfolio_history (seq INTEGER PRIMARY KEY, counterparty_id TEXT NOT NULL, at TEXT NOT NULL,
    action TEXT NOT NULL, data BLOB);
CREATE TABLE alerts (id INTEGER PRIMARY KEY, counterparty_id TEXT NOT NULL, entity_id TEXT NOT NULL,
    source TEXT NOT NULL, caption TEXT NOT NULL, state TEXT NOT NULL, score REAL NOT NULL,
    explanation BLOB NOT NULL, version_id INTEGER NOT NULL, algorithm TEXT NOT NULL, raised_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, reason TEXT NOT NULL, delisted_version_id INTEGER, proposed_state TEXT,
    proposed_by TEXT, cp_fp BLOB NOT NULL, entity_fp BLOB NOT NULL, UNIQUE (counterparty_id, entity_id));
INSERT INTO portfolio VALUES ('A1', '{"id":"A1","names":["Ivan Petrov"]}', '2026-01-02T00:00:00.000+00:00');
INSERT INTO alerts VALUES (41, 'A1', 'us-ofac-sdn-1', 'us_ofac_sdn', 'PETROV, Ivan', 'false_positive', 0.9,
    '[]', 7, 'embargo-v2', '2026-01-02', '2026-01-03', 'new', NULL, NULL, NULL, '{}', '{}');
"""


def test_a_sqlite_file_of_the_old_monitoring_store_keeps_its_records(tmp_path: Path) -> None:
    db = tmp_path / "embargo.db"
    sqlite_file_at_4(db, OLD_MONITOR)
    store = open_store(db)
    try:
        records = store.monitor
        assert [cp.names for cp in records.portfolio()] == [("Ivan Petrov",)]
        (old,) = records.alerts()
        assert (old.id, old.state, old.version_id) == (41, "false_positive", 7)
        (again,) = records.record([hit()], [], actor="monitor")  # the old fingerprints differ: re-raised
        assert again.id == 41 and again.state == "open" and records.events(41)[0].action == "re-raised"
        assert list(records.audit()) == [] and records.due(1e12) == []  # the tables the old file lacked
    finally:
        store.close()


RUN = """
import sys, time
from embargo.store import open_store
from tests.store.test_monitor import record_in_batches, wave
store = open_store(sys.argv[1])
hits = wave()
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(len(record_in_batches(store.monitor, hits, sys.argv[3])))
store.close()
"""


def test_two_monitoring_processes_on_postgresql_raise_each_alert_once(pg_server: str) -> None:
    url = pgserver.new_database(pg_server)
    store = open_store(url, upgrade=True)  # the tables exist before both start
    try:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        at = str(time.time() + 4)  # both start writing at this moment, once imported and connected
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", RUN, url, at, f"p{n}"], env=env, stdout=subprocess.PIPE, text=True
            )
            for n in range(2)
        ]
        said = [p.communicate(timeout=120)[0] for p in procs]
        assert [p.returncode for p in procs] == [0, 0]
        assert sum(int(out) for out in said) == 60  # between them, every alert raised once
        alerts = store.monitor.alerts()
        assert len(alerts) == 60 and all(len(store.monitor.events(a.id)) == 1 for a in alerts)
    finally:
        store.close()
