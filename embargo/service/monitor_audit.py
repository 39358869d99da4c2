"""The monitoring audit trail out: JSON lines or a CSV an examiner opens in a spreadsheet, and replay.

Replay re-runs recorded screenings with their recorded list versions and algorithm (an index built over
exactly those versions' entities, the algorithm by its version name, never edited once released) and
compares: each recorded match must come back with the same score.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import orjson

from embargo.service.monitor import query_of
from embargo.service.screener import Screener
from embargo.store import Store
from embargo.store.monitor import AuditRecord, Counterparty, MonitorStore

CSV_COLUMNS = (
    "seq", "at", "kind", "counterparty_id", "alert_id", "names", "birth_dates", "countries", "identifiers",
    "versions", "algorithm", "entity_ids", "scores", "decision", "reviewer", "reason", "explanations",
)  # fmt: skip


def csv_row(r: AuditRecord) -> list[str]:
    inp = r.input or {}
    return [
        str(r.seq),
        r.at,
        r.kind,
        r.counterparty_id or "",
        "" if r.alert_id is None else str(r.alert_id),
        "; ".join(inp.get("names") or ()),
        "; ".join(inp.get("birth_dates") or ()),
        "; ".join(inp.get("countries") or ()),
        "; ".join(inp.get("identifiers") or ()),
        "; ".join(f"{s}:{v}" for s, v in sorted(r.versions.items())),
        r.algorithm or "",
        "; ".join(m["entity_id"] for m in r.results),
        "; ".join(str(m["score"]) for m in r.results),
        r.decision or "",
        r.reviewer or "",
        r.reason or "",
        orjson.dumps([m.get("explanation", []) for m in r.results]).decode(),
    ]


def export(records: Iterable[AuditRecord], out: TextIO, fmt: str = "jsonl") -> int:
    """Write the records as JSON lines or CSV (with a header row); returns how many."""
    n = 0
    if fmt == "csv":
        w = csv.writer(out)
        w.writerow(CSV_COLUMNS)
        for r in records:
            w.writerow(csv_row(r))
            n += 1
        return n
    if fmt != "jsonl":
        from embargo.store.monitor import MonitorError

        raise MonitorError(f"unknown export format {fmt!r} (jsonl or csv)")
    for r in records:
        out.write(orjson.dumps(r.to_dict()).decode() + "\n")
        n += 1
    return n


def export_text(records: Iterable[AuditRecord], fmt: str = "jsonl") -> str:
    buf = io.StringIO()
    export(records, buf, fmt)
    return buf.getvalue()


@dataclass
class ReplayReport:
    checked: int = 0
    same: int = 0
    differences: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "same": self.same, "differences": self.differences}


def replay(store: Store, records: MonitorStore, sample: int = 20, seed: int = 0) -> ReplayReport:
    """Re-run ``sample`` recorded screenings (chosen at random, ``seed``) against their recorded versions
    with their recorded algorithm; every recorded match must come back with its score."""
    trail = [r for r in records.audit(kind="screening") if r.input is not None and r.algorithm]
    chosen = random.Random(seed).sample(trail, min(sample, len(trail)))
    report = ReplayReport()
    for key, group in _by_index(chosen):
        versions, algorithm = key
        screener = Screener([e for _, vid in versions for e in store.entities_at(vid)], algorithm)
        for r in group:
            report.checked += 1
            diff = _compare(screener, r)
            if diff:
                report.differences.append({"seq": r.seq, "counterparty_id": r.counterparty_id, **diff})
            else:
                report.same += 1
    return report


def _by_index(
    records: list[AuditRecord],
) -> Iterator[tuple[tuple[tuple[tuple[str, int], ...], str], list[AuditRecord]]]:
    """The records grouped by the index they need (one build per set of versions and algorithm)."""
    groups: dict[tuple[tuple[tuple[str, int], ...], str], list[AuditRecord]] = {}
    for r in records:
        groups.setdefault((tuple(sorted(r.versions.items())), r.algorithm or ""), []).append(r)
    yield from groups.items()


def _compare(screener: Screener, r: AuditRecord) -> dict[str, Any]:
    assert r.input is not None
    cp = Counterparty.from_dict(r.input)
    found = {
        m.entity.id: round(m.score, 4)
        for m in screener.screen(query_of(cp), threshold=0.0, limit=10_000, matches_only=True)
    }
    missing = [m["entity_id"] for m in r.results if m["entity_id"] not in found]
    changed = [
        {"entity_id": m["entity_id"], "recorded": m["score"], "replayed": found[m["entity_id"]]}
        for m in r.results
        if m["entity_id"] in found and found[m["entity_id"]] != m["score"]
    ]
    return {"missing": missing, "changed": changed} if missing or changed else {}
