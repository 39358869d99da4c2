from __future__ import annotations

from pathlib import Path

import pytest

from embargo.errors import StoreError
from embargo.model import Entity, Name, make_entity
from embargo.service.history import diff, entity_view
from embargo.store import NewVersion, SQLiteStore


def _e(list_id: str, name: str, dob: str | None = None) -> Entity:
    return make_entity(
        source="test_src",
        source_id=list_id,
        schema="Person",
        names=[Name(name)],
        birth_dates=[dob] if dob else [],
    )


def _v(date: str, entities: list[Entity], label: str | None = None) -> NewVersion:
    return NewVersion("test_src", date, "folder", "test", label or date, ("f.csv",), tuple(entities))


def test_diff_and_history(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.add_version(_v("2022-01-01", [_e("1", "A"), _e("2", "B")]))
    store.add_version(_v("2022-02-01", [_e("1", "A", "1960"), _e("3", "C")]))
    store.add_version(_v("2022-03-01", [_e("1", "A", "1960"), _e("2", "B"), _e("3", "C")]))
    d = diff(store, "test_src").to_dict()
    assert [e["source_id"] for e in d["added"]] == ["2"] and d["removed"] == [] and d["changed"] == []
    d = diff(store, "test_src", "2022-01-01", "2022-02-01").to_dict()
    assert [e["source_id"] for e in d["added"]] == ["3"]
    assert [e["source_id"] for e in d["removed"]] == ["2"]
    assert d["changed"][0]["changes"] == {"birth_dates": {"added": ["1960"], "removed": []}}
    view = entity_view(store, "test_src:2").to_dict()
    assert view["status"] == "listed"
    assert [h["status"] for h in view["history"]] == ["listed", "not listed", "listed"]
    assert entity_view(store, "test_src:2", as_of="2022-02-15").to_dict()["status"] == "not listed"
    assert (
        entity_view(store, "test_src:1", as_of="2022-01-15").to_dict()["entity"]["names"][0]["value"] == "A"
    )
    assert "birth_dates" not in entity_view(store, "test_src:1", as_of="2022-01-15").to_dict()["entity"]
    assert entity_view(store, "test_src:1").to_dict()["entity"]["birth_dates"] == ["1960"]
    with pytest.raises(StoreError, match="no entity"):
        entity_view(store, "test_src:99")


def test_not_a_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not an embargo store"):
        SQLiteStore(bad)
