"""The audit log in SQL (the :class:`~embargo.store.audit.AuditLog` protocol): one writer thread per
process commits queued rows in groups, each group one transaction holding the log's write lock, so the
chain's head cannot move under it (another process appending meanwhile waits its turn)."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any

from embargo.store.audit import (
    FIELDS,
    GENESIS,
    AuditEntry,
    ChainReport,
    check_chain,
    decode_row,
    row_fields,
    row_hash,
)
from embargo.store.sql.db import Db

_COLS = ", ".join(f'"{f}"' for f in FIELDS)  # "user" is a reserved word in PostgreSQL


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SQLAuditLog:
    """Writes through one thread and reads through the same connection (``db``, of its own)."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self._queue: queue.Queue[tuple[AuditEntry, Future[int]]] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, entry: AuditEntry) -> Future[int]:
        if self._writer is None:
            with self._start:
                if self._writer is None:
                    self._writer = threading.Thread(target=self._run, name="embargo-audit", daemon=True)
                    self._writer.start()
        done: Future[int] = Future()
        self._queue.put((entry, done))
        return done

    def write(self, entry: AuditEntry) -> int:
        return self.submit(entry).result()

    def flush(self) -> None:
        if self._writer is not None:
            self._queue.join()

    def close(self) -> None:
        self.flush()
        self.db.close()

    def rows(self, since: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        self.flush()
        sql = f"SELECT {_COLS} FROM audit_log"
        args: list[Any] = []
        if since:
            sql += " WHERE at >= ?"
            args.append(since)
        sql += " ORDER BY seq"
        if limit:
            sql += " LIMIT ?"
            args.append(limit)
        return [decode_row(r) for r in self.db.all(sql, args)]

    def verify(self) -> ChainReport:
        self.flush()
        with self.db.lock:
            rows = self.db.execute(f"SELECT {_COLS}, prev_hash, hash FROM audit_log ORDER BY seq")
            report_rows = list(rows)
            counter = self.db.execute("SELECT seq FROM audit_counter").fetchone()
        return check_chain(report_rows, int(counter[0]) if counter else None)

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
        db = self.db
        marks = ", ".join("?" * (len(FIELDS) + 2))
        seqs = []
        with db.write("audit"):
            seq, prev = self._next_seq()
            for e in entries:
                fields = row_fields(seq, _now(), e)
                digest = row_hash(prev, fields)
                db.execute(
                    f"INSERT INTO audit_log ({_COLS}, prev_hash, hash) VALUES ({marks})",
                    (*fields, prev, digest),
                )
                seqs.append(seq)
                prev = digest
                seq += 1
        return seqs

    def _next_seq(self) -> tuple[int, str]:
        """The number the next row gets and the hash it links to (never a number used before)."""
        last = self.db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        counter = self.db.execute("SELECT seq FROM audit_counter").fetchone()
        top = max(last[0] if last else 0, counter[0] if counter else 0)
        return int(top) + 1, (last[1] if last and last[1] else GENESIS)
