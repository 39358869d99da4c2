"""The round-2 dev sets of ../shared/bench (b_, d_, e_, f_, j_, k_, l_ files): cases, stores, anchors.

Each case is a yente-shaped query (``schema``, ``name``, ``birthDate``, ``nationality``, ``imoNumber``)
screened against the list version its ``list_version`` names (``ALL``: every folder, the latest version
of each source in force). Expected entries are ``{source, source_id}`` or, for list rows without an id of
their own, ``{source, entity_id, caption}``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from _common import LISTS, SHARED, UNTYPED_SCHEMA

BENCH = SHARED / "bench"
ROUND2_GLOB = "[a-z]_*_dev.jsonl"  # b_cross_authority_dev.jsonl ... (ofac_variants_dev.jsonl is round 1)


@dataclass(frozen=True)
class Ref:
    """A list entry a case names: by its list id, or by embargo's entity id and caption."""

    source: str
    source_id: str | None = None
    entity_id: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Case2:
    id: str
    file: str  # the dev file's short name ("b_cross_authority")
    query: dict[str, Any]
    expected: tuple[Ref, ...]
    must_not_alert: tuple[Ref, ...]
    family: str
    variation: str
    detail: str
    list_version: str
    also_name_only: bool
    script: str | None

    @property
    def kind(self) -> str:
        """positive, homonym, negative, clean or info (not scored)."""
        if self.family == "identifier_conflict":
            return "info"
        if self.family == "clean":
            return "clean"
        if self.must_not_alert:
            return "homonym"
        if self.expected:
            return "positive"
        return "negative"


def round2_files() -> list[Path]:
    return sorted(p for p in BENCH.glob(ROUND2_GLOB) if not p.name.startswith("ofac_"))


def _refs(rows: Any) -> tuple[Ref, ...]:
    out = []
    for r in rows or ():
        sid = r.get("source_id")
        out.append(
            Ref(
                source=str(r["source"]),
                source_id=str(sid) if sid is not None else None,
                entity_id=r.get("entity_id"),
                caption=r.get("caption"),
            )
        )
    return tuple(out)


def load_round2(paths: Sequence[Path], per_variation: int | None = None) -> list[Case2]:
    """Cases of the given files in file order; ``per_variation``: at most that many per (file, variation)."""
    cases: list[Case2] = []
    seen: dict[tuple[str, str], int] = {}
    for path in paths:
        short = re.sub(r"_dev\.jsonl$", "", path.name)
        with path.open("rb") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row: dict[str, Any] = orjson.loads(line)
                key = (short, str(row.get("variation")))
                if per_variation is not None and seen.get(key, 0) >= per_variation:
                    continue
                seen[key] = seen.get(key, 0) + 1
                cases.append(
                    Case2(
                        id=str(row["id"]),
                        file=short,
                        query=dict(row["query"]),
                        expected=_refs(row.get("expected")),
                        must_not_alert=_refs(row.get("must_not_alert")),
                        family=str(row.get("family")),
                        variation=str(row.get("variation")),
                        detail=str(row.get("detail") or ""),
                        list_version=str(row["list_version"]),
                        also_name_only=bool(row.get("also_name_only")),
                        script=row.get("script"),
                    )
                )
    return cases


def list_paths(list_version: str) -> list[Path]:
    """The files to ingest for a case's ``list_version``: one folder, or every folder (``ALL``; the
    store keeps each source's versions and the latest is in force)."""
    if list_version == "ALL":
        return sorted(p for p in LISTS.iterdir() if p.is_dir())
    path = LISTS / list_version
    if not path.exists():
        raise SystemExit(f"list version {list_version!r} is not under {LISTS}")
    return [path]


@contextlib.contextmanager
def store_for(list_version: str, db_dir: Path | None) -> Iterator[Path]:
    """A store with ``list_version`` ingested, kept in ``db_dir`` (reused) or in a temporary folder."""
    from _common import store_with

    db = None
    if db_dir is not None:
        db_dir.mkdir(parents=True, exist_ok=True)
        db = db_dir / (re.sub(r"[^A-Za-z0-9]+", "_", list_version) + ".db")
    with store_with(list_paths(list_version), db) as path:
        yield path


def embargo_query(q: dict[str, Any], name_only: bool = False) -> Any:
    """The case's query as embargo's ``Query`` (name alone with ``name_only``)."""
    from embargo.match.types import Query

    def vals(key: str) -> tuple[str, ...]:
        v = q.get(key)
        if v is None or name_only:
            return ()
        return tuple(str(x) for x in (v if isinstance(v, list) else [v]) if str(x).strip())

    name = q.get("name")
    names = tuple(str(x) for x in (name if isinstance(name, list) else [name]) if x) if name else ()
    return Query(
        names=names,
        schema=q.get("schema"),
        birth_dates=vals("birthDate"),
        countries=vals("nationality"),
        identifiers=vals("imoNumber"),
    )


def ftm_query(q: dict[str, Any], candidate_schema: str, name_only: bool = False) -> dict[str, Any]:
    """The case's query as an FtM dict for nomenklatura: its schema, else yente's untyped LegalEntity
    (the candidate's schema against a Vessel or Airplane, which a LegalEntity cannot match)."""
    schema = q.get("schema") or (
        candidate_schema if candidate_schema in ("Vessel", "Airplane") else UNTYPED_SCHEMA
    )
    props: dict[str, list[str]] = {}
    keys = ("name",) if name_only else ("name", "birthDate", "nationality", "imoNumber")
    for key in keys:
        v = q.get(key)
        if v:
            props[key] = [str(x) for x in (v if isinstance(v, list) else [v])]
    return {"schema": schema, "properties": props}
