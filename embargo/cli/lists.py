"""Commands over the lists and their history: ingest, sync, lists, diff, entity, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from embargo.cli.base import (
    AsOfOpt,
    DbOpt,
    JsonOpt,
    SourceOpt,
    app,
    check_date,
    emit_json,
    err,
    out,
    service,
)
from embargo.service.ingest import Outcome


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="List files or folders (searched recursively).")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Publish date for files that carry none (YYYY-MM-DD).")
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Skip the guard against a sample (a drop of over half); the change policy still holds big losses.",
        ),
    ] = False,
    allow_older: Annotated[
        bool,
        typer.Option(
            "--allow-older", help="Store a publication dated before the version in force (history)."
        ),
    ] = False,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Ingest official list files: format detected, each publication stored as a version of its source.

    A version that removes or strips more parties than the change policy allows is stored held (not in
    force) and the command exits 1; `embargo versions release ID` puts it in force."""
    if as_of is not None:
        check_date(as_of)
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
                    style = {"created": "green", "unchanged": "dim", "refused": "red", "held": "red"}[
                        o.status
                    ]
                    progress.console.print(f"[{style}]{o.line()}[/]", highlight=False, soft_wrap=True)

            svc.ingest(
                paths, as_of=as_of, force=force, allow_older=allow_older, on_start=started, on_done=done
            )
    refused = [o for o in outcomes if o.status == "refused"]
    held = [o for o in outcomes if o.status == "held"]
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
                    "events": [e.to_dict() for e in o.events],
                }
                for o in outcomes
            ]
        )
    else:
        created = sum(o.status == "created" for o in outcomes)
        same = sum(o.status == "unchanged" for o in outcomes)
        err.print(
            f"{created} new versions, {same} unchanged, {len(held)} held, {len(refused)} refused",
            highlight=False,
        )
    if refused or held:
        raise typer.Exit(1)


@app.command()
def sync(
    mirror: Annotated[
        str | None,
        typer.Option("--mirror", help="Read the same file names from DIR or URL: <mirror>/<source>/<file>."),
    ] = None,
    source: SourceOpt = None,
    dest: Annotated[
        Path | None, typer.Option("--dest", help="Download folder (default: 'downloads' beside the store).")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per connect/read.")] = 60.0,
    retries: Annotated[int, typer.Option("--retries", help="Retries after the first try.")] = 3,
    max_time: Annotated[
        float, typer.Option("--max-time", help="Seconds one file's download may take in all.")
    ] = 900.0,
    min_rate: Annotated[
        float,
        typer.Option("--min-rate", help="Bytes/s a download must average after 10 s, or it is cut off."),
    ] = 1024.0,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Download every source from its official URL (or --mirror) and ingest what changed.

    Exits 1 when a download failed or a file was refused or held by the change policy."""
    from embargo.service.sync import Pace, SyncResult

    def show(r: SyncResult) -> None:
        if not json:
            style = "green" if r.ok else "red"
            err.print(f"[{style}]{r.line()}[/]", highlight=False, soft_wrap=True)

    with service(db) as svc:
        results = svc.sync(
            dest,
            sources=source,
            mirror=mirror,
            timeout=timeout,
            retries=retries,
            on_result=show,
            pace=Pace(max_seconds=max_time, min_rate=min_rate),
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
        emit_json([s.to_dict() for s in data])
        return
    if not data:
        err.print("the store is empty: run `embargo ingest PATH` or `embargo sync` first")
        return
    table = Table(title="Lists in the store")
    for col in ("source", "version", "label", "published", "date from", "entities", "format"):
        table.add_column(col)
    for s in data:
        rows = s.versions if versions else [s.current] if s.current else []
        for v in rows:
            table.add_row(
                s.source, str(v.id), v.label, v.publish_date, v.date_origin, str(v.entity_count), v.format
            )
    out.print(table)
    for s in data:
        for h in s.held:
            out.print(
                f"[red]held[/] {s.source} version {h.id} ({h.label}, {h.publish_date}): "
                f"{h.hold_reason}; release with `embargo versions release {h.id}`",
                highlight=False,
                soft_wrap=True,
            )
    if not versions:
        out.print(
            f"{sum(len(s.versions) for s in data)} versions in all; --versions lists each", highlight=False
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
        d = svc.diff(source, from_ref, to_ref)
    if json:
        emit_json(d.to_dict())
        return
    f, t = d.from_version, d.to_version
    out.print(
        f"[bold]{source}[/]: {f.label} ({f.publish_date}, v{f.id}) -> {t.label} ({t.publish_date}, v{t.id}): "
        f"[green]+{len(d.added)}[/] [red]-{len(d.removed)}[/] [yellow]~{len(d.changed)}[/]"
    )
    for e in d.added:
        out.print(f"  [green]+ {e.caption}[/] ({e.schema}, {e.source_id})", highlight=False)
    for e in d.removed:
        out.print(f"  [red]- {e.caption}[/] ({e.schema}, {e.source_id})", highlight=False)
    for c in d.changed:
        e = c.entity
        out.print(f"  [yellow]~ {e.caption}[/] ({e.source_id}): {', '.join(c.changes)}", highlight=False)


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
        check_date(as_of)
    with service(db) as svc:
        data = svc.entity(ref, as_of).to_dict()
    if json:
        emit_json(data)
        return
    from embargo.cli.render import render_entity

    render_entity(out, data)


@app.command("export")
def export_cmd(
    source: SourceOpt = None,
    as_of: AsOfOpt = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    db: DbOpt = None,
    by_party: Annotated[
        bool, typer.Option("--parties", help="One entity per party (canonical id, referents, datasets).")
    ] = False,
) -> None:
    """FollowTheMoney JSON lines of the entities in force (every source, or --source)."""
    from embargo.model.ftm import to_ftm

    if as_of is not None:
        check_date(as_of)
    if by_party:
        from embargo.cli.resolve import export_parties

        export_parties(source, as_of, output, db)
        return
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


versions_app = typer.Typer(
    help="Versions held back by the change policy: list them, release one into force.", no_args_is_help=True
)
app.add_typer(versions_app, name="versions")


@versions_app.command("held")
def versions_held(db: DbOpt = None, json: JsonOpt = False) -> None:
    """Versions held back (not in force) by the change policy, with the reason."""
    with service(db) as svc:
        held = svc.held_versions()
    if json:
        emit_json([v.to_dict() for v in held])
        return
    if not held:
        err.print("no held versions")
    for v in held:
        out.print(
            f"{v.id}\t{v.source}\t{v.label}\t{v.publish_date}\t{v.hold_reason}",
            highlight=False,
            soft_wrap=True,
        )


@versions_app.command("release")
def versions_release(
    version_id: Annotated[
        int, typer.Argument(help="The id of a held version (see `embargo versions held`).")
    ],
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Put a held version in force: an admin's decision that its removals are real."""
    with service(db) as svc:
        v = svc.release(version_id)
    if json:
        emit_json(v.to_dict())
        return
    out.print(
        f"released {v.source} version {v.id} ({v.label}, {v.publish_date}): now in force", highlight=False
    )
