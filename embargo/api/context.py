"""What every route shares: the service (and its screening snapshot), the key store, the service, a thread limit for screening;
and the auth dependencies (API keys in headers, web sessions in a cookie, the failed-credentials throttle)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import orjson
from anyio import CapacityLimiter
from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, Response

from embargo.api.metrics import Metrics
from embargo.api.throttle import Throttle
from embargo.service import Service, permissions
from embargo.service.access import ApiKey, AuditLog, KeyStore, Session
from embargo.service.permissions import PERMISSIONS, PermissionDenied
from embargo.service.snapshot import ScreeningService, Snapshot

T = TypeVar("T")
SESSION_COOKIE = "embargo_session"
SCREEN_THREADS = 4  # screenings at once per process; more wait their turn
KEY_HELP = "send 'Authorization: ApiKey <key>' or 'X-API-Key: <key>' (see `embargo keys create`)"


class JSONBytes(JSONResponse):
    """JSON rendered by orjson, for the hot routes (no response-model validation on the way out)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


@dataclass
class ApiContext:
    db: Path | str
    keys: KeyStore
    audit: AuditLog
    keys_required: bool | None  # None: required once any key or user exists
    service: Service
    throttle: Throttle = field(default_factory=Throttle)
    metrics: Metrics = field(default_factory=Metrics)
    screen_threads: int = SCREEN_THREADS
    _svc_lock: threading.Lock = field(default_factory=threading.Lock)
    _limiter: CapacityLimiter | None = None

    @property
    def screening(self) -> ScreeningService:
        return self.service.screening

    async def off_loop(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (a screening) in a worker thread, at most ``screen_threads`` at a time, so the event
        loop stays free for other requests (/healthz among them) while it runs. The compiled core does not
        release the GIL, but the loop's thread still gets it at every switch interval (5 ms), which is
        enough to answer the light requests between screenings."""
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.screen_threads)
        return await anyio.to_thread.run_sync(fn, limiter=self._limiter)

    @contextmanager
    def svc(self) -> Iterator[Service]:
        """The shared service (one SQLite connection), one caller at a time."""
        with self._svc_lock:
            yield self.service

    def close(self) -> None:
        self.service.close()  # and with it the store's keys and audit log


class PageError(HTTPException):
    """An error a web page answers with a page of its own (HTML), where the API would answer JSON."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code, "see the page")
        self.response = response


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.embargo
    return ctx


def snapshot(request: Request) -> Snapshot:
    """The current index, taken once per request: a reload swapping it meanwhile does not affect us."""
    snap = context(request).screening.snapshot
    if snap is None:
        raise HTTPException(503, "the screening index is being built; retry in a few seconds")
    return snap


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def auth_needed(ctx: ApiContext) -> bool:
    """Whether requests must carry credentials: always, never, or once any key or user exists."""
    return ctx.keys_required if ctx.keys_required is not None else ctx.keys.any_keys()


def check_throttle(ctx: ApiContext, request: Request) -> None:
    """429 while this client is locked out for failed keys or passwords."""
    wait = ctx.throttle.wait(client_of(request))
    if wait:
        raise HTTPException(
            429,
            f"too many failed keys or passwords from this address; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def _presented(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        kind, _, value = auth.partition(" ")
        if kind.lower() in ("apikey", "bearer") and value.strip():
            return value.strip()
        raise HTTPException(401, f"unsupported Authorization header: {KEY_HELP}")
    return request.headers.get("x-api-key")


def header_key(request: Request) -> ApiKey | None:
    """The valid key the request carries in a header, None if it carries none; 401 for a wrong one
    (counted against the client: see :mod:`embargo.api.throttle`)."""
    presented = _presented(request)
    if presented is None:
        return None
    ctx = context(request)
    check_throttle(ctx, request)
    key = ctx.keys.verify(presented)
    if key is None:
        ctx.throttle.failed(client_of(request))
        raise HTTPException(401, "the API key is not valid (unknown, malformed or revoked)")
    request.state.key_id = key.id
    return key


def web_session(request: Request) -> Session | None:
    """The live web session of the request's cookie, if any (noted on the request for the audit)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = context(request).keys.session(token)
    if found is not None:
        request.state.user = found.user
        request.state.key_id = found.key_id
    return found


def require(action: str) -> Callable[[Request], None]:
    """A dependency: the request must carry a valid key whose scope may do ``action`` (see
    :mod:`embargo.service.permissions`): 401 without a key once keys are needed, 403 for a key whose scope
    may not."""
    if action not in PERMISSIONS:
        raise ValueError(f"no permission {action!r}")

    def check(request: Request) -> None:
        key = header_key(request)
        if key is None:
            if auth_needed(context(request)):
                raise HTTPException(401, f"an API key is required: {KEY_HELP}")
            return
        try:
            permissions.check(key.scope, action, f"key {key.id} (scope '{key.scope}')")
        except PermissionDenied as exc:
            raise HTTPException(403, str(exc)) from None

    return check


def require_reader(request: Request) -> None:
    """For the API's documentation: a valid key in a header or a web session, once credentials exist."""
    if header_key(request) is not None or web_session(request) is not None:
        return
    if auth_needed(context(request)):
        if request.method == "GET" and request.url.path == "/docs":
            raise HTTPException(303, "log in first", headers={"Location": "/login?next=/docs"})
        raise HTTPException(401, f"log in at /login or send an API key: {KEY_HELP}")


require_screen = require("screen")
require_read = require("read")
require_decide = require("decide")
require_admin = require("admin")
