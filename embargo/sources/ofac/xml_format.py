"""OFAC's ``sdnList`` XML: the SDN list (``sdn.xml``) and the consolidated non-SDN list
(``consolidated.xml``: SSI, NS-PLC, CMIC, NS-MBS, FSE, 561).

One ``<sdnEntry>`` per listed party, keyed by ``<uid>`` (the CSV's ``ent_num``), with nested
lists of aliases, identifiers and facts (``<idList>``), addresses, dates and places of birth,
nationalities and vessel data. The header ``<publshInformation>`` (sic) gives the publication
date (MM/DD/YYYY) and the record count. The namespace varies by year (``tempuri.org`` in
2014, the sanctions list service later), so elements are matched by local name.

Which non-SDN list a consolidated entry belongs to is not printed: it follows from its
programmes (UKRAINE-EO13662 -> SSI, NS-PLC -> NS-PLC, CMIC-EO13959 -> CMIC ...), see
:mod:`embargo.sources.ofac.facts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from embargo.errors import ListFormatError
from embargo.model.entity import Name
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.ofac.facts import Draft
from embargo.sources.ofac.xml_common import (
    SCHEMAS,
    Usage,
    fields,
    items,
    localname,
    make_address,
    merge_key,
    root_name,
    texts,
)
from embargo.sources.xml_stream import refuse_doctype
from embargo.text.countries import country_code
from embargo.text.dates import parse_dates

NAME = "ofac_xml"
SOURCES = ("us_ofac_sdn", "us_ofac_cons")
ENTRY = "sdnEntry"
VESSEL_LABELS = {
    "callSign": "Vessel Call Sign",
    "vesselType": "Vessel Type",
    "vesselFlag": "Vessel Flag",
    "vesselOwner": "Vessel Owner",
    "tonnage": "Vessel Tonnage",
    "grossRegisteredTonnage": "Vessel Gross Registered Tonnage",
}


def sniff(path: Path, head: bytes) -> str | None:
    """``sdnList`` root: ``sdn*.xml`` is the SDN list, ``consolidated.xml``/``cons*.xml`` the
    non-SDN list (the UN's consolidated.xml has another root and is never claimed)."""
    if root_name(head) != "sdnList":
        return None
    name = path.name.lower()
    if not name.endswith(".xml"):
        return None
    if name.startswith("sdn"):
        return "us_ofac_sdn"
    if name.startswith("cons"):
        return "us_ofac_cons"
    return None


def companions(path: Path) -> list[Path]:
    return []


def full_name(last: str | None, first: str | None) -> str | None:
    """``LAST, First`` as OFAC's CSV prints ``SDN_Name``."""
    if last and first:
        return f"{last}, {first}"
    return last or first


def parse(path: Path, source: str) -> ParsedList:
    if source not in SOURCES:
        raise ListFormatError(
            path, f"the OFAC sdnList XML format carries {' or '.join(SOURCES)}, not {source}"
        )
    try:
        if path.stat().st_size == 0:
            raise ListFormatError(path, "empty file (0 bytes)")
    except OSError as exc:
        raise ListFormatError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    usage = Usage()
    drafts: dict[str, Draft] = {}
    r = Reading(path, source, NAME)
    warnings = r.warnings
    header: dict[str, str | None] = {}
    entries = 0
    depth = 0
    root: str | None = None
    try:
        for event, el in etree.iterparse(
            str(path), events=("start", "end"), resolve_entities=False, no_network=True
        ):
            if event == "start":
                depth += 1
                if root is None:
                    refuse_doctype(path, el)
                    root = localname(el)
                    if root != "sdnList":
                        raise ListFormatError(path, f"root element is <{root}>, not OFAC's <sdnList>")
                continue
            depth -= 1
            if depth != 1:
                continue
            name = localname(el)
            if name == ENTRY:
                entries += 1
                try:
                    _entry(el, drafts, usage, warnings)
                except ListFormatError as exc:
                    raise ListFormatError(path, exc.cause, where=f"element {ENTRY} #{entries}") from exc
            elif name == "publshInformation":
                rec = Record(fields(el))
                header = {"date": rec.text("Publish_Date"), "count": rec.text("Record_Count")}
                usage.done("publshInformation", rec)
            else:
                usage.unknown("sdnList", [name])
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else None
        if entries:
            where = f"{where}, after {ENTRY} #{entries}" if where else f"after {ENTRY} #{entries}"
        raise ListFormatError(path, f"malformed or truncated XML: {exc.msg}", where=where) from exc
    if not drafts:
        raise ListFormatError(path, f"no <{ENTRY}> records: empty or truncated list")
    if entries != len(drafts):
        warnings.append(f"{entries - len(drafts)} {ENTRY} elements repeat a uid seen before; merged")
    declared = header.get("count")
    list_dates = parse_dates(header.get("date"), dayfirst=False)
    r.entities = [drafts[uid].build(source, uid) for uid in sorted(drafts, key=merge_key)]
    return r.finish(
        list_date=list_dates[0] if len(list_dates) == 1 else None,
        declared_count=int(declared) if declared and declared.isdigit() else None,
        unconsumed=usage.unconsumed(),
    )


def _each(rec: Record, container: str, item: str, usage: Usage) -> Iterator[Record]:
    """The item records inside ``<container>`` elements; each is checked once handled."""
    for box in items(rec.get(container)):
        box_rec = Record(fields(box))
        for it in items(box_rec.get(item)):
            item_rec = Record(fields(it))
            yield item_rec
            usage.done(f"{ENTRY}/{container}/{item}", item_rec)
        usage.done(f"{ENTRY}/{container}", box_rec)


def _entry(el: Any, drafts: dict[str, Draft], usage: Usage, warnings: list[str]) -> None:
    rec = Record(fields(el))
    uid = rec.text("uid")
    if not uid:
        raise ListFormatError("", "an entry has no <uid>")
    kind = rec.text("sdnType") or rec.text("nspType")  # nspType: 2014 non-SDN lists
    schema = SCHEMAS.get((kind or "").lower())
    if schema is None:
        warnings.append(f"uid {uid}: unknown sdnType {kind!r}, kept as LegalEntity")
        schema = "LegalEntity"
    draft = drafts.get(uid)
    if draft is None:
        draft = drafts[uid] = Draft(schema)
    primary = full_name(rec.text("lastName"), rec.text("firstName"))
    if primary is None:
        raise ListFormatError("", f"uid {uid} has no name")
    draft.names.append(Name(primary, "primary"))
    draft.prop("title", rec.text("title"))
    draft.remarks(rec.text("remarks"))
    for box in items(rec.get("programList")):
        box_rec = Record(fields(box))
        draft.programs.extend(texts(box_rec.get("program")))
        usage.done(f"{ENTRY}/programList", box_rec)
    for r in _each(rec, "akaList", "aka", usage):
        _aka(r, draft)
    for r in _each(rec, "idList", "id", usage):
        _identifier(r, draft)
    for r in _each(rec, "addressList", "address", usage):
        r.consume("uid")
        country = r.text("country")
        addr = make_address(
            [r.text("address1"), r.text("address2"), r.text("address3")],
            r.text("city"),
            r.text("stateOrProvince") or r.text("region"),
            r.text("postalCode"),
            country,
            country_code(country),
        )
        if addr is not None:
            draft.addresses.append(addr)
            draft.countries.append(addr.country)
    for container, item, label in (
        ("nationalityList", "nationality", "Nationality Country"),
        ("citizenshipList", "citizenship", "Citizenship Country"),
    ):
        for r in _each(rec, container, item, usage):
            r.consume("uid", "mainEntry")
            draft.labelled(label, r.text("country"))
    for r in _each(rec, "dateOfBirthList", "dateOfBirthItem", usage):
        r.consume("uid", "mainEntry")
        draft.labelled("Birthdate", r.text("dateOfBirth"))
    for r in _each(rec, "placeOfBirthList", "placeOfBirthItem", usage):
        r.consume("uid", "mainEntry")
        draft.labelled("Place of Birth", r.text("placeOfBirth"))
    for box in items(rec.get("vesselInfo")):
        vrec = Record(fields(box))
        for key, label in VESSEL_LABELS.items():
            draft.labelled(label, vrec.text(key))
        usage.done(f"{ENTRY}/vesselInfo", vrec)
    if draft.unknown_labels:
        usage.unknown(f"{ENTRY}/idList/id/idType", draft.unknown_labels.elements())
        draft.unknown_labels.clear()
    usage.done(ENTRY, rec)


def _aka(r: Record, draft: Draft) -> None:
    r.consume("uid")
    name = full_name(r.text("lastName"), r.text("firstName"))
    if name is None:
        return
    kind = (r.text("type") or "a.k.a.").lower()
    if (r.text("category") or "").lower() == "weak":
        draft.names.append(Name(name, "weak"))
    elif kind.startswith("f.k.a"):
        draft.names.append(Name(name, "former"))
    else:  # a.k.a., n.k.a. (now known as)
        draft.names.append(Name(name, "alias"))


def _identifier(r: Record, draft: Draft) -> None:
    r.consume("uid")
    label, number = r.text("idType"), r.text("idNumber")
    if not label or not number:
        return
    draft.labelled(label, number, country_code(r.text("idCountry")))
    draft.document_dates(label, number, r.text("issueDate"), r.text("expirationDate"))
