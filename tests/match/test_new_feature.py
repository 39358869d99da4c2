"""A new scoring feature is one function, one line of a feature table and a new algorithm version.

The feature here is a throwaway (a query of one word identifies little: it counts a little against every
candidate), in a version registered for this test only. Released versions are untouched by it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from embargo.match import embargo_v2
from embargo.match.algorithm import ALGORITHMS, Algorithm, Feature, PreparedQuery, score
from embargo.match.types import Contribution, Query
from embargo.model import Entity
from embargo.service.ingest import discover, parse_candidate
from embargo.service.screener import Screener

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()


# 1. the function
def one_word(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """Every name of the query is one word: adds ``weight``."""
    if not pq.names or any(len(n.tokens) != 1 for n in pq.names):
        return None
    return Contribution("one_word", pq.names[0].original, None, -1.0, weight, "query of one word")


# 2. the line of the table, 3. the new version (embargo-v2's table and parameters, plus that line)
TEST_V3 = replace(
    embargo_v2.ALGORITHM,
    name="test-v3",
    description="embargo-v2, and a query of one word counts a little against every candidate (a test).",
    features=(*embargo_v2.FEATURES, Feature("one_word", one_word, weight=-0.05, reads_entity=False)),
)


@pytest.fixture(scope="module")
def un() -> Screener:
    (cand,), _ = discover([LISTS / "un_sc_consolidated" / "2026-02-27"])
    return Screener(parse_candidate(cand).entities, algorithm="embargo-v2")


def _person(un: Screener) -> Entity:
    """A listed person of a two-word primary name, each word of five letters or more."""
    for e in un.index.entities:
        words = e.caption.split()
        if e.schema == "Person" and len(words) == 2 and min(len(w) for w in words) >= 5:
            return e
    raise AssertionError("no such person on the list")


def test_a_feature_in_a_new_version(un: Screener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ALGORITHMS, TEST_V3.name, TEST_V3)
    person = _person(un)
    surname = person.caption.split()[1]
    # names alone (the candidates ranked in one call), and with a birth date (one by one, the entity read)
    for query in (Query.of(surname), Query.of(surname, birth_dates=("1901",))):
        v2 = {m.entity.id: m for m in un.screen(query, algorithm="embargo-v2", limit=50)}
        v3 = un.screen(query, algorithm="test-v3", limit=50)
        assert v3 and all(m.algorithm == "test-v3" for m in v3)
        for m in v3:
            assert m.score == pytest.approx(v2[m.entity.id].score - 0.05)
            (part,) = [c for c in m.explanation if c.feature == "one_word"]
            assert part.weight == -0.05 and part.query_value == surname
        assert not any(c.feature == "one_word" for m in v2.values() for c in m.explanation)
    # a query of two words: the feature has no bearing, the scores are embargo-v2's
    full = Query.of(person.caption)
    assert [(m.entity.id, m.score) for m in un.screen(full, algorithm="test-v3")] == [
        (m.entity.id, m.score) for m in un.screen(full, algorithm="embargo-v2")
    ]
    # the one entry point scores a single candidate the same way
    alone = score(Query.of(surname), person, "test-v3")
    assert alone.score == pytest.approx(score(Query.of(surname), person, "embargo-v2").score - 0.05)
    assert [c.feature for c in alone.explanation] == ["name", "one_word"]


def test_released_versions_have_no_such_feature() -> None:
    assert "test-v3" not in ALGORITHMS
    assert [f.name for f in ALGORITHMS["embargo-v1"].features] == [
        "birth_date",
        "country",
        "gender",
        "org_hint",
    ]
    assert [f.name for f in ALGORITHMS["embargo-v2"].features] == [
        "birth_date",
        "country",
        "gender",
        "org_hint",
        "person_hint",
    ]


def test_a_feature_that_may_raise_a_score_declares_how_much() -> None:
    """A feature without a bound is taken to only lower scores (candidates are pruned on that): a positive
    weight without one is refused."""
    with pytest.raises(ValueError, match="one_word"):
        Feature("one_word", one_word, weight=0.05, reads_entity=False)


def test_score_names_the_algorithm_and_reads_identifiers() -> None:
    from embargo.match.algorithm import UnknownAlgorithm
    from embargo.model import Identifier, Name, make_entity

    vessel = make_entity(
        source="t",
        source_id="1",
        schema="Vessel",
        names=[Name("Ocean Star")],
        identifiers=[Identifier("imo", "IMO 9187629")],
    )
    assert score(Query.of("Ocean Star"), vessel).algorithm == "embargo-v5"
    by_id = score(Query(names=("Blue Moon",), identifiers=("imo9187629",)), vessel, "embargo-v1")
    assert by_id.score == ALGORITHMS["embargo-v1"].identifier_floor and by_id.match
    assert by_id.explanation[-1].feature == "identifier"
    assert score(Query(names=("Blue Moon",)), vessel, explain=False).explanation == ()
    with pytest.raises(UnknownAlgorithm, match="embargo-v9"):
        score(Query.of("Ocean Star"), vessel, "embargo-v9")
