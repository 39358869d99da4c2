"""Listed names in the Arabic script against their own romanisations: a check held out from the dev sets.

Several lists (UN, UK, Australia, Japan) give a listed person's name in the Arabic script (Arabic, Persian,
Pashto, Urdu) beside its Latin spellings. Each such entity is screened by its first Arabic-script name
against an index where every entity's Arabic-script names are left out, so only the Latin spellings can
meet it. A case is found when the entity, or another listing that shares one of its Latin names (the
same person listed by another authority), alerts. No dev-set case is read: the names are the lists' own.

Recall per algorithm, over persons (``--schema``), with the misses of the last algorithm named.

Usage: .venv/bin/python bench/arabic_script.py [--db-dir data/bench] [--algorithms embargo-v4,embargo-v5]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str] | None = None) -> int:
    from _round2 import store_for

    from embargo.match.types import Query
    from embargo.names.arabic import arabic_script
    from embargo.service.screener import Screener

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db-dir", type=Path, default=None, help="keep the store of all lists here (reused)")
    ap.add_argument("--algorithms", default="embargo-v2,embargo-v4,embargo-v5", help="comma-separated")
    ap.add_argument("--schema", default="Person", help="entities of this schema ('' for every schema)")
    ap.add_argument("--misses", type=int, default=20, help="misses of the last algorithm to print")
    args = ap.parse_args(argv)
    console = Console()
    with store_for("ALL", args.db_dir) as db:
        entities = Screener.from_store(db).index.entities
    cases: list[tuple[str, str, frozenset[str]]] = []
    latin_only = []
    for e in entities:
        script = [n.value for n in e.names if arabic_script(n.value)]
        romanised = tuple(n for n in e.names if not arabic_script(n.value))
        if script and romanised:
            latin_only.append(replace(e, names=romanised))
            if not args.schema or e.schema == args.schema:
                cases.append((e.id, script[0], frozenset(n.value.casefold() for n in romanised)))
        else:
            latin_only.append(e)
    table = Table(title=f"{len(cases)} listed names in the Arabic script, found by their Latin spellings")
    table.add_column("algorithm")
    table.add_column("found", justify="right")
    table.add_column("recall", justify="right")
    misses: list[str] = []
    for algorithm in args.algorithms.split(","):
        screener = Screener(latin_only, algorithm=algorithm)
        found = 0
        misses = []
        for eid, name, latin in track(cases, description=algorithm, console=console, transient=True):
            results = screener.screen(Query(names=(name,)), algorithm=algorithm, limit=50)
            if any(
                m.match and (m.entity.id == eid or latin & {n.value.casefold() for n in m.entity.names})
                for m in results
            ):
                found += 1
            else:
                misses.append(f"{name} ({', '.join(sorted(latin)[:2])})")
        table.add_row(algorithm, f"{found:,}", f"{found / max(len(cases), 1):.3f}")
    console.print(table)
    for miss in misses[: args.misses]:
        console.print(f"  missed: {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
