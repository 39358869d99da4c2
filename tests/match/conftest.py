"""The real SDN list of 2024-05-02, screened by the algorithm versions' own tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from embargo.match.types import Query
from embargo.screener import Screener
from embargo.service.ingest import discover, parse_candidate

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()


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
