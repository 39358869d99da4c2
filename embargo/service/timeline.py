"""Designations and removals over time, from the stored versions and from the lists' own listing dates.

Two kinds of counts, kept apart everywhere (``origin``):

* ``diff``: version-to-version differences of each source. An entity in version N and not in the
  version before counts as a designation at N's publish date; one gone, as a removal. These are the
  counts ``embargo diff`` gives for the same two versions.
* ``listing``: the listing dates the lists print (UK, Canada, Australia, UN, CSL...), for the entities
  of a source's first stored version listed before it: they reach back before anything was stored.
  A designation found by a diff across a long gap between two stored versions (more than
  ``GAP_DAYS``) is also dated by its listing date when the list gives one inside the gap: "+2,270
  since 2018" says less than the months the list names. Listing dates give no removals.

Every designation a diff finds is counted once: at its version's date, or redated (``Step.redated``
says how many), so per step the diff bars plus the redated marks equal ``embargo diff``.

Each designation counts once, in one group: the group of its entity that is most frequent among
all counted designations (so the bars of a period add up to its total).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Literal

from embargo.errors import StoreError
from embargo.model import Entity
from embargo.service.facets import Facets, Filters, check_by, facets
from embargo.store import Store, Version

Period = Literal["day", "week", "month"]
PERIODS: tuple[str, ...] = ("day", "week", "month")
Origin = Literal["diff", "listing"]
ORIGIN_LABELS = {"diff": "from version diffs", "listing": "from listing dates"}
GAP_DAYS = 31


@dataclass(frozen=True)
class Mark:
    """One designation (``added``) or removal of one entity, dated."""

    date: str
    source: str
    entity_id: str
    caption: str
    added: bool
    origin: Origin
    facets: Facets


@dataclass(frozen=True)
class Step:
    """One version-to-version difference of a source, counted."""

    source: str
    from_version: Version
    to_version: Version
    added: int
    removed: int
    changed: int
    redated: int = 0  # designations drawn at their listing date (a long gap), not at the version's

    def to_dict(self) -> dict[str, Any]:
        f, t = self.from_version, self.to_version
        return {
            "source": self.source,
            "from": {"id": f.id, "label": f.label, "date": f.publish_date},
            "to": {"id": t.id, "label": t.label, "date": t.publish_date},
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "redated": self.redated,
        }


@dataclass(frozen=True)
class History:
    """Every mark and step of some sources: computed once, aggregated many ways."""

    marks: tuple[Mark, ...]
    steps: tuple[Step, ...]
    undated: int  # entities of a first version whose listing date is missing or not a full date
    stored_since: str | None  # the earliest first stored version of these sources


def _first_full_date(e: Entity) -> str | None:
    dates = sorted(s.listing_date for s in e.sanctions if s.listing_date and len(s.listing_date) == 10)
    return dates[0] if dates else None


def collect(store: Store, sources: Iterable[str] | None = None) -> History:
    """Read every version of ``sources`` (default: all) once: the marks and steps they give."""
    known = store.sources()
    wanted = list(sources) if sources else known
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise StoreError(f"no versions of {', '.join(unknown)} in the store (known: {', '.join(known)})")
    marks: list[Mark] = []
    steps: list[Step] = []
    undated = 0
    for source in wanted:
        versions = store.versions(source)
        first = versions[0]
        for e in store.entities_at(first.id):
            when = _first_full_date(e)
            if when is None:
                undated += 1
            elif when < first.publish_date:
                marks.append(Mark(when, source, e.id, e.caption, True, "listing", facets(e)))
        before = store.members(first.id)
        for prev, cur in pairwise(versions):
            after = store.members(cur.id)
            added = sorted(after.keys() - before.keys())
            removed = sorted(before.keys() - after.keys())
            changed = sum(1 for k in after.keys() & before.keys() if after[k] != before[k])
            states = store.states([after[k] for k in added] + [before[k] for k in removed])
            long_gap = date.fromisoformat(cur.publish_date) - date.fromisoformat(prev.publish_date)
            redated = 0
            for ids, side, is_added in ((added, after, True), (removed, before, False)):
                for k in ids:
                    e = states[side[k]]
                    when = _first_full_date(e) if is_added and long_gap.days > GAP_DAYS else None
                    if when is not None and prev.publish_date < when <= cur.publish_date:
                        redated += 1
                        marks.append(Mark(when, source, k, e.caption, True, "listing", facets(e)))
                    else:
                        marks.append(
                            Mark(cur.publish_date, source, k, e.caption, is_added, "diff", facets(e))
                        )
            steps.append(Step(source, prev, cur, len(added), len(removed), changed, redated))
            before = after
    firsts = [store.versions(s)[0].publish_date for s in wanted]
    return History(tuple(marks), tuple(steps), undated, min(firsts) if firsts else None)


class HistoryCache:
    """Histories already collected, keyed by the store and the exact versions they were read from
    (a new version reads again); the last few kept. Safe to share between threads."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, tuple[int, ...]], History] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, store: Store, sources: Iterable[str] | None = None) -> History:
        wanted = sorted(sources) if sources else None
        versions = [v.id for v in store.versions() if wanted is None or v.source in wanted]
        key = (f"{getattr(store, 'path', id(store))}|{','.join(wanted or ())}", tuple(versions))
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        history = collect(store, wanted)
        with self.lock:
            self.items[key] = history
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return history


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
