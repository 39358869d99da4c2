"""A soak of the API: ``embargo serve`` as a process over real lists, under bounded load for a few minutes
(``EMBARGO_SOAK_SECONDS``, default 150), its resident memory sampled from /proc. After a warm-up its
memory must not grow: a leak per request (a cache without a bound, an index per query variant) shows
as a steady climb over thousands of requests. Every answer must be a 2xx or a 4xx in JSON."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from embargo.service import Service
from tests.api.conftest import ServerProcess

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("EMBARGO_SOAK_SECONDS", "150"))
CLIENTS = 2
GROWTH_MB = 40.0  # allowed after warm-up: allocator noise and the second past-date index
NAMES = ("Dmitri Rogosin", "Kim Jong Un", "Al-Qaida", "Viktor Bout", "Ali Khamenei", "Usama bin Ladin")
DATES = ("2020-06-01", "2021-01-01", "2024-01-01", "2025-06-30", "2026-01-01")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _variants(n: int) -> list[str]:
    """``n`` misspellings of the names. A bounded variety: the server's caches of prepared names and
    transliterations are bounded too (by hundreds of thousands of entries), so a soak of ever-new names
    would show them filling, not a leak. Once every variant has been seen, memory must stay flat."""
    rng = random.Random(0)
    out = []
    for _ in range(n):
        chars = list(rng.choice(NAMES))
        for _ in range(rng.randint(0, 2)):
            chars[rng.randrange(len(chars))] = rng.choice("aeiouxyz")
        out.append("".join(chars) + (f" {rng.randint(0, 999)}" if rng.random() < 0.3 else ""))
    return out


VARIANTS = _variants(400)


def _requests(rng: random.Random) -> Callable[[httpx.Client], httpx.Response]:
    """One request of a mix: screening misspelt names with filters, past dates, history, lists."""
    typo = rng.choice(VARIANTS)
    kind = rng.random()
    if kind < 0.45:
        body = {"queries": {"q": {"schema": "Thing", "properties": {"name": [typo]}}}}
        params = {"exclude_entity_ids": [f"x{rng.randint(0, 50)}"]} if rng.random() < 0.3 else {}
        return lambda c: c.post("/match/default", json=body, params=params)
    if kind < 0.7:
        as_of = rng.choice(DATES) if rng.random() < 0.5 else None
        return lambda c: c.post("/screen", json={"name": typo, "as_of": as_of, "limit": 5})
    if kind < 0.85:
        return lambda c: c.get("/search/default", params={"q": typo, "limit": 5})
    if kind < 0.95:
        return lambda c: c.get("/lists")
    return lambda c: c.post("/match/default", json={"queries": {"q": {"properties": "not a dict"}}})


def test_api_memory_does_not_grow_under_load(tmp_path: Path, lists_dir: Path) -> None:
    db = tmp_path / "embargo.db"
    svc = Service.open(db)
    try:
        outcomes = svc.ingest([lists_dir / "un_sc_consolidated" / d for d in ("2020-03-20", "2025-12-09")])
    finally:
        svc.close()
    assert all(o.status == "created" for o in outcomes)
    server = ServerProcess(db)
    try:
        server.wait_ready()
        pid = server.proc.pid
        stop = time.monotonic() + SECONDS
        errors: list[str] = []
        counts = [0] * CLIENTS

        def client(i: int) -> None:
            rng = random.Random(i)
            with httpx.Client(base_url=server.url, timeout=30) as c:
                while time.monotonic() < stop and not errors:
                    r = _requests(rng)(c)
                    counts[i] += 1
                    if r.status_code >= 500 or "json" not in r.headers.get("content-type", ""):
                        errors.append(f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:200]}")

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        samples: list[tuple[float, float]] = []
        start = time.monotonic()
        while any(t.is_alive() for t in threads):
            samples.append((time.monotonic() - start, rss_mb(pid)))
            time.sleep(2)
        for t in threads:
            t.join()
    finally:
        server.stop()
    assert not errors, errors[:5]
    assert sum(counts) > 200, counts
    warm = [m for t, m in samples if t >= SECONDS * 0.25]
    assert len(warm) >= 5, samples
    baseline, end = min(warm[: len(warm) // 3]), max(warm[-len(warm) // 3 :])
    print(
        f"soak: {sum(counts)} requests in {SECONDS:.0f} s; RSS after warm-up {baseline:.0f} MB, at the end {end:.0f} MB"
    )
    assert end - baseline < GROWTH_MB, f"memory grew from {baseline:.0f} to {end:.0f} MB: {samples}"
