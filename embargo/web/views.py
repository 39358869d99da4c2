"""Pure helpers that turn service output into what the templates show: no I/O, no HTTP."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from embargo.match.types import Contribution, Match
from embargo.service.parties import PartyResult

SCHEMA_LABELS = {
    "Person": "person",
    "Organization": "organization",
    "Company": "company",
    "LegalEntity": "legal entity",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
FEATURE_LABELS = {
    "name": "Name",
    "birth_date": "Birth date",
    "country": "Country",
    "identifier": "Identifier",
    "gender": "Gender",
    "schema": "Type",
    "legal_form": "Legal form",
}


def prop_label(key: str) -> str:
    """An FtM property name for a reader: ``grossRegisteredTonnage`` -> "Gross registered tonnage"."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).replace("_", " ").lower()
    return words[:1].upper() + words[1:]


def programmes(sanctions: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every programme of an entity's sanction records, in order, once."""
    out: list[str] = []
    for s in sanctions:
        for p in s.get("programs") or []:
            if p not in out:
                out.append(p)
    return out


@dataclass(frozen=True)
class ExplanationRow:
    feature: str
    query_value: str
    list_value: str
    similarity: str
    contribution: str
    sign: str  # "pos" | "neg" | "zero": how the row is coloured
    detail: str


def explanation_rows(explanation: tuple[Contribution, ...]) -> list[ExplanationRow]:
    rows = []
    for c in explanation:
        sign = "pos" if c.weight > 0 else "neg" if c.weight < 0 else "zero"
        rows.append(
            ExplanationRow(
                feature=FEATURE_LABELS.get(c.feature, c.feature.replace("_", " ").capitalize()),
                query_value=c.query_value or "—",
                list_value=c.list_value or "—",
                similarity=f"{c.similarity:.2f}",
                contribution=f"{c.weight:+.3f}",
                sign=sign,
                detail=c.detail,
            )
        )
    return rows


@dataclass(frozen=True)
class ResultView:
    entity_id: str
    caption: str
    schema: str
    source: str
    source_id: str
    score: float
    percent: int
    match: bool
    programmes: list[str]
    lists: list[str]
    rows: list[ExplanationRow]


def result_view(m: Match) -> ResultView:
    e = m.entity
    sanctions = [{"programs": list(s.programs)} for s in e.sanctions]
    lists = list(dict.fromkeys(f"{s.authority} {s.list_name}" for s in e.sanctions))
    return ResultView(
        entity_id=e.id,
        caption=e.caption,
        schema=SCHEMA_LABELS.get(e.schema, e.schema),
        source=e.source,
        source_id=e.source_id,
        score=m.score,
        percent=max(0, min(100, round(m.score * 100))),
        match=m.match,
        programmes=programmes(sanctions),
        lists=lists,
        rows=explanation_rows(m.explanation),
    )


@dataclass(frozen=True)
class PartyRow:
    """One party among a screening's results: who lists it, its best score, each listing's result."""

    id: str
    caption: str
    summary: str
    authorities: list[str]  # who lists it, as each listing names its authority and programmes
    mirrored: list[str]  # the consolidated lists that copy those listings (the CSL)
    score: float
    percent: int
    match: bool
    listings: list[ResultView]
    merged: bool  # several listings of one party (else an entity of no party)


def party_row(p: PartyResult) -> PartyRow:
    authorities, mirrored = p.listed_by()
    return PartyRow(
        id=p.id,
        caption=p.caption,
        summary=p.summary(),
        authorities=authorities,
        mirrored=mirrored,
        score=p.score,
        percent=max(0, min(100, round(p.score * 100))),
        match=p.match,
        listings=[result_view(m) for m in p.listings],
        merged=bool(p.referents),
    )


def describe(value: Any) -> str:
    """One value of an entity field (a name, identifier, address, sanction...) as a short phrase."""
    if isinstance(value, Mapping):
        if "list_name" in value:
            parts = [", ".join(value.get("programs") or []) or "no programme"]
            parts += value.get("measures") or []
            if value.get("listing_date"):
                parts.append(f"listed {value['listing_date']}")
            return f"{value.get('authority', '')} {value['list_name']}: {' · '.join(parts)}".strip()
        if "kind" in value and "value" in value:
            return f"{value['value']} ({value['kind']})"
        if "type" in value and "value" in value:
            country = f", {str(value['country']).upper()}" if value.get("country") else ""
            return f"{value['type'].replace('_', ' ')} {value['value']}{country}"
        if "full" in value:
            return str(value["full"])
        return "; ".join(f"{k}: {describe(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(describe(v) for v in value)
    if value is None:
        return "—"
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    added: list[str]
    removed: list[str]


def describe_changes(changes: Mapping[str, Any]) -> list[Change]:
    """``field_changes`` output as rows of added / removed phrases (a new value of a one-value field
    shows as added, the old one as removed)."""
    out = []
    for key, ch in changes.items():
        if key == "caption":
            continue  # the primary name change already says it
        label = prop_label(key)
        if isinstance(ch, Mapping) and ("added" in ch or "removed" in ch):
            out.append(
                Change(
                    label, [describe(v) for v in ch.get("added", [])], [describe(v) for v in ch["removed"]]
                )
            )
        elif isinstance(ch, Mapping) and ("old" in ch or "new" in ch):
            old, new = ch.get("old"), ch.get("new")
            if isinstance(old, Mapping | None) and isinstance(new, Mapping | None) and (old or new):
                out.extend(describe_changes(_prop_changes(old or {}, new or {})))
            else:
                out.append(Change(label, [describe(new)] if new else [], [describe(old)] if old else []))
        elif isinstance(ch, Mapping):  # per-key old/new (props)
            for sub, v in ch.items():
                out.append(
                    Change(
                        prop_label(sub),
                        [describe(v.get("new"))] if v.get("new") else [],
                        [describe(v.get("old"))] if v.get("old") else [],
                    )
                )
    return out


def _prop_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: {"old": old.get(k), "new": new.get(k)}
        for k in sorted(old.keys() | new.keys())
        if old.get(k) != new.get(k)
    }


@dataclass(frozen=True)
class Segment:
    """One period of an entity's history drawn on the timeline (x and width in percent)."""

    listed: bool
    alt: bool  # a listed period right after another listed one (the record changed): shaded apart
    x: float
    width: float
    start: str
    end: str
    label: str


@dataclass(frozen=True)
class Timeline:
    segments: list[Segment]
    ticks: list[tuple[float, str, bool]]  # (x percent, date, labelled) for each version date
    start: str
    end: str


def timeline(history: list[Mapping[str, Any]], version_dates: Sequence[str] = ()) -> Timeline:
    """Periods laid out on a time axis: each runs from its first version's date to the next period's;
    a tick for each version date (``version_dates``, plus each period's first and last)."""
    if not history:
        return Timeline([], [], "", "")
    days = [date.fromisoformat(p["from"]["date"]) for p in history]
    last = date.fromisoformat(history[-1]["to"]["date"])
    span = max((last - days[0]).days, 1)
    pad = max(span * 0.08, 1.0)  # the last period gets some room even when it is a single version
    total = span + pad
    segments: list[Segment] = []
    for i, p in enumerate(history):
        x0 = (days[i] - days[0]).days
        x1 = (days[i + 1] - days[0]).days if i + 1 < len(history) else total
        listed = p["status"] == "listed"
        prev = segments[-1] if segments else None
        segments.append(
            Segment(
                listed=listed,
                alt=listed and prev is not None and prev.listed and not prev.alt,
                x=100 * x0 / total,
                width=max(100 * (x1 - x0) / total, 0.8),
                start=p["from"]["date"],
                end=p["to"]["date"],
                label="listed" if listed else "not listed",
            )
        )
    dates = sorted(
        {p["from"]["date"] for p in history} | {p["to"]["date"] for p in history} | set(version_dates)
    )
    ticks: list[tuple[float, str, bool]] = []
    last_label = -100.0
    for d in dates:
        x = 100 * (date.fromisoformat(d) - days[0]).days / total
        labelled = x - last_label >= 12  # dates closer than that would print over each other
        if labelled:
            last_label = x
        ticks.append((x, d, labelled))
    return Timeline(segments, ticks, history[0]["from"]["date"], history[-1]["to"]["date"])
