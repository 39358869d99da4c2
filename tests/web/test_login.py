"""The web page's login once users or keys exist: headless Chromium against the API app served by uvicorn on
127.0.0.1 (redirect to /login, a wrong password refused, a session cookie that scripts cannot read, a
screening by POST that leaves the name out of the URL and in the audit log with the user, logout), plus
plain HTTP checks of CSRF, API-key logins and sessions ended by revoking the key."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.store import open_store
from tests.web.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT.parent / "shared" / "data" / "lists"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def un_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from embargo.service import Service

    db = tmp_path_factory.mktemp("login") / "embargo.db"
    svc = Service.open(db)
    try:
        outcomes = svc.ingest([LISTS / "un_sc_consolidated" / "2026-02-27"])
    finally:
        svc.close()
    assert [o.status for o in outcomes] == ["created"]
    return db


@pytest.fixture
def user_db(un_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "embargo.db"
    shutil.copyfile(un_db, db)
    store = open_store(db)
    try:
        store.keys.create_user("alice", PASSWORD)
    finally:
        store.close()
    return db


def wait_ready(get: Callable[[str], httpx.Response]) -> None:
    deadline = time.monotonic() + 60
    while get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "index not built"
        time.sleep(0.1)


@pytest.fixture
def served(user_db: Path) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(user_db), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        wait_ready(lambda path: httpx.get(url + path, timeout=30))
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_browser_login_search_and_logout(served: str, user_db: Path) -> None:
    if not CHROMIUM_PATH.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(15_000)
            urls: list[str] = []
            page.on("request", lambda req: urls.append(req.url))

            page.goto(f"{served}/ui/lists")
            page.wait_for_url("**/login?next=/ui/lists")
            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", "wrong password!")
            page.click("button[type=submit]")
            expect(page.locator("#error")).to_contain_text("wrong user name or password")

            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/ui/lists")
            expect(page.locator("header .who")).to_have_text("alice")
            cookie = next(c for c in context.cookies() if c["name"] == "embargo_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert page.evaluate("document.cookie").find("embargo_session") == -1

            page.goto(f"{served}/ui")
            page.fill("input[name=name]", "Al Qaida")
            page.click("form.search button[type=submit]")
            expect(page.locator("article.result").first).to_contain_text("AL-QAIDA")
            assert not any("Qaida" in u for u in urls), urls

            page.click("form.logout button")
            page.wait_for_url("**/login")
            page.goto(f"{served}/ui")
            page.wait_for_url("**/login?next=/ui")
        finally:
            browser.close()
    store = open_store(user_db)
    try:
        rows = store.audit.rows()
    finally:
        store.close()
    screened = [r for r in rows if r["method"] == "POST" and r["route"] == "/ui"]
    assert screened and screened[-1]["user"] == "alice" and screened[-1]["status"] == 200
    assert screened[-1]["query"]["names"] == ["Al Qaida"]
    assert screened[-1]["versions"][0]["source"] == "un_sc" and screened[-1]["scores"]
    logins = [r["status"] for r in rows if r["route"] == "/login" and r["method"] == "POST"]
    assert logins == [401, 303]


def csrf_of(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found, text[:300]
    return found.group(1)


def test_csrf_api_key_login_and_revoked_sessions(user_db: Path) -> None:
    store = open_store(user_db)
    keys = store.keys
    key, secret = keys.create("screen", "web login")
    with TestClient(create_app(user_db)) as c:
        wait_ready(c.get)
        form = c.get("/login")
        assert form.headers["cache-control"] == "no-store"
        token = csrf_of(form.text)
        # a login form without the token of the page (a cross-site post) is refused
        r = c.post("/login", data={"name": "alice", "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 403
        r = c.post(
            "/login",
            data={"api_key": secret, "csrf": token, "next": "//evil.example/"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/ui"  # never another host
        assert (
            "httponly" in r.headers["set-cookie"].lower()
            and "samesite=strict" in r.headers["set-cookie"].lower()
        )
        page = c.get("/ui")
        assert page.status_code == 200 and f"key:{key.id}" in page.text
        session_csrf = csrf_of(page.text)
        # the screening form needs the session's token
        r = c.post("/ui", data={"name": "Al Qaida", "csrf": "forged"})
        assert r.status_code == 403 and "AL-QAIDA" not in r.text
        r = c.post("/ui", data={"name": "Al Qaida", "csrf": session_csrf})
        assert r.status_code == 200 and "AL-QAIDA" in r.text
        # revoking the key ends its web session
        keys.revoke(key.id)
        r = c.get("/ui", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    store.close()


def test_failed_logins_are_throttled(user_db: Path) -> None:
    with TestClient(create_app(user_db)) as c:
        token = csrf_of(c.get("/login").text)
        codes = [
            c.post("/login", data={"name": "alice", "password": f"guess {i}", "csrf": token}).status_code
            for i in range(11)
        ]
        assert codes == [401] * 10 + [429]
        r = c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf": token})
        assert r.status_code == 429 and "too many failed logins" in r.text
