"""Customer books in: CSV, TSV, JSON lines (yente's /match shape or flat objects), Parquet, XLSX.

:func:`open_input` checks what can be checked before any screening (format, empty file, encoding,
header) and raises :class:`BatchError` with one line; :meth:`Input.rows` then streams the rows,
each a :class:`Raw` (line number, cells aligned with ``columns``) or a :class:`Reject` (a row that
cannot be read, with the reason), so one bad row never stops a run.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from embargo.batch.errors import BatchError

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}
YENTE_COLUMNS = ["name", "schema", "birth_date", "country", "identifier"]
HEAD = 1 << 20  # bytes checked for the encoding before any work
_UNDECODED = re.compile("[\udc80-\udcff]")
csv.field_size_limit(1 << 24)


@dataclass(frozen=True, slots=True)
class Raw:
    line: int
    cells: list[str | None]
    ftm: dict[str, Any] | None = None  # a yente-shaped query, as read


@dataclass(frozen=True, slots=True)
class Reject:
    line: int
    reason: str


def detect_format(path: Path, what: str = "input") -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BatchError(
            f"{path}: unknown {what} format {path.suffix or '(no extension)'!r} "
            "(use .csv, .tsv, .jsonl, .parquet or .xlsx)"
        )
    return fmt


def cell(value: Any) -> str | None:
    """A spreadsheet or Parquet value as text: dates ISO, whole floats without '.0'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v is not None)
    return str(value)


class Input:
    """An opened input file: its format, columns and rows."""

    def __init__(self, path: Path, encoding: str = "utf-8") -> None:
        self.path = path
        self.format = detect_format(path)
        self.encoding = encoding
        self.yente = False
        if not path.is_file():
            raise BatchError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise BatchError(f"{path}: empty file (expected a header row or JSON lines)")
        if self.format in ("csv", "tsv", "jsonl"):
            self._check_encoding()
        self.columns = self._columns()

    def _check_encoding(self) -> None:
        try:
            decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        except LookupError:
            raise BatchError(f"unknown encoding {self.encoding!r} (e.g. utf-8, cp1252, latin-1)") from None
        with self.path.open("rb") as fh:
            head = fh.read(HEAD)
        try:
            text = decoder.decode(head, final=len(head) < HEAD)
        except UnicodeDecodeError as exc:
            raise BatchError(
                f"{self.path}: not readable as {self.encoding} (byte 0x{head[exc.start]:02x} at offset "
                f"{exc.start}); give the file's encoding with --encoding, e.g. --encoding cp1252"
            ) from None
        if not text.strip():
            raise BatchError(f"{self.path}: empty file (expected a header row or JSON lines)")

    def _text(self) -> Any:
        enc = "utf-8-sig" if self.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else self.encoding
        return self.path.open(encoding=enc, errors="surrogateescape", newline="")

    def _columns(self) -> list[str]:
        if self.format in ("csv", "tsv"):
            with self._text() as fh:
                for row in csv.reader(fh, delimiter=self._delimiter):
                    if any(c.strip() for c in row):
                        return [c.strip() for c in row]
            raise BatchError(f"{self.path}: empty file (expected a header row)")
        if self.format == "jsonl":
            with self._text() as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        first = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        if n > 1000:
                            break
                        continue
                    if isinstance(first, dict):
                        self.yente = "properties" in first
                        return list(YENTE_COLUMNS) if self.yente else [str(k) for k in first]
            raise BatchError(f"{self.path}: no JSON object in the first lines (expected JSON lines)")
        if self.format == "parquet":
            return list(self._parquet().schema_arrow.names)
        header = next(self._xlsx_rows(), None)
        if header is None:
            raise BatchError(f"{self.path}: empty workbook (expected a header row)")
        return [cell(v) or f"column_{i + 1}" for i, v in enumerate(header[1])]

    @property
    def _delimiter(self) -> str:
        return "\t" if self.format == "tsv" else ","

    def rows(self) -> Iterator[Raw | Reject]:
        if self.format in ("csv", "tsv"):
            return self._csv_rows()
        if self.format == "jsonl":
            return self._jsonl_rows()
        if self.format == "parquet":
            return self._parquet_rows()
        return self._xlsx_data()

    def _bad_bytes(self, line: int) -> Reject:
        return Reject(line, f"bytes that are not {self.encoding} (give the encoding with --encoding)")

    def _csv_rows(self) -> Iterator[Raw | Reject]:
        width = len(self.columns)
        with self._text() as fh:
            reader = csv.reader(fh, delimiter=self._delimiter)
            header = True
            last = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield Reject(last + 1, f"malformed row: {exc}")
                    last = reader.line_num
                    continue
                line, last = last + 1, reader.line_num
                if not any(c.strip() for c in row):
                    continue
                if header:
                    header = False
                    continue
                if _UNDECODED.search("".join(row)):
                    yield self._bad_bytes(line)
                elif len(row) != width:
                    yield Reject(line, f"malformed row: {len(row)} fields where the header has {width}")
                else:
                    yield Raw(line, list(row))

    def _jsonl_rows(self) -> Iterator[Raw | Reject]:
        with self._text() as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                if _UNDECODED.search(line):
                    yield self._bad_bytes(n)
                    continue
                try:
                    data = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    yield Reject(n, f"not JSON ({exc})")
                    continue
                if not isinstance(data, dict):
                    yield Reject(n, "not a JSON object")
                elif self.yente:
                    yield Raw(n, [], data)
                else:
                    yield Raw(n, [cell(data.get(c)) for c in self.columns])

    def _parquet(self) -> Any:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises ArrowInvalid and OSError alike
            raise BatchError(f"{self.path}: not a Parquet file ({exc})") from None

    def _parquet_rows(self) -> Iterator[Raw | Reject]:
        n = 0
        for batch in self._parquet().iter_batches(batch_size=8192):
            cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*cols, strict=True):
                n += 1
                yield Raw(n, [cell(v) for v in values])

    def _xlsx_rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        from zipfile import BadZipFile

        import openpyxl

        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (BadZipFile, OSError, KeyError) as exc:
            raise BatchError(f"{self.path}: not an XLSX workbook ({exc})") from None
        try:
            for n, values in enumerate(wb.active.iter_rows(values_only=True), 1):
                if any(v is not None and str(v).strip() for v in values):
                    yield n, tuple(values)
        finally:
            wb.close()

    def _xlsx_data(self) -> Iterator[Raw | Reject]:
        width = len(self.columns)
        rows = self._xlsx_rows()
        next(rows, None)
        for n, values in rows:
            cells = [cell(v) for v in values[:width]]
            yield Raw(n, cells + [None] * (width - len(cells)))
