"""Roles and scopes over real HTTP (uvicorn on 127.0.0.1): what a screen, reviewer and admin key may do,
the 403 answers of the others, key management through the API, and the four-eyes rule."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from embargo.api import create_app
from embargo.service.permissions import PERMISSIONS, allows
from embargo.store import open_store
from tests.web.conftest import serving

SAEED = {"id": "K1", "names": ["Hafiz Muhammad SAEED"], "type": "person", "birth_dates": ["1950-06-05"]}


def keys_of(db: Path, *scopes: str) -> dict[str, dict[str, str]]:
    store = open_store(db)
    try:
        return {s: {"X-API-Key": store.keys.create(s, s)[1]} for s in scopes}
    finally:
        store.close()


def test_scopes_decide_who_may_do_what(fresh_db: Path) -> None:
    k = keys_of(fresh_db, "screen", "reviewer", "admin")
    with serving(create_app(fresh_db)) as url, httpx.Client(base_url=url, timeout=30) as http:
        added = http.put("/monitor/portfolio", json={"counterparties": [SAEED]}, headers=k["reviewer"])
        assert added.status_code == 403 and "needs the role or scope admin" in added.json()["detail"]
        assert http.put("/monitor/portfolio", json={"counterparties": [SAEED]}, headers=k["admin"]).json()[
            "raised"
        ]
        (alert,) = http.get("/monitor/alerts", headers=k["screen"]).json()["alerts"][:1]
        aid = alert["id"]

        # an analyst's key screens and reads, but may neither decide nor comment
        assert http.post("/admin/reload", headers=k["admin"]).status_code == 202  # (no lifespan here)
        deadline = time.monotonic() + 60
        while http.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "index not built"
            time.sleep(0.1)
        query = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Hafiz Muhammad Saeed"]}}}}
        screened = http.post("/match/default", json=query, headers=k["screen"])
        assert screened.status_code == 200 and screened.json()["responses"]["q"]["results"]
        assert http.get("/lists", headers=k["screen"]).status_code == 200
        decision = {"state": "true_match", "reason": "same birth date"}
        denied = http.post(f"/monitor/alerts/{aid}/decision", json=decision, headers=k["screen"])
        assert denied.status_code == 403
        assert denied.headers["content-type"] == "application/json"
        detail = denied.json()["detail"]
        assert "scope 'screen'" in detail and "decide alerts" in detail and "reviewer or admin" in detail
        comment = http.post(f"/monitor/alerts/{aid}/comments", json={"text": "x"}, headers=k["screen"])
        assert comment.status_code == 403
        assert (
            http.get(f"/monitor/alerts/{aid}", headers=k["screen"]).json()["history"][-1]["action"]
            == "raised"
        )

        # a reviewer decides, but may not manage keys, run monitoring or reload
        done = http.post(f"/monitor/alerts/{aid}/decision", json=decision, headers=k["reviewer"])
        assert done.status_code == 200 and done.json()["state"] == "true_match"
        for method, path, body in (
            ("POST", "/admin/keys", {"scope": "admin"}),
            ("GET", "/admin/keys", None),
            ("GET", "/admin/users", None),
            ("POST", "/monitor/run", {"full": False}),
            ("POST", "/admin/reload", None),
        ):
            r = http.request(method, path, json=body, headers=k["reviewer"])
            assert r.status_code == 403 and "scope 'reviewer'" in r.json()["detail"], (path, r.text)
        assert len(http.get("/admin/keys", headers=k["admin"]).json()) == 3  # the reviewer made none

        # an admin creates keys (a reviewer's works at once) and users
        made = http.post("/admin/keys", json={"scope": "reviewer", "label": "bob"}, headers=k["admin"])
        assert made.status_code == 201 and made.json()["scope"] == "reviewer"
        bob = {"X-API-Key": made.json()["key"]}
        assert (
            http.post(f"/monitor/alerts/{aid}/comments", json={"text": "ok"}, headers=bob).status_code == 200
        )
        bad = http.post("/admin/keys", json={"scope": "root"}, headers=k["admin"])
        assert (
            bad.status_code == 422
            and bad.json()["detail"] == "unknown scope 'root' (use screen, reviewer or admin)"
        )
        user = {"name": "rita", "password": "correct horse battery", "role": "reviewer"}
        assert http.post("/admin/users", json=user, headers=k["admin"]).json()["role"] == "reviewer"
        assert (
            http.put("/admin/users/rita/role", json={"role": "admin"}, headers=k["admin"]).json()["role"]
            == "admin"
        )
        assert (
            http.put("/admin/users/nobody/role", json={"role": "admin"}, headers=k["admin"]).status_code
            == 404
        )
        revoked = http.delete(f"/admin/keys/{made.json()['id']}", headers=k["admin"])
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        assert http.get("/monitor/alerts", headers=bob).status_code == 401


def test_four_eyes_needs_a_different_reviewer(fresh_db: Path) -> None:
    k = keys_of(fresh_db, "admin", "reviewer")
    with serving(create_app(fresh_db)) as url, httpx.Client(base_url=url, timeout=30) as http:
        http.put("/monitor/portfolio", json={"counterparties": [SAEED]}, headers=k["admin"])
        aid = http.get("/monitor/alerts", headers=k["reviewer"]).json()["alerts"][0]["id"]
        close = {"state": "false_positive", "reason": "other person", "four_eyes": True}
        proposed = http.post(f"/monitor/alerts/{aid}/decision", json=close, headers=k["reviewer"]).json()
        assert proposed["state"] == "open" and proposed["proposed_state"] == "false_positive"
        for four_eyes in (True, False):  # leaving the option off does not let the proposer close it alone
            again = {**close, "four_eyes": four_eyes}
            r = http.post(f"/monitor/alerts/{aid}/decision", json=again, headers=k["reviewer"])
            assert r.status_code == 403 and "a second reviewer must confirm it" in r.json()["detail"]
        assert http.get(f"/monitor/alerts/{aid}", headers=k["reviewer"]).json()["state"] == "open"
        confirmed = http.post(f"/monitor/alerts/{aid}/decision", json=close, headers=k["admin"])
        assert confirmed.status_code == 200 and confirmed.json()["state"] == "false_positive"
        history = http.get(f"/monitor/alerts/{aid}", headers=k["admin"]).json()["history"]
        assert history[-1]["data"] == {"confirms": proposed["proposed_by"]}
        assert history[-1]["actor"] != proposed["proposed_by"]


@pytest.mark.parametrize("scope", ["root", "Reviewer"])
def test_the_cli_refuses_an_unknown_scope_in_one_line(
    scope: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from embargo.cli.main import main

    def embargo(*args: str) -> tuple[int, str, str]:
        """The command as a user runs it (main(), its one-line errors and exit codes)."""
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["embargo", *args, "--db", str(tmp_path / "keys.db")])
        with pytest.raises(SystemExit) as done:
            main()
        out, err = capsys.readouterr()
        return int(done.value.code or 0), out, err

    code, out, err = embargo("keys", "create", "--scope", scope)
    assert (code, out) == (2, "")
    assert err.strip() == f"error: unknown scope {scope!r} (use screen, reviewer or admin)"
    code, out, _ = embargo("keys", "create", "--scope", "reviewer", "--json")
    assert code == 0 and '"scope": "reviewer"' in out


OPEN = {"/healthz", "/readyz", "/login", "/logout", "/ui/static/embargo.css"}  # answered to anyone
CHECKS = {"require.<locals>.check", "allowed.<locals>.check", "require_reader"}


def test_every_route_checks_a_permission(open_app: FastAPI) -> None:
    """Each API route and web page depends on a permission check (a new route without one fails here)."""

    def calls(dep: Any) -> Iterator[str]:
        for sub in dep.dependencies:
            yield getattr(sub.call, "__qualname__", "")
            yield from calls(sub)

    def flat(routes: list[Any]) -> Iterator[APIRoute]:  # included routers hold their own routes
        for r in routes:
            if isinstance(r, APIRoute):
                yield r
            elif hasattr(r, "original_router"):
                yield from flat(r.original_router.routes)

    routes = list(flat(open_app.routes))
    assert len(routes) > 40 and any(r.path.startswith("/ui") for r in routes)
    unchecked = [r.path for r in routes if r.path not in OPEN and not CHECKS & set(calls(r.dependant))]
    assert unchecked == []
    logout = next(r for r in routes if r.path == "/logout")  # open, but only to a logged-in visitor
    assert "allowed.<locals>.check" in set(calls(logout.dependant))


def test_the_permission_table() -> None:
    table = {a: [g for g in ("screen", "analyst", "reviewer", "admin") if allows(g, a)] for a in PERMISSIONS}
    assert table == {
        "screen": ["screen", "analyst", "reviewer", "admin"],
        "read": ["screen", "analyst", "reviewer", "admin"],
        "decide": ["reviewer", "admin"],
        "admin": ["admin"],
    }
    assert not allows("root", "read")
