"""Matching quality on the round-2 dev sets (../shared/bench/[b-l]_*_dev.jsonl), beside nomenklatura.

Each case is screened against its own list version (a store per version, built once). Every embargo
algorithm screens every case; nomenklatura's logic-v2 and logic-v1 score the same candidates (embargo's
retrieved candidates plus the expected and the must-not-alert entries, so they are never penalised for
embargo's retrieval) with the query's birth date, nationality and IMO, at yente's 0.7 cutoff.

Per (file, variation) and per script:
- positives: recall (an expected entry among the results marked a match), top-1, retrieval (an expected
  entry among the top 10 results, whatever their score);
- homonyms: recall, and false alerts (a must-not-alert entry marked a match);
- negatives: the share of cases with any result marked a match;
- clean customers: alerts per 1,000 as written and with the name alone.

Run through ``bench/quality.py`` (``--sets round2`` or the default ``all``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import ANCHOR_THRESHOLD, AnchorScorer, ftm_dict
from _round2 import Case2, Ref, embargo_query, ftm_query, load_round2, round2_files, store_for
from rich.console import Console
from rich.table import Table
from rich.text import Text

TARGET_RECALL = 0.98
TARGET_CLASS_RECALL = 0.90
TARGET_NEAR_MISS = 0.03
TARGET_CLEAN_DOB = 0.003
TARGET_CLEAN_NAME = 0.01
TARGET_HOMONYM = 0.05
ANCHORS2 = ("logic-v2", "logic-v1")
TOP = 10


@dataclass
class Verdict:
    """What one system did with one case."""

    found: bool = False  # an expected entry marked a match
    top1: bool = False  # the best result is expected and marked
    top10: bool = False  # an expected entry among the top results
    alerted: bool = False  # any result marked
    homonym_alert: bool = False  # a must-not-alert entry marked
    alerted_name_only: bool | None = None  # clean rows screened by name alone


@dataclass
class Outcome2:
    case: Case2
    expected: set[int]
    must_not: set[int]
    candidates: list[int]
    verdicts: dict[str, Verdict] = field(default_factory=dict)


def run(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    """Screen every round-2 case with every embargo algorithm and the anchors; print and return the report."""
    from embargo.match.algorithm import ALGORITHMS

    files = [Path(f) for f in args.round2_files] if args.round2_files else round2_files()
    cases = load_round2(files, args.limit)
    console.print(f"round 2: {len(cases)} cases from {len(files)} files", highlight=False)
    by_version: dict[str, list[Case2]] = defaultdict(list)
    for c in cases:
        by_version[c.list_version].append(c)
    algorithms = [a for a in ALGORITHMS]
    anchors = [a for a in ANCHORS2 if a in args.anchors.split(",")]
    outcomes: list[Outcome2] = []
    default = ""
    seconds: dict[str, float] = defaultdict(float)
    for version, group in sorted(by_version.items()):
        t0 = time.perf_counter()
        with store_for(version, args.db_dir) as db:
            from embargo.service.screener import Screener

            screener = (
                Screener.from_store(db, algorithm=args.algorithm)
                if args.algorithm
                else Screener.from_store(db)
            )
        default = screener.algorithm.name
        console.print(
            f"  {version}: {len(screener.index.entities):,} entities ({time.perf_counter() - t0:.1f} s), "
            f"{len(group)} cases",
            highlight=False,
        )
        part = _screen(screener, group, algorithms, seconds)
        if getattr(args, "misses", 0):
            _print_misses(console, screener, part, default, args.misses)
        if anchors:
            _run_anchors(screener, part, anchors, args.jobs, seconds)
        outcomes.extend(part)
    report = _report(outcomes, [default, *[a for a in algorithms if a != default]], anchors, default)
    report["seconds"] = {k: round(v, 1) for k, v in seconds.items()}
    _print(console, report)
    return report


# --- embargo ---------------------------------------------------------------------------------


def _resolver(screener: Any) -> Any:
    ents = screener.index.entities
    by_key = {(e.source, e.source_id): i for i, e in enumerate(ents)}
    by_id = {e.id: i for i, e in enumerate(ents)}
    by_caption = {(e.source, e.caption.casefold()): i for i, e in enumerate(ents)}

    def resolve(refs: Iterable[Ref]) -> set[int]:
        out: set[int] = set()
        for r in refs:
            i = by_key.get((r.source, r.source_id)) if r.source_id else None
            if i is None and r.entity_id:
                i = by_id.get(r.entity_id)
            if i is None and r.caption:
                i = by_caption.get((r.source, r.caption.casefold()))
            if i is not None:
                out.add(i)
        return out

    return resolve


def _verdict(ranked: list[tuple[int, float]], threshold: float, o: Outcome2) -> Verdict:
    marked = {e for e, s in ranked if s >= threshold}
    return Verdict(
        found=bool(o.expected & marked),
        top1=bool(ranked) and ranked[0][0] in o.expected and ranked[0][0] in marked,
        top10=any(e in o.expected for e, _ in ranked),
        alerted=bool(marked),
        homonym_alert=bool(o.must_not & marked),
    )


def _screen(
    screener: Any, cases: list[Case2], algorithms: list[str], seconds: dict[str, float]
) -> list[Outcome2]:
    from embargo.match.algorithm import ALGORITHMS, PreparedQuery

    idx = screener.index
    pos = {e.id: i for i, e in enumerate(idx.entities)}
    resolve = _resolver(screener)
    algo = screener.algorithm
    out: list[Outcome2] = []
    for case in cases:
        q = embargo_query(case.query)
        pq = PreparedQuery.of(q)
        cands = (
            list(
                idx.candidates(
                    pq.names,
                    limit=algo.candidates,
                    joined=algo.joined_retrieval,
                    form_words=algo.form_words_vote,
                )
            )
            if pq.names
            else []
        )
        o = Outcome2(case, resolve(case.expected), resolve(case.must_not_alert), cands)
        for name in algorithms:
            thr = ALGORITHMS[name].threshold
            t0 = time.perf_counter()
            res = screener.screen(q, threshold=0.0, limit=TOP, algorithm=name)
            v = _verdict([(pos[m.entity.id], m.score) for m in res], thr, o)
            if case.also_name_only:
                res = screener.screen(
                    embargo_query(case.query, True), threshold=0.0, limit=TOP, algorithm=name
                )
                v.alerted_name_only = any(m.score >= thr for m in res)
            seconds[name] += time.perf_counter() - t0
            o.verdicts[name] = v
        out.append(o)
    return out


def _wrong(o: Outcome2, system: str) -> bool:
    """Whether ``system`` got the case wrong: a positive not found, a homonym or other alert."""
    v = o.verdicts[system]
    kind = o.case.kind
    if kind == "positive":
        return not v.found
    if kind == "homonym":
        return not v.found or v.homonym_alert
    if kind in ("negative", "clean"):
        return v.alerted or bool(v.alerted_name_only)
    return False


def _print_misses(console: Console, screener: Any, outcomes: list[Outcome2], system: str, n: int) -> None:
    """Up to ``n`` cases per class that ``system`` gets wrong, with the expected entry's score and the best
    result, to see what kind of variation fails."""
    groups: dict[str, list[Outcome2]] = defaultdict(list)
    for o in outcomes:
        if _wrong(o, system):
            label = f"{o.case.file} / {o.case.variation}"
            groups[label + (f" ({o.case.script})" if o.case.script else "")].append(o)
    ents = screener.index.entities
    for label, wrong in sorted(groups.items()):
        console.rule(f"{system} wrong: {label}: {len(wrong)}")
        for o in wrong[:n]:
            q = embargo_query(o.case.query)
            res = screener.screen(q, threshold=0.0, limit=50, algorithm=system)
            exp = next((m for m in res if m.entity.id in {ents[i].id for i in o.expected}), None)
            best = res[0] if res else None
            names = " | ".join(q.names)
            if exp is not None:
                got = f"expected {exp.entity.caption!r} {exp.score:.3f}"
            elif o.expected:
                got = f"expected {ents[min(o.expected)].caption!r} not retrieved"
            else:
                got = "no entry expected"
            top = f"best {best.entity.caption!r} {best.score:.3f}" if best else "no result"
            console.print(f"  {o.case.id} {names!r}: {got}; {top}", highlight=False, markup=False)


# --- anchors (forked workers read these) ------------------------------------------------------

_DICTS: dict[int, dict[str, Any]] = {}
_SCORER: AnchorScorer | None = None
Item = tuple[int, str, dict[str, Any], bool, list[int]]  # position, case id, query, name only too, candidates


def _run_anchors(
    screener: Any, outcomes: list[Outcome2], anchors: list[str], jobs: int, seconds: dict[str, float]
) -> None:
    global _SCORER
    items: list[Item] = []
    for i, o in enumerate(outcomes):
        cands = list(dict.fromkeys([*o.candidates, *sorted(o.expected), *sorted(o.must_not)]))
        items.append((i, o.case.id, o.case.query, o.case.also_name_only, cands))
    _DICTS.clear()
    for e in {e for it in items for e in it[4]}:
        _DICTS[e] = ftm_dict(screener.index.entities[e])
    _SCORER = AnchorScorer(anchors)
    chunks = [(items[i : i + 40], anchors) for i in range(0, len(items), 40)]
    t0 = time.perf_counter()
    results: list[list[tuple[int, dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]]]]]
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_SCORER.warm_up) as pool:
            results = list(pool.imap_unordered(_score_chunk, chunks))
    else:
        _SCORER.warm_up()
        results = [_score_chunk(c) for c in chunks]
    wall = time.perf_counter() - t0
    for a in anchors:
        seconds[a] += wall / len(anchors)
    for chunk in results:
        for i, scored in chunk:
            o = outcomes[i]
            for a, (full, name_only) in scored.items():
                v = _verdict(sorted(full, key=lambda es: -es[1])[:TOP], ANCHOR_THRESHOLD, o)
                if o.case.also_name_only:
                    v.alerted_name_only = any(s >= ANCHOR_THRESHOLD for _, s in name_only)
                o.verdicts[a] = v


def _score_chunk(
    job: tuple[list[Item], list[str]],
) -> list[tuple[int, dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]]]]:
    from followthemoney import model

    items, anchors = job
    assert _SCORER is not None
    out = []
    for i, case_id, query, name_only, cands in items:
        scored: dict[str, tuple[list[tuple[int, float]], list[tuple[int, float]]]] = {}
        for a in anchors:
            full: list[tuple[int, float]] = []
            bare: list[tuple[int, float]] = []
            for e in cands:
                cand = _SCORER.candidate(_DICTS[e])
                for only, into in ((False, full), (True, bare)) if name_only else ((False, full),):
                    data = ftm_query(query, cand.schema.name, only)
                    proxy = model.make_entity(data["schema"])
                    proxy.id = f"q-{case_id}-{int(only)}"  # nomenklatura caches by id
                    for prop, values in data["properties"].items():
                        for value in values:
                            proxy.add(prop, value, quiet=True)
                    res = _SCORER.algorithms[a].compare(proxy, cand, _SCORER.configs[a])
                    into.append((e, float(res.score)))
            scored[a] = (full, bare)
        out.append((i, scored))
    return out


# --- report ----------------------------------------------------------------------------------


def _rate(xs: list[bool]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _row(label: str, group: list[Outcome2], kind: str, systems: list[str]) -> dict[str, Any]:
    r: dict[str, Any] = {"class": label, "kind": kind, "n": len(group)}
    for s in systems:
        vs = [o.verdicts[s] for o in group if s in o.verdicts]
        if not vs:
            continue
        if kind in ("positive", "homonym"):
            r[s] = _rate([v.found for v in vs])
            r[s + ":top1"] = _rate([v.top1 for v in vs])
            r[s + ":retrieval"] = _rate([v.top10 for v in vs])
            if kind == "homonym":
                r[s + ":false"] = _rate([v.homonym_alert for v in vs])
        elif kind == "clean":
            r[s] = _rate([v.alerted for v in vs])
            r[s + ":name_only"] = _rate(
                [bool(v.alerted_name_only) for v in vs if v.alerted_name_only is not None]
            )
        else:
            r[s] = _rate([v.alerted for v in vs])
    return r


def _report(
    outcomes: list[Outcome2], algorithms: list[str], anchors: list[str], default: str
) -> dict[str, Any]:
    systems = [*algorithms, *anchors]
    groups: dict[tuple[str, str, str], list[Outcome2]] = defaultdict(list)
    for o in outcomes:
        k = o.case.kind
        if k == "info":
            continue
        groups[(k, o.case.file, o.case.variation)].append(o)
        if o.case.script and k in ("positive", "clean"):
            groups[(k, o.case.file, "script:" + o.case.script)].append(o)
    rows = [_row(f"{f} / {v}", g, k, systems) for (k, f, v), g in sorted(groups.items())]
    scored = [o for o in outcomes if o.case.kind != "info"]
    pos = [o for o in scored if o.case.kind in ("positive", "homonym")]
    summary = [
        _row("recall (all positives)", pos, "positive", systems),
        _row(
            "recall (non-exact positives)", [o for o in pos if o.case.family != "exact"], "positive", systems
        ),
        _row(
            "near-miss alerts (negatives)",
            [o for o in scored if o.case.kind == "negative"],
            "negative",
            systems,
        ),
        _row("clean alerts", [o for o in scored if o.case.kind == "clean"], "clean", systems),
        _row("homonyms", [o for o in scored if o.case.kind == "homonym"], "homonym", systems),
    ]
    targets: list[dict[str, Any]] = []

    def target(what: str, value: float | None, ok: bool) -> None:
        targets.append({"target": what, "value": value, "met": bool(ok)})

    d = default
    rec = summary[0].get(d)
    target(f"recall >= {TARGET_RECALL}", rec, rec is not None and rec >= TARGET_RECALL)
    classes = [r for r in rows if r["kind"] in ("positive", "homonym")]
    worst = min((r[d] for r in classes if r.get(d) is not None), default=None)
    target(f"every class >= {TARGET_CLASS_RECALL}", worst, worst is not None and worst >= TARGET_CLASS_RECALL)
    if "logic-v2" in anchors:
        behind = [r["class"] for r in classes if (r.get(d) or 0.0) < (r.get("logic-v2") or 0.0)]
        target(f"recall >= logic-v2 on every class ({len(behind)} behind)", len(behind), not behind)
    nm = summary[2].get(d)
    target(f"near-miss alerts <= {TARGET_NEAR_MISS:.0%}", nm, nm is not None and nm <= TARGET_NEAR_MISS)
    cl, cln = summary[3].get(d), summary[3].get(d + ":name_only")
    target(
        f"clean alerts <= {TARGET_CLEAN_DOB:.1%} (birth date)", cl, cl is not None and cl <= TARGET_CLEAN_DOB
    )
    target(
        f"clean alerts <= {TARGET_CLEAN_NAME:.0%} (name only)",
        cln,
        cln is not None and cln <= TARGET_CLEAN_NAME,
    )
    hf = summary[4].get(d + ":false")
    target(f"homonym false alerts <= {TARGET_HOMONYM:.0%}", hf, hf is not None and hf <= TARGET_HOMONYM)
    return {"default": default, "systems": systems, "rows": rows, "summary": summary, "targets": targets}


def _fmt(v: Any, digits: int = 2) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def _print(console: Console, report: dict[str, Any]) -> None:
    systems: list[str] = report["systems"]
    d = report["default"]
    table = Table(
        title=(
            f"Round 2: recall (positives, homonyms) / alert rate (negatives, clean) per class; {d} is the "
            f"default; retrieval = an expected entry in its top {TOP}; last column: homonym false alerts "
            "or clean alerts by name only (default / logic-v2)"
        ),
        title_justify="left",
    )
    embargo = [s for s in systems if s.startswith("embargo") and s != d]
    retr_others = "retr. " + " / ".join(s.removeprefix("embargo-") for s in embargo)
    for col in ("class", "n", f"{d} top1", f"{d} retr.", retr_others, *systems, "default / logic-v2"):
        table.add_column(col, justify="left" if col == "class" else "right", no_wrap=col == "class")
    kind = None
    for r in [*report["rows"], None, *report["summary"]]:
        if r is None:
            table.add_section()
            continue
        if r["kind"] != kind and r in report["rows"]:
            kind = r["kind"]
            table.add_row(Text(kind, style="bold"), *[""] * (len(systems) + 5))
        extra = ""
        if r["kind"] == "homonym":
            extra = f"{_fmt(r.get(d + ':false'))} / {_fmt(r.get('logic-v2:false'))}"
        elif r["kind"] == "clean":
            extra = f"{_fmt(r.get(d + ':name_only'), 3)} / {_fmt(r.get('logic-v2:name_only'), 3)} name only"
        best_other = (
            (max((r.get(s) or 0.0) for s in systems if s.startswith("logic")) if len(systems) > 1 else 0)
            if any(s.startswith("logic") for s in systems)
            else 0.0
        )
        mine = r.get(d)
        style = ""
        if r["kind"] in ("positive", "homonym") and mine is not None:
            style = "green" if mine >= TARGET_CLASS_RECALL and mine >= best_other else "red"
        table.add_row(
            "  " + r["class"] if r in report["rows"] else Text(r["class"], style="bold"),
            str(r["n"]),
            _fmt(r.get(d + ":top1")),
            _fmt(r.get(d + ":retrieval")),
            " / ".join(_fmt(r.get(s + ":retrieval")) for s in embargo) if r.get(d + ":retrieval") else "",
            *[Text(_fmt(r.get(s), 3), style=style if s == d else "") for s in systems],
            extra,
        )
    console.print(table)
    for t in report["targets"]:
        console.print(
            Text.assemble(
                ("MET    " if t["met"] else "MISSED ", "green" if t["met"] else "red"),
                f"{t['target']}: {_fmt(t['value'], 3)}",
            )
        )
    console.print("seconds: " + ", ".join(f"{k} {v}" for k, v in report["seconds"].items()), highlight=False)
