"""What OFAC's two XML formats share: the meaning of OFAC's labels and the entity builder.

The ``sdnList`` XML (``<idList><id><idType>``) and ENHANCED_XML (``<features>``,
``<identityDocuments>``, ``<sanctionsTypes>``) label each fact with the same OFAC wording
("Tax ID No.", "SWIFT/BIC", "Executive Order 13662 Directive Determination -", ...).
:func:`rule_for` says what a label means; a :class:`Draft` collects one listed party's facts
(from one or several records with the same list id) and :meth:`Draft.build` makes the
canonical :class:`~embargo.model.Entity` with one :class:`~embargo.model.Sanction` per list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from lxml import etree

from embargo.model import Entity
from embargo.model.entity import Address, Identifier, IdType, Name, Sanction, Schema, make_entity
from embargo.sources.base import Record, UsageTracker
from embargo.sources.catalog import source_info
from embargo.sources.sectors import sectors_for
from embargo.text.countries import country_code
from embargo.text.dates import parse_dates

SCHEMAS: dict[str, Schema] = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}

# Which list of OFAC's consolidated (non-SDN) publication a programme belongs to.
PROGRAM_LISTS: dict[str, str] = {
    "UKRAINE-EO13662": "SSI",
    "NS-PLC": "NS-PLC",
    "CMIC-EO13959": "CMIC",
    "CMIC-EO14032": "CMIC",
    "CMIC-EO": "CMIC",
    "CCMC-EO13959": "CMIC",
    "561-RELATED": "561",
    "561LIST": "561",
    "CAATSA - RUSSIA": "NS-MBS",
    "PEESA": "NS-MBS",
    "BURMA-EO14014": "NS-MBS",
    "ILLICIT-DRUGS-EO14059": "NS-MBS",
}
# Programmes that put a party on a non-SDN list only when no other programme names one
# (RUSSIA-EO14024 alone on the consolidated list means a menu-based directive; beside
# UKRAINE-EO13662 it is the same party's SDN designation).
WEAK_PROGRAM_LISTS: dict[str, str] = {
    "RUSSIA-EO14024": "NS-MBS",
    "IRAN": "NS-MBS",  # Iran Sanctions Act menu-based sanctions (the former NS-ISA list)
    "EO13645": "NS-MBS",
    "EO13846": "NS-MBS",
}


def program_list(program: str) -> tuple[str | None, str | None]:
    """(the list a programme puts a party on, the list it suggests when no other is named)."""
    up = program.strip().upper()
    if up.startswith("FSE-"):  # Foreign Sanctions Evaders: FSE-IR, FSE-SY
        return "FSE", None
    return PROGRAM_LISTS.get(up), WEAK_PROGRAM_LISTS.get(up)


LIST_ORDER = ("SDN", "SSI", "NS-MBS", "CMIC", "NS-PLC", "FSE", "561", "CAPTA")
# A measure meant for a list the party is not on goes to the first of these it is on.
FALLBACK_LISTS: dict[str, tuple[str, ...]] = {"NS-MBS": ("SDN",)}

# Sectors the directives themselves name (SSI: 1 financial, 2 energy, 3 defence, 4 deepwater/Arctic/shale oil).
DIRECTIVE_SECTORS: dict[tuple[str, str], str] = {
    ("13662", "1"): "finance",
    ("13662", "2"): "energy",
    ("13662", "3"): "defence",
    ("13662", "4"): "energy",
    ("14024", "1a"): "finance",
    ("14024", "2"): "finance",
    ("14024", "4"): "finance",
}
DIRECTIVE_LISTS: dict[str, str] = {"13662": "SSI", "14024": "NS-MBS", "14014": "NS-MBS"}

RuleKind = Literal[
    "id",
    "gender",
    "prop",
    "prop_date",
    "prop_country",
    "alias",
    "measure",
    "directive",
    "listing_date",
    "date_note",
    "birth_date",
    "birth_place",
    "nationality",
]


@dataclass(frozen=True)
class Rule:
    """What one OFAC label means: ``kind`` plus an argument (id type, prop name, EO, prefix)."""

    kind: RuleKind
    arg: str = ""
    hint: str | None = None  # the list a measure or date belongs to
    known: bool = True


def _ids(id_type: IdType, *labels: str) -> dict[str, Rule]:
    return {label: Rule("id", id_type) for label in labels}


_RULES: dict[str, Rule] = {
    **_ids(
        "passport",
        "passport",
        "diplomatic passport",
        "british national overseas passport",
        "stateless person passport",
        "travel document number",
    ),
    **_ids(
        "national_id",
        "national id no.",
        "identification number",
        "cedula no.",
        "d.n.i.",
        "ssn",
        "c.u.r.p.",
        "c.u.i.",
        "c.u.i.p.",
        "c.i.n.",
        "le number",
        "n.i.e.",
        "i.f.e.",
        "bosnian personal id no.",
        "credencial electoral",
        "electoral registry no.",
        "kenyan id no.",
        "moroccan personal id no.",
        "public security and immigration no.",
        "immigration no.",
        "national foreign id number",
        "personal id card",
        "residency number",
        "cnp (personal numerical code)",
        "romanian permanent resident",
        "turkish identification number",
        "stateless person id card",
        "refugee id card",
        "numero de identidad",
        "tazkira national id card",
        "citizen's card number",
        "uae identification",
        "birth certificate number",
        "cartilla de servicio militar nacional",
        "military registration number",
        "seafarer's identification document",
    ),
    **_ids(
        "tax_id",
        "tax id no.",
        "r.f.c.",
        "rfc",
        "nit #",
        "ruc #",
        "rif #",
        "rtn",
        "c.i.f.",
        "c.u.i.t.",
        "n.i.f.",
        "v.a.t. number",
        "italian fiscal code",
        "fiscal code",
        "paraguayan tax identification number",
        "romanian tax registration",
        "numero unico de identificacao tributaria (nuit)",
        "us fein",
        "rsin",
    ),
    **_ids(
        "registration",
        "registration id",
        "registration number",
        "business registration number",
        "business registration document #",
        "business number",
        "public registration number",
        "government gazette number",
        "company number",
        "uk company number",
        "c.r. no.",
        "commercial registry number",
        "certificate of incorporation number",
        "chamber of commerce number",
        "dubai chamber of commerce membership no.",
        "istanbul chamber of comm. no.",
        "registration certificate number (dubai)",
        "matricula mercantil no",
        "folio mercantil no.",
        "romanian c.r.",
        "unified social credit code (uscc)",
        "united social credit code certificate (usccc)",
        "russian state individual business registration number pattern (ogrnip)",
        "central registration system number",
        "economic register number (cbls)",
        "enterprise number",
        "branch unit number",
        "organization code",
        "registered charity no.",
        "trade license no.",
        "tourism license no.",
        "license",
        "permit number",
        "msb registration number",
        "afghan money service provider license number",
    ),
    **_ids("lei", "legal entity number"),
    **_ids("swift", "swift/bic"),
    **_ids("imo", "vessel registration identification"),
    **_ids("mmsi", "mmsi"),
    **_ids("call_sign", "vessel call sign", "other vessel call sign"),
    **_ids(
        "aircraft_serial",
        "aircraft serial identification",
        "aircraft construction number (also called l/n or s/n or f/n)",
        "aircraft manufacturer's serial number (msn)",
    ),
    **_ids("aircraft_tail", "aircraft tail number", "previous aircraft tail number"),
    **_ids("email", "email address"),
    **_ids("website", "website"),
    **_ids("phone", "phone number", "telephone", "fax"),
    **_ids(
        "other",
        "bik (ru)",
        "isin",
        "global intermediary identification number",
        "aircraft mode s transponder code",
        "chinese commercial code",
        "driver's license no.",
        "pilot license number",
        "visanumberid",
        "sre permit no.",
        "file number",
        "trademark number",
        "serial no.",
    ),
    "gender": Rule("gender"),
    "organization established date": Rule("prop_date", "incorporationDate"),
    "organization type": Rule("prop", "sector"),
    "target type": Rule("prop", "classification"),
    "equity ticker": Rule("prop", "ticker"),
    "issuer name": Rule("alias"),
    "nationality of registration": Rule("prop_country", "jurisdiction"),
    "vessel flag": Rule("prop_country", "flag"),
    "other vessel flag": Rule("prop_country", "flag"),
    "vessel type": Rule("prop", "type"),
    "other vessel type": Rule("prop", "type"),
    "vessel owner": Rule("prop", "ownerName"),
    "vessel tonnage": Rule("prop", "tonnage"),
    "vessel gross registered tonnage": Rule("prop", "grossRegisteredTonnage"),
    "vessel year of build": Rule("prop_date", "buildDate"),
    "aircraft manufacture date": Rule("prop_date", "buildDate"),
    "aircraft model": Rule("prop", "model"),
    "aircraft operator": Rule("prop", "operatorName"),
    "title": Rule("prop", "title"),
    "birthdate": Rule("birth_date"),
    "place of birth": Rule("birth_place"),
    "nationality country": Rule("nationality"),
    "citizenship country": Rule("nationality"),
    "executive order 13662 directive determination": Rule("directive", "13662", "SSI"),
    "executive order 14024 directive information": Rule("directive", "14024", "NS-MBS"),
    "executive order 14014 directive information": Rule("directive", "14014", "NS-MBS"),
    "executive order 13645 determination": Rule("measure", "EO 13645 Determination"),
    "ifca determination": Rule("measure", "IFCA Determination"),
    "executive order 13846 information": Rule("measure", "EO 13846", "NS-MBS"),
    "executive order 14059 information": Rule("measure", "EO 14059", "NS-MBS"),
    "caatsa section 235 information": Rule("measure", "CAATSA Section 235", "NS-MBS"),
    "peesa information": Rule("measure", "PEESA", "NS-MBS"),
    "secondary sanctions risk": Rule("measure", "Secondary sanctions risk"),
    "transactions prohibited for persons owned or controlled by u.s. financial institutions": Rule(
        "measure", "Transactions prohibited for persons owned or controlled by U.S. financial institutions"
    ),
    "additional sanctions information": Rule("measure"),
}
_DATED = re.compile(
    r"^(listing date|effective date|purchase/sales for divestment date|divestment date)\s*\((.+)\)$"
)
_IMO = re.compile(r"^IMO\s*(\d{7})$", re.IGNORECASE)
_DIRECTIVE = re.compile(r"\bDirective\s+(\d+[a-z]?)\b", re.IGNORECASE)


def _norm_label(label: str) -> str:
    return " ".join(label.split()).strip(" :-").lower()


def _hint_of(scope: str) -> str | None:
    s = scope.upper()
    if "CMIC" in s or "CCMC" in s:
        return "CMIC"
    m = re.search(r"EO\s*(\d{5})", s)
    if m:
        return DIRECTIVE_LISTS.get(m.group(1))
    return None


def rule_for(label: str) -> Rule:
    """What an OFAC fact label means; an unknown label is kept as an ``other`` identifier."""
    key = _norm_label(label)
    rule = _RULES.get(key)
    if rule is not None:
        return rule
    if key.startswith("digital currency address"):
        return Rule("id", "crypto_wallet")
    m = _DATED.match(key)
    if m:
        if m.group(1) == "listing date":
            return Rule("listing_date", hint=_hint_of(m.group(2)))
        return Rule("date_note")
    return Rule("id", "other", known=False)


def sanction_type_rule(value: str) -> tuple[str, str | None, str | None]:
    """ENHANCED_XML ``sanctionsType`` -> (measure, list it belongs to, sector)."""
    m = re.match(r"^(?:Executive Order\s+)?(\d{5})(?:\s+Sectoral)?\s+Directive\s+(\w+)$", value.strip())
    if m:
        eo, number = m.group(1), m.group(2).lower()
        return f"EO {eo} Directive {number}", DIRECTIVE_LISTS.get(eo), DIRECTIVE_SECTORS.get((eo, number))
    low = value.lower()
    if low == "block":
        return value, "SDN", None
    if "cmic" in low or "13959" in low:
        return value, "CMIC", None
    if low.startswith("561"):
        return value, "561", None
    if "caatsa" in low or "14059" in low:
        return value, "NS-MBS", None
    return value, None, None


@dataclass
class Draft:
    """One listed party's facts, gathered before the canonical entity is built."""

    schema: Schema
    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str | None] = field(default_factory=list)
    countries: list[str | None] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    props: dict[str, list[str | None]] = field(default_factory=dict)
    programs: list[str] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)  # stated lists -> their listing dates
    measures: list[tuple[str, str | None]] = field(default_factory=list)  # (measure, list hint)
    sectors: list[tuple[str, str | None]] = field(default_factory=list)  # (sector, list hint)
    listing_dates: list[tuple[str, str | None]] = field(default_factory=list)
    sector_texts: list[str] = field(default_factory=list)
    unknown_labels: Counter[str] = field(default_factory=Counter)

    def prop(self, key: str, *values: str | None) -> None:
        self.props.setdefault(key, []).extend(values)

    def labelled(self, label: str, value: str | None, country: str | None = None) -> None:
        """Add one labelled OFAC fact (``idType``/feature/identity document) with its value."""
        if value is None or not value.strip():
            return
        value = " ".join(value.split())
        rule = rule_for(label)
        if not rule.known:
            self.unknown_labels[label] += 1
        kind = rule.kind
        if kind == "id":
            id_type: Any = rule.arg
            imo = _IMO.match(value)
            if imo and id_type in ("imo", "other", "national_id", "registration"):
                id_type, value = "imo", f"IMO{imo.group(1)}"
            elif id_type == "imo":
                id_type = "other"
            self.identifiers.append(Identifier(id_type, value, country, " ".join(label.split())))
        elif kind == "gender":
            g = value.lower()
            self.gender = g if g in ("male", "female") else self.gender
        elif kind == "prop":
            self.prop(rule.arg, value)
            if rule.arg in ("sector", "classification"):
                self.sector_texts.append(value)
        elif kind == "prop_date":
            self.prop(rule.arg, *(parse_dates(value) or [value]))
        elif kind == "prop_country":
            code = country or country_code(value)
            self.prop(rule.arg, code or value)
            if rule.arg == "jurisdiction":
                self.countries.append(code)
        elif kind == "alias":
            self.names.append(Name(value, "alias"))
        elif kind == "measure":
            self.measures.append((f"{rule.arg}: {value}" if rule.arg else value, rule.hint))
            if rule.arg.startswith("IFCA"):
                self.sector_texts.append(value)
        elif kind == "directive":
            self.directive(rule.arg, value, rule.hint)
        elif kind == "listing_date":
            for d in parse_dates(value):
                self.listing_dates.append((d, rule.hint))
        elif kind == "date_note":
            dates = parse_dates(value)
            self.prop("notes", f"{' '.join(label.split()).rstrip(' :')}: {', '.join(dates) or value}")
        elif kind == "birth_date":
            self.birth_dates.extend(parse_dates(value))
        elif kind == "birth_place":
            self.birth_places.append(value)
        elif kind == "nationality":
            self.nationalities.append(country or country_code(value))

    def directive(self, eo: str, value: str, hint: str | None) -> None:
        m = _DIRECTIVE.search(value)
        if m is None:
            if not value.lower().startswith("for more information"):  # a link to OFAC's directive page
                self.measures.append((f"EO {eo}: {value}", hint))
            return
        number = m.group(1).lower()
        self.measures.append((f"EO {eo} Directive {number}", hint))
        sector = DIRECTIVE_SECTORS.get((eo, number))
        if sector:
            self.sectors.append((sector, hint))

    def build(self, source: str, source_id: str) -> Entity:
        sanctions = self._sanctions(source)  # may add notes (dates of lists the party is not on)
        return make_entity(
            source=source,
            source_id=source_id,
            schema=self.schema,
            names=self.names,
            birth_dates=self.birth_dates,
            birth_places=self.birth_places,
            nationalities=self.nationalities,
            countries=self.countries,
            gender=self.gender,
            identifiers=self.identifiers,
            addresses=self.addresses,
            sanctions=sanctions,
            props=self.props,
        )

    def _list_names(self, source: str) -> list[str]:
        if self.lists:
            found = set(self.lists)
        elif source == "us_ofac_sdn":
            found = {"SDN"}
        else:
            pairs = [program_list(p) for p in self.programs]
            found = {strong for strong, _ in pairs if strong}
            if not found:
                found = {weak for _, weak in pairs if weak}
            if not found:
                found = {"Non-SDN"}
        order = [n for n in LIST_ORDER if n in found] + sorted(found - set(LIST_ORDER))
        if source != "us_ofac_sdn" and len(order) > 1 and order[0] == "SDN":
            order = [*order[1:], "SDN"]  # the consolidated list's own list comes first
        return order

    def _sanctions(self, source: str) -> list[Sanction]:
        info = source_info(source)
        lists = self._list_names(source)
        primary = lists[0]

        def target(hint: str | None) -> str:
            for name in (hint, *FALLBACK_LISTS.get(hint or "", ())):
                if name in lists:
                    return name
            return primary

        programs: dict[str, list[str]] = {n: [] for n in lists}
        for p in self.programs:
            strong, weak = program_list(p)
            programs[target(strong or weak or "SDN")].append(p)
        measures: dict[str, list[str]] = {n: [] for n in lists}
        for m, hint in self.measures:
            measures[target(hint)].append(m)
        sectors: dict[str, list[str]] = {n: [] for n in lists}
        for s, hint in self.sectors:
            sectors[target(hint)].append(s)
        dates: dict[str, list[str]] = {n: list(self.lists.get(n, ())) for n in lists}
        for d, hint in self.listing_dates:
            if hint in lists:
                dates[hint].append(d)
            else:
                self.prop("notes", f"Listing Date ({hint or 'OFAC'}): {d}")
        out = []
        for n in lists:
            progs = tuple(programs[n])
            out.append(
                Sanction(
                    authority=info.authority,
                    list_name=n,
                    programs=progs,
                    listing_date=min(dates[n]) if dates[n] else None,
                    sectors=tuple(sorted({*sectors[n], *sectors_for(progs, *self.sector_texts)})),
                    measures=tuple(measures[n]),
                    country=info.country,
                )
            )
        return out


def merge_key(source_id: str) -> tuple[int, int, str]:
    """Sort list ids numerically where they are numbers."""
    return (0, int(source_id), "") if source_id.isdigit() else (1, 0, source_id)


def localname(el: Any) -> str:
    return str(etree.QName(el).localname)


def fields(el: Any, *, elements: bool = False) -> dict[str, Any]:
    """An element's children by local name: leaf text (stripped), or the element itself
    (always with ``elements``, to read attributes); a name that repeats maps to a list."""
    out: dict[str, Any] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        key = localname(child)
        value: Any = child if elements or len(child) else (child.text or "").strip()
        if key in out:
            prev = out[key]
            out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[key] = value
    return out


def items(value: Any) -> Iterator[Any]:
    """The elements of a field that may be missing, one element or a list of them."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, list):
        for v in value:
            if not isinstance(v, str):
                yield v
    else:
        yield value


def texts(value: Any) -> list[str]:
    """The text values of a repeated leaf field."""
    vals = value if isinstance(value, list) else [value]
    return [v for v in vals if isinstance(v, str) and v]


class Usage:
    """One :class:`UsageTracker` per element path; reports ``path/field -> records``."""

    def __init__(self) -> None:
        self.trackers: dict[str, UsageTracker] = {}
        self.extra: Counter[str] = Counter()

    def done(self, path: str, rec: Record) -> None:
        self.trackers.setdefault(path, UsageTracker()).check(rec)

    def unknown(self, path: str, labels: Iterable[str]) -> None:
        for label in labels:
            self.extra[f"{path}[{label}]"] += 1

    def unconsumed(self) -> dict[str, int]:
        out: dict[str, int] = dict(self.extra)
        for path, tracker in self.trackers.items():
            for key, n in tracker.unconsumed.items():
                out[f"{path}/{key}"] = n
        return dict(sorted(out.items()))


_PROLOG = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def root_name(head: bytes) -> str | None:
    """Local name of an XML document's root element, from its first bytes (None if not XML)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return None
    m = _FIRST_TAG.search(_PROLOG.sub(b"", text))
    return m.group(2).decode("ascii") if m else None


def make_address(
    street: Iterable[str | None],
    city: str | None,
    region: str | None,
    postal_code: str | None,
    country_name: str | None,
    country: str | None,
) -> Address | None:
    """One address; a country printed as ``Region: Gaza`` is a region."""
    regions = [region]
    if country_name and country_name.lower().startswith("region:"):
        regions.append(country_name.split(":", 1)[1].strip())
        country = country or country_code(regions[-1])
        country_name = None
    lines = [s for s in street if s]
    region_text = ", ".join(r for r in regions if r) or None
    parts = [*lines, city, region_text, postal_code, country_name]
    full = ", ".join(p for p in parts if p)
    if not full:
        return None
    return Address(full, ", ".join(lines) or None, city, region_text, postal_code, country)
