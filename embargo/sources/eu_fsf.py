"""EU Financial Sanctions Files (FSF) XML 1.1: the consolidated list of persons, groups and
entities subject to EU financial sanctions.

Root ``export`` in namespace ``http://eu.europa.ec/fpi/fsd/export`` (``generationDate``,
``globalFileId``) with one ``sanctionEntity`` per listed party (``logicalId``,
``euReferenceNumber``, ``unitedNationId``, ``designationDate``, ``designationDetails``).
Facts are attribute-heavy child elements: ``regulation`` (``programme``, ``numberTitle``,
``publicationUrl``), ``subjectType`` (``code`` person / enterprise), ``nameAlias``,
``citizenship``, ``birthdate``, ``identification``, ``address`` (with ``contactInfo``), each
repeating the regulation that introduced it in a ``regulationSummary`` (read, not kept).

The EU marks no alias as *the* name: the primary name is the strong ``nameAlias`` with the
lowest ``logicalId`` (the oldest entry), so reordered files give the same entity.
"""

from __future__ import annotations

import re
from pathlib import Path

from embargo.errors import ListFormatError
from embargo.model.entity import Address, Entity, Identifier, IdType, Name, Sanction, Schema, make_entity
from embargo.sources.base import ParsedList, Reading, Record, SourceInfo
from embargo.sources.catalog import source_info
from embargo.sources.sectors import sectors_for
from embargo.sources.values import country, gender, iso_date, one_gender, partial_date, year_range
from embargo.sources.xml_stream import groups, root_tag, stream, text, texts, track

NAME = "eu_fsf_xml"
SOURCE = "eu_fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
_ROOT = "export"
_SCHEMAS: dict[str, Schema] = {"person": "Person", "enterprise": "Organization"}
_NO_COUNTRY = {"", "00"}
_BLANK = {"", "-"}  # the EU prints "-" for an unknown birth city
_ID_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
_CONTACTS: dict[str, IdType] = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website"}


# the names an FSF download is saved under: the endpoint's ``content`` (sync), or the export's own name
_FILE_NAMES = re.compile(r"^(?:content|.*(?:fsf|fullsanctionslist|sanctionslist).*\.xml)$", re.I)
_TITLE = re.compile(rb"<title[^>]*>\s*([^<]{1,80}?)\s*</title>", re.I)
_JSON_STATUS = re.compile(rb'"(?:status|code|error|message)"\s*:\s*"?([^",}]{1,60})', re.I)


def error_response(head: bytes) -> str | None:
    """What an error body the endpoint sent instead of the XML is (an HTML page, a JSON error), else None.

    The EU's endpoint has answered HTTP 403 and 500 with such bodies; saved under the list's name
    they must be refused, not read as an empty or broken list."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:14].lower().startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        title = _TITLE.search(head)
        return "an HTML page" + (f" ({title.group(1).decode('utf-8', 'replace')})" if title else "")
    if start[:1] in (b"{", b"["):
        status = _JSON_STATUS.search(head)
        return "a JSON error" + (f" ({status.group(1).decode('utf-8', 'replace').strip()})" if status else "")
    return None


def sniff(path: Path, head: bytes) -> str | None:
    """``<export>`` is a generic name: the FSD namespace must be there too. An error body saved under an
    FSF file's name is claimed too, so that parse() refuses it with the reason."""
    if root_tag(head) == _ROOT and NAMESPACE.encode() in head:
        return SOURCE
    if _FILE_NAMES.match(path.name) and error_response(head):
        return SOURCE
    return None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    with path.open("rb") as fh:
        what = error_response(fh.read(4096))
    if what:
        raise ListFormatError(path, f"{what} from the EU endpoint, not the FSF XML export: refused")
    info = source_info(source)
    r = Reading(path, source, NAME)
    root_attrs: dict[str, str] = {}
    records = stream(
        path,
        root=_ROOT,
        depth=2,
        tags=frozenset({"sanctionEntity"}),
        root_attrs=root_attrs,
        what="an EU Financial Sanctions Files export",
        namespace=NAMESPACE,
    )
    for n, (_tag, rec, subs) in enumerate(records, 1):
        logical_id = text(rec, "@logicalId")
        if logical_id is None:
            raise ListFormatError(path, "sanctionEntity without logicalId", where=f"sanctionEntity #{n}")
        # Each fact repeats the regulation that introduced it (regulationSummary): only the
        # earliest publication date is kept, as the listing date when designationDate is missing.
        published: list[str] = []
        for sub in subs:
            for key in [k for k in sub if "regulationSummary" in k]:
                if key.endswith("regulationSummary@publicationDate"):
                    published += [d for v in texts(sub, key) if (d := iso_date(v))]
                sub.consume(key)
            sub.consume(*(k for k in sub if k.endswith(("@regulationLanguage", "@logicalId"))))
        r.entities.append(_map(rec, logical_id, source, info, r.warnings, published))
        track(r.tracker, rec, subs)
    if not r.entities:
        raise ListFormatError(path, "no sanctionEntity records: empty or truncated export")
    return r.finish(list_date=iso_date(root_attrs.get("generationDate")))


def _map(
    rec: Record, logical_id: str, source: str, info: SourceInfo, warnings: list[str], published: list[str]
) -> Entity:
    notes: list[str | None] = []
    props: dict[str, list[str | None]] = {"notes": notes}
    code = ""
    for g in groups(rec, "subjectType"):
        g.consume("subjectType@classificationCode")  # P / E: the same as code
        code = text(g, "subjectType@code") or code
    schema = _SCHEMAS.get(code)
    if schema is None:
        warnings.append(f"{logical_id}: unknown subjectType code {code!r}, mapped to Organization")
        schema = "Organization"
    names, gender = _names(rec, props)
    identifiers = [
        Identifier("other", v, None, "EU reference number") for v in texts(rec, "@euReferenceNumber")
    ]
    identifiers += [
        Identifier("other", v, None, "UN reference number") for v in texts(rec, "@unitedNationId")
    ]
    identifiers += _identifications(rec)
    addresses: list[Address] = []
    for g in groups(rec, "address"):
        addr, contacts = _address(g)
        if addr is not None:
            addresses.append(addr)
        identifiers += contacts
    birth_dates, birth_places = _births(rec, props)
    nationalities: list[str | None] = []
    for g in groups(rec, "citizenship"):
        nationalities.append(_country(g, "citizenship"))
        notes += [
            f"Citizenship: {v}" for key in ("citizenship@region", "citizenship/remark") for v in texts(g, key)
        ]
    programs: list[str] = []
    for g in groups(rec, "regulation"):
        programs += texts(g, "regulation@programme")
        props.setdefault("sourceUrl", []).extend(texts(g, "regulation/publicationUrl"))
        notes.append(_regulation_note(g))
    reason = "\n".join(texts(rec, "remark") + texts(rec, "@designationDetails")) or None
    sanction = Sanction(
        authority=info.authority,
        list_name=info.title,
        programs=tuple(programs),
        listing_date=iso_date(text(rec, "@designationDate")) or _first_publication(rec, published),
        reason=reason,
        sectors=sectors_for(programs, reason),
        country=info.country,
    )
    return make_entity(
        source=source,
        source_id=logical_id,
        schema=schema,
        names=names,
        birth_dates=birth_dates,
        birth_places=birth_places,
        nationalities=nationalities,
        countries=[a.country for a in addresses],
        gender=gender,
        identifiers=identifiers,
        addresses=addresses,
        sanctions=[sanction],
        props=props,
    )


def _names(rec: Record, props: dict[str, list[str | None]]) -> tuple[list[Name], str | None]:
    p = "nameAlias"
    found: list[tuple[bool, int, str, str]] = []  # (weak, logicalId, name, lang): sorts strong, oldest first
    genders: set[str] = set()
    for g in groups(rec, p):
        whole = text(g, p + "@wholeName")
        parts = [text(g, f"{p}@{k}") for k in ("firstName", "middleName", "lastName")]
        name = whole or " ".join(x for x in parts if x)
        if not name:
            continue
        lang = (text(g, p + "@nameLanguage") or "").lower()
        weak = (text(g, p + "@strong") or "true").lower() == "false"
        lid = text(g, p + "@logicalId") or ""
        found.append((weak, int(lid) if lid.isdigit() else 1 << 62, name, lang))
        if sex := gender(text(g, p + "@gender")):
            genders.add(sex)
        props.setdefault("title", []).extend(texts(g, p + "@title"))
        props.setdefault("position", []).extend(texts(g, p + "@function"))
        props.setdefault("notes", []).extend(f"Name {name}: {v}" for v in texts(g, p + "/remark"))
    names: list[Name] = []
    for i, (weak, _lid, name, lang) in enumerate(sorted(found)):
        names.append(Name(name, "primary" if i == 0 else "weak" if weak else "alias", lang or None))
    return names, one_gender(genders)


def _births(rec: Record, props: dict[str, list[str | None]]) -> tuple[list[str], list[str]]:
    dates: list[str] = []
    places: list[str] = []
    p = "birthdate@"
    for g in groups(rec, "birthdate"):
        g.consume(p + "circa", p + "calendarType")  # circa marks the date approximate; the value is the same
        full = iso_date(text(g, p + "birthdate"))
        partial = partial_date(*(text(g, p + k) for k in ("year", "monthOfYear", "dayOfMonth")))
        if full or partial:
            dates.append(full or partial or "")
        dates += year_range(text(g, p + "yearRangeFrom"), text(g, p + "yearRangeTo"))
        parts = [
            v for k in ("place", "city", "zipCode", "region") if (v := text(g, p + k)) and v not in _BLANK
        ]
        country = text(g, p + "countryDescription")
        if country and country.upper() != "UNKNOWN":
            parts.append(country)
        if parts:
            places.append(", ".join(parts))
        props.setdefault("birthCountry", []).append(_country(g, "birthdate"))
        props.setdefault("notes", []).extend(f"Birth: {v}" for v in texts(g, "birthdate/remark"))
    return dates, places


def _identifications(rec: Record) -> list[Identifier]:
    out: list[Identifier] = []
    p = "identification@"
    for g in groups(rec, "identification"):
        kind = _id_type(text(g, p + "identificationTypeCode"), text(g, p + "identificationTypeDescription"))
        details = [text(g, p + "identificationTypeDescription")]
        details += [k for k in _ID_FLAGS if (text(g, p + k) or "").lower() == "true"]
        for key, label in (
            ("issuedBy", "issued by"),
            ("issueDate", "issued"),
            ("validFrom", "valid from"),
            ("validTo", "valid to"),
            ("nameOnDocument", "name on document"),
            ("region", "region"),
        ):
            details += [f"{label} {v}" for v in texts(g, p + key)]
        details += texts(g, "identification/remark")
        note = "; ".join(x for x in details if x) or None
        country = _country(g, "identification")
        for number in texts(g, p + "number") + texts(g, p + "latinNumber"):
            out.append(Identifier(kind, number, country, note))
    return out


def _id_type(code: str | None, description: str | None) -> IdType:
    c = (code or "").lower()
    d = (description or "").lower()
    if "passport" in c or "passport" in d:
        return "passport"
    if c in ("id", "ssn", "nationalid") or "identification card" in d or "national id" in d:
        return "national_id"
    if "fiscal" in c or "tax" in c or "tax" in d or "fiscal" in d:
        return "tax_id"
    if c.startswith("reg") or "registration" in d:
        return "registration"
    if "swift" in c or "bic" in c:
        return "swift"
    if c == "imo" or "imo" in d.split():
        return "imo"
    return "other"


def _address(g: Record) -> tuple[Address | None, list[Identifier]]:
    p = "address@"
    street, city, postal, region, place, po_box = (
        v if (v := text(g, p + k)) not in _BLANK else None
        for k in ("street", "city", "zipCode", "region", "place", "poBox")
    )
    code = _country(g, "address")
    country = text(g, p + "countryDescription")
    country = None if (country or "").upper() == "UNKNOWN" else country
    extra = texts(g, "address/remark")
    if (text(g, p + "asAtListingTime") or "").lower() == "true":
        extra.append("at time of listing")
    contacts: list[Identifier] = []
    for c in groups(g, "address/contactInfo"):
        key = (text(c, "address/contactInfo@key") or "").upper()
        for value in texts(c, "address/contactInfo@value"):
            contacts.append(Identifier(_CONTACTS.get(key, "other"), value, code, key or None))
    parts = [street, f"P.O. Box {po_box}" if po_box else None, place, city, region, postal, country]
    full = ", ".join(x for x in parts if x)
    if extra:
        full = f"{full} ({'; '.join(extra)})" if full else "; ".join(extra)
    if not full:
        return None, contacts
    return Address(full, street, city, region, postal, code), contacts


def _country(g: Record, element: str) -> str | None:
    iso = (text(g, f"{element}@countryIso2Code") or "").strip()
    description = text(g, f"{element}@countryDescription")
    known = description if description and description.upper() != "UNKNOWN" else None
    return country(None if iso.upper() in _NO_COUNTRY else iso, known)


def _regulation_note(g: Record) -> str:
    p = "regulation@"
    title = text(g, p + "numberTitle") or "?"
    bits = [
        text(g, p + "regulationType"),
        text(g, p + "organisationType"),
        f"published {v}" if (v := text(g, p + "publicationDate")) else None,
        f"in force {v}" if (v := text(g, p + "entryIntoForceDate")) else None,
    ]
    g.consume(p + "logicalId")
    return f"Regulation {title} ({', '.join(b for b in bits if b)})"


def _first_publication(rec: Record, published: list[str]) -> str | None:
    """Without ``designationDate``: the earliest regulation that published any of the facts."""
    dates = [d for g in groups(rec, "regulation") if (d := iso_date(text(g, "regulation@publicationDate")))]
    return min(dates + published) if dates or published else None
