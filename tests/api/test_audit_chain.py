"""The audit log's hash chain (rows deleted or edited behind its back, with the triggers dropped, are found
by `embargo audit verify`), the store's file modes, and `embargo audit` printing request text escaped."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers the commands)
from embargo.cli.base import app as cli
from embargo.store import AuditEntry, open_store

runner = CliRunner()


def logged(db: Path, n: int) -> None:
    store = open_store(db)
    try:
        for i in range(n):
            store.audit.write(
                AuditEntry(
                    method="POST",
                    route="/match/default",
                    status=200,
                    key_id="k1",
                    query={"q": {"names": [f"Name {i}"]}},
                    scores={"q": [["un-sc-QDi.001", 0.9]]},
                )
            )
    finally:
        store.close()


def verify(db: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["audit", "verify", "--db", str(db)])
    return result.exit_code, result.output


def tamper(db: Path, *statements: str) -> None:
    """What someone with write access to the file can do: drop the triggers, then change rows."""
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture
def chained(tmp_path: Path) -> Path:
    db = tmp_path / "audit.db"
    logged(db, 6)
    code, out = verify(db)
    assert code == 0 and "audit log intact: 6 rows chained" in out
    return db


def test_a_deleted_row_breaks_the_chain(chained: Path) -> None:
    tamper(chained, "DELETE FROM audit_log WHERE seq = 3")
    code, out = verify(chained)
    assert code == 1
    assert "broken at row 4: rows 3 to 3 are missing" in out


def test_an_edited_row_breaks_the_chain(chained: Path) -> None:
    tamper(chained, "UPDATE audit_log SET scores = '{\"q\": []}' WHERE seq = 2")
    code, out = verify(chained)
    assert code == 1 and "broken at row 2: its content does not match its hash" in out


def test_a_row_rewritten_with_a_new_hash_breaks_the_next_link(chained: Path) -> None:
    from embargo.store.audit import FIELDS, row_hash

    conn = sqlite3.connect(chained)
    cols = ", ".join(f'"{f}"' for f in FIELDS)
    row = conn.execute(f"SELECT {cols}, prev_hash FROM audit_log WHERE seq = 2").fetchone()
    fields = list(row[:-1])
    fields[FIELDS.index("status")] = 403
    forged = row_hash(row[-1], fields)
    conn.close()
    tamper(chained, f"UPDATE audit_log SET status = 403, hash = '{forged}' WHERE seq = 2")
    code, out = verify(chained)
    assert code == 1 and "broken at row 3: its link does not match row 2's hash" in out


def test_rows_deleted_from_the_end_are_missed(chained: Path) -> None:
    tamper(chained, "DELETE FROM audit_log WHERE seq >= 5")
    code, out = verify(chained)
    assert code == 1 and "rows 5 to 6 are missing (deleted from the end)" in out


def test_a_row_inserted_around_the_log_breaks_the_chain(chained: Path) -> None:
    tamper(
        chained, "INSERT INTO audit_log (at, method, route, status) VALUES ('2026-01-01', 'GET', '/x', 200)"
    )
    code, out = verify(chained)
    assert code == 1 and "broken at row 7: the row has no hash" in out


def test_the_store_and_its_wal_are_private(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    logged(db, 1)
    store = open_store(db)  # an open store has its -wal and -shm
    try:
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{db}{suffix}")
            assert path.exists(), suffix
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix
    finally:
        store.close()


def test_an_existing_store_is_made_private(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    sqlite3.connect(db).close()
    db.chmod(0o644)
    open_store(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_audit_prints_control_characters_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from embargo.cli.base import out

    monkeypatch.setattr(out, "width", 300)  # one line a row, whatever terminal the tests run in
    db = tmp_path / "esc.db"
    store = open_store(db)
    try:
        store.audit.write(AuditEntry("GET", "/x\x1b[2J\x1b]0;pwned\x07\u202eevil[red]x[/red]", 404))
    finally:
        store.close()
    result = runner.invoke(cli, ["audit", "--db", str(db)])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "\\x1b[2J\\x1b]0;pwned\\x07\\u202eevil[red]x[/red]" in result.output
