"""Bad input gets a 4xx with a JSON ``detail`` that says what is wrong; never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from embargo.api.models import MAX_QUERIES

PERSON = {"schema": "Person", "properties": {"name": ["Dmitry Rogozin"]}}


def check(r: Any, status: int, words: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    detail = r.json()["detail"]
    assert isinstance(detail, str) and words in detail, detail


def test_malformed_json(client: TestClient) -> None:
    r = client.post("/match/default", content=b'{"queries": {', headers={"content-type": "application/json"})
    check(r, 400, "not valid JSON")


def test_body_over_the_cap(client: TestClient) -> None:
    r = client.post(
        "/match/default", content=b" " * (10 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    check(r, 413, "larger than")


def test_body_over_the_cap_without_length(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b" " * (128 * 1024)

    r = client.post("/match/default", content=chunks(), headers={"content-type": "application/json"})
    check(r, 413, "larger than")


def test_name_of_ten_thousand_characters(client: TestClient) -> None:
    q = {"schema": "Person", "properties": {"name": ["x" * 10_000]}}
    check(client.post("/match/default", json={"queries": {"q": q}}), 422, "the limit is 500")
    check(client.post("/screen", json={"name": "x" * 10_000}), 422, "name")
    check(client.get("/search/default", params={"q": "x" * 10_000}), 422, "q")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"schema": "Spaceship", "properties": {"name": ["x"]}}, "unknown type 'Spaceship'"),
        ({"schema": "Person", "properties": {"name": ["x"], "birthDate": ["31/31/1999x"]}}, "is not a date"),
        ({"schema": "Person", "properties": {}}, "needs a name"),
        ({"schema": "Person", "properties": {"name": [{"a": 1}]}}, "properties"),
        ({"properties": {"name": ["x"]}}, "schema: Field required"),
    ],
)
def test_bad_queries(client: TestClient, query: dict[str, Any], words: str) -> None:
    check(client.post("/match/default", json={"queries": {"q": query}}), 422, words)


def test_bad_parameters(client: TestClient) -> None:
    body = {"queries": {"q": PERSON}}
    check(client.post("/match/default", json=body, params={"limit": 0}), 422, "limit")
    check(client.post("/match/default", json=body, params={"threshold": "high"}), 422, "threshold")
    check(client.post("/match/default", json=body, params={"algorithm": "v0"}), 422, "unknown algorithm")
    check(client.post("/match/default", json=body, params={"changed_since": "yesterday"}), 422, "not a date")
    check(client.post("/screen", json={"name": "x", "as_of": "2024-13-45"}), 422, "not a date")
    check(client.get("/entities/x/history", params={"as_of": "someday"}), 422, "not a date")
    check(client.post("/match/default", json={"queries": {}}), 422, "at least 1")
    many = {f"q{i}": PERSON for i in range(MAX_QUERIES + 1)}
    check(client.post("/match/default", json={"queries": many}), 422, f"at most {MAX_QUERIES}")
    check(client.post("/match/default", json=[1, 2]), 422, "")
    check(client.get("/nowhere"), 404, "Not Found")
    check(client.delete("/match/default"), 405, "Method Not Allowed")
