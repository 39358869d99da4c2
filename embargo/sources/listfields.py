"""Field helpers shared by the spreadsheet-style list parsers (UK OFSI, UK FCDO, Australia DFAT).

Pure functions over the text the lists print: enumerations (``(1) X (2) Y``, ``a) X b) Y``),
countries, dates with unknown parts, phone/e-mail/website runs, registration numbers, the
script of a name; an :class:`EntityBuilder` that collects one party's facts from several rows;
and XLSX reading that turns every library error into :class:`ListFormatError`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from embargo.model import Address, Entity, Identifier, Name, Sanction, make_entity
from embargo.model.entity import IdType, Schema
from embargo.resources import load
from embargo.sources.base import ListFormatError
from embargo.sources.limits import check_cells, check_xlsx
from embargo.sources.sectors import sectors_for
from embargo.sources.values import one_gender
from embargo.text.countries import country_code
from embargo.text.dates import parse_dates

# -- reference values ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def uk_values() -> dict[str, dict[str, str]]:
    """``embargo/resources/uk_ofsi.yml``: country, language, script and measure tables."""
    data: dict[str, dict[str, str]] = load("uk_ofsi.yml")
    return data


# -- enumerations ----------------------------------------------------------------------------

_MARKER = re.compile(r"(?:^|(?<=[\s.;,]))\(?([0-9]{1,2}|[a-hA-H])(?:\s*-\s*([0-9]{1,2}))?\)\s*")


def split_enum(text: str | None) -> list[str]:
    """``(1) Russia (2) Ukraine``, ``a) X; b) Y``, ``1) X 2) Y`` -> the items; else ``[text]``.

    A marker only counts when the markers count up from 1 (or a), so ``+375 (17) 213-41-63``
    and ``Iraq (previous address)`` stay whole.
    """
    if text is None:
        return []
    s = text.strip()
    cuts: list[tuple[int, int]] = []
    prev = 0
    for m in _MARKER.finditer(s):
        tok = m.group(1)
        n = int(tok) if tok.isdigit() else ord(tok.lower()) - ord("a") + 1
        if (not cuts and n == 1) or (cuts and prev < n <= prev + 10):
            cuts.append((m.start(), m.end()))
            prev = int(m.group(2)) if m.group(2) and tok.isdigit() else n  # "(1-3) Libya"
    if not cuts:
        items = [s]
    else:
        items = [s[: cuts[0][0]]]
        for i, (_, end) in enumerate(cuts):
            items.append(s[end : cuts[i + 1][0] if i + 1 < len(cuts) else len(s)])
    out = []
    for item in items:
        item = item.strip(" \t\r\n\xa0.;,")
        if item and item.lower() not in ("to", "and", "or"):
            out.append(item)
    return out


# -- countries -------------------------------------------------------------------------------

_PAREN = re.compile(r"\([^)]*\)")
_NOW = re.compile(r"\b(?:now|currently)\s+(.+)$", re.I)
_NOISE = re.compile(r"\b(?:citizenship|nationality|nationals?|possibly|by birth|former|formerly)\b", re.I)
_PARTS = re.compile(r"[/;]|\band\b|\.\s|,")


def _country(text: str) -> str | None:
    s = " ".join(text.split()).strip(" .,;:-")
    if not s:
        return None
    fixed = uk_values()["countries"].get(s.lower())
    return fixed or country_code(s)


def _item_countries(item: str) -> list[str]:
    code = _country(item)
    if code:
        return [code]
    now = _NOW.search(item)
    if now and (code := _country(_PAREN.sub("", now.group(1)))):
        return [code]
    bare = _NOISE.sub("", _PAREN.sub("", item))
    parts = [p for p in _PARTS.split(bare) if p.strip()]
    if len(parts) > 1:
        found = [c for part in parts if (c := _country(part))]
        if found:
            return list(dict.fromkeys(found))
    code = _country(bare)
    return [code] if code else []


def country_codes(text: str | None) -> tuple[list[str], list[str]]:
    """Country codes a field names, and the items no country could be read from."""
    codes: list[str] = []
    unknown: list[str] = []
    for item in split_enum(text):
        found = _item_countries(item)
        codes.extend(found)
        if not found and item not in ("-", "(1-"):
            unknown.append(item)
    return list(dict.fromkeys(codes)), unknown


# -- dates -----------------------------------------------------------------------------------

_DATE_LIKE = re.compile(
    r"\d{1,2}(?:st|nd|rd|th)?[\s\-./]+(?:[A-Za-z]{3,9}\.?|\d{1,2})[\s\-./,]+\d{4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_PLACEHOLDER = re.compile(r"\b(?:dd|mm)\b", re.I)


def find_dates(text: str | None) -> list[str]:
    """Every full or partial date written inside a sentence, in order."""
    out: list[str] = []
    for m in _DATE_LIKE.finditer(text or ""):
        out.extend(parse_dates(m.group(0)))
    return out


def dates_in(text: str | None) -> list[str]:
    """The dates a date field means (items, ``dd/mm/1945`` and ``00/00/1980`` placeholders, years)."""
    out: list[str] = []
    for item in split_enum(text):
        s = _PLACEHOLDER.sub("00", item)
        found = parse_dates(s) or find_dates(s) or [y for y in _YEAR.findall(s) for y in parse_dates(y)]
        out.extend(found)
    return out


# -- contacts and numbers --------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEBSITE = re.compile(
    r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:/[^\s,;]*)?"
)
_PHONE_SPLIT = re.compile(r";|,(?=\s*[+\d(])|\.\s+(?=[+\d(])|\s{2,}")
_DOC_TOKEN = re.compile(r"(?<![\w/])([A-Z]{0,3}\d[\dA-Z\-]{4,})(?![\w/])")
_REG_LABEL = re.compile(
    r"^(TIN|INN|KPP|OGRN|OGRNIP|UNP|EDRPOU|BIN|Tax ID(?:\s*No\.?)?|Tax Identification Number"
    r"|Registration (?:No\.?|Number)|Company (?:No\.?|Number))\s*[:.\-]?\s*(\S.*)$",
    re.I,
)
_TAX_LABELS = ("TIN", "INN", "TAX", "UNP")


def emails_in(text: str | None) -> list[str]:
    return [e.rstrip(".") for e in _EMAIL.findall(text or "")]


def websites_in(text: str | None) -> list[str]:
    rest = _EMAIL.sub(" ", text or "")
    return [w.rstrip(".") for w in _WEBSITE.findall(rest)]


def phones_in(text: str | None) -> list[str]:
    out = []
    for item in split_enum(text):
        for part in _PHONE_SPLIT.split(item):
            part = part.strip(" .,;")
            if sum(ch.isdigit() for ch in part) >= 5:
                out.append(part)
    return out


def doc_numbers(text: str | None) -> list[tuple[str, str]]:
    """Document numbers inside free text (``Passport No: 592667 (Qatari ...)``): (number, item)."""
    out = []
    for item in split_enum(text):
        m = _DOC_TOKEN.search(item)
        if m:
            out.append((m.group(1), item))
        elif re.fullmatch(r"[A-Z0-9][A-Z0-9 \-]{3,18}[A-Z0-9]", item):
            out.append((item, item))
    return out


def registration_ids(text: str | None, note: str) -> list[Identifier]:
    """``(1) TIN: 7804040302 (2) OGRN: 1027802490540`` -> typed identifiers."""
    out = []
    for item in split_enum(text):
        m = _REG_LABEL.match(item)
        if m:
            label, value = m.group(1), m.group(2).strip(" .")
            tax = label.upper().startswith(_TAX_LABELS)
            out.append(Identifier("tax_id" if tax else "registration", value, None, label))
        else:
            out.append(Identifier("registration", item, None, note))
    return out


def doc_country(note: str | None) -> str | None:
    """The issuing country a document note starts with (``Libyan. Issued in Tripoli ...``)."""
    if not note:
        return None
    chunk = re.split(r"[.,;(]| - ", note, maxsplit=1)[0].strip()
    if not chunk or len(chunk) > 40:
        return None
    return _country(chunk) or _country(
        re.sub(r"\b(?:passport|number|national|diplomatic|id)\b", "", chunk, flags=re.I)
    )


# -- scripts and languages -------------------------------------------------------------------

_SCRIPTS = {
    "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek", "CJK": "Hani", "HANGUL": "Hang",
    "HEBREW": "Hebr", "GEORGIAN": "Geor", "THAI": "Thai", "MYANMAR": "Mymr", "ARMENIAN": "Armn",
    "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "DEVANAGARI": "Deva", "BENGALI": "Beng", "ETHIOPIC": "Ethi",
}  # fmt: skip


def script_hint(text: str | None) -> str | None:
    """ISO 15924 code of the first non-Latin letter's script, None for a Latin-script text."""
    if not text or text.isascii():
        return None
    for ch in text:
        if ch.isalpha():
            uname = unicodedata.name(ch, "")
            if not uname or uname.startswith(("LATIN", "MODIFIER", "COMBINING")):
                continue
            return _SCRIPTS.get(uname.split()[0], "Zyyy")
    return None


def _lang_code(language: str) -> str | None:
    from rigour.langs import iso_639_alpha3

    key = language.strip().lower()
    fixed = uk_values()["languages"].get(key)
    if fixed:
        return fixed
    for part in [key, *key.split("/")]:
        code = iso_639_alpha3(part.strip())
        if code:
            return str(code)
    return None


def name_lang(language: str | None, script: str | None, text: str | None) -> str | None:
    """A name's ``lang``: ISO 639-3 from the list's language, else ISO 15924 from its script."""
    if language and (code := _lang_code(language)):
        return code
    if script and (hint := uk_values()["scripts"].get(script.strip().lower())):
        return hint
    return script_hint(text)


# -- one party, many rows --------------------------------------------------------------------


@dataclass
class EntityBuilder:
    """Collects what several rows (or elements) say about one listed party."""

    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    genders: set[str] = field(default_factory=set)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    props: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unknown_countries: list[str] = field(default_factory=list)

    def prop(self, key: str, *values: str | None) -> None:
        self.props[key].extend(v for v in values if v)

    def codes(self, text: str | None) -> list[str]:
        codes, unknown = country_codes(text)
        self.unknown_countries.extend(unknown)
        return codes

    def add_countries(self, key: str, text: str | None) -> None:
        self.prop(key, *self.codes(text))

    def add_address(self, lines: Sequence[str | None], postal: str | None, country: str | None) -> None:
        parts = [p for p in lines if p]
        if not parts and not postal and not country:
            return
        codes = self.codes(country)
        full = ", ".join([*parts, *(p for p in (postal, country) if p)])
        self.addresses.append(Address(full, None, None, None, postal, codes[0] if codes else None))
        self.countries.extend(codes)

    def add_numbered(self, id_type: IdType, numbers: str, details: str | None) -> None:
        """Numbers ``(1) A (2) B`` with their details, paired item by item when the counts agree."""
        nums = split_enum(numbers)
        dets = split_enum(details)
        paired = len(nums) > 1 and len(dets) == len(nums)
        for i, num in enumerate(nums):
            note = dets[i] if paired else details
            self.identifiers.append(Identifier(id_type, num, doc_country(note), note))

    def add_sanction(
        self,
        *,
        authority: str,
        list_name: str,
        programs: Sequence[str],
        listing_date: str | None,
        reason: str | None,
        measures: Iterable[str],
        country: str,
        texts: Iterable[str | None] = (),
    ) -> None:
        progs = tuple(programs)
        self.sanctions.append(
            Sanction(
                authority=authority,
                list_name=list_name,
                programs=progs,
                listing_date=listing_date,
                reason=reason,
                sectors=sectors_for(progs, reason, *texts),
                measures=tuple(measures),
                country=country,
            )
        )

    def build(self, *, source: str, source_id: str, schema: Schema) -> Entity:
        names = list(self.names)
        if names and not any(n.kind == "primary" for n in names):
            # no name marked primary: the first of the strongest kind, by value, stands in
            rank = {"alias": 0, "original": 1, "weak": 2, "former": 3}
            best = min(names, key=lambda n: (rank.get(n.kind, 9), n.value))
            names.append(Name(best.value, "primary", best.lang))
        return make_entity(
            source=source,
            source_id=source_id,
            schema=schema,
            names=names,
            birth_dates=self.birth_dates,
            birth_places=self.birth_places,
            nationalities=self.nationalities,
            countries=self.countries,
            gender=one_gender(self.genders),
            identifiers=merge_identifiers(self.identifiers),
            addresses=self.addresses,
            sanctions=self.sanctions,
            props=self.props,
        )


def merge_identifiers(idents: Iterable[Identifier]) -> list[Identifier]:
    """One identifier per (type, value): countries and notes of repeats are merged.

    (``make_entity`` sorts identifiers; two with the same type and value but a country or note
    on one only would not compare.)
    """
    by_key: dict[tuple[str, str], list[Identifier]] = defaultdict(list)
    for i in idents:
        value = " ".join(i.value.split())
        if value:
            by_key[(i.type, value)].append(i)
    out = []
    for (_, value), group in by_key.items():
        countries = sorted({i.country for i in group if i.country})
        notes = sorted({" ".join(i.note.split()) for i in group if i.note and i.note.strip()})
        out.append(
            Identifier(group[0].type, value, countries[0] if countries else None, "; ".join(notes) or None)
        )
    return out


# -- XLSX ------------------------------------------------------------------------------------


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as stripped text (dates as ISO, whole floats without ``.0``)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    s = str(value).strip()
    return s or None


def xlsx_peek(path: Path, size: int = 65536) -> str | None:
    """The first decompressed bytes of the shared strings and first sheet (to sniff a header).

    None when the file is not a readable zip.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            parts = [n for n in ("xl/sharedStrings.xml", *sheets[:1]) if n in names]
            chunks = []
            for name in parts:
                with zf.open(name) as f:
                    chunks.append(f.read(size).decode("utf-8", errors="ignore"))
            return "\n".join(chunks)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError, ValueError, zlib.error):
        return None


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def xlsx_header_rows(
    path: Path,
) -> tuple[list[str | None], Iterator[tuple[str, list[str | None]]]]:
    """The first sheet's header cells and an iterator over the rows after it (``xlsx_rows``); an empty
    file or an empty sheet -> ListFormatError."""
    if path.stat().st_size == 0:
        raise ListFormatError(path, "empty file (0 bytes)")
    rows = xlsx_rows(path)
    first = next(rows, None)
    if first is None:
        raise ListFormatError(path, "the sheet is empty", "row 1")
    return first[1], rows


def xlsx_rows(path: Path) -> Iterator[tuple[str, list[str | None]]]:
    """The first sheet's rows as text cells, ``("row N", cells)``; any read error -> ListFormatError."""
    for _, where, cells in xlsx_sheet_rows(path, first_only=True):
        yield where, cells


def xlsx_sheet_rows(path: Path, first_only: bool = False) -> Iterator[tuple[str, str, list[str | None]]]:
    """Every sheet's rows as text cells, ``(sheet title, "row N", cells)``, sheet after sheet.

    Any read error -> ListFormatError naming the sheet and row. (A merged cell's value is in its
    first cell only; the others read as None.)
    """
    import openpyxl

    check_xlsx(path)  # sizes, ratio, shared strings and the sheet's extent, before openpyxl loads it
    try:
        with warnings.catch_warnings():  # workbook settings openpyxl cannot apply (a print area): not ours
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors alike
        raise ListFormatError(
            path, f"not a readable XLSX workbook, truncated or corrupted ({_why(exc)})"
        ) from exc
    n, title, cells = 0, "", 0
    try:
        if not wb.worksheets:
            raise ListFormatError(path, "the workbook has no sheet")
        for ws in wb.worksheets[:1] if first_only else wb.worksheets:
            title = ws.title
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells += len(row)
                check_cells(path, cells)  # over the whole workbook: a bomb may spread over sheets
                yield (
                    title,
                    f"row {n}",
                    [(v.strip() or None) if type(v) is str else cell_text(v) for v in row],
                )
    except ListFormatError:
        raise
    except Exception as exc:
        where = f"sheet {title!r}, row {n + 1}" if not first_only else f"row {n + 1}"
        raise ListFormatError(path, f"corrupted XLSX sheet ({_why(exc)})", where) from exc
    finally:
        wb.close()


def read_table(
    path: Path, reader: Iterator[list[str]], what: str, required: Sequence[str], first: str | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a delimited list file with a header: (line number, column -> cell). Refuses, naming the
    line, a header without the ``required`` columns (or not starting with ``first``), a row whose field
    count differs from the header's, broken quoting, and a file with no record."""
    line = 1
    try:
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing or (first is not None and header[:1] != [first]):
            lacks = ", ".join(missing) or first or ""
            raise ListFormatError(path, f"not a {what}: header lacks {lacks}", where="line 1")
        rows = []
        for row in reader:
            line = getattr(reader, "line_num", line + 1)
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ListFormatError(
                    path,
                    f"{len(row)} fields where the header has {len(header)}: truncated or corrupted row",
                    where=f"line {line}",
                )
            rows.append((line, dict(zip(header, row, strict=True))))
    except csv.Error as exc:
        line = getattr(reader, "line_num", line)
        raise ListFormatError(path, f"broken CSV quoting: {exc} (truncated?)", where=f"line {line}") from exc
    if not rows:
        raise ListFormatError(path, "no records after the header: empty or truncated list")
    return rows
