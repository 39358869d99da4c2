"""Webhook notifications of alerts, Standard Webhooks style.

Each request carries ``webhook-id`` (the event id: the receiver's idempotency key, the same on every
retry), ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``: ``v1,<base64 HMAC-SHA256>`` of
``id.timestamp.body`` with each of the endpoint's secrets, space-separated, so a secret can be rotated
(add the new one, let receivers switch, drop the old one). A secret given as ``whsec_<base64>`` is used
as those bytes, any other as its UTF-8 text.

Alerts put their events in the store's outbox in the transaction that writes them; a
:class:`Dispatcher` (a background thread) drains it: a 2xx answer marks a delivery done, anything else
retries it after ``base * 2**attempt`` seconds, and after ``tries`` attempts it is dead-lettered. The
receiver is never called from ingest or screening, so a slow or failing one delays neither.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import httpx

from embargo.store.monitor import Delivery

if TYPE_CHECKING:
    from embargo.service import Service

TRIES = 8
BASE_DELAY = 2.0  # seconds before the first retry; doubled each time
TIMEOUT = 10.0


def secret_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret_bytes(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def headers(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets),
        "content-type": "application/json",
    }


def verify(secret: str, msg_id: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver checks: one of the signatures was made with ``secret``."""
    want = sign(secret, msg_id, int(timestamp), body)
    return any(hmac.compare_digest(want, s) for s in signature.split())


class Outbox(Protocol):
    """What the dispatcher needs of the monitoring store (from a thread of its own: the store is shared
    behind its connection's lock)."""

    def due(self, now_ts: float, limit: int = 50) -> list[Delivery]: ...

    def delivered(self, delivery_id: int) -> None: ...

    def failed(self, delivery_id: int, error: str, next_at: float | None) -> None: ...

    def endpoint_secrets(self, url: str) -> list[str]: ...


@dataclass
class Dispatcher:
    """Delivers due webhook events until stopped; ``drain`` delivers what is due once."""

    outbox: Outbox
    tries: int = TRIES
    base_delay: float = BASE_DELAY
    timeout: float = TIMEOUT
    interval: float = 0.5
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client = httpx.Client(timeout=self.timeout)

    def drain(self) -> int:
        """Try every delivery due now once; returns how many succeeded."""
        ok = 0
        for d in self.outbox.due(self.clock()):
            if self._stop.is_set():
                break
            ok += self.deliver(d)
        return ok

    def deliver(self, d: Delivery) -> bool:
        ts = int(self.clock())
        try:
            r = self._client.post(d.endpoint, content=d.body, headers=self._headers(d, ts))
            error = None if 200 <= r.status_code < 300 else f"HTTP {r.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            self.outbox.delivered(d.id)
            return True
        attempt = d.attempts + 1
        retry = None if attempt >= self.tries else self.clock() + self.base_delay * 2 ** (attempt - 1)
        self.outbox.failed(d.id, error, retry)
        return False

    def _headers(self, d: Delivery, ts: int) -> dict[str, str]:
        return headers(self.outbox.endpoint_secrets(d.endpoint), d.event_id, ts, d.body)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="embargo-webhooks", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.drain()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 5)
        self._client.close()


def rotate(current: Iterable[str], new: str, *, keep_old: bool = True) -> list[str]:
    """The secrets after a rotation: the new one first, the old ones kept while receivers switch."""
    old = [s for s in current if s != new]
    return [new, *old] if keep_old else [new]


def start_dispatcher(svc: Service) -> Dispatcher:
    """A dispatcher over the monitoring records of a service's store (``store.monitor``), started."""
    d = Dispatcher(svc.store.monitor)
    d.start()
    return d
