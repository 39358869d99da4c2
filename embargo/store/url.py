"""``open_store(url)``: the store a database URL (or a file path) names."""

from __future__ import annotations

import re
from pathlib import Path

from embargo.errors import StoreError
from embargo.store.base import Store

SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
POSTGRESQL = ("postgresql", "postgres", "postgresql+psycopg")
URL_HELP = "use a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"


def scheme_of(url: str) -> str | None:
    """The URL's scheme (lower case), None for a plain file path."""
    m = SCHEME.match(url)
    return m.group(1).lower() if m else None


def sqlite_path(url: str) -> str:
    """The file of a ``sqlite:///relative/path``, ``sqlite:////absolute/path`` or ``sqlite:///:memory:``."""
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest == "/":
        raise StoreError(
            f"{url!r}: a SQLite URL names a file: sqlite:///relative/path or sqlite:////abs/path"
        )
    return rest[1:]


def open_store(url: str | Path, *, upgrade: bool | None = None) -> Store:
    """The store at ``url``: a file path or ``sqlite:///PATH`` (SQLite), ``postgresql://...`` (PostgreSQL).
    Any other scheme is refused. ``upgrade``: bring an older schema up to date (default: SQLite yes, a
    shared PostgreSQL database only through ``embargo db upgrade``)."""
    text = str(url)
    scheme = scheme_of(text)
    if scheme is None or scheme == "sqlite":
        from embargo.store.sqlite import SQLiteStore

        path = text if scheme is None else sqlite_path(text)
        return SQLiteStore(path, upgrade=True if upgrade is None else upgrade)
    if scheme in POSTGRESQL:
        try:
            from embargo.store.postgres import PostgresStore
        except ImportError as exc:  # psycopg is a dependency; a stripped install may lack its binary part
            raise StoreError(f"PostgreSQL stores need psycopg, which cannot be loaded here ({exc})") from exc
        dsn = "postgresql://" + text.split("://", 1)[1]
        return PostgresStore(dsn, upgrade=bool(upgrade))
    raise StoreError(f"unsupported database URL scheme {scheme!r}: {URL_HELP}")


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database server went away (its connection lost while a query ran: a
    restart, a stop, a failover), which a caller answers as "unavailable, retry", not as a fault; also
    where the store wrapped that error in its own (``StoreError("cannot connect ...")`` from it)."""
    try:
        import psycopg
    except ImportError:  # no PostgreSQL driver: no PostgreSQL store either
        return False
    seen: BaseException | None = exc
    for _ in range(5):  # (the error and the errors it was raised from)
        if seen is None:
            return False
        if isinstance(seen, psycopg.OperationalError | psycopg.InterfaceError):
            return True
        seen = seen.__cause__
    return False
