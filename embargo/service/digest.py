"""The change digest: per authority, what each new version added, removed and changed.

A digest covers the versions published in a date range (one day by default) across every source:
each is compared with the version of its source before it, as ``embargo diff`` does. Added parties
are also counted by programme and sector. :meth:`Digest.to_json` is the payload a monitoring
webhook sends (``"type": "embargo.digest"``, versioned by ``"schema_version"``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import orjson

from embargo.errors import StoreError
from embargo.model import Entity
from embargo.service.events import VersionDelta
from embargo.service.facets import Filters, check_date, facets, source_authority
from embargo.sources.sectors import SectorTag, explain_entity
from embargo.store import Store, Version

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Party:
    entity_id: str
    source_id: str
    caption: str
    schema: str
    programmes: tuple[str, ...]
    sectors: tuple[str, ...]
    countries: tuple[str, ...]
    sector_rules: tuple[SectorTag, ...] = ()  # why each sector: the rule that gave it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entity_id,
            "source_id": self.source_id,
            "caption": self.caption,
            "schema": self.schema,
            "programmes": list(self.programmes),
            "sectors": list(self.sectors),
            "sector_rules": {t.sector: t.rule for t in self.sector_rules},
            "countries": list(self.countries),
        }

    def rule(self, sector: str) -> str:
        return next((t.rule for t in self.sector_rules if t.sector == sector), "")


def party(e: Entity) -> Party:
    f = facets(e)
    return Party(e.id, e.source_id, e.caption, e.schema, f.programme, f.sector, f.country, explain_entity(e))


@dataclass(frozen=True)
class FieldChange:
    """One field of a changed party: the values it gained and lost (as short phrases)."""

    field: str
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "added": list(self.added), "removed": list(self.removed)}


def _values(e: Entity) -> dict[str, set[str]]:
    return {
        "names": {n.value for n in e.names},
        "identifiers": {f"{i.type} {i.value}" for i in e.identifiers},
        "programmes": {p for s in e.sanctions for p in s.programs},
        "sectors": {t for s in e.sanctions for t in s.sectors},
        "birth dates": set(e.birth_dates),
        "countries": {c.upper() for c in (*e.countries, *e.nationalities)},
        "addresses": {a.full for a in e.addresses},
        "measures": {m for s in e.sanctions for m in s.measures},
    }


def field_changes(old: Entity, new: Entity) -> tuple[FieldChange, ...]:
    """Names, identifiers, programmes, sectors... gained and lost; other facts by field name only."""
    a, b = _values(old), _values(new)
    out = [FieldChange(k, tuple(sorted(b[k] - a[k])), tuple(sorted(a[k] - b[k]))) for k in a if a[k] != b[k]]
    if old.props != new.props:
        keys = {k for k, _ in old.props} ^ {k for k, _ in new.props}
        keys |= {k for k, v in old.props if new.prop(k) != v}
        out.append(FieldChange("other facts", tuple(sorted(keys)), ()))
    return tuple(out)


@dataclass(frozen=True)
class Changed:
    party: Party
    changes: tuple[FieldChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.party.to_dict(), "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class VersionDigest:
    """One new version of one source against the one before it."""

    source: str
    authority: str
    previous: Version | None  # None: the source's first version (its parties are not listed)
    version: Version
    added: tuple[Party, ...]
    removed: tuple[Party, ...]
    changed: tuple[Changed, ...]

    def to_dict(self) -> dict[str, Any]:
        p, v = self.previous, self.version
        return {
            "source": self.source,
            "authority": self.authority,
            "from": None if p is None else {"id": p.id, "label": p.label, "date": p.publish_date},
            "to": {"id": v.id, "label": v.label, "date": v.publish_date},
            "counts": {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)},
            "added": [x.to_dict() for x in self.added],
            "removed": [x.to_dict() for x in self.removed],
            "changed": [x.to_dict() for x in self.changed],
        }


def _count(parties: list[Party], attr: str, none: str) -> tuple[tuple[str, int], ...]:
    c = Counter(v for p in parties for v in (getattr(p, attr) or (none,)))
    return tuple(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class Digest:
    start: str
    end: str
    filters: Filters
    versions: tuple[VersionDigest, ...]

    @property
    def authorities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.authority for v in self.versions))

    def of(self, authority: str) -> tuple[VersionDigest, ...]:
        return tuple(v for v in self.versions if v.authority == authority)

    def added(self, authority: str | None = None) -> list[Party]:
        return [p for v in self.versions if authority in (None, v.authority) for p in v.added]

    def by_programme(self, authority: str | None = None) -> tuple[tuple[str, int], ...]:
        """Additions per programme (a party in two programmes counts in both)."""
        return _count(self.added(authority), "programmes", "(no programme)")

    def by_sector(self, authority: str | None = None) -> tuple[tuple[str, int], ...]:
        return _count(self.added(authority), "sectors", "(no sector)")

    def counts(self) -> dict[str, int]:
        return {k: sum(len(getattr(v, k)) for v in self.versions) for k in ("added", "removed", "changed")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "embargo.digest",
            "schema_version": SCHEMA_VERSION,
            "from": self.start,
            "to": self.end,
            "filters": self.filters.to_dict(),
            "counts": self.counts(),
            "authorities": [
                {
                    "authority": a,
                    "by_programme": dict(self.by_programme(a)),
                    "by_sector": dict(self.by_sector(a)),
                    "versions": [v.to_dict() for v in self.of(a)],
                }
                for a in self.authorities
            ],
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2)


def version_digest(store: Store, previous: Version | None, version: Version, keep: Filters) -> VersionDigest:
    after = store.members(version.id)
    before = store.members(previous.id) if previous else after
    delta = VersionDelta.between(version, previous, before, after)
    added = [c.entity_id for c in delta.added]
    removed = [c.entity_id for c in delta.removed]
    changed = [c.entity_id for c in delta.changed]
    needed = [after[k] for k in (*added, *changed)] + [before[k] for k in (*removed, *changed)]
    states = store.states(needed)

    def kept(e: Entity) -> bool:
        return keep.keep(facets(e))

    return VersionDigest(
        source=version.source,
        authority=source_authority(version.source),
        previous=previous,
        version=version,
        added=tuple(party(states[after[k]]) for k in added if kept(states[after[k]])),
        removed=tuple(party(states[before[k]]) for k in removed if kept(states[before[k]])),
        changed=tuple(
            Changed(party(states[after[k]]), field_changes(states[before[k]], states[after[k]]))
            for k in changed
            if kept(states[after[k]]) or kept(states[before[k]])
        ),
    )


def digest(
    store: Store,
    *,
    day: str | None = None,
    since: str | None = None,
    until: str | None = None,
    filters: Filters | None = None,
) -> Digest:
    """The versions published on ``day``, or from ``since`` to ``until`` (default: the last day
    anything was published), each against the version before it."""
    day, since, until = check_date(day, "date"), check_date(since, "since"), check_date(until, "to")
    if day and (since or until):
        raise StoreError("give either a date or a range (since/to), not both")
    everything = store.versions()
    if not everything:
        raise StoreError("the store is empty: run `embargo ingest PATH` first")
    if day is None and since is None and until is None:
        day = max(v.publish_date for v in everything)
    start, end = (day, day) if day else (since or "0000-01-01", until or "9999-12-31")
    if start > end:
        raise StoreError(f"the range {start} .. {end} ends before it starts")
    keep = filters or Filters()
    out = []
    for source in store.sources():
        versions = store.versions(source)
        for i, v in enumerate(versions):
            if start <= v.publish_date <= end:
                out.append(version_digest(store, versions[i - 1] if i else None, v, keep))
    out.sort(key=lambda d: (d.version.publish_date, d.authority, d.source, d.version.id))
    shown_end = end if end != "9999-12-31" else max([v.version.publish_date for v in out] or [start])
    return Digest(start, shown_end, keep, tuple(out))
