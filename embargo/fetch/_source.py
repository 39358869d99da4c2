"""Fetch one source all-or-nothing, or many sources each on its own."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx

from embargo.errors import EmbargoError, FetchError, ListFormatError
from embargo.fetch._files import Pending, Progress, Status, copy_local, fsync_dir, sha256_of, write_atomic
from embargo.fetch._http import MAX_SECONDS, MIN_RATE, RATE_GRACE, HttpGet, new_client
from embargo.sources.base import SourceInfo

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
META_NAME = ".fetch.json"
LOCK_NAME = ".fetch.lock"

Validator = Callable[[Path, str], None]


@dataclass(frozen=True)
class Pace:
    """Bounds on one file's download: its whole time, and its average rate once ``grace`` seconds passed."""

    max_seconds: float = MAX_SECONDS
    min_rate: float = MIN_RATE  # bytes per second
    grace: float = RATE_GRACE


@dataclass(frozen=True)
class FetchedFile:
    """One file of a source after a successful fetch."""

    name: str
    path: Path
    url: str  # where it was read from: the official URL, or the mirror's URL or path
    sha256: str
    size: int
    changed: bool  # sha256 differs from the previous recorded fetch (or there was none)
    status: Status  # downloaded: bytes written; not_modified: HTTP 304; same: equal to the file on disk


@dataclass(frozen=True)
class FetchResult:
    """The outcome for one source. On error ``files`` is empty and the previous files are untouched."""

    source: str
    files: tuple[Path, ...] = ()
    changed: bool = False
    error: str | None = None  # one line: source, URL, cause
    details: tuple[FetchedFile, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def file_name(url: str) -> str:
    """The name a URL's file is stored under: its last path segment (``.../exports/SDN.CSV`` -> ``SDN.CSV``)."""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    if not name or name in (".", "..") or "/" in name or "\\" in name or name.startswith("."):
        raise FetchError(f"{url}: no usable file name in the URL")
    return name


def fetch_all(
    infos: Iterable[SourceInfo],
    dest: Path,
    *,
    mirror: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
    validate: Validator | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    pace: Pace | None = None,
) -> list[FetchResult]:
    """:func:`fetch_source` for each source, sharing one HTTP client; one failure never stops the others."""
    own = client is None and _is_remote(mirror, default=True)
    if own:
        client = new_client(timeout)
    try:
        results = []
        for info in infos:
            try:
                r = fetch_source(
                    info,
                    dest,
                    mirror=mirror,
                    client=client,
                    timeout=timeout,
                    retries=retries,
                    backoff=backoff,
                    validate=validate,
                    max_bytes=max_bytes,
                    progress=progress,
                    pace=pace,
                )
            except Exception as exc:  # e.g. a validator's bug: the other sources still get their update
                r = FetchResult(info.name, error=_line(f"{info.name}: {type(exc).__name__}: {exc}"))
            results.append(r)
        return results
    finally:
        if own and client is not None:
            client.close()


def fetch_source(
    info: SourceInfo,
    dest: Path,
    *,
    mirror: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
    validate: Validator | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    pace: Pace | None = None,
) -> FetchResult:
    """Download every URL of ``info`` (or the same file names from ``mirror``: a directory, ``file://`` or
    http(s) URL laid out ``<mirror>/<source>/<file name>``) into ``dest/<source>/``.

    ``timeout`` applies to each connect/read (not the whole download); ``retries`` is the number of retries
    after the first attempt, paused ``backoff * 2**n`` seconds (at most 30). ``validate(temp_path, file_name)``
    raises FetchError or ListFormatError for content that is not a list file; it is skipped for bytes equal to
    the file already on disk. ``progress`` restarts at 0 on a retry. Errors are returned, not raised.
    """
    folder = Path(dest) / info.name
    url, pending = "", list[Pending]()
    own = client is None and _is_remote(mirror, default=True)
    try:
        names = [file_name(u) for u in info.urls]
        if not names or len(set(names)) != len(names):
            raise FetchError(f"the source's URLs need distinct file names, got {names}")
        folder.mkdir(parents=True, exist_ok=True)
        with _lock(folder):
            for stale in folder.glob(".*.part"):  # left by a killed fetch; we hold the folder's lock
                stale.unlink(missing_ok=True)
            previous = _read_meta(folder)
            if own:
                client = new_client(timeout)
            get = None
            if client is not None:
                get = HttpGet(
                    client,
                    timeout=timeout,
                    retries=retries,
                    backoff=backoff,
                    max_bytes=max_bytes,
                    progress=progress,
                    max_seconds=(pace or Pace()).max_seconds,
                    min_rate=(pace or Pace()).min_rate,
                    rate_grace=(pace or Pace()).grace,
                )
            for official, name in zip(info.urls, names, strict=True):
                url = _location(official, name, info.name, mirror)
                prev, on_disk = previous.get(name, {}), sha256_of(folder / name)
                if get is None or not _is_remote(url, default=False):
                    p = copy_local(Path(url), folder, name, max_bytes, progress)
                else:
                    same_origin = prev.get("url") == url and prev.get("sha256") == on_disk
                    p = get.fetch(url, folder, name, prev if same_origin and on_disk else None)
                pending.append(p)
                if p.temp is not None and p.sha256 == on_disk:
                    p.temp.unlink()  # the file on disk already holds these bytes
                    p.temp, p.status = None, "same"
                if p.temp is not None and validate is not None:
                    _validate(validate, p.temp, name)
            url = ""
            details = _commit(folder, pending, previous)
    except (EmbargoError, httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        where = f"{url}: " if url else ""
        return FetchResult(info.name, error=_line(f"{info.name}: {where}{_cause(exc)}"))
    finally:
        for p in pending:
            if p.temp is not None:
                p.temp.unlink(missing_ok=True)
        if own and client is not None:
            client.close()
    return FetchResult(
        info.name, tuple(d.path for d in details), any(d.changed for d in details), None, details
    )


def _validate(validate: Validator, path: Path, name: str) -> None:
    try:
        validate(path, name)
    except ListFormatError as exc:
        where = f" ({exc.where})" if exc.where else ""
        raise FetchError(f"not a valid list file: {exc.cause}{where}") from exc
    except FetchError as exc:
        raise FetchError(f"not a valid list file: {exc}") from exc


def _commit(
    folder: Path, pending: Sequence[Pending], previous: dict[str, dict[str, Any]]
) -> tuple[FetchedFile, ...]:
    """Move every validated temp file into place, then record the fetch in ``.fetch.json``."""
    for p in pending:
        if p.temp is not None:
            os.replace(p.temp, folder / p.name)
            p.temp = None
    fsync_dir(folder)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    meta, details = dict(previous), []
    for p in pending:
        old = previous.get(p.name, {})
        changed = p.sha256 != old.get("sha256")
        meta[p.name] = {
            "url": p.url,
            "sha256": p.sha256,
            "size": p.size,
            "fetched_at": now if changed or "fetched_at" not in old else old["fetched_at"],
            "checked_at": now,
            "etag": p.etag,
            "last_modified": p.last_modified,
        }
        details.append(FetchedFile(p.name, folder / p.name, p.url, p.sha256, p.size, changed, p.status))
    write_atomic(folder / META_NAME, json.dumps({"files": meta}, indent=2, sort_keys=True).encode())
    fsync_dir(folder)
    return tuple(details)


def _read_meta(folder: Path) -> dict[str, dict[str, Any]]:
    try:
        files = json.loads((folder / META_NAME).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no usable record: every file counts as changed
    return {k: v for k, v in files.items() if isinstance(v, dict)} if isinstance(files, dict) else {}


@contextlib.contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """One fetch per source folder at a time (advisory lock; POSIX only)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    with (folder / LOCK_NAME).open("a") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(f"another fetch of {folder} is running") from None
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _location(official: str, name: str, source: str, mirror: str | None) -> str:
    if mirror is None:
        return official
    if _is_remote(mirror, default=False):
        return f"{mirror.rstrip('/')}/{quote(source)}/{quote(name)}"
    base = Path(unquote(urlsplit(mirror).path)) if mirror.startswith("file://") else Path(mirror)
    return str(base / source / name)


def _is_remote(location: str | None, *, default: bool) -> bool:
    return default if location is None else location.startswith(("http://", "https://"))


def _cause(exc: BaseException) -> str:
    if isinstance(exc, FetchError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _line(text: str) -> str:
    return " ".join(text.split())
