"""Every dev-set query's screening results, written one line per query, to compare two versions of the code.

A change meant for speed alone must leave every released algorithm's results as they were: the same
entities, in the same order, with the same scores, match flags and explanations. This screens every case of
../shared/bench (the OFAC variants against the SDN list of 2024-05-02, the round-2 files against the list
version each names) with each algorithm, several ways (as given; with threshold 0, so that every result
down to a score of 0 is explained; matches only; a name-only query where the case asks; some cases limited
to one source), and writes each result list as one line. Run it with the code of each version (the same
``--db-dir`` of stores) and compare the files (``--diff A B``). Run it with ``PYTHONHASHSEED=0``.

Usage: PYTHONHASHSEED=0 .venv/bin/python bench/same_results.py --out results.jsonl [--db-dir DIR]
[--algorithms embargo-v1,embargo-v2,...] [--limit N]; bench/same_results.py --diff A B
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from _common import SDN_2024, load_cases, store_with
from _round2 import embargo_query, load_round2, round2_files, store_for

from embargo.match.algorithm import ALGORITHMS as REGISTERED

ALGORITHMS = ",".join(REGISTERED)  # every version embargo knows
OFAC_VERSION = "ofac_variants"  # the round-1 set's store: the SDN file of 2024-05-02
SOURCES_EVERY = 7  # every 7th case is also screened against one source of its store


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.diff:
        return _diff(Path(args.diff[0]), Path(args.diff[1]))
    if os.environ.get("PYTHONHASHSEED") != "0":
        print("warning: PYTHONHASHSEED is not 0; set it so that both runs hash alike", file=sys.stderr)
    algorithms = args.algorithms.split(",")
    import embargo

    print(f"screening with the code of {Path(embargo.__file__).parent.parent}", file=sys.stderr)
    t0 = time.perf_counter()
    lines = 0
    with args.out.open("wb") as out:
        for version, queries in _groups(args.limit):
            for line in _screen_group(version, queries, algorithms, args.db_dir):
                out.write(line + b"\n")
                lines += 1
            print(f"{version}: {len(queries)} cases ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    print(f"wrote {lines} result lists to {args.out}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--out", type=Path, help="write the results here (one JSON line per query and way)")
    p.add_argument("--db-dir", type=Path, help="keep the stores (one per list version) here and reuse them")
    p.add_argument(
        "--algorithms", default=ALGORITHMS, help=f"algorithms to screen with (default {ALGORITHMS})"
    )
    p.add_argument("--limit", type=int, help="at most this many cases per (file, variation)")
    p.add_argument("--diff", nargs=2, metavar=("A", "B"), help="compare two result files instead")
    return p


Queries = list[tuple[str, Any, bool]]  # (case id, embargo Query, also screened by name only)


def _groups(limit: int | None) -> Iterator[tuple[str, Queries]]:
    """(list version, its cases as queries), the OFAC variants first."""
    from embargo.match.types import Query

    yield OFAC_VERSION, [(c.id, Query.of(c.query), False) for c in load_cases(per_variation=limit)]
    by_version: dict[str, Queries] = defaultdict(list)
    for c in load_round2(round2_files(), limit):
        by_version[c.list_version].append((f"{c.file}:{c.id}", embargo_query(c.query), c.also_name_only))
    yield from sorted(by_version.items())


def _screen_group(
    version: str, queries: Queries, algorithms: list[str], db_dir: Path | None
) -> Iterator[bytes]:
    from embargo.service.screener import Screener

    if version == OFAC_VERSION:
        db = db_dir / "ofac_sdn_2024.db" if db_dir else None
        if db_dir:
            db_dir.mkdir(parents=True, exist_ok=True)
        with store_with([SDN_2024], db) as path:
            screener = Screener.from_store(path)
    else:
        with store_for(version, db_dir) as path:
            screener = Screener.from_store(path)
    one_source = frozenset({sorted({e.source for e in screener.index.entities})[0]})
    for k, (case_id, q, name_only) in enumerate(queries):
        for algo in algorithms:
            ways: list[tuple[str, Any, dict[str, Any]]] = [
                ("given", q, {}),
                ("all", q, {"threshold": 0.0}),
                ("matches", q, {"matches_only": True}),
            ]
            if name_only:
                ways.append(("name_only", _name_only(q), {}))
            if k % SOURCES_EVERY == 0:
                ways.append(("one_source", q, {"sources": one_source, "threshold": 0.0}))
            for way, query, kw in ways:
                results = screener.screen(query, algorithm=algo, **kw)
                yield orjson.dumps(
                    {
                        "case": case_id,
                        "algorithm": algo,
                        "way": way,
                        "results": [
                            [m.entity.id, repr(m.score), m.match, repr(m.explanation)] for m in results
                        ],
                    }
                )


def _name_only(q: Any) -> Any:
    from embargo.match.types import Query

    return Query(names=q.names, schema=q.schema)


def _diff(a: Path, b: Path) -> int:
    """Print the first differing lines of two result files; 0 if every line is the same."""
    with a.open("rb") as fa, b.open("rb") as fb:
        left, right = fa.read().splitlines(), fb.read().splitlines()
    differ = [(x, y) for x, y in zip(left, right, strict=False) if x != y]
    for x, y in differ[:5]:
        print(f"- {x[:600].decode()}\n+ {y[:600].decode()}\n")
    same = not differ and len(left) == len(right)
    print(
        f"{len(left)} and {len(right)} result lists; {len(differ)} differ"
        + ("" if len(left) == len(right) else " (and the counts differ)")
        + (": the same results" if same else "")
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
