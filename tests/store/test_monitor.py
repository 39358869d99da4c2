"""The monitoring store (``store.monitor``) on every backend: portfolio history, alert states, remembered
decisions, four-eyes, delisting, the outbox and the append-only audit trail; an old SQLite file keeps its
records; on PostgreSQL, two runs at once raise each alert once and a decision is seen at once elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from embargo.model import Entity, Name, Sanction, make_entity
from embargo.store import Store
from embargo.store.monitor import Counterparty, Hit, MonitorError, MonitorStore, Screening

CP = Counterparty("A1", ("Ivan Petrov",), "Person", ("1960",), ("ru",))


def entity(programs: tuple[str, ...]) -> Entity:
    return make_entity(
        source="us_ofac_sdn",
        source_id="1",
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
    records.failed(due[0].id, "HTTP 500", None)
    assert [d.id for d in records.deliveries("dead")] == [due[0].id]


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
