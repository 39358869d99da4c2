"""What the API's edge does before and after a route: keys only in headers (a key in the URL is refused and
never logged), the audit row committed before the answer (503 when the audit store is full), failed keys
throttled, lone surrogates and half-read dates refused, per-request caps, security headers, the OpenAPI
page behind a key once keys exist."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.api.limits import MAX_NAMES, MAX_REQUEST_NAMES
from embargo.store import AuditLog, KeyStore

HEADERS = {"content-type": "application/json"}


def person(name: str) -> dict[str, object]:
    return {"schema": "Person", "properties": {"name": [name]}}


@pytest.fixture
def app_client(fresh_db: Path, ready: Callable[[TestClient], None]) -> Iterator[TestClient]:
    with TestClient(create_app(fresh_db)) as c:
        ready(c)
        yield c


def rows(client: TestClient) -> list[dict[str, Any]]:
    audit: AuditLog = client.app.state.embargo.audit  # type: ignore[attr-defined]
    return audit.rows()


def test_a_key_in_the_url_is_refused_and_never_logged(app_client: TestClient, fresh_db: Path) -> None:
    keys: KeyStore = app_client.app.state.embargo.keys  # type: ignore[attr-defined]
    _, secret = keys.create("screen", "url test")
    r = app_client.get("/lists", params={"api_key": secret})
    assert r.status_code == 401
    assert "headers only" in r.json()["detail"]
    assert app_client.get("/lists", headers={"X-API-Key": secret}).status_code == 200
    logged = [row for row in rows(app_client) if str(row["route"]).startswith("/lists?")]
    assert logged and logged[-1]["route"] == "/lists?api_key=REDACTED" and logged[-1]["status"] == 401
    app_client.app.state.embargo.audit.flush()  # type: ignore[attr-defined]
    dump = "\n".join(sqlite3.connect(fresh_db).iterdump())
    assert secret not in dump and secret.split("_", 2)[2] not in dump


def test_the_audit_row_is_written_before_the_answer_and_a_full_store_answers_503(
    app_client: TestClient,
) -> None:
    """The audit connection may not grow the file (SQLite's max_page_count: a disk full for it alone):
    every request answered 200 has its row; the others get 503 and no screening."""
    audit = app_client.app.state.embargo.audit  # type: ignore[attr-defined]
    pages = audit.db.conn.execute("PRAGMA page_count").fetchone()[0]
    audit.db.conn.execute(f"PRAGMA max_page_count = {pages}")
    answers = {}
    for i in range(40):
        name = f"Full Disk Probe {i}"
        r = app_client.post("/match/default", json={"queries": {"q": person(name)}})
        answers[name] = r
    codes = {r.status_code for r in answers.values()}
    assert codes <= {200, 503} and 503 in codes
    failed = [r for r in answers.values() if r.status_code == 503]
    assert all("audit log cannot be written" in r.json()["detail"] for r in failed)
    assert all("responses" not in r.json() for r in failed)
    audit.db.conn.execute("PRAGMA max_page_count = 1073741823")
    logged = {
        row["query"]["q"]["names"][0] for row in rows(app_client) if row["query"] and "q" in row["query"]
    }
    answered = {name for name, r in answers.items() if r.status_code == 200}
    assert answered <= logged
    assert not ({name for name, r in answers.items() if r.status_code == 503} & logged)
    assert app_client.post("/match/default", json={"queries": {"q": person("After")}}).status_code == 200


def test_a_lone_surrogate_is_a_422_and_audited(app_client: TestClient) -> None:
    body = '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan \\ud800 Petrov"]}}}}'
    r = app_client.post("/match/default", content=body, headers=HEADERS)
    assert r.status_code == 422
    assert (
        "lone surrogate (U+D800)" in r.json()["detail"]
        and "queries.q.properties.name[0]" in r.json()["detail"]
    )
    r = app_client.post("/screen", content='{"name": "x\\udfff"}', headers=HEADERS)
    assert r.status_code == 422 and "unicode" in r.json()["detail"].lower()
    statuses = [(row["route"], row["status"]) for row in rows(app_client)]
    assert ("/match/default", 422) in statuses and ("/screen", 422) in statuses


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("2020-01-01", 200),
        ("2020-01-01T10:00:00Z", 200),
        ("2020-01-01T10:00:00+05:00", 200),
        ("2020-01-01garbage", 422),
        ("2020-01-01T99:00", 422),
        ("2020-01-01 and more", 422),
    ],
)
def test_changed_since_is_read_whole(app_client: TestClient, value: str, status: int) -> None:
    r = app_client.post(
        "/match/default", params={"changed_since": value}, json={"queries": {"q": person("Kim Jong Un")}}
    )
    assert r.status_code == status, r.text
    if status == 422:
        assert "changed_since" in r.json()["detail"] and "not a date" in r.json()["detail"]


def test_names_per_query_and_per_request_are_capped(app_client: TestClient) -> None:
    many = {"schema": "Person", "properties": {"name": [f"Name {i}" for i in range(MAX_NAMES + 1)]}}
    r = app_client.post("/match/default", json={"queries": {"big": many}})
    assert r.status_code == 422 and f"the limit is {MAX_NAMES} per query" in r.json()["detail"]
    per = MAX_NAMES
    queries = {
        f"q{i}": {"schema": "Person", "properties": {"name": [f"N {i} {j}" for j in range(per)]}}
        for i in range(MAX_REQUEST_NAMES // per + 1)
    }
    r = app_client.post("/match/default", json={"queries": queries})
    assert r.status_code == 422 and f"the limit is {MAX_REQUEST_NAMES} per request" in r.json()["detail"]


def test_failed_keys_are_throttled_per_client(app_client: TestClient) -> None:
    keys: KeyStore = app_client.app.state.embargo.keys  # type: ignore[attr-defined]
    _, secret = keys.create("screen", "throttle test")
    wrong = secret[:-2] + "xx"
    codes = [app_client.get("/lists", headers={"X-API-Key": wrong}).status_code for _ in range(10)]
    assert codes == [401] * 10
    locked = app_client.get("/lists", headers={"X-API-Key": secret})  # even the right key waits now
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "too many failed keys" in locked.json()["detail"]
    assert app_client.get("/healthz").status_code == 200


def test_pages_carry_security_headers(app_client: TestClient) -> None:
    for url in ("/ui", "/login", "/ui/lists", "/healthz"):
        r = app_client.get(url)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert "default-src 'none'" in r.headers["content-security-policy"]


def test_docs_and_openapi_need_a_key_once_keys_exist(app_client: TestClient) -> None:
    assert app_client.get("/openapi.json").status_code == 200  # no key exists yet: open
    keys: KeyStore = app_client.app.state.embargo.keys  # type: ignore[attr-defined]
    _, secret = keys.create("screen", "docs test")
    assert app_client.get("/openapi.json").status_code == 401
    docs = app_client.get("/docs", follow_redirects=False)
    assert docs.status_code == 303 and docs.headers["location"] == "/login?next=/docs"
    page = app_client.get("/ui", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert app_client.get("/openapi.json", headers={"X-API-Key": secret}).json()["info"]["title"] == "embargo"
    assert app_client.get("/docs", headers={"X-API-Key": secret}).status_code == 200
