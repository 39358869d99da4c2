"""SQLite store: the embedded default (one file, no server).

Each ``add_version`` is one ``BEGIN IMMEDIATE`` transaction in WAL mode, so a crash or
``kill -9`` in the middle leaves the store exactly as it was before.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import orjson

from embargo.errors import DiskFullError, StoreError
from embargo.model import Entity, entity_from_dict
from embargo.store.base import Membership, NewVersion, Version, content_hash_of, encode
from embargo.store.private import make_private

__all__ = ["SQLiteStore", "content_hash_of"]  # content_hash_of: kept importable from here

SCHEMA_VERSION = "1"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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

_VERSION_COLS = (
    "id, source, publish_date, date_origin, content_hash, format, label, files, entity_count, "
    "declared_count, ingested_at, warnings, unconsumed, hold_reason, released_at"
)
_IN_FORCE = "(hold_reason IS NULL OR released_at IS NOT NULL)"
# columns added since schema 1 was first written: added in place to an older store
_ADDED_COLUMNS = (("versions", "hold_reason", "TEXT"), ("versions", "released_at", "TEXT"))
_DISK_FULL = ("database or disk is full",)  # SQLITE_FULL: the disk, or the max_page_count cap


def _row_to_version(row: sqlite3.Row | tuple[object, ...]) -> Version:
    (
        vid,
        source,
        pdate,
        origin,
        chash,
        fmt,
        label,
        files,
        count,
        declared,
        at,
        warnings,
        unconsumed,
        hold,
        rel,
    ) = tuple(row)
    return Version(
        id=int(vid),
        source=str(source),
        publish_date=str(pdate),
        date_origin=str(origin),
        content_hash=str(chash),
        format=str(fmt),
        label=str(label),
        files=tuple(orjson.loads(files)),
        entity_count=int(count),
        declared_count=None if declared is None else int(declared),
        ingested_at=str(at),
        warnings=tuple(orjson.loads(warnings)),
        unconsumed=dict(orjson.loads(unconsumed)),
        hold_reason=None if hold is None else str(hold),
        released_at=None if rel is None else str(rel),
    )


class SQLiteStore:
    """The default store. ``path`` may be ``":memory:"`` (the in-memory twin used by tests)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            make_private(self.path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
            self.conn.executescript(_DDL)
            for table, column, kind in _ADDED_COLUMNS:
                have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            cur = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'")
            row = cur.fetchone()
            if row is None:
                self.conn.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
                )
            elif row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema {row[0]} is not supported (expected {SCHEMA_VERSION})"
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not an embargo store ({exc})") from exc

    # -- writing ---------------------------------------------------------------------------
    def add_version(self, new: NewVersion) -> tuple[Version, bool]:
        try:
            return self._add_version(new)
        except sqlite3.OperationalError as exc:
            if any(s in str(exc).lower() for s in _DISK_FULL):
                raise DiskFullError(f"{self.path}: disk full, the version was not stored ({exc})") from exc
            raise
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFullError(f"{self.path}: disk full, the version was not stored ({exc})") from exc
            raise

    def _add_version(self, new: NewVersion) -> tuple[Version, bool]:
        enc = new.encoded or encode(new.entities)
        rows, content_hash = enc.rows, enc.content_hash
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            row = cur.execute(
                f"SELECT {_VERSION_COLS} FROM versions WHERE source=? AND publish_date=? AND content_hash=?",
                (new.source, new.publish_date, content_hash),
            ).fetchone()
            if row is not None:
                cur.execute("ROLLBACK")
                return _row_to_version(row), False
            at = datetime.now(UTC).isoformat(timespec="seconds")
            cur.execute(
                "INSERT INTO versions (source, publish_date, date_origin, content_hash, format, label, files,"
                " entity_count, declared_count, ingested_at, warnings, unconsumed, hold_reason)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    new.source,
                    new.publish_date,
                    new.date_origin,
                    content_hash,
                    new.format,
                    new.label,
                    orjson.dumps(list(new.files)).decode(),
                    len(new.entities),
                    new.declared_count,
                    at,
                    orjson.dumps(list(new.warnings)).decode(),
                    orjson.dumps(new.unconsumed, option=orjson.OPT_SORT_KEYS).decode(),
                    new.hold_reason,
                ),
            )
            vid = cur.lastrowid
            assert vid is not None
            ents = [(e.id, e.source, e.source_id, e.schema, e.caption) for e in new.entities]
            self._index_entities(cur, new, vid, rows, ents)
            row = cur.execute(f"SELECT {_VERSION_COLS} FROM versions WHERE id=?", (vid,)).fetchone()
            cur.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                cur.execute("ROLLBACK")
            raise
        return _row_to_version(row), True

    @staticmethod
    def _index_entities(
        cur: sqlite3.Cursor,
        new: NewVersion,
        vid: int,
        rows: tuple[tuple[str, str, bytes], ...],
        ents: Sequence[tuple[str, str, str, str, str]],
    ) -> None:
        cur.executemany("INSERT OR IGNORE INTO states (hash, entity_id, data) VALUES (?,?,?)", rows)
        cur.executemany(
            "INSERT INTO members (version_id, entity_id, hash) VALUES (?,?,?)",
            ((vid, eid, h) for h, eid, _ in rows),
        )
        # entities: the newest version's caption/schema wins (a held version's only once released)
        latest = cur.execute(
            f"SELECT MAX(publish_date) FROM versions WHERE source=? AND id<>? AND {_IN_FORCE}",
            (new.source, vid),
        ).fetchone()[0]
        if new.hold_reason is None and (latest is None or new.publish_date >= latest):
            cur.executemany(
                "INSERT INTO entities (entity_id, source, source_id, schema, caption) VALUES (?,?,?,?,?)"
                " ON CONFLICT(entity_id) DO UPDATE SET schema=excluded.schema, caption=excluded.caption",
                ents,
            )
        else:
            cur.executemany(
                "INSERT OR IGNORE INTO entities (entity_id, source, source_id, schema, caption) VALUES (?,?,?,?,?)",
                ents,
            )

    def release(self, version_id: int) -> Version:
        v = self.version(version_id)
        if not v.held:
            raise StoreError(f"version {version_id} ({v.source}, {v.label}) is not held")
        at = datetime.now(UTC).isoformat(timespec="seconds")
        self.conn.execute("UPDATE versions SET released_at=? WHERE id=?", (at, version_id))
        return self.version(version_id)

    # -- reading ---------------------------------------------------------------------------
    def versions(self, source: str | None = None, *, include_held: bool = False) -> list[Version]:
        where = [] if include_held else [_IN_FORCE]
        args: tuple[str, ...] = ()
        if source is not None:
            where.append("source=?")
            args = (source,)
        cond = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self.conn.execute(
            f"SELECT {_VERSION_COLS} FROM versions{cond} ORDER BY source, publish_date, id", args
        ).fetchall()
        return [_row_to_version(r) for r in rows]

    def version(self, version_id: int) -> Version:
        row = self.conn.execute(f"SELECT {_VERSION_COLS} FROM versions WHERE id=?", (version_id,)).fetchone()
        if row is None:
            raise StoreError(f"no version {version_id} in the store")
        return _row_to_version(row)

    def sources(self) -> list[str]:
        """Sources with a version in force."""
        q = f"SELECT DISTINCT source FROM versions WHERE {_IN_FORCE} ORDER BY source"
        return [r[0] for r in self.conn.execute(q)]

    def members(self, version_id: int) -> dict[str, str]:
        return dict(
            self.conn.execute("SELECT entity_id, hash FROM members WHERE version_id=?", (version_id,))
        )

    def state(self, state_hash: str) -> Entity:
        row = self.conn.execute("SELECT data FROM states WHERE hash=?", (state_hash,)).fetchone()
        if row is None:
            raise StoreError(f"no entity state {state_hash}")
        return entity_from_dict(orjson.loads(row[0]))

    def states(self, state_hashes: Iterable[str]) -> dict[str, Entity]:
        out: dict[str, Entity] = {}
        hashes = list(state_hashes)
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            q = f"SELECT hash, data FROM states WHERE hash IN ({','.join('?' * len(chunk))})"
            for h, data in self.conn.execute(q, chunk):
                out[h] = entity_from_dict(orjson.loads(data))
        return out

    def find_entity_id(self, ref: str) -> str | None:
        row = self.conn.execute("SELECT entity_id FROM entities WHERE entity_id=?", (ref,)).fetchone()
        if row is not None:
            return str(row[0])
        if ":" in ref:
            source, list_id = ref.split(":", 1)
            row = self.conn.execute(
                "SELECT entity_id FROM entities WHERE source=? AND source_id=?", (source, list_id)
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None

    def history(self, entity_id: str) -> list[Membership]:
        row = self.conn.execute("SELECT source FROM entities WHERE entity_id=?", (entity_id,)).fetchone()
        if row is None:
            return []
        found = dict(
            self.conn.execute(
                "SELECT version_id, hash FROM members WHERE entity_id=?", (entity_id,)
            ).fetchall()
        )
        return [Membership(v, found.get(v.id)) for v in self.versions(str(row[0]))]

    def entities_at(self, version_id: int) -> Iterator[Entity]:
        cur = self.conn.execute(
            "SELECT s.data FROM members m JOIN states s ON s.hash = m.hash WHERE m.version_id=?"
            " ORDER BY m.entity_id",
            (version_id,),
        )
        for (data,) in cur:
            yield entity_from_dict(orjson.loads(data))

    def close(self) -> None:
        self.conn.close()
