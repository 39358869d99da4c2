"""What every route shares: the index holder, the key store, the service; and the auth dependencies."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from embargo.api.index import IndexHolder, Snapshot
from embargo.api.keys import KeyStore
from embargo.service import Service

KEY_HELP = "send 'Authorization: ApiKey <key>' or 'X-API-Key: <key>' (see `embargo keys create`)"


class JSONBytes(JSONResponse):
    """JSON rendered by orjson, for the hot routes (no response-model validation on the way out)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


@dataclass
class ApiContext:
    db: Path
    holder: IndexHolder
    keys: KeyStore
    keys_required: bool | None  # None: required once any key exists
    service: Service
    _svc_lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def svc(self) -> Iterator[Service]:
        """The shared service (one SQLite connection), one caller at a time."""
        with self._svc_lock:
            yield self.service

    def close(self) -> None:
        self.service.close()
        self.keys.close()


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.embargo
    return ctx


def snapshot(request: Request) -> Snapshot:
    """The current index, taken once per request: a reload swapping it meanwhile does not affect us."""
    snap = context(request).holder.snapshot
    if snap is None:
        raise HTTPException(503, "the screening index is being built; retry in a few seconds")
    return snap


def _presented(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        kind, _, value = auth.partition(" ")
        if kind.lower() in ("apikey", "bearer") and value.strip():
            return value.strip()
        raise HTTPException(401, f"unsupported Authorization header: {KEY_HELP}")
    return request.headers.get("x-api-key")


def require(scope: str) -> Callable[[Request], None]:
    """A dependency: the request must carry a valid key of ``scope`` (admin keys may do anything)."""

    def check(request: Request) -> None:
        ctx = context(request)
        presented = _presented(request)
        if presented is None:
            needed = ctx.keys_required if ctx.keys_required is not None else ctx.keys.any_keys()
            if needed:
                raise HTTPException(401, f"an API key is required: {KEY_HELP}")
            return
        key = ctx.keys.verify(presented)
        if key is None:
            raise HTTPException(401, "the API key is not valid (unknown, malformed or revoked)")
        request.state.key_id = key.id
        if scope == "admin" and key.scope != "admin":
            raise HTTPException(403, f"key {key.id} has scope '{key.scope}'; this needs an admin key")

    return check


require_screen = require("screen")
require_admin = require("admin")
