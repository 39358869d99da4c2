"""FollowTheMoney export and import.

An embargo :class:`Entity` becomes one FtM entity of the same schema (names, facts, identifiers
as FtM properties) plus one FtM ``Sanction`` entity per sanction, linked by ``entity``. Values are
added through the followthemoney library, so every exported value is one FtM accepts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from followthemoney import model as ftm_model

from embargo.model.entity import Address, Entity, Identifier, Name, Sanction, make_entity

NAME_PROPS = {
    "primary": "name",
    "alias": "alias",
    "weak": "weakAlias",
    "former": "previousName",
    "original": "name",
}
ID_PROPS = {
    "passport": "passportNumber",
    "national_id": "idNumber",
    "tax_id": "taxNumber",
    "registration": "registrationNumber",
    "imo": "imoNumber",
    "mmsi": "mmsi",
    "call_sign": "callSign",
    "swift": "swiftBic",
    "lei": "leiCode",
    "aircraft_serial": "serialNumber",
    "aircraft_tail": "registrationNumber",
    "email": "email",
    "website": "website",
    "phone": "phone",
    "other": "idNumber",
    "crypto_wallet": "notes",
}
FTM_TO_ID = {
    "passportNumber": "passport",
    "idNumber": "national_id",
    "taxNumber": "tax_id",
    "registrationNumber": "registration",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "call_sign",
    "swiftBic": "swift",
    "leiCode": "lei",
    "serialNumber": "aircraft_serial",
    "email": "email",
    "website": "website",
    "phone": "phone",
}


def _first(props: dict[str, list[str]], key: str) -> str | None:
    values = props.get(key) or []
    return values[0] if values else None


def to_ftm(entity: Entity) -> list[dict[str, Any]]:
    """The entity and its sanctions as FtM entity dicts (``id``, ``schema``, ``properties``)."""
    proxy = ftm_model.make_entity(entity.schema)
    proxy.id = entity.id
    schema = proxy.schema

    def add(prop: str, value: str | None) -> None:
        if value is None:
            return
        if schema.get(prop) is None:
            proxy.add("notes", f"{prop}: {value}", quiet=True)
            return
        proxy.add(prop, value, quiet=True, fuzzy=prop in ("country", "nationality", "citizenship", "flag"))

    for n in entity.names:
        add(NAME_PROPS[n.kind], n.value)
    for d in entity.birth_dates:
        add("birthDate", d)
    for p in entity.birth_places:
        add("birthPlace", p)
    for c in entity.nationalities:
        add("nationality", c)
    for c in entity.countries:
        add("country", c)
    if entity.gender:
        add("gender", entity.gender)
    for i in entity.identifiers:
        prop = ID_PROPS.get(i.type, "idNumber")
        if schema.get(prop) is None:
            prop = "idNumber" if schema.get("idNumber") is not None else "notes"
        add(prop, i.value if prop != "notes" else f"{i.note or i.type}: {i.value}")
    for a in entity.addresses:
        add("address", a.full)
    for key, values in entity.props:
        for v in values:
            add(key, v)
    add("topics", "sanction")
    out = [proxy.to_dict()]
    for s in entity.sanctions:
        sp = ftm_model.make_entity("Sanction")
        key = f"{entity.id}|{s.authority}|{s.list_name}|{'|'.join(s.programs)}|{s.listing_date}"
        sp.id = f"{entity.id}-sanction-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
        sp.add("entity", entity.id)
        sp.add("authority", s.authority)
        for prog in s.programs:
            sp.add("program", prog)
        if s.listing_date:
            sp.add("listingDate", s.listing_date)
        if s.reason:
            sp.add("reason", s.reason)
        for m in s.measures:
            sp.add("provisions", m)
        if s.country:
            sp.add("country", s.country, quiet=True)
        sp.add("summary", s.list_name)
        out.append(sp.to_dict())
    return out


def from_ftm(records: Iterable[dict[str, Any]], source: str) -> Iterator[Entity]:
    """FtM entity dicts (as from ``to_ftm`` or another FtM producer) -> embargo entities of ``source``.

    Sanction entities attach to the entity they reference; other schemas are skipped.
    """
    things: dict[str, dict[str, Any]] = {}
    sanctions: dict[str, list[Sanction]] = {}
    for rec in records:
        schema = rec.get("schema")
        props: dict[str, list[str]] = rec.get("properties", {})
        if schema == "Sanction":
            for target in props.get("entity", []):
                sanctions.setdefault(target, []).append(
                    Sanction(
                        authority=_first(props, "authority") or "unknown",
                        list_name=_first(props, "summary") or "",
                        programs=tuple(props.get("program", [])),
                        listing_date=_first(props, "listingDate"),
                        reason=_first(props, "reason"),
                        measures=tuple(props.get("provisions", [])),
                        country=_first(props, "country"),
                    )
                )
        elif schema in ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane"):
            things[rec["id"]] = rec
    consumed = {
        "name", "alias", "weakAlias", "previousName", "birthDate", "birthPlace", "nationality", "country",
        "gender", "address", "topics", *FTM_TO_ID,
    }  # fmt: skip
    for eid, rec in things.items():
        props = rec.get("properties", {})
        names = [Name(v, "primary") for v in props.get("name", [])]
        names += [Name(v, "alias") for v in props.get("alias", [])]
        names += [Name(v, "weak") for v in props.get("weakAlias", [])]
        names += [Name(v, "former") for v in props.get("previousName", [])]
        idents = [Identifier(FTM_TO_ID[p], v) for p in FTM_TO_ID for v in props.get(p, [])]  # type: ignore[arg-type]
        prefix = source.replace("_", "-") + "-"
        source_id = eid[len(prefix) :] if eid.startswith(prefix) else eid
        yield make_entity(
            source=source,
            source_id=source_id,
            schema=rec["schema"],
            names=names,
            birth_dates=props.get("birthDate", []),
            birth_places=props.get("birthPlace", []),
            nationalities=props.get("nationality", []),
            countries=props.get("country", []),
            gender=_first(props, "gender"),
            identifiers=idents,
            addresses=[Address(a) for a in props.get("address", [])],
            sanctions=sanctions.get(eid, []),
            props={k: v for k, v in props.items() if k not in consumed},
            entity_id=eid,
        )
