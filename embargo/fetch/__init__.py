"""Download the official list files of a source: streamed, hashed, validated, then atomically replaced.

Layout: ``<dest>/<source>/<file name>`` (the file name is the URL's last path segment) and
``<dest>/<source>/.fetch.json`` recording url, sha256, size, fetched_at, checked_at, ETag and Last-Modified
per file. A source's files are replaced all-or-nothing: each is streamed into a hidden temp file beside its
target and validated; only when all of them succeeded are they moved into place with ``os.replace``.
A failure is reported in :class:`FetchResult` (one line naming the source, URL and cause), never raised.
The module does not print: pass ``progress(file_name, bytes_so_far, total_or_None)`` to show progress.
"""

from embargo.fetch._files import Progress
from embargo.fetch._http import USER_AGENT
from embargo.fetch._source import (
    DEFAULT_MAX_BYTES,
    META_NAME,
    FetchedFile,
    FetchResult,
    Pace,
    Validator,
    fetch_all,
    fetch_source,
    file_name,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "META_NAME",
    "USER_AGENT",
    "FetchResult",
    "FetchedFile",
    "Pace",
    "Progress",
    "Validator",
    "fetch_all",
    "fetch_source",
    "file_name",
]
