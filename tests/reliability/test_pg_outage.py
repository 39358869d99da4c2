"""PostgreSQL stopped and started again under API load: `embargo serve` (a process of its own) over a
throwaway cluster on 127.0.0.1, /match and /lists asked without pause by a client thread.

While the database is down nothing can be audited, and the API never answers a request it has not audited
(see embargo/api/app.py): every answer is a 503 JSON saying so, with Retry-After, never a 500 or a
traceback; /healthz stays 200 (the process is alive). Once the database is back the service recovers by
itself: screening and reads answer again, a list version ingested by another process is served without a
reload, and the audit chain written across the outage verifies."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from embargo.service import Service
from tests import pgserver
from tests.api.conftest import ServerProcess

pytestmark = pytest.mark.slow
LISTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Hafiz Muhammad Saeed"]}}}}


class Load(threading.Thread):
    """/match and /lists in turn, as fast as answered; every answer kept as (time, route, status, body)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.seen: list[tuple[float, str, int, dict[str, object] | list[object] | str]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            while not self.halt.is_set():
                for route in ("/match/default", "/lists"):
                    r = http.post(route, json=QUERY) if route.startswith("/match") else http.get(route)
                    try:
                        body = r.json()
                    except ValueError:
                        body = r.text
                    self.seen.append((time.monotonic(), route, r.status_code, body))
                    if r.status_code == 503:
                        assert r.headers.get("retry-after"), "a 503 without Retry-After"
                time.sleep(0.02)

    def between(self, start: float, end: float) -> list[tuple[str, int, object]]:
        return [(route, status, body) for t, route, status, body in self.seen if start <= t < end]


def embargo(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "embargo.cli.main", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)


def test_postgresql_stopped_and_restarted_under_load() -> None:
    why = pgserver.missing()
    if why:
        pytest.skip(why)
    with pgserver.cluster() as cluster:
        url = pgserver.new_database(cluster.url)
        svc = Service.open(url)
        try:
            assert [o.status for o in svc.ingest([LISTS / "un_sc_consolidated/2025-12-10"])] == ["created"]
        finally:
            svc.close()
        server = ServerProcess(url)
        load = Load(server.url)
        try:
            server.wait_ready()
            load.start()
            time.sleep(2)
            stopping = time.monotonic()
            cluster.stop()
            stopped = time.monotonic()
            time.sleep(4)
            health = httpx.get(f"{server.url}/healthz", timeout=10)
            ready = httpx.get(f"{server.url}/readyz", timeout=10)
            starting = time.monotonic()
            cluster.start()
            started = time.monotonic()

            recovered = None
            while time.monotonic() < started + 30:
                last = load.between(time.monotonic() - 0.5, time.monotonic())
                if (
                    last
                    and {s for _, s, _ in last} == {200}
                    and {r for r, _, _ in last} == {"/match/default", "/lists"}
                ):
                    recovered = time.monotonic() - started
                    break
                time.sleep(0.1)
            assert recovered is not None, f"not recovered 30 s after the restart: {load.seen[-4:]}"

            # a version ingested by another process is served without a reload (the LISTEN came back)
            done = embargo("ingest", str(LISTS / "un_sc_consolidated/2026-02-27"), "--db", url)
            assert done.returncode == 0, done.stderr
            stored, dates = time.monotonic(), []
            while time.monotonic() < stored + 60:
                dates = [
                    v["publish_date"]
                    for v in httpx.post(f"{server.url}/screen", json={"name": "Saeed"}).json()["versions"]
                ]
                if dates == ["2026-02-27"]:
                    break
                time.sleep(0.2)
            assert dates == ["2026-02-27"], f"still served from {dates} a minute after the ingest"
            seen_after = time.monotonic() - stored
            assert server.proc.poll() is None, "the server process did not live through the outage"
        finally:
            load.halt.set()
            load.join(timeout=30)
            server.stop()

        before = load.between(0, stopping)
        outage = load.between(stopped, starting)
        statuses = Counter(status for _, _, status, _ in load.seen)
        print(
            f"{len(load.seen)} answers {dict(statuses)}; {len(outage)} during the outage; "
            f"recovered {recovered:.1f} s after the restart; the new version served {seen_after:.1f} s after its ingest"
        )
        assert before and {s for _, s, _ in before} == {200}
        assert len(outage) >= 10 and {s for _, s, _ in outage} == {503}, Counter(s for _, s, _ in outage)
        for _, _, body in outage:  # a clear JSON reason, never a traceback or an internal error
            assert isinstance(body, dict) and "the audit log cannot be written" in str(body["detail"])
            assert "cannot connect to the PostgreSQL store" in str(body["detail"]) and "Traceback" not in str(
                body
            )
        errors = [
            (round(t, 1), route, body) for t, route, status, body in load.seen if status not in (200, 503)
        ]
        assert not errors, errors  # no 500 at any moment, the edges of the outage included
        assert all(isinstance(body, dict | list) for _, _, _, body in load.seen)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert ready.status_code == 503 and "audit log" in ready.json()["detail"]
        verified = embargo("audit", "verify", "--db", url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
