"""The alert queue and review page in real Chromium, served on 127.0.0.1 over a copy of the waves store."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from embargo.api import create_app
from embargo.service import Service
from embargo.service.monitor import Counterparty, open_monitor
from tests.web.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH, serving


def test_queue_review_and_decide_in_the_browser(wave_db: Path, tmp_path: Path) -> None:
    if not CHROMIUM_PATH.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    svc = Service.open(wave_db)
    m = open_monitor(svc)
    m.add([Counterparty("K1", ("Vladimir Vladimirovich PUTIN",), "Person", ("1952-10-07",), ("ru",))])
    (alert,) = [a for a in m.records.alerts() if a.caption.startswith("PUTIN")][:1]
    m.close()
    svc.close()

    with serving(create_app(wave_db, keys_required=False)) as url:
        forged = httpx.post(f"{url}/ui/alerts/{alert.id}", data={"state": "true_match", "reason": "x"})
        assert forged.status_code == 403  # no CSRF token: refused, nothing decided
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.set_default_timeout(15_000)
                page.goto(f"{url}/ui/alerts")
                open_count = int(page.locator("#count-open b").inner_text())
                assert open_count >= 1
                page.select_option("select[name=state]", "open")
                page.click("form.search button")
                page.wait_for_url("**/ui/alerts?state=open*")
                expect(page.locator("#queue tbody tr")).to_have_count(open_count)
                page.click(f"#queue a[href='/ui/alerts/{alert.id}']")
                expect(page.locator("#counterparty")).to_contain_text("Vladimir Vladimirovich PUTIN")
                expect(page.locator("#counterparty")).to_contain_text("1952-10-07")
                expect(page.locator("#listed")).to_contain_text("PUTIN, Vladimir Vladimirovich")
                expect(page.locator("#explanation tbody tr").first).to_contain_text("Vladimir")
                page.screenshot(path=str(tmp_path / "review.png"), full_page=True)

                page.click("#decide-button")  # no reason: the browser asks for one, nothing is sent
                expect(page.locator("#state")).to_have_text("open")
                page.select_option("select[name=state]", "false_positive")
                page.fill("input[name=reason]", "another person: different birth date")
                page.click("#decide-button")
                expect(page.locator("#state")).to_have_text("false positive")
                expect(page.locator("#history")).to_contain_text("another person: different birth date")
                page.fill("input[name=comment]", "checked the passport copy")
                page.click("#comment-button")
                expect(page.locator("#history li")).to_have_count(3)

                page.goto(f"{url}/ui/alerts")
                expect(page.locator("#count-false_positive b")).to_have_text("1")
                page.goto(f"{url}/ui/alerts/999999")
                expect(page.locator("h1")).to_have_text("No such alert")
            finally:
                browser.close()
    assert (tmp_path / "review.png").stat().st_size > 10_000
