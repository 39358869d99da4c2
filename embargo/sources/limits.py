"""Bounds on what one list file may cost to read: decompressed size, compression ratio, XLSX shared
strings and cells, and parsing time. A file beyond any of them is refused (ListFormatError), so a
decompression bomb or a pathological spreadsheet cannot take the memory or the hours of a run.

The official files are far inside them: the largest member of a real archive expands to 13 MB
(OFSI's sheet) at a ratio of 17 (OFAC's enhanced XML); OFSI's sheet has ~700,000 cells.
Parsers ask :func:`current` (set per parse by :func:`applied`), so their signatures stay pure.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from embargo.errors import ListFormatError

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_expanded: int = 256 * MIB  # bytes one file may expand to (all members of an archive together)
    max_ratio: float = 100.0  # expanded / compressed, checked on members that expand past ratio_floor
    ratio_floor: int = 1 * MIB
    max_shared_strings: int = 2_000_000  # XLSX shared strings
    max_cells: int = 20_000_000  # XLSX cells of the sheet read (declared dimension and cells read)
    max_seconds: float = 300.0  # parsing one publication (0: no bound)


_DEFAULT = Limits()
_current: ContextVar[Limits | None] = ContextVar("embargo_limits", default=None)


def current() -> Limits:
    return _current.get() or _DEFAULT


@contextlib.contextmanager
def applied(limits: Limits, path: Path) -> Iterator[None]:
    """Use ``limits`` for the parsers called in this block, and bound its time where a timer can be set
    (the main thread of a process: the CLI and the parse workers)."""
    token = _current.set(limits)
    timed = limits.max_seconds > 0 and threading.current_thread() is threading.main_thread()

    def expired(_sig: int, _frame: FrameType | None) -> None:
        raise ListFormatError(
            path,
            f"parsing took longer than {limits.max_seconds:g} s: refused (a decompression bomb or damaged file?)",
        )

    old = signal.signal(signal.SIGALRM, expired) if timed else None
    if timed:
        signal.setitimer(signal.ITIMER_REAL, limits.max_seconds)
    try:
        yield
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        _current.reset(token)


def gunzip(path: Path, data: bytes) -> bytes:
    """Decompress a gzip file's bytes in bounded steps: refused past the size or ratio limit."""
    lim = current()
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out: list[bytes] = []
    size = 0
    try:
        chunk = d.decompress(data, MIB)
        while True:
            size += len(chunk)
            _check_size(path, "the gzip stream", size, len(data), lim)
            out.append(chunk)
            if d.eof or (not d.unconsumed_tail and not chunk):
                break
            chunk = d.decompress(d.unconsumed_tail, MIB)
    except zlib.error as exc:
        raise ListFormatError(path, f"broken gzip stream: truncated or corrupted ({exc})") from exc
    if not d.eof:
        raise ListFormatError(path, "broken gzip stream: truncated (the stream does not end)")
    return b"".join(out)


def _check_size(path: Path, what: str, size: int, packed: int, lim: Limits) -> None:
    if size > lim.max_expanded:
        raise ListFormatError(
            path, f"{what} expands past {lim.max_expanded // MIB} MiB: refused (a decompression bomb?)"
        )
    if size > lim.ratio_floor and size > lim.max_ratio * max(packed, 1):
        raise ListFormatError(
            path,
            f"{what} expands more than {lim.max_ratio:g} times ({packed} bytes -> over {size}): "
            "refused (a decompression bomb?)",
        )


def check_zip(path: Path, kind: str = "zip archive") -> None:
    """Refuse an archive whose members declare more than the limits (zipfile reads no more than a
    member declares, so the declared sizes bound what is read). ``kind`` names the file in errors."""
    lim = current()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ListFormatError(path, f"not a readable {kind}, truncated or corrupted ({exc})") from exc
    total = 0
    for info in infos:
        total += info.file_size
        _check_size(path, f"archive member {info.filename}", info.file_size, info.compress_size, lim)
    _check_size(path, "the archive", total, max(sum(i.compress_size for i in infos), 1), lim)


_COUNT = re.compile(rb'uniqueCount="(\d+)"|count="(\d+)"')
_DIMENSION = re.compile(rb'<dimension[^>]*ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def check_xlsx(path: Path) -> None:
    """:func:`check_zip`, then the shared strings' declared count and the first sheet's dimension."""
    check_zip(path, "XLSX workbook")
    lim = current()
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "xl/sharedStrings.xml" in names:
                with zf.open("xl/sharedStrings.xml") as f:
                    head = f.read(4096)
                counts = [int(a or b) for a, b in _COUNT.findall(head)]
                if counts and max(counts) > lim.max_shared_strings:
                    raise ListFormatError(
                        path,
                        f"{max(counts)} shared strings, over the limit of {lim.max_shared_strings}: refused",
                    )
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            if sheets:
                with zf.open(sheets[0]) as f:
                    head = f.read(4096)
                m = _DIMENSION.search(head)
                if m and m.group(3):
                    cells = (int(m.group(4)) - int(m.group(2)) + 1) * (
                        _col(m.group(3)) - _col(m.group(1)) + 1
                    )
                    check_cells(path, cells)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error) as exc:
        raise ListFormatError(path, f"not a readable XLSX workbook, truncated or corrupted ({exc})") from exc


def check_cells(path: Path, cells: int) -> None:
    lim = current()
    if cells > lim.max_cells:
        raise ListFormatError(path, f"the sheet spans over {lim.max_cells} cells ({cells}): refused")


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


__all__ = ["Limits", "applied", "check_cells", "check_xlsx", "check_zip", "current", "gunzip"]
