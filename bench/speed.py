"""Screening speed: throughput per core, latency, index build time and memory, beside nomenklatura logic-v2.

Lists (default): a store of every list under ``../shared/data/lists`` (or ``--db``); a Screener over
the current version of every source; the dev set's queries screened one after another on one core.
In the same run, nomenklatura's logic-v2 (yente's default) scores the 50 candidates embargo's index
retrieves for a sample of the same queries, as yente would send them: one request = 50 pairs. The two
are timed in alternating slices (``time_both``), so that both see the same machine.

Synthetic (``--synthetic [N]``, N = 100,000 unless given; the target is N = 1,000,000): N generated
entities (persons, companies, vessels; Latin, Cyrillic, Arabic, Persian, Chinese, Korean, Japanese,
Greek, Devanagari) indexed directly, queried with misspelt sampled names and fresh names.

Latency is measured as wall time and as the CPU time of the screening thread: machines here are
shared, so CPU time is the figure targets are checked on; wall time is printed beside it. Before each
of the two timings the garbage collector is told to leave what exists alone (``gc.freeze``, as a
long-running server would): otherwise its full collections walk the index, and land on a few
requests of either side (seen: logic-v2 requests of 0.7 s over all lists, 6.8 s over 1M entities).
Usage: .venv/bin/python bench/speed.py [--db PATH] [--synthetic [N]] [--algorithm NAME] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from _common import (
    LISTS,
    AnchorScorer,
    ftm_dict,
    load_cases,
    peak_rss_mb,
    percentile,
    ratio,
    rss_mb,
    store_with,
)
from _synthetic import NameFactory, synthetic_entities, vary
from rich.console import Console
from rich.table import Table
from rich.text import Text

from embargo import _native
from embargo.model import Entity

NK_CANDIDATES = 50  # what yente sends a matcher per query (its default candidate count)
TARGET_RATIO = 100.0
TARGET_P99_LISTS_MS = 5.0
TARGET_BUILD_S = 10.0
TARGET_P99_SYNTH_MS = 20.0
TARGET_MEMORY_MB = 4096.0
ROUNDS = 8  # alternating slices of embargo's and logic-v2's timings (see time_both)


@dataclass
class Timing:
    """Per-call wall and CPU milliseconds."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall_ns: int, cpu_ns: int) -> None:
        self.wall.append(wall_ns / 1e6)
        self.cpu.append(cpu_ns / 1e6)

    def per_second(self, cpu: bool = True) -> float:
        total = sum(self.cpu if cpu else self.wall)
        return len(self.wall) / total * 1000 if total else math.nan

    def pct(self, p: float, cpu: bool = True) -> float:
        return percentile(self.cpu if cpu else self.wall, p)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"calls": len(self.wall)}
        for kind, cpu in (("cpu", True), ("wall", False)):
            out[kind] = {
                "per_second": round(self.per_second(cpu), 1),
                "mean_ms": round(sum(self.cpu if cpu else self.wall) / max(1, len(self.wall)), 3),
                "p50_ms": round(self.pct(50, cpu), 3),
                "p95_ms": round(self.pct(95, cpu), 3),
                "p99_ms": round(self.pct(99, cpu), 3),
                "max_ms": round(max(self.cpu if cpu else self.wall, default=math.nan), 3),
            }
        return out


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console(width=max(Console().width, 120))
    load = os.getloadavg()
    compiled = _native.status()
    console.print(
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "(other work on the machine shows in wall times, not in CPU times); "
        f"compiled core: {compiled}",
        highlight=False,
    )
    report = _synthetic(args, console) if args.synthetic else _lists(args, console)
    report["compiled_core"] = compiled
    _print_report(console, report)
    if args.json:
        args.json.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY))
        console.print(f"wrote {args.json}", highlight=False)
    return 0 if all(t["met"] for t in report["targets"]) else 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument(
        "--lists", type=Path, default=LISTS, help="folder of list files to ingest (default: shared)"
    )
    p.add_argument(
        "--db", type=Path, help="reuse this store (ingested on first use) instead of a temporary one"
    )
    p.add_argument(
        "--synthetic",
        type=int,
        nargs="?",
        const=100_000,
        metavar="N",
        help="screen a synthetic corpus of N entities instead (default N 100,000; the target is 1,000,000)",
    )
    p.add_argument(
        "--queries",
        type=int,
        help="at most this many queries (default: all dev-set queries; 4,000 synthetic)",
    )
    p.add_argument(
        "--nk-queries", type=int, default=200, help="queries for the logic-v2 baseline (default 200)"
    )
    p.add_argument("--seed", type=int, default=1, help="synthetic corpus seed")
    p.add_argument("--algorithm", help="embargo algorithm to screen with (default: embargo's default)")
    p.add_argument("--json", type=Path, help="write the figures as JSON here")
    return p


# --- the two measurements shared by both modes ------------------------------------------------


def slowest(timing: Timing, queries: Sequence[str], n: int = 5) -> list[dict[str, Any]]:
    """The ``n`` queries that took the most CPU time (to show where the tail comes from)."""
    worst = sorted(range(len(queries)), key=lambda i: -timing.cpu[i])[:n]
    return [{"query": queries[i], "cpu_ms": round(timing.cpu[i], 2)} for i in worst]


def time_screening(screener: Any, queries: Sequence[str], timing: Timing, results: list[list[Any]]) -> None:
    """Screen every query in turn: its wall and CPU time added to ``timing``, its results to ``results``."""
    for q in queries:
        w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        res = screener.screen(q)
        timing.add(time.perf_counter_ns() - w0, time.thread_time_ns() - c0)
        results.append(res)


class LogicV2:
    """nomenklatura logic-v2 scoring, per query, the NK_CANDIDATES candidates embargo's index retrieves.

    Candidate entities are converted to FtM before timing (yente has them from its search index);
    the query entity is built inside the timing.
    """

    def __init__(self, screener: Any) -> None:
        self.screener = screener
        self.scorer = AnchorScorer(["logic-v2"])
        self.timing = Timing()
        self.pairs = 0
        self.requests = 0

    def _candidates(self, q: str) -> list[dict[str, Any]]:
        from embargo.match.algorithm import PreparedQuery
        from embargo.match.types import Query

        index = self.screener.index
        pq = PreparedQuery.of(Query.of(q))
        cands = index.candidates(pq.names, limit=NK_CANDIDATES) if pq.names else []
        return [ftm_dict(index.entities[e]) for e in cands]

    def warm_up(self, queries: Sequence[str]) -> None:
        """First calls load reference data and fill nomenklatura's caches: paid outside any timing."""
        self.scorer.warm_up()
        for i, q in enumerate(queries[:3]):
            for d in self._candidates(q):
                self.scorer.score("logic-v2", f"warm-up-{i}", q, d)

    def time(self, queries: Sequence[str]) -> None:
        for q in queries:
            dicts = self._candidates(q)
            for d in dicts:
                self.scorer.candidate(d)
            key = f"speed-{self.requests}"
            self.requests += 1
            w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            for d in dicts:
                self.scorer.score("logic-v2", key, q, d)
            self.timing.add(time.perf_counter_ns() - w0, time.thread_time_ns() - c0)
            self.pairs += len(dicts)


def time_both(
    screener: Any, queries: Sequence[str], nk_queries: Sequence[str], rounds: int = ROUNDS
) -> tuple[Timing, list[list[Any]], Timing, int]:
    """embargo screening ``queries`` and logic-v2 scoring for ``nk_queries``, in ``rounds`` alternating
    slices of each (both warmed up first), so that the two see the same machine: on a shared machine
    the speed of the same work drifts by 20 % within a minute, and measured one after the other, the
    ratio took that drift. Returns embargo's timing and results, logic-v2's timing and pairs scored."""
    nk = LogicV2(screener)
    nk.warm_up(nk_queries)
    if queries:
        screener.screen(queries[0])
    timing = Timing()
    results: list[list[Any]] = []
    for r in range(rounds):
        _settle()
        time_screening(screener, _slice(queries, r, rounds), timing, results)
        _settle()
        nk.time(_slice(nk_queries, r, rounds))
    return timing, results, nk.timing, nk.pairs


def _slice(values: Sequence[str], r: int, rounds: int) -> Sequence[str]:
    """The r-th of ``rounds`` consecutive slices of ``values``."""
    return values[len(values) * r // rounds : len(values) * (r + 1) // rounds]


def _settle() -> None:
    """Collect, then keep what is left out of later collections (see the module's docstring)."""
    gc.collect()
    gc.freeze()


def _sample(values: Sequence[str], n: int) -> list[str]:
    if n >= len(values):
        return list(values)
    step = len(values) / n
    return [values[int(i * step)] for i in range(n)]


def _build(entities: list[Entity], algorithm: str | None = None) -> tuple[Any, float, float, float]:
    """Screener over ``entities`` (with ``algorithm``, else the default): (screener, wall s, CPU s, RSS growth
    MB). A screener of a few entities is made first: a new screener screens one query to load the
    process's country and date tables (once per process, about 1.5 s), which is no part of the index."""
    from embargo.service.screener import Screener

    Screener(entities[:10])
    gc.collect()
    rss0 = rss_mb()
    w0, c0 = time.perf_counter(), time.process_time()
    screener = Screener(entities, algorithm=algorithm) if algorithm else Screener(entities)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return screener, wall, cpu, rss_mb() - rss0


# --- lists ------------------------------------------------------------------------------------


def _lists(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    from embargo.service import Service

    rss_start = rss_mb()
    t0 = time.perf_counter()
    with store_with([args.lists], args.db) as db:
        t_store = time.perf_counter() - t0
        t0 = time.perf_counter()
        svc = Service.open(db)
        try:
            versions = {v.source: v.publish_date for v in svc.current_versions()}
            entities = list(svc.entities())
        finally:
            svc.close()
        t_load = time.perf_counter() - t0
    rss_entities = rss_mb() - rss_start
    per_source = Counter(e.source for e in entities)
    console.print(
        f"store ready in {t_store:.1f} s; {len(entities):,} entities in force loaded in {t_load:.1f} s "
        f"(+{rss_entities:.0f} MB): "
        + ", ".join(f"{s} {n:,} ({versions.get(s, '?')})" for s, n in sorted(per_source.items())),
        highlight=False,
    )
    screener, build_wall, build_cpu, rss_index = _build(entities, args.algorithm)
    rss_after, peak = rss_mb(), peak_rss_mb()
    console.print(
        f"index built in {build_wall:.2f} s (CPU {build_cpu:.2f} s), +{rss_index:.0f} MB", highlight=False
    )

    queries = [c.query for c in load_cases()]
    if args.queries:
        queries = queries[: args.queries]
    console.print(
        f"screening {len(queries):,} queries, and logic-v2 for {min(args.nk_queries, len(queries))} of them, "
        f"in {ROUNDS} alternating slices...",
        highlight=False,
    )
    timing, _, nk, pairs = time_both(screener, queries, _sample(queries, args.nk_queries))
    emb_qps, nk_rps = timing.per_second(), nk.per_second()
    stats = screener.index.stats()
    return {
        "mode": "lists",
        "entities": len(entities),
        "sources": {s: {"entities": n, "version": versions.get(s)} for s, n in sorted(per_source.items())},
        "index": {"names": stats.names, "tokens": stats.tokens, "keys": stats.keys},
        "build_s": round(build_wall, 2),
        "build_cpu_s": round(build_cpu, 2),
        "memory_mb": {
            "entities": round(rss_entities),
            "index": round(rss_index),
            "process_rss": round(rss_after),
            "process_peak_before_baseline": round(peak),
        },
        "embargo": timing.summary(),
        "slowest": slowest(timing, queries),
        "logic_v2": {**nk.summary(), "pairs": pairs, "candidates_per_request": NK_CANDIDATES},
        "ratio_vs_logic_v2": round(ratio(emb_qps, nk_rps), 1),
        "ratio_vs_logic_v2_wall": round(ratio(timing.per_second(False), nk.per_second(False)), 1),
        "targets": [
            _target(
                f"throughput >= {TARGET_RATIO:.0f}x logic-v2 (CPU)",
                ratio(emb_qps, nk_rps),
                ">=",
                TARGET_RATIO,
            ),
            _target(f"p99 < {TARGET_P99_LISTS_MS} ms (CPU)", timing.pct(99), "<", TARGET_P99_LISTS_MS),
            _target(f"index build < {TARGET_BUILD_S:.0f} s", build_wall, "<", TARGET_BUILD_S),
        ],
    }


# --- synthetic --------------------------------------------------------------------------------


def _synthetic(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    n = int(args.synthetic)
    rss_start = rss_mb()
    t0 = time.perf_counter()
    entities = list(synthetic_entities(n, args.seed))
    t_gen = time.perf_counter() - t0
    rss_entities = rss_mb() - rss_start
    schemas = Counter(e.schema for e in entities)
    console.print(
        f"generated {n:,} entities in {t_gen:.1f} s (+{rss_entities:.0f} MB): "
        + ", ".join(f"{s} {c:,}" for s, c in schemas.most_common()),
        highlight=False,
    )
    screener, build_wall, build_cpu, rss_index = _build(entities, args.algorithm)
    rss_after, peak = rss_mb(), peak_rss_mb()
    console.print(
        f"index built in {build_wall:.1f} s (CPU {build_cpu:.1f} s), +{rss_index:.0f} MB", highlight=False
    )

    total = args.queries or 4000
    rng = random.Random(args.seed + 1)
    varied: list[tuple[str, str, str, str]] = []  # (kind, query, expected entity id, the name varied)
    for e in rng.sample(entities, total // 2):
        source = rng.choice(e.names).value
        kind, q = vary(source, rng)
        varied.append((kind, q, e.id, source.casefold()))
    # fresh names: made from the same tables with another seed, minus exact homonyms of corpus names
    listed = {n.value.casefold() for e in entities for n in e.names}
    fresh = NameFactory(seed=args.seed + 1_000_003)
    clean: list[str] = []
    while len(clean) < total - len(varied):
        name = rng.choice(fresh.entity().names)[0]
        if name.casefold() not in listed:
            clean.append(name)
    del listed
    queries = [v[1] for v in varied] + clean
    order = list(range(len(queries)))
    rng.shuffle(order)  # interleave kinds so machine noise spreads evenly
    console.print(
        f"screening {len(queries):,} queries, and logic-v2 for {min(args.nk_queries, len(queries))} of them, "
        f"in {ROUNDS} alternating slices...",
        highlight=False,
    )
    shuffled = [queries[i] for i in order]
    timing_all, results_all, nk, pairs = time_both(screener, shuffled, _sample(shuffled, args.nk_queries))
    by_pos = {pos: (timing_all.wall[k], timing_all.cpu[k], results_all[k]) for k, pos in enumerate(order)}
    t_var, t_clean = Timing(), Timing()
    found: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    alerts = 0
    for pos in range(len(queries)):
        wall, cpu, res = by_pos[pos]
        if pos < len(varied):
            kind, _, expected, source = varied[pos]
            t_var.wall.append(wall)
            t_var.cpu.append(cpu)
            per_kind[kind] += 1
            # found: the entry, or an entry of exactly the same name (a homonym cannot be told apart)
            found[kind] += any(
                m.match
                and (m.entity.id == expected or any(n.value.casefold() == source for n in m.entity.names))
                for m in res
            )
        else:
            t_clean.wall.append(wall)
            t_clean.cpu.append(cpu)
            alerts += any(m.match for m in res)
    stats = screener.index.stats()
    emb_qps, nk_rps = timing_all.per_second(), nk.per_second()
    return {
        "mode": "synthetic",
        "entities": n,
        "schemas": dict(schemas),
        "generate_s": round(t_gen, 1),
        "index": {"names": stats.names, "tokens": stats.tokens, "keys": stats.keys},
        "build_s": round(build_wall, 2),
        "build_cpu_s": round(build_cpu, 2),
        "memory_mb": {
            "entities": round(rss_entities),
            "index": round(rss_index),
            "process_rss": round(rss_after),
            "process_peak_before_baseline": round(peak),
        },
        "embargo": timing_all.summary(),
        "slowest": slowest(timing_all, [queries[i] for i in order]),
        "embargo_varied_names": t_var.summary(),
        "embargo_fresh_names": t_clean.summary(),
        "found_varied": {k: round(found[k] / per_kind[k], 3) for k in sorted(per_kind)},
        "found_varied_all": round(sum(found.values()) / max(1, len(varied)), 3),
        "fresh_name_alerts": round(alerts / max(1, len(clean)), 3),
        "logic_v2": {**nk.summary(), "pairs": pairs, "candidates_per_request": NK_CANDIDATES},
        "ratio_vs_logic_v2": round(ratio(emb_qps, nk_rps), 1),
        "ratio_vs_logic_v2_wall": round(ratio(timing_all.per_second(False), nk.per_second(False)), 1),
        "targets": [
            _target(
                f"memory (process RSS) < {TARGET_MEMORY_MB / 1024:.0f} GB", rss_after, "<", TARGET_MEMORY_MB
            ),
            _target(
                f"p99 < {TARGET_P99_SYNTH_MS:.0f} ms (CPU)", timing_all.pct(99), "<", TARGET_P99_SYNTH_MS
            ),
        ],
    }


# --- report -----------------------------------------------------------------------------------


def _target(what: str, value: float, op: str, goal: float) -> dict[str, Any]:
    met = value >= goal if op == ">=" else value < goal
    return {"target": what, "value": round(value, 3), "met": bool(met)}


def _print_report(console: Console, r: dict[str, Any]) -> None:
    title = f"Screening speed ({r['mode']}: {r['entities']:,} entities; one core, queries in sequence)"
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column("calls", justify="right")
    for col in ("per s", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(col, justify="right")
    rows = [("embargo", r["embargo"])]
    if "embargo_varied_names" in r:
        rows += [
            ("  misspelt listed names", r["embargo_varied_names"]),
            ("  fresh names", r["embargo_fresh_names"]),
        ]
    rows.append((f"logic-v2 ({NK_CANDIDATES} candidates / request)", r["logic_v2"]))
    for label, s in rows:
        for kind in ("cpu", "wall"):
            k = s[kind]
            table.add_row(
                Text(f"{label} ({kind})"),
                f"{s['calls']:,}",
                f"{k['per_second']:,.1f}",
                f"{k['mean_ms']:.3f}",
                f"{k['p50_ms']:.3f}",
                f"{k['p95_ms']:.3f}",
                f"{k['p99_ms']:.3f}",
                f"{k['max_ms']:.3f}",
                style="dim" if kind == "wall" else None,
            )
    console.print(table)
    mem = r["memory_mb"]
    console.print(
        f"throughput vs logic-v2: {r['ratio_vs_logic_v2']:,.1f}x per core (CPU), {r['ratio_vs_logic_v2_wall']:,.1f}x "
        f"wall; index build {r['build_s']:.2f} s (CPU {r['build_cpu_s']:.2f} s); index {r['index']['names']:,} names, "
        f"{r['index']['tokens']:,} tokens, {r['index']['keys']:,} keys",
        highlight=False,
    )
    console.print(
        f"memory: entities +{mem['entities']:,} MB, index +{mem['index']:,} MB, process RSS {mem['process_rss']:,} MB "
        f"(peak before the baseline {mem['process_peak_before_baseline']:,} MB)",
        highlight=False,
    )
    console.print(
        "slowest embargo queries (CPU ms): "
        + "; ".join(f"{s['query']!r} {s['cpu_ms']:.1f}" for s in r["slowest"]),
        highlight=False,
        markup=False,
    )
    if "found_varied" in r:
        console.print(
            f"sanity: misspelt listed names found (or a homonym) {r['found_varied_all']:.3f} ("
            + ", ".join(f"{k} {v:.2f}" for k, v in r["found_varied"].items())
            + f"); fresh names alerting {r['fresh_name_alerts']:.3f} (same name tables as the corpus, so many "
            "are near-homonyms of entries: not a quality figure)",
            highlight=False,
        )
    for t in r["targets"]:
        style = "green" if t["met"] else "red"
        console.print(
            Text.assemble(("MET    " if t["met"] else "MISSED ", style), f"{t['target']}: {t['value']:,.3f}")
        )


if __name__ == "__main__":
    sys.exit(main())
