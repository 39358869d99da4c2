"""History: what changed between two versions, and one entity across every version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from embargo.errors import StoreError
from embargo.model import Entity, entity_to_dict
from embargo.service.events import VersionDelta, version_delta
from embargo.store import Store, Version


def resolve_version(store: Store, source: str, ref: str) -> Version:
    """A version by id (``12``), folder label (``2022-02-23_2``) or date (the last version of that date)."""
    versions = store.versions(source)
    if not versions:
        raise StoreError(
            f"no versions of {source!r} in the store (known: {', '.join(store.sources()) or 'none'})"
        )
    if ref.isdigit():
        for v in versions:
            if v.id == int(ref):
                return v
        raise StoreError(f"{source} has no version with id {ref}")
    for v in reversed(versions):
        if v.label == ref:
            return v
    for v in reversed(versions):
        if v.publish_date == ref:
            return v
    raise StoreError(f"{source} has no version {ref!r} (use an id, a folder label or a publish date)")


def version_at(store: Store, source: str, when: str) -> Version | None:
    """The version of ``source`` in force on date ``when`` (the last one published on or before it)."""
    _check_date(when)
    current = None
    for v in store.versions(source):
        if v.publish_date <= when:
            current = v
    return current


def _check_date(when: str) -> None:
    try:
        date.fromisoformat(when)
    except ValueError as exc:
        raise StoreError(f"{when!r} is not a date (expected YYYY-MM-DD)") from exc


def field_changes(old: Entity, new: Entity) -> dict[str, Any]:
    """Per field: the values added and removed (lists) or old/new (single values)."""
    a, b = entity_to_dict(old), entity_to_dict(new)
    out: dict[str, Any] = {}
    for key in sorted(a.keys() | b.keys()):
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        if isinstance(va, list | None) and isinstance(vb, list | None) and (va or vb):
            la, lb = va or [], vb or []
            out[key] = {
                "added": [x for x in lb if x not in la],
                "removed": [x for x in la if x not in lb],
            }
        elif isinstance(va, dict) and isinstance(vb, dict):
            out[key] = {
                k: {"old": va.get(k), "new": vb.get(k)}
                for k in sorted(va.keys() | vb.keys())
                if va.get(k) != vb.get(k)
            }
        else:
            out[key] = {"old": va, "new": vb}
    return out


@dataclass(frozen=True)
class ChangedEntity:
    """An entity in both versions with another state: its new state and the field changes."""

    entity: Entity
    changes: dict[str, Any]


@dataclass(frozen=True)
class VersionDiff:
    """What changed between two versions of a list: the entities added, removed and changed."""

    source: str
    from_version: Version
    to_version: Version
    added: tuple[Entity, ...]
    removed: tuple[Entity, ...]
    changed: tuple[ChangedEntity, ...]
    delta: VersionDelta

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": self.from_version.to_dict(),
            "to": self.to_version.to_dict(),
            "added": [entity_to_dict(e) for e in self.added],
            "removed": [entity_to_dict(e) for e in self.removed],
            "changed": [{"entity": entity_to_dict(c.entity), "changes": c.changes} for c in self.changed],
        }


def diff(store: Store, source: str, from_ref: str | None = None, to_ref: str | None = None) -> VersionDiff:
    versions = store.versions(source)
    if not versions:
        raise StoreError(
            f"no versions of {source!r} in the store (known: {', '.join(store.sources()) or 'none'})"
        )
    to_v = resolve_version(store, source, to_ref) if to_ref else versions[-1]
    if from_ref:
        from_v = resolve_version(store, source, from_ref)
    else:
        earlier = [v for v in versions if (v.publish_date, v.id) < (to_v.publish_date, to_v.id)]
        if not earlier:
            raise StoreError(f"{source} has only one version up to {to_v.label}: nothing to compare")
        from_v = earlier[-1]
    delta = version_delta(store, to_v, from_v, in_force=False)
    states = store.states(
        [c.new_hash for c in (*delta.added, *delta.changed) if c.new_hash]
        + [c.old_hash for c in (*delta.removed, *delta.changed) if c.old_hash]
    )
    return VersionDiff(
        source=source,
        from_version=from_v,
        to_version=to_v,
        added=tuple(states[c.new_hash] for c in delta.added if c.new_hash),
        removed=tuple(states[c.old_hash] for c in delta.removed if c.old_hash),
        changed=tuple(
            ChangedEntity(states[c.new_hash], field_changes(states[c.old_hash], states[c.new_hash]))
            for c in delta.changed
            if c.new_hash and c.old_hash
        ),
        delta=delta,
    )


@dataclass(frozen=True)
class Period:
    """Consecutive versions in which an entity had one state (or was absent)."""

    first: Version
    last: Version
    state_hash: str | None
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "listed" if self.state_hash else "not listed",
            "from": {"version": self.first.id, "label": self.first.label, "date": self.first.publish_date},
            "to": {"version": self.last.id, "label": self.last.label, "date": self.last.publish_date},
            "versions": self.count,
            "state": self.state_hash,
        }


@dataclass(frozen=True)
class EntityHistory:
    """One entity as it stood on a date (default: its latest listed state), with its history: the
    periods of unchanged state (``history``, each with its sanctions and the changes that opened it) and
    the versions that listed it."""

    id: str
    as_of: str | None
    status: str  # listed, delisted (the latest version drops it), not listed (on ``as_of``)
    version: Version | None  # the version in force on ``as_of``
    entity: Entity
    history: tuple[dict[str, Any], ...]
    versions: tuple[Version, ...]

    @property
    def first_seen(self) -> Version:
        return self.versions[0]

    @property
    def last_seen(self) -> Version:
        return self.versions[-1]

    def to_dict(self) -> dict[str, Any]:
        def ref(v: Version) -> dict[str, Any]:
            return {"version": v.id, "label": v.label, "date": v.publish_date}

        return {
            "id": self.id,
            "as_of": self.as_of,
            "status": self.status,
            "version": self.version.to_dict() if self.version else None,
            "entity": entity_to_dict(self.entity),
            "first_seen": ref(self.first_seen),
            "last_seen": ref(self.last_seen),
            "history": list(self.history),
            "versions": [ref(v) for v in self.versions],
        }


def entity_view(store: Store, ref: str, as_of: str | None = None) -> EntityHistory:
    """The record as it stood on a date (default: its latest listed state), with its history."""
    entity_id = store.find_entity_id(ref)
    if entity_id is None:
        raise StoreError(
            f"no entity {ref!r} in the store (use an embargo id or SOURCE:LIST_ID, e.g. us_ofac_sdn:16649)"
        )
    history = store.history(entity_id)
    periods: list[Period] = []
    for m in history:
        if periods and periods[-1].state_hash == m.state_hash:
            p = periods[-1]
            periods[-1] = Period(p.first, m.version, p.state_hash, p.count + 1)
        else:
            periods.append(Period(m.version, m.version, m.state_hash, 1))
    # drop the leading "not listed" period: before its first listing an entity simply did not exist yet
    while periods and periods[0].state_hash is None:
        periods.pop(0)
    listed_in = [m.version for m in history if m.state_hash]
    state_hash: str | None
    status: str
    at: Version | None = None
    if as_of:
        source = history[0].version.source
        at = version_at(store, source, as_of)
        current = next((m for m in history if at is not None and m.version.id == at.id), None)
        state_hash = current.state_hash if current else None
        status = "listed" if state_hash else "not listed"
        if state_hash is None:
            # show what we know of it: the last state before that date, or its first listing
            prior = [
                m for m in history if m.state_hash and at is not None and m.version.publish_date <= as_of
            ]
            fallback = prior[-1] if prior else next(m for m in history if m.state_hash)
            shown = fallback.state_hash
        else:
            shown = state_hash
    else:
        last = history[-1]
        status = "listed" if last.state_hash else "delisted"
        shown = next(m.state_hash for m in reversed(history) if m.state_hash)
    assert shown is not None
    hashes = {p.state_hash for p in periods if p.state_hash} | {shown}
    states = store.states(hashes)
    entity = states[shown]
    sanctions_history = []
    prev_hash: str | None = None
    for p in periods:
        if p.state_hash:
            item = {**p.to_dict(), "sanctions": entity_to_dict(states[p.state_hash]).get("sanctions", [])}
            item["changes"] = field_changes(states[prev_hash], states[p.state_hash]) if prev_hash else {}
            prev_hash = p.state_hash
            sanctions_history.append(item)
        else:
            sanctions_history.append(p.to_dict())
    return EntityHistory(
        id=entity_id,
        as_of=as_of,
        status=status,
        version=at,
        entity=entity,
        history=tuple(sanctions_history),
        versions=tuple(listed_in),
    )
