"""A store built from real list files (OFAC SDN 2024-05-02, UN 2026-02-27) and API clients over it."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.service import Service

LIST_FILES = ("us_ofac_sdn/2024-05-02", "un_sc_consolidated/2026-02-27")


def wait_ready(client: TestClient, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while client.get("/readyz").status_code != 200:
        if time.monotonic() > end:
            raise AssertionError(f"index not built in {timeout} s: {client.get('/readyz').json()}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def ready() -> Callable[[TestClient], None]:
    """Waits until the app's index is built (/readyz 200)."""
    return wait_ready


@pytest.fixture(scope="session")
def api_db(tmp_path_factory: pytest.TempPathFactory, lists_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("api") / "embargo.db"
    svc = Service.open(db)
    try:
        outcomes = svc.ingest([lists_dir / p for p in LIST_FILES])
    finally:
        svc.close()
    assert [o.status for o in outcomes] == ["created", "created"], [o.line() for o in outcomes]
    return db


@pytest.fixture(scope="session")
def open_app(api_db: Path) -> FastAPI:
    """Keys never required (keys created by the key tests do not affect it)."""
    return create_app(api_db, keys_required=False)


@pytest.fixture(scope="session")
def client(open_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(open_app) as c:
        wait_ready(c)
        yield c


UN_FILES = ("un_sc_consolidated/2025-12-09", "un_sc_consolidated/2026-02-27")


@pytest.fixture(scope="session")
def un_store(tmp_path_factory: pytest.TempPathFactory, lists_dir: Path) -> Path:
    """A small store (two UN publications, about 1,000 entities): quick to index, copied per test."""
    db = tmp_path_factory.mktemp("un") / "embargo.db"
    svc = Service.open(db)
    try:
        outcomes = svc.ingest([lists_dir / p for p in UN_FILES])
    finally:
        svc.close()
    assert [o.status for o in outcomes] == ["created", "created"], [o.line() for o in outcomes]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


@pytest.fixture
def fresh_db(un_store: Path, tmp_path: Path) -> Path:
    """A store of its own for a test that adds keys, users or audit rows."""
    db = tmp_path / "embargo.db"
    shutil.copyfile(un_store, db)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerProcess:
    """``embargo serve`` in a process of its own on 127.0.0.1 (killed by the fixture)."""

    def __init__(self, db: Path | str, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "EMBARGO_NATIVE": os.environ.get("EMBARGO_NATIVE", "1")}
        env.pop("EMBARGO_DB", None)
        cmd = [
            sys.executable,
            "-m",
            "embargo.cli.main",
            "serve",
            "--db",
            str(db),
            "--port",
            str(self.port),
            *args,
        ]
        where = db.parent if isinstance(db, Path) else Path(tempfile.gettempdir())  # a URL: logs in /tmp
        self.log = where / f"serve-{self.port}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120.0) -> None:
        end = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"the server exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}"
                )
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > end:
                raise AssertionError(f"the server was not ready in {timeout} s")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def serve() -> Iterator[Callable[..., ServerProcess]]:
    """Starts ``embargo serve`` processes and stops them after the test."""
    started: list[ServerProcess] = []

    def start(db: Path, *args: str) -> ServerProcess:
        server = ServerProcess(db, *args)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()
