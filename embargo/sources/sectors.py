"""Sector tags (defence, aerospace, maritime, finance, energy, ...) from what a list says.

Rules live in ``embargo/resources/sectors.yml``; this module only applies them. Each tag can be
explained by the rule that gave it (:func:`explain_sectors`): a programme code, a phrase of a
reason, remark or directive, a word of an organisation's or vessel's name, or the kind of thing
listed (a vessel is maritime, an aircraft aerospace).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from embargo.model import Entity
from embargo.resources import load

# "(Linked To: BANK ROSSIYA)" names another party: its words say nothing of this one's sector.
_LINKED = re.compile(r"\(?\blinked to:[^)]*\)?", re.IGNORECASE)


@dataclass(frozen=True)
class SectorTag:
    """One sector and the rule that gave it, e.g. ``keyword 'military end user'``."""

    sector: str
    rule: str

    def to_dict(self) -> dict[str, str]:
        return {"sector": self.sector, "rule": self.rule}


@dataclass(frozen=True)
class _Rule:
    sector: str
    programs: frozenset[str]
    keywords: re.Pattern[str] | None
    names: re.Pattern[str] | None
    schemas: frozenset[str]


def _words(values: Iterable[str], prefix: bool) -> re.Pattern[str] | None:
    """Phrases matched as whole words; in names a phrase ending in ``*`` is a word prefix."""
    parts = []
    for v in values:
        v = v.lower()
        if prefix and v.endswith("*"):
            parts.append(re.escape(v[:-1]) + r"\w*")
        else:
            parts.append(re.escape(v))
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b") if parts else None


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    data: dict[str, Any] = load("sectors.yml")
    return tuple(
        _Rule(
            sector,
            frozenset(p.upper() for p in rule.get("programs") or ()),
            _words(rule.get("keywords") or (), prefix=False),
            _words(rule.get("names") or (), prefix=True),
            frozenset(rule.get("schemas") or ()),
        )
        for sector, rule in data.items()
    )


def explain_sectors(programs: tuple[str, ...] | list[str] = (), *texts: str | None) -> tuple[SectorTag, ...]:
    """Sectors implied by programme codes and free texts, each with the first rule that gave it."""
    progs = {p.upper().strip() for p in programs}
    blob = _LINKED.sub(" ", " ".join(t.lower() for t in texts if t))
    out = []
    for rule in _rules():
        hit = sorted(progs & rule.programs)
        if hit:
            out.append(SectorTag(rule.sector, f"programme {hit[0]}"))
            continue
        found = rule.keywords.search(blob) if rule.keywords is not None and blob else None
        if found:
            out.append(SectorTag(rule.sector, f"keyword '{found.group(0)}'"))
    return tuple(sorted(out, key=lambda t: t.sector))


def sectors_for(programs: tuple[str, ...] | list[str] = (), *texts: str | None) -> tuple[str, ...]:
    """Sectors implied by programme codes and free texts (reasons, remarks, directives)."""
    return tuple(t.sector for t in explain_sectors(programs, *texts))


def explain_entity_sectors(schema: str, names: Iterable[str]) -> tuple[SectorTag, ...]:
    """Sectors the listed thing itself shows: a vessel or aircraft, or a word of a name (not of a
    person's name: Mr Bank is no bank)."""
    out = []
    blob = " ".join(n.lower() for n in names) if schema != "Person" else ""
    for rule in _rules():
        if schema in rule.schemas:
            out.append(SectorTag(rule.sector, f"listed {schema.lower()}"))
            continue
        found = rule.names.search(blob) if rule.names is not None and blob else None
        if found:
            out.append(SectorTag(rule.sector, f"name word '{found.group(0)}'"))
    return tuple(sorted(out, key=lambda t: t.sector))


def tag_entity(entity: Entity) -> Entity:
    """The entity with the sectors of :func:`explain_entity_sectors` added to each sanction."""
    extra = {t.sector for t in explain_entity_sectors(entity.schema, (n.value for n in entity.names))}
    if not extra or not entity.sanctions:
        return entity
    sanctions = tuple(
        replace(s, sectors=tuple(sorted(set(s.sectors) | extra))) if not extra <= set(s.sectors) else s
        for s in entity.sanctions
    )
    return entity if sanctions == entity.sanctions else replace(entity, sanctions=sanctions)


def explain_entity(entity: Entity) -> tuple[SectorTag, ...]:
    """Every sector tag of an entity with the rule that gave it. A tag no rule here gives again was
    stated by the list itself (an OFAC directive or target type, a CSL list, a vessel's type)."""
    texts = [t for s in entity.sanctions for t in (s.reason, *s.measures)]
    texts += [*entity.prop("notes"), *entity.prop("type"), *entity.prop("classification")]
    programs = [p for s in entity.sanctions for p in s.programs]
    found = {t.sector: t for t in explain_sectors(programs, *texts)}
    for t in explain_entity_sectors(entity.schema, (n.value for n in entity.names)):
        found.setdefault(t.sector, t)
    tags = {t for s in entity.sanctions for t in s.sectors}
    return tuple(found.get(t) or SectorTag(t, "stated by the list") for t in sorted(tags))
