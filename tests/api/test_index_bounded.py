"""Screening keys cannot grow the server's memory: a choice of lists filters the one index (no index per set
of sources), past dates share a small cache of indexes keyed by the versions they hold."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.service.screener import Screener
from embargo.service.snapshot import AS_OF_CACHE

QUERIES = ("Kim Jong Un", "Mohammed Ali", "Abdul Rahman", "Hassan", "Bank", "Ahmad Shah", "Dmitry Rogozin")


def screeners() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Screener))


def test_source_sets_build_no_index(client: TestClient) -> None:
    before = screeners()
    sets = [
        ["us_ofac_sdn"],
        ["un_sc"],
        ["un_sc", "us_ofac_sdn"],
        ["un_sc", "nope"],
        ["us_ofac_sdn", "x", "y"],
    ]
    for i in range(25):
        include = sets[i % len(sets)] + [f"unknown_{i}"]
        r = client.post(
            "/match/default",
            params={"include_dataset": include},
            json={
                "queries": {"q": {"schema": "Person", "properties": {"name": [QUERIES[i % len(QUERIES)]]}}}
            },
        )
        assert r.status_code == 200, r.text
        r = client.post("/screen", json={"name": QUERIES[i % len(QUERIES)], "sources": sets[i % 3]})
        assert r.status_code == 200, r.text
    assert screeners() == before
    assert client.app.state.embargo.screening.kept == 1  # type: ignore[attr-defined]


def test_a_source_filter_gives_the_full_screens_results_of_that_source(client: TestClient) -> None:
    """Scores weigh names by their rarity over every list, so a result scores the same with or without the
    filter; the filter widens retrieval, so it finds at least what the full screen found for that list."""
    for name in QUERIES:
        for source in ("un_sc", "us_ofac_sdn"):
            full = client.post("/screen", json={"name": name, "limit": 100}).json()["matches"]
            only = client.post("/screen", json={"name": name, "limit": 100, "sources": [source]}).json()[
                "matches"
            ]
            assert {m["source"] for m in only} <= {source}
            wanted = {m["entity_id"]: m["score"] for m in full if m["source"] == source}
            got = {m["entity_id"]: m["score"] for m in only}
            assert wanted.items() <= got.items(), (name, source)
            assert [m["score"] for m in only] == sorted((m["score"] for m in only), reverse=True)


def test_past_dates_share_a_bounded_cache(fresh_db: Path, ready: Callable[[TestClient], None]) -> None:
    with TestClient(create_app(fresh_db)) as c:
        ready(c)
        base = screeners()
        # 2025-12-09 .. 2026-02-26: one set of versions; 2026-02-27 on: the other (the current one)
        dates = [f"2025-12-{d:02d}" for d in range(9, 32)] + [f"2026-01-{d:02d}" for d in range(1, 32)]
        dates += ["2026-02-27", "2026-03-01", "2027-01-01"]
        for when in dates:
            r = c.post("/screen", json={"name": "Kim Jong Un", "as_of": when})
            assert r.status_code == 200, r.text
            assert r.json()["versions"][0]["publish_date"] in ("2025-12-09", "2026-02-27")
        assert screeners() - base <= AS_OF_CACHE
        holder = c.app.state.embargo.screening  # type: ignore[attr-defined]
        assert holder.kept <= 1 + AS_OF_CACHE
