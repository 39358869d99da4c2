"""Processes sharing one store: two `embargo ingest` of one publication at once, and the HTTP API over
PostgreSQL (keys, screening, the audit log kept in the database)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.service import Service
from embargo.store import AuditEntry, open_store
from tests import pgserver
from tests.store.helpers import entity, version

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


def test_a_store_recovers_by_itself_when_postgresql_restarts(pg_cluster: pgserver.Cluster) -> None:
    """The server stopped at once (connections cut) and started again: reads, writes, the audit log and a
    watch all carry on, on new connections, without the store being opened again."""
    url = pgserver.new_database(pg_cluster.url)
    store, other = open_store(url, upgrade=True), open_store(url)
    seen = threading.Event()
    watch = store.watch(seen.set, interval=0.2)
    try:
        v1, _ = store.add_version(version("2022-01-01", [entity("1", "A")]))
        store.keys.create("screen")
        store.audit.write(AuditEntry("GET", "/before", 200))
        pg_cluster.restart()
        assert store.versions() == [v1]  # a read: asked again on a new connection
        store.keys.create("admin")  # a write: its transaction begins on a new connection
        assert len(store.keys.list_keys()) == 2
        with contextlib.suppress(Exception):  # a group whose connection died is refused (answered 503)
            store.audit.write(AuditEntry("GET", "/during", 200))
        store.audit.write(AuditEntry("GET", "/after", 200))
        assert store.audit.verify().ok and store.audit.rows()[-1]["route"] == "/after"
        time.sleep(0.5)
        seen.clear()
        other.add_version(version("2022-02-01", [entity("1", "B")]))
        assert seen.wait(10), "the watch did not hear the version stored after the restart"
    finally:
        watch.stop()
        store.close()
        other.close()


@pytest.mark.slow
def test_two_api_processes_on_postgresql_see_each_others_work(pg_server: str, lists_dir: Path) -> None:
    """Two `embargo serve` processes on one PostgreSQL database: a version ingested by a third process is
    answered by both within seconds (LISTEN/NOTIFY, the index swapped whole), a key created through
    one is accepted by the other at once, and an alert decided through one is decided on the other."""
    from tests.api.conftest import ServerProcess

    url = pgserver.new_database(pg_server)
    svc = Service.open(url)
    try:
        assert [o.status for o in svc.ingest([lists_dir / "un_sc_consolidated/2025-12-10"])] == ["created"]
    finally:
        svc.close()
    servers = [ServerProcess(url), ServerProcess(url)]
    try:
        for s in servers:
            s.wait_ready()
        cmd = [sys.executable, "-m", "embargo.cli.main", "ingest", str(lists_dir / UN), "--db", url]
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        stored = time.monotonic()
        for s in servers:
            dates: list[str] = []
            while time.monotonic() < stored + 60:
                r = httpx.post(f"{s.url}/screen", json={"name": "Al-Qaida"}, timeout=10)
                dates = [v["publish_date"] for v in r.json()["versions"]]
                if dates == ["2026-02-27"]:
                    break
                time.sleep(0.2)
            assert dates == ["2026-02-27"], f"{s.url} still answers from {dates}"
        print(
            f"both processes answered from the new version {time.monotonic() - stored:.1f} s after it was stored"
        )
        # a key made through one process (an admin's command) is good on the other at once
        created = subprocess.run(
            [
                sys.executable,
                "-m",
                "embargo.cli.main",
                "keys",
                "create",
                "--scope",
                "screen",
                "--db",
                url,
                "--json",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        import json

        secret = json.loads(created.stdout)["key"]
        for s in servers:
            r = httpx.get(f"{s.url}/lists", headers={"X-API-Key": secret}, timeout=10)
            assert r.status_code == 200
            assert httpx.get(f"{s.url}/lists", timeout=10).status_code == 401
        # a monitoring decision made through one process is what the other answers at once
        store = open_store(url)
        try:
            _, admin = store.keys.create("admin", "monitoring")
        finally:
            store.close()
        a, b, h = servers[0].url, servers[1].url, {"X-API-Key": admin}
        book = {"counterparties": [{"id": "K1", "names": ["Al-Qaida"], "type": "organization"}]}
        assert httpx.put(f"{a}/monitor/portfolio", json=book, headers=h, timeout=120).status_code == 200
        alerts = httpx.get(f"{b}/monitor/alerts", params={"counterparty": "K1"}, headers=h, timeout=60).json()
        alert_id = alerts["alerts"][0]["id"]
        decision = {"state": "true_match", "reason": "the listed organisation itself"}
        r = httpx.post(f"{a}/monitor/alerts/{alert_id}/decision", json=decision, headers=h, timeout=60)
        assert r.status_code == 200 and r.json()["state"] == "true_match"
        seen = httpx.get(f"{b}/monitor/alerts/{alert_id}", headers=h, timeout=60).json()
        assert seen["state"] == "true_match" and seen["history"][-1]["reason"] == decision["reason"]
    finally:
        for s in servers:
            s.stop()


def test_a_lost_database_connection_is_told_from_a_fault() -> None:
    """The API answers 503 (retry), not 500, when the database went away under a query."""
    import psycopg

    from embargo.service.access import unreachable

    assert unreachable(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert unreachable(psycopg.InterfaceError("the connection is closed"))
    assert not unreachable(ValueError("a bug")) and not unreachable(psycopg.errors.UniqueViolation("dup"))
