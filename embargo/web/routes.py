"""The web page at ``/ui``: search with explained results, an entity's history, list versions and diffs.

Plain server-rendered HTML (Jinja2, autoescaped). The screener and the store come from the app:
``request.app.state.screener`` (a :class:`~embargo.screener.Screener` over the lists in force) and
``request.app.state.db`` (the store's path). Errors a user can cause are shown on the page with a 4xx status.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from embargo.errors import EmbargoError, StoreError
from embargo.screener import Screener
from embargo.service import Service
from embargo.service.screening import QueryError, make_query
from embargo.store import Version
from embargo.web import views

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


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


def error_page(message: str, status: int, title: str = "Something is not right") -> HTMLResponse:
    return render("error.html", status, title=title, message=message)


def store_path(request: Request) -> Path:
    """The store's path: ``app.state.db``, else the API's context (``app.state.embargo.db``)."""
    state = request.app.state
    db = getattr(state, "db", None) or getattr(getattr(state, "embargo", None), "db", None)
    if db is None:
        raise RuntimeError("the app does not say where the store is: set app.state.db")
    return Path(db)


class IndexLoading(EmbargoError):
    """The app's screening index is still being built."""


def current_screener(request: Request) -> Screener | None:
    """The app's screener over the lists in force: ``app.state.screener``, else the API's current index.
    None when the app keeps none (the page then builds its own)."""
    state = request.app.state
    screener = getattr(state, "screener", None)
    if isinstance(screener, Screener):
        return screener
    holder = getattr(getattr(state, "embargo", None), "holder", None)
    if holder is None:
        return None
    snapshot = getattr(holder, "snapshot", None)
    if snapshot is None:
        raise IndexLoading("the screening index is being built; try again in a few seconds")
    found = getattr(snapshot, "screener", None)
    return found if isinstance(found, Screener) else None


@contextmanager
def service(request: Request) -> Iterator[Service]:
    svc = Service.open(store_path(request))
    try:
        yield svc
    finally:
        svc.close()


class ScreenerCache:
    """Screeners over past list versions (``as of`` searches), keyed by the versions in force; the last few kept."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, tuple[int, ...]], Screener] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, svc: Service, db: Path, versions: list[Version]) -> Screener:
        key = (str(db), tuple(v.id for v in versions))
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            screener = Screener([e for v in versions for e in svc.store.entities_at(v.id)])
            self.items[key] = screener
            while len(self.items) > self.size:
                self.items.popitem(last=False)
            return screener


past_screeners = ScreenerCache()


@router.get("/static/embargo.css")
def stylesheet() -> Response:
    css = (HERE / "static" / "embargo.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=300"})


@router.get("", response_class=HTMLResponse)
def search(
    request: Request,
    name: str | None = None,
    type_: Annotated[str, Query(alias="type")] = "any",
    birth_date: str | None = None,
    country: str | None = None,
    as_of: str | None = None,
) -> HTMLResponse:
    form = {
        "name": name or "",
        "type": type_,
        "birth_date": birth_date or "",
        "country": country or "",
        "as_of": as_of or "",
    }
    ctx: dict[str, Any] = {"form": form, "types": TYPES, "results": None, "error": None, "versions": []}
    if name is None and not any((birth_date, country, as_of)):
        return render("search.html", **ctx)  # the empty form
    try:
        query = make_query(
            [name or ""],
            schema=type_,
            birth_dates=[birth_date.strip()] if birth_date and birth_date.strip() else None,
            countries=[country] if country and country.strip() else None,
        )
        with service(request) as svc:
            when = as_of.strip() if as_of and as_of.strip() else None
            versions = svc.current_versions(as_of=when)
            if when and not versions:
                raise StoreError(f"no list had been published by {when}: nothing to screen against")
            screener = None if when else current_screener(request)
            if screener is None:
                screener = past_screeners.get(svc, store_path(request), versions)
        matches = screener.screen(query, limit=LIMIT)
    except EmbargoError as exc:
        ctx["error"] = str(exc)
        status = (
            503 if isinstance(exc, IndexLoading) else 400 if isinstance(exc, QueryError | StoreError) else 500
        )
        return render("search.html", status, **ctx)
    ctx["results"] = [views.result_view(m) for m in matches]
    ctx["versions"] = versions
    ctx["algorithm"] = screener.algorithm.name
    ctx["threshold"] = screener.algorithm.threshold
    return render("search.html", **ctx)


@router.get("/entity/{ref:path}", response_class=HTMLResponse)
def entity(request: Request, ref: str, as_of: str | None = None) -> HTMLResponse:
    try:
        with service(request) as svc:
            view = svc.entity(ref, as_of.strip() if as_of and as_of.strip() else None)
    except StoreError as exc:
        status = 400 if as_of and "not a date" in str(exc) else 404
        return error_page(str(exc), status, "No such entity" if status == 404 else "Bad date")
    history = view["history"]
    periods = [
        {
            **p,
            "programmes": views.programmes(p.get("sanctions", [])),
            "change_rows": views.describe_changes(p.get("changes", {})),
        }
        for p in history
    ]
    return render(
        "entity.html",
        view=view,
        e=view["entity"],
        periods=periods,
        timeline=views.timeline(history, [v["date"] for v in view["versions"]]),
        programmes=views.programmes(view["entity"].get("sanctions", [])),
    )


@router.get("/lists", response_class=HTMLResponse)
def lists(request: Request) -> HTMLResponse:
    with service(request) as svc:
        sources = svc.lists()
    for s in sources:
        prev: dict[str, Any] | None = None
        for v in s["versions"]:
            v["previous"] = prev
            v["delta"] = v["entity_count"] - prev["entity_count"] if prev else None
            prev = v
    return render("lists.html", sources=sources)


@router.get("/lists/{source}/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    source: str,
    from_ref: Annotated[str | None, Query(alias="from")] = None,
    to_ref: Annotated[str | None, Query(alias="to")] = None,
) -> HTMLResponse:
    try:
        with service(request) as svc:
            d = svc.diff(source, from_ref.strip() if from_ref else None, to_ref.strip() if to_ref else None)
            versions = svc.store.versions(source)
    except StoreError as exc:
        status = 404 if "no versions of" in str(exc) else 400
        return error_page(str(exc), status, "Cannot compare these versions")
    changed = [{**c, "change_rows": views.describe_changes(c["changes"])} for c in d["changed"][:MAX_ROWS]]
    return render(
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


# The timeline and digest pages register themselves on the router.
from embargo.web import pages as _pages  # noqa: E402,F401
