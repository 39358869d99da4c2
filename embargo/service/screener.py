"""``Screener``: one index over a set of entities, and the screening step over it (retrieval, then
scoring, then explaining what is shown). :class:`~embargo.service.snapshot.Snapshot` holds one over the
lists in force; :mod:`embargo.screener` re-exports it as the Python API."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from embargo.index.memory import EntityIndex
from embargo.match.algorithm import (
    ALGORITHMS,
    DEFAULT_ALGORITHM,
    Algorithm,
    PreparedQuery,
    demote_rivals,
    entity_score,
    rank_scores,
    schema_ok,
    score_entity,
)
from embargo.match.names import compiled_scoring
from embargo.match.types import Match, Query
from embargo.model import Entity

SOURCE_WIDEN = 4  # candidates retrieved per one kept, when only some lists are asked for
# a query that reads every table a first screening would load: its names, every table of a query reading
# (a nickname, a respelling; the Arabic script's letters), its country the country names' tables, its
# birth date the date parser's
_WARM_UP = Query(names=("Bill Smith", "محمد علي"), countries=("ru",), birth_dates=("1970",))


class Screener:
    """Screens queries against an in-memory index of entities."""

    def __init__(self, entities: Iterable[Entity], algorithm: str = DEFAULT_ALGORITHM) -> None:
        self.algorithm = algorithm_named(algorithm)
        self.index = EntityIndex(entities, reading=self.algorithm.listed_reading)
        # the index of each other way of reading the listed names an algorithm asked for, made on first use
        self._indexes: dict[object, EntityIndex] = {self.algorithm.listed_reading: self.index}
        # one bound method for every call: scoring keeps per-name weights for the rarity function it is given
        self.rarity = self.index.weight
        self._rarities: dict[object, Callable[[str], float]] = {self.algorithm.listed_reading: self.rarity}
        # the tables a first query would load are loaded now, so that no shell's first screening pays for them
        self.screen(_WARM_UP, limit=1)

    @classmethod
    def from_store(
        cls,
        db: Path | str | None = None,
        *,
        sources: Iterable[str] | None = None,
        as_of: str | None = None,
        algorithm: str = DEFAULT_ALGORITHM,
    ) -> Screener:
        from embargo.service import Service

        svc = Service.open(db)
        try:
            return cls(list(svc.entities(sources, as_of)), algorithm)
        finally:
            svc.close()

    def screen(
        self,
        query: Query | str,
        *,
        threshold: float | None = None,
        limit: int = 10,
        algorithm: str | None = None,
        matches_only: bool = False,
        sources: frozenset[str] | None = None,
        candidates: int | None = None,
    ) -> list[Match]:
        """Candidates scored and explained, best first; ``match`` is score >= threshold.
        Results down to a score of 0.5 (or the threshold, if lower) are given; ``matches_only``: only
        the matches (a batch that writes alerts only spares explaining the rest). ``sources``: only
        entities of these lists (the candidates are filtered, on the one index: a score is the same
        whichever lists are asked for, since names are weighed by their rarity over every list).
        ``candidates``: how many entities retrieval keeps, instead of the algorithm's own number (a caller that
        widens its retrieval step by step, as the portfolio index does)."""
        q = Query.of(query) if isinstance(query, str) else query
        algo = algorithm_named(algorithm) if algorithm else self.algorithm
        cut = algo.threshold if threshold is None else threshold
        own = len(q.names)  # the query's own names; the rest were read off them (nicknames, respellings)
        if algo.query_reading is not None:
            q, own = algo.query_reading(q)
        pq = PreparedQuery.of(q, own)
        idx = self.index_for(algo)
        rarity = self._rarities[algo.listed_reading]  # (the words' rarity in that index)
        keep = algo.candidates if candidates is None else candidates
        wide = keep if sources is None else keep * SOURCE_WIDEN
        found: list[tuple[int, tuple[int, ...]]] = []
        # the names read off the query's own retrieve apart, so that they do not crowd its own out
        for group in (pq.names[:own], pq.names[own:]):
            if group:
                more = idx.candidate_names(
                    group,
                    limit=wide,
                    keep_ratio=algo.keep_ratio,
                    joined=algo.joined_retrieval,
                    form_words=algo.form_words_vote,
                )
                if sources is not None:  # retrieval went wider, so the lists asked for still get their share
                    more = [c for c in more if idx.entities[c[0]].source in sources][:keep]
                seen = {e for e, _ in found}
                found += [c for c in more if c[0] not in seen]
        if idx.read_together:  # a name retrieved is scored with the names read off its listed name
            found = [(e, idx.with_read_together(nids)) for e, nids in found]
        hits: dict[int, list[tuple[str, str]]] = {}
        for value in q.identifiers:
            for e in idx.by_identifier(value):
                ent = idx.entities[e]
                if sources is not None and ent.source not in sources:
                    continue
                listed = next((i.value for i in ent.identifiers if _same_id(i.value, value)), value)
                hits.setdefault(e, []).append((value, listed))
        # each candidate with the names to score: those that drew votes, all of them for an identifier hit
        # or for words run together that its names write apart (retrieval gives each entity once)
        if algo.joined_candidates:
            for e in idx.joined_entities(pq.names):
                if e not in hits and (sources is None or idx.entities[e].source in sources):
                    hits[e] = []
        if hits:
            voted = dict(found)
            order = [(e, idx.entity_names[e]) for e in hits]
            order += [(e, voted[e]) for e in voted if e not in hits]
        else:
            order = found
        # (-score, entity id, k): sorted as they are, best first, ties by id; k finds the rest in kept
        ranked: list[tuple[float, str, int]] = []
        kept: list[tuple[int, tuple[int, ...], tuple[int, int]]] = []
        query_views = [idx.query_view(n) for n in pq.names]  # how the compiled scoring reads them
        floor = cut if matches_only else min(cut, 0.5)
        reads = pq.reads_entity()
        q_schema = q.schema
        scoring = compiled_scoring(algo.names)  # (asked once, not per candidate)
        entities, ids, names_of, kinds_of = idx.entities, idx.entity_ids, idx.names, idx.name_kind
        if q_schema is not None:
            order = [(e, nids) for e, nids in order if schema_ok(q_schema, idx.entity_schema[e])]
        rest = order  # the candidates entity_score scores, one by one
        if not reads:  # a query of names (and schema) alone: most candidates ranked in one call
            # (all but those of an identifier hit: a candidate of words run together has none)
            plain = [c for c in order if not hits.get(c[0])] if hits else order
            fast = rank_scores(
                algo, pq, plain, idx.entity_schema, idx.views, kinds_of, query_views, floor, scoring
            )
            if fast is not None:
                for i, score, pair in fast[0]:
                    e, nids = plain[i]
                    ranked.append((-score, ids[e], len(kept)))
                    kept.append((e, nids, pair))
                rest = [plain[i] for i in fast[1]]
                if hits:
                    rest += [c for c in order if hits.get(c[0])]
        for e, nids in rest:
            score, pair = entity_score(
                algo,
                pq,
                entities[e] if reads else None,  # (None: the entity itself is read only if shown)
                [(names_of[n], kinds_of[n]) for n in nids],
                rarity,
                tuple(hits.get(e, ())),
                floor=floor,
                views=idx.name_views(nids),
                query_views=query_views,
                schema=idx.entity_schema[e],
                scoring=scoring,
            )
            if score >= floor:
                ranked.append((-score, ids[e], len(kept)))
                kept.append((e, nids, pair))
        # rank on scores alone, then explain only what is shown
        ranked.sort()
        results: list[Match] = []
        for _, _, k in ranked[:limit]:
            e, nids, pair = kept[k]
            m = score_entity(
                algo,
                pq,
                entities[e],
                [(names_of[n], kinds_of[n]) for n in nids],
                rarity,
                tuple(hits.get(e, ())),
                views=idx.name_views(nids),
                query_views=query_views,
                pair=pair,
            )
            if m.match != (m.score >= cut):  # a threshold other than the algorithm's own
                m = replace(m, match=m.score >= cut)
            results.append(m)
        return demote_rivals(algo, results, cut)

    def index_for(self, algorithm: Algorithm) -> EntityIndex:
        """The index that reads the listed names as ``algorithm`` does (the default algorithm's is
        ``index``; another's is made on first use, of the same entities in the same order)."""
        found = self._indexes.get(algorithm.listed_reading)
        if found is None:
            found = EntityIndex(self.index.entities, reading=algorithm.listed_reading)
            self._indexes[algorithm.listed_reading] = found
            self._rarities[algorithm.listed_reading] = found.weight
        return found


def _same_id(a: str, b: str) -> bool:
    from embargo.index.memory import normalize_identifier

    return normalize_identifier(a) == normalize_identifier(b)


def algorithm_named(name: str) -> Algorithm:
    try:
        return ALGORITHMS[name]
    except KeyError:
        from embargo.errors import EmbargoError

        raise EmbargoError(f"unknown algorithm {name!r} (known: {', '.join(ALGORITHMS)})") from None
