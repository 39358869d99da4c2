"""Screening queries, results and their explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from embargo._native import reduce_frozen
from embargo.model import Entity


@dataclass(frozen=True)
class Query:
    """What a user screens: a name (or several) and, optionally, facts that confirm or rule out a match.

    ``schema`` None means any type may match. Dates are ISO (partial allowed: "1963", "1963-12");
    countries ISO alpha-2 (or names: they are cleaned); identifiers are raw strings (IMO, passport...).
    """

    names: tuple[str, ...]
    schema: str | None = None
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    gender: str | None = None
    id: str | None = None

    def __init__(
        self,
        names: tuple[str, ...],
        schema: str | None = None,
        birth_dates: tuple[str, ...] = (),
        countries: tuple[str, ...] = (),
        identifiers: tuple[str, ...] = (),
        gender: str | None = None,
        id: str | None = None,
    ) -> None:  # (see Contribution.__init__)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "schema", schema)
        object.__setattr__(self, "birth_dates", birth_dates)
        object.__setattr__(self, "countries", countries)
        object.__setattr__(self, "identifiers", identifiers)
        object.__setattr__(self, "gender", gender)
        object.__setattr__(self, "id", id)

    @classmethod
    def of(cls, name: str, **kw: Any) -> Query:
        return cls(names=(name,), **kw)

    def __reduce__(self) -> tuple[type[Query], tuple[Any, ...]]:
        return reduce_frozen(self)


@dataclass(frozen=True)
class Contribution:
    """One feature's part in a score: which query value met which list value, and how much it counted."""

    feature: str  # e.g. "name", "birth_date", "country", "identifier"
    query_value: str | None
    list_value: str | None
    similarity: float  # 0..1 (or -1..0 for a penalty)
    weight: float  # what the feature contributes to the final score
    detail: str = ""

    def __init__(
        self,
        feature: str,
        query_value: str | None,
        list_value: str | None,
        similarity: float,
        weight: float,
        detail: str = "",
    ) -> None:
        # written out: the compiled core makes this a native constructor, about 15 times faster than
        # the one dataclass would generate for a frozen class (which runs interpreted)
        object.__setattr__(self, "feature", feature)
        object.__setattr__(self, "query_value", query_value)
        object.__setattr__(self, "list_value", list_value)
        object.__setattr__(self, "similarity", similarity)
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "detail", detail)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "query_value": self.query_value,
            "list_value": self.list_value,
            "similarity": round(self.similarity, 4),
            "weight": round(self.weight, 4),
            "detail": self.detail,
        }

    def __reduce__(self) -> tuple[type[Contribution], tuple[Any, ...]]:
        return reduce_frozen(self)


@dataclass(frozen=True)
class Match:
    entity: Entity
    score: float  # 0..1
    match: bool  # score >= threshold
    algorithm: str
    explanation: tuple[Contribution, ...] = field(default_factory=tuple)

    def __init__(
        self,
        entity: Entity,
        score: float,
        match: bool,
        algorithm: str,
        explanation: tuple[Contribution, ...] = (),
    ) -> None:  # (see Contribution.__init__)
        object.__setattr__(self, "entity", entity)
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "match", match)
        object.__setattr__(self, "algorithm", algorithm)
        object.__setattr__(self, "explanation", explanation)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity.id,
            "source": self.entity.source,
            "source_id": self.entity.source_id,
            "schema": self.entity.schema,
            "caption": self.entity.caption,
            "score": round(self.score, 4),
            "match": self.match,
            "algorithm": self.algorithm,
            "explanation": [c.to_dict() for c in self.explanation],
        }

    def __reduce__(self) -> tuple[type[Match], tuple[Any, ...]]:
        return reduce_frozen(self)
