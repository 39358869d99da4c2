"""UK Sanctions List (FCDO) XML, on an excerpt written in the published format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import formats, uk_fcdo

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "uk_fcdo" / "UK-Sanctions-List.xml"


def parse_by_id(path: Path = FIXTURE) -> dict[str, Entity]:
    return {e.source_id: e for e in uk_fcdo.parse(path, "uk_fcdo").entities}


def idents(e: Entity) -> set[tuple[str, str, str | None, str | None]]:
    return {(i.type, i.value, i.country, i.note) for i in e.identifiers}


def test_excerpt_overview() -> None:
    parsed = uk_fcdo.parse(FIXTURE, "uk_fcdo")
    assert parsed.format == "uk_fcdo_xml"
    assert parsed.list_date == "2025-04-14"
    assert parsed.record_count == 3
    assert parsed.unconsumed == {}
    assert parsed.warnings == []
    assert {e.source_id: e.schema for e in parsed.entities} == {
        "AFG0007": "Person",
        "RUS0261": "Organization",
        "DPR0100": "Vessel",
    }


def test_individual() -> None:
    e = parse_by_id()["AFG0007"]
    assert e.id == "uk-fcdo-AFG0007"
    assert e.caption == "Abdul Kabir MOHAMMAD JAN"
    kinds = {(n.value, n.kind, n.lang) for n in e.names}
    assert ("A KABIR", "alias", None) in kinds  # Alias, Good quality a.k.a
    assert ("KABIR", "weak", None) in kinds  # Alias, Low quality a.k.a
    assert ("Abdul Kabir Mohammad Jan", "alias", None) in kinds  # Primary name variation
    assert ("عبد الکبیر محمد جان", "original", "fas") in kinds
    assert e.birth_dates == ("1963",)  # dd/mm/1963
    assert e.birth_places == (
        "Baghlan Jadid District, Baghlan Province, Afghanistan",
        "Pul-e-Khumri, Afghanistan",
    )
    assert e.nationalities == ("af",)
    assert e.gender == "male"
    assert e.prop("title") == ("Maulavi",)
    assert idents(e) == {
        ("other", "AFG0007", "gb", "UK Sanctions List Ref"),
        ("other", "6909", "gb", "OFSI Group ID"),
        ("other", "TAi.003", None, "UN Ref"),
    }
    (s,) = e.sanctions
    assert s.authority == "UK Foreign, Commonwealth & Development Office"
    assert s.programs == ("The Afghanistan (Sanctions) (EU Exit) Regulations 2020",)
    assert s.listing_date == "2001-01-25"
    assert s.measures == ("arms embargo", "asset freeze", "travel ban")
    assert s.reason == "Second Deputy, Economic Affairs, Council of Ministers under the Taliban regime."
    assert e.prop("designationSource") == ("UN",)
    assert e.prop("modifiedAt") == ("2022-02-11",)


def test_entity() -> None:
    e = parse_by_id()["RUS0261"]
    originals = {(n.value, n.lang) for n in e.names if n.kind == "original"}
    assert originals == {("558 АВИАЦИОННЫЙ РЕМОНТНЫЙ ЗАВОД", "rus"), ("558 АВІЯЦЫЙНЫ РАМОНТНЫ ЗАВОД", "Cyrl")}
    assert {n.value for n in e.names if n.kind == "alias"} == {"558 ARP", "JOINT STOCK COMPANY 558 ARP"}
    assert ("tax_id", "200167782", None, "UNP") in idents(e)
    assert ("email", "box@558arp.by", None, None) in idents(e)
    assert ("phone", "+375-163-41-70-98", None, None) in idents(e)
    (addr,) = e.addresses
    assert (addr.postal_code, addr.country) == ("225415", "by")
    assert e.countries == ("by",)
    assert e.prop("legalForm") == ("Public Joint Stock Company (PJSC)",)
    assert e.sanctions[0].measures == ("asset freeze", "trust services sanctions")
    assert "aerospace" in e.sanctions[0].sectors


def test_ship() -> None:
    e = parse_by_id()["DPR0100"]
    assert e.caption == "SAM JONG 2"
    assert ("imo", "7408873", None, "IMO number") in idents(e)  # "IMO7408873"
    assert e.prop("flag") == ("kp",) and e.prop("pastFlags") == ("ru",)
    assert e.prop("type") == ("Oil tanker",) and e.prop("tonnage") == ("1676",)
    assert e.prop("length") == ("80",) and e.prop("buildDate") == ("1975",)
    assert e.prop("ownerName") == ("Korea Samjong Shipping",)
    assert e.sanctions[0].measures == ("asset freeze", "deflag", "prohibition of port entry")


def test_reordered_publication_gives_equal_entities(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8")
    blocks = re.findall(r"  <Designation>.*?</Designation>\n", text, re.S)
    head = text[: text.index(blocks[0])]
    # designations in reverse order, and the names of each in reverse order
    swapped = [
        re.sub(r"(<Names>)(.*?)(\s*</Names>)", _reverse_names, b, flags=re.S) for b in reversed(blocks)
    ]
    other = tmp_path / "reordered.xml"
    other.write_text(head + "".join(swapped) + "</Designations>\n", "utf-8")
    a, b = parse_by_id(), parse_by_id(other)
    assert a == b
    assert [a[k].content_hash for k in sorted(a)] == [b[k].content_hash for k in sorted(b)]


def _reverse_names(m: re.Match[str]) -> str:
    names = re.findall(r"\s*<Name>.*?</Name>", m.group(2), re.S)
    return m.group(1) + "".join(reversed(names)) + m.group(3)


def test_unknown_elements_are_reported(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8").replace(
        "<YearsBuilt>", "<HullIdentificationNumbers><HIN>X1</HIN></HullIdentificationNumbers><YearsBuilt>"
    )
    path = tmp_path / "new_element.xml"
    path.write_text(text, "utf-8")
    parsed = uk_fcdo.parse(path, "uk_fcdo")
    assert parsed.unconsumed == {
        "ShipDetails/Ship/HullIdentificationNumbers": 1,
        "ShipDetails/Ship/HullIdentificationNumbers/HIN": 1,
    }


def test_truncated_file(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    cut = tmp_path / "UK-Sanctions-List.xml"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError, match="truncated") as err:
        uk_fcdo.parse(cut, "uk_fcdo")
    assert err.value.where is not None and "line" in err.value.where


def test_empty_and_wrong_files(tmp_path: Path, lists_dir: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty"):
        uk_fcdo.parse(empty, "uk_fcdo")
    none = tmp_path / "none.xml"
    none.write_text(
        '<?xml version="1.0"?><Designations><DateGenerated>01/01/2025</DateGenerated></Designations>'
    )
    with pytest.raises(ListFormatError, match="no Designation"):
        uk_fcdo.parse(none, "uk_fcdo")
    no_id = tmp_path / "no_id.xml"
    no_id.write_text(FIXTURE.read_text("utf-8").replace("<UniqueID>RUS0261</UniqueID>", ""), "utf-8")
    with pytest.raises(ListFormatError, match="without UniqueID") as err:
        uk_fcdo.parse(no_id, "uk_fcdo")
    assert err.value.where == "element Designation #2"
    un = lists_dir / "un_sc_consolidated" / "2024-11-30" / "consolidated.xml"
    assert uk_fcdo.sniff(un, un.read_bytes()[:8192]) is None
    with pytest.raises(ListFormatError, match="root element is <CONSOLIDATED_LIST>"):
        uk_fcdo.parse(un, "uk_fcdo")


def test_sniff_only_this_format_claims_the_file() -> None:
    head = FIXTURE.read_bytes()[:8192]
    assert [getattr(f, "NAME", None) for f in formats() if f.sniff(FIXTURE, head)] == ["uk_fcdo_xml"]
    ofsi_xml = b'<?xml version="1.0"?>\n<ArrayOfFinancialSanctionsTarget xmlns="http://schemas.hmtreasury.gov.uk/ofsi/consolidatedlist">'
    assert uk_fcdo.sniff(Path("ConList.xml"), ofsi_xml) is None
