"""A released algorithm is never edited: embargo-v1's scores on fixed pairs are pinned.

If this fails, the change belongs in a new algorithm version (``embargo-v2``), not in embargo-v1:
an auditor must be able to reproduce an old screening result by naming its algorithm.
Regenerate the golden file only for a *new* version.
"""

from __future__ import annotations

import json
from pathlib import Path

from embargo.match.algorithm import ALGORITHMS, PreparedQuery, score_entity
from embargo.match.prepare import PreparedName, prepare_name
from embargo.match.types import Query
from embargo.model import Name, make_entity

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "match" / "embargo_v1_golden.json"


def _score(query: str, listed: str, schema: str) -> float:
    entity = make_entity(source="t", source_id="1", schema=schema, names=[Name(listed)])  # type: ignore[arg-type]
    names: list[tuple[PreparedName, str]] = [
        (prepare_name(n.value, entity.schema), n.kind) for n in entity.names
    ]
    m = score_entity(ALGORITHMS["embargo-v1"], PreparedQuery.of(Query(names=(query,))), entity, names, None)
    return round(m.score, 4)


def test_embargo_v1_scores_are_pinned() -> None:
    cases = json.loads(GOLDEN.read_text("utf-8"))
    assert len(cases) >= 30
    got = [{**c, "score": _score(c["query"], c["listed"], c["schema"])} for c in cases]
    changed = [
        (c["query"], c["listed"], c["score"], g["score"]) for c, g in zip(cases, got, strict=True) if c != g
    ]
    assert not changed, f"embargo-v1 changed on {len(changed)} pinned pairs, e.g. {changed[:3]}"
