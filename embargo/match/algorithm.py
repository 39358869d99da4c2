"""Versioned scoring algorithms: a table of features and weights, every score explained.

A released algorithm is never edited: a new behaviour is a new entry in ``ALGORITHMS``, so an
old screening result can be reproduced for an auditor by naming its algorithm.
``embargo-v1`` was released on 2026-11-24; ``tests/match/test_algorithm_frozen.py`` pins its scores.
(Its name comparison lives in :mod:`embargo.match.names`; a change there that alters scores needs a
new ``NameParams``/comparison version too.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from embargo._native import reduce_frozen
from embargo.match.names import Explained, NameParams, compiled_scoring, explain_names, name_score
from embargo.match.prepare import PreparedName, prepare_name
from embargo.match.types import Contribution, Match, Query
from embargo.model import Entity
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


@dataclass(frozen=True)
class Algorithm:
    name: str
    description: str
    threshold: float
    names: NameParams = field(default_factory=NameParams)
    dob_exact: float = 0.05  # added when a full birth date agrees
    dob_year: float = 0.02  # added when only the year agrees (partial dates)
    dob_mismatch: float = -0.15  # years more than one apart
    country_match: float = 0.02
    country_mismatch: float = -0.05
    identifier_floor: float = 0.99  # an exact IMO / passport / registration match is decisive
    org_hint_person: float = -0.25  # the query carries a legal form, the listed party is a person
    person_hint_other: float = 0.0  # v2: the query has a patronymic, the listed party is no person
    gender_mismatch: float = -0.1
    # retrieval: candidates scored per query, and the share of the best candidate's vote one needs
    candidates: int = 30
    keep_ratio: float = 0.4
    joined_retrieval: bool = False  # two adjacent query words also look for a listed word spelling both
    form_words_vote: float = 1.0  # what a word of an unrecognised legal form counts in retrieval

    def __reduce__(self) -> tuple[type[Algorithm], tuple[Any, ...]]:
        return reduce_frozen(self)


ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            name="embargo-v1",
            description="Token alignment over transliterated names (exact, variant, edit, phonetic, prefix, "
            "skeleton, initial), coverage of both names weighed by rarity; birth date, country, gender and "
            "identifiers adjust; an exact identifier is decisive.",
            threshold=0.8,
        ),
        Algorithm(
            name="embargo-v2",
            description="embargo-v1, plus: Arabic-script names meet their romanisations across split or joined "
            "words, the assimilated article (al-s... / es-s...) and letters romanised several ways (d/dh/z, w/v, "
            "q/k); a phonetic match needs some letters in common too.",
            threshold=0.8,
            person_hint_other=-0.25,
            joined_retrieval=True,
            form_words_vote=0.2,
            keep_ratio=0.6,
            names=NameParams(
                phonetic_min_similarity=0.4,
                query_weight_other=0.57,
                strict_consonants=True,
                abjad_joins=True,
                abjad_letters=0.85,
            ),
        ),
    )
}
DEFAULT_ALGORITHM = "embargo-v2"


@dataclass(frozen=True)
class PreparedQuery:
    query: Query
    names: tuple[PreparedName, ...]
    countries: frozenset[str]
    org_hint: bool
    person_hint: bool = False  # a patronymic ("Olegovich", "Nikolayevna"): a person's name

    def __init__(
        self,
        query: Query,
        names: tuple[PreparedName, ...],
        countries: frozenset[str],
        org_hint: bool,
        person_hint: bool = False,
    ) -> None:  # (a native constructor: see match.types.Contribution)
        object.__setattr__(self, "query", query)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "countries", countries)
        object.__setattr__(self, "org_hint", org_hint)
        object.__setattr__(self, "person_hint", person_hint)

    @classmethod
    def of(cls, query: Query) -> PreparedQuery:
        names = tuple(prepare_name(n, query.schema) for n in query.names if n and n.strip())
        countries = frozenset(c for c in (country_code(x) for x in query.countries) if c)
        org = any(n.org_hint for n in names)
        person = not org and any(_names_person(n) for n in names)
        return cls(query, names, countries, org, person)

    def __reduce__(self) -> tuple[type[PreparedQuery], tuple[Any, ...]]:
        return reduce_frozen(self)

    def reads_entity(self) -> bool:
        """Whether scoring reads more of a listed entity than its names and schema: its birth dates,
        countries or gender, which the query has."""
        return bool(self.query.birth_dates or self.countries or self.query.gender)


def _names_person(name: PreparedName) -> bool:
    """A patronymic ("Olegovich", "Nikolayevna") after the first word of a name of two to four words."""
    return 2 <= len(name.tokens) <= 4 and any(t.patronymic for t in name.tokens[1:])


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
    # below the floor before the schema's adjustments, below it after them (they only lower a score)
    keep = floor if algo.org_hint_person <= 0 and algo.person_hint_other <= 0 else -1.0
    found, declined = scoring[2](
        scoring[1], query_views, candidates, views, kinds, KIND_FACTOR, schemas, "Person", floor, keep
    )
    out: list[tuple[int, float, tuple[int, int]]] = []
    for i, value, n, k in found:
        score = _schema_adjusted(algo, pq, schemas[candidates[i][0]], max(0.0, value))
        if score >= floor:
            out.append((i, score, (n, k)))
    return out, declined


def _schema_adjusted(algo: Algorithm, pq: PreparedQuery, schema: str, score: float) -> float:
    """A name score with ``_score_entity``'s adjustments for the schema, where the query has nothing else
    to compare (the same steps in the same order), clamped to 0..1."""
    if _org_hint_applies(pq, schema):
        score += algo.org_hint_person
    if _person_hint_applies(algo, pq, schema):
        score += algo.person_hint_other
    return min(1.0, max(0.0, score))


def _org_hint_applies(pq: PreparedQuery, schema: str) -> bool:
    """The query, of no schema, names an organisation (a legal form), and the listed party is a person."""
    return pq.org_hint and pq.query.schema is None and schema == "Person"


def _person_hint_applies(algo: Algorithm, pq: PreparedQuery, schema: str) -> bool:
    """(embargo-v2) The query, of no schema, names a person (a patronymic), and the listed party is none."""
    return (
        bool(algo.person_hint_other)
        and pq.person_hint
        and pq.query.schema is None
        and schema not in ("Person", "LegalEntity")
    )


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
    need = 0.0
    if floor is not None and not explain and not identifier_hits:
        # the most the other features can add
        dob = entity is not None and pq.query.birth_dates and entity.birth_dates and schema == "Person"
        need = floor - (algo.dob_exact if dob else 0.0) - (algo.country_match if pq.countries else 0.0)
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
    for n, qn in enumerate(pq.names):
        if pair is not None and n != pair[0]:
            continue
        query_view = query_views[n] if query_views is not None else None
        for k, (cn, kind) in enumerate(entity_names):
            if pair is not None and k != pair[1]:
                continue
            factor = KIND_FACTOR.get(kind, 1.0)
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
        parts.append(Contribution("name", best_q.original, best_c.original, best_score, score, detail))
    # birth dates
    q_dobs = pq.query.birth_dates
    if q_dobs and entity is not None and entity.birth_dates and schema == "Person":
        adj, qv, lv, how = _dob(algo, q_dobs, entity.birth_dates)
        if adj:
            score += adj
            parts.append(Contribution("birth_date", qv, lv, 1.0 if adj > 0 else -1.0, adj, how))
    # countries
    if pq.countries and entity is not None:
        listed = (
            set(entity.nationalities)
            | set(entity.countries)
            | {a.country for a in entity.addresses if a.country}
        )
        if listed:
            common = pq.countries & listed
            if common:
                c = sorted(common)[0]
                score += algo.country_match
                parts.append(Contribution("country", c, c, 1.0, algo.country_match, "same country"))
            else:
                score += algo.country_mismatch
                parts.append(
                    Contribution(
                        "country",
                        ",".join(sorted(pq.countries)),
                        ",".join(sorted(listed)),
                        -1.0,
                        algo.country_mismatch,
                        "no country in common",
                    )
                )
    if pq.query.gender and entity is not None and entity.gender and pq.query.gender != entity.gender:
        score += algo.gender_mismatch
        parts.append(
            Contribution("gender", pq.query.gender, entity.gender, -1.0, algo.gender_mismatch, "differs")
        )
    if _org_hint_applies(pq, schema):
        score += algo.org_hint_person
        forms = sorted({f for n in pq.names for f in n.legal_forms})
        parts.append(
            Contribution(
                "schema", " ".join(forms), "Person", -1.0, algo.org_hint_person, "query names an organisation"
            )
        )
    if _person_hint_applies(algo, pq, schema):
        score += algo.person_hint_other
        words = sorted({t.text for n in pq.names if _names_person(n) for t in n.tokens[1:] if t.patronymic})
        parts.append(
            Contribution(
                "schema",
                " ".join(words),
                schema,
                -1.0,
                algo.person_hint_other,
                "query names a person (patronymic)",
            )
        )
    for qv, lv in identifier_hits:
        if score < algo.identifier_floor:
            parts.append(
                Contribution(
                    "identifier", qv, lv, 1.0, algo.identifier_floor - score, "exact identifier match"
                )
            )
            score = algo.identifier_floor
    return min(1.0, max(0.0, score)), tuple(parts), best_pair


def _dob(algo: Algorithm, query: tuple[str, ...], listed: tuple[str, ...]) -> tuple[float, str, str, str]:
    best: tuple[float, str, str, str] = (0.0, "", "", "")
    worst: tuple[float, str, str, str] | None = None
    for q in query:
        for lv in listed:
            if q == lv:
                return (algo.dob_exact, q, lv, "same birth date")
            n = min(len(q), len(lv))
            if q[:n] == lv[:n]:
                if best[0] < algo.dob_year:
                    best = (algo.dob_year, q, lv, "compatible partial birth date")
            else:
                try:
                    gap = abs(int(q[:4]) - int(lv[:4]))
                except ValueError:
                    continue
                if gap > 1 and worst is None:
                    worst = (algo.dob_mismatch, q, lv, f"birth years {gap} apart")
    if best[0] > 0:
        return best
    return worst or best
