"""SQLite implementation of :class:`~embargo.store.monitor.MonitorStore`, in the store's own file.

Every write is one ``BEGIN IMMEDIATE`` transaction in WAL mode: an alert, its history line, its audit
record and its webhook deliveries are committed together, so ``kill -9`` mid-run leaves each alert
whole or absent. The audit table refuses UPDATE and DELETE (triggers): the trail is append-only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from embargo.store.monitor import (
    CLOSED,
    STATES,
    TRANSITIONS,
    Alert,
    AlertEvent,
    Counterparty,
    Hit,
    MonitorError,
    Outgoing,
    PortfolioChange,
    Screening,
    changed_fields,
    entity_fingerprint,
)
from embargo.store.monitor_trail import OutboxAndTrail, _json, now
from embargo.store.private import make_private

_DDL = """
CREATE TABLE IF NOT EXISTS portfolio (
    id TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS portfolio_history (
    seq INTEGER PRIMARY KEY, counterparty_id TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL,
    data BLOB);
CREATE INDEX IF NOT EXISTS portfolio_history_cp ON portfolio_history (counterparty_id, seq);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    counterparty_id TEXT NOT NULL, entity_id TEXT NOT NULL, source TEXT NOT NULL, caption TEXT NOT NULL,
    state TEXT NOT NULL, score REAL NOT NULL, explanation BLOB NOT NULL, version_id INTEGER NOT NULL,
    algorithm TEXT NOT NULL, raised_at TEXT NOT NULL, updated_at TEXT NOT NULL, reason TEXT NOT NULL,
    delisted_version_id INTEGER, proposed_state TEXT, proposed_by TEXT,
    cp_fp BLOB NOT NULL, entity_fp BLOB NOT NULL,
    UNIQUE (counterparty_id, entity_id));
CREATE INDEX IF NOT EXISTS alerts_state ON alerts (state, id);
CREATE INDEX IF NOT EXISTS alerts_entity ON alerts (entity_id);
CREATE TABLE IF NOT EXISTS alert_events (
    seq INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL REFERENCES alerts(id), at TEXT NOT NULL,
    actor TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT, to_state TEXT, reason TEXT NOT NULL,
    data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS alert_events_alert ON alert_events (alert_id, seq);
CREATE TABLE IF NOT EXISTS monitor_cursor (source TEXT PRIMARY KEY, version_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS monitor_runs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, source TEXT, version_id INTEGER, started_at TEXT NOT NULL,
    finished_at TEXT, alerts INTEGER, screened INTEGER);
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, secrets BLOB NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS outbox (
    event_id TEXT PRIMARY KEY, type TEXT NOT NULL, body BLOB NOT NULL, created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, event_id TEXT NOT NULL REFERENCES outbox(event_id),
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id), attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL, state TEXT NOT NULL, last_error TEXT, UNIQUE (event_id, endpoint_id));
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
CREATE TABLE IF NOT EXISTS monitor_audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, counterparty_id TEXT, alert_id INTEGER,
    input BLOB, versions BLOB NOT NULL, algorithm TEXT, results BLOB NOT NULL, decision TEXT,
    reviewer TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS monitor_audit_at ON monitor_audit (at);
CREATE TRIGGER IF NOT EXISTS monitor_audit_no_update BEFORE UPDATE ON monitor_audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS monitor_audit_no_delete BEFORE DELETE ON monitor_audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
_ALERT_COLS = (
    "id, counterparty_id, entity_id, source, caption, state, score, explanation, version_id, algorithm,"
    " raised_at, updated_at, reason, delisted_version_id, proposed_state, proposed_by"
)
SYSTEM = "monitor"


def _alert(row: tuple[Any, ...]) -> Alert:
    (aid, cid, eid, source, caption, state, score, expl, vid, algo, raised, updated, reason, dl, ps, pb) = row
    return Alert(
        int(aid), cid, eid, source, caption, state, float(score), tuple(orjson.loads(expl)), int(vid), algo,
        raised, updated, reason, dl, ps, pb,
    )  # fmt: skip


class SQLiteMonitorStore(OutboxAndTrail):
    """Monitoring records in a SQLite file (usually the list store's own) or an open connection."""

    def __init__(self, path: Path | str | sqlite3.Connection) -> None:
        if isinstance(path, sqlite3.Connection):
            self.conn, self.path, self._own = path, "(connection)", False
        else:
            self.path, self._own = str(path), True
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                make_private(self.path)
            try:
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.execute("PRAGMA busy_timeout=30000")
            except sqlite3.DatabaseError as exc:
                raise MonitorError(f"{self.path}: not an embargo store ({exc})") from exc
        try:
            self.conn.executescript(_DDL)
        except sqlite3.DatabaseError as exc:
            raise MonitorError(f"{self.path}: cannot keep monitoring records here ({exc})") from exc

    def close(self) -> None:
        if self._own:
            self.conn.close()

    # -- portfolio ------------------------------------------------------------------------
    def upsert(self, parties: Iterable[Counterparty]) -> list[Counterparty]:
        at, changed = now(), []
        with self._tx() as cur:
            for cp in parties:
                data = _json(cp.to_dict())
                row = cur.execute("SELECT data FROM portfolio WHERE id=?", (cp.id,)).fetchone()
                if row is not None and bytes(row[0]) == data:
                    continue
                cur.execute("INSERT OR REPLACE INTO portfolio VALUES (?,?,?)", (cp.id, data, at))
                action = "added" if row is None else "changed"
                cur.execute(
                    "INSERT INTO portfolio_history (counterparty_id, at, action, data) VALUES (?,?,?,?)",
                    (cp.id, at, action, data),
                )
                changed.append(cp)
        return changed

    def remove(self, ids: Iterable[str]) -> int:
        at, n = now(), 0
        with self._tx() as cur:
            for cid in ids:
                if cur.execute("DELETE FROM portfolio WHERE id=?", (cid,)).rowcount:
                    n += 1
                    cur.execute(
                        "INSERT INTO portfolio_history (counterparty_id, at, action) VALUES (?,?,'removed')",
                        (cid, at),
                    )
        return n

    def counterparty(self, cid: str) -> Counterparty | None:
        row = self.conn.execute("SELECT data FROM portfolio WHERE id=?", (cid,)).fetchone()
        return Counterparty.from_dict(orjson.loads(row[0])) if row else None

    def portfolio(self) -> Iterator[Counterparty]:
        for (data,) in self.conn.execute("SELECT data FROM portfolio ORDER BY id"):
            yield Counterparty.from_dict(orjson.loads(data))

    def portfolio_size(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM portfolio").fetchone()[0])

    def portfolio_revision(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(seq), 0) FROM portfolio_history").fetchone()[0])

    def portfolio_history(self, cid: str) -> list[PortfolioChange]:
        rows = self.conn.execute(
            "SELECT seq, counterparty_id, at, action, data FROM portfolio_history"
            " WHERE counterparty_id=? ORDER BY seq",
            (cid,),
        )
        return [PortfolioChange(s, c, a, act, orjson.loads(d) if d else None) for s, c, a, act, d in rows]

    # -- alerts ---------------------------------------------------------------------------
    def record(self, hits: Iterable[Hit], screenings: Iterable[Screening], *, actor: str) -> list[Alert]:
        raised: list[int] = []
        with self._tx() as cur:
            at = now()
            for s in screenings:
                self._audit(
                    cur, at, "screening", s.counterparty.id, None, s.counterparty.to_dict(),
                    dict(s.versions), s.algorithm, s.results,
                )  # fmt: skip
            for hit in hits:
                aid = self._hit(cur, at, hit, actor)
                if aid is not None:
                    raised.append(aid)
        return [self.alert(a) for a in raised]

    def _hit(self, cur: sqlite3.Cursor, at: str, hit: Hit, actor: str) -> int | None:
        """Write one hit; the alert's id when it is raised or re-raised, None when it stays quiet."""
        cp_fp, ent_fp = hit.counterparty.fingerprint(), entity_fingerprint(hit.entity)
        row = cur.execute(
            "SELECT id, state, cp_fp, entity_fp, delisted_version_id FROM alerts"
            " WHERE counterparty_id=? AND entity_id=?",
            (hit.counterparty.id, hit.entity.id),
        ).fetchone()
        values = (hit.score, _json(list(hit.explanation)), hit.version_id, hit.algorithm, at)
        fps = (_json(cp_fp), _json(ent_fp))
        if row is None:
            aid = cur.execute(
                "INSERT INTO alerts (counterparty_id, entity_id, source, caption, state, score, explanation,"
                " version_id, algorithm, raised_at, updated_at, reason, cp_fp, entity_fp)"
                " VALUES (?,?,?,?,'open',?,?,?,?,?,?,'new',?,?)",
                (hit.counterparty.id, hit.entity.id, hit.entity.source, hit.entity.caption,
                 *values, at, *fps),
            ).lastrowid  # fmt: skip
            assert aid is not None
            self._event(cur, aid, at, actor, "raised", None, "open", "new", self._hit_data(hit))
            return aid
        aid, state, old_cp, old_ent, delisted = row
        changes = changed_fields(orjson.loads(old_cp), cp_fp, "counterparty")
        changes += changed_fields(orjson.loads(old_ent), ent_fp, "entity")
        if state == "false_positive" and changes:
            reason = "re-raised: " + ", ".join(changes) + " changed"
            cur.execute(
                "UPDATE alerts SET state='open', score=?, explanation=?, version_id=?, algorithm=?,"
                " updated_at=?, reason=?, cp_fp=?, entity_fp=?, delisted_version_id=NULL,"
                " proposed_state=NULL, proposed_by=NULL WHERE id=?",
                (*values, reason, *fps, aid),
            )
            data = {**self._hit_data(hit), "changed": changes}
            self._event(cur, aid, at, actor, "re-raised", state, "open", reason, data)
            return int(aid)
        if delisted is not None:  # listed again after a delisting
            cur.execute(
                "UPDATE alerts SET delisted_version_id=NULL, version_id=?, updated_at=? WHERE id=?",
                (hit.version_id, at, aid),
            )
            self._event(cur, aid, at, actor, "relisted", state, state, "listed again", self._hit_data(hit))
            return int(aid)
        if changes and state != "false_positive":
            # an undecided case follows the latest data of both sides; the version that raised it stays
            cur.execute(
                "UPDATE alerts SET score=?, explanation=?, algorithm=?, updated_at=?, cp_fp=?, entity_fp=?"
                " WHERE id=?",
                (hit.score, _json(list(hit.explanation)), hit.algorithm, at, *fps, aid),
            )
            reason = ", ".join(changes) + " changed"
            self._event(cur, aid, at, actor, "updated", state, state, reason, self._hit_data(hit))
        return None

    @staticmethod
    def _hit_data(hit: Hit) -> dict[str, Any]:
        return {"score": round(hit.score, 4), "version_id": hit.version_id, "algorithm": hit.algorithm}

    def _event(
        self,
        cur: sqlite3.Cursor,
        aid: int,
        at: str,
        actor: str,
        action: str,
        from_state: str | None,
        to_state: str | None,
        reason: str,
        data: dict[str, Any],
    ) -> int:
        """One history line; raising, re-raising, delisting and deciding are also notified (webhooks)."""
        seq = cur.execute(
            "INSERT INTO alert_events (alert_id, at, actor, action, from_state, to_state, reason, data)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (aid, at, actor, action, from_state, to_state, reason, _json(data)),
        ).lastrowid
        assert seq is not None
        if action in ("raised", "re-raised", "relisted", "delisted", "transition"):
            alert = _alert(cur.execute(f"SELECT {_ALERT_COLS} FROM alerts WHERE id=?", (aid,)).fetchone())
            payload = {**alert.to_dict(), "event": action, "reason": reason, "actor": actor, **data}
            self._enqueue(cur, Outgoing(f"evt_{seq}", f"alert.{action}", payload), at)
        return seq

    def delist(self, entity_ids: Iterable[str], version_id: int) -> list[Alert]:
        out: list[int] = []
        with self._tx() as cur:
            at = now()
            for eid in entity_ids:
                rows = cur.execute(
                    "SELECT id, state FROM alerts WHERE entity_id=? AND delisted_version_id IS NULL", (eid,)
                ).fetchall()
                for aid, state in rows:
                    cur.execute(
                        "UPDATE alerts SET delisted_version_id=?, updated_at=? WHERE id=?",
                        (version_id, at, aid),
                    )
                    reason = f"the listed entity was removed from its list (version {version_id})"
                    self._event(
                        cur, aid, at, SYSTEM, "delisted", state, state, reason, {"version_id": version_id}
                    )
                    out.append(int(aid))
        return [self.alert(a) for a in out]

    def alert(self, alert_id: int) -> Alert:
        row = self.conn.execute(f"SELECT {_ALERT_COLS} FROM alerts WHERE id=?", (alert_id,)).fetchone()
        if row is None:
            raise MonitorError(f"no alert {alert_id}")
        return _alert(row)

    def alerts(
        self,
        *,
        state: str | None = None,
        counterparty_id: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Alert]:
        where, args = self._filter(state, counterparty_id)
        rows = self.conn.execute(
            f"SELECT {_ALERT_COLS} FROM alerts{where} ORDER BY id LIMIT ? OFFSET ?", (*args, limit, offset)
        )
        return [_alert(r) for r in rows]

    @staticmethod
    def _filter(state: str | None, counterparty_id: str | None) -> tuple[str, list[Any]]:
        if state is not None and state not in STATES:
            raise MonitorError(f"unknown alert state {state!r} (states: {', '.join(STATES)})")
        conds, args = [], []
        for col, value in (("state", state), ("counterparty_id", counterparty_id)):
            if value is not None:
                conds.append(f"{col}=?")
                args.append(value)
        return (" WHERE " + " AND ".join(conds) if conds else ""), args

    def counts(self) -> dict[str, int]:
        got = dict(self.conn.execute("SELECT state, count(*) FROM alerts GROUP BY state").fetchall())
        return {s: int(got.get(s, 0)) for s in STATES}

    def transition(
        self, alert_id: int, to_state: str, *, actor: str, reason: str, four_eyes: bool = False
    ) -> Alert:
        if to_state not in STATES:
            raise MonitorError(f"unknown alert state {to_state!r} (states: {', '.join(STATES)})")
        if not reason.strip():
            raise MonitorError("a decision needs a reason")
        with self._tx() as cur:
            row = cur.execute(f"SELECT {_ALERT_COLS} FROM alerts WHERE id=?", (alert_id,)).fetchone()
            if row is None:
                raise MonitorError(f"no alert {alert_id}")
            a, at = _alert(row), now()
            if to_state not in TRANSITIONS[a.state]:
                raise MonitorError(f"alert {alert_id} is {a.state}: it cannot move to {to_state}")
            if four_eyes and to_state in CLOSED and a.proposed_state != to_state:
                cur.execute(
                    "UPDATE alerts SET proposed_state=?, proposed_by=?, updated_at=? WHERE id=?",
                    (to_state, actor, at, alert_id),
                )
                self._event(cur, alert_id, at, actor, "proposed", a.state, to_state, reason, {})
            else:
                if four_eyes and to_state in CLOSED and a.proposed_by == actor:
                    raise MonitorError(
                        f"alert {alert_id}: {actor} proposed this closure; a second reviewer must confirm it"
                    )
                cur.execute(
                    "UPDATE alerts SET state=?, proposed_state=NULL, proposed_by=NULL, updated_at=? WHERE id=?",
                    (to_state, at, alert_id),
                )
                data = {"confirms": a.proposed_by} if a.proposed_by else {}
                self._event(cur, alert_id, at, actor, "transition", a.state, to_state, reason, data)
            self._audit(
                cur, at, "decision", a.counterparty_id, alert_id, None, {a.source: a.version_id}, a.algorithm,
                [{"entity_id": a.entity_id, "score": round(a.score, 4), "explanation": list(a.explanation)}],
                decision=to_state, reviewer=actor, reason=reason,
            )  # fmt: skip
        return self.alert(alert_id)

    def comment(self, alert_id: int, *, actor: str, text: str) -> AlertEvent:
        if not text.strip():
            raise MonitorError("an empty comment")
        with self._tx() as cur:
            if cur.execute("SELECT 1 FROM alerts WHERE id=?", (alert_id,)).fetchone() is None:
                raise MonitorError(f"no alert {alert_id}")
            seq = self._event(cur, alert_id, now(), actor, "comment", None, None, text, {})
        return next(e for e in self.events(alert_id) if e.seq == seq)

    def events(self, alert_id: int) -> list[AlertEvent]:
        rows = self.conn.execute(
            "SELECT seq, alert_id, at, actor, action, from_state, to_state, reason, data FROM alert_events"
            " WHERE alert_id=? ORDER BY seq",
            (alert_id,),
        )
        return [AlertEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], orjson.loads(r[8])) for r in rows]

    # -- runs -----------------------------------------------------------------------------
    def cursor(self, source: str) -> int | None:
        row = self.conn.execute("SELECT version_id FROM monitor_cursor WHERE source=?", (source,)).fetchone()
        return int(row[0]) if row else None

    def begin_run(self, kind: str, source: str | None, version_id: int | None) -> int:
        with self._tx() as cur:
            rid = cur.execute(
                "INSERT INTO monitor_runs (kind, source, version_id, started_at) VALUES (?,?,?,?)",
                (kind, source, version_id, now()),
            ).lastrowid
        assert rid is not None
        return rid

    def finish_run(self, run_id: int, *, alerts: int, screened: int) -> None:
        """Close a run; a delta run moves its source's cursor to its version in the same transaction."""
        with self._tx() as cur:
            row = cur.execute(
                "SELECT kind, source, version_id FROM monitor_runs WHERE id=?", (run_id,)
            ).fetchone()
            cur.execute(
                "UPDATE monitor_runs SET finished_at=?, alerts=?, screened=? WHERE id=?",
                (now(), alerts, screened, run_id),
            )
            if row and row[0] == "delta":
                cur.execute("INSERT OR REPLACE INTO monitor_cursor VALUES (?,?)", (row[1], row[2]))

    def unfinished_runs(self) -> list[dict[str, Any]]:
        return [r for r in self.runs(1_000_000) if r["finished_at"] is None]

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        cols = ("id", "kind", "source", "version_id", "started_at", "finished_at", "alerts", "screened")
        rows = self.conn.execute(
            f"SELECT {', '.join(cols)} FROM monitor_runs ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]
