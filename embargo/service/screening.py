"""Screening queries from the edges (CLI, files, HTTP): parsing, validation, and the screener over the store."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

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


CSV_COLUMNS = {
    "name": "name",
    "names": "name",
    "full_name": "name",
    "alias": "name",
    "type": "schema",
    "schema": "schema",
    "birth_date": "birth_date",
    "birthdate": "birth_date",
    "dob": "birth_date",
    "date_of_birth": "birth_date",
    "country": "country",
    "nationality": "country",
    "id": "id",
    "query_id": "id",
    "identifier": "identifier",
    "passport": "identifier",
    "imo": "identifier",
    "id_number": "identifier",
    "registration_number": "identifier",
    "gender": "gender",
}


def read_queries(path: Path) -> Iterator[Query]:
    """Queries from JSON lines (yente shape) or CSV with named columns; errors name the line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QueryError(f"{path}: cannot read ({exc.strerror})") from exc
    text = raw.decode("utf-8-sig", errors="strict") if raw else ""
    if path.suffix.lower() in (".csv", ".tsv"):
        yield from _csv_queries(path, text, "\t" if path.suffix.lower() == ".tsv" else ",")
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise QueryError(f"{path}: line {n}: not JSON ({exc})") from exc
        try:
            yield query_from_ftm(data, default_id=str(n))
        except QueryError as exc:
            raise QueryError(f"{path}: line {n}: {exc}") from exc


def _csv_queries(path: Path, text: str, delimiter: str) -> Iterator[Query]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames:
        raise QueryError(f"{path}: empty file (expected a header row with a 'name' column)")
    mapping = {f: CSV_COLUMNS.get(f.strip().lower().replace(" ", "_")) for f in reader.fieldnames}
    if "name" not in mapping.values():
        raise QueryError(f"{path}: no name column (columns: {', '.join(reader.fieldnames)})")
    for n, row in enumerate(reader, 2):
        got: dict[str, list[str]] = {}
        for col, value in row.items():
            key = mapping.get(col) if col is not None else None
            if key and value and value.strip():
                got.setdefault(key, []).append(value.strip())
        try:
            yield make_query(
                got.get("name", []),
                schema=_first(got.get("schema")),
                birth_dates=got.get("birth_date"),
                countries=got.get("country"),
                identifiers=got.get("identifier"),
                gender=_first(got.get("gender")),
                query_id=(got.get("id") or [str(n)])[0],
            )
        except QueryError as exc:
            raise QueryError(f"{path}: line {n}: {exc}") from exc
