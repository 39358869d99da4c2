"""Candidate retrieval (``EntityIndex.candidate_names``) beside embargo-v1's retrieval as released.

The released retrieval is copied below (``V1Retrieval``, the code of ``embargo/index/memory.py`` at
eccb0fd) and runs over the same index in the same process, so both see the same tokens, the same
vocabulary and the same set iteration order (which decides some ties: compare within one process).

1. equality: for every query, ``candidate_names(limit=30, keep_ratio=0.4)`` (what ``Screener.screen``
   asks) and ``candidates(limit=50)`` (what bench/speed.py and bench/quality.py ask) must be the same
   entities, in the same order, with the same voted names; the script exits 1 on any difference;
2. speed: CPU time (``time.thread_time_ns``) of one pass over all queries, ``--rounds`` times, for the
   copy and for the index's own retrieval: from an empty cache (``clear_cache``, then one pass: query
   tokens that repeat within the pass are found in the cache), warm (the same pass again), and with the
   cache emptied before every query (no query token ever found in it); and ``joined=True`` (opt-in,
   for a later algorithm) from an empty cache. Medians and ratios are printed.

Lists (default): the dev set's distinct queries over a store of all lists (``--db``, as bench/speed.py).
Synthetic (``--synthetic N``): N generated entities and 4,000 queries made as bench/speed.py makes them.

Usage: .venv/bin/python bench/retrieval.py [--db PATH] [--synthetic N] [--rounds 5]
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from _common import LISTS, load_cases, rss_mb, store_with
from _synthetic import NameFactory, synthetic_entities, vary

from embargo.index.memory import MAX_EXPANSIONS, MAX_PREFIX, EntityIndex, _letter_bit, deletions
from embargo.match.algorithm import PreparedQuery
from embargo.match.prepare import PreparedName, Token
from embargo.match.types import Query
from embargo.model import Entity

Names = Sequence[PreparedName]


class V1Retrieval:
    """embargo-v1's candidate retrieval as released, over an ``EntityIndex``'s tables."""

    def __init__(self, index: EntityIndex) -> None:
        self.ix = index
        name_entity = np.frombuffer(index.name_entity, dtype=np.int32)
        # the raw postings (a name per entry; an entity with the token in several names: several entries)
        self.post_nids = [np.frombuffer(p, dtype=np.int32) for p in index.postings]
        self.post_ents = [name_entity[a] for a in self.post_nids]

    def expand(self, tok: Token, syllabic: bool = False) -> dict[int, float]:
        ix = self.ix
        found: dict[int, float] = {}

        def put(tid: int, sim: float) -> None:
            if found.get(tid, 0.0) < sim:
                found[tid] = sim

        tid = ix.vocab.get(tok.text)
        if tid is not None:
            put(tid, 1.0)
        if tok.initial or (syllabic and len(tok.text) <= 4):
            return found
        for v in tok.variants:
            for t in ix.by_phonetic.get("~" + v, ()):
                put(t, 0.95)
        for t in ix.by_phonetic.get("#" + tok.ocr, ())[:MAX_EXPANSIONS]:
            put(t, 0.9)
        if tok.phonetic and len(tok.text) >= 3:
            for t in ix.by_phonetic.get(tok.phonetic, ())[:MAX_EXPANSIONS]:
                put(t, 0.9)
        if len(tok.text) >= 4:
            # (as released this iterated a set, whose order changed with the hash seed; fixed order since)
            for d in dict.fromkeys((tok.text, *deletions(tok.text))):
                for t in ix.by_deletion.get(d, ())[:MAX_EXPANSIONS]:
                    put(t, 0.88)
        if tok.vowelless and len(tok.skeleton) >= 2:
            for t in ix.by_skeleton.get(tok.skeleton, ())[:MAX_EXPANSIONS]:
                put(t, 0.85)
        if len(tok.text) >= 3:
            i = bisect.bisect_left(ix.sorted_vocab, tok.text)
            for word in ix.sorted_vocab[i : i + MAX_PREFIX]:
                if not word.startswith(tok.text):
                    break
                put(ix.vocab[word], 0.8)
        return found

    def _min_df(self, exp: dict[int, float]) -> int:
        return min((len(self.ix.postings[t]) for t in exp), default=1 << 30)

    def candidates(self, names: Names, limit: int = 30, keep_ratio: float = 0.0) -> list[int]:
        return [e for e, _ in self.candidate_names(names, limit, keep_ratio)]

    def candidate_names(
        self, names: Names, limit: int = 30, keep_ratio: float = 0.0
    ) -> list[tuple[int, tuple[int, ...]]]:
        ix = self.ix
        postings_cap = max(2000, len(ix.entities) // 100)
        best_ents: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        best_scores: npt.NDArray[np.float64] = np.zeros(0, np.float64)
        token_votes: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]] = []
        for name in names:
            toks = list({t.text: t for t in name.name_tokens()}.values())
            expansions = sorted(
                ((tok, self.expand(tok, name.syllabic)) for tok in toks), key=lambda te: self._min_df(te[1])
            )
            per_ents: list[npt.NDArray[np.int32]] = []
            per_ws: list[npt.NDArray[np.float64]] = []
            per_nids: list[npt.NDArray[np.int32]] = []
            for tok, exp in expansions:
                own = ix.vocab.get(tok.text)
                cap = ix.idf[own] if own is not None else ix.max_idf
                e_parts, n_parts, w_parts = [], [], []
                for tid, sim in exp.items():
                    ents = self.post_ents[tid]
                    if len(ents) > postings_cap and per_ents:
                        continue
                    w = min(ix.idf[tid], cap) * sim
                    e_parts.append(ents)
                    n_parts.append(self.post_nids[tid])
                    w_parts.append(np.full(len(ents), w))
                if not e_parts:
                    continue
                ents = np.concatenate(e_parts)
                nids = np.concatenate(n_parts)
                ws = np.concatenate(w_parts)
                order = np.lexsort((-ws, ents))
                ents, nids, ws = ents[order], nids[order], ws[order]
                first = np.ones(len(ents), dtype=bool)
                first[1:] = ents[1:] != ents[:-1]
                per_ents.append(ents[first])
                per_ws.append(ws[first])
                per_nids.append(nids[first])
            if not per_ents:
                continue
            token_votes.extend(zip(per_ents, per_nids, strict=True))
            all_e = np.concatenate(per_ents)
            all_w = np.concatenate(per_ws)
            all_n = np.concatenate(per_nids)
            uniq, inverse = np.unique(all_e, return_inverse=True)
            votes: npt.NDArray[np.float64] = np.bincount(inverse, weights=all_w).astype(np.float64)
            name_of = np.empty(len(uniq), dtype=np.int32)
            name_of[inverse] = all_n
            others = [t for t, r in zip(name.tokens, name.roles, strict=True) if r != "name"]
            if others:
                masks = ix.np_initials[name_of]
                for t in others:
                    bit = _letter_bit(t.text)
                    votes = votes + 0.5 * ((masks & bit) != 0)
            extra = ix.np_size[name_of].astype(np.float64) - len(toks)
            votes = votes / (1.0 + 0.1 * np.clip(extra, 0, None))
            if len(best_ents) == 0:
                best_ents, best_scores = uniq.astype(np.int64), votes
            else:
                both = np.concatenate([best_ents, uniq.astype(np.int64)])
                sc = np.concatenate([best_scores, votes])
                u2, inv2 = np.unique(both, return_inverse=True)
                mx = np.full(len(u2), -np.inf)
                np.maximum.at(mx, inv2, sc)
                best_ents, best_scores = u2, mx
        if len(best_ents) == 0:
            return []
        k = min(limit, len(best_ents))
        # as released, np.argpartition chose between candidates tied at the cut, and numpy's choice
        # depends on the CPU (AVX-512 or not); the tie goes to the lower position now, as in the index
        kth = np.partition(best_scores, len(best_scores) - k)[len(best_scores) - k]
        above = np.flatnonzero(best_scores > kth)
        top = np.concatenate([above, np.flatnonzero(best_scores == kth)[: k - len(above)]])
        top = top[np.lexsort((best_ents[top], -best_scores[top]))]
        chosen = [(int(best_ents[i]), float(best_scores[i])) for i in top]
        if keep_ratio > 0:
            floor = chosen[0][1] * keep_ratio
            chosen = [c for c in chosen if c[1] >= floor]
        wanted = np.array([e for e, _ in chosen], dtype=np.int32)
        voted: dict[int, set[int]] = defaultdict(set)
        for ents, nids in token_votes:
            hit = np.isin(ents, wanted)
            for e, n in zip(ents[hit].tolist(), nids[hit].tolist(), strict=True):
                voted[e].add(n)
        return [(e, tuple(sorted(voted[e]))) for e, _ in chosen]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument(
        "--db", type=Path, help="a store of the lists (ingested first if missing; default: a temporary one)"
    )
    p.add_argument("--synthetic", type=int, metavar="N", help="N synthetic entities instead of the lists")
    p.add_argument("--queries", type=int, default=4000, help="synthetic queries (default 4,000)")
    p.add_argument("--rounds", type=int, default=5, help="timed passes of each kind (default 5)")
    args = p.parse_args(argv)

    entities, queries = _synthetic(args.synthetic, args.queries) if args.synthetic else _lists(args.db)
    rss0 = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    index = EntityIndex(entities)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{len(entities):,} entities; index built in {build:.2f} s (CPU {build_cpu:.2f} s), "
        f"+{rss_mb() - rss0:.0f} MB",
        flush=True,
    )
    prepared = [pq.names for pq in (PreparedQuery.of(Query.of(q)) for q in queries) if pq.names]
    v1 = V1Retrieval(index)

    differ = 0
    for names in prepared:
        if v1.candidate_names(names, 30, 0.4) != index.candidate_names(names, limit=30, keep_ratio=0.4) or (
            v1.candidates(names, 50) != index.candidates(names, limit=50)
        ):
            differ += 1
            if differ <= 5:
                print("  differs:", names[0].original, file=sys.stderr)
    print(f"equality: {len(prepared):,} queries x 2 calls compared, {differ} differ", flush=True)

    def one_pass(retrieve: Callable[[Names], object], forget: bool = False) -> float:
        t = time.thread_time_ns()
        for names in prepared:
            if forget:
                index.clear_cache()
            retrieve(names)
        return (time.thread_time_ns() - t) / 1e6

    def new(names: Names) -> object:
        return index.candidate_names(names, limit=30, keep_ratio=0.4)

    def old(names: Names) -> object:
        return v1.candidate_names(names, 30, 0.4)

    def joined(names: Names) -> object:
        return index.candidate_names(names, limit=30, keep_ratio=0.4, joined=True)

    times: dict[str, list[float]] = defaultdict(list)
    one_pass(old), one_pass(new)  # warm-up
    for _ in range(args.rounds):
        times["v1 (copy)"].append(one_pass(old))
        index.clear_cache()
        times["new, empty cache"].append(one_pass(new))
        times["new, warm cache"].append(one_pass(new))
        times["new, no cache"].append(one_pass(new, forget=True))
        index.clear_cache()
        times["joined, empty"].append(one_pass(joined))
    base = statistics.median(times["v1 (copy)"])
    print(
        f"candidate_names(limit=30, keep_ratio=0.4) over {len(prepared):,} queries, CPU ms (median of {args.rounds}):"
    )
    for label, ms in times.items():
        med = statistics.median(ms)
        print(f"  {label:18s} {med:8.0f} ms  {1000 * med / len(prepared):6.1f} us/query  x{base / med:.2f}")
    return 1 if differ else 0


def _lists(db: Path | None) -> tuple[list[Entity], list[str]]:
    from embargo.service import Service

    with store_with([LISTS], db) as path:
        svc = Service.open(path)
        try:
            entities = list(svc.entities())
        finally:
            svc.close()
    return entities, list(dict.fromkeys(c.query for c in load_cases()))


def _synthetic(n: int, total: int) -> tuple[list[Entity], list[str]]:
    """As bench/speed.py: half misspellings of sampled entries' names, half fresh names."""
    entities = list(synthetic_entities(n, 1))
    rng = random.Random(2)
    queries = [vary(rng.choice(e.names).value, rng)[1] for e in rng.sample(entities, total // 2)]
    listed = {nm.value.casefold() for e in entities for nm in e.names}
    fresh = NameFactory(seed=1_000_002)
    while len(queries) < total:
        name = rng.choice(fresh.entity().names)[0]
        if name.casefold() not in listed:
            queries.append(name)
    return entities, queries


if __name__ == "__main__":
    sys.exit(main())
