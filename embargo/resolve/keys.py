"""Strong keys: values that name one party wherever a list prints them.

Each key is a ``(kind, value)`` pair; two entities that carry the same key are evidence of one party:

* ``ofac_id``: OFAC's ent_num, on the SDN and non-SDN lists and on the CSL's copies of them;
* ``dpl_name``: the Denied Persons List's name of an entry, on BIS's file and on the CSL's copy;
* ``un_ref``: the UN Security Council reference number (``QDi.001``) on the UN list and on the entries
  other authorities took over from it;
* ``document``, ``registration``, ``imo``, ``lei``, ``swift``, ``aircraft_serial``: an identifier,
  written one way (:func:`embargo.text.identifiers.normalize_identifier`);
* ``name_birth_date``: a person's full name (its words in any order) and full date of birth;
* ``full_name``: a person's full name of three distinctive words or more (not particles such as ``abu``,
  ``al``, ``bin`` nor the commonest given names: ``resolve.yml``), accepted only where no list has two
  entries bearing it and, by :mod:`embargo.resolve.groups`, where no fact of the two entries disagrees.

Which fields hold them, per list, is reference data (``embargo/resources/resolve.yml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from embargo.model import Entity
from embargo.text._data import load
from embargo.text.identifiers import normalize_identifier
from embargo.text.names import name_tokens

# the kinds in the order their evidence is applied: the most specific first
KINDS: tuple[str, ...] = (
    "ofac_id",
    "dpl_name",
    "un_ref",
    "imo",
    "lei",
    "swift",
    "aircraft_serial",
    "document",
    "registration",
    "name_birth_date",
    "full_name",
)
NAME_KINDS = frozenset({"name_birth_date", "full_name"})  # keys read from names: facts must not disagree
RESOLVED_NAMES = frozenset({"primary", "alias", "original"})  # weak a.k.a.s and former names name no one

_UN_REF = re.compile(r"^\s*([A-Za-z]{2})([ieIE])\s*\.\s*(\d{1,4})\s*\.?\s*$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MIN_ID = 6  # an identifier shorter than this (once normalised) is too likely to recur by chance
_MIN_ID_DIGITS = 3
_MIN_WORD = 3
_FULL_NAME_WORDS = 3


@dataclass(frozen=True)
class Reference:
    """The list fields that hold keys (``resolve.yml``)."""

    consolidations: frozenset[str]
    mirrors: dict[str, tuple[frozenset[str], frozenset[str]]]  # kind -> (sources, CSL prefixes)
    un_sources: frozenset[str]
    un_notes: frozenset[str]
    un_props: tuple[str, ...]
    identifier_classes: dict[str, str]
    particles: frozenset[str]


@lru_cache(maxsize=1)
def reference() -> Reference:
    data: dict[str, Any] = load("resolve.yml")
    mirrors = {
        kind: (frozenset(data[kind]["sources"]), frozenset(data[kind]["csl_prefixes"]))
        for kind in ("ofac_id", "dpl_name")
    }
    un = data["un_ref"]
    return Reference(
        consolidations=frozenset(data["consolidations"]),
        mirrors=mirrors,
        un_sources=frozenset(un["sources"]),
        un_notes=frozenset(un["identifier_notes"]),
        un_props=tuple(un["props"]),
        identifier_classes=dict(data["identifier_classes"]),
        particles=frozenset(data["name_particles"]),
    )


def un_ref(value: str) -> str | None:
    """``QDi.1`` / ``qdi.001`` / ``QDi.001.`` -> ``QDi.001``; None for anything else."""
    m = _UN_REF.match(value)
    if m is None:
        return None
    return f"{m.group(1).upper()}{m.group(2).lower()}.{int(m.group(3)):03d}"


def name_key(name: str) -> str:
    """A name's words, folded to ASCII and sorted: ``ROGOZIN, Dmitry Olegovich`` -> ``dmitry olegovich rogozin``."""
    return " ".join(sorted(name_tokens(name)))


def full_dates(entity: Entity) -> frozenset[str]:
    return frozenset(d for d in entity.birth_dates if _FULL_DATE.match(d))


def person_name_keys(entity: Entity) -> set[str]:
    """The name keys of a person's names that identify someone (two words or more)."""
    keys = set()
    for n in entity.names:
        if n.kind in RESOLVED_NAMES:
            key = name_key(n.value)
            if key.count(" ") >= 1:
                keys.add(key)
    return keys


def strong_keys(entity: Entity) -> Iterator[tuple[str, str]]:
    """Every strong key the entity carries (a key may come out twice)."""
    ref = reference()
    yield from _mirror_keys(entity, ref)
    yield from _un_keys(entity, ref)
    for ident in entity.identifiers:
        cls = ref.identifier_classes.get(ident.type)
        if cls is None:
            continue
        value = normalize_identifier(ident.value)
        if len(value) >= _MIN_ID and sum(c.isdigit() for c in value) >= _MIN_ID_DIGITS:
            yield cls, value
    if entity.schema == "Person":
        dates = full_dates(entity)
        for key in person_name_keys(entity):
            for d in dates:
                yield "name_birth_date", f"{key} | {d}"
            if _distinctive(key, ref.particles):
                yield "full_name", key


def _distinctive(key: str, particles: frozenset[str]) -> bool:
    """Whether a name key has three words of three letters or more that are not particles or the most
    common given names (``abu al walid`` is a nickname many share, ``dmitry olegovich rogozin`` one man)."""
    return sum(1 for w in key.split(" ") if len(w) >= _MIN_WORD and w not in particles) >= _FULL_NAME_WORDS


def _mirror_keys(entity: Entity, ref: Reference) -> Iterator[tuple[str, str]]:
    for kind, (sources, prefixes) in ref.mirrors.items():
        if entity.source in sources:
            yield kind, _mirror_value(kind, entity.source_id)
        elif entity.source in ref.consolidations and "-" in entity.source_id:
            prefix, rest = entity.source_id.split("-", 1)
            if prefix in prefixes:
                yield kind, _mirror_value(kind, rest)


def _mirror_value(kind: str, value: str) -> str:
    return " ".join(value.upper().split()) if kind == "dpl_name" else value.strip()


def _un_keys(entity: Entity, ref: Reference) -> Iterator[tuple[str, str]]:
    if entity.source in ref.un_sources:
        found = un_ref(entity.source_id)
        if found:
            yield "un_ref", found
    for ident in entity.identifiers:
        if ident.note in ref.un_notes:
            found = un_ref(ident.value)
            if found:
                yield "un_ref", found
    for prop in ref.un_props:
        for value in entity.prop(prop):
            found = un_ref(value)
            if found:
                yield "un_ref", found
