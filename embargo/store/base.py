"""The store's interface: versions of each source's publications and every entity state.

A *version* is one publication of one source (publish date + canonical content hash).
Entity states are content-addressed (hash of the canonical entity JSON), so a version is a
set of ``(entity_id, state_hash)`` pairs and history is set arithmetic between versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from embargo.model import Entity, canonical_json
from embargo.store.audit import AuditLog
from embargo.store.judgements import JudgementStore
from embargo.store.keys import KeyStore
from embargo.store.monitor import MonitorStore


@dataclass(frozen=True)
class Version:
    id: int
    source: str
    publish_date: str  # ISO date
    date_origin: str  # "file" | "as-of" | "folder" | "today"
    content_hash: str
    format: str
    label: str  # e.g. the folder name "2022-02-23_2"
    files: tuple[str, ...]
    entity_count: int
    declared_count: int | None
    ingested_at: str
    warnings: tuple[str, ...] = ()
    unconsumed: dict[str, int] = field(default_factory=dict)
    # why the change policy held this version back (None: never held); a held version is not in
    # force until released: screening, diffs, history and as-of never see it
    hold_reason: str | None = None
    released_at: str | None = None

    @property
    def held(self) -> bool:
        return self.hold_reason is not None and self.released_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "publish_date": self.publish_date,
            "date_origin": self.date_origin,
            "content_hash": self.content_hash,
            "format": self.format,
            "label": self.label,
            "files": list(self.files),
            "entity_count": self.entity_count,
            "declared_count": self.declared_count,
            "ingested_at": self.ingested_at,
            "warnings": list(self.warnings),
            "unconsumed": dict(self.unconsumed),
            "held": self.held,
            "hold_reason": self.hold_reason,
            "released_at": self.released_at,
        }


@dataclass(frozen=True)
class Encoded:
    """A publication's entities as stored: (state hash, entity id, canonical JSON) rows and the
    publication's content hash. Ingest computes it once to recognise a publication already seen."""

    rows: tuple[tuple[str, str, bytes], ...]
    content_hash: str

    def members(self) -> dict[str, str]:
        return {eid: h for h, eid, _ in self.rows}


def encode(entities: Iterable[Entity]) -> Encoded:
    rows = []
    for e in entities:
        data = canonical_json(e)
        rows.append((state_hash(data), e.id, data))
    return Encoded(tuple(rows), content_hash_of((eid, h) for h, eid, _ in rows))


def state_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def content_hash_of(pairs: Iterable[tuple[str, str]]) -> str:
    """Canonical hash of a publication: its sorted (entity id, state hash) pairs."""
    digest = hashlib.sha256()
    for eid, h in sorted(pairs):
        digest.update(f"{eid}\t{h}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class NewVersion:
    """What ingest hands to the store: one parsed publication."""

    source: str
    publish_date: str
    date_origin: str
    format: str
    label: str
    files: tuple[str, ...]
    entities: tuple[Entity, ...]
    declared_count: int | None = None
    warnings: tuple[str, ...] = ()
    unconsumed: dict[str, int] = field(default_factory=dict)
    hold_reason: str | None = None  # store it held back, not in force (see Version.hold_reason)
    encoded: Encoded | None = None  # the entities already encoded (else the store encodes them)


@dataclass(frozen=True)
class Membership:
    """An entity's state in one version (``state_hash`` None: not in that version)."""

    version: Version
    state_hash: str | None


class Watch(Protocol):
    def stop(self) -> None: ...


class Store(Protocol):
    """One database: its list versions and entity states (the methods below), its API keys, users and
    sessions (``keys``), its audit log (``audit``), continuous monitoring's records (``monitor``) and the
    reviewers' judgements on pairs of entities (``judgements``). :func:`embargo.store.open_store` opens
    one."""

    url: str  # where it is (a PostgreSQL URL without its password)
    schema_version: int  # the schema migration the database is at
    schema_found: int  # the one it was at when opened (0: empty), before any upgrade

    @property
    def keys(self) -> KeyStore: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def monitor(self) -> MonitorStore: ...

    @property
    def judgements(self) -> JudgementStore: ...

    def watch(self, on_change: Callable[[], None], interval: float = 1.0) -> Watch:
        """Call ``on_change`` from a thread of its own whenever a list version comes into force in the
        database (stored or released, by this process or another); ``stop()`` ends it."""
        ...

    def add_version(self, new: NewVersion) -> tuple[Version, bool]:
        """Store one publication in one transaction; (version, created). An identical publication
        (same source, publish date and content hash) is not stored twice: created is False."""
        ...

    def versions(self, source: str | None = None, *, include_held: bool = False) -> list[Version]:
        """Versions in force (and held ones too with ``include_held``), by (source, publish_date, id)."""
        ...

    def release(self, version_id: int) -> Version:
        """Put a held version in force (StoreError if it is not held)."""
        ...

    def version(self, version_id: int) -> Version: ...

    def sources(self) -> list[str]: ...

    def members(self, version_id: int) -> dict[str, str]:
        """entity_id -> state_hash for one version."""
        ...

    def state(self, state_hash: str) -> Entity: ...

    def states(self, state_hashes: Iterable[str]) -> dict[str, Entity]: ...

    def find_entity_id(self, ref: str) -> str | None:
        """embargo id, or ``SOURCE:LIST_ID``."""
        ...

    def history(self, entity_id: str) -> list[Membership]:
        """The entity's state in every version of its source, in order."""
        ...

    def entities_at(self, version_id: int) -> Iterator[Entity]: ...

    def close(self) -> None: ...
