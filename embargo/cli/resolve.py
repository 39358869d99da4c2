"""``embargo resolve`` (one party across lists: counts, proposals, judgements) and ``embargo party``."""

from __future__ import annotations

import getpass
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from embargo.cli.base import DbOpt, JsonOpt, app, emit_json, err, out, service
from embargo.errors import EmbargoError
from embargo.service import parties
from embargo.service.party_view import PartyView

resolve_app = typer.Typer(
    help="One party across lists: resolve the lists in force, list proposals, record judgements.",
    invoke_without_command=True,
)
app.add_typer(resolve_app, name="resolve")

LimitOpt = Annotated[int, typer.Option("--limit", help="At most this many rows.")]


class JudgementError(EmbargoError):
    """A judgement asked for with neither or both of --same and --not-same."""


@resolve_app.callback()
def resolve_cmd(
    ctx: typer.Context,
    db: DbOpt = None,
    json: JsonOpt = False,
    proposals: Annotated[int, typer.Option("--proposals", help="Also list this many proposals.")] = 0,
) -> None:
    """Resolve the lists in force: parties by evidence, parties of several authorities, proposals."""
    if ctx.invoked_subcommand is not None:
        return
    with service(db) as svc:
        res = parties.resolution(svc.store)
    kinds = Counter(k for p in res.parties for k in {e.kind for e in p.evidence})
    authorities = Counter(
        len({s.authority for m in p.members for s in res.entities[m].sanctions}) for p in res.parties
    )
    summary: dict[str, Any] = {
        "entities": len(res.entities),
        "parties": len(res.parties),
        "parties_by_tier": dict(Counter(p.tier for p in res.parties)),
        "parties_by_evidence": dict(kinds.most_common()),
        "parties_of_several_authorities": sum(n for k, n in authorities.items() if k >= 2),
        "proposals": len(res.proposals),
        "proposals_by_evidence": dict(Counter(p.evidence.kind for p in res.proposals).most_common()),
        "refused_merges": len(res.refusals),
    }
    if json:
        emit_json({**summary, "proposal_list": [p.to_dict() for p in res.proposals[:proposals]]})
        return
    table = Table("", "count", title="Resolution of the lists in force")
    for key, value in summary.items():
        if isinstance(value, dict):
            for k, v in value.items():
                table.add_row(f"{key.replace('_', ' ')}: {k}", str(v))
        else:
            table.add_row(key.replace("_", " "), str(value))
    out.print(table)
    if proposals:
        _print_proposals(res.proposals[:proposals], res.entities)


@resolve_app.command("proposals")
def proposals_cmd(db: DbOpt = None, json: JsonOpt = False, limit: LimitOpt = 50) -> None:
    """Weak evidence for a reviewer: pairs that may be one party, best first, each explained."""
    with service(db) as svc:
        res = parties.resolution(svc.store)
    if json:
        emit_json([p.to_dict() for p in res.proposals[:limit]])
        return
    _print_proposals(res.proposals[:limit], res.entities)


def _print_proposals(found: Any, entities: Any) -> None:
    table = Table("score", "left", "right", "why", title="Proposals (decide with `embargo resolve judge`)")
    for p in found:
        left, right = entities[p.left], entities[p.right]
        table.add_row(
            f"{p.score:.2f}", f"{p.left}\n{left.caption}", f"{p.right}\n{right.caption}", p.evidence.detail
        )
    out.print(table)


@resolve_app.command("judge")
def judge_cmd(
    left: Annotated[str, typer.Argument(help="An entity: embargo id or SOURCE:LIST_ID.")],
    right: Annotated[str, typer.Argument(help="The other entity.")],
    same: Annotated[bool, typer.Option("--same", help="They are one party.")] = False,
    not_same: Annotated[bool, typer.Option("--not-same", help="They are two parties.")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the judgement).")] = "",
    user: Annotated[str | None, typer.Option("--user", help="Who judges (default: the login name).")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a reviewer's judgement on two entities; it applies again after every ingest."""
    if same == not_same:
        raise JudgementError("say --same or --not-same (one of them)")
    who = user or os.environ.get("EMBARGO_USER") or getpass.getuser()
    with service(db) as svc:
        j = parties.judge(svc.store, left, right, "same" if same else "not_same", user=who, reason=reason)
    if json:
        emit_json(j.to_dict())
        return
    verdict = "the same party" if j.verdict == "same" else "not the same party"
    out.print(f"{j.left_id} and {j.right_id}: {verdict} (by {j.user}, {j.created_at})", highlight=False)


@resolve_app.command("judgements")
def judgements_cmd(db: DbOpt = None, json: JsonOpt = False) -> None:
    """The reviewers' current judgements, oldest first."""
    with service(db) as svc:
        js = parties.judgements_for(svc.store)
        try:
            current = js.judgements()
        finally:
            js.close()
    if json:
        emit_json([j.to_dict() for j in current])
        return
    table = Table("left", "right", "verdict", "by", "when", "reason", title="Judgements")
    for j in current:
        table.add_row(j.left_id, j.right_id, j.verdict, j.user, j.created_at, j.reason)
    out.print(table)


@app.command("party")
def party_cmd(
    ref: Annotated[str, typer.Argument(help="A party id, an embargo id or SOURCE:LIST_ID.")],
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """One party's listings side by side: names, dates, identifiers (differences marked), who listed first."""
    with service(db) as svc:
        view = svc.party(ref)
    if json:
        emit_json(view.to_dict())
        return
    render_party(view)


def render_party(view: PartyView) -> None:
    out.print(f"[bold]{view.caption}[/]  {view.id}", highlight=False)
    table = Table(
        "", *(f"{li.entity.source}\n{li.entity.source_id}" for li in view.listings), show_lines=True
    )
    table.add_row("listed by", *(li.label for li in view.listings))
    table.add_row("listed on", *(li.listed_on or li.listed_from for li in view.listings))
    table.add_row("delisted on", *(li.delisted_on or "" for li in view.listings))
    for row in view.rows:
        cells = [
            "\n".join(f"[yellow]{v.text}[/]" if v.differs else v.text for v in cell) for cell in row.cells
        ]
        table.add_row(row.field, *cells)
    out.print(table)
    out.print("[yellow]yellow[/]: a value not given alike by every listing that gives the field")
    for line in view.timeline():
        out.print(f"  {line}", highlight=False)
    for ev in view.evidence:
        out.print(f"  evidence: {ev.detail} ({', '.join(ev.members)})", highlight=False)
    for p in view.proposals:
        out.print(f"  proposal: {p.left} ~ {p.right}: {p.evidence.detail}", highlight=False)


def export_parties(
    source: list[str] | None, as_of: str | None, output: Path | None, db: str | Path | None
) -> None:
    """``embargo export --parties``: one FtM entity per party, with its referents and datasets."""
    with service(db) as svc:
        res = parties.resolution(svc.store, weak=False, as_of=as_of)
        entities = [e for e in res.entities.values() if not source or e.source in source]
        fh = output.open("wb") if output else sys.stdout.buffer
        n = 0
        try:
            for rec in parties.export_parties(entities, res):
                fh.write(orjson.dumps(rec) + b"\n")
                n += rec["schema"] != "Sanction"
        finally:
            if output:
                fh.close()
    err.print(f"exported {n} parties", highlight=False)
