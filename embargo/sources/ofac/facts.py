"""What OFAC's formats share: the meaning of OFAC's labels and the entity builder.

The ``sdnList`` XML (``<idList><id><idType>``), ENHANCED_XML (``<features>``,
``<identityDocuments>``, ``<sanctionsTypes>``) and the legacy CSV's Remarks (``Label value; ...``)
label each fact with the same OFAC wording ("Tax ID No.", "SWIFT/BIC", "Executive Order 13662
Directive Determination -", ...). :func:`rule_for` says what a label means (the tables are
reviewable data in ``embargo/resources/us_ofac_labels.yml``, the only copy); a :class:`Draft`
collects one listed party's facts (from one or several records with the same list id) and
:meth:`Draft.build` makes the canonical :class:`~embargo.model.Entity` with one
:class:`~embargo.model.Sanction` per list. Every format reads its facts through
:meth:`Draft.labelled`, so one publication gets the same entities from each edition.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from embargo.model import Entity
from embargo.model.entity import ID_TYPES, Address, Identifier, Name, Sanction, Schema, make_entity
from embargo.resources import load
from embargo.sources.catalog import source_info
from embargo.sources.sectors import sectors_for
from embargo.sources.values import country_tail, date_span, gender, one_gender
from embargo.text.countries import country_code
from embargo.text.dates import parse_dates

LIST_ORDER = ("SDN", "SSI", "NS-MBS", "CMIC", "NS-PLC", "FSE", "561")
# A measure meant for a list the party is not on goes to the first of these it is on.
FALLBACK_LISTS: dict[str, tuple[str, ...]] = {"NS-MBS": ("SDN",)}

RuleKind = Literal[
    "id",
    "gender",
    "prop",
    "prop_date",
    "prop_country",
    "prop_number",
    "alias",
    "weak_alias",
    "note",
    "skip",
    "measure",
    "directive",
    "listing_date",
    "date_note",
    "birth_date",
    "birth_place",
    "nationality",
]
RULE_KINDS: tuple[str, ...] = RuleKind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Rule:
    """What one OFAC label means: ``kind`` plus an argument (id type, prop name, EO, prefix)."""

    kind: RuleKind
    arg: str = ""
    hint: str | None = None  # the list a measure or date belongs to
    known: bool = True
    describes: bool = False  # a measure whose wording describes the party: read by the sector rules


@dataclass(frozen=True)
class Labels:
    """The tables of ``embargo/resources/us_ofac_labels.yml``."""

    rules: dict[str, Rule]
    crypto_prefix: str
    programs: dict[str, str]
    weak_programs: dict[str, str]
    directive_sectors: dict[tuple[str, str], str]
    directive_lists: dict[str, str]
    enhanced_lists: dict[str, str]
    target_type_sectors: dict[str, str]


def _norm_label(label: str) -> str:
    return " ".join(label.split()).strip(" :-").lower()


@lru_cache(maxsize=1)
def labels() -> Labels:
    """Load and check the label tables (a typo in an id type or kind fails loudly)."""
    data: dict[str, Any] = load("us_ofac_labels.yml")
    rules: dict[str, Rule] = {}
    for id_type, names in data["identifiers"].items():
        if id_type not in ID_TYPES:
            raise ValueError(f"us_ofac_labels.yml: unknown identifier type {id_type!r}")
        for name in names:
            rules[_norm_label(str(name))] = Rule("id", id_type)
    for label, spec in data["facts"].items():
        kind = spec["kind"]
        if kind not in RULE_KINDS:
            raise ValueError(f"us_ofac_labels.yml: unknown kind {kind!r} for {label!r}")
        arg = spec.get("prop") or spec.get("eo") or spec.get("prefix") or ""
        rules[_norm_label(str(label))] = Rule(
            kind, str(arg), spec.get("list"), describes=spec.get("describes") == "party"
        )
    return Labels(
        rules=rules,
        crypto_prefix=_norm_label(data["crypto_prefix"]),
        programs={str(k).upper(): str(v) for k, v in data["programs"].items()},
        weak_programs={str(k).upper(): str(v) for k, v in data["weak_programs"].items()},
        directive_sectors={
            (str(eo), str(n).lower()): str(sector)
            for eo, table in data["directive_sectors"].items()
            for n, sector in table.items()
        },
        directive_lists={str(k): str(v) for k, v in data["directive_lists"].items()},
        enhanced_lists={str(k): str(v) for k, v in data["enhanced_lists"].items()},
        target_type_sectors={str(k).lower(): str(v) for k, v in data["target_type_sectors"].items()},
    )


def program_list(program: str) -> tuple[str | None, str | None]:
    """(the list a programme puts a party on, the list it suggests when no other is named)."""
    up = program.strip().upper()
    if up.startswith("FSE-"):  # Foreign Sanctions Evaders: FSE-IR, FSE-SY
        return "FSE", None
    t = labels()
    return t.programs.get(up), t.weak_programs.get(up)


_DATED = re.compile(
    r"^(listing date|effective date|purchase/sales for divestment date|divestment date)\s*\((.+)\)$"
)
_LINKED = re.compile(r"^\(?\s*Linked To:\s*(.+)$", re.IGNORECASE)
_IMO = re.compile(r"^IMO\s*(\d{7})$", re.IGNORECASE)
# Free text that names a position ("Minister of ...", "Brigadier General", "Deputy Chief of Staff").
_POSITION = re.compile(
    r"^(?:(?:former|first|deputy|vice|acting|current or former|senior|state duma|executive|general)[\s,-]+)*"
    r"(?:member of|chairman|chairwoman|chairperson|chair of|head of|director|minister|commander|"
    r"brigadier general|major general|lieutenant general|general|colonel|president|vice[- ]president|"
    r"secretary|governor|ambassador|magistrate|speaker|prime minister|managing director|chief|aide to|"
    r"rector|supervisory board member|constituent|judge|prosecutor|mayor|advis[eo]r|presidential advis[eo]r|"
    r"officer|representative|manager|ceo|founder|deputy|leader|commissioner|member of parliament|"
    r"union minister|venezuela's minister|vice-chairperson|vice chairman)\b",
    re.IGNORECASE,
)
_DIRECTIVE = re.compile(r"\bDirective\s+(\d+[a-z]?)\b", re.IGNORECASE)


def _label_text(label: str) -> str:
    """A label as printed, without its trailing ``:`` or `` -``."""
    return " ".join(label.split()).rstrip(" :-")


def _hint_of(scope: str) -> str | None:
    s = scope.upper()
    if "CMIC" in s or "CCMC" in s:
        return "CMIC"
    m = re.search(r"EO\s*(\d{5})", s)
    if m:
        return labels().directive_lists.get(m.group(1))
    return None


def label_names() -> list[str]:
    """Every label of the tables (normalised: lower case, single spaces, no trailing ``:`` or ``-``)."""
    return [*labels().rules, labels().crypto_prefix]


@lru_cache(maxsize=4096)  # a publication prints a few hundred distinct labels, many times each
def rule_for(label: str) -> Rule:
    """What an OFAC fact label means; an unknown label is kept as an ``other`` identifier."""
    key = _norm_label(label)
    t = labels()
    rule = t.rules.get(key)
    if rule is not None:
        return rule
    if key.startswith(t.crypto_prefix):
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
        t = labels()
        eo, number = m.group(1), m.group(2).lower()
        return f"EO {eo} Directive {number}", t.directive_lists.get(eo), t.directive_sectors.get((eo, number))
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
    genders: set[str] = field(default_factory=set)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    props: dict[str, list[str | None]] = field(default_factory=dict)
    programs: list[str] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)  # stated lists -> their listing dates
    measures: list[tuple[str, str | None]] = field(default_factory=list)  # (measure, list hint)
    sectors: list[tuple[str, str | None]] = field(default_factory=list)  # (sector, list hint)
    listing_dates: list[tuple[str, str | None, str]] = field(default_factory=list)  # (date, list, label)
    sector_texts: list[str] = field(default_factory=list)
    unknown_labels: Counter[str] = field(default_factory=Counter)

    def prop(self, key: str, *values: str | None) -> None:
        self.props.setdefault(key, []).extend(values)

    def labelled(self, label: str, value: str | None, country: str | None = None) -> None:
        """Add one labelled OFAC fact (``idType``/feature/identity document) with its value."""
        rule = rule_for(label)
        if rule.kind == "note":  # the label may be the whole fact ("All offices worldwide")
            self.prop("notes", " ".join(f"{_label_text(label)} {value or ''}".split()))
            return
        if value is None or not value.strip():
            return
        value = " ".join(value.split())
        if not rule.known:
            self.unknown_labels[label] += 1
        kind = rule.kind
        if kind == "id":
            id_type: Any = rule.arg
            if country is None:
                value, country = country_tail(value)  # "1026303117642 (Russia)"
            imo = _IMO.match(value)
            if imo and id_type in ("imo", "other", "national_id", "registration"):
                id_type, value = "imo", f"IMO{imo.group(1)}"
            elif id_type == "imo" and value.isdigit() and len(value) == 7:
                value = f"IMO{value}"
            elif id_type == "imo":
                id_type = "other"
            self.identifiers.append(Identifier(id_type, value, country, " ".join(label.split())))
        elif kind == "gender":
            if sex := gender(value):
                self.genders.add(sex)
            else:
                self.prop("notes", f"Gender: {value}")
        elif kind == "prop":
            self.prop(rule.arg, value)
            if rule.arg in ("sector", "classification"):
                self.sector_texts.append(value)
            sector = labels().target_type_sectors.get(value.lower()) if rule.arg == "classification" else None
            if sector:
                self.sectors.append((sector, None))
        elif kind == "prop_date":
            dates = date_span(value)
            if dates:
                self.prop(rule.arg, *dates)
            else:
                self.prop("notes", f"{_label_text(label)}: {value}")
        elif kind == "prop_country":
            code = country or country_code(value)
            if code is None:
                self.prop("notes", f"{_label_text(label)}: {value}")
            else:
                self.prop(rule.arg, code)
            if rule.arg == "jurisdiction":
                self.countries.append(code)
        elif kind == "prop_number":
            self.prop(rule.arg, value.replace(",", ""))  # "163,870" tonnes
        elif kind == "alias":
            self.names.append(Name(value, "alias"))
            if rule.arg:
                self.prop(rule.arg, value)
        elif kind == "weak_alias":
            self.names.append(Name(value, "weak"))
        elif kind == "measure":
            measure = f"{rule.arg}: {value}" if rule.arg else value
            self.measures.append((measure, rule.hint))
            if rule.describes:
                self.sector_texts.append(measure)
        elif kind == "directive":
            self.directive(rule.arg, value, rule.hint)
        elif kind == "listing_date":
            dates = parse_dates(value)
            for d in dates:
                self.listing_dates.append((d, rule.hint, _label_text(label)))
            if not dates:
                self.prop("notes", f"{_label_text(label)}: {value}")
        elif kind == "date_note":
            dates = parse_dates(value)
            self.prop("notes", f"{_label_text(label)}: {', '.join(dates) or value}")
        elif kind == "birth_date":
            dates = date_span(value)
            self.birth_dates.extend(dates)
            if not dates:
                self.prop("notes", f"DOB {value}")
        elif kind == "birth_place":
            self.birth_places.append(value)
        elif kind == "nationality":
            code = country or country_code(value)
            self.nationalities.append(code)
            if code is None:
                self.prop("notes", f"{_label_text(label)}: {value}")

    def remarks(self, text: str | None) -> None:
        """The XML's ``remarks``: ``;``-separated parts of free text."""
        for part in (text or "").split(";"):
            self.free_text(part)

    def free_text(self, part: str) -> bool:
        """One part of remarks no label explains: ``(Linked To: X)`` names a linked listed party,
        "For more information ... link" is boilerplate, a position ("Minister of ...") is a position,
        the rest is a note. True when the part's meaning is known (not a note)."""
        part = part.strip()
        if not part:
            return True
        self.sector_texts.append(part)
        if part.lower().startswith("for more information"):
            return True
        m = _LINKED.match(part)
        if m:
            value = m.group(1).strip()
            if part.startswith("(") and value.endswith(")"):
                value = value[:-1].strip()
            self.prop("linkedTo", value)
            return True
        if _POSITION.match(part):
            self.prop("position", part)
            return True
        self.prop("notes", part)
        return False

    def document_dates(self, label: str, number: str, issued: str | None, expires: str | None) -> None:
        """A document's issue and expiry dates, kept as a note (an identifier has no field for them)."""
        on, until = parse_dates(issued), parse_dates(expires)
        when = [f"issued {on[0]}"] if on else []
        when += [f"expires {until[0]}"] if until else []
        if when:
            self.prop("notes", f"{label} {number}: {', '.join(when)}")

    def directive(self, eo: str, value: str, hint: str | None) -> None:
        m = _DIRECTIVE.search(value)
        if m is None:
            if not value.lower().startswith("for more information"):  # a link to OFAC's directive page
                self.measures.append((f"EO {eo}: {value}", hint))
            return
        number = m.group(1).lower()
        self.measures.append((f"EO {eo} Directive {number}", hint))
        sector = labels().directive_sectors.get((eo, number))
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
            gender=one_gender(self.genders),
            identifiers=_one_per_value(self.identifiers),
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
        for d, hint, label in self.listing_dates:
            if hint in lists:
                dates[hint].append(d)
            else:  # e.g. an EO 14024 directive's listing date on an SSI entry: not the SSI listing
                self.prop("notes", f"{label}: {d}")
        out = []
        for n in lists:
            progs = tuple(programs[n])
            out.append(
                Sanction(
                    authority=info.authority,
                    list_name=n,
                    programs=progs,
                    listing_date=min(dates[n]) if dates[n] else None,
                    sectors=tuple(sorted({*sectors[n], *_sectors(progs, tuple(self.sector_texts))})),
                    measures=tuple(measures[n]),
                    country=info.country,
                )
            )
        return out


@lru_cache(maxsize=4096)
def _sectors(programs: tuple[str, ...], texts: tuple[str, ...]) -> tuple[str, ...]:
    return sectors_for(programs, *texts)  # many parties share programmes and statements


def _one_per_value(identifiers: list[Identifier]) -> list[Identifier]:
    """One identifier per (type, value, country), the first label kept; a value printed both with
    and without a country keeps the country."""
    by_value: dict[tuple[str, str], dict[str | None, Identifier]] = {}
    for i in identifiers:
        by_value.setdefault((i.type, i.value), {}).setdefault(i.country, i)
    out: list[Identifier] = []
    for variants in by_value.values():
        with_country = [i for c, i in variants.items() if c is not None]
        out.extend(with_country or variants.values())
    return out
