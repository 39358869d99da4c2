"""Who may do what, as the shells need it: the store's key, user, session and audit-log records and
protocols, and the store schema commands (``embargo db``). The shells import them from here, never from
``store/`` (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

from pathlib import Path

from embargo.store import (
    ROLES,
    SCOPES,
    URL_HELP,
    ApiKey,
    AuditEntry,
    AuditLog,
    ChainReport,
    KeyStore,
    Session,
    Store,
    User,
    open_store,
    unreachable,
)

__all__ = [
    "ROLES",
    "SCOPES",
    "URL_HELP",
    "ApiKey",
    "AuditEntry",
    "AuditLog",
    "ChainReport",
    "KeyStore",
    "Session",
    "Store",
    "User",
    "open_access",
    "unreachable",
    "upgrade_schema",
]


def open_access(db: Path | str | None = None, *, upgrade: bool | None = None) -> Store:
    """The store at ``db`` (default: the usual one), for its keys, users and audit log."""
    from embargo.service import default_db_path

    return open_store(db if db is not None else default_db_path(), upgrade=upgrade)


def upgrade_schema(db: Path | str | None = None) -> tuple[int, int]:
    """Bring the store's schema up to date (creating an empty one): the version it was at and is at now."""
    store = open_access(db, upgrade=True)
    try:
        return store.schema_found, store.schema_version
    finally:
        store.close()
