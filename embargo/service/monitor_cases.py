"""Alerts per party: a counterparty's alerts on listings of one resolved party form one case.

Alerts stay keyed by counterparty x listed entity (each listing has its own score, explanation, list
version and remembered decision). When one customer matches a person that five authorities list, the
reviewer sees one case (the party's caption, who lists it, the best score) and decides it once: the
decision is recorded on every member alert, each with its own audit record, so the trail still says
which listing was cleared and why.

Parties come from the strong tier of cross-list resolution and the reviewers' judgements (no weak
proposals), over the lists in force; the resolution is kept until a list version changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from embargo.resolve import Resolution
from embargo.service.parties import resolution
from embargo.store import Store
from embargo.store.monitor import CLOSED, TRANSITIONS, Alert, MonitorError, MonitorStore

# the order a queue shows a case in, by the most pressing state among its alerts
PRESSING = ("open", "escalated", "in_review", "true_match", "false_positive")


@dataclass(frozen=True)
class AlertCase:
    """One counterparty against one listed party: its alerts, best score first."""

    counterparty_id: str
    party_id: str  # the party's canonical id (the entity's own id when no other list names it)
    alerts: tuple[Alert, ...]

    @property
    def best(self) -> Alert:
        return self.alerts[0]

    @property
    def caption(self) -> str:
        return self.best.caption

    @property
    def score(self) -> float:
        return self.best.score

    @property
    def state(self) -> str:
        """The most pressing state among the alerts: a case is closed only when every alert is."""
        return min((a.state for a in self.alerts), key=PRESSING.index)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({a.source for a in self.alerts}))

    @property
    def key(self) -> str:
        """``counterparty_id|party_id``: how shells name a case."""
        return f"{self.counterparty_id}|{self.party_id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "counterparty_id": self.counterparty_id,
            "party_id": self.party_id,
            "caption": self.caption,
            "state": self.state,
            "score": round(self.score, 4),
            "sources": list(self.sources),
            "delisted": all(a.delisted_version_id for a in self.alerts),
            "alerts": [a.to_dict() for a in self.alerts],
        }


def group_alerts(alerts: Iterable[Alert], canonical: Callable[[str], str]) -> list[AlertCase]:
    """Alerts grouped per counterparty x party; the most pressing cases first, then the best scores."""
    grouped: dict[tuple[str, str], list[Alert]] = {}
    for a in alerts:
        grouped.setdefault((a.counterparty_id, canonical(a.entity_id)), []).append(a)
    cases = [
        AlertCase(cid, pid, tuple(sorted(members, key=lambda a: (-a.score, a.id))))
        for (cid, pid), members in grouped.items()
    ]
    cases.sort(key=lambda c: (PRESSING.index(c.state), -c.score, c.counterparty_id, c.party_id))
    return cases


def split_key(key: str) -> tuple[str, str]:
    cid, sep, pid = key.rpartition("|")
    if not sep or not cid or not pid:
        raise MonitorError(f"not a case key {key!r} (COUNTERPARTY_ID|PARTY_ID, as the alert queue shows it)")
    return cid, pid


class Parties:
    """The canonical party of each listed entity, over the lists in force (rebuilt when they change)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._key: tuple[int, ...] | None = None
        self._resolution: Resolution | None = None

    def resolution(self) -> Resolution:
        """The resolution in force (one look at the store's versions; take it once per operation)."""
        key = tuple(sorted(v.id for v in self.store.versions()))
        if self._resolution is None or key != self._key:
            self._resolution = resolution(self.store, weak=False)
            self._key = key
        return self._resolution


def cases(
    records: MonitorStore,
    parties: Parties,
    *,
    state: str | None = None,
    counterparty_id: str | None = None,
    limit: int | None = None,
) -> list[AlertCase]:
    """The alert cases; ``state`` keeps the cases in that (most pressing) state. A case gathers every
    alert of its counterparty on its party, whatever their state, so the state filter applies after the
    grouping."""
    alerts = records.alerts(counterparty_id=counterparty_id)
    found = group_alerts(alerts, parties.resolution().canonical)
    if state is not None:
        found = [c for c in found if c.state == state]
    return found[:limit] if limit is not None else found


def case(records: MonitorStore, parties: Parties, key: str) -> AlertCase:
    cid, pid = split_key(key)
    for c in group_alerts(records.alerts(counterparty_id=cid), parties.resolution().canonical):
        if c.party_id == pid:
            return c
    raise MonitorError(f"no alerts of counterparty {cid!r} on party {pid!r}")


def case_of_alert(records: MonitorStore, parties: Parties, alert_id: int) -> AlertCase:
    """The case an alert belongs to (its counterparty's alerts on the alert's party)."""
    a = records.alert(alert_id)
    return case(records, parties, f"{a.counterparty_id}|{parties.resolution().canonical(a.entity_id)}")


def decide_case(
    records: MonitorStore,
    found: AlertCase,
    to_state: str,
    *,
    actor: str,
    reason: str,
    four_eyes: bool = False,
) -> list[Alert]:
    """Record one decision on every alert of a case that can take it (an alert already in that state, or
    closed, is left as it is). Every move is checked before the first is written, so a case is not left
    half decided by a refused move; as for one alert (:mod:`embargo.service.decisions`), the reviewer who
    proposed a closure cannot confirm it."""
    movable = [a for a in found.alerts if a.state != to_state and a.state not in CLOSED]
    if not movable:
        raise MonitorError(f"case {found.key}: no alert in it can move to {to_state} (states: {found.state})")
    for a in movable:
        if to_state not in TRANSITIONS[a.state]:
            raise MonitorError(f"case {found.key}: alert {a.id} is {a.state}: it cannot move to {to_state}")
        if four_eyes and to_state in CLOSED and a.proposed_state == to_state and a.proposed_by == actor:
            raise MonitorError(
                f"case {found.key}: {actor} proposed this closure; a second reviewer must confirm it"
            )
    return [
        records.transition(a.id, to_state, actor=actor, reason=reason, four_eyes=four_eyes) for a in movable
    ]
