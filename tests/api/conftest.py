"""A store built from real list files (OFAC SDN 2024-05-02, UN 2026-02-27) and API clients over it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

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
