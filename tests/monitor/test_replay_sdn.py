"""The must-show replay: every OFAC SDN version from 2021-12-22 to 2024-05-02, in order, against 100,000
synthetic counterparties with planted names from later versions and some delisted later. Each planted name
alerts exactly at the version that lists it; each delisted one raises its delisting event.

Slow (ingesting 28 publications takes minutes): ``make test-slow``. The default suite runs the same
checks on the waves store (tests/monitor/test_engine.py)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from embargo.model import Entity
from embargo.service import Service
from embargo.service.events import version_delta
from embargo.service.monitor import Monitor, open_monitor
from embargo.store import SQLiteStore, Version
from tests.monitor.conftest import synthetic
from tests.monitor.test_engine import as_party

FIRST, LAST = "2021-12-22", "2024-05-02"
PER_VERSION = 3  # planted names per version


@pytest.mark.slow
def test_sdn_2021_to_2024_replay(lists_dir: Path, tmp_path: Path) -> None:
    sdn = lists_dir / "us_ofac_sdn"
    folders = sorted(p for p in sdn.iterdir() if p.is_dir() and FIRST <= p.name[:10] <= LAST)
    db = tmp_path / "embargo.db"
    svc = Service.open(db)
    try:
        outcomes = svc.ingest(folders)
    finally:
        svc.close()
    assert all(o.status == "created" for o in outcomes)
    store = SQLiteStore(db)
    records = store.monitor
    versions = store.versions("us_ofac_sdn")
    assert len(versions) == len(folders) >= 28
    first = store.members(versions[0].id)
    planted: dict[str, tuple[Entity, Version]] = {}
    delisted: dict[str, tuple[Entity, Version]] = {}
    for before, v in itertools.pairwise(versions):
        d = version_delta(store, v, before)
        new = [c for c in d.added if c.entity_id not in first][:PER_VERSION]
        for c in new:
            planted[f"P{len(planted)}"] = (store.state(c.new_hash or ""), v)
        for c in [c for c in d.removed if c.entity_id in first][:2]:
            delisted[f"D{len(delisted)}"] = (store.state(c.old_hash or ""), v)
    assert len(planted) > 60 and len(delisted) >= 15
    portfolio = synthetic(100_000) + [as_party(k, e) for k, (e, _) in (planted | delisted).items()]

    monitor = Monitor(store, records)
    monitor.add(portfolio, at=(versions[0],))
    reports = monitor.run()
    assert [r.version_id for r in reports] == [v.id for v in versions[1:]]
    for cid, (e, v) in planted.items():
        (a,) = [a for a in records.alerts(counterparty_id=cid) if a.entity_id == e.id]
        assert a.version_id == v.id, (cid, e.caption, v.label)
    for cid, (e, v) in delisted.items():
        (a,) = [a for a in records.alerts(counterparty_id=cid) if a.entity_id == e.id]
        assert a.delisted_version_id == v.id, (cid, e.caption, v.label)
        assert "delisted" in [ev.action for ev in records.events(a.id)]
    assert max(r.candidates for r in reports) < 2_000  # the deltas flag a few, never the whole book


@pytest.mark.slow
def test_a_real_version_whose_diff_is_empty_raises_nothing(lists_dir: Path, tmp_path: Path) -> None:
    """UN 2026-01-28 holds the same entries as 2025-12-10 (only dateGenerated differs)."""
    un = lists_dir / "un_sc_consolidated"
    svc = Service.open(tmp_path / "embargo.db")
    try:
        svc.ingest([un / "2025-12-10"])
        monitor = open_monitor(svc)
        listed = list(svc.store.entities_at(svc.store.versions("un_sc")[-1].id))[:300]
        monitor.add([as_party(f"U{i}", e) for i, e in enumerate(listed)])
        alerts, events = len(monitor.records.alerts()), len(monitor.records.due(1e12))
        monitor.attach(svc.subscribe)
        (outcome,) = svc.ingest([un / "2026-01-28"])
        assert outcome.status == "created"
        (report,) = monitor.run()  # (the event of an empty delta is skipped; a run notes the version)
        assert report.raised == [] and report.delisted == [] and report.candidates == 0
        assert len(monitor.records.alerts()) == alerts and len(monitor.records.due(1e12)) == events
        monitor.close()
    finally:
        svc.close()
