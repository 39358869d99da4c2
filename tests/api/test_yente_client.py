"""The yente-client package from PyPI (yente's own SDK) talks to embargo as it would to yente."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from yente_client import Client, entities

from embargo.api import create_app
from embargo.store import open_store


@pytest.fixture(scope="module")
def api_key(api_db: Path) -> str:
    """Other tests create keys on the shared store, after which every request needs one: bring our own
    (yente-client sends it as ``Authorization: ApiKey``, as yente expects)."""
    store = open_store(api_db)
    try:
        _key, secret = store.keys.create("screen", label="yente-client test")
    finally:
        store.close()
    return secret


@pytest.fixture(scope="module")
def base_url(api_db: Path, api_key: str) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(api_db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        with Client(base_url=url, api_key=api_key, timeout=10.0) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.readyz().status == "ok":
                        break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                time.sleep(0.2)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_yente_client_match_search_catalog(base_url: str, api_key: str) -> None:
    with Client(base_url=base_url, api_key=api_key, timeout=10.0) as client:
        assert client.healthz().status == "ok"
        entity = entities.Person(name=["Dmitri Rogosin"], birthDate=["1963-12-21"])
        result = client.match(entity, datasets=["default"])
        top = result.results[0]
        assert top.id == "us-ofac-sdn-16649" and top.match and top.score >= 0.9
        found = client.search("Rogozin", datasets=["default"])
        assert any(r.id == "us-ofac-sdn-16649" for r in found.results)
        names = {d.name for d in client.datasets().datasets}
        assert {"us_ofac_sdn", "un_sc"} <= names
        assert client.algorithms().algorithms
        fetched = client.fetch("us-ofac-sdn-16649")
        assert fetched.id == "us-ofac-sdn-16649" and fetched.schema_ == "Person"
