"""Australia DFAT Consolidated List, XLSX edition (``regulation8_consolidated.xlsx``).

One row per name: ``Reference`` ``2`` is a party's primary name, ``2a``, ``2b`` ... (and
``34c1`` style sub-references) are its other names; ``Name Type`` says Primary Name,
Original Script, aka or Formerly known as. The party's facts repeat on its rows. Dates of birth
are free text, Excel dates or bare years; ``Control Date`` is an Excel date. The file prints no
publication date.
"""

from __future__ import annotations

import re
from pathlib import Path

from embargo.errors import ListFormatError
from embargo.model import Address, Entity, Identifier, Name
from embargo.model.entity import NameKind, Schema
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.catalog import source_info
from embargo.sources.listfields import (
    EntityBuilder,
    country_codes,
    dates_in,
    find_dates,
    script_hint,
    split_enum,
    xlsx_header_rows,
    xlsx_peek,
)
from embargo.sources.values import serial_or_year

NAME = "au_dfat_xlsx"
SOURCE = "au_dfat"
LIST_NAME = "Consolidated List"

NAME_FIELDS = frozenset(("Reference", "Name of Individual or Entity", "Type", "Name Type"))
REQUIRED = ("Reference", "Name of Individual or Entity", "Type", "Name Type")
SCHEMAS: dict[str, Schema] = {"individual": "Person", "entity": "Organization"}
NAME_KINDS: dict[str, NameKind] = {
    "primary name": "primary",
    "aka": "alias",
    "original script": "original",
    "formerly known as": "former",
    "previously listed as": "former",
}
_REFERENCE = re.compile(r"^(\d+)([a-z]\d*)*$", re.I)
_INSTRUMENT = re.compile(
    r"(?:Autonomous Sanctions|Charter of the United Nations)(?:[^\[\].]|No\.)*?"
    r"\b(?:Instrument|List|Listing)\s+\d{4}(?:\s*\(No\.?\s*\d+\))?"
)
_FORMER_NOTE = re.compile(r"\s*\((?:previously|formerly) listed as\)\s*$", re.I)
_GENDER = re.compile(r"\bGender\s*[:\[]\s*(male|female)\b", re.I)
_IMO = re.compile(r"\bIMO(?:\s*(?:number|no\.?))?\s*[:.]?\s*(\d{7})\b", re.I)
_PASSPORT = re.compile(r"\bPassport (?:number|no\.?)\s*:?\s*([A-Z]{0,3}\d[\dA-Z]{4,})\b", re.I)


def sniff(path: Path, head: bytes) -> str | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    text = xlsx_peek(path)
    if text is None:  # an unreadable zip: claim the official name so parse() says why
        return SOURCE if path.name.lower() == "regulation8_consolidated.xlsx" else None
    marks = (">Name of Individual or Entity<", ">Control Date<", ">Name Type<")
    return SOURCE if all(m in text for m in marks) else None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    cells, rows = xlsx_header_rows(path)
    header = [(h or "").strip() for h in cells]
    while header and not header[-1]:
        header.pop()
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ListFormatError(path, f"not a DFAT header: missing columns {', '.join(missing)}", "row 1")
    r = Reading(path, source, NAME)
    tracker, warnings = r.tracker, r.warnings
    parties: dict[str, _Party] = {}
    fact_cols = [i for i, h in enumerate(header) if h not in NAME_FIELDS]
    for where, values in rows:
        values = values[: len(header)]
        if not any(values):
            continue
        rec = Record(dict(zip(header, values, strict=False)))
        ref = rec.text("Reference") or ""
        m = _REFERENCE.match(ref.replace(" ", ""))
        if m is None:
            warnings.append(f"{where}: Reference {ref!r} is not a DFAT reference; row skipped")
            rec.consume(*rec.keys())
            continue
        key = tuple(values[i] if i < len(values) else None for i in fact_cols)
        parties.setdefault(m.group(1), _Party(m.group(1))).add_row(rec, key)
        tracker.check(rec)
    if not parties:
        raise ListFormatError(path, "no name rows after the header", "row 2")
    for party in parties.values():
        r.entities.append(party.build(source))
        warnings.extend(party.warnings)
        r.unknown_countries.update(set(party.b.unknown_countries))
    return r.finish(record_count=len(parties))


def _last_country(text: str) -> list[str]:
    """The country a free-text place ends with (``Riyadh, Saudi Arabia``), if any."""
    return country_codes(text.rsplit(",", 1)[-1])[0]


def _cell_dates(value: str | None) -> list[str]:
    """A date cell: ISO (an Excel date), a bare year or an Excel serial number, or free text."""
    if value is None:
        return []
    if value.isdigit():
        return serial_or_year(int(value))
    return dates_in(value)


class _Party:
    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.b = EntityBuilder()
        self.types: set[str] = set()
        self.primary_type: str | None = None
        self.committees: set[str] = set()
        self.instruments: set[str] = set()
        self.listing: list[str] = []
        self.warnings: list[str] = []
        self.seen: set[tuple[str | None, ...]] = set()

    def add_row(self, rec: Record, key: tuple[str | None, ...]) -> None:
        """Read one name row; ``key`` = its other cells (they repeat row after row: read once)."""
        b = self.b
        name = rec.text("Name of Individual or Entity")
        name_type = " ".join((rec.text("Name Type") or "").lower().split())
        kind = NAME_KINDS.get(name_type)
        if kind is None:
            self.warnings.append(
                f"Reference {rec.text('Reference')}: unknown Name Type {name_type!r}, read as alias"
            )
            kind = "alias"
        gtype = " ".join((rec.text("Type") or "").lower().split())
        if kind == "primary":
            self.primary_type = gtype
        self.types.add(gtype)
        if name and _FORMER_NOTE.search(name):
            name, kind = _FORMER_NOTE.sub("", name), "former"
        if name:
            lang = script_hint(name)
            b.names.append(Name(name, "original", lang) if lang else Name(name, kind))
        if key in self.seen:  # the party's facts, repeated on each of its name rows
            rec.consume(*rec.keys())
            return
        self.seen.add(key)
        b.birth_dates.extend(_cell_dates(rec.text("Date of Birth")))
        for place in split_enum(rec.text("Place of Birth")):
            b.birth_places.append(place)
            b.prop("birthCountry", *_last_country(place))
        b.nationalities.extend(b.codes(rec.text("Citizenship")))
        for addr in split_enum(rec.text("Address")):
            if addr.upper() not in ("NA", "N/A", "-"):
                codes = _last_country(addr)
                b.addresses.append(Address(addr, None, None, None, None, codes[0] if codes else None))
                b.countries.extend(codes)
        self._additional(rec.text("Additional Information"))
        listing = rec.text("Listing Information")
        if listing:
            self.listing.append(listing)
            self.instruments.update(" ".join(m.group(0).split()) for m in _INSTRUMENT.finditer(listing))
        committee = rec.text("Committees")
        if committee:
            self.committees.add(committee)
        b.prop("modifiedAt", *_cell_dates(rec.text("Control Date")))

    def _additional(self, text: str | None) -> None:
        if not text:
            return
        b = self.b
        b.prop("notes", text)
        for m in _GENDER.finditer(text):
            b.genders.add(m.group(1).lower())
        for m in _IMO.finditer(text):
            b.identifiers.append(Identifier("imo", m.group(1), None, "IMO"))
        for m in _PASSPORT.finditer(text):
            b.identifiers.append(Identifier("passport", m.group(1), None, "Additional Information"))

    def build(self, source: str) -> Entity:
        gtype = self.primary_type or (sorted(self.types)[0] if self.types else "")
        schema = SCHEMAS.get(gtype)
        if schema is None:
            self.warnings.append(f"Reference {self.ref}: unknown Type {gtype!r}, read as Organization")
            schema = "Organization"
        info = source_info(SOURCE)
        listing_dates = [d for text in self.listing for d in (_iso_cell(text) or find_dates(text)[:1])]
        self.b.prop("listingInformation", *self.listing)
        self.b.add_sanction(
            authority=info.authority,
            list_name=LIST_NAME,
            programs=sorted(self.committees | self.instruments),
            listing_date=min(listing_dates) if listing_dates else None,
            reason=None,
            measures=(),
            country=info.country,
            texts=(*self.b.props.get("notes", []), *self.listing),
        )
        return self.b.build(source=source, source_id=self.ref, schema=schema)


def _iso_cell(text: str) -> list[str]:
    """A ``Listing Information`` cell that Excel stored as a date (read back as ISO)."""
    return [text] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else []
