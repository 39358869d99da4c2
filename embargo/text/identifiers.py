"""Identifiers (IMO numbers, passports, registrations) written one way, so that equal ones compare equal."""

from __future__ import annotations

import re

_ID_CLEAN = re.compile(r"[^0-9a-z]+")


def normalize_identifier(value: str) -> str:
    """'IMO 9187629' / 'imo9187629' -> '9187629'; passports and ids: alphanumerics, lower case."""
    v = _ID_CLEAN.sub("", value.lower())
    if v.startswith("imo") and v[3:].isdigit():
        v = v[3:]
    return v
