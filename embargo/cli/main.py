"""The ``embargo`` command: a thin shell over :mod:`embargo.service`.

Every command takes ``--db`` (or ``$EMBARGO_DB``) and ``--json``. Errors are one line on stderr
(exit code 2), never a traceback; ``ingest`` exits 1 when any file was refused.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from embargo.errors import EmbargoError
from embargo.service import Service
from embargo.service.ingest import Outcome

app = typer.Typer(
    name="embargo",
    help="Sanctions and export-control screening: official lists in, versioned history, explained matching.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", envvar="EMBARGO_DB", help="Store file (default: $EMBARGO_DB or the user data directory)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def emit_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


@contextmanager
def service(db: Path | None) -> Iterator[Service]:
    svc = Service.open(db)
    try:
        yield svc
    finally:
        svc.close()


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="List files or folders (searched recursively).")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Publish date for files that carry none (YYYY-MM-DD).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Ingest even a publication that drops most entities.")
    ] = False,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Ingest official list files: format detected, each publication stored as a version of its source."""
    if as_of is not None:
        _check_date(as_of)
    with service(db) as svc:
        outcomes: list[Outcome] = []
        with Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            disable=json or not err.is_terminal,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=None)

            def started(n: int) -> None:
                progress.update(task, total=n)

            def done(o: Outcome) -> None:
                outcomes.append(o)
                progress.update(task, advance=1, description=o.path.parent.name + "/" + o.path.name)
                if not json:
                    style = {"created": "green", "unchanged": "dim", "refused": "red"}[o.status]
                    progress.console.print(f"[{style}]{o.line()}[/]", highlight=False, soft_wrap=True)

            svc.ingest(paths, as_of=as_of, force=force, on_start=started, on_done=done)
    refused = [o for o in outcomes if o.status == "refused"]
    if json:
        emit_json(
            [
                {
                    "path": str(o.path),
                    "status": o.status,
                    "source": o.source,
                    "version": o.version.to_dict() if o.version else None,
                    "message": o.message or None,
                    "added": o.added,
                    "removed": o.removed,
                    "changed": o.changed,
                }
                for o in outcomes
            ]
        )
    else:
        created = sum(o.status == "created" for o in outcomes)
        same = sum(o.status == "unchanged" for o in outcomes)
        err.print(f"{created} new versions, {same} unchanged, {len(refused)} refused", highlight=False)
    if refused:
        raise typer.Exit(1)


@app.command()
def sync(
    mirror: Annotated[
        str | None,
        typer.Option("--mirror", help="Read the same file names from DIR or URL: <mirror>/<source>/<file>."),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    dest: Annotated[
        Path | None, typer.Option("--dest", help="Download folder (default: 'downloads' beside the store).")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per connect/read.")] = 60.0,
    retries: Annotated[int, typer.Option("--retries", help="Retries after the first try.")] = 3,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Download every source from its official URL (or --mirror) and ingest what changed."""
    from embargo.service.sync import SyncResult
    from embargo.service.sync import sync as run_sync

    with service(db) as svc:
        folder = dest or Path(getattr(svc.store, "path", ".")).parent / "downloads"

        def show(r: SyncResult) -> None:
            if not json:
                style = "green" if r.ok else "red"
                err.print(f"[{style}]{r.line()}[/]", highlight=False, soft_wrap=True)

        results = run_sync(
            svc.store, folder, sources=source, mirror=mirror, timeout=timeout, retries=retries, on_result=show
        )
    if json:
        emit_json(
            [
                {
                    "source": r.source,
                    "ok": r.ok,
                    "error": r.fetch.error,
                    "changed": r.fetch.changed,
                    "files": [str(f) for f in r.fetch.files],
                    "ingest": [
                        {
                            "path": str(o.path),
                            "status": o.status,
                            "message": o.message or None,
                            "version": o.version.to_dict() if o.version else None,
                        }
                        for o in r.outcomes
                    ],
                }
                for r in results
            ]
        )
    if not all(r.ok for r in results):
        raise typer.Exit(1)


@app.command("lists")
def lists_cmd(
    versions: Annotated[
        bool, typer.Option("--versions", help="Show every version, not only the current one.")
    ] = False,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Sources in the store with their versions, publish dates and entity counts."""
    from rich.table import Table

    with service(db) as svc:
        data = svc.lists()
    if json:
        emit_json(data)
        return
    if not data:
        err.print("the store is empty: run `embargo ingest PATH` or `embargo sync` first")
        return
    table = Table(title="Lists in the store")
    for col in ("source", "version", "label", "published", "date from", "entities", "format"):
        table.add_column(col)
    for s in data:
        rows = s["versions"] if versions else [s["current"]]
        for v in rows:
            table.add_row(
                s["source"],
                str(v["id"]),
                v["label"],
                v["publish_date"],
                v["date_origin"],
                str(v["entity_count"]),
                v["format"],
            )
    out.print(table)
    if not versions:
        out.print(
            f"{sum(len(s['versions']) for s in data)} versions in all; --versions lists each", highlight=False
        )


@app.command("diff")
def diff_cmd(
    source: Annotated[str, typer.Argument(help="Source name, e.g. us_ofac_sdn.")],
    from_ref: Annotated[str | None, typer.Option("--from", help="Version id, folder label or date.")] = None,
    to_ref: Annotated[str | None, typer.Option("--to", help="Version id, folder label or date.")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """What changed between two versions of a source (default: the last two)."""
    with service(db) as svc:
        data = svc.diff(source, from_ref, to_ref)
    if json:
        emit_json(data)
        return
    f, t = data["from"], data["to"]
    out.print(
        f"[bold]{source}[/]: {f['label']} ({f['publish_date']}, v{f['id']}) -> {t['label']} ({t['publish_date']}, v{t['id']}): "
        f"[green]+{len(data['added'])}[/] [red]-{len(data['removed'])}[/] [yellow]~{len(data['changed'])}[/]"
    )
    for e in data["added"]:
        out.print(f"  [green]+ {e['caption']}[/] ({e['schema']}, {e['source_id']})", highlight=False)
    for e in data["removed"]:
        out.print(f"  [red]- {e['caption']}[/] ({e['schema']}, {e['source_id']})", highlight=False)
    for c in data["changed"]:
        e = c["entity"]
        out.print(
            f"  [yellow]~ {e['caption']}[/] ({e['source_id']}): {', '.join(c['changes'])}", highlight=False
        )


@app.command("entity")
def entity_cmd(
    ref: Annotated[str, typer.Argument(help="embargo id or SOURCE:LIST_ID, e.g. us_ofac_sdn:16649.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Show the record as it stood on this date.")
    ] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """One listed entity as it stood on a date, with its sanctions history across versions."""
    if as_of is not None:
        _check_date(as_of)
    with service(db) as svc:
        data = svc.entity(ref, as_of)
    if json:
        emit_json(data)
        return
    from embargo.cli.render import render_entity

    render_entity(out, data)


@app.command("export")
def export_cmd(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The lists as they stood on this date.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """FollowTheMoney JSON lines of the entities in force (every source, or --source)."""
    from embargo.model.ftm import to_ftm

    if as_of is not None:
        _check_date(as_of)
    with service(db) as svc:
        fh = output.open("wb") if output else sys.stdout.buffer
        n = 0
        try:
            for entity in svc.entities(source, as_of):
                for rec in to_ftm(entity):
                    fh.write(orjson.dumps(rec) + b"\n")
                n += 1
        finally:
            if output:
                fh.close()
    err.print(f"exported {n} entities", highlight=False)


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
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists as of this date.")
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Match threshold 0..1.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many results.")] = 10,
    algorithm: Annotated[str | None, typer.Option("--algorithm", help="Scoring algorithm version.")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Screen one name (with optional facts) against the lists; every score explained."""
    from embargo.service.screening import make_query

    if as_of is not None:
        _check_date(as_of)
    query = make_query(
        [name], schema=type_, birth_dates=birth_date, countries=country, identifiers=id_, query_id="cli"
    )
    with service(db) as svc:
        screener = svc.screener(source, as_of, algorithm)
        versions = [v.to_dict() for v in svc.current_versions(source, as_of)]
    matches = screener.screen(query, threshold=threshold, limit=limit)
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
                "algorithm": screener.algorithm.name,
                "threshold": screener.algorithm.threshold if threshold is None else threshold,
                "as_of": as_of,
                "versions": [
                    {"source": v["source"], "version": v["id"], "date": v["publish_date"]} for v in versions
                ],
                "matches": [m.to_dict() for m in matches],
            }
        )
        return
    from embargo.cli.render import render_matches

    render_matches(out, query, matches, screener.algorithm.name)


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
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists as of this date.")
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Match threshold 0..1.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many results per query.")] = 10,
    algorithm: Annotated[str | None, typer.Option("--algorithm", help="Scoring algorithm version.")] = None,
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
    db: DbOpt = None,
) -> None:
    """Screen a customer book; JSON lines out are {query_id, matches}, tabular out one row per alert."""
    from embargo.batch import BatchInterrupted
    from embargo.batch.command import Request, screen_file, summary_lines
    from embargo.batch.mapping import Mapping

    if as_of is not None:
        _check_date(as_of)
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
        workers, chunk_size, resume, engine, master,
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


# -- HTTP API: serve, keys, audit --------------------------------------------------------------
keys_app = typer.Typer(
    help="API keys for `embargo serve` (stored hashed; a key is shown once).", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (each holds an index).")
    ] = 1,
    require_keys: Annotated[
        bool, typer.Option("--require-keys", help="Ask for an API key even before any key exists.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Serve the HTTP API (yente-compatible /match, /search; history routes; OpenAPI at /docs)."""
    import os

    import uvicorn

    if db is not None:
        os.environ["EMBARGO_DB"] = str(db)
    if require_keys:
        os.environ["EMBARGO_REQUIRE_KEYS"] = "1"
    uvicorn.run(
        "embargo.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


@keys_app.command("create")
def keys_create(
    scope: Annotated[
        str, typer.Option("--scope", help="screen (screening and reading) or admin (also reload).")
    ],
    label: Annotated[str | None, typer.Option("--label", help="Who or what the key is for.")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Create an API key and print it (once: only its salted hash is stored)."""
    from embargo.api.keys import KeyStore

    keys = KeyStore(db or _default_db())
    try:
        key, secret = keys.create(scope, label)
    finally:
        keys.close()
    if json:
        emit_json({**key.to_dict(), "key": secret})
        return
    err.print(f"key {key.id} ({key.scope}) created; it is shown only now:", highlight=False)
    sys.stdout.write(secret + "\n")


@keys_app.command("list")
def keys_list(db: DbOpt = None, json: JsonOpt = False) -> None:
    """API keys (ids, scopes, labels, when created and revoked; never the keys themselves)."""
    from rich.table import Table

    from embargo.api.keys import KeyStore

    keys = KeyStore(db or _default_db())
    try:
        rows = [k.to_dict() for k in keys.list_keys()]
    finally:
        keys.close()
    if json:
        emit_json(rows)
        return
    table = Table(title="API keys")
    for col in ("id", "scope", "label", "created", "revoked"):
        table.add_column(col)
    for k in rows:
        table.add_row(k["id"], k["scope"], k["label"] or "", k["created_at"], k["revoked_at"] or "")
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (see `embargo keys list`).")],
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Revoke an API key: requests carrying it get 401 from then on."""
    from embargo.api.keys import KeyStore

    keys = KeyStore(db or _default_db())
    try:
        key = keys.revoke(key_id)
    finally:
        keys.close()
    if json:
        emit_json(key.to_dict())
    else:
        err.print(f"key {key.id} revoked at {key.revoked_at}", highlight=False)


@app.command("audit")
def audit_cmd(
    since: Annotated[
        str | None, typer.Option("--since", help="Only requests from this date (YYYY-MM-DD) or time on.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many rows.")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """The API's audit log: who asked what, when, which list versions answered, the scores returned."""
    from rich.table import Table

    from embargo.api.keys import KeyStore

    if since is not None:
        _check_date(since[:10])
    keys = KeyStore(db or _default_db())
    try:
        rows = keys.audit_rows(since, limit)
    finally:
        keys.close()
    if json:
        emit_json(rows)
        return
    table = Table(title="API audit log")
    for col in ("#", "when", "key", "request", "status", "versions", "top score"):
        table.add_column(col)
    for r in rows:
        versions = ", ".join(f"{v['source']}@{v['version']}" for v in r["versions"] or [])
        scores = r["scores"]
        flat = [s for group in scores.values() for s in group] if isinstance(scores, dict) else scores or []
        top = max((s[1] for s in flat), default=None)
        table.add_row(
            str(r["seq"]),
            r["at"],
            r["key_id"] or "-",
            f"{r['method']} {r['route']}",
            str(r["status"]),
            versions,
            "" if top is None else f"{top:.2f}",
        )
    out.print(table)


def _default_db() -> Path:
    from embargo.service import default_db_path

    return default_db_path()


def _check_date(value: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def main() -> None:
    try:
        app()
    except EmbargoError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # never a traceback for a user; EMBARGO_DEBUG=1 shows it
        import os

        if os.environ.get("EMBARGO_DEBUG"):
            raise
        err.print(
            f"[red]internal error:[/] {type(exc).__name__}: {exc} (set EMBARGO_DEBUG=1 for details)",
            highlight=False,
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
