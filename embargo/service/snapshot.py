"""Screening over the lists in force: one snapshot, swapped whole on reload, and past dates on demand.

A :class:`Snapshot` is the lists in force at one moment (their versions and entities) with a
:class:`~embargo.service.screener.Screener` over them. It screens with the filters every shell offers:
some lists only, entity ids left out, only entities whose current state was published since a date.

A :class:`ScreeningService` keeps the current snapshot in one attribute; a reload builds a new one in a
thread and replaces the attribute, so a screening that already took the old snapshot finishes with it.
Past dates get snapshots of their own, the last ``AS_OF_CACHE`` kept.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from embargo.errors import StoreError
from embargo.match.types import Match, Query
from embargo.model import Entity
from embargo.service.screener import Screener, algorithm_named
from embargo.store import Store, Version

if TYPE_CHECKING:
    from embargo.resolve import Resolution
    from embargo.service import Service
    from embargo.service.parties import PartyResult
    from embargo.service.party_view import PartyView

AS_OF_CACHE = 2  # past-date indexes kept (each is a full index), whatever the variety of dates asked
SINCE_WIDEN = 50  # extra candidates screened when a changed-since filter will drop some
PARTY_WIDEN = 4  # listings screened per party asked for: a party's listings come in together


@dataclass(frozen=True)
class VersionRef:
    """A list version a screening ran against."""

    source: str
    version: int
    label: str
    publish_date: str

    @classmethod
    def of(cls, v: Version) -> VersionRef:
        return cls(v.source, v.id, v.label, v.publish_date)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "version": self.version,
            "label": self.label,
            "publish_date": self.publish_date,
        }


@dataclass(frozen=True)
class ScreenResult:
    """One query screened: the matches best first, and what they were screened against."""

    query: Query
    matches: tuple[Match, ...]
    versions: tuple[VersionRef, ...]
    algorithm: str
    threshold: float
    as_of: str | None = None
    parties: tuple[PartyResult, ...] | None = None  # by party (each with its listings), when asked

    def scores(self) -> list[tuple[str, float]]:
        """(entity id, score) per match: what the audit log keeps."""
        return [(m.entity.id, round(m.score, 4)) for m in self.matches]


@dataclass
class Snapshot:
    versions: tuple[Version, ...]
    entities: tuple[Entity, ...]
    screener: Screener
    built_at: str
    as_of: str | None = None
    _since: dict[str, str] | None = None
    _since_lock: threading.Lock = field(default_factory=threading.Lock)
    _parties: Resolution | None = None
    _parties_lock: threading.Lock = field(default_factory=threading.Lock)
    _listed: Resolution | None = None  # with the delisted entries, for the party page
    _listed_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, svc: Service, as_of: str | None = None) -> Snapshot:
        versions = tuple(svc.current_versions(None, as_of))
        entities = list(svc.entities_of(versions))
        return cls(
            versions=versions,
            entities=tuple(entities),
            screener=Screener(entities),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            as_of=as_of,
        )

    @property
    def sources(self) -> list[str]:
        return [v.source for v in self.versions]

    def only(self, sources: Iterable[str] | None) -> frozenset[str] | None:
        """The ``sources`` argument of a screening: None when every list in force is asked for. Asking for
        some lists filters the one index's candidates; no other index is built or kept."""
        if sources is None:
            return None
        wanted = frozenset(sources)
        unknown = wanted - set(self.sources)
        if unknown:
            raise StoreError(
                f"no list {', '.join(sorted(unknown))} in force (known: {', '.join(self.sources) or 'none'})"
            )
        return None if wanted >= frozenset(self.sources) else wanted

    def version_refs(self, sources: Iterable[str] | None = None) -> tuple[VersionRef, ...]:
        wanted = set(sources) if sources is not None else None
        return tuple(VersionRef.of(v) for v in self.versions if wanted is None or v.source in wanted)

    def screen(
        self,
        query: Query | str,
        *,
        sources: Iterable[str] | None = None,
        exclude: Collection[str] = (),
        changed_since: str | None = None,
        store: Callable[[], AbstractContextManager[Store]] | None = None,
        threshold: float | None = None,
        limit: int = 10,
        algorithm: str | None = None,
        matches_only: bool = False,
        by_party: bool = False,
    ) -> ScreenResult:
        """Screen one query against this snapshot's lists (or ``sources`` of them), leaving out the entity
        ids in ``exclude`` and, with ``changed_since``, entities whose current state was published before
        that date (``store`` opens the store that tells, once per snapshot). ``by_party``: the results
        grouped by party as well (``limit`` parties, each with every listing the screening found)."""
        q = Query.of(query) if isinstance(query, str) else query
        algo = algorithm_named(algorithm) if algorithm else self.screener.algorithm
        wanted = list(sources) if sources is not None else None
        only = self.only(wanted)
        wide = limit * (PARTY_WIDEN if by_party else 1) + len(exclude) + (SINCE_WIDEN if changed_since else 0)
        found = self.screener.screen(
            q,
            threshold=threshold,
            limit=wide,
            algorithm=algo.name,
            matches_only=matches_only,
            sources=only,
        )
        if exclude:
            found = [m for m in found if m.entity.id not in exclude]
        if changed_since:
            if store is None:
                raise StoreError("a changed-since filter needs the store")
            since = self.since_dates(store)
            found = [m for m in found if since.get(m.entity.id, "") >= changed_since]
        parties = None
        if by_party:
            if store is None:
                raise StoreError("grouping by party needs the store (the reviewers' judgements)")
            from embargo.service.parties import group_by_party

            parties = tuple(group_by_party(found, self.resolution(store))[:limit])
            kept = {m.entity.id for p in parties for m in p.listings}
            found = [m for m in found if m.entity.id in kept]
        return ScreenResult(
            query=q,
            parties=parties,
            matches=tuple(found if by_party else found[:limit]),
            versions=self.version_refs(wanted),
            algorithm=algo.name,
            threshold=algo.threshold if threshold is None else threshold,
            as_of=self.as_of,
        )

    def since_dates(self, store: Callable[[], AbstractContextManager[Store]]) -> dict[str, str]:
        """Per entity in force: the publish date of the first version, in the unbroken run of versions
        ending at the one in force, that already had its current state. Read once per snapshot."""
        with self._since_lock:
            if self._since is None:
                with store() as opened:
                    self._since = _since_dates(opened, self.versions)
            return self._since

    def resolution(self, store: Callable[[], AbstractContextManager[Store]]) -> Resolution:
        """The parties of this snapshot's entities (strong evidence and the reviewers' judgements as they
        were when first asked; a reload reads them again). Built once per snapshot."""
        from embargo.resolve import resolve
        from embargo.service.parties import decided

        with self._parties_lock:
            if self._parties is None:
                with store() as opened:
                    judged = decided(opened)
                self._parties = resolve(self.entities, judged, weak=False)
            return self._parties

    def party(self, store: Callable[[], AbstractContextManager[Store]], ref: str) -> PartyView:
        """The party page of ``ref`` (a party id, an embargo id or ``SOURCE:LIST_ID``) over this snapshot:
        its parties resolved once with the delisted entries (who delisted it), without proposals (those
        are ``embargo resolve``'s)."""
        from embargo.resolve import resolve
        from embargo.service.parties import decided, delisted_entities
        from embargo.service.party_view import party_view

        with store() as opened:
            with self._listed_lock:
                if self._listed is None:
                    gone = delisted_entities(opened)
                    self._listed = resolve(self.entities, decided(opened), delisted=gone, weak=False)
            return party_view(opened, self._listed, ref)


def _since_dates(store: Store, in_force: Iterable[Version]) -> dict[str, str]:
    out: dict[str, str] = {}
    for current in in_force:
        earlier = [
            v
            for v in store.versions(current.source)
            if (v.publish_date, v.id) < (current.publish_date, current.id)
        ]
        state = store.members(current.id)
        pending = set(state)
        for k in pending:
            out[k] = current.publish_date
        for v in reversed(earlier):
            members = store.members(v.id)
            pending = {k for k in pending if members.get(k) == state[k]}
            if not pending:
                break
            for k in pending:
                out[k] = v.publish_date
    return out


def settle_heap() -> None:
    """After a swap: one full collection (the old snapshot's cycles, if it had any), then what is left is kept
    out of later ones (``gc.freeze``). An index is millions of long-lived objects: a full collection walks
    them all and lands on whichever request triggers it; this way one is paid per reload, in the reload
    thread."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class ScreeningService:
    """The current snapshot (None until the first build), reloads, and past-date snapshots on demand.

    ``connect`` lends a service for the length of a build (a build runs in a thread of its own)."""

    def __init__(self, connect: Callable[[], AbstractContextManager[Service]]) -> None:
        self.connect = connect
        self.snapshot: Snapshot | None = None
        self.error: str | None = None
        self._reload_lock = threading.Lock()
        self._as_of: OrderedDict[tuple[int, ...], Snapshot] = OrderedDict()
        self._as_of_lock = threading.Lock()

    @contextmanager
    def store(self) -> Iterator[Store]:
        with self.connect() as svc:
            yield svc.store

    def build(self, as_of: str | None = None) -> Snapshot:
        with self.connect() as svc:
            return Snapshot.build(svc, as_of)

    def reload(self, parties: bool = False) -> None:
        """Build a new snapshot and swap it in (one at a time; a concurrent call waits). A failed build
        keeps the old snapshot serving and notes the error. ``parties``: resolve its parties before the
        swap too (a server's background reload: no screening by party waits for them)."""
        with self._reload_lock:
            try:
                snap = self.build()
                if parties:
                    snap.resolution(self.store)
                self.snapshot = snap  # the swap: one attribute, replaced whole
                self.error = None
                with self._as_of_lock:
                    self._as_of.clear()
                del snap
                settle_heap()
            except Exception as exc:
                self.error = f"{type(exc).__name__}: {exc}"

    def start_reload(self) -> threading.Thread:
        t = threading.Thread(target=self.reload, args=(True,), name="embargo-index-reload", daemon=True)
        t.start()
        return t

    def current(self) -> Snapshot:
        """The current snapshot, built now if none is yet (a reload in progress is waited for)."""
        snap = self.snapshot
        if snap is None:
            self.reload()
            snap = self.snapshot
            if snap is None:
                raise StoreError(f"the screening index could not be built: {self.error}")
        return snap

    def as_of(self, when: str) -> Snapshot:
        """The lists in force on a past date. Indexes are kept by the versions they hold (every date between
        two publications shares one), the last ``AS_OF_CACHE`` of them; one is built at a time, so a burst
        of different dates cannot build many at once."""
        with self.connect() as svc:
            versions = tuple(svc.current_versions(None, when))
            key = tuple(v.id for v in versions)
            with self._as_of_lock:
                found = self._as_of.get(key)
                if found is not None:
                    self._as_of.move_to_end(key)
                    return found
                snap = Snapshot.build(svc, as_of=when)
                self._as_of[key] = snap
                while len(self._as_of) > AS_OF_CACHE:
                    self._as_of.popitem(last=False)
                return snap

    def party(self, ref: str) -> PartyView:
        """The party page of ``ref`` over the lists in force (see :meth:`Snapshot.party`)."""
        return self.current().party(self.store, ref)

    def at(self, as_of: str | None) -> Snapshot:
        return self.as_of(as_of) if as_of else self.current()

    def screen(self, query: Query | str, *, as_of: str | None = None, **options: Any) -> ScreenResult:
        """Screen against the lists in force (on ``as_of``); options as :meth:`Snapshot.screen`."""
        return self.at(as_of).screen(query, store=self.store, **options)

    @property
    def kept(self) -> int:
        """Indexes held: the current one and the past-date ones."""
        with self._as_of_lock:
            return (self.snapshot is not None) + len(self._as_of)


__all__ = ["ScreenResult", "ScreeningService", "Snapshot", "VersionRef", "settle_heap"]
