"""UK Sanctions List (FCDO), XML edition: ``<Designations>`` of ``<Designation>``.

One ``<Designation>`` per listed party, keyed by its ``UniqueID`` (``RUS0001``: the UK
Sanctions List reference, stable across versions); ``OFSIGroupID`` and ``UNReferenceNumber``
link it to the OFSI Consolidated List and the UN list. Names are ``Names/Name`` (``Name1``
.. ``Name6``, ``NameType`` Primary Name / Primary name variation / Alias, ``AliasStrength``),
``NonLatinNames/NonLatinName``; details sit under ``IndividualDetails/Individual``,
``EntityDetails/Entity`` or ``ShipDetails/Ship``. Element names follow the published file
(no XSD is published; see the fixtures in ``tests/fixtures/uk_fcdo``).
"""

from __future__ import annotations

import re
from pathlib import Path

from embargo.errors import ListFormatError
from embargo.model import Entity, Identifier, Name
from embargo.model.entity import NameKind, Schema
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.catalog import source_info
from embargo.sources.listfields import (
    EntityBuilder,
    dates_in,
    emails_in,
    name_lang,
    phones_in,
    registration_ids,
    websites_in,
)
from embargo.sources.xml_stream import groups, root_tag, stream, texts, track
from embargo.text.dates import parse_date

NAME = "uk_fcdo_xml"
SOURCE = "uk_fcdo"
LIST_NAME = "UK Sanctions List"
ROOT = "Designations"

SCHEMAS: dict[str, Schema] = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_DATE_GENERATED = re.compile(rb"<DateGenerated>\s*([^<]*?)\s*</DateGenerated>")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def sniff(path: Path, head: bytes) -> str | None:
    return SOURCE if root_tag(head) == ROOT else None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    r = Reading(path, source, NAME)
    warnings = r.warnings
    seen: set[str] = set()
    n = 0
    for _, rec, subs in stream(
        path,
        root=ROOT,
        depth=2,
        tags=frozenset({"Designation"}),
        root_attrs={},
        what="a UK Sanctions List XML",
    ):
        n += 1
        uid = _text(rec, "UniqueID")
        if uid is None:
            raise ListFormatError(path, "a Designation without UniqueID", f"element Designation #{n}")
        if uid in seen:
            warnings.append(f"UniqueID {uid} appears twice; the later Designation is kept")
            r.entities = [e for e in r.entities if e.source_id != uid]
        seen.add(uid)
        b = EntityBuilder()
        r.entities.append(_designation(rec, uid, source, b, warnings))
        r.unknown_countries.update(set(b.unknown_countries))
        track(r.tracker, rec, subs)
    if n == 0:
        raise ListFormatError(path, "no Designation elements (empty list)")
    return r.finish(list_date=_date_generated(path))


def _date_generated(path: Path) -> str | None:
    """``<DateGenerated>`` (dd/mm/yyyy), found in the first or last 64 KB of the file."""
    with path.open("rb") as f:
        head = f.read(65536)
        m = _DATE_GENERATED.search(head)
        if m is None:
            f.seek(max(0, path.stat().st_size - 65536))
            m = _DATE_GENERATED.search(f.read())
    return parse_date(m.group(1).decode("utf-8", "replace")) if m else None


# -- reading nested records ------------------------------------------------------------------


def _records(rec: Record, path: str, at: str = "") -> list[Record]:
    """The sub-records at ``path`` (``"IndividualDetails/Individual"``) below ``rec``, which sits
    at path ``at`` ("" for a Designation), walking the container elements in between."""
    parts = path.split("/")
    start = len(at.split("/")) if at else 0
    level = [rec]
    for i in range(start, len(parts)):
        key = "/".join(parts[: i + 1])
        level = [sub for r in level for sub in groups(r, key)]
    return level


def _values(rec: Record, path: str, at: str = "") -> list[str]:
    """Every text at ``path`` (``"Titles/Title"``) below ``rec`` (which sits at ``at``)."""
    head, _, _ = path.rpartition("/")
    holders = _records(rec, head, at) if head != at else [rec]
    return [v for r in holders for v in texts(r, path)]


def _text(rec: Record, path: str) -> str | None:
    vals = _values(rec, path)
    return " ".join(vals) if vals else None


# -- one designation -------------------------------------------------------------------------


def _designation(rec: Record, uid: str, source: str, b: EntityBuilder, warnings: list[str]) -> Entity:
    kind_text = (_text(rec, "IndividualEntityShip") or "").lower()
    schema = SCHEMAS.get(kind_text)
    if schema is None:
        warnings.append(f"{uid}: unknown IndividualEntityShip {kind_text!r}, read as Organization")
        schema = "Organization"
    _names(rec, uid, b, warnings)
    b.identifiers.append(Identifier("other", uid, "gb", "UK Sanctions List Ref"))
    for gid in _values(rec, "OFSIGroupID"):
        b.identifiers.append(Identifier("other", gid, "gb", "OFSI Group ID"))
    for ref in _values(rec, "UNReferenceNumber"):
        b.identifiers.append(Identifier("other", ref, None, "UN Ref"))
    b.prop("title", *_values(rec, "Titles/Title"))
    b.prop("modifiedAt", *(d for v in _values(rec, "LastUpdated") for d in dates_in(v)))
    b.prop("designationSource", *_values(rec, "DesignationSource"))
    b.prop("notes", *_values(rec, "OtherInformation"))
    _addresses(rec, b)
    _contacts(rec, b)
    _individual(rec, b)
    _entity(rec, b)
    _ship(rec, b)
    info = source_info(SOURCE)
    reason = _text(rec, "UKStatementofReasons")
    regimes = _values(rec, "RegimeName")
    listed = [d for v in _values(rec, "DateDesignated") for d in dates_in(v)]
    b.add_sanction(
        authority=info.authority,
        list_name=LIST_NAME,
        programs=regimes,
        listing_date=min(listed) if listed else None,
        reason=reason,
        measures=_measures(rec),
        country=info.country,
        texts=(*b.props.get("notes", []), *b.props.get("legalForm", []), *b.props.get("position", [])),
    )
    return b.build(source=source, source_id=uid, schema=schema)


def _names(rec: Record, uid: str, b: EntityBuilder, warnings: list[str]) -> None:
    for name in _records(rec, "Names/Name"):
        parts = [texts(name, f"Names/Name/Name{i}") for i in range(1, 7)]
        full = " ".join(p for vals in parts for p in vals)
        name_type = " ".join((_one(name, "Names/Name/NameType") or "").lower().split())
        strength = (_one(name, "Names/Name/AliasStrength") or "").lower()
        kind: NameKind
        if name_type == "primary name":
            kind = "primary"
        elif name_type in ("primary name variation", "alias", "aka"):
            kind = "weak" if strength.startswith("low") else "alias"
        elif "former" in name_type or name_type == "fka":
            kind = "former"
        else:
            warnings.append(f"{uid}: unknown NameType {name_type!r}, read as alias")
            kind = "alias"
        if full:
            b.names.append(Name(full, kind))
    for nl in _records(rec, "NonLatinNames/NonLatinName"):
        value = _one(nl, "NonLatinNames/NonLatinName/NameNonLatinScript")
        lang = name_lang(
            _one(nl, "NonLatinNames/NonLatinName/NonLatinScriptLanguage"),
            _one(nl, "NonLatinNames/NonLatinName/NonLatinScriptType"),
            value,
        )
        if value:
            b.names.append(Name(value, "original", lang))


def _one(rec: Record, key: str) -> str | None:
    vals = texts(rec, key)
    return " ".join(vals) if vals else None


def _addresses(rec: Record, b: EntityBuilder) -> None:
    for addr in _records(rec, "Addresses/Address"):
        p = "Addresses/Address/"
        lines = [_one(addr, f"{p}AddressLine{i}") for i in range(1, 7)]
        b.add_address(lines, _one(addr, f"{p}AddressPostalCode"), _one(addr, f"{p}AddressCountry"))


def _contacts(rec: Record, b: EntityBuilder) -> None:
    for value in _values(rec, "PhoneNumbers/PhoneNumber"):
        b.identifiers.extend(Identifier("phone", p) for p in phones_in(value))
    for value in _values(rec, "EmailAddresses/EmailAddress"):
        b.identifiers.extend(Identifier("email", e) for e in emails_in(value))
    for value in _values(rec, "Websites/Website"):
        b.identifiers.extend(Identifier("email", e) for e in emails_in(value))
        b.identifiers.extend(Identifier("website", w) for w in websites_in(value))


def _individual(rec: Record, b: EntityBuilder) -> None:
    p = "IndividualDetails/Individual"
    for ind in _records(rec, p):
        b.birth_dates.extend(d for v in _values(ind, f"{p}/DOBs/DOB", p) for d in dates_in(v))
        for v in _values(ind, f"{p}/Nationalities/Nationality", p):
            b.nationalities.extend(b.codes(v))
        b.prop("position", *_values(ind, f"{p}/Positions/Position", p))
        b.genders.update(g.strip().lower() for g in _values(ind, f"{p}/Genders/Gender", p))
        for loc in _records(ind, f"{p}/BirthDetails/Location", p):
            town = _one(loc, f"{p}/BirthDetails/Location/TownOfBirth")
            country = _one(loc, f"{p}/BirthDetails/Location/CountryOfBirth")
            if town or country:
                b.birth_places.append(", ".join(x for x in (town, country) if x))
            b.add_countries("birthCountry", country)
        for doc in _records(ind, f"{p}/PassportDetails/Passport", p):
            q = f"{p}/PassportDetails/Passport/"
            number = _one(doc, f"{q}PassportNumber")
            if number:
                b.add_numbered("passport", number, _one(doc, f"{q}PassportAdditionalInformation"))
        for doc in _records(ind, f"{p}/NationalIdentifierDetails/NationalIdentifier", p):
            q = f"{p}/NationalIdentifierDetails/NationalIdentifier/"
            number = _one(doc, f"{q}NationalIdentifierNumber")
            info = _one(doc, f"{q}NationalIdentifierAdditionalInformation")
            if number:
                tax = re.search(r"\b(?:tax|taxpayer|INN|TIN)\b", info or "", re.I)
                b.add_numbered("tax_id" if tax else "national_id", number, info)


def _entity(rec: Record, b: EntityBuilder) -> None:
    p = "EntityDetails/Entity"
    for ent in _records(rec, p):
        for v in _values(ent, f"{p}/BusinessRegistrationNumbers/BusinessRegistrationNumber", p):
            b.identifiers.extend(registration_ids(v, "Business registration number"))
        b.prop("legalForm", *_values(ent, f"{p}/TypeOfEntities/TypeOfEntity", p))
        b.prop("parentCompany", *_values(ent, f"{p}/ParentCompanies/ParentCompany", p))
        b.prop("subsidiary", *_values(ent, f"{p}/Subsidiaries/Subsidiary", p))


def _ship(rec: Record, b: EntityBuilder) -> None:
    p = "ShipDetails/Ship"
    for ship in _records(rec, p):
        for v in _values(ship, f"{p}/IMONumbers/IMONumber", p):
            digits = re.sub(r"\D", "", v)
            b.identifiers.append(Identifier("imo", digits if len(digits) == 7 else v, None, "IMO number"))
        b.prop("ownerName", *_values(ship, f"{p}/CurrentOwnerOperators/CurrentOwnerOperator", p))
        b.prop("previousOwnerName", *_values(ship, f"{p}/PreviousOwnerOperators/PreviousOwnerOperator", p))
        for v in _values(ship, f"{p}/CurrentBelievedFlagOfShips/CurrentBelievedFlagOfShip", p):
            b.add_countries("flag", v)
        for v in _values(ship, f"{p}/PreviousFlags/PreviousFlag", p):
            b.add_countries("pastFlags", v)
        b.prop("type", *_values(ship, f"{p}/TypeOfShipDetails/TypeOfShip", p))
        b.prop("tonnage", *_values(ship, f"{p}/TonnageOfShipDetails/TonnageOfShip", p))
        b.prop("length", *_values(ship, f"{p}/LengthOfShipDetails/LengthOfShip", p))
        b.prop("buildDate", *_values(ship, f"{p}/YearsBuilt/YearBuilt", p))


def _measures(rec: Record) -> list[str]:
    """``SanctionsImposed`` (``Asset freeze|Travel Ban``) and the true ``SanctionsImposedIndicators``."""
    out = [m.strip().lower() for v in _values(rec, "SanctionsImposed") for m in v.split("|") if m.strip()]
    for ind in _records(rec, "SanctionsImposedIndicators"):
        for key in list(ind):
            if texts(ind, key) == ["true"]:
                out.append(_CAMEL.sub(" ", key.rsplit("/", 1)[-1]).lower())
    return list(dict.fromkeys(out))
