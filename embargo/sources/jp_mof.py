"""Japan Ministry of Finance: parties subject to asset freezes under the Foreign Exchange and Foreign
Trade Act (``shisantouketsu<YYYYMMDD>.xlsx``).

The workbook has an index sheet (``一覧``) and one sheet per regime, named ``<n>.<regime>``; each regime
sheet has a title, sometimes notes, then a header row starting ``告示日付`` (date of the notice) and
``告示番号`` (its number), and one row per entry. Columns differ from sheet to sheet: their labels are
read through ``jp_mof.yml``, and a label it does not know is reported as an unused field. A long entry
spans several rows whose cells are merged (only the first row has the values; the rows below add
text, e.g. further notes). A numbered row without a name is a deleted designation. Rescinded regimes
(``【解除】``) have no header and no entries. The file's date is in its name.

The mapping from one entry's fields to an entity (:func:`build_entity`) is shared with the CSV
edition (:mod:`embargo.sources.jp_mof_csv`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from embargo.errors import ListFormatError
from embargo.model import Address, Entity, Identifier, Name
from embargo.model.entity import IdType, Schema
from embargo.resources import load
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.catalog import source_info
from embargo.sources.jp_fields import (
    countries_in,
    enumerated,
    fold,
    is_japanese,
    japanese_names,
    jp_dates,
    known,
    latin_names,
    lines,
    notice_dates,
    split_names,
)
from embargo.sources.listfields import EntityBuilder, doc_numbers, script_hint, xlsx_peek, xlsx_sheet_rows

NAME = "jp_mof_xlsx"
SOURCE = "jp_mof"
LIST_NAME = "Asset freeze (Foreign Exchange and Foreign Trade Act)"
MEASURE = "asset freeze"
FILE_NAME = re.compile(r"shisantouketsu(\d{4})(\d{2})(\d{2})", re.I)
_SHEET = re.compile(r"^\s*(\d+)\s*\.")
_NUMBER = re.compile(r"^\s*([*#]?)\s*(\d+)\s*(?:\((.*)\))?\s*$")


class EntryError(ValueError):
    """An entry the mapper cannot read: (what, where); the parser turns it into ListFormatError."""


@dataclass(frozen=True)
class Regime:
    number: str
    program: str
    schema: Schema | None
    russia_belarus: bool


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    """``jp_mof.yml``: column roles (XLSX and CSV), regimes by sheet number, kinds, countries."""
    data: dict[str, Any] = load("jp_mof.yml")
    return data


def regime(sheet_number: str) -> Regime:
    info = tables()["sheets"].get(str(int(sheet_number))) if sheet_number.isdigit() else None
    if info is None:
        return Regime(sheet_number, f"Sheet {sheet_number}", None, False)
    schema = info.get("schema")
    return Regime(sheet_number, info["program"], schema, info.get("russia_belarus") == "yes")


def list_date(path: Path) -> str | None:
    m = FILE_NAME.search(path.name)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def sniff(path: Path, head: bytes) -> str | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    if FILE_NAME.search(path.name) and path.suffix.lower() == ".xlsx":
        return SOURCE  # (parse() says why, if the workbook is unreadable)
    text = xlsx_peek(path)
    return SOURCE if text and all(m in text for m in (">告示日付<", ">日本語表記<", ">英語表記<")) else None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    if path.stat().st_size == 0:
        raise ListFormatError(path, "empty file (0 bytes)")
    roles: dict[str, str] = tables()["columns"]

    def entries() -> Iterator[Entry]:
        for sheet, rows in _sheet_entries(path):
            m = _SHEET.match(sheet)
            reg = regime(m.group(1) if m else sheet)
            for where, rec in rows:
                fields = {label: roles.get(label, "") for label in rec}
                yield Entry(rec, fields, reg, f"sheet {sheet!r}, {where}")

    return finish(path, source, NAME, entries())


@dataclass(frozen=True)
class Entry:
    """One entry of either edition: its fields (label -> role of ``jp_mof.yml``), regime and place."""

    rec: Record
    fields: Mapping[str, str]
    regime: Regime
    where: str
    schema: Schema | None = None


def finish(path: Path, source: str, fmt: str, entries: Iterable[Entry]) -> ParsedList:
    """Either edition's entries mapped; a file with no named entry, or with one entry twice, is refused."""
    r = Reading(path, source, fmt)
    deleted = 0
    for e in entries:
        try:
            entity = build_entity(e.rec, e.fields, e.regime, source, where=e.where, schema=e.schema)
        except EntryError as exc:
            raise ListFormatError(path, exc.args[0], exc.args[1]) from exc
        if entity is None:
            deleted += 1
        else:
            r.entities.append(entity)
        r.tracker.check(e.rec)
    if not r.entities:
        raise ListFormatError(path, "no entries with a name: not the MOF asset-freeze list, or an empty one")
    if deleted:
        r.warnings.append(f"{deleted} numbered rows without a name (deleted designations) skipped")
    _check_ids(path, r.entities)
    return r.finish(list_date=list_date(path))


def _check_ids(path: Path, entities: list[Entity]) -> None:
    seen = Counter(e.source_id for e in entities)
    twice = [k for k, n in seen.items() if n > 1]
    if twice:
        raise ListFormatError(
            path, f"entry numbers listed twice in one sheet: {', '.join(sorted(twice)[:5])}"
        )


def _sheet_entries(path: Path) -> Iterable[tuple[str, list[tuple[str, Record]]]]:
    """Each regime sheet with its entries: (sheet title, [(row, record)]); continuation rows joined."""
    current: str | None = None
    header: list[str] = []
    entries: list[tuple[str, dict[str, str]]] = []
    for sheet, where, cells in xlsx_sheet_rows(path):
        if sheet != current:
            if current is not None and header:
                yield current, [(w, Record(d)) for w, d in entries]
            current, header, entries = sheet, [], []
        if not header:
            if cells and cells[0] == "告示日付":
                header = [" ".join((c or "").split()) for c in cells]
            continue
        values = {header[i]: v for i, v in enumerate(cells) if v and i < len(header) and header[i]}
        if not values:
            continue
        number, ja, en = (values.get(k) for k in ("告示番号", "日本語表記", "英語表記"))
        if number or ja or en or not entries:
            entries.append((where, values))
            continue
        last = entries[-1][1]  # a row of a merged entry: its text adds to the entry's
        for key, text in values.items():
            last[key] = f"{last[key]}\n{text}" if last.get(key) else text
    if current is not None and header:
        yield current, [(w, Record(d)) for w, d in entries]


def _texts(rec: Record, fields: Mapping[str, str], role: str) -> list[str]:
    return [t for label, r in fields.items() if r == role and (t := rec.text(label))]


def build_entity(
    rec: Record,
    fields: Mapping[str, str],
    reg: Regime,
    source: str,
    *,
    where: str,
    schema: Schema | None = None,
) -> Entity | None:
    """One entry (``fields``: its labels -> roles of ``jp_mof.yml``) as an entity; None for a deleted one."""

    def get(role: str) -> list[str]:
        return _texts(rec, fields, role)

    number_text = " ".join(get("notice_number"))
    m = _NUMBER.match(fold(number_text))
    ja, en = get("name_ja"), get("name_en")
    listed, amended, deleted = notice_dates("\n".join(get("notice_date")))
    if not (ja or en) or m is None:
        rec.consume(*rec.keys())
        if not deleted and (ja or en):
            raise EntryError(f"an entry with a name but no notice number ({number_text!r})", where)
        return None
    b = EntityBuilder()
    for text in ja:
        for name in japanese_names(text):
            b.names.append(Name(name, "alias", "jpn") if is_japanese(name) else Name(name, "alias"))
    primary = True
    for text in en:
        latin, originals = latin_names(text)
        for name in latin:
            b.names.append(Name(name, "primary" if primary else "alias"))
            primary = False
        b.names.extend(Name(o, "original", script_hint(o)) for o in originals)
    for role, kind in (("alias", "alias"), ("former", "former"), ("weak", "weak")):
        for text in get(role):
            for name in split_names(text):
                b.names.append(Name(name, kind, "jpn" if is_japanese(name) else None))  # type: ignore[arg-type]
    for text in get("birth_date") + get("birth_date_place"):
        b.birth_dates.extend(d for d in jp_dates(text) if len(d) >= 4)
    for text in get("birth_date_place"):
        b.prop("notes", *lines(text))
    for text in get("birth_place"):
        b.birth_places.extend(item for line in lines(text) for item in enumerated(line))
    for text in get("nationality"):
        b.nationalities.extend(countries_in(text))
    _identifiers(b, get("passport"), "passport")
    _identifiers(b, get("id_number"), "national_id")
    countries = [c for t in get("address_country") for c in countries_in(t)]
    for text in get("address"):
        for item in (item for line in lines(text) for item in enumerated(line)):
            codes = countries_in(item) or countries
            b.addresses.append(Address(item, None, None, None, None, codes[0] if codes else None))
            b.countries.extend(codes[:1])
    for role, prop in (("title", "title"), ("position", "position"), ("notes", "notes"), ("phone", "phone")):
        for text in get(role):
            b.prop(prop, *lines(text))
    b.prop("notes", *get("notice_info"))
    b.prop("unscId", *(known(t) for t in get("un_reference")))
    b.prop("unListingDate", *(d for t in get("un_listing_date") for d in jp_dates(t)[:1]))
    b.prop("modifiedAt", *amended)
    if m.group(1) or m.group(3):  # "*186": also a Taliban/ISIL designation; "1(*186)": its number there
        b.prop("crossReference", m.group(1) + (m.group(3) or ""))
    rec.consume(*(label for label, role in fields.items() if role in ("kind", "sheet", "key")))
    reasons = get("reason")
    texts = [n.value for n in b.names if not n.lang] + b.props.get("title", []) + b.props.get("position", [])
    b.add_sanction(
        authority=source_info(SOURCE).authority,
        list_name=LIST_NAME,
        programs=[reg.program],
        listing_date=listed,
        reason="\n".join(reasons) or None,
        measures=(MEASURE,),
        country="jp",
        texts=texts if reg.russia_belarus else (),
    )
    kind = schema or reg.schema or _guess_schema(b)
    return b.build(
        source=source,
        source_id=f"{int(reg.number) if reg.number.isdigit() else reg.number}-{m.group(2)}",
        schema=kind,
    )


def _identifiers(b: EntityBuilder, texts: list[str], id_type: IdType) -> None:
    for text in texts:
        for line in lines(text):
            for number, note in doc_numbers(line):
                b.identifiers.append(Identifier(id_type, number, None, note if note != number else None))


def _guess_schema(b: EntityBuilder) -> Schema:
    """A sheet of individuals and entities alike: what the entry says about itself."""
    if b.birth_dates or b.birth_places or b.nationalities or b.props.get("title"):
        return "Person"
    if any(i.type == "passport" for i in b.identifiers):
        return "Person"
    return "LegalEntity"
