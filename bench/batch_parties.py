"""Batch screening by party: alert rows of a customer book one per party vs one per listing.

A store of lists that name the same parties (OFAC SDN and the CSL's copy of it, the UK, Canada,
Australia, the UN, Japan's MOF: the versions the resolution tests use) screens a synthetic book
(``_synthetic``: realistic names in many scripts) with ``--planted`` of its rows a listed name varied
(``_synthetic.vary``), drawn from every list. ``embargo screen-file`` runs twice on it, grouped by
party (the default) and with ``--listings``; printed: alert rows, rows with alerts, listings alerted,
and the recall of the planted names (the planted listing among a row's alerts, as a row itself or
among a party row's listings) in each mode.

Usage: .venv/bin/python bench/batch_parties.py [--rows 5000] [--planted 0.02] [--db data/bench/parties.db]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from _common import LISTS, ROOT
from batch import make_book, screen

from embargo.service import Service

FILES = (
    ("us_ofac_sdn", "2024-05-02"),
    ("us_trade_csl", "2022-05-06"),
    ("uk_ofsi_conlist", "2025-04-14"),
    ("ca_sema", "2025-05-25"),
    ("au_dfat", "2024-12-17"),
    ("un_sc_consolidated", "2026-02-27"),
    ("jp_mof", "2026-03-05"),
)


def build(db: Path) -> None:
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    svc = Service.open(db)
    try:
        svc.ingest([LISTS / folder / version for folder, version in FILES])
    finally:
        svc.close()


def recall(out: Path, expected: dict[str, str]) -> tuple[float, int]:
    """Recall of the planted listings, and the alert rows written."""
    found: set[str] = set()
    n = 0
    with out.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            n += 1
            if expected.get(r["query_id"]) in r["listings"].split("; "):
                found.add(r["query_id"])
    return (len(found) / len(expected) if expected else 1.0), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--planted", type=float, default=0.02)
    ap.add_argument("--workers", default="2")
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "bench" / "parties.db")
    args = ap.parse_args()
    t = time.monotonic()
    build(args.db)
    print(f"store: {', '.join(f for f, _ in FILES)} ({time.monotonic() - t:.0f} s)", flush=True)
    work = args.db.parent
    book = work / "parties_book.csv"
    expected = make_book(
        book,
        args.rows,
        args.planted,
        args.db,
        keep=lambda e: e.caption.isascii(),
        key=lambda e: f"{e.source}:{e.source_id}",
    )
    print(f"book: {args.rows:,} rows, {len(expected):,} planted names from every list")
    results = {}
    for label, extra in (("by party", []), ("by listing", ["--listings"])):
        out = work / f"parties_out_{label.split()[1]}.csv"
        r = screen(book, out, args.db, ["--workers", args.workers, *extra])
        r["recall"], r["alert_rows"] = recall(out, expected)
        results[label] = r
        print(
            f"{label:11} alert rows {r['alert_rows']:6,}  rows with alerts {r['rows_with_alerts']:6,}  "
            f"recall of planted names {r['recall']:.3f}  ({r['total_s']:.0f} s)",
            flush=True,
        )
    party, listing = results["by party"], results["by listing"]
    saved = 1 - party["alert_rows"] / listing["alert_rows"] if listing["alert_rows"] else 0.0
    same = party["recall"] == listing["recall"]
    print(
        f"by party: {party['alert_rows']:,} alert rows vs {listing['alert_rows']:,} by listing "
        f"({saved:.1%} fewer); recall {'the same' if same else 'DIFFERS'} ({party['recall']:.3f})"
    )


if __name__ == "__main__":
    main()
