"""Reviewers' judgements on pairs of listed entities: the same party, or not the same.

Resolution (:mod:`embargo.resolve`) groups the entities of every list from the evidence in the lists; a
reviewer corrects it by judging a pair. A judgement names the two entities by their ids, which are
derived from the source and the list's own id (``us-ofac-sdn-16649``) and so survive every re-ingest:
resolution reads the judgements again after each ingest and applies them over the evidence.

As in nomenklatura's resolver, a pair is stored in one order (the smaller id first), a new judgement on a
pair retires the previous one (``retired_at`` set, never deleted, so who decided what and when stays on
record), and at most one judgement per pair is current. The table lives in the store's SQLite file,
beside the versions, under its own name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from embargo.errors import StoreError
from embargo.store.private import make_private

Verdict = Literal["same", "not_same"]
VERDICTS: tuple[str, ...] = ("same", "not_same")

_DDL = """
CREATE TABLE IF NOT EXISTS party_judgements (
    id INTEGER PRIMARY KEY,
    left_id TEXT NOT NULL,
    right_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('same', 'not_same')),
    user TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT,
    CHECK (left_id < right_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS party_judgements_current
    ON party_judgements (left_id, right_id) WHERE retired_at IS NULL;
"""


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


class SQLiteJudgements:
    """Judgements in a SQLite file (the store's own, or ``":memory:"``), table ``party_judgements``."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            make_private(self.path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout=30000")
            self.conn.executescript(_DDL)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot keep judgements there ({exc})") from exc

    def judge(self, a: str, b: str, verdict: Verdict, *, user: str, reason: str) -> Judgement:
        if verdict not in VERDICTS:
            raise StoreError(f"unknown verdict {verdict!r} (known: {', '.join(VERDICTS)})")
        if not user.strip():
            raise StoreError("a judgement needs the name of who made it")
        left, right = ordered_pair(a, b)
        at = _now()
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.execute(
                "UPDATE party_judgements SET retired_at=? WHERE left_id=? AND right_id=? AND retired_at IS NULL",
                (at, left, right),
            )
            cur.execute(
                "INSERT INTO party_judgements (left_id, right_id, verdict, user, reason, created_at)"
                " VALUES (?,?,?,?,?,?)",
                (left, right, verdict, user.strip(), reason.strip(), at),
            )
            cur.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                cur.execute("ROLLBACK")
            raise
        return Judgement(left, right, verdict, user.strip(), reason.strip(), at)

    def retract(self, a: str, b: str) -> bool:
        left, right = ordered_pair(a, b)
        cur = self.conn.execute(
            "UPDATE party_judgements SET retired_at=? WHERE left_id=? AND right_id=? AND retired_at IS NULL",
            (_now(), left, right),
        )
        return cur.rowcount > 0

    def judgements(self) -> list[Judgement]:
        return list(self._select("retired_at IS NULL", ()))

    def history(self, a: str, b: str) -> list[Judgement]:
        return list(self._select("left_id=? AND right_id=?", ordered_pair(a, b)))

    def _select(self, where: str, args: tuple[str, ...]) -> Iterator[Judgement]:
        rows = self.conn.execute(
            "SELECT left_id, right_id, verdict, user, reason, created_at FROM party_judgements"
            f" WHERE {where} ORDER BY id",
            args,
        )
        for left, right, verdict, user, reason, at in rows:
            yield Judgement(left, right, verdict, user, reason, at)

    def close(self) -> None:
        self.conn.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
