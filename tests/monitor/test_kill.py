"""kill -9 during a monitoring run leaves no half-written alert, and the next run ends with the same
alerts as an uninterrupted one."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embargo.service.monitor import Monitor
from embargo.store import SQLiteStore
from tests.monitor.conftest import synthetic
from tests.monitor.test_engine import added, as_party

RUN = """
import sys
from embargo.service.monitor import Monitor
from embargo.store import SQLiteStore
store = SQLiteStore(sys.argv[1])
Monitor(store, store.monitor, batch=10).run()
"""


def alerts(db: Path) -> set[tuple[str, str, str, int, int | None]]:
    store = SQLiteStore(db)
    try:
        return {
            (a.counterparty_id, a.entity_id, a.state, a.version_id, a.delisted_version_id)
            for a in store.monitor.alerts()
        }
    finally:
        store.close()


@pytest.mark.slow
def test_kill_9_mid_run_then_resume(wave_db: Path, tmp_path: Path) -> None:
    store = SQLiteStore(wave_db)
    records = store.monitor
    sdn, un = store.versions("us_ofac_sdn"), store.versions("un_sc")
    planted = [as_party(f"P{i}", e) for i, e in enumerate(added(store, sdn[2], sdn[1]))]
    Monitor(store, records).add(synthetic(3000) + planted, at=(sdn[0], un[0]))
    records.close()
    store.close()
    other = tmp_path / "other.db"
    shutil.copy(wave_db, other)

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", RUN, str(wave_db)], env=env)
    con = sqlite3.connect(wave_db)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:  # kill as soon as the big wave's alerts appear
        n = con.execute("SELECT count(*) FROM alerts WHERE version_id=?", (sdn[2].id,)).fetchone()[0]
        if n:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    orphans = con.execute(
        "SELECT count(*) FROM alerts a WHERE NOT EXISTS"
        " (SELECT 1 FROM alert_events e WHERE e.alert_id=a.id AND e.action='raised')"
    ).fetchone()[0]
    assert orphans == 0
    assert con.execute("SELECT count(*) FROM monitor_runs WHERE finished_at IS NULL").fetchone()[0] >= 1
    con.close()

    subprocess.run([sys.executable, "-c", RUN, str(wave_db)], env=env, check=True)
    subprocess.run([sys.executable, "-c", RUN, str(other)], env=env, check=True)
    assert alerts(wave_db) == alerts(other)
    assert len({a for a in alerts(other) if a[0].startswith("P")}) >= len(planted) * 0.9
