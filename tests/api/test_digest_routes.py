"""GET /digest and GET /timeline over real OFAC SDN and UN publications."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from embargo.api import create_app


@pytest.fixture(scope="module")
def waves_client(waves_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(waves_db, keys_required=False)) as c:
        yield c


def test_digest_route_is_the_webhook_payload(waves_client: TestClient) -> None:
    r = waves_client.get("/digest", params={"date": "2022-03-24"})
    assert r.status_code == 200
    body = r.json()
    assert body["type"] == "embargo.digest" and body["counts"]["added"] == 397
    ofac = body["authorities"][0]
    assert ofac["authority"] == "US Treasury OFAC" and ofac["by_programme"]["RUSSIA-EO14024"] == 397
    added = ofac["versions"][0]["added"]
    tagged = [p for p in added if p["sectors"]]
    assert tagged and all(set(p["sector_rules"]) == set(p["sectors"]) for p in tagged)
    r = waves_client.get("/digest", params={"date": "2022-03-24", "sector": "aerospace"})
    assert 0 < r.json()["counts"]["added"] < 397
    r = waves_client.get("/digest", params={"date": "March 24"})
    assert r.status_code == 422 and "not a date" in r.json()["detail"]


def test_timeline_route_counts_like_the_diff(waves_client: TestClient) -> None:
    r = waves_client.get("/timeline", params={"source": "us_ofac_sdn", "period": "day"})
    assert r.status_code == 200
    body = r.json()
    step = next(s for s in body["steps"] if s["to"]["date"] == "2022-03-24")
    diff = waves_client.get(
        "/lists/us_ofac_sdn/diff", params={"from": "2022-03-21", "to": "2022-03-24"}
    ).json()
    assert step["added"] == len(diff["added"]) == 397
    assert body["origins"] == {"diff": "from version diffs", "listing": "from listing dates"}
    r = waves_client.get("/timeline", params={"by": "colour"})
    assert r.status_code == 422 and "cannot group by" in r.json()["detail"]
