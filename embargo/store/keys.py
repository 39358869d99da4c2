"""API keys, web users (with their role) and web sessions: the protocol, its records and credential hashing.

A key is ``emb_<id>_<secret>``; only a salted SHA-256 of the secret is kept, so a key is shown once, when it
is created. A user's password is kept as an scrypt hash (``hashlib.scrypt``). A web session is a random
token in a cookie; only its SHA-256 is stored, with the CSRF token of its forms. How these are stored is the
backend's (:mod:`embargo.store.sql.keys`); what is checked and hashed is here, the same for every backend.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from embargo.errors import StoreError

SCOPES = ("screen", "reviewer", "admin")  # an API key's scope
ROLES = ("analyst", "reviewer", "admin")  # a web user's role; what each may do: embargo.service.permissions
PREFIX = "emb"

# scrypt parameters (RFC 7914's interactive-login cost): 16 MiB and some 50 ms per check
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
USER_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD = 10
SESSION_HOURS = 8


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


@dataclass(frozen=True)
class User:
    name: str
    created_at: str
    disabled_at: str | None
    role: str = "analyst"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "created_at": self.created_at,
            "disabled_at": self.disabled_at,
        }


@dataclass(frozen=True)
class Session:
    """A logged-in browser: the user (a user name, or ``key:<id>`` for a key login), its CSRF token, and
    what it may do: the user's role, or the scope of the key it logged in with."""

    user: str
    key_id: str | None
    csrf: str
    expires_at: str
    grant: str = "analyst"  # a role (analyst, reviewer, admin) or a key scope (screen, reviewer, admin)


class KeyStore(Protocol):
    """Keys, users and sessions; safe to share between threads."""

    def create(self, scope: str, label: str | None = None) -> tuple[ApiKey, str]:
        """A new key and its secret form (shown once; only its salted hash is stored)."""
        ...

    def list_keys(self) -> list[ApiKey]: ...

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (and end the web sessions it opened); StoreError for an unknown id."""
        ...

    def any_keys(self) -> bool:
        """True once any key or user was ever created (revoking every key does not open the API again)."""
        ...

    def verify(self, presented: str) -> ApiKey | None:
        """The key a presented string stands for, if it is valid and not revoked."""
        ...

    def create_user(self, name: str, password: str, role: str = "analyst") -> User: ...

    def list_users(self) -> list[User]: ...

    def disable_user(self, name: str) -> User:
        """Disable a user (and end their sessions); the name stays taken, so old audit rows keep meaning."""
        ...

    def set_role(self, name: str, role: str) -> User: ...

    def check_user(self, name: str, password: str) -> User | None:
        """The user, if the password is theirs and they are not disabled."""
        ...

    def open_session(self, user: str, key_id: str | None = None) -> tuple[str, Session]:
        """A new session: its cookie token (only its hash is stored) and the session."""
        ...

    def session(self, token: str) -> Session | None:
        """The live session of a cookie token (None when unknown, expired, or its key or user was revoked)."""
        ...

    def close_session(self, token: str) -> None: ...

    def close(self) -> None: ...


def new_key() -> tuple[str, str, str, str]:
    """A new key's id, secret, salt and the salted digest that is stored."""
    key_id, secret, salt = secrets.token_hex(4), secrets.token_urlsafe(24), secrets.token_hex(16)
    return key_id, secret, salt, key_digest(salt, secret)


def key_digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def split_key(presented: str) -> tuple[str, str] | None:
    """``(id, secret)`` of a presented ``emb_<id>_<secret>``, None when it has not that shape."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    return parts[1], parts[2]


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
DUMMY_PASSWORD = hash_password("-", b"embargo-dummy-salt")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise StoreError(f"unknown scope {scope!r} (use {', '.join(SCOPES[:-1])} or {SCOPES[-1]})")


def check_role(role: str) -> None:
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r} (use {', '.join(ROLES)})")


def check_new_user(name: str, password: str, role: str) -> None:
    if not USER_NAME.fullmatch(name):
        raise StoreError(f"user name {name!r}: use 1 to 64 letters, digits and . _ @ -")
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"the password is {len(password)} characters long; use at least {MIN_PASSWORD}")
    check_role(role)
