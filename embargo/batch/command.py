"""``embargo screen-file``: the CLI's call into the batch engine (progress bar, summary lines)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from embargo.batch.errors import BatchError
from embargo.batch.mapping import Mapping
from embargo.batch.runner import Engine, Options, estimate_rows, local_engine, prepare, run


@dataclass(frozen=True)
class Request:
    """What the command line asked for."""

    input: Path
    output: Path | None = None
    db: Path | str | None = None
    as_of: str | None = None
    sources: list[str] = field(default_factory=list)
    threshold: float | None = None
    limit: int = 10
    algorithm: str | None = None
    mapping_file: Path | None = None
    columns: Mapping = field(default_factory=Mapping)  # from --name-col, --type-col...
    encoding: str = "utf-8"
    workers: int | None = None
    chunk_size: int | None = None
    resume: bool = False
    engine: str = "local"
    master: str = "local[2]"
    listings: bool = False  # one alert row per listing, not per party


def screen_file(req: Request, err: Console) -> dict[str, Any]:
    """Check the input, build the screener once, run; returns the summary."""
    from embargo.service import Service

    if req.engine not in ("local", "spark"):
        raise BatchError(f"unknown engine {req.engine!r} (local or spark)")
    mapping = Mapping.from_yaml(req.mapping_file) if req.mapping_file else Mapping()
    mapping = mapping.merged(req.columns)
    workers = req.workers or os.cpu_count() or 1
    if workers < 1:
        raise BatchError("--workers must be at least 1")
    default_chunk = 20_000 if req.engine == "spark" else 500
    svc = Service.open(req.db)
    try:
        versions = [
            {"source": v.source, "version": v.id, "date": v.publish_date}
            for v in svc.current_versions(req.sources or None, req.as_of)
        ]
        opts = Options(
            output=req.output,
            mapping=mapping,
            encoding=req.encoding,
            threshold=req.threshold,
            limit=req.limit,
            workers=workers,
            chunk_size=req.chunk_size or default_chunk,
            resume=req.resume,
            parties=svc.grouping(req.as_of),
            by_party=not req.listings,
            identity={
                "as_of": req.as_of,
                "sources": sorted(req.sources),
                "algorithm": req.algorithm,
                "lists": versions,
            },
        )
        plan = prepare(req.input, opts)  # input errors before the (slow) screener build
        if req.engine == "spark":
            from embargo.batch.spark import spark_engine

            engine: Engine = spark_engine(list(svc.entities(req.sources or None, req.as_of)), req.master)
        else:
            engine = local_engine(svc.screener(req.sources or None, req.as_of, req.algorithm), workers)
    finally:
        svc.close()
    total = estimate_rows(plan.input)
    with Progress(
        TextColumn("[bold]screen"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=total, rate="-")
        progress_cb: Callable[[int], None] = lambda done: progress.update(  # noqa: E731
            task, completed=done, rate=f"{progress.tasks[0].speed or 0:,.0f}"
        )
        summary = run(plan, opts, engine, progress_cb)
    summary["engine"], summary["workers"] = req.engine, workers if req.engine == "local" else None
    return summary


def _listed(s: dict[str, Any]) -> str:
    n = s.get("alerted_listings", s["alerts"])
    return f" for {n} listings" if n != s["alerts"] else ""


def summary_lines(s: dict[str, Any]) -> list[str]:
    lines = [
        f"{s['rows_read']} rows read, {s['rows_screened']} screened, {s['rows_with_alerts']} with alerts "
        f"({s['alerts']} alert rows{_listed(s)}), {s['rows_rejected']} rejected; {s['elapsed_s']} s"
        + (f", {s['rows_per_s']:,.0f} rows/s" if s.get("rows_per_s") else "")
    ]
    for source, c in s["per_list"].items():
        lines.append(f"  {source}: {c['rows']} rows with alerts, {c['alerts']} alerts")
    if s.get("rejects"):
        lines.append(f"rejected rows (line, reason): {s['rejects']}")
    if s.get("output"):
        lines.append(f"summary: {s['output']}.summary.json")
    return lines
