"""Monitoring alerts per party: a customer matching a person five authorities list is one case, decided
once, with every listing's decision in the audit trail."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers every command)
from embargo.api import create_app
from embargo.cli.base import app
from embargo.service import Service
from embargo.service.monitor import Counterparty, open_monitor
from embargo.store import SQLiteStore, open_store
from tests.web.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH, serving

from .conftest import ROGOZIN

runner = CliRunner()


def cli(db: Path, *args: str, ok: bool = True) -> str:
    """The command's output, or (``ok`` False) the message of the error it stopped with."""
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert (result.exit_code == 0) is ok, result.output
    return result.stdout if ok else str(result.exception)


@pytest.fixture
def db(parties_db: Path, tmp_path: Path) -> Path:
    src = SQLiteStore(parties_db)  # a checkpoint first, so the copy holds everything
    src.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    src.close()
    copy = tmp_path / "embargo.db"
    shutil.copy(parties_db, copy)
    return copy


def test_one_case_per_listed_party_decided_once(db: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    book.write_text(
        "id,name,type,dob\nK1,Dmitry Olegovich ROGOZIN,person,1963-12-21\nK2,Zorvath Quilbex,person,1970\n",
        encoding="utf-8",
    )
    cli(db, "portfolio", "add", str(book))

    listings = json.loads(cli(db, "alerts", "--listings", "--json"))["alerts"]
    rogozin = [a for a in listings if a["entity_id"] in ROGOZIN]
    assert len(rogozin) >= 4 and {a["counterparty_id"] for a in listings} == {"K1"}

    cases = json.loads(cli(db, "alerts", "--json"))["cases"]
    (case,) = [c for c in cases if {a["entity_id"] for a in c["alerts"]} & ROGOZIN]
    assert {a["entity_id"] for a in case["alerts"]} == {a["entity_id"] for a in rogozin}
    assert case["state"] == "open" and len(case["sources"]) >= 4 and case["counterparty_id"] == "K1"
    assert case["score"] == max(a["score"] for a in rogozin)
    assert len(cases) < len(listings)

    decided = json.loads(
        cli(db, "alerts", "decide", case["key"], "--as", "false-positive", "--reason", "another man",
            "--reviewer", "ana", "--json")
    )  # fmt: skip
    assert {a["state"] for a in decided["alerts"]} == {"false_positive"}
    assert len(decided["alerts"]) == len(case["alerts"])
    closed = json.loads(cli(db, "alerts", "--state", "false-positive", "--json"))["cases"]
    assert [c["key"] for c in closed] == [case["key"]]
    trail = [json.loads(line) for line in cli(db, "audit", "export", "--counterparty", "K1").splitlines()]
    decisions = [r for r in trail if r["decision"] == "false_positive"]
    assert len(decisions) == len(case["alerts"]) and {r["reviewer"] for r in decisions} == {"ana"}

    again = cli(db, "alerts", "decide", case["key"], "--as", "false-positive", "--reason", "x", ok=False)
    assert "no alert in it can move" in again
    bad = cli(db, "alerts", "decide", "K1-no-party", "--as", "true-match", "--reason", "x", ok=False)
    assert "not a case key" in bad


def test_cases_over_http(db: Path) -> None:
    store = open_store(db)
    _, key = store.keys.create("admin")
    store.close()
    h = {"X-API-Key": key}
    body = {"counterparties": [{"id": "K1", "names": ["Dmitri Rogosin"], "birth_dates": ["1963-12-21"]}]}
    with TestClient(create_app(db)) as client:
        assert client.put("/monitor/portfolio", json=body, headers=h).status_code == 200
        found = client.get("/monitor/cases", params={"state": "open"}, headers=h).json()
        (case,) = [c for c in found["cases"] if {a["entity_id"] for a in c["alerts"]} & ROGOZIN]
        assert len(case["alerts"]) >= 4 and found["counts"]["open"] >= len(case["alerts"])
        decision = {"key": case["key"], "state": "escalated", "reason": "one man, five lists"}
        done = client.post("/monitor/cases/decision", json=decision, headers=h).json()
        assert {a["state"] for a in done["alerts"]} == {"escalated"} and len(done["alerts"]) == len(
            case["alerts"]
        )
        after = client.get("/monitor/cases", params={"counterparty": "K1"}, headers=h).json()["cases"]
        assert [c["state"] for c in after if c["key"] == case["key"]] == ["escalated"]
        unknown = client.post("/monitor/cases/decision", json={**decision, "key": "K9|nobody"}, headers=h)
        assert unknown.status_code == 404 and "no alerts of counterparty 'K9'" in unknown.json()["detail"]
        bad = client.post("/monitor/cases/decision", json={**decision, "key": "no-bar"}, headers=h)
        assert bad.status_code == 422 and "not a case key" in bad.json()["detail"]


def test_the_queue_shows_one_row_per_case_in_the_browser(db: Path) -> None:
    if not CHROMIUM_PATH.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    svc = Service.open(db)
    m = open_monitor(svc)
    m.add([Counterparty("K1", ("Dmitry Olegovich ROGOZIN",), "Person", ("1963-12-21",))])
    mine = [a for a in m.records.alerts() if a.entity_id in ROGOZIN]
    m.close()
    svc.close()
    assert len(mine) >= 4

    with serving(create_app(db, keys_required=False)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_default_timeout(15_000)
            page.goto(f"{url}/ui/alerts")
            row = page.locator("#queue tbody tr", has_text="ROGOZIN")
            expect(row).to_have_count(1)
            expect(row.locator("td.listings a")).to_have_count(len(mine))
            row.locator("td a").first.click()
            expect(page.locator("#case li")).to_have_count(len(mine))
            page.select_option("#decide select[name=state]", "false_positive")
            page.fill("input[name=reason]", "another man: other birth date")
            page.check("#whole-case")
            page.click("#decide-button")
            expect(page.locator("#state")).to_have_text("false positive")
            page.goto(f"{url}/ui/alerts?state=false_positive")
            expect(page.locator("#queue tbody tr", has_text="ROGOZIN")).to_have_count(1)
            page.check("#listings")
            page.click("form.search button")
            expect(page.locator("#queue tbody tr", has_text="ROGOZIN")).to_have_count(len(mine))
        finally:
            browser.close()
