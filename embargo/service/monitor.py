"""Continuous monitoring: the portfolio screened when it changes and when a list changes.

* A new or changed counterparty is screened at once against the lists in force.
* A list version coming in force (a :class:`VersionDelta`) re-screens only what it can affect. Its added
  and changed entities (a few hundred) are screened against an index over the portfolio
  (:mod:`embargo.service.monitor_book`, kept while the portfolio does not change), at a threshold
  :data:`PREFILTER_MARGIN` lower than the algorithm's. The few counterparties found are then screened
  against the whole lists in force (the scores an online screening would give, since names are weighed by
  their rarity over every list) and the matches with a delta entity become alerts. The other way round
  (``strategy="stream"``: an index over the delta, the whole portfolio streamed through it) is kept for
  comparison: ``bench/monitor.py`` measures both. Removed entities raise a delisting event on their
  alerts; an empty delta raises nothing.
* ``run(full=True)`` re-screens the whole portfolio against the lists in force (the safety net).

Alerts are keyed by counterparty x entity, so running twice never raises one twice. Each source has a
cursor (the last version whose delta was processed), moved in the transaction that closes the run: a run
killed midway is done again by the next ``run``, with the same alerts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from embargo.match.algorithm import DEFAULT_ALGORITHM
from embargo.match.types import Match, Query
from embargo.model import Entity
from embargo.service.events import Event, VersionDelta
from embargo.service.monitor_cases import Parties
from embargo.service.screener import Screener, algorithm_named
from embargo.store import Store, Version
from embargo.store.monitor import (
    STATES,
    Alert,
    AlertEvent,
    Counterparty,
    Hit,
    MonitorError,
    MonitorStore,
    PortfolioChange,
    Screening,
)

if TYPE_CHECKING:
    from embargo.service import Service
    from embargo.service.monitor_book import Book

__all__ = [
    "PREFILTER_MARGIN",
    "STATES",
    "Alert",
    "AlertEvent",
    "Counterparty",
    "Monitor",
    "MonitorError",
    "PortfolioChange",
    "RunReport",
    "open_monitor",
    "query_of",
]

PREFILTER_MARGIN = 0.15  # below the algorithm's threshold: the delta index's scores weigh names otherwise
BATCH = 500  # counterparties whose alerts are written in one transaction
CONFIRM_LIMIT = 50  # matches kept per counterparty screened against the whole lists
ACTOR = "monitor"


def open_monitor(svc: Service, **options: Any) -> Monitor:
    """Monitoring over a service's store, its records in the same database (``store.monitor``: a
    connection of its own, shared by the threads of this process behind its lock)."""
    return Monitor(svc.store, svc.store.monitor, **options)


def counterparty(q: Query, cid: str | None = None) -> Counterparty:
    """A screening query (from a file row, a form or a JSON body) as a counterparty under its id."""
    ident = cid or q.id
    if not ident:
        raise MonitorError(f"a counterparty needs an id ({', '.join(q.names) or 'no name'})")
    return Counterparty(ident, q.names, q.schema, q.birth_dates, q.countries, q.identifiers, q.gender)


def query_of(cp: Counterparty) -> Query:
    return Query(
        names=cp.names,
        schema=cp.schema,
        birth_dates=cp.birth_dates,
        countries=cp.countries,
        identifiers=cp.identifiers,
        gender=cp.gender,
        id=cp.id,
    )


def match_dict(m: Match) -> dict[str, Any]:
    return {
        "entity_id": m.entity.id,
        "score": round(m.score, 4),
        "explanation": [c.to_dict() for c in m.explanation],
    }


@dataclass
class RunReport:
    """What one monitoring step did."""

    kind: str  # counterparties | delta | full
    source: str | None = None
    version_id: int | None = None
    screened: int = 0
    candidates: int = 0
    raised: list[Alert] = field(default_factory=list)
    delisted: list[Alert] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "version_id": self.version_id,
            "screened": self.screened,
            "candidates": self.candidates,
            "raised": [a.id for a in self.raised],
            "delisted": [a.id for a in self.delisted],
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Lists:
    """Entities of some list versions with a screener over them (the lists in force at one moment)."""

    versions: tuple[Version, ...]
    screener: Screener

    @property
    def refs(self) -> dict[str, int]:
        return {v.source: v.id for v in self.versions}


class Monitor:
    """Monitoring over a list store and a monitoring store; ``attach`` hangs it on a service's events."""

    def __init__(
        self,
        store: Store,
        records: MonitorStore,
        *,
        algorithm: str = DEFAULT_ALGORITHM,
        threshold: float | None = None,
        actor: str = ACTOR,
        batch: int = BATCH,
        strategy: str = "book",
    ) -> None:
        self.store = store
        self.records = records
        self.algorithm = algorithm_named(algorithm)
        self.threshold = self.algorithm.threshold if threshold is None else threshold
        self.actor = actor
        self.batch = batch
        if strategy not in ("book", "stream"):
            raise MonitorError(f"unknown strategy {strategy!r} (book or stream)")
        self.strategy = strategy
        self._book: Book | None = None
        self._lists: Lists | None = None
        self.parties = Parties(store)  # the listed parties, for alerts per party (built on first use)

    # -- the lists ------------------------------------------------------------------------
    def in_force(self, pin: Version | None = None) -> tuple[Version, ...]:
        """The version in force of each source; with ``pin``, the lists as they stood when ``pin`` came
        in force: ``pin`` for its source, the latest published by then for the others."""
        out = []
        for source in self.store.sources():
            if pin is not None and pin.source == source:
                out.append(pin)
                continue
            versions = self.store.versions(source)
            if pin is not None:
                versions = [v for v in versions if (v.publish_date, v.id) <= (pin.publish_date, pin.id)]
            if versions:
                out.append(versions[-1])
        return tuple(out)

    def lists(self, versions: tuple[Version, ...]) -> Lists:
        """A screener over these versions' entities (the last one built is kept)."""
        if self._lists is None or [v.id for v in self._lists.versions] != [v.id for v in versions]:
            self._lists = None  # (the old index goes before the new one is built)
            entities = [e for v in versions for e in self.store.entities_at(v.id)]
            self._lists = Lists(versions, Screener(entities, self.algorithm.name))
        return self._lists

    def screen(
        self, lists: Lists, cp: Counterparty, keep: Callable[[Match], bool] | None = None
    ) -> tuple[Screening, list[Hit]]:
        """``cp`` screened against ``lists``: the screening to record and a hit per match ``keep`` accepts."""
        found = lists.screener.screen(
            query_of(cp), threshold=self.threshold, limit=CONFIRM_LIMIT, matches_only=True
        )
        kept = [m for m in found if keep is None or keep(m)]
        refs = lists.refs
        hits = [
            Hit(
                cp,
                m.entity,
                m.score,
                tuple(c.to_dict() for c in m.explanation),
                refs[m.entity.source],
                m.algorithm,
            )
            for m in kept
        ]
        return Screening(cp, refs, self.algorithm.name, [match_dict(m) for m in kept]), hits

    def _record(
        self, lists: Lists, parties: Iterable[Counterparty], keep: Callable[[Match], bool] | None = None
    ) -> list[Alert]:
        """Screen and record, a transaction per ``batch`` counterparties; a clean screening is
        recorded in the audit trail only when ``keep`` is None (a counterparty's own screening)."""
        raised: list[Alert] = []
        for chunk in _chunks(parties, self.batch):
            done = [self.screen(lists, cp, keep) for cp in chunk]
            screenings = [s for s, _ in done if s.results or keep is None]
            hits = [h for _, hs in done for h in hs]
            raised += self.records.record(hits, screenings, actor=self.actor)
        return raised

    # -- the portfolio --------------------------------------------------------------------
    def close(self) -> None:
        self.records.close()

    def add(self, parties: Iterable[Counterparty], at: tuple[Version, ...] | None = None) -> RunReport:
        """Upsert counterparties; the new and changed ones are screened at once against the lists in force
        (or the versions ``at``: a portfolio taken on from a past date, whose later deltas ``run`` then
        processes). A source's cursor starts at the version the portfolio was first screened against."""
        t0 = time.perf_counter()
        changed = self.records.upsert(parties)
        report = RunReport("counterparties", screened=len(changed))
        versions = self.in_force() if at is None else at
        if changed and versions:
            report.raised = self._record(self.lists(versions), changed)
        for v in versions:  # the portfolio now stands screened against these versions
            if self.records.cursor(v.source) is None:
                run = self.records.begin_run("delta", v.source, v.id)
                self.records.finish_run(run, alerts=0, screened=0)
        report.seconds = time.perf_counter() - t0
        return report

    # -- list changes ---------------------------------------------------------------------
    def attach(
        self, subscribe: Callable[[Callable[[Event], None]], Callable[[], None]]
    ) -> Callable[[], None]:
        """Catch up on every delta a service emits (``Service.subscribe``): the versions after each
        source's cursor, in order, so one stored while nobody listened is not skipped. Returns the
        unsubscriber."""

        def on_event(event: Event) -> None:
            if isinstance(event, VersionDelta) and event.in_force and not event.empty:
                self.run()

        return subscribe(on_event)

    def run(self, *, full: bool = False) -> list[RunReport]:
        """Process the deltas of every version in force after each source's cursor, in order (or, with
        ``full``, re-screen the whole portfolio against the lists in force)."""
        if full:
            return [self.full()]
        from embargo.service.events import version_delta

        pending: list[tuple[Version, Version | None]] = []
        for source in self.store.sources():
            versions = self.store.versions(source)
            ids = [v.id for v in versions]
            cursor = self.records.cursor(source)
            start = ids.index(cursor) + 1 if cursor in ids else 0
            pending += [(v, versions[i - 1] if i else None) for i, v in enumerate(versions) if i >= start]
        pending.sort(key=lambda p: (p[0].publish_date, p[0].id))  # every list's changes in time order
        return [self.process(version_delta(self.store, v, before)) for v, before in pending]

    def process(self, delta: VersionDelta) -> RunReport:
        """Screen the portfolio against what one version added and changed; flag delistings."""
        t0 = time.perf_counter()
        entities = self.delta_entities(delta)
        size = self.records.portfolio_size()
        flagged: list[Counterparty] = []
        if entities and size:
            cut = self.threshold - PREFILTER_MARGIN
            flagged = (
                self.book().flag(entities, cut) if self.strategy == "book" else self._stream(entities, cut)
            )
        report = self.confirm(delta, entities, flagged, screened=size)
        report.seconds = time.perf_counter() - t0
        return report

    def delta_entities(self, delta: VersionDelta) -> list[Entity]:
        """The entities a version added or changed, as it holds them."""
        fresh = [c.new_hash for c in (*delta.added, *delta.changed) if c.new_hash]
        return list(self.store.states(fresh).values()) if fresh else []

    def confirm(
        self, delta: VersionDelta, entities: list[Entity], flagged: list[Counterparty], *, screened: int
    ) -> RunReport:
        """One delta's run: delistings, then the ``flagged`` counterparties screened against the whole
        lists as they stood at the delta's version, their matches with ``entities`` written as alerts;
        the run and the cursor closed in the end."""
        t0 = time.perf_counter()
        report = RunReport(
            "delta", delta.source, delta.version_id, screened=screened, candidates=len(flagged)
        )
        run = self.records.begin_run("delta", delta.source, delta.version_id)
        if delta.removed:
            report.delisted = self.records.delist([c.entity_id for c in delta.removed], delta.version_id)
        if flagged:
            wanted = frozenset(e.id for e in entities)
            lists = self.lists(self.in_force(self.store.version(delta.version_id)))
            report.raised = self._record(lists, flagged, lambda m: m.entity.id in wanted)
        self.records.finish_run(run, alerts=len(report.raised), screened=report.screened)
        report.seconds = time.perf_counter() - t0
        return report

    def book(self) -> Book:
        """The index over the portfolio, rebuilt when the portfolio changed since it was built."""
        from embargo.service.monitor_book import Book

        revision = self.records.portfolio_revision()
        if self._book is None or self._book.revision != revision:
            self._book = None
            self._book = Book(self.records.portfolio(), self.algorithm, revision)
        return self._book

    def _stream(self, entities: list[Entity], cut: float) -> list[Counterparty]:
        """The other way round: an index over the delta, every counterparty screened against it."""
        prefilter = Screener(entities, self.algorithm.name)
        return [
            cp
            for cp in self.records.portfolio()
            if prefilter.screen(query_of(cp), threshold=cut, limit=5, matches_only=True)
        ]

    def full(self) -> RunReport:
        """The whole portfolio against the whole lists in force."""
        t0 = time.perf_counter()
        report = RunReport("full")
        versions = self.in_force()
        run = self.records.begin_run("full", None, None)
        if versions:
            report.screened = self.records.portfolio_size()
            report.raised = self._record(self.lists(versions), self.records.portfolio(), lambda m: True)
        self.records.finish_run(run, alerts=len(report.raised), screened=report.screened)
        report.seconds = time.perf_counter() - t0
        return report


def _chunks(items: Iterable[Counterparty], size: int) -> Iterator[list[Counterparty]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
