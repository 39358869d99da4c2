"""``algorithm.rank_score`` ranks one candidate's names in one call into the compiled scoring (``_align.best``);
``entity_score`` stays the reference. Where it answers, both must give the same score, bit for bit, and the
same best pair of names, for every floor and every schema adjustment; where it cannot (a view not made yet,
adjacent words that may be read as one) it must say so, not guess."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from embargo.index.memory import EntityIndex
from embargo.match import names
from embargo.match.algorithm import ALGORITHMS, PreparedQuery, entity_score, rank_score
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


@pytest.fixture(scope="module")
def index_and_queries() -> tuple[EntityIndex, list[str]]:
    entities = _entities("us_ofac_sdn/2024-05-02")
    queries = _misspelt(entities, 250, 23)
    queries += ["Dmitri Rogosin", "ROGOZIN D.O.", "Рогозин Дмитрий Олегович", "BANK MELLI IRAN PJSC"]
    queries += ["Ivan Petrovich Sidorov", "Sergei Viktorovich Ivanov", "Rogozin OOO", "SOVCOMFLOT PAO"]
    queries += ["Abd Al Rahman", "Abdul Rahman", "عبد الرحمن", "Al Qaida", "金正恩", "SUN SHIP LTD"]
    return EntityIndex(entities), queries


def test_rank_score_equals_entity_score(index_and_queries: tuple[EntityIndex, list[str]]) -> None:
    index, queries = index_and_queries
    if names._align is None:
        pytest.skip("no compiled core: entity_score scores every candidate")
    answered = declined = hinted = 0
    for algorithm in ("embargo-v1", "embargo-v2"):
        algo = ALGORITHMS[algorithm]
        scoring = names.compiled_scoring(algo.names)
        for text in queries:
            for schema in (None, "Person", "Organization"):
                pq = PreparedQuery.of(Query(names=(text,), schema=schema))
                if not pq.names or pq.reads_entity():
                    continue
                query_views = [index.query_view(n) for n in pq.names]
                for e, nids in index.candidate_names(pq.names, limit=15):
                    kind = index.entity_schema[e]
                    for floor in (0.0, 0.5, 0.7):
                        fast = rank_score(
                            algo, pq, kind, nids, index.views, index.name_kind, query_views, floor, scoring
                        )
                        ref = entity_score(
                            algo,
                            pq,
                            None,
                            [(index.names[n], index.name_kind[n]) for n in nids],
                            index.weight,
                            floor=floor,
                            views=index.name_views(nids),
                            query_views=query_views,
                            schema=kind,
                            scoring=scoring,
                        )
                        if fast is None:
                            declined += 1
                            continue
                        answered += 1
                        assert fast == ref, (algorithm, text, schema, e, floor)
                        if (pq.org_hint or pq.person_hint) and schema is None:
                            hinted += 1
    assert answered > 10_000
    assert declined > 0  # words read as one ("Abd Al Rahman") are entity_score's
    assert hinted > 0  # a legal form or a patronymic in a query without schema adjusts the score


def test_rank_score_declines_a_view_not_made(index_and_queries: tuple[EntityIndex, list[str]]) -> None:
    index, _ = index_and_queries
    if names._align is None:
        pytest.skip("no compiled core")
    algo = ALGORITHMS["embargo-v1"]
    scoring = names.compiled_scoring(algo.names)
    pq = PreparedQuery.of(Query.of("Dmitri Rogosin"))
    query_views = [index.query_view(n) for n in pq.names]
    (_, nids), *_ = index.candidate_names(pq.names, limit=5)
    views = list(index.views)
    found = rank_score(algo, pq, "Person", nids, views, index.name_kind, query_views, 0.5, scoring)
    assert found is not None and found[0] > 0.8
    views[nids[-1]] = None  # (a large index makes its views as they are asked for)
    assert rank_score(algo, pq, "Person", nids, views, index.name_kind, query_views, 0.5, scoring) is None
    with pytest.raises(IndexError):
        rank_score(algo, pq, "Person", (len(views),), views, index.name_kind, query_views, 0.5, scoring)
