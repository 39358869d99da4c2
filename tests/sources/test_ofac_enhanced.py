"""OFAC ENHANCED_XML: a trimmed excerpt (bare and zipped here), then the real CONS_ENHANCED.ZIP."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import formats
from embargo.sources.base import ParsedList
from embargo.sources.ofac import enhanced, xml_format

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXCERPT = FIXTURES / "us_ofac_cons" / "CONS_ENHANCED_2025-01-10_excerpt.xml"
XML_EXCERPT = FIXTURES / "us_ofac_cons" / "consolidated_2025-10-22_excerpt.xml"


def _zip(
    tmp_path: Path, data: bytes, name: str = "CONS_ENHANCED.ZIP", member: str = "CONS_ENHANCED.XML"
) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, data)
    return path


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def _claims(path: Path) -> list[str]:
    head = path.read_bytes()[:8192]
    return [str(getattr(f, "NAME", f)) for f in formats() if f.sniff(path, head)]


@pytest.fixture(scope="module")
def parsed() -> ParsedList:
    return enhanced.parse(EXCERPT, "us_ofac_cons")


@pytest.fixture(scope="module")
def ents(parsed: ParsedList) -> dict[str, Entity]:
    return _by_id(parsed)


# -- sniffing ----------------------------------------------------------------------------


def test_sniff_bare_and_zipped(tmp_path: Path) -> None:
    head = EXCERPT.read_bytes()[:8192]
    assert enhanced.sniff(EXCERPT, head) == "us_ofac_cons"
    assert enhanced.sniff(Path("SDN_ENHANCED.XML"), head) == "us_ofac_sdn"
    zipped = _zip(tmp_path, EXCERPT.read_bytes())
    assert enhanced.sniff(zipped, zipped.read_bytes()[:8192]) == "us_ofac_cons"
    # a zip with another name is recognised by its member
    other = _zip(tmp_path, EXCERPT.read_bytes(), name="download.zip", member="SDN_ENHANCED.XML")
    assert enhanced.sniff(other, other.read_bytes()[:8192]) == "us_ofac_sdn"
    unrelated = _zip(tmp_path, b"a,b\n", name="data.zip", member="list.csv")
    assert enhanced.sniff(unrelated, unrelated.read_bytes()[:8192]) is None


def test_sniff_rejects_other_files() -> None:
    assert enhanced.sniff(XML_EXCERPT, XML_EXCERPT.read_bytes()[:8192]) is None
    un = b'<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2025-12-10">'
    assert enhanced.sniff(Path("consolidated.xml"), un) is None
    assert enhanced.sniff(Path("CONS_ENHANCED.XML"), b"<sanctionsData>no namespace</sanctionsData>") is None


def test_only_this_format_claims_the_files(tmp_path: Path) -> None:
    assert _claims(EXCERPT) == ["ofac_enhanced"]
    assert _claims(_zip(tmp_path, EXCERPT.read_bytes())) == ["ofac_enhanced"]


# -- mapping -----------------------------------------------------------------------------


def test_header_and_counts(parsed: ParsedList) -> None:
    assert (parsed.source, parsed.format, parsed.list_date) == ("us_ofac_cons", "ofac_enhanced", "2025-01-10")
    assert parsed.record_count == len(parsed.entities) == 5
    assert parsed.declared_count is None  # the format has no record count
    assert parsed.unconsumed == {}
    assert parsed.warnings == []


def test_zipped_equals_bare(tmp_path: Path, parsed: ParsedList) -> None:
    zipped = enhanced.parse(_zip(tmp_path, EXCERPT.read_bytes()), "us_ofac_cons")
    assert zipped.entities == parsed.entities
    assert zipped.list_date == parsed.list_date


def test_person_with_resolved_references(ents: dict[str, Entity]) -> None:
    e = ents["9647"]
    assert (e.id, e.schema, e.caption) == ("us-ofac-cons-9647", "Person", "ZAHHAR, Mahmoud Khaled")
    assert {("AL ZAHAR, Mahmoud Khaled", "alias"), ("ZAHAR, Mahmoud", "weak")} <= {
        (n.value, n.kind) for n in e.names
    }
    assert e.birth_dates == ("1945",)
    assert e.birth_places == ("Gaza Strip",)
    assert e.nationalities == ("ps",)  # feature "Nationality Country" -> referenceValue COUNTRY isoCode PS
    assert e.gender == "male"
    assert e.prop("relationship") == ("Acting for or on behalf of: HAMAS (OFAC 4695)",)
    lists = {s.list_name: s for s in e.sanctions}
    assert set(lists) == {"NS-PLC", "SDN"}  # the file states both lists
    assert lists["NS-PLC"].programs == ("NS-PLC",)
    assert lists["NS-PLC"].listing_date == "2006-04-12"  # sanctionsList/@datePublished
    assert "Reject" in lists["NS-PLC"].measures
    assert (lists["SDN"].programs, lists["SDN"].measures) == (("SDGT",), ("Block",))


def test_original_script_names(ents: dict[str, Entity]) -> None:
    nwf = {(n.value, n.kind, n.lang) for n in ents["31693"].names}
    assert ("ФОНД НАЦИОНАЛЬНОГО БЛАГОСОСТОЯНИЯ", "original", "Cyrl") in nwf
    dji = {(n.value, n.kind, n.lang) for n in ents["33111"].names}
    assert ("深圳市大疆创新科技有限公司", "original", "Hans") in dji


def test_sanction_lists_types_and_sectors(ents: dict[str, Entity]) -> None:
    rosneft = {s.list_name: s for s in ents["18299"].sanctions}
    assert set(rosneft) == {"SSI", "SDN"}
    assert rosneft["SSI"].programs == ("UKRAINE-EO13662",)
    assert {"EO 13662 Directive 2", "EO 13662 Directive 4"} <= set(rosneft["SSI"].measures)
    assert rosneft["SSI"].sectors == ("energy",)
    assert rosneft["SSI"].listing_date == "2015-07-30"
    assert rosneft["SDN"].programs == ("VENEZUELA-EO13850",)
    (nwf,) = ents["31693"].sanctions
    assert (nwf.list_name, nwf.measures, nwf.sectors) == (
        "NS-MBS",
        ("EO 14024 Directive 1a", "EO 14024 Directive 4"),
        ("finance",),
    )
    (fse,) = ents["26182"].sanctions
    assert (fse.list_name, fse.programs) == ("FSE", ("FSE-IR",))
    (cmic,) = ents["33111"].sanctions
    assert (cmic.list_name, cmic.listing_date) == ("CMIC", "2021-12-16")
    assert ents["18299"].prop("legalBasis") == (
        "Executive Order 13662 (Ukraine)",
        "Executive Order 13850 (Venezuela)",
    )


def test_documents_addresses_features(ents: dict[str, Entity]) -> None:
    evren = ents["26182"]
    assert [(i.type, i.value, i.country, i.note) for i in evren.identifiers] == [
        ("passport", "U00242309", "tr", "Passport")
    ]
    assert evren.birth_dates == ("1980-02-08",)
    rosneft = ents["18299"]
    assert [a.full for a in rosneft.addresses] == ["Rue Place du Lac 2, 1204, Geneva, Switzerland"]
    assert rosneft.addresses[0].country == "ch"
    assert ("tax_id", "CHE-309.842.573", "ch") in {(i.type, i.value, i.country) for i in rosneft.identifiers}
    dji = ents["33111"]
    assert "Effective Date (CMIC): 2022-02-14" in dji.prop("notes")


def test_reference_values_win_over_element_text(tmp_path: Path) -> None:
    """Countries and types are resolved through referenceValues, not the inline label."""
    text = EXCERPT.read_text("utf-8")
    assert '<issuingCountry refId="11205">Turkey</issuingCountry>' in text
    text = text.replace(
        '<issuingCountry refId="11205">Turkey</issuingCountry>',
        '<issuingCountry refId="11205">?</issuingCountry>',
    )
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_text(text, "utf-8")
    evren = _by_id(enhanced.parse(path, "us_ofac_cons"))["26182"]
    assert evren.identifiers[0].country == "tr"


def test_child_order_does_not_change_entities(tmp_path: Path, parsed: ParsedList) -> None:
    text = EXCERPT.read_text("utf-8")
    head, rest = text.split("<entities>", 1)
    body, tail = rest.rsplit("</entities>", 1)
    chunks = ["<entity " + c for c in body.split("<entity ")[1:]]
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_text(head + "<entities>\n" + "".join(reversed(chunks)) + "</entities>" + tail, "utf-8")
    assert enhanced.parse(path, "us_ofac_cons").entities == parsed.entities


# -- bad input ---------------------------------------------------------------------------


def _bad(path: Path) -> ListFormatError:
    with pytest.raises(ListFormatError) as info:
        enhanced.parse(path, "us_ofac_cons")
    assert info.value.path == str(path)
    return info.value


def test_bad_zip(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.ZIP"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    assert enhanced.sniff(path, path.read_bytes()) == "us_ofac_cons"  # claimed by name, refused by parse
    assert "not a readable zip" in _bad(path).cause


def test_zip_without_the_xml(tmp_path: Path) -> None:
    err = _bad(_zip(tmp_path, b"hello", member="README.txt"))
    assert "no *ENHANCED*.XML" in err.cause
    assert "README.txt" in err.cause


def test_truncated_xml_inside_the_zip(tmp_path: Path) -> None:
    data = EXCERPT.read_bytes()
    err = _bad(_zip(tmp_path, data[: len(data) * 2 // 3]))
    assert "truncated" in err.cause
    assert err.where is not None and err.where.startswith("CONS_ENHANCED.XML line ")


def test_truncated_zip_file(tmp_path: Path) -> None:
    whole = _zip(tmp_path, EXCERPT.read_bytes())
    cut = tmp_path / "cut" / "CONS_ENHANCED.ZIP"
    cut.parent.mkdir()
    cut.write_bytes(whole.read_bytes()[:3000])
    _bad(cut)


def test_empty_and_wrong_root(tmp_path: Path) -> None:
    empty = tmp_path / "CONS_ENHANCED.XML"
    empty.write_bytes(b"")
    assert "empty" in _bad(empty).cause
    wrong = tmp_path / "wrong" / "CONS_ENHANCED.XML"
    wrong.parent.mkdir()
    wrong.write_bytes(b"<sdnList><sdnEntry/></sdnList>")
    assert "sanctionsData" in _bad(wrong).cause
    no_entities = tmp_path / "none" / "CONS_ENHANCED.XML"
    no_entities.parent.mkdir()
    no_entities.write_text(EXCERPT.read_text("utf-8").split("<entities>")[0] + "<entities/></sanctionsData>")
    assert "no <entity>" in _bad(no_entities).cause


# -- the real file -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_zip(lists_dir: Path) -> Path:
    return lists_dir / "us_ofac_consolidated" / "2025-01-10" / "CONS_ENHANCED.ZIP"


def test_real_file(real_zip: Path) -> None:
    assert _claims(real_zip) == ["ofac_enhanced"]
    parsed = enhanced.parse(real_zip, "us_ofac_cons")
    assert parsed.list_date == "2025-01-10"
    assert parsed.record_count == len(parsed.entities) == 443
    assert parsed.unconsumed == {}, "every field, feature type and document type is mapped"
    assert parsed.warnings == []
    lists = sorted({s.list_name for e in parsed.entities for s in e.sanctions})
    assert lists == ["561", "CMIC", "FSE", "NS-MBS", "NS-PLC", "SDN", "SSI"]


def test_real_file_agrees_with_the_sdnlist_xml(lists_dir: Path, real_zip: Path) -> None:
    """Same entity ids in both formats (2025-01-10 ENHANCED vs 2025-03-28 XML), same names and DOBs."""
    enh = _by_id(enhanced.parse(real_zip, "us_ofac_cons"))
    xml = _by_id(
        xml_format.parse(
            lists_dir / "us_ofac_consolidated" / "2025-03-28" / "consolidated.xml", "us_ofac_cons"
        )
    )
    common = enh.keys() & xml.keys()
    assert len(common) >= 0.95 * len(xml)
    assert all(enh[k].id == xml[k].id for k in common)
    latin = {k: {(n.value, n.kind) for n in enh[k].names if n.kind != "original"} for k in common}
    same_names = [k for k in common if latin[k] == {(n.value, n.kind) for n in xml[k].names}]
    assert len(same_names) >= 0.95 * len(common)
    assert all(enh[k].caption == xml[k].caption for k in common)
    assert all(enh[k].birth_dates == xml[k].birth_dates for k in common)
    assert sum(e.birth_dates != () for e in enh.values()) >= 70
    same_ids = [
        k
        for k in common
        if {(i.type, i.value) for i in enh[k].identifiers} == {(i.type, i.value) for i in xml[k].identifiers}
    ]
    assert len(same_ids) >= 0.95 * len(common)


def test_corrupted_member_fails_its_checksum(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("CONS_ENHANCED.XML", EXCERPT.read_bytes())
    path.write_bytes(path.read_bytes().replace(b"KAYAKIRAN", b"KAYAKIRAM", 1))  # still well-formed XML
    err = _bad(path)
    assert "corrupted" in err.cause
    assert "CRC" in err.cause


def test_every_label_ofac_declares_is_mapped(real_zip: Path) -> None:
    """The file's own vocabulary (all 105 ID DOCUMENT TYPEs, every feature type) is in us_ofac_labels.yml."""
    from lxml import etree

    from embargo.sources.ofac.facts import rule_for

    with zipfile.ZipFile(real_zip) as zf:
        root = etree.fromstring(zf.read("CONS_ENHANCED.XML"))
    ns = "{https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML}"
    doc_types = [
        rv.findtext(f"{ns}value") or ""
        for rv in root.iter(f"{ns}referenceValue")
        if rv.findtext(f"{ns}type") == "ID DOCUMENT TYPE"
    ]
    feature_types = [ft.findtext(f"{ns}type") or "" for ft in root.iter(f"{ns}featureType")]
    assert len(doc_types) == 105 and len(feature_types) == 34
    assert [t for t in doc_types + feature_types if not rule_for(t).known] == []
    assert rule_for("NIT #").arg == "tax_id"  # '#' in the YAML is quoted, not a comment
    assert rule_for("Digital Currency Address - XBT").arg == "crypto_wallet"
    assert rule_for("Vessel Registration Identification").arg == "registration"
