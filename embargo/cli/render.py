"""Readable terminal views of service results (rich)."""

from __future__ import annotations

from collections.abc import Sequence
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
    table = Table(title="Sanctions history", show_lines=False)
    table.add_column("period", overflow="fold")
    table.add_column("versions", justify="right")
    table.add_column("status")
    table.add_column("sanctions", overflow="fold")
    table.add_column("changed", overflow="fold")
    for h in data["history"]:
        period = h["from"]["label"] if h["from"] == h["to"] else f"{h['from']['label']} .. {h['to']['label']}"
        lines = []
        for s in h.get("sanctions") or []:
            line = f"{s.get('list_name', '')}: {', '.join(s.get('programs', []))}"
            if s.get("listing_date"):
                line += f" (listed {s['listing_date']})"
            if s.get("sectors"):
                line += f" [{', '.join(s['sectors'])}]"
            lines.append(line)
        colour = "red" if h["status"] == "listed" else "green"
        table.add_row(
            period,
            str(h["versions"]),
            f"[{colour}]{h['status']}[/]",
            "\n".join(lines),
            ", ".join(h.get("changes") or {}),
        )
    console.print(table)
    console.print(
        f"first seen {data['first_seen']['label']}, last seen {data['last_seen']['label']}; "
        f"in {len(data['versions'])} versions: " + ", ".join(v["label"] for v in data["versions"]),
        highlight=False,
    )


def render_parties(console: Console, parties: Sequence[Any]) -> None:
    """One row per party: its best score, who lists it (and who mirrors it), its listings' ids."""
    table = Table(title="By party (--listings for one row per listing)")
    for col in ("#", "score", "match", "party", "listings"):
        table.add_column(col, overflow="fold")
    for n, p in enumerate(parties, 1):
        colour = "red" if p.match else "yellow" if p.score >= 0.6 else "dim"
        table.add_row(
            str(n),
            f"[{colour}]{p.score:.2f}[/]",
            "[red]MATCH[/]" if p.match else "",
            p.summary(),
            ", ".join(f"{m.entity.source}:{m.entity.source_id}" for m in p.listings),
        )
    console.print(table)


def render_matches(console: Console, query: Any, matches: list[Any], algorithm: str) -> None:
    """Results as a table, then each match's explanation: which feature, which values, how much."""
    names = " / ".join(query.names)
    console.print(f"[bold]{names}[/]  ({len(matches)} results, algorithm {algorithm})", highlight=False)
    if not matches:
        console.print("[green]no candidate scored above the reporting floor[/]")
        return
    table = Table()
    for col in ("#", "score", "match", "listed name", "type", "list id", "sanctions"):
        table.add_column(col, overflow="fold")
    for n, m in enumerate(matches, 1):
        e = m.entity
        progs = sorted({p for s in e.sanctions for p in s.programs})
        colour = "red" if m.match else "yellow" if m.score >= 0.6 else "dim"
        table.add_row(
            str(n),
            f"[{colour}]{m.score:.2f}[/]",
            "[red]MATCH[/]" if m.match else "",
            e.caption,
            e.schema,
            f"{e.source}:{e.source_id}",
            ", ".join(progs[:4]) + (" ..." if len(progs) > 4 else ""),
        )
    console.print(table)
    for n, m in enumerate(matches, 1):
        if not m.match and n > 3:
            continue
        console.print(f"[bold]#{n} {m.entity.caption}[/] = {m.score:.2f}", highlight=False)
        why = Table(show_header=True, box=None, pad_edge=False)
        for col in ("feature", "query", "listed", "similarity", "adds", "how"):
            why.add_column(col, overflow="fold")
        for c in m.explanation:
            sign = "green" if c.weight >= 0 else "red"
            why.add_row(
                c.feature,
                c.query_value or "",
                c.list_value or "",
                f"{c.similarity:.2f}",
                f"[{sign}]{c.weight:+.2f}[/]",
                c.detail,
            )
        console.print(why)
