"""The web page at ``/ui``: search with explained results, an entity's history, list versions and diffs;
``/login`` and ``/logout``.

Plain server-rendered HTML (Jinja2, autoescaped), mounted in the API app: the pages use the app's
service (:func:`embargo.api.context.context`), its screening snapshot and its store. Errors a user can
cause are shown on the page with a 4xx status. Once keys or users exist every page needs a login (:mod:`embargo.web.auth`),
and the visitor's role (or key scope) must allow what the page or form does (403 page otherwise);
the screening form is a POST with a CSRF token, so screened names never travel in URLs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from embargo.api.context import PageError, context
from embargo.api.results import query_dict
from embargo.errors import EmbargoError, StoreError
from embargo.service import Service
from embargo.service.permissions import PermissionDenied
from embargo.service.screening import QueryError, make_query
from embargo.web import auth, views

HERE = Path(__file__).resolve().parent
TYPES = ("any", "person", "organization", "vessel", "aircraft")
LIMIT = 10
MAX_ROWS = 2000  # per diff section; a first publication can add tens of thousands

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals["schema_label"] = lambda s: views.SCHEMA_LABELS.get(s, s)
env.filters["describe"] = views.describe
env.filters["prop_label"] = views.prop_label

router = APIRouter(prefix="/ui", include_in_schema=False)
login_router = APIRouter(include_in_schema=False)


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


def page(request: Request, visitor: auth.Visitor, name: str, status: int = 200, **context: Any) -> Response:
    """A page for this visitor: their name and CSRF token in the template, the CSRF cookie if new."""
    response = render(
        name, status, user=visitor.user, csrf=visitor.csrf, may_admin=visitor.may("admin"), **context
    )
    return auth.finish(request, response, visitor)


def error_page(
    request: Request, visitor: auth.Visitor, message: str, status: int, title: str = "Something is not right"
) -> Response:
    return page(request, visitor, "error.html", status, title=title, message=message)


def allowed(action: str) -> Callable[[Request], auth.Visitor]:
    """A dependency: the visitor of a page (a redirect to /login when a login is needed), who must be
    allowed ``action`` (see :mod:`embargo.service.permissions`): else a 403 page that says why."""

    def check(request: Request) -> auth.Visitor:
        visitor = auth.visitor(request, store_path(request))
        try:
            visitor.check(action)
        except PermissionDenied as exc:
            raise PageError(error_page(request, visitor, str(exc), 403, "Not allowed")) from None
        return visitor

    return check


current_visitor = allowed("read")  # every page reads; its forms may need more (see the types below)
Seen = Annotated[auth.Visitor, Depends(current_visitor)]
Screener = Annotated[auth.Visitor, Depends(allowed("screen"))]
Reviewer = Annotated[auth.Visitor, Depends(allowed("decide"))]
Admin = Annotated[auth.Visitor, Depends(allowed("admin"))]


def store_path(request: Request) -> Path | str:
    """Where the app's store is (the login and the sessions live there)."""
    return context(request).db


class IndexLoading(EmbargoError):
    """The app's screening index is still being built."""


@contextmanager
def service(request: Request) -> Iterator[Service]:
    """The app's service, one caller at a time."""
    with context(request).svc() as svc:
        yield svc


@router.get("/static/embargo.css")
def stylesheet() -> Response:
    css = (HERE / "static" / "embargo.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=300"})


FORM_FIELDS = ("name", "type", "birth_date", "country", "as_of", "listings")


@router.get("", response_class=HTMLResponse)
def search_form(request: Request, visitor: Screener) -> Response:
    """The empty form (a search is a POST: names are not put in URLs, where logs and history keep them)."""
    form = dict.fromkeys(FORM_FIELDS, "") | {"type": "any"}
    return page(
        request, visitor, "search.html", form=form, types=TYPES, results=None, error=None, versions=[]
    )


@router.post("", response_class=HTMLResponse)
async def search(request: Request, visitor: Screener) -> Response:
    sent = await auth.read_form(request)
    form = {k: sent.get(k, "").strip() for k in FORM_FIELDS}
    form["type"] = form["type"] or "any"
    ctx: dict[str, Any] = {"form": form, "types": TYPES, "results": None, "error": None, "versions": []}
    if not auth.csrf_ok(visitor, sent):
        ctx["error"] = "the form has expired or did not come from this page; please search again"
        return page(request, visitor, "search.html", 403, **ctx)
    return await run_in_threadpool(_screen, request, visitor, form, ctx)


def _screen(request: Request, visitor: auth.Visitor, form: dict[str, str], ctx: dict[str, Any]) -> Response:
    when = form["as_of"] or None
    try:
        query = make_query(
            [form["name"]],
            schema=form["type"],
            birth_dates=[form["birth_date"]] if form["birth_date"] else None,
            countries=[form["country"]] if form["country"] else None,
        )
        screening = context(request).screening
        if when:
            snap = screening.as_of(when)
            if not snap.versions:
                raise StoreError(f"no list had been published by {when}: nothing to screen against")
        elif screening.snapshot is None:
            raise IndexLoading("the screening index is being built; try again in a few seconds")
        else:
            snap = screening.snapshot
        result = snap.screen(query, limit=LIMIT, store=screening.store, by_party=not form["listings"])
    except EmbargoError as exc:
        ctx["error"] = str(exc)
        status = (
            503 if isinstance(exc, IndexLoading) else 400 if isinstance(exc, QueryError | StoreError) else 500
        )
        return page(request, visitor, "search.html", status, **ctx)
    request.state.audit = {
        "query": {**query_dict(query), "as_of": when},
        "versions": [v.to_dict() for v in result.versions],
        "scores": result.scores(),
    }
    ctx["results"] = [views.result_view(m) for m in result.matches]
    ctx["parties"] = None if result.parties is None else [views.party_row(p) for p in result.parties]
    ctx["versions"] = snap.versions
    ctx["algorithm"] = result.algorithm
    ctx["threshold"] = result.threshold
    return page(request, visitor, "search.html", **ctx)


@login_router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, target: Annotated[str | None, Query(alias="next")] = None) -> Response:
    visitor = auth.anonymous(request)
    return page(request, visitor, "login.html", target=auth.safe_next(target), error=None)


@login_router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await auth.read_form(request)
    visitor = auth.anonymous(request)
    target = auth.safe_next(form.get("next"))
    if not auth.csrf_ok(visitor, form):
        message = "the login form has expired; please try again"
        return page(request, visitor, "login.html", 403, target=target, error=message)
    db = store_path(request)
    outcome = await run_in_threadpool(auth.login, request, db, form)
    who = form.get("name", "").strip() or ("an API key" if form.get("api_key", "").strip() else "")
    request.state.audit = {"query": {"login": who}}
    if isinstance(outcome, str):
        status = 429 if outcome.startswith("too many") else 401
        return page(request, visitor, "login.html", status, target=target, error=outcome)
    user, key_id = outcome
    request.state.user, request.state.key_id = user, key_id
    return auth.open_session(request, db, user, key_id, target)


@login_router.post("/logout")
async def logout(request: Request, visitor: Seen) -> Response:
    form = await auth.read_form(request)
    if not auth.csrf_ok(visitor, form):
        return error_page(request, visitor, "the logout form has expired; please try again", 403)
    return auth.logout(request, store_path(request))


@router.get("/entity/{ref:path}", response_class=HTMLResponse)
def entity(request: Request, visitor: Seen, ref: str, as_of: str | None = None) -> Response:
    try:
        with service(request) as svc:
            view = svc.entity(ref, as_of.strip() if as_of and as_of.strip() else None).to_dict()
    except StoreError as exc:
        status = 400 if as_of and "not a date" in str(exc) else 404
        return error_page(
            request, visitor, str(exc), status, "No such entity" if status == 404 else "Bad date"
        )
    history = view["history"]
    periods = [
        {
            **p,
            "programmes": views.programmes(p.get("sanctions", [])),
            "change_rows": views.describe_changes(p.get("changes", {})),
        }
        for p in history
    ]
    request.state.audit = {"query": {"entity": ref, "as_of": as_of}}
    return page(
        request,
        visitor,
        "entity.html",
        view=view,
        e=view["entity"],
        periods=periods,
        timeline=views.timeline(history, [v["date"] for v in view["versions"]]),
        programmes=views.programmes(view["entity"].get("sanctions", [])),
    )


@router.get("/lists", response_class=HTMLResponse)
def lists(request: Request, visitor: Seen) -> Response:
    with service(request) as svc:
        sources = [s.to_dict() for s in svc.lists()]
    for s in sources:
        prev: dict[str, Any] | None = None
        for v in s["versions"]:
            v["previous"] = prev
            v["delta"] = v["entity_count"] - prev["entity_count"] if prev else None
            prev = v
    return page(request, visitor, "lists.html", sources=sources)


@router.get("/lists/{source}/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    visitor: Seen,
    source: str,
    from_ref: Annotated[str | None, Query(alias="from")] = None,
    to_ref: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    try:
        with service(request) as svc:
            d = svc.diff(
                source, from_ref.strip() if from_ref else None, to_ref.strip() if to_ref else None
            ).to_dict()
            versions = [v for s in svc.lists(source) for v in s.versions]
    except StoreError as exc:
        status = 404 if "no versions of" in str(exc) else 400
        return error_page(request, visitor, str(exc), status, "Cannot compare these versions")
    changed = [{**c, "change_rows": views.describe_changes(c["changes"])} for c in d["changed"][:MAX_ROWS]]
    return page(
        request,
        visitor,
        "diff.html",
        d=d,
        source=source,
        versions=versions,
        added=d["added"][:MAX_ROWS],
        removed=d["removed"][:MAX_ROWS],
        changed=changed,
        counts={k: len(d[k]) for k in ("added", "removed", "changed")},
        max_rows=MAX_ROWS,
        programmes=lambda e: views.programmes(e.get("sanctions", [])),
    )
