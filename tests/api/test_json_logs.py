"""``embargo serve --log-format json``: every stderr line one JSON object; a record per request carries method,
path and status, never the query string (a screened name may be in it)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
import pytest

from tests.api.conftest import ServerProcess

pytestmark = pytest.mark.slow  # a real server process


def test_json_logs_one_object_a_line_without_query_strings(
    fresh_db: Path, serve: Callable[..., ServerProcess]
) -> None:
    server = serve(fresh_db, "--log-format", "json")
    assert httpx.get(f"{server.url}/search/default", params={"q": "Zyxwvut Secretname"}).status_code == 200
    assert httpx.get(f"{server.url}/no/such/route").status_code == 404
    time.sleep(0.5)
    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    records = [orjson.loads(line) for line in lines]  # each line parses, or this raises
    access = [r for r in records if r.get("logger") == "embargo.access"]
    assert {(r["method"], r["route"], r["status"]) for r in access} >= {
        ("GET", "/search/default", 200),
        ("GET", "/no/such/route", 404),
    }
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    assert "Secretname" not in server.log.read_text()
