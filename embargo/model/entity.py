"""The entity model: frozen, typed records compatible with FollowTheMoney.

An :class:`Entity` is one listed party (Person, Organization, Company, LegalEntity, Vessel,
Airplane) as one source publishes it, with its names, facts and :class:`Sanction` records.
Entities are *canonical*: every tuple is sorted and de-duplicated at construction
(:func:`make_entity`), so the same publication gives equal entities and equal content
hashes whatever order the source file emitted children in.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Schema = Literal["Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane"]
SCHEMAS: tuple[str, ...] = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")

NameKind = Literal["primary", "alias", "weak", "former", "original"]
"""primary: the list's main name; alias: a.k.a.; weak: OFAC "weak a.k.a." / low quality alias;
former: f.k.a.; original: the name in its original script."""
NAME_KINDS: tuple[str, ...] = ("primary", "alias", "weak", "former", "original")

IdType = Literal[
    "passport",
    "national_id",
    "tax_id",
    "registration",
    "imo",
    "mmsi",
    "call_sign",
    "swift",
    "lei",
    "aircraft_serial",
    "aircraft_tail",
    "email",
    "website",
    "phone",
    "crypto_wallet",
    "other",
]
ID_TYPES: tuple[str, ...] = IdType.__args__  # type: ignore[attr-defined]

SECTORS: tuple[str, ...] = ("defence", "aerospace", "maritime", "finance", "energy", "technology", "mining")


@dataclass(frozen=True, order=True)
class Name:
    value: str
    kind: NameKind = "primary"
    lang: str | None = None  # ISO 639 code or script hint where the list says so


@dataclass(frozen=True, order=True)
class Identifier:
    type: IdType
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2, lower case (FtM style)
    note: str | None = None  # the list's own label, e.g. "Cedula No.", "Tax ID No."


@dataclass(frozen=True, order=True)
class Address:
    full: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, lower case


@dataclass(frozen=True, order=True)
class Sanction:
    authority: str  # e.g. "US Treasury OFAC"
    list_name: str  # e.g. "SDN", "SSI", "Entity List", "UN SC Consolidated"
    programs: tuple[str, ...] = ()
    listing_date: str | None = None  # partial ISO date
    reason: str | None = None
    sectors: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()  # e.g. "asset freeze", "travel ban", "Directive 2"
    country: str | None = None  # the authority's country, ISO alpha-2 lower case (un, eu for the bodies)


@dataclass(frozen=True)
class Entity:
    """One listed party. Build it with :func:`make_entity` so it is canonical."""

    id: str
    schema: Schema
    source: str
    source_id: str
    names: tuple[Name, ...]
    birth_dates: tuple[str, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    gender: str | None = None  # "male" | "female" | None
    identifiers: tuple[Identifier, ...] = ()
    addresses: tuple[Address, ...] = ()
    sanctions: tuple[Sanction, ...] = ()
    # Other facts, keyed by FtM property names (title, position, notes, flag, buildDate,
    # tonnage, grossRegisteredTonnage, type, model, deathDate, topics, sourceUrl, ...)
    props: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)

    @property
    def caption(self) -> str:
        for n in self.names:
            if n.kind == "primary":
                return n.value
        return self.names[0].value if self.names else self.id

    def prop(self, key: str) -> tuple[str, ...]:
        for k, values in self.props:
            if k == key:
                return values
        return ()

    def to_dict(self) -> dict[str, Any]:
        return entity_to_dict(self)

    @property
    def content_hash(self) -> str:
        """Hash of everything the source says about this entity (canonical JSON)."""
        return hashlib.sha1(canonical_json(self)).hexdigest()


def _uniq_sorted(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(set(values), key=_sort_key))


def _sort_key(value: Any) -> Any:
    """Order values whose fields may be None (None sorts as the empty string)."""
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is None:
        return value
    return tuple("" if (v := getattr(value, f)) is None else v for f in fields)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


_QUOTES = {"'": "'", '"': '"', "\u2018": "\u2019", "\u201c": "\u201d", "«": "»"}


def _unquote(value: str | None) -> str | None:
    """'FOOPIE' / "The Base" -> the name itself (lists quote weak aliases); 'ALAMAH stays as it is."""
    while value and len(value) > 2 and _QUOTES.get(value[0]) == value[-1]:
        inner = value[1:-1].strip()
        if not inner or value[0] in inner:
            break
        value = inner
    return value


def _clean_all(values: Iterable[str | None]) -> tuple[str, ...]:
    out = []
    for v in values:
        c = _clean(v)
        if c is not None:
            out.append(c)
    return _uniq_sorted(out)


def make_entity(
    *,
    source: str,
    source_id: str,
    schema: Schema,
    names: Iterable[Name],
    birth_dates: Iterable[str | None] = (),
    birth_places: Iterable[str | None] = (),
    nationalities: Iterable[str | None] = (),
    countries: Iterable[str | None] = (),
    gender: str | None = None,
    identifiers: Iterable[Identifier] = (),
    addresses: Iterable[Address] = (),
    sanctions: Iterable[Sanction] = (),
    props: Mapping[str, Iterable[str | None]] | None = None,
    entity_id: str | None = None,
) -> Entity:
    """Build a canonical entity: values whitespace-collapsed, de-duplicated and sorted."""
    from embargo.model.ids import make_id

    clean_names: dict[tuple[str, str | None], Name] = {}
    rank = {k: i for i, k in enumerate(NAME_KINDS)}
    for n in names:
        v = _unquote(_clean(n.value))
        if v is None:
            continue
        key = (v, n.lang)
        prev = clean_names.get(key)
        # one value, one kind: the strongest kind wins (primary > alias > weak > ...)
        if prev is None or rank[n.kind] < rank[prev.kind]:
            clean_names[key] = Name(v, n.kind, n.lang)
    ordered = sorted(clean_names.values(), key=lambda n: (rank[n.kind], n.value, n.lang or ""))
    clean_props: list[tuple[str, tuple[str, ...]]] = []
    for prop_name, vals in sorted((props or {}).items()):
        cv = _clean_all(vals)
        if cv:
            clean_props.append((prop_name, cv))
    idents = []
    for i in identifiers:
        v = _clean(i.value)
        if v is not None:
            idents.append(Identifier(i.type, v, i.country, _clean(i.note)))
    addrs = []
    for a in addresses:
        full = _clean(a.full)
        if full is not None:
            addrs.append(
                Address(
                    full, _clean(a.street), _clean(a.city), _clean(a.region), _clean(a.postal_code), a.country
                )
            )
    sancs = [
        Sanction(
            s.authority,
            s.list_name,
            _clean_all(s.programs),
            s.listing_date,
            _clean(s.reason),
            _uniq_sorted(s.sectors),
            _clean_all(s.measures),
            s.country,
        )
        for s in sanctions
    ]
    return Entity(
        id=entity_id or make_id(source, source_id),
        schema=schema,
        source=source,
        source_id=source_id,
        names=tuple(ordered),
        birth_dates=_clean_all(birth_dates),
        birth_places=_clean_all(birth_places),
        nationalities=_clean_all(nationalities),
        countries=_clean_all(countries),
        gender=gender,
        identifiers=_uniq_sorted(idents),
        addresses=_uniq_sorted(addrs),
        sanctions=_uniq_sorted(sancs),
        props=tuple(clean_props),
    )


def entity_to_dict(e: Entity) -> dict[str, Any]:
    """Plain JSON-able dict; keys without values are left out."""
    d: dict[str, Any] = {
        "id": e.id,
        "schema": e.schema,
        "source": e.source,
        "source_id": e.source_id,
        "caption": e.caption,
        "names": [_drop_none({"value": n.value, "kind": n.kind, "lang": n.lang}) for n in e.names],
    }
    if e.birth_dates:
        d["birth_dates"] = list(e.birth_dates)
    if e.birth_places:
        d["birth_places"] = list(e.birth_places)
    if e.nationalities:
        d["nationalities"] = list(e.nationalities)
    if e.countries:
        d["countries"] = list(e.countries)
    if e.gender:
        d["gender"] = e.gender
    if e.identifiers:
        d["identifiers"] = [
            _drop_none({"type": i.type, "value": i.value, "country": i.country, "note": i.note})
            for i in e.identifiers
        ]
    if e.addresses:
        d["addresses"] = [
            _drop_none(
                {
                    "full": a.full,
                    "street": a.street,
                    "city": a.city,
                    "region": a.region,
                    "postal_code": a.postal_code,
                    "country": a.country,
                }
            )
            for a in e.addresses
        ]
    if e.sanctions:
        d["sanctions"] = [
            _drop_none(
                {
                    "authority": s.authority,
                    "list_name": s.list_name,
                    "programs": list(s.programs) or None,
                    "listing_date": s.listing_date,
                    "reason": s.reason,
                    "sectors": list(s.sectors) or None,
                    "measures": list(s.measures) or None,
                    "country": s.country,
                }
            )
            for s in e.sanctions
        ]
    if e.props:
        d["props"] = {k: list(v) for k, v in e.props}
    return d


def entity_from_dict(d: Mapping[str, Any]) -> Entity:
    """Inverse of :func:`entity_to_dict`. The values of few kinds (schema, source, name kinds, languages,
    countries, identifier types, authorities, programmes...) are interned: a store of many entities then
    holds one string of each, not one per entity, and comparing them is comparing two pointers."""
    return Entity(
        id=d["id"],
        schema=_i(d["schema"]),
        source=_i(d["source"]),
        source_id=d["source_id"],
        names=tuple(
            Name(n["value"], _i(n.get("kind", "primary")), _i(n.get("lang"))) for n in d.get("names", [])
        ),
        birth_dates=tuple(d.get("birth_dates", ())),
        birth_places=tuple(d.get("birth_places", ())),
        nationalities=tuple(map(_i, d.get("nationalities", ()))),
        countries=tuple(map(_i, d.get("countries", ()))),
        gender=_i(d.get("gender")),
        identifiers=tuple(
            Identifier(_i(x["type"]), x["value"], _i(x.get("country")), _i(x.get("note")))
            for x in d.get("identifiers", [])
        ),
        addresses=tuple(
            Address(
                a["full"],
                a.get("street"),
                a.get("city"),
                a.get("region"),
                a.get("postal_code"),
                _i(a.get("country")),
            )
            for a in d.get("addresses", [])
        ),
        sanctions=tuple(
            Sanction(
                _i(s["authority"]),
                _i(s["list_name"]),
                tuple(map(_i, s.get("programs") or ())),
                s.get("listing_date"),
                s.get("reason"),
                tuple(map(_i, s.get("sectors") or ())),
                tuple(map(_i, s.get("measures") or ())),
                _i(s.get("country")),
            )
            for s in d.get("sanctions", [])
        ),
        props=tuple((_i(k), tuple(v)) for k, v in sorted(d.get("props", {}).items())),
    )


def _i(value: Any) -> Any:
    """``value`` interned (None stays None)."""
    return None if value is None else sys.intern(value)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def canonical_json(e: Entity) -> bytes:
    return orjson.dumps(entity_to_dict(e), option=orjson.OPT_SORT_KEYS)
