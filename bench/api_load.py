"""HTTP API load: `embargo serve` (uvicorn, 2 workers) driven with one /match query, next to the Python API.

Builds a store from real list files (OFAC SDN 2024-05-02, UN 2026-02-27), starts `embargo serve` on
127.0.0.1, and drives `POST /match/default` with one query (a person with name and birth date) from a
bounded async httpx load (default 20 s, 4 requests in flight: 2 per worker) and, when Debian's wrk is installed, the same load from wrk. Prints req/s, p50, p90, p99 and, from
the same run, `Screener.screen` throughput in-process, so the HTTP overhead is visible.
With ``--pg`` (the default when PostgreSQL's initdb is installed; ``--no-pg`` skips it) the same lists are
also ingested into a throwaway PostgreSQL cluster (tests/pgserver.py) and the same load is run against a
second `embargo serve` on it, one after the other, and the /match throughput ratio PostgreSQL/SQLite printed:
the index is in memory, so screening should not depend on the database (every request still writes its
audit row to it).
Usage: .venv/bin/python bench/api_load.py [--seconds 20] [--concurrency 16] [--workers 2] [--pg|--no-pg]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from embargo.match.types import Query
from embargo.service import Service
from embargo.service.screener import Screener

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests import pgserver  # noqa: E402

LISTS = ROOT.parent / "shared" / "data" / "lists"
FILES = ("us_ofac_sdn/2024-05-02", "un_sc_consolidated/2026-02-27")
BODY = {
    "queries": {
        "q": {"schema": "Person", "properties": {"name": ["Dmitry Rogozin"], "birthDate": ["1963-12-21"]}}
    }
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def drive(url: str, seconds: float, concurrency: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10.0) as client:
        for _ in range(50):  # warm-up: every worker's caches
            await client.post("/match/default", json=BODY)
        end = time.perf_counter() + seconds

        async def one() -> None:
            nonlocal errors
            while time.perf_counter() < end:
                t = time.perf_counter()
                r = await client.post("/match/default", json=BODY)
                if r.status_code == 200:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return latencies, errors, elapsed


def drive_wrk(url: str, seconds: float, concurrency: int) -> tuple[float, dict[str, float], int]:
    """The same load from wrk (Debian's package, C): the client no longer competes for the CPU as much.
    Returns req/s, latency percentiles (seconds) and the request count."""
    import json
    import re

    script = Path(tempfile.mkdtemp()) / "post.lua"
    body = json.dumps(BODY).replace("\\", "\\\\").replace("'", "\\'")
    script.write_text(
        f"wrk.method = 'POST'\nwrk.body = '{body}'\nwrk.headers['Content-Type'] = 'application/json'\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{int(seconds)}s",
            "-s",
            str(script),
            "--latency",
            url + "/match/default",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    units = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
    lat = {
        m.group(1): float(m.group(2)) * units[m.group(3)]
        for m in re.finditer(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    }
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"wrk saw {non2xx.group(1)} error responses")
    return rate, lat, total


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 600.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"embargo serve exited with {proc.returncode}")
        try:
            # every worker must be ready, not only the one that answered
            if all(httpx.get(url + "/readyz", timeout=1.0).status_code == 200 for _ in range(20)):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("embargo serve did not become ready")


def in_process(db: Path, seconds: float) -> tuple[float, float]:
    screener = Screener.from_store(db)
    q = Query(names=("Dmitry Rogozin",), schema="Person", birth_dates=("1963-12-21",))
    for _ in range(100):
        screener.screen(q, limit=5)
    times: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        screener.screen(q, limit=5)
        times.append(time.perf_counter() - t)
    return len(times) / sum(times), statistics.median(times)


@dataclass(frozen=True)
class Run:
    """One backend's figures: the Python client's latencies and rate, and wrk's when it is installed."""

    latencies: list[float]
    errors: int
    elapsed: float
    wrk: tuple[float, dict[str, float], int] | None

    @property
    def rate(self) -> float:
        """The rate the target is judged on: wrk's when there is one (see the end of :func:`main`)."""
        return self.wrk[0] if self.wrk else len(self.latencies) / self.elapsed


def ingest(db: str) -> None:
    svc = Service.open(db)
    try:
        svc.ingest([LISTS / f for f in FILES])
    finally:
        svc.close()


@contextmanager
def serving(db: str, workers: int) -> Iterator[str]:
    """`embargo serve` over ``db`` on a free port of 127.0.0.1 until the block ends; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "embargo.cli.main", "serve", "--db", db, "--port", str(port)]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, env={**os.environ, "EMBARGO_DB": db}, start_new_session=True)
    try:
        wait_ready(url, proc)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def load(db: str, args: argparse.Namespace) -> Run:
    with serving(db, args.workers) as url:
        latencies, errors, elapsed = asyncio.run(drive(url, args.seconds, args.concurrency))
        wrk = drive_wrk(url, args.seconds, args.concurrency) if shutil.which("wrk") else None
    return Run(latencies, errors, elapsed, wrk)


def report(name: str, run: Run, args: argparse.Namespace) -> None:
    n = len(run.latencies)
    print(
        f"{name}: HTTP POST /match/default, 1 query, {args.workers} workers, {args.concurrency} in flight, "
        f"{run.elapsed:.1f} s"
    )
    print(f"      {n} requests ({run.errors} errors): {n / run.elapsed:.0f} req/s")
    print(
        f"      latency p50 {pct(run.latencies, 0.5) * 1e3:.1f} ms, p90 {pct(run.latencies, 0.9) * 1e3:.1f} ms, "
        f"p99 {pct(run.latencies, 0.99) * 1e3:.1f} ms"
    )
    if run.wrk is not None:
        w_rate, w_lat, w_n = run.wrk
        print(
            f"wrk   same load from a C client: {w_n} requests, {w_rate:.0f} req/s, p50 {w_lat['50'] * 1e3:.1f} ms, "
            f"p90 {w_lat['90'] * 1e3:.1f} ms, p99 {w_lat['99'] * 1e3:.1f} ms"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--pg",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also run against a throwaway PostgreSQL cluster (default: when initdb is installed)",
    )
    args = ap.parse_args()
    why_not_pg = pgserver.missing()
    if args.pg and why_not_pg:
        raise SystemExit(f"--pg: {why_not_pg}")
    with_pg = args.pg if args.pg is not None else why_not_pg is None

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "embargo.db")
        ingest(db)
        sqlite = load(db, args)
        py_rate, py_median = in_process(Path(db), min(args.seconds, 5.0))
        pg: Run | None = None
        if with_pg:
            with pgserver.cluster() as cluster:
                url = pgserver.new_database(cluster.url)
                ingest(url)
                pg = load(url, args)

    report("SQLite", sqlite, args)
    rate = sqlite.rate
    p99 = sqlite.wrk[1]["99"] if sqlite.wrk else pct(sqlite.latencies, 0.99)
    print(
        f"Python Screener.screen (1 process, 1 thread): {py_rate:.0f} queries/s, median {py_median * 1e3:.2f} ms"
    )
    print(
        f"HTTP costs ~{max(0.0, 1 / rate - 1 / py_rate) * 1e3:.2f} ms of wall time per request over the screening "
        f"itself (uvicorn, FastAPI, JSON, key check, audit row, and the load client: all on {os.cpu_count()} CPUs)"
    )
    if sqlite.wrk is not None:
        print(
            "(the target is judged on wrk's figures: the Python client above spends the CPU the server needs)"
        )
    else:
        print(
            "(install wrk, Debian's package, for a client that does not compete with the server for the CPU)"
        )
    print(f"target >= 500 req/s and p99 < 20 ms: {'met' if rate >= 500 and p99 < 0.02 else 'NOT met'}")
    if pg is None:
        print(f"PostgreSQL: not run ({why_not_pg or 'disabled with --no-pg'})")
        return
    report("PostgreSQL", pg, args)
    client = "wrk" if sqlite.wrk else "the Python client"
    print(
        f"PostgreSQL / SQLite /match throughput ({client}): {pg.rate:.0f} / {rate:.0f} req/s = "
        f"{pg.rate / rate:.2f}"
    )


if __name__ == "__main__":
    main()
