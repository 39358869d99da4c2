"""The portfolio index (``embargo.service.monitor_book``) against real OFAC SDN entities (the waves store)."""

from __future__ import annotations

from embargo.service.events import version_delta
from embargo.service.monitor import Monitor
from embargo.service.monitor_book import FIRST_CANDIDATES
from embargo.store import SQLiteStore
from embargo.store.monitor import Counterparty, MonitorStore
from tests.monitor.conftest import synthetic
from tests.monitor.test_engine import added


def test_a_listed_name_shared_by_more_counterparties_than_first_retrieved_alerts_on_all(
    stores: tuple[SQLiteStore, MonitorStore],
) -> None:
    store, records = stores
    sdn = store.versions("us_ofac_sdn")
    listed = sorted((e for e in added(store, sdn[2], sdn[1]) if e.schema == "Person"), key=lambda e: e.id)[0]
    shared = 3 * FIRST_CANDIDATES  # customers of that very name (and no other details)
    namesakes = [Counterparty(f"S{i:04d}", (listed.caption,), "Person") for i in range(shared)]
    records.upsert(synthetic(1000) + namesakes)

    monitor = Monitor(store, records)
    report = monitor.process(version_delta(store, sdn[2], sdn[1]))
    alerted = {a.counterparty_id for a in report.raised if a.entity_id == listed.id}
    assert alerted == {cp.id for cp in namesakes}
    assert all(cid.startswith("S") for cid in {a.counterparty_id for a in report.raised})
