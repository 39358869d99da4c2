"""The web page by party, in headless Chromium over a store of the lists that name Dmitry Rogozin: one
party with five listings (the toggle gives five rows), and the party page with the authorities side by
side, the differences highlighted, and who designated him first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH, serving

from .conftest import ROGOZIN


@pytest.fixture(scope="module")
def served(parties_app: FastAPI) -> Iterator[str]:
    with serving(parties_app) as url:
        yield url


def test_results_by_party_the_toggle_and_the_party_page(served: str, tmp_path: Path) -> None:
    if not CHROMIUM_PATH.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(f"{served}/ui")
            page.fill("input[name=name]", "Dmitri Rogosin")
            page.click("form.search button[type=submit]")

            # one party: who lists him, the best score, five listings one click away
            top = page.locator("article.result.party").first
            expect(top.locator("h2")).to_contain_text("ROGOZIN")
            expect(top.locator(".badge.match")).to_have_text("MATCH")
            authorities = top.locator("ul.authorities li")
            expect(authorities).to_have_count(4)  # the CSL's copy of the SDN entry is a mirror
            for who in ("US Treasury OFAC", "UK HM Treasury OFSI", "Global Affairs Canada", "Australia DFAT"):
                expect(top.locator("ul.authorities")).to_contain_text(who)
            expect(top.locator(".mirrored")).to_have_text("us_trade_csl")
            members = top.locator(".member")
            expect(members).to_have_count(5)
            assert {members.nth(i).get_attribute("data-entity") for i in range(5)} == ROGOZIN
            expect(members.first.locator("table")).to_be_hidden()
            top.locator("details.members summary").click()
            expect(members.first.locator("table")).to_be_visible()
            expect(members.first.locator("tbody tr").first).to_have_class("pos")
            page.screenshot(path=str(tmp_path / "parties.png"), full_page=True)
            assert page.locator(f'article.result[data-entity="{next(iter(ROGOZIN))}"]').count() == 0

            # the toggle: one row per listing, his five among them; and back
            page.click("#toggle")
            rows = page.locator("article.result:not(.party)")
            expect(rows.first).to_be_visible()
            ids = {rows.nth(i).get_attribute("data-entity") for i in range(rows.count())}
            assert ids >= ROGOZIN
            expect(page.locator("article.result.party")).to_have_count(0)
            expect(page.locator("input[name=listings][type=checkbox]")).to_be_checked()
            page.click("#toggle")
            expect(page.locator("article.result.party").first).to_contain_text("ROGOZIN")

            # the party page: the listings side by side, differences highlighted, the waves
            page.locator("article.result.party").first.locator("h2 a").click()
            page.wait_for_url("**/ui/party/embargo-party-*")
            expect(page.locator("h1")).to_contain_text("ROGOZIN")
            expect(page.locator("#listings thead th.listing")).to_have_count(5)
            authority = page.locator("#listings tr.authority")
            for who in ("US Treasury OFAC", "UK HM Treasury OFSI", "Global Affairs Canada", "Australia DFAT"):
                expect(authority).to_contain_text(who)
            places = page.locator('#listings tr[data-field="birth places"] mark.differs')
            assert {places.nth(i).inner_text() for i in range(places.count())} == {"Moscow", "Moscow, Russia"}
            expect(page.locator('#listings tr[data-field="names"] mark.differs')).to_have_count(0)
            expect(page.locator('#listings tr[data-field="aliases"]')).to_contain_text("ROHOZIN")
            waves = page.locator("#timeline ol.waves li")
            expect(waves.first).to_contain_text("2014-03-17: designated first by Global Affairs Canada")
            expect(waves.nth(1)).to_contain_text("2014-03-21: followed by UK HM Treasury OFSI")
            expect(waves.nth(1)).to_contain_text("(4 days later)")
            expect(page.locator("#evidence")).to_be_visible()
            page.screenshot(path=str(tmp_path / "party.png"), full_page=True)
        finally:
            browser.close()


def test_the_party_page_by_listing_ref_and_an_unknown_party(parties_app: FastAPI) -> None:
    with TestClient(parties_app) as client:
        page = client.get("/ui/party/uk_ofsi:12935")
        assert page.status_code == 200 and "designated first by Global Affairs Canada" in page.text
        assert page.text.count('class="listing"') == 5
        missing = client.get("/ui/party/embargo-party-0000000000000000")
        assert missing.status_code == 404 and "No such party" in missing.text
        hostile = client.get("/ui/party/<script>alert(1)</script>")
        assert hostile.status_code == 404 and "<script>alert" not in hostile.text
