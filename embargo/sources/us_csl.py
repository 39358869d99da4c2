"""US trade.gov Consolidated Screening List (CSL): ``consolidated.csv`` (plain or gzipped).

One CSV with a header of 29 columns; one row per listed party of 13 underlying lists (BIS Entity
List, Denied Persons, Unverified, Military End User; State ISN and DDTC; OFAC SDN, SSI, FSE, PLC,
NS-MBS, CMIC, CAPTA), named by the ``source`` column. Multi-valued fields are joined with ``"; "``.
Reference tables (lists, types, ``ids`` labels) live in ``embargo/resources/us_trade_csl.yml``.

Ids (``source_id``), decided on the 2022-05-06 file:

* OFAC-derived rows: ``<list>-<entity_number>`` (OFAC's ent_num, e.g. ``SDN-16649``). The same
  ent_num on two lists (SDN and SSI) gives two entities; a repeated row of one list is merged.
* Other rows (BIS, State): ``<list>-<normalised name>`` (whitespace collapsed, upper case). The
  ``_id`` column cannot be used: it is a content hash that changed scheme between versions (40 hex
  in 2022, 32 or 56 hex in 2025 for the same Unverified List row). The address is not part of the
  id: the Entity List and DPL print one row per address of one party (Huawei has three), so rows
  of one list with one name are merged into one entity with several addresses and sanctions.

The ``ids`` column's items are ``"label, value"`` with an optional country and dates; the label
comes last in the 2022 files and first in the 2025 ones, so each item is read from the side whose
end is a known label. Issue/expiry dates of documents are not kept (the model has no field).
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from embargo.errors import ListFormatError
from embargo.model.entity import (
    ID_TYPES,
    Address,
    Entity,
    Identifier,
    IdType,
    Name,
    NameKind,
    Sanction,
    make_entity,
)
from embargo.resources import load
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.limits import gunzip
from embargo.sources.listfields import EntityBuilder, read_table
from embargo.sources.sectors import sectors_for
from embargo.sources.us_bis_dpl import decode_text, drop_subsumed, guess_schema, merge_sanctions, name_key
from embargo.sources.values import one_gender
from embargo.text.countries import country_code
from embargo.text.dates import parse_date, parse_dates

NAME = "us_csl_csv"
SOURCE = "us_trade_csl"
REQUIRED = ("_id", "source", "entity_number", "type", "programs", "name", "addresses", "alt_names", "ids")
SKIPPED = ("_id", "source_list_url", "source_information_url")  # unstable hash; per-list constant URLs
_SCHEMA_RANK = {"Person": 0, "Vessel": 1, "Airplane": 2, "Company": 3, "Organization": 4, "LegalEntity": 5}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CC = re.compile(r"^[A-Z]{2}$")
_CODE = re.compile(r"\(([^()]+)\)")
_AKA_PAREN = re.compile(r"\s*\(\s*([af])\.?\s*k\.?\s*a\.?,?\s+([^()]*)\)", re.I)
_AKA_TAIL = re.compile(r",?\s+([af])\.k\.a\.,?\s+(.+)$", re.I)
_AKA_HEAD = re.compile(r"^([af])\.k\.a\.,?\s+", re.I)
_NO_VALUE = frozenset({"none identified", "unknown", "none"})
_SUCCESSOR = re.compile(r"[,;]?\s+and (?:any|its) (?:successors?|sub-units?)\b.*$", re.I)


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    data: dict[str, Any] = load("us_trade_csl.yml")
    return data


@lru_cache(maxsize=1)
def _known_labels() -> frozenset[str]:
    t = tables()
    keys: set[str] = {"Gender", *t["id_labels"], *t["prop_labels"], *t["date_labels"], *t["country_labels"]}
    keys.update(t["measure_labels"])
    return frozenset(keys)


def sniff(path: Path, head: bytes) -> str | None:
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error:
            return None
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    cells = [c.strip().strip(b'"') for c in first.split(b",")]
    if cells[:2] == [b"_id", b"source"] and b"entity_number" in cells and b"alt_names" in cells:
        return SOURCE
    return None


def companions(path: Path) -> list[Path]:
    return []


# -- reading ---------------------------------------------------------------------------------


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if data[:2] == b"\x1f\x8b":
        data = gunzip(path, data)  # bounded: a gzip bomb is refused, not expanded
    return decode_text(path, data)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(_text(path), newline=""), strict=True)
    return read_table(path, reader, "Consolidated Screening List", REQUIRED)


# -- one party, several rows -----------------------------------------------------------------


@dataclass
class _Party(EntityBuilder):
    """What the rows of one party say (the shared builder), plus the schemas the rows suggest."""

    schemas: set[str] = field(default_factory=set)

    def build_party(self, source: str, source_id: str) -> Entity:
        schema: Any = min(self.schemas, key=lambda s: _SCHEMA_RANK.get(s, 9))
        return make_entity(
            source=source,
            source_id=source_id,
            schema=schema,
            names=self.names,
            birth_dates=self.birth_dates,
            birth_places=self.birth_places,
            nationalities=self.nationalities,
            countries=self.countries,
            gender=one_gender(self.genders),
            identifiers=drop_subsumed(self.identifiers),
            addresses=drop_subsumed(self.addresses),
            sanctions=merge_sanctions(self.sanctions),
            props=self.props,
        )


@dataclass
class _Context:
    warnings: list[str] = field(default_factory=list)
    unknown_lists: Counter[str] = field(default_factory=Counter)
    unknown_labels: Counter[str] = field(default_factory=Counter)
    orientation: str = "last"  # where an item's label is when neither end is a known label


def parse(path: Path, source: str) -> ParsedList:
    rows = _rows(path)
    ctx = _Context(orientation=_orientation(r.get("ids", "") for _, r in rows))
    r = Reading(path, source, NAME)
    parties: dict[str, _Party] = defaultdict(_Party)
    for line, data in rows:
        rec = Record(data)
        _map_row(path, rec, line, parties, ctx)
        rec.consume(*SKIPPED)
        r.tracker.check(rec)
    r.entities = entities = [party.build_party(source, sid) for sid, party in sorted(parties.items())]
    r.warnings = warnings = ctx.warnings
    warnings += [
        f"unknown list {k!r} in the source column ({n} rows)" for k, n in sorted(ctx.unknown_lists.items())
    ]
    warnings += [
        f"unknown ids label {k!r} kept as 'other' ({n} items)" for k, n in sorted(ctx.unknown_labels.items())
    ]
    if len(rows) != len(entities):
        warnings.append(f"{len(rows)} rows merged into {len(entities)} entities (same list and id or name)")
    return r.finish()


def _list_of(rec: Record, ctx: _Context) -> dict[str, Any]:
    raw = rec.text("source") or ""
    m = _CODE.search(raw)
    code = m.group(1).strip() if m else raw
    info = tables()["lists"].get(code)
    if info is not None:
        return dict(info)
    ctx.unknown_lists[raw] += 1
    if "Treasury" in raw:
        return {"list": code, "authority": "US Treasury OFAC", "ofac": "true"}
    if "Industry and Security" in raw:
        return {"list": code, "authority": "US Commerce BIS"}
    return {"list": code or "CSL", "authority": "US State" if "State" in raw else "US Government"}


def _map_row(path: Path, rec: Record, line: int, parties: dict[str, _Party], ctx: _Context) -> None:
    info = _list_of(rec, ctx)
    list_name: str = info["list"]
    raw_name = rec.text("name")
    if raw_name is None:
        raise ListFormatError(path, "a row without a name", where=f"line {line}")
    primary, extra, note = _split_name(raw_name)
    ent_num = rec.text("entity_number")
    sid = (
        f"{list_name}-{ent_num}"
        if info.get("ofac") == "true" and ent_num
        else f"{list_name}-{name_key(primary)}"
    )
    party = parties[sid]
    party.names.append(Name(primary, "primary"))
    party.names.extend(extra)
    party.prop("notes", note)
    for alt in _split(rec.text("alt_names")):
        main, more, _ = _split_name(alt, "alias")
        party.names.append(Name(main, "former" if _AKA_HEAD.match(alt) else "alias"))
        party.names.extend(more)

    kind = rec.text("type")
    schema = tables()["types"].get(kind) if kind else guess_schema(primary)
    if schema is None:
        ctx.warnings.append(f"line {line}: unknown type {kind!r}; read as LegalEntity")
        schema = "LegalEntity"
    party.schemas.add(schema)

    for addr in _split(rec.text("addresses")):
        _address(addr, party)
    for dob in _split(rec.text("dates_of_birth")):
        found = parse_dates(dob)
        party.birth_dates.extend(found)
        if not found:
            ctx.warnings.append(f"line {line}: date of birth {dob!r} not understood")
    party.birth_places.extend(_split(rec.text("places_of_birth")))
    for key in ("nationalities", "citizenships"):
        for c in _split(rec.text(key)):
            party.nationalities.append(country_code(c) or c.lower())
    party.prop("position", rec.text("title"))
    party.prop("notes", rec.text("remarks"))
    party.prop("endDate", _iso(rec.text("end_date"), "end_date", line, ctx))
    call_sign = rec.text("call_sign")
    if call_sign:
        party.identifiers.append(Identifier("call_sign", call_sign, None, "Call Sign"))
    party.prop("type", rec.text("vessel_type"))
    party.prop("tonnage", rec.text("gross_tonnage"))
    party.prop("grossRegisteredTonnage", rec.text("gross_registered_tonnage"))
    flag = rec.text("vessel_flag")
    if flag and flag.casefold() not in _NO_VALUE:
        party.prop("flag", country_code(flag) or flag)
    party.prop("ownerName", rec.text("vessel_owner"))

    measures: list[str] = list(info.get("measures") or ())
    listing_dates: list[str] = []
    for item in _split(rec.text("ids")):
        _id_item(item, party, measures, listing_dates, ctx)
    for key, label in (("license_requirement", "License requirement"), ("license_policy", "License policy")):
        value = rec.text(key)
        if value:
            measures.append(f"{label}: {value}")
    order = (rec.text("standard_order") or "").upper()
    if order == "Y":
        measures.append("standard denial order")
    elif order == "N":
        measures.append("non-standard denial order (see the Federal Register notice)")
    programs = tuple(_split(rec.text("programs")))
    listed = _iso(rec.text("start_date"), "start_date", line, ctx)
    if listed is None and info.get("listing_from_ids") == "true" and listing_dates:
        listed = min(listing_dates)
    reason = rec.text("federal_register_notice")
    sectors = {*(info.get("sectors") or ()), *sectors_for(programs, reason, rec.text("remarks"), *measures)}
    party.sanctions.append(
        Sanction(
            info["authority"],
            list_name,
            programs,
            listed,
            reason,
            tuple(sorted(sectors)),
            tuple(measures),
            "us",
        )
    )


# -- field helpers ---------------------------------------------------------------------------


def _split(text: str | None) -> list[str]:
    if not text:
        return []
    out = []
    for part in text.split(";"):
        part = part.strip()
        if part.lower().startswith("and "):
            part = part[4:].strip()
        if part:
            out.append(part)
    return out


def _split_name(text: str, kind: NameKind = "primary") -> tuple[str, list[Name], str | None]:
    """``X (a.k.a. Y; Z)``, ``X, f.k.a., Y``, ``X and any successor ...`` -> X, [Y, Z], the suffix."""
    extra: list[Name] = []
    note = None
    m = _SUCCESSOR.search(text)
    if m and m.start() > 0:
        note = m.group(0).strip(" ,;")
        text = text[: m.start()]

    def aka(match: re.Match[str]) -> str:
        k: NameKind = "former" if match.group(1).lower() == "f" else "alias"
        extra.extend(Name(n, k) for n in _split(match.group(2)))
        return ""

    text = _AKA_PAREN.sub(aka, text)
    text = _AKA_TAIL.sub(aka, text)
    text = _AKA_HEAD.sub("", text).strip(" ,;")
    return text, extra, note


def _address(text: str, party: _Party) -> None:
    bits = [b.strip() for b in text.split(",")]
    code = country_code(bits[-1]) if bits[-1] else None
    if code:
        party.countries.append(code)
        if len(bits) == 1:
            return  # a country alone is not an address
    party.addresses.append(Address(text, country=code))


def _iso(text: str | None, key: str, line: int, ctx: _Context) -> str | None:
    if text is None:
        return None
    value = parse_date(text)
    if value is None:
        ctx.warnings.append(f"line {line}: {key} {text!r} is not a valid date; ignored")
    return value


def _label(text: str) -> str:
    return text.strip().rstrip(":-").strip()


def _orientation(ids_fields: Any) -> str:
    """``last`` (2022: ``"K048787, Passport"``) or ``first`` (2025: ``"Passport, K048787"``)."""
    known = _known_labels()
    votes: Counter[str] = Counter()
    for text in ids_fields:
        for item in _split(text):
            bits = item.split(", ")
            if len(bits) < 2:
                continue
            votes["last"] += _label(bits[-1]) in known
            votes["first"] += _label(bits[0]) in known
    return "first" if votes["first"] > votes["last"] else "last"


def _item_parts(item: str, ctx: _Context) -> tuple[str, str, str | None] | None:
    """An ``ids`` item -> (label, value, country); None when it has no label."""
    bits = [b.strip() for b in item.split(", ")]
    if len(bits) < 2:
        return None
    known = _known_labels()
    prefixes = (*tables()["id_label_prefixes"], *tables()["dated_measure_prefixes"])
    first, last = _label(bits[0]), _label(bits[-1])
    label_last = last in known or last.startswith(prefixes)
    label_first = first in known or first.startswith(prefixes)
    if label_last == label_first:
        label_last = ctx.orientation == "last"
    country = None
    if label_last:
        label, rest = last, bits[:-1]
        if len(rest) > 1 and _CC.match(rest[0]):
            country, rest = rest[0], rest[1:]
        while len(rest) > 1 and _ISO.match(rest[0]):
            rest = rest[1:]  # expiry / issue dates
    else:
        label, rest = first, bits[1:]
        while len(rest) > 1 and _ISO.match(rest[-1]):
            rest = rest[:-1]
        if len(rest) > 1 and _CC.match(rest[-1]):
            country, rest = rest[-1], rest[:-1]
    return label, ", ".join(rest), country


def _id_item(item: str, party: _Party, measures: list[str], listing_dates: list[str], ctx: _Context) -> None:
    parts = _item_parts(item, ctx)
    if parts is None:
        ctx.unknown_labels["(no label)"] += 1
        party.identifiers.append(Identifier("other", item))
        return
    label, value, country = parts
    t = tables()
    cc = country_code(country) if country else None
    if label == "Gender":
        party.genders.add(value.lower())
    elif label in t["id_labels"] or label.startswith(tuple(t["id_label_prefixes"])):
        id_type = t["id_labels"].get(label)
        if id_type is None:
            id_type = next(v for k, v in t["id_label_prefixes"].items() if label.startswith(k))
        if id_type == "imo":
            value = _imo(value)
        party.identifiers.append(Identifier(_id_type(id_type), value, cc, label))
    elif label in t["prop_labels"]:
        party.prop(t["prop_labels"][label], value)
    elif label in t["date_labels"]:
        party.prop(t["date_labels"][label], *(parse_dates(value) or [value]))
    elif label in t["country_labels"]:
        if value.casefold() in _NO_VALUE:
            return
        code = country_code(value)
        party.prop(t["country_labels"][label], code or value)
        if code and t["country_labels"][label] == "jurisdiction":
            party.countries.append(code)
    elif label in t["measure_labels"]:
        measures.append(f"{label}: {value}")
    elif label.startswith(tuple(t["dated_measure_prefixes"])):
        day = parse_date(value)
        measures.append(f"{label}: {day or value}")
        if day and label.startswith("Listing Date"):
            listing_dates.append(day)
    else:
        ctx.unknown_labels[label] += 1
        party.identifiers.append(Identifier("other", value, cc, label))


def _id_type(value: str) -> IdType:
    if value not in ID_TYPES:
        raise ValueError(f"us_trade_csl.yml: {value!r} is not an identifier type")
    id_type: IdType = value  # type: ignore[assignment]
    return id_type


def _imo(value: str) -> str:
    from rigour.ids import IMO

    normal = IMO.normalize(value)
    return str(normal) if normal else value
