"""Serving: the HTTP API and web page, API keys, the audit log."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from embargo.service.access import Store

from embargo.api.server import HEADER_TIMEOUT, KEEP_ALIVE, LIMIT_CONCURRENCY, is_loopback, uvicorn_options
from embargo.cli.base import (
    DbOpt,
    JsonOpt,
    app,
    check_date,
    default_db,
    emit_json,
    err,
    out,
)

keys_app = typer.Typer(
    help="API keys for `embargo serve` (stored hashed; a key is shown once).", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@contextmanager
def access(db: Path | str | None) -> Iterator[Store]:
    """The store at ``db`` (default: the usual store), for its keys, users and audit log."""
    from embargo.service.access import open_access

    store = open_access(db)
    try:
        yield store
    finally:
        store.close()


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
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout", min=0.1, help="Seconds a connection has to send a request's headers."
        ),
    ] = HEADER_TIMEOUT,
    keep_alive: Annotated[
        int, typer.Option("--keep-alive", min=1, help="Seconds an idle keep-alive connection stays open.")
    ] = KEEP_ALIVE,
    limit_concurrency: Annotated[
        int,
        typer.Option("--limit-concurrency", min=1, help="Connections at once; beyond it requests get 503."),
    ] = LIMIT_CONCURRENCY,
    log_format: Annotated[
        str, typer.Option("--log-format", help="text, or json: one JSON object a line, a record per request.")
    ] = "text",
    db: DbOpt = None,
) -> None:
    """Serve the HTTP API (yente-compatible /match, /search; history routes; OpenAPI at /docs) and the web
    page (/ui, with /login once keys or users exist)."""
    import os

    import uvicorn

    path = db or default_db()
    os.environ["EMBARGO_DB"] = str(path)
    os.environ["EMBARGO_HEADER_TIMEOUT"] = str(header_timeout)
    os.environ["EMBARGO_LOG_FORMAT"] = log_format
    if require_keys:
        os.environ["EMBARGO_REQUIRE_KEYS"] = "1"
    with access(path) as store:
        open_to_all = not require_keys and not store.keys.any_keys()
    if open_to_all and not is_loopback(host):
        err.print(
            f"[yellow]warning:[/] serving on {host} with no API key or user: anyone who can reach it may "
            "screen, read the lists and the audit trail's subjects. Create one (`embargo keys create`, "
            "`embargo users create`) or pass --require-keys.",
            highlight=False,
        )
    uvicorn.run(
        "embargo.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        **uvicorn_options(limit_concurrency, keep_alive),
    )


@keys_app.command("create")
def keys_create(
    scope: Annotated[
        str,
        typer.Option(
            "--scope",
            help="screen (screen and read), reviewer (also decide alerts) or admin (also keys, users, "
            "portfolio, runs, reload).",
        ),
    ],
    label: Annotated[str | None, typer.Option("--label", help="Who or what the key is for.")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Create an API key and print it (once: only its salted hash is stored)."""
    with access(db) as store:
        key, secret = store.keys.create(scope, label)
    if json:
        emit_json({**key.to_dict(), "key": secret})
        return
    err.print(f"key {key.id} ({key.scope}) created; it is shown only now:", highlight=False)
    sys.stdout.write(secret + "\n")


@keys_app.command("list")
def keys_list(db: DbOpt = None, json: JsonOpt = False) -> None:
    """API keys (ids, scopes, labels, when created and revoked; never the keys themselves)."""
    from rich.table import Table

    with access(db) as store:
        rows = [k.to_dict() for k in store.keys.list_keys()]
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
    with access(db) as store:
        key = store.keys.revoke(key_id)
    if json:
        emit_json(key.to_dict())
    else:
        err.print(f"key {key.id} revoked at {key.revoked_at}", highlight=False)


users_app = typer.Typer(
    help="Users of the web page (passwords stored as scrypt hashes); once one exists, /ui needs a login.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="The user name (letters, digits, . _ @ -).")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
    ] = False,
    role: Annotated[str, typer.Option("--role", help="analyst, reviewer or admin.")] = "analyst",
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Create a web user; the password is asked for twice (or read from stdin with --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with access(db) as store:
        user = store.keys.create_user(name, password, role)
    if json:
        emit_json(user.to_dict())
    else:
        err.print(f"user {user.name} created", highlight=False, markup=False)


@users_app.command("list")
def users_list(db: DbOpt = None, json: JsonOpt = False) -> None:
    """Web users (names, when created and disabled; never a password)."""
    from rich.table import Table

    with access(db) as store:
        rows = [u.to_dict() for u in store.keys.list_users()]
    if json:
        emit_json(rows)
        return
    table = Table(title="web users")
    for col in ("name", "role", "created", "disabled"):
        table.add_column(col)
    for u in rows:
        table.add_row(u["name"], u["role"], u["created_at"], u["disabled_at"] or "")
    out.print(table)


@users_app.command("disable")
def users_disable(
    name: Annotated[str, typer.Argument(help="The user name (see `embargo users list`).")],
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Disable a web user and end their sessions (the name stays, so the audit log keeps its meaning)."""
    with access(db) as store:
        user = store.keys.disable_user(name)
    if json:
        emit_json(user.to_dict())
    else:
        err.print(f"user {user.name} disabled at {user.disabled_at}", highlight=False, markup=False)


@users_app.command("role")
def users_role(
    name: Annotated[str, typer.Argument(help="The user name (see `embargo users list`).")],
    role: Annotated[str, typer.Argument(help="analyst, reviewer or admin.")],
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Give a web user another role."""
    with access(db) as store:
        user = store.keys.set_role(name, role)
    if json:
        emit_json(user.to_dict())
    else:
        err.print(f"user {user.name} is now {user.role}", highlight=False, markup=False)


db_app = typer.Typer(help="The store's database: its schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None, json: JsonOpt = False) -> None:
    """Bring the store's schema up to date (an empty database gets every table). A shared PostgreSQL
    store is only upgraded by this command; a SQLite file also on open. A database newer than this
    embargo is refused."""
    from embargo.service.access import upgrade_schema

    before, after = upgrade_schema(db)
    if json:
        emit_json({"from": before, "to": after})
    elif before == after:
        err.print(f"the store's schema is up to date (version {after})", highlight=False)
    else:
        err.print(f"the store's schema was upgraded from version {before} to {after}", highlight=False)


audit_app = typer.Typer(
    help="The API's audit log: who asked what, when, which list versions answered, the scores returned.",
    invoke_without_command=True,
)
app.add_typer(audit_app, name="audit")


@audit_app.callback()
def audit_cmd(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help="Only requests from this date (YYYY-MM-DD) or time on.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many rows.")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """The API's audit log: who asked what, when, which list versions answered, the scores returned
    (text from requests is shown with control characters escaped)."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table
    from rich.text import Text

    if since is not None:
        check_date(since[:10])
    with access(db) as store:
        rows = store.audit.rows(since, limit)
    if json:
        emit_json(rows)
        return
    table = Table(title="API audit log")
    for col in ("#", "when", "who", "request", "status", "versions", "top score"):
        table.add_column(col)
    for r in rows:
        versions = ", ".join(f"{v['source']}@{v['version']}" for v in r["versions"] or [])
        scores = r["scores"]
        flat = [s for group in scores.values() for s in group] if isinstance(scores, dict) else scores or []
        top = max((s[1] for s in flat), default=None)
        who = r["user"] or r["key_id"] or "-"
        table.add_row(
            str(r["seq"]),
            r["at"],
            Text(printable(who)),
            Text(printable(f"{r['method']} {r['route']}")),
            str(r["status"]),
            Text(printable(versions)),
            "" if top is None else f"{top:.2f}",
        )
    out.print(table)


@audit_app.command("verify")
def audit_verify(db: DbOpt = None, json: JsonOpt = False) -> None:
    """Check the audit log's hash chain: exit 1 and name the first broken link when a row was deleted,
    changed or inserted behind the log's back."""
    with access(db) as store:
        report = store.audit.verify()
    if json:
        emit_json({**asdict(report), "ok": report.ok})
    else:
        (out if report.ok else err).print(report.line(), highlight=False, markup=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)


def printable(text: str) -> str:
    """Text as it can be shown on a terminal: control, format and bidi characters (an escape sequence, a
    right-to-left override) written as escapes, so a request cannot drive the operator's terminal."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
