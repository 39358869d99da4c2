"""The portfolio as an index: a list update's few entities are screened against it.

Each counterparty becomes an entity of source ``portfolio`` (its id as source id), so the same retrieval
and scoring that screen a name against a list screen a listed entity against the book. Retrieval keeps
:data:`CANDIDATES` counterparties per entity (a common name is shared by many customers of a big book).
The scores only choose which counterparties to re-screen against the whole lists: the alert's score is
that screening's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from embargo.match.scoring import Algorithm
from embargo.match.types import Query
from embargo.model import SCHEMAS, Entity, Identifier, Name, make_entity
from embargo.service.screener import Screener
from embargo.store.monitor import Counterparty

CANDIDATES = 2000  # counterparties retrieved per listed entity


def as_entity(cp: Counterparty) -> Entity:
    return make_entity(
        source="portfolio",
        source_id=cp.id,
        schema=cp.schema if cp.schema in SCHEMAS else "LegalEntity",  # type: ignore[arg-type]
        names=[Name(n) for n in cp.names],
        birth_dates=cp.birth_dates,
        countries=cp.countries,
        identifiers=[Identifier("other", v) for v in cp.identifiers],
        gender=cp.gender,
    )


def entity_query(e: Entity) -> Query:
    """A listed entity as a query against the book (any type: the re-screen checks types)."""
    return Query(
        names=tuple(dict.fromkeys(n.value for n in e.names))[:50],
        birth_dates=e.birth_dates,
        countries=tuple(dict.fromkeys((*e.nationalities, *e.countries))),
        identifiers=tuple(i.value for i in e.identifiers),
    )


class Book:
    """An index over the portfolio at one revision (its latest change)."""

    def __init__(self, parties: Iterable[Counterparty], algorithm: Algorithm, revision: int) -> None:
        self.parties = {cp.id: cp for cp in parties}
        self.revision = revision
        self.screener = Screener([as_entity(cp) for cp in self.parties.values()], algorithm.name)
        self.screener.algorithm = replace(algorithm, candidates=CANDIDATES)

    def flag(self, entities: Iterable[Entity], threshold: float) -> list[Counterparty]:
        """The counterparties that any of ``entities`` resembles at ``threshold`` or above, by id."""
        found: dict[str, Counterparty] = {}
        for e in entities:
            for m in self.screener.screen(
                entity_query(e), threshold=threshold, limit=CANDIDATES, matches_only=True
            ):
                found[m.entity.source_id] = self.parties[m.entity.source_id]
        return [found[k] for k in sorted(found)]
