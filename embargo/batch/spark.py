"""The batch engine on Spark: the entity list broadcast, a Screener built once per executor process.

:func:`screen_dataframe` scores a DataFrame of customer rows in ``mapInPandas`` and returns one row
per alert with the same columns and values as the local engine's tabular output (plus ``rank``,
the alert's place among the row's alerts, and ``error`` for a row that could not be screened).
:func:`spark_engine` runs ``embargo screen-file --engine spark``: the CLI's chunks are scored on the
executors with the very formatter the local workers use, so its output equals the local engine's.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embargo.batch.mapping import Mapping, Row
from embargo.batch.reader import cell
from embargo.batch.runner import Chunk, Engine, Results
from embargo.batch.writer import ALERT_COLUMNS, Formatter, Stats, output_columns
from embargo.match.algorithm import DEFAULT_ALGORITHM
from embargo.model import Entity
from embargo.service.screener import Screener
from embargo.service.screening import QueryError

if TYPE_CHECKING:
    from pyspark.core.broadcast import Broadcast
    from pyspark.sql import DataFrame, SparkSession

    from embargo.resolve import Resolution

_CACHE: dict[str, Screener] = {}  # per executor process: the screener of the broadcast entities


def session(master: str = "local[2]", app: str = "embargo") -> SparkSession:
    """A local-mode session as INFRA.md says: loopback only, no UI, this Python on the workers."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def _screener(key: str, bc: Broadcast[bytes]) -> Screener:
    screener = _CACHE.get(key)
    if screener is None:
        _CACHE.clear()
        entities, algorithm = pickle.loads(bc.value)
        screener = _CACHE[key] = Screener(entities, algorithm)
    return screener


def _load(
    entities_or_db: Iterable[Entity] | Path | str,
    sources: Sequence[str] | None,
    as_of: str | None,
) -> list[Entity]:
    if isinstance(entities_or_db, Path | str):
        from embargo.service import Service

        svc = Service.open(entities_or_db)
        try:
            return list(svc.entities(sources, as_of))
        finally:
            svc.close()
    return list(entities_or_db)


def _parties(
    entities_or_db: Iterable[Entity] | Path | str, entities: list[Entity], as_of: str | None
) -> Resolution:
    """The parties alerts are named by: the store's when given one, else those of the entities."""
    if isinstance(entities_or_db, Path | str):
        from embargo.service import Service

        svc = Service.open(entities_or_db)
        try:
            return svc.grouping(as_of)
        finally:
            svc.close()
    from embargo.service.parties import grouping_of

    return grouping_of(entities)


def _broadcast(spark: SparkSession, entities: list[Entity], algorithm: str) -> tuple[str, Broadcast[bytes]]:
    payload = pickle.dumps((entities, algorithm), protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha256(payload).hexdigest()[:16]
    return key, spark.sparkContext.broadcast(payload)


def screen_dataframe(
    df: DataFrame,
    entities_or_db: Iterable[Entity] | Path | str,
    mapping: Mapping | None = None,
    threshold: float | None = None,
    limit: int = 10,
    *,
    algorithm: str = DEFAULT_ALGORITHM,
    sources: Sequence[str] | None = None,
    as_of: str | None = None,
    row_col: str | None = None,
    by_party: bool = False,
) -> DataFrame:
    """One row per alert (and one per unreadable row, with ``error``) of ``df`` against the entities.

    ``entities_or_db``: entities, or a store path (then ``sources`` and ``as_of`` select the lists).
    ``row_col``: a column with each row's number (the local engine's ``row``: the input line);
    without it rows are numbered from 1 in the DataFrame's order. ``by_party``: one row per party
    alerted (with its listings) rather than per listing; the parties are the store's (with its
    reviewers' judgements), or those the evidence of the given entities makes.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, IntegerType, LongType, StringType, StructField, StructType

    spark = df.sparkSession
    entities = _load(entities_or_db, sources, as_of)
    key, bc = _broadcast(spark, entities, algorithm)
    if row_col is None:
        row_col = "__row"
        numbered = df.rdd.zipWithIndex().map(lambda p: (*p[0], p[1] + 1))
        df = numbered.toDF([*df.columns, row_col])
    columns = [c for c in df.columns if c != row_col]
    resolved = (mapping or Mapping()).resolve(columns, "DataFrame")
    df = df.select(F.col(row_col).cast("long"), *(F.col(f"`{c}`").cast("string") for c in columns))
    names = [*output_columns(columns), "rank", "error"]
    types = {"row": LongType(), "score": DoubleType(), "rank": IntegerType()}
    schema = StructType([StructField(n, types.get(n, StringType())) for n in names])
    fmt = Formatter("parquet", threshold, limit, _parties(entities_or_db, entities, as_of), by_party)
    return df.mapInPandas(partial(_score_frames, key, bc, resolved, fmt), schema)


def _score_frames(
    key: str, bc: Broadcast[bytes], mapping: Mapping, fmt: Formatter, frames: Iterator[Any]
) -> Iterator[Any]:
    import pandas as pd  # type: ignore[import-untyped]

    screener = _screener(key, bc)
    for pdf in frames:
        out: list[tuple[Any, ...]] = []
        for rec in pdf.itertuples(index=False, name=None):
            line = int(rec[0])
            cells = [None if v is None or v != v else cell(v) for v in rec[1:]]
            try:
                q = mapping.query(cells, line)
            except QueryError as exc:
                out.append((line, None, *cells, *([None] * len(ALERT_COLUMNS)), None, str(exc)))
                continue
            matches = screener.screen(q, threshold=fmt.threshold, limit=fmt.limit)
            alerts = [m for m in matches if m.match]
            for rank, values in enumerate(fmt.alert_rows(alerts), 1):
                out.append((line, q.id, *cells, *values, rank, None))
        width = len(pdf.columns) + 1 + len(ALERT_COLUMNS) + 2
        yield (
            pd.DataFrame.from_records(out, columns=range(width))
            if out
            else pd.DataFrame({i: pd.Series(dtype=object) for i in range(width)})
        )


def _score_partition(key: str, bc: Broadcast[bytes], fmt: Formatter, rows: Iterable[Row]) -> Iterator[Any]:
    yield fmt.screen(_screener(key, bc), list(rows))


def spark_engine(entities: list[Entity], master: str = "local[2]", algorithm: str | None = None) -> Engine:
    """``screen-file --engine spark``: each chunk's rows scored on the executors, results in order."""

    def run(source: Iterator[Chunk], fmt: Formatter) -> Results:
        spark = session(master)
        try:
            key, bc = _broadcast(spark, entities, algorithm or DEFAULT_ALGORITHM)
            sc = spark.sparkContext
            for chunk in source:
                slices = max(1, min(sc.defaultParallelism, len(chunk.rows)))
                parts = sc.parallelize(chunk.rows, slices).mapPartitions(
                    partial(_score_partition, key, bc, fmt)
                )
                stats, merged = Stats(), _empty(fmt)
                for payload, st in parts.collect():
                    merged += payload
                    stats.add(st)
                yield chunk, merged, stats
        finally:
            spark.stop()

    return run


def _empty(fmt: Formatter) -> Any:
    return b"" if fmt.kind in ("jsonl", "csv", "tsv") else []
