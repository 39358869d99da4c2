"""List versions and entity states in SQL (the :class:`~embargo.store.base.Store` methods).

Each ``add_version`` is one transaction holding the source's write lock, so a crash or ``kill -9`` in the
middle leaves the store exactly as it was, and two processes storing the same publication at once store
it once (the second waits, then finds it).
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from embargo.errors import DiskFullError, StoreError
from embargo.model import Entity, entity_from_dict
from embargo.store.base import Membership, NewVersion, Version, encode
from embargo.store.sql.db import Db

VERSION_COLS = (
    "id, source, publish_date, date_origin, content_hash, format, label, files, entity_count, "
    "declared_count, ingested_at, warnings, unconsumed, hold_reason, released_at"
)
IN_FORCE = "(hold_reason IS NULL OR released_at IS NOT NULL)"
CHANNEL = "embargo_versions"  # notified when a version comes into force


def row_to_version(row: Sequence[Any]) -> Version:
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLVersions:
    """The list versions and entity states of one database (``self.db``: the connection they use)."""

    db: Db

    # -- writing ---------------------------------------------------------------------------
    def add_version(self, new: NewVersion) -> tuple[Version, bool]:
        try:
            return self._add_version(new)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFullError(
                    f"{self.db.where}: disk full, the version was not stored ({exc})"
                ) from exc
            raise
        except Exception as exc:
            if self.db.disk_full(exc):
                raise DiskFullError(
                    f"{self.db.where}: disk full, the version was not stored ({exc})"
                ) from exc
            raise

    def _add_version(self, new: NewVersion) -> tuple[Version, bool]:
        enc = new.encoded or encode(new.entities)
        db = self.db
        with db.write(f"versions:{new.source}"):
            row = db.execute(
                f"SELECT {VERSION_COLS} FROM versions WHERE source=? AND publish_date=? AND content_hash=?",
                (new.source, new.publish_date, enc.content_hash),
            ).fetchone()
            if row is not None:
                return row_to_version(row), False
            row = db.execute(
                "INSERT INTO versions (source, publish_date, date_origin, content_hash, format, label, files,"
                " entity_count, declared_count, ingested_at, warnings, unconsumed, hold_reason)"
                f" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING {VERSION_COLS}",
                (
                    new.source,
                    new.publish_date,
                    new.date_origin,
                    enc.content_hash,
                    new.format,
                    new.label,
                    orjson.dumps(list(new.files)).decode(),
                    len(new.entities),
                    new.declared_count,
                    _now(),
                    orjson.dumps(list(new.warnings)).decode(),
                    orjson.dumps(new.unconsumed, option=orjson.OPT_SORT_KEYS).decode(),
                    new.hold_reason,
                ),
            ).fetchone()
            version = row_to_version(row)
            db.bulk_insert("states", ("hash", "entity_id", "data"), enc.rows, "ON CONFLICT DO NOTHING")
            db.bulk_insert(
                "members",
                ("version_id", "entity_id", "hash"),
                [(version.id, eid, h) for h, eid, _ in enc.rows],
                "",
            )
            self._index_entities(new, version.id)
            if new.hold_reason is None:
                db.notify(CHANNEL, str(version.id))
        return version, True

    def _index_entities(self, new: NewVersion, vid: int) -> None:
        """The entities table: the newest version's caption and schema win (a held version's only once
        released)."""
        ents = [(e.id, e.source, e.source_id, e.schema, e.caption) for e in new.entities]
        latest = self.db.execute(
            f"SELECT MAX(publish_date) FROM versions WHERE source=? AND id<>? AND {IN_FORCE}",
            (new.source, vid),
        ).fetchone()[0]
        newest = new.hold_reason is None and (latest is None or new.publish_date >= latest)
        tail = "DO UPDATE SET schema=excluded.schema, caption=excluded.caption" if newest else "DO NOTHING"
        cols = ("entity_id", "source", "source_id", "schema", "caption")
        self.db.bulk_insert("entities", cols, ents, f"ON CONFLICT (entity_id) {tail}")

    def release(self, version_id: int) -> Version:
        with self.db.write("versions:release"):
            v = self.version(version_id)
            if not v.held:
                raise StoreError(f"version {version_id} ({v.source}, {v.label}) is not held")
            self.db.execute("UPDATE versions SET released_at=? WHERE id=?", (_now(), version_id))
            self.db.notify(CHANNEL, str(version_id))
        return self.version(version_id)

    # -- reading ---------------------------------------------------------------------------
    def versions(self, source: str | None = None, *, include_held: bool = False) -> list[Version]:
        where = [] if include_held else [IN_FORCE]
        args: tuple[str, ...] = ()
        if source is not None:
            where.append("source=?")
            args = (source,)
        cond = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self.db.all(
            f"SELECT {VERSION_COLS} FROM versions{cond} ORDER BY source, publish_date, id", args
        )
        return [row_to_version(r) for r in rows]

    def version(self, version_id: int) -> Version:
        row = self.db.one(f"SELECT {VERSION_COLS} FROM versions WHERE id=?", (version_id,))
        if row is None:
            raise StoreError(f"no version {version_id} in the store")
        return row_to_version(row)

    def sources(self) -> list[str]:
        """Sources with a version in force."""
        return [
            r[0]
            for r in self.db.all(f"SELECT DISTINCT source FROM versions WHERE {IN_FORCE} ORDER BY source")
        ]

    def members(self, version_id: int) -> dict[str, str]:
        return dict(self.db.all("SELECT entity_id, hash FROM members WHERE version_id=?", (version_id,)))

    def state(self, state_hash: str) -> Entity:
        row = self.db.one("SELECT data FROM states WHERE hash=?", (state_hash,))
        if row is None:
            raise StoreError(f"no entity state {state_hash}")
        return entity_from_dict(orjson.loads(row[0]))

    def states(self, state_hashes: Iterable[str]) -> dict[str, Entity]:
        out: dict[str, Entity] = {}
        hashes = list(state_hashes)
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            q = f"SELECT hash, data FROM states WHERE hash IN ({','.join('?' * len(chunk))})"
            for h, data in self.db.all(q, chunk):
                out[h] = entity_from_dict(orjson.loads(data))
        return out

    def find_entity_id(self, ref: str) -> str | None:
        row = self.db.one("SELECT entity_id FROM entities WHERE entity_id=?", (ref,))
        if row is not None:
            return str(row[0])
        if ":" in ref:
            source, list_id = ref.split(":", 1)
            row = self.db.one(
                "SELECT entity_id FROM entities WHERE source=? AND source_id=?", (source, list_id)
            )
            if row is not None:
                return str(row[0])
        return None

    def history(self, entity_id: str) -> list[Membership]:
        row = self.db.one("SELECT source FROM entities WHERE entity_id=?", (entity_id,))
        if row is None:
            return []
        found = dict(self.db.all("SELECT version_id, hash FROM members WHERE entity_id=?", (entity_id,)))
        return [Membership(v, found.get(v.id)) for v in self.versions(str(row[0]))]

    def entities_at(self, version_id: int) -> Iterator[Entity]:
        # streamed from the cursor (a whole list's JSON is not held at once where the driver allows)
        rows = self.db.execute(
            "SELECT s.data FROM members m JOIN states s ON s.hash = m.hash WHERE m.version_id=? ORDER BY m.entity_id",
            (version_id,),
        )
        for (data,) in rows:
            yield entity_from_dict(orjson.loads(data))


def change_mark(db: Db) -> tuple[int, int]:
    """What changes when a version comes into force: the highest id in force and the number released."""
    row = db.one(f"SELECT COALESCE(MAX(id), 0), COUNT(released_at) FROM versions WHERE {IN_FORCE}")
    return int(row[0]), int(row[1])
