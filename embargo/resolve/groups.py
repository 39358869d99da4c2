"""Union-find over entities, merging by evidence unless a rule or a reviewer says no.

A merge of two groups is refused when a reviewer judged a member of one "not the same" as a member of the
other, when both groups hold an entry of one list (a list names each party once, so two of its entries
are two parties; the CSL, a copy of several lists, is the exception), when the two entities are of
different kinds (a person and a vessel), or, for evidence read from names, when the two entities' facts
disagree (dates of birth, nationalities, gender). Every refusal is kept with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from embargo.model import Entity
from embargo.resolve.keys import NAME_KINDS
from embargo.resolve.types import Evidence, Party, Refusal, Tier, party_id

_KIND_OF_SCHEMA = {"Organization": "org", "Company": "org", "LegalEntity": "org"}


def schema_class(schema: str) -> str:
    """Person, Vessel and Airplane stand alone; the organisation schemas are one class."""
    return _KIND_OF_SCHEMA.get(schema, schema)


def disagreement(a: Entity, b: Entity, kind: str) -> str | None:
    """Why the facts of ``a`` and ``b`` rule out evidence of ``kind`` read from their names (None: they
    do not)."""
    if kind not in NAME_KINDS:
        return None
    years_a = {d[:4] for d in a.birth_dates}
    years_b = {d[:4] for d in b.birth_dates}
    if years_a and years_b and not years_a & years_b:
        return f"birth years differ ({', '.join(sorted(years_a))} / {', '.join(sorted(years_b))})"
    full_a = {d for d in a.birth_dates if len(d) == 10}
    full_b = {d for d in b.birth_dates if len(d) == 10}
    if full_a and full_b and not full_a & full_b:
        return f"dates of birth differ ({', '.join(sorted(full_a))} / {', '.join(sorted(full_b))})"
    if a.gender and b.gender and a.gender != b.gender:
        return f"genders differ ({a.gender} / {b.gender})"
    nat_a, nat_b = set(a.nationalities), set(b.nationalities)
    if kind == "full_name" and nat_a and nat_b and not nat_a & nat_b:
        return f"nationalities differ ({', '.join(a.nationalities)} / {', '.join(b.nationalities)})"
    return None


class Groups:
    """Groups of entity ids, each with its members, its lists, the ids judged not the same as one of its
    members, and the evidence that joined it."""

    def __init__(
        self,
        entities: Mapping[str, Entity],
        not_same: Mapping[str, set[str]],
        consolidations: frozenset[str],
    ) -> None:
        self.entities = entities
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.sources: dict[str, set[str]] = {}
        self.excluded: dict[str, set[str]] = {}
        self.evidence: dict[str, list[Evidence]] = {}
        self.not_same = not_same
        self.consolidations = consolidations
        self.refusals: list[Refusal] = []

    def find(self, x: str) -> str:
        root = self.parent.setdefault(x, x)
        if root == x:
            return x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def _init(self, root: str) -> None:
        if root not in self.members:
            src = self.entities[root].source
            self.members[root] = {root}
            self.sources[root] = set() if src in self.consolidations else {src}
            self.excluded[root] = set(self.not_same.get(root, ()))
            self.evidence[root] = []

    def merge(self, evidence: Evidence, checked: bool = True) -> None:
        """Join the evidence's members (each to the first); ``checked`` False (a reviewer's "same") skips
        the list and fact rules but never a "not the same" judgement."""
        first, *rest = evidence.members
        joined = False
        for other in rest:
            reason = self._union(first, other, evidence, checked)
            if reason is None:
                joined = True
            else:
                self.refusals.append(Refusal(evidence, first, other, reason))
        if joined:
            self.evidence[self.find(first)].append(evidence)

    def _union(self, a: str, b: str, evidence: Evidence, checked: bool) -> str | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        self._init(ra)
        self._init(rb)
        if self.excluded[ra] & self.members[rb]:
            return "judged not the same"
        if checked:
            ea, eb = self.entities[a], self.entities[b]
            if schema_class(ea.schema) != schema_class(eb.schema):
                return f"different kinds of party ({ea.schema} / {eb.schema})"
            both = self.sources[ra] & self.sources[rb]
            if both:
                return f"both groups hold an entry of {', '.join(sorted(both))}"
            why = disagreement(ea, eb, evidence.kind)
            if why:
                return why
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        for table in (self.members, self.sources, self.excluded):
            table[ra] |= table.pop(rb)
        self.evidence[ra].extend(self.evidence.pop(rb))
        return None

    def same(self, a: str, b: str) -> bool:
        return self.find(a) == self.find(b)

    def excluded_pair(self, a: str, b: str) -> bool:
        """Whether a reviewer's "not the same" separates the groups of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        ex = self.excluded.get(ra, self.not_same.get(a, set()))
        return bool(ex & self.members.get(rb, {b}))

    def parties(self, delisted: frozenset[str] = frozenset()) -> list[Party]:
        """The groups of two or more; ``delisted``: the ids of entities no longer in force."""
        out = []
        for root, members in self.members.items():
            if len(members) < 2 or self.find(root) != root:
                continue
            ordered = tuple(sorted(members))
            gone = tuple(m for m in ordered if m in delisted)
            listed = tuple(m for m in ordered if m not in delisted)
            evidence = _dedupe(self.evidence[root])
            tier: Tier = "judged" if any(e.tier == "judged" for e in evidence) else "strong"
            out.append(Party(party_id(listed or ordered), ordered, evidence, tier, gone))
        return sorted(out, key=lambda p: p.id)


def _dedupe(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(sorted(set(evidence), key=lambda e: (e.kind, e.key, e.members)))
