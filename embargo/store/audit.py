"""The audit log: one row per HTTP request, committed before the answer leaves, chained by hashes.

Each row holds the hash of the row before it (``prev_hash``) and its own (``hash``: SHA-256 of the previous
hash and the row's fields), so a row deleted, edited or inserted behind the log's back breaks the chain at
that row, and :func:`check_chain` names the first broken link. The backends refuse UPDATE and DELETE with
triggers as a first line; the chain is what still tells when someone drops them.

Rows are written by one thread per process, several requests per transaction (a group commit):
:meth:`AuditLog.submit` gives a future that resolves with the row's number once its transaction is
committed, or fails when it could not be (disk full, database gone): the caller then must not hand out the
answer. This module holds what every backend shares; the SQL is in :mod:`embargo.store.sql.audit`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

GENESIS = "0" * 64
FIELDS = ("seq", "at", "key_id", "user", "client", "method", "route", "status", "query", "versions", "scores")
JSON_FIELDS = ("query", "versions", "scores")


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


@dataclass(frozen=True)
class ChainReport:
    """What :func:`check_chain` found: rows checked, rows from before chaining, the head, the first break."""

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


class AuditLog(Protocol):
    def submit(self, entry: AuditEntry) -> Future[int]:
        """Queue a row; the future resolves with its number once committed (or fails with the reason)."""
        ...

    def write(self, entry: AuditEntry) -> int:
        """Write a row and wait until it is committed; raises when it cannot be written."""
        ...

    def flush(self) -> None:
        """Wait until every queued row is written."""
        ...

    def rows(self, since: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Rows oldest first (``since``: an ISO date or time), their JSON columns decoded."""
        ...

    def verify(self) -> ChainReport:
        """Walk the hash chain (see :func:`check_chain`)."""
        ...

    def close(self) -> None: ...


def to_json(value: Any) -> str | None:
    """JSON text of a value; text orjson refuses (a lone surrogate) is written with escapes instead."""
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=True, default=str)


def clean_text(value: str) -> str:
    """A string every backend can store: lone surrogates become backslash escapes, NUL a visible escape."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def row_fields(seq: int, at: str, e: AuditEntry) -> tuple[Any, ...]:
    """A row's ``FIELDS`` as stored (and hashed)."""
    return (
        seq,
        at,
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


def row_hash(prev_hash: str, fields: Sequence[Any]) -> str:
    """The hash of a row: the previous row's hash and this row's fields (``FIELDS``, as stored)."""
    text = json.dumps([prev_hash, *fields], ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def from_json(text: str | None) -> Any:
    """A JSON column's value (text :func:`to_json` wrote with escapes, a lone surrogate, read back too)."""
    if not text:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def decode_row(row: Sequence[Any]) -> dict[str, Any]:
    rec = dict(zip(FIELDS, row, strict=True))
    for k in JSON_FIELDS:
        rec[k] = from_json(rec[k])
    return rec


def check_chain(rows: Iterable[Sequence[Any]], counter: int | None) -> ChainReport:
    """Walk rows (``FIELDS`` then ``prev_hash`` and ``hash``, by ``seq``) from the first and report the
    first row whose link or content does not hold, or missing rows: a gap in the numbers, or rows after the
    last one the backend's counter (``counter``: the highest number ever given out) has seen."""
    expected, last_seq, chained, unchained = GENESIS, 0, 0, 0

    def broken(seq: int, why: str) -> ChainReport:
        return ChainReport(chained, unchained, last_seq or None, expected, seq, why)

    for row in rows:
        fields, prev, digest = tuple(row[: len(FIELDS)]), row[-2], row[-1]
        seq = int(fields[0])
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
    if counter and counter > last_seq:
        return broken(last_seq + 1, f"rows {last_seq + 1} to {counter} are missing (deleted from the end)")
    return ChainReport(chained, unchained, last_seq or None, expected if chained else None)
