"""The store on SQLite beside PostgreSQL, in one run: ingest time, index build, and /match throughput of
`embargo serve` (the index is in memory, so the database must not be what limits screening).

Starts a throwaway PostgreSQL cluster (tests/pgserver.py: as the postgres user when run as root) on
127.0.0.1. Usage: .venv/bin/python bench/store_backends.py [--seconds 10] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from api_load import FILES, LISTS, drive, free_port, pct, wait_ready

from embargo.service import Service

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests import pgserver  # noqa: E402


def measure(url: str, seconds: float, concurrency: int) -> dict[str, float]:
    svc = Service.open(url)
    try:
        t = time.perf_counter()
        svc.ingest([LISTS / f for f in FILES])
        ingest = time.perf_counter() - t
        t = time.perf_counter()
        svc.screener()
        index = time.perf_counter() - t
    finally:
        svc.close()
    port = free_port()
    cmd = [sys.executable, "-m", "embargo.cli.main", "serve", "--db", url, "--port", str(port)]
    proc = subprocess.Popen(cmd, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}", proc)
        latencies, errors, elapsed = asyncio.run(drive(f"http://127.0.0.1:{port}", seconds, concurrency))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    return {
        "ingest_s": ingest,
        "index_s": index,
        "rate": len(latencies) / elapsed,
        "p50_ms": pct(latencies, 0.5) * 1e3,
        "p99_ms": pct(latencies, 0.99) * 1e3,
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args()
    why = pgserver.missing()
    if why:
        raise SystemExit(why)
    results = {}
    with tempfile.TemporaryDirectory() as tmp, pgserver.cluster() as cluster:
        results["sqlite"] = measure(str(Path(tmp) / "embargo.db"), args.seconds, args.concurrency)
        results["postgresql"] = measure(pgserver.new_database(cluster.url), args.seconds, args.concurrency)
    print(
        f"{len(FILES)} publications ({', '.join(FILES)}); POST /match/default, 1 worker, {args.concurrency} in flight"
    )
    for name, r in results.items():
        print(
            f"{name:>10}: ingest {r['ingest_s']:.2f} s, index {r['index_s']:.2f} s, {r['rate']:.0f} req/s "
            f"(p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, {r['errors']:.0f} errors)"
        )
    ratio = results["postgresql"]["rate"] / results["sqlite"]["rate"]
    print(f"/match throughput PostgreSQL / SQLite: {ratio:.2f}")


if __name__ == "__main__":
    main()
