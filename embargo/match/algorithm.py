"""The scoring algorithms by name, and ``score``: the one way to score a candidate against a query.

A released algorithm is never edited: a new behaviour is a new version, so an old screening result can be
reproduced for an auditor by naming its algorithm. Each version is a module (its ``NAME``, a docstring, its
parameters and its feature table): :mod:`embargo.match.embargo_v1` (released 2026-11-24) and
:mod:`embargo.match.embargo_v2`, :mod:`embargo.match.embargo_v3` and :mod:`embargo.match.embargo_v4`. A new feature is a function in :mod:`embargo.match.features`, a line of a
new version's table, and that version's module registered here.
"""

from __future__ import annotations

from embargo.errors import EmbargoError
from embargo.match import embargo_v1, embargo_v2, embargo_v3, embargo_v4, embargo_v5
from embargo.match.scoring import (
    COMPATIBLE,
    KIND_FACTOR,
    Algorithm,
    Feature,
    PreparedQuery,
    demote_rivals,
    entity_score,
    rank_scores,
    schema_ok,
    score_entity,
)
from embargo.match.types import Match, Query
from embargo.model import Entity
from embargo.names.prepare import PreparedName, prepare_name
from embargo.text.identifiers import normalize_identifier

__all__ = [
    "ALGORITHMS",
    "COMPATIBLE",
    "DEFAULT_ALGORITHM",
    "KIND_FACTOR",
    "Algorithm",
    "Feature",
    "PreparedQuery",
    "UnknownAlgorithm",
    "demote_rivals",
    "entity_score",
    "get_algorithm",
    "rank_scores",
    "schema_ok",
    "score",
    "score_entity",
]

ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        embargo_v1.ALGORITHM,
        embargo_v2.ALGORITHM,
        embargo_v3.ALGORITHM,
        embargo_v4.ALGORITHM,
        embargo_v5.ALGORITHM,
    )
}
DEFAULT_ALGORITHM = embargo_v5.NAME


class UnknownAlgorithm(EmbargoError):
    """An algorithm name that names no version."""


def get_algorithm(name: str) -> Algorithm:
    """The algorithm version called ``name``."""
    try:
        return ALGORITHMS[name]
    except KeyError:
        raise UnknownAlgorithm(f"unknown algorithm {name!r} (known: {', '.join(ALGORITHMS)})") from None


def score(
    query: Query | PreparedQuery,
    candidate: Entity,
    algorithm: str | Algorithm = DEFAULT_ALGORITHM,
    explain: bool = True,
) -> Match:
    """How well ``candidate`` (a listed entity) matches ``query`` by ``algorithm`` (a version's name, or
    the version itself), with the explanation of its score unless ``explain`` is false (the same score).

    Every name of the candidate is compared with every name of the query, as listed (each word equally
    rare: an index weighs its words by rarity, see ``screener``), each read as the algorithm reads names
    (from embargo-v3 on); its identifiers are compared with the query's. The screener scores many candidates at once through the same steps (``entity_score``,
    ``rank_scores``, then ``score_entity`` for those shown)."""
    algo = get_algorithm(algorithm) if isinstance(algorithm, str) else algorithm
    own = -1
    if isinstance(query, Query) and algo.query_reading is not None:
        query, own = algo.query_reading(query)
    pq = query if isinstance(query, PreparedQuery) else PreparedQuery.of(query, own)
    read = algo.listed_reading
    written: list[tuple[str, str]] = [(n.value, n.kind) for n in candidate.names]
    if read is not None:
        written = [r for value, kind in written for r in read(value, kind, candidate.schema)]
    names: list[tuple[PreparedName, str]] = [
        (prepare_name(value, candidate.schema), kind) for value, kind in written
    ]
    hits: list[tuple[str, str]] = []
    for value in pq.query.identifiers:
        key = normalize_identifier(value)
        listed = next(
            (i.value for i in candidate.identifiers if key and normalize_identifier(i.value) == key), None
        )
        if listed is not None:
            hits.append((value, listed))
    return score_entity(algo, pq, candidate, names, None, tuple(hits), explain=explain)
