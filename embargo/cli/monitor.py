"""Continuous monitoring commands: ``portfolio``, ``monitor``, ``alerts``, ``audit export|replay``."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from embargo.cli.base import DbOpt, JsonOpt, app, emit_json, err, out, service
from embargo.cli.server import audit_app
from embargo.service.decisions import decide
from embargo.service.monitor import STATES, Counterparty, Monitor, MonitorError, counterparty, open_monitor
from embargo.service.monitor_cases import case, cases, decide_case

portfolio_app = typer.Typer(help="The counterparties monitored: add from a file, list, remove, history.")
monitor_app = typer.Typer(help="Re-screen the portfolio on list changes; webhooks.")
alerts_app = typer.Typer(help="Alerts: list, show, decide, comment.", invoke_without_command=True)
app.add_typer(portfolio_app, name="portfolio")
app.add_typer(monitor_app, name="monitor")
app.add_typer(alerts_app, name="alerts")


@contextmanager
def monitor(db: str | Path | None) -> Iterator[Monitor]:
    with service(db) as svc:
        m = open_monitor(svc)
        try:
            yield m
        finally:
            m.close()


def read_portfolio(
    path: Path, mapping_file: Path | None, name_col: str | None, id_col: str | None
) -> list[Counterparty]:
    """Counterparties from a CSV, TSV, JSON lines, Parquet or XLSX file through the screen-file
    mapping; a bad row stops the import (nothing is stored) and is named by its line."""
    from embargo.batch.mapping import Mapping
    from embargo.batch.reader import Input, Reject
    from embargo.service.screening import QueryError, query_from_ftm

    inp = Input(path)
    mapping = (Mapping.from_yaml(mapping_file) if mapping_file else Mapping()).merged(
        Mapping(name=name_col, id=id_col)
    )
    if not inp.yente:
        mapping = mapping.resolve(inp.columns, str(path))
        if not mapping.id:
            raise MonitorError(
                f"{path}: no id column (columns: {', '.join(inp.columns)}); name it with --id-col"
            )
    parties = []
    for raw in inp.rows():
        if isinstance(raw, Reject):
            raise MonitorError(f"{path}: line {raw.line}: {raw.reason}; nothing was added")
        try:
            if raw.ftm is not None:
                q = query_from_ftm(raw.ftm)
            else:
                # a stored counterparty is kept as given: a value batch screening would leave out (a birth
                # date that is no date) stops the import instead of being dropped from the record
                q, left_out = mapping.noted_query(raw.cells, raw.line)
                if left_out:
                    raise MonitorError("; ".join(n.split(":")[0] for n in left_out))
            parties.append(counterparty(q))
        except (QueryError, MonitorError) as exc:
            raise MonitorError(f"{path}: line {raw.line}: {exc}; nothing was added") from None
    return parties


@portfolio_app.command("add")
def portfolio_add(
    file: Annotated[
        Path, typer.Argument(help="CSV, TSV, JSON lines, Parquet or XLSX, one counterparty a row.")
    ],
    mapping_file: Annotated[Path | None, typer.Option("--mapping", help="YAML: field -> column.")] = None,
    name_col: Annotated[str | None, typer.Option("--name-col", help="The name column.")] = None,
    id_col: Annotated[str | None, typer.Option("--id-col", help="The column of your own id.")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Add or update counterparties by id; the new and changed ones are screened at once."""
    parties = read_portfolio(file, mapping_file, name_col, id_col)
    with monitor(db) as m:
        report = m.add(parties)
    if json:
        emit_json({"read": len(parties), **report.to_dict()})
    else:
        out.print(
            f"{len(parties)} read, {report.screened} new or changed screened, {len(report.raised)} alerts raised",
            highlight=False,
        )


@portfolio_app.command("list")
def portfolio_list(
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """The counterparties, by id."""
    with monitor(db) as m:
        parties = [cp for _, cp in zip(range(limit), m.records.portfolio(), strict=False)]
        total = m.records.portfolio_size()
    if json:
        emit_json({"total": total, "counterparties": [cp.to_dict() for cp in parties]})
        return
    for cp in parties:
        facts = " ".join(x for x in (cp.schema or "", *cp.birth_dates, *cp.countries, *cp.identifiers) if x)
        out.print(f"{cp.id}\t{'; '.join(cp.names)}\t{facts}", highlight=False, markup=False)
    err.print(f"{len(parties)} of {total} counterparties")


@portfolio_app.command("remove")
def portfolio_remove(
    ids: Annotated[list[str], typer.Argument(help="Counterparty ids.")],
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Remove counterparties (their alerts and history stay)."""
    with monitor(db) as m:
        n = m.records.remove(ids)
    if json:
        emit_json({"removed": n})
    else:
        out.print(f"{n} removed")


@portfolio_app.command("history")
def portfolio_history(cid: Annotated[str, typer.Argument(help="Counterparty id.")], db: DbOpt = None) -> None:
    """A counterparty's own changes: added, changed, removed, with the record after each (JSON)."""
    with monitor(db) as m:
        emit_json([h.to_dict() for h in m.records.portfolio_history(cid)])


@monitor_app.command("run")
def monitor_run(
    full: Annotated[bool, typer.Option("--full", help="Re-screen the whole portfolio (safety net).")] = False,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Process every list version stored since the last run (only what changed), or --full."""
    with monitor(db) as m:
        reports = m.run(full=full)
    if json:
        emit_json([r.to_dict() for r in reports])
        return
    for r in reports:
        where = f"{r.source} version {r.version_id}" if r.source else "all lists"
        out.print(
            f"{r.kind} {where}: {r.screened} screened, {r.candidates} re-checked, {len(r.raised)} alerts raised, "
            f"{len(r.delisted)} delisted in {r.seconds:.2f} s",
            highlight=False,
        )
    if not reports:
        out.print("nothing new to process")


@monitor_app.command("webhook")
def monitor_webhook(
    url: Annotated[str, typer.Argument(help="Where to POST alert events.")],
    secret: Annotated[list[str], typer.Option("--secret", help="Signing secret (repeat while rotating).")],
    db: DbOpt = None,
) -> None:
    """Register a webhook endpoint; every alert event is signed with each secret."""
    with monitor(db) as m:
        eid = m.records.add_endpoint(url, secret)
    out.print(f"webhook {eid}: {url}", highlight=False)


@monitor_app.command("deliver")
def monitor_deliver(db: DbOpt = None) -> None:
    """Deliver the webhook events that are due once (for cron; the API server delivers in the background)."""
    from embargo.service.webhooks import Dispatcher

    with monitor(db) as m:
        d = Dispatcher(m.records)
        try:
            n = d.drain()
        finally:
            d.stop()
        dead = len(m.records.deliveries("dead"))
    out.print(f"{n} delivered; {dead} dead-lettered in all")


@alerts_app.callback()
def alerts_list(
    ctx: typer.Context,
    state: Annotated[
        str | None, typer.Option("--state", help=f"Only alerts in this state ({', '.join(STATES)}).")
    ] = None,
    cid: Annotated[str | None, typer.Option("--counterparty", help="Only this counterparty's.")] = None,
    listings: Annotated[
        bool, typer.Option("--listings", help="One row per alert (listing), not one case per listed party.")
    ] = False,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """The alert cases (a counterparty against one listed party, all its listings), with counts per state;
    ``--listings``: one row per alert (counterparty x listed entity)."""
    if ctx.invoked_subcommand is not None:
        return
    wanted = _state(state) if state else None
    with monitor(db) as m:
        if not listings:
            found = cases(m.records, m.parties, state=wanted, counterparty_id=cid)
            counts = m.records.counts()
        else:
            alerts = m.records.alerts(state=wanted, counterparty_id=cid)
            counts = m.records.counts()
    if not listings:
        if json:
            emit_json({"counts": counts, "cases": [c.to_dict() for c in found]})
            return
        for c in found:
            flag = " [delisted]" if all(a.delisted_version_id for a in c.alerts) else ""
            ids = ",".join(str(a.id) for a in c.alerts)
            out.print(
                f"{c.key}\t{c.state}\t{c.score:.2f}\t{c.caption}: {', '.join(c.sources)} (alerts {ids}){flag}",
                highlight=False,
                markup=False,
            )
        err.print("alerts: " + "  ".join(f"{k}: {v}" for k, v in counts.items()))
        return
    if json:
        emit_json({"counts": counts, "alerts": [a.to_dict() for a in alerts]})
        return
    for a in alerts:
        flag = " [delisted]" if a.delisted_version_id else ""
        out.print(
            f"{a.id}\t{a.state}\t{a.score:.2f}\t{a.counterparty_id}\t{a.caption} ({a.entity_id}){flag}",
            highlight=False,
            markup=False,
        )
    err.print("  ".join(f"{k}: {v}" for k, v in counts.items()))


def _state(value: str) -> str:
    state = value.replace("-", "_").lower()
    if state not in STATES:
        raise MonitorError(f"unknown alert state {value!r} (states: {', '.join(STATES)})")
    return state


@alerts_app.command("show")
def alerts_show(alert_id: Annotated[int, typer.Argument(help="Alert id.")], db: DbOpt = None) -> None:
    """One alert with its explanation and history (JSON)."""
    with monitor(db) as m:
        a = m.records.alert(alert_id)
        emit_json({**a.to_dict(), "history": [e.to_dict() for e in m.records.events(alert_id)]})


@alerts_app.command("decide")
def alerts_decide(
    ref: Annotated[
        str, typer.Argument(help="An alert id, or a case key COUNTERPARTY|PARTY (every alert of the case).")
    ],
    as_: Annotated[str, typer.Option("--as", help="in-review, true-match, false-positive or escalated.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who decides (default: $USER).")] = None,
    four_eyes: Annotated[
        bool, typer.Option("--four-eyes", help="A closure needs a second reviewer.")
    ] = False,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Move an alert, or every alert of a case, to a new state, with who and why."""
    who = reviewer or getpass.getuser()
    to_state = _state(as_)
    if not ref.strip().isdigit():
        with monitor(db) as m:
            moved = decide_case(
                m.records, case(m.records, m.parties, ref), to_state, actor=who, reason=reason,
                four_eyes=four_eyes,
            )  # fmt: skip
        if json:
            emit_json({"case": ref, "alerts": [a.to_dict() for a in moved]})
            return
        for a in moved:
            now = f"{a.proposed_state} proposed by {who}" if a.proposed_state else f"now {a.state}"
            out.print(f"alert {a.id} ({a.source}): {now}", highlight=False, markup=False)
        return
    with monitor(db) as m:
        a = decide(m, int(ref), to_state, actor=who, reason=reason, four_eyes=four_eyes)
    if json:
        emit_json(a.to_dict())
    elif a.proposed_state:
        out.print(f"alert {a.id}: {a.proposed_state} proposed by {who}; a second reviewer confirms it")
    else:
        out.print(f"alert {a.id} is now {a.state}")


@alerts_app.command("comment")
def alerts_comment(
    alert_id: Annotated[int, typer.Argument(help="Alert id.")],
    text: Annotated[str, typer.Argument(help="The comment.")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who (default: $USER).")] = None,
    db: DbOpt = None,
) -> None:
    """Add a comment to an alert's history."""
    with monitor(db) as m:
        m.records.comment(alert_id, actor=reviewer or getpass.getuser(), text=text)
    out.print(f"comment added to alert {alert_id}")


@audit_app.command("export")
def audit_export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    since: Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="To this date, inclusive.")] = None,
    cid: Annotated[str | None, typer.Option("--counterparty", help="Only this counterparty.")] = None,
    alert: Annotated[int | None, typer.Option("--alert", help="Only this alert's decisions.")] = None,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write here (default: standard output).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """The monitoring audit trail (screenings and decisions) as JSON lines or CSV."""
    from embargo.service.monitor_audit import export

    with monitor(db) as m:
        records = m.records.audit(since=since, until=until, counterparty_id=cid, alert_id=alert)
        if output is None:
            n = export(records, sys.stdout, fmt)
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = export(records, fh, fmt)
    err.print(f"{n} records")


@audit_app.command("replay")
def audit_replay(
    sample: Annotated[int, typer.Option("--sample", help="How many recorded screenings to re-run.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Which sample.")] = 0,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Re-run recorded monitoring screenings with their list versions and algorithm; exit 1 on a difference."""
    from embargo.service.monitor_audit import replay

    with monitor(db) as m:
        report = replay(m.store, m.records, sample, seed)
    if json:
        emit_json(report.to_dict())
    else:
        out.print(f"{report.checked} replayed, {report.same} the same, {len(report.differences)} different")
        for d in report.differences:
            err.print(str(d), highlight=False, markup=False)
    if report.differences:
        raise typer.Exit(1)
