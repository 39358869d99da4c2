"""Sector tags (defence, aerospace, maritime, finance, energy, ...) from what a list says.

Rules live in ``embargo/resources/sectors.yml``; this module only applies them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@lru_cache(maxsize=1)
def _rules() -> list[tuple[str, frozenset[str], re.Pattern[str] | None]]:
    text = resources.files("embargo.resources").joinpath("sectors.yml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    rules = []
    for sector, rule in data.items():
        programs = frozenset(p.upper() for p in rule.get("programs") or ())
        words = [re.escape(w.lower()) for w in rule.get("keywords") or ()]
        pattern = re.compile(r"\b(?:" + "|".join(words) + r")\b") if words else None
        rules.append((sector, programs, pattern))
    return rules


def sectors_for(programs: tuple[str, ...] | list[str] = (), *texts: str | None) -> tuple[str, ...]:
    """Sectors implied by programme codes and free texts (reasons, remarks, directives)."""
    found: set[str] = set()
    progs = {p.upper().strip() for p in programs}
    blob = " ".join(t.lower() for t in texts if t)
    for sector, prog_set, pattern in _rules():
        if progs & prog_set or (pattern is not None and blob and pattern.search(blob)):
            found.add(sector)
    return tuple(sorted(found))
