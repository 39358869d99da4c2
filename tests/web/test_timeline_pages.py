"""/ui/timeline and /ui/digest in real headless Chromium, over real OFAC SDN and UN publications:
the chart's bars open their period's digest, the filters redraw it, the lists and diff pages link to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from embargo.api import create_app
from tests.web.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH, serving


@pytest.fixture(scope="module")
def app(waves_db: Path) -> FastAPI:
    return create_app(waves_db, keys_required=False)


@pytest.fixture(scope="module")
def url(app: FastAPI) -> Iterator[str]:
    with serving(app) as base:
        yield base


def test_browser_timeline_bar_opens_digest_and_filters(url: str) -> None:
    if not CHROMIUM_PATH.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)
            page.goto(f"{url}/ui/lists")
            page.click("#timeline-link a[href='/ui/timeline']")
            expect(page.locator("#chart svg")).to_be_visible()
            expect(page.locator("#chart")).to_contain_text("from listing dates")
            assert page.locator("#chart svg a g.bar[data-origin=listing]").count() > 0  # hatched, the UN's

            # the filters: a GET form; a day's bars
            page.select_option("select[name=period]", "day")
            page.fill("input[name=from]", "2022-03-01")
            page.fill("input[name=to]", "2022-03-31")
            page.select_option("select[name=authority]", "US Treasury OFAC")
            page.click("#timeline-form button[type=submit]")
            expect(page).to_have_url(re.compile(r"authority=US\+Treasury\+OFAC.*period=day"))
            expect(page.locator("#waves")).to_contain_text("2022-03-24")
            bar = page.locator("#chart svg g.bar[data-period='2022-03-24']").first
            assert bar.bounding_box() is not None

            # a click on the bar opens that day's digest
            bar.click()
            expect(page).to_have_url(re.compile(r"/ui/digest\?from=2022-03-24&to=2022-03-24$"))
            expect(page.locator("#n-added")).to_have_text("+397 added")
            expect(page.locator("table.by-programme")).to_contain_text("RUSSIA-EO14024")
            expect(page.locator("table.by-sector")).to_contain_text("defence")
            expect(page.locator("h4.programme").first).to_contain_text("RUSSIA-EO14024")

            # the diff page links to the digest of its day
            page.goto(f"{url}/ui/lists/us_ofac_sdn/diff?from=2022-03-21&to=2022-03-24")
            page.click("#timeline-links a:has-text('digest of 2022-03-24')")
            expect(page.locator("#n-added")).to_have_text("+397 added")
        finally:
            browser.close()


def test_bad_input_is_a_page_not_a_traceback(app: FastAPI) -> None:
    client = TestClient(app)
    r = client.get("/ui/timeline", params={"by": "colour"})
    assert r.status_code == 400 and "cannot group by" in r.text
    r = client.get("/ui/digest", params={"from": "yesterday"})
    assert r.status_code == 400 and "not a date" in r.text
    r = client.get("/ui/timeline", params={"programme": "<script>alert(1)</script>"})
    assert r.status_code == 200 and "<script>alert" not in r.text
