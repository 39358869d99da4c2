"""The HTTP API screens by party by default (yente's merged entities: canonical id, referents, datasets);
``listings=true`` gives one result per listing. /match, /search and /screen alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import ROGOZIN

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Dmitri Rogosin"]}}}}


@pytest.fixture(scope="module")
def client(parties_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(parties_app) as c:
        yield c


def test_match_returns_a_party_with_referents_as_yente_does(client: TestClient) -> None:
    grouped = client.post("/match/default", params={"limit": 3}, json=QUERY).json()
    [top, *rest] = grouped["responses"]["q"]["results"]
    assert top["id"].startswith("embargo-party-") and top["match"]
    assert set(top["referents"]) == ROGOZIN and len(top["listings"]) == 5
    assert {r["id"] for r in top["listings"]} == ROGOZIN
    assert top["datasets"] == sorted({"us_ofac_sdn", "us_trade_csl", "uk_ofsi", "ca_sema", "au_dfat"})
    assert top["score"] == max(r["score"] for r in top["listings"])
    assert "listed by" in top["summary"] and top["evidence"]
    assert all(not set(r["referents"]) & ROGOZIN for r in rest)  # none of his listings comes twice
    assert len(grouped["responses"]["q"]["results"]) <= 3
    assert grouped["responses"]["q"]["total"]["value"] == len(grouped["responses"]["q"]["results"])


def test_match_listings_flag_gives_one_result_per_listing(client: TestClient) -> None:
    plain = client.post("/match/default", params={"limit": 10, "listings": "true"}, json=QUERY).json()
    results = plain["responses"]["q"]["results"]
    assert {r["id"] for r in results} >= ROGOZIN
    assert all(r["referents"] == [] and "listings" not in r for r in results)


def test_search_and_screen_group_by_default(client: TestClient) -> None:
    found = client.get("/search/default", params={"q": "Dmitri Rogosin", "limit": 3}).json()["results"]
    assert set(found[0]["referents"]) == ROGOZIN
    flat = client.get("/search/default", params={"q": "Dmitri Rogosin", "listings": "true"}).json()
    assert {r["id"] for r in flat["results"]} >= ROGOZIN
    screened = client.post("/screen", json={"name": "Dmitri Rogosin", "limit": 3}).json()
    [party, *_] = screened["parties"]
    assert {li["entity_id"] for li in party["listings"]} == ROGOZIN
    assert {m["entity_id"] for m in screened["matches"]} >= ROGOZIN
    ungrouped = client.post("/screen", json={"name": "Dmitri Rogosin", "listings": True}).json()
    assert ungrouped["parties"] is None
    assert len([m for m in ungrouped["matches"] if m["entity_id"] in ROGOZIN]) == 5


def test_openapi_documents_the_listings_flag(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, method in (("/match/{dataset}", "post"), ("/search/{dataset}", "get")):
        params = {p["name"]: p for p in spec["paths"][path][method]["parameters"]}
        assert "per party" in params["listings"]["description"]
    assert "listings" in spec["components"]["schemas"]["ScreenRequest"]["properties"]
