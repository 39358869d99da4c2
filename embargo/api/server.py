"""How ``embargo serve`` runs uvicorn: timeouts and a connection cap, so idle or slow clients cannot hold
the server's connections (and file descriptors) for ever.

uvicorn closes a keep-alive connection that stays idle after a response (``timeout_keep_alive``) but sets
no deadline on a request's headers: a connection that sends nothing, or a byte now and then, stays open.
:class:`GuardedH11Protocol` gives every connection ``EMBARGO_HEADER_TIMEOUT`` seconds (from when it opens,
or from the end of its previous response) to deliver a complete request head, then closes it. The body
has its own deadline in the app (:data:`embargo.api.app.BODY_TIMEOUT`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
KEEP_ALIVE = 5
LIMIT_CONCURRENCY = 512  # connections and requests at once; more get 503 (below the usual 1,024 descriptors)
MAX_HEAD = 16 * 1024  # bytes of a request head h11 will buffer


def header_timeout() -> float:
    raw = os.environ.get("EMBARGO_HEADER_TIMEOUT")
    return float(raw) if raw else HEADER_TIMEOUT


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head."""

    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(header_timeout(), self._expire)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _expire(self) -> None:
        self._head_deadline = None
        if self.cycle is None or self.cycle.response_complete:  # no request under way: close
            self.timeout_keep_alive_handler()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # a complete head arrived: the request is the app's now

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._arm()  # before the next head (a pipelined one is handled inside, and disarms)
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


WORKER_HEALTHCHECK = 120  # seconds a worker may take to answer uvicorn's ping


def uvicorn_options(
    limit_concurrency: int = LIMIT_CONCURRENCY, keep_alive: int = KEEP_ALIVE
) -> dict[str, Any]:
    return {
        "http": "embargo.api.server:GuardedH11Protocol",
        "timeout_keep_alive": keep_alive,
        "limit_concurrency": limit_concurrency,
        "h11_max_incomplete_event_size": MAX_HEAD,
        # with --workers, uvicorn kills a worker that does not answer its ping in time (default 5 s); a
        # worker building its index in the compiled core can hold the GIL longer than that on a loaded
        # machine, and would be killed and restarted over and over, never becoming ready
        "timeout_worker_healthcheck": WORKER_HEALTHCHECK,
    }


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
