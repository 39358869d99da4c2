"""Parties: resolution over the lists in force, reviewers' judgements, and screening results by party.

:func:`resolution` reads the entities in force of every stored source (and, on request, the last listed
state of those since delisted) and the reviewers' judgements, and resolves them (:mod:`embargo.resolve`).
:func:`group_by_party` turns a screening's results into one row per party: the best score across its
members, each member's result with its own explanation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from embargo.errors import StoreError
from embargo.match.types import Match
from embargo.model import Entity
from embargo.resolve import Evidence, Resolution, resolve
from embargo.resolve.keys import reference
from embargo.service.history import version_at
from embargo.store import Store
from embargo.store.judgements import Judgement, JudgementStore, Verdict

__all__ = [
    "PartyResult",
    "decided",
    "delisted_entities",
    "export_parties",
    "group_by_party",
    "grouping",
    "grouping_of",
    "in_force",
    "judge",
    "judgements_for",
    "listed_by",
    "listing_label",
    "resolution",
    "resolve_ref",
]


def judgements_for(store: Store) -> JudgementStore:
    """The judgements kept in ``store``'s database (SQLite or PostgreSQL)."""
    return store.judgements


def decided(store: Store, judgements: JudgementStore | None = None) -> list[Judgement]:
    """The reviewers' current judgements (``judgements``, else those kept beside ``store``; none for a
    store that keeps none, such as PostgreSQL, where ``embargo resolve judge`` says so)."""
    if judgements is not None:
        return judgements.judgements()
    try:
        js = judgements_for(store)
    except StoreError:
        return []
    try:
        return js.judgements()
    finally:
        js.close()


def in_force(store: Store, as_of: str | None = None) -> list[Entity]:
    """Every entity of the versions in force of every source (on ``as_of``, or the latest)."""
    out: list[Entity] = []
    for source in store.sources():
        v = version_at(store, source, as_of) if as_of else store.versions(source)[-1]
        if v is not None:
            out.extend(store.entities_at(v.id))
    return out


def delisted_entities(store: Store) -> list[Entity]:
    """The last listed state of every entity that an earlier version of its source listed and the version
    in force no longer does."""
    hashes: dict[str, str] = {}
    for source in store.sources():
        versions = store.versions(source)
        current = set(store.members(versions[-1].id))
        for v in reversed(versions[:-1]):
            for eid, h in store.members(v.id).items():
                if eid not in current and eid not in hashes:
                    hashes[eid] = h
    states = store.states(set(hashes.values()))
    return [states[h] for h in hashes.values()]


def resolution(
    store: Store,
    judgements: JudgementStore | None = None,
    *,
    delisted: bool = False,
    weak: bool = True,
    focus: str | None = None,
    as_of: str | None = None,
) -> Resolution:
    """Resolve the lists in force with the reviewers' judgements (those kept beside ``store`` unless
    given); ``delisted``: group the delisted entities too (a party then shows who delisted it); ``weak``
    False: no proposals; ``focus`` (an entity or party id): only the proposals naming its party."""
    gone = delisted_entities(store) if delisted else []
    return resolve(in_force(store, as_of), decided(store, judgements), delisted=gone, weak=weak, focus=focus)


def grouping(store: Store, as_of: str | None = None) -> Resolution:
    """The parties of the lists in force (on ``as_of``) with the reviewers' judgements, and nothing else
    (no entities, no proposals): what a shell groups screening results by, small enough to hand to
    worker processes and Spark executors."""
    return _slim(resolution(store, weak=False, as_of=as_of))


def grouping_of(entities: Iterable[Entity]) -> Resolution:
    """The parties of ``entities`` by the evidence alone (no store: no reviewers' judgements), as
    :func:`grouping` gives them."""
    return _slim(resolve(entities, weak=False))


def _slim(res: Resolution) -> Resolution:
    return Resolution.of(list(res.parties), [], [], {})


def resolve_ref(store: Store, ref: str) -> str:
    """An entity id from an embargo id or ``SOURCE:LIST_ID`` (StoreError naming the ref if unknown)."""
    found = store.find_entity_id(ref)
    if found is None:
        raise StoreError(f"no entity {ref!r} in the store (use an embargo id or SOURCE:LIST_ID)")
    return found


def judge(
    store: Store,
    a: str,
    b: str,
    verdict: Verdict,
    *,
    user: str,
    reason: str,
    judgements: JudgementStore | None = None,
) -> Judgement:
    """Record a reviewer's judgement on two entities named by id or ``SOURCE:LIST_ID``."""
    left, right = resolve_ref(store, a), resolve_ref(store, b)
    owned = judgements is None
    js = judgements_for(store) if judgements is None else judgements
    try:
        return js.judge(left, right, verdict, user=user, reason=reason)
    finally:
        if owned:
            js.close()


@dataclass(frozen=True)
class PartyResult:
    """One party among a screening's results: its best score and every member's own result."""

    id: str  # the party's canonical id (an entity's own id when it is a party of its own)
    caption: str  # the best-scoring member's caption
    score: float  # the best score across the members found
    match: bool  # whether any member's result is a match
    listings: tuple[Match, ...]  # the members' results, best first
    members: tuple[str, ...]  # every member of the party, found by the screening or not
    evidence: tuple[Evidence, ...]  # why the members are one party

    @property
    def referents(self) -> tuple[str, ...]:
        """The member ids, as yente names the entities merged into a canonical one (none for an entity that
        is a party of its own: its id is the party's)."""
        return tuple(m for m in self.members if m != self.id)

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(sorted({m.entity.source for m in self.listings}))

    def listed_by(self) -> tuple[list[str], list[str]]:
        """Who lists the party among the listings found, and the consolidated lists that mirror them."""
        return listed_by([m.entity for m in self.listings])

    def summary(self) -> str:
        """``ROGOZIN, Dmitry Olegovich: listed by US Treasury OFAC (SDN, UKRAINE-EO13661), ...``."""
        return summary(self.caption, [m.entity for m in self.listings])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "score": round(self.score, 4),
            "match": self.match,
            "summary": self.summary(),
            "referents": list(self.referents),
            "datasets": list(self.datasets),
            "listings": [m.to_dict() for m in self.listings],
            "evidence": [e.to_dict() for e in self.evidence],
        }


def group_by_party(results: Iterable[Match], resolution: Resolution) -> list[PartyResult]:
    """Screening results grouped by party, best party first (ties by id); within a party, best first."""
    grouped: dict[str, list[Match]] = {}
    for m in results:
        grouped.setdefault(resolution.canonical(m.entity.id), []).append(m)
    out = []
    for pid, matches in grouped.items():
        matches.sort(key=lambda m: (-m.score, m.entity.id))
        party = resolution.party(pid)
        best = matches[0]
        out.append(
            PartyResult(
                id=pid,
                caption=best.entity.caption,
                score=best.score,
                match=any(m.match for m in matches),
                listings=tuple(matches),
                members=party.members if party else (best.entity.id,),
                evidence=party.evidence if party else (),
            )
        )
    out.sort(key=lambda p: (-p.score, p.id))
    return out


def listing_label(entity: Entity) -> str:
    """``US Treasury OFAC (SDN, UKRAINE-EO13661)``: who lists the entity, on which list, under which
    programmes."""
    parts = []
    for s in entity.sanctions:
        inner = ", ".join(dict.fromkeys((s.list_name, *s.programs)))
        parts.append(f"{s.authority} ({inner})" if inner else s.authority)
    return "; ".join(dict.fromkeys(parts)) or entity.source


def listed_by(entities: Sequence[Entity]) -> tuple[list[str], list[str]]:
    """Who lists these entities (each authority's label, once) and the consolidated lists that mirror
    them (the CSL)."""
    consolidations = reference().consolidations
    listed = [listing_label(e) for e in entities if e.source not in consolidations]
    mirrored = sorted({e.source for e in entities if e.source in consolidations})
    return list(dict.fromkeys(listed)), mirrored


def summary(caption: str, entities: Sequence[Entity]) -> str:
    listed, mirrored = listed_by(entities)
    text = f"{caption}: listed by {', '.join(listed)}" if listed else caption
    if mirrored:
        text += f"; mirrored in {', '.join(mirrored)}"
    return text


def export_parties(entities: Iterable[Entity], resolution: Resolution) -> Iterator[dict[str, Any]]:
    """FtM entity dicts, one per party: a party's members merged into one entity under its canonical id,
    with ``referents`` (the member ids) and ``datasets`` (their lists), as yente serves them; an entity in
    no party keeps its id (no referents). Each sanction points to the party."""
    from followthemoney import model as ftm_model

    from embargo.model.ftm import to_ftm

    merged: dict[str, Any] = {}
    referents: dict[str, set[str]] = {}
    datasets: dict[str, set[str]] = {}
    sanctions: list[dict[str, Any]] = []
    for entity in entities:
        pid = resolution.canonical(entity.id)
        main, *rest = to_ftm(entity)
        proxy = ftm_model.get_proxy(main)
        proxy.id = pid
        if pid in merged:
            merged[pid] = merged[pid].merge(proxy)
        else:
            merged[pid] = proxy
        datasets.setdefault(pid, set()).add(entity.source)
        if pid != entity.id:
            referents.setdefault(pid, set()).add(entity.id)
        for rec in rest:
            props = rec.get("properties", {})
            if "entity" in props:
                props["entity"] = [pid]
            sanctions.append(rec)
    for pid in sorted(merged):
        data = merged[pid].to_dict()
        data["referents"] = sorted(referents.get(pid, ()))
        data["datasets"] = sorted(datasets[pid])
        yield data
    yield from sanctions
