"""Continuous monitoring's records in SQL (the :class:`~embargo.store.monitor.MonitorStore` protocol), on
SQLite and PostgreSQL alike; the tables are migration 5 of :mod:`embargo.store.sql.schema`.

Every write is one transaction: an alert, its history line, its audit record and its webhook deliveries
are committed together, so ``kill -9`` mid-run leaves each alert whole or absent. Writers of alerts take
turns under one lock (``Db.write``: SQLite's file lock, a PostgreSQL advisory lock), and the table holds
one alert per counterparty x entity (a unique constraint the insert defers to): two monitoring runs at
once, in two processes, never raise the same alert twice. The audit table refuses UPDATE and DELETE
(triggers): the trail is append-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
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
from embargo.store.sql.db import Db
from embargo.store.sql.monitor_trail import OutboxAndTrail, as_json, now

LOCK = "monitor"  # the write lock of the portfolio, alerts and runs
CHUNK = 500  # counterparties looked up in one query when upserting
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


class SQLMonitorStore(OutboxAndTrail):
    """Monitoring records over one connection (``db``): the store's own (see ``SQLStore.monitor``), which
    closes it; threads share it behind its lock."""

    def __init__(self, db: Db) -> None:
        self.db = db

    def close(self) -> None:
        """Nothing to do: the connection is the store's and closes with it."""

    # -- portfolio ------------------------------------------------------------------------
    def upsert(self, parties: Iterable[Counterparty]) -> list[Counterparty]:
        at, changed = now(), []
        with self.db.write(LOCK):
            todo = iter(parties)
            while chunk := list(islice(todo, CHUNK)):
                latest = {cp.id: cp for cp in chunk}  # an id given twice: its last record counts
                marks = ",".join("?" * len(latest))
                stored = dict(
                    self.db.execute(f"SELECT id, data FROM portfolio WHERE id IN ({marks})", list(latest))
                )
                rows = []
                for cp in latest.values():
                    data = as_json(cp.to_dict())
                    before = stored.get(cp.id)
                    if before is None or bytes(before) != data:
                        rows.append((cp.id, data, "added" if before is None else "changed"))
                        changed.append(cp)
                self.db.executemany(
                    "INSERT INTO portfolio (id, data, updated_at) VALUES (?,?,?)"
                    " ON CONFLICT (id) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at",
                    [(cid, data, at) for cid, data, _ in rows],
                )
                self.db.executemany(
                    "INSERT INTO portfolio_history (counterparty_id, at, action, data) VALUES (?,?,?,?)",
                    [(cid, at, action, data) for cid, data, action in rows],
                )
        return changed

    def remove(self, ids: Iterable[str]) -> int:
        at, n = now(), 0
        with self.db.write(LOCK):
            for cid in ids:
                if self.db.execute("DELETE FROM portfolio WHERE id=?", (cid,)).rowcount:
                    n += 1
                    self.db.execute(
                        "INSERT INTO portfolio_history (counterparty_id, at, action) VALUES (?,?,'removed')",
                        (cid, at),
                    )
        return n

    def counterparty(self, cid: str) -> Counterparty | None:
        row = self.db.one("SELECT data FROM portfolio WHERE id=?", (cid,))
        return Counterparty.from_dict(orjson.loads(row[0])) if row else None

    def portfolio(self) -> Iterator[Counterparty]:
        for _, data in self._pages("portfolio", "id, data", [], []):
            yield Counterparty.from_dict(orjson.loads(data))

    def portfolio_size(self) -> int:
        return int(self.db.one("SELECT count(*) FROM portfolio")[0])

    def portfolio_revision(self) -> int:
        return int(self.db.one("SELECT coalesce(max(seq), 0) FROM portfolio_history")[0])

    def portfolio_history(self, cid: str) -> list[PortfolioChange]:
        rows = self.db.all(
            "SELECT seq, counterparty_id, at, action, data FROM portfolio_history"
            " WHERE counterparty_id=? ORDER BY seq",
            (cid,),
        )
        return [
            PortfolioChange(int(s), c, a, act, orjson.loads(d) if d else None) for s, c, a, act, d in rows
        ]

    # -- alerts ---------------------------------------------------------------------------
    def record(self, hits: Iterable[Hit], screenings: Iterable[Screening], *, actor: str) -> list[Alert]:
        raised: list[int] = []
        with self.db.write(LOCK):
            at = now()
            for s in screenings:
                self._audit(
                    at, "screening", s.counterparty.id, None, s.counterparty.to_dict(),
                    dict(s.versions), s.algorithm, s.results,
                )  # fmt: skip
            for hit in hits:
                aid = self._hit(at, hit, actor)
                if aid is not None:
                    raised.append(aid)
        return [self.alert(a) for a in raised]

    def _hit(self, at: str, hit: Hit, actor: str) -> int | None:
        """Write one hit; the alert's id when it is raised or re-raised, None when it stays quiet."""
        cp_fp, ent_fp = hit.counterparty.fingerprint(), entity_fingerprint(hit.entity)
        pair = (hit.counterparty.id, hit.entity.id)
        row = self._pair(pair)
        values = (hit.score, as_json(list(hit.explanation)), hit.version_id, hit.algorithm, at)
        fps = (as_json(cp_fp), as_json(ent_fp))
        if row is None:
            new = self.db.execute(
                "INSERT INTO alerts (counterparty_id, entity_id, source, caption, state, score, explanation,"
                " version_id, algorithm, raised_at, updated_at, reason, cp_fp, entity_fp)"
                " VALUES (?,?,?,?,'open',?,?,?,?,?,?,'new',?,?)"
                " ON CONFLICT (counterparty_id, entity_id) DO NOTHING RETURNING id",
                (*pair, hit.entity.source, hit.entity.caption, *values, at, *fps),
            ).fetchone()
            if new is not None:
                self._event(int(new[0]), at, actor, "raised", None, "open", "new", self._hit_data(hit))
                return int(new[0])
            row = self._pair(pair)  # raised meanwhile by a writer that does not take the lock
            assert row is not None
        aid, state, old_cp, old_ent, delisted = row
        changes = changed_fields(orjson.loads(old_cp), cp_fp, "counterparty")
        changes += changed_fields(orjson.loads(old_ent), ent_fp, "entity")
        if state == "false_positive" and changes:
            reason = "re-raised: " + ", ".join(changes) + " changed"
            self.db.execute(
                "UPDATE alerts SET state='open', score=?, explanation=?, version_id=?, algorithm=?,"
                " updated_at=?, reason=?, cp_fp=?, entity_fp=?, delisted_version_id=NULL,"
                " proposed_state=NULL, proposed_by=NULL WHERE id=?",
                (*values, reason, *fps, aid),
            )
            data = {**self._hit_data(hit), "changed": changes}
            self._event(aid, at, actor, "re-raised", state, "open", reason, data)
            return int(aid)
        if delisted is not None:  # listed again after a delisting
            self.db.execute(
                "UPDATE alerts SET delisted_version_id=NULL, version_id=?, updated_at=? WHERE id=?",
                (hit.version_id, at, aid),
            )
            self._event(aid, at, actor, "relisted", state, state, "listed again", self._hit_data(hit))
            return int(aid)
        if changes and state != "false_positive":
            # an undecided case follows the latest data of both sides; the version that raised it stays
            self.db.execute(
                "UPDATE alerts SET score=?, explanation=?, algorithm=?, updated_at=?, cp_fp=?, entity_fp=?"
                " WHERE id=?",
                (hit.score, as_json(list(hit.explanation)), hit.algorithm, at, *fps, aid),
            )
            reason = ", ".join(changes) + " changed"
            self._event(aid, at, actor, "updated", state, state, reason, self._hit_data(hit))
        return None

    def _pair(self, pair: tuple[str, str]) -> Any:
        return self.db.one(
            "SELECT id, state, cp_fp, entity_fp, delisted_version_id FROM alerts"
            " WHERE counterparty_id=? AND entity_id=?",
            pair,
        )

    @staticmethod
    def _hit_data(hit: Hit) -> dict[str, Any]:
        return {"score": round(hit.score, 4), "version_id": hit.version_id, "algorithm": hit.algorithm}

    def _event(
        self,
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
        seq = int(
            self.db.execute(
                "INSERT INTO alert_events (alert_id, at, actor, action, from_state, to_state, reason, data)"
                " VALUES (?,?,?,?,?,?,?,?) RETURNING seq",
                (aid, at, actor, action, from_state, to_state, reason, as_json(data)),
            ).fetchone()[0]
        )
        if action in ("raised", "re-raised", "relisted", "delisted", "transition"):
            alert = self.alert(aid)
            payload = {**alert.to_dict(), "event": action, "reason": reason, "actor": actor, **data}
            self._enqueue(Outgoing(f"evt_{seq}", f"alert.{action}", payload), at)
        return seq

    def delist(self, entity_ids: Iterable[str], version_id: int) -> list[Alert]:
        out: list[int] = []
        with self.db.write(LOCK):
            at = now()
            for eid in entity_ids:
                rows = self.db.all(
                    "SELECT id, state FROM alerts WHERE entity_id=? AND delisted_version_id IS NULL", (eid,)
                )
                for aid, state in rows:
                    self.db.execute(
                        "UPDATE alerts SET delisted_version_id=?, updated_at=? WHERE id=?",
                        (version_id, at, aid),
                    )
                    reason = f"the listed entity was removed from its list (version {version_id})"
                    self._event(aid, at, SYSTEM, "delisted", state, state, reason, {"version_id": version_id})
                    out.append(int(aid))
        return [self.alert(a) for a in out]

    def alert(self, alert_id: int) -> Alert:
        row = self.db.one(f"SELECT {_ALERT_COLS} FROM alerts WHERE id=?", (alert_id,))
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
        rows = self.db.all(
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
        got = dict(self.db.all("SELECT state, count(*) FROM alerts GROUP BY state"))
        return {s: int(got.get(s, 0)) for s in STATES}

    def transition(
        self, alert_id: int, to_state: str, *, actor: str, reason: str, four_eyes: bool = False
    ) -> Alert:
        if to_state not in STATES:
            raise MonitorError(f"unknown alert state {to_state!r} (states: {', '.join(STATES)})")
        if not reason.strip():
            raise MonitorError("a decision needs a reason")
        with self.db.write(LOCK):
            a, at = self.alert(alert_id), now()
            if to_state not in TRANSITIONS[a.state]:
                raise MonitorError(f"alert {alert_id} is {a.state}: it cannot move to {to_state}")
            if four_eyes and to_state in CLOSED and a.proposed_state != to_state:
                self.db.execute(
                    "UPDATE alerts SET proposed_state=?, proposed_by=?, updated_at=? WHERE id=?",
                    (to_state, actor, at, alert_id),
                )
                self._event(alert_id, at, actor, "proposed", a.state, to_state, reason, {})
            else:
                if four_eyes and to_state in CLOSED and a.proposed_by == actor:
                    raise MonitorError(
                        f"alert {alert_id}: {actor} proposed this closure; a second reviewer must confirm it"
                    )
                self.db.execute(
                    "UPDATE alerts SET state=?, proposed_state=NULL, proposed_by=NULL, updated_at=? WHERE id=?",
                    (to_state, at, alert_id),
                )
                data = {"confirms": a.proposed_by} if a.proposed_by else {}
                self._event(alert_id, at, actor, "transition", a.state, to_state, reason, data)
            self._audit(
                at, "decision", a.counterparty_id, alert_id, None, {a.source: a.version_id}, a.algorithm,
                [{"entity_id": a.entity_id, "score": round(a.score, 4), "explanation": list(a.explanation)}],
                decision=to_state, reviewer=actor, reason=reason,
            )  # fmt: skip
        return self.alert(alert_id)

    def comment(self, alert_id: int, *, actor: str, text: str) -> AlertEvent:
        if not text.strip():
            raise MonitorError("an empty comment")
        with self.db.write(LOCK):
            if self.db.one("SELECT 1 FROM alerts WHERE id=?", (alert_id,)) is None:
                raise MonitorError(f"no alert {alert_id}")
            seq = self._event(alert_id, now(), actor, "comment", None, None, text, {})
        return next(e for e in self.events(alert_id) if e.seq == seq)

    def events(self, alert_id: int) -> list[AlertEvent]:
        rows = self.db.all(
            "SELECT seq, alert_id, at, actor, action, from_state, to_state, reason, data FROM alert_events"
            " WHERE alert_id=? ORDER BY seq",
            (alert_id,),
        )
        return [
            AlertEvent(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], orjson.loads(r[8]))
            for r in rows
        ]

    # -- runs -----------------------------------------------------------------------------
    def cursor(self, source: str) -> int | None:
        row = self.db.one("SELECT version_id FROM monitor_cursor WHERE source=?", (source,))
        return int(row[0]) if row else None

    def begin_run(self, kind: str, source: str | None, version_id: int | None) -> int:
        with self.db.write(LOCK):
            row = self.db.execute(
                "INSERT INTO monitor_runs (kind, source, version_id, started_at) VALUES (?,?,?,?) RETURNING id",
                (kind, source, version_id, now()),
            ).fetchone()
        return int(row[0])

    def finish_run(self, run_id: int, *, alerts: int, screened: int) -> None:
        """Close a run; a delta run moves its source's cursor to its version in the same transaction."""
        with self.db.write(LOCK):
            row = self.db.one("SELECT kind, source, version_id FROM monitor_runs WHERE id=?", (run_id,))
            self.db.execute(
                "UPDATE monitor_runs SET finished_at=?, alerts=?, screened=? WHERE id=?",
                (now(), alerts, screened, run_id),
            )
            if row and row[0] == "delta":
                self.db.execute(
                    "INSERT INTO monitor_cursor (source, version_id) VALUES (?,?)"
                    " ON CONFLICT (source) DO UPDATE SET version_id=excluded.version_id",
                    (row[1], row[2]),
                )

    def unfinished_runs(self) -> list[dict[str, Any]]:
        return [r for r in self.runs(1_000_000) if r["finished_at"] is None]

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        cols = ("id", "kind", "source", "version_id", "started_at", "finished_at", "alerts", "screened")
        rows = self.db.all(f"SELECT {', '.join(cols)} FROM monitor_runs ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(zip(cols, r, strict=True)) for r in rows]
