"""The marks a timeline counts: each designation and removal of each source, dated, read once.

Two kinds, kept apart everywhere (``origin``):

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
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any, Literal

from embargo.errors import StoreError
from embargo.model import Entity
from embargo.service.events import VersionDelta
from embargo.service.facets import Facets, facets
from embargo.store import Store, Version

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
            delta = VersionDelta.between(cur, prev, before, after)
            added = [c.entity_id for c in delta.added]
            removed = [c.entity_id for c in delta.removed]
            changed = len(delta.changed)
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
