"""The audit log: one row per HTTP request, committed to disk before the answer leaves, chained by hashes.

Each row holds the hash of the row before it (``prev_hash``) and its own (``hash``: SHA-256 of the previous
hash and the row's fields), so a row deleted, edited or inserted behind the log's back breaks the chain at
that row, and :func:`verify` names the first broken link. SQLite triggers refuse UPDATE and DELETE as a
first line; the chain is what still tells when someone drops them.

Rows are written by one thread per process, several requests per transaction (a group commit with
``synchronous=FULL``): :meth:`AuditLog.submit` gives a future that resolves with the row's number once its
transaction is committed, or fails when it could not be (disk full, store locked): the caller then must
not hand out the answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import queue
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS = "0" * 64
FIELDS = ("seq", "at", "key_id", "user", "client", "method", "route", "status", "query", "versions", "scores")

DDL = """
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
# columns added after the first release (rows written before them stay unchained, and verify says so)
ADDED = (("user", "TEXT"), ("client", "TEXT"), ("prev_hash", "TEXT"), ("hash", "TEXT"))


def migrate(conn: sqlite3.Connection) -> None:
    conn.executescript(DDL)
    have = {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}
    for name, kind in ADDED:
        if name not in have:
            conn.execute(f"ALTER TABLE audit_log ADD COLUMN {name} {kind}")


@dataclass(frozen=True)
class AuditEntry:
    """What one request asked and got: who (key id, user, client address), the route, the status, and for a
    screening the query, the list versions that answered it and the scores returned."""

    method: str
    route: str
    status: int
    key_id: str | None = None
    user: str | None = None
    client: str | None = None
    query: Any = None
    versions: Any = None
    scores: Any = None


def to_json(value: Any) -> str | None:
    """JSON text of a value; text orjson refuses (a lone surrogate) is written with escapes instead."""
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=True, default=str)


def clean_text(value: str) -> str:
    """A string SQLite can store: lone surrogates become backslash escapes."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def row_hash(prev_hash: str, fields: Sequence[Any]) -> str:
    """The hash of a row: the previous row's hash and this row's fields (``FIELDS``, as stored)."""
    text = json.dumps([prev_hash, *fields], ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _next_seq(conn: sqlite3.Connection) -> tuple[int, str]:
    """The number the next row gets and the hash it links to (never a number used before)."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    counter = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    top = max(last[0] if last else 0, counter[0] if counter else 0)
    return top + 1, (last[1] if last and last[1] else GENESIS)


class AuditLog:
    """Writes audit rows through one thread and one connection of its own (``self.conn``)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA busy_timeout=30000")
        self.conn.execute("PRAGMA synchronous=FULL")  # committed means on disk, not only in the OS cache
        self._queue: queue.Queue[tuple[AuditEntry, Future[int]]] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, entry: AuditEntry) -> Future[int]:
        """Queue a row; the future resolves with its number once committed (or fails with the reason)."""
        if self._writer is None:
            with self._start:
                if self._writer is None:
                    self._writer = threading.Thread(target=self._run, name="embargo-audit", daemon=True)
                    self._writer.start()
        done: Future[int] = Future()
        self._queue.put((entry, done))
        return done

    def write(self, entry: AuditEntry) -> int:
        """Write a row and wait until it is committed."""
        return self.submit(entry).result()

    def flush(self) -> None:
        if self._writer is not None:
            self._queue.join()

    def close(self) -> None:
        self.flush()
        self.conn.close()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                seqs = self._commit([entry for entry, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    done.set_exception(exc)
            else:
                for (_, done), seq in zip(batch, seqs, strict=True):
                    done.set_result(seq)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _commit(self, entries: list[AuditEntry]) -> list[int]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: the chain's head cannot move under us
        try:
            seq, prev = _next_seq(conn)
            seqs = []
            for e in entries:
                fields = (
                    seq,
                    _now(),
                    e.key_id,
                    e.user,
                    e.client,
                    e.method,
                    clean_text(e.route),
                    e.status,
                    to_json(e.query),
                    to_json(e.versions),
                    to_json(e.scores),
                )
                digest = row_hash(prev, fields)
                conn.execute(
                    f"INSERT INTO audit_log ({', '.join(FIELDS)}, prev_hash, hash) "
                    f"VALUES ({', '.join('?' * (len(FIELDS) + 2))})",
                    (*fields, prev, digest),
                )
                seqs.append(seq)
                prev = digest
                seq += 1
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # a failed statement may have rolled back already
                    conn.execute("ROLLBACK")
            raise
        return seqs


def read_rows(
    conn: sqlite3.Connection, since: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Rows oldest first, their JSON columns decoded."""
    sql = f"SELECT {', '.join(FIELDS)} FROM audit_log"
    args: list[Any] = []
    if since:
        sql += " WHERE at >= ?"
        args.append(since)
    sql += " ORDER BY seq"
    if limit:
        sql += " LIMIT ?"
        args.append(limit)
    out = []
    for row in conn.execute(sql, args).fetchall():
        rec = dict(zip(FIELDS, row, strict=True))
        for k in ("query", "versions", "scores"):
            rec[k] = orjson.loads(rec[k]) if rec[k] else None
        out.append(rec)
    return out


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify` found: rows checked, rows from before chaining, the head, the first break."""

    rows: int
    unchained: int
    head_seq: int | None
    head_hash: str | None
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def line(self) -> str:
        if self.problem:
            return f"audit log broken at row {self.broken_at}: {self.problem}"
        old = f"; {self.unchained} rows from before chaining not covered" if self.unchained else ""
        head = f"; head row {self.head_seq} hash {self.head_hash}" if self.head_seq else ""
        return f"audit log intact: {self.rows} rows chained{old}{head}"


def verify(conn: sqlite3.Connection) -> ChainReport:
    """Walk the chain from the first row and report the first row whose link or content does not hold,
    or missing rows (a gap in the numbers, or rows after the last one the counter has seen)."""
    rows = conn.execute(f"SELECT {', '.join(FIELDS)}, prev_hash, hash FROM audit_log ORDER BY seq")
    expected, last_seq, chained, unchained = GENESIS, 0, 0, 0

    def broken(seq: int, why: str) -> ChainReport:
        return ChainReport(chained, unchained, last_seq or None, expected, seq, why)

    for row in rows:
        fields, prev, digest = row[: len(FIELDS)], row[-2], row[-1]
        seq = fields[0]
        if seq != last_seq + 1:
            return broken(seq, f"rows {last_seq + 1} to {seq - 1} are missing (deleted)")
        if digest is None:
            if chained:
                return broken(seq, "the row has no hash (written around the log)")
            unchained += 1
            last_seq = seq
            continue
        if prev != expected:
            what = f"row {last_seq}'s hash" if chained else "the start of the chain"
            return broken(seq, f"its link does not match {what} (a row before it was changed or removed)")
        if row_hash(prev, fields) != digest:
            return broken(seq, "its content does not match its hash (the row was changed)")
        expected, last_seq, chained = digest, seq, chained + 1
    counter = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if counter and counter[0] > last_seq:
        return broken(last_seq + 1, f"rows {last_seq + 1} to {counter[0]} are missing (deleted from the end)")
    return ChainReport(chained, unchained, last_seq or None, expected if chained else None)
