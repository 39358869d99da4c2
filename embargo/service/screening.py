"""Screening queries from the edges (CLI, files, HTTP): parsing and validation into a typed ``Query``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from embargo.errors import EmbargoError
from embargo.match.types import Query
from embargo.text.dates import parse_date

SCHEMA_ALIASES = {
    "person": "Person",
    "individual": "Person",
    "organization": "Organization",
    "organisation": "Organization",
    "entity": "LegalEntity",
    "company": "Company",
    "legalentity": "LegalEntity",
    "vessel": "Vessel",
    "ship": "Vessel",
    "aircraft": "Airplane",
    "airplane": "Airplane",
    "thing": "",
    "any": "",
    "": "",
}
ID_PROPS = (
    "idNumber",
    "passportNumber",
    "imoNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "mmsi",
    "callSign",
    "serialNumber",
)
MAX_NAME = 500  # characters; a longer "name" is not a name
MAX_VALUES = 50


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


class QueryError(EmbargoError):
    """A query that cannot be screened; the message says which field and why."""


def normalize_schema(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().lower().replace("_", "").replace(" ", "")
    if key not in SCHEMA_ALIASES:
        raise QueryError(
            f"unknown type {value!r} (use person, organization, company, legalentity, vessel or aircraft)"
        )
    return SCHEMA_ALIASES[key] or None


def make_query(
    names: list[str],
    *,
    schema: str | None = None,
    birth_dates: list[str] | None = None,
    countries: list[str] | None = None,
    identifiers: list[str] | None = None,
    gender: str | None = None,
    query_id: str | None = None,
) -> Query:
    """Validated query: names present and of sane length, dates readable, schema known."""
    clean_names = [n.strip() for n in names if n and n.strip()]
    if not clean_names and not identifiers:
        raise QueryError("a query needs a name (or an identifier)")
    for n in clean_names:
        if len(n) > MAX_NAME:
            raise QueryError(f"name is {len(n)} characters long; the limit is {MAX_NAME}")
    dates = []
    for d in birth_dates or []:
        iso = parse_date(d, dayfirst=True)
        if iso is None:
            raise QueryError(f"birth date {d!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        dates.append(iso)
    values = [*clean_names, *(countries or []), *(identifiers or [])]
    if len(values) > MAX_VALUES * 3:
        raise QueryError("too many values in one query")
    g = (gender or "").strip().lower() or None
    if g not in (None, "male", "female", "m", "f"):
        raise QueryError(f"gender {gender!r} is not male or female")
    g = {"m": "male", "f": "female"}.get(g or "", g)
    return Query(
        names=tuple(clean_names[:MAX_VALUES]),
        schema=normalize_schema(schema),
        birth_dates=tuple(dates[:MAX_VALUES]),
        countries=tuple(c.strip() for c in (countries or [])[:MAX_VALUES] if c and c.strip()),
        identifiers=tuple(i.strip() for i in (identifiers or [])[:MAX_VALUES] if i and i.strip()),
        gender=g,
        id=query_id,
    )


def query_from_ftm(data: Mapping[str, Any], default_id: str | None = None) -> Query:
    """A yente /match style query: ``{"id", "schema", "properties": {"name": [...], "birthDate": [...]}}``."""
    if not isinstance(data, Mapping):
        raise QueryError("a query must be a JSON object")
    props = data.get("properties", {})
    if not isinstance(props, Mapping):
        raise QueryError("'properties' must be an object of lists")

    def values(key: str) -> list[str]:
        v = props.get(key, [])
        if isinstance(v, str):
            return [v]
        if not isinstance(v, list) or not all(isinstance(x, str | int | float) for x in v):
            raise QueryError(f"property {key!r} must be a list of strings")
        return [str(x) for x in v]

    ids = [x for key in ID_PROPS for x in values(key)]
    countries = values("nationality") + values("country") + values("citizenship") + values("jurisdiction")
    countries += values("flag")
    qid = data.get("id", default_id)
    return make_query(
        values("name") + values("alias") + values("weakAlias") + values("previousName"),
        schema=data.get("schema"),
        birth_dates=values("birthDate") + values("buildDate") + values("incorporationDate"),
        countries=countries,
        identifiers=ids,
        gender=_first(values("gender")),
        query_id=str(qid) if qid is not None else None,
    )
