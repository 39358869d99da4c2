"""OFAC sdnList XML (sdn.xml, consolidated.xml): fixtures trimmed from real files, then the real files."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import formats
from embargo.sources.base import ParsedList
from embargo.sources.ofac import xml_format
from embargo.sources.ofac.facts import Draft
from embargo.sources.values import date_span

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CONS_EXCERPT = FIXTURES / "us_ofac_cons" / "consolidated_2025-10-22_excerpt.xml"
SDN_EXCERPT = FIXTURES / "us_ofac_sdn" / "sdn_2014-07-16_excerpt.xml"
CONS_VERSIONS = {  # folder -> (Publish_Date, Record_Count = sdnEntry count)
    "2025-03-28": ("2025-03-28", 443),
    "2025-10-22": ("2025-10-22", 443),
    "2025-12-18": ("2025-12-18", 442),
    "2026-01-08": ("2026-01-08", 442),
    "2026-01-08_reordered": ("2026-01-08", 442),
}


def _parse(path: Path) -> ParsedList:
    source = xml_format.sniff(path, path.read_bytes()[:8192])
    assert source is not None, path
    return xml_format.parse(path, source)


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


@pytest.fixture(scope="module")
def cons() -> dict[str, Entity]:
    return _by_id(_parse(CONS_EXCERPT))


# -- sniffing ----------------------------------------------------------------------------


def _claims(path: Path) -> list[str]:
    head = path.read_bytes()[:8192]
    return [str(getattr(f, "NAME", f)) for f in formats() if f.sniff(path, head)]


def test_sniff_names_the_source_from_the_file_name() -> None:
    head = CONS_EXCERPT.read_bytes()[:8192]
    assert xml_format.sniff(CONS_EXCERPT, head) == "us_ofac_cons"
    assert xml_format.sniff(Path("CONSOLIDATED.XML"), head) == "us_ofac_cons"
    assert xml_format.sniff(Path("SDN.XML"), head) == "us_ofac_sdn"
    assert xml_format.sniff(SDN_EXCERPT, SDN_EXCERPT.read_bytes()[:8192]) == "us_ofac_sdn"
    assert xml_format.sniff(Path("list.csv"), head) is None


def test_sniff_rejects_other_xml() -> None:
    un = b'<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST dateGenerated="2025-12-10">'
    assert xml_format.sniff(Path("consolidated.xml"), un) is None
    enhanced = FIXTURES / "us_ofac_cons" / "CONS_ENHANCED_2025-01-10_excerpt.xml"
    assert xml_format.sniff(enhanced, enhanced.read_bytes()[:8192]) is None
    assert xml_format.sniff(Path("sdn.xml"), b"\x00\x01 not xml") is None


def test_only_this_format_claims_the_fixtures() -> None:
    assert _claims(CONS_EXCERPT) == ["ofac_xml"]
    assert _claims(SDN_EXCERPT) == ["ofac_xml"]


# -- mapping (fixtures) ------------------------------------------------------------------


def test_fixture_header_and_counts() -> None:
    parsed = _parse(CONS_EXCERPT)
    assert (parsed.source, parsed.format) == ("us_ofac_cons", "ofac_xml")
    assert parsed.list_date == "2025-10-22"  # <Publish_Date>10/22/2025</Publish_Date> (MM/DD/YYYY)
    assert parsed.declared_count == parsed.record_count == len(parsed.entities) == 11
    assert parsed.unconsumed == {}
    assert parsed.warnings == []
    assert parsed.files == [CONS_EXCERPT]


def test_person_names_facts_and_programmes(cons: dict[str, Entity]) -> None:
    e = cons["9647"]
    assert e.id == "us-ofac-cons-9647"
    assert e.schema == "Person"
    assert e.caption == "ZAHHAR, Mahmoud Khaled"  # "LAST, First" as the CSV's SDN_Name
    names = {(n.value, n.kind) for n in e.names}
    assert ("AL ZAHAR, Mahmoud Khaled", "alias") in names  # a.k.a., strong
    assert ("ZAHAR, Mahmoud", "weak") in names  # a.k.a., weak
    assert e.birth_dates == ("1945",)
    assert e.birth_places == ("Gaza Strip",)
    assert e.nationalities == ("ps",)
    assert e.gender == "male"  # idType "Gender"
    assert [a.full for a in e.addresses] == ["Gaza"]  # <country>Region: Gaza</country> is a region
    (s,) = e.sanctions
    assert (s.authority, s.list_name, s.programs, s.country) == (
        "US Treasury OFAC",
        "NS-PLC",
        ("NS-PLC", "SDGT"),
        "us",
    )
    assert any(
        m.startswith("Secondary sanctions risk: section 1(b) of Executive Order 13224") for m in s.measures
    )
    assert e.prop("linkedTo") == ("HAMAS",)  # remarks "(Linked To: HAMAS)"
    assert e.prop("notes") == ()
    assert cons["9713"].prop("notes") == ("PFLP",)


def test_remarks_parts(cons: dict[str, Entity]) -> None:
    # "For more information on directives, please visit ...; (Linked To: OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY)"
    rosneft = cons["18299"]
    assert rosneft.prop("linkedTo") == ("OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY",)
    assert rosneft.prop("notes") == ()  # the link to OFAC's directives page is boilerplate
    draft = Draft("Organization")
    draft.remarks("All offices worldwide; (Linked To: CHINA UNICOM (HONG KONG) LIMITED); (Linked To: X CO.)")
    assert draft.props == {
        "notes": ["All offices worldwide"],
        "linkedTo": ["CHINA UNICOM (HONG KONG) LIMITED", "X CO."],
    }


def test_ssi_directives_give_measures_and_sectors(cons: dict[str, Entity]) -> None:
    rosneft = cons["18299"]
    (s,) = rosneft.sanctions
    assert s.list_name == "SSI"
    assert s.programs == ("UKRAINE-EO13662", "VENEZUELA-EO13850")
    assert {"EO 13662 Directive 2", "EO 13662 Directive 4"} <= set(s.measures)
    assert s.sectors == ("energy",)
    ids = {(i.type, i.value, i.country, i.note) for i in rosneft.identifiers}
    assert ("tax_id", "CHE-309.842.573", "ch", "Tax ID No.") in ids
    assert ("registration", "CH-660.0.257.011-8", "ch", "Registration Number") in ids
    assert ("website", "www.rosneft.com", None, "Website") in ids
    rosoboron = cons["18782"]
    (s,) = rosoboron.sanctions
    assert s.list_name == "SSI"
    assert "EO 13662 Directive 3" in s.measures
    assert s.sectors == ("defence",)
    assert set(s.programs) == {"UKRAINE-EO13662", "RUSSIA-EO14024", "IRAN-CON-ARMS-EO"}


def test_lists_follow_programmes(cons: dict[str, Entity]) -> None:
    lists = {uid: tuple(s.list_name for s in e.sanctions) for uid, e in cons.items()}
    assert lists == {
        "9647": ("NS-PLC",),
        "9713": ("NS-PLC",),
        "15268": ("561",),
        "18299": ("SSI",),
        "18782": ("SSI",),
        "26182": ("FSE",),
        "27016": ("NS-MBS",),  # CAATSA - RUSSIA
        "30947": ("CMIC",),
        "31693": ("NS-MBS",),  # RUSSIA-EO14024 alone: menu-based directives
        "46072": ("NS-MBS",),  # BURMA-EO14014
        "50476": ("NS-MBS",),  # ILLICIT-DRUGS-EO14059
    }


def test_menu_based_directives_and_dates(cons: dict[str, Entity]) -> None:
    nwf = cons["31693"]
    (s,) = nwf.sanctions
    assert s.measures == ("EO 14024 Directive 1a", "EO 14024 Directive 4")
    assert s.listing_date == "2022-02-22"  # "Listing Date (EO 14024 Directive 1a):"
    assert s.sectors == ("finance",)
    assert "Effective Date (EO 14024 Directive 1a): 2022-03-01" in nwf.prop("notes")
    assert nwf.prop("classification") == ("Government Entity",)  # "Target Type"
    moge = cons["46072"]
    (s,) = moge.sanctions
    assert s.measures == ("EO 14014 Directive 1",)  # the "For more information" link is not a measure
    assert s.listing_date == "2023-10-31"
    assert "energy" in s.sectors  # Organization Type: Extraction of crude petroleum
    assert moge.prop("sector") == ("Extraction of crude petroleum",)
    assert moge.prop("incorporationDate") == ("1963",)
    caatsa = cons["27016"]
    assert "CAATSA Section 235: EXPORT SANCTIONS Sec. 235(a)(2)" in caatsa.sanctions[0].measures


def test_cmic_listing_date_and_notes(cons: dict[str, Entity]) -> None:
    huawei = cons["30947"]
    (s,) = huawei.sanctions
    assert (s.list_name, s.programs, s.listing_date) == ("CMIC", ("CMIC-EO13959",), "2021-06-03")
    assert "Effective Date (CMIC): 2021-08-02" in huawei.prop("notes")
    assert "Purchase/Sales For Divestment Date (CMIC): 2022-06-03" in huawei.prop("notes")
    assert ("registration", "914403001922038216", "cn") in {
        (i.type, i.value, i.country) for i in huawei.identifiers
    }


def test_person_identifiers(cons: dict[str, Entity]) -> None:
    martelly = cons["50476"]
    assert martelly.birth_dates == ("1961-02-12",)
    assert martelly.nationalities == ("ht",)
    ids = {(i.type, i.value, i.country, i.note) for i in martelly.identifiers}
    assert ("national_id", "0032768386", "ht", "National ID No.") in ids
    assert ("other", "M634550610520", "us", "Driver's License No.") in ids
    assert ("Sweet Micky", "weak") in {(n.value, n.kind) for n in martelly.names}
    evren = cons["26182"]
    assert [(i.type, i.value, i.country) for i in evren.identifiers] == [("passport", "U00242309", "tr")]
    assert cons["15268"].identifiers[0].type == "swift"
    assert ("KARAMAY URBAN CREDIT COOPERATIVES", "former") in {(n.value, n.kind) for n in cons["15268"].names}


def test_sdn_vessel_and_person() -> None:
    parsed = _parse(SDN_EXCERPT)
    assert (parsed.source, parsed.list_date, parsed.record_count) == ("us_ofac_sdn", "2014-07-16", 3)
    sdn = _by_id(parsed)
    vessel = sdn["11043"]
    assert vessel.schema == "Vessel"
    assert vessel.id == "us-ofac-sdn-11043"
    assert [(i.type, i.value, i.country) for i in vessel.identifiers] == [("imo", "IMO9051648", "ir")]
    assert dict(vessel.props) == {
        "flag": ("ir",),
        "grossRegisteredTonnage": ("16621",),
        "ownerName": ("IRISL",),
        "tonnage": ("24065",),
        "type": ("General Cargo",),
    }
    assert {n.value for n in vessel.names if n.kind == "former"} == {
        "IRAN BRIGHTNESS",
        "BRIGHTNESS",
        "MARIGOLD",
    }
    (s,) = vessel.sanctions
    assert (s.list_name, s.programs) == ("SDN", ("NPWMD",))
    person = sdn["6982"]
    assert person.birth_dates == ("1954", "1954-05-20")
    assert set(person.nationalities) == {"dj", "so"}  # nationalityList and citizenshipList
    assert "Passport A0181988: issued 2001-10-01, expires 2011-01-23" in person.prop("notes")
    assert sdn["521"].prop("title") == ("Executive Director, Havana International Bank",)


# -- determinism, merging, unknown labels ------------------------------------------------


def _reverse_children(text: str, tag: str, item: str) -> str:
    """Reverse the order of ``<item>`` children inside every ``<tag>`` block."""

    def flip(m: re.Match[str]) -> str:
        parts = re.findall(rf"\s*<{item}>.*?</{item}>", m.group(2), re.DOTALL)
        return m.group(1) + "".join(reversed(parts)) + m.group(3)

    return re.sub(rf"(<{tag}>)(.*?)(\s*</{tag}>)", flip, text, flags=re.DOTALL)


def test_child_order_does_not_change_entities(tmp_path: Path) -> None:
    text = CONS_EXCERPT.read_text("utf-8")
    for tag, item in [
        ("akaList", "aka"),
        ("idList", "id"),
        ("addressList", "address"),
        ("programList", "program"),
    ]:
        text = _reverse_children(text, tag, item)
    entries = re.findall(r"\s*<sdnEntry>.*?</sdnEntry>", text, re.DOTALL)
    body = text.split("<sdnEntry>")[0].rstrip() + "".join(reversed(entries)) + "\n</sdnList>\n"
    assert body != CONS_EXCERPT.read_text("utf-8")
    shuffled = tmp_path / "consolidated.xml"
    shuffled.write_text(body, "utf-8")
    a, b = _parse(CONS_EXCERPT), _parse(shuffled)
    assert [e.content_hash for e in a.entities] == [e.content_hash for e in b.entities]
    assert a.entities == b.entities


def test_repeated_uid_is_merged(tmp_path: Path) -> None:
    text = SDN_EXCERPT.read_text("utf-8")
    extra = (
        "<sdnEntry><uid>521</uid><firstName>Lazaro</firstName><lastName>CHAO</lastName>"
        "<sdnType>Individual</sdnType><programList><program>SDGT</program></programList></sdnEntry>"
    )
    path = tmp_path / "sdn.xml"
    path.write_text(text.replace("</sdnList>", extra + "</sdnList>"), "utf-8")
    parsed = xml_format.parse(path, "us_ofac_sdn")
    assert parsed.record_count == 3
    chao = _by_id(parsed)["521"]
    assert chao.sanctions[0].programs == ("CUBA", "SDGT")
    assert {"CHAO, Lazaro R.", "CHAO, Lazaro"} <= {n.value for n in chao.names}
    assert any("repeat a uid" in w for w in parsed.warnings)


def test_unknown_id_label_is_kept_and_reported(tmp_path: Path) -> None:
    text = SDN_EXCERPT.read_text("utf-8").replace(
        "<idType>Passport</idType>\n        <idNumber>ABC123</idNumber>",
        "<idType>Galactic Registry No.</idType>\n        <idNumber>GX-1</idNumber>",
    )
    path = tmp_path / "sdn.xml"
    path.write_text(text, "utf-8")
    parsed = xml_format.parse(path, "us_ofac_sdn")
    assert parsed.unconsumed == {"sdnEntry/idList/id/idType[Galactic Registry No.]": 1}
    ident = [i for i in _by_id(parsed)["521"].identifiers if i.value == "GX-1"]
    assert [(i.type, i.note) for i in ident] == [("other", "Galactic Registry No.")]


def test_unknown_element_is_reported(tmp_path: Path) -> None:
    text = SDN_EXCERPT.read_text("utf-8").replace("<uid>521</uid>", "<uid>521</uid><shoeSize>44</shoeSize>")
    path = tmp_path / "sdn.xml"
    path.write_text(text, "utf-8")
    assert xml_format.parse(path, "us_ofac_sdn").unconsumed == {"sdnEntry/shoeSize": 1}


# -- bad input ---------------------------------------------------------------------------


def _bad(tmp_path: Path, content: bytes, name: str = "consolidated.xml") -> ListFormatError:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ListFormatError) as info:
        xml_format.parse(path, "us_ofac_cons")
    assert info.value.path == str(path)
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in _bad(tmp_path, b"").cause


def test_truncated_file(tmp_path: Path) -> None:
    data = CONS_EXCERPT.read_bytes()
    err = _bad(tmp_path, data[: len(data) // 2])
    assert "truncated" in err.cause
    assert err.where is not None and err.where.startswith("line ")
    assert "after sdnEntry #" in err.where


def test_garbage_and_wrong_root(tmp_path: Path) -> None:
    assert "malformed" in _bad(tmp_path, b"\x1f\x8b\x08 binary garbage").cause
    err = _bad(tmp_path, b'<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>')
    assert "CONSOLIDATED_LIST" in err.cause


def test_no_entries(tmp_path: Path) -> None:
    doc = b"<sdnList><publshInformation><Publish_Date>01/08/2026</Publish_Date></publshInformation></sdnList>"
    assert "no <sdnEntry>" in _bad(tmp_path, doc).cause


def test_entry_without_uid_names_the_element(tmp_path: Path) -> None:
    doc = b"<sdnList><sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Entity</sdnType></sdnEntry>"
    doc += b"<sdnEntry><lastName>B</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>"
    err = _bad(tmp_path, doc)
    assert "uid" in err.cause
    assert err.where == "element sdnEntry #2"


def test_wrong_source(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError):
        xml_format.parse(CONS_EXCERPT, "un_sc")


# -- the real files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(lists_dir: Path) -> dict[str, ParsedList]:
    return {
        folder: _parse(lists_dir / "us_ofac_consolidated" / folder / "consolidated.xml")
        for folder in CONS_VERSIONS
    }


@pytest.mark.parametrize("folder", sorted(CONS_VERSIONS))
def test_real_consolidated_counts(real: dict[str, ParsedList], folder: str) -> None:
    parsed = real[folder]
    date, count = CONS_VERSIONS[folder]
    assert parsed.source == "us_ofac_cons"
    assert parsed.list_date == date
    assert parsed.declared_count == parsed.record_count == len(parsed.entities) == count
    assert parsed.unconsumed == {}, "every sdnList field and idType label is mapped"
    assert parsed.warnings == []


def test_real_reordered_download_is_the_same_publication(real: dict[str, ParsedList]) -> None:
    a, b = _by_id(real["2026-01-08"]), _by_id(real["2026-01-08_reordered"])
    assert a.keys() == b.keys()
    assert all(a[k].content_hash == b[k].content_hash for k in a)


def test_real_changes_match_the_manifest(real: dict[str, ParsedList]) -> None:
    ids = {k: set(_by_id(p)) for k, p in real.items()}
    assert ids["2025-03-28"] == ids["2025-10-22"]
    assert ids["2025-10-22"] - ids["2025-12-18"] == {"26182"}  # one entry removed
    assert ids["2025-12-18"] - ids["2025-10-22"] == set()
    assert ids["2025-12-18"] == ids["2026-01-08"]  # no set change


def test_real_list_membership(real: dict[str, ParsedList]) -> None:
    from collections import Counter

    lists = Counter(s.list_name for e in real["2025-03-28"].entities for s in e.sanctions)
    assert lists == {"SSI": 286, "NS-PLC": 78, "CMIC": 68, "NS-MBS": 9, "561": 1, "FSE": 1}
    ssi = [s for e in real["2025-03-28"].entities for s in e.sanctions if s.list_name == "SSI"]
    assert all(any(m.startswith("EO 13662 Directive ") for m in s.measures) for s in ssi)
    assert all(s.sectors for s in ssi)


def test_real_samples_keep_their_declared_count(lists_dir: Path) -> None:
    sdn = _parse(lists_dir / "us_ofac_sdn" / "sample_2014-07-16_xml" / "sdn.xml")
    assert (sdn.source, sdn.list_date, sdn.record_count, sdn.declared_count) == (
        "us_ofac_sdn",
        "2014-07-16",
        4,
        5704,
    )
    cons = _parse(lists_dir / "us_ofac_consolidated" / "sample_2014-12-17_xml" / "consolidated.xml")
    # 24 <sdnEntry> elements, uid 15268 twice (561List and 561-Related): 23 entities
    assert (cons.list_date, cons.record_count, cons.declared_count) == ("2014-12-17", 23, 115)
    assert cons.unconsumed == {}
    kunlun = _by_id(cons)["15268"]
    assert kunlun.sanctions[0].programs == ("561-Related", "561List")
    assert "nspType" not in str(cons.unconsumed)  # the 2014 <nspType> is read like <sdnType>


def test_real_sniff(lists_dir: Path) -> None:
    for path in sorted((lists_dir / "us_ofac_consolidated").glob("*/consolidated.xml")):
        assert _claims(path) == ["ofac_xml"], path
    assert _claims(lists_dir / "us_ofac_sdn" / "sample_2014-07-16_xml" / "sdn.xml") == ["ofac_xml"]
    for un in sorted((lists_dir / "un_sc_consolidated").glob("*/consolidated.xml")):
        assert xml_format.sniff(un, un.read_bytes()[:8192]) is None, un
    for other in (
        lists_dir / "us_ofac_sdn" / "2024-05-02" / "sdn.csv",
        lists_dir / "us_ofac_consolidated" / "2025-01-10" / "CONS_ENHANCED.ZIP",
        lists_dir / "ch_seco" / "sample_2024-01-17" / "seco_example_amendment.xml",
    ):
        assert xml_format.sniff(other, other.read_bytes()[:8192]) is None, other


def test_real_speed(lists_dir: Path) -> None:
    path = lists_dir / "us_ofac_consolidated" / "2025-10-22" / "consolidated.xml"
    _parse(path)  # warm up country data
    start = time.perf_counter()
    _parse(path)
    assert time.perf_counter() - start < 2.0


def test_labelled_values_that_do_not_parse_become_notes() -> None:
    draft = Draft("Person")
    draft.labelled("Birthdate", "01 Jan 1958 to 31 Dec 1960")
    draft.labelled("Birthdate", "sometime in spring")
    draft.labelled("Organization Established Date", "unknown")
    draft.labelled("Gender", "Male")
    draft.labelled("Gender", "Female")  # two records of one party disagree: no gender
    entity = draft.build("us_ofac_sdn", "1")
    assert entity.birth_dates == ("1958", "1959", "1960")
    assert entity.prop("notes") == ("DOB sometime in spring", "Organization Established Date: unknown")
    assert entity.gender is None
    assert date_span("Feb 1961 to Feb 1961") == ["1961-02"]
    assert date_span("1962 to 1960") == []
