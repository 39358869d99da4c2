"""What every command shares: the app, consoles, common options, JSON output, the service."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

from embargo.service import Service

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
    str | None,
    typer.Option(
        "--db",
        envvar="EMBARGO_DB",
        help="The store: a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB "
        "(default: $EMBARGO_DB or the user data directory).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def emit_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


@contextmanager
def service(db: Path | str | None) -> Iterator[Service]:
    svc = Service.open(db)
    try:
        yield svc
    finally:
        svc.close()


AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="The lists as they stood on this date (YYYY-MM-DD).")
]
SourceOpt = Annotated[list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")]
ThresholdOpt = Annotated[float | None, typer.Option("--threshold", help="Match threshold 0..1.")]
AlgorithmOpt = Annotated[str | None, typer.Option("--algorithm", help="Scoring algorithm version.")]


def default_db() -> str:
    from embargo.service import default_db_path

    return default_db_path()


def check_date(value: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (expected YYYY-MM-DD)") from None
