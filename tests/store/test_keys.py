"""The KeyStore protocol on every backend: API keys, web users with roles, sessions."""

from __future__ import annotations

import pytest

from embargo.errors import StoreError
from embargo.store import Store, open_store
from embargo.store.sql import schema

PASSWORD = "correct horse battery"


def test_keys_are_created_verified_listed_and_revoked(store: Store) -> None:
    keys = store.keys
    assert not keys.any_keys()
    key, secret = keys.create("screen", "tests")
    assert secret.startswith(f"emb_{key.id}_") and key.scope == "screen" and key.revoked_at is None
    assert keys.any_keys()
    assert keys.verify(secret) == key and keys.verify(f"  {secret}\n") == key
    assert keys.verify(secret[:-1] + ("x" if secret[-1] != "x" else "y")) is None
    assert keys.verify("not a key") is None and keys.verify(f"emb_nokey_{secret.split('_', 2)[2]}") is None
    admin, _ = keys.create("admin")
    assert [k.id for k in keys.list_keys()] == [key.id, admin.id]
    revoked = keys.revoke(key.id)
    assert revoked.revoked_at is not None and keys.verify(secret) is None
    assert keys.any_keys()  # revoking every key does not open the API again
    with pytest.raises(StoreError, match="no API key with id 'nope'"):
        keys.revoke("nope")
    with pytest.raises(StoreError, match="unknown scope 'root'"):
        keys.create("root")


def test_only_a_salted_hash_of_a_key_is_stored(store: Store) -> None:
    _, secret = store.keys.create("screen")
    other, _ = store.keys.create("screen")
    rows = store.keys.db.all("SELECT * FROM api_keys")  # type: ignore[attr-defined]
    assert secret.split("_", 2)[2] not in repr(rows) and other.id in repr(rows)


def test_users_passwords_and_roles(store: Store) -> None:
    keys = store.keys
    alice = keys.create_user("alice", PASSWORD)
    assert alice.role == "analyst" and keys.any_keys()
    bob = keys.create_user("bob@example.org", PASSWORD, role="reviewer")
    assert keys.check_user("alice", PASSWORD) == alice
    assert keys.check_user("alice", PASSWORD + "!") is None and keys.check_user("nobody", PASSWORD) is None
    assert [(u.name, u.role) for u in keys.list_users()] == [
        ("alice", "analyst"),
        ("bob@example.org", "reviewer"),
    ]
    assert keys.set_role("alice", "admin").role == "admin"
    promoted = keys.check_user("alice", PASSWORD)
    assert promoted is not None and promoted.role == "admin"
    with pytest.raises(StoreError, match="unknown role 'boss'"):
        keys.set_role("alice", "boss")
    with pytest.raises(StoreError, match="no user 'carol'"):
        keys.set_role("carol", "admin")
    with pytest.raises(StoreError, match="exists already"):
        keys.create_user("alice", PASSWORD)
    with pytest.raises(StoreError, match="user name"):
        keys.create_user("al ice", PASSWORD)
    with pytest.raises(StoreError, match="at least"):
        keys.create_user("carol", "short")
    disabled = keys.disable_user(bob.name)
    assert disabled.disabled_at is not None and keys.check_user(bob.name, PASSWORD) is None
    with pytest.raises(StoreError, match="no user 'carol'"):
        keys.disable_user("carol")


def test_sessions_end_with_logout_a_disabled_user_or_a_revoked_key(store: Store) -> None:
    keys = store.keys
    keys.create_user("alice", PASSWORD)
    token, session = keys.open_session("alice")
    assert keys.session(token) == session and session.key_id is None and len(session.csrf) >= 20
    assert keys.session(token + "x") is None
    keys.close_session(token)
    assert keys.session(token) is None
    token, _ = keys.open_session("alice")
    keys.disable_user("alice")
    assert keys.session(token) is None
    key, _ = keys.create("screen")
    token, session = keys.open_session(f"key:{key.id}", key.id)
    assert keys.session(token) == session
    keys.revoke(key.id)
    assert keys.session(token) is None


# the migration that added the 'reviewer' scope
SCOPES_MIGRATION = next(m.version for m in schema.MIGRATIONS if "reviewer scope" in m.name)


def _old_scopes(store: Store) -> None:
    """Put the api_keys table back as the migration before the scopes one left it: a CHECK that knows only
    'screen' and 'admin'."""
    db = store.keys.db  # type: ignore[attr-defined]
    old = "('screen', 'admin')"
    with db.write("keys"):
        if db.backend == "sqlite":
            script = schema._KEY_SCOPES_SQLITE.replace(schema._SCOPES, old)
        else:
            script = schema._KEY_SCOPES_POSTGRESQL.replace(schema._SCOPES, old)
        db.script(script)
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCOPES_MIGRATION - 1),))


def test_the_reviewer_scope_migration_keeps_every_key(store_url: str, store: Store) -> None:
    screen, screen_secret = store.keys.create("screen", "old")
    admin, admin_secret = store.keys.create("admin")
    store.keys.revoke(admin.id)
    _old_scopes(store)
    with pytest.raises(Exception, match=r"(?i)check"):  # the old table refuses the new scope
        store.keys.create("reviewer")
    upgraded = open_store(store_url, upgrade=True)
    try:
        assert upgraded.schema_version == schema.LATEST and upgraded.schema_found == SCOPES_MIGRATION - 1
        assert upgraded.keys.verify(screen_secret) == screen and upgraded.keys.verify(admin_secret) is None
        assert [(k.id, k.scope, k.revoked_at is not None) for k in upgraded.keys.list_keys()] == [
            (screen.id, "screen", False),
            (admin.id, "admin", True),
        ]
        reviewer, secret = upgraded.keys.create("reviewer", "second pair of eyes")
        assert upgraded.keys.verify(secret) == reviewer and reviewer.scope == "reviewer"
    finally:
        upgraded.close()


def test_a_session_carries_the_role_or_the_key_scope(store: Store) -> None:
    keys = store.keys
    keys.create_user("rita", PASSWORD, role="reviewer")
    token, opened = keys.open_session("rita")
    assert opened.grant == "reviewer"
    keys.set_role("rita", "admin")  # a new role applies to the live session at once
    session = keys.session(token)
    assert session is not None and session.grant == "admin"
    key, _ = keys.create("screen")
    key_token, _ = keys.open_session(f"key:{key.id}", key.id)
    by_key = keys.session(key_token)
    assert by_key is not None and by_key.grant == "screen"
