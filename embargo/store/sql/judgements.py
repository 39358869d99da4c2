"""Reviewers' judgements on pairs of listed entities in SQL (the
:class:`~embargo.store.judgements.JudgementStore` protocol), table ``party_judgements`` (migration 6 of
:mod:`embargo.store.sql.schema`). A pair has at most one current judgement (a partial unique index); a new
one retires it in the same transaction, under a write lock, so two reviewers judging the pair at once
leave one current judgement and both on record."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from embargo.errors import StoreError
from embargo.store.judgements import VERDICTS, Judgement, Verdict, ordered_pair
from embargo.store.sql.db import Db

LOCK = "judgements"
_RETIRE = "UPDATE party_judgements SET retired_at=? WHERE left_id=? AND right_id=? AND retired_at IS NULL"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class SQLJudgements:
    """Judgements over one connection (the store's, which closes it)."""

    def __init__(self, db: Db) -> None:
        self.db = db

    def judge(self, a: str, b: str, verdict: Verdict, *, user: str, reason: str) -> Judgement:
        if verdict not in VERDICTS:
            raise StoreError(f"unknown verdict {verdict!r} (known: {', '.join(VERDICTS)})")
        if not user.strip():
            raise StoreError("a judgement needs the name of who made it")
        left, right = ordered_pair(a, b)
        at = _now()
        with self.db.write(LOCK):
            self.db.execute(_RETIRE, (at, left, right))
            self.db.execute(
                'INSERT INTO party_judgements (left_id, right_id, verdict, "user", reason, created_at)'
                " VALUES (?,?,?,?,?,?)",
                (left, right, verdict, user.strip(), reason.strip(), at),
            )
        return Judgement(left, right, verdict, user.strip(), reason.strip(), at)

    def retract(self, a: str, b: str) -> bool:
        left, right = ordered_pair(a, b)
        with self.db.write(LOCK):
            return self.db.execute(_RETIRE, (_now(), left, right)).rowcount > 0

    def judgements(self) -> list[Judgement]:
        return list(self._select("retired_at IS NULL", ()))

    def history(self, a: str, b: str) -> list[Judgement]:
        return list(self._select("left_id=? AND right_id=?", ordered_pair(a, b)))

    def _select(self, where: str, args: Sequence[str]) -> Iterator[Judgement]:
        rows = self.db.all(
            'SELECT left_id, right_id, verdict, "user", reason, created_at FROM party_judgements'
            f" WHERE {where} ORDER BY id",
            args,
        )
        for left, right, verdict, user, reason, at in rows:
            yield Judgement(left, right, verdict, user, reason, at)

    def close(self) -> None:
        """Nothing to do: the connection is the store's and closes with it."""
