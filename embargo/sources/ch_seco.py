"""Swiss SECO sanctions list: ``swiss-sanctions-list`` XML (whole list or amendment).

Root ``swiss-sanctions-list`` (``date``, ``list-type`` whole-list / amendment) with three kinds
of children, all read in one streaming pass:

* ``sanctions-program`` (``ssid``): ``program-key`` / ``program-name`` per language and its
  ``sanctions-set`` s (annexes: "Financial measures, annex 2") by ``ssid``, ``origin``;
* ``target`` (``ssid``, ``sanctions-set-id``, ``foreign-identifier``, ``modification`` s) holding
  one ``individual`` / ``entity`` / ``object``: ``identity`` s (``main``) with ``name`` s built
  from ordered ``name-part`` s (``spelling-variant`` s in other scripts), ``day-month-year``,
  ``nationality``, ``place-of-birth``, ``address``, ``identification-document``; plus
  ``justification``, ``other-information``, ``relation``, ``generic-attribute``;
* ``place`` (``ssid``: ``location``, ``area``, ``country``), referenced by ``place-id``.

Places may come after the targets that use them, so targets are mapped once the file is read.
A target whose latest modification is ``de-listed`` is not a current designation: it is left
out and counted in the warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from embargo.errors import ListFormatError
from embargo.model.entity import (
    Address,
    Entity,
    Identifier,
    IdType,
    Name,
    NameKind,
    Sanction,
    Schema,
    make_entity,
)
from embargo.sources.base import ParsedList, Reading, Record, SourceInfo
from embargo.sources.catalog import source_info
from embargo.sources.sectors import sectors_for
from embargo.sources.values import country, gender, iso_date, partial_date
from embargo.sources.xml_stream import groups, root_tag, stream, text, texts, track

NAME = "ch_seco_xml"
SOURCE = "ch_seco"
_ROOT = "swiss-sanctions-list"
_TAGS = frozenset({"sanctions-program", "target", "place"})
_BODIES: dict[str, Schema] = {"individual": "Person", "entity": "Organization", "object": "Organization"}
_OBJECTS: dict[str, Schema] = {"vessel": "Vessel", "aircraft": "Airplane", "airplane": "Airplane"}
_NAME_KINDS: dict[str, NameKind] = {
    "primary-name": "primary",
    "alias": "alias",
    "formerly-known-as": "former",
}
_UN_REF = re.compile(r"^[A-Z]{2}[ie]\.\d+$")
_IMO = re.compile(r"\bIMO\b\D{0,20}(\d{7})\b")


@dataclass(frozen=True)
class _Set:
    """One sanctions set (an annex of a programme) by its ssid."""

    program_key: str | None
    program_name: str | None
    name: str | None
    origin: str | None


def sniff(path: Path, head: bytes) -> str | None:
    return SOURCE if root_tag(head) == _ROOT else None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    info = source_info(source)
    r = Reading(path, source, NAME)
    tracker, warnings = r.tracker, r.warnings
    root_attrs: dict[str, str] = {}
    sets: dict[str, _Set] = {}
    places: dict[str, tuple[Record, list[Record]]] = {}
    targets: list[tuple[Record, list[Record]]] = []
    records = stream(
        path, root=_ROOT, depth=2, tags=_TAGS, root_attrs=root_attrs, what="a SECO sanctions list"
    )
    for tag, rec, subs in records:
        _consume_internal_ids(rec, subs)
        if tag == "sanctions-program":
            _program(rec, sets)
            track(tracker, rec, subs, tag)
        elif tag == "place":
            places[text(rec, "@ssid") or ""] = (rec, subs)
        else:
            targets.append((rec, subs))
    if not targets:
        raise ListFormatError(path, "no target records: empty or truncated list")
    delta_reason = None
    if (kind := root_attrs.get("list-type")) != "whole-list":
        delta_reason = f"list-type {kind!r}: this file holds changes only, not the whole list"
        warnings.append(delta_reason)
    captions = {text(rec, "@ssid") or "": _caption(rec) for rec, _subs in targets}
    delisted = 0
    for n, (rec, subs) in enumerate(targets, 1):
        ssid = text(rec, "@ssid")
        if ssid is None:
            raise ListFormatError(path, "target without ssid", where=f"target #{n}")
        if _delisted(rec):
            delisted += 1  # not a current designation: its other fields are not read
            continue
        if (entity := _map(rec, ssid, sets, places, captions, info, source, warnings)) is not None:
            r.entities.append(entity)
        track(tracker, rec, subs, "target")
    for rec, subs in places.values():
        if "@ssid" not in rec.unused():  # only places some listed target refers to
            track(tracker, rec, subs, "place")
    if delisted:
        warnings.append(f"{delisted} de-listed target(s) left out")
    return r.finish(list_date=iso_date(root_attrs.get("date")), delta_reason=delta_reason)


def _consume_internal_ids(rec: Record, subs: list[Record]) -> None:
    """``ssid`` on every element is SECO's database key; only the target's own is kept."""
    for r in (rec, *subs):
        r.consume(*(k for k in r if k.endswith("@ssid") and k != "@ssid"))


# --- programmes and places ----------------------------------------------------------------------


def _eng(rec: Record, key: str) -> str | None:
    """The English text of a per-language element, else the first one."""
    found = [(text(g, key + "@lang") != "eng", text(g, key) or "") for g in groups(rec, key)]
    found += [(True, v) for v in texts(rec, key)]
    found = [f for f in found if f[1]]
    return min(found)[1] if found else None


def _program(rec: Record, sets: dict[str, _Set]) -> None:
    rec.consume("@ssid", "@version-date", "@predecessor-version-date")
    key, name, origin = _eng(rec, "program-key"), _eng(rec, "program-name"), text(rec, "origin")
    by_set: dict[str, list[tuple[bool, str]]] = {}
    for g in groups(rec, "sanctions-set"):
        ssid = text(g, "sanctions-set@ssid") or ""
        by_set.setdefault(ssid, []).append(
            (text(g, "sanctions-set@lang") != "eng", text(g, "sanctions-set") or "")
        )
    for ssid, names in by_set.items():
        sets[ssid] = _Set(key, name, min(names)[1] or None, origin)


def _place(places: dict[str, tuple[Record, list[Record]]], place_id: str | None) -> dict[str, str | None]:
    """The parts of a ``place`` (location, area, country name and ISO code)."""
    if not place_id or place_id not in places:
        return {}
    rec, _subs = places[place_id]
    rec.consume("@ssid")
    country, code = _country(rec, "country")
    for variant in ("location-variant", "area-variant"):  # other spellings of the same place
        for g in groups(rec, variant):
            g.consume(variant, f"{variant}@lang", f"{variant}@script")
    return {"location": text(rec, "location"), "area": text(rec, "area"), "country": country, "code": code}


def _country(rec: Record, key: str) -> tuple[str | None, str | None]:
    """A ``<country iso-code="GB">United Kingdom</country>`` (or plain text) -> (name, code)."""
    name = text(rec, key)
    code = None
    for g in groups(rec, key):
        name = name or text(g, key)
        code = code or text(g, key + "@iso-code") or text(g, key + "@code")
    return name, country(code, name)


# --- targets ------------------------------------------------------------------------------------


def _body(rec: Record) -> tuple[str, Record] | None:
    for kind in _BODIES:
        found = groups(rec, kind)
        if found:
            return kind, found[0]
    return None


def _delisted(rec: Record) -> bool:
    """True when the latest modification (by date, de-listing last on a tie) is a de-listing."""
    events = []
    for g in groups(rec, "modification"):
        kind = text(g, "modification@modification-type") or ""
        when = max((v for k in _MOD_DATES if (v := text(g, f"modification@{k}"))), default="")
        events.append((when, kind == "de-listed", kind))
    return bool(events) and max(events)[1]


_MOD_DATES = ("effective-date", "publication-date", "enactment-date")


def _caption(rec: Record) -> str | None:
    body = _body(rec)
    if body is None:
        return None
    names = _names(body[1], f"{body[0]}/identity", [])
    return next((n.value for n in names if n.kind == "primary"), names[0].value if names else None)


def _map(
    rec: Record,
    ssid: str,
    sets: dict[str, _Set],
    places: dict[str, tuple[Record, list[Record]]],
    captions: dict[str, str | None],
    info: SourceInfo,
    source: str,
    warnings: list[str],
) -> Entity | None:
    found = _body(rec)
    if found is None:
        warnings.append(f"target {ssid}: no individual, entity or object")
        return None
    kind, body = found
    schema = _BODIES[kind]
    if kind == "object":
        obj = (text(body, "object@object-type") or "").lower()
        schema = _OBJECTS.get(obj, "Organization")
        if obj not in _OBJECTS:
            warnings.append(f"target {ssid}: object-type {obj!r} mapped to Organization")
    ip = f"{kind}/identity"
    notes: list[str | None] = []
    props: dict[str, list[str | None]] = {"notes": notes}
    titles: list[str | None] = []
    names = _names(body, ip, titles)
    props["title"] = titles
    dates: list[str] = []
    places_of_birth: list[Address | None] = []
    nationalities: list[str | None] = []
    addresses: list[Address] = []
    identifiers: list[Identifier] = []
    for ident in groups(body, ip):
        ident.consume(ip + "@main")  # which identity is main is read by _names
        dates += [d for g in groups(ident, ip + "/day-month-year") if (d := _dmy(g, ip + "/day-month-year"))]
        for g in groups(ident, ip + "/nationality"):
            nationalities.append(_country(g, ip + "/nationality/country")[1])
        for g in groups(ident, ip + "/place-of-birth"):
            places_of_birth.append(_address(g, ip + "/place-of-birth", places))
        addresses += [
            a for g in groups(ident, ip + "/address") if (a := _address(g, ip + "/address", places))
        ]
        identifiers += [i for g in groups(ident, ip + "/identification-document") if (i := _document(g, ip))]
    foreign = texts(rec, "foreign-identifier")
    identifiers += [
        Identifier("other", v, None, "UN reference number" if _UN_REF.match(v) else "foreign identifier")
        for v in foreign
    ]
    notes += _texts_or_groups(body, f"{kind}/other-information")
    if schema == "Vessel":
        identifiers += [
            Identifier("imo", m.group(1), None, "IMO") for n in notes if n for m in _IMO.finditer(n)
        ]
    for g in groups(body, f"{kind}/generic-attribute"):
        label, value = text(g, f"{kind}/generic-attribute@name"), text(g, f"{kind}/generic-attribute")
        if value:
            notes.append(f"{label}: {value}" if label else value)
    for g in groups(body, f"{kind}/relation"):
        other = text(g, f"{kind}/relation@target-id") or ""
        rel = text(g, f"{kind}/relation@relation-type") or "related"
        notes.append(f"{rel}: {captions.get(other) or '?'} (SECO target {other})")
        notes += _texts_or_groups(g, f"{kind}/relation/remark")
    reason = "\n".join(_texts_or_groups(body, f"{kind}/justification")) or None
    if schema == "Person":
        birth_dates, birth_places = dates, [p.full for p in places_of_birth if p]
    else:
        birth_dates, birth_places = [], []
        props["incorporationDate" if schema == "Organization" else "buildDate"] = list(dates)
    set_ids = texts(rec, "sanctions-set-id") + texts(rec, "@sanctions-set-id")
    sanctions = _sanctions(rec, set_ids, sets, reason, info, ssid, warnings, notes)
    props["modifiedAt"] = [
        iso_date(text(g, "modification@publication-date") or text(g, "modification@effective-date"))
        for g in groups(rec, "modification")
        if text(g, "modification@modification-type") == "amended"
    ]
    sex = (text(body, "individual@sex") or "").lower()
    return make_entity(
        source=source,
        source_id=ssid,
        schema=schema,
        names=names,
        birth_dates=birth_dates,
        birth_places=birth_places,
        nationalities=nationalities if schema == "Person" else [],
        countries=[a.country for a in addresses] + ([] if schema == "Person" else nationalities),
        gender=gender(sex),
        identifiers=identifiers,
        addresses=addresses,
        sanctions=sanctions,
        props=props,
    )


def _texts_or_groups(rec: Record, key: str) -> list[str]:
    """Plain texts under ``key`` and the texts of same-named elements that carry attributes."""
    out = texts(rec, key)
    for g in groups(rec, key):
        g.consume(key + "@lang")
        out += texts(g, key)
    return out


def _names(body: Record, ip: str, titles: list[str | None]) -> list[Name]:
    """Names of every identity: the main identity's primary-name is the primary name."""
    out: list[tuple[int, int, Name]] = []
    np = ip + "/name/name-part"
    for ident in groups(body, ip):
        main = (text(ident, ip + "@main") or "").lower() == "true"
        for g in groups(ident, ip + "/name"):
            g.consume(ip + "/name@lang")  # the language of the entry, not of the name
            name_type = text(g, ip + "/name@name-type") or "alias"
            low = (text(g, ip + "/name@quality") or "").lower() == "low"
            kind: NameKind = _NAME_KINDS.get(name_type, "alias")
            if kind == "primary" and not main:
                kind = "alias"
            if low and kind != "primary":
                kind = "weak"
            parts: list[tuple[int, str, str]] = []  # (order, type, value)
            variants: dict[tuple[str, str], list[tuple[int, str]]] = {}
            for part in groups(g, np):
                order = int(o) if (o := text(part, np + "@order") or "").isdigit() else 0
                ptype = text(part, np + "@name-part-type") or ""
                value = text(part, np + "/value")
                if value:
                    parts.append((order, ptype, value))
                for v in groups(part, np + "/spelling-variant"):
                    key = (
                        text(v, np + "/spelling-variant@lang") or "",
                        text(v, np + "/spelling-variant@script") or "",
                    )
                    if (vt := text(v, np + "/spelling-variant")) and ptype != "title":
                        variants.setdefault(key, []).append((order, vt))
            titles += [v for _o, t, v in parts if t == "title"]
            whole = " ".join(v for _o, t, v in sorted(parts) if t != "title")
            name_ssid = int(s) if (s := text(g, ip + "/name@ssid") or "").isdigit() else 0
            if whole:
                out.append((0 if kind == "primary" else 1, name_ssid, Name(whole, kind)))
            for (lang, script), vparts in sorted(variants.items()):
                vkind: NameKind = "alias" if script.lower() in ("", "latn", "latin") else "original"
                out.append((2, name_ssid, Name(" ".join(v for _o, v in sorted(vparts)), vkind, lang or None)))
    out.sort(key=lambda t: (t[0], t[1], t[2].value, t[2].kind, t[2].lang or ""))
    primaries = [n for rank, _s, n in out if rank == 0]
    # one primary name: the main identity's oldest primary-name (lowest ssid); others become aliases
    return [
        n if n.kind != "primary" or n is primaries[0] else Name(n.value, "alias", n.lang) for _r, _s, n in out
    ]


def _dmy(g: Record, key: str) -> str | None:
    g.consume(key + "@calendar", key + "@quality")  # Gregorian; quality good/low: the value is the same
    return partial_date(*(text(g, f"{key}@{k}") for k in ("year", "month", "day")))


def _address(g: Record, key: str, places: dict[str, tuple[Record, list[Record]]]) -> Address | None:
    place = _place(places, text(g, key + "@place-id"))
    details = text(g, key + "/address-details")
    postal = text(g, key + "/zip-code")
    co = text(g, key + "/c-o")
    po_box = text(g, key + "/p-o-box")
    remarks = _texts_or_groups(g, key + "/remarks")
    parts = [
        f"c/o {co}" if co else None,
        details,
        f"P.O. Box {po_box}" if po_box else None,
        place.get("location"),
        place.get("area"),
        postal,
        place.get("country"),
    ]
    full = ", ".join(p for p in parts if p)
    if remarks:
        full = f"{full} ({'; '.join(remarks)})" if full else "; ".join(remarks)
    if not full:
        return None
    return Address(full, details, place.get("location"), place.get("area"), postal, place.get("code"))


_DOC_TYPES: dict[str, IdType] = {
    "passport": "passport",
    "diplomatic-passport": "passport",
    "id-card": "national_id",
}


def _document(g: Record, ip: str) -> Identifier | None:
    key = ip + "/identification-document"
    number = text(g, key + "/number")
    doc_type = text(g, key + "@document-type") or "other"
    issuer, code = _country(g, key + "/issuer")
    details = [
        doc_type,
        f"issuer {issuer}" if issuer else None,
        *(f"issued {v}" for v in _texts_or_groups(g, key + "/date-of-issue")),
        *(f"expires {v}" for v in _texts_or_groups(g, key + "/expiry-date")),
        *_texts_or_groups(g, key + "/remark"),
    ]
    if number is None:
        return None
    note = "; ".join(d for d in details if d)
    return Identifier(
        _DOC_TYPES.get(doc_type, "passport" if "passport" in doc_type else "other"), number, code, note
    )


def _sanctions(
    rec: Record,
    set_ids: list[str],
    sets: dict[str, _Set],
    reason: str | None,
    info: SourceInfo,
    ssid: str,
    warnings: list[str],
    notes: list[str | None],
) -> list[Sanction]:
    listed = [
        d
        for g in groups(rec, "modification")
        if text(g, "modification@modification-type") == "listed"
        for k in _MOD_DATES
        if (d := iso_date(text(g, f"modification@{k}")))
    ]
    by_program: dict[tuple[str | None, str | None], list[_Set]] = {}
    for set_id in set_ids:
        s = sets.get(set_id)
        if s is None:
            warnings.append(f"target {ssid}: unknown sanctions-set-id {set_id}")
            continue
        by_program.setdefault((s.program_key, s.program_name), []).append(s)
    out = []
    for (key, name), members in sorted(by_program.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or "")):
        programs = tuple(dict.fromkeys(p for p in (key, name) if p))
        notes += [f"Programme {name or key}: origin {o}" for o in {m.origin for m in members} if o]
        out.append(
            Sanction(
                authority=info.authority,
                list_name=info.title,
                programs=programs,
                listing_date=min(listed) if listed else None,
                reason=reason,
                sectors=sectors_for(programs, reason),
                measures=tuple(m.name for m in members if m.name),
                country=info.country,
            )
        )
    return out
