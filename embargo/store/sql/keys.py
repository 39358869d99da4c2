"""API keys, web users and sessions in SQL (the :class:`~embargo.store.keys.KeyStore` protocol)."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta

from embargo.errors import StoreError
from embargo.store.keys import (
    DUMMY_PASSWORD,
    SESSION_HOURS,
    ApiKey,
    Session,
    User,
    check_new_user,
    check_password,
    check_role,
    check_scope,
    hash_password,
    key_digest,
    new_key,
    split_key,
    token_hash,
)
from embargo.store.sql.db import Db

_KEY_COLS = "id, label, scope, created_at, revoked_at"
_USER_COLS = "name, created_at, disabled_at, role"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SQLKeyStore:
    """Keys, users and sessions over one connection of their own, shared by threads behind its lock."""

    def __init__(self, db: Db) -> None:
        self.db = db

    def close(self) -> None:
        self.db.close()

    # -- keys ------------------------------------------------------------------------------
    def create(self, scope: str, label: str | None = None) -> tuple[ApiKey, str]:
        check_scope(scope)
        key_id, secret, salt, digest = new_key()
        created = _now()
        with self.db.write("keys"):
            self.db.execute(
                "INSERT INTO api_keys (id, label, scope, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, label, scope, salt, digest, created),
            )
        return ApiKey(key_id, label, scope, created, None), f"emb_{key_id}_{secret}"

    def list_keys(self) -> list[ApiKey]:
        return [ApiKey(*r) for r in self.db.all(f"SELECT {_KEY_COLS} FROM api_keys ORDER BY created_at")]

    def revoke(self, key_id: str) -> ApiKey:
        with self.db.write("keys"):
            self.db.execute(
                "UPDATE api_keys SET revoked_at=? WHERE id=? AND revoked_at IS NULL", (_now(), key_id)
            )
            row = self.db.execute(f"SELECT {_KEY_COLS} FROM api_keys WHERE id=?", (key_id,)).fetchone()
            if row is None:
                raise StoreError(f"no API key with id {key_id!r} (see `embargo keys list`)")
            self.db.execute("DELETE FROM sessions WHERE key_id=?", (key_id,))
        return ApiKey(*row)

    def any_keys(self) -> bool:
        return self.db.one("SELECT 1 FROM api_keys UNION ALL SELECT 1 FROM users LIMIT 1") is not None

    def verify(self, presented: str) -> ApiKey | None:
        parts = split_key(presented)
        if parts is None:
            return None
        key_id, secret = parts
        row = self.db.one(f"SELECT {_KEY_COLS}, salt, hash FROM api_keys WHERE id=?", (key_id,))
        if row is None or row[4] is not None:
            return None
        if not hmac.compare_digest(key_digest(row[5], secret), row[6]):
            return None
        return ApiKey(*row[:5])

    # -- users -----------------------------------------------------------------------------
    def create_user(self, name: str, password: str, role: str = "analyst") -> User:
        check_new_user(name, password, role)
        created = _now()
        stored = hash_password(password)
        try:
            with self.db.write("keys"):
                self.db.execute(
                    "INSERT INTO users (name, password, created_at, role) VALUES (?, ?, ?, ?)",
                    (name, stored, created, role),
                )
        except self.db.integrity_errors:
            raise StoreError(f"a user {name!r} exists already") from None
        return User(name, created, None, role)

    def list_users(self) -> list[User]:
        return [User(*r) for r in self.db.all(f"SELECT {_USER_COLS} FROM users ORDER BY name")]

    def _user(self, name: str) -> User:
        row = self.db.execute(f"SELECT {_USER_COLS} FROM users WHERE name=?", (name,)).fetchone()
        if row is None:
            raise StoreError(f"no user {name!r} (see `embargo users list`)")
        return User(*row)

    def disable_user(self, name: str) -> User:
        with self.db.write("keys"):
            self.db.execute(
                "UPDATE users SET disabled_at=? WHERE name=? AND disabled_at IS NULL", (_now(), name)
            )
            user = self._user(name)
            self.db.execute('DELETE FROM sessions WHERE "user"=? AND key_id IS NULL', (name,))
        return user

    def set_role(self, name: str, role: str) -> User:
        check_role(role)
        with self.db.write("keys"):
            self.db.execute("UPDATE users SET role=? WHERE name=?", (role, name))
            return self._user(name)

    def check_user(self, name: str, password: str) -> User | None:
        row = self.db.one(f"SELECT {_USER_COLS}, password FROM users WHERE name=?", (name,))
        if row is None:
            check_password(password, DUMMY_PASSWORD)
            return None
        if not check_password(password, row[4]) or row[2] is not None:
            return None
        return User(*row[:4])

    # -- web sessions ----------------------------------------------------------------------
    def open_session(self, user: str, key_id: str | None = None) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        session = Session(
            user, key_id, secrets.token_urlsafe(24), (now + timedelta(hours=SESSION_HOURS)).isoformat()
        )
        with self.db.write("keys"):
            self.db.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
            self.db.execute(
                'INSERT INTO sessions (token_hash, "user", key_id, csrf, created_at, expires_at) '
                "VALUES (?, ?, ?, ?, ?, ?)",
                (token_hash(token), user, key_id, session.csrf, now.isoformat(), session.expires_at),
            )
        # read back for its grant (the user's role or the key's scope), as every later request reads it
        return token, self.session(token) or session

    def session(self, token: str) -> Session | None:
        row = self.db.one(
            'SELECT s."user", s.key_id, s.csrf, s.expires_at, '
            "CASE WHEN s.key_id IS NULL THEN u.role ELSE k.scope END FROM sessions s "
            'LEFT JOIN api_keys k ON k.id = s.key_id LEFT JOIN users u ON u.name = s."user" '
            "WHERE s.token_hash = ? AND s.expires_at > ? "
            "AND (CASE WHEN s.key_id IS NULL THEN u.name IS NOT NULL AND u.disabled_at IS NULL "
            "ELSE k.id IS NOT NULL AND k.revoked_at IS NULL END)",
            (token_hash(token), datetime.now(UTC).isoformat()),
        )
        return Session(*row) if row else None

    def close_session(self, token: str) -> None:
        with self.db.write("keys"):
            self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))
