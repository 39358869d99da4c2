"""Matching quality on the OFAC variants dev set, beside nomenklatura's algorithms and a rapidfuzz baseline.

Recall of listed entries, and the rate of alerts on near-miss names of unlisted parties and on
clean names, overall and per variation type. The SDN list of 2024-05-02 is ingested into a fresh
store; every query is screened with no type given.

- embargo: ``Screener.screen`` (its own retrieval and scoring); a case is found when its expected
  entry is among the results marked as a match (``--results``, 10). "retrieval" is the share of
  cases whose expected entry is among the candidates the index retrieves, so a miss is either
  retrieval's or scoring's.
- logic-v2, logic-v1, ofac (nomenklatura), rapidfuzz: the SAME candidates per query (embargo's
  retrieved candidates, plus the expected entry when retrieval missed it, so they are never
  penalised for embargo's retrieval), scored pair by pair; same top-``--results`` rule. Their
  threshold is yente's default 0.7 (none of them defines one); rapidfuzz: best
  ``token_sort_ratio`` over the entry's names, casefolded ASCII, >= 0.90.

The round-2 dev sets (``[b-l]_*_dev.jsonl``, each against its own list version) are measured by
``quality_round2`` in the same run: ``--sets ofac``, ``--sets round2`` or ``--sets all`` (the default).

Usage: .venv/bin/python bench/quality.py [--sets all] [--limit N] [--jobs 2] [--json out.json]
[--show-failures] [--db-dir DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from _common import (
    ANCHOR_THRESHOLD,
    ANCHORS,
    DEV_SET,
    FAMILIES,
    NEGATIVE_FAMILIES,
    POSITIVE_FAMILIES,
    RAPIDFUZZ,
    RAPIDFUZZ_THRESHOLD,
    SDN_2024,
    AnchorScorer,
    Case,
    ftm_dict,
    load_cases,
    rapidfuzz_score,
    store_with,
)
from rich.console import Console
from rich.table import Table
from rich.text import Text

from embargo.match.types import Match

TARGET_RECALL = 0.98
TARGET_TYPE_RECALL = 0.90
TARGET_NEAR_MISS = 0.05
TARGET_CLEAN = 0.01
COMPETITORS = ("logic-v2", "logic-v1")  # embargo must beat these on every type


@dataclass
class Outcome:
    """One case: what embargo did, and what each anchor did on the same candidates."""

    case: Case
    expected: int | None  # entity index of the expected entry (None: negative / clean, or not in the store)
    candidates: list[int]  # embargo's retrieved candidates
    retrieved: bool
    found: bool  # expected entry among results marked as match
    alerted: bool  # any result marked as match
    results: list[Match]
    seconds: float
    anchor_found: dict[str, bool] = field(default_factory=dict)
    anchor_alerted: dict[str, bool] = field(default_factory=dict)
    anchor_best: dict[str, float] = field(default_factory=dict)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console(width=max(Console().width, 140))
    report: dict[str, Any] = {}
    met = True
    if args.sets in ("ofac", "all"):
        report["ofac_variants"] = _run_ofac(args, console)
        met = met and all(t["met"] for t in report["ofac_variants"]["targets"])
    if args.sets in ("round2", "all"):
        import quality_round2

        report["round2"] = quality_round2.run(args, console)
        met = met and all(t["met"] for t in report["round2"]["targets"])
    if args.json:
        args.json.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
        console.print(f"wrote {args.json}", highlight=False)
    return 0 if met else 1


def _run_ofac(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    anchors = _anchor_names(args.anchors)
    cases = load_cases(args.cases, args.limit)
    console.print(f"{len(cases)} cases from {args.cases}", highlight=False)

    from embargo.service.screener import Screener

    t0 = time.perf_counter()
    with store_with([args.list], args.db) as db:
        t_ingest = time.perf_counter() - t0
        t0 = time.perf_counter()
        screener = (
            Screener.from_store(db, algorithm=args.algorithm) if args.algorithm else Screener.from_store(db)
        )
        t_build = time.perf_counter() - t0
    index = screener.index
    console.print(
        f"store {t_ingest:.1f} s; screener over {len(index.entities):,} entities built in {t_build:.1f} s; "
        f"algorithm {screener.algorithm.name} (threshold {_thr(args, screener):.2f})",
        highlight=False,
    )

    outcomes, t_embargo = _run_embargo(screener, cases, args)
    timings = {"embargo": t_embargo}
    if anchors:
        timings.update(_run_anchors(screener, outcomes, anchors, args, console))

    report = _report(outcomes, anchors, args, screener, timings)
    _print_table(console, report, anchors)
    if args.show_failures:
        _print_failures(console, screener, outcomes, args.show_failures)
    return report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument(
        "--sets",
        choices=("all", "ofac", "round2"),
        default="all",
        help="the OFAC variants dev set, the round-2 dev sets, or both (default)",
    )
    p.add_argument(
        "--round2-files", nargs="*", help="round-2 dev files to read (default: every [b-l]_*_dev.jsonl)"
    )
    p.add_argument(
        "--db-dir", type=Path, help="keep the round-2 stores (one per list version) here and reuse them"
    )
    p.add_argument("--cases", type=Path, default=DEV_SET, help="JSONL cases (default: the dev set)")
    p.add_argument(
        "--list", type=Path, default=SDN_2024, help="list file to ingest (default: SDN 2024-05-02)"
    )
    p.add_argument(
        "--db", type=Path, help="reuse this store (ingested on first use) instead of a temporary one"
    )
    p.add_argument("--algorithm", help="embargo algorithm (default: embargo's default)")
    p.add_argument("--threshold", type=float, help="embargo match threshold (default: the algorithm's own)")
    p.add_argument("--anchor-threshold", type=float, default=ANCHOR_THRESHOLD, help="nomenklatura threshold")
    p.add_argument(
        "--anchors",
        default=",".join((*ANCHORS, RAPIDFUZZ)),
        help="comma-separated anchors to run, or 'none' (default: %(default)s)",
    )
    p.add_argument("--limit", type=int, help="at most N cases per variation type (a quick run)")
    p.add_argument("--results", type=int, default=10, help="results looked at per query (default 10)")
    p.add_argument("--jobs", type=int, default=2, help="processes for the nomenklatura anchors (default 2)")
    p.add_argument("--json", type=Path, help="write the table as JSON here")
    p.add_argument(
        "--show-failures",
        type=int,
        nargs="?",
        const=5,
        default=0,
        metavar="N",
        help="print up to N (default 5) failing embargo cases per variation type",
    )
    p.add_argument(
        "--misses",
        type=int,
        nargs="?",
        const=20,
        default=0,
        metavar="N",
        help="round 2: print up to N (default 20) cases per class the default algorithm gets wrong",
    )
    return p


def _anchor_names(spec: str) -> list[str]:
    if spec.strip().lower() in ("", "none"):
        return []
    names = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in (*ANCHORS, RAPIDFUZZ)]
    if unknown:
        raise SystemExit(f"unknown anchors: {', '.join(unknown)} (known: {', '.join((*ANCHORS, RAPIDFUZZ))})")
    return names


def _thr(args: argparse.Namespace, screener: Any) -> float:
    return float(args.threshold if args.threshold is not None else screener.algorithm.threshold)


# --- embargo -----------------------------------------------------------------------------


def _run_embargo(screener: Any, cases: list[Case], args: argparse.Namespace) -> tuple[list[Outcome], float]:
    from embargo.match.algorithm import PreparedQuery
    from embargo.match.types import Query

    n_candidates = screener.algorithm.candidates
    index = screener.index
    by_key = {(e.source, e.source_id): i for i, e in enumerate(index.entities)}
    outcomes: list[Outcome] = []
    missing = 0
    t_total = 0.0
    for case in cases:
        expected = by_key.get((case.expected_source, case.expected_source_id)) if case.positive else None
        if case.positive and expected is None:
            missing += 1
        pq = PreparedQuery.of(Query.of(case.query))
        algo = screener.algorithm
        candidates = (
            list(
                index.candidates(
                    pq.names,
                    limit=n_candidates,
                    joined=algo.joined_retrieval,
                    form_words=algo.form_words_vote,
                )
            )
            if pq.names
            else []
        )
        t0 = time.perf_counter()
        results = screener.screen(case.query, threshold=args.threshold, limit=args.results)
        dt = time.perf_counter() - t0
        t_total += dt
        outcomes.append(
            Outcome(
                case=case,
                expected=expected,
                candidates=candidates,
                retrieved=expected is not None and expected in candidates,
                found=expected is not None
                and any(m.match and m.entity.id == index.entities[expected].id for m in results),
                alerted=any(m.match for m in results),
                results=results,
                seconds=dt,
            )
        )
    if missing:
        print(
            f"warning: {missing} expected entries are not in the store (counted as misses)", file=sys.stderr
        )
    return outcomes, t_total


# --- anchors -------------------------------------------------------------------------------

# Set before the worker pool forks (fork start method): the FtM dicts and names of the entities.
_ENTITY_DICTS: dict[int, dict[str, Any]] = {}
_ENTITY_NAMES: dict[int, list[str]] = {}
_SCORER: AnchorScorer | None = None

WorkItem = tuple[int, str, str, list[int]]  # outcome position, case id, query, candidate entity indices
WorkResult = tuple[int, dict[str, list[tuple[int, float]]], dict[str, float]]


def _run_anchors(
    screener: Any, outcomes: list[Outcome], anchors: list[str], args: argparse.Namespace, console: Console
) -> dict[str, float]:
    global _SCORER
    index = screener.index
    items: list[WorkItem] = []
    for pos, o in enumerate(outcomes):
        cands = list(o.candidates)
        if o.expected is not None and o.expected not in cands:
            cands.append(o.expected)
        items.append((pos, o.case.id, o.case.query, cands))
    needed = {e for item in items for e in item[3]}
    _ENTITY_DICTS.clear()
    _ENTITY_NAMES.clear()
    for e in needed:
        entity = index.entities[e]
        _ENTITY_DICTS[e] = ftm_dict(entity)
        _ENTITY_NAMES[e] = [n.value for n in entity.names]
    nk = [a for a in anchors if a != RAPIDFUZZ]
    _SCORER = AnchorScorer(nk)
    pairs = sum(len(i[3]) for i in items)
    console.print(
        f"anchors {', '.join(anchors)}: {pairs:,} pairs each, {args.jobs} job(s)...", highlight=False, end=" "
    )
    chunks = [items[i : i + 40] for i in range(0, len(items), 40)]
    seconds: dict[str, float] = defaultdict(float)
    t0 = time.perf_counter()
    results: Iterable[list[WorkResult]]
    if args.jobs > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.jobs, initializer=_warm_up) as pool:
            results = list(pool.imap_unordered(_score_chunk, [(c, anchors) for c in chunks]))
    else:
        _warm_up()
        results = [_score_chunk((c, anchors)) for c in chunks]
    wall = time.perf_counter() - t0
    console.print(f"{wall:.1f} s", highlight=False)
    thr = {a: (RAPIDFUZZ_THRESHOLD if a == RAPIDFUZZ else args.anchor_threshold) for a in anchors}
    for chunk_result in results:
        for pos, scored, secs in chunk_result:
            o = outcomes[pos]
            for algo, pairs_scored in scored.items():
                ranked = sorted(pairs_scored, key=lambda es: -es[1])[: args.results]
                marked = [e for e, s in ranked if s >= thr[algo]]
                o.anchor_found[algo] = o.expected is not None and o.expected in marked
                o.anchor_alerted[algo] = bool(marked)
                o.anchor_best[algo] = ranked[0][1] if ranked else 0.0
            for algo, s in secs.items():
                seconds[algo] += s
    return dict(seconds)


def _warm_up() -> None:
    assert _SCORER is not None
    _SCORER.warm_up()


def _score_chunk(job: tuple[list[WorkItem], list[str]]) -> list[WorkResult]:
    items, anchors = job
    assert _SCORER is not None
    out: list[WorkResult] = []
    for pos, case_id, query, cands in items:
        scored: dict[str, list[tuple[int, float]]] = {}
        secs: dict[str, float] = {}
        for algo in anchors:
            t0 = time.perf_counter()
            if algo == RAPIDFUZZ:
                scored[algo] = [(e, rapidfuzz_score(query, _ENTITY_NAMES[e])) for e in cands]
            else:
                scored[algo] = [(e, _SCORER.score(algo, case_id, query, _ENTITY_DICTS[e])) for e in cands]
            secs[algo] = time.perf_counter() - t0
        out.append((pos, scored, secs))
    return out


# --- report --------------------------------------------------------------------------------


def _rate(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def _report(
    outcomes: list[Outcome],
    anchors: list[str],
    args: argparse.Namespace,
    screener: Any,
    timings: dict[str, float],
) -> dict[str, Any]:
    systems = ["embargo", *anchors]
    by_var: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_var[(o.case.family, o.case.variation)].append(o)

    def row(label: str, family: str, group: list[Outcome], positive: bool) -> dict[str, Any]:
        r: dict[str, Any] = {"family": family, "variation": label, "n": len(group)}
        r["metric"] = "recall" if positive else "alert_rate"
        r["embargo"] = _rate([o.found if positive else o.alerted for o in group])
        r["retrieval"] = _rate([o.retrieved for o in group]) if positive else None
        for a in anchors:
            r[a] = _rate([(o.anchor_found if positive else o.anchor_alerted).get(a, False) for o in group])
        return r

    rows: list[dict[str, Any]] = []
    for family in FAMILIES:
        for fam, var in sorted(k for k in by_var if k[0] == family):
            r = row(var, fam, by_var[(fam, var)], fam in POSITIVE_FAMILIES)
            if fam in POSITIVE_FAMILIES:
                r["target"] = f">= {TARGET_TYPE_RECALL:.2f}, > logic-v2 and logic-v1"
                r["met"] = _type_met(r, anchors)
                if not r["met"]:
                    r["missed_because"] = _miss_reason(r, anchors)
            rows.append(r)
    positives = [o for o in outcomes if o.case.family in POSITIVE_FAMILIES]
    near = [o for o in outcomes if o.case.family == "negative"]
    clean = [o for o in outcomes if o.case.family == "clean"]
    summary = [
        row("recall (all listed-name cases)", "overall", positives, True),
        row("near-miss alerts (negative)", "overall", near, False),
        row("clean-name alerts", "overall", clean, False),
    ]
    false_alerts = row("false alerts (negative + clean)", "overall", near + clean, False)
    summary.append(false_alerts)

    targets: list[dict[str, Any]] = []

    def target(what: str, value: float | None, ok: bool) -> None:
        targets.append({"target": what, "value": value, "met": bool(ok)})

    rec, nm, cl = (summary[0]["embargo"], summary[1]["embargo"], summary[2]["embargo"])
    target(f"recall >= {TARGET_RECALL}", rec, rec is not None and rec >= TARGET_RECALL)
    type_rows = [r for r in rows if r["metric"] == "recall"]
    worst = min((r["embargo"] for r in type_rows if r["embargo"] is not None), default=None)
    target(
        f"every variation type >= {TARGET_TYPE_RECALL}",
        worst,
        worst is not None and worst >= TARGET_TYPE_RECALL,
    )
    target(f"near-miss alerts <= {TARGET_NEAR_MISS:.0%}", nm, nm is not None and nm <= TARGET_NEAR_MISS)
    target(f"clean-name alerts <= {TARGET_CLEAN:.0%}", cl, cl is not None and cl <= TARGET_CLEAN)
    competitors = [c for c in COMPETITORS if c in anchors]
    if competitors:
        beaten = sum(1 for r in type_rows if _beats(r, competitors))
        target(
            f"higher recall than {' and '.join(competitors)} on every type",
            beaten / len(type_rows) if type_rows else None,
            beaten == len(type_rows),
        )
        fa = false_alerts["embargo"]
        target(
            f"fewer false alerts than {' and '.join(competitors)}",
            fa,
            fa is not None and all(fa < (false_alerts[c] or 0.0) for c in competitors),
        )

    positive_fail = [o for o in positives if not o.found]
    return {
        "cases": len(outcomes),
        "embargo_algorithm": screener.algorithm.name,
        "embargo_threshold": _thr(args, screener),
        "anchor_threshold": {
            a: (RAPIDFUZZ_THRESHOLD if a == RAPIDFUZZ else args.anchor_threshold) for a in anchors
        },
        "anchor_query_schema": "LegalEntity (the candidate's schema for Vessel / Airplane candidates)",
        "results_per_query": args.results,
        "systems": systems,
        "rows": rows,
        "summary": summary,
        "targets": targets,
        "misses": {
            "retrieval": sum(1 for o in positive_fail if not o.retrieved),
            "scoring": sum(1 for o in positive_fail if o.retrieved),
        },
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "embargo_ms_per_query": round(1000 * timings["embargo"] / max(1, len(outcomes)), 3),
    }


def _beats(r: dict[str, Any], competitors: list[str]) -> bool:
    """Higher recall than every competitor (a tie at 1.00 counts: nothing can be higher)."""
    mine = r["embargo"]
    if mine is None:
        return False
    others = [r.get(c) or 0.0 for c in competitors]
    return all(mine > o or mine == o == 1.0 for o in others)


def _type_met(r: dict[str, Any], anchors: list[str]) -> bool:
    mine = r["embargo"]
    competitors = [c for c in COMPETITORS if c in anchors]
    return mine is not None and mine >= TARGET_TYPE_RECALL and (not competitors or _beats(r, competitors))


def _miss_reason(r: dict[str, Any], anchors: list[str]) -> str:
    mine = r["embargo"] or 0.0
    why = [f"< {TARGET_TYPE_RECALL:.2f}"] if mine < TARGET_TYPE_RECALL else []
    for c in COMPETITORS:
        if c in anchors and not _beats(r, [c]):
            why.append(f"not above {c}")
    return ", ".join(why)


def _fmt(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def _print_table(console: Console, report: dict[str, Any], anchors: list[str]) -> None:
    table = Table(
        title=(
            f"Matching quality: recall (listed names) / alert rate (negative, clean); embargo "
            f"{report['embargo_algorithm']} at {report['embargo_threshold']:.2f}, nomenklatura at "
            f"{ANCHOR_THRESHOLD if not anchors else next(iter(report['anchor_threshold'].values())):.2f}, "
            f"rapidfuzz >= {RAPIDFUZZ_THRESHOLD:.2f}; top {report['results_per_query']} results"
        ),
        title_justify="left",
    )
    table.add_column("variation", min_width=32, no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("embargo", justify="right")
    table.add_column("retrieval", justify="right")
    for a in anchors:
        table.add_column(a, justify="right")
    table.add_column("target")
    family = None
    for r in report["rows"]:
        if r["family"] != family:
            family = r["family"]
            kind = "recall" if family in POSITIVE_FAMILIES else "alert rate"
            table.add_row(Text(f"{family} ({kind})", style="bold"), *[""] * (len(anchors) + 4))
        mark = ""
        style = ""
        if "met" in r:
            mark, style = ("met", "green") if r["met"] else (f"missed: {r['missed_because']}", "red")
        elif r["family"] in NEGATIVE_FAMILIES and (r["embargo"] or 0.0) > 0:
            style = "yellow"
        table.add_row(
            "  " + r["variation"],
            str(r["n"]),
            Text(_fmt(r["embargo"]), style=style),
            _fmt(r["retrieval"]),
            *[_fmt(r.get(a)) for a in anchors],
            Text(mark, style=style),
        )
    table.add_section()
    goals = {
        "recall (all listed-name cases)": (f">= {TARGET_RECALL:.2f}", lambda v: v >= TARGET_RECALL),
        "near-miss alerts (negative)": (f"<= {TARGET_NEAR_MISS:.2f}", lambda v: v <= TARGET_NEAR_MISS),
        "clean-name alerts": (f"<= {TARGET_CLEAN:.2f}", lambda v: v <= TARGET_CLEAN),
    }
    for r in report["summary"]:
        goal = goals.get(r["variation"])
        v = r["embargo"]
        if goal is not None and v is not None:
            ok = goal[1](v)
            style, mark = ("green", f"{goal[0]} met") if ok else ("red", f"{goal[0]} missed")
        else:
            style, mark = "", ""
        table.add_row(
            Text(r["variation"], style="bold"),
            str(r["n"]),
            Text(_fmt(v, 3), style=style),
            _fmt(r["retrieval"], 3),
            *[_fmt(r.get(a), 3) for a in anchors],
            Text(mark, style=style),
        )
    console.print(table)
    for t in report["targets"]:
        style = "green" if t["met"] else "red"
        console.print(
            Text.assemble(
                ("MET    " if t["met"] else "MISSED ", style), f"{t['target']}: {_fmt(t['value'], 3)}"
            )
        )
    m = report["misses"]
    secs = report["seconds"]
    console.print(
        f"embargo misses on listed names: {m['retrieval']} not retrieved, {m['scoring']} retrieved but not "
        f"matched; embargo {report['embargo_ms_per_query']:.2f} ms/query; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in secs.items()),
        highlight=False,
    )


def _explain(m: Match) -> str:
    return "; ".join(
        f"{c.feature} {c.weight:+.2f} [{c.query_value} ~ {c.list_value}] {c.detail}".rstrip()
        for c in m.explanation
    )


def _print_failures(console: Console, screener: Any, outcomes: list[Outcome], per_type: int) -> None:
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        positive = o.case.family in POSITIVE_FAMILIES
        failed = (not o.found) if positive else o.alerted
        if failed:
            groups[(o.case.family, o.case.variation)].append(o)
    if not groups:
        console.print("no failures")
        return
    console.rule(f"embargo failures (up to {per_type} per variation type)")
    for family in FAMILIES:
        for key in sorted(k for k in groups if k[0] == family):
            fails = groups[key]
            console.print(Text(f"{key[0]} / {key[1]}: {len(fails)} failing", style="bold"))
            for o in fails[:per_type]:
                _print_failure(console, screener, o)


def _say(console: Console, text: str) -> None:
    console.print(text, highlight=False, markup=False)


def _print_failure(console: Console, screener: Any, o: Outcome) -> None:
    c = o.case
    best = o.results[0] if o.results else None
    if not c.positive:
        assert best is not None
        _say(
            console,
            f"  {c.query!r}  ALERTS on {best.entity.caption!r} ({best.entity.source_id}) {best.score:.3f}",
        )
        _say(console, f"      {_explain(best)}")
        return
    if o.expected is None:
        _say(console, f"  {c.query!r}  ->  {c.expected_source_id}: NOT IN THE STORE")
        return
    entity = screener.index.entities[o.expected]
    head = f"  {c.query!r}  ->  {entity.caption!r} ({c.expected_source_id})"
    exp: Match | None = None
    if not o.retrieved:
        why = f"NOT RETRIEVED (not among the top {len(o.candidates)} candidates)"
    else:
        # every candidate, whatever its score, to show how far the expected entry fell short
        everything = screener.screen(c.query, threshold=0.0, limit=max(len(o.candidates), 1))
        ranked = [m.entity.id for m in everything]
        exp = next((m for m in everything if m.entity.id == entity.id), None)
        if exp is None:
            why = "retrieved, but not scored (schema filter?)"
        else:
            why = f"retrieved, score {exp.score:.3f}, rank {ranked.index(entity.id) + 1}"
    _say(console, f"{head}: {why}")
    if exp is not None:
        _say(console, f"      expected: {_explain(exp)}")
    if best is not None and best.entity.id != entity.id:
        _say(
            console,
            f"      best: {best.entity.caption!r} ({best.entity.source_id}) {best.score:.3f}: {_explain(best)}",
        )


if __name__ == "__main__":
    sys.exit(main())
