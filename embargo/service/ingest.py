"""Ingest: find list files, recognise their format, parse, check, and store each as a version.

Each publication is its own transaction: a bad file is reported (one line: file and cause)
and the others go on; a refused file leaves the store exactly as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from embargo.errors import EmbargoError, ListFormatError
from embargo.sources import formats
from embargo.sources.base import Format, ParsedList
from embargo.sources.sectors import tag_entity
from embargo.store import NewVersion, Store, Version

HEAD_BYTES = 8192
SHRINK_GUARD = 0.5  # refuse a publication that drops more than half of the previous version's entities
SHRINK_MIN = 50  # ... when the previous version had at least this many
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}(?:-\d{2})?)(?!\d)")
_SKIP_SUFFIXES = {".md", ".sha256", ".json"}


@dataclass(frozen=True)
class Candidate:
    """One publication found on disk: its main file, companions, format and source."""

    path: Path
    format: Format
    source: str
    files: tuple[Path, ...]

    @property
    def label(self) -> str:
        return self.path.parent.name

    @property
    def folder_date(self) -> str | None:
        for part in (self.path.parent.name, self.path.name):
            m = _DATE_IN_NAME.search(part)
            if m:
                found = m.group(1) if len(m.group(1)) == 10 else m.group(1) + "-01"  # a month: its first day
                try:
                    return date.fromisoformat(found).isoformat()
                except ValueError:
                    continue
        return None


Status = Literal["created", "unchanged", "refused"]


@dataclass
class Outcome:
    path: Path
    status: Status
    source: str | None = None
    version: Version | None = None
    message: str = ""
    added: int = 0
    removed: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for a person: what happened to this file."""
        if self.status == "refused":
            return f"refused {self.path}: {self.message}"
        v = self.version
        assert v is not None
        what = "ingested" if self.status == "created" else "unchanged (already stored)"
        delta = f" (+{self.added} -{self.removed} ~{self.changed})" if self.status == "created" else ""
        return f"{what} {self.path}: {v.source} version {v.id} of {v.publish_date}, {v.entity_count} entities{delta}"


def discover(paths: Iterable[Path]) -> tuple[list[Candidate], list[Outcome]]:
    """Files (and folders, recursively) -> publications in folder-date order, and unknown files."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.suffix.lower() not in _SKIP_SUFFIXES
            )
        elif p.exists():
            files.append(p)
        else:
            files.append(p)  # reported below as missing
    seen: set[Path] = set()
    found: list[Candidate] = []
    unknown: list[Path] = []
    missing: list[Outcome] = []
    for f in files:
        if not f.exists():
            missing.append(Outcome(f, "refused", message="no such file or folder"))
            continue
        rf = f.resolve()
        if rf in seen:
            continue
        cand = _sniff(f)
        if cand is None:
            unknown.append(f)
            continue
        seen.add(rf)
        seen.update(c.resolve() for c in cand.files)
        found.append(cand)
    refused = missing + [
        Outcome(f, "refused", message="not a list file of a known format")
        for f in unknown
        if f.resolve() not in seen
    ]
    found.sort(key=lambda c: (c.folder_date or "", c.label, str(c.path)))
    return found, refused


def _sniff(path: Path) -> Candidate | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    for fmt in formats():
        try:
            source = fmt.sniff(path, head)
        except Exception:  # a sniffer must never take ingest down
            source = None
        if source:
            return Candidate(path, fmt, source, (path, *fmt.companions(path)))
    return None


def parse_candidate(c: Candidate) -> ParsedList:
    """Parse one publication; every failure becomes a ListFormatError naming the file."""
    try:
        parsed = c.format.parse(c.path, c.source)
    except EmbargoError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a parser bug must not look like a crash to the user
        raise ListFormatError(
            c.path, f"could not be parsed as {c.format.NAME}: {type(exc).__name__}: {exc}"
        ) from exc
    _check(c, parsed)
    parsed.entities = [tag_entity(e) for e in parsed.entities]  # sectors a name or a vessel shows
    return parsed


def _check(c: Candidate, parsed: ParsedList) -> None:
    if parsed.delta_reason:
        raise ListFormatError(
            c.path, f"{parsed.delta_reason}; embargo stores whole publications (ingest the full list instead)"
        )
    if not parsed.entities:
        raise ListFormatError(c.path, "no records found: empty or truncated file")
    if parsed.declared_count is not None and parsed.declared_count != len(parsed.entities):
        raise ListFormatError(
            c.path,
            f"the file declares {parsed.declared_count} records but contains {len(parsed.entities)}: "
            "truncated or trimmed (a sample is not a publication)",
        )
    counts = Counter(e.id for e in parsed.entities)
    dups = [i for i, n in counts.items() if n > 1]
    if dups:
        raise ListFormatError(c.path, f"{len(dups)} list ids occur twice (e.g. {dups[0]})")


def resolve_date(
    c: Candidate, parsed: ParsedList, as_of: str | None, today: date | None = None
) -> tuple[str, str]:
    """The publication date and where it came from: file > --as-of > folder name > today."""
    if parsed.list_date:
        return parsed.list_date[:10], "file"
    if as_of:
        return as_of, "as-of"
    if c.folder_date:
        return c.folder_date, "folder"
    return (today or date.today()).isoformat(), "today"


def ingest_candidate(
    store: Store,
    c: Candidate,
    *,
    as_of: str | None = None,
    force: bool = False,
    parsed: ParsedList | EmbargoError | None = None,
) -> Outcome:
    """Parse (unless ``parsed`` is given: the result of :func:`parse_candidate`), check and store one publication."""
    try:
        if parsed is None:
            parsed = parse_candidate(c)
        elif isinstance(parsed, EmbargoError):
            raise parsed
        publish_date, origin = resolve_date(c, parsed, as_of)
        previous = _previous(store, c.source, publish_date)
        if previous is not None and not force:
            n, p = len(parsed.entities), previous.entity_count
            if p >= SHRINK_MIN and n < p * SHRINK_GUARD:
                raise ListFormatError(
                    c.path,
                    f"{n} entities where the previous {c.source} version ({previous.label}, {previous.publish_date}) "
                    f"had {p}: a drop of {100 * (p - n) / p:.0f}% looks like a truncated or sample file "
                    "(use --force to ingest it anyway)",
                )
        new = NewVersion(
            source=c.source,
            publish_date=publish_date,
            date_origin=origin,
            format=c.format.NAME,
            label=c.label,
            files=tuple(str(f) for f in c.files),
            entities=tuple(parsed.entities),
            declared_count=parsed.declared_count,
            warnings=tuple(parsed.warnings),
            unconsumed=dict(parsed.unconsumed),
        )
        version, created = store.add_version(new)
    except EmbargoError as exc:
        return Outcome(c.path, "refused", source=c.source, message=_cause(exc, c.path))
    out = Outcome(
        c.path,
        "created" if created else "unchanged",
        source=c.source,
        version=version,
        warnings=parsed.warnings,
    )
    if created and previous is not None:
        before, after = store.members(previous.id), store.members(version.id)
        out.added = len(after.keys() - before.keys())
        out.removed = len(before.keys() - after.keys())
        out.changed = sum(1 for k in after.keys() & before.keys() if after[k] != before[k])
    elif created:
        out.added = version.entity_count
    return out


def _previous(store: Store, source: str, publish_date: str) -> Version | None:
    before = [v for v in store.versions(source) if v.publish_date <= publish_date]
    return before[-1] if before else None


def _cause(exc: EmbargoError, path: Path) -> str:
    if isinstance(exc, ListFormatError):
        loc = f" ({exc.where})" if exc.where else ""
        return f"{exc.cause}{loc}"
    return str(exc).replace(f"{path}: ", "")


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    as_of: str | None = None,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    workers: int | None = None,
) -> list[Outcome]:
    """Ingest files and folders: every publication in date order, each in its own transaction.

    ``workers`` processes parse ahead (default: the number of CPUs, at most 4)."""
    candidates, refused = discover(paths)
    if on_start:
        on_start(len(candidates) + len(refused))
    outcomes: list[Outcome] = []
    for o in refused:
        outcomes.append(o)
        if on_done:
            on_done(o)
    n_workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    for o in _run(store, candidates, as_of, force, n_workers):
        outcomes.append(o)
        if on_done:
            on_done(o)
    return outcomes


def _parse_safely(
    path: Path, fmt_name: str, source: str, files: tuple[Path, ...]
) -> ParsedList | EmbargoError:
    """Runs in a worker process: a Candidate's format is a module, so it travels by name."""
    fmt = next(f for f in formats() if fmt_name == f.NAME)
    try:
        return parse_candidate(Candidate(path, fmt, source, files))
    except EmbargoError as exc:
        return exc


def _run(
    store: Store, candidates: list[Candidate], as_of: str | None, force: bool, workers: int
) -> Iterator[Outcome]:
    """Parse ahead in worker processes (parsing is pure), store in order in this one."""
    if workers <= 1 or len(candidates) < 3:
        for c in candidates:
            yield ingest_candidate(store, c, as_of=as_of, force=force)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        ahead = workers + 1  # bounded: at most this many parsed publications wait in memory
        pending: dict[int, Future[ParsedList | EmbargoError]] = {}
        for i, c in enumerate(candidates):
            for j in range(i, min(i + ahead, len(candidates))):
                if j not in pending:
                    cj = candidates[j]
                    pending[j] = pool.submit(_parse_safely, cj.path, cj.format.NAME, cj.source, cj.files)
            try:
                parsed: ParsedList | EmbargoError = pending.pop(i).result()
            except Exception as exc:  # a worker died (e.g. out of memory)
                parsed = ListFormatError(c.path, f"parser process failed: {type(exc).__name__}: {exc}")
            yield ingest_candidate(store, c, as_of=as_of, force=force, parsed=parsed)


__all__ = [
    "Candidate",
    "Outcome",
    "discover",
    "ingest_candidate",
    "ingest_paths",
    "parse_candidate",
    "resolve_date",
]
