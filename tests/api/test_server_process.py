"""`embargo serve` as a real process on 127.0.0.1: every answered request is in the audit log after kill -9,
/healthz answers while big /match requests run, idle and slow-header connections are closed, and serving
beyond loopback with no key or user prints a warning."""

from __future__ import annotations

import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers the commands)
from embargo.cli.base import app as cli

pytestmark = pytest.mark.slow

WORDS = ("Mohammed", "Ahmad", "Abdul", "Ali", "Hassan", "Kim", "Abu", "Omar", "Bank", "Trading", "Company")


def big_match(seed: int, names: int, words: int = 12) -> dict[str, object]:
    rnd = random.Random(seed)
    return {
        "queries": {
            f"q{i}": {
                "schema": "LegalEntity",
                "properties": {
                    "name": [" ".join(rnd.choice(WORDS) for _ in range(words)) for _ in range(names)]
                },
            }
            for i in range(50)
        }
    }


def test_every_answered_request_is_audited_after_kill_9(fresh_db: Path, serve: Callable[..., object]) -> None:
    server = serve(fresh_db)
    url = server.url  # type: ignore[attr-defined]
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(worker: int) -> None:
        with httpx.Client(timeout=10) as http:
            for i in range(10_000):
                if stop.is_set():
                    return
                name = f"Audit Probe {worker} {i}"
                try:
                    r = http.post(
                        f"{url}/match/default",
                        json={"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}},
                    )
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:
                    with lock:
                        answered.append(name)

    workers = [threading.Thread(target=client, args=(w,)) for w in range(4)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 60
    while len(answered) < 120 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.proc.send_signal(signal.SIGKILL)  # type: ignore[attr-defined]
    server.proc.wait(timeout=10)  # type: ignore[attr-defined]
    stop.set()
    for w in workers:
        w.join(timeout=20)
    assert len(answered) >= 120
    conn = sqlite3.connect(fresh_db)
    logged = {
        row[0]
        for row in conn.execute(
            "SELECT json_extract(query, '$.q.names[0]') FROM audit_log WHERE route = '/match/default' AND status = 200"
        )
    }
    conn.close()
    missing = [name for name in answered if name not in logged]
    assert not missing, f"{len(missing)} of {len(answered)} answered requests not audited: {missing[:5]}"
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(fresh_db)])
    assert result.exit_code == 0, result.output


def test_healthz_answers_while_big_matches_run(api_db: Path, serve: Callable[..., object]) -> None:
    server = serve(api_db, "--require-keys")
    url = server.url  # type: ignore[attr-defined]
    from embargo.store import open_store

    store = open_store(api_db)
    try:
        _, secret = store.keys.create("screen", "healthz test")
    finally:
        store.close()
    headers = {"X-API-Key": secret}
    stop = threading.Event()
    outcomes: list[tuple[int, float]] = []

    def load(body: Callable[[int], dict[str, object]]) -> None:
        with httpx.Client(timeout=120, headers=headers) as http:
            i = 0
            while not stop.is_set():
                started = time.monotonic()
                r = http.post(f"{url}/match/default", json=body(i))
                outcomes.append((r.status_code, time.monotonic() - started))
                i += 1

    # a request past the caps (0.6 MB, 15,000 names) is refused at once instead of screened for seconds
    huge = big_match(0, names=300, words=6)
    started = time.monotonic()
    r = httpx.post(f"{url}/match/default", json=huge, headers=headers, timeout=120)
    assert r.status_code == 422 and "names" in r.json()["detail"], server.log.read_text()  # type: ignore[attr-defined]
    assert time.monotonic() - started < 5

    loader = threading.Thread(target=load, args=(lambda i: big_match(i, names=4),))
    loader.start()
    try:
        time.sleep(0.5)
        waits = []
        with httpx.Client(timeout=30) as http:
            for _ in range(30):
                started = time.monotonic()
                assert http.get(f"{url}/healthz").status_code == 200
                waits.append(time.monotonic() - started)
                time.sleep(0.05)
    finally:
        stop.set()
        loader.join(timeout=120)
    assert outcomes and all(code == 200 for code, _ in outcomes)
    assert statistics.median(waits) < 0.5, waits
    assert max(waits) < 1.5, waits


def read_until_closed(sock: socket.socket, limit: float) -> float:
    """Seconds until the server closes the connection (recv gives b'')."""
    started = time.monotonic()
    sock.settimeout(limit)
    while True:
        try:
            data = sock.recv(4096)
        except TimeoutError:
            raise AssertionError(f"the connection was still open after {limit} s") from None
        except ConnectionResetError:
            break
        if not data:
            break
    return time.monotonic() - started


def test_idle_and_slow_header_connections_are_closed(fresh_db: Path, serve: Callable[..., object]) -> None:
    server = serve(fresh_db, "--header-timeout", "1", "--keep-alive", "1")
    port = server.port  # type: ignore[attr-defined]
    # a connection that sends nothing
    with socket.create_connection(("127.0.0.1", port)) as idle:
        assert read_until_closed(idle, 6) < 4
    # a connection that sends a header a byte at a time, never finishing it
    with socket.create_connection(("127.0.0.1", port)) as slow:
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        closed_after = None
        started = time.monotonic()
        for byte in head:
            try:
                slow.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - started
                break
            slow.settimeout(0.2)
            try:
                if slow.recv(4096) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                pass
            if time.monotonic() - started > 8:
                break
        assert closed_after is not None and closed_after < 4, "a slow header kept the connection open"
    # a normal request still works, and its keep-alive connection is closed when idle
    with socket.create_connection(("127.0.0.1", port)) as ok:
        ok.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        ok.settimeout(5)
        assert ok.recv(4096).startswith(b"HTTP/1.1 200")
        assert read_until_closed(ok, 6) < 4


def serve_stderr(db: Path, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "embargo.cli.main", "serve", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return " ".join(proc.stderr.split())


def test_serving_beyond_loopback_without_keys_warns(fresh_db: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is on no interface here: the warning comes first, then binding fails
    warned = serve_stderr(fresh_db, "--host", "192.0.2.1")
    assert "warning: serving on 192.0.2.1 with no API key or user" in warned
    assert "warning: serving" not in serve_stderr(fresh_db, "--host", "192.0.2.1", "--require-keys")
