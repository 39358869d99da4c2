"""The delta re-screen on Spark, for a portfolio held as a Parquet dataset beyond one machine.

The delta's added and changed entities are broadcast; each executor builds one small index over them
and streams its share of the portfolio's rows through it (the screen-file column mapping reads each
row). Only the rows it flags come back to the driver, where the monitor screens them against the whole
lists in force and writes the alerts, exactly as the local engine does (``Monitor.confirm``): the same
counterparties flagged give the same alerts.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from embargo.batch.mapping import Mapping
from embargo.batch.reader import cell
from embargo.batch.spark import _broadcast, _screener
from embargo.service.events import VersionDelta
from embargo.service.monitor import (
    PREFILTER_MARGIN,
    Counterparty,
    Monitor,
    MonitorError,
    RunReport,
    counterparty,
)
from embargo.service.screening import QueryError

if TYPE_CHECKING:
    from pyspark.core.broadcast import Broadcast
    from pyspark.sql import DataFrame


def spark_delta(
    monitor: Monitor, delta: VersionDelta, portfolio: DataFrame, mapping: Mapping | None = None
) -> RunReport:
    """Process ``delta`` for the portfolio rows of ``portfolio`` (a DataFrame, e.g. ``spark.read.parquet``)."""
    entities = monitor.delta_entities(delta)
    flagged: list[Counterparty] = []
    if entities:
        columns = list(portfolio.columns)
        resolved = (mapping or Mapping()).resolve(columns, "portfolio")
        key, bc = _broadcast(portfolio.sparkSession, entities, monitor.algorithm.name)
        cut = monitor.threshold - PREFILTER_MARGIN
        rows = portfolio.select(*(f"`{c}`" for c in columns)).rdd.mapPartitions(
            partial(_flag_partition, key, bc, resolved, cut)
        )
        flagged = [Counterparty.from_dict(d) for d in rows.collect()]
    return monitor.confirm(delta, entities, sorted(flagged, key=lambda cp: cp.id), screened=portfolio.count())


def _flag_partition(
    key: str, bc: Broadcast[bytes], mapping: Mapping, cut: float, rows: Iterator[Any]
) -> Iterator[dict[str, Any]]:
    from embargo.service.monitor import query_of

    screener = _screener(key, bc)
    for n, row in enumerate(rows, 1):
        cells = [None if v is None else cell(v) for v in row]
        try:
            cp = counterparty(mapping.query(cells, n))
        except (QueryError, MonitorError):  # an unreadable row: the local import reports it
            continue
        if screener.screen(query_of(cp), threshold=cut, limit=5, matches_only=True):
            yield cp.to_dict()
