"""The features of the scoring algorithms: each compares one fact of a query with a listed party.

A feature is a small function ``(algo, query, entity, schema, weight) -> Contribution | None``: the
contribution says which query value met which listed value and what it adds to the score (its
``weight``); None where the feature has no bearing on the pair. ``entity`` is None where the query
reads nothing of the listed party but its schema (see ``PreparedQuery.reads_entity``): a feature that
reads the entity (``Feature.reads_entity``) is then not asked. The algorithm versions (``embargo_v1``,
``embargo_v2``) list the features they use, in order, with their weights, in a table of ``Feature``.
The name comparison itself, every algorithm's first step, lives in :mod:`embargo.match.names`.
"""

from __future__ import annotations

from embargo.match.scoring import Algorithm, PreparedQuery, names_person
from embargo.match.types import Contribution
from embargo.model import Entity


def birth_date(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """A person's birth dates: the same date adds ``algo.dob_exact``, a compatible partial one
    ``algo.dob_year``, years more than one apart ``algo.dob_mismatch``."""
    q_dobs = pq.query.birth_dates
    if not q_dobs or entity is None or not entity.birth_dates or schema != "Person":
        return None
    adj, qv, lv, how = _dob(algo, q_dobs, entity.birth_dates)
    if not adj:
        return None
    return Contribution("birth_date", qv, lv, 1.0 if adj > 0 else -1.0, adj, how)


def has_birth_dates(pq: PreparedQuery) -> bool:
    return bool(pq.query.birth_dates)


def birth_date_bound(algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str) -> float:
    """The most ``birth_date`` may add to the pair."""
    dob = entity is not None and pq.query.birth_dates and entity.birth_dates and schema == "Person"
    return algo.dob_exact if dob else 0.0


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


def country(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """Countries (nationality, country, address): one in common adds ``algo.country_match``, none
    ``algo.country_mismatch``."""
    if not pq.countries or entity is None:
        return None
    listed = (
        set(entity.nationalities) | set(entity.countries) | {a.country for a in entity.addresses if a.country}
    )
    if not listed:
        return None
    common = pq.countries & listed
    if common:
        c = sorted(common)[0]
        return Contribution("country", c, c, 1.0, algo.country_match, "same country")
    return Contribution(
        "country",
        ",".join(sorted(pq.countries)),
        ",".join(sorted(listed)),
        -1.0,
        algo.country_mismatch,
        "no country in common",
    )


def has_countries(pq: PreparedQuery) -> bool:
    return bool(pq.countries)


def country_bound(algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str) -> float:
    """The most ``country`` may add to the pair."""
    return algo.country_match if pq.countries else 0.0


def gender(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """A gender other than the listed party's adds ``weight`` (a penalty)."""
    if not pq.query.gender or entity is None or not entity.gender or pq.query.gender == entity.gender:
        return None
    return Contribution("gender", pq.query.gender, entity.gender, -1.0, weight, "differs")


def has_gender(pq: PreparedQuery) -> bool:
    return bool(pq.query.gender)


def org_hint(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """The query, of no schema, names an organisation (a legal form) and the listed party is a person:
    adds ``weight`` (a penalty)."""
    if not org_hint_applies(pq, schema):
        return None
    forms = sorted({f for n in pq.names for f in n.legal_forms})
    return Contribution("schema", " ".join(forms), "Person", -1.0, weight, "query names an organisation")


def names_organisation(pq: PreparedQuery) -> bool:
    """The query, of no schema, names an organisation (a legal form)."""
    return pq.org_hint and pq.query.schema is None


def org_hint_applies(pq: PreparedQuery, schema: str) -> bool:
    """The query, of no schema, names an organisation (a legal form), and the listed party is a person."""
    return pq.org_hint and pq.query.schema is None and schema == "Person"


def person_hint(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """The query, of no schema, names a person (a patronymic) and the listed party is no person: adds
    ``weight`` (a penalty). (From embargo-v2 on.)"""
    if not person_hint_applies(pq, schema):
        return None
    words = sorted({t.text for n in pq.names if names_person(n.tokens) for t in n.tokens[1:] if t.patronymic})
    return Contribution("schema", " ".join(words), schema, -1.0, weight, "query names a person (patronymic)")


def names_a_person(pq: PreparedQuery) -> bool:
    """The query, of no schema, names a person (a patronymic)."""
    return pq.person_hint and pq.query.schema is None


def person_hint_applies(pq: PreparedQuery, schema: str) -> bool:
    """The query, of no schema, names a person (a patronymic), and the listed party is none."""
    return pq.person_hint and pq.query.schema is None and schema not in ("Person", "LegalEntity")


# --- from embargo-v3 on ---------------------------------------------------------------------------


def birth_date_both_ways(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """``birth_date``, and evidence against where both sides give a full date of one year that differs by
    more than a typo (one digit of the day or month) or a day/month swap: adds ``algo.dob_day_mismatch``.
    A year-only or missing date stays neutral where its year agrees (or is one off). (From embargo-v3 on.)"""
    found = birth_date(algo, pq, entity, schema, weight)
    if found is not None or entity is None or schema != "Person" or not algo.dob_day_mismatch:
        return found
    q_full = [d for d in pq.query.birth_dates if len(d) == 10]
    l_full = [d for d in entity.birth_dates if len(d) == 10]
    if not q_full or not l_full or len(l_full) != len(entity.birth_dates):
        return None
    if any(q[:4] != lv[:4] or _near_date(q, lv) for q in q_full for lv in l_full):
        return None
    return Contribution("birth_date", q_full[0], l_full[0], -1.0, algo.dob_day_mismatch, "another birth date")


def _near_date(a: str, b: str) -> bool:
    """Two ISO dates of one year that a typo or a day/month swap tells apart: "1968-03-12" / "1968-12-03",
    "1968-03-12" / "1968-03-13", "1968-03-12" / "1968-08-12"."""
    am, ad, bm, bd = a[5:7], a[8:10], b[5:7], b[8:10]
    if (am, ad) == (bd, bm):
        return True
    if am == bm:
        return sum(x != y for x, y in zip(ad, bd, strict=True)) <= 1 or abs(int(ad) - int(bd)) <= 1
    if ad == bd:
        return sum(x != y for x, y in zip(am, bm, strict=True)) <= 1
    return False


def identifier_conflict(
    algo: Algorithm, pq: PreparedQuery, entity: Entity | None, schema: str, weight: float
) -> Contribution | None:
    """The query gives an IMO number and the listed vessel another one, none the same: adds
    ``algo.identifier_conflict`` (a penalty). (From embargo-v3 on.)"""
    if entity is None or not algo.identifier_conflict:
        return None
    asked = {_digits(v) for v in pq.query.identifiers} - {""}
    if not asked:
        return None
    listed = {_digits(i.value) for i in entity.identifiers if i.type == "imo"} - {""}
    if not listed or asked & listed:
        return None
    return Contribution(
        "identifier",
        ",".join(sorted(asked)),
        ",".join(sorted(listed)),
        -1.0,
        algo.identifier_conflict,
        "another IMO number",
    )


def has_identifiers(pq: PreparedQuery) -> bool:
    return bool(pq.query.identifiers)


def _digits(value: str) -> str:
    """An IMO number's seven digits ("IMO 9349588" -> "9349588"); "" for a value that is none."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits if len(digits) == 7 else ""
