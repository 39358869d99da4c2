"""Roles on the web pages, in real headless Chromium against the API app served on 127.0.0.1: an analyst
reads an alert but is shown no decision form and gets a 403 page for a forged decision; a reviewer
decides, cannot confirm their own four-eyes proposal and cannot open the key page; an admin confirms and
creates a key on the key page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from embargo.api import create_app
from embargo.service import Service
from embargo.service.monitor import Counterparty, open_monitor
from embargo.store import open_store
from tests.web.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH, serving

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT.parent / "shared" / "data" / "lists"
PASSWORD = "correct horse battery"


@pytest.fixture
def alert_db(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A store with the UN list, one monitored counterparty that raises an alert, and three users."""
    db = tmp_path / "embargo.db"
    svc = Service.open(db)
    try:
        assert [o.status for o in svc.ingest([LISTS / "un_sc_consolidated" / "2026-02-27"])] == ["created"]
        m = open_monitor(svc)
        m.add([Counterparty("K1", ("Hafiz Muhammad SAEED",), "Person", ("1950-06-05",))])
        alert = m.records.alerts()[0]
        m.close()
    finally:
        svc.close()
    store = open_store(db)
    try:
        for name, role in (("ana", "analyst"), ("rex", "reviewer"), ("ada", "admin")):
            store.keys.create_user(name, PASSWORD, role)
    finally:
        store.close()
    yield db, alert.id


def test_roles_on_the_alert_and_key_pages(alert_db: tuple[Path, int], tmp_path: Path) -> None:
    if not CHROMIUM_PATH.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import Browser, Page, expect, sync_playwright

    db, aid = alert_db

    def login(browser: Browser, url: str, name: str) -> Page:
        page = browser.new_context().new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{url}/ui/alerts/{aid}")
        assert "/login?next=" in page.url
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button")
        page.wait_for_url(f"**/ui/alerts/{aid}")
        return page

    with serving(create_app(db)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
        try:
            ana = login(browser, url, "ana")  # reads the alert; no forms to change it
            expect(ana.locator("#counterparty")).to_contain_text("Hafiz Muhammad SAEED")
            expect(ana.locator("#read-only")).to_be_visible()
            expect(ana.locator("#decide-button")).to_have_count(0)
            expect(ana.locator("#comment-button")).to_have_count(0)
            expect(ana.locator("a[href='/ui/admin/keys']")).to_have_count(0)
            csrf = ana.locator("header input[name=csrf]").get_attribute("value")
            forged = ana.request.post(  # the session's own CSRF token: still refused for the role
                f"{url}/ui/alerts/{aid}", form={"csrf": csrf or "", "state": "true_match", "reason": "x"}
            )
            assert forged.status == 403 and "text/html" in forged.headers["content-type"]
            assert "ana (role &#39;analyst&#39;) may not decide alerts" in forged.text()
            assert "reviewer or admin" in forged.text()

            rex = login(browser, url, "rex")  # proposes a closure under four-eyes, cannot confirm it
            rex.select_option("select[name=state]", "false_positive")
            rex.fill("input[name=reason]", "another man: different birth date")
            rex.check("input[name=four_eyes]")
            rex.click("#decide-button")
            expect(rex.locator("#proposal")).to_contain_text("false positive proposed by rex")
            rex.select_option("select[name=state]", "false_positive")
            rex.fill("input[name=reason]", "confirming myself")
            rex.click("#decide-button")
            expect(rex.locator("#error")).to_contain_text("rex proposed closing it as false_positive")
            expect(rex.locator("#state")).to_have_text("open")
            rex.goto(f"{url}/ui/admin/keys")
            expect(rex.locator("h1")).to_have_text("Not allowed")
            expect(rex.locator(".error")).to_contain_text("rex (role 'reviewer') may not manage API keys")

            ada = login(browser, url, "ada")  # confirms, then makes a key on the key page
            ada.select_option("select[name=state]", "false_positive")
            ada.fill("input[name=reason]", "agreed")
            ada.click("#decide-button")
            expect(ada.locator("#state")).to_have_text("false positive")
            expect(ada.locator("#history")).to_contain_text("ada")
            ada.click("a[href='/ui/admin/keys']")
            ada.select_option("select[name=scope]", "reviewer")
            ada.fill("input[name=label]", "case desk")
            ada.click("#create-key")
            expect(ada.locator("#new-key h2")).to_contain_text("(reviewer) created")
            secret = ada.locator("#secret").inner_text()
            expect(ada.locator("#keys tbody tr")).to_have_count(1)
            expect(ada.locator("#users tbody tr")).to_have_count(3)
            ada.screenshot(path=str(tmp_path / "keys.png"), full_page=True)
        finally:
            browser.close()
        # the key made on the page is a reviewer's: it comments over the API, and may not reload
        key = {"X-API-Key": secret}
        said = httpx.post(f"{url}/monitor/alerts/{aid}/comments", json={"text": "seen"}, headers=key)
        assert said.status_code == 200
        assert httpx.post(f"{url}/admin/reload", headers=key).status_code == 403
    assert (tmp_path / "keys.png").stat().st_size > 5_000
