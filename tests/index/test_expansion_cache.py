"""The words a query's adjacent words make run together, which mostly meet no listed word, are kept apart
from the expansions of the words that do: they take none of those places, and are asked for again the
same way."""

from __future__ import annotations

import pytest

from embargo.index import memory
from embargo.index.memory import EntityIndex
from embargo.match.algorithm import PreparedQuery
from embargo.match.types import Query
from embargo.model import Name, make_entity

LISTED = ["Arlanizadeh Trading Company", "Ali Reza Arlani", "Kamel Hamraoui", "Golden Star Shipping"]
QUERIES = ["Arlni Zadh", "Ali Reza Arlani", "Kamel Ben Hamraoui", "Golden Star", "Zeta Omega Tau"]


def _index() -> EntityIndex:
    return EntityIndex(
        make_entity(source="t", source_id=str(k), schema="LegalEntity", names=[Name(n)])
        for k, n in enumerate(LISTED)
    )


def _retrieve(index: EntityIndex) -> list[list[tuple[int, tuple[int, ...]]]]:
    return [
        index.candidate_names(PreparedQuery.of(Query.of(q)).names, limit=10, joined=True) for q in QUERIES
    ]


def test_words_that_meet_nothing_are_kept_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    index = _index()
    first = _retrieve(index)
    assert first[0] and first[0][0][0] == 0  # "arlnizadh" ~ "arlanizadeh", found as one word
    assert "zetaomega" in index._met_nothing  # (a pair of the last query's words, which no name has)
    assert not index._met_nothing & set(index._expansions)
    assert _retrieve(index) == first  # asked again: the same from what was kept
    monkeypatch.setattr(memory, "NOTHING_CACHE", 2)  # forgotten all the time: still the same
    index.clear_cache()
    assert not index._met_nothing
    assert _retrieve(index) == first
    assert len(index._met_nothing) <= 2
