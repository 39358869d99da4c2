"""Serving: the HTTP API and web page, API keys, the audit log."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

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

    keys = KeyStore(db or default_db())
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

    keys = KeyStore(db or default_db())
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

    keys = KeyStore(db or default_db())
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
        check_date(since[:10])
    keys = KeyStore(db or default_db())
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
