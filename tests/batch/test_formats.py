"""A customer book screened in every format, in and out: same alerts, planted listed names found."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from embargo.batch import Mapping, Options, screen_file
from embargo.service.screener import Screener

from .conftest import HEADER, book_rows, write_csv


def _read_alerts(path: Path) -> list[dict[str, str]]:
    if path.suffix in (".csv", ".tsv"):
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh, delimiter="\t" if path.suffix == ".tsv" else ","))
    if path.suffix == ".parquet":
        recs = pq.read_table(path).to_pylist()
    else:
        ws = openpyxl.load_workbook(path, read_only=True).active
        values = list(ws.iter_rows(values_only=True))
        recs = [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    return [
        {k: "" if v is None else f"{float(v):.4f}" if k == "score" else str(v) for k, v in r.items()}
        for r in recs
    ]


def _without_row(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if k != "row"} for r in rows]


def test_formats_in_and_out(tmp_path: Path, screener: Screener) -> None:
    rows = book_rows(300, 30)
    src = write_csv(tmp_path / "book.csv", rows)
    with (tmp_path / "book.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, HEADER, delimiter="\t")
        w.writeheader()
        w.writerows(rows)
    (tmp_path / "book.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "book.parquet")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append([r[c] or None for c in HEADER])
    wb.save(tmp_path / "book.xlsx")

    summary = screen_file(src, screener, Options(output=tmp_path / "out.csv"))
    ref = _read_alerts(tmp_path / "out.csv")
    # planted listed names are found, clean names hardly alert
    planted = {r["customer_id"] for r in rows if r["customer_id"].startswith("L")}
    found = {a["query_id"] for a in ref if a["query_id"] in planted}
    by_id = {a["query_id"]: a["source_id"] for a in ref}
    assert len(found) >= 0.9 * len(planted), sorted(planted - found)
    right = sum(any(a["source_id"] == q[1:].split("-")[0] for a in ref if a["query_id"] == q) for q in found)
    assert right >= 0.9 * len(planted)
    clean_alerts = {a["query_id"] for a in ref} - planted
    assert len(clean_alerts) <= 3, clean_alerts
    assert summary["rows_read"] == 300 and summary["rows_rejected"] == 0
    assert summary["rows_with_alerts"] == len({a["query_id"] for a in ref})
    assert summary["per_list"]["us_ofac_sdn"]["rows"] == summary["rows_with_alerts"]
    written = json.loads((tmp_path / "out.csv.summary.json").read_text())
    assert written["rows_with_alerts"] == summary["rows_with_alerts"]
    assert not (tmp_path / "out.csv.rejects.csv").exists()
    assert not (tmp_path / "out.csv.checkpoint.json").exists()
    first = ref[0]
    assert first["full_name"] and first["caption"] and first["list"] == "SDN" and first["programmes"]
    assert "name:" in first["explanation"] and float(first["score"]) >= 0.7
    assert int(first["row"]) >= 2  # the CSV line (the header is line 1)

    # every input format gives the same alerts (row numbers are each format's own)
    for name in ("book.tsv", "book.jsonl", "book.parquet", "book.xlsx"):
        out = tmp_path / f"from_{name}.csv"
        screen_file(tmp_path / name, screener, Options(output=out))
        assert _without_row(_read_alerts(out)) == _without_row(ref), name
    # and every output format holds the same rows
    for ext in ("tsv", "parquet", "xlsx"):
        out = tmp_path / f"out.{ext}"
        screen_file(src, screener, Options(output=out))
        assert _read_alerts(out) == ref, ext
        assert not out.with_name(out.name + ".parts").exists()

    # JSON lines out: yente's shape, every row, every candidate
    out = tmp_path / "out.jsonl"
    screen_file(src, screener, Options(output=out))
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["query_id"] for x in lines] == [r["customer_id"] for r in rows]
    assert {x["query_id"] for x in lines if any(m["match"] for m in x["matches"])} == set(by_id)


def test_workers_one_and_two_give_identical_output(tmp_path: Path, screener: Screener) -> None:
    src = write_csv(tmp_path / "book.csv", book_rows(300, 30, seed=2))
    for ext in ("csv", "jsonl"):
        one, two = tmp_path / f"one.{ext}", tmp_path / f"two.{ext}"
        screen_file(src, screener, Options(output=one, workers=1, chunk_size=37))
        screen_file(src, screener, Options(output=two, workers=2, chunk_size=37))
        assert one.read_bytes() == two.read_bytes() and one.stat().st_size > 0


def test_yente_jsonl_keeps_its_shape(tmp_path: Path, screener: Screener) -> None:
    src = tmp_path / "q.jsonl"
    src.write_text(
        json.dumps({"id": "a", "schema": "Person", "properties": {"name": ["Dmitri Rogosin"]}})
        + "\n"
        + json.dumps({"id": "b", "properties": {"name": ["Sophie Martin"]}})
        + "\n",
        encoding="utf-8",
    )
    screen_file(src, screener, Options(output=tmp_path / "o.jsonl"))
    lines = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [set(x) for x in lines] == [{"query_id", "matches"}] * 2
    assert lines[0]["matches"][0]["source_id"] == "16649"
    screen_file(src, screener, Options(output=tmp_path / "o.csv"))
    alerts = _read_alerts(tmp_path / "o.csv")
    assert next((a["query_id"], a["name"], a["schema"], a["source_id"]) for a in alerts) == (
        "a",
        "Dmitri Rogosin",
        "Person",
        "16649",
    )


def test_mapping_by_flags_and_yaml(tmp_path: Path, screener: Screener) -> None:
    src = tmp_path / "odd.csv"
    src.write_text(
        "Ref,Nom complet,Né le,Pays\nx1,Dmitri Rogosin,1963-12-21,ru\nx2,Kim Jong Un,,kp\n", encoding="utf-8"
    )
    mapping = tmp_path / "m.yml"
    mapping.write_text("name: Nom complet\nid: Ref\nbirth_date: Né le\ncountry: [Pays]\n", encoding="utf-8")
    screen_file(src, screener, Options(output=tmp_path / "a.csv", mapping=Mapping.from_yaml(mapping)))
    flags = Mapping(name="Nom complet", id="Ref", birth_date="Né le", country=("Pays",))
    screen_file(src, screener, Options(output=tmp_path / "b.csv", mapping=flags))
    a = _read_alerts(tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert [(r["query_id"], r["source_id"]) for r in a] == [("x1", "16649"), ("x2", "20157")]
    assert "birth_date: 1963-12-21" in a[0]["explanation"]
    # header guesses: company / date_of_birth / passport_number
    guessed = tmp_path / "guess.csv"
    guessed.write_text("company,date_of_birth,passport_number\nBanco Nacional de Cuba,,\n", encoding="utf-8")
    screen_file(guessed, screener, Options(output=tmp_path / "g.csv"))
    assert _read_alerts(tmp_path / "g.csv")[0]["source_id"] == "306"


def test_a_repeated_party_is_reported_on_each_of_its_rows(tmp_path: Path, screener: Screener) -> None:
    """A query seen before is answered from memory: every repeat still gets its own alert rows, equal to
    the first's but for the row and its id."""
    rows = book_rows(60, 6, seed=4)
    listed = [r for r in rows if r["customer_id"].startswith("L")]
    repeats = [{**r, "customer_id": f"R{i}-{r['customer_id']}"} for i, r in enumerate(listed * 2)]
    src = write_csv(tmp_path / "book.csv", rows + repeats)
    out = tmp_path / "out.csv"
    screen_file(src, screener, Options(output=out, workers=1, chunk_size=17))
    alerts = _read_alerts(out)
    by_id: dict[str, list[tuple[str, str]]] = {}
    for a in alerts:
        by_id.setdefault(a["query_id"], []).append((a["entity_id"], a["score"]))
    for i, r in enumerate(listed * 2):
        original = by_id.get(r["customer_id"])
        assert original, r["full_name"]
        assert by_id.get(f"R{i}-{r['customer_id']}") == original
