"""Typed events of the list store: what a new version changed, a version held back, a publication
refused, a release.

Subscribers register with a service's :class:`EventBus` (``Service.subscribe``); continuous monitoring
hangs from :class:`VersionDelta`. Every event is also logged as one JSON line (level INFO) on the
``embargo.events`` logger, so a log shipper can pick it up; the CLI prints its own one-line account of
each outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import orjson

from embargo.store import Store, Version

log = logging.getLogger("embargo.events")


class _Event:
    kind: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.kind, **asdict(self)}  # type: ignore[call-overload]


@dataclass(frozen=True)
class VersionHeld(_Event):
    """A new version removes or strips more parties than the change policy allows: not in force."""

    kind: ClassVar[str] = "version_held"
    source: str
    version_id: int
    label: str
    publish_date: str
    in_force_id: int | None
    removed: int
    stripped: int
    allowance: int
    reason: str


@dataclass(frozen=True)
class PublicationRefused(_Event):
    """A file was refused (damaged, truncated, stale, older than the version in force, disk full)."""

    kind: ClassVar[str] = "publication_refused"
    source: str | None
    path: str
    reason: str


@dataclass(frozen=True)
class VersionReleased(_Event):
    """An admin put a held version in force."""

    kind: ClassVar[str] = "version_released"
    source: str
    version_id: int
    label: str
    hold_reason: str | None


@dataclass(frozen=True)
class EntityChange:
    """One entity's content hash before and after a version (None: absent on that side)."""

    entity_id: str
    old_hash: str | None
    new_hash: str | None


@dataclass(frozen=True)
class VersionDelta(_Event):
    """What a stored version changed against the version before it: the entities added, removed
    (delisted) and changed, each with its old and new content hash.

    ``in_force`` says whether ``version_id`` is now the source's version in force (a held version or
    an older publication stored as history is not); only such deltas are emitted to subscribers."""

    kind: ClassVar[str] = "version_delta"
    source: str
    version_id: int
    previous_id: int | None
    publish_date: str
    added: tuple[EntityChange, ...]
    removed: tuple[EntityChange, ...]
    changed: tuple[EntityChange, ...]
    in_force: bool = True

    @classmethod
    def between(
        cls,
        version: Version,
        previous: Version | None,
        before: Mapping[str, str],
        after: Mapping[str, str],
        *,
        in_force: bool = True,
    ) -> VersionDelta:
        """The delta of two membership maps (entity id -> content hash)."""
        return cls(
            source=version.source,
            version_id=version.id,
            previous_id=previous.id if previous else None,
            publish_date=version.publish_date,
            added=tuple(EntityChange(k, None, after[k]) for k in sorted(after.keys() - before.keys())),
            removed=tuple(EntityChange(k, before[k], None) for k in sorted(before.keys() - after.keys())),
            changed=tuple(
                EntityChange(k, before[k], after[k])
                for k in sorted(after.keys() & before.keys())
                if after[k] != before[k]
            ),
            in_force=in_force,
        )

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        """Counts and ids (the hashes stay on the object: a first version lists every entity)."""
        return {
            "event": self.kind,
            "source": self.source,
            "version_id": self.version_id,
            "previous_id": self.previous_id,
            "publish_date": self.publish_date,
            "in_force": self.in_force,
            **{
                name: [c.entity_id for c in group]
                for name, group in (
                    ("added", self.added),
                    ("removed", self.removed),
                    ("changed", self.changed),
                )
            },
        }


def version_delta(
    store: Store, version: Version, previous: Version | None, *, in_force: bool = True
) -> VersionDelta:
    """The delta of a stored version against ``previous`` (None: everything in it is added)."""
    before = store.members(previous.id) if previous else {}
    return VersionDelta.between(version, previous, before, store.members(version.id), in_force=in_force)


Event = VersionHeld | PublicationRefused | VersionReleased | VersionDelta
Subscriber = Callable[[Event], None]


class EventBus:
    """Hands every event to the subscribers registered on it, and logs it.

    A subscriber that raises is logged and skipped: the version is stored already, and one failing
    consumer must not stop ingest or the others."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn`` with every event from now on; returns the function that unsubscribes it."""
        self._subscribers.append(fn)
        return lambda: self._subscribers.remove(fn)

    def emit(self, event: Event) -> None:
        log.info("%s", orjson.dumps(event.to_dict()).decode())
        for fn in list(self._subscribers):
            try:
                fn(event)
            except Exception:
                log.exception("event subscriber %r failed on %s", fn, event.kind)
