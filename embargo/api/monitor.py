"""Continuous monitoring over HTTP: the portfolio, runs, alerts and decisions, the audit trail.

Reading routes (the portfolio, alerts, a counterparty's history) take any valid key; decisions and
comments need a reviewer or admin key; portfolio changes, runs and the audit export an admin key (see
:mod:`embargo.service.permissions`). The reviewer of a decision is ``key:<id>`` (or the web user), and
a closure proposed under four-eyes is confirmed only by someone else. One :class:`Monitor` per app, used by one
request at a time; a background thread delivers its webhook events.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from embargo.api.context import JSONBytes, context, require_admin, require_decide, require_read
from embargo.api.limits import MAX_OFFSET
from embargo.errors import EmbargoError
from embargo.service import Service
from embargo.service.decisions import SameReviewer, decide
from embargo.service.monitor import Monitor, MonitorError, counterparty, open_monitor
from embargo.service.monitor_cases import case, cases, decide_case
from embargo.service.screening import QueryError, make_query

AlertId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The alert's id")]

T = TypeVar("T")
reader = APIRouter(prefix="/monitor", dependencies=[Depends(require_read)], tags=["Monitoring"])
reviewer = APIRouter(prefix="/monitor", dependencies=[Depends(require_decide)], tags=["Monitoring"])
admin = APIRouter(prefix="/monitor", dependencies=[Depends(require_admin)], tags=["Monitoring"])
lock = threading.RLock()  # one monitor operation at a time (the web pages take it too)


class CounterpartyIn(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    names: list[str] = Field(min_length=1, max_length=50)
    type: str | None = None
    birth_dates: list[str] = Field(default_factory=list, max_length=50)
    countries: list[str] = Field(default_factory=list, max_length=50)
    identifiers: list[str] = Field(default_factory=list, max_length=50)
    gender: str | None = None


class PortfolioIn(BaseModel):
    counterparties: list[CounterpartyIn] = Field(max_length=10_000)


class RunIn(BaseModel):
    full: bool = False


class DecisionIn(BaseModel):
    state: str = Field(description="in_review, true_match, false_positive or escalated")
    reason: str = Field(min_length=1, max_length=2000)
    four_eyes: bool = False


class CaseDecisionIn(DecisionIn):
    key: str = Field(min_length=3, max_length=1000, description="the case's key: COUNTERPARTY_ID|PARTY_ID")


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


def monitor_of(request: Request) -> Monitor:
    """The app's monitor (made on first use, with its webhook dispatcher started)."""
    app = request.app
    with lock:
        found: Monitor | None = getattr(app.state, "monitor", None)
        if found is None:
            from embargo.service.webhooks import start_dispatcher

            # a service of its own: the monitor's reads and writes never share a connection with a route's
            svc = app.state.monitor_service = Service.open(context(request).db)
            found = app.state.monitor = open_monitor(svc)
            app.state.webhooks = start_dispatcher(svc)
        return found


async def run(request: Request, fn: Callable[[Monitor], T]) -> T:
    """``fn`` over the app's monitor in a worker thread, one at a time; its errors as 4xx (501 when this
    store cannot keep monitoring records)."""
    try:
        m = monitor_of(request)
    except MonitorError as exc:
        raise HTTPException(501, str(exc)) from None

    def locked() -> T:
        with lock:
            return fn(m)

    try:
        return await context(request).off_loop(locked)
    except SameReviewer as exc:
        raise HTTPException(403, str(exc)) from None
    except MonitorError as exc:
        status = 404 if str(exc).startswith("no alert") else 422
        raise HTTPException(status, str(exc)) from None
    except EmbargoError as exc:
        raise HTTPException(422, str(exc)) from None


def actor(request: Request) -> str:
    """Who acts: the web user, else ``key:<id>`` (as a web login with that key is named), else "api"."""
    key_id = getattr(request.state, "key_id", None)
    return getattr(request.state, "user", None) or (f"key:{key_id}" if key_id else "api")


@admin.put("/portfolio", summary="Add or update counterparties (screened at once)")
async def portfolio_put(request: Request, body: PortfolioIn) -> JSONBytes:
    """Upsert counterparties by your own id; the new and changed ones are screened against the lists in force."""
    try:
        parties = [
            counterparty(
                make_query(c.names, schema=c.type, birth_dates=c.birth_dates, countries=c.countries,
                           identifiers=c.identifiers, gender=c.gender),
                c.id,
            )
            for c in body.counterparties
        ]  # fmt: skip
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None
    report = await run(request, lambda m: m.add(parties))
    return JSONBytes(report.to_dict())


@reader.get("/portfolio", summary="The counterparties monitored")
async def portfolio_get(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> JSONBytes:
    """Counterparties by id, a page at a time."""

    def page(m: Monitor) -> dict[str, Any]:
        it = m.records.portfolio()
        rows = [cp.to_dict() for i, cp in enumerate(it) if offset <= i < offset + limit]
        return {"total": m.records.portfolio_size(), "counterparties": rows}

    return JSONBytes(await run(request, page))


@admin.delete("/portfolio/{cid}", summary="Remove a counterparty")
async def portfolio_delete(request: Request, cid: str) -> JSONBytes:
    """Remove one counterparty from monitoring (its alerts and history stay)."""
    n = await run(request, lambda m: m.records.remove([cid]))
    if not n:
        raise HTTPException(404, f"no counterparty {cid!r}")
    return JSONBytes({"removed": n})


@reader.get("/portfolio/{cid}/history", summary="A counterparty's own changes")
async def portfolio_history(request: Request, cid: str) -> JSONBytes:
    """Each change of the counterparty's record (added, changed, removed) with the record after it."""
    return JSONBytes([h.to_dict() for h in await run(request, lambda m: m.records.portfolio_history(cid))])


@admin.post("/run", summary="Process new list versions (or re-screen everything)")
async def monitor_run(request: Request, body: RunIn) -> JSONBytes:
    """Process every list version stored since the last run; ``full`` re-screens the whole portfolio."""
    reports = await run(request, lambda m: m.run(full=body.full))
    return JSONBytes([r.to_dict() for r in reports])


@reader.get("/alerts", summary="Alerts, with counts per state")
async def alerts_get(
    request: Request,
    state: str | None = None,
    counterparty_id: Annotated[str | None, Query(alias="counterparty")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> JSONBytes:
    """Alerts (counterparty x listed entity), filtered by state or counterparty."""

    def listing(m: Monitor) -> dict[str, Any]:
        found = m.records.alerts(state=state, counterparty_id=counterparty_id, limit=limit, offset=offset)
        return {"counts": m.records.counts(), "alerts": [a.to_dict() for a in found]}

    return JSONBytes(await run(request, listing))


@reader.get("/cases", summary="Alert cases: one per counterparty and listed party")
async def cases_get(
    request: Request,
    state: str | None = None,
    counterparty_id: Annotated[str | None, Query(alias="counterparty")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> JSONBytes:
    """A counterparty's alerts on the listings of one resolved party (the same person as listed by several
    authorities) as one case, most pressing first; ``state`` filters on the case's most pressing state."""

    def listing(m: Monitor) -> dict[str, Any]:
        found = cases(m.records, m.parties, state=state, counterparty_id=counterparty_id, limit=limit)
        return {"counts": m.records.counts(), "cases": [c.to_dict() for c in found]}

    return JSONBytes(await run(request, listing))


@reviewer.post("/cases/decision", summary="Decide every alert of a case")
async def case_decide(request: Request, body: CaseDecisionIn) -> JSONBytes:
    """One decision recorded on each alert of the case that can take it, each in the audit trail."""
    who = actor(request)

    def apply(m: Monitor) -> dict[str, Any]:
        moved = decide_case(
            m.records, case(m.records, m.parties, body.key), body.state, actor=who, reason=body.reason,
            four_eyes=body.four_eyes,
        )  # fmt: skip
        return {"key": body.key, "alerts": [a.to_dict() for a in moved]}

    return JSONBytes(await run(request, apply))


@reader.get("/alerts/{alert_id}", summary="One alert, both sides and its history")
async def alert_get(request: Request, alert_id: AlertId) -> JSONBytes:
    """The alert with its explanation, the counterparty, and every event of its history."""

    def one(m: Monitor) -> dict[str, Any]:
        a = m.records.alert(alert_id)
        cp = m.records.counterparty(a.counterparty_id)
        return {
            **a.to_dict(),
            "counterparty": cp.to_dict() if cp else None,
            "history": [e.to_dict() for e in m.records.events(alert_id)],
        }

    return JSONBytes(await run(request, one))


@reviewer.post("/alerts/{alert_id}/decision", summary="Decide an alert")
async def alert_decide(request: Request, alert_id: AlertId, body: DecisionIn) -> JSONBytes:
    """Move the alert to a new state with a reason; with ``four_eyes`` a closure waits for a second reviewer."""
    who = actor(request)
    a = await run(
        request,
        lambda m: decide(m, alert_id, body.state, actor=who, reason=body.reason, four_eyes=body.four_eyes),
    )
    return JSONBytes(a.to_dict())


@reviewer.post("/alerts/{alert_id}/comments", summary="Comment on an alert")
async def alert_comment(request: Request, alert_id: AlertId, body: CommentIn) -> JSONBytes:
    """Add a comment to the alert's history."""
    who = actor(request)
    e = await run(request, lambda m: m.records.comment(alert_id, actor=who, text=body.text))
    return JSONBytes(e.to_dict())


@admin.get("/audit", summary="The monitoring audit trail (JSON lines or CSV)")
async def audit_get(
    request: Request,
    since: str | None = None,
    until: str | None = None,
    counterparty_id: Annotated[str | None, Query(alias="counterparty")] = None,
    alert: int | None = None,
    format: Annotated[str, Query(pattern="^(jsonl|csv)$")] = "jsonl",
) -> Response:
    """Screenings and decisions, filtered by dates, counterparty or alert."""
    from embargo.service.monitor_audit import export_text

    text = await run(
        request,
        lambda m: export_text(
            m.records.audit(since=since, until=until, counterparty_id=counterparty_id, alert_id=alert), format
        ),
    )
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return PlainTextResponse(text, media_type=media)
