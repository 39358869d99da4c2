"""The alert queue (``/ui/alerts``: counts per state, filters) and the review page (``/ui/alerts/{id}``:
the counterparty and the listed entity side by side, the explanation, the alert's history, the decision
and comment forms, each a POST with a CSRF token). Any logged-in role reads them; deciding and commenting
need a reviewer or admin (an analyst is not shown the forms, and a POST of theirs gets a 403 page). The
reviewer is the logged-in user; a four-eyes closure is confirmed only by someone else."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from embargo.api.monitor import lock, monitor_of
from embargo.errors import EmbargoError
from embargo.match.types import Contribution
from embargo.service import decisions
from embargo.service.monitor import STATES, Monitor
from embargo.service.monitor_cases import AlertCase, case_of_alert, cases, decide_case
from embargo.web import auth, views
from embargo.web.routes import Reviewer, Seen, error_page, page

router = APIRouter(prefix="/ui", include_in_schema=False)
DECISIONS = ("in_review", "true_match", "false_positive", "escalated")
PAGE = 200


def label(state: str) -> str:
    return state.replace("_", " ")


@router.get("/alerts", response_class=HTMLResponse)
async def queue(
    request: Request,
    visitor: Seen,
    state: str | None = None,
    counterparty: str | None = None,
    listings: bool = False,
) -> Response:
    """One row per case (a counterparty against one listed party, all its listings), or with ``listings``
    one row per alert."""
    wanted = state if state in STATES else None
    who = (counterparty or "").strip() or None
    m = monitor_of(request)

    def read() -> tuple[list[Any], list[AlertCase], dict[str, int]]:
        with lock:
            if listings:
                return m.records.alerts(state=wanted, counterparty_id=who, limit=PAGE), [], m.records.counts()
            found = cases(m.records, m.parties, state=wanted, counterparty_id=who, limit=PAGE)
            return [], found, m.records.counts()

    alerts, found, counts = await run_in_threadpool(read)
    return page(
        request, visitor, "alerts.html", alerts=alerts, cases=found, listings=listings, counts=counts,
        state=wanted, counterparty=who or "", states=STATES, label=label, total=sum(counts.values()),
    )  # fmt: skip


def _review(m: Monitor, alert_id: int) -> dict[str, Any]:
    a = m.records.alert(alert_id)
    members = m.store.members(a.version_id)
    entity = m.store.state(members[a.entity_id]) if a.entity_id in members else None
    if entity is None:  # delisted since: the state it had when the alert was raised, from its history
        states = [h for h in m.store.history(a.entity_id) if h.state_hash]
        entity = m.store.state(states[-1].state_hash) if states and states[-1].state_hash else None
    rows = views.explanation_rows(
        tuple(
            Contribution(
                c["feature"], c.get("query_value"), c.get("list_value"), c["similarity"], c["weight"],
                c.get("detail", ""),
            )
            for c in a.explanation
        )
    )  # fmt: skip
    return {
        "alert": a,
        "cp": m.records.counterparty(a.counterparty_id),
        "entity": entity,
        "rows": rows,
        "history": m.records.events(alert_id),
        "moves": [s for s in DECISIONS if s != a.state],
        "case": case_of_alert(m.records, m.parties, alert_id),
    }


async def review_page(
    request: Request, visitor: auth.Visitor, alert_id: int, status: int = 200, error: str | None = None
) -> Response:
    m = monitor_of(request)

    def read() -> dict[str, Any]:
        with lock:
            return _review(m, alert_id)

    try:
        ctx = await run_in_threadpool(read)
    except EmbargoError as exc:
        return error_page(request, visitor, str(exc), 404, "No such alert")
    may_decide = visitor.may("decide")  # an analyst sees the alert but not the forms that change it
    return page(
        request, visitor, "alert.html", status, label=label, error=error, may_decide=may_decide, **ctx
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
async def review(request: Request, visitor: Seen, alert_id: int) -> Response:
    return await review_page(request, visitor, alert_id)


@router.post("/alerts/{alert_id}", response_class=HTMLResponse)
async def decide(request: Request, visitor: Reviewer, alert_id: int) -> Response:
    """A decision (``state`` + ``reason``) or a ``comment``; back to the page, or the page with the error."""
    form = await auth.read_form(request)
    if not auth.csrf_ok(visitor, form):
        msg = "the form has expired or did not come from this page; please try again"
        return await review_page(request, visitor, alert_id, 403, error=msg)
    who = visitor.user or "web"
    m = monitor_of(request)

    def write() -> None:
        with lock:
            if form.get("comment", "").strip():
                m.records.comment(alert_id, actor=who, text=form["comment"])
            elif form.get("whole_case") == "on":
                decide_case(
                    m.records, case_of_alert(m.records, m.parties, alert_id), form.get("state", ""), actor=who,
                    reason=form.get("reason", ""),
                    four_eyes=form.get("four_eyes") == "on",
                )  # fmt: skip
            else:
                decisions.decide(
                    m, alert_id, form.get("state", ""), actor=who, reason=form.get("reason", ""),
                    four_eyes=form.get("four_eyes") == "on",
                )  # fmt: skip

    try:
        await run_in_threadpool(write)
    except decisions.SameReviewer as exc:
        return await review_page(request, visitor, alert_id, 403, error=str(exc))
    except EmbargoError as exc:
        return await review_page(request, visitor, alert_id, 400, error=str(exc))
    return RedirectResponse(f"/ui/alerts/{alert_id}", status_code=303)
