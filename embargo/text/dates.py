"""Partial dates: the many ways lists print a date, turned into ISO prefixes.

``parse_dates("circa 1963")`` -> ``["1963"]``; ``"21 Dec 1963"`` -> ``["1963-12-21"]``;
``"1962 to 1964"`` -> ``["1962", "1963", "1964"]``; ``"Dec 1963"`` -> ``["1963-12"]``.
Pure functions, no locale.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$")
_DMY_NAME = re.compile(r"^(\d{1,2})[\s\-./]+([A-Za-z]{3,9})\.?[\s\-./,]+(\d{4})$")
_MDY_NAME = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MY_NAME = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-./,]+(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_NUMERIC_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*(?:to|-|–|/)\s*(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_QUALIFIERS = re.compile(r"^(?:circa|ca\.?|c\.|approximately|approx\.?|about|around|born|in)\s+", re.I)


def _valid(y: int, m: int | None = None, d: int | None = None) -> bool:
    if not 1800 <= y <= 2100:
        return False
    if m is None:
        return True
    if not 1 <= m <= 12:
        return False
    if d is None:
        return True
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if not _valid(y, m, d):
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_date(text: str | None, *, dayfirst: bool = True) -> str | None:
    """One date -> ISO (partial) string, or None when it is not a date we can read."""
    found = parse_dates(text, dayfirst=dayfirst)
    return found[0] if len(found) == 1 else None


def parse_dates(text: str | None, *, dayfirst: bool = True) -> list[str]:
    """All dates one field means: a date, a partial date, or a year range."""
    if text is None:
        return []
    s = " ".join(text.strip().strip(";,").split())
    if not s:
        return []
    s = _QUALIFIERS.sub("", s)
    m = _ISO.match(s)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        out = _fmt(int(y), int(mo) if mo else None, int(d) if d else None)
        return [out] if out else []
    m = _DMY_NAME.match(s)
    if m and m.group(2).lower() in MONTHS:
        out = _fmt(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        return [out] if out else []
    m = _MDY_NAME.match(s)
    if m and m.group(1).lower() in MONTHS:
        out = _fmt(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        return [out] if out else []
    m = _MY_NAME.match(s)
    if m and m.group(1).lower() in MONTHS:
        out = _fmt(int(m.group(2)), MONTHS[m.group(1).lower()])
        return [out] if out else []
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, mon = (a, b) if dayfirst else (b, a)
        if a == 0 and b == 0:
            out = _fmt(y)
        elif day == 0:  # 00/12/1963: month known, day not
            out = _fmt(y, mon)
        else:
            out = _fmt(y, mon, day)
        return [out] if out else []
    m = _NUMERIC_MY.match(s)
    if m:
        out = _fmt(int(m.group(2)), int(m.group(1)))
        return [out] if out else []
    m = _RANGE.match(s)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if _valid(a) and _valid(b) and a <= b and b - a <= 10:
            return [f"{y:04d}" for y in range(a, b + 1)]
        return []
    m = _YEAR.match(s)
    if m:
        out = _fmt(int(m.group(1)))
        return [out] if out else []
    return []


def excel_serial_to_iso(serial: float | int) -> str | None:
    """Excel's 1900 date system (as in DFAT's ``Control Date``)."""
    try:
        value = float(serial)
    except (TypeError, ValueError):
        return None
    if not 1 <= value < 80000:
        return None
    d = date(1899, 12, 30) + timedelta(days=int(value))
    return d.isoformat()
