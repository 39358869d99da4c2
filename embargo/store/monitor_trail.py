"""The webhook outbox and the audit trail of the SQLite monitoring store (a part of
:class:`~embargo.store.monitor_sqlite.SQLiteMonitorStore`, kept apart for size): endpoints and their
secrets, the deliveries a dispatcher drains, and the append-only trail with its filtered reading."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

from embargo.store.monitor import AuditRecord, Delivery, MonitorError, Outgoing


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _delivery(r: tuple[Any, ...]) -> Delivery:
    return Delivery(int(r[0]), r[1], r[2], bytes(r[3]), int(r[4]), r[5], float(r[6]), r[7])


class OutboxAndTrail:
    """Webhook endpoints, deliveries and the audit trail over ``conn``."""

    conn: sqlite3.Connection

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    # -- webhooks -------------------------------------------------------------------------
    def add_endpoint(self, url: str, secrets: Iterable[str]) -> int:
        keys = [s for s in secrets if s]
        if not url.startswith(("http://", "https://")) or not keys:
            raise MonitorError(f"a webhook needs an http(s) URL and a secret (got {url!r})")
        with self._tx() as cur:
            eid = cur.execute(
                "INSERT INTO webhook_endpoints (url, secrets) VALUES (?,?)", (url, _json(keys))
            ).lastrowid
        assert eid is not None
        return eid

    def set_secrets(self, endpoint_id: int, secrets: Iterable[str]) -> None:
        keys = [s for s in secrets if s]
        if not keys:
            raise MonitorError("a webhook needs at least one secret")
        with self._tx() as cur:
            n = cur.execute(
                "UPDATE webhook_endpoints SET secrets=? WHERE id=?", (_json(keys), endpoint_id)
            ).rowcount
            if not n:
                raise MonitorError(f"no webhook endpoint {endpoint_id}")

    def endpoints(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT id, url, secrets, active FROM webhook_endpoints ORDER BY id")
        return [{"id": i, "url": u, "secrets": orjson.loads(s), "active": bool(a)} for i, u, s, a in rows]

    def _enqueue(self, cur: sqlite3.Cursor, out: Outgoing, at: str) -> None:
        cur.execute("INSERT OR IGNORE INTO outbox VALUES (?,?,?,?)", (out.id, out.type, out.body(), at))
        cur.execute(
            "INSERT OR IGNORE INTO deliveries (event_id, endpoint_id, next_at, state)"
            " SELECT ?, id, 0, 'pending' FROM webhook_endpoints WHERE active=1",
            (out.id,),
        )

    _DELIVERY = (
        "SELECT d.id, d.event_id, e.url, o.body, d.attempts, d.state, d.next_at, d.last_error"
        " FROM deliveries d JOIN outbox o ON o.event_id=d.event_id JOIN webhook_endpoints e ON e.id=d.endpoint_id"
    )

    def due(self, now_ts: float, limit: int = 50) -> list[Delivery]:
        rows = self.conn.execute(
            f"{self._DELIVERY} WHERE d.state='pending' AND d.next_at<=? ORDER BY d.id LIMIT ?",
            (now_ts, limit),
        )
        return [_delivery(r) for r in rows]

    def delivered(self, delivery_id: int) -> None:
        with self._tx() as cur:
            cur.execute(
                "UPDATE deliveries SET state='delivered', attempts=attempts+1, last_error=NULL WHERE id=?",
                (delivery_id,),
            )

    def failed(self, delivery_id: int, error: str, next_at: float | None) -> None:
        with self._tx() as cur:
            cur.execute(
                "UPDATE deliveries SET attempts=attempts+1, last_error=?, state=?, next_at=? WHERE id=?",
                (error[:500], "dead" if next_at is None else "pending", next_at or 0, delivery_id),
            )

    def deliveries(self, state: str | None = None) -> list[Delivery]:
        where, args = (" WHERE d.state=?", (state,)) if state else ("", ())
        rows = self.conn.execute(f"{self._DELIVERY}{where} ORDER BY d.id", args)
        return [_delivery(r) for r in rows]

    def endpoint_secrets(self, url: str) -> list[str]:
        row = self.conn.execute("SELECT secrets FROM webhook_endpoints WHERE url=?", (url,)).fetchone()
        return list(orjson.loads(row[0])) if row else []

    # -- audit ----------------------------------------------------------------------------
    def _audit(
        self,
        cur: sqlite3.Cursor,
        at: str,
        kind: str,
        cid: str | None,
        alert_id: int | None,
        input_: dict[str, Any] | None,
        versions: dict[str, int],
        algorithm: str | None,
        results: list[dict[str, Any]],
        *,
        decision: str | None = None,
        reviewer: str | None = None,
        reason: str | None = None,
    ) -> None:
        cur.execute(
            "INSERT INTO monitor_audit (at, kind, counterparty_id, alert_id, input, versions, algorithm,"
            " results, decision, reviewer, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (at, kind, cid, alert_id, _json(input_) if input_ is not None else None, _json(versions),
             algorithm, _json(results), decision, reviewer, reason),
        )  # fmt: skip

    def audit(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        counterparty_id: str | None = None,
        alert_id: int | None = None,
        kind: str | None = None,
    ) -> Iterator[AuditRecord]:
        conds, args = [], []
        for cond, value in (
            ("at>=?", since),
            ("at<?", _day_after(until) if until else None),
            ("counterparty_id=?", counterparty_id),
            ("alert_id=?", alert_id),
            ("kind=?", kind),
        ):
            if value is not None:
                conds.append(cond)
                args.append(value)
        where = " WHERE " + " AND ".join(conds) if conds else ""
        rows = self.conn.execute(
            "SELECT seq, at, kind, counterparty_id, alert_id, input, versions, algorithm, results, decision,"
            f" reviewer, reason FROM monitor_audit{where} ORDER BY seq",
            args,
        )
        for r in rows:
            yield AuditRecord(
                r[0], r[1], r[2], r[3], r[4], orjson.loads(r[5]) if r[5] else None, orjson.loads(r[6]),
                r[7], orjson.loads(r[8]), r[9], r[10], r[11],
            )  # fmt: skip


def _day_after(day: str) -> str:
    """``until`` is inclusive of its whole day: records before the next day's start."""
    try:
        return (date.fromisoformat(day[:10]) + timedelta(days=1)).isoformat()
    except ValueError:
        raise MonitorError(f"--until {day!r} is not a date (YYYY-MM-DD)") from None
