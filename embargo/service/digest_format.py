"""A digest as Markdown, and the grouping the Markdown and HTML renderings share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from embargo.service.digest import Changed, Digest, Party, VersionDigest


def group_by_programme(parties: Sequence[Party]) -> list[tuple[str, list[Party]]]:
    """Parties under their programmes as the list gives them (each party once), the largest group
    first; within a group, by sector then name."""
    groups: dict[str, list[Party]] = defaultdict(list)
    for p in parties:
        groups[", ".join(p.programmes) or "(no programme)"].append(p)
    return [
        (k, sorted(v, key=lambda p: (p.sectors == (), p.sectors, p.caption)))
        for k, v in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def _party_line(p: Party) -> str:
    sectors = f" · sectors: {', '.join(f'{s} ({p.rule(s)})' for s in p.sectors)}" if p.sectors else ""
    countries = f" · {', '.join(p.countries)}" if p.countries else ""
    return f"- **{_md(p.caption)}** ({p.schema.lower()}, `{p.source_id}`){countries}{sectors}"


def _changed_line(c: Changed) -> str:
    parts = []
    for ch in c.changes:
        gained = "; ".join(f"+ {_md(x)}" for x in ch.added)
        lost = "; ".join(f"− {_md(x)}" for x in ch.removed)
        parts.append(f"{ch.field}: {' '.join(x for x in (gained, lost) if x)}")
    return f"- **{_md(c.party.caption)}** (`{c.party.source_id}`): {' | '.join(parts)}"


def _md(text: str) -> str:
    """Text safe inside Markdown emphasis and lists."""
    for ch in "\\*_`[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def _counts_table(title: str, rows: Sequence[tuple[str, int]]) -> list[str]:
    if not rows:
        return []
    return [f"| {title} | added |", "|---|---:|", *(f"| {_md(k)} | {n} |" for k, n in rows), ""]


def _version_md(v: VersionDigest) -> list[str]:
    prev = f"{v.previous.label} ({v.previous.publish_date})" if v.previous else "first version"
    lines = [
        f"### {v.source}: {prev} → {v.version.label} ({v.version.publish_date})",
        "",
        f"+{len(v.added)} added, −{len(v.removed)} removed, ~{len(v.changed)} changed",
        "",
    ]
    if v.previous is None:
        lines += ["The source's first stored version: nothing to compare it with.", ""]
    for title, parties in (("Added", v.added), ("Removed", v.removed)):
        if not parties:
            continue
        lines += [f"#### {title} ({len(parties)})", ""]
        for programme, members in group_by_programme(parties):
            lines += [f"**{_md(programme)}** ({len(members)})", "", *map(_party_line, members), ""]
    if v.changed:
        lines += [f"#### Changed ({len(v.changed)})", "", *map(_changed_line, v.changed), ""]
    return lines


def to_markdown(d: Digest) -> str:
    span = d.start if d.start == d.end else f"{d.start} to {d.end}"
    c = d.counts()
    lines = [
        f"# embargo change digest: {span}",
        "",
        f"{len(d.versions)} new versions: +{c['added']} added, −{c['removed']} removed, ~{c['changed']} changed",
        "",
    ]
    if not d.versions:
        lines += ["No list published a new version in this period.", ""]
    for authority in d.authorities:
        lines += [f"## {authority}", ""]
        lines += _counts_table("programme", d.by_programme(authority))
        lines += _counts_table("sector", d.by_sector(authority))
        for v in d.of(authority):
            lines += _version_md(v)
    return "\n".join(lines).rstrip() + "\n"
