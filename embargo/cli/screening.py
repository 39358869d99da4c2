"""Screening commands: screen one name, screen a file (the batch engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from embargo.cli.base import (
    AlgorithmOpt,
    AsOfOpt,
    DbOpt,
    JsonOpt,
    SourceOpt,
    ThresholdOpt,
    app,
    check_date,
    emit_json,
    err,
    out,
    service,
)


@app.command("screen")
def screen_cmd(
    name: Annotated[str, typer.Argument(help="The name to screen (any script).")],
    type_: Annotated[
        str | None,
        typer.Option("--type", help="person | organization | company | vessel | aircraft (default: any)."),
    ] = None,
    birth_date: Annotated[
        list[str] | None, typer.Option("--birth-date", help="YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    country: Annotated[list[str] | None, typer.Option("--country", help="Country name or ISO code.")] = None,
    id_: Annotated[
        list[str] | None, typer.Option("--id", help="An identifier: IMO, passport, tax id...")
    ] = None,
    as_of: AsOfOpt = None,
    source: SourceOpt = None,
    threshold: ThresholdOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many results.")] = 10,
    algorithm: AlgorithmOpt = None,
    listings: Annotated[
        bool,
        typer.Option(
            "--listings", help="One result per listing, not grouped by party (one person, many lists)."
        ),
    ] = False,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Screen one name (with optional facts) against the lists; results grouped by party (the same person
    or company as several authorities list it); every score explained."""
    from embargo.service.screening import make_query

    if as_of is not None:
        check_date(as_of)
    query = make_query(
        [name], schema=type_, birth_dates=birth_date, countries=country, identifiers=id_, query_id="cli"
    )
    with service(db) as svc:
        result = svc.screen(
            query,
            sources=source,
            as_of=as_of,
            threshold=threshold,
            limit=limit,
            algorithm=algorithm,
            by_party=not listings,
        )
    matches = list(result.matches)
    if json:
        emit_json(
            {
                "query": {
                    "names": list(query.names),
                    "schema": query.schema,
                    "birth_dates": list(query.birth_dates),
                    "countries": list(query.countries),
                    "identifiers": list(query.identifiers),
                },
                "algorithm": result.algorithm,
                "threshold": result.threshold,
                "as_of": as_of,
                "versions": [
                    {"source": v.source, "version": v.version, "date": v.publish_date}
                    for v in result.versions
                ],
                "matches": [m.to_dict() for m in matches],
                "parties": [p.to_dict() for p in result.parties] if result.parties is not None else None,
            }
        )
        return
    from embargo.cli.render import render_matches, render_parties

    if result.parties:
        render_parties(out, result.parties)
    render_matches(out, query, matches, result.algorithm)


@app.command("screen-file")
def screen_file_cmd(
    queries: Annotated[
        Path, typer.Argument(help="CSV, TSV, JSON lines (yente /match queries or flat), Parquet or XLSX.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Output by extension: .jsonl, .csv, .tsv, .parquet, .xlsx (default: stdout).",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    source: SourceOpt = None,
    threshold: ThresholdOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many results per query.")] = 10,
    algorithm: AlgorithmOpt = None,
    name_col: Annotated[str | None, typer.Option("--name-col", help="Column with the name.")] = None,
    type_col: Annotated[str | None, typer.Option("--type-col", help="Column with the type.")] = None,
    birth_date_col: Annotated[
        str | None, typer.Option("--birth-date-col", help="Column with the birth date.")
    ] = None,
    country_col: Annotated[
        list[str] | None, typer.Option("--country-col", help="Column with a country (repeatable).")
    ] = None,
    id_col: Annotated[str | None, typer.Option("--id-col", help="Column with the row's own id.")] = None,
    ident_col: Annotated[
        list[str] | None,
        typer.Option("--ident-col", help="Column with an identifier: IMO, passport... (repeatable)."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML file: field: column (name, type, birth_date...).")
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Text encoding of CSV/TSV/JSONL input.")
    ] = "utf-8",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes (default: the CPU count).")
    ] = None,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Rows per chunk (and per checkpoint).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run from its checkpoint.")
    ] = False,
    engine: Annotated[str, typer.Option("--engine", help="local or spark.")] = "local",
    master: Annotated[str, typer.Option("--master", help="Spark master (with --engine spark).")] = "local[2]",
    listings: Annotated[
        bool,
        typer.Option(
            "--listings", help="One alert row per listing, not one per party (one person, many lists)."
        ),
    ] = False,
    db: DbOpt = None,
) -> None:
    """Screen a customer book; JSON lines out are {query_id, matches, parties}, tabular out one row per
    party alerted (with its listings), or per listing with --listings."""
    from embargo.batch import BatchInterrupted
    from embargo.batch.command import Request, screen_file, summary_lines
    from embargo.batch.mapping import Mapping

    if as_of is not None:
        check_date(as_of)
    cols = Mapping(
        name=name_col,
        type=type_col,
        birth_date=birth_date_col,
        country=tuple(country_col or ()),
        id=id_col,
        identifiers=tuple(ident_col or ()),
    )
    req = Request(
        queries, output, db, as_of, source or [], threshold, limit, algorithm, mapping, cols, encoding,
        workers, chunk_size, resume, engine, master, listings,
    )  # fmt: skip
    try:
        summary = screen_file(req, err)
    except BatchInterrupted as exc:
        err.print(f"[yellow]{exc}[/]", highlight=False)
        raise typer.Exit(130) from None
    for line in summary_lines(summary):
        err.print(line, highlight=False, soft_wrap=True)
    if summary["rows_rejected"]:
        raise typer.Exit(1)
