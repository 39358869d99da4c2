"""Value cleaning every format shares: a party's gender, a country given as a code or a name, and
dates printed in parts, as ranges, as timestamps or as spreadsheet numbers.

Pure functions, text in and ISO out; a value they cannot read gives None (or nothing), never a guess.
Country names themselves are read by :func:`embargo.text.countries.country_code`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from embargo.text.countries import country_code
from embargo.text.dates import excel_serial_to_iso, parse_dates

_GENDERS = {"male": "male", "female": "female", "m": "male", "f": "female"}


def gender(value: str | None) -> str | None:
    """``Male``, ``F``, ``female.`` -> ``male`` / ``female``; anything else (unknown, other) -> None."""
    return _GENDERS.get((value or "").strip().rstrip(".").lower())


def one_gender(values: Iterable[str | None]) -> str | None:
    """The gender every readable value agrees on; None when there is none or the sources disagree."""
    found = {g for v in values if (g := gender(v))}
    return found.pop() if len(found) == 1 else None


def country(code: str | None, name: str | None) -> str | None:
    """A country printed as an ISO alpha-2 code (preferred) or a name -> the code, lower case."""
    code = (code or "").strip()
    if code:
        return code.lower()
    return country_code(name) if name else None


_PAREN_TAIL = re.compile(r"\s*\(([^()]*)\)\s*$")


def country_tail(value: str) -> tuple[str, str | None]:
    """``"123 (Russia)"`` -> ``("123", "ru")``; a parenthesis that is not a country stays in the value."""
    m = _PAREN_TAIL.search(value)
    if m:
        code = country_code(m.group(1))
        if code is not None:
            return value[: m.start()].strip(), code
    return value, None


def iso_date(value: str | None) -> str | None:
    """``2018-10-29T19:09:49.856-04:00``, ``1962-11-09-05:00`` (xsd:date with offset) -> ISO date."""
    if not value:
        return None
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    found = parse_dates(m.group(1) if m else value)
    return found[0] if len(found) == 1 else None


def year(value: str) -> str | None:
    """A single (partial) date or year as ISO, or None."""
    found = parse_dates(value)
    return found[0] if len(found) == 1 else None


def partial_date(y: str | None, m: str | None, d: str | None) -> str | None:
    """A date printed in parts (year, month, day; month and day may be empty or 0) -> ISO prefix."""
    if not (y and y.isdigit()):
        return None
    value = y
    if m and m.isdigit() and int(m):
        value += f"-{int(m):02d}"
        if d and d.isdigit() and int(d):
            value += f"-{int(d):02d}"
    return year(value)


def year_range(start: str | None, end: str | None) -> list[str]:
    """``FROM_YEAR``/``TO_YEAR``: every year of a short range, the two ends of a long one."""
    a, b = year(start or ""), year(end or "")
    if a and b and a <= b:
        years = range(int(a), int(b) + 1)
        return [f"{y:04d}" for y in years] if len(years) <= 11 else [a, b]
    return [y for y in (a, b) if y]


def date_span(text: str) -> list[str]:
    """Dates as a list prints them, also ``01 Jan 1958 to 31 Dec 1960`` (the years it spans, or
    its month when both ends fall in one)."""
    found = parse_dates(text)
    if found or " to " not in text.lower():
        return found
    start, _, end = text.lower().partition(" to ")
    a, b = parse_dates(start.removeprefix("circa ").strip()), parse_dates(end.strip())
    if len(a) != 1 or len(b) != 1 or b[0] < a[0]:
        return []
    if a[0][:7] == b[0][:7] and len(a[0]) >= 7:
        return [a[0][:7]]
    return parse_dates(f"{a[0][:4]} to {b[0][:4]}")


def serial_or_year(number: int) -> list[str]:
    """A spreadsheet cell holding a number: a year (1800-2100) or an Excel date serial."""
    if 1800 <= number <= 2100:
        return [f"{number:04d}"]
    iso = excel_serial_to_iso(number)
    return [iso] if iso else []
