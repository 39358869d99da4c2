"""``algorithm.rank_scores`` ranks the names of a query's candidates in one call into the compiled scoring
(``_align.best_many``); ``entity_score`` stays the reference. Where it answers, both must give the same score,
bit for bit, and the same best pair of names, for every floor and every schema adjustment, and it must give
every candidate that reaches the floor; where it cannot (a view not made yet, adjacent words that may be
read as one) it must say so, not guess."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

from embargo.index.memory import EntityIndex
from embargo.match import names
from embargo.match.algorithm import ALGORITHMS, Algorithm, PreparedQuery, entity_score, rank_scores
from embargo.match.types import Query
from embargo.model import Entity
from embargo.service.ingest import discover, parse_candidate

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()


def _entities(folder: str) -> list[Entity]:
    (cand,), _ = discover([LISTS / folder])
    return list(parse_candidate(cand).entities)


def _misspelt(entities: list[Entity], n: int, seed: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from _synthetic import vary
    finally:
        sys.path.remove(str(ROOT / "bench"))
    rng = random.Random(seed)
    return [vary(rng.choice(e.names).value, rng)[1] for e in rng.sample(entities, n)]


def _reference(
    algo: Algorithm,
    pq: PreparedQuery,
    index: EntityIndex,
    e: int,
    nids: tuple[int, ...],
    floor: float,
    query_views: list[Any],
    scoring: Any,
) -> tuple[float, Any]:
    """``entity_score``'s score and best pair for candidate ``e`` (its names ``nids``): the reference."""
    return entity_score(
        algo,
        pq,
        None,
        [(index.names[n], index.name_kind[n]) for n in nids],
        index.weight,
        floor=floor,
        views=index.name_views(nids),
        query_views=query_views,
        schema=index.entity_schema[e],
        scoring=scoring,
    )


@pytest.fixture(scope="module")
def index_and_queries() -> tuple[EntityIndex, list[str]]:
    entities = _entities("us_ofac_sdn/2024-05-02")
    queries = _misspelt(entities, 250, 23)
    queries += ["Dmitri Rogosin", "ROGOZIN D.O.", "Рогозин Дмитрий Олегович", "BANK MELLI IRAN PJSC"]
    queries += ["Ivan Petrovich Sidorov", "Sergei Viktorovich Ivanov", "Rogozin OOO", "SOVCOMFLOT PAO"]
    queries += ["Abd Al Rahman", "Abdul Rahman", "عبد الرحمن", "Al Qaida", "金正恩", "SUN SHIP LTD"]
    rng = random.Random(29)
    for e in rng.sample(entities, 20):  # a listed word written in two ("ROGO ZIN"): words read as one
        words = e.names[0].value.split()
        longest = max(range(len(words)), key=lambda k: len(words[k]))
        w = words[longest]
        words[longest] = f"{w[: len(w) // 2]} {w[len(w) // 2 :]}"
        queries.append(" ".join(words))
    return EntityIndex(entities), queries


def test_rank_scores_equal_entity_score(index_and_queries: tuple[EntityIndex, list[str]]) -> None:
    index, queries = index_and_queries
    if names._align is None:
        pytest.skip("no compiled core: entity_score scores every candidate")
    answered = declined = hinted = below = 0
    for algorithm in ("embargo-v1", "embargo-v2", "embargo-v3"):
        algo = ALGORITHMS[algorithm]
        scoring = names.compiled_scoring(algo.names)
        for text in queries:
            for schema in (None, "Person", "Organization"):
                pq = PreparedQuery.of(Query(names=(text,), schema=schema))
                if not pq.names or pq.reads_entity():
                    continue
                query_views = [index.query_view(n) for n in pq.names]
                cands = index.candidate_names(pq.names, limit=15)
                for floor in (0.0, 0.5, 0.7):
                    ranked = rank_scores(
                        algo, pq, cands, index.entity_schema, index.views, index.name_kind, query_views, floor,
                        scoring,
                    )  # fmt: skip
                    assert ranked is not None
                    found = {i: (score, pair) for i, score, pair in ranked[0]}
                    assert not found.keys() & set(ranked[1])
                    for i, (e, nids) in enumerate(cands):
                        ref = _reference(algo, pq, index, e, nids, floor, query_views, scoring)
                        if i in ranked[1]:
                            declined += 1
                        elif ref[0] >= floor:
                            answered += 1
                            assert found.get(i) == ref, (algorithm, text, schema, e, floor)
                            if (pq.org_hint or pq.person_hint) and schema is None:
                                hinted += 1
                        else:
                            below += 1
                            assert i not in found
    assert answered > 5_000 and below > 5_000
    assert declined > 0  # words read as one ("ROGO ZIN") are entity_score's
    assert hinted > 0  # a legal form or a patronymic in a query without schema adjusts the score


def test_rank_scores_weigh_names_read_off_the_query(index_and_queries: tuple[EntityIndex, list[str]]) -> None:
    """embargo-v3 reads nicknames and respellings off a query's names, and such a name counts less
    (``read_name_factor``): ranked in one call, every candidate has ``entity_score``'s score and pair."""
    index, queries = index_and_queries
    if names._align is None:
        pytest.skip("no compiled core")
    algo = ALGORITHMS["embargo-v3"]
    assert algo.query_reading is not None and algo.read_name_factor != 1.0
    scoring = names.compiled_scoring(algo.names)
    read = ["Sasha Rogozin", "Dmitrij Olegovitj Rogozin", "Bill Kim", "Misha Ivanov", "Djamel Bouchra"]
    answered = by_read = 0
    for text in read + queries[:120]:
        query, own = algo.query_reading(Query(names=(text,)))
        pq = PreparedQuery.of(query, own)
        if not pq.names or pq.reads_entity() or pq.own < 0:
            continue
        query_views = [index.query_view(n) for n in pq.names]
        cands = index.candidate_names(pq.names, limit=15)
        ranked = rank_scores(
            algo, pq, cands, index.entity_schema, index.views, index.name_kind, query_views, 0.5, scoring
        )
        assert ranked is not None
        found = {i: (score, pair) for i, score, pair in ranked[0]}
        for i, (e, nids) in enumerate(cands):
            if i in ranked[1]:
                continue
            ref = _reference(algo, pq, index, e, nids, 0.5, query_views, scoring)
            if ref[0] >= 0.5:
                answered += 1
                by_read += ref[1][0] >= pq.own
                assert found.get(i) == ref, (text, e)
            else:
                assert i not in found
    assert answered > 20 and by_read > 0  # (some best pairs are a name read off the query's)


def test_rank_scores_decline_a_view_not_made(index_and_queries: tuple[EntityIndex, list[str]]) -> None:
    index, _ = index_and_queries
    if names._align is None:
        pytest.skip("no compiled core")
    algo = ALGORITHMS["embargo-v1"]
    scoring = names.compiled_scoring(algo.names)
    pq = PreparedQuery.of(Query.of("Dmitri Rogosin"))
    query_views = [index.query_view(n) for n in pq.names]
    cands = index.candidate_names(pq.names, limit=5)
    views = list(index.views)
    schemas, kinds = index.entity_schema, index.name_kind
    found = rank_scores(algo, pq, cands, schemas, views, kinds, query_views, 0.5, scoring)
    assert found is not None and found[0][0][0] == 0 and found[0][0][1] > 0.8 and not found[1]
    views[cands[0][1][-1]] = None  # (a large index makes its views as they are asked for)
    found = rank_scores(algo, pq, cands, schemas, views, kinds, query_views, 0.5, scoring)
    assert found is not None and 0 in found[1] and 0 not in [i for i, _, _ in found[0]]
    with pytest.raises(IndexError):
        rank_scores(algo, pq, [(0, (len(views),))], schemas, views, kinds, query_views, 0.5, scoring)
    with pytest.raises(IndexError):
        rank_scores(algo, pq, [(len(schemas), (0,))], schemas, views, kinds, query_views, 0.5, scoring)
    with pytest.raises(TypeError):
        rank_scores(algo, pq, [(0, [0])], schemas, views, kinds, query_views, 0.5, scoring)  # type: ignore[list-item]
