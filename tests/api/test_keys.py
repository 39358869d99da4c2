"""API keys (401 without one once any exists, scopes) and the append-only audit log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.store import Store, open_store

ROGOZIN = {"schema": "Person", "properties": {"name": ["Dmitry Rogozin"], "birthDate": ["1963-12-21"]}}


@pytest.fixture(scope="module")
def keyed(api_db: Path, ready: Callable[[TestClient], None]) -> Iterator[tuple[TestClient, Store]]:
    store = open_store(api_db)
    with TestClient(create_app(api_db)) as c:
        ready(c)
        yield c, store
    store.close()


def test_keys_are_required_once_one_exists(keyed: tuple[TestClient, Store]) -> None:
    client, store = keyed
    keys = store.keys
    screen_key, screen_secret = keys.create("screen", "tests")
    _, admin_secret = keys.create("admin", "tests-admin")
    assert screen_secret not in str(sqlite3.connect(store.url).execute("SELECT * FROM api_keys").fetchall())
    body = {"queries": {"q": ROGOZIN}}
    r = client.post("/match/default", json=body)
    assert r.status_code == 401 and "API key is required" in r.json()["detail"]
    r = client.post("/match/default", json=body, headers={"X-API-Key": screen_secret[:-1] + "?"})
    assert r.status_code == 401 and "not valid" in r.json()["detail"]
    r = client.post("/match/default", json=body, headers={"Authorization": f"ApiKey {screen_secret}"})
    assert r.status_code == 200
    assert client.get("/healthz").status_code == 200  # probes need no key
    r = client.post("/admin/reload", headers={"X-API-Key": screen_secret})
    assert r.status_code == 403 and "admin" in r.json()["detail"]
    assert client.post("/admin/reload", headers={"X-API-Key": admin_secret}).status_code == 202
    keys.revoke(screen_key.id)
    assert client.get("/lists", headers={"X-API-Key": screen_secret}).status_code == 401

    client.app.state.embargo.audit.flush()  # type: ignore[attr-defined]
    rows = [r for r in store.audit.rows() if r["key_id"] == screen_key.id and r["route"] == "/match/default"]
    assert rows and rows[-1]["status"] == 200
    row = rows[-1]
    assert row["query"]["q"]["names"] == ["Dmitry Rogozin"] and row["query"]["q"]["birth_dates"] == [
        "1963-12-21"
    ]
    assert {(v["source"], v["publish_date"]) for v in row["versions"]} == {
        ("us_ofac_sdn", "2024-05-02"),
        ("un_sc", "2026-02-27"),
    }
    assert row["scores"]["q"][0][0] == "us-ofac-sdn-16649" and row["scores"]["q"][0][1] >= 0.9
    assert any(r["status"] == 401 and r["key_id"] is None for r in store.audit.rows())


def test_audit_log_refuses_update_and_delete(api_db: Path, keyed: tuple[TestClient, Store]) -> None:
    keyed[0].app.state.embargo.audit.flush()  # type: ignore[attr-defined]
    conn = sqlite3.connect(api_db)
    try:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_log SET status = 200")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM audit_log")
    finally:
        conn.close()
