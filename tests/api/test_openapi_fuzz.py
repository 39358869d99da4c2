"""schemathesis against the OpenAPI document: generated requests never get a server error."""

from __future__ import annotations

import time
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

EXAMPLES = 8  # per operation; the whole run stays well under a minute


def test_generated_requests_get_no_server_error(open_app: FastAPI, client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", open_app)
    ops = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    paths = {op.path for op in ops}
    assert {"/match/{dataset}", "/search/{dataset}", "/screen", "/entities/{entity_id}"} <= paths
    failures: list[str] = []
    calls: list[int] = []
    started = time.monotonic()
    for op in ops:
        if op.path == "/admin/reload":
            continue  # rebuilding the index hundreds of times proves nothing more than test_reload

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Any) -> None:
            response = case.call()
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text}"
                )
            elif response.status_code >= 400:
                assert isinstance(response.json().get("detail"), str), response.text

        run()
    assert not failures, "\n".join(failures[:10])
    assert len(calls) >= 2 * len(ops) and 200 in calls
    assert time.monotonic() - started < 60


def test_openapi_has_examples(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert schemas["MatchRequest"]["examples"][0]["queries"]["q1"]["schema"] == "Person"
    assert "examples" in schemas["ScreenRequest"]
