"""OFAC's Remarks field, read into facts.

OFAC's legacy CSV (and the ``remarks`` of its older XML) packs most of what it knows about a
party into one free-text field, ``;``-separated, each part led by a label::

    DOB 21 Dec 1963; POB Moscow, Russia; nationality Russia; Gender Male;
    Passport 123 (Russia) expires 2020; a.k.a. 'ROGOSIN'; Linked To: Y; IMO 9187629; ...

:func:`parse_remarks` is pure (text in, :class:`Remarks` out). Labels are looked up in one table
(:data:`LABELS`); a part that no label explains is kept in ``notes`` and reported in
:attr:`Remarks.unknown`, so a new label is noticed instead of silently dropped. Positions
("Minister of ...", "Brigadier General") go to ``position``; other free text to ``notes``.
An ``alt.`` prefix ("alt. DOB 1964") marks a second value of the same label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from embargo.model.entity import Identifier, IdType, Name
from embargo.text.countries import country_code
from embargo.text.dates import parse_date, parse_dates

__all__ = ["LABELS", "Remarks", "parse_dob", "parse_remarks", "split_remarks"]

# EO 13662 (Ukraine-/Russia-related SSI) directives: 1 financial services, 2 energy, 3 defence, 4 energy
# (deepwater, Arctic offshore and shale oil projects).
SSI_DIRECTIVE_SECTORS = {"1": "finance", "2": "energy", "3": "defence", "4": "energy"}
# EO 14024 directives 1A (sovereign debt), 2 (correspondent accounts), 3 (new debt/equity), 4 (central bank):
# all restrict financial dealings.
EO14024_DIRECTIVE_SECTORS = {"1": "finance", "1a": "finance", "2": "finance", "3": "finance", "4": "finance"}
TARGET_TYPE_SECTORS = {"financial institution": "finance"}


@dataclass
class Remarks:
    """Facts read out of one Remarks text (lists in the order the text gives them)."""

    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO alpha-2 (nationality and citizenship)
    gender: str | None = None
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    props: dict[str, list[str]] = field(default_factory=dict)
    measures: list[str] = field(default_factory=list)  # sanction measures and determinations
    sectors: list[str] = field(default_factory=list)  # sectors the text states (directives, target type)
    statements: list[str] = field(default_factory=list)  # sanction-related sentences, for sector rules
    listing_dates: list[str] = field(default_factory=list)  # "Listing Date (CMIC) 03 Jun 2021" and the like
    unknown: list[str] = field(default_factory=list)  # labels (or "(free text)") no rule explained
    truncated: str | None = None  # the cut-off last part, when the field was truncated

    def add(self, prop: str, value: str | None) -> None:
        if value:
            self.props.setdefault(prop, []).append(value)


Handler = Callable[[Remarks, str, str], None]  # (facts, label as printed, value)


# -- value helpers -------------------------------------------------------------------------------------

_TRAILING_DOT = re.compile(r"(?<!\.[A-Za-z])\.+$")  # "Male." -> "Male", but "S.A." and "C.V." stay
_LEADING_QUALIFIER = re.compile(r"^\([A-Za-z][^()]*\)\s+(?=\S*\d)")
_NUMBER_PREFIX = re.compile(r"^(?:#|No\.?:?)\s*")
_ISSUED_OTHER = re.compile(r"(?:^|\s+)issued\b", re.IGNORECASE)
_ISSUED = re.compile(
    r"(?:^|\s+)issued\s+(?:by\s+[^()]*?\s+)?(?:on\s+)?(\d{1,2}\s+[A-Za-z]{3}\s+\d{4}|[A-Za-z]{3}\s+\d{4}|\d{4})\b"
)
_EXPIRES = re.compile(r"(?:^|\s+)expires\s+(\d{1,2}\s+[A-Za-z]{3}\s+\d{4}|[A-Za-z]{3}\s+\d{4}|\d{4})\b")
_PAREN_TAIL = re.compile(r"\s*\(([^()]*)\)\s*$")
_DATE_RANGE = re.compile(r"^(.+?)\s+to\s+(.+)$", re.IGNORECASE)


def _strip_dot(value: str) -> str:
    return _TRAILING_DOT.sub("", value.strip()).strip()


def parse_dob(value: str) -> list[str]:
    """``1963`` / ``circa 1963`` / ``1962 to 1964`` / ``Dec 1963`` / ``21 Dec 1963`` /
    ``01 Jan 1961 to 31 Dec 1963`` -> ISO partial dates (a range gives the years it covers)."""
    value = _strip_dot(value)
    found = parse_dates(value)
    if found:
        return found
    m = _DATE_RANGE.match(value)
    if not m:
        return []
    start = parse_date(m.group(1).removeprefix("circa ").strip())
    end = parse_date(m.group(2).strip())
    if start is None or end is None or end < start:
        return []
    if start[:7] == end[:7] and len(start) >= 7:
        return [start[:7]]  # within one month
    y0, y1 = int(start[:4]), int(end[:4])
    if y1 - y0 > 10:
        return []
    return [f"{y:04d}" for y in range(y0, y1 + 1)]


def _country_tail(value: str) -> tuple[str, str | None]:
    """``"123 (Russia)"`` -> ``("123", "ru")``; a parenthesis that is not a country stays in the value."""
    m = _PAREN_TAIL.search(value)
    if m:
        code = country_code(m.group(1))
        if code is not None:
            return value[: m.start()].strip(), code
    return value, None


def _document(value: str) -> tuple[str, str | None, str | None]:
    """An identity document's number, country and what else the part says ("issued in Amman").
    Issue and expiry dates are dropped (an :class:`Identifier` has no field for them)."""
    value = _NUMBER_PREFIX.sub("", _strip_dot(value))
    value = _EXPIRES.sub("", value)
    value = _ISSUED.sub("", value)
    number, country = _country_tail(_strip_dot(value))
    number = _LEADING_QUALIFIER.sub("", number)  # "(NUIT) 300000436" -> "300000436"
    rest = None
    m = _ISSUED_OTHER.search(number)
    if m:  # "4117921 issued under the name X" / "issued in Sarajevo"
        number, rest = number[: m.start()], number[m.start() :].strip()
    return number.strip(" ,;:-"), country, rest


def _quoted(value: str) -> str | None:
    """The name inside single quotes: ``'ABU ALI'.`` -> ``ABU ALI`` (apostrophes inside are kept)."""
    first, last = value.find("'"), value.rfind("'")
    if first == -1:
        return _strip_dot(value) or None
    if last == first:  # unterminated quote (a truncated field)
        return value[first + 1 :].strip() or None
    return value[first + 1 : last].strip() or None


# -- handlers ------------------------------------------------------------------------------------------


def _dob(r: Remarks, label: str, value: str) -> None:
    found = parse_dob(value)
    if found:
        r.birth_dates.extend(found)
    else:
        r.add("notes", f"{label} {value}".strip())
        r.unknown.append("DOB (unreadable date)")


def _pob(r: Remarks, label: str, value: str) -> None:
    v = _strip_dot(value)
    if v:
        r.birth_places.append(v)


def _country_list(target: str) -> Handler:
    def handle(r: Remarks, label: str, value: str) -> None:
        v = _strip_dot(value)
        code = country_code(v)
        if code is None:
            r.add("notes", f"{label} {v}")
            r.unknown.append(f"{label} (unknown country)")
        elif target == "nationalities":
            r.nationalities.append(code)
        else:
            r.add(target, code)

    return handle


def _gender(r: Remarks, label: str, value: str) -> None:
    v = _strip_dot(value).lower()
    if v in ("male", "female"):
        r.gender = v
    else:
        r.add("notes", f"{label} {value}")
        r.unknown.append("Gender (other value)")


def _alias(kind: str) -> Handler:
    def handle(r: Remarks, label: str, value: str) -> None:
        name = _quoted(value)
        if name:
            r.names.append(Name(name, kind))  # type: ignore[arg-type]

    return handle


# identifiers that always have a digit: a part without one says something else ("Passport issued in X")
_NUMBERED = frozenset(("passport", "national_id", "tax_id", "registration", "imo", "mmsi", "phone"))


def _ident(id_type: IdType, *, keep_label_word: str | None = None) -> Handler:
    def handle(r: Remarks, label: str, value: str) -> None:
        number, country, rest = _document(value)
        if rest:
            r.add("notes", f"{label} {number} {rest}".replace("  ", " "))
        if id_type in _NUMBERED and not any(ch.isdigit() for ch in number):
            if not rest:
                _note(r, label, value)  # no number to keep: "Passport issued in Sarajevo"
            return
        note = label
        if keep_label_word and label.upper().endswith(keep_label_word) and number:
            # "Vessel Registration Identification IMO 9187629": OFAC's XML types this
            # "Vessel Registration Identification" with the number "IMO 9187629"; the value is
            # written "IMO9187629" as FollowTheMoney (and embargo's XML parsers) write it
            note = label[: -len(keep_label_word)].strip() or label
            number = f"{keep_label_word}{number}" if number.isdigit() else f"{keep_label_word} {number}"
        if number:
            r.identifiers.append(Identifier(id_type, number, country, note))

    return handle


_CURRENCY = re.compile(r"^-?\s*([A-Za-z0-9]{2,6})\s+(\S+)")


def _crypto(r: Remarks, label: str, value: str) -> None:
    """'Digital Currency Address - XBT 1Kuf2...' -> wallet '1Kuf2...', note '... - XBT'."""
    m = _CURRENCY.match(_strip_dot(value))
    if m:
        r.identifiers.append(Identifier("crypto_wallet", m.group(2), None, f"{label} - {m.group(1).upper()}"))
    else:
        _note(r, label, value)


def _text_prop(prop: str) -> Handler:
    def handle(r: Remarks, label: str, value: str) -> None:
        r.add(prop, _strip_dot(value.lstrip(":").strip()))

    return handle


def _date_prop(prop: str) -> Handler:
    def handle(r: Remarks, label: str, value: str) -> None:
        v = _strip_dot(value)
        found = parse_dob(v)
        if found:
            for d in found:
                r.add(prop, d)
        elif v:
            r.add(prop, v)

    return handle


def _number_prop(prop: str) -> Handler:
    def handle(r: Remarks, label: str, value: str) -> None:
        r.add(prop, _strip_dot(value).replace(",", ""))

    return handle


def _linked(r: Remarks, label: str, value: str) -> None:
    r.add("linkedTo", _strip_dot(value.lstrip(":").strip()))


def _target_type(r: Remarks, label: str, value: str) -> None:
    v = _strip_dot(value.lstrip(":").strip())
    r.add("classification", v)
    sector = TARGET_TYPE_SECTORS.get(v.lower())
    if sector:
        r.sectors.append(sector)


def _statement(label: str, value: str) -> str:
    """The part as printed: 'Secondary sanctions risk: X', 'IFCA Determination - X'."""
    value = " ".join(value.split())
    if not value:
        return label
    sep = " " if value.startswith("-") else ": "
    return _strip_dot(f"{label}{sep}{value}")


def _measure_whole(r: Remarks, label: str, value: str) -> None:
    """A sanction statement kept as printed (label and all), e.g. 'Secondary sanctions risk: ...'."""
    text = _statement(label, value)
    r.measures.append(text)
    r.statements.append(text)


def _measure_value(r: Remarks, label: str, value: str) -> None:
    """'Additional Sanctions Information - Subject to Secondary Sanctions' -> the value only."""
    text = _strip_dot(value.lstrip(":- ").strip())
    if text:
        r.measures.append(text)
        r.statements.append(text)


_DIRECTIVE = re.compile(r"Directive\s+(\d+[A-Za-z]?)", re.IGNORECASE)
_DATED = re.compile(r"(\d{1,2}\s+[A-Za-z]{3}\s+\d{4})\s*$")
_EO = re.compile(r"(?:Executive Order|EO)\s+(\d{5})", re.IGNORECASE)


def _directive(r: Remarks, label: str, value: str) -> None:
    """EO 13662 / 14024 / 14014 directive statements -> measure 'EO 13662 Directive 2' + sector."""
    text = _strip_dot(f"{label} {value}")
    lower = label.lower()
    if lower.startswith(("listing date", "effective date")):
        r.add("notes", text)  # the list's own dates for a directive or the CMIC list
        found = _DATED.search(_strip_dot(value))
        if found and lower.startswith("listing date"):
            r.listing_dates.extend(parse_dates(found.group(1)))
    eo_m = _EO.search(text)
    dir_m = _DIRECTIVE.search(text)
    if eo_m is None or dir_m is None:
        if "for more information" not in text.lower() and not lower.startswith(("listing", "effective")):
            r.add("notes", text)
        return
    eo, number = eo_m.group(1), dir_m.group(1).lower()
    r.measures.append(f"EO {eo} Directive {number.upper()}")
    table = SSI_DIRECTIVE_SECTORS if eo == "13662" else EO14024_DIRECTIVE_SECTORS if eo == "14024" else {}
    if number in table:
        r.sectors.append(table[number])


def _measure_only(r: Remarks, label: str, value: str) -> None:
    """A measure that says what is prohibited, not what the party does ('Executive Order 13846
    information: BANKING TRANSACTIONS', CAATSA 235, 'Transactions Prohibited For Persons Owned or
    Controlled By U.S. Financial Institutions'): kept as a measure, not used for sector tags."""
    r.measures.append(_statement(label, value))


def _skip(r: Remarks, label: str, value: str) -> None:
    """Boilerplate (links to OFAC's directive pages): nothing to keep."""


def _note(r: Remarks, label: str, value: str) -> None:
    """A recognised label whose fact has no field of its own: kept in notes as printed."""
    r.add("notes", _strip_dot(f"{label} {value}".strip()))


# -- the label table -----------------------------------------------------------------------------------

# label as OFAC prints it -> handler. Matched case-insensitively at the start of a part, longest first.
LABELS: dict[str, Handler] = {
    # person
    "DOB": _dob,
    "POB": _pob,
    "nationality": _country_list("nationalities"),
    "citizen": _country_list("nationalities"),
    "Gender": _gender,
    "a.k.a.": _alias("weak"),
    "f.k.a.": _alias("weak"),
    "n.k.a.": _alias("weak"),
    "Title": _text_prop("title"),
    "Alternate Title": _text_prop("title"),
    "Position": _text_prop("position"),
    "Occupation": _text_prop("position"),
    # identity documents
    "Passport": _ident("passport"),
    "Diplomatic Passport": _ident("passport"),
    "Official Passport": _ident("passport"),
    "Service Passport": _ident("passport"),
    "Travel Document Number": _ident("passport"),
    "U.S.A. Passport": _ident("passport"),
    "British National Overseas Passport": _ident("passport"),
    "Stateless Person Passport": _ident("passport"),
    "SSN": _ident("national_id"),
    "LE Number": _ident("national_id"),
    "I.F.E.": _ident("national_id"),
    "C.U.I.P.": _ident("national_id"),
    "N.I.E.": _ident("national_id"),
    "CNP": _ident("national_id"),
    "UAE Identification": _ident("national_id"),
    "Moroccan Personal ID No.": _ident("national_id"),
    "Bosnian Personal ID No.": _ident("national_id"),
    "Public Security and Immigration No.": _ident("national_id"),
    "Romanian Permanent Resident": _ident("national_id"),
    "Immigration No.": _ident("other"),
    "Military Registration Number": _ident("other"),
    "Pilot License Number": _ident("other"),
    "Seafarer's Identification Document": _ident("other"),
    "Tarjeta Profesional": _ident("other"),
    "File Number": _ident("other"),
    "Serial No.": _ident("other"),
    "National ID No.": _ident("national_id"),
    "Cedula No.": _ident("national_id"),
    "D.N.I.": _ident("national_id"),
    "Personal ID Card": _ident("national_id"),
    "Kenyan ID No.": _ident("national_id"),
    "Turkish Identification Number": _ident("national_id"),
    "Numero de Identidad": _ident("national_id"),
    "Citizen's Card Number": _ident("national_id"),
    "Tazkira National ID Card": _ident("national_id"),
    "C.U.R.P.": _ident("national_id"),
    "CURP #": _ident("national_id"),
    "Electoral Registry No.": _ident("national_id"),
    "Credencial electoral": _ident("national_id"),
    "Residency Number": _ident("national_id"),
    "Refugee ID Card": _ident("national_id"),
    "Stateless Person ID Card": _ident("national_id"),
    "Birth Certificate Number": _ident("other"),
    "Cartilla de Servicio Militar Nacional": _ident("other"),
    "Driver's License No.": _ident("other"),
    "VisaNumberID": _ident("other"),
    "Identification Number": _ident("other"),
    "Identification Number IMO": _ident("imo", keep_label_word="IMO"),
    "SRE Permit No.": _ident("other"),
    "Permit Number": _ident("other"),
    # tax
    "Tax ID No.": _ident("tax_id"),
    "V.A.T. Number": _ident("tax_id"),
    "NIT #": _ident("tax_id"),
    "RUC #": _ident("tax_id"),
    "RIF #": _ident("tax_id"),
    "R.F.C.": _ident("tax_id"),
    "RFC": _ident("tax_id"),
    "C.U.I.T.": _ident("tax_id"),
    "CUIT": _ident("tax_id"),
    "Italian Fiscal Code": _ident("tax_id"),
    "Fiscal Code": _ident("tax_id"),
    "C.U.I.": _ident("tax_id"),
    "C.I.F.": _ident("tax_id"),
    "RTN": _ident("tax_id"),
    "RSIN": _ident("tax_id"),
    "Romanian Tax Registration": _ident("tax_id"),
    "Numero Unico de Identificacao Tributaria": _ident("tax_id"),
    "US FEIN": _ident("tax_id"),
    "Paraguayan tax identification number": _ident("tax_id"),
    "National Foreign ID Number": _ident("tax_id"),
    # registration
    "Registration Number": _ident("registration"),
    "Registration ID": _ident("registration"),
    "Business Registration Number": _ident("registration"),
    "Business Registration Document #": _ident("registration"),
    "Business Number": _ident("registration"),
    "Company Number": _ident("registration"),
    "UK Company Number": _ident("registration"),
    "Company ID": _ident("registration"),
    "Commercial Registry Number": _ident("registration"),
    "Commercial Registration Number": _ident("registration"),
    "Government Gazette Number": _ident("registration"),
    "GovernmentGazette Number": _ident("registration"),
    "Unified Social Credit Code (USCC)": _ident("registration"),
    "United Social Credit Code Certificate (USCCC)": _ident("registration"),
    "Folio Mercantil No.": _ident("registration"),
    "Matricula Mercantil No": _ident("registration"),
    "C.R. No.": _ident("registration"),
    "Trade License No.": _ident("registration"),
    "License": _ident("registration"),
    "Chamber of Commerce Number": _ident("registration"),
    "Dubai Chamber of Commerce Membership No.": _ident("registration"),
    "Istanbul Chamber of Comm. No.": _ident("registration"),
    "Economic Register Number (CBLS)": _ident("registration"),
    "Central Registration System Number": _ident("registration"),
    "Public Registration Number": _ident("registration"),
    "Enterprise Number": _ident("registration"),
    "Certificate of Incorporation Number": _ident("registration"),
    "Registered Charity No.": _ident("registration"),
    "Branch Unit Number": _ident("registration"),
    "Organization Code": _ident("registration"),
    "Romanian C.R.": _ident("registration"),
    "MSB Registration Number": _ident("registration"),
    "Tourism License No.": _ident("registration"),
    "Afghan Money Service Provider License Number": _ident("registration"),
    "Legal Entity Number": _ident("lei"),
    "D-U-N-S Number": _ident("other"),
    "BIK (RU)": _ident("other"),
    "SWIFT/BIC": _ident("swift"),
    "ISIN": _ident("other"),
    "Equity Ticker": _ident("other"),
    "Chinese Commercial Code": _ident("other"),
    "UN/LOCODE": _ident("other"),
    "Company Number IMO": _ident("imo", keep_label_word="IMO"),
    # contacts
    "Website": _ident("website"),
    "Email Address": _ident("email"),
    "Email": _ident("email"),
    "TELEX": _ident("phone"),
    "Phone Number": _ident("phone"),
    "Telephone": _ident("phone"),
    "Telephone Number": _ident("phone"),
    "PHONE": _ident("phone"),
    "Fax": _ident("phone"),
    "Fax Number": _ident("phone"),
    # vessels
    "Vessel Registration Identification IMO": _ident("imo", keep_label_word="IMO"),
    "IMO": _ident("imo", keep_label_word="IMO"),
    "International Maritime Organization No.": _ident("imo"),
    "Vessel Registration Identification": _ident("registration"),
    "MMSI": _ident("mmsi"),
    "Other Vessel Call Sign": _ident("call_sign"),
    "Vessel Year of Build": _date_prop("buildDate"),
    "Other Vessel Flag": _country_list("flag"),
    "Former Vessel Flag": _country_list("pastFlags"),
    "Other Vessel Type": _text_prop("type"),
    # aircraft
    "Aircraft Construction Number (also called L/N or S/N or F/N)": _ident("aircraft_serial"),
    "Aircraft Manufacturer's Serial Number (MSN)": _ident("aircraft_serial"),
    "Aircraft Mode S Transponder Code": _ident("other"),
    "Aircraft Serial Identification": _ident("aircraft_serial"),
    "Aircraft Tail Number": _ident("aircraft_tail"),
    "Previous Aircraft Tail Number": _ident("aircraft_tail"),
    "Aircraft Manufacture Date": _date_prop("buildDate"),
    "Aircraft Model": _text_prop("model"),
    "Aircraft Operator": _text_prop("operator"),
    # organisations
    "Organization Established Date": _date_prop("incorporationDate"),
    "Organization Type": _text_prop("sector"),
    "Target Type": _target_type,
    "Nationality of Registration": _country_list("jurisdiction"),
    "Issuer Name": _text_prop("issuer"),
    "Linked To": _linked,
    "Digital Currency Address": _crypto,
    "Tribe": _note,
    "ethnicity": _text_prop("ethnicity"),
    "Trademark number": _ident("other"),
    "N.I.F.": _ident("tax_id"),
    "C.I.N.": _ident("registration"),
    "Registration Certificate Number": _ident("registration"),
    "Subtribe": _note,
    # sanctions
    "Secondary sanctions risk": _measure_whole,
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions": _measure_only,
    "Additional Sanctions Information": _measure_value,
    "IFCA Determination": _measure_whole,
    "Executive Order 13662 Directive Determination": _directive,
    "Executive Order 14024 Directive Information": _directive,
    "Executive Order 14014 Directive Information": _directive,
    "Listing Date": _directive,
    "Effective Date": _directive,
    "Executive Order 13846 information": _measure_only,
    "Executive Order 14059 information": _measure_only,
    "CAATSA Section 235 Information": _measure_only,
    "PEESA Information": _measure_only,
    "Purchase/Sales For Divestment Date": _note,
    "For more information on directives": _skip,
    "All offices worldwide": _note,
    "All branches worldwide": _note,
}

_LABEL_RE = re.compile(
    r"(?:alt\.\s+)?("
    + "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True))
    + r")(?![A-Za-z])\s*:?\s*",
    re.IGNORECASE,
)
_BY_LOWER = {k.lower(): v for k, v in LABELS.items()}
_CANONICAL = {k.lower(): k for k in LABELS}

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
# "Label 123..." or "Label: ..." shapes, used only to name an unknown label in the report.
_GUESS_LABEL = re.compile(r"^([A-Za-z][A-Za-z.'/&\- ]{1,60}?)\s*(?::|#|\(|\d)")


def split_remarks(text: str) -> list[str]:
    """Split on ``;`` (OFAC never puts one inside a value) and drop empty parts."""
    return [p.strip() for p in text.split(";") if p.strip()]


def parse_remarks(text: str | None, *, truncated: bool = False) -> Remarks:
    """Read one Remarks text. ``truncated``: the field was cut (OFAC's 1000-character limit with
    no comments file), so its last part is kept as a note, not read as a fact."""
    r = Remarks()
    if not text:
        return r
    parts = split_remarks(text)
    if truncated and parts:
        r.truncated = parts.pop()
        r.add("notes", r.truncated)
    for part in parts:
        _read_part(r, part)
    return r


def _read_part(r: Remarks, part: str) -> None:
    m = _LABEL_RE.match(part)
    if m:
        label = _CANONICAL[m.group(1).lower()]
        handler = _BY_LOWER[m.group(1).lower()]
        printed = m.group(1)
        handler(r, printed if printed.lower() == label.lower() else label, part[m.end() :].strip())
        return
    text = _strip_dot(part)
    if not text:
        return
    if _POSITION.match(text):
        r.add("position", text)
        return
    r.add("notes", text)
    g = _GUESS_LABEL.match(text)
    if g and len(g.group(1).split()) <= 6:
        r.unknown.append(g.group(1).strip())
    else:
        r.unknown.append("(free text)")
