"""The monitoring commands as a user runs them, on a copy of the waves store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers every command)
from embargo.cli.base import app
from embargo.service.monitor import MonitorError

runner = CliRunner()


def cli(db: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_portfolio_alerts_decisions_and_audit(wave_db: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    book.write_text(
        "customer_id,full_name,type,dob,country\n"
        "K1,Vladimir Vladimirovich PUTIN,person,1952-10-07,ru\n"
        "K2,Zorvathquil Bexmoldaf,person,1970,gb\n"
        "K3,SOVCOMFLOT,company,,ru\n",
        encoding="utf-8",
    )
    added = json.loads(cli(wave_db, "portfolio", "add", str(book), "--json"))
    assert added["read"] == 3 and added["screened"] == 3 and added["raised"]
    listed = json.loads(cli(wave_db, "portfolio", "list", "--json"))
    assert [c["id"] for c in listed["counterparties"]] == ["K1", "K2", "K3"]

    alerts = json.loads(cli(wave_db, "alerts", "--state", "open", "--listings", "--json"))
    assert alerts["counts"]["open"] == len(alerts["alerts"]) >= 1
    assert {a["counterparty_id"] for a in alerts["alerts"]} <= {"K1", "K3"}
    first = alerts["alerts"][0]["id"]
    decided = json.loads(
        cli(wave_db, "alerts", "decide", str(first), "--as", "false-positive", "--reason", "other DOB",
            "--reviewer", "ana", "--json")
    )  # fmt: skip
    assert decided["state"] == "false_positive"
    shown = json.loads(cli(wave_db, "alerts", "show", str(first)))
    assert [h["action"] for h in shown["history"]] == ["raised", "transition"]

    exported = cli(wave_db, "audit", "export", "--format", "csv", "--counterparty", "K1")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {r["kind"] for r in rows} >= {"screening"} and rows[0]["names"] == "Vladimir Vladimirovich PUTIN"
    jsonl = cli(wave_db, "audit", "export", "--alert", str(first)).splitlines()
    assert [json.loads(line)["decision"] for line in jsonl] == ["false_positive"]
    replayed = json.loads(cli(wave_db, "audit", "replay", "--sample", "5", "--json"))
    assert replayed["checked"] == 3 and replayed["differences"] == []

    runs = json.loads(cli(wave_db, "monitor", "run", "--json"))
    assert runs == []  # the portfolio was screened against the versions in force when it was added
    full = json.loads(cli(wave_db, "monitor", "run", "--full", "--json"))
    assert full[0]["kind"] == "full" and full[0]["raised"] == []
    assert json.loads(cli(wave_db, "portfolio", "remove", "K2", "--json")) == {"removed": 1}


def test_a_bad_row_names_its_line_and_adds_nothing(wave_db: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    book.write_text("id,name,dob\nA,Ann Smith,1970\nB,Bob Jones,not a date\n", encoding="utf-8")
    result = runner.invoke(app, ["portfolio", "add", str(book), "--db", str(wave_db)])
    assert isinstance(result.exception, MonitorError)  # (main() prints it as one line, exit code 2)
    assert "line 3" in str(result.exception) and "nothing was added" in str(result.exception)
    assert json.loads(cli(wave_db, "portfolio", "list", "--json"))["total"] == 0
