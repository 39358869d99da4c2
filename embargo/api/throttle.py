"""Failed credentials, counted per client address: after too many in a minute that address waits.

A key or password guessed online meets this wall: ``LIMIT`` failures within ``WINDOW`` seconds lock the
address out for what is left of the window (429 with ``Retry-After``), valid credentials included, so
guessing cannot go on in the background. Counted per process (each worker keeps its own count).
"""

from __future__ import annotations

import threading
import time
from collections import deque

LIMIT = 10
WINDOW = 60.0
MAX_CLIENTS = 10_000  # addresses remembered; the oldest are forgotten first


class Throttle:
    def __init__(self, limit: int = LIMIT, window: float = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.get(client)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
        return times

    def wait(self, client: str | None) -> int:
        """Seconds this client must wait before credentials are checked again (0: go ahead)."""
        if client is None:
            return 0
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.limit:
                return 0
            return max(1, int(times[0] + self.window - now) + 1)

    def failed(self, client: str | None) -> None:
        if client is None:
            return
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if not times:
                if len(self._failures) >= MAX_CLIENTS:
                    self._failures.pop(next(iter(self._failures)))
                self._failures[client] = times
            times.append(now)
