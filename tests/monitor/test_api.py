"""The monitoring routes over HTTP with scopes: reviewers decide, admins change the portfolio and export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.store import open_store

PUTIN = {
    "id": "K1",
    "names": ["Vladimir Vladimirovich PUTIN"],
    "type": "person",
    "birth_dates": ["1952-10-07"],
}


def test_portfolio_alerts_and_audit_over_http(wave_db: Path) -> None:
    store = open_store(wave_db)
    _, admin = store.keys.create("admin")
    _, screen = store.keys.create("screen")
    _, reviewer = store.keys.create("reviewer")
    store.close()
    a, s, r = {"X-API-Key": admin}, {"X-API-Key": screen}, {"X-API-Key": reviewer}
    with TestClient(create_app(wave_db)) as client:
        assert client.get("/monitor/alerts").status_code == 401
        body = {"counterparties": [PUTIN, {"id": "K2", "names": ["Zorvathquil Bexmoldaf"]}]}
        assert client.put("/monitor/portfolio", json=body, headers=r).status_code == 403
        bad = client.put(
            "/monitor/portfolio", json={"counterparties": [{**PUTIN, "birth_dates": ["x"]}]}, headers=a
        )
        assert bad.status_code == 422 and "birth date" in bad.json()["detail"]
        added = client.put("/monitor/portfolio", json=body, headers=a).json()
        assert added["screened"] == 2 and added["raised"]
        assert client.get("/monitor/portfolio", headers=r).json()["total"] == 2

        listing = client.get("/monitor/alerts", params={"state": "open"}, headers=r).json()
        assert listing["counts"]["open"] == len(listing["alerts"]) >= 1
        aid = listing["alerts"][0]["id"]
        one = client.get(f"/monitor/alerts/{aid}", headers=r).json()
        assert one["counterparty"]["id"] == "K1" and one["explanation"]
        denied = client.post(
            f"/monitor/alerts/{aid}/decision", json={"state": "true_match", "reason": "x"}, headers=s
        )
        assert denied.status_code == 403 and "scope 'screen'" in denied.json()["detail"]
        assert client.get(f"/monitor/alerts/{aid}", headers=s).json()["state"] == "open"
        wrong = client.post(
            f"/monitor/alerts/{aid}/decision", json={"state": "open", "reason": "x"}, headers=r
        )
        assert wrong.status_code == 422
        done = client.post(
            f"/monitor/alerts/{aid}/decision", json={"state": "true_match", "reason": "same DOB"}, headers=r
        ).json()
        assert done["state"] == "true_match"
        client.post(f"/monitor/alerts/{aid}/comments", json={"text": "frozen"}, headers=r)
        history = client.get(f"/monitor/alerts/{aid}", headers=r).json()["history"]
        assert [h["action"] for h in history] == ["raised", "transition", "comment"]
        assert history[1]["actor"] != "api"  # the reviewer is the key that decided
        assert client.get("/monitor/alerts/999999", headers=r).status_code == 404
        for route in ("/monitor/alerts", "/monitor/portfolio"):  # an offset past the database's integers
            huge = client.get(route, params={"offset": 10**20}, headers=r)
            assert huge.status_code == 422 and "offset" in huge.text, huge.text

        assert client.get("/monitor/audit", headers=r).status_code == 403
        text = client.get("/monitor/audit", params={"format": "csv", "alert": aid}, headers=a).text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(x["decision"], x["reason"]) for x in rows] == [("true_match", "same DOB")]
        assert client.post("/monitor/run", json={"full": False}, headers=a).json() == []
        assert client.delete("/monitor/portfolio/K2", headers=a).json() == {"removed": 1}
        assert client.get("/monitor/portfolio/K2/history", headers=r).json()[-1]["action"] == "removed"
