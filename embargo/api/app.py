"""The FastAPI application: routes, the body cap, JSON errors and the audit log.

Every error is ``{"detail": "..."}`` with a 4xx status (413 for a body over the cap, 400 for malformed
JSON, 422 for a query that cannot be screened). Every request is written to the audit log before its
answer leaves (503 when it cannot be written). The OpenAPI page and schema need a key or a web login once
keys or users exist.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import anyio
import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from embargo.api import access, logs, match, metrics, monitor, routes
from embargo.api.context import KEY_HELP, ApiContext, JSONBytes, PageError, require_reader
from embargo.service import Service, default_db_path
from embargo.service.access import AuditEntry, unreachable

MAX_BODY = 2 * 1024 * 1024


def create_app(
    db: Path | str | None,
    *,
    keys_required: bool | None = None,
    max_body: int = MAX_BODY,
    follow: bool = False,
) -> FastAPI:
    """The API over the store at ``db``; the index is built in the background at startup. ``follow``: a
    list version that comes in force in the database (stored by any process) reloads the index by itself
    (``embargo serve`` follows; ``POST /admin/reload`` does it on demand).

    ``keys_required``: True always asks for a key, False never, None (default) once any key or user exists.
    """
    path = str(db) if db is not None else default_db_path()
    service = Service.open(path)
    ctx = ApiContext(
        db=path,
        keys=service.store.keys,
        audit=service.store.audit,
        keys_required=keys_required,
        service=service,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if ctx.screening.snapshot is None:
            ctx.screening.start_reload()
        watch = ctx.service.follow_lists() if follow else None
        try:
            yield
        finally:
            if watch is not None:
                watch.stop()

    app = FastAPI(
        title="embargo",
        summary="Sanctions screening over official lists with their history; yente-compatible /match.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below, behind a key or a web login
        redoc_url=None,
        openapi_url=None,
    )
    app.state.embargo = ctx
    _docs(app)
    _metrics(app, ctx)
    app.include_router(routes.health)
    app.include_router(match.router)
    app.include_router(routes.router)
    app.include_router(routes.admin)
    app.include_router(access.router)
    app.include_router(monitor.reader)
    app.include_router(monitor.reviewer)
    app.include_router(monitor.admin)
    try:  # the web page, when it is installed
        web = importlib.import_module("embargo.web.routes")
        app.include_router(web.router)
        app.include_router(web.login_router)
        app.include_router(importlib.import_module("embargo.web.alerts").router)
        app.include_router(importlib.import_module("embargo.web.access").router)
    except (ImportError, AttributeError):
        pass
    _errors(app)
    app.add_middleware(EdgeMiddleware, ctx=ctx, max_body=max_body)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` (one app per worker): settings from ``EMBARGO_DB``/``EMBARGO_REQUIRE_KEYS``."""
    logs.configure()
    db = os.environ.get("EMBARGO_DB")
    req = os.environ.get("EMBARGO_REQUIRE_KEYS")
    return create_app(db or None, keys_required=True if req == "1" else None, follow=True)


def _docs(app: FastAPI) -> None:
    reader = [Depends(require_reader)]

    @app.get("/openapi.json", include_in_schema=False, dependencies=reader)
    def openapi() -> JSONBytes:
        return JSONBytes(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=reader)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="embargo API")


def _metrics(app: FastAPI, ctx: ApiContext) -> None:
    @app.get(
        "/metrics",
        summary="Prometheus metrics of this process",
        tags=["System information"],
        response_class=Response,
        dependencies=[Depends(require_reader)],
    )
    def prometheus() -> Response:
        def monitoring() -> tuple[dict[str, int], dict[str, int]] | None:
            try:
                with ctx.screening.store() as store:
                    return store.monitor.counts(), store.monitor.delivery_counts()
            except Exception:  # the scrape still answers (index, requests) while the database does not
                return None

        text = metrics.render(ctx.metrics, lambda: ctx.screening.snapshot, monitoring)
        return Response(text, media_type=metrics.CONTENT_TYPE)


_UNREACHABLE = "the store's database cannot be reached ({}); retry shortly"


def _errors(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, PageError):
            return exc.response
        headers = dict(exc.headers or {})
        if exc.status_code == 503:
            headers.setdefault("Retry-After", "5")
        return JSONBytes({"detail": str(exc.detail)}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONBytes:
        errors = exc.errors()
        bad_json = [e for e in errors if e.get("type") == "json_invalid"]
        if bad_json:
            ctx = bad_json[0].get("ctx") or {}
            why = ctx.get("error", "malformed")
            return JSONBytes({"detail": f"the request body is not valid JSON ({why})"}, status_code=400)
        return JSONBytes({"detail": _explain(errors)}, status_code=422)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONBytes:
        if unreachable(exc):  # the database went away under a query (a restart): retry, not a fault
            return JSONBytes(
                {"detail": _UNREACHABLE.format(type(exc).__name__)},
                status_code=503,
                headers={"Retry-After": "5"},
            )
        return JSONBytes(
            {"detail": f"internal error: {type(exc).__name__} (the request was logged)"}, status_code=500
        )


def _explain(errors: Any) -> str:
    parts = []
    for e in list(errors)[:5]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


# query-string parameters that would carry a credential: refused, and their values never logged
SECRET_PARAMS = frozenset({"api_key", "apikey", "api-key", "key", "token", "access_token", "password"})
CSP = (
    "default-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
BODY_TIMEOUT = 30.0  # seconds for a request body to arrive


def redact(path: str, query_string: str) -> tuple[str, bool]:
    """The request's path and query as the audit log keeps it (credential values replaced), and whether
    the query string carried a credential."""
    if not query_string:
        return path, False
    pairs = parse_qsl(query_string, keep_blank_values=True)
    leaked = any(k.lower() in SECRET_PARAMS for k, _ in pairs)
    if leaked:
        query_string = urlencode([(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in pairs])
    return f"{path}?{query_string}", leaked


def _json_messages(status: int, detail: str, headers: dict[str, str] | None = None) -> list[Message]:
    body = orjson.dumps({"detail": detail})
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return [
        {"type": "http.response.start", "status": status, "headers": raw},
        {"type": "http.response.body", "body": body},
    ]


def _guard_headers(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Every answer: not cached (unless the route said otherwise, as the stylesheet does), not framed,
    not sniffed; and outside the API's documentation (which loads Swagger UI), a strict CSP."""
    have = {k.lower() for k, _ in headers}
    extra = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]
    extra += [(b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store")]
    if path != "/docs":
        extra.append((b"content-security-policy", CSP.encode()))
    return headers + [(k, v) for k, v in extra if k not in have]


class EdgeMiddleware:
    """Caps the request body (413, 408 when it is too slow), refuses keys in the query string, and writes
    every request to the audit log before its answer leaves: the answer is held until the row is
    committed, and replaced by a 503 if it cannot be (pure ASGI, so cheap)."""

    def __init__(self, app: ASGIApp, ctx: ApiContext, max_body: int) -> None:
        self.app = app
        self.ctx = ctx
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        started = time.perf_counter()
        route, leaked = redact(scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"))
        if leaked:
            messages = _json_messages(
                401, f"API keys are accepted in headers only, never in the URL (it was not used): {KEY_HELP}"
            )
        else:
            messages = await self._answer(scope, receive)
        status = messages[0]["status"]
        client = scope.get("client")
        info = state.get("audit") or {}
        entry = AuditEntry(
            key_id=state.get("key_id"),
            user=state.get("user"),
            client=client[0] if client else None,
            method=scope.get("method", ""),
            route=route,
            status=status,
            query=info.get("query"),
            versions=info.get("versions"),
            scores=info.get("scores"),
        )
        try:
            await asyncio.wrap_future(self.ctx.audit.submit(entry))
        except Exception as exc:
            self.ctx.metrics.audit_failures.inc()
            logging.getLogger("embargo.api").error("audit log write failed: %s", exc)
            # liveness carries no data and stays answered: the process is up even while its database
            # is not (/readyz says 503: it cannot answer requests it cannot audit)
            if not (scope.get("path") == "/healthz" and status == 200):
                messages = _json_messages(
                    503,
                    f"the audit log cannot be written ({exc}); the request was not answered",
                    {"Retry-After": "30"},
                )
        start = messages[0]
        elapsed = time.perf_counter() - started
        template = metrics.route_of(scope, scope.get("path", ""))
        self.ctx.metrics.observe(entry.method, template, start["status"], elapsed)
        logs.access(  # the path without its query string: a query may carry a screened name
            method=entry.method,
            route=scope.get("path", ""),
            status=start["status"],
            duration_ms=round(elapsed * 1e3, 2),
            client=entry.client,
            key_id=entry.key_id,
            user=entry.user,
        )
        start["headers"] = _guard_headers(scope.get("path", ""), list(start.get("headers", [])))
        for message in messages:
            await send(message)

    async def _answer(self, scope: Scope, receive: Receive) -> list[Message]:
        """The app's complete answer, held back (a response is small: JSON or a page)."""
        try:
            with anyio.fail_after(BODY_TIMEOUT):
                body = await self._read(scope, receive)
        except TimeoutError:
            return _json_messages(408, f"the request body did not arrive within {BODY_TIMEOUT:.0f} s")
        if body is None:
            return _json_messages(413, f"the request body is larger than {self.max_body // 1024} KiB")
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        try:
            await self.app(scope, replay, hold)
        except Exception as exc:
            logging.getLogger("embargo.api").exception("request failed")
            if unreachable(exc):  # (the app's handler answered 503 already, and Starlette raised it again)
                return _json_messages(503, _UNREACHABLE.format(type(exc).__name__), {"Retry-After": "5"})
            return _json_messages(500, f"internal error: {type(exc).__name__} (the request was logged)")
        if not held or held[0]["type"] != "http.response.start":
            return _json_messages(500, "internal error: the app gave no answer (the request was logged)")
        return held

    async def _read(self, scope: Scope, receive: Receive) -> bytes | None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body:
                        return None
                except ValueError:
                    return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)
