"""Continuous monitoring: the time to process a list update beside a full re-screen of the same portfolio.

Ingests OFAC SDN 2022-03-01 .. 2022-03-24 (consecutive captures: updates of +1 .. +397 entities) into a
store (``--db`` keeps it for the next run), loads a synthetic portfolio (``bench/_synthetic.py``: realistic
persons, companies and vessels in many scripts) into the monitoring tables, then in the same run:

1. a full re-screen of the portfolio against the lists in force (``Monitor.full``);
2. each update processed as the engine does it (``Monitor.process``: the delta's entities screened against
   an index over the portfolio, built once and kept, the flagged counterparties re-screened against the
   whole lists); the portfolio index's build time and memory;
3. with ``--stream``, the other design too: an index over the delta, every counterparty streamed through it;
4. with ``--million``: the updates of 2022-03-21 (+20) and 2022-03-24 (+397) over 1,000,000 counterparties
   beside the full re-screen's time per counterparty measured in 1. scaled to them; with
   ``--million-full``, beside the full re-screen of the 1,000,000 itself, run.

Target: processing an update takes at least 100 times less than the full re-screen.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


from _common import rss_mb, store_with
from _synthetic import synthetic_entities

from embargo.service.events import version_delta
from embargo.service.monitor import Counterparty, Monitor
from embargo.store import Store, Version, open_store
from embargo.store.sql.monitor import SQLMonitorStore

SDN = Path(__file__).resolve().parents[2] / "shared" / "data" / "lists" / "us_ofac_sdn"
UPDATES = [
    "2022-03-01",
    "2022-03-03",
    "2022-03-04",
    "2022-03-07",
    "2022-03-11",
    "2022-03-15",
    "2022-03-21",
    "2022-03-24",
]


def portfolio(n: int, seed: int = 11) -> list[Counterparty]:
    out = []
    for i, e in enumerate(synthetic_entities(n, seed)):
        out.append(
            Counterparty(
                f"B{i:08d}",
                tuple(nm.value for nm in e.names[:3]),
                e.schema,
                e.birth_dates,
                e.nationalities + e.countries,
            )
        )
    return out


def fresh_records(store: Store, parties: list[Counterparty]) -> SQLMonitorStore:
    """The store's monitoring records, emptied, holding ``parties`` as the portfolio."""
    records = store.monitor
    assert isinstance(records, SQLMonitorStore)  # (the benchmark's stores are SQLite files)
    for table in (
        "alert_events",
        "alerts",
        "portfolio",
        "portfolio_history",
        "monitor_cursor",
        "deliveries",
        "outbox",
    ):
        records.db.execute(f"DELETE FROM {table}")
    t0 = time.perf_counter()
    for i in range(0, len(parties), 50_000):
        records.upsert(parties[i : i + 50_000])
    print(f"portfolio of {len(parties):,} loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    return records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("data/bench_monitor.db"))
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--million", action="store_true", help="also the 1,000,000 run on the 2022-03-24 update")
    ap.add_argument(
        "--million-full",
        action="store_true",
        help="with --million, also run the full re-screen of the 1,000,000 (most of an hour) instead of scaling",
    )
    ap.add_argument(
        "--stream", action="store_true", help="also the delta-index way (slower: minutes at 100,000)"
    )
    args = ap.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    with store_with([SDN / d for d in UPDATES], args.db) as db:
        store = open_store(db)
        versions = store.versions("us_ofac_sdn")
        print(f"OFAC SDN versions: {', '.join(v.label for v in versions)}", flush=True)
        parties = portfolio(args.size)
        records = fresh_records(store, parties)
        monitor = Monitor(store, records)  # the engine's default: an index over the portfolio
        stream = Monitor(store, records, strategy="stream")  # the other way: an index over the delta
        monitor.lists(monitor.in_force())  # the whole lists' index, built once for both measurements
        t0 = time.perf_counter()
        full = monitor.full()
        t_full = time.perf_counter() - t0
        print(f"full re-screen of {args.size:,}: {t_full:.1f} s ({len(full.raised)} alerts)", flush=True)
        gc.collect()
        rss0, t0 = rss_mb(), time.perf_counter()
        monitor.book()
        print(
            f"portfolio index: built in {time.perf_counter() - t0:.1f} s, resident memory +{rss_mb() - rss0:.0f} MB "
            "(built once, kept until the portfolio changes)",
            flush=True,
        )
        print(
            f"{'update':<24}{'+added':>7}{'~chg':>6}{'flagged':>9}{'alerts':>8}{'book s':>8}{'x faster':>10}"
            f"{'stream s':>10}{'x faster':>10}{'lists idx s':>12}"
        )
        for before, v in itertools.pairwise(versions):
            delta = version_delta(store, v, before)
            t0 = time.perf_counter()
            stream._lists = monitor.lists(monitor.in_force(v))  # the whole lists at that version
            t_index = time.perf_counter() - t0
            slow = stream.process(delta) if args.stream else None
            r = monitor.process(delta)
            print(
                f"{before.label + ' -> ' + v.label:<24}{len(delta.added):>7}{len(delta.changed):>6}"
                f"{r.candidates:>9}{len(r.raised) + (len(slow.raised) if slow else 0):>8}{r.seconds:>8.2f}"
                f"{t_full / r.seconds:>10.0f}"
                + (f"{slow.seconds:>10.2f}{t_full / slow.seconds:>10.0f}" if slow else f"{'-':>10}{'-':>10}")
                + f"{t_index:>12.1f}",
                flush=True,
            )
        if args.million:
            million(store, monitor, versions, t_full / args.size, run_full=args.million_full)


def million(
    store: Store, monitor: Monitor, versions: list[Version], per_cp: float, *, run_full: bool
) -> None:
    """The book of 1,000,000: its index, then the updates before 2022-03-24 and that one, in order (the
    index's per-word caches warm up over the updates a long-lived service sees); with ``run_full``, then
    the full re-screen of the same 1,000,000 against the lists of 2022-03-24, timed, and each update's
    ratio against it."""
    parties = portfolio(1_000_000, seed=13)
    records = fresh_records(store, parties)
    del parties
    gc.collect()
    big = Monitor(store, records)
    rss0, t0 = rss_mb(), time.perf_counter()
    big.book()
    build, mem = time.perf_counter() - t0, rss_mb() - rss0
    print(
        f"1,000,000 counterparties: portfolio index built in {build:.0f} s, +{mem:.0f} MB resident",
        flush=True,
    )
    full = per_cp * 1e6
    updates = []
    for before, v in itertools.pairwise(versions[-3:]):
        big.lists(big.in_force(v))
        r = big.process(version_delta(store, v, before))
        updates.append((f"{before.label} -> {v.label}", r.seconds))
        print(
            f"  {before.label} -> {v.label}: {r.seconds:.1f} s, {r.candidates} flagged, {len(r.raised)} alerts; "
            f"a full re-screen at the {per_cp * 1000:.2f} ms per counterparty measured: {full:.0f} s "
            f"({full / r.seconds:.0f}x)",
            flush=True,
        )
    if run_full:
        t0 = time.perf_counter()
        report = big.full()
        measured = time.perf_counter() - t0
        print(
            f"full re-screen of 1,000,000 run: {measured:.0f} s ({len(report.raised)} further alerts)",
            flush=True,
        )
        for label, seconds in updates:
            print(
                f"  {label}: {seconds:.1f} s, {measured / seconds:.0f}x less than the full re-screen run",
                flush=True,
            )


if __name__ == "__main__":
    main()
