"""kill -9 in the middle of an ingest's write transaction leaves the store as it was before."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # faults: a writer killed with SIGKILL

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()


def _snapshot(db: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute(
                "SELECT id, source, publish_date, content_hash, entity_count FROM versions ORDER BY id"
            ).fetchall(),
            conn.execute("SELECT COUNT(*) FROM members").fetchone(),
            conn.execute("SELECT COUNT(*) FROM states").fetchone(),
            conn.execute("SELECT COUNT(*) FROM entities").fetchone(),
        )
    finally:
        conn.close()


def _writer_active(db: Path) -> bool:
    """True while another process holds the write lock (its ingest transaction is open)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _ingest(db: Path, *paths: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "embargo.cli.main", "ingest", *map(str, paths), "--db", str(db)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_kill_9_during_the_write_leaves_the_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    assert _ingest(db, LISTS / "us_ofac_sdn" / "2022-03-21").wait(timeout=120) == 0
    before = _snapshot(db)
    killed_in_write = False
    for _attempt in range(5):
        proc = _ingest(db, LISTS / "us_ofac_sdn" / "2024-05-02")
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if _writer_active(db):
                os.kill(proc.pid, signal.SIGKILL)
                killed_in_write = True
                break
            time.sleep(0.002)
        proc.wait(timeout=30)
        if killed_in_write:
            break
        # the ingest finished before we caught it writing: start again from the same state
        db.unlink()
        for extra in ("-wal", "-shm"):
            Path(str(db) + extra).unlink(missing_ok=True)
        assert _ingest(db, LISTS / "us_ofac_sdn" / "2022-03-21").wait(timeout=120) == 0
    assert killed_in_write, "never caught the ingest inside its write transaction"
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert _snapshot(db) == before
    # and the store still works: the same ingest now completes
    assert _ingest(db, LISTS / "us_ofac_sdn" / "2024-05-02").wait(timeout=120) == 0
    after = _snapshot(db)
    assert len(after[0]) == len(before[0]) + 1  # type: ignore[arg-type]
