"""A released algorithm is never edited: embargo-v1's and embargo-v2's scores on fixed pairs are pinned.

If this fails, the change belongs in a new algorithm version (``embargo-v3``), not in a released one:
an auditor must be able to reproduce an old screening result by naming its algorithm.
Regenerate the golden file only for a *new* version.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embargo.match.algorithm import ALGORITHMS, PreparedQuery, score_entity
from embargo.match.prepare import PreparedName, prepare_name
from embargo.match.types import Query
from embargo.model import Name, make_entity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "match"
RELEASED = ["embargo-v1", "embargo-v2"]


def _score(query: str, listed: str, schema: str, algorithm: str = "embargo-v1") -> float:
    entity = make_entity(source="t", source_id="1", schema=schema, names=[Name(listed)])  # type: ignore[arg-type]
    names: list[tuple[PreparedName, str]] = [
        (prepare_name(n.value, entity.schema), n.kind) for n in entity.names
    ]
    m = score_entity(ALGORITHMS[algorithm], PreparedQuery.of(Query(names=(query,))), entity, names, None)
    return round(m.score, 4)


@pytest.mark.parametrize("algorithm", RELEASED)
def test_released_scores_are_pinned(algorithm: str) -> None:
    golden = FIXTURES / f"{algorithm.replace('-', '_')}_golden.json"
    cases = json.loads(golden.read_text("utf-8"))
    assert len(cases) >= 30
    got = [{**c, "score": _score(c["query"], c["listed"], c["schema"], algorithm)} for c in cases]
    changed = [
        (c["query"], c["listed"], c["score"], g["score"]) for c, g in zip(cases, got, strict=True) if c != g
    ]
    assert not changed, f"{algorithm} changed on {len(changed)} pinned pairs, e.g. {changed[:3]}"


def test_v2_differs_from_v1_where_it_should() -> None:
    """The pinned v2 pairs include the kinds v2 added; on them the two versions differ."""
    v1 = {
        (c["query"], c["listed"]): c["score"]
        for c in json.loads((FIXTURES / "embargo_v1_golden.json").read_text())
    }
    v2 = json.loads((FIXTURES / "embargo_v2_golden.json").read_text("utf-8"))
    new = [c for c in v2 if (c["query"], c["listed"]) not in v1]
    assert sum(_score(c["query"], c["listed"], c["schema"]) != c["score"] for c in new) >= 5
