"""The one place the layers are wired together; the CLI, the HTTP API and the web page use only this."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embargo.errors import StoreError
from embargo.model import Entity
from embargo.service.digest import Digest, digest
from embargo.service.facets import Filters, check_date
from embargo.service.history import diff, entity_view, resolve_version, version_at
from embargo.service.ingest import Outcome, ingest_paths
from embargo.service.timeline import History, HistoryCache, Timeline, aggregate
from embargo.sources.catalog import SOURCES
from embargo.store import Store, Version, open_store

if TYPE_CHECKING:
    from embargo.screener import Screener

__all__ = ["Service", "default_db_path", "diff", "entity_view", "resolve_version", "version_at"]


def default_db_path() -> str:
    """``$EMBARGO_DB`` (a path or a database URL), else ``$XDG_DATA_HOME/embargo/embargo.db``
    (``~/.local/share/embargo/embargo.db``)."""
    env = os.environ.get("EMBARGO_DB")
    if env:
        return env
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "embargo" / "embargo.db")


class Service:
    """embargo's operations over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.histories = HistoryCache()  # a long-lived service (the API's) draws timelines from memory

    @classmethod
    def open(cls, db: Path | str | None = None) -> Service:
        """The service over the store at ``db`` (a path or a database URL; default: :func:`default_db_path`)."""
        return cls(open_store(db if db is not None else default_db_path()))

    def close(self) -> None:
        self.store.close()

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
        )

    def lists(self) -> list[dict[str, Any]]:
        """Per source: its title, authority, every version in force (id, dates, counts) and the versions
        held back by the change policy (``held``: each with its ``hold_reason``; never in force)."""
        out = []
        everything = self.store.versions(include_held=True)
        for source in sorted({v.source for v in everything}):
            info = SOURCES.get(source)
            versions = [v for v in everything if v.source == source and not v.held]
            held = [v for v in everything if v.source == source and v.held]
            out.append(
                {
                    "source": source,
                    "title": info.title if info else source,
                    "authority": info.authority if info else None,
                    "current": versions[-1].to_dict() if versions else None,
                    "versions": [v.to_dict() for v in versions],
                    "held": [v.to_dict() for v in held],
                }
            )
        return out

    def held_versions(self) -> list[Version]:
        """Versions held back by the change policy, not in force until released."""
        return [v for v in self.store.versions(include_held=True) if v.held]

    def release(self, version_id: int) -> Version:
        """Put a held version in force (an admin's decision) and emit a VersionReleased event."""
        from embargo.service.events import VersionReleased, emit

        v = self.store.release(version_id)
        emit(VersionReleased(v.source, v.id, v.label, v.hold_reason))
        return v

    def diff(self, source: str, from_ref: str | None = None, to_ref: str | None = None) -> dict[str, Any]:
        return diff(self.store, source, from_ref, to_ref)

    def entity(self, ref: str, as_of: str | None = None) -> dict[str, Any]:
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
            self.histories.get(self.store, sources),
            by=by,
            period=period,
            start=start,
            end=end,
            filters=filters,
        )

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
        from embargo.screener import Screener

        return Screener(list(self.entities(sources, as_of)), algorithm or DEFAULT_ALGORITHM)

    def entities(self, sources: Iterable[str] | None = None, as_of: str | None = None) -> Iterator[Entity]:
        """Every entity listed in the versions in force."""
        for v in self.current_versions(sources, as_of):
            yield from self.store.entities_at(v.id)
