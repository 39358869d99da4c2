"""What resolution produces: parties (groups of listed entities), the evidence of every merge, the
proposals a reviewer should decide, and the merges that were refused."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from embargo.model import Entity

Tier = Literal["strong", "weak", "judged"]
PARTY_PREFIX = "embargo-party-"


@dataclass(frozen=True)
class Evidence:
    """One reason to hold entities for the same party: a key they share (``kind`` says which sort of key:
    ``un_ref``, ``ofac_id``, ``passport``, ``name_birth_date``, ...; ``judgement`` for a reviewer's
    decision) and the entities that carry it. ``detail`` explains it in words."""

    kind: str
    key: str
    tier: Tier
    members: tuple[str, ...]  # entity ids, sorted
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "tier": self.tier,
            "members": list(self.members),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Party:
    """Entities of several lists resolved to one party. ``id`` is derived from the smallest id of its
    members in force, so it is the same whatever order the lists were ingested in. ``tier`` is ``judged``
    when a reviewer's "same" judgement joined it, else ``strong``. ``delisted``: the members no longer
    in force (their last listed state took part, when resolution was asked to include them)."""

    id: str
    members: tuple[str, ...]  # entity ids, sorted
    evidence: tuple[Evidence, ...]
    tier: Tier
    delisted: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "members": list(self.members),
            "tier": self.tier,
            "delisted": list(self.delisted),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Proposal:
    """Weak evidence that two entities (in different parties) are one: for a reviewer to decide."""

    left: str
    right: str
    evidence: Evidence
    score: float  # the name similarity by the screening matcher

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "score": round(self.score, 4),
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True)
class Refusal:
    """Evidence that would have merged two groups, and why it did not."""

    evidence: Evidence
    left: str
    right: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "reason": self.reason,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True)
class Resolution:
    """Every party of two or more entities over the resolved entities; an entity in no party is a party
    of its own, named by its own id (as nomenklatura's resolver names an unmerged entity)."""

    parties: tuple[Party, ...]
    proposals: tuple[Proposal, ...]
    refusals: tuple[Refusal, ...]
    entities: Mapping[str, Entity]
    _by_member: Mapping[str, Party] = field(repr=False)
    _by_id: Mapping[str, Party] = field(repr=False)

    @classmethod
    def of(
        cls,
        parties: list[Party],
        proposals: list[Proposal],
        refusals: list[Refusal],
        entities: Mapping[str, Entity],
    ) -> Resolution:
        by_member = {m: p for p in parties for m in p.members}
        return cls(
            tuple(parties), tuple(proposals), tuple(refusals), entities, by_member, {p.id: p for p in parties}
        )

    def canonical(self, entity_id: str) -> str:
        """The party id of an entity (its own id when it is a party of its own)."""
        party = self._by_member.get(entity_id)
        return party.id if party else entity_id

    def party_of(self, entity_id: str) -> Party | None:
        return self._by_member.get(entity_id)

    def party(self, party_id: str) -> Party | None:
        return self._by_id.get(party_id)

    def members(self, ref: str) -> tuple[str, ...]:
        """The entity ids of a party id or of any member's id (one id for an entity in no party)."""
        party = self._by_id.get(ref) or self._by_member.get(ref)
        if party is not None:
            return party.members
        return (ref,) if ref in self.entities else ()


def party_id(members: tuple[str, ...]) -> str:
    """The canonical id of a group: a hash of its smallest member id (ids are the same in any store)."""
    return PARTY_PREFIX + hashlib.sha1(min(members).encode()).hexdigest()[:16]
