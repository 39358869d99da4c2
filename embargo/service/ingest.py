"""Ingest: find list files, recognise their format, parse, check, and store each as a version.

Each publication is its own transaction: a bad file is reported (one line: file and cause)
and the others go on; a refused file leaves the store exactly as it was.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal

from embargo.errors import EmbargoError, ListFormatError
from embargo.service.events import Event, EventBus, PublicationRefused, VersionDelta, VersionHeld
from embargo.service.policy import Change, assess
from embargo.sources import formats
from embargo.sources.base import Format, ParsedList
from embargo.sources.limits import Limits, applied
from embargo.sources.sectors import tag_entity
from embargo.store import Encoded, NewVersion, Store, Version, encode

HEAD_BYTES = 8192
SHRINK_GUARD = 0.5  # refuse a publication that drops more than half of the previous version's entities
SHRINK_MIN = 50  # ... when the previous version had at least this many
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}(?:-\d{2})?)(?!\d)")
_SKIP_SUFFIXES = {".md", ".sha256", ".json"}
FETCH_META = ".fetch.json"  # written by sync beside the files it downloaded (HTTP Last-Modified ...)


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
        """The date in the file's name, or in its folder's name where a folder above names the source
        (``us_ofac_sdn/2024-05-02/sdn.csv``): a dated folder of another source says nothing of this one."""
        parts = [self.path.name]
        if self.names_source():
            parts.insert(0, self.path.parent.name)
        for part in parts:
            m = _DATE_IN_NAME.search(part)
            if m:
                found = m.group(1) if len(m.group(1)) == 10 else m.group(1) + "-01"  # a month: its first day
                try:
                    return date.fromisoformat(found).isoformat()
                except ValueError:
                    continue
        return None

    def names_source(self) -> bool:
        """A folder on the file's path starts with the source's name (``un_sc_consolidated`` for un_sc)."""
        return any(p.name.lower().startswith(self.source) for p in self.path.parents)

    @property
    def http_date(self) -> str | None:
        """The Last-Modified date the server sent for the main file (recorded by sync), if any."""
        try:
            meta = json.loads((self.path.parent / FETCH_META).read_text("utf-8"))
            value = meta["files"][self.path.name]["last_modified"]
            return parsedate_to_datetime(str(value)).date().isoformat() if value else None
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None


Status = Literal["created", "unchanged", "refused", "held"]


@dataclass
class Outcome:
    path: Path
    status: Status
    source: str | None = None
    version: Version | None = None
    message: str = ""
    delta: VersionDelta | None = None  # a new version: what it changed against the one before it
    warnings: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def added(self) -> int:
        return len(self.delta.added) if self.delta else 0

    @property
    def removed(self) -> int:
        return len(self.delta.removed) if self.delta else 0

    @property
    def changed(self) -> int:
        return len(self.delta.changed) if self.delta else 0

    def line(self) -> str:
        """One line for a person: what happened to this file."""
        if self.status == "refused":
            return f"refused {self.path}: {self.message}"
        v = self.version
        assert v is not None
        if self.status == "held":
            return (
                f"held {self.path}: {v.source} version {v.id} of {v.publish_date} {v.hold_reason}; "
                f"release with `embargo versions release {v.id}`"
            )
        what = "ingested" if self.status == "created" else "unchanged (already stored)"
        delta = f" (+{self.added} -{self.removed} ~{self.changed})" if self.status == "created" else ""
        return f"{what} {self.path}: {v.source} version {v.id} of {v.publish_date}, {v.entity_count} entities{delta}"


def discover(paths: Iterable[Path]) -> tuple[list[Candidate], list[Outcome]]:
    """Files (and folders, recursively) -> publications in folder-date order, and refused paths
    (missing, not a regular file, of no known format, a folder holding no list file)."""
    files: list[Path] = []
    refused: list[Outcome] = []
    folders: list[tuple[Path, list[Path]]] = []
    for p in paths:
        if p.is_dir():
            inside = [
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.suffix.lower() not in _SKIP_SUFFIXES
            ]
            folders.append((p, inside))
            files.extend(inside)
        elif not p.exists():
            refused.append(Outcome(p, "refused", message="no such file or folder"))
        elif not _is_regular(p):
            # a FIFO, device or socket: opening it could block forever
            refused.append(Outcome(p, "refused", message="not a regular file (a FIFO, device or socket)"))
        else:
            files.append(p)
    seen: set[Path] = set()
    found: list[Candidate] = []
    unknown: list[Path] = []
    for f in files:
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
    refused += [
        Outcome(f, "refused", message="not a list file of a known format")
        for f in unknown
        if f.resolve() not in seen
    ]
    for folder, inside in folders:
        if not any(f.resolve() in seen for f in inside):
            refused.append(Outcome(folder, "refused", message="no list file found in this folder"))
    found.sort(key=lambda c: (c.folder_date or "", c.label, str(c.path)))
    return found, refused


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


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


def parse_candidate(c: Candidate, limits: Limits | None = None) -> ParsedList:
    """Parse one publication within ``limits`` (size, ratio, cells, time); every failure becomes a
    ListFormatError naming the file."""
    try:
        with applied(limits or Limits(), c.path):
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
    """The publication date and where it came from:
    file > --as-of > folder or file name > HTTP Last-Modified (recorded by sync) > today."""
    if parsed.list_date:
        return parsed.list_date[:10], "file"
    if as_of:
        return as_of, "as-of"
    if c.folder_date:
        return c.folder_date, "folder"
    if c.http_date:
        return c.http_date, "http"
    return (today or date.today()).isoformat(), "today"


def ingest_candidate(
    store: Store,
    c: Candidate,
    *,
    as_of: str | None = None,
    force: bool = False,
    allow_older: bool = False,
    parsed: ParsedList | EmbargoError | None = None,
    limits: Limits | None = None,
    bus: EventBus | None = None,
) -> Outcome:
    """Parse (unless ``parsed`` is given: the result of :func:`parse_candidate`), check and store one
    publication. A publication already stored is not stored again; one dated before the version in
    force is refused unless ``allow_older``; one that removes or strips more parties than the change
    policy allows is stored held (not in force). ``force`` skips only the sample-size guard.

    A new version's :class:`VersionDelta` is on the outcome; when the version is now in force it is
    also emitted on ``bus``, with the other events."""
    bus = bus or EventBus()
    try:
        if parsed is None:
            parsed = parse_candidate(c, limits)
        elif isinstance(parsed, EmbargoError):
            raise parsed
        publish_date, origin = resolve_date(c, parsed, as_of)
        enc = encode(parsed.entities)
        stored = store.versions(c.source, include_held=True)
        in_force = [v for v in stored if not v.held]
        current = in_force[-1] if in_force else None
        seen = [v for v in stored if v.content_hash == enc.content_hash]
        if seen:
            known = _already_seen(c, seen, current, publish_date, origin, bus)
            if known is not None:
                return known
        if current is not None:
            _check_order(c, current, publish_date, origin, allow_older)
        previous = _previous(in_force, publish_date)
        change: Change | None = None
        if previous is not None:
            if not force:
                _check_shrink(c, previous, len(parsed.entities))
            change = assess(store, previous, enc.members(), parsed.entities, c.files, publish_date, origin)
        hold = change.reason(c.source, previous) if change and previous and change.exceeds else None
        version, created = store.add_version(_new_version(c, parsed, publish_date, origin, enc, hold))
    except EmbargoError as exc:
        out = Outcome(c.path, "refused", source=c.source, message=_cause(exc, c.path))
        _emit(bus, out, PublicationRefused(c.source, str(c.path), out.message))
        return out
    status: Status = "held" if version.held else "created" if created else "unchanged"
    out = Outcome(c.path, status, source=c.source, version=version, warnings=list(parsed.warnings))
    out.message = (version.hold_reason or "") if version.held else ""
    if change is not None and not change.names_compared:
        out.warnings.append(
            "not the same files as the version in force: compared by parties, not names "
            "(names differ between editions; a missing companion file's aliases are gone)"
        )
    if created:
        latest = current is None or (version.publish_date, version.id) > (current.publish_date, current.id)
        now_in_force = latest and not version.held
        before = store.members(previous.id) if previous else {}
        out.delta = VersionDelta.between(version, previous, before, enc.members(), in_force=now_in_force)
        if now_in_force:
            _emit(bus, out, out.delta)
    if version.held and change is not None and previous is not None:
        _emit(
            bus,
            out,
            VersionHeld(
                version.source,
                version.id,
                version.label,
                version.publish_date,
                previous.id,
                change.removed,
                change.stripped,
                change.allowance,
                version.hold_reason or "",
            ),
        )
    return out


def _emit(bus: EventBus, out: Outcome, event: Event) -> None:
    out.events.append(event)
    bus.emit(event)


def _new_version(
    c: Candidate, parsed: ParsedList, publish_date: str, origin: str, enc: Encoded, hold: str | None
) -> NewVersion:
    return NewVersion(
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
        hold_reason=hold,
        encoded=enc,
    )


def _already_seen(
    c: Candidate, seen: list[Version], current: Version | None, publish_date: str, origin: str, bus: EventBus
) -> Outcome | None:
    """A publication whose content is stored already: unchanged, still held, or a stale copy (refused).
    None: store it (the version in force republished under a later date printed in the file)."""
    same_date = next((v for v in seen if v.publish_date == publish_date), None)
    held = next((v for v in seen if v.held), None)
    known = same_date or held
    if known is None and current is not None and current in seen:
        if origin == "file" and publish_date > current.publish_date:
            return None  # a dated republication with no change: kept as its own version
        known = current
    if known is None and current is not None and publish_date < current.publish_date:
        known = seen[-1]  # an older publication, stored before: history, nothing to do
    if known is not None:
        status: Status = "held" if known.held else "unchanged"
        return Outcome(c.path, status, source=c.source, version=known)
    old, now = seen[-1], current
    assert now is not None  # seen versions exist, so one is in force or held (handled above)
    msg = (
        f"the same content as {c.source} version {old.id} of {old.publish_date} ({old.label}), "
        f"older than the version in force ({now.label}, {now.publish_date}), now dated {publish_date} "
        f"({origin}): a stale copy, not stored"
    )
    out = Outcome(c.path, "refused", source=c.source, message=msg)
    _emit(bus, out, PublicationRefused(c.source, str(c.path), msg))
    return out


def _check_order(c: Candidate, current: Version, publish_date: str, origin: str, allow_older: bool) -> None:
    """Refuse a publication dated before the version in force (unless asked), and an OFAC main file
    without the companion files the version in force of the same date has."""
    if publish_date < current.publish_date and not allow_older:
        raise ListFormatError(
            c.path,
            f"dated {publish_date} ({origin}), before the {c.source} version in force ({current.label}, "
            f"{current.publish_date}): an older publication; use --allow-older to store it as history",
        )
    if (
        publish_date == current.publish_date
        and current.format == c.format.NAME
        and len(c.files) < len(current.files)
    ):
        have = {Path(f).name.lower() for f in c.files}
        missing = sorted(Path(f).name for f in current.files if Path(f).name.lower() not in have)
        raise ListFormatError(
            c.path,
            f"lacks {', '.join(missing)}, which the {c.source} version in force of the same date "
            f"({current.label}) has: a partial copy does not supersede the full publication",
        )


def _check_shrink(c: Candidate, previous: Version, n: int) -> None:
    p = previous.entity_count
    if p >= SHRINK_MIN and n < p * SHRINK_GUARD:
        raise ListFormatError(
            c.path,
            f"{n} entities where the previous {c.source} version ({previous.label}, {previous.publish_date}) "
            f"had {p}: a drop of {100 * (p - n) / p:.0f}% looks like a truncated or sample file "
            "(use --force to ingest it anyway)",
        )


def _previous(in_force: list[Version], publish_date: str) -> Version | None:
    before = [v for v in in_force if v.publish_date <= publish_date]
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
    allow_older: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    workers: int | None = None,
    limits: Limits | None = None,
    bus: EventBus | None = None,
) -> list[Outcome]:
    """Ingest files and folders: every publication in date order, each in its own transaction.

    ``workers`` processes parse ahead (default: the number of CPUs, at most 4)."""
    bus = bus or EventBus()
    candidates, refused = discover(paths)
    if on_start:
        on_start(len(candidates) + len(refused))
    outcomes: list[Outcome] = []
    for o in refused:
        _emit(bus, o, PublicationRefused(None, str(o.path), o.message))
        outcomes.append(o)
        if on_done:
            on_done(o)
    n_workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    opts = _Options(as_of, force, allow_older, limits or Limits(), bus)
    for o in _run(store, candidates, opts, n_workers):
        outcomes.append(o)
        if on_done:
            on_done(o)
    return outcomes


@dataclass(frozen=True)
class _Options:
    as_of: str | None
    force: bool
    allow_older: bool
    limits: Limits
    bus: EventBus


def _parse_safely(
    path: Path, fmt_name: str, source: str, files: tuple[Path, ...], limits: Limits
) -> ParsedList | EmbargoError:
    """Runs in a worker process: a Candidate's format is a module, so it travels by name."""
    fmt = next(f for f in formats() if fmt_name == f.NAME)
    try:
        return parse_candidate(Candidate(path, fmt, source, files), limits)
    except EmbargoError as exc:
        return exc


def _run(store: Store, candidates: list[Candidate], opts: _Options, workers: int) -> Iterator[Outcome]:
    """Parse ahead in worker processes (parsing is pure), store in order in this one."""

    def store_one(c: Candidate, parsed: ParsedList | EmbargoError | None) -> Outcome:
        return ingest_candidate(
            store,
            c,
            as_of=opts.as_of,
            force=opts.force,
            allow_older=opts.allow_older,
            parsed=parsed,
            limits=opts.limits,
            bus=opts.bus,
        )

    if workers <= 1 or len(candidates) < 3:
        for c in candidates:
            yield store_one(c, None)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        ahead = workers + 1  # bounded: at most this many parsed publications wait in memory
        pending: dict[int, Future[ParsedList | EmbargoError]] = {}
        for i, c in enumerate(candidates):
            for j in range(i, min(i + ahead, len(candidates))):
                if j not in pending:
                    cj = candidates[j]
                    pending[j] = pool.submit(
                        _parse_safely, cj.path, cj.format.NAME, cj.source, cj.files, opts.limits
                    )
            try:
                parsed: ParsedList | EmbargoError = pending.pop(i).result()
            except Exception as exc:  # a worker died (e.g. out of memory)
                parsed = ListFormatError(c.path, f"parser process failed: {type(exc).__name__}: {exc}")
            yield store_one(c, parsed)


__all__ = [
    "Candidate",
    "Outcome",
    "discover",
    "ingest_candidate",
    "ingest_paths",
    "parse_candidate",
    "resolve_date",
]
