"""/metrics (Prometheus text) and the JSON logs of `embargo serve --log-format json`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.api.logs import JsonFormatter, configure
from embargo.store import open_store

ROGOZIN = {"schema": "Person", "properties": {"name": ["Dmitry Rogozin"], "birthDate": ["1963-12-21"]}}


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus's text format (labels in any order)."""
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        base, _, rest = series.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if base == name and found == labels:
            return float(value)
    raise AssertionError(f"no {name} {labels} in:\n{text}")


def test_metrics_count_requests_and_describe_the_index(client: TestClient) -> None:
    before = client.get("/metrics")
    assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
    for _ in range(3):
        assert client.post("/match/default", json={"queries": {"q": ROGOZIN}}).status_code == 200
    assert client.get("/entities/no-such-entity").status_code == 404
    text = client.get("/metrics").text
    route = {"method": "POST", "route": "/match/{dataset}", "status": "200"}
    assert sample(text, "embargo_http_requests_total", **route) >= 3
    assert sample(text, "embargo_http_request_duration_seconds_count", route="/match/{dataset}") >= 3
    assert (
        sample(text, "embargo_http_requests_total", method="GET", route="/entities/{entity_id}", status="404")
        >= 1
    )
    assert "no-such-entity" not in text  # the route's template, never the raw path
    assert sample(text, "embargo_index_ready") == 1.0 and sample(text, "embargo_index_entities") > 10_000
    assert 0 <= sample(text, "embargo_index_age_seconds") < 3600
    assert sample(text, "embargo_list_version_in_force", source="un_sc", publish_date="2026-02-27") >= 1
    assert sample(text, "embargo_list_entities", source="us_ofac_sdn") > 10_000
    assert sample(text, "embargo_alerts", state="open") == 0  # alerts and webhooks, read from the store
    assert sample(text, "embargo_webhook_deliveries", state="dead") == 0
    assert sample(text, "embargo_audit_write_failures_total") == 0


@pytest.fixture
def keyed_app(fresh_db: Path, ready: Callable[[TestClient], None]) -> Iterator[tuple[TestClient, str]]:
    store = open_store(fresh_db)
    try:
        _, secret = store.keys.create("screen", "prometheus")
    finally:
        store.close()
    with TestClient(create_app(fresh_db)) as c:
        ready(c)
        yield c, secret


def test_metrics_need_a_key_once_keys_exist(keyed_app: tuple[TestClient, str]) -> None:
    client, secret = keyed_app
    assert client.get("/metrics").status_code == 401
    r = client.get("/metrics", headers={"Authorization": f"Bearer {secret}"})  # a scraper's bearer token
    assert r.status_code == 200 and "embargo_index_ready 1.0" in r.text


def test_json_logs_are_one_object_a_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    monkeypatch.setenv("EMBARGO_LOG_FORMAT", "json")
    try:
        configure()
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        logging.getLogger("embargo.access").info(
            "POST /match/default 200",
            extra={"method": "POST", "route": "/match/default", "status": 200, "user": "ö"},
        )
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("embargo.api").exception("request failed")
    finally:
        root.handlers, root.level = saved
    lines = [orjson.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access, failure = lines[-2], lines[-1]
    assert access["logger"] == "embargo.access" and access["status"] == 200 and access["user"] == "ö"
    assert access["level"] == "info" and access["time"].endswith("+00:00")
    assert failure["level"] == "error" and "ValueError: boom" in failure["exception"]
