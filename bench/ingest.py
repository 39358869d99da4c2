"""Ingest throughput: every real list file from a clean store.

Prints, from one run (machines here are noisy, so figures are compared within the run):
- baseline: reading every file and hashing it (sha256): the I/O floor;
- parse only: every publication parsed and mapped to entities, nothing stored;
- full ingest: `Service.ingest` into a fresh SQLite store (parse + checks + store), per source;
and the ratios between them. Usage: .venv/bin/python bench/ingest.py [LISTS_DIR]
"""

from __future__ import annotations

import contextlib
import hashlib
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from embargo.errors import EmbargoError
from embargo.service import Service
from embargo.service.ingest import discover, parse_candidate

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    lists = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "lists"
    console = Console()
    files = [p for p in sorted(lists.rglob("*")) if p.is_file() and p.suffix != ".md"]
    size = sum(p.stat().st_size for p in files)

    t0 = time.perf_counter()
    for p in files:
        hashlib.sha256(p.read_bytes()).hexdigest()
    t_read = time.perf_counter() - t0

    candidates, _ = discover([lists])
    t0 = time.perf_counter()
    parsed_entities = 0
    per_source_parse: dict[str, float] = defaultdict(float)
    for c in candidates:
        t1 = time.perf_counter()
        with contextlib.suppress(EmbargoError):
            parsed_entities += len(parse_candidate(c).entities)
        per_source_parse[c.source] += time.perf_counter() - t1
    t_parse = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        svc = Service.open(Path(tmp) / "bench.db")
        per_source: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        last = [time.perf_counter()]

        def done(o: object) -> None:
            now = time.perf_counter()
            src = getattr(o, "source", None) or "(unknown)"
            v = getattr(o, "version", None)
            per_source[src][0] += now - last[0]
            per_source[src][1] += 1
            per_source[src][2] += (
                v.entity_count if v is not None and getattr(o, "status", "") == "created" else 0
            )
            last[0] = now

        t0 = time.perf_counter()
        outcomes = svc.ingest([lists], on_done=done)
        t_full = time.perf_counter() - t0
        db_size = (Path(tmp) / "bench.db").stat().st_size
        svc.close()

    created = [o for o in outcomes if o.status == "created"]
    stored = sum(o.version.entity_count for o in created if o.version)
    table = Table(title="full ingest per source")
    for col in ("source", "publications", "entities stored", "seconds", "parse s", "entities/s"):
        table.add_column(col, justify="right")
    for src, (secs, n, ents) in sorted(per_source.items()):
        table.add_row(
            src,
            str(int(n)),
            str(int(ents)),
            f"{secs:.2f}",
            f"{per_source_parse.get(src, 0):.2f}",
            f"{ents / secs:,.0f}" if secs else "-",
        )
    console.print(table)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(
        f"files: {len(files)} ({size / 1e6:.1f} MB); publications: {len(candidates)}; "
        f"created {len(created)}, refused {sum(o.status == 'refused' for o in outcomes)}",
        highlight=False,
    )
    console.print(f"baseline read+sha256: {t_read:.2f} s", highlight=False)
    console.print(
        f"parse only:           {t_parse:.2f} s  ({t_parse / t_read:.1f}x baseline; {parsed_entities:,} entities)",
        highlight=False,
    )
    console.print(
        f"full ingest:          {t_full:.2f} s  ({t_full / t_read:.1f}x baseline, {t_full / t_parse:.2f}x parse only; "
        f"{stored:,} entities stored, {stored / t_full:,.0f} entities/s)",
        highlight=False,
    )
    console.print(f"store size: {db_size / 1e6:.1f} MB; peak RSS {peak:.0f} MB", highlight=False)


if __name__ == "__main__":
    main()
