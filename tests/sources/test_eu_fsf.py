"""EU Financial Sanctions Files XML 1.1: a hand-written excerpt in the published format
(tests/fixtures/eu_fsf); no full EU file is available to this project (see MANIFEST.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.service import Service
from embargo.sources import eu_fsf, formats, un_sc
from embargo.sources.base import ParsedList

FIX = Path(__file__).resolve().parents[1] / "fixtures"
EXCERPT = FIX / "eu_fsf" / "fsf_1_1_excerpt.xml"
NS = "http://eu.europa.ec/fpi/fsd/export"


def _parse(path: Path = EXCERPT) -> ParsedList:
    return eu_fsf.parse(path, "eu_fsf")


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def test_excerpt_header_counts_and_nothing_left_unread() -> None:
    parsed = _parse()
    assert parsed.format == "eu_fsf_xml" and parsed.source == "eu_fsf"
    assert parsed.list_date == "2026-02-02"  # generationDate 2026-02-02T17:26:53.906+01:00
    assert parsed.record_count == 4
    assert [e.id for e in parsed.entities] == ["eu-fsf-13", "eu-fsf-191", "eu-fsf-330", "eu-fsf-90001"]
    assert parsed.declared_count is None
    assert parsed.unconsumed == {}
    assert parsed.warnings == []


def test_person_with_aliases_in_several_languages() -> None:
    e = _by_id(_parse())["13"]
    assert e.schema == "Person"
    assert e.caption == "Saddam Hussein Al-Tikriti"  # strong alias with the lowest logicalId
    names = {(n.value, n.kind, n.lang) for n in e.names}
    assert ("Abou Ali", "alias", "fr") in names
    assert ("Abu Ali", "alias", None) in names
    assert ("Саддам Хюсеин Ал-Тикрити", "alias", "bg") in names
    assert ("Saddam Hussein al-Takriti", "weak", "de") in names  # strong="false"
    assert e.gender == "male"
    assert e.nationalities == ("iq",)
    assert e.birth_dates == ("1937-04-28",)
    assert e.birth_places == ("al-Awja, near Tikrit, IRAQ",)
    assert e.prop("birthCountry") == ("iq",)
    refs = {(i.value, i.note) for i in e.identifiers}
    assert ("EU.27.28", "EU reference number") in refs
    assert ("IQi.001", "UN reference number") in refs
    (s,) = e.sanctions
    assert s.programs == ("IRQ",)
    assert s.listing_date == "2003-07-08"  # no designationDate: the regulation's publication
    assert s.reason == "UNSC RESOLUTION 1483"
    assert (s.authority, s.country) == ("European Commission (FISMA/FPI)", "eu")
    assert (
        "Regulation 1210/2003 (OJ L169) (regulation, commission, published 2003-07-08, in force 2003-07-07)"
        in (e.prop("notes"))
    )
    assert e.prop("sourceUrl") == (
        "http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2003:169:0006:0023:EN:PDF",
    )


def test_primary_name_is_not_the_first_alias_in_the_file() -> None:
    e = _by_id(_parse())["191"]
    assert e.caption == "Khalid Sheikh MOHAMMED"  # logicalId 289, after 161419 and 293 in the file
    assert e.birth_dates == ("1964-03-01", "1965-04-14")
    assert e.birth_places == ("PAKISTAN",)  # city "-" is the EU's "unknown"
    (passport,) = [i for i in e.identifiers if i.type == "passport"]
    assert (passport.value, passport.country, passport.note) == ("488555", None, "National passport")  # "00"
    # listed before the amending regulation of 2025: the oldest regulationSummary is the best date known
    assert e.sanctions[0].listing_date == "2005-11-30"
    assert e.sanctions[0].programs == ("TERR",)


def test_enterprise_with_addresses_and_contacts() -> None:
    e = _by_id(_parse())["330"]
    assert e.schema == "Organization"  # subjectType enterprise: the EU does not say it is a company
    assert e.caption == "Al Rashid Trust"
    assert ("Организация за подпомагане на Ulema, Пакистан", "bg") in {(n.value, n.lang) for n in e.names}
    assert e.sanctions[0].listing_date == "2001-10-06"  # designationDate
    assert e.sanctions[0].programs == ("TAQA",)
    assert e.countries == ("pk",)
    karachi = next(a for a in e.addresses if a.city == "Karachi")
    assert karachi.street == "Kitab Ghar, Darul Ifta Wal Irshad, Nazimbad No 4"
    assert karachi.country == "pk"
    mingora = next(a for a in e.addresses if a.city == "Mingora")
    assert mingora.region == "Swat" and mingora.full.endswith("(at time of listing)")
    contacts = {(i.type, i.value, i.note) for i in e.identifiers if i.type == "phone"}
    assert contacts == {("phone", "668 33 01; 0300- 820 91 99", "PHONE"), ("phone", "662 38 14", "FAX")}
    assert ("QDe.005", "UN reference number") in {(i.value, i.note) for i in e.identifiers}
    assert "Name Al Rashid Trust: Banned in Pakistan since October 2001. Reportedly defunct." in e.prop(
        "notes"
    )


def test_circa_year_only_and_year_range_birth_dates() -> None:
    e = _by_id(_parse())["90001"]
    assert e.caption == "Gul Ahmad Testzai"  # no wholeName: first + middle + last
    assert e.gender == "female"
    # yearRangeFrom 1953 .. yearRangeTo 1958 (circa), year 1960 only (circa), month 3 of 1962
    assert e.birth_dates == ("1953", "1954", "1955", "1956", "1957", "1958", "1960", "1962-03")
    assert e.birth_places == ("Tirin Kot District, Uruzgan Province, AFGHANISTAN",)
    assert e.nationalities == ("af",)  # the "00"/UNKNOWN citizenship is not a country
    assert "Citizenship: Afghan nationality probable" in e.prop("notes")
    assert e.prop("title") == ("Maulavi",)
    assert e.prop("position") == ("Deputy Minister of Examples",)
    ids = {i.type: i for i in e.identifiers if i.type != "other"}
    assert ids["passport"].note == (
        "National passport; diplomatic; knownExpired; issued by Ministry of Examples; issued in 2010"
    )
    assert ids["passport"].country == "af"
    assert (ids["national_id"].value, ids["national_id"].country) == ("57388", None)
    (addr,) = e.addresses
    assert addr.full == "AFGHANISTAN (Believed to be in the border area)"
    assert e.sanctions[0].reason is not None and "Listed pursuant to paragraph 1" in e.sanctions[0].reason


def test_shared_un_reference_links_the_eu_and_un_entries() -> None:
    eu = _by_id(_parse())["13"]
    un = {e.source_id: e for e in un_sc.parse(FIX / "un_sc" / "features_2026-02-27.xml", "un_sc").entities}[
        "IQi.001"
    ]
    eu_refs = {i.value for i in eu.identifiers if i.note == "UN reference number"}
    un_refs = {i.value for i in un.identifiers if i.note == "UN reference number"}
    assert eu_refs & un_refs == {"IQi.001"}


def test_reordered_file_gives_equal_entities(tmp_path: Path) -> None:
    tree = etree.parse(str(EXCERPT))
    root = tree.getroot()
    records = list(root.iterchildren(f"{{{NS}}}sanctionEntity"))
    for rec in records:
        kids = list(rec)
        for k in kids:
            rec.remove(k)
        rec.extend(reversed(kids))
        root.remove(rec)
    root.extend(reversed(records))
    shuffled = tmp_path / "export.xml"
    tree.write(str(shuffled), encoding="UTF-8", xml_declaration=True)
    a = {e.id: e.content_hash for e in _parse().entities}
    b = {e.id: e.content_hash for e in _parse(shuffled).entities}
    assert a == b


# --- bad input and sniffing ----------------------------------------------------------------------


def test_truncated_export_is_refused(tmp_path: Path) -> None:
    data = EXCERPT.read_bytes()
    cut = tmp_path / "export.xml"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(ListFormatError, match="not well-formed XML"):
        _parse(cut)


def test_empty_and_entity_free_exports_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty file"):
        _parse(empty)
    bare = tmp_path / "bare.xml"
    bare.write_text(f'<export xmlns="{NS}" generationDate="2026-01-01T00:00:00+01:00"/>')
    with pytest.raises(ListFormatError, match="no sanctionEntity"):
        _parse(bare)


def test_entity_without_logical_id_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "export.xml"
    broken.write_text(
        re.sub(r' logicalId="191"', "", EXCERPT.read_text(encoding="utf-8"), count=1), encoding="utf-8"
    )
    with pytest.raises(ListFormatError, match="without logicalId") as err:
        _parse(broken)
    assert err.value.where == "sanctionEntity #2"


def test_other_export_roots_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "export.xml"
    other.write_text('<export generationDate="2026-01-01"><sanctionEntity logicalId="1"/></export>')
    assert eu_fsf.sniff(other, other.read_bytes()) is None
    with pytest.raises(ListFormatError, match="namespace"):
        _parse(other)
    un_file = FIX / "un_sc" / "compact_2018-10-29.xml"
    with pytest.raises(ListFormatError, match="root element is <CONSOLIDATED_LIST>"):
        _parse(un_file)


def test_sniff_claims_only_fsf_exports() -> None:
    head = EXCERPT.read_bytes()[:8192]
    assert eu_fsf.sniff(EXCERPT, head) == "eu_fsf"
    claims = [getattr(f, "NAME", "?") for f in formats() if f.sniff(EXCERPT, head)]
    assert claims == [eu_fsf.NAME]
    un_file = FIX / "un_sc" / "compact_2018-10-29.xml"
    assert eu_fsf.sniff(un_file, un_file.read_bytes()[:8192]) is None
    assert eu_fsf.companions(EXCERPT) == []


# --- error bodies from the EU endpoint -----------------------------------------------------------

ERROR_BODIES = {
    "html": (
        b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>",
        "an HTML page (403 Forbidden) from the EU endpoint",
    ),
    "json": (
        b'{"status": 500, "error": "Internal Server Error", "path": "/fsd/fsf/public/files"}',
        "a JSON error (500) from the EU endpoint",
    ),
}


@pytest.mark.parametrize("kind", sorted(ERROR_BODIES))
def test_an_error_body_saved_as_the_fsf_file_is_refused_and_the_stored_version_kept(
    kind: str, tmp_path: Path
) -> None:
    body, reason = ERROR_BODIES[kind]
    good = tmp_path / "2026-01-10" / "xmlFullSanctionsList_1_1.xml"
    good.parent.mkdir()
    good.write_bytes(EXCERPT.read_bytes())
    bad = tmp_path / "2026-02-10" / "xmlFullSanctionsList_1_1.xml"
    bad.parent.mkdir()
    bad.write_bytes(body)
    assert eu_fsf.sniff(bad, body) == "eu_fsf"
    assert eu_fsf.sniff(tmp_path / "unrelated.xml", body) is None  # another list's error page: not ours
    svc = Service.open(tmp_path / "embargo.db")
    try:
        first = svc.ingest([good])
        assert [o.status for o in first] == ["created"]
        (refused,) = svc.ingest([bad])
        assert refused.status == "refused"
        assert refused.message and "\n" not in refused.message and reason in refused.message
        (stored,) = svc.lists()
        assert stored.source == "eu_fsf" and len(stored.versions) == 1
        assert stored.current is not None and stored.current.files == (str(good),)
    finally:
        svc.close()
