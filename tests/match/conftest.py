"""The real SDN list of 2024-05-02, screened by the algorithm versions' own tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from embargo.match.algorithm import score
from embargo.match.types import Query
from embargo.model import Name, make_entity
from embargo.screener import Screener
from embargo.service.ingest import discover, parse_candidate

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()
FIXTURES = ROOT / "tests" / "fixtures" / "match"


@pytest.fixture(scope="module")
def sdn() -> Screener:
    """A screener of the SDN list of 2024-05-02 (each test names the version it screens with)."""
    (cand,), _ = discover([LISTS / "us_ofac_sdn" / "2024-05-02"])
    return Screener(parse_candidate(cand).entities)


@pytest.fixture(scope="module")
def found(sdn: Screener) -> Callable[[str, str], set[str]]:
    """``found(name, algorithm)``: the SDN numbers ``algorithm`` alerts on for a name."""

    def alerts(query: str, algorithm: str) -> set[str]:
        return {
            m.entity.source_id or ""
            for m in sdn.screen(Query(names=(query,)), algorithm=algorithm)
            if m.match
        }

    return alerts


def golden(algorithm: str) -> list[dict[str, Any]]:
    """The pinned pairs of ``algorithm`` (``tests/fixtures/match/embargo_vN_golden.json``)."""
    path = FIXTURES / f"{algorithm.replace('-', '_')}_golden.json"
    cases: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return cases


def check_golden(algorithm: str, previous: str) -> None:
    """Every pinned pair of ``algorithm`` scores as pinned (rounded to 4 places, against an entity of that
    one listed name), and a pair pinned for the ``previous`` version too is pinned at that version's score."""
    before = {(c["query"], c["listed"]): c["score"] for c in golden(previous)}
    changed = []
    for c in golden(algorithm):
        entity = make_entity(source="t", source_id="1", schema=c["schema"], names=[Name(c["listed"])])
        got = round(score(Query(names=(c["query"],)), entity, algorithm, explain=False).score, 4)
        if got != c["score"]:
            changed.append((c["query"], c["listed"], c["score"], got))
        if (c["query"], c["listed"]) in before:
            assert c["score"] == before[(c["query"], c["listed"])]
    assert not changed, f"{algorithm} changed on {len(changed)} pinned pairs, e.g. {changed[:3]}"
