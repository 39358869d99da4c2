"""What every source parser shares: the tracked record, the parse result, the format protocol.

A parser is pure: a path in, a :class:`ParsedList` out. It reads source fields through
:class:`Record`, which remembers which fields were consumed; fields that carried a value and
were never read are reported in :attr:`ParsedList.unconsumed`, so a format change is noticed
instead of silently dropped.

Errors (one tree)::

    EmbargoError
     └── ListFormatError      a file is not what it claims to be (truncated, corrupted, wrong format)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from embargo.errors import ListFormatError
from embargo.model import Entity

__all__ = ["Format", "ListFormatError", "ParsedList", "Reading", "Record", "SourceInfo", "UsageTracker"]


@dataclass(frozen=True)
class SourceInfo:
    """An official list: who publishes it and where."""

    name: str  # e.g. "us_ofac_sdn"
    title: str
    authority: str
    country: str  # ISO alpha-2 lower case of the authority ("un", "eu" for the bodies)
    urls: tuple[str, ...]  # official download URLs; the last path segment is the file name
    formats: tuple[str, ...] = ()


class UsageTracker:
    """Counts, per field name, records where a field had a value but was never read."""

    def __init__(self) -> None:
        self.unconsumed: Counter[str] = Counter()

    def check(self, record: Record) -> None:
        for key in record.unused():
            self.unconsumed[key] += 1


class Record(Mapping[str, Any]):
    """A source record (field -> value) that remembers which fields were read.

    Field names may be paths (``"sdnEntry/lastName"``) for nested formats; a parser may
    also call :meth:`consume` for fields it deliberately ignores.
    """

    __slots__ = ("_data", "_used")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)
        self._used: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self._used.add(key)
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._used.add(key)
        return self._data.get(key, default)

    def text(self, key: str) -> str | None:
        """The field as stripped text, or None when absent or blank."""
        value = self.get(key)
        if value is None:
            return None
        s = str(value).strip()
        return s or None

    def consume(self, *keys: str) -> None:
        self._used.update(keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def unused(self) -> list[str]:
        return [k for k, v in self._data.items() if k not in self._used and v not in (None, "", [], {})]


@dataclass
class ParsedList:
    """One publication of one list, parsed and mapped."""

    source: str
    format: str
    entities: list[Entity]
    list_date: str | None = None  # ISO date printed in the file, if the format has one
    declared_count: int | None = None  # a record count the file declares about itself
    record_count: int = 0  # records read from the file (entities before merging)
    files: list[Path] = field(default_factory=list)
    unconsumed: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # what the file itself says it is: a change set (amendment) rather than the whole list.
    # Ingest refuses it: a version is a whole publication, and history is computed between versions.
    delta_reason: str | None = None


class Reading:
    """One publication being read: what every format collects (entities, warnings, the fields it
    did not read, country texts it could not place) and the one place a :class:`ParsedList` is made."""

    def __init__(self, path: Path, source: str, fmt: str) -> None:
        self.path = path
        self.source = source
        self.format = fmt
        self.entities: list[Entity] = []
        self.warnings: list[str] = []
        self.tracker = UsageTracker()
        self.unknown_countries: Counter[str] = Counter()  # text -> parties it was read in

    def finish(
        self,
        *,
        list_date: str | None = None,
        declared_count: int | None = None,
        record_count: int | None = None,
        files: list[Path] | None = None,
        unconsumed: dict[str, int] | None = None,
        delta_reason: str | None = None,
    ) -> ParsedList:
        """The parse result; ``record_count`` defaults to the entities, ``unconsumed`` to the tracker's."""
        if self.unknown_countries:
            top = ", ".join(f"{k!r} ({n})" for k, n in self.unknown_countries.most_common(5))
            self.warnings.append(f"{len(self.unknown_countries)} country texts not recognised, e.g. {top}")
        return ParsedList(
            source=self.source,
            format=self.format,
            entities=self.entities,
            list_date=list_date,
            declared_count=declared_count,
            record_count=len(self.entities) if record_count is None else record_count,
            files=files or [self.path],
            unconsumed=dict(self.tracker.unconsumed) if unconsumed is None else unconsumed,
            warnings=self.warnings,
            delta_reason=delta_reason,
        )


class Format(Protocol):
    """One official file format. Implementations are modules or objects in ``embargo.sources``."""

    NAME: str

    def sniff(self, path: Path, head: bytes) -> str | None:
        """The source name if ``path`` (whose first bytes are ``head``) is in this format."""
        ...

    def companions(self, path: Path) -> list[Path]:
        """Other files that belong to the same publication (OFAC add.csv/alt.csv ...)."""
        ...

    def parse(self, path: Path, source: str) -> ParsedList:
        """Parse the publication whose main file is ``path``; raise ListFormatError when it is bad."""
        ...
