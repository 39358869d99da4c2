"""The webhook outbox and the audit trail of the SQL monitoring store (a part of
:class:`~embargo.store.sql.monitor.SQLMonitorStore`, kept apart for size): endpoints and their secrets,
the deliveries a dispatcher drains, and the append-only trail with its filtered reading."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

from embargo.store.monitor import AuditRecord, Delivery, MonitorError, Outgoing
from embargo.store.sql.db import Db

# writers of the outbox's delivery states take turns under this lock; alerts (and the events and
# deliveries they queue) under the store's own, so a slow dispatcher never waits on a monitoring run
WEBHOOKS = "monitor:webhooks"
PAGE = 10_000  # rows read at a time from a table that may be large (the portfolio, the trail)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def as_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _delivery(r: tuple[Any, ...]) -> Delivery:
    return Delivery(int(r[0]), r[1], r[2], bytes(r[3]), int(r[4]), r[5], float(r[6]), r[7])


class OutboxAndTrail:
    """Webhook endpoints, deliveries and the audit trail over ``db``."""

    db: Db

    # -- webhooks -------------------------------------------------------------------------
    def add_endpoint(self, url: str, secrets: Iterable[str]) -> int:
        keys = [s for s in secrets if s]
        if not url.startswith(("http://", "https://")) or not keys:
            raise MonitorError(f"a webhook needs an http(s) URL and a secret (got {url!r})")
        with self.db.write(WEBHOOKS):
            row = self.db.execute(
                "INSERT INTO webhook_endpoints (url, secrets) VALUES (?,?) RETURNING id", (url, as_json(keys))
            ).fetchone()
        return int(row[0])

    def set_secrets(self, endpoint_id: int, secrets: Iterable[str]) -> None:
        keys = [s for s in secrets if s]
        if not keys:
            raise MonitorError("a webhook needs at least one secret")
        with self.db.write(WEBHOOKS):
            n = self.db.execute(
                "UPDATE webhook_endpoints SET secrets=? WHERE id=?", (as_json(keys), endpoint_id)
            ).rowcount
            if not n:
                raise MonitorError(f"no webhook endpoint {endpoint_id}")

    def endpoints(self) -> list[dict[str, Any]]:
        rows = self.db.all("SELECT id, url, secrets, active FROM webhook_endpoints ORDER BY id")
        return [
            {"id": int(i), "url": u, "secrets": orjson.loads(s), "active": bool(a)} for i, u, s, a in rows
        ]

    def _enqueue(self, out: Outgoing, at: str) -> None:
        """Queue an event for every active endpoint (inside the caller's transaction)."""
        self.db.execute(
            "INSERT INTO outbox (event_id, type, body, created_at) VALUES (?,?,?,?)"
            " ON CONFLICT (event_id) DO NOTHING",
            (out.id, out.type, out.body(), at),
        )
        self.db.execute(
            "INSERT INTO deliveries (event_id, endpoint_id, next_at, state)"
            " SELECT ?, id, 0, 'pending' FROM webhook_endpoints WHERE active=1"
            " ON CONFLICT (event_id, endpoint_id) DO NOTHING",
            (out.id,),
        )

    _DELIVERY = (
        "SELECT d.id, d.event_id, e.url, o.body, d.attempts, d.state, d.next_at, d.last_error"
        " FROM deliveries d JOIN outbox o ON o.event_id=d.event_id JOIN webhook_endpoints e ON e.id=d.endpoint_id"
    )

    def due(self, now_ts: float, limit: int = 50) -> list[Delivery]:
        rows = self.db.all(
            f"{self._DELIVERY} WHERE d.state='pending' AND d.next_at<=? ORDER BY d.id LIMIT ?",
            (now_ts, limit),
        )
        return [_delivery(r) for r in rows]

    def delivered(self, delivery_id: int) -> None:
        with self.db.write(WEBHOOKS):
            self.db.execute(
                "UPDATE deliveries SET state='delivered', attempts=attempts+1, last_error=NULL WHERE id=?",
                (delivery_id,),
            )

    def failed(self, delivery_id: int, error: str, next_at: float | None) -> None:
        with self.db.write(WEBHOOKS):
            self.db.execute(
                "UPDATE deliveries SET attempts=attempts+1, last_error=?, state=?, next_at=? WHERE id=?",
                (error[:500], "dead" if next_at is None else "pending", next_at or 0, delivery_id),
            )

    def deliveries(self, state: str | None = None) -> list[Delivery]:
        where, args = (" WHERE d.state=?", (state,)) if state else ("", ())
        return [_delivery(r) for r in self.db.all(f"{self._DELIVERY}{where} ORDER BY d.id", args)]

    def delivery_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("pending", "retrying", "delivered", "dead"), 0)
        rows = self.db.all(
            "SELECT state, CASE WHEN attempts > 0 THEN 1 ELSE 0 END, COUNT(*) FROM deliveries GROUP BY 1, 2"
        )
        for state, tried, n in rows:
            key = "retrying" if state == "pending" and tried else state
            counts[key] = counts.get(key, 0) + int(n)
        return counts

    def endpoint_secrets(self, url: str) -> list[str]:
        row = self.db.one("SELECT secrets FROM webhook_endpoints WHERE url=? ORDER BY id", (url,))
        return list(orjson.loads(row[0])) if row else []

    # -- audit ----------------------------------------------------------------------------
    def _audit(
        self,
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
        """Append one record (inside the caller's transaction)."""
        self.db.execute(
            "INSERT INTO monitor_audit (at, kind, counterparty_id, alert_id, input, versions, algorithm,"
            " results, decision, reviewer, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (at, kind, cid, alert_id, as_json(input_) if input_ is not None else None, as_json(versions),
             algorithm, as_json(results), decision, reviewer, reason),
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
        cols = (
            "seq, at, kind, counterparty_id, alert_id, input, versions, algorithm, results, decision,"
            " reviewer, reason"
        )
        for r in self._pages("monitor_audit", cols, conds, args):
            yield AuditRecord(
                int(r[0]), r[1], r[2], r[3], r[4], orjson.loads(r[5]) if r[5] else None, orjson.loads(r[6]),
                r[7], orjson.loads(r[8]), r[9], r[10], r[11],
            )  # fmt: skip

    def _pages(self, table: str, cols: str, conds: list[str], args: list[Any]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``table`` in the order of its key (the first of ``cols``), read a page at a time, so
        a large table is never held whole and no cursor stays open between pages (writes may come between)."""
        key = cols.split(",")[0].strip()
        last: Any = None
        while True:
            where = [*conds, f"{key}>?"] if last is not None else conds
            sql = f"SELECT {cols} FROM {table}" + (" WHERE " + " AND ".join(where) if where else "")
            page = self.db.all(
                f"{sql} ORDER BY {key} LIMIT {PAGE}", [*args, last] if last is not None else args
            )
            yield from page
            if len(page) < PAGE:
                return
            last = page[-1][0]


def _day_after(day: str) -> str:
    """``until`` is inclusive of its whole day: records before the next day's start."""
    try:
        return (date.fromisoformat(day[:10]) + timedelta(days=1)).isoformat()
    except ValueError:
        raise MonitorError(f"--until {day!r} is not a date (YYYY-MM-DD)") from None
