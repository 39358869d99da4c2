"""One party's listings side by side: each authority's names, dates of birth and identifiers, which values
differ between them, who designated it first and who followed, and who has since delisted it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from embargo.errors import StoreError
from embargo.model import Entity
from embargo.resolve import PARTY_PREFIX, Evidence, Proposal, Resolution
from embargo.resolve.keys import name_key, reference
from embargo.service.parties import listing_label, resolve_ref
from embargo.store import Store
from embargo.text.identifiers import normalize_identifier


@dataclass(frozen=True)
class Listing:
    """One member of a party: the entity as its list publishes it, and when it was listed and delisted."""

    entity: Entity
    label: str  # "US Treasury OFAC (SDN, UKRAINE-EO13661)"
    listed_on: str | None  # the list's listing date, else the first stored version listing it
    # "list" (the list's own date) | "first seen" (a stored version) | "on or before <date> (first stored
    # version)" | "unknown"
    listed_from: str
    delisted_on: str | None  # the first stored version no longer listing it
    mirror: bool  # a consolidated list's copy of another list's entry (the CSL)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity.id,
            "source": self.entity.source,
            "source_id": self.entity.source_id,
            "caption": self.entity.caption,
            "label": self.label,
            "listed_on": self.listed_on,
            "listed_from": self.listed_from,
            "delisted_on": self.delisted_on,
            "mirror": self.mirror,
        }


@dataclass(frozen=True)
class Value:
    text: str
    differs: bool  # not given alike by every listing that gives this field


@dataclass(frozen=True)
class Row:
    field: str
    cells: tuple[tuple[Value, ...], ...]  # one cell per listing, in the listings' order


@dataclass(frozen=True)
class PartyView:
    id: str
    caption: str
    listings: tuple[Listing, ...]  # in order of listing (first designation first)
    rows: tuple[Row, ...]
    evidence: tuple[Evidence, ...]
    proposals: tuple[Proposal, ...]  # open proposals that name one of its members

    def timeline(self) -> list[str]:
        """Who designated first, who followed (days after), who delisted."""
        out = []
        first: str | None = None
        for li in self.listings:
            if li.mirror:
                continue
            when = li.listed_on or li.listed_from
            if first is None and li.listed_on:
                first = li.listed_on
                out.append(f"{when}: designated first by {li.label}")
            elif first and li.listed_on:
                days = (date.fromisoformat(_day(li.listed_on)) - date.fromisoformat(_day(first))).days
                out.append(f"{when}: followed by {li.label} ({days} days later)")
            else:
                out.append(f"{when}: {li.label}")
        for li in self.listings:
            if li.delisted_on:
                out.append(f"{li.delisted_on}: delisted by {li.label}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "listings": [li.to_dict() for li in self.listings],
            "fields": {
                r.field: [[{"value": v.text, "differs": v.differs} for v in cell] for cell in r.cells]
                for r in self.rows
            },
            "timeline": self.timeline(),
            "evidence": [e.to_dict() for e in self.evidence],
            "proposals": [p.to_dict() for p in self.proposals],
        }


def _day(text: str) -> str:
    """A partial ISO date as a day (``2014`` -> ``2014-01-01``), for counting days between listings."""
    parts = [*text.split("-"), "01", "01"][:3]
    return "-".join(p.zfill(2) for p in parts)


_FIELDS: tuple[tuple[str, Callable[[Entity], list[str]], Callable[[str], str]], ...] = (
    ("names", lambda e: [n.value for n in e.names if n.kind == "primary"], name_key),
    ("aliases", lambda e: [n.value for n in e.names if n.kind != "primary"], name_key),
    ("birth dates", lambda e: list(e.birth_dates), str),
    ("birth places", lambda e: list(e.birth_places), str.lower),
    ("nationalities", lambda e: list(e.nationalities), str),
    (
        "identifiers",
        lambda e: [f"{i.type} {i.value}" for i in e.identifiers],
        lambda t: normalize_identifier(t),
    ),
    ("programmes", lambda e: [p for s in e.sanctions for p in s.programs], str.lower),
)


def party_page(store: Store, ref: str) -> PartyView:
    """The party of ``ref`` (a party id, an entity id or ``SOURCE:LIST_ID``), resolved with the delisted
    entries (who delisted it) and the proposals that name one of its members."""
    from embargo.service.parties import resolution

    focus = ref if ref.startswith(PARTY_PREFIX) else resolve_ref(store, ref)
    return party_view(store, resolution(store, delisted=True, focus=focus), ref)


def party_view(store: Store, resolution: Resolution, ref: str) -> PartyView:
    """The party of ``ref`` (a party id, an entity id or ``SOURCE:LIST_ID``)."""
    members = resolution.members(ref)
    if not members:
        members = resolution.members(resolve_ref(store, ref))
    if not members:
        raise StoreError(f"{ref!r} is neither a party nor an entity in force")
    party = resolution.party_of(members[0])
    listings = sorted((_listing(store, resolution.entities[m]) for m in members), key=_order)
    rows = tuple(_rows([li.entity for li in listings]))
    member_set = set(members)
    props = tuple(p for p in resolution.proposals if p.left in member_set or p.right in member_set)
    caption = next((li.entity.caption for li in listings if not li.mirror), listings[0].entity.caption)
    return PartyView(
        party.id if party else members[0],
        caption,
        tuple(listings),
        rows,
        party.evidence if party else (),
        props,
    )


def _order(li: Listing) -> tuple[bool, str, str]:
    return (li.listed_on is None, li.listed_on or "", li.entity.id)


def _listing(store: Store, entity: Entity) -> Listing:
    dates = sorted(s.listing_date for s in entity.sanctions if s.listing_date)
    history = store.history(entity.id)
    listed = [m for m in history if m.state_hash]
    last = max((i for i, m in enumerate(history) if m.state_hash), default=None)
    delisted_on = None
    if last is not None and last + 1 < len(history):  # a later version no longer lists it
        delisted_on = history[last + 1].version.publish_date
    on: str | None = None
    if dates:
        on, origin = dates[0], "list"
    elif listed and listed[0] is not history[0]:
        on, origin = listed[0].version.publish_date, "first seen"
    elif listed:  # in the source's first stored version: listed then or earlier
        origin = f"on or before {listed[0].version.publish_date} (first stored version)"
    else:
        origin = "unknown"
    mirror = entity.source in reference().consolidations
    return Listing(entity, listing_label(entity), on, origin, delisted_on, mirror)


def _rows(entities: list[Entity]) -> Iterator[Row]:
    for name, values_of, key in _FIELDS:
        values = [values_of(e) for e in entities]
        if not any(values):
            continue
        keyed = [{key(v) for v in vs} for vs in values]
        given = [k for k in keyed if k]
        common = set.intersection(*given) if given else set()
        cells = tuple(tuple(Value(v, key(v) not in common) for v in vs) for vs in values)
        yield Row(name, cells)
