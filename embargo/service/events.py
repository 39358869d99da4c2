"""Typed events ingest emits for monitoring: a version held back, a publication refused, a release.

There is no monitoring service yet; it subscribes here (:func:`subscribe`). Every event is also
logged as one JSON line (level INFO) on the ``embargo.events`` logger, so a log shipper can pick it up
today; the CLI prints its own one-line account of each outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import orjson

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


Event = VersionHeld | PublicationRefused | VersionReleased
Subscriber = Callable[[Event], None]
_subscribers: list[Subscriber] = []


def subscribe(fn: Subscriber) -> Callable[[], None]:
    """Call ``fn`` with every event from now on; returns the function that unsubscribes it."""
    _subscribers.append(fn)
    return lambda: _subscribers.remove(fn)


def emit(event: Event) -> None:
    log.info("%s", orjson.dumps(event.to_dict()).decode())
    for fn in list(_subscribers):
        fn(event)


__all__ = ["Event", "PublicationRefused", "VersionHeld", "VersionReleased", "emit", "subscribe"]
