"""API keys and the audit log, in the store's SQLite file (own tables, own connection).

A key is ``emb_<id>_<secret>``; only a salted SHA-256 of the secret is kept, so a key is shown once,
when it is created. The audit log is append-only: SQLite triggers refuse UPDATE and DELETE. Audit rows
are queued and written by one thread per process, several per transaction, so requests never wait on
SQLite's write lock (shared by every worker process); ``flush()`` waits until the queue is written.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import queue
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from embargo.errors import StoreError

SCOPES = ("screen", "admin")
PREFIX = "emb"

_DDL = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    label TEXT,
    scope TEXT NOT NULL CHECK (scope IN ('screen', 'admin')),
    salt TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    status INTEGER NOT NULL,
    query TEXT,
    versions TEXT,
    scores TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;
"""


@dataclass(frozen=True)
class ApiKey:
    id: str
    label: str | None
    scope: str
    created_at: str
    revoked_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "scope": self.scope,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


class KeyStore:
    """Keys and audit rows; safe to share between threads (one connection behind a lock)."""

    def __init__(self, db: Path | str) -> None:
        self.path = str(db)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._writer: threading.Thread | None = None
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA busy_timeout=30000")
            self.conn.executescript(_DDL)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the key and audit tables ({exc})") from exc

    def close(self) -> None:
        self.flush()
        self.conn.close()

    # -- keys ------------------------------------------------------------------------------
    def create(self, scope: str, label: str | None = None) -> tuple[ApiKey, str]:
        """A new key and its secret form (shown once; only its salted hash is stored)."""
        if scope not in SCOPES:
            raise StoreError(f"unknown scope {scope!r} (use {' or '.join(SCOPES)})")
        key_id = secrets.token_hex(4)
        secret = secrets.token_urlsafe(24)
        salt = secrets.token_hex(16)
        created = _now()
        with self._lock:
            self.conn.execute(
                "INSERT INTO api_keys (id, label, scope, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, label, scope, salt, _digest(salt, secret), created),
            )
        return ApiKey(key_id, label, scope, created, None), f"{PREFIX}_{key_id}_{secret}"

    def list_keys(self) -> list[ApiKey]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT id, label, scope, created_at, revoked_at FROM api_keys ORDER BY created_at"
            ).fetchall()
        return [ApiKey(*r) for r in rows]

    def revoke(self, key_id: str) -> ApiKey:
        with self._lock:
            cur = self.conn.execute(
                "UPDATE api_keys SET revoked_at=? WHERE id=? AND revoked_at IS NULL", (_now(), key_id)
            )
            if cur.rowcount == 0:
                known = self.conn.execute("SELECT 1 FROM api_keys WHERE id=?", (key_id,)).fetchone()
                if not known:
                    raise StoreError(f"no API key with id {key_id!r} (see `embargo keys list`)")
            row = self.conn.execute(
                "SELECT id, label, scope, created_at, revoked_at FROM api_keys WHERE id=?", (key_id,)
            ).fetchone()
        return ApiKey(*row)

    def any_keys(self) -> bool:
        """True once any key was ever created (revoking every key does not open the API again)."""
        with self._lock:
            return self.conn.execute("SELECT 1 FROM api_keys LIMIT 1").fetchone() is not None

    def verify(self, presented: str) -> ApiKey | None:
        """The key a presented string stands for, if it is valid and not revoked."""
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        _, key_id, secret = parts
        with self._lock:
            row = self.conn.execute(
                "SELECT id, label, scope, created_at, revoked_at, salt, hash FROM api_keys WHERE id=?",
                (key_id,),
            ).fetchone()
        if row is None or row[4] is not None:
            return None
        if not hmac.compare_digest(_digest(row[5], secret), row[6]):
            return None
        return ApiKey(*row[:5])

    # -- audit -----------------------------------------------------------------------------
    def audit(
        self,
        *,
        key_id: str | None,
        method: str,
        route: str,
        status: int,
        query: Any = None,
        versions: Any = None,
        scores: Any = None,
    ) -> None:
        def js(v: Any) -> str | None:
            return orjson.dumps(v).decode() if v is not None else None

        row = (_now(), key_id, method, route, status, js(query), js(versions), js(scores))
        if self._writer is None:
            with self._lock:
                if self._writer is None:
                    self._writer = threading.Thread(
                        target=self._write_audit, name="embargo-audit", daemon=True
                    )
                    self._writer.start()
        self._queue.put(row)

    def flush(self) -> None:
        """Wait until every queued audit row is written."""
        if self._writer is not None:
            self._queue.join()

    def _write_audit(self) -> None:
        # its own connection: waiting for SQLite's write lock must not hold up key checks
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        while True:
            rows = [self._queue.get()]
            while True:
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany(
                        "INSERT INTO audit_log (at, key_id, method, route, status, query, versions, scores) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            except Exception:
                logging.getLogger("embargo.api").exception("audit log: %d rows not written", len(rows))
            finally:
                for _ in rows:
                    self._queue.task_done()

    def audit_rows(self, since: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        self.flush()
        sql = "SELECT seq, at, key_id, method, route, status, query, versions, scores FROM audit_log"
        args: list[Any] = []
        if since:
            sql += " WHERE at >= ?"
            args.append(since)
        sql += " ORDER BY seq"
        if limit:
            sql += " LIMIT ?"
            args.append(limit)
        with self._lock:
            rows = self.conn.execute(sql, args).fetchall()
        out = []
        for seq, at, key_id, method, route, status, query, versions, scores in rows:
            out.append(
                {
                    "seq": seq,
                    "at": at,
                    "key_id": key_id,
                    "method": method,
                    "route": route,
                    "status": status,
                    "query": orjson.loads(query) if query else None,
                    "versions": orjson.loads(versions) if versions else None,
                    "scores": orjson.loads(scores) if scores else None,
                }
            )
        return out
