"""Canada: Consolidated Canadian Autonomous Sanctions List (SEMA), ``sema-lmes.xml``.

``<data-set>`` of flat ``<record>`` elements, in two schemas:

* 2020: ``Country, LastName, GivenName, Entity, Aliases, Title, DateOfBirth, Schedule, Item``;
* 2025: ``Country, LastName, GivenName, EntityOrShip, TitleOrShip, ShipIMONumber,
  DateOfBirthOrShipBuildDate, Aliases, Schedule, Item, DateOfListing``.

``Country`` is the regime (``Russia / Russie``, ``Justice for Victims of Corrupt Foreign
Officials Regulations (JVCFOR) / ...``) and becomes the sanction's programme; a record with a
``ShipIMONumber`` is a ``Vessel``, one with ``Entity``/``EntityOrShip`` an ``Organization``,
else a ``Person``. There is no publication date (``list_date`` None).

``source_id`` = regime code + part of the schedule + item (``RU-1-61``, ``ZW-50``, ``RU-S3-2``):
the regime code is the ISO country code of the regime's English name, else its acronym in
parentheses (``JVCFOR``), else its slug. The item is only unique within a part of a schedule,
and the schedule was written differently in 2020 (``2``, ``1, Part 2``, ``N/A``) and 2025
(``Part 2``, ``1, Part 2``, ``1.1``, none), so the schedule is reduced to the part it names:
``1, Part 2`` and ``Part 2`` -> ``2``; a bare number in the 2020 schema is a part (``Syria 2``
= ``Part 2``), or schedule 1's first part when the regime also has ``1, Part N`` entries, or
nothing when it is the regime's only value; a bare number in the 2025 schema is a schedule
(``Russia 1.1`` ships -> ``S1.1``, ``Russia 3`` -> ``S3``). Measured: 1246 of the 1251 names
present in both stored versions keep their id (Canada moved the other five). Should two records
still share an id, the raw schedule text is used for them instead (with a warning).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from embargo.errors import ListFormatError
from embargo.model.entity import Entity, Identifier, Name, NameKind, Sanction, Schema, make_entity
from embargo.resources import load
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.catalog import SOURCES
from embargo.sources.sectors import sectors_for
from embargo.sources.xml_stream import refuse_doctype
from embargo.text.countries import country_code
from embargo.text.dates import parse_dates

NAME = "ca_sema_xml"
SOURCE = "ca_sema"
LIST_NAME = "SEMA"
_NEW_TAGS = frozenset(
    {"EntityOrShip", "TitleOrShip", "ShipIMONumber", "DateOfBirthOrShipBuildDate", "DateOfListing"}
)
_PART = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*,\s*)?Part\s*(\d+(?:\.\d+)?)$", re.I)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_ACRONYM = re.compile(r"\(([A-Z]{2,})\)")
_SLUG = re.compile(r"[^A-Za-z0-9]+")
_OR = re.compile(r"\s+or\s+", re.I)


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    data: dict[str, Any] = load("ca_sema.yml")
    return data


def sniff(path: Path, head: bytes) -> str | None:
    if b"<data-set" in head and b"<record" in head and b"<Country>" in head:
        return SOURCE
    return None


def companions(path: Path) -> list[Path]:
    return []


# -- reading ---------------------------------------------------------------------------------


def _records(path: Path) -> list[dict[str, str]]:
    try:
        if path.stat().st_size == 0:
            raise ListFormatError(path, "empty file")
    except OSError as exc:
        raise ListFormatError(path, f"cannot be read ({exc.strerror or exc})") from exc
    out: list[dict[str, str]] = []
    n = 0
    try:
        events = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True)
        for event, el in events:
            if event == "start":
                if n == 0:
                    refuse_doctype(path, el)
                if n == 0 and el.getparent() is None and el.tag != "data-set":
                    raise ListFormatError(
                        path, f"not a SEMA list: root element <{el.tag}>, expected <data-set>"
                    )
                n += 1
                continue
            if el.tag != "record":
                continue
            data: dict[str, str] = {}
            for child in el:
                if not isinstance(child.tag, str):
                    continue  # comments, processing instructions
                value = " ".join((child.text or "").split())
                data[child.tag] = f"{data[child.tag]}; {value}" if child.tag in data else value
            out.append(data)
            el.clear()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else "?"
        raise ListFormatError(
            path, f"malformed XML: {exc.msg} (truncated or corrupted)", f"line {line}"
        ) from exc
    if not out:
        raise ListFormatError(path, "no <record> elements: empty or truncated list")
    return out


# -- ids -------------------------------------------------------------------------------------


def _regime(raw: str) -> str:
    return " ".join(raw.split(" / ")[0].split())


@lru_cache(maxsize=256)
def _regime_code(regime: str) -> str:
    code = country_code(regime)
    if code:
        return code.upper()
    m = _ACRONYM.search(regime)
    if m:
        return m.group(1)
    return _SLUG.sub("-", regime).strip("-").upper() or "UNKNOWN"


def _schedule(raw: str | None) -> str:
    s = " ".join((raw or "").replace(",", ", ").split()).replace(" ,", ",")
    return "" if s.upper() in ("", "N/A") else s


def _part(schedule: str, values: set[str], new_schema: bool) -> str:
    """The part of the schedule a record is in, written the same in the 2020 and 2025 schemas."""
    if not schedule:
        return ""
    m = _PART.match(schedule)
    if m:
        sched, part = m.group(1) or "1", m.group(2)
        return part if sched == "1" else f"S{sched}-{part}"
    if _NUMBER.match(schedule):
        if new_schema:
            return f"S{schedule}"
        if any(_PART.match(v) and "," in v for v in values):
            return "1" if schedule == "1" else f"S{schedule}"
        return "" if len(values) == 1 else schedule
    return _SLUG.sub("-", schedule).strip("-")


def _ids(records: list[dict[str, str]], warnings: list[str]) -> list[str]:
    new_schema = any(_NEW_TAGS & rec.keys() for rec in records)
    per_regime: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        per_regime[_regime(rec.get("Country", ""))].add(_schedule(rec.get("Schedule")))
    ids = []
    for rec in records:
        regime = _regime(rec.get("Country", ""))
        part = _part(_schedule(rec.get("Schedule")), per_regime[regime], new_schema)
        ids.append("-".join(x for x in (_regime_code(regime), part, rec.get("Item", "").strip()) if x))
    counts = Counter(ids)
    for i, rec in enumerate(records):
        if counts[ids[i]] > 1:
            raw = _SLUG.sub("-", _schedule(rec.get("Schedule"))).strip("-")
            fallback = "-".join(
                x for x in (_regime_code(_regime(rec.get("Country", ""))), raw, rec.get("Item", "")) if x
            )
            warnings.append(f"record #{i + 1}: id {ids[i]} is not unique; using {fallback}")
            ids[i] = fallback
    counts = Counter(ids)
    for i, rec in enumerate(records):
        if counts[ids[i]] > 1:  # the same regime, schedule and item twice: tell them apart by content
            digest = hashlib.sha1(repr(sorted(rec.items())).encode()).hexdigest()[:8]
            warnings.append(
                f"record #{i + 1}: regime, schedule and item {ids[i]} repeat; id suffixed {digest}"
            )
            ids[i] = f"{ids[i]}-{digest}"
    return ids


# -- parse -----------------------------------------------------------------------------------


def parse(path: Path, source: str) -> ParsedList:
    records = _records(path)
    r = Reading(path, source, NAME)
    ids = _ids(records, r.warnings)
    for n, (data, sid) in enumerate(zip(records, ids, strict=True), 1):
        rec = Record(data)
        r.entities.append(_entity(path, rec, sid, source, n, r.warnings))
        r.tracker.check(rec)
    return r.finish()


def _entity(path: Path, rec: Record, sid: str, source: str, n: int, warnings: list[str]) -> Entity:
    regime = _regime(rec.text("Country") or "")
    if not regime:
        raise ListFormatError(path, "a record without Country (regime)", where=f"record #{n}")
    rec.consume("Item")
    entity_name = (rec.text("EntityOrShip") or rec.text("Entity") or "").strip(" ;,") or None
    last, given = rec.text("LastName"), rec.text("GivenName")
    imo = rec.text("ShipIMONumber")
    title = rec.text("TitleOrShip") or rec.text("Title")
    born = rec.text("DateOfBirthOrShipBuildDate") or rec.text("DateOfBirth")
    schema: Schema = "Vessel" if imo else "Organization" if entity_name else "Person"
    props: dict[str, list[str | None]] = defaultdict(list)
    names: list[Name] = []
    identifiers: list[Identifier] = []
    birth_dates: list[str] = []
    dates = [d for part in _OR.split(born or "") for d in parse_dates(part)]
    if born and not dates:
        warnings.append(f"record #{n} ({sid}): date {born!r} not understood; kept in notes")
        props["notes"].append(f"Date of birth or build: {born}")
    if schema == "Person":
        primary = " ".join(p for p in (given, last) if p)
        if not primary:
            raise ListFormatError(path, "a record without a name", where=f"record #{n}")
        props["firstName"].append(given)
        props["lastName"].append(last)
        props["title"].append(title)
        birth_dates = dates
    else:
        if not entity_name:
            raise ListFormatError(path, "a ship record without a name", where=f"record #{n}")
        primary = entity_name
        if imo:
            from rigour.ids import IMO

            identifiers.append(Identifier("imo", str(IMO.normalize(imo) or imo), None, "ShipIMONumber"))
            props["type"].append(title)
            props["buildDate"].extend(dates)
        else:
            props["title"].append(title)
            props["incorporationDate"].extend(dates)  # a "date of birth" of an organisation
    names.append(Name(primary, "primary"))
    names.extend(_aliases(rec.text("Aliases"), schema == "Person"))
    schedule = _schedule(rec.text("Schedule"))
    listed = rec.text("DateOfListing")
    listing = parse_dates(listed)
    if listed and not listing:
        warnings.append(f"record #{n} ({sid}): DateOfListing {listed!r} is not a date")
    programs = (regime,)
    sectors = set(sectors_for(programs, title if schema == "Vessel" else None))
    if schema == "Vessel":
        sectors.add("maritime")
    sanction = Sanction(
        SOURCES[SOURCE].authority,
        LIST_NAME,
        programs,
        listing[0] if len(listing) == 1 else None,
        None,
        tuple(sorted(sectors)),
        (f"Schedule {schedule}" if schedule[:1].isdigit() else schedule,) if schedule else (),
        "ca",
    )
    return make_entity(
        source=source,
        source_id=sid,
        schema=schema,
        names=names,
        birth_dates=birth_dates,
        identifiers=identifiers,
        sanctions=[sanction],
        props=props,
    )


# -- aliases ---------------------------------------------------------------------------------


def _script_is_latin(text: str) -> bool:
    return all(unicodedata.name(ch, "LATIN").startswith("LATIN") for ch in text if ch.isalpha())


def _split_outside_brackets(text: str) -> list[str]:
    """Split on ``,`` ``;`` `` or `` `` / `` except inside (), «», "" and “”."""
    pieces: list[str] = []
    depth = 0
    quote = False
    buf: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "(«“":
            depth += 1
        elif ch in ")»”" and depth:
            depth -= 1
        elif ch == '"':
            quote = not quote
        if depth == 0 and not quote:
            sep = 1 if ch in ",;" else 0
            low = text[i : i + 4].lower()
            if not sep and low == " or ":
                sep = 4
            elif not sep and text[i : i + 3] == " / ":
                sep = 3
            if sep:
                pieces.append("".join(buf))
                buf = []
                i += sep
                continue
        buf.append(ch)
        i += 1
    pieces.append("".join(buf))
    return pieces


def _aliases(text: str | None, person: bool) -> list[Name]:
    if not text:
        return []
    languages: dict[str, str] = _tables()["languages"]
    forms = {f.casefold() for f in _tables()["legal_forms"]}
    label = re.compile(r"\b(" + "|".join(map(re.escape, languages)) + r")\s*:\s*", re.I)
    parts = label.split(text.replace("\n", ", "))
    segments = [(None, parts[0])] + [
        (languages[parts[i].lower()], parts[i + 1]) for i in range(1, len(parts) - 1, 2)
    ]
    out: list[Name] = []
    for lang, segment in segments:
        pieces: list[str] = []
        for piece in _split_outside_brackets(segment):
            piece = re.sub(r"\s+AKA$", "", piece.strip(" ,;:\t"))
            if not piece:
                continue
            if pieces and piece.casefold().strip(" .") in forms:
                pieces[-1] = f"{pieces[-1]}, {piece}"
            else:
                pieces.append(piece)
        for piece in pieces:
            if not any(ch.isalpha() for ch in piece):
                continue
            latin = _script_is_latin(piece)
            kind: NameKind = "alias"
            if not latin:
                kind = "original"
            elif person and " " not in piece.strip():
                kind = "weak"  # a lone name part ("KOROLYOV", "Alexei"), not a full name
            out.append(Name(piece, kind, lang))
    return out
