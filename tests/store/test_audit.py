"""The AuditLog protocol on every backend: rows committed and read back, one hash chain across writers,
append-only, and tampering found by verify."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from embargo.store import AuditEntry, Store


def entry(i: int, **kw: object) -> AuditEntry:
    return AuditEntry(
        "POST",
        "/match/default",
        200,
        key_id="k1",
        query={"q": {"names": [f"Name {i}"]}},
        scores={"q": [["x", 0.9]]},
        **kw,  # type: ignore[arg-type]
    )


def raw(store: Store, sql: str) -> None:
    """What someone with write access to the database can do, around the log."""
    store.audit.db.execute(sql)  # type: ignore[attr-defined]


def test_rows_are_committed_chained_and_read_back(store: Store) -> None:
    audit = store.audit
    seqs = [audit.write(entry(i)) for i in range(3)]
    assert seqs == [1, 2, 3]
    futures = [audit.submit(entry(i, user="alice", client="127.0.0.1")) for i in range(3, 50)]
    assert [f.result(10) for f in futures] == list(range(4, 51))
    rows = audit.rows()
    assert (
        len(rows) == 50 and rows[0]["query"] == {"q": {"names": ["Name 0"]}} and rows[0]["versions"] is None
    )
    assert (
        rows[-1]["user"] == "alice"
        and rows[-1]["client"] == "127.0.0.1"
        and rows[-1]["scores"] == {"q": [["x", 0.9]]}
    )
    assert [r["seq"] for r in audit.rows(limit=2)] == [1, 2]
    assert audit.rows(since="2999-01-01") == [] and len(audit.rows(since=rows[0]["at"][:10])) == 50
    report = audit.verify()
    assert report.ok and report.rows == 50 and report.head_seq == 50


def test_text_a_request_can_carry_is_stored(store: Store) -> None:
    odd = "/x\x1b[2J\x00\ud800\u202eevil"
    store.audit.write(AuditEntry("GET", odd, 404, query={"names": ["\ud800", "\x00"]}))
    [row] = store.audit.rows()
    assert row["route"].startswith("/x\x1b[2J") and "evil" in row["route"] and row["query"]["names"]
    assert store.audit.verify().ok


def test_two_processes_write_one_chain(opened: Callable[[], Store]) -> None:
    a, b = opened(), opened()
    go = threading.Barrier(2)

    def write(s: Store, tag: str) -> None:
        go.wait()
        for i in range(30):
            s.audit.write(entry(i, user=tag))

    threads = [threading.Thread(target=write, args=(s, t)) for s, t in ((a, "a"), (b, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    rows = a.audit.rows()
    assert [r["seq"] for r in rows] == list(range(1, 61))
    assert {r["user"] for r in rows} == {"a", "b"}
    assert b.audit.verify().ok and b.audit.verify().rows == 60


def test_the_log_is_append_only(store: Store) -> None:
    store.audit.write(entry(1))
    for sql in ("UPDATE audit_log SET status = 500", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            raw(store, sql)
    assert len(store.audit.rows()) == 1


DROP_TRIGGERS = {
    "sqlite": ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"),
    "postgresql": ("DROP TRIGGER audit_log_no_change ON audit_log",),
}


@pytest.mark.parametrize(
    ("tamper", "found"),
    [
        ("DELETE FROM audit_log WHERE seq = 3", "broken at row 4: rows 3 to 3 are missing"),
        ("UPDATE audit_log SET status = 403 WHERE seq = 2", "broken at row 2: its content does not match"),
        ("DELETE FROM audit_log WHERE seq >= 5", "rows 5 to 6 are missing (deleted from the end)"),
        (
            "INSERT INTO audit_log (seq, at, method, route, status) VALUES (7, '2026-01-01', 'GET', '/x', 200)",
            "broken at row 7: the row has no hash",
        ),
    ],
)
def test_tampering_behind_the_log_is_found(store: Store, tamper: str, found: str) -> None:
    for i in range(6):
        store.audit.write(entry(i))
    assert store.audit.verify().ok
    backend = store.audit.db.backend  # type: ignore[attr-defined]
    for sql in (*DROP_TRIGGERS[backend], tamper):
        raw(store, sql)
    report = store.audit.verify()
    assert not report.ok and found in report.line()
