"""Japan MOF asset-freeze list, CSV edition (``shisantouketsu<YYYYMMDD>.csv``, UTF-8 with BOM).

32 columns, one row per entry of every regime: ``区分`` (the workbook's sheet number), ``番号``
(``<sheet>-<number>``, zero-padded), the notice's date and number, ``個人・団体`` (individual or
entity), Japanese and English columns side by side for names, aliases, former names, titles,
positions, places and addresses, and ``外務省告示情報`` (the notice). Several values in one cell are
separated by ``；``. Columns are read through ``jp_mof.yml`` (``csv_columns``) and mapped as the
workbook's entries are (:func:`embargo.sources.jp_mof.build_entity`), so both editions give the
same entity ids (``<sheet>-<number>``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from embargo.errors import ListFormatError
from embargo.model.entity import Schema
from embargo.sources.base import ParsedList, Record
from embargo.sources.jp_fields import fold, split_top
from embargo.sources.jp_mof import SOURCE, Entry, finish, regime, tables
from embargo.sources.listfields import read_table

NAME = "jp_mof_csv"
COLUMNS = 32
REQUIRED = ("区分", "番号", "告示番号", "個人・団体", "氏名（日本語）", "氏名（英語）")
_KEY = re.compile(r"^\s*0*(\d+)\s*-\s*0*(\d+)\s*$")


def sniff(path: Path, head: bytes) -> str | None:
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    return SOURCE if first.startswith("区分,番号,告示日付,告示番号,個人・団体") else None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    data = path.read_bytes()
    if not data:
        raise ListFormatError(path, "empty file (0 bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(path, f"not UTF-8 text: corrupted ({exc.reason} at byte {exc.start})") from exc
    rows = read_table(
        path, csv.reader(io.StringIO(text, newline="")), "MOF asset-freeze CSV", REQUIRED, "区分"
    )
    header = list(rows[0][1])
    if len(header) != COLUMNS:
        raise ListFormatError(path, f"{len(header)} columns where the MOF CSV has {COLUMNS}", "line 1")
    roles: dict[str, str] = tables()["csv_columns"]
    kinds: dict[str, str] = tables()["kinds"]
    fields = {label: roles.get(label, "") for label in header}

    def entries() -> Iterator[Entry]:
        for line, values in rows:
            # several values in a cell: "；" outside brackets ("名前（生年月日1960/4/11； 1963/4/11）" is one)
            rec = Record({k: "\n".join(split_top(fold(v), ";")) for k, v in values.items()})
            sheet = (rec.text("区分") or "").strip()
            key = _KEY.match(rec.text("番号") or "")
            if key is not None and not sheet:
                sheet = key.group(1)
            kind = kinds.get(rec.text("個人・団体") or "")
            schema: Schema | None = "Person" if kind == "Person" else "Organization" if kind else None
            yield Entry(rec, fields, regime(sheet), f"line {line}", schema)

    return finish(path, source, NAME, entries())
