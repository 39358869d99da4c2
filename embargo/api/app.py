"""The FastAPI application: routes, the body cap, JSON errors and the audit log.

Every error is ``{"detail": "..."}`` with a 4xx status (413 for a body over the cap, 400 for malformed
JSON, 422 for a query that cannot be screened). Every request is written to the audit log.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from embargo.api import match, routes
from embargo.api.context import ApiContext, JSONBytes
from embargo.api.index import IndexHolder
from embargo.api.keys import KeyStore
from embargo.service import Service, default_db_path

MAX_BODY = 2 * 1024 * 1024


def create_app(db: Path | None, *, keys_required: bool | None = None, max_body: int = MAX_BODY) -> FastAPI:
    """The API over the store at ``db``; the index is built in the background at startup.

    ``keys_required``: True always asks for a key, False never, None (default) once any key exists.
    """
    path = Path(db) if db is not None else default_db_path()
    ctx = ApiContext(
        db=path,
        holder=IndexHolder(path),
        keys=KeyStore(path),
        keys_required=keys_required,
        service=Service.open(path),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if ctx.holder.snapshot is None:
            ctx.holder.start_reload()
        yield

    app = FastAPI(
        title="embargo",
        summary="Sanctions screening over official lists with their history; yente-compatible /match.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.embargo = ctx
    app.include_router(routes.health)
    app.include_router(match.router)
    app.include_router(routes.router)
    app.include_router(routes.admin)
    try:  # the web page, when it is installed
        web = importlib.import_module("embargo.web.routes")
        app.include_router(web.router)
    except (ImportError, AttributeError):
        pass
    _errors(app)
    app.add_middleware(EdgeMiddleware, ctx=ctx, max_body=max_body)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` (one app per worker): settings from ``EMBARGO_DB``/``EMBARGO_REQUIRE_KEYS``."""
    db = os.environ.get("EMBARGO_DB")
    req = os.environ.get("EMBARGO_REQUIRE_KEYS")
    return create_app(Path(db) if db else None, keys_required=True if req == "1" else None)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONBytes:
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


class EdgeMiddleware:
    """Caps the request body (413) and writes every request to the audit log (pure ASGI, so cheap)."""

    def __init__(self, app: ASGIApp, ctx: ApiContext, max_body: int) -> None:
        self.app = app
        self.ctx = ctx
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        status = [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            body = await self._read(scope, receive)
            if body is None:
                status[0] = 413
                await _reject(send, 413, f"the request body is larger than {self.max_body // 1024} KiB")
                return
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send_status)
        finally:
            self._audit(scope, state, status[0])

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

    def _audit(self, scope: Scope, state: dict[str, Any], status: int) -> None:
        path = scope.get("path", "")
        qs = scope.get("query_string", b"").decode("latin-1")
        info = state.get("audit") or {}
        try:
            self.ctx.keys.audit(
                key_id=state.get("key_id"),
                method=scope.get("method", ""),
                route=path + ("?" + qs if qs else ""),
                status=status,
                query=info.get("query"),
                versions=info.get("versions"),
                scores=info.get("scores"),
            )
        except Exception:  # an audit failure must not turn a served answer into a crash
            import logging

            logging.getLogger("embargo.api").exception("audit log write failed")


async def _reject(send: Send, status: int, detail: str) -> None:
    body = orjson.dumps({"detail": detail})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
