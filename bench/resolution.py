"""Cross-list resolution over every list: groups by evidence, parties of several authorities, and the
precision of merges checked by a different evidence than the one that made them.

The store (``--db``, default ``data/bench/all.db``) is built from every file under ``../shared/data/lists``
when it does not exist yet (about 2.5 minutes on 2 cores). Resolution runs over the versions in force.

Checks (each merge is a pair of entities joined by one key):

* a merge by a key that is not a name (OFAC id, DPL name, UN reference, identifier) is checked by the
  names and dates of birth: the screening matcher scores the two entities' names (every name, a.k.a.s
  included) at ``--name-check`` or more, and their dates of birth do not disagree;
* a merge by a name (full name and date of birth; full name alone) is checked by the other facts: a
  shared strong key that is not a name, a shared nationality or country (the regime's country included),
  a shared date of birth for a merge by name alone, or a shared place of birth confirm it; disjoint
  nationalities, different dates of birth or genders contradict it. A merge with neither is
  *unverifiable* and counted apart (not in the precision): countries of address, birth or regime that
  differ do not contradict (a Russian born in Ukraine, a Kenyan active in Somalia).

Usage: .venv/bin/python bench/resolution.py [--db PATH] [--sample 400] [--per-kind 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from _common import LISTS, ROOT

from embargo.model import NAME_KINDS as NAME_KINDS_ALL
from embargo.model import Entity
from embargo.resolve import Evidence, Resolution, resolve
from embargo.resolve.groups import disagreement
from embargo.resolve.keys import NAME_KINDS, strong_keys
from embargo.resolve.weak import NameScorer, countries
from embargo.service import Service

STRONG_TARGET = 0.99


@dataclass(frozen=True)
class Check:
    evidence: Evidence
    left: Entity
    right: Entity
    verdict: str  # "pass" | "fail" | "unverifiable"
    why: str


def merges(resolution: Resolution) -> list[tuple[Evidence, str, str]]:
    """Every pair a strong evidence joined: (evidence, first member, other member)."""
    out: list[tuple[Evidence, str, str]] = []
    for party in resolution.parties:
        for ev in party.evidence:
            if ev.tier != "strong":
                continue
            first = ev.members[0]
            out.extend((ev, first, other) for other in ev.members[1:] if other in party.members)
    return out


class Checker:
    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.scorer = NameScorer(kinds=frozenset(NAME_KINDS_ALL))  # a former name confirms a merge too

    def check(self, ev: Evidence, a: Entity, b: Entity) -> Check:
        if ev.kind in NAME_KINDS:
            return self._by_facts(ev, a, b)
        return self._by_names(ev, a, b)

    def _by_names(self, ev: Evidence, a: Entity, b: Entity) -> Check:
        value, detail = max(self.scorer(a, b), self.scorer(b, a))
        why = disagreement(a, b, "name_birth_date")
        if why:
            return Check(ev, a, b, "fail", why)
        if value < self.threshold:
            return Check(ev, a, b, "fail", f"names disagree: {detail}")
        return Check(ev, a, b, "pass", detail)

    def _by_facts(self, ev: Evidence, a: Entity, b: Entity) -> Check:
        why = disagreement(a, b, "full_name")
        if why:
            return Check(ev, a, b, "fail", why)
        confirms = []
        keys = {k for k in strong_keys(a) if k[0] not in NAME_KINDS} & set(strong_keys(b))
        if keys:
            confirms.append("shared " + ", ".join(f"{k} {v}" for k, v in sorted(keys)))
        shared = countries(a) & countries(b)
        if shared:
            confirms.append("country " + ", ".join(sorted(shared)))
        if ev.kind == "full_name" and set(a.birth_dates) & set(b.birth_dates):
            confirms.append("born " + ", ".join(sorted(set(a.birth_dates) & set(b.birth_dates))))
        places = {p.lower() for p in a.birth_places} & {p.lower() for p in b.birth_places}
        if places:
            confirms.append("born in " + ", ".join(sorted(places)))
        if confirms:
            return Check(ev, a, b, "pass", "; ".join(confirms))
        ca, cb = countries(a), countries(b)
        return Check(ev, a, b, "unverifiable", f"no fact confirms it (countries {sorted(ca)} / {sorted(cb)})")


def authorities(entity: Entity) -> set[str]:
    return {s.authority for s in entity.sanctions}


def precision(checks: list[Check]) -> tuple[float, int, int, int]:
    c = Counter(x.verdict for x in checks)
    decided = c["pass"] + c["fail"]
    return (c["pass"] / decided if decided else 1.0), c["pass"], c["fail"], c["unverifiable"]


def build_store(db: Path) -> None:
    print(f"building {db} from {LISTS} ...", flush=True)
    svc = Service.open(db)
    try:
        svc.ingest([LISTS])
    finally:
        svc.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "bench" / "all.db")
    ap.add_argument("--sample", type=int, default=400, help="random merges checked (all kinds)")
    ap.add_argument("--per-kind", type=int, default=60, help="random merges checked per kind of evidence")
    ap.add_argument("--name-check", type=float, default=0.7, help="name score that confirms a merge")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not args.db.exists():
        build_store(args.db)
    svc = Service.open(args.db)
    try:
        versions = svc.current_versions()
        entities = list(svc.entities())
    finally:
        svc.close()
    print(f"lists in force: {', '.join(f'{v.source} {v.label}' for v in versions)}")
    print(f"entities: {len(entities)}")
    t0 = time.perf_counter()
    res = resolve(entities)
    print(f"resolution: {time.perf_counter() - t0:.1f} s (strong groups, judgements, weak proposals)")
    report_groups(res)
    rng = random.Random(args.seed)
    pool = merges(res)
    checker = Checker(args.name_check)
    sample = rng.sample(pool, min(args.sample, len(pool)))
    checks = [checker.check(ev, res.entities[a], res.entities[b]) for ev, a, b in sample]
    p, ok, bad, unv = precision(checks)
    print(
        f"\nstrong merges: {len(pool)}; random sample {len(sample)}: precision {p:.4f} "
        f"({ok} pass, {bad} fail, {unv} unverifiable); target >= {STRONG_TARGET}"
    )
    by_kind: dict[str, list[tuple[Evidence, str, str]]] = {}
    for m in pool:
        by_kind.setdefault(m[0].kind, []).append(m)
    print(f"\nper kind (up to {args.per_kind} random merges each):")
    print(
        f"  {'kind':<16} {'merges':>7} {'checked':>7} {'pass':>5} {'fail':>5} {'unver.':>6} {'precision':>9}"
    )
    kind_checks: list[Check] = []
    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])):
        picked = rng.sample(by_kind[kind], min(args.per_kind, len(by_kind[kind])))
        cs = [checker.check(ev, res.entities[a], res.entities[b]) for ev, a, b in picked]
        kind_checks.extend(cs)
        kp, kok, kbad, kunv = precision(cs)
        print(f"  {kind:<16} {len(by_kind[kind]):>7} {len(cs):>7} {kok:>5} {kbad:>5} {kunv:>6} {kp:>9.4f}")
    kp, kok, kbad, kunv = precision(kind_checks)
    print(f"  {'all kinds':<16} {len(pool):>7} {len(kind_checks):>7} {kok:>5} {kbad:>5} {kunv:>6} {kp:>9.4f}")
    failed = [c for c in checks + kind_checks if c.verdict == "fail"]
    seen = set()
    print(f"\nfailed checks ({len({(c.left.id, c.right.id) for c in failed})}):")
    for c in failed:
        if (c.left.id, c.right.id) in seen:
            continue
        seen.add((c.left.id, c.right.id))
        print(
            f"  [{c.evidence.kind} {c.evidence.key}] {c.left.id} {c.left.caption!r} ~ "
            f"{c.right.id} {c.right.caption!r}: {c.why}"
        )
    return 0 if p >= STRONG_TARGET else 1


def report_groups(res: Resolution) -> None:
    tiers = Counter(p.tier for p in res.parties)
    members = sum(len(p.members) for p in res.parties)
    print(f"\nparties of 2+ entries: {len(res.parties)} ({dict(tiers)}), {members} entries in them")
    kinds = Counter(k for p in res.parties for k in {e.kind for e in p.evidence})
    print("groups by the evidence that joined them (a group may have several):")
    for kind, n in kinds.most_common():
        print(f"  {kind:<16} {n:>6}")
    only = Counter(
        next(iter({e.kind for e in p.evidence}))
        for p in res.parties
        if len({e.kind for e in p.evidence}) == 1
    )
    print("groups joined by one kind of evidence only:", dict(only.most_common()))
    auth = Counter(len(set().union(*(authorities(res.entities[m]) for m in p.members))) for p in res.parties)
    several = sum(n for k, n in auth.items() if k >= 2)
    print(
        f"parties listed by two or more authorities: {several} (by number of authorities: {dict(sorted(auth.items()))})"
    )
    srcs = Counter(len({res.entities[m].source for m in p.members}) for p in res.parties)
    print(f"parties by number of lists: {dict(sorted(srcs.items()))}")
    weak = Counter(p.evidence.kind for p in res.proposals)
    print(f"weak tier, proposals for a reviewer: {len(res.proposals)} {dict(weak)}")
    reasons = Counter(r.reason.split(" (")[0] for r in res.refusals)
    print(f"refused merges: {len(res.refusals)} {dict(reasons.most_common())}")


if __name__ == "__main__":
    sys.exit(main())
