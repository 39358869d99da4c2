"""The delta re-screen on Spark (local mode) over a portfolio in Parquet gives the local engine's alerts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from embargo.service.events import version_delta
from embargo.service.monitor import Monitor
from embargo.store import SQLiteStore
from embargo.store.monitor import MonitorStore
from tests.monitor.conftest import synthetic
from tests.monitor.test_engine import added, as_party

pytestmark = pytest.mark.spark


def alerts(records: MonitorStore) -> set[tuple[str, str, int, float]]:
    return {(a.counterparty_id, a.entity_id, a.version_id, round(a.score, 4)) for a in records.alerts()}


def test_spark_delta_equals_the_local_engine(wave_db: Path, tmp_path: Path) -> None:
    from embargo.batch.monitor_spark import spark_delta
    from embargo.batch.spark import session

    other = tmp_path / "spark.db"
    shutil.copy(wave_db, other)
    store = SQLiteStore(wave_db)
    records = store.monitor
    sdn = store.versions("us_ofac_sdn")
    planted = [as_party(f"P{i:03d}", e) for i, e in enumerate(added(store, sdn[2], sdn[1])[:60])]
    parties = synthetic(3000) + planted
    delta = version_delta(store, sdn[2], sdn[1])

    records.upsert(parties)
    local = Monitor(store, records).process(delta)
    assert len(local.raised) >= 50

    table = pa.table(
        {
            "id": [cp.id for cp in parties],
            "name": [cp.names[0] for cp in parties],
            "type": [cp.schema for cp in parties],
            "birth_date": [cp.birth_dates[0] if cp.birth_dates else None for cp in parties],
        }
    )
    pq.write_table(table, tmp_path / "book.parquet")
    store_b = SQLiteStore(other)
    records_b = store_b.monitor
    spark = session("local[2]")
    try:
        df = spark.read.parquet(str(tmp_path / "book.parquet")).repartition(3)
        remote = spark_delta(Monitor(store_b, records_b), delta, df)
    finally:
        spark.stop()
    assert remote.screened == len(parties)
    assert alerts(records_b) == alerts(records)
