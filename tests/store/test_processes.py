"""Processes sharing one store: two `embargo ingest` of one publication at once, and the HTTP API over
PostgreSQL (keys, screening, the audit log kept in the database)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.service import Service
from embargo.store import open_store
from tests import pgserver

UN = "un_sc_consolidated/2026-02-27"


@pytest.mark.slow
def test_two_ingest_processes_of_one_publication_store_one_version(store_url: str, lists_dir: Path) -> None:
    open_store(store_url, upgrade=True).close()  # the tables exist before both start
    cmd = [sys.executable, "-m", "embargo.cli.main", "ingest", str(lists_dir / UN), "--db", store_url]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    said = " ".join(out + err for out, err in outputs)
    assert (
        said.count("1 new versions, 0 unchanged") == 1 and said.count("0 new versions, 1 unchanged") == 1
    ), said
    store = open_store(store_url)
    try:
        [version] = store.versions(include_held=True)
        assert version.source == "un_sc" and version.entity_count > 500
    finally:
        store.close()


def test_the_api_keeps_keys_and_audit_in_postgresql(pg_server: str, lists_dir: Path) -> None:
    url = pgserver.new_database(pg_server)
    svc = Service.open(url)
    try:
        assert [o.status for o in svc.ingest([lists_dir / UN])] == ["created"]
        _, secret = svc.store.keys.create("screen", "pg")
    finally:
        svc.close()
    body = {"queries": {"q": {"schema": "Organization", "properties": {"name": ["Al-Qaida"]}}}}
    with TestClient(create_app(url)) as client:
        end = time.monotonic() + 60
        while client.get("/readyz").status_code != 200 and time.monotonic() < end:
            time.sleep(0.05)
        assert client.post("/match/default", json=body).status_code == 401
        r = client.post("/match/default", json=body, headers={"X-API-Key": secret})
        assert r.status_code == 200 and r.json()["responses"]["q"]["results"]
        client.app.state.embargo.audit.flush()  # type: ignore[attr-defined]
    store = open_store(url)
    try:
        rows = store.audit.rows()
        assert [r["status"] for r in rows if r["route"] == "/match/default"] == [401, 200]
        assert store.audit.verify().ok
    finally:
        store.close()
