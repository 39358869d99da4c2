"""Deciding an alert, with the four-eyes rule held whatever a request says.

A closure proposed under four-eyes waits for a second reviewer. The store refuses the proposer's own
confirmation only when the confirming request asks for four-eyes too; here it is refused whenever a
proposal is pending, so the proposer cannot close the alert alone by leaving the option off. Every shell
(API, web page, CLI) decides through :func:`decide`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from embargo.store.monitor import CLOSED, Alert, MonitorError

if TYPE_CHECKING:
    from embargo.service.monitor import Monitor


class SameReviewer(MonitorError):
    """The reviewer who proposed a closure tried to confirm it."""


def decide(
    m: Monitor, alert_id: int, state: str, *, actor: str, reason: str, four_eyes: bool = False
) -> Alert:
    """Move an alert to ``state``; SameReviewer when ``actor`` would confirm their own proposed closure."""
    pending = m.records.alert(alert_id)
    if pending.proposed_state and state in CLOSED and pending.proposed_by == actor:
        raise SameReviewer(
            f"alert {alert_id}: {actor} proposed closing it as {pending.proposed_state}; "
            "a second reviewer must confirm it"
        )
    return m.records.transition(alert_id, state, actor=actor, reason=reason, four_eyes=four_eyes)
