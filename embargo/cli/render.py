"""Readable terminal views of service results (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def render_entity(console: Console, data: dict[str, Any]) -> None:
    e = data["entity"]
    status = data["status"]
    colour = {"listed": "red", "delisted": "yellow", "not listed": "green"}.get(status, "white")
    when = f" on {data['as_of']}" if data.get("as_of") else ""
    console.print(
        f"[bold]{e['caption']}[/]  [{colour}]{status}{when}[/]  ({data['id']}, {e['schema']})",
        highlight=False,
    )
    facts = Table(show_header=False, box=None, pad_edge=False)
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("source", f"{e['source']}:{e['source_id']}")
    names = [
        f"{n['value']}" + ("" if n["kind"] == "primary" else f" [dim]({n['kind']})[/]") for n in e["names"]
    ]
    facts.add_row("names", "\n".join(names))
    for key, label in (
        ("birth_dates", "birth date"),
        ("birth_places", "birth place"),
        ("nationalities", "nationality"),
        ("countries", "country"),
    ):
        if e.get(key):
            facts.add_row(label, ", ".join(e[key]))
    if e.get("gender"):
        facts.add_row("gender", e["gender"])
    for i in e.get("identifiers", []):
        label = i.get("note") or i["type"]
        facts.add_row(label, i["value"] + (f" ({i['country']})" if i.get("country") else ""))
    for a in e.get("addresses", []):
        facts.add_row("address", a["full"])
    for k, v in e.get("props", {}).items():
        facts.add_row(k, "; ".join(v))
    console.print(facts)
    table = Table(title="Sanctions history")
    for col in ("from", "to", "versions", "status", "list", "programmes", "listed on", "sectors"):
        table.add_column(col)
    for h in data["history"]:
        sanctions = h.get("sanctions") or [{}]
        for s in sanctions:
            table.add_row(
                f"{h['from']['label']}",
                f"{h['to']['label']}",
                str(h["versions"]),
                h["status"],
                s.get("list_name", ""),
                ", ".join(s.get("programs", [])),
                s.get("listing_date") or "",
                ", ".join(s.get("sectors", [])),
            )
    console.print(table)
    console.print(
        f"first seen {data['first_seen']['label']}, last seen {data['last_seen']['label']}; "
        f"in {len(data['versions'])} versions: " + ", ".join(v["label"] for v in data["versions"]),
        highlight=False,
    )
