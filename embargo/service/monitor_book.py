"""The portfolio as an index: a list update's few entities are screened against it.

Each counterparty becomes an entity of source ``portfolio`` (its id as source id), so the same retrieval
and scoring that screen a name against a list screen a listed entity against the book. Retrieval keeps
:data:`FIRST_CANDIDATES` counterparties per entity, and :data:`WIDEN` times as many again while one in
:data:`DENSE` of those kept or more resembles the entity: a name shared by thousands of customers of a big
book flags every one of them, and so do common names whose namesakes retrieval ranks among many others
("Nikolay Ivanov"), while an entity that resembles few costs few candidates to score however large the
book. The scores only choose which counterparties to re-screen against the whole lists: the alert's
score is that screening's.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable

from embargo._gc import no_gc
from embargo.match.scoring import Algorithm
from embargo.match.types import Match, Query
from embargo.model import SCHEMAS, Entity, Identifier, Name, make_entity
from embargo.service.screener import Screener
from embargo.store.monitor import Counterparty

FIRST_CANDIDATES = 200  # counterparties retrieved per listed entity at first
WIDEN = 4  # the next retrieval's size, as a multiple of the last, ...
DENSE = 8  # ... while one in this many of those retrieved or more resembles the entity


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
        self.revision = revision
        with no_gc():  # (millions of objects that live as long as the book)
            self.parties = {cp.id: cp for cp in parties}
            self.screener = Screener([as_entity(cp) for cp in self.parties.values()], algorithm.name)
            # one full pass, before the collector is back, puts them in the oldest generation, counted
            # there: otherwise the collections that the next allocations trigger walk them all (seconds
            # for a book of a million), one generation after the other
            gc.collect()

    def flag(self, entities: Iterable[Entity], threshold: float) -> list[Counterparty]:
        """The counterparties that any of ``entities`` resembles at ``threshold`` or above, by id."""
        found: dict[str, Counterparty] = {}
        for e in entities:
            for m in self._resembling(entity_query(e), threshold):
                found[m.entity.source_id] = self.parties[m.entity.source_id]
        return [found[k] for k in sorted(found)]

    def _resembling(self, query: Query, threshold: float) -> list[Match]:
        """The counterparties ``query`` resembles at ``threshold``: retrieval widened while one in
        :data:`DENSE` of those it retrieved does (so that how many customers share a name is never cut
        short, and the namesakes of a common name that retrieval ranks below others are reached)."""
        wide = FIRST_CANDIDATES
        while True:
            found = self.screener.screen(
                query, threshold=threshold, limit=wide, matches_only=True, candidates=wide
            )
            if DENSE * len(found) < wide or wide >= len(self.parties):
                return found
            wide *= WIDEN
