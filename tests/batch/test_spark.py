"""Spark in local mode gives the local engine's results, row for row (screen_dataframe and --engine spark)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from embargo.batch import Options, prepare
from embargo.batch.runner import local_engine, run
from embargo.service.screener import Screener

from .conftest import book_rows, write_csv

pytestmark = pytest.mark.spark


def test_spark_equals_local_engine(tmp_path: Path, sdn_db: Path, screener: Screener) -> None:
    import pandas as pd  # type: ignore[import-untyped]

    from embargo.batch.spark import screen_dataframe, session, spark_engine

    rows = book_rows(300, 30, seed=5)
    rows[3]["full_name"] = ""  # a row that cannot be screened
    src = write_csv(tmp_path / "book.csv", rows)
    local = tmp_path / "local.csv"
    opts = Options(output=local)
    run(prepare(src, opts), opts, local_engine(screener, 1))
    with local.open(encoding="utf-8", newline="") as fh:
        expected = [dict(r) for r in csv.DictReader(fh)]
    assert len(expected) >= 27

    spark = session("local[2]")
    pdf = pd.DataFrame(rows)
    pdf.insert(0, "line", range(2, len(rows) + 2))  # the CSV line of each row, as the local engine counts
    df = spark.createDataFrame(pdf)
    result: Any = screen_dataframe(df, sdn_db, row_col="line").toPandas()
    errors = result[result["error"].notna()]
    assert list(errors["row"]) == [5] and "needs a name" in errors["error"].iloc[0]
    alerts = result[result["error"].isna()].sort_values(["row", "rank"])
    got = [
        {k: "" if v is None else f"{v:.4f}" if k == "score" else str(v) for k, v in rec.items()}
        for rec in alerts.drop(columns=["rank", "error"]).to_dict("records")
    ]
    assert got == expected

    # the CLI's engine: chunks scored on the executors, output identical to the local engine's
    out = tmp_path / "spark.csv"
    opts = Options(output=out, chunk_size=120)
    run(prepare(src, opts), opts, spark_engine(list(screener.index.entities), "local[2]"))
    assert out.read_bytes() == local.read_bytes()
    assert (tmp_path / "spark.csv.rejects.csv").read_bytes() == (
        tmp_path / "local.csv.rejects.csv"
    ).read_bytes()
