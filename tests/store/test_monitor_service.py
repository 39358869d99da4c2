"""Monitoring through the service and the command line on every backend: the monitor opens its records from
the store (``store.monitor``), so a PostgreSQL database keeps alerts and decisions like a SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers the commands)
from embargo.cli.base import app as cli
from embargo.service import Service
from embargo.service.monitor import open_monitor
from embargo.store.monitor import Counterparty

UN = "un_sc_consolidated/2026-02-27"
runner = CliRunner()


def test_a_monitor_keeps_its_alerts_and_decisions_in_the_store(store_url: str, lists_dir: Path) -> None:
    svc = Service.open(store_url)
    try:
        assert [o.status for o in svc.ingest([lists_dir / UN])] == ["created"]
        (v,) = svc.store.versions()
        listed = next(e for e in svc.store.entities_at(v.id) if e.schema == "Person" and e.names)
        m = open_monitor(svc)
        report = m.add([Counterparty("K1", (listed.names[0].value,), "Person")])
        assert listed.id in {a.entity_id for a in report.raised}
        m.close()  # the records are the store's: still open for the store's next reader
        assert svc.store.monitor.portfolio_size() == 1
    finally:
        svc.close()
    shown = runner.invoke(cli, ["alerts", "--counterparty", "K1", "--listings", "--json", "--db", store_url])
    assert shown.exit_code == 0, shown.output
    alert_id = next(a["id"] for a in json.loads(shown.output)["alerts"] if a["entity_id"] == listed.id)
    decided = runner.invoke(
        cli,
        ["alerts", "decide", str(alert_id), "--as", "false-positive", "--reason", "other person",
         "--reviewer", "ana", "--db", store_url],
    )  # fmt: skip
    assert decided.exit_code == 0, decided.output
    again = Service.open(store_url)
    try:
        assert again.store.monitor.alert(alert_id).state == "false_positive"
        assert [r.reviewer for r in again.store.monitor.audit(kind="decision")] == ["ana"]
    finally:
        again.close()
