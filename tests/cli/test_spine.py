"""The spine end to end, as a user runs it: every real list file through `embargo ingest`."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from embargo.cli import main as cli  # (importing it registers every command on the app)
from embargo.cli.base import app

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()
MANIFEST_SDN_DIFFS = re.compile(r"^\s*(\S+)\s+->\s+(\S+)\s+\+(\d+)\s+-(\d+)\s+~(\d+)\s*$")
MANIFEST_UN_DIFFS = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+->\s+(\d{4}-\d{2}-\d{2})\s+\+(\d+)\s+-(\d+)\s*$")


def embargo(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "embargo.cli.main", *args, "--db", str(db)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if check and proc.returncode not in (0, 1):
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def embargo_json(db: Path, *args: str) -> Any:
    """The JSON an ``embargo`` command prints, run in this process (a diff per version pair: the
    process's start-up, repeated 40 times, is what the subprocess would measure)."""
    assert cli.__name__  # (imported for its commands)
    result = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def full_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
    db = tmp_path_factory.mktemp("spine") / "embargo.db"
    proc = embargo(db, "ingest", str(LISTS), "--json")
    assert "Traceback" not in proc.stderr
    yield db, json.loads(proc.stdout)


def test_every_file_is_ingested_or_refused_with_a_reason(
    full_store: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, outcomes = full_store
    files = sorted(p for p in LISTS.rglob("*") if p.is_file() and p.suffix != ".md")
    # 76 list files in the sources' folders, and a stray 4-byte file "IMO" at the top (not in MANIFEST.md)
    assert len([f for f in files if f.parent != LISTS]) == 76
    assert [f.name for f in files if f.parent == LISTS] == ["IMO"]
    covered: set[str] = set()
    for o in outcomes:
        path = Path(o["path"])
        covered.add(str(path))
        if o["status"] == "refused":
            assert o["message"] and "\n" not in o["message"], o
        else:
            covered.update(o["version"]["files"])
    assert {str(f) for f in files} <= covered
    refused = {Path(o["path"]).parent.name for o in outcomes if o["status"] == "refused"}
    # the corrupted UN file and the trimmed samples whose declared count disagrees are refused
    assert "2025-08-16_corrupted-by-repo-owner" in refused
    assert "sample_2014-07-16_xml" in refused
    assert "sample_2014-12-17_xml" in refused
    assert "sample_2024-01-17" in refused  # SECO's amendment: changes only, not a whole list
    assert "sample_2025-06" in refused  # 13 rows where the previous CSL had 14,073 entities
    assert any(Path(o["path"]).name == "IMO" and o["status"] == "refused" for o in outcomes)
    un_bad = next(o for o in outcomes if "corrupted" in o["path"])
    assert "53" in un_bad["message"]
    real = [o for o in outcomes if o["status"] != "refused"]
    assert len(real) >= 60
    assert {"jp_mof", "jp_meti_eul"} <= {o["version"]["source"] for o in real}


def test_sdn_counts_equal_an_independent_count(full_store: tuple[Path, list[dict[str, Any]]]) -> None:
    _, outcomes = full_store
    checked = 0
    for o in outcomes:
        if o["status"] == "refused" or o["source"] != "us_ofac_sdn" or not o["path"].endswith("sdn.csv"):
            continue
        raw = Path(o["path"]).read_bytes().rstrip(b"\x1a").decode("latin-1")
        ids = {row[0] for row in csv.reader(raw.splitlines()) if row}
        assert o["version"]["entity_count"] == len(ids), o["path"]
        checked += 1
    assert checked == 32


def test_un_counts_equal_an_independent_count(full_store: tuple[Path, list[dict[str, Any]]]) -> None:
    _, outcomes = full_store
    for o in outcomes:
        if o["source"] == "un_sc" and o["status"] != "refused":
            text = Path(o["path"]).read_text("utf-8")
            n = len(re.findall(r"<INDIVIDUAL>", text)) + len(re.findall(r"<ENTITY>", text))
            assert o["version"]["entity_count"] == n, o["path"]


def _manifest_rows(pattern: re.Pattern[str]) -> list[tuple[str, str, int, int, int | None]]:
    rows = []
    for line in (LISTS / "MANIFEST.md").read_text("utf-8").splitlines():
        m = pattern.match(line)
        if m:
            g = m.groups()
            rows.append((g[0], g[1], int(g[2]), int(g[3]), int(g[4]) if len(g) > 4 else None))
    return rows


def test_sdn_diffs_reproduce_the_manifest(full_store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = full_store
    rows = [r for r in _manifest_rows(MANIFEST_SDN_DIFFS) if r[0][:4] >= "2021"]
    assert len(rows) >= 28
    off = []
    for frm, to, added, removed, changed in rows:
        d = embargo_json(db, "diff", "us_ofac_sdn", "--from", frm, "--to", to, "--json")
        assert (len(d["added"]), len(d["removed"])) == (added, removed), (frm, to)
        assert changed is not None
        # The manifest counts rows whose text changed; a few textual changes are no change of substance
        # (2022-04-06: "Macedonia, The Former Yugoslav Republic of" -> "North Macedonia, The Republic of",
        # both ISO "mk"), so embargo may report fewer, never more.
        assert len(d["changed"]) <= changed, (frm, to)
        off.append(changed - len(d["changed"]))
    assert sum(off) <= 3, off


def test_un_diffs_reproduce_the_manifest(full_store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = full_store
    rows = _manifest_rows(MANIFEST_UN_DIFFS)
    assert len(rows) == 11
    for frm, to, added, removed, _ in rows:
        d = embargo_json(db, "diff", "un_sc", "--from", frm, "--to", to, "--json")
        assert (len(d["added"]), len(d["removed"])) == (added, removed), (frm, to)
    d = json.loads(
        embargo(db, "diff", "un_sc", "--from", "2025-12-09", "--to", "2025-12-10", "--json").stdout
    )
    assert [e["source_id"] for e in d["removed"]] == ["IQi.074"]


def test_default_diff_is_the_last_two_versions(full_store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = full_store
    d = json.loads(embargo(db, "diff", "us_ofac_sdn", "--json").stdout)
    assert d["from"]["label"] == "2024-02-23" and d["to"]["label"] == "2024-05-02"
    assert (len(d["added"]), len(d["removed"])) == (587, 98)
    assert set(d) == {"source", "from", "to", "added", "removed", "changed"}
    assert all({"entity", "changes"} <= set(c) for c in d["changed"])


def test_rogozin(full_store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = full_store
    view = json.loads(embargo(db, "entity", "us_ofac_sdn:16649", "--json").stdout)
    e = view["entity"]
    assert e["caption"].startswith("ROGOZIN, Dmitry")
    assert e["birth_dates"] == ["1963-12-21"]
    assert any("Moscow" in p for p in e["birth_places"])
    assert any("UKRAINE-EO13661" in s["programs"] for s in e["sanctions"])
    labels = [v["label"] for v in view["versions"]]
    assert "2021-12-22" in labels and "2024-05-02" in labels
    assert view["status"] == "listed"
    text = embargo(db, "entity", "us_ofac_sdn:16649").stdout
    assert "ROGOZIN" in text and "1963-12-21" in text and "UKRAINE-EO13661" in text
    old = json.loads(embargo(db, "entity", view["id"], "--as-of", "2021-05-01", "--json").stdout)
    assert old["version"]["label"] == "2021-04-25_triplet"


def test_reingest_changes_nothing(full_store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = full_store
    before = json.loads(embargo(db, "lists", "--json").stdout)
    proc = embargo(
        db, "ingest", str(LISTS / "us_ofac_consolidated"), str(LISTS / "us_ofac_sdn" / "2022-03-24"), "--json"
    )
    outcomes = json.loads(proc.stdout)
    assert {o["status"] for o in outcomes} <= {"unchanged", "refused"}
    assert json.loads(embargo(db, "lists", "--json").stdout) == before
    # the reordered download of 2026-01-08 is the same publication as the original
    cons = next(s for s in before if s["source"] == "us_ofac_cons")
    assert sum(1 for v in cons["versions"] if v["publish_date"] == "2026-01-08") == 1


def test_bad_input_gives_one_line_errors(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    empty = tmp_path / "2024-05-04" / "sdn.csv"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    cut = tmp_path / "2024-05-05" / "sdn.csv"
    cut.parent.mkdir()
    data = (LISTS / "us_ofac_sdn" / "2024-05-02" / "sdn.csv").read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    proc = embargo(db, "ingest", str(empty.parent), str(cut.parent))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("refused")]
    assert len(lines) == 2
    assert json.loads(embargo(db, "lists", "--json").stdout) == []
    proc = embargo(db, "entity", "nope:1", check=False)
    assert proc.returncode == 2 and "no entity" in proc.stderr and "Traceback" not in proc.stderr
    proc = embargo(db, "entity", "x", "--as-of", "yesterday", check=False)
    assert proc.returncode == 2 and "not a date" in proc.stderr
