"""UK HM Treasury OFSI Consolidated List of Financial Sanctions Targets, CSV and XLSX editions.

Both editions print a ``Last Updated`` line, then a header, then one row per name of a listed
party; the rows of one party share its ``Group ID`` (the list id, stable across versions). The
2018 CSV (Windows-1252) has 29 columns; the 2022+ ``ConList.xlsx`` adds non-Latin script names,
passport and national-id numbers, alias quality and the UK Sanctions List designation date.
``Other Information`` carries labelled facts as ``(Label):value`` runs (UK Sanctions List Ref,
statement of reasons, gender, phone, ship IMO, flag, tonnage ...) which are read out here.

The spreadsheet reading and field helpers (enumerations like ``(1) X (2) Y``, countries,
scripts, dates) are shared with :mod:`embargo.sources.au_dfat` and :mod:`embargo.sources.uk_fcdo`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from embargo.model import Entity, Identifier, Name
from embargo.model.entity import NameKind, Schema
from embargo.sources.base import ListFormatError, ParsedList, Reading, Record
from embargo.sources.catalog import source_info
from embargo.sources.listfields import (
    EntityBuilder,
    dates_in,
    doc_numbers,
    emails_in,
    name_lang,
    phones_in,
    registration_ids,
    script_hint,
    split_enum,
    uk_values,
    websites_in,
    xlsx_peek,
    xlsx_rows,
)
from embargo.text.dates import parse_date

NAME = "uk_ofsi"
SOURCE = "uk_ofsi"
LIST_NAME = "Consolidated List of Financial Sanctions Targets"

NAME_COLS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
NAME_FIELDS = frozenset(
    (*NAME_COLS, "Title", "Alias Type", "Alias Quality", "Name Non-Latin Script", "Non-Latin Script Type",
     "Non-Latin Script Language")
)  # fmt: skip
REQUIRED = (*NAME_COLS, "Group Type", "Alias Type", "Regime", "Listed On", "Group ID")
SCHEMAS: dict[str, Schema] = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
NAME_KINDS: dict[str, NameKind] = {
    "primary name": "primary",
    "prime alias": "primary",  # 2018 wording
    "primary name variation": "alias",
    "aka": "alias",
    "fka": "former",
}
LABELS = (
    "UK Sanctions List Ref", "UN Ref", "UK Statement of Reasons", "Gender", "Phone number", "Fax",
    "Tel", "Email address", "Website", "Type of entity", "Parent company", "Subsidiaries",
    "Business Reg No", "IMO number", "Current owners", "Flag of ship", "Previous flags",
    "Type of ship", "Tonnage of ship", "Length of ship", "Year built",
)  # fmt: skip
_LABEL_RE = re.compile(r"\((" + "|".join(re.escape(lb) for lb in LABELS) + r")\)\s*:", re.I)
_REF = re.compile(r"\s*([A-Z]{2,4}\d{3,5})\b\.?\s*(.*)", re.S)
_UN_REF = re.compile(r"\s*([A-Z]{1,3}[a-z]?\.[A-Z0-9.]*\d)\.?\s*(.*)", re.S)
_UN_REF_FREE = re.compile(r"(?i:UN\s*Ref(?:erence)?(?:\s*No)?)\.?\s*:?\s*([A-Z]{1,3}[a-z]?(?:\.[A-Z0-9]+)+)")
_IMO_FREE = re.compile(r"\bIMO(?:\s*(?:number|no\.?))?\s*[:.]?\s*(\d{7})\b", re.I)
_MMSI_FREE = re.compile(r"\bMMSI\s*(?:number|no\.?)?\s*[:.]?\s*(\d{9})\b", re.I)
_SWIFT_FREE = re.compile(r"\bSWIFT(?:/BIC)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
_NON_LATIN_FREE = re.compile(
    r"Name \(non-Latin script\):\s*(.+?)\.\s*Non Latin Script Type:\s*([^.]+)\.\s*"
    r"Non Latin Script Language:\s*([^.]+)\.",
    re.I,
)
_EXTRA_MEASURES = re.compile(r"imposed in addition to an asset freeze\s*[:\-]?(.{0,300})", re.I | re.S)


def sniff(path: Path, head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04"):
        text = xlsx_peek(path)
        if text is None:  # an unreadable zip: claim the official name so parse() says why
            return SOURCE if path.name.lower() == "conlist.xlsx" else None
        return SOURCE if ">Group ID<" in text and ">Alias Type<" in text else None
    lines = head.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace").splitlines()
    if len(lines) >= 2 and lines[0].startswith("Last Updated") and "Group ID" in lines[1]:
        return SOURCE if "Alias Type" in lines[1] else None
    return None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    head = _head(path)
    if head.startswith(b"PK\x03\x04"):
        list_date, header, rows = _xlsx_table(path)
        fmt = "xlsx"
    else:
        list_date, header, rows = _csv_table(path)
        fmt = "csv"
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        where = "row 2" if fmt == "xlsx" else "line 2"
        raise ListFormatError(path, f"not an OFSI header: missing columns {', '.join(missing)}", where)
    r = Reading(path, source, NAME)
    tracker, warnings = r.tracker, r.warnings
    groups: dict[str, _Group] = {}
    party_cols = [i for i, h in enumerate(header) if h not in NAME_FIELDS]
    gid_col = header.index("Group ID")
    for where, values in rows:
        gid = values[gid_col] if gid_col < len(values) else None
        if gid is None:
            if any(values):
                warnings.append(f"{where}: row without Group ID skipped")
            continue
        rec = Record(dict(zip(header, values, strict=False)))
        rec.consume("Group ID")
        key = tuple(values[i] if i < len(values) else None for i in party_cols)
        groups.setdefault(gid, _Group(gid)).add_row(rec, key)
        tracker.check(rec)
    if not groups:
        raise ListFormatError(path, "no name rows after the header", "row 3" if fmt == "xlsx" else "line 3")
    for group in groups.values():
        r.entities.append(group.build(source))
        warnings.extend(group.warnings)
        r.unknown_countries.update(set(group.b.unknown_countries))
    return r.finish(list_date=list_date, record_count=len(groups))


# -- reading ---------------------------------------------------------------------------------

Rows = Iterator[tuple[str, list[str | None]]]


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except OSError as exc:
        raise ListFormatError(path, f"cannot read the file: {exc}") from exc
    if not head:
        raise ListFormatError(path, "empty file")
    return head


def _list_date(path: Path, first: list[str | None], where: str) -> str | None:
    if not first or (first[0] or "").strip().lower() != "last updated":
        raise ListFormatError(path, f"expected a 'Last Updated' line, found {first[:2]!r}", where)
    return parse_date(first[1]) if len(first) > 1 else None


def _xlsx_table(path: Path) -> tuple[str | None, list[str], Rows]:
    rows = xlsx_rows(path)
    first = next(rows, None)
    header = next(rows, None)
    if first is None or header is None:
        raise ListFormatError(path, "the sheet has no 'Last Updated' and header rows", "row 1")
    list_date = _list_date(path, first[1], first[0])
    names = [(h or "").strip() for h in header[1]]
    while names and not names[-1]:
        names.pop()
    return list_date, names, ((w, v[: len(names)]) for w, v in rows)


def _csv_table(path: Path) -> tuple[str | None, list[str], Rows]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ListFormatError(path, "neither UTF-8 nor Windows-1252 text", f"byte {exc.start}") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
        header = next(reader, None)
    except csv.Error as exc:
        raise ListFormatError(path, f"not CSV: {exc}", f"line {reader.line_num}") from exc
    if first is None or header is None:
        raise ListFormatError(path, "no 'Last Updated' and header lines", "line 1")
    list_date = _list_date(path, list(first), "line 1")
    names = [h.strip() for h in header]

    def rows() -> Rows:
        try:
            for row in reader:
                where = f"line {reader.line_num}"
                if not any(c.strip() for c in row):
                    continue
                if len(row) != len(names):
                    raise ListFormatError(
                        path, f"{len(row)} columns, header has {len(names)} (truncated?)", where
                    )
                yield where, [c.strip() or None for c in row]
        except csv.Error as exc:
            raise ListFormatError(path, f"bad CSV: {exc}", f"line {reader.line_num}") from exc

    return list_date, names, rows()


# -- Other Information -----------------------------------------------------------------------


@dataclass
class OtherInfo:
    """What ``Other Information`` says: labelled values by lower-case label, and the free text."""

    labelled: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    free: list[str] = field(default_factory=list)

    def get(self, label: str) -> list[str]:
        return self.labelled.get(label.lower(), [])


def parse_other_info(text: str | None) -> OtherInfo:
    info = OtherInfo()
    if not text:
        return info
    parts = _LABEL_RE.split(text)
    info.free.append(parts[0])
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        key = label.lower()
        if key in ("uk sanctions list ref", "un ref"):
            m = (_REF if key == "uk sanctions list ref" else _UN_REF).match(value)
            if m:
                info.labelled[key].append(m.group(1))
                info.free.append(m.group(2))
                continue
            info.free.append(value)
            continue
        info.labelled[key].append(value.strip().strip('"').strip())
    info.free = [f.strip() for f in info.free if f.strip()]
    return info


# -- one listed party --------------------------------------------------------------------------


class _Group:
    def __init__(self, gid: str) -> None:
        self.gid = gid
        self.b = EntityBuilder()
        self.types: set[str] = set()
        self.regimes: dict[str, list[str]] = defaultdict(list)
        self.others: set[str] = set()
        self.warnings: list[str] = []
        self.seen: set[tuple[str | None, ...]] = set()

    def add_row(self, rec: Record, key: tuple[str | None, ...]) -> None:
        """Read one name row; ``key`` = its non-name cells (they repeat row after row: read once)."""
        self._names(rec)
        if key in self.seen:
            rec.consume(*rec.keys())
            return
        self.seen.add(key)
        b = self.b
        gtype = (rec.text("Group Type") or "").lower()
        self.types.add(gtype)
        b.birth_dates.extend(dates_in(rec.text("DOB")))
        town, cob = rec.text("Town of Birth"), rec.text("Country of Birth")
        towns: list[str | None] = [*split_enum(town)] or [None]
        for place in towns:
            if place or cob:
                b.birth_places.append(", ".join(p for p in (place, cob) if p))
        b.add_countries("birthCountry", cob)
        b.nationalities.extend(b.codes(rec.text("Nationality")))
        self._documents(rec)
        for pos in split_enum(rec.text("Position")):
            b.prop("position", pos)
        lines = [rec.text(f"Address {i}") for i in range(1, 7)]
        b.add_address(lines, rec.text("Post/Zip Code"), rec.text("Country"))
        other = rec.text("Other Information")
        if other is not None:
            self.others.add(other)
        regime = rec.text("Regime")
        listed = dates_in(rec.text("Listed On"))
        if regime:
            self.regimes[regime].extend(listed)
        b.prop("designationDate", *dates_in(rec.text("UK Sanctions List Date Designated")))
        b.prop("modifiedAt", *dates_in(rec.text("Last Updated")))

    def _names(self, rec: Record) -> None:
        self.b.prop("title", *split_enum(rec.text("Title")))
        parts = [rec.text(c) for c in NAME_COLS]
        full = " ".join(p for p in parts if p)
        alias_type = (rec.text("Alias Type") or "").lower()
        kind: NameKind | None = NAME_KINDS.get(alias_type)
        if kind is None:
            self.warnings.append(f"Group ID {self.gid}: unknown Alias Type {alias_type!r}, read as alias")
            kind = "alias"
        quality = (rec.text("Alias Quality") or "").lower()
        if kind == "alias" and quality.startswith("low"):
            kind = "weak"
        if full:
            hint = script_hint(full)
            self.b.names.append(Name(full, "original", hint) if hint else Name(full, kind))
        original = rec.text("Name Non-Latin Script")
        lang = name_lang(rec.text("Non-Latin Script Language"), rec.text("Non-Latin Script Type"), original)
        if original:
            self.b.names.append(Name(original, "original", lang))

    def _documents(self, rec: Record) -> None:
        b = self.b
        number, details = rec.text("Passport Number"), rec.text("Passport Details")
        if number:  # 2022+ editions: numbers and details in two columns
            b.add_numbered("passport", number, details)
        elif details:  # 2018: numbers inside the details text
            for value, note in doc_numbers(details):
                b.identifiers.append(Identifier("passport", value, None, note))
        number, details = (
            rec.text("National Identification Number"),
            rec.text("National Identification Details"),
        )
        if number:
            tax = re.search(r"\b(?:tax|taxpayer|INN|TIN)\b", details or "", re.I)
            b.add_numbered("tax_id" if tax else "national_id", number, details)
        for value, note in doc_numbers(rec.text("NI Number")):
            b.identifiers.append(Identifier("national_id", value, None, note))

    def build(self, source: str) -> Entity:
        b = self.b
        gtype = sorted(self.types)[0] if self.types else ""
        schema: Schema | None = SCHEMAS.get(gtype)
        if schema is None:
            self.warnings.append(f"Group ID {self.gid}: unknown Group Type {gtype!r}, read as Organization")
            schema = "Organization"
        other = " ".join(sorted(self.others)) or None  # one text per party (joined if rows differ)
        info = parse_other_info(other)
        reason = " ".join(info.get("UK Statement of Reasons")) or None
        measures = ["asset freeze", *_extra_measures(other)]
        self._other_facts(info)
        notes = " ".join(info.free) or None
        b.prop("notes", notes)
        texts = (reason, notes, *info.get("Type of entity"), *b.props.get("position", []))
        info_src = source_info(SOURCE)
        for regime, listed in sorted(self.regimes.items()):
            b.add_sanction(
                authority=info_src.authority,
                list_name=LIST_NAME,
                programs=(regime,),
                listing_date=min(listed) if listed else None,
                reason=reason,
                measures=measures,
                country=info_src.country,
                texts=texts,
            )
        return b.build(source=source, source_id=self.gid, schema=schema)

    def _other_facts(self, info: OtherInfo) -> None:
        b = self.b
        for ref in info.get("UK Sanctions List Ref"):
            b.identifiers.append(Identifier("other", ref, "gb", "UK Sanctions List Ref"))
        free = " ".join(info.free)
        un_refs = info.get("UN Ref") or [m.group(1) for m in _UN_REF_FREE.finditer(free)]
        for ref in un_refs:
            b.identifiers.append(Identifier("other", ref, None, "UN Ref"))
        for g in info.get("Gender"):
            b.genders.add(g.split()[0].lower() if g.strip() else "")
        for label in ("Phone number", "Tel", "Fax"):
            for value in info.get(label):
                for phone in phones_in(value):
                    b.identifiers.append(Identifier("phone", phone, None, label if label == "Fax" else None))
        for value in info.get("Email address") + info.get("Website"):
            for email in emails_in(value):
                b.identifiers.append(Identifier("email", email))
        for value in info.get("Website"):
            for site in websites_in(value):
                b.identifiers.append(Identifier("website", site))
        for value in info.get("Business Reg No"):
            b.identifiers.extend(registration_ids(value, "Business Reg No"))
        for value in info.get("Type of entity"):
            b.prop("legalForm", *split_enum(value))
        for value in info.get("Parent company"):
            b.prop("parentCompany", *split_enum(value))
        for value in info.get("Subsidiaries"):
            b.prop("subsidiary", *split_enum(value))
        imos = [m for v in info.get("IMO number") for m in re.findall(r"\d{7}", v)]
        imos += [m.group(1) for m in _IMO_FREE.finditer(free)]
        for imo in imos:
            b.identifiers.append(Identifier("imo", imo, None, "IMO number"))
        for m in _MMSI_FREE.finditer(free):
            b.identifiers.append(Identifier("mmsi", m.group(1), None, "MMSI"))
        for m in _SWIFT_FREE.finditer(free):
            b.identifiers.append(Identifier("swift", m.group(1), None, "SWIFT/BIC"))
        for value in info.get("Flag of ship"):
            b.add_countries("flag", value)
        for value in info.get("Previous flags"):
            b.add_countries("pastFlags", value)
        b.prop("type", *info.get("Type of ship"))
        b.prop("tonnage", *info.get("Tonnage of ship"))
        b.prop("length", *info.get("Length of ship"))
        b.prop("buildDate", *info.get("Year built"))
        b.prop("ownerName", *info.get("Current owners"))
        for m in _NON_LATIN_FREE.finditer(free):
            b.names.append(
                Name(m.group(1).strip(), "original", name_lang(m.group(3), m.group(2), m.group(1)))
            )


def _extra_measures(other: str | None) -> list[str]:
    m = _EXTRA_MEASURES.search(other or "")
    if not m:
        return []
    span = m.group(1).lower()
    return [measure for phrase, measure in uk_values()["measures"].items() if phrase in span]
