"""Shared helpers of the benchmarks: paths, the dev set, stores, memory, percentiles, nomenklatura anchors.

Never imported by the package. The nomenklatura algorithms are the anchors embargo is compared
with: they are fed FtM entities made from the same embargo entities the screener indexes.
"""

from __future__ import annotations

import contextlib
import functools
import math
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from embargo.model import Entity

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LISTS = SHARED / "data" / "lists"
DEV_SET = SHARED / "bench" / "ofac_variants_dev.jsonl"
SDN_2024 = LISTS / "us_ofac_sdn" / "2024-05-02" / "sdn.csv"

# Family order in tables: listed names varied (benign, adversarial, degraded, real), then the cases that
# must not alert (negative near-misses, clean names).
POSITIVE_FAMILIES = ("benign", "adversarial", "degraded", "real")
NEGATIVE_FAMILIES = ("negative", "clean")
FAMILIES = POSITIVE_FAMILIES + NEGATIVE_FAMILIES

# yente's default match threshold (SCORE_THRESHOLD); no nomenklatura algorithm defines its own.
ANCHOR_THRESHOLD = 0.7
ANCHORS = ("logic-v2", "logic-v1", "ofac")
# Query schema for an untyped query, as yente's untyped screening does; it can match Person,
# Organization, Company and LegalEntity. Vessels and airplanes cannot be matched by a LegalEntity,
# so against those candidates the query takes the candidate's schema (see ``query_schema_for``).
UNTYPED_SCHEMA = "LegalEntity"


@dataclass(frozen=True)
class Case:
    id: str
    query: str
    family: str
    variation: str
    expected_source: str | None
    expected_source_id: str | None
    listed_name: str | None

    @property
    def positive(self) -> bool:
        return self.expected_source_id is not None


def load_cases(path: Path = DEV_SET, per_variation: int | None = None) -> list[Case]:
    """The dev set's cases, in file order; ``per_variation`` keeps at most that many of each variation."""
    cases: list[Case] = []
    seen: dict[str, int] = {}
    with path.open("rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            row: dict[str, Any] = orjson.loads(line)
            var = str(row["variation"])
            if per_variation is not None and seen.get(var, 0) >= per_variation:
                continue
            seen[var] = seen.get(var, 0) + 1
            cases.append(
                Case(
                    id=str(row["id"]),
                    query=str(row["query"]),
                    family=str(row["family"]),
                    variation=var,
                    expected_source=row.get("expected_source"),
                    expected_source_id=(
                        str(row["expected_source_id"]) if row.get("expected_source_id") is not None else None
                    ),
                    listed_name=row.get("listed_name"),
                )
            )
    return cases


@contextlib.contextmanager
def store_with(paths: Sequence[Path], db: Path | None = None) -> Iterator[Path]:
    """A store holding ``paths`` ingested: ``db`` if given (ingested only if it does not exist yet),
    else a fresh temporary store removed afterwards."""
    from embargo.service import Service

    with contextlib.ExitStack() as stack:
        if db is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="embargo-bench-"))
            db = Path(tmp) / "bench.db"
        if not db.exists():
            svc = Service.open(db)
            try:
                outcomes = svc.ingest(list(paths))
            finally:
                svc.close()
            if not any(o.status == "created" for o in outcomes):
                raise SystemExit("nothing ingested: " + "; ".join(o.line() for o in outcomes))
        yield db


def rss_mb() -> float:
    """Resident set size of this process in MB (VmRSS of /proc/self/status)."""
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (VmHWM)."""
    return _status_kb("VmHWM") / 1024


def _status_kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0..100) of ``values``; NaN if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ratio(a: float, b: float) -> float:
    return a / b if b else math.inf


# --- nomenklatura anchors ---------------------------------------------------------------


def ftm_dict(entity: Entity) -> dict[str, Any]:
    """The entity as an FtM dict (without its Sanction entities)."""
    from embargo.model.ftm import to_ftm

    return to_ftm(entity)[0]


def query_schema_for(candidate_schema: str) -> str:
    return candidate_schema if candidate_schema in ("Vessel", "Airplane") else UNTYPED_SCHEMA


class AnchorScorer:
    """nomenklatura's algorithms over query names and candidate FtM dicts.

    Proxies are cached by id: nomenklatura caches name analysis by entity id, so every query
    gets a fresh id (``query_key``) and candidates keep their embargo id.
    """

    def __init__(self, names: Sequence[str] = ANCHORS) -> None:
        from nomenklatura.matching import get_algorithm

        self.algorithms: dict[str, Any] = {}
        self.configs: dict[str, Any] = {}
        for name in names:
            algo = get_algorithm(name)
            if algo is None:
                raise SystemExit(f"nomenklatura has no algorithm {name!r}")
            self.algorithms[name] = algo
            self.configs[name] = algo.default_config()
        self._candidates: dict[str, Any] = {}
        self._queries: dict[tuple[str, str], Any] = {}

    def candidate(self, data: dict[str, Any]) -> Any:
        from followthemoney import model

        proxy = self._candidates.get(data["id"])
        if proxy is None:
            proxy = model.get_proxy(data)
            self._candidates[data["id"]] = proxy
        return proxy

    def query(self, query_key: str, name: str, schema: str) -> Any:
        from followthemoney import model

        key = (query_key, schema)
        proxy = self._queries.get(key)
        if proxy is None:
            proxy = model.make_entity(schema)
            proxy.id = f"query-{query_key}-{schema}"
            proxy.add("name", name, quiet=True)
            if len(self._queries) > 10000:
                self._queries.clear()
            self._queries[key] = proxy
        return proxy

    def score(self, algorithm: str, query_key: str, name: str, candidate: dict[str, Any]) -> float:
        """The algorithm's score of the untyped query ``name`` against one candidate."""
        cand = self.candidate(candidate)
        query = self.query(query_key, name, query_schema_for(cand.schema.name))
        result = self.algorithms[algorithm].compare(query, cand, self.configs[algorithm])
        return float(result.score)

    def warm_up(self) -> None:
        """First calls load reference data (seconds for logic-v2): pay that outside any timing."""
        probe = {"id": "warm-up-candidate", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}}
        for algo in self.algorithms:
            self.score(algo, "warm-up", "Ivan Petrow", probe)


RAPIDFUZZ = "rapidfuzz"
RAPIDFUZZ_THRESHOLD = 0.9


@functools.lru_cache(maxsize=200_000)
def ascii_fold(text: str) -> str:
    """Casefolded ASCII transliteration (the rapidfuzz baseline's normalisation)."""
    from normality import ascii_text

    return (ascii_text(text) or "").casefold()


def rapidfuzz_score(query: str, names: Sequence[str]) -> float:
    """Baseline: best ``token_sort_ratio`` (0..1) of the query against any of the names."""
    from rapidfuzz import fuzz

    q = ascii_fold(query)
    return max((fuzz.token_sort_ratio(q, ascii_fold(n)) / 100 for n in names), default=0.0)
