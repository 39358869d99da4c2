"""yente-compatible routes: /match/{dataset}, /search/{dataset}, /entities/{id}, /catalog, /algorithms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from embargo.api.context import JSONBytes, context, require_screen, snapshot
from embargo.api.limits import check_match_queries, check_text, since_date
from embargo.api.models import (
    AlgorithmResponse,
    CatalogResponse,
    ErrorResponse,
    MatchRequest,
    MatchResponse,
    SearchResponse,
)
from embargo.api.results import ftm_entity, query_dict, scored_results
from embargo.errors import StoreError
from embargo.match.algorithm import ALGORITHMS, DEFAULT_ALGORITHM
from embargo.service.screening import QueryError, make_query, query_from_ftm
from embargo.service.snapshot import Snapshot

router = APIRouter(dependencies=[Depends(require_screen)])
ALL = ("default", "sanctions", "all")
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (401, "No valid API key"),
        (404, "Unknown dataset or entity"),
        (413, "Request body too large"),
        (422, "Invalid query"),
        (503, "Index not built yet"),
    )
}
DatasetPath = Annotated[
    str, Path(description="`default` (every list) or a source name, e.g. `us_ofac_sdn`", examples=["default"])
]
Limit = Annotated[int, Query(ge=1, le=100, description="Results per query")]
Algo = Annotated[str, Query(max_length=50, description=f"Scoring algorithm ({', '.join(ALGORITHMS)})")]
Listings = Annotated[
    bool,
    Query(
        description="One result per listing. By default one result per party (the same person or company "
        "as several lists name it), as yente serves a merged entity: its canonical id, `referents` (the "
        "listings' ids), `datasets`, and each listing's own scored result under `listings`"
    ),
]


def check_algorithm(name: str) -> str:
    if name == "best":
        return DEFAULT_ALGORITHM
    if name not in ALGORITHMS:
        raise HTTPException(422, f"unknown algorithm {name!r} (known: {', '.join(ALGORITHMS)})")
    return name


def dataset_sources(snap: Snapshot, dataset: str, include: list[str], exclude: list[str]) -> list[str]:
    known = snap.sources
    if dataset in ALL:
        sources = list(known)
    elif dataset in known:
        sources = [dataset]
    else:
        raise HTTPException(404, f"unknown dataset {dataset!r} (known: {', '.join([*ALL, *known])})")
    if include:
        sources = [s for s in sources if s in include]
    return [s for s in sources if s not in exclude]


@router.post(
    "/match/{dataset}",
    summary="Match entities by example (yente-compatible)",
    tags=["Matching"],
    response_model=MatchResponse,
    responses=ERRORS,
)
async def match(
    request: Request,
    body: MatchRequest,
    dataset: DatasetPath,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0, description="Score for `match: true`")] = None,
    limit: Limit = 5,
    algorithm: Algo = DEFAULT_ALGORITHM,
    include_dataset: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006 (FastAPI copies it)
    exclude_dataset: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    exclude_entity_ids: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    changed_since: Annotated[
        str | None, Query(max_length=40, description="YYYY-MM-DD or an ISO 8601 date-time")
    ] = None,
    listings: Listings = False,
) -> JSONBytes:
    """Screen a batch of FollowTheMoney query entities (``{"queries": {"key": {"schema", "properties"}}}``);
    each response lists the parties found (or, with ``listings``, the listed entities), best first, with
    ``score``, ``match`` and embargo's explanation.
    At most 50 queries, 20 names a query and 200 names a request."""
    snap = snapshot(request)
    algo = check_algorithm(algorithm)
    since = since_date(changed_since, "changed_since")
    sources = dataset_sources(snap, dataset, include_dataset, exclude_dataset)
    raw = {k: v.model_dump(by_alias=True) for k, v in body.queries.items()}
    check_match_queries(raw)
    try:
        queries = {k: query_from_ftm(v, default_id=k) for k, v in raw.items()}
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None
    excluded = frozenset(exclude_entity_ids)
    store = context(request).screening.store

    def run() -> tuple[dict[str, Any], dict[str, list[tuple[str, float]]]]:
        responses: dict[str, Any] = {}
        scores: dict[str, list[tuple[str, float]]] = {}
        for key, q in queries.items():
            result = snap.screen(
                q,
                sources=sources,
                exclude=excluded,
                changed_since=since,
                store=store,
                threshold=threshold,
                limit=limit,
                algorithm=algo,
                by_party=not listings,
            )
            results = scored_results(result)
            responses[key] = {
                "status": 200,
                "results": results,
                "total": {"value": len(results), "relation": "eq"},
                "query": body.queries[key].model_dump(by_alias=True, exclude_none=True),
            }
            scores[key] = result.scores()
        return responses, scores

    responses, audit_scores = await context(request).off_loop(run)
    versions = [v.to_dict() for v in snap.version_refs(sources)]
    request.state.audit = {
        "query": {k: query_dict(q) for k, q in queries.items()},
        "versions": versions,
        "scores": audit_scores,
    }
    return JSONBytes(
        {"responses": responses, "limit": limit, "algorithm": algo, "versions": versions},
        headers={"x-batch-size": str(len(responses))},
    )


@router.get(
    "/search/{dataset}",
    summary="Search by name (any type)",
    tags=["Matching"],
    response_model=SearchResponse,
    responses=ERRORS,
)
async def search(
    request: Request,
    dataset: DatasetPath,
    q: Annotated[str, Query(min_length=1, max_length=2000, examples=["Dmitri Rogosin"])],
    limit: Limit = 10,
    schema: Annotated[str | None, Query(max_length=50, examples=["Person"])] = None,
    listings: Listings = False,
) -> JSONBytes:
    """Screen the text as a name against the lists; results (parties, or listings with ``listings``) best
    first, with scores and explanations."""
    snap = snapshot(request)
    sources = dataset_sources(snap, dataset, [], [])
    check_text(q, "q")
    try:
        query = make_query([q], schema=schema, query_id="search")
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None
    store = context(request).screening.store
    result = await context(request).off_loop(
        lambda: snap.screen(query, sources=sources, limit=limit, store=store, by_party=not listings)
    )
    found = scored_results(result)
    versions = [v.to_dict() for v in result.versions]
    request.state.audit = {"query": query_dict(query), "versions": versions, "scores": result.scores()}
    return JSONBytes(
        {
            "results": found,
            "total": {"value": len(found), "relation": "eq"},
            "limit": limit,
            "offset": 0,
            "versions": versions,
        }
    )


@router.get(
    "/entities/{entity_id}",
    summary="One listed entity (FtM) with its history",
    tags=["Data access"],
    responses=ERRORS,
)
def entity(
    request: Request, entity_id: Annotated[str, Path(max_length=300, examples=["us-ofac-sdn-16649"])]
) -> dict[str, Any]:
    """The entity in FollowTheMoney shape (its latest listed state) and, under ``embargo``, its sanctions
    history across list versions. ``entity_id`` is embargo's id or ``SOURCE:LIST_ID``."""
    with context(request).svc() as svc:
        try:
            view = svc.entity(entity_id)
        except StoreError as exc:
            raise HTTPException(404, str(exc)) from None
    request.state.audit = {"query": {"entity": entity_id}}
    rest = {k: v for k, v in view.to_dict().items() if k != "entity"}
    return {**ftm_entity(view.entity), "embargo": rest}


@router.get("/catalog", summary="The lists served, with their versions", tags=["System information"])
def catalog(request: Request) -> CatalogResponse:
    snap = snapshot(request)
    with context(request).svc() as svc:
        lists = svc.lists()
    served = {v.source: v for v in snap.versions}
    datasets: list[dict[str, Any]] = []
    for s in lists:
        cur = served.get(s.source)
        datasets.append(
            {
                "name": s.source,
                "title": s.title,
                "authority": s.authority,
                "load": cur is not None,
                "version": f"{cur.id}:{cur.publish_date}" if cur else str(s.current.id if s.current else ""),
                "children": [],
                "versions": [
                    {"id": v.id, "label": v.label, "publish_date": v.publish_date} for v in s.versions
                ],
            }
        )
    for name in ALL[:2]:
        datasets.append(
            {
                "name": name,
                "title": "Every list in force",
                "version": snap.built_at,
                "children": list(served),
            }
        )
    outdated = [
        s.source for s in lists if s.source in served and s.current and s.current.id != served[s.source].id
    ]
    return CatalogResponse.model_validate(
        {"datasets": datasets, "current": list(served), "outdated": outdated, "index_stale": bool(outdated)}
    )


@router.get("/algorithms", summary="Scoring algorithms", tags=["System information"])
def algorithms() -> AlgorithmResponse:
    return AlgorithmResponse.model_validate(
        {
            "algorithms": [
                {"name": a.name, "description": a.description, "threshold": a.threshold}
                for a in ALGORITHMS.values()
            ],
            "default": DEFAULT_ALGORITHM,
            "best": DEFAULT_ALGORITHM,
        }
    )
