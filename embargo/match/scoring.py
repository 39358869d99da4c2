"""The scoring engine: one candidate scored by one algorithm, every score explained.

An algorithm (``Algorithm``) is a name comparison's parameters (``names``: see :mod:`embargo.match.names`),
a table of features (``features``: see :mod:`embargo.match.features`) and the constants of retrieval.
A candidate's score is its best pair of names (query name x listed name, times the listed name's kind
factor), plus what each feature of the table adds, in the table's order, clamped to 0..1; an exact
identifier lifts it to ``identifier_floor``. The versions themselves are modules of their own
(``embargo_v1``, ``embargo_v2``), registered in :mod:`embargo.match.algorithm`.

``score_entity`` scores and explains one candidate; ``entity_score`` and ``rank_scores`` are the same
computation without the explanation, for the screener's hot path (ranking many candidates, most of them
below the floor, before explaining the few shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from embargo._native import reduce_frozen
from embargo.match.names import Explained, NameParams, compiled_scoring, explain_names, name_score
from embargo.match.types import Contribution, Match, Query
from embargo.model import Entity
from embargo.names.prepare import PreparedName, Token, prepare_name
from embargo.text.countries import country_code

COMPATIBLE: dict[str, frozenset[str]] = {
    "Person": frozenset({"Person", "LegalEntity"}),
    "Organization": frozenset({"Organization", "Company", "LegalEntity"}),
    "Company": frozenset({"Company", "Organization", "LegalEntity"}),
    "LegalEntity": frozenset({"Person", "Organization", "Company", "LegalEntity"}),
    "Vessel": frozenset({"Vessel"}),
    "Airplane": frozenset({"Airplane"}),
}
KIND_FACTOR = {"primary": 1.0, "alias": 1.0, "original": 1.0, "former": 0.97, "weak": 0.93}


# names read off a listed name, with their kind: (name, kind, schema) -> [(name, kind)]
ListedReading = Callable[[str, str, str], list[tuple[str, str]]]
# a feature's function: (algorithm, query, listed entity or None, its schema, the table's weight) -> what
# it adds to the score, explained, or None (see embargo.match.features)
FeatureFunc = Callable[["Algorithm", "PreparedQuery", Entity | None, str, float], Contribution | None]
# the most a feature may add to a pair's score: (algorithm, query, listed entity or None, its schema)
FeatureBound = Callable[["Algorithm", "PreparedQuery", Entity | None, str], float]
# whether a query has what a feature compares (its birth dates, its countries...)
FeatureAsks = Callable[["PreparedQuery"], bool]


@dataclass(frozen=True)
class Feature:
    """One line of an algorithm's feature table.

    ``func`` compares the query with the listed party and returns its contribution (or None); ``weight``
    is handed to it (features with several outcomes read their constants from the algorithm instead).
    ``reads_entity``: it reads the listed entity, not only its schema; such a feature is asked only where
    the query has a fact to compare with it (``PreparedQuery.reads_entity``). ``asks``: whether a query has
    what the feature compares (None: every query); where it has not, ``func`` gives None and ``bound`` 0.0, so
    the feature is left out of that query's candidates. ``bound``: the most it may add to a pair, so that a
    candidate whose names cannot reach the floor even then is not scored in full; None: it only ever lowers
    a score (its weight is a penalty, at most 0)."""

    name: str
    func: FeatureFunc
    weight: float = 0.0
    reads_entity: bool = True
    asks: FeatureAsks | None = None
    bound: FeatureBound | None = None

    def __post_init__(self) -> None:
        if self.bound is None and self.weight > 0:
            raise ValueError(f"feature {self.name}: a positive weight needs a bound (what it may add)")

    def __reduce__(self) -> tuple[type[Feature], tuple[Any, ...]]:
        return reduce_frozen(self)


@dataclass(frozen=True)
class Algorithm:
    """One scoring algorithm version: its name comparison, its feature table and its constants. Each
    version is a module of its own (``embargo.match.embargo_v1``...) that spells every value out."""

    name: str
    description: str
    threshold: float
    names: NameParams
    features: tuple[Feature, ...]
    dob_exact: float  # added when a full birth date agrees
    dob_year: float  # added when only the year agrees (partial dates)
    dob_mismatch: float  # years more than one apart
    country_match: float
    country_mismatch: float
    identifier_floor: float  # an exact IMO / passport / registration match is decisive
    # retrieval: candidates scored per query, and the share of the best candidate's vote one needs
    candidates: int
    keep_ratio: float
    joined_retrieval: bool  # two adjacent query words also look for a listed word spelling both
    form_words_vote: float  # what a word of an unrecognised legal form counts in retrieval
    # --- from embargo-v3 on (the defaults keep the earlier versions' behaviour) ---
    # the names an index reads off each listed name, with their kind (None: each name as listed), and how
    # a query is read before it is screened (None: as given); see names.readings and match.reading
    listed_reading: ListedReading | None = None
    query_reading: Callable[[Query], tuple[Query, int]] | None = None  # (read query, its own names)
    kind_factor: tuple[tuple[str, float], ...] = ()  # a listed name's kind factor, where not KIND_FACTOR's
    joined_candidates: bool = False  # words run together find the names that write them apart
    dob_day_mismatch: float = 0.0  # full birth dates of one year, neither a typo nor day/month swapped
    identifier_conflict: float = 0.0  # another identifier of the same kind (another IMO)
    dob_rival: float = 0.0  # birth years apart, where another listed party of the name has the query's date
    read_name_factor: float = 1.0  # what a query name read off the query's own (a nickname's) counts

    def __reduce__(self) -> tuple[type[Algorithm], tuple[Any, ...]]:
        return reduce_frozen(self)


@dataclass(frozen=True)
class PreparedQuery:
    query: Query
    names: tuple[PreparedName, ...]
    countries: frozenset[str]
    org_hint: bool
    person_hint: bool = False  # a patronymic ("Olegovich", "Nikolayevna"): a person's name
    own: int = (
        -1
    )  # names[:own] are the query's own, the rest read off them (nicknames, respellings); -1: all its own

    def __init__(
        self,
        query: Query,
        names: tuple[PreparedName, ...],
        countries: frozenset[str],
        org_hint: bool,
        person_hint: bool = False,
        own: int = -1,
    ) -> None:  # (a native constructor: see match.types.Contribution)
        object.__setattr__(self, "query", query)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "countries", countries)
        object.__setattr__(self, "org_hint", org_hint)
        object.__setattr__(self, "person_hint", person_hint)
        object.__setattr__(self, "own", own)

    @classmethod
    def of(cls, query: Query, own: int = -1) -> PreparedQuery:
        """``query`` prepared; ``own``: how many of its names are its own, the rest read off them (see
        ``Algorithm.query_reading``); -1: all of them."""
        names = tuple(prepare_name(n, query.schema) for n in query.names if n and n.strip())
        countries = frozenset(c for c in (country_code(x) for x in query.countries) if c)
        org = any(n.org_hint for n in names)
        person = not org and any(names_person(n.tokens) for n in names)
        return cls(query, names, countries, org, person, -1 if own >= len(names) else own)

    def __reduce__(self) -> tuple[type[PreparedQuery], tuple[Any, ...]]:
        return reduce_frozen(self)

    def reads_entity(self) -> bool:
        """Whether scoring reads more of a listed entity than its names and schema: its birth dates,
        countries, gender or identifiers, which the query has."""
        return bool(self.query.birth_dates or self.countries or self.query.gender or self.query.identifiers)


def names_person(tokens: tuple[Token, ...]) -> bool:
    """A patronymic ("Olegovich", "Nikolayevna") after the first word of a name of two to four words."""
    return 2 <= len(tokens) <= 4 and any(t.patronymic for t in tokens[1:])


def schema_ok(query_schema: str | None, entity_schema: str) -> bool:
    if query_schema is None:
        return True
    return entity_schema in COMPATIBLE.get(query_schema, frozenset({query_schema}))


def score_entity(
    algo: Algorithm,
    pq: PreparedQuery,
    entity: Entity,
    entity_names: list[tuple[PreparedName, str]],
    rarity: Callable[[str], float] | None,
    identifier_hits: tuple[tuple[str, str], ...] = (),
    explain: bool = True,
    floor: float | None = None,
    views: Sequence[Any] | None = None,
    query_views: Sequence[Any] | None = None,
    pair: tuple[int, int] | None = None,
) -> Match:
    """Score one candidate and explain it. ``entity_names`` are (prepared name, name kind).
    ``explain=False``: the same score, with no explanation (to rank many candidates, then explain few).
    ``floor`` (with ``explain=False``): the caller drops scores below it; such a score may then be
    anything below it (names that cannot reach it are not scored in full). ``views``: the index's
    ``name_view`` of each of ``entity_names``, if it keeps them (the same score, sooner); ``query_views``:
    those of ``pq.names``, if the caller made them once for all candidates. ``pair``: the (query name,
    listed name) that ``entity_score`` found best, if it was asked first with the same arguments (the same
    score and explanation: only that pair is scored again)."""
    score, parts, _ = _score_entity(
        algo, pq, entity, entity.schema, entity_names, rarity, identifier_hits, explain, floor, views,
        query_views, pair,
    )  # fmt: skip
    return Match(entity, score, score >= algo.threshold, algo.name, parts)


def entity_score(
    algo: Algorithm,
    pq: PreparedQuery,
    entity: Entity | None,
    entity_names: list[tuple[PreparedName, str]],
    rarity: Callable[[str], float] | None,
    identifier_hits: tuple[tuple[str, str], ...] = (),
    floor: float | None = None,
    views: Sequence[Any] | None = None,
    query_views: Sequence[Any] | None = None,
    schema: str | None = None,
    scoring: tuple[Any, Any, Any] | None = None,
) -> tuple[float, tuple[int, int]]:
    """``score_entity(..., explain=False).score``, without making the Match (to rank many candidates), and
    which query name and which of ``entity_names`` gave it (-1, -1: none). An entity whose score reaches
    ``floor`` has that pair at its exact score, and no other name above it: ``score_entity(..., pair=)``.
    ``entity`` may be None (with its ``schema`` given) where the query reads nothing else of it
    (``pq.reads_entity()`` is false): a screen spares reading the entities it ranks below the floor.
    ``scoring``: ``names.compiled_scoring(algo.names)``, if the caller asked for it once for all candidates."""
    if entity is not None:
        schema = entity.schema
    elif schema is None or pq.reads_entity():
        raise ValueError("entity_score: no entity, and its schema is not enough for this query")
    score, _, pair = _score_entity(
        algo,
        pq,
        entity,
        schema,
        entity_names,
        rarity,
        identifier_hits,
        False,
        floor,
        views,
        query_views,
        None,
        scoring,
    )
    return score, pair


def rank_scores(
    algo: Algorithm,
    pq: PreparedQuery,
    candidates: list[tuple[int, tuple[int, ...]]],
    schemas: list[str],
    views: list[Any],
    kinds: list[str],
    query_views: list[Any],
    floor: float,
    scoring: tuple[Any, Any, Any] | None,
) -> tuple[list[tuple[int, float, tuple[int, int]]], list[int]] | None:
    """For each candidate ``(entity, name ids)``, ``entity_score(algo, pq, None, [(names[i], kinds[i]) for i
    in ids], rarity, (), floor, [views[i] for i in ids], query_views, schemas[entity], scoring)``, for a
    query that reads nothing of a listed entity but its schema (``pq.reads_entity()`` false) and candidates
    with no identifier hit: their names ranked in one call into the compiled scoring, their objects unread
    (``views``, ``kinds``: the index's views and kinds of its names, by id; ``schemas``: by entity).
    Returns ``(found, declined)``: found, ``(i, score, pair)`` for the i-th candidate, those that reach
    ``floor``; declined, the i whose score ``entity_score`` must give (a view not made yet, adjacent words
    that may be read as one). None without the compiled core. ``tests/match/test_rank_scores.py`` checks
    that both agree."""
    if scoring is None:
        return None
    # below the floor before the features of the schema alone, below it after them, where they only lower
    # a score (no bound)
    keep = floor if all(f.bound is None for f in algo.features if not f.reads_entity) else -1.0
    found, declined = scoring[2](
        scoring[1], query_views, candidates, views, kinds, kind_factors(algo), schemas, "Person", floor, keep,
        pq.own, algo.read_name_factor,
    )  # fmt: skip
    out: list[tuple[int, float, tuple[int, int]]] = []
    for i, value, n, k in found:
        score = _schema_adjusted(algo, pq, schemas[candidates[i][0]], max(0.0, value))
        if score >= floor:
            out.append((i, score, (n, k)))
    return out, declined


# the features the last query asks of its algorithm: the screener scores the candidates of one query in a
# row, and so asks each feature whether it applies once per query, not per candidate. One tuple, read and
# replaced whole (threads may screen at once).
_LAST_ASKED: list[tuple[PreparedQuery | None, Algorithm | None, tuple[Feature, ...]]] = [(None, None, ())]


def demote_rivals(algo: Algorithm, matches: list[Match], cut: float) -> list[Match]:
    """``matches`` (one query's, explained), where one of them that reaches the algorithm's threshold has the
    query's birth date:
    each other whose listed birth year is two or more years from the query's loses ``algo.dob_rival`` more,
    explained, and all are ranked again (``cut``: the threshold a match reaches). A namesake born years
    apart from a listed party that shares the query's name and date is another person; where no listed
    party has the query's date, the list's date may be the one that is off, and the name decides."""
    if not algo.dob_rival:
        return matches
    if not any(m.score >= algo.threshold and _dob_weight(m) > 0 for m in matches):
        return matches
    out: list[Match] = []
    for m in matches:
        if _dob_weight(m) < 0 and not any(c.feature == "identifier" for c in m.explanation):
            score = min(1.0, max(0.0, m.score + algo.dob_rival))
            part = Contribution(
                "birth_date",
                None,
                None,
                -1.0,
                algo.dob_rival,
                "another listed party of this name has the query's birth date",
            )
            m = Match(m.entity, score, score >= cut, m.algorithm, (*m.explanation, part))
        out.append(m)
    out.sort(key=lambda m: (-m.score, m.entity.id))
    return out


def _dob_weight(m: Match) -> float:
    """What a match's birth dates added to its score."""
    return sum(c.weight for c in m.explanation if c.feature == "birth_date")


_KIND_FACTORS: dict[tuple[tuple[str, float], ...], dict[str, float]] = {}


def kind_factors(algo: Algorithm) -> dict[str, float]:
    """What a listed name of each kind counts for ``algo``: ``KIND_FACTOR``, with the version's own."""
    if not algo.kind_factor:
        return KIND_FACTOR
    found = _KIND_FACTORS.get(algo.kind_factor)
    if found is None:
        found = _KIND_FACTORS[algo.kind_factor] = {**KIND_FACTOR, **dict(algo.kind_factor)}
    return found


def _asked(algo: Algorithm, pq: PreparedQuery) -> tuple[Feature, ...]:
    """The features of ``algo`` that ``pq`` has something to compare with, in the table's order."""
    last = _LAST_ASKED[0]
    if last[0] is pq and last[1] is algo:
        return last[2]
    features = tuple([f for f in algo.features if f.asks is None or f.asks(pq)])
    _LAST_ASKED[0] = (pq, algo, features)
    return features


def _schema_adjusted(algo: Algorithm, pq: PreparedQuery, schema: str, score: float) -> float:
    """A name score with what ``_score_entity``'s features of the schema alone add to it, where the query has
    nothing else to compare (the same steps in the same order), clamped to 0..1."""
    for feature in _asked(algo, pq):
        if not feature.reads_entity:
            part = feature.func(algo, pq, None, schema, feature.weight)
            if part is not None:
                score += part.weight
    return min(1.0, max(0.0, score))


def _score_entity(
    algo: Algorithm,
    pq: PreparedQuery,
    entity: Entity | None,  # None: the query reads only its schema (see entity_score)
    schema: str,
    entity_names: list[tuple[PreparedName, str]],
    rarity: Callable[[str], float] | None,
    identifier_hits: tuple[tuple[str, str], ...],
    explain: bool,
    floor: float | None,
    views: Sequence[Any] | None,
    query_views: Sequence[Any] | None,
    pair: tuple[int, int] | None,
    scoring: tuple[Any, Any, Any] | None = None,
) -> tuple[float, tuple[Contribution, ...], tuple[int, int]]:
    asked = _asked(algo, pq)
    need = 0.0
    if floor is not None and not explain and not identifier_hits:
        # what the names must reach: the floor less the most the features can add
        need = floor
        for feature in asked:
            if feature.bound is not None:
                need -= feature.bound(algo, pq, entity, schema)
    best_q: PreparedName | None = None
    best_c: PreparedName | None = None
    best_kind = "primary"
    best_value = -1.0
    best_score = 0.0
    best_view: Any = None
    best_query_view: Any = None
    best_pair = (-1, -1)
    explained: Explained | None = None
    # name_score's compiled steps, asked directly where both names' views are at hand (not explaining the
    # pair ranking found best, which explain_names scores)
    compiled = None
    if views is not None and query_views is not None and not (explain and pair is not None):
        compiled = scoring if scoring is not None else compiled_scoring(algo.names)
    person = schema == "Person"
    kinds = kind_factors(algo)
    read_factor = algo.read_name_factor
    for n, qn in enumerate(pq.names):
        if pair is not None and n != pair[0]:
            continue
        query_view = query_views[n] if query_views is not None else None
        for k, (cn, kind) in enumerate(entity_names):
            if pair is not None and k != pair[1]:
                continue
            factor = kinds.get(kind, 1.0) * (read_factor if 0 <= pq.own <= n else 1.0)
            view = views[k] if views is not None else None
            at_least = need / factor if need > 0 else 0.0
            if explain and pair is not None:  # the pair ranking found best: its explanation has its score
                explained = explain_names(qn, cn, algo.names, rarity, schema, view, query_view)
                s = explained[0]
            elif compiled is not None and view is not None and query_view is not None:
                # (no tokens passed: the views are the names', and the listed name's objects stay unread)
                fast = compiled[0](compiled[1], query_view, view, None, None, person, at_least, False, True)
                if fast is None:  # adjacent words may be read as one: name_score joins them
                    fast = name_score(qn, cn, algo.names, rarity, schema, at_least, view, query_view)
                s = fast
            else:
                s = name_score(qn, cn, algo.names, rarity, schema, at_least, view, query_view)
            value = s * factor
            if value > best_value:
                best_q, best_c, best_kind, best_value, best_score = qn, cn, kind, value, s
                best_view, best_query_view, best_pair = view, query_view, (n, k)
    parts: list[Contribution] = []
    score = max(0.0, best_value)
    if explain and best_q is not None and best_c is not None:
        if explained is None:
            explained = explain_names(best_q, best_c, algo.names, rarity, schema, best_view, best_query_view)
        _, _, _, pairs, un_q, un_c = explained
        detail = ", ".join([f"{q}~{lt} {how} {sim:.2f}" for q, lt, sim, how in pairs])
        if un_q:
            detail += f"; query tokens not found: {' '.join(un_q)}"
        if un_c:
            detail += f"; listed tokens not in query: {' '.join(un_c)}"
        if best_kind != "primary":
            detail += f"; {best_kind} name"
        if 0 <= pq.own <= best_pair[0]:
            detail += "; a name read off the query's (nickname, spelling)"
        parts.append(Contribution("name", best_q.original, best_c.original, best_score, score, detail))
    for feature in asked:
        if feature.reads_entity and entity is None:
            continue
        part = feature.func(algo, pq, entity, schema, feature.weight)
        if part is not None:
            score += part.weight
            parts.append(part)
    for qv, lv in identifier_hits:
        if score < algo.identifier_floor:
            parts.append(
                Contribution(
                    "identifier", qv, lv, 1.0, algo.identifier_floor - score, "exact identifier match"
                )
            )
            score = algo.identifier_floor
    return min(1.0, max(0.0, score)), tuple(parts), best_pair
