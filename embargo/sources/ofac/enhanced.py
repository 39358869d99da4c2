"""OFAC's ENHANCED_XML (``<sanctionsData>``), as published zipped (``CONS_ENHANCED.ZIP``,
``SDN_ENHANCED.ZIP``) or bare (``*_ENHANCED.XML``).

The file first declares its vocabulary: ``<referenceValues>`` (countries with ISO codes,
scripts, alias, entity, document, relationship and sanctions types...) and ``<featureTypes>``
(what each feature is: DATE, COUNTRY, LOOKUP or TEXT). Each ``<entity id=...>`` then refers
to them by ``refId``/``featureTypeId``; this parser resolves those references. Entity ids are
the sdnList XML's ``uid`` (and the CSV's ``ent_num``), so a party gets the same embargo id in
every OFAC format. Unlike the sdnList XML, each entity states the lists it is on
(``<sanctionsLists>``) with the date it was published on each, and its sanctions types.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from embargo.errors import ListFormatError
from embargo.model.entity import Name, NameKind
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.limits import check_zip
from embargo.sources.ofac.facts import Draft, labels, sanction_type_rule
from embargo.sources.ofac.xml_common import (
    SCHEMAS,
    Usage,
    fields,
    items,
    localname,
    make_address,
    merge_key,
    root_name,
)
from embargo.sources.values import date_span
from embargo.sources.xml_stream import refuse_doctype
from embargo.text.countries import country_code
from embargo.text.dates import parse_dates

NAME = "ofac_enhanced"
SOURCES = ("us_ofac_sdn", "us_ofac_cons")
NAMESPACE_MARK = b"ENHANCED_XML"
_MEMBER = re.compile(r"ENHANCED.*\.XML$", re.IGNORECASE)
UMBRELLA_LISTS = {"Consolidated List"}
ADDRESS_PARTS = {
    "ADDRESS1": "street",
    "ADDRESS2": "street",
    "ADDRESS3": "street",
    "CITY": "city",
    "STATE/PROVINCE": "region",
    "REGION": "region",
    "POSTAL CODE": "postal_code",
}


@dataclass(frozen=True)
class Ref:
    type: str
    value: str
    code: str | None = None
    iso: str | None = None


def _source_of(name: str) -> str | None:
    base = Path(name).name.upper()
    if base.startswith("CONS"):
        return "us_ofac_cons"
    if base.startswith("SDN"):
        return "us_ofac_sdn"
    return None


def sniff(path: Path, head: bytes) -> str | None:
    """A zip holding ``*ENHANCED*.XML`` (or named so), or a bare ENHANCED_XML document;
    ``CONS...`` is the consolidated list, ``SDN...`` the SDN list."""
    upper = path.name.upper()
    if head.startswith(b"PK") or upper.endswith(".ZIP"):
        if "ENHANCED" in upper and upper.endswith(".ZIP"):
            return _source_of(upper)  # claimed by name: a broken archive is then reported by parse
        try:
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if _MEMBER.search(n)]
        except (OSError, zipfile.BadZipFile):
            return None
        return next((s for s in map(_source_of, members) if s), None)
    if root_name(head) != "sanctionsData" or NAMESPACE_MARK not in head:
        return None
    if _source_of(upper):
        return _source_of(upper)
    if b">Consolidated List<" in head:
        return "us_ofac_cons"
    if b">SDN List<" in head:
        return "us_ofac_sdn"
    return None


def companions(path: Path) -> list[Path]:
    return []


def _open(path: Path, stack: ExitStack) -> tuple[IO[bytes], str]:
    """The XML stream (inside the zip if zipped) and a label for messages."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ListFormatError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if not magic:
        raise ListFormatError(path, "empty file (0 bytes)")
    if not (magic.startswith(b"PK") or path.suffix.lower() == ".zip"):
        return stack.enter_context(path.open("rb")), path.name
    check_zip(path)  # a zip bomb is refused before a byte is expanded
    try:
        zf = stack.enter_context(zipfile.ZipFile(path))
        members = sorted(n for n in zf.namelist() if _MEMBER.search(n))
        if not members:
            names = ", ".join(zf.namelist()[:5]) or "none"
            raise ListFormatError(path, f"the zip archive holds no *ENHANCED*.XML file (members: {names})")
        return stack.enter_context(zf.open(members[0])), members[0]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ListFormatError(path, f"not a readable zip archive: {exc}") from exc


def parse(path: Path, source: str) -> ParsedList:
    if source not in SOURCES:
        raise ListFormatError(path, f"OFAC ENHANCED_XML carries {' or '.join(SOURCES)}, not {source}")
    with ExitStack() as stack:
        stream, label = _open(path, stack)
        parser = _Parser(path, source)
        try:
            parser.run(stream)
        except etree.XMLSyntaxError as exc:
            where = f"{label} line {exc.lineno}" if exc.lineno else label
            if parser.entries:
                where += f", after entity #{parser.entries}"
            raise ListFormatError(path, f"malformed or truncated XML: {exc.msg}", where=where) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ListFormatError(
                path,
                f"corrupted or truncated archive member: {exc}",
                where=f"{label}, entity #{parser.entries}",
            ) from exc
    return parser.result()


class _Parser:
    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.usage = Usage()
        self.refs: dict[str, Ref] = {}
        self.feature_types: dict[str, tuple[str, str]] = {}
        self.drafts: dict[str, Draft] = {}
        self.warnings: list[str] = []
        self.list_date: str | None = None
        self.entries = 0

    def run(self, stream: IO[bytes]) -> None:
        depth = 0
        for event, el in etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, no_network=True
        ):
            if event == "start":
                depth += 1
                if depth == 1:
                    refuse_doctype(self.path, el)
                if depth == 1 and localname(el) != "sanctionsData":
                    raise ListFormatError(
                        self.path, f"root element is <{localname(el)}>, not <sanctionsData>"
                    )
                continue
            depth -= 1
            if depth not in (1, 2):
                continue
            name = localname(el)
            parent = localname(el.getparent())
            if depth == 2 and parent == "entities":
                self.entries += 1
                try:
                    self._entity(el)
                except ListFormatError as exc:
                    raise ListFormatError(self.path, exc.cause, where=f"entity #{self.entries}") from exc
            elif depth == 2 and parent == "referenceValues":
                self._reference(el)
            elif depth == 2 and parent == "featureTypes":
                self._feature_type(el)
            elif depth == 2:
                continue  # inside publicationInfo: read with it
            elif name == "publicationInfo":
                self._publication(el)
            elif name not in ("referenceValues", "featureTypes", "entities"):
                self.usage.unknown("sanctionsData", [name])
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]

    def result(self) -> ParsedList:
        if not self.drafts:
            raise ListFormatError(self.path, "no <entity> records: empty or truncated list")
        if self.entries != len(self.drafts):
            self.warnings.append(
                f"{self.entries - len(self.drafts)} entities repeat an id seen before; merged"
            )
        r = Reading(self.path, self.source, NAME)
        r.entities = [self.drafts[k].build(self.source, k) for k in sorted(self.drafts, key=merge_key)]
        r.warnings = self.warnings
        return r.finish(list_date=self.list_date, unconsumed=self.usage.unconsumed())

    # -- the file's vocabulary ------------------------------------------------------------

    def _reference(self, el: Any) -> None:
        rec = Record(fields(el))
        ref_id = el.get("refId")
        if ref_id:
            self.refs[ref_id] = Ref(
                rec.text("type") or "", rec.text("value") or "", rec.text("code"), rec.text("isoCode")
            )
        self.usage.done("referenceValue", rec)

    def _feature_type(self, el: Any) -> None:
        rec = Record(fields(el))
        rec.consume("publishExclude", "publishDescription", "publishOrder")
        self.feature_types[el.get("featureTypeId") or ""] = (
            rec.text("type") or "",
            rec.text("detailType") or "",
        )
        self.usage.done("featureType", rec)

    def _publication(self, el: Any) -> None:
        rec = Record(fields(el))
        dates = parse_dates(rec.text("dataAsOf"))
        self.list_date = dates[0] if len(dates) == 1 else None
        for box in items(rec.get("filters")):
            for lists in items(fields(box).get("sanctionsLists")):
                for name in _texts(fields(lists, elements=True).get("sanctionsList")):
                    expected = "SDN List" if self.source == "us_ofac_sdn" else "Consolidated List"
                    if name != expected:
                        self.warnings.append(f"the file is filtered on {name!r}, parsed as {self.source}")
        self.usage.done("publicationInfo", rec)

    def _ref(self, el: Any) -> Ref | None:
        return self.refs.get(el.get("refId") or "") if el is not None else None

    def _value(self, el: Any) -> str | None:
        """The referenced value of an element (its own text when the reference is unknown)."""
        if el is None:
            return None
        ref = self._ref(el)
        return ref.value if ref and ref.value else _text(el)

    def _country(self, el: Any) -> tuple[str | None, str | None]:
        """(country name, ISO alpha-2 lower case) of a country reference."""
        if el is None:
            return None, None
        ref = self._ref(el)
        name = self._value(el)
        iso = ref.iso.lower() if ref and ref.iso and len(ref.iso) == 2 else None
        return name, iso or country_code(name)

    # -- one entity -----------------------------------------------------------------------

    def _each(self, rec: Record, container: str, item: str, path: str) -> Iterator[Record]:
        for box in items(rec.get(container)):
            box_rec = Record(fields(box, elements=True))
            for it in items(box_rec.get(item)):
                item_rec = Record(fields(it, elements=True))
                yield item_rec
                self.usage.done(f"{path}/{container}/{item}", item_rec)
            self.usage.done(f"{path}/{container}", box_rec)

    def _entity(self, el: Any) -> None:
        uid = (el.get("id") or "").strip()
        if not uid:
            raise ListFormatError(self.path, "an <entity> has no id")
        rec = Record(fields(el, elements=True))
        general = next(items(rec.get("generalInfo")), None)
        if general is None:
            raise ListFormatError(self.path, f"entity {uid} has no <generalInfo>")
        g = Record(fields(general, elements=True))
        g.consume("identityId")
        kind = self._value(g.get("entityType"))
        schema = SCHEMAS.get((kind or "").lower())
        if schema is None:
            self.warnings.append(f"entity {uid}: unknown entity type {kind!r}, kept as LegalEntity")
            schema = "LegalEntity"
        draft = self.drafts.setdefault(uid, Draft(schema))
        draft.remarks(_text(g.get("remarks")))
        draft.prop("title", _text(g.get("title")))
        self.usage.done("entity/generalInfo", g)
        self._sanctions(rec, draft)
        for r in self._each(rec, "names", "name", "entity"):
            self._name(r, draft)
        for r in self._each(rec, "addresses", "address", "entity"):
            self._address(r, draft)
        for r in self._each(rec, "features", "feature", "entity"):
            self._feature(r, draft)
        for r in self._each(rec, "identityDocuments", "identityDocument", "entity"):
            r.consume("name", "isValid", "issuingAuthority", "issuingLocation")  # holder name, provenance
            label = self._value(r.get("type")) or "Identification Number"
            draft.labelled(label, _text(r.get("documentNumber")), self._country(r.get("issuingCountry"))[1])
        for r in self._each(rec, "relationships", "relationship", "entity"):
            r.consume("quality")
            other = r.get("relatedEntity")
            if other is not None:
                draft.prop(
                    "relationship",
                    f"{self._value(r.get('type')) or 'Related to'}: {_text(other)} (OFAC {other.get('entityId')})",
                )
        if draft.unknown_labels:
            self.usage.unknown("entity/features/feature/type", draft.unknown_labels.elements())
            draft.unknown_labels.clear()
        self.usage.done("entity", rec)

    def _sanctions(self, rec: Record, draft: Draft) -> None:
        for box in items(rec.get("sanctionsLists")):
            for it in items(fields(box, elements=True).get("sanctionsList")):
                name = self._value(it) or ""
                if name in UMBRELLA_LISTS:
                    continue
                short = labels().enhanced_lists.get(name)
                if short is None:
                    self.warnings.append(f"unknown OFAC list {name!r}, kept under its own name")
                    short = name
                dates = parse_dates(it.get("datePublished"))
                draft.lists.setdefault(short, []).extend(dates)
        for box in items(rec.get("sanctionsPrograms")):
            draft.programs.extend(_texts(fields(box, elements=True).get("sanctionsProgram")))
        for box in items(rec.get("sanctionsTypes")):
            for it in items(fields(box, elements=True).get("sanctionsType")):
                measure, hint, sector = sanction_type_rule(self._value(it) or "")
                draft.measures.append((measure, hint))
                if sector:
                    draft.sectors.append((sector, hint))
        for box in items(rec.get("legalAuthorities")):
            draft.prop("legalBasis", *_texts(fields(box, elements=True).get("legalAuthority")))

    def _name(self, r: Record, draft: Draft) -> None:
        primary = _text(r.get("isPrimary")) == "true"
        low = _text(r.get("isLowQuality")) == "true"
        alias_type = (self._value(r.get("aliasType")) or "").upper()
        kind: NameKind = (
            "primary" if primary else "weak" if low else "former" if alias_type == "F.K.A." else "alias"
        )
        for box in items(r.get("translations")):
            box_rec = Record(fields(box, elements=True))
            for tr in items(box_rec.get("translation")):
                t = Record(fields(tr, elements=True))
                t.consume("nameParts")  # the formatted names below are built from them
                value = _text(t.get("formattedFullName"))
                first, last = _text(t.get("formattedFirstName")), _text(t.get("formattedLastName"))
                value = value or (f"{last}, {first}" if last and first else last or first)
                script = self._ref(t.get("script"))
                is_main = _text(t.get("isPrimary")) == "true"
                if value:
                    if is_main or script is None or script.value == "Latin":
                        draft.names.append(Name(value, kind))
                    else:
                        draft.names.append(Name(value, "original", script.code or script.value))
                self.usage.done("entity/names/name/translations/translation", t)
            self.usage.done("entity/names/name/translations", box_rec)

    def _address(self, r: Record, draft: Draft) -> None:
        country_name, iso = self._country(r.get("country"))
        for box in items(r.get("translations")):
            box_rec = Record(fields(box, elements=True))
            for tr in items(box_rec.get("translation")):
                t = Record(fields(tr, elements=True))
                t.consume("isPrimary", "script")
                parts: dict[str, list[str]] = {}
                for pbox in items(t.get("addressParts")):
                    for part in items(fields(pbox, elements=True).get("addressPart")):
                        pf = fields(part, elements=True)
                        ptype = (self._value(pf.get("type")) or "").upper()
                        pval = _text(pf.get("value"))
                        if ptype not in ADDRESS_PARTS:
                            self.usage.unknown("entity/addresses/address/addressPart", [ptype])
                        if pval:
                            parts.setdefault(ADDRESS_PARTS.get(ptype, "street"), []).append(pval)
                addr = make_address(
                    parts.get("street", []),
                    ", ".join(parts.get("city", [])) or None,
                    ", ".join(parts.get("region", [])) or None,
                    ", ".join(parts.get("postal_code", [])) or None,
                    country_name,
                    iso,
                )
                if addr is not None:
                    draft.addresses.append(addr)
                    draft.countries.append(addr.country)
                self.usage.done("entity/addresses/address/translations/translation", t)
            self.usage.done("entity/addresses/address/translations", box_rec)
        if country_name and r.get("translations") is None:
            addr = make_address([], None, None, None, country_name, iso)
            if addr is not None:
                draft.addresses.append(addr)
                draft.countries.append(addr.country)

    def _feature(self, r: Record, draft: Draft) -> None:
        r.consume("versionId", "isPrimary", "reliability", "comments")
        type_el = r.get("type")
        label, detail = self.feature_types.get(
            type_el.get("featureTypeId") if type_el is not None else "", ("", "")
        )
        label = label or _text(type_el) or ""
        value = _text(r.get("value"))
        ref = self.refs.get(_text(r.get("valueRefId")) or "")
        if not value and ref is not None:
            value = ref.value
        country = None
        if detail == "COUNTRY" or (ref is not None and ref.type == "COUNTRY"):
            country = ref.iso.lower() if ref and ref.iso and len(ref.iso) == 2 else country_code(value)
        date_el = r.get("valueDate")
        if detail == "DATE" and date_el is not None and not date_span(value or ""):
            value = _date_of(date_el) or value
        draft.labelled(label, value, country)


def _text(el: Any) -> str | None:
    if el is None or isinstance(el, list):
        return None
    if isinstance(el, str):
        return el.strip() or None
    return (el.text or "").strip() or None


def _texts(value: Any) -> list[str]:
    out = []
    for el in value if isinstance(value, list) else [value]:
        t = _text(el)
        if t:
            out.append(t)
    return out


def _date_of(el: Any) -> str | None:
    """A ``<valueDate>`` range as the partial date it spans ("1962", "1962-05", a day, "1958 to 1960")."""
    f = fields(el)
    begin, end = f.get("fromDateBegin") or "", f.get("toDateEnd") or f.get("fromDateEnd") or ""
    if len(begin) < 10 or len(end) < 10:
        return begin or None
    if begin == end:
        return begin
    if begin[:4] == end[:4] and begin[5:] == "01-01" and end[5:] == "12-31":
        return begin[:4]
    if begin[:7] == end[:7] and begin[8:] == "01":
        return begin[:7]
    return f"{begin[:4]} to {end[:4]}"
