"""The tables of both backends, as numbered migrations, and the check every open makes.

A database records the number of the last migration applied (``meta.schema_version``). Opening one that is
newer than this code is refused (an older embargo must not write into tables it does not know). An older
one is brought up to date by ``embargo db upgrade``; an embedded SQLite file is upgraded on open (one user,
one process), a shared PostgreSQL database only by that command, so the processes still running the old
code are not changed under. Migrations add (a table, a column, an index, a trigger) or widen a CHECK so
that existing rows stay valid; SQLite cannot alter a CHECK, so there the table is rebuilt with its rows.

To add a concern (a new protocol in ``store/``): append one :class:`Migration` with its tables written for
SQLite (``CREATE ... IF NOT EXISTS``) and, for PostgreSQL, ``postgresql()`` of the same text plus anything
only PostgreSQL writes differently (triggers, functions). The shared store suite checks that both backends
end with the same tables and columns.

SQLite files written before migrations were numbered say ``schema_version = 1`` and may lack tables or
columns added since; every SQLite step is idempotent (``IF NOT EXISTS``, columns added when missing), so
such a file is upgraded from the start.
"""

from __future__ import annotations

from dataclasses import dataclass

from embargo.errors import StoreError
from embargo.store.sql.db import Db


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sqlite: str
    postgresql: str
    columns: tuple[tuple[str, str, str], ...] = ()  # (table, column, declaration) added where missing


_LISTS = """
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    publish_date TEXT NOT NULL,
    date_origin TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    format TEXT NOT NULL,
    label TEXT NOT NULL,
    files TEXT NOT NULL,
    entity_count INTEGER NOT NULL,
    declared_count INTEGER,
    ingested_at TEXT NOT NULL,
    warnings TEXT NOT NULL,
    unconsumed TEXT NOT NULL,
    hold_reason TEXT,
    released_at TEXT,
    UNIQUE (source, publish_date, content_hash)
);
CREATE TABLE IF NOT EXISTS states (
    hash TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    data BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    entity_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (version_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_entity ON members (entity_id, version_id);
CREATE TABLE IF NOT EXISTS entities (
    entity_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    schema TEXT NOT NULL,
    caption TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entities_source_id ON entities (source, source_id);
"""

_KEYS = """
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
    "user" TEXT NOT NULL,
    key_id TEXT,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""

_AUDIT = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    status INTEGER NOT NULL,
    query TEXT,
    versions TEXT,
    scores TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);
"""


def _append_only_sqlite(table: str, what: str) -> str:
    """SQLite triggers refusing UPDATE and DELETE on ``table`` (``what`` names it in the error)."""
    return "".join(
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table}\n"
        f"BEGIN SELECT RAISE(ABORT, '{what} is append-only: {op} refused'); END;\n"
        for op in ("UPDATE", "DELETE")
    )


# audit_counter: the highest row number ever given out, so rows deleted from the end are noticed
_AUDIT_SQLITE = (
    _append_only_sqlite("audit_log", "the audit log")
    + """
CREATE VIEW IF NOT EXISTS audit_counter AS SELECT seq FROM sqlite_sequence WHERE name = 'audit_log';
"""
)


def _append_only_postgresql(table: str, what: str) -> str:
    """PostgreSQL triggers refusing UPDATE, DELETE and TRUNCATE on ``table`` (``what`` names it in the error)."""
    return f"""
CREATE FUNCTION {table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{what} is append-only: % refused', TG_OP; END $$;
CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_refuse();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse();
"""


_AUDIT_POSTGRESQL = (
    """
CREATE TABLE audit_counter (seq BIGINT NOT NULL);
INSERT INTO audit_counter VALUES (0);
"""
    + _append_only_postgresql("audit_log", "the audit log")
    + """
CREATE FUNCTION audit_log_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE audit_counter SET seq = GREATEST(seq, NEW.seq); RETURN NEW; END $$;
CREATE TRIGGER audit_log_counted AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_count();
"""
)

# continuous monitoring (issue 18): the tables, names and columns the SQLite monitoring store created in
# the store's own file before they were a migration, so such a file keeps its records (IF NOT EXISTS)
_MONITOR = """
CREATE TABLE IF NOT EXISTS portfolio (
    id TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS portfolio_history (
    seq INTEGER PRIMARY KEY, counterparty_id TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL,
    data BLOB);
CREATE INDEX IF NOT EXISTS portfolio_history_cp ON portfolio_history (counterparty_id, seq);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    counterparty_id TEXT NOT NULL, entity_id TEXT NOT NULL, source TEXT NOT NULL, caption TEXT NOT NULL,
    state TEXT NOT NULL, score REAL NOT NULL, explanation BLOB NOT NULL, version_id INTEGER NOT NULL,
    algorithm TEXT NOT NULL, raised_at TEXT NOT NULL, updated_at TEXT NOT NULL, reason TEXT NOT NULL,
    delisted_version_id INTEGER, proposed_state TEXT, proposed_by TEXT,
    cp_fp BLOB NOT NULL, entity_fp BLOB NOT NULL,
    UNIQUE (counterparty_id, entity_id));
CREATE INDEX IF NOT EXISTS alerts_state ON alerts (state, id);
CREATE INDEX IF NOT EXISTS alerts_entity ON alerts (entity_id);
CREATE TABLE IF NOT EXISTS alert_events (
    seq INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL REFERENCES alerts(id), at TEXT NOT NULL,
    actor TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT, to_state TEXT, reason TEXT NOT NULL,
    data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS alert_events_alert ON alert_events (alert_id, seq);
CREATE TABLE IF NOT EXISTS monitor_cursor (source TEXT PRIMARY KEY, version_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS monitor_runs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, source TEXT, version_id INTEGER, started_at TEXT NOT NULL,
    finished_at TEXT, alerts INTEGER, screened INTEGER);
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, secrets BLOB NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS outbox (
    event_id TEXT PRIMARY KEY, type TEXT NOT NULL, body BLOB NOT NULL, created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, event_id TEXT NOT NULL REFERENCES outbox(event_id),
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id), attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL, state TEXT NOT NULL, last_error TEXT, UNIQUE (event_id, endpoint_id));
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
CREATE TABLE IF NOT EXISTS monitor_audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, counterparty_id TEXT, alert_id INTEGER,
    input BLOB, versions BLOB NOT NULL, algorithm TEXT, results BLOB NOT NULL, decision TEXT,
    reviewer TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS monitor_audit_at ON monitor_audit (at);
"""


# reviewers' judgements on pairs of listed entities, as the SQLite judgement store created them in the
# store's own file ("user" quoted: a reserved word in PostgreSQL, the same column in SQLite)
_JUDGEMENTS = """
CREATE TABLE IF NOT EXISTS party_judgements (
    id INTEGER PRIMARY KEY,
    left_id TEXT NOT NULL,
    right_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('same', 'not_same')),
    "user" TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT,
    CHECK (left_id < right_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS party_judgements_current
    ON party_judgements (left_id, right_id) WHERE retired_at IS NULL;
"""

# migration 7: the 'reviewer' key scope. SQLite rebuilds the table (its CHECK cannot be altered), keeping
# every key; PostgreSQL swaps the constraint (named by its default, api_keys_scope_check).
_SCOPES = "('screen', 'reviewer', 'admin')"
_KEY_SCOPES_SQLITE = f"""
DROP TABLE IF EXISTS api_keys_rebuilt;
CREATE TABLE api_keys_rebuilt (
    id TEXT PRIMARY KEY,
    label TEXT,
    scope TEXT NOT NULL CHECK (scope IN {_SCOPES}),
    salt TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
INSERT INTO api_keys_rebuilt (id, label, scope, salt, hash, created_at, revoked_at)
    SELECT id, label, scope, salt, hash, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_rebuilt RENAME TO api_keys;
"""
_KEY_SCOPES_POSTGRESQL = f"""
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_scope_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (scope IN {_SCOPES});
"""

# SQLite column types and table options as PostgreSQL writes them
_TO_POSTGRESQL = (
    ("id INTEGER PRIMARY KEY", "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    ("seq INTEGER PRIMARY KEY AUTOINCREMENT", "seq BIGINT PRIMARY KEY"),
    ("seq INTEGER PRIMARY KEY", "seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (" REAL", " DOUBLE PRECISION"),  # PostgreSQL's REAL is 4 bytes; SQLite's is 8
    ("version_id INTEGER", "version_id BIGINT"),
    (" BLOB", " BYTEA"),
    (") WITHOUT ROWID", ")"),
    # text compares byte-wise (collation "C") as in SQLite: the same order on both backends
    (" TEXT", ' TEXT COLLATE "C"'),
)


def postgresql(ddl: str) -> str:
    """The PostgreSQL form of tables written for SQLite (the types above; the rest is the same SQL)."""
    for sqlite, pg in _TO_POSTGRESQL:
        ddl = ddl.replace(sqlite, pg)
    return ddl


MIGRATIONS = (
    Migration(
        1,
        "list versions, entity states and memberships",
        _LISTS,
        postgresql(_LISTS),
        (("versions", "hold_reason", "TEXT"), ("versions", "released_at", "TEXT")),
    ),
    Migration(2, "API keys, web users and sessions", _KEYS, postgresql(_KEYS)),
    Migration(
        3,
        "the audit log, append-only and hash-chained",
        _AUDIT + _AUDIT_SQLITE,
        postgresql(_AUDIT) + _AUDIT_POSTGRESQL,
        (
            ("audit_log", '"user"', "TEXT"),
            ("audit_log", "client", "TEXT"),
            ("audit_log", "prev_hash", "TEXT"),
            ("audit_log", "hash", "TEXT"),
        ),
    ),
    Migration(4, "web user roles", "", "", (("users", "role", "TEXT NOT NULL DEFAULT 'analyst'"),)),
    Migration(
        5,
        "continuous monitoring: portfolio, alerts and cases, runs, webhook outbox, audit trail",
        _MONITOR + _append_only_sqlite("monitor_audit", "the audit trail"),
        # ids and counts as 8 bytes, like the identity columns they refer to
        postgresql(_MONITOR).replace(" INTEGER", " BIGINT")
        + _append_only_postgresql("monitor_audit", "the audit trail"),
    ),
    Migration(6, "reviewers' judgements on pairs of listed entities", _JUDGEMENTS, postgresql(_JUDGEMENTS)),
    Migration(7, "the reviewer scope of API keys", _KEY_SCOPES_SQLITE, _KEY_SCOPES_POSTGRESQL),
)
LATEST = MIGRATIONS[-1].version
LEGACY = 1  # what SQLite files from before numbered migrations say (see the module's docstring)


def found_version(db: Db) -> int:
    """The migration the database is at (0: empty)."""
    if not db.table_exists("meta"):
        return 0
    row = db.one("SELECT value FROM meta WHERE key = 'schema_version'")
    if row is None:
        return 0
    try:
        number = int(row[0])
    except ValueError:
        raise StoreError(f"{db.where}: not an embargo store (schema version {row[0]!r})") from None
    return 0 if db.backend == "sqlite" and number == LEGACY else number


def check(db: Db, *, upgrade: bool) -> int:
    """Refuse a database newer than the code; create an empty one; upgrade an older one when ``upgrade``
    (else refuse it, naming the command that upgrades it). The schema version in force."""
    found = found_version(db)
    if found > LATEST:
        raise StoreError(
            f"{db.where}: the database's schema is version {found}, newer than this embargo knows "
            f"(up to {LATEST}); use a newer embargo"
        )
    if found == LATEST:
        return found
    if found and not upgrade:
        raise StoreError(
            f"{db.where}: the database's schema is version {found}, this embargo needs {LATEST}: "
            "run `embargo db upgrade` first"
        )
    return migrate(db)[1]


def migrate(db: Db) -> tuple[int, int]:
    """Apply the missing migrations in one transaction (one process at a time): (from, to)."""
    with db.write("embargo-schema"):
        db.script("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        found = found_version(db)  # again, under the lock: another process may have just done it
        if found > LATEST:
            raise StoreError(f"{db.where}: the database's schema is version {found}, newer than {LATEST}")
        for step in MIGRATIONS[found:]:
            ddl = step.sqlite if db.backend == "sqlite" else step.postgresql
            if ddl.strip():
                db.script(ddl)
            for table, column, decl in step.columns:
                db.add_column(table, column, decl)
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(LATEST),),
        )
    return found, LATEST
