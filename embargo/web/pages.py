"""The timeline and digest pages: ``/ui/timeline`` (the chart, filters, the largest waves) and
``/ui/digest`` (what changed in a period). GET forms: the filters hold list facts, never screened names.
A click on a bar of the chart opens the digest of its period."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from embargo.errors import StoreError
from embargo.service.digest_format import group_by_programme
from embargo.service.facets import BY, Filters
from embargo.service.timeline import ORIGIN_LABELS, PERIODS
from embargo.web.export import chart_svg, digest_body
from embargo.web.routes import Seen, error_page, page, router, service

MAX_PARTIES = 1000  # per programme group on a page: a digest of years can name tens of thousands


def _clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def filter_params(
    authority: Annotated[str | None, Query(max_length=200)] = None,
    programme: Annotated[str | None, Query(max_length=200)] = None,
    sector: Annotated[str | None, Query(max_length=100)] = None,
) -> Filters:
    """The filters both pages take (an empty field filters nothing)."""
    return Filters(_clean(authority), _clean(programme), _clean(sector))


NO_FILTERS = Filters()


@router.get("/timeline", response_class=HTMLResponse)
def timeline(
    request: Request,
    visitor: Seen,
    by: str = "authority",
    period: str = "month",
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    filters: Annotated[Filters, Depends(filter_params)] = NO_FILTERS,
) -> Response:
    form = {"by": by, "period": period, "from": from_ or "", "to": to or ""}
    form.update({k: v or "" for k, v in filters.to_dict().items()})
    with service(request) as svc:
        history = svc.history()
        options = {
            "by": BY,
            "period": PERIODS,
            "authority": sorted({a for m in history.marks for a in m.facets.authority}),
            "programme": sorted({p for m in history.marks for p in m.facets.programme}),
            "sector": sorted({s for m in history.marks for s in m.facets.sector}),
        }
        try:
            t = svc.timeline_of(history, by=by, period=period, start=from_, end=to, filters=filters)
        except StoreError as exc:
            return page(
                request, visitor, "timeline.html", 400, form=form, options=options, error=str(exc), t=None
            )
    form["from"] = t.start or ""
    return page(
        request,
        visitor,
        "timeline.html",
        form=form,
        options=options,
        t=t,
        svg=chart_svg(t, links=True),
        origins=ORIGIN_LABELS,
        error=None,
    )


@router.get("/digest", response_class=HTMLResponse)
def digest(
    request: Request,
    visitor: Seen,
    date: Annotated[str | None, Query(max_length=10)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    filters: Annotated[Filters, Depends(filter_params)] = NO_FILTERS,
) -> Response:
    try:
        with service(request) as svc:
            d = svc.digest(day=_clean(date), since=_clean(from_), until=_clean(to), filters=filters)
    except StoreError as exc:
        return error_page(request, visitor, str(exc), 400, "Cannot make this digest")
    return page(
        request,
        visitor,
        "digest.html",
        d=d,
        body=digest_body(d, links=True, limit=MAX_PARTIES),
        groups=group_by_programme,
    )
