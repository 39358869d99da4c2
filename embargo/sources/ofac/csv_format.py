"""OFAC's legacy CSV files: ``sdn.csv`` (+ ``add.csv``, ``alt.csv``, ``sdn_comments.csv``) and the
non-SDN consolidated set ``cons_prim.csv`` (+ ``cons_add.csv``, ``cons_alt.csv``, ``cons_comments.csv``).

The format, as OFAC publishes it: no header row; ``-0- `` means empty; CRLF line ends; the file
ends with a 0x1A byte; ASCII; several programmes in one field are joined as ``SDGT] [IRGC``.
Main file columns: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
GRT, Vess_flag, Vess_owner, Remarks. Companions refer to it by ent_num. Remarks are cut at 1000
characters; the comments file holds the rest, which is appended as is (it continues mid-word).
Most facts live in Remarks (see :mod:`embargo.sources.ofac.remarks`); they are read with the XML's
label table, so both editions of one publication give the same entities.

A missing 0x1A, a row with the wrong number of columns or a quoted field that runs past its line
means the file was cut or damaged: :class:`ListFormatError` names the line.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from embargo._gc import no_gc
from embargo.errors import ListFormatError
from embargo.model.entity import Address, Entity, Name, NameKind, Schema
from embargo.sources.base import ParsedList, Reading, Record, UsageTracker
from embargo.sources.ofac.facts import Draft
from embargo.sources.ofac.remarks import read_remarks
from embargo.text.countries import country_code

NAME = "ofac_csv"

EOF_MARK = b"\x1a"
EMPTY = "-0-"
REMARKS_LIMIT = 1000  # OFAC cuts Remarks here and continues them in the comments file

MAIN_FILES = {"sdn.csv": "us_ofac_sdn", "cons_prim.csv": "us_ofac_cons"}
COMPANION_FILES = {
    "sdn.csv": {"add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    "cons_prim.csv": {"add": "cons_add.csv", "alt": "cons_alt.csv", "comments": "cons_comments.csv"},
}
MAIN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
    "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)  # fmt: skip
COMPANION_COLUMNS = {
    "add": ("ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks"),
    "alt": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "comments": ("ent_num", "Remarks_Extended"),
}
SCHEMAS: dict[str | None, Schema] = {
    "individual": "Person",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    None: "Organization",
}
ALT_KINDS: dict[str, NameKind] = {"aka": "alias", "fka": "former", "nka": "alias"}
_HEAD = re.compile(rb'^\d+,(?:"[^"\r\n]*"|-0- ?),')


def sniff(path: Path, head: bytes) -> str | None:
    """``sdn.csv`` / ``cons_prim.csv`` (any case) whose first row looks like OFAC's CSV. An empty
    file of that name is claimed too, so that parsing refuses it with a clear message."""
    source = MAIN_FILES.get(path.name.lower())
    if source is None:
        return None
    if head and not _HEAD.match(head):
        return None
    return source


def companions(path: Path) -> list[Path]:
    """The add/alt/comments siblings of a main file (matched case-insensitively)."""
    wanted = set(COMPANION_FILES.get(path.name.lower(), {}).values())
    try:
        siblings = sorted(path.parent.iterdir())
    except OSError:
        return []
    return [p for p in siblings if p.is_file() and p.name.lower() in wanted]


@dataclass
class _Entry:
    """One main-file row and what its companions add."""

    line: int
    record: Record
    companions: dict[str, list[Record]] = field(
        default_factory=lambda: {"add": [], "alt": [], "comments": []}
    )


def parse(path: Path, source: str) -> ParsedList:
    with no_gc():
        return _parse(path, source)


def _parse(path: Path, source: str) -> ParsedList:
    r = Reading(path, source, NAME)
    warnings = r.warnings
    entries: dict[str, _Entry] = {}
    for line, rec in _rows(path, MAIN_COLUMNS, warnings, whole=True):
        ent = rec["ent_num"]
        if ent in entries:
            raise ListFormatError(
                path, f"ent_num {ent} occurs twice (first on line {entries[ent].line})", f"line {line}"
            )
        if rec.text("SDN_Name") is None:
            raise ListFormatError(path, f"ent_num {ent} has no name", f"line {line}")
        entries[ent] = _Entry(line, rec)
    if not entries:
        raise ListFormatError(path, "no records: empty or truncated file")

    files = [path]
    kinds = COMPANION_FILES.get(path.name.lower(), {})
    for comp in companions(path):
        kind = next(k for k, name in kinds.items() if name == comp.name.lower())
        files.append(comp)
        orphans = Counter[str]()
        # add/alt carry addresses and aliases: cut, they strip parties, so they are held to the main
        # file's standard; the comments file only continues Remarks (one real copy lacks its 0x1A)
        for _line, rec in _rows(comp, COMPANION_COLUMNS[kind], warnings, whole=kind != "comments"):
            entry = entries.get(rec["ent_num"])
            if entry is None:
                orphans[rec["ent_num"]] += 1
                continue
            entry.companions[kind].append(rec)
        if orphans:
            # every companion row refers to a main-file entry: one that does not means the main file
            # lost rows (cut, then re-terminated) or the files are of different publications
            sample = ", ".join(sorted(orphans, key=int)[:5])
            raise ListFormatError(
                comp,
                f"{sum(orphans.values())} rows name an ent_num that is not in {path.name} (e.g. {sample}): "
                f"{path.name} is cut or the files are of different publications",
            )

    trackers: dict[str, UsageTracker] = defaultdict(UsageTracker)
    labels: Counter[str] = Counter()
    cut: list[str] = []
    r.entities = [_entity(ent, e, source, trackers, labels, cut) for ent, e in entries.items()]
    if cut:
        warnings.append(
            f"Remarks of {len(cut)} entries end at OFAC's {REMARKS_LIMIT}-character limit with no comments file "
            f"to continue them (e.g. ent_num {', '.join(cut[:5])}): their last part is kept as a note only"
        )
    unconsumed: dict[str, int] = {}
    for kind, tracker in sorted(trackers.items()):
        for key, n in tracker.unconsumed.items():
            unconsumed[key if kind == "main" else f"{kind}:{key}"] = n
    for label, n in labels.items():
        unconsumed[f"remarks:{label}"] = n
    return r.finish(files=files, unconsumed=dict(sorted(unconsumed.items())))  # OFAC's CSV carries no date


# -- reading -------------------------------------------------------------------------------------------


def _rows(
    path: Path, columns: tuple[str, ...], warnings: list[str], *, whole: bool
) -> Iterator[tuple[int, Record]]:
    """(line number, record) for each row; ``-0-`` becomes None. A file that must be ``whole`` is
    refused without its 0x1A; another is read as far as it goes, with a warning."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(path, f"cannot be read: {exc.strerror or exc}") from exc
    if not data.strip(b"\x1a\r\n "):
        raise ListFormatError(path, f"empty file ({len(data)} bytes): an empty or failed download")
    last_line = data.count(b"\n") + (0 if data.rstrip(EOF_MARK).endswith(b"\n") else 1)
    if not data.removesuffix(EOF_MARK).endswith(b"\n"):
        raise ListFormatError(
            path, "the last row has no line end: the file is truncated (cut mid-row)", f"line {last_line}"
        )
    if data.endswith(EOF_MARK):
        data = data[:-1]
    elif whole:
        raise ListFormatError(
            path,
            "no end-of-file marker (0x1A) after the last row: the file is truncated",
            f"line {last_line}",
        )
    else:
        warnings.append(f"{path.name}: no end-of-file marker (0x1A); read as far as it goes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append(f"{path.name}: not ASCII/UTF-8, read as Windows-1252")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    width = len(columns)
    prev = 0
    try:
        for row in reader:
            line = reader.line_num
            if line != prev + 1:
                raise ListFormatError(
                    path, "a quoted field runs over several lines: an unterminated quote", f"line {prev + 1}"
                )
            prev = line
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise ListFormatError(
                    path,
                    f"{len(row)} columns where {path.name} has {width}: a cut or damaged row",
                    f"line {line}",
                )
            ent = row[0].strip()
            if not ent.isdigit():
                raise ListFormatError(path, f"ent_num {ent[:20]!r} is not a number", f"line {line}")
            row[0] = ent
            # "-0- " is OFAC's empty value; others are kept as printed (a Remarks field cut at 1000
            # characters may end in the space that separates it from its continuation)
            values = [None if c.strip() in ("", EMPTY) else c for c in row]
            yield line, Record(dict(zip(columns, values, strict=True)))
    except csv.Error as exc:
        if reader.line_num > prev + 1:
            raise ListFormatError(
                path,
                f"a quoted field runs over several lines: an unterminated quote ({exc})",
                f"line {prev + 1}",
            ) from exc
        raise ListFormatError(path, f"not valid CSV: {exc}", f"line {reader.line_num}") from exc


# -- mapping -------------------------------------------------------------------------------------------

# the main file's vessel columns, read as the XML's vesselInfo labels
VESSEL_COLUMNS = {
    "Call_Sign": "Vessel Call Sign",
    "Vess_type": "Vessel Type",
    "Vess_flag": "Vessel Flag",
    "Vess_owner": "Vessel Owner",
    "Tonnage": "Vessel Tonnage",
    "GRT": "Vessel Gross Registered Tonnage",
}


def _programs(text: str | None) -> list[str]:
    """``SDGT] [IRGC`` -> ``["SDGT", "IRGC"]``."""
    if not text:
        return []
    return [p.strip(" []") for p in text.split("] [") if p.strip(" []")]


def _entity(
    ent: str,
    e: _Entry,
    source: str,
    trackers: dict[str, UsageTracker],
    labels: Counter[str],
    cut: list[str],
) -> Entity:
    rec = e.record
    sdn_type = rec.text("SDN_Type")
    draft = Draft(SCHEMAS.get(sdn_type.lower() if sdn_type else None, "Organization"))
    raw_remarks = rec.get("Remarks") or ""
    for c in e.companions["comments"]:
        raw_remarks += c.get("Remarks_Extended") or ""
        c.consume("ent_num")
    raw_remarks = raw_remarks.strip()
    truncated = (
        not e.companions["comments"] and len(raw_remarks) >= REMARKS_LIMIT and not raw_remarks.endswith(".")
    )
    if truncated:
        cut.append(ent)
    draft.names.append(Name(rec.text("SDN_Name") or "", "primary"))
    draft.programs.extend(_programs(rec.text("Program")))
    labels.update(read_remarks(raw_remarks, draft, truncated=truncated))
    title = rec.text("Title")
    if title:
        draft.prop("title", title)
        # OFAC repeats the Title in Remarks: keep it once
        for key in ("position", "notes"):
            if key in draft.props:
                draft.props[key] = [v for v in draft.props[key] if _plain(v) != _plain(title)]
    for column, label in VESSEL_COLUMNS.items():
        draft.labelled(label, rec.text(column))
    for a in e.companions["alt"]:
        a.consume("ent_num", "alt_num")
        alt_type = (a.text("alt_type") or "aka").lower().replace(".", "")
        name = a.text("alt_name")
        if name:
            draft.names.append(Name(name, ALT_KINDS.get(alt_type, "alias")))
        if a.text("alt_remarks"):
            draft.prop("notes", f"{name}: {a.text('alt_remarks')}")
    addresses = [_address(a) for a in e.companions["add"]]
    draft.addresses += list({a.full: a for a in reversed(addresses)}.values())
    draft.countries += [a.country for a in addresses]
    entity = draft.build(source, ent)
    trackers["main"].check(rec)
    for kind, recs in e.companions.items():
        for r in recs:
            trackers[kind].check(r)
    return entity


def _plain(text: str | None) -> str:
    return (text or "").lower().rstrip(".")


def _address(rec: Record) -> Address:
    rec.consume("ent_num", "Add_num")
    street = rec.text("Address")
    city = rec.text("City/State/Province/Postal Code")
    country_text = rec.text("Country")
    region = None
    if country_text and country_text.lower().startswith("region:"):
        region = country_text.split(":", 1)[1].strip()
    note = rec.text("Add_remarks")
    parts = [p for p in (street, city, region or country_text, note) if p]
    return Address(
        full=", ".join(parts),
        street=street,
        city=city,
        region=region,
        country=country_code(region or country_text) if (region or country_text) else None,
    )
