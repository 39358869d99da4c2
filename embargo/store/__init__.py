"""The store: list versions and entity states, API keys and users, the audit log; SQLite or PostgreSQL.

``open_store(url)`` opens one; the protocols (``Store``, ``KeyStore``, ``AuditLog``) are what the rest of
embargo uses. See docs/ARCHITECTURE.md ("The store") for how to add a concern.
"""

from embargo.store.audit import AuditEntry, AuditLog, ChainReport
from embargo.store.base import Encoded, Membership, NewVersion, Store, Version, Watch, encode
from embargo.store.keys import ROLES, SCOPES, ApiKey, KeyStore, Session, User
from embargo.store.sqlite import SQLiteStore
from embargo.store.url import URL_HELP, open_store, unreachable

__all__ = [
    "ROLES",
    "SCOPES",
    "URL_HELP",
    "ApiKey",
    "AuditEntry",
    "AuditLog",
    "ChainReport",
    "Encoded",
    "KeyStore",
    "Membership",
    "NewVersion",
    "SQLiteStore",
    "Session",
    "Store",
    "User",
    "Version",
    "Watch",
    "encode",
    "open_store",
    "unreachable",
]
