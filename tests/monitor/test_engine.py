"""The monitoring engine over real OFAC SDN and UN versions (the waves store: SDN 2022-03-18, -21, -24 and
UN 2020-03-20, 2020-11-23, 2022-09-15), a synthetic portfolio with planted listed names."""

from __future__ import annotations

from pathlib import Path

import pytest

from embargo.model import Entity
from embargo.service import Service
from embargo.service.events import version_delta
from embargo.service.monitor import Monitor, open_monitor
from embargo.store import SQLiteStore, Version
from embargo.store.monitor import Counterparty, MonitorStore
from tests.monitor.conftest import synthetic


def as_party(cid: str, e: Entity) -> Counterparty:
    return Counterparty(cid, (e.caption,), e.schema, e.birth_dates[:1], identifiers=())


def added(store: SQLiteStore, v: Version, before: Version) -> list[Entity]:
    d = version_delta(store, v, before)
    return list(store.states([c.new_hash for c in d.added if c.new_hash]).values())


@pytest.mark.parametrize("strategy", ["book", pytest.param("stream", marks=pytest.mark.slow)])
def test_replay_alerts_each_planted_name_at_the_version_that_lists_it(
    stores: tuple[SQLiteStore, MonitorStore], strategy: str
) -> None:
    store, records = stores
    sdn, un = store.versions("us_ofac_sdn"), store.versions("un_sc")
    later = {e.id: (e, sdn[1]) for e in added(store, sdn[1], sdn[0])}
    later |= {e.id: (e, sdn[2]) for e in sorted(added(store, sdn[2], sdn[1]), key=lambda e: e.id)[:8]}
    un_first, un_second = store.members(un[0].id), store.members(un[1].id)
    gone_ids = (
        sorted(set(un_first) - set(un_second))[:1] + sorted(set(un_second) - set(store.members(un[2].id)))[:2]
    )
    gone = [store.state(un_first.get(k) or un_second[k]) for k in gone_ids]
    planted = {f"P{i}": e for i, (e, _) in enumerate(later.values())}
    delisted = {f"D{i}": e for i, e in enumerate(gone)}
    portfolio = synthetic(2000) + [as_party(k, e) for k, e in (planted | delisted).items()]

    monitor = Monitor(store, records, strategy=strategy)
    first = monitor.add(portfolio, at=(sdn[0], un[0]))
    assert first.screened == len(portfolio)
    early = {(a.counterparty_id, a.entity_id) for a in records.alerts()}
    assert not any((k, e.id) in early for k, e in planted.items())  # not listed yet
    # the UN ones delisted later are listed at the start (those removed at 2022-09-15 were also in 2020-03-20)
    assert {("D0", gone[0].id)} <= early

    reports = monitor.run()
    assert [(r.source, r.version_id) for r in reports] == [
        ("un_sc", un[1].id), ("us_ofac_sdn", sdn[1].id), ("us_ofac_sdn", sdn[2].id),
        ("un_sc", un[2].id),
    ]  # fmt: skip
    for cid, e in planted.items():
        (a,) = [a for a in records.alerts(counterparty_id=cid) if a.entity_id == e.id]
        assert a.version_id == later[e.id][1].id, (cid, e.caption)
        assert a.explanation and a.score >= monitor.threshold
    for cid, e in delisted.items():
        alerts = [a for a in records.alerts(counterparty_id=cid) if a.entity_id == e.id]
        if not alerts:  # listed only in the UN version in between: raised there, then delisted
            continue
        (a,) = alerts
        removed_at = un[1] if e.id not in un_second else un[2]
        assert a.delisted_version_id == removed_at.id
        assert records.events(a.id)[-1].action == "delisted"
    # the delta run screened the whole portfolio through the small index, and confirmed only a few
    assert all(r.screened == len(portfolio) for r in reports)
    assert reports[1].candidates < 50

    # idempotent: the deltas again raise nothing; an empty delta raises nothing
    assert monitor.process(version_delta(store, sdn[2], sdn[1])).raised == []
    assert monitor.run() == []
    empty = version_delta(store, sdn[2], sdn[2])
    assert empty.empty and monitor.process(empty).raised == []
    # the full re-screen finds nothing the deltas missed
    before = len(records.alerts())
    assert monitor.run(full=True)[0].raised == [] and len(records.alerts()) == before


def test_a_false_positive_stays_quiet_until_the_entity_changes_materially(
    stores: tuple[SQLiteStore, MonitorStore],
) -> None:
    store, records = stores
    sdn, un = store.versions("us_ofac_sdn"), store.versions("un_sc")
    d = version_delta(store, sdn[2], sdn[1])
    changed = {c.entity_id: c for c in d.changed}
    skoch = store.state(changed["us-ofac-sdn-16710"].old_hash or "")  # programmes change at 2022-03-24
    steady = next(e for e in store.entities_at(sdn[1].id) if e.id not in changed and e.schema == "Person")
    monitor = Monitor(store, records)
    monitor.add([as_party("S", skoch), as_party("T", steady)], at=(sdn[1], un[-1]))
    s_alert = next(a for a in records.alerts(counterparty_id="S") if a.entity_id == skoch.id)
    t_alert = next(a for a in records.alerts(counterparty_id="T") if a.entity_id == steady.id)
    for a in (s_alert, t_alert):
        records.transition(a.id, "false_positive", actor="ana", reason="another person")
    monitor.run()
    assert records.alert(t_alert.id).state == "false_positive"  # unchanged: quiet
    again = records.alert(s_alert.id)
    assert again.state == "open" and again.reason == "re-raised: entity.programmes changed"
    assert again.version_id == sdn[2].id
    # the counterparty's own data changing re-screens it at once, and names the change
    moved = Counterparty("T", (steady.caption,), steady.schema, ("1901",))
    monitor.add([moved])
    assert records.alert(t_alert.id).reason == "re-raised: counterparty.birth_dates changed"


def test_attached_to_a_service_it_processes_each_ingested_version(wave_db: Path, lists_dir: Path) -> None:
    svc = Service.open(wave_db)
    try:
        un = svc.store.versions("un_sc")
        later = lists_dir / "un_sc_consolidated" / "2024-11-30"
        members = svc.store.members(un[-1].id)
        monitor = open_monitor(svc)
        listed = [svc.store.state(h) for _, h in sorted(members.items())[:400]]
        monitor.add([as_party(f"U{i}", e) for i, e in enumerate(listed)])
        before = {(a.counterparty_id, a.entity_id) for a in monitor.records.alerts()}
        unsubscribe = monitor.attach(svc.subscribe)
        (outcome,) = svc.ingest([later])
        unsubscribe()
        assert outcome.status == "created"
        new = svc.store.versions("un_sc")[-1]
        assert monitor.records.cursor("un_sc") == new.id  # processed as it was ingested
        gone = set(members) - set(svc.store.members(new.id))
        delisted = [a for a in monitor.records.alerts() if a.delisted_version_id == new.id]
        assert delisted and {a.entity_id for a in delisted} == gone & {e for _, e in before}
        monitor.close()
    finally:
        svc.close()
