"""Local file plumbing for fetch: temp files beside the target, hashing while streaming, fsync."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from embargo.errors import FetchError

CHUNK = 1 << 16
Progress = Callable[[str, int, int | None], None]
Status = Literal["downloaded", "not_modified", "same"]


@dataclass
class Pending:
    """A file read from its origin but not yet moved into place."""

    name: str
    url: str
    temp: Path | None  # None: the file on disk already holds these bytes
    sha256: str
    size: int
    status: Status
    etag: str | None = None
    last_modified: str | None = None


@contextlib.contextmanager
def temp_file(folder: Path, name: str) -> Iterator[tuple[Path, IO[bytes]]]:
    """A hidden temp file beside the target; removed if the block raises, kept if it returns."""
    fd, raw = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    tmp = Path(raw)
    try:
        with os.fdopen(fd, "wb") as f:
            yield tmp, f
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def stream(
    f: IO[bytes],
    chunks: Iterable[bytes],
    name: str,
    total: int | None,
    max_bytes: int,
    progress: Progress | None,
) -> tuple[str, int]:
    """Write ``chunks`` to ``f`` and fsync; return (sha256, size). Empty or oversized bodies are refused."""
    h, size = hashlib.sha256(), 0
    if progress:
        progress(name, 0, total)
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"body is over the {max_bytes} byte limit")
        h.update(chunk)
        f.write(chunk)
        if progress:
            progress(name, size, total)
    if size == 0:
        raise FetchError("empty body")
    f.flush()
    os.fsync(f.fileno())
    return h.hexdigest(), size


def copy_local(path: Path, folder: Path, name: str, max_bytes: int, progress: Progress | None) -> Pending:
    """Read one file from a directory mirror into a temp file in ``folder``."""
    if not path.is_file():
        raise FetchError("no such file in the mirror")
    total = path.stat().st_size
    if total > max_bytes:
        raise FetchError(f"file of {total} bytes is over the {max_bytes} byte limit")
    with path.open("rb") as src, temp_file(folder, name) as (tmp, f):
        sha, size = stream(f, iter(lambda: src.read(CHUNK), b""), name, total, max_bytes, progress)
        return Pending(name, str(path), tmp, sha, size, "downloaded")


def sha256_of(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a fsynced temp file."""
    with temp_file(path.parent, path.name) as (tmp, f):
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def fsync_dir(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows cannot fsync a directory
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
