"""One file over HTTP: conditional request, bounded retries with backoff, streamed into a temp file."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import httpx

from embargo.errors import FetchError
from embargo.fetch._files import Pending, Progress, stream, temp_file

try:
    _VERSION = version("embargo")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    _VERSION = "0+unknown"

USER_AGENT = f"embargo/{_VERSION} (+sanctions screening)"
MAX_DELAY = 30.0  # ceiling of one backoff pause, seconds
_RETRY_STATUS = frozenset({408, 429})
MAX_SECONDS = 900.0  # one file's whole download
MIN_RATE = 1024.0  # bytes per second on average, once RATE_GRACE seconds have passed
RATE_GRACE = 10.0


def new_client(timeout: float) -> httpx.Client:
    return httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=True, timeout=timeout)


class HttpGet:
    """Retries connection errors, timeouts, truncated bodies, 5xx, 408 and 429; other statuses fail at once."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        timeout: float,
        retries: int,
        backoff: float,
        max_bytes: int,
        progress: Progress | None,
        max_seconds: float = MAX_SECONDS,
        min_rate: float = MIN_RATE,
        rate_grace: float = RATE_GRACE,
    ) -> None:
        self.client, self.timeout, self.retries, self.backoff = client, timeout, max(0, retries), backoff
        self.max_bytes, self.progress = max_bytes, progress
        self.max_seconds, self.min_rate, self.rate_grace = max_seconds, min_rate, rate_grace

    def fetch(self, url: str, folder: Path, name: str, prev: dict[str, Any] | None) -> Pending:
        """Download ``url`` into a temp file in ``folder``. ``prev``: the recorded fetch of the file now on
        disk, if it may be revalidated (a 304 then gives a Pending without temp file)."""
        headers = {}
        if self.client.headers.get("user-agent", "").startswith("python-httpx"):
            headers["User-Agent"] = USER_AGENT
        if prev and prev.get("etag"):
            headers["If-None-Match"] = str(prev["etag"])
        if prev and prev.get("last_modified"):
            headers["If-Modified-Since"] = str(prev["last_modified"])
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        last = "no attempt made"
        for attempt in range(self.retries + 1):
            try:
                with self.client.stream(
                    "GET", url, headers=headers, timeout=self.timeout, follow_redirects=True
                ) as r:
                    if r.status_code == 304 and prev and conditional:
                        etag, modified = prev.get("etag"), prev.get("last_modified")
                        return Pending(
                            name, url, None, prev["sha256"], int(prev["size"]), "not_modified", etag, modified
                        )
                    if r.status_code >= 500 or r.status_code in _RETRY_STATUS:
                        last = f"HTTP {r.status_code} {r.reason_phrase}".strip()
                        self._pause(attempt, r.headers.get("retry-after"))
                        continue
                    if r.status_code != 200:
                        raise FetchError(f"HTTP {r.status_code} {r.reason_phrase}".strip())
                    return self._save(r, url, folder, name)
            except httpx.UnsupportedProtocol:
                raise
            except httpx.TimeoutException as exc:
                last = f"timed out after {self.timeout:g} s ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last = f"connection failed ({type(exc).__name__}: {exc})"
            self._pause(attempt, None)
        raise FetchError(f"{last}; gave up after {self.retries + 1} attempts")

    def _save(self, r: httpx.Response, url: str, folder: Path, name: str) -> Pending:
        total = _content_length(r)
        if total is not None and total > self.max_bytes:
            raise FetchError(f"body of {total} bytes is over the {self.max_bytes} byte limit")
        with temp_file(folder, name) as (tmp, f):
            # chunks as they arrive (not re-chunked), so the pace is checked on every read
            chunks = paced(r.iter_bytes(), self.max_seconds, self.min_rate, self.rate_grace)
            sha, size = stream(f, chunks, name, total, self.max_bytes, self.progress)
            if total is not None and size != total:  # h11 notices this too; belt and braces
                raise httpx.RemoteProtocolError(f"body truncated: {size} of {total} bytes")
            etag, modified = r.headers.get("etag"), r.headers.get("last-modified")
            return Pending(name, url, tmp, sha, size, "downloaded", etag, modified)

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        if attempt >= self.retries:
            return
        delay = self.backoff * 2**attempt
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        time.sleep(min(delay, MAX_DELAY))


def paced(chunks: Iterable[bytes], max_seconds: float, min_rate: float, grace: float) -> Iterator[bytes]:
    """``chunks``, cut off with a FetchError when the whole body takes longer than ``max_seconds`` or,
    after ``grace`` seconds, arrives slower than ``min_rate`` bytes a second on average: a peer that
    sends a byte every few seconds never trips the per-read timeout, so it is bounded here."""
    start = time.monotonic()
    size = 0
    for chunk in chunks:
        size += len(chunk)
        elapsed = time.monotonic() - start
        if elapsed > max_seconds:
            raise FetchError(f"download cut off: over {max_seconds:g} s ({size} bytes received)")
        if elapsed > grace and size < min_rate * elapsed:
            raise FetchError(
                f"download cut off: {size / elapsed:.0f} bytes/s after {elapsed:.0f} s, "
                f"below the minimum of {min_rate:g} bytes/s"
            )
        yield chunk


def _content_length(r: httpx.Response) -> int | None:
    value = r.headers.get("content-length", "")
    if not value.isdigit() or r.headers.get("content-encoding", "identity") != "identity":
        return None  # unknown, or the decoded size differs from the wire size
    return int(value)
