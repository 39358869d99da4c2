"""What continuous monitoring keeps: the portfolio, alerts and their cases, webhook deliveries, runs
and the audit trail of monitoring screenings and decisions.

The records are frozen dataclasses; :class:`MonitorStore` is the interface, implemented on both backends
by :class:`embargo.store.sql.monitor.SQLMonitorStore` (``store.monitor``). Every write is one
transaction: an alert is written with its event, its audit record and its webhook deliveries or not
at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import orjson

from embargo.errors import EmbargoError
from embargo.model import Entity

AlertState = Literal["open", "in_review", "true_match", "false_positive", "escalated"]
STATES: tuple[str, ...] = ("open", "in_review", "true_match", "false_positive", "escalated")
CLOSED = frozenset({"true_match", "false_positive"})
# the moves a reviewer may make; the engine alone re-opens a false positive after a material change
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_review", "true_match", "false_positive", "escalated"}),
    "in_review": frozenset({"true_match", "false_positive", "escalated"}),
    "escalated": frozenset({"in_review", "true_match", "false_positive"}),
    "true_match": frozenset(),
    "false_positive": frozenset(),
}


class MonitorError(EmbargoError):
    """A monitoring record that cannot be written or found; the message says which and why."""


def _digest(values: Iterable[str]) -> str:
    return hashlib.sha1("\x1f".join(sorted(set(values))).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Counterparty:
    """A customer, supplier, vessel or aircraft of the portfolio, under the caller's own id."""

    id: str
    names: tuple[str, ...]
    schema: str | None = None
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    gender: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "names": list(self.names),
            "schema": self.schema,
            "birth_dates": list(self.birth_dates),
            "countries": list(self.countries),
            "identifiers": list(self.identifiers),
            "gender": self.gender,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Counterparty:
        return cls(
            id=str(data["id"]),
            names=tuple(data.get("names") or ()),
            schema=data.get("schema"),
            birth_dates=tuple(data.get("birth_dates") or ()),
            countries=tuple(data.get("countries") or ()),
            identifiers=tuple(data.get("identifiers") or ()),
            gender=data.get("gender"),
        )

    def fingerprint(self) -> dict[str, str]:
        """A digest per material field: a remembered decision holds until one of them changes."""
        return {
            "names": _digest(self.names),
            "schema": _digest([self.schema or ""]),
            "birth_dates": _digest(self.birth_dates),
            "countries": _digest(self.countries),
            "identifiers": _digest(self.identifiers),
        }


def entity_fingerprint(e: Entity) -> dict[str, str]:
    """A digest per material field of a listed entity: names and aliases, birth dates, identifiers,
    programmes. An address or a remark changing is not material to a decided alert."""
    return {
        "names": _digest(n.value for n in e.names),
        "birth_dates": _digest(e.birth_dates),
        "identifiers": _digest(f"{i.type}:{i.value}" for i in e.identifiers),
        "programmes": _digest(p for s in e.sanctions for p in s.programs),
    }


def changed_fields(old: Mapping[str, str], new: Mapping[str, str], side: str) -> list[str]:
    """What differs between two fingerprints, as ``side.field`` (e.g. ``entity.names``)."""
    return [f"{side}.{k}" for k in sorted(new) if old.get(k) != new[k]]


@dataclass(frozen=True)
class PortfolioChange:
    """One change of a counterparty's own record: added, changed or removed, and the record after."""

    seq: int
    counterparty_id: str
    at: str
    action: Literal["added", "changed", "removed"]
    data: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "counterparty_id": self.counterparty_id,
            "at": self.at,
            "action": self.action,
            "data": self.data,
        }


@dataclass(frozen=True)
class Hit:
    """What a screening found for one counterparty x list entity: what the engine writes as an alert."""

    counterparty: Counterparty
    entity: Entity
    score: float
    explanation: tuple[dict[str, Any], ...]
    version_id: int  # the list version that raised it
    algorithm: str


@dataclass(frozen=True)
class Alert:
    id: int
    counterparty_id: str
    entity_id: str
    source: str
    caption: str
    state: str
    score: float
    explanation: tuple[dict[str, Any], ...]
    version_id: int
    algorithm: str
    raised_at: str
    updated_at: str
    reason: str  # why it was (last) raised: "new", or the material changes that re-raised it
    delisted_version_id: int | None = None
    proposed_state: str | None = None  # four-eyes: a closure waiting for a second reviewer
    proposed_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "counterparty_id": self.counterparty_id,
            "entity_id": self.entity_id,
            "source": self.source,
            "caption": self.caption,
            "state": self.state,
            "score": round(self.score, 4),
            "explanation": list(self.explanation),
            "version_id": self.version_id,
            "algorithm": self.algorithm,
            "raised_at": self.raised_at,
            "updated_at": self.updated_at,
            "reason": self.reason,
            "delisted_version_id": self.delisted_version_id,
            "proposed_state": self.proposed_state,
            "proposed_by": self.proposed_by,
        }


@dataclass(frozen=True)
class AlertEvent:
    """One line of an alert's history: raised, re-raised, a transition, a comment, a delisting."""

    seq: int
    alert_id: int
    at: str
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "alert_id": self.alert_id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "data": self.data,
        }


@dataclass(frozen=True)
class Outgoing:
    """An event to notify (webhooks): its id is the idempotency key a receiver deduplicates on."""

    id: str
    type: str
    payload: dict[str, Any]

    def body(self) -> bytes:
        return orjson.dumps(
            {"id": self.id, "type": self.type, "data": self.payload}, option=orjson.OPT_SORT_KEYS
        )


@dataclass(frozen=True)
class Delivery:
    id: int
    event_id: str
    endpoint: str
    body: bytes
    attempts: int
    state: str  # pending | delivered | dead
    next_at: float
    last_error: str | None


@dataclass(frozen=True)
class AuditRecord:
    """One monitoring screening or decision, as an examiner reads it back."""

    seq: int
    at: str
    kind: str  # screening | decision
    counterparty_id: str | None
    alert_id: int | None
    input: dict[str, Any] | None
    versions: dict[str, int]  # source -> list version id screened against
    algorithm: str | None
    results: list[dict[str, Any]]
    decision: str | None = None
    reviewer: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "kind": self.kind,
            "counterparty_id": self.counterparty_id,
            "alert_id": self.alert_id,
            "input": self.input,
            "versions": self.versions,
            "algorithm": self.algorithm,
            "results": self.results,
            "decision": self.decision,
            "reviewer": self.reviewer,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Screening:
    """A monitoring screening to record: one counterparty, what it was screened against, what it found."""

    counterparty: Counterparty
    versions: Mapping[str, int]
    algorithm: str
    results: list[dict[str, Any]]


class MonitorStore(Protocol):
    # -- portfolio
    def upsert(self, parties: Iterable[Counterparty]) -> list[Counterparty]:
        """Add or replace counterparties by id; returns those that are new or changed."""
        ...

    def remove(self, ids: Iterable[str]) -> int: ...

    def counterparty(self, cid: str) -> Counterparty | None: ...

    def portfolio(self) -> Iterator[Counterparty]: ...

    def portfolio_size(self) -> int: ...

    def portfolio_revision(self) -> int:
        """A number that changes whenever the portfolio does."""
        ...

    def portfolio_history(self, cid: str) -> list[PortfolioChange]: ...

    # -- alerts
    def record(
        self,
        hits: Iterable[Hit],
        screenings: Iterable[Screening],
        *,
        actor: str,
    ) -> list[Alert]:
        """Write the hits as alerts in one transaction (raised, re-raised after a material change, or
        left as they are), the screenings to the audit trail and a webhook event per alert raised;
        returns the alerts raised or re-raised."""
        ...

    def delist(self, entity_ids: Iterable[str], version_id: int) -> list[Alert]: ...

    def alert(self, alert_id: int) -> Alert: ...

    def alerts(
        self,
        *,
        state: str | None = None,
        counterparty_id: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Alert]: ...

    def counts(self) -> dict[str, int]: ...

    def transition(
        self, alert_id: int, to_state: str, *, actor: str, reason: str, four_eyes: bool = False
    ) -> Alert: ...

    def comment(self, alert_id: int, *, actor: str, text: str) -> AlertEvent: ...

    def events(self, alert_id: int) -> list[AlertEvent]: ...

    # -- runs (a cursor per source: the last version whose delta was processed)
    def cursor(self, source: str) -> int | None: ...

    def begin_run(self, kind: str, source: str | None, version_id: int | None) -> int: ...

    def finish_run(self, run_id: int, *, alerts: int, screened: int) -> None: ...

    def unfinished_runs(self) -> list[dict[str, Any]]: ...

    def runs(self, limit: int = 50) -> list[dict[str, Any]]: ...

    # -- webhooks
    def add_endpoint(self, url: str, secrets: Iterable[str]) -> int: ...

    def set_secrets(self, endpoint_id: int, secrets: Iterable[str]) -> None: ...

    def endpoints(self) -> list[dict[str, Any]]: ...

    def due(self, now_ts: float, limit: int = 50) -> list[Delivery]: ...

    def delivered(self, delivery_id: int) -> None: ...

    def failed(self, delivery_id: int, error: str, next_at: float | None) -> None:
        """One more failed try: retry at ``next_at``, or dead-letter it (None)."""
        ...

    def deliveries(self, state: str | None = None) -> list[Delivery]: ...

    def delivery_counts(self) -> dict[str, int]:
        """Webhook deliveries per state: pending (not tried yet), retrying (failed, to be tried again),
        delivered, dead (dead-lettered after the last try)."""
        ...

    def endpoint_secrets(self, url: str) -> list[str]: ...

    # -- audit
    def audit(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        counterparty_id: str | None = None,
        alert_id: int | None = None,
        kind: str | None = None,
    ) -> Iterator[AuditRecord]: ...

    def close(self) -> None: ...
