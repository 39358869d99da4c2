"""Japan's two lists through the product as a user meets them: `embargo ingest` of the real folders
picks both files up, `embargo lists`, `/catalog` and the lists web page show both sources, and a
katakana query screens against them from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from embargo.api import create_app

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()


def embargo(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "embargo.cli.main", *args, "--db", str(db)]
    env = {**os.environ, "COLUMNS": "200"}  # (a table narrower than its rows wraps the source names)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db = tmp_path_factory.mktemp("japan") / "embargo.db"
    proc = embargo(db, "ingest", str(LISTS / "jp_mof"), str(LISTS / "jp_meti_eul"), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return db, json.loads(proc.stdout)


def test_ingest_picks_up_both_files(store: tuple[Path, list[dict[str, Any]]]) -> None:
    _, outcomes = store
    got = {o["version"]["source"]: o for o in outcomes}
    assert [o["status"] for o in outcomes] == ["created", "created"]
    assert got["jp_mof"]["version"]["entity_count"] == 2862
    assert got["jp_mof"]["version"]["publish_date"] == "2026-03-05"
    assert got["jp_meti_eul"]["version"]["entity_count"] == 835
    assert got["jp_meti_eul"]["version"]["publish_date"] == "2025-09-29"


def test_lists_command_shows_both_sources(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    text = embargo(db, "lists").stdout
    assert "jp_mof" in text and "jp_meti_eul" in text
    assert "2862" in text.replace(",", "") and "835" in text
    listed = {s["source"]: s for s in json.loads(embargo(db, "lists", "--json").stdout)}
    assert listed["jp_mof"]["authority"] == "Japan Ministry of Finance"
    assert listed["jp_meti_eul"]["title"].startswith("Japan METI End User List")
    assert listed["jp_mof"]["current"]["unconsumed"] == {} == listed["jp_meti_eul"]["current"]["unconsumed"]


def test_catalog_and_lists_page_show_both_sources(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    with TestClient(create_app(db, keys_required=False)) as client:
        end = time.monotonic() + 120
        while client.get("/readyz").status_code != 200:  # the index is built in the background
            assert time.monotonic() < end, client.get("/readyz").json()
            time.sleep(0.1)
        catalog = client.get("/catalog").json()
        page = client.get("/ui/lists")  # the web page, served by the same app
    names = {d["name"] for d in catalog["datasets"]}
    assert {"jp_mof", "jp_meti_eul"} <= names and sorted(catalog["current"]) == ["jp_meti_eul", "jp_mof"]
    titles = " ".join(str(d.get("title", "")) for d in catalog["datasets"])
    assert "Japan MOF" in titles and "Japan METI End User List" in titles
    assert page.status_code == 200
    assert "jp_mof" in page.text and "jp_meti_eul" in page.text


def test_screen_a_katakana_name_from_the_command_line(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    out = json.loads(embargo(db, "screen", "セルゲイ・ラヴロフ", "--json").stdout)
    top = out["matches"][0] if isinstance(out, dict) else out[0]
    assert "Lavrov" in json.dumps(top)
