"""The store file holds API key hashes, password hashes, sessions and the audit log: owner-only access."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

SIDECARS = ("", "-wal", "-shm", "-journal")


def make_private(path: Path | str) -> None:
    """Create ``path`` with mode 0600 if it does not exist (SQLite then gives its -wal and -shm files the
    same mode), and take group and other access away from an existing one and its sidecar files."""
    text = str(path)
    if text == ":memory:" or text.startswith("file:"):
        return
    # O_EXCL: an existing file is never opened here, since closing a descriptor of a database file drops
    # every POSIX lock this process's SQLite connections hold on it
    with contextlib.suppress(FileExistsError):
        os.close(os.open(text, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in SIDECARS:
        try:
            mode = os.stat(text + suffix).st_mode & 0o777
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(text + suffix, mode & 0o700)
