"""What one request may ask: caps on the queries and names it screens, text that is valid Unicode,
dates and date-times read whole. Each refusal is a 422 that says what and where."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from fastapi import HTTPException

MAX_NAMES = 20  # name values (name, alias, weakAlias, previousName) in one query
MAX_VALUES = 100  # values of one query, every property together
MAX_REQUEST_NAMES = 200  # name values in one /match request, every query together
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
MAX_OFFSET = 2**31 - 1  # rows a listing may skip (a larger number overflows the databases' integers)


def check_text(value: str, where: str) -> None:
    """422 for a string that is not valid Unicode (a lone surrogate, as JSON's ``\\ud800`` gives)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = ord(value[exc.start])
        raise HTTPException(
            422,
            f"{where}: character {exc.start + 1} is a lone surrogate (U+{bad:04X}), not valid Unicode text",
        ) from None


def check_texts(values: Iterable[Any], where: str) -> None:
    for i, v in enumerate(values):
        if isinstance(v, str):
            check_text(v, f"{where}[{i}]")


def check_match_queries(queries: Mapping[str, Mapping[str, Any]]) -> None:
    """The /match queries (as dicts) within the caps, and their text valid."""
    total = 0
    for key, q in queries.items():
        check_text(key, "queries: a key")
        where = f"queries.{key}"
        for field in ("id", "schema"):
            if isinstance(q.get(field), str):
                check_text(q[field], f"{where}.{field}")
        props: Mapping[str, Any] = q.get("properties") or {}
        count = names = 0
        for prop, raw in props.items():
            check_text(prop, f"{where}.properties: a property name")
            vals = [raw] if isinstance(raw, str) else list(raw)
            check_texts(vals, f"{where}.properties.{prop}")
            count += len(vals)
            if prop in NAME_PROPS:
                names += len(vals)
        if names > MAX_NAMES:
            raise HTTPException(422, f"{where} has {names} names; the limit is {MAX_NAMES} per query")
        if count > MAX_VALUES:
            raise HTTPException(
                422, f"{where} has {count} property values; the limit is {MAX_VALUES} per query"
            )
        total += names
    if total > MAX_REQUEST_NAMES:
        raise HTTPException(
            422,
            f"the request has {total} names; the limit is {MAX_REQUEST_NAMES} per request (split the batch)",
        )


def check_date(value: str | None, what: str) -> str | None:
    """A date given as YYYY-MM-DD, read whole (trailing text is refused, not ignored)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise HTTPException(422, f"{what} {value!r} is not a date (expected YYYY-MM-DD)") from None


def since_date(value: str | None, what: str) -> str | None:
    """The day of a date or ISO 8601 date-time (``2024-05-02``, ``2024-05-02T13:00:00Z``; a time with an
    offset is taken to UTC first), read whole. List versions are dated by day: a version published that
    day counts as changed since any time of it."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(
            422, f"{what} {value!r} is not a date or date-time (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
        ) from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.date().isoformat()
