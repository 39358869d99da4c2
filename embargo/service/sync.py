"""``embargo sync``: download each source from its official URL (or a mirror), then ingest it.

A download is validated before it replaces the previous file: the file must be recognised by a
format sniffer and parse cleanly (companion files such as OFAC's ADD.CSV are checked with their
main file at ingest). One source failing never stops the others.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from embargo.errors import FetchError
from embargo.fetch import FetchResult, Pace, Progress, fetch_all

__all__ = ["Pace", "SyncResult", "sync"]  # Pace: the download limits a caller sets
from embargo.service.events import EventBus
from embargo.service.ingest import Candidate, Outcome, discover, ingest_paths, parse_candidate
from embargo.sources.base import SourceInfo
from embargo.sources.catalog import SOURCES
from embargo.sources.ofac.csv_format import COMPANION_FILES
from embargo.store import Store

_HTML = (b"<!doctype html", b"<html", b"<head", b"<body")


@dataclass
class SyncResult:
    source: str
    fetch: FetchResult
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.fetch.ok and all(o.status not in ("refused", "held") for o in self.outcomes)

    def line(self) -> str:
        if not self.fetch.ok:
            return f"failed {self.fetch.error}"
        if not self.fetch.changed and not self.outcomes:
            return f"{self.source}: unchanged since the last download"
        return "; ".join(o.line() for o in self.outcomes) or f"{self.source}: downloaded"


def validate_download(path: Path, name: str) -> None:
    """Raise FetchError / ListFormatError unless ``path`` (to be saved as ``name``) is a list file we read."""
    head = path.open("rb").read(4096)
    if head.lstrip().lower().startswith(_HTML):
        raise FetchError(f"{name}: the server sent an HTML page, not a list file")
    with tempfile.TemporaryDirectory(prefix="embargo-validate-") as tmp:
        staged = Path(tmp) / name
        staged.symlink_to(path.resolve())
        found, _ = discover([staged])
        if not found:
            if _is_companion(name):
                return
            raise FetchError(f"{name}: not a list file of a known format")
        cand = found[0]
        parse_candidate(Candidate(staged, cand.format, cand.source, (staged,)))


def _is_companion(name: str) -> bool:
    """A file that is only read with its main file (OFAC's add/alt/comments CSVs)."""
    return any(name.lower() in files.values() for files in COMPANION_FILES.values())


def sync(
    store: Store,
    dest: Path,
    *,
    sources: Iterable[str] | None = None,
    mirror: str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
    progress: Progress | None = None,
    on_result: Callable[[SyncResult], None] | None = None,
    pace: Pace | None = None,
    bus: EventBus | None = None,
) -> list[SyncResult]:
    """Download each source (each file within ``pace``: total time and minimum rate), then ingest it
    (its events on ``bus``). A result is not ``ok`` when its download failed or a file was refused or held."""
    infos: list[SourceInfo] = []
    for name in sources or SOURCES:
        if name not in SOURCES:
            raise FetchError(f"unknown source {name!r} (known: {', '.join(SOURCES)})")
        infos.append(SOURCES[name])
    results = []
    fetched = fetch_all(
        infos,
        dest,
        mirror=mirror,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        validate=validate_download,
        progress=progress,
        pace=pace,
    )
    for fr in fetched:
        res = SyncResult(fr.source, fr)
        if fr.ok and fr.files:
            # ingest even when unchanged: a no-op for a stored publication, and it repairs a store
            # that was reset since the last download
            outs = ingest_paths(store, [dest / fr.source], bus=bus)
            res.outcomes = [o for o in outs if o.source in (fr.source, None)]
        results.append(res)
        if on_result:
            on_result(res)
    return results
