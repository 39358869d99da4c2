"""Commands over time: the sanctions timeline (a chart) and the change digest."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from embargo.cli.base import DbOpt, JsonOpt, SourceOpt, app, emit_json, err, service
from embargo.service.facets import BY, Filters
from embargo.service.timeline import PERIODS

CHART_FORMATS = (".png", ".svg", ".html")


@app.command("timeline")
def timeline_cmd(
    source: SourceOpt = None,
    from_: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    by: Annotated[str, typer.Option("--by", help=f"Group by: {', '.join(BY)}.")] = "authority",
    period: Annotated[str, typer.Option("--period", help=f"Bar width: {', '.join(PERIODS)}.")] = "month",
    authority: Annotated[str | None, typer.Option("--authority", help="Only this authority.")] = None,
    programme: Annotated[str | None, typer.Option("--programme", help="Only this programme.")] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="Only this sector.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Chart file: .png, .svg or .html.")
    ] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Designations (up) and removals (down) over time, from version diffs and listing dates."""
    if by not in BY:
        raise typer.BadParameter(f"{by!r} is not one of {', '.join(BY)}", param_hint="--by")
    if period not in PERIODS:
        raise typer.BadParameter(f"{period!r} is not one of {', '.join(PERIODS)}", param_hint="--period")
    if output is not None and output.suffix.lower() not in CHART_FORMATS:
        raise typer.BadParameter(
            f"{output.name}: the chart is written as {', '.join(CHART_FORMATS)}", param_hint="-o"
        )
    if output is None and not json:
        raise typer.BadParameter("say where the chart goes (-o FILE.png|.svg|.html) or ask for --json")
    with service(db) as svc:
        t = svc.timeline(
            source, by=by, period=period, start=from_, end=to, filters=Filters(authority, programme, sector)
        )
    if output is not None:
        from embargo.service.chart import draw

        suffix = output.suffix.lower()
        if suffix == ".html":
            from embargo.web.export import timeline_html

            data = timeline_html(t).encode()
        else:
            data = draw(t, suffix[1:])
        tmp = output.with_name(output.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(output)
        err.print(f"wrote {output} ({len(data):,} bytes)", highlight=False)
    if json:
        emit_json(t.to_dict())
    elif output is not None:
        for w in t.waves:
            progs = ", ".join(f"{p} {n}" for p, n in w.top_programmes)
            err.print(f"  wave {w.period}: +{w.added} ({', '.join(w.sources)}; {progs})", highlight=False)


@app.command("digest")
def digest_cmd(
    date: Annotated[
        str | None, typer.Option("--date", help="One day (default: the last publication day).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day on (YYYY-MM-DD).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Up to this day, with --since.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, html or json.")] = "md",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """What each new version added, removed and changed, per authority, with programmes and sectors."""
    fmt = "json" if json else fmt
    if fmt not in ("md", "html", "json"):
        raise typer.BadParameter(f"{fmt!r} is not one of md, html, json", param_hint="--format")
    with service(db) as svc:
        d = svc.digest(day=date, since=since, until=to)
    if fmt == "json":
        data = d.to_json() + b"\n"
    elif fmt == "html":
        from embargo.web.export import digest_html

        data = digest_html(d).encode()
    else:
        from embargo.service.digest_format import to_markdown

        data = to_markdown(d).encode()
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        err.print(f"wrote {output} ({len(data):,} bytes)", highlight=False)
