"""API keys, web users and their sessions, in the store's SQLite file (own tables, own connection).

A key is ``emb_<id>_<secret>``; only a salted SHA-256 of the secret is kept, so a key is shown once,
when it is created. A user's password is kept as an scrypt hash (``hashlib.scrypt``). A web session is
a random token in a cookie; only its SHA-256 is stored, with the CSRF token of its forms. The audit
log lives in :mod:`embargo.api.audit`; :meth:`KeyStore.audit` writes a row and waits for its commit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from embargo.api import audit as audit_log
from embargo.api.audit import AuditEntry
from embargo.errors import StoreError
from embargo.store.private import make_private

SCOPES = ("screen", "admin")
PREFIX = "emb"

_DDL = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    label TEXT,
    scope TEXT NOT NULL CHECK (scope IN ('screen', 'admin')),
    salt TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    key_id TEXT,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class ApiKey:
    id: str
    label: str | None
    scope: str
    created_at: str
    revoked_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "scope": self.scope,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


# scrypt parameters (RFC 7914's interactive-login cost): 16 MiB and some 50 ms per check
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
USER_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD = 10
SESSION_HOURS = 8


def hash_password(password: str, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex), the form a password is stored in."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    dk = hashlib.scrypt(password.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${dk.hex()}"


def check_password(password: str, stored: str) -> bool:
    kind, n, r, p, salt, want = stored.split("$")
    if kind != "scrypt":
        return False
    dk = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(want) // 2
    )
    return hmac.compare_digest(dk.hex(), want)


# checked when the user is unknown, so an unknown name costs as much as a wrong password
_DUMMY = hash_password("-", b"embargo-dummy-salt")


@dataclass(frozen=True)
class User:
    name: str
    created_at: str
    disabled_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "created_at": self.created_at, "disabled_at": self.disabled_at}


@dataclass(frozen=True)
class Session:
    """A logged-in browser: the user (a user name, or ``key:<id>`` for a key login) and its CSRF token."""

    user: str
    key_id: str | None
    csrf: str
    expires_at: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KeyStore:
    """Keys, users, sessions and audit rows; safe to share between threads (one connection behind a lock)."""

    def __init__(self, db: Path | str) -> None:
        self.path = str(db)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            make_private(self.path)
        self._lock = threading.Lock()
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA busy_timeout=30000")
            self.conn.executescript(_DDL)
            audit_log.migrate(self.conn)
            self.audit_log = audit_log.AuditLog(self.path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the key and audit tables ({exc})") from exc

    def close(self) -> None:
        self.audit_log.close()
        self.conn.close()

    # -- keys ------------------------------------------------------------------------------
    def create(self, scope: str, label: str | None = None) -> tuple[ApiKey, str]:
        """A new key and its secret form (shown once; only its salted hash is stored)."""
        if scope not in SCOPES:
            raise StoreError(f"unknown scope {scope!r} (use {' or '.join(SCOPES)})")
        key_id = secrets.token_hex(4)
        secret = secrets.token_urlsafe(24)
        salt = secrets.token_hex(16)
        created = _now()
        with self._lock:
            self.conn.execute(
                "INSERT INTO api_keys (id, label, scope, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, label, scope, salt, _digest(salt, secret), created),
            )
        return ApiKey(key_id, label, scope, created, None), f"{PREFIX}_{key_id}_{secret}"

    def list_keys(self) -> list[ApiKey]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT id, label, scope, created_at, revoked_at FROM api_keys ORDER BY created_at"
            ).fetchall()
        return [ApiKey(*r) for r in rows]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (and end the web sessions it opened)."""
        with self._lock:
            cur = self.conn.execute(
                "UPDATE api_keys SET revoked_at=? WHERE id=? AND revoked_at IS NULL", (_now(), key_id)
            )
            if cur.rowcount == 0:
                known = self.conn.execute("SELECT 1 FROM api_keys WHERE id=?", (key_id,)).fetchone()
                if not known:
                    raise StoreError(f"no API key with id {key_id!r} (see `embargo keys list`)")
            self.conn.execute("DELETE FROM sessions WHERE key_id=?", (key_id,))
            row = self.conn.execute(
                "SELECT id, label, scope, created_at, revoked_at FROM api_keys WHERE id=?", (key_id,)
            ).fetchone()
        return ApiKey(*row)

    def any_keys(self) -> bool:
        """True once any key or user was ever created (revoking every key does not open the API again)."""
        with self._lock:
            return (
                self.conn.execute("SELECT 1 FROM api_keys UNION ALL SELECT 1 FROM users LIMIT 1").fetchone()
                is not None
            )

    def verify(self, presented: str) -> ApiKey | None:
        """The key a presented string stands for, if it is valid and not revoked."""
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        _, key_id, secret = parts
        with self._lock:
            row = self.conn.execute(
                "SELECT id, label, scope, created_at, revoked_at, salt, hash FROM api_keys WHERE id=?",
                (key_id,),
            ).fetchone()
        if row is None or row[4] is not None:
            return None
        if not hmac.compare_digest(_digest(row[5], secret), row[6]):
            return None
        return ApiKey(*row[:5])

    # -- users -----------------------------------------------------------------------------
    def create_user(self, name: str, password: str) -> User:
        if not USER_NAME.fullmatch(name):
            raise StoreError(f"user name {name!r}: use 1 to 64 letters, digits and . _ @ -")
        if len(password) < MIN_PASSWORD:
            raise StoreError(f"the password is {len(password)} characters long; use at least {MIN_PASSWORD}")
        created = _now()
        stored = hash_password(password)
        with self._lock:
            try:
                self.conn.execute(
                    "INSERT INTO users (name, password, created_at) VALUES (?, ?, ?)", (name, stored, created)
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"a user {name!r} exists already") from None
        return User(name, created, None)

    def list_users(self) -> list[User]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT name, created_at, disabled_at FROM users ORDER BY name"
            ).fetchall()
        return [User(*r) for r in rows]

    def disable_user(self, name: str) -> User:
        """Disable a user (and end their sessions); the name stays taken, so old audit rows keep meaning."""
        with self._lock:
            self.conn.execute(
                "UPDATE users SET disabled_at=? WHERE name=? AND disabled_at IS NULL", (_now(), name)
            )
            row = self.conn.execute(
                "SELECT name, created_at, disabled_at FROM users WHERE name=?", (name,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no user {name!r} (see `embargo users list`)")
            self.conn.execute("DELETE FROM sessions WHERE user=? AND key_id IS NULL", (name,))
        return User(*row)

    def check_user(self, name: str, password: str) -> User | None:
        """The user, if the password is theirs and they are not disabled."""
        with self._lock:
            row = self.conn.execute(
                "SELECT name, created_at, disabled_at, password FROM users WHERE name=?", (name,)
            ).fetchone()
        if row is None:
            check_password(password, _DUMMY)
            return None
        if not check_password(password, row[3]) or row[2] is not None:
            return None
        return User(*row[:3])

    # -- web sessions ----------------------------------------------------------------------
    def open_session(self, user: str, key_id: str | None = None) -> tuple[str, Session]:
        """A new session: its cookie token (only its hash is stored) and the session."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        session = Session(
            user, key_id, secrets.token_urlsafe(24), (now + timedelta(hours=SESSION_HOURS)).isoformat()
        )
        with self._lock:
            self.conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
            self.conn.execute(
                "INSERT INTO sessions (token_hash, user, key_id, csrf, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_token_hash(token), user, key_id, session.csrf, now.isoformat(), session.expires_at),
            )
        return token, session

    def session(self, token: str) -> Session | None:
        """The live session of a cookie token (None when unknown, expired, or its key or user was revoked)."""
        with self._lock:
            row = self.conn.execute(
                "SELECT s.user, s.key_id, s.csrf, s.expires_at FROM sessions s "
                "LEFT JOIN api_keys k ON k.id = s.key_id LEFT JOIN users u ON u.name = s.user "
                "WHERE s.token_hash = ? AND s.expires_at > ? "
                "AND (CASE WHEN s.key_id IS NULL THEN u.name IS NOT NULL AND u.disabled_at IS NULL "
                "ELSE k.id IS NOT NULL AND k.revoked_at IS NULL END)",
                (_token_hash(token), datetime.now(UTC).isoformat()),
            ).fetchone()
        return Session(*row) if row else None

    def close_session(self, token: str) -> None:
        with self._lock:
            self.conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))

    # -- audit -----------------------------------------------------------------------------
    def audit_async(self, entry: AuditEntry) -> Future[int]:
        """Queue an audit row; the future resolves once it is committed (see :mod:`embargo.api.audit`)."""
        return self.audit_log.submit(entry)

    def audit(self, **fields: Any) -> int:
        """Write an audit row and wait for its commit; raises when it cannot be written."""
        return self.audit_log.write(AuditEntry(**fields))

    def flush(self) -> None:
        """Wait until every queued audit row is written."""
        self.audit_log.flush()

    def audit_rows(self, since: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        self.flush()
        with self._lock:
            return audit_log.read_rows(self.conn, since, limit)

    def verify_audit(self) -> audit_log.ChainReport:
        self.flush()
        with self._lock:
            return audit_log.verify(self.conn)
