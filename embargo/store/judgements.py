"""Reviewers' judgements on pairs of listed entities: the same party, or not the same.

Resolution (:mod:`embargo.resolve`) groups the entities of every list from the evidence in the lists; a
reviewer corrects it by judging a pair. A judgement names the two entities by their ids, which are
derived from the source and the list's own id (``us-ofac-sdn-16649``) and so survive every re-ingest:
resolution reads the judgements again after each ingest and applies them over the evidence.

As in nomenklatura's resolver, a pair is stored in one order (the smaller id first), a new judgement on a
pair retires the previous one (``retired_at`` set, never deleted, so who decided what and when stays on
record), and at most one judgement per pair is current. They live in the store's database (SQLite or
PostgreSQL), beside the versions: ``store.judgements`` (:mod:`embargo.store.sql.judgements`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from embargo.errors import StoreError

Verdict = Literal["same", "not_same"]
VERDICTS: tuple[str, ...] = ("same", "not_same")


@dataclass(frozen=True)
class Judgement:
    """A reviewer's decision on two entities (``left_id`` < ``right_id``)."""

    left_id: str
    right_id: str
    verdict: Verdict
    user: str
    reason: str
    created_at: str  # ISO 8601, UTC

    @property
    def pair(self) -> tuple[str, str]:
        return (self.left_id, self.right_id)

    def to_dict(self) -> dict[str, str]:
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "verdict": self.verdict,
            "user": self.user,
            "reason": self.reason,
            "created_at": self.created_at,
        }


def ordered_pair(a: str, b: str) -> tuple[str, str]:
    """The pair as stored: the smaller id first (StoreError for an entity judged against itself)."""
    if a == b:
        raise StoreError(f"cannot judge {a!r} against itself")
    return (a, b) if a < b else (b, a)


class JudgementStore(Protocol):
    def judge(self, a: str, b: str, verdict: Verdict, *, user: str, reason: str) -> Judgement:
        """Record a judgement on the pair, retiring the pair's current one (one transaction)."""
        ...

    def retract(self, a: str, b: str) -> bool:
        """Retire the pair's current judgement; False when there was none."""
        ...

    def judgements(self) -> list[Judgement]:
        """The current judgements, oldest first."""
        ...

    def history(self, a: str, b: str) -> list[Judgement]:
        """Every judgement ever made on the pair, retired ones included, oldest first."""
        ...

    def close(self) -> None: ...
