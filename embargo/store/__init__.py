"""Versioned store of list publications and entity states."""

from embargo.store.base import Membership, NewVersion, Store, Version
from embargo.store.sqlite import SQLiteStore

__all__ = ["Membership", "NewVersion", "SQLiteStore", "Store", "Version"]
