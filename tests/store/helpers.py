"""Small publications for the store suite."""

from __future__ import annotations

from embargo.model import Entity, Name, make_entity
from embargo.store import NewVersion


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
