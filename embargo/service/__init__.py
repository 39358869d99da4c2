"""The one place the layers are wired together; the CLI, the HTTP API and the web page use only this."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embargo.errors import StoreError
from embargo.model import Entity
from embargo.service.digest import Digest, digest
from embargo.service.events import EventBus, Subscriber, VersionDelta, VersionReleased, version_delta
from embargo.service.facets import Filters, check_date
from embargo.service.history import EntityHistory, VersionDiff, diff, entity_view, resolve_version, version_at
from embargo.service.ingest import Outcome, ingest_paths
from embargo.service.timeline import History, HistoryCache, Timeline, aggregate
from embargo.sources.catalog import SOURCES
from embargo.store import Store, Version, Watch, open_store

if TYPE_CHECKING:
    from embargo.match.types import Query
    from embargo.resolve import Resolution
    from embargo.service.party_view import PartyView
    from embargo.service.screener import Screener
    from embargo.service.snapshot import ScreeningService, ScreenResult
    from embargo.service.sync import SyncResult

__all__ = [
    "EntityHistory",
    "ListVersions",
    "Service",
    "VersionDelta",
    "VersionDiff",
    "default_db_path",
    "diff",
    "entity_view",
    "resolve_version",
    "version_at",
]


@dataclass(frozen=True)
class ListVersions:
    """One source's versions: those in force (oldest first) and those held back."""

    source: str
    title: str
    authority: str | None
    versions: tuple[Version, ...]
    held: tuple[Version, ...]

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "authority": self.authority,
            "current": self.current.to_dict() if self.current else None,
            "versions": [v.to_dict() for v in self.versions],
            "held": [v.to_dict() for v in self.held],
        }


def default_db_path() -> str:
    """``$EMBARGO_DB`` (a path or a database URL), else ``$XDG_DATA_HOME/embargo/embargo.db``
    (``~/.local/share/embargo/embargo.db``)."""
    env = os.environ.get("EMBARGO_DB")
    if env:
        return env
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "embargo" / "embargo.db")


class Service:
    """embargo's operations over one store: the one place the layers are wired together.

    A long-lived service (the API's) keeps the screening snapshot (:attr:`screening`) and the timeline
    marks in memory; ``url`` (where the store is) lets it open more connections for builds in threads."""

    def __init__(self, store: Store, url: Path | str | None = None) -> None:
        self.store = store
        self.url = url
        self.events = EventBus()
        self.histories = HistoryCache()
        self._screening: ScreeningService | None = None
        self._lock = threading.RLock()

    @classmethod
    def open(cls, db: Path | str | None = None) -> Service:
        """The service over the store at ``db`` (a path or a database URL; default: :func:`default_db_path`)."""
        url = db if db is not None else default_db_path()
        return cls(open_store(url), url)

    def close(self) -> None:
        self.store.close()

    @contextmanager
    def connection(self) -> Iterator[Service]:
        """A service for the length of a block: a new connection to the same store when the store's
        place is known (so a thread may use it), else this one, one caller at a time."""
        if self.url is not None:
            other = Service.open(self.url)
            try:
                yield other
            finally:
                other.close()
        else:
            with self._lock:
                yield self

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn`` with every event of this service's ingests and releases (a :class:`VersionDelta` for
        each version that comes in force: the hook of continuous monitoring); returns the unsubscriber."""
        return self.events.subscribe(fn)

    def follow_lists(self, interval: float = 1.0) -> Watch:
        """Reload the screening snapshot (in the background, swapped whole) whenever a list version comes
        in force in the database, stored by this process or another (PostgreSQL notifies; SQLite is
        polled every ``interval`` seconds); ``stop()`` on the result ends it."""
        screening = self.screening

        def changed() -> None:
            screening.start_reload()

        return self.store.watch(changed, interval)

    @property
    def screening(self) -> ScreeningService:
        """The screening snapshot of the lists in force (built on first use, rebuilt by ``reload``)."""
        from embargo.service.snapshot import ScreeningService

        with self._lock:
            if self._screening is None:
                self._screening = ScreeningService(self.connection)
            return self._screening

    def screen(
        self,
        query: Query | str,
        *,
        sources: Iterable[str] | None = None,
        as_of: str | None = None,
        exclude: Iterable[str] = (),
        changed_since: str | None = None,
        threshold: float | None = None,
        limit: int = 10,
        algorithm: str | None = None,
        by_party: bool = False,
    ) -> ScreenResult:
        """Screen one name or record against the lists in force (on ``as_of``), or ``sources`` of them,
        leaving out ``exclude`` (entity ids) and, with ``changed_since``, entities whose current state
        was published before that date; ``by_party``: grouped by party too (``ScreenResult.parties``)."""
        return self.screening.screen(
            query,
            as_of=as_of,
            sources=sources,
            exclude=frozenset(exclude),
            changed_since=changed_since,
            threshold=threshold,
            limit=limit,
            algorithm=algorithm,
            by_party=by_party,
        )

    def party(self, ref: str) -> PartyView:
        """One party's listings side by side, who listed it first, who delisted it (``ref``: a party id,
        an embargo id or ``SOURCE:LIST_ID``); StoreError when it names nothing in the store."""
        from embargo.service.party_view import party_page

        return party_page(self.store, ref)

    def grouping(self, as_of: str | None = None) -> Resolution:
        """The parties of the lists in force (on ``as_of``), for grouping screening results outside a
        snapshot (batch runs): see :func:`embargo.service.parties.grouping`."""
        from embargo.service.parties import grouping

        return grouping(self.store, as_of)

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        as_of: str | None = None,
        force: bool = False,
        allow_older: bool = False,
        on_start: Callable[[int], None] | None = None,
        on_done: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        return ingest_paths(
            self.store,
            paths,
            as_of=as_of,
            force=force,
            allow_older=allow_older,
            on_start=on_start,
            on_done=on_done,
            bus=self.events,
        )

    def sync(self, dest: Path | None = None, **options: Any) -> list[SyncResult]:
        """Download every source (or ``sources=[...]``) into ``dest`` (default: ``downloads`` beside the
        store) and ingest what changed; options as :func:`embargo.service.sync.sync`."""
        from embargo.service.sync import sync

        folder = dest or Path(getattr(self.store, "path", ".")).parent / "downloads"
        return sync(self.store, folder, bus=self.events, **options)

    def lists(self, source: str | None = None) -> list[ListVersions]:
        """Per source (or only ``source``): its title, authority, every version in force and the versions
        held back by the change policy (never in force until released)."""
        out = []
        everything = self.store.versions(source, include_held=True)
        for source in sorted({v.source for v in everything}):
            info = SOURCES.get(source)
            out.append(
                ListVersions(
                    source=source,
                    title=info.title if info else source,
                    authority=info.authority if info else None,
                    versions=tuple(v for v in everything if v.source == source and not v.held),
                    held=tuple(v for v in everything if v.source == source and v.held),
                )
            )
        return out

    def held_versions(self) -> list[Version]:
        """Versions held back by the change policy, not in force until released."""
        return [v for v in self.store.versions(include_held=True) if v.held]

    def release(self, version_id: int) -> Version:
        """Put a held version in force (an admin's decision); emits a VersionReleased event and, when it is
        now the source's latest version in force, its VersionDelta against the version in force before."""
        before = [v for v in self.store.versions(self.store.version(version_id).source) if not v.held]
        v = self.store.release(version_id)
        self.events.emit(VersionReleased(v.source, v.id, v.label, v.hold_reason))
        previous = before[-1] if before else None
        if previous is None or (v.publish_date, v.id) > (previous.publish_date, previous.id):
            self.events.emit(version_delta(self.store, v, previous))
        return v

    def diff(self, source: str, from_ref: str | None = None, to_ref: str | None = None) -> VersionDiff:
        return diff(self.store, source, from_ref, to_ref)

    def entity(self, ref: str, as_of: str | None = None) -> EntityHistory:
        return entity_view(self.store, ref, as_of)

    def timeline(
        self,
        sources: Iterable[str] | None = None,
        *,
        by: str = "authority",
        period: str = "month",
        start: str | None = None,
        end: str | None = None,
        filters: Filters | None = None,
    ) -> Timeline:
        """Designations and removals per period and group (see :mod:`embargo.service.timeline`)."""
        return self.timeline_of(
            self.history(sources),
            by=by,
            period=period,
            start=start,
            end=end,
            filters=filters,
        )

    def history(self, sources: Iterable[str] | None = None) -> History:
        """The designations and removals of the lists (kept in memory until a list changes)."""
        return self.histories.get(self.store, sources)

    def timeline_of(
        self,
        history: History,
        *,
        by: str = "authority",
        period: str = "month",
        start: str | None = None,
        end: str | None = None,
        filters: Filters | None = None,
    ) -> Timeline:
        """The timeline of marks already collected (a page keeps them between requests)."""
        start, end = check_date(start, "from"), check_date(end, "to")
        return aggregate(history, by=by, period=period, start=start, end=end, filters=filters)

    def digest(
        self,
        *,
        day: str | None = None,
        since: str | None = None,
        until: str | None = None,
        filters: Filters | None = None,
    ) -> Digest:
        """What the versions published on a day (or in a range) added, removed and changed."""
        return digest(self.store, day=day, since=since, until=until, filters=filters)

    def current_versions(
        self, sources: Iterable[str] | None = None, as_of: str | None = None
    ) -> list[Version]:
        """Per source, the version in force (on ``as_of``, or the latest)."""
        wanted = list(sources) if sources else self.store.sources()
        known = set(self.store.sources())
        out = []
        for source in wanted:
            if source not in known:
                raise StoreError(
                    f"no versions of {source!r} in the store (known: {', '.join(sorted(known)) or 'none'})"
                )
            v = version_at(self.store, source, as_of) if as_of else self.store.versions(source)[-1]
            if v is not None:
                out.append(v)
        return out

    def screener(
        self, sources: Iterable[str] | None = None, as_of: str | None = None, algorithm: str | None = None
    ) -> Screener:
        """A screener over the entities in force (on ``as_of``)."""
        from embargo.match.algorithm import DEFAULT_ALGORITHM
        from embargo.service.screener import Screener

        return Screener(list(self.entities(sources, as_of)), algorithm or DEFAULT_ALGORITHM)

    def entities(self, sources: Iterable[str] | None = None, as_of: str | None = None) -> Iterator[Entity]:
        """Every entity listed in the versions in force."""
        return self.entities_of(self.current_versions(sources, as_of))

    def entities_of(self, versions: Iterable[Version]) -> Iterator[Entity]:
        """Every entity listed in these versions."""
        for v in versions:
            yield from self.store.entities_at(v.id)
