"""On the shared dev set: other authorities' own-script spellings meet the OFAC spelling by phonetic key.

A regression guard on general rules, not a tuning target: for every ``real`` case (UK OFSI's Cyrillic,
Arabic and Latin spellings of OFAC-listed people) and every ``translit`` case, at least one name token
of the query must share its phonetic key with a name token of the listed name (bench/text_layer.py
prints the full table).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from embargo.text.names import analyze_name
from embargo.text.phonetic import phonetic_key


def _rate(cases: list[tuple[str, str]]) -> float:
    hits = 0
    for query, listed in cases:
        qk = {phonetic_key(t) for t in analyze_name(query).tokens}
        lk = {phonetic_key(t) for t in analyze_name(listed).tokens}
        hits += bool(qk & lk)
    return hits / len(cases)


def test_real_and_translit_cases_meet_by_key(lists_dir: Path) -> None:
    dev = lists_dir.parents[1] / "bench" / "ofac_variants_dev.jsonl"
    with (lists_dir / "us_ofac_sdn" / "2024-05-02" / "sdn.csv").open(encoding="latin-1", newline="") as fh:
        sdn = {row[0]: row[1] for row in csv.reader(fh) if len(row) > 1}
    rows = [json.loads(line) for line in dev.read_text("utf-8").splitlines() if line]
    real = [(r["query"], sdn[r["expected_source_id"]]) for r in rows if r["family"] == "real"]
    translit = [(r["query"], r["listed_name"]) for r in rows if r["variation"] == "translit"]
    assert len(real) > 100 and len(translit) > 100
    assert _rate(real) >= 0.95
    assert _rate(translit) >= 0.98
