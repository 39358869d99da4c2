"""embargo's exceptions. Every message says what went wrong and where::

EmbargoError
 ├── ListFormatError     a list file is truncated, corrupted or not the format it claims
 ├── StoreError          the store cannot do what was asked (unknown source/version/entity)
 │    └── DiskFullError  the disk (or the store's size limit) is full: nothing of the write was kept
 └── FetchError          a download failed (timeout, HTTP error, bad content)
"""

from __future__ import annotations

from pathlib import Path


class EmbargoError(Exception):
    """Base of all errors embargo reports to a user (never with a traceback)."""


class ListFormatError(EmbargoError):
    def __init__(self, path: Path | str, cause: str, where: str | None = None) -> None:
        self.path = str(path)
        self.cause = cause
        self.where = where
        loc = f" ({where})" if where else ""
        super().__init__(f"{self.path}: {cause}{loc}")

    def __reduce__(self) -> tuple[type[ListFormatError], tuple[str, str, str | None]]:
        # picklable, so a parser running in a worker process can report it
        return (type(self), (self.path, self.cause, self.where))


class StoreError(EmbargoError):
    pass


class DiskFullError(StoreError):
    pass


class FetchError(EmbargoError):
    pass
