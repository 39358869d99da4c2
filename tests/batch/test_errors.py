"""Bad input: one clear line for a file that cannot be used, a rejects file for rows that cannot be read."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from .conftest import book_rows, write_csv

RUN = [sys.executable, "-m", "embargo.cli.main", "screen-file"]
ENV = {**os.environ, "COLUMNS": "400"}  # rich wraps long lines at 80 columns otherwise


def _fails(args: list[str], db: Path) -> str:
    proc = subprocess.run([*RUN, *args, "--db", str(db)], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr


def test_file_level_errors_are_one_line(tmp_path: Path, sdn_db: Path) -> None:
    out = str(tmp_path / "out.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty file" in _fails([str(empty), "-o", out], sdn_db)
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\n\n")
    assert "empty file" in _fails([str(blank), "-o", out], sdn_db)

    latin = write_csv(tmp_path / "latin.csv", [{**book_rows(1, 0)[0], "full_name": "Hélène Dupré"}], "cp1252")
    msg = _fails([str(latin), "-o", out], sdn_db)
    assert "utf-8" in msg and "--encoding" in msg and "0xe9" in msg
    ok = subprocess.run(
        [*RUN, str(latin), "-o", out, "--encoding", "cp1252", "--db", str(sdn_db)],
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Hélène" in (tmp_path / "out.csv").read_text(encoding="utf-8") or ok.stderr.count("0 with alerts")

    book = write_csv(tmp_path / "book.csv", book_rows(5, 0))
    msg = _fails([str(book), "-o", out, "--name-col", "Client Name"], sdn_db)
    assert "'Client Name'" in msg and "--name-col" in msg and "customer_id, full_name" in msg
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "no name column" in _fails([str(nameless), "-o", out], sdn_db)

    odd = tmp_path / "book.xyz"
    odd.write_text("name\nx\n", encoding="utf-8")
    assert "unknown input format '.xyz'" in _fails([str(odd), "-o", out], sdn_db)
    assert "unknown output format '.doc'" in _fails([str(book), "-o", str(tmp_path / "o.doc")], sdn_db)
    assert "nothing to resume" in _fails([str(book), "-o", str(tmp_path / "new.csv"), "--resume"], sdn_db)


def test_bad_rows_go_to_rejects_and_the_run_goes_on(tmp_path: Path, sdn_db: Path) -> None:
    src = tmp_path / "book.csv"
    src.write_text(
        "id,name,dob\n"
        "r1,Dmitri Rogosin,1963-12-21\n"
        'r2,"Kim Jong Un",,extra\n'  # line 3: one field too many
        "r3,,1970\n"  # line 4: no name
        "r4,Sophie Martin,31/31/1999\n"  # line 5: not a date (reported, screened without it)
        '"r5","multi\nline name",1970\n'  # lines 6-7: one record over two lines
        "r6,Kim Jong Un,\n",  # line 8
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    proc = subprocess.run(
        [*RUN, str(src), "-o", str(out), "--db", str(sdn_db)], capture_output=True, text=True, env=ENV
    )
    assert proc.returncode == 1, proc.stderr  # like ingest: exit 1 when something was refused
    assert "2 rejected" in proc.stderr and "Traceback" not in proc.stderr
    with (tmp_path / "out.csv.rejects.csv").open(encoding="utf-8", newline="") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["line"], r["reason"].split(" ")[0]) for r in rejects] == [
        ("3", "malformed"),
        ("4", "a"),
        ("5", "birth"),
    ]
    assert "needs a name" in rejects[1]["reason"]
    assert rejects[2]["reason"] == "birth date '31/31/1999' is not a date: screened without it"
    with out.open(encoding="utf-8", newline="") as fh:
        alerts = list(csv.DictReader(fh))
    assert [(a["row"], a["query_id"], a["source_id"]) for a in alerts] == [
        ("2", "r1", "16649"),
        ("8", "r6", "20157"),
    ]
    summary = (tmp_path / "out.csv.summary.json").read_text()
    assert '"rows_rejected": 2' in summary and '"rows_screened": 4' in summary
