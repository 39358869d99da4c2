"""The web page end to end: a store from two real OFAC SDN publications, served by uvicorn on 127.0.0.1,
driven by headless Chromium (search, explanation, entity history, diff), plus plain HTTP checks for
escaping and bad input."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.service import Service
from tests.web.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH, serving

SDN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists" / "us_ofac_sdn"


def post_search(client: TestClient, fields: dict[str, str]) -> httpx.Response:
    """Screen through the page's form: a POST carrying the CSRF token of the empty form."""
    form = client.get("/ui")
    found = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert found, form.text[:500]
    answer: httpx.Response = client.post("/ui", data={**fields, "csrf": found.group(1)})
    return answer


def make_app(db: Path) -> FastAPI:
    """The API app (the pages are mounted in it) with its screening index built before the first request."""
    app = create_app(db, keys_required=False)
    app.state.embargo.screening.reload()
    return app


@pytest.fixture(scope="module")
def sdn_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SDN.is_dir():
        pytest.fail(f"the official list files are missing: {SDN}")
    db = tmp_path_factory.mktemp("web") / "embargo.db"
    svc = Service.open(db)
    try:
        outcomes = svc.ingest([SDN / "2022-03-21", SDN / "2022-03-24"])
    finally:
        svc.close()
    assert [o.status for o in outcomes] == ["created", "created"]
    return db


@pytest.fixture(scope="module")
def app(sdn_db: Path) -> FastAPI:
    return make_app(sdn_db)


@pytest.fixture(scope="module")
def served(app: FastAPI) -> Iterator[str]:
    """The app served on 127.0.0.1 for the module's browser tests; yields its URL."""
    with serving(app) as url:
        yield url


def test_browser_search_explain_entity_and_diff(served: str, tmp_path: Path) -> None:
    if not CHROMIUM_PATH.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_default_timeout(15_000)

            # search: the form, then the result with its MATCH badge
            page.goto(f"{served}/ui")
            page.fill("input[name=name]", "Dmitri Rogosin")
            page.click("button[type=submit]")
            top = page.locator("article.result").first
            expect(top).to_contain_text("ROGOZIN")
            expect(top.locator(".badge.match")).to_have_text("MATCH")
            expect(top).to_contain_text("UKRAINE-EO13661")
            expect(top).to_contain_text("us_ofac_sdn:16649")
            assert top.locator(".score .bar span").bounding_box() is not None

            # the explanation opens on a click and reads like a sentence
            table = top.locator("details.explain table")
            expect(table).to_be_hidden()
            top.locator("details.explain summary").click()
            expect(table).to_be_visible()
            row = table.locator("tbody tr").first
            expect(row).to_have_class("pos")
            expect(row).to_contain_text("Dmitri Rogosin")
            expect(row).to_contain_text("ROGOZIN, Dmitry Olegovich")
            expect(row).to_contain_text("rogosin~rogozin")
            page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

            # the entity page: facts and the history timeline
            top.locator("h2 a").click()
            page.wait_for_url("**/ui/entity/us-ofac-sdn-16649")
            expect(page.locator("h1")).to_have_text("ROGOZIN, Dmitry Olegovich")
            expect(page.locator("dl.facts")).to_contain_text("1963-12-21")
            history = page.locator("#history")
            expect(history.locator("svg.timeline rect.listed")).to_have_count(1)
            expect(history.locator("svg.timeline")).to_be_visible()
            expect(history.locator("ol.periods li.listed")).to_contain_text("2022-03-21")
            expect(history.locator("ol.periods li.listed")).to_contain_text("2022-03-24")
            page.screenshot(path=str(tmp_path / "entity.png"), full_page=True)

            # an entity that changed between the two versions shows what changed
            page.goto(f"{served}/ui/entity/us_ofac_sdn:16666")
            periods = page.locator("ol.periods li.listed")
            expect(periods).to_have_count(2)
            expect(periods.nth(1).locator(".add").first).to_be_visible()
            expect(periods.nth(1)).to_contain_text("RUSSIA-EO14024")
            page.screenshot(path=str(tmp_path / "entity-changed.png"), full_page=True)

            # the lists page links each version to its changes
            page.goto(f"{served}/ui/lists")
            expect(page.locator("#source-us_ofac_sdn table.versions tbody tr")).to_have_count(2)
            expect(page.locator("#source-us_ofac_sdn")).to_contain_text("9,793")

            # the diff: +397 added
            page.goto(f"{served}/ui/lists/us_ofac_sdn/diff?from=2022-03-21&to=2022-03-24")
            expect(page.locator("#n-added")).to_have_text("+397 added")
            expect(page.locator("#n-removed")).to_have_text("−0 removed")
            expect(page.locator("#added tbody tr")).to_have_count(397)
            expect(page.locator("#changed")).to_contain_text("TIMCHENKO")
            page.screenshot(path=str(tmp_path / "diff.png"))

            # bad input in the browser: a friendly message, the form kept
            page.goto(f"{served}/ui")
            page.fill("input[name=name]", "Dmitri Rogosin")
            page.fill("input[name=birth_date]", "sometime")
            page.click("button[type=submit]")
            expect(page.locator("#error")).to_contain_text("is not a date")
            expect(page.locator("input[name=name]")).to_have_value("Dmitri Rogosin")
        finally:
            browser.close()
    for shot in ("search.png", "entity.png", "diff.png"):
        assert (tmp_path / shot).stat().st_size > 10_000


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def test_as_of_search_uses_the_lists_then_in_force(client: TestClient) -> None:
    # GREF, Herman Oskarovich was added on 2022-03-24: not on the list in force on 2022-03-22
    now = post_search(client, {"name": "Herman Gref", "type": "person"})
    then = post_search(client, {"name": "Herman Gref", "type": "person", "as_of": "2022-03-22"})
    assert now.status_code == then.status_code == 200
    assert "GREF, Herman Oskarovich" in now.text
    assert "us_ofac_sdn 2022-03-24" in now.text
    assert "GREF, Herman Oskarovich" not in then.text
    assert "us_ofac_sdn 2022-03-21" in then.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"name": "Putin", "birth_date": "31st of never"}, "is not a date"),
        ({"name": "Putin", "type": "spaceship"}, "unknown type"),
        ({"name": "Putin", "as_of": "2022-13-45"}, "is not a date"),
        ({"name": "Putin", "as_of": "1999-01-01"}, "no list had been published"),
        ({"name": "x" * 600}, "the limit is 500"),
        ({"name": "   "}, "needs a name"),
    ],
)
def test_bad_search_input_is_a_message_not_a_crash(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    r = post_search(client, params)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html")
    assert 'class="error"' in r.text
    assert message in r.text.replace("&#39;", "'")


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/ui/entity/nobody-here", 404, "no entity"),
        ("/ui/entity/us_ofac_sdn:16649?as_of=yesterday", 400, "is not a date"),
        ("/ui/lists/no_such_list/diff", 404, "no versions of"),
        ("/ui/lists/us_ofac_sdn/diff?from=1999-01-01", 400, "has no version"),
    ],
)
def test_bad_pages_are_friendly(client: TestClient, url: str, status: int, message: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert message in r.text.replace("&#39;", "'")


def test_the_query_is_echoed_escaped(client: TestClient) -> None:
    r = post_search(client, {"name": '<script>alert("q")</script> Rogozin', "country": '"><b>x'})
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt; Rogozin" in r.text
    assert 'value="&#34;&gt;&lt;b&gt;x"' in r.text


def test_listed_names_are_shown_escaped(tmp_path: Path) -> None:
    """A list whose names carry markup: every page shows it as text."""
    folder = tmp_path / "us_ofac_sdn" / "2022-01-01"
    folder.mkdir(parents=True)
    rows = [
        '1001,"<script>alert(1)</script> EVIL & CO",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        '1002,"O\'BRIEN ""QUOTE"" TRADING",-0- ,"IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
    ]
    (folder / "sdn.csv").write_bytes(("\r\n".join(rows) + "\r\n\x1a").encode())
    db = tmp_path / "xss.db"
    svc = Service.open(db)
    try:
        assert [o.status for o in svc.ingest([folder])] == ["created"]
    finally:
        svc.close()
    c = TestClient(make_app(db))
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; EVIL &amp; CO"
    search = post_search(c, {"name": "script alert evil"})
    entity = c.get("/ui/entity/us_ofac_sdn:1001")
    lists = c.get("/ui/lists")
    assert search.status_code == entity.status_code == lists.status_code == 200
    for page in (search, entity):
        assert "<script>" not in page.text
        assert escaped in page.text
    other = c.get("/ui/entity/us_ofac_sdn:1002")
    assert "O&#39;BRIEN &#34;QUOTE&#34; TRADING" in other.text


def test_stylesheet_and_empty_form(client: TestClient) -> None:
    css = client.get("/ui/static/embargo.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    form = client.get("/ui")
    assert form.status_code == 200
    assert 'name="as_of"' in form.text
    assert 'class="error"' not in form.text
    assert 'id="results"' not in form.text


def test_the_page_inside_the_api_app(sdn_db: Path) -> None:
    """The API app includes the router: the page finds the store and the index through the API's context."""
    from embargo.api.app import create_app

    api = create_app(sdn_db, keys_required=False)
    with TestClient(api) as c:
        deadline = time.monotonic() + 30
        r = post_search(c, {"name": "Dmitri Rogosin"})
        while r.status_code == 503 and time.monotonic() < deadline:
            assert "being built" in r.text
            time.sleep(0.2)
            r = post_search(c, {"name": "Dmitri Rogosin"})
        assert r.status_code == 200
        assert "ROGOZIN, Dmitry Olegovich" in r.text
        assert '<span class="badge match">MATCH</span>' in r.text
        assert c.get("/ui/entity/us_ofac_sdn:16649").status_code == 200
        assert "+397 added" in c.get("/ui/lists/us_ofac_sdn/diff", params={"from": "2022-03-21"}).text


def test_a_conflicting_fact_is_shown_as_a_negative_contribution(client: TestClient) -> None:
    r = post_search(client, {"name": "Dmitry Rogozin", "birth_date": "1990-01-01"})
    assert r.status_code == 200
    assert '<tr class="neg">' in r.text
    assert '<tr class="pos">' in r.text
    assert "Birth date" in r.text
