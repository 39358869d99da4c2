"""``/ui/admin/keys``: API keys and web users, for admins (a new key is shown once, on the page that
creates it). Other roles get a 403 page (:func:`embargo.web.routes.allowed`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from embargo.api.context import context as api_context
from embargo.errors import StoreError
from embargo.service.access import SCOPES
from embargo.web import auth
from embargo.web.routes import Admin, page

router = APIRouter(prefix="/ui/admin", include_in_schema=False)


def _show(request: Request, visitor: auth.Visitor, status: int = 200, **extra: Any) -> Response:
    keys = api_context(request).keys
    ctx = {"keys": keys.list_keys(), "users": keys.list_users(), "scopes": SCOPES, "created": None}
    ctx |= {"error": None, "secret": None, **extra}
    return page(request, visitor, "access.html", status, **ctx)


@router.get("/keys", response_class=HTMLResponse)
def keys_page(request: Request, visitor: Admin) -> Response:
    return _show(request, visitor)


@router.post("/keys", response_class=HTMLResponse)
async def keys_create(request: Request, visitor: Admin) -> Response:
    form = await auth.read_form(request)
    if not auth.csrf_ok(visitor, form):
        return _show(request, visitor, 403, error="the form has expired; please try again")
    keys = api_context(request).keys
    try:
        key, secret = await run_in_threadpool(keys.create, form.get("scope", ""), form.get("label") or None)
    except StoreError as exc:
        return _show(request, visitor, 400, error=str(exc))
    return _show(request, visitor, 201, created=key, secret=secret)
