"""Versioned store of list publications and entity states."""

from embargo.store.base import Encoded, Membership, NewVersion, Store, Version, encode
from embargo.store.sqlite import SQLiteStore

__all__ = ["Encoded", "Membership", "NewVersion", "SQLiteStore", "Store", "Version", "encode"]
