"""Results out: JSON lines in yente's shape, or one row per alert as CSV, TSV, Parquet or XLSX.

:class:`Formatter` runs where the screening runs (a worker process, a Spark executor) and turns
a chunk of rows and their matches into output bytes (JSON lines, CSV, TSV) or table rows (Parquet,
XLSX). The sinks run in the parent and only append what the formatter made, so output does not
depend on where it was computed; byte sinks record their offset and parts sinks their part count
for ``--resume``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from embargo.batch.errors import BatchError
from embargo.batch.mapping import Row
from embargo.match.types import Match, Query
from embargo.service.parties import PartyResult, group_by_party
from embargo.service.screener import Screener

if TYPE_CHECKING:
    from embargo.resolve import Resolution

LEAD_COLUMNS = ["row", "query_id"]
# a party's row: its best listing's entity, source and explanation, the lists and programmes of all its
# listings alerted, the best score; ``listings`` names each (SOURCE:LIST_ID) and ``datasets`` their lists
ALERT_COLUMNS = [
    "entity_id", "caption", "schema", "source", "list", "source_id", "programmes", "score", "explanation",
    "party_id", "listings", "datasets",
]  # fmt: skip


def output_columns(input_columns: Sequence[str]) -> list[str]:
    """Lead columns, the input's columns (renamed ``input_X`` where they clash), the alert columns."""
    reserved = set(LEAD_COLUMNS) | set(ALERT_COLUMNS)
    return [*LEAD_COLUMNS, *(f"input_{c}" if c in reserved else c for c in input_columns), *ALERT_COLUMNS]


def explain(m: Match) -> str:
    """A match's explanation as one line: feature: query value ~ list value (+weight)."""
    parts = []
    for c in m.explanation:
        values = f"{c.query_value or ''} ~ {c.list_value or ''}".strip(" ~")
        parts.append(f"{c.feature}: {values} ({c.weight:+.2f})" + (f" [{c.detail}]" if c.detail else ""))
    return "; ".join(parts)


def alert_values(m: Match, party_id: str | None = None) -> tuple[Any, ...]:
    """One listing's alert row (``party_id``: its party, else its own id)."""
    return _values(m, (m,), party_id or m.entity.id, m.entity.caption)


def party_values(p: PartyResult) -> tuple[Any, ...]:
    """One party's alert row: its best listing's entity and explanation, every listing alerted."""
    return _values(p.listings[0], p.listings, p.id, p.caption)


def _values(best: Match, listed: Sequence[Match], party_id: str, caption: str) -> tuple[Any, ...]:
    e = best.entity
    sanctions = [s for m in listed for s in m.entity.sanctions]
    lists = sorted({s.list_name for s in sanctions if s.list_name})
    programmes = sorted({p for s in sanctions for p in s.programs})
    return (
        e.id,
        caption,
        e.schema,
        e.source,
        "; ".join(lists),
        e.source_id,
        "; ".join(programmes),
        round(best.score, 4),
        explain(best),
        party_id,
        "; ".join(f"{m.entity.source}:{m.entity.source_id}" for m in listed),
        "; ".join(sorted({m.entity.source for m in listed})),
    )


@dataclass
class Stats:
    rows: int = 0
    rejected: int = 0
    alerted: int = 0
    alerts: int = 0  # alert rows written: one per party, or one per listing
    per_list: dict[str, dict[str, int]] = field(default_factory=dict)
    listings: int = 0  # listings alerted

    def add(self, other: Stats) -> None:
        self.rows += other.rows
        self.rejected += other.rejected
        self.alerted += other.alerted
        self.alerts += other.alerts
        self.listings += other.listings
        for k, v in other.per_list.items():
            mine = self.per_list.setdefault(k, {"rows": 0, "alerts": 0})
            mine["rows"] += v["rows"]
            mine["alerts"] += v["alerts"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows,
            "rows_rejected": self.rejected,
            "rows_screened": self.rows - self.rejected,
            "rows_with_alerts": self.alerted,
            "alerts": self.alerts,
            "alerted_listings": self.listings,
            "per_list": dict(sorted(self.per_list.items())),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Stats:
        return cls(
            d["rows_read"],
            d["rows_rejected"],
            d["rows_with_alerts"],
            d["alerts"],
            d["per_list"],
            d.get("alerted_listings", d["alerts"]),
        )


# results of the queries screened in this process, by a digest of the query (without its id): about
# 150 bytes a query without results, so the cap bounds memory (~75 MB) whatever the book's size
_SEEN: dict[bytes, tuple[Match, ...]] = {}
_SEEN_MAX = 500_000
_NONE: tuple[Match, ...] = ()


def _query_key(query: Query, *options: object) -> bytes:
    return hashlib.blake2b(repr((replace(query, id=None), options)).encode(), digest_size=16).digest()


@dataclass(frozen=True)
class Formatter:
    """Screens a chunk of rows and formats the results for one output kind.

    ``parties`` (the parties of the lists, :meth:`embargo.service.Service.grouping`) names each alert's
    party; with ``by_party`` a row's alerts are written one per party (with its listings), else one per
    listing. JSON lines carry ``parties`` beside ``matches`` when grouped."""

    kind: str  # jsonl | csv | tsv | parquet | xlsx
    threshold: float | None = None
    limit: int = 10
    parties: Resolution | None = field(default=None, compare=False)
    by_party: bool = False

    def __post_init__(self) -> None:
        if self.by_party and self.parties is None:
            raise BatchError("grouping alerts by party needs the parties of the lists")

    def screen(self, screener: Screener, rows: Sequence[Row]) -> tuple[Any, Stats]:
        stats = Stats()
        if self.kind == "jsonl":
            out = bytearray()
        else:
            table: list[tuple[Any, ...]] = []
        for row in rows:
            # books repeat parties: the same query (but its id) is screened once per process
            key = _query_key(row.query, self.threshold, self.limit, self.kind != "jsonl")
            seen = _SEEN.get(key)
            if seen is None:
                # only alerts are written to a table: the results below the threshold need no explanation
                matches = screener.screen(
                    row.query, threshold=self.threshold, limit=self.limit, matches_only=self.kind != "jsonl"
                )
                if len(_SEEN) >= _SEEN_MAX:
                    _SEEN.clear()
                _SEEN[key] = tuple(matches) if matches else _NONE
            else:
                matches = list(seen)
            alerts = [m for m in matches if m.match]
            rows_out = self.alert_rows(alerts)
            stats.alerted += bool(alerts)
            stats.alerts += len(rows_out)
            stats.listings += len(alerts)
            for source in dict.fromkeys(m.entity.source for m in alerts):
                counts = stats.per_list.setdefault(source, {"rows": 0, "alerts": 0})
                counts["rows"] += 1
                counts["alerts"] += sum(m.entity.source == source for m in alerts)
            if self.kind == "jsonl":
                line: dict[str, Any] = {"query_id": row.query.id, "matches": [m.to_dict() for m in matches]}
                if self.by_party:
                    line["parties"] = [_party_line(p) for p in self.group(matches)]
                out += orjson.dumps(line)
                out += b"\n"
            else:
                lead = (row.line, row.query.id, *row.cells)
                table.extend((*lead, *values) for values in rows_out)
        if self.kind == "jsonl":
            return bytes(out), stats
        if self.kind in ("csv", "tsv"):
            return csv_bytes(table, self.kind), stats
        return table, stats

    def group(self, matches: Sequence[Match]) -> list[PartyResult]:
        assert self.parties is not None
        return group_by_party(matches, self.parties)

    def alert_rows(self, alerts: Sequence[Match]) -> list[tuple[Any, ...]]:
        """The alert columns' values of a row's alerts: one tuple per party, or per listing."""
        if self.by_party:
            return [party_values(p) for p in self.group(alerts)]
        canonical = self.parties.canonical if self.parties is not None else None
        return [alert_values(m, canonical(m.entity.id) if canonical else None) for m in alerts]


def _party_line(p: PartyResult) -> dict[str, Any]:
    return {
        "id": p.id,
        "caption": p.caption,
        "score": round(p.score, 4),
        "match": p.match,
        "summary": p.summary(),
        "referents": list(p.referents),
        "datasets": list(p.datasets),
        "listings": [m.entity.id for m in p.listings],
    }


def csv_bytes(rows: Sequence[Sequence[Any]], kind: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t" if kind == "tsv" else ",", lineterminator="\n")
    writer.writerows([f"{v:.4f}" if isinstance(v, float) else v for v in r] for r in rows)
    return buf.getvalue().encode("utf-8", errors="surrogateescape")


class ByteSink:
    """Appends bytes to a file (or stdout); ``state`` is the offset a resumed run truncates to."""

    def __init__(self, path: Path | None, header: bytes = b"", offset: int | None = None) -> None:
        import sys

        self.path = path
        if path is None:
            self.fh: Any = sys.stdout.buffer
        elif offset is None:
            self.fh = path.open("wb")
            self.fh.write(header)
        else:
            if not path.exists() or path.stat().st_size < offset:
                raise BatchError(f"{path}: shorter than the checkpoint says; run without --resume")
            self.fh = path.open("r+b")
            self.fh.truncate(offset)
            self.fh.seek(offset)

    def write(self, payload: bytes) -> None:
        self.fh.write(payload)

    def state(self) -> dict[str, int]:
        self.fh.flush()
        return {"offset": self.fh.tell()} if self.path else {}

    def finish(self) -> None:
        self.close()

    def close(self) -> None:
        if self.path is not None and not self.fh.closed:
            self.fh.close()
        elif self.path is None:
            self.fh.flush()


class PartsSink:
    """Parquet or XLSX: each chunk a Parquet part beside the output, assembled at the end."""

    def __init__(self, path: Path, kind: str, columns: list[str], parts: int | None = None) -> None:
        import pyarrow as pa  # type: ignore[import-untyped]

        self.path, self.kind, self.columns = path, kind, columns
        self.dir = path.with_name(path.name + ".parts")
        types = {"row": pa.int64(), "score": pa.float64()}
        self.schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
        if parts is None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.parts = 0
        else:
            self.parts = parts
            for p in self.dir.glob("*.parquet"):
                if int(p.stem) >= parts:
                    p.unlink()
        self.dir.mkdir(parents=True, exist_ok=True)

    def write(self, payload: list[tuple[Any, ...]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        cols = list(zip(*payload, strict=True)) if payload else [() for _ in self.columns]
        table = pa.Table.from_arrays(
            [pa.array(list(c), type=t) for c, t in zip(cols, self.schema.types, strict=True)],
            schema=self.schema,
        )
        tmp = self.dir / f"{self.parts:06d}.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, self.dir / f"{self.parts:06d}.parquet")
        self.parts += 1

    def state(self) -> dict[str, int]:
        return {"parts": self.parts}

    def finish(self) -> None:
        import pyarrow.parquet as pq

        parts = [self.dir / f"{i:06d}.parquet" for i in range(self.parts)]
        tmp = self.path.with_name(self.path.name + ".tmp")
        if self.kind == "parquet":
            with pq.ParquetWriter(tmp, self.schema) as w:
                for p in parts:
                    w.write_table(pq.read_table(p, schema=self.schema))
        else:
            import openpyxl

            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("alerts")
            ws.append(self.columns)
            for p in parts:
                for rec in pq.read_table(p).to_pylist():
                    ws.append([rec[c] for c in self.columns])
            wb.save(tmp)
        os.replace(tmp, self.path)
        shutil.rmtree(self.dir, ignore_errors=True)

    def close(self) -> None:
        pass


def open_sink(
    path: Path | None, kind: str, columns: list[str], state: dict[str, int] | None = None
) -> ByteSink | PartsSink:
    if path is None or kind in ("jsonl", "csv", "tsv"):
        header = b"" if kind == "jsonl" else csv_bytes([columns], kind)
        return ByteSink(path, header, None if state is None else state["offset"])
    return PartsSink(path, kind, columns, None if state is None else state["parts"])
