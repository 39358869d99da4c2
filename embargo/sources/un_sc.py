"""UN Security Council Consolidated List: ``consolidated.xml`` (sc-sanctions.xsd).

Root ``CONSOLIDATED_LIST`` (``dateGenerated``) with ``INDIVIDUALS/INDIVIDUAL`` and
``ENTITIES/ENTITY``. Each record is flattened into a :class:`Record` whose keys are element
paths (``FIRST_NAME``, ``NATIONALITY/VALUE``; repeated groups such as ``INDIVIDUAL_ALIAS`` hold
sub-records keyed ``INDIVIDUAL_ALIAS/ALIAS_NAME`` ...), so any element the mapper does not
read shows up in :attr:`ParsedList.unconsumed`. Layout (compact, single- or double-quoted,
indented) never changes the result: only element text, stripped, is read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from embargo.errors import ListFormatError
from embargo.model.entity import (
    Address,
    Entity,
    Identifier,
    IdType,
    Name,
    NameKind,
    Sanction,
    Schema,
    make_entity,
)
from embargo.sources.base import ParsedList, Reading, Record, SourceInfo
from embargo.sources.catalog import source_info
from embargo.sources.sectors import sectors_for
from embargo.sources.values import gender, iso_date, year, year_range
from embargo.sources.xml_stream import groups, root_tag, stream, text, texts, track
from embargo.text.countries import country_code
from embargo.text.dates import parse_dates

NAME = "un_sc_xml"
SOURCE = "un_sc"
_ROOT = "CONSOLIDATED_LIST"
_SCHEMAS: dict[str, Schema] = {"INDIVIDUAL": "Person", "ENTITY": "Organization"}
_TAGS = frozenset(_SCHEMAS)
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# Fields that carry nothing (always empty or constant) and are read on purpose as "skipped".
_SKIPPED = ("VERSIONNUM", "SORT_KEY", "SORT_KEY_LAST_MOD", "LIST_TYPE/VALUE")
_ALIAS_KINDS: dict[str, NameKind] = {"low": "weak", "f.k.a.": "former"}
_ENUM = re.compile(r"^\(?[a-z]\)\s+")  # "a) Director of ...": the list's enumeration, not the value


def sniff(path: Path, head: bytes) -> str | None:
    """UN and OFAC both publish ``consolidated.xml``: decide by the root element."""
    return SOURCE if root_tag(head) == _ROOT else None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    info = source_info(source)
    r = Reading(path, source, NAME)
    root_attrs: dict[str, str] = {}
    records = stream(
        path, root=_ROOT, depth=3, tags=_TAGS, root_attrs=root_attrs, what="a UN SC consolidated list"
    )
    for n, (tag, rec, subs) in enumerate(records, 1):
        ref = text(rec, "REFERENCE_NUMBER")
        if ref is None:
            raise ListFormatError(path, f"{tag} without REFERENCE_NUMBER", where=f"record #{n}")
        r.entities.append(_map(rec, ref, _SCHEMAS[tag], source, info, r.warnings))
        track(r.tracker, rec, subs)
    if not r.entities:
        raise ListFormatError(path, "no INDIVIDUAL or ENTITY records: empty or truncated list")
    return r.finish(list_date=iso_date(root_attrs.get("dateGenerated")))


# --- mapping --------------------------------------------------------------------------------


def _map(rec: Record, ref: str, schema: Schema, source: str, info: SourceInfo, warnings: list[str]) -> Entity:
    rec.consume(*_SKIPPED)
    kind = "INDIVIDUAL" if schema == "Person" else "ENTITY"
    notes: list[str] = []
    names = _names(rec, kind, notes)
    if not any(n.kind == "primary" for n in names):
        warnings.append(f"{ref}: no primary name")
    birth_dates, birth_places, birth_countries = _birth(rec, notes)
    nationalities = [
        c for v in texts(rec, "NATIONALITY/VALUE") for c in countries_in(v, notes, "Nationality")
    ]
    identifiers = [Identifier("other", ref, None, "UN reference number")]
    identifiers += [Identifier("other", v, None, "UN DATAID") for v in texts(rec, "DATAID")]
    identifiers += _documents(rec, notes)
    addresses = [a for g in groups(rec, f"{kind}_ADDRESS") if (a := _address(g, f"{kind}_ADDRESS/"))]
    for label, key in (("Submitted by", "SUBMITTED_BY"), ("Submitted on", "SUBMITTED_ON")):
        notes += [f"{label}: {v}" for v in texts(rec, key)]
    programs = tuple(texts(rec, "UN_LIST_TYPE"))
    reason = text(rec, "COMMENTS1")
    sanction = Sanction(
        authority=info.authority,
        list_name=info.title,
        programs=programs,
        listing_date=iso_date(text(rec, "LISTED_ON")),
        reason=reason,
        sectors=sectors_for(programs, reason),
        country=info.country,
    )
    return make_entity(
        source=source,
        source_id=ref,
        schema=schema,
        names=names,
        birth_dates=birth_dates,
        birth_places=birth_places,
        nationalities=nationalities,
        countries=[a.country for a in addresses],
        gender=gender(text(rec, "GENDER")),
        identifiers=identifiers,
        addresses=addresses,
        sanctions=[sanction],
        props={
            "title": texts(rec, "TITLE/VALUE"),
            "position": [_ENUM.sub("", v) for v in texts(rec, "DESIGNATION/VALUE")],
            "modifiedAt": [iso_date(v) for v in texts(rec, "LAST_DAY_UPDATED/VALUE")],
            "birthCountry": birth_countries,
            "notes": notes,
        },
    )


def _names(rec: Record, kind: str, notes: list[str]) -> list[Name]:
    parts = [p for key in _NAME_PARTS if (p := text(rec, key))]
    # One record prints two names as "CAGL ; GREAT LAKES BUSINESS COMPANY": the first is primary.
    primary = split_names(" ".join(parts))
    names = [Name(n, "primary" if i == 0 else "alias") for i, n in enumerate(primary)]
    names += [Name(v, "original") for v in texts(rec, "NAME_ORIGINAL_SCRIPT")]
    for g in groups(rec, f"{kind}_ALIAS"):
        p = f"{kind}_ALIAS/"
        alias = text(g, p + "ALIAS_NAME")
        quality = (text(g, p + "QUALITY") or "").lower()
        note = text(g, p + "NOTE")
        if alias is None:
            if note:
                notes.append(f"Alias: {note}")
            continue
        names += [Name(n, _ALIAS_KINDS.get(quality, "alias")) for n in split_names(alias)]
        if note:
            notes.append(f"Alias {alias}: {note}")
    return names


def split_names(value: str) -> list[str]:
    """``"Azim Adhajani; Azim Agha-Jani"``: several spellings in one field."""
    return [n for n in (p.strip() for p in value.split(";")) if n]


def _birth(rec: Record, notes: list[str]) -> tuple[list[str], list[str], list[str]]:
    dates: list[str] = []
    places: list[str] = []
    countries: list[str] = []
    p = "INDIVIDUAL_DATE_OF_BIRTH/"
    for g in groups(rec, "INDIVIDUAL_DATE_OF_BIRTH"):
        g.consume(p + "TYPE_OF_DATE")  # EXACT / APPROXIMATELY / BETWEEN: the fields below say it all
        for key in ("DATE", "YEAR"):
            dates += [d for v in texts(g, p + key) if (d := iso_date(v) or year(v))]
        dates += year_range(text(g, p + "FROM_YEAR"), text(g, p + "TO_YEAR"))
        notes += [f"Date of birth: {v}" for v in texts(g, p + "NOTE") if v.lower() != "approximately"]
    p = "INDIVIDUAL_PLACE_OF_BIRTH/"
    for g in groups(rec, "INDIVIDUAL_PLACE_OF_BIRTH"):
        place = _join(text(g, p + k) for k in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))
        note = text(g, p + "NOTE")
        if place or note:
            places.append(f"{place} ({note})" if place and note else place or note or "")
        countries += [c for v in texts(g, p + "COUNTRY") for c in countries_in(v, notes, "Country of birth")]
    p = "INDIVIDUAL_ALIAS/"  # an alias may carry its own (often false-document) birth data
    for g in groups(rec, "INDIVIDUAL_ALIAS"):
        for v in texts(g, p + "DATE_OF_BIRTH"):
            d = iso_date(v)
            dates += [d] if d else parse_dates(v)
        place = _join(text(g, p + k) for k in ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"))
        if place:
            places.append(place)
        countries += [
            c for v in texts(g, p + "COUNTRY_OF_BIRTH") for c in countries_in(v, notes, "Country of birth")
        ]
    return dates, places, countries


def _documents(rec: Record, notes: list[str]) -> list[Identifier]:
    out: list[Identifier] = []
    p = "INDIVIDUAL_DOCUMENT/"
    for g in groups(rec, "INDIVIDUAL_DOCUMENT"):
        type1 = text(g, p + "TYPE_OF_DOCUMENT")
        type2 = text(g, p + "TYPE_OF_DOCUMENT2")
        number = text(g, p + "NUMBER")
        issuer = text(g, p + "ISSUING_COUNTRY")
        country_of_issue = text(g, p + "COUNTRY_OF_ISSUE")
        label = type2 or type1
        details = [
            f"issued {d}" if (d := text(g, p + "DATE_OF_ISSUE")) else None,
            f"in {c}" if (c := text(g, p + "CITY_OF_ISSUE")) else None,
            f"country of issue {country_of_issue}" if country_of_issue and issuer else None,
            text(g, p + "NOTE"),
        ]
        note = "; ".join(x for x in (label, *details) if x)
        if number is None:
            if note:
                notes.append(f"Document: {note}")
            continue
        code = _code(issuer or country_of_issue)
        out.append(Identifier(document_type(type1, type2), number, code, note or None))
    return out


_OTHER_DOCS = (
    "birth certificate",
    "ration card",
    "driver",
    "voter",
    "student",
    "military",
    "residential",
    "serviceman",
    "certificate of",
    "fardc",
    "other id",
)


def document_type(type1: str | None, type2: str | None) -> IdType:
    """UN document labels -> embargo identifier types (the label itself is kept as the note)."""
    t2 = (type2 or "").lower()
    if "passport" in t2:
        return "passport"
    if "fiscal code" in t2 or "tax" in t2:
        return "tax_id"
    if any(k in t2 for k in _OTHER_DOCS):
        return "other"
    if any(k in t2 for k in ("national", "identity", "identification", "tazkira", "social security")):
        return "national_id"
    t1 = " ".join((type1 or "").lower().split())
    if any(k in t1 for k in ("passport", "passeport", "pasaporte")):
        return "passport"
    if "identification" in t1:
        return "national_id"
    return "other"


def _address(g: Record, p: str) -> Address | None:
    street, city, region, postal, country = (
        text(g, p + k) for k in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
    )
    note = text(g, p + "NOTE")
    full = _join((street, city, region, postal, country))
    if not full and not note:
        return None
    full = f"{full} ({note})" if full and note else full or note or ""
    return Address(full, street, city, region, postal, _code(country))


def _join(parts: Any) -> str:
    return ", ".join(p for p in parts if p)


def _code(value: str | None) -> str | None:
    """One country code for a field whose full text is kept elsewhere (address, document note)."""
    found = countries_in(value, [], "") if value else []
    return found[0] if found else None


_SPLIT = re.compile(r"\s*(?:[/;,:.()]|\bor\b)\s*")


def countries_in(value: str, notes: list[str], label: str) -> list[str]:
    """A country as the UN prints it -> ISO codes. Free text ("Sudan/South Sudan", "Indonesia (as
    at Dec. 2003)", "Kuwaiti citizenship withdrawn in 2002") also keeps its wording as a note."""
    code = country_code(value)
    if code:
        return [code]
    notes.append(f"{label}: {value}")
    found: list[str] = []
    for piece in _SPLIT.split(value):
        code = country_code(piece) if len(piece) > 3 else None
        if code is None:
            words = [w for w in piece.split() if len(w) >= 4 and w[0].isupper()]
            code = next((c for w in words if (c := country_code(w))), None)
        if code and code not in found:
            found.append(code)
    return found
