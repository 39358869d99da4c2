"""embargo's own routes: /screen (with as_of), /lists, diffs, entity history, health and reload."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from embargo.api.context import JSONBytes, context, require_admin, require_read, require_screen, snapshot
from embargo.api.limits import check_date, check_text, check_texts
from embargo.api.match import ERRORS, check_algorithm
from embargo.api.models import ScreenRequest, ScreenResponse, StatusResponse
from embargo.api.results import query_dict
from embargo.errors import StoreError
from embargo.service.facets import Filters
from embargo.service.screening import QueryError, make_query

router = APIRouter(dependencies=[Depends(require_read)], tags=["embargo"])
admin = APIRouter(dependencies=[Depends(require_admin)], tags=["System information"])
health = APIRouter(tags=["System information"])


@router.post(
    "/screen",
    summary="Screen one query (optionally as of a date)",
    response_model=ScreenResponse,
    responses=ERRORS,
    dependencies=[Depends(require_screen)],
)
async def screen(request: Request, body: ScreenRequest) -> JSONBytes:
    """Screen one name with optional facts against the lists in force, or as they stood on ``as_of``:
    ``parties`` (the same person or company as several lists name it, each with its listings' results)
    and ``matches`` (every listing found); ``listings``: no grouping (``parties`` is null)."""
    as_of = check_date(body.as_of, "as_of")
    algo = check_algorithm(body.algorithm) if body.algorithm else None
    check_text(body.name, "name")
    for field in ("birth_dates", "countries", "identifiers", "sources"):
        check_texts(getattr(body, field) or [], field)
    for field in ("type", "gender", "algorithm"):
        if getattr(body, field):
            check_text(getattr(body, field), field)
    try:
        query = make_query(
            [body.name],
            schema=body.type,
            birth_dates=body.birth_dates,
            countries=body.countries,
            identifiers=body.identifiers,
            gender=body.gender,
            query_id="screen",
        )
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None
    ctx = context(request)
    snap = await ctx.off_loop(lambda: ctx.screening.as_of(as_of)) if as_of else snapshot(request)
    try:
        result = await ctx.off_loop(
            lambda: snap.screen(
                query,
                sources=body.sources,
                threshold=body.threshold,
                limit=body.limit,
                algorithm=algo,
                store=ctx.screening.store,
                by_party=not body.listings,
            )
        )
    except StoreError as exc:
        raise HTTPException(404, str(exc)) from None
    matches = result.matches
    versions = [v.to_dict() for v in result.versions]
    request.state.audit = {
        "query": {**query_dict(query), "as_of": as_of},
        "versions": versions,
        "scores": result.scores(),
    }
    return JSONBytes(
        {
            "query": query_dict(query),
            "algorithm": result.algorithm,
            "threshold": result.threshold,
            "as_of": as_of,
            "versions": versions,
            "matches": [m.to_dict() for m in matches],
            "parties": [p.to_dict() for p in result.parties] if result.parties is not None else None,
        }
    )


@router.get("/lists", summary="Sources, their versions and entity counts")
def lists(request: Request) -> list[dict[str, Any]]:
    with context(request).svc() as svc:
        return [s.to_dict() for s in svc.lists()]


@router.get("/lists/{source}/diff", summary="What changed between two versions of a list", responses=ERRORS)
def diff(
    request: Request,
    source: Annotated[str, Path(max_length=100, examples=["us_ofac_sdn"])],
    from_: Annotated[
        str | None, Query(alias="from", max_length=100, description="Version id, label or date")
    ] = None,
    to: Annotated[str | None, Query(max_length=100, description="Version id, label or date")] = None,
) -> dict[str, Any]:
    """Added, removed and changed entities (default: the last two versions)."""
    with context(request).svc() as svc:
        try:
            return svc.diff(source, from_, to).to_dict()
        except StoreError as exc:
            raise HTTPException(404, str(exc)) from None


@router.get(
    "/digest", summary="What the versions of a day or a period added, removed and changed", responses=ERRORS
)
def digest(
    request: Request,
    date: Annotated[
        str | None, Query(max_length=10, description="One day (default: the last publication day)")
    ] = None,
    since: Annotated[str | None, Query(max_length=10, description="From this day (YYYY-MM-DD)")] = None,
    to: Annotated[str | None, Query(max_length=10, description="Up to this day (YYYY-MM-DD)")] = None,
    authority: Annotated[str | None, Query(max_length=200)] = None,
    programme: Annotated[str | None, Query(max_length=200)] = None,
    sector: Annotated[str | None, Query(max_length=100)] = None,
) -> JSONBytes:
    """Per authority: parties added, removed and changed, with programmes and sectors (the payload a
    monitoring webhook sends: ``"type": "embargo.digest"``)."""
    with context(request).svc() as svc:
        try:
            d = svc.digest(day=date, since=since, until=to, filters=Filters(authority, programme, sector))
        except StoreError as exc:
            raise HTTPException(422, str(exc)) from None
    return JSONBytes(d.to_dict())


@router.get("/timeline", summary="Designations and removals per period and group", responses=ERRORS)
def timeline(
    request: Request,
    source: Annotated[list[str] | None, Query(max_length=100)] = None,
    by: Annotated[
        str, Query(max_length=20, description="authority, programme, sector, country, schema")
    ] = "authority",
    period: Annotated[str, Query(max_length=10, description="day, week or month")] = "month",
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    authority: Annotated[str | None, Query(max_length=200)] = None,
    programme: Annotated[str | None, Query(max_length=200)] = None,
    sector: Annotated[str | None, Query(max_length=100)] = None,
) -> JSONBytes:
    """Counts from version diffs and from listing dates, kept apart (``origin``), with the largest waves."""
    with context(request).svc() as svc:
        try:
            t = svc.timeline(
                source,
                by=by,
                period=period,
                start=from_,
                end=to,
                filters=Filters(authority, programme, sector),
            )
        except StoreError as exc:
            raise HTTPException(422, str(exc)) from None
    return JSONBytes(t.to_dict())


@router.get(
    "/entities/{entity_id}/history",
    summary="An entity as it stood on a date, with its history",
    responses=ERRORS,
)
def history(
    request: Request,
    entity_id: Annotated[str, Path(max_length=300, examples=["us_ofac_sdn:16649"])],
    as_of: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
) -> dict[str, Any]:
    when = check_date(as_of, "as_of")
    request.state.audit = {"query": {"entity": entity_id, "as_of": when}}
    with context(request).svc() as svc:
        try:
            return svc.entity(entity_id, when).to_dict()
        except StoreError as exc:
            raise HTTPException(404, str(exc)) from None


@admin.post("/admin/reload", status_code=202, summary="Rebuild the index from the store and swap it in")
def reload(request: Request) -> StatusResponse:
    """Rebuilds in the background; requests keep the current index until the new one is ready."""
    screening = context(request).screening
    screening.start_reload()
    return StatusResponse(
        status="reloading", built_at=screening.snapshot.built_at if screening.snapshot else None
    )


@health.get("/healthz", summary="The process is up")
async def healthz() -> StatusResponse:  # on the event loop: it answers while screenings run in threads
    return StatusResponse()


@health.get("/readyz", summary="The index is built (503 until then)", responses={503: ERRORS[503]})
def readyz(request: Request) -> StatusResponse:
    screening = context(request).screening
    snap = screening.snapshot
    if snap is None:
        detail = f"index build failed: {screening.error}" if screening.error else "the index is being built"
        raise HTTPException(503, detail)
    return StatusResponse(built_at=snap.built_at, entities=len(snap.entities), detail=screening.error)
