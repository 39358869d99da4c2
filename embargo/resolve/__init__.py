"""Resolution: the same party as listed by several authorities, grouped, every merge explained.

:func:`resolve` groups the entities of every list in force by strong evidence (:mod:`embargo.resolve.keys`:
UN reference numbers, OFAC ids mirrored by the CSL, shared identifiers, full name and date of birth),
applies the reviewers' judgements over it (a "same" joins two groups, a "not the same" keeps them apart
whatever the evidence), and proposes weaker pairs to a reviewer (:mod:`embargo.resolve.weak`). The result
depends on the entities and the judgements only, never on the order the lists were ingested in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from embargo.model import Entity
from embargo.resolve.groups import Groups
from embargo.resolve.keys import KINDS, reference, strong_keys
from embargo.resolve.types import PARTY_PREFIX, Evidence, Party, Proposal, Refusal, Resolution, Tier, party_id
from embargo.resolve.weak import NameScorer, proposals
from embargo.store.judgements import Judgement

__all__ = [
    "PARTY_PREFIX",
    "Evidence",
    "Party",
    "Proposal",
    "Refusal",
    "Resolution",
    "Tier",
    "party_id",
    "resolve",
    "strong_evidence",
]


def strong_evidence(entities: dict[str, Entity], consolidations: frozenset[str]) -> list[Evidence]:
    """One Evidence per strong key that two entities or more carry, in the order it is applied (by
    kind, then key). A key that two entries of one list carry is dropped: it does not name one party."""
    carriers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in entities.values():
        for key in strong_keys(e):
            carriers[key].add(e.id)
    rank = {k: i for i, k in enumerate(KINDS)}
    out = []
    for (kind, value), ids in sorted(carriers.items(), key=lambda kv: (rank[kv[0][0]], kv[0][1])):
        if len(ids) < 2:
            continue
        sources = [entities[i].source for i in ids if entities[i].source not in consolidations]
        if len(sources) != len(set(sources)):
            continue
        members = tuple(sorted(ids))
        out.append(Evidence(kind, value, "strong", members, _describe(kind, value, members, entities)))
    return out


def _describe(kind: str, value: str, members: tuple[str, ...], entities: dict[str, Entity]) -> str:
    lists = ", ".join(sorted({entities[m].source for m in members}))
    return f"{kind.replace('_', ' ')} {value} on {lists}"


def resolve(
    entities: Iterable[Entity],
    judgements: Iterable[Judgement] = (),
    *,
    delisted: Iterable[Entity] = (),
    weak: bool = True,
    focus: str | None = None,
    scorer: NameScorer | None = None,
) -> Resolution:
    """Group ``entities`` (those in force of every list) into parties; ``delisted``: the last listed state
    of entities no longer in force, grouped too (so a party shows who delisted it) but never proposed;
    ``weak`` False skips the proposals; ``focus`` (an entity id or a party id) proposes only the pairs
    that name a member of its party."""
    in_force = {e.id: e for e in entities}
    by_id = {e.id: e for e in delisted if e.id not in in_force} | in_force
    ref = reference()
    not_same: dict[str, set[str]] = defaultdict(set)
    same: list[Judgement] = []
    for j in judgements:
        if j.left_id not in by_id or j.right_id not in by_id:
            continue  # an entity no longer listed: its judgement waits for it
        if j.verdict == "not_same":
            not_same[j.left_id].add(j.right_id)
            not_same[j.right_id].add(j.left_id)
        else:
            same.append(j)
    groups = Groups(by_id, not_same, ref.consolidations)
    for j in sorted(same, key=lambda j: j.pair):
        detail = f"judged the same by {j.user} on {j.created_at[:10]}: {j.reason}"
        groups.merge(
            Evidence("judgement", f"{j.user} {j.created_at}", "judged", j.pair, detail), checked=False
        )
    for evidence in strong_evidence(by_id, ref.consolidations):
        groups.merge(evidence)
    found: list[Proposal] = []

    def apart(a: str, b: str) -> bool:
        return not groups.same(a, b) and not groups.excluded_pair(a, b)

    gone = frozenset(by_id) - frozenset(in_force)
    parties = groups.parties(gone)
    if weak:
        only = None
        if focus is not None:
            party = next((p for p in parties if p.id == focus or focus in p.members), None)
            only = frozenset(party.members if party else (focus,))
        found = proposals(in_force, apart, scorer or NameScorer(), only)
    return Resolution.of(parties, found, groups.refusals, by_id)
