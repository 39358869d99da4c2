"""Ingest publishes what changed: each version in force hands its VersionDelta to the service's
subscribers, computed once; diff reads the same calculation. And the service's screening owns the
filters every shell offers (sources, excluded ids, changed-since)."""

from __future__ import annotations

from pathlib import Path

import pytest

from embargo.service import Service
from embargo.service.events import Event, VersionDelta

SDN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists" / "us_ofac_sdn"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Event]]:
    db = tmp_path_factory.mktemp("delta") / "embargo.db"
    svc = Service.open(db)
    events: list[Event] = []
    unsubscribe = svc.subscribe(events.append)
    try:
        outcomes = svc.ingest([SDN / "2022-03-21", SDN / "2022-03-24"])
    finally:
        unsubscribe()
        svc.close()
    assert [o.status for o in outcomes] == ["created", "created"]
    return db, events


def test_each_new_version_hands_its_delta_to_subscribers(ingested: tuple[Path, list[Event]]) -> None:
    db, events = ingested
    deltas = [e for e in events if isinstance(e, VersionDelta)]
    assert len(deltas) == 2
    first, wave = deltas
    assert first.previous_id is None and len(first.added) > 9000 and not first.removed
    assert wave.previous_id == first.version_id and wave.publish_date == "2022-03-24"
    assert (len(wave.added), len(wave.removed), len(wave.changed)) == (397, 0, 7)
    assert all(c.old_hash is None and c.new_hash for c in wave.added)
    assert all(c.old_hash and c.new_hash and c.old_hash != c.new_hash for c in wave.changed)
    # diff reads the same calculation
    svc = Service.open(db)
    try:
        d = svc.diff("us_ofac_sdn", "2022-03-21", "2022-03-24")
    finally:
        svc.close()
    assert d.delta.added == wave.added and d.delta.changed == wave.changed
    assert sorted(e.id for e in d.added) == [c.entity_id for c in wave.added]


def test_a_failing_subscriber_does_not_stop_ingest(tmp_path: Path) -> None:
    svc = Service.open(tmp_path / "e.db")
    seen: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("receiver down")

    svc.subscribe(broken)
    svc.subscribe(seen.append)
    try:
        [out] = svc.ingest([SDN / "2022-03-21"])
    finally:
        svc.close()
    assert out.status == "created" and out.delta is not None
    assert [type(e) for e in seen] == [VersionDelta]


def test_the_service_screens_with_every_filter(ingested: tuple[Path, list[Event]]) -> None:
    db, _ = ingested
    svc = Service.open(db)
    try:
        plain = svc.screen("Dmitri Rogosin", limit=3)
        assert plain.matches and plain.matches[0].entity.source_id == "16649"
        assert [v.source for v in plain.versions] == ["us_ofac_sdn"]
        top = plain.matches[0].entity.id
        assert top not in [m.entity.id for m in svc.screen("Dmitri Rogosin", exclude=[top]).matches]
        # Rogozin's record did not change on 2022-03-24; the wave's new designations did
        assert not svc.screen("Dmitri Rogosin", changed_since="2022-03-24").matches
        new = svc.screen("Sergei Chemezov", changed_since="2022-03-24", limit=3)
        recent = svc.screen("Sergei Chemezov", limit=3)
        assert {m.entity.id for m in new.matches} <= {m.entity.id for m in recent.matches}
        past = svc.screen("Dmitri Rogosin", as_of="2022-03-22")
        assert past.as_of == "2022-03-22" and [v.publish_date for v in past.versions] == ["2022-03-21"]
    finally:
        svc.close()
