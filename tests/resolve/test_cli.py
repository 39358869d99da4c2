"""`embargo resolve`, `embargo resolve judge`, `embargo party` and `embargo export --parties` as a user runs
them, on a copy of the real lists' store (the judgements written here stay in the copy)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers every command on the app)
from embargo.cli.base import app

from .conftest import ROGOZIN

runner = CliRunner()


@pytest.fixture(scope="module")
def db(parties_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("cli") / "embargo.db"
    src, dst = sqlite3.connect(parties_db), sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return copy


def run(db: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_resolve_counts_then_a_judgement_splits_a_party(db: Path) -> None:
    counts = json.loads(run(db, "resolve", "--json", "--proposals", "3"))
    assert counts["parties"] > 5000 and counts["parties_of_several_authorities"] > 1000
    assert counts["parties_by_tier"] == {"strong": counts["parties"]}
    assert {"ofac_id", "un_ref", "name_birth_date"} <= set(counts["parties_by_evidence"])
    assert len(counts["proposal_list"]) == 3
    judged = json.loads(
        run(
            db,
            "resolve",
            "judge",
            "uk_ofsi:12935",
            "ca_sema:RU-1-5",
            "--not-same",
            "--reason",
            "why",
            "--user",
            "ana",
            "--json",
        )
    )
    assert (judged["left_id"], judged["right_id"], judged["verdict"]) == (
        "ca-sema-RU-1-5",
        "uk-ofsi-12935",
        "not_same",
    )
    listed = json.loads(run(db, "resolve", "judgements", "--json"))
    assert [(j["user"], j["reason"]) for j in listed] == [("ana", "why")]
    page = json.loads(run(db, "party", "us_ofac_sdn:16649", "--json"))
    members = {li["entity_id"] for li in page["listings"]}
    assert members == ROGOZIN - {"ca-sema-RU-1-5"}  # Canada's entry is now a party of its own
    alone = json.loads(run(db, "party", "ca_sema:RU-1-5", "--json"))
    assert alone["id"] == "ca-sema-RU-1-5" and len(alone["listings"]) == 1


def test_the_party_page_in_a_terminal(db: Path) -> None:
    text = run(db, "party", "au_dfat:2684")
    for expected in ("Dmitry Olegovich ROGOZIN", "listed by", "1963-12-21", "evidence: ofac id 16649"):
        assert expected in text
    assert (
        "designated first by UK HM Treasury OFSI" in text
        or "designated first by Global Affairs Canada" in text
    )


def test_export_by_party(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "parties.jsonl"
    result = runner.invoke(
        app,
        [
            "export",
            "--parties",
            "--source",
            "au_dfat",
            "--source",
            "uk_ofsi",
            "-o",
            str(out),
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    entities = [r for r in records if r["schema"] != "Sanction"]
    rogozin = [r for r in entities if "au-dfat-2684" in r["referents"]]
    assert len(rogozin) == 1 and set(rogozin[0]["referents"]) == {"au-dfat-2684", "uk-ofsi-12935"}
    assert rogozin[0]["datasets"] == ["au_dfat", "uk_ofsi"]
    assert rogozin[0]["id"].startswith("embargo-party-")
    assert len({r["id"] for r in entities}) == len(entities)


def test_a_bad_judgement_is_one_line_of_error(db: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "embargo.cli.main",
        "resolve",
        "judge",
        "us_ofac_sdn:16649",
        "nowhere:1",
        "--same",
    ]
    proc = subprocess.run([*cmd, "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "no entity 'nowhere:1'" in proc.stderr
    both = runner.invoke(app, ["resolve", "judge", "uk_ofsi:12935", "au_dfat:2684", "--db", str(db)])
    assert both.exit_code != 0 and "say --same or --not-same" in str(both.exception)
