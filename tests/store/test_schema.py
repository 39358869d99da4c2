"""Opening a store: URLs, the schema's migrations on every backend (the same tables and columns on both,
a newer database refused, an older one upgraded by `embargo db upgrade`), and SQLite's file specifics."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers the commands)
from embargo.cli.base import app as cli
from embargo.errors import StoreError
from embargo.store import AuditEntry, Store, open_store
from embargo.store.sql.schema import LATEST
from tests.store.helpers import entity, version

runner = CliRunner()


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The command as a user runs it (its errors: one line on stderr, exit 2): exit code and stderr."""
    from embargo.cli.main import main

    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", ["embargo", *args])
        with pytest.raises(SystemExit) as done:
            main()
    return int(done.value.code or 0), capsys.readouterr().err


TABLES = {
    "meta": ["key", "value"],
    "versions": [
        "id", "source", "publish_date", "date_origin", "content_hash", "format", "label", "files",
        "entity_count", "declared_count", "ingested_at", "warnings", "unconsumed", "hold_reason", "released_at",
    ],
    "states": ["hash", "entity_id", "data"],
    "members": ["version_id", "entity_id", "hash"],
    "entities": ["entity_id", "source", "source_id", "schema", "caption"],
    "api_keys": ["id", "label", "scope", "salt", "hash", "created_at", "revoked_at"],
    "users": ["name", "password", "created_at", "disabled_at", "role"],
    "sessions": ["token_hash", "user", "key_id", "csrf", "created_at", "expires_at"],
    "audit_log": [
        "seq", "at", "key_id", "method", "route", "status", "query", "versions", "scores",
        "user", "client", "prev_hash", "hash",
    ],
    "audit_counter": ["seq"],
    "portfolio": ["id", "data", "updated_at"],
    "portfolio_history": ["seq", "counterparty_id", "at", "action", "data"],
    "alerts": [
        "id", "counterparty_id", "entity_id", "source", "caption", "state", "score", "explanation", "version_id",
        "algorithm", "raised_at", "updated_at", "reason", "delisted_version_id", "proposed_state", "proposed_by",
        "cp_fp", "entity_fp",
    ],
    "alert_events": ["seq", "alert_id", "at", "actor", "action", "from_state", "to_state", "reason", "data"],
    "monitor_cursor": ["source", "version_id"],
    "monitor_runs": ["id", "kind", "source", "version_id", "started_at", "finished_at", "alerts", "screened"],
    "webhook_endpoints": ["id", "url", "secrets", "active"],
    "outbox": ["event_id", "type", "body", "created_at"],
    "deliveries": ["id", "event_id", "endpoint_id", "attempts", "next_at", "state", "last_error"],
    "monitor_audit": [
        "seq", "at", "kind", "counterparty_id", "alert_id", "input", "versions", "algorithm", "results",
        "decision", "reviewer", "reason",
    ],
    "party_judgements": ["id", "left_id", "right_id", "verdict", "user", "reason", "created_at", "retired_at"],
}  # fmt: skip


def set_schema(store: Store, number: int) -> None:
    store.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(number),))  # type: ignore[attr-defined]


def test_both_backends_have_the_same_tables_and_columns(store: Store) -> None:
    assert store.schema_version == LATEST and store.schema_found == 0
    for table, columns in TABLES.items():
        cur = store.db.execute(f"SELECT * FROM {table} WHERE 1 = 0")  # type: ignore[attr-defined]
        assert [d[0] for d in cur.description] == columns, table


def test_a_database_newer_than_the_code_is_refused(
    store_url: str, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    set_schema(store, LATEST + 1)
    with pytest.raises(StoreError, match=f"schema is version {LATEST + 1}, newer than this embargo"):
        open_store(store_url)
    code, stderr = run_cli(capsys, "db", "upgrade", "--db", store_url)
    assert code == 2 and "newer than this embargo" in stderr


def test_an_older_database_is_upgraded_by_the_command(store_url: str, store: Store) -> None:
    v, _ = store.add_version(version("2022-01-01", [entity("1", "A")]))
    set_schema(store, LATEST - 1)
    if store_url.startswith("postgresql"):  # a shared database is only upgraded on request
        with pytest.raises(StoreError, match="run `embargo db upgrade` first"):
            open_store(store_url)
        result = runner.invoke(cli, ["db", "upgrade", "--db", store_url])
        assert result.exit_code == 0, result.output
        assert f"upgraded from version {LATEST - 1} to {LATEST}" in result.output
    reopened = open_store(store_url)
    try:
        assert reopened.schema_version == LATEST and reopened.versions() == [v]
    finally:
        reopened.close()
    result = runner.invoke(cli, ["db", "upgrade", "--db", store_url])
    assert result.exit_code == 0 and f"up to date (version {LATEST})" in result.output


def test_the_cli_takes_a_database_url(store_url: str) -> None:
    made = runner.invoke(cli, ["keys", "create", "--scope", "screen", "--label", "url", "--db", store_url])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(cli, ["keys", "list", "--json", "--db", store_url], env={"EMBARGO_DB": "unused"})
    assert listed.exit_code == 0 and '"label": "url"' in listed.output
    via_env = runner.invoke(cli, ["keys", "list", "--json"], env={"EMBARGO_DB": store_url})
    assert via_env.exit_code == 0 and '"label": "url"' in via_env.output


@pytest.mark.parametrize("url", ["postgresq://h/db", "mysql://u@h/db", "redis://localhost"])
def test_an_unsupported_url_is_refused_and_creates_nothing(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    scheme = url.split(":")[0]
    with pytest.raises(StoreError, match=f"unsupported database URL scheme '{scheme}'"):
        open_store(url)
    code, stderr = run_cli(capsys, "lists", "--db", url)  # the command: one line, no folder left behind
    assert code == 2 and f"unsupported database URL scheme '{scheme}'" in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_postgresql_server_that_is_not_there_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match=r"postgresql://u:\*\*\*@127.0.0.1:1/db: cannot connect"):
        open_store("postgresql://u:secret@127.0.0.1:1/db")


def test_sqlite_urls_name_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    open_store("sqlite:///rel/a.db").close()
    open_store(f"sqlite:///{tmp_path}/abs.db").close()
    assert (tmp_path / "rel" / "a.db").is_file() and (tmp_path / "abs.db").is_file()
    with pytest.raises(StoreError, match="a SQLite URL names a file"):
        open_store("sqlite://host/a.db")
    memory = open_store("sqlite:///:memory:")
    try:
        memory.add_version(version("2022-01-01", [entity("1", "A")]))
        assert memory.keys.create("screen")[0] and len(memory.versions()) == 1
    finally:
        memory.close()


def test_a_sqlite_store_is_private(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    store = open_store(db)
    try:
        store.audit.write(AuditEntry("GET", "/", 200))
        for suffix in ("", "-wal", "-shm"):
            assert stat.S_IMODE(os.stat(f"{db}{suffix}").st_mode) == 0o600, suffix
    finally:
        store.close()
    old = tmp_path / "old.db"
    sqlite3.connect(old).close()
    old.chmod(0o644)
    open_store(old).close()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


LEGACY = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE versions (id INTEGER PRIMARY KEY, source TEXT NOT NULL, publish_date TEXT NOT NULL,
    date_origin TEXT NOT NULL, content_hash TEXT NOT NULL, format TEXT NOT NULL, label TEXT NOT NULL,
    files TEXT NOT NULL, entity_count INTEGER NOT NULL, declared_count INTEGER, ingested_at TEXT NOT NULL,
    warnings TEXT NOT NULL, unconsumed TEXT NOT NULL, UNIQUE (source, publish_date, content_hash));
INSERT INTO versions VALUES (1, 'un_sc', '2020-01-01', 'file', 'h', 'xml', 'l', '[]', 0, NULL, 'now', '[]', '{}');
CREATE TABLE audit_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, key_id TEXT,
    method TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL, query TEXT, versions TEXT, scores TEXT);
INSERT INTO audit_log (at, method, route, status) VALUES ('2020-01-01', 'GET', '/lists', 200);
"""


def test_a_sqlite_file_from_before_numbered_migrations_is_upgraded_on_open(tmp_path: Path) -> None:
    db = tmp_path / "legacy.db"
    conn = sqlite3.connect(db)
    conn.executescript(LEGACY)
    conn.close()
    store = open_store(db)
    try:
        assert store.schema_found == 0 and store.schema_version == LATEST
        [v] = store.versions()
        assert v.source == "un_sc" and not v.held
        store.audit.write(AuditEntry("GET", "/", 200))
        report = store.audit.verify()
        assert report.ok and report.unchained == 1 and report.rows == 1
        assert store.keys.create_user("alice", "long enough password").role == "analyst"
    finally:
        store.close()
