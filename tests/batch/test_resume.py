"""A run killed mid-way (SIGKILL) and resumed gives the output of an uninterrupted run, byte for byte."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import book_rows, write_csv

pytestmark = pytest.mark.slow  # faults: batch runs killed and resumed

RUN = [sys.executable, "-m", "embargo.cli.main", "screen-file"]
ENV = {**os.environ, "COLUMNS": "400"}


def _screen(src: Path, out: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [*RUN, str(src), "-o", str(out), "--db", str(db), "--chunk-size", "40", *extra]
    return subprocess.run(args, capture_output=True, text=True, env=ENV)


def _start(src: Path, out: Path, db: Path) -> subprocess.Popen[bytes]:
    """The run as started from a terminal: in a process group of its own, Ctrl-C not ignored (a suite run
    in the background of a non-interactive shell ignores SIGINT, and its children inherit that)."""
    args = [*RUN, str(src), "-o", str(out), "--db", str(db), "--chunk-size", "40", "--workers", "2"]
    return subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=ENV,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_rows(checkpoint: Path, rows: int, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be interrupted"
        try:
            done = int(json.loads(checkpoint.read_text())["rows_done"])
        except (OSError, ValueError, KeyError):
            done = 0
        if done >= rows:
            return done
        time.sleep(0.02)
    raise AssertionError("no progress in 60 s")


def test_sigkill_then_resume_equals_uninterrupted(tmp_path: Path, sdn_db: Path) -> None:
    rows = book_rows(2500, 50, seed=3)
    rows[7]["full_name"] = ""  # a reject early on (no name), so the rejects file is resumed too
    src = write_csv(tmp_path / "book.csv", rows)
    for ext in ("csv", "parquet"):
        ref, out = tmp_path / f"ref.{ext}", tmp_path / f"out.{ext}"
        assert _screen(src, ref, sdn_db, "--workers", "1").returncode == 1  # 1: a row was rejected

        proc = _start(src, out, sdn_db)
        checkpoint = out.with_name(out.name + ".checkpoint.json")
        done = _wait_for_rows(checkpoint, 400, proc)
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers
        proc.wait()
        assert done < 2500 and checkpoint.exists()

        resumed = _screen(src, out, sdn_db, "--resume", "--workers", "2")
        assert resumed.returncode == 1, resumed.stderr
        assert "2500 rows read" in resumed.stderr
        if ext == "csv":
            assert out.read_bytes() == ref.read_bytes()
        else:
            import pyarrow.parquet as pq  # type: ignore[import-untyped]

            assert pq.read_table(out).equals(pq.read_table(ref))
        rejects = (tmp_path / f"ref.{ext}.rejects.csv").read_bytes()
        assert (tmp_path / f"out.{ext}.rejects.csv").read_bytes() == rejects
        assert rejects.count(b"\n") == 2 and b"needs a name" in rejects
        assert not checkpoint.exists()


def test_ctrl_c_stops_cleanly_with_a_hint(tmp_path: Path, sdn_db: Path) -> None:
    src = write_csv(tmp_path / "book.csv", book_rows(2500, 50, seed=4))
    out = tmp_path / "out.jsonl"
    proc = _start(src, out, sdn_db)
    _wait_for_rows(out.with_name(out.name + ".checkpoint.json"), 200, proc)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert b"--resume" in stderr and b"Traceback" not in stderr
    resumed = _screen(src, out, sdn_db, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    ids = [json.loads(line)["query_id"] for line in out.read_text().splitlines()]
    assert ids == [r["customer_id"] for r in book_rows(2500, 50, seed=4)]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # (state, ppid, ...)
            found.append(int(stat.parent.name))
    return found


def test_a_killed_worker_ends_the_run_at_once_and_resume_completes_it(tmp_path: Path, sdn_db: Path) -> None:
    """A worker killed (as by the out-of-memory killer) does not leave the run waiting forever for its chunk."""
    rows = book_rows(2500, 50, seed=5)
    src = write_csv(tmp_path / "book.csv", rows)
    ref, out = tmp_path / "ref.csv", tmp_path / "out.csv"
    assert _screen(src, ref, sdn_db, "--workers", "1").returncode == 0
    proc = _start(src, out, sdn_db)
    _wait_for_rows(out.with_name(out.name + ".checkpoint.json"), 200, proc)
    workers = _children(proc.pid)
    assert len(workers) >= 2, workers
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    text = stderr.decode()
    assert proc.returncode not in (0, None), text
    assert "worker process ended abruptly" in text and "--resume" in text and "Traceback" not in text
    deadline = time.monotonic() + 10  # and the other workers were stopped, not left behind
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{w}").exists() for w in workers)
    resumed = _screen(src, out, sdn_db, "--resume", "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == ref.read_bytes()
