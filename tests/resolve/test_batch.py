"""Batch screening writes one alert row per party (with its listings) by default, one per listing with
``--listings``: fewer rows, the same listings found. The Spark path writes the same rows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers every command on the app)
from embargo.batch import Options, screen_file
from embargo.cli.base import app
from embargo.resolve import Resolution
from embargo.screener import Screener
from embargo.service import Service

from .conftest import ROGOZIN

BOOK = [
    {"customer_id": "c1", "full_name": "Dmitri Rogosin", "type": "person"},
    {"customer_id": "c2", "full_name": "Sophie Martin", "type": "person"},
    {"customer_id": "c3", "full_name": "Sovcomflot", "type": ""},
    {"customer_id": "c4", "full_name": "Igor Sechin", "type": "person"},
]


def _book(tmp_path: Path) -> Path:
    path = tmp_path / "book.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(BOOK[0]))
        w.writeheader()
        w.writerows(BOOK)
    return path


@pytest.fixture(scope="module")
def grouping(parties_db: Path) -> Resolution:
    svc = Service.open(parties_db)
    try:
        return svc.grouping()
    finally:
        svc.close()


def _run(screener: Screener, grouping: Resolution, book: Path, out: Path, by_party: bool) -> list[Any]:
    """The batch engine from Python, as ``screen-file`` runs it (the CLI's own run is tested below)."""
    screen_file(book, screener, Options(output=out, parties=grouping, by_party=by_party))
    return _read(out)


def _screen(db: Path, book: Path, out: Path, *extra: str) -> list[Any]:
    args = ["screen-file", str(book), "-o", str(out), "--db", str(db), "--workers", "1", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return _read(out)


def _read(out: Path) -> list[Any]:
    if out.suffix == ".jsonl":
        return [orjson.loads(x) for x in out.read_bytes().splitlines()]
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _entity_ids(rows: list[dict[str, str]]) -> set[tuple[str, str]]:
    """(query id, SOURCE:LIST_ID) of every listing alerted."""
    return {(r["query_id"], li) for r in rows for li in r["listings"].split("; ")}


def test_one_alert_row_per_party_and_per_listing_with_the_flag(
    screener: Screener, grouping: Resolution, tmp_path: Path
) -> None:
    book = _book(tmp_path)
    grouped = _run(screener, grouping, book, tmp_path / "parties.csv", True)
    listed = _run(screener, grouping, book, tmp_path / "listings.csv", False)
    rogozin = [r for r in grouped if r["query_id"] == "c1" and r["party_id"].startswith("embargo-party-")]
    assert len(rogozin) == 1
    [party] = rogozin
    assert len(party["listings"].split("; ")) == 5
    assert party["datasets"] == "au_dfat; ca_sema; uk_ofsi; us_ofac_sdn; us_trade_csl"
    assert "us_ofac_sdn:16649" in party["listings"] and "uk_ofsi:12935" in party["listings"]
    his = [r for r in listed if r["party_id"] == party["party_id"]]
    assert {r["entity_id"] for r in his} == ROGOZIN  # five rows, one per listing, named by his party
    assert max(float(r["score"]) for r in his) == float(party["score"])
    # fewer rows by party, the same listings alerted
    assert len(grouped) < len(listed)
    assert _entity_ids(grouped) == _entity_ids(listed)
    assert {r["party_id"] for r in grouped} == {r["party_id"] for r in listed}
    summary = orjson.loads((tmp_path / "parties.csv.summary.json").read_bytes())
    assert summary["alerts"] == len(grouped) and summary["alerted_listings"] == len(listed)


def test_the_cli_groups_by_default_and_json_lines_carry_the_parties(
    parties_db: Path, screener: Screener, grouping: Resolution, tmp_path: Path
) -> None:
    lines = _screen(parties_db, _book(tmp_path), tmp_path / "out.jsonl")
    first: dict[str, Any] = lines[0]
    assert first["query_id"] == "c1" and set(first) == {"query_id", "matches", "parties"}
    top = first["parties"][0]
    assert set(top["referents"]) == ROGOZIN and set(top["listings"]) == ROGOZIN
    assert {m["entity_id"] for m in first["matches"]} >= ROGOZIN
    flat = _run(screener, grouping, _book(tmp_path), tmp_path / "flat.jsonl", False)
    assert set(flat[0]) == {"query_id", "matches"}
    assert "--listings" in CliRunner().invoke(app, ["screen-file", "--help"]).output


@pytest.mark.spark
def test_spark_writes_the_same_party_rows(
    parties_db: Path, screener: Screener, grouping: Resolution, tmp_path: Path
) -> None:
    import pandas as pd  # type: ignore[import-untyped]

    from embargo.batch.spark import screen_dataframe, session

    local = _run(screener, grouping, _book(tmp_path), tmp_path / "local.csv", True)
    spark = session("local[2]")
    pdf = pd.DataFrame(BOOK)
    pdf.insert(0, "line", range(2, len(BOOK) + 2))
    result: Any = screen_dataframe(
        spark.createDataFrame(pdf), parties_db, row_col="line", by_party=True
    ).toPandas()
    rows = result.sort_values(["row", "rank"]).drop(columns=["rank", "error"]).to_dict("records")
    got = [
        {k: "" if v is None else f"{v:.4f}" if k == "score" else str(v) for k, v in rec.items()}
        for rec in rows
    ]
    assert got == local and any(r["party_id"].startswith("embargo-party-") for r in got)
