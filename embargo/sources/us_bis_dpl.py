"""US Commerce BIS Denied Persons List: ``dpl.txt``.

Tab-delimited, double-quoted text with a header row of 12 columns (``Name``, ``Street_Address``,
``City``, ``State``, ``Country``, ``Postal_Code``, ``Effective_Date``, ``Expiration_Date``,
``Standard_Order``, ``Last_Update``, ``Action``, ``FR_Citation``); one row per party *and address*.

Decisions (the file has no id, no type column and no publication date):

* **One entity per normalised name** (whitespace collapsed, upper case): the rows of one party at
  several addresses (``I. ASH`` has three) become one entity with several addresses; each
  distinct order (effective date, Federal Register citation) stays a separate :class:`Sanction`.
  ``source_id`` is that normalised name. Measured on the three stored versions, keying on the
  name keeps far more ids stable than name + address + effective date: a TDO renewal changes the
  effective date and an address correction changes the address, yet both are the same party
  still denied (2022-09-02 -> 2023-11-28: +149/-63 by name, +244/-160 by name+address+date).
* **Person or organisation**: a name with a legal-form or organisation word
  (``embargo/resources/us_bis_dpl.yml``) is an ``Organization``;
  any other name is a ``LegalEntity`` (the list does not say; most are people).
* ``list_date`` is None; the latest valid ``Last_Update`` is reported as a warning. Official
  ``Last_Update`` values such as ``3017-08-22`` are invalid dates: warned about, not a crash.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from embargo.errors import ListFormatError
from embargo.model.entity import Address, Entity, Name, Sanction, Schema, make_entity
from embargo.resources import load
from embargo.sources.base import ParsedList, Reading, Record, UsageTracker
from embargo.sources.listfields import read_table
from embargo.sources.sectors import sectors_for
from embargo.text.countries import country_code
from embargo.text.dates import parse_date

NAME = "us_bis_dpl_txt"
SOURCE = "us_bis_dpl"
AUTHORITY = "US Commerce BIS"
LIST_NAME = "DPL"
DENIED = "export privileges denied"
COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
T = TypeVar("T")
STANDARD_ORDER = {
    "Y": "standard denial order",
    "N": "non-standard denial order (see the Federal Register notice)",
}


def sniff(path: Path, head: bytes) -> str | None:
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    cells = [c.strip().strip(b'"').strip() for c in first.split(b"\t")]
    if cells[:3] == [b"Name", b"Street_Address", b"City"] and b"Effective_Date" in cells:
        return SOURCE
    return None


def companions(path: Path) -> list[Path]:
    return []


# -- shared with the trade.gov CSL parser -----------------------------------------------------


def name_key(name: str) -> str:
    """The id a name-keyed list uses: whitespace collapsed, upper case."""
    return " ".join(name.split()).upper()


@lru_cache(maxsize=1)
def _org_words() -> frozenset[str]:
    data = load("us_bis_dpl.yml")
    return frozenset(str(w).casefold() for w in data["organisation_words"])


_TOKEN_SPLIT = re.compile(r"[\s,;:()\[\]\"“”«»„]+")
_TOKEN_STRIP = ".'’`?!*-&/"


def guess_schema(name: str) -> Schema:
    """``Organization`` when the name has a legal-form or organisation word, else ``LegalEntity``."""
    folded = " ".join(name.split()).casefold()
    words = _org_words()
    for token in _TOKEN_SPLIT.split(folded):
        t = token.strip(_TOKEN_STRIP)
        if t and (t in words or t.replace("-", "") in words):
            return "Organization"
    return "LegalEntity"


def merge_sanctions(sanctions: Iterable[Sanction]) -> list[Sanction]:
    """One :class:`Sanction` per list: the rows of one party on one list are one listing.

    Programmes, measures and sectors are united, the listing date is the earliest, the reasons
    (Federal Register citations) are joined. Besides being what the list means, this keeps
    ``make_entity`` from comparing ``None`` with a date when it sorts two sanctions of one list.
    """
    groups: dict[tuple[str, str, str | None], list[Sanction]] = defaultdict(list)
    for s in sanctions:
        groups[(s.authority, s.list_name, s.country)].append(s)
    out = []
    for (authority, list_name, country), group in sorted(groups.items(), key=lambda kv: str(kv[0])):
        dates = [s.listing_date for s in group if s.listing_date]
        reasons = sorted({" ".join(s.reason.split()) for s in group if s.reason})
        out.append(
            Sanction(
                authority,
                list_name,
                tuple(sorted({p for s in group for p in s.programs})),
                min(dates) if dates else None,
                "; ".join(reasons) or None,
                tuple(sorted({x for s in group for x in s.sectors})),
                tuple(sorted({m for s in group for m in s.measures})),
                country,
            )
        )
    return out


def drop_subsumed(items: Iterable[T]) -> list[T]:
    """Drop values another value repeats with more fields filled (``Identifier(x, "A")`` when
    ``Identifier(x, "A", "ru")`` is there): less information, and ``make_entity`` cannot sort
    ``None`` against text in otherwise equal values."""
    uniq = list(dict.fromkeys(items))
    if len(uniq) < 2:
        return uniq

    def values(item: T) -> list[Any]:
        return [getattr(item, f.name) for f in fields(item)]  # type: ignore[arg-type]

    rows = [values(i) for i in uniq]
    out = []
    for i, a in enumerate(rows):
        if not any(
            j != i and all(x == y or x is None for x, y in zip(a, b, strict=True)) for j, b in enumerate(rows)
        ):
            out.append(uniq[i])
    return out


def read_text(path: Path) -> str:
    """The file as UTF-8 text; empty, binary or mis-encoded files are refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(path, f"cannot be read ({exc.strerror or exc})") from exc
    return decode_text(path, data)


def decode_text(path: Path, data: bytes) -> str:
    if not data.strip():
        raise ListFormatError(path, "empty file")
    if b"\x00" in data:
        raise ListFormatError(path, "binary data (NUL bytes) in a text list: corrupted or not a list file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(
            path,
            f"not UTF-8 text: corrupted ({exc.reason} at byte {exc.start})",
            where=_line_of(data, exc.start),
        ) from exc


def _line_of(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"line {line}"


# -- parse -----------------------------------------------------------------------------------


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter="\t", quotechar='"', strict=True)
    return read_table(path, reader, "BIS Denied Persons List", COLUMNS, first="Name")


def _date(rec: Record, key: str, line: int, warnings: list[str]) -> str | None:
    raw = rec.text(key)
    if raw is None:
        return None
    value = parse_date(raw, dayfirst=False)
    if value is None:
        warnings.append(f"line {line}: {key} {raw!r} is not a valid date; ignored")
    return value


def parse(path: Path, source: str) -> ParsedList:
    r = Reading(path, source, NAME)
    tracker, warnings = r.tracker, r.warnings
    rows = _rows(path)
    groups: dict[str, list[tuple[int, Record]]] = defaultdict(list)
    for line, data in rows:
        rec = Record(data)
        name = rec.text("Name")
        if name is None:
            raise ListFormatError(path, "a row without a Name", where=f"line {line}")
        groups[name_key(name)].append((line, rec))
    last_updates: list[str] = []
    r.entities = entities = [
        _entity(key, recs, source, warnings, last_updates, tracker) for key, recs in sorted(groups.items())
    ]
    if last_updates:
        warnings.append(
            f"the list prints no publication date; its latest valid Last_Update is {max(last_updates)}"
        )
    if len(rows) != len(entities):
        warnings.append(
            f"{len(rows)} rows merged into {len(entities)} entities by name (one row per address)"
        )
    return r.finish()


def _entity(
    key: str,
    recs: list[tuple[int, Record]],
    source: str,
    warnings: list[str],
    last_updates: list[str],
    tracker: UsageTracker,
) -> Entity:
    spellings: Counter[str] = Counter()
    addresses: list[Address] = []
    sanctions: list[Sanction] = []
    props: dict[str, list[str | None]] = defaultdict(list)
    for line, rec in recs:
        spellings[" ".join(rec.text("Name").split())] += 1  # type: ignore[union-attr]
        street, city, state = rec.text("Street_Address"), rec.text("City"), rec.text("State")
        postal, country = rec.text("Postal_Code"), rec.text("Country")
        parts = [p for p in (street, city, state, postal, country) if p]
        if parts:
            code = country_code(country) if country else None
            addresses.append(Address(", ".join(parts), street, city, state, postal, code))
        listed = _date(rec, "Effective_Date", line, warnings)
        props["endDate"].append(_date(rec, "Expiration_Date", line, warnings))
        updated = _date(rec, "Last_Update", line, warnings)
        if updated:
            last_updates.append(updated)
            props["modifiedAt"].append(updated)
        action, citation = rec.text("Action"), rec.text("FR_Citation")
        props["notes"].append(action)
        order = (rec.text("Standard_Order") or "").upper()
        measures = [DENIED]
        if order in STANDARD_ORDER:
            measures.append(STANDARD_ORDER[order])
        elif order:
            warnings.append(f"line {line}: Standard_Order {order!r} is neither Y nor N")
        sanctions.append(
            Sanction(
                AUTHORITY,
                LIST_NAME,
                (),
                listed,
                citation,
                sectors_for((), citation, action),
                tuple(measures),
                "us",
            )
        )
        tracker.check(rec)
    # the most frequent spelling of the name (ties: the first in sort order) is the primary name
    primary = min(spellings, key=lambda s: (-spellings[s], s))
    names = [Name(primary, "primary")] + [Name(s, "alias") for s in spellings if s != primary]
    return make_entity(
        source=source,
        source_id=key,
        schema=guess_schema(primary),
        names=names,
        countries=[a.country for a in addresses],
        addresses=drop_subsumed(addresses),
        sanctions=merge_sanctions(sanctions),
        props=props,
    )
