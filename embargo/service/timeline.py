"""Designations and removals over time: the marks (:mod:`embargo.service.marks`) counted per period,
group and origin, with the largest waves.

Each designation counts once, in one group: the group of its entity that is most frequent among
all counted designations (so the bars of a period add up to its total).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from embargo.errors import StoreError
from embargo.service.facets import Filters, check_by
from embargo.service.marks import (
    GAP_DAYS,
    ORIGIN_LABELS,
    History,
    HistoryCache,
    Mark,
    Origin,
    Step,
    collect,
)

__all__ = [
    "GAP_DAYS",
    "ORIGIN_LABELS",
    "PERIODS",
    "Bar",
    "History",
    "HistoryCache",
    "Mark",
    "Step",
    "Timeline",
    "Wave",
    "aggregate",
    "collect",
    "period_end",
    "period_start",
]

Period = Literal["day", "week", "month"]
PERIODS: tuple[str, ...] = ("day", "week", "month")


def period_start(day: str, period: str) -> str:
    d = date.fromisoformat(day)
    if period == "week":
        d -= timedelta(days=d.weekday())
    elif period == "month":
        d = d.replace(day=1)
    return d.isoformat()


def period_end(start: str, period: str) -> str:
    d = date.fromisoformat(start)
    if period == "week":
        d += timedelta(days=6)
    elif period == "month":
        d = (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return d.isoformat()


@dataclass(frozen=True)
class Bar:
    period: str  # the period's first day
    group: str
    origin: Origin
    added: int
    removed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "group": self.group,
            "origin": self.origin,
            "added": self.added,
            "removed": self.removed,
        }


@dataclass(frozen=True)
class Wave:
    """A period of many designations: its size, where the counts come from, its top programmes."""

    period: str
    end: str
    added: int
    removed: int
    by_origin: tuple[tuple[str, int], ...]
    sources: tuple[str, ...]
    top_programmes: tuple[tuple[str, int], ...]
    since: str | None  # the earliest previous-version date of its diffs when before the period

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "end": self.end,
            "added": self.added,
            "removed": self.removed,
            "by_origin": dict(self.by_origin),
            "sources": list(self.sources),
            "top_programmes": [{"programme": p, "count": n} for p, n in self.top_programmes],
            "since": self.since,
        }


@dataclass(frozen=True)
class Timeline:
    by: str
    period: str
    start: str | None
    end: str | None
    sources: tuple[str, ...]
    filters: Filters
    groups: tuple[str, ...]  # largest first
    bars: tuple[Bar, ...]
    steps: tuple[Step, ...]
    waves: tuple[Wave, ...]
    undated: int
    totals: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "period": self.period,
            "from": self.start,
            "to": self.end,
            "sources": list(self.sources),
            "filters": self.filters.to_dict(),
            "origins": ORIGIN_LABELS,
            "groups": list(self.groups),
            "totals": self.totals,
            "steps": [s.to_dict() for s in self.steps],
            "bars": [b.to_dict() for b in self.bars],
            "waves": [w.to_dict() for w in self.waves],
            "undated": self.undated,
        }


def _in_range(day: str, start: str | None, end: str | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def aggregate(
    history: History,
    *,
    by: str = "authority",
    period: str = "month",
    start: str | None = None,
    end: str | None = None,
    filters: Filters | None = None,
    waves: int = 5,
) -> Timeline:
    """Count the marks in ``[start, end]`` per period, group and origin; the largest waves found.
    ``start`` defaults to the first stored version of any of the sources (listing dates reach back
    decades: ask for an earlier ``start`` to see them)."""
    check_by(by)
    start = start or history.stored_since
    if period not in PERIODS:
        raise StoreError(f"period {period!r} is not one of {', '.join(PERIODS)}")
    keep = filters or Filters()
    marks = [m for m in history.marks if _in_range(m.date, start, end) and keep.keep(m.facets)]
    steps = tuple(s for s in history.steps if _in_range(s.to_version.publish_date, start, end))
    frequency = Counter(g for m in marks if m.added for g in m.facets.get(by))
    frequency.update(g for m in marks if not m.added for g in m.facets.get(by))
    cells: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for m in marks:
        group = max(m.facets.get(by), key=lambda g: (frequency[g], g))
        cells[(period_start(m.date, period), group, m.origin)][0 if m.added else 1] += 1
    bars = tuple(Bar(p, g, o, a, r) for (p, g, o), (a, r) in sorted(cells.items()))  # type: ignore[arg-type]
    size = Counter[str]()
    for b in bars:
        size[b.group] += b.added + b.removed
    totals = {o: {"added": 0, "removed": 0} for o in ORIGIN_LABELS}
    for b in bars:
        totals[b.origin]["added"] += b.added
        totals[b.origin]["removed"] += b.removed
    return Timeline(
        by=by,
        period=period,
        start=start,
        end=end,
        sources=tuple(sorted({m.source for m in history.marks} | {s.source for s in history.steps})),
        filters=keep,
        groups=tuple(g for g, _ in size.most_common()),
        bars=bars,
        steps=steps,
        waves=_waves(marks, steps, period, waves),
        undated=history.undated,
        totals=totals,
    )


def _waves(marks: Sequence[Mark], steps: Sequence[Step], period: str, n: int) -> tuple[Wave, ...]:
    per: dict[str, list[Mark]] = defaultdict(list)
    for m in marks:
        per[period_start(m.date, period)].append(m)
    ranked = sorted(per.items(), key=lambda kv: (-sum(m.added for m in kv[1]), kv[0]))
    out = []
    for p, ms in ranked[:n]:
        added = [m for m in ms if m.added]
        if not added:
            break
        end = period_end(p, period)
        since = [
            s.from_version.publish_date
            for s in steps
            if p <= s.to_version.publish_date <= end and s.from_version.publish_date < p and s.added
        ]
        out.append(
            Wave(
                period=p,
                end=end,
                added=len(added),
                removed=len(ms) - len(added),
                by_origin=tuple(sorted(Counter(m.origin for m in added).items())),
                sources=tuple(sorted({m.source for m in added})),
                top_programmes=tuple(Counter(g for m in added for g in m.facets.programme).most_common(3)),
                since=min(since) if since else None,
            )
        )
    return tuple(sorted(out, key=lambda w: w.period))
