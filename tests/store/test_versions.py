"""The Store protocol on every backend: versions, states, history, held versions, atomic and concurrent
writes, and a version stored by one process seen by another."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from embargo.errors import StoreError
from embargo.store import Store
from tests.store.helpers import entity, version


def test_a_publication_is_stored_once_and_read_back(store: Store) -> None:
    a, b = entity("1", "Anna Alpha", "1960"), entity("2", "Boris Beta")
    v1, created = store.add_version(version("2022-01-01", [a, b]))
    assert created and v1.entity_count == 2 and not v1.held
    again, created = store.add_version(version("2022-01-01", [b, a]))
    assert not created and again == v1
    v2, created = store.add_version(version("2022-01-05", [a, b]))  # same content, later date: new version
    assert created and v2.content_hash == v1.content_hash
    assert [v.id for v in store.versions("test_src")] == [v1.id, v2.id]
    assert store.version(v1.id) == v1 and store.sources() == ["test_src"]
    members = store.members(v1.id)
    assert set(members) == {a.id, b.id}
    assert store.state(members[a.id]) == a
    assert store.states(members.values()) == {members[a.id]: a, members[b.id]: b}
    assert [e.id for e in store.entities_at(v1.id)] == sorted([a.id, b.id])
    assert store.find_entity_id(a.id) == a.id and store.find_entity_id("test_src:2") == b.id
    assert store.find_entity_id("test_src:99") is None and store.find_entity_id("nope") is None
    with pytest.raises(StoreError, match="no version 999"):
        store.version(999)
    with pytest.raises(StoreError, match="no entity state"):
        store.state("0" * 40)


def test_history_follows_an_entity_through_versions(store: Store) -> None:
    store.add_version(version("2022-01-01", [entity("1", "A"), entity("2", "B")]))
    store.add_version(version("2022-02-01", [entity("1", "A", "1960")]))
    v3, _ = store.add_version(version("2022-03-01", [entity("1", "A", "1960"), entity("2", "B")]))
    b_id = store.find_entity_id("test_src:2")
    assert b_id is not None
    assert [m.state_hash is not None for m in store.history(b_id)] == [True, False, True]
    a_states = [m.state_hash for m in store.history(store.find_entity_id("test_src:1") or "")]
    assert a_states[0] != a_states[1] == a_states[2]
    assert store.history("unknown") == []
    assert store.versions()[-1] == v3


def test_a_held_version_is_not_in_force_until_released(store: Store) -> None:
    v1, _ = store.add_version(version("2022-01-01", [entity("1", "Old Name")]))
    held, created = store.add_version(version("2022-02-01", [entity("1", "New Name")], hold="removes 90%"))
    assert created and held.held and held.hold_reason == "removes 90%"
    assert store.versions() == [v1] and [v.id for v in store.versions(include_held=True)] == [v1.id, held.id]
    only_held, _ = store.add_version(
        version("2022-01-01", [entity("9", "X", source="other")], source="other", hold="new")
    )
    assert store.sources() == ["test_src"]  # a source with only a held version has none in force
    eid = store.find_entity_id("test_src:1")
    assert eid is not None and [m.version.id for m in store.history(eid)] == [v1.id]
    with pytest.raises(StoreError, match="is not held"):
        store.release(v1.id)
    released = store.release(held.id)
    assert not released.held and released.released_at is not None
    assert [v.id for v in store.versions()] == [v1.id, held.id]
    with pytest.raises(StoreError, match="is not held"):
        store.release(held.id)
    assert only_held.held


def test_a_failed_add_version_leaves_the_store_unchanged(store: Store) -> None:
    v1, _ = store.add_version(version("2022-01-01", [entity("1", "A")]))
    dup = [entity("5", "X"), entity("5", "X2")]  # one entity id twice: the members key refuses it
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        store.add_version(version("2022-02-01", dup))
    assert store.versions(include_held=True) == [v1]
    assert store.find_entity_id("test_src:5") is None
    v2, created = store.add_version(version("2022-02-01", [entity("5", "X")]))  # the store still works
    assert created and store.find_entity_id("test_src:5") is not None and v2.id != v1.id


def test_stored_data_outlives_the_connection(opened: Callable[[], Store]) -> None:
    first = opened()
    v1, _ = first.add_version(version("2022-01-01", [entity("1", "A")]))
    first.close()
    assert opened().versions() == [v1]


def test_two_processes_storing_one_publication_store_one_version(opened: Callable[[], Store]) -> None:
    """Two stores (two connections, as two processes have) add the same publication at the same moment."""
    stores = [opened(), opened()]
    many = [entity(str(i), f"Person {i}") for i in range(2000)]
    start = threading.Barrier(2)
    results: list[tuple[int, bool]] = []

    def ingest(s: Store) -> None:
        start.wait()
        v, created = s.add_version(version("2022-01-01", many))
        results.append((v.id, created))

    threads = [threading.Thread(target=ingest, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(c for _, c in results) == [False, True]
    assert len({vid for vid, _ in results}) == 1
    assert len(stores[0].versions(include_held=True)) == 1 and stores[0].versions()[0].entity_count == 2000


def test_a_version_stored_by_one_process_is_seen_by_another(opened: Callable[[], Store]) -> None:
    writer, reader = opened(), opened()
    seen = threading.Event()
    watch = reader.watch(seen.set, interval=0.2)
    try:
        time.sleep(0.3)
        assert not seen.is_set()
        held, _ = writer.add_version(version("2022-01-01", [entity("1", "A")], hold="check"))
        assert not seen.wait(1.0)  # a held version is not in force: nobody is told
        started = time.monotonic()
        writer.release(held.id)
        assert seen.wait(5.0)
        seen.clear()
        writer.add_version(version("2022-02-01", [entity("1", "B")]))
        assert seen.wait(5.0)
        assert time.monotonic() - started < 10
        assert [v.id for v in reader.versions()] == [v.id for v in writer.versions()]
    finally:
        watch.stop()
