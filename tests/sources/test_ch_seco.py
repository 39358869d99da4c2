"""SECO swiss-sanctions-list XML: the real amendment sample and a synthetic whole-list excerpt."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import ch_seco, formats
from embargo.sources.base import ParsedList

FIX = Path(__file__).resolve().parents[1] / "fixtures"
WHOLE = FIX / "ch_seco" / "whole_list_synthetic.xml"


def _sample(lists_dir: Path) -> Path:
    return lists_dir / "ch_seco" / "sample_2024-01-17" / "seco_example_amendment.xml"


def _by_name(parsed: ParsedList) -> dict[str, Entity]:
    return {e.caption: e for e in parsed.entities}


# --- the real SECO sample (an amendment for an EXAMPLE programme with test persons) -------------


def test_sample_amendment(lists_dir: Path) -> None:
    parsed = ch_seco.parse(_sample(lists_dir), "ch_seco")
    assert parsed.format == "ch_seco_xml" and parsed.source == "ch_seco"
    assert parsed.list_date == "2024-01-17"
    assert parsed.record_count == 3
    assert sorted(e.id for e in parsed.entities) == ["ch-seco-64393", "ch-seco-64398", "ch-seco-64403"]
    assert parsed.unconsumed == {}
    assert any("amendment" in w for w in parsed.warnings)  # changes only, not the whole list
    people = _by_name(parsed)
    assert set(people) == {"Test A", "Test B", "Test C"}
    b, c, a = people["Test B"], people["Test C"], people["Test A"]
    assert (b.schema, b.gender, b.nationalities, b.birth_dates) == (
        "Person",
        "female",
        ("gb",),
        ("2025-12-31",),
    )
    assert (c.gender, c.nationalities, c.birth_dates) == ("male", ("us",), ("2000-01-01",))
    assert (a.gender, a.nationalities, a.birth_dates) == (None, ("ch",), ("1900-01-01",))
    (sb,) = b.sanctions
    assert sb.programs == ("EXAMPLE", "PPDM")  # programme name and key (English)
    assert sb.measures == ("Financial measures, annex 2",)  # the sanctions set
    assert (sb.authority, sb.country) == ("Swiss State Secretariat for Economic Affairs (SECO)", "ch")
    assert c.sanctions[0].measures == ("Travel ban, annex 1",)
    (sa,) = a.sanctions  # two sets of one programme: one sanction, both measures
    assert sa.measures == ("Financial measures, annex 2", "Travel ban, annex 1")
    assert "Programme EXAMPLE: origin ONU, UE" in a.prop("notes")


def test_sniff(lists_dir: Path) -> None:
    for path in (_sample(lists_dir), WHOLE):
        head = path.read_bytes()[:8192]
        assert ch_seco.sniff(path, head) == "ch_seco"
        assert [getattr(f, "NAME", "?") for f in formats() if f.sniff(path, head)] == [ch_seco.NAME]
    un_file = FIX / "un_sc" / "compact_2018-10-29.xml"
    assert ch_seco.sniff(un_file, un_file.read_bytes()[:8192]) is None
    assert ch_seco.companions(WHOLE) == []


# --- a synthetic whole list with the parts the sample lacks -------------------------------------


def _whole(path: Path = WHOLE) -> ParsedList:
    return ch_seco.parse(path, "ch_seco")


def test_whole_list_counts_and_delisting() -> None:
    parsed = _whole()
    assert parsed.list_date == "2025-03-21"
    assert sorted(e.source_id for e in parsed.entities) == ["100", "200", "300", "500"]  # 400 is de-listed
    assert parsed.record_count == 4
    assert parsed.warnings == ["1 de-listed target(s) left out"]
    assert parsed.unconsumed == {}


def test_person_names_from_ordered_parts_and_identities() -> None:
    e = _by_name(_whole())["Ivan Petrovich Testov"]  # title part left out of the name
    assert e.id == "ch-seco-100"
    names = {(n.value, n.kind, n.lang) for n in e.names}
    assert ("Juan Testez", "alias", None) in names  # primary-name of a non-main identity
    assert ("Vanya", "weak", None) in names  # quality low
    assert ("Ivan Testoff", "former", None) in names  # formerly-known-as, parts re-ordered by order
    assert ("Иван Петрович Тестов", "original", "rus") in names  # spelling variants in Cyrillic
    assert e.prop("title") == ("General",)
    assert e.birth_dates == ("1969", "1970-03-12", "1971")
    assert e.birth_places == ("Moscow, Russian Federation",)  # place-id resolved (place printed later)
    assert e.nationalities == ("ru",)
    (addr,) = e.addresses
    assert (addr.street, addr.city, addr.region, addr.postal_code, addr.country) == (
        "Tverskaya 1",
        "Moscow",
        "Central",
        "101000",
        "ru",
    )
    ids = {i.type: i for i in e.identifiers}
    assert ids["passport"].value == "750000001" and ids["passport"].country == "ru"
    assert (
        ids["passport"].note
        == "passport; issuer Russian Federation; issued 2015-01-02; expires 2025-01-01; diplomatic passport"
    )
    assert (ids["other"].value, ids["other"].note) == ("EXi.001", "UN reference number")  # foreign-identifier
    (s,) = e.sanctions
    assert s.programs == ("EXA", "Examplestan")
    assert s.measures == ("Financial sanctions, annex 1", "Travel ban, annex 1")
    assert s.listing_date == "2022-02-28"
    assert s.reason == "Commander of the example forces."
    assert e.prop("modifiedAt") == ("2023-06-02",)
    assert "associated-with: Example Defence Industries JSC (SECO target 200)" in e.prop("notes")
    assert "Member of the example council." in e.prop("notes")


def test_entity_vessel_and_older_layout() -> None:
    parsed = _by_name(_whole())
    org = parsed["Example Defence Industries JSC"]
    assert org.schema == "Organization"
    assert ("АО Пример Оборонпром", "original") in {(n.value, n.kind) for n in org.names}
    (addr,) = org.addresses
    assert addr.full == "c/o Holding Ltd, P.O. Box 77, Exampleburg, Russian Federation (head office)"
    assert org.countries == ("ru",)
    assert org.sanctions[0].sectors == ("defence",)  # justification: "Produces arms ..."
    vessel = parsed["EXAMPLE STAR"]
    assert vessel.schema == "Vessel"
    assert [(i.type, i.value) for i in vessel.identifiers] == [("imo", "9123456")]
    older = parsed["Older Layout"]  # <target sanctions-set-id="12">
    assert older.sanctions[0].measures == ("Travel ban, annex 1",)
    assert older.sanctions[0].listing_date == "2011-05-24"


def test_reordered_file_gives_equal_entities(tmp_path: Path) -> None:
    tree = etree.parse(str(WHOLE))
    root = tree.getroot()
    tops = list(root)
    for el in tops:
        root.remove(el)
        for node in list(el.iter()):
            kids = list(node)
            for k in kids:
                node.remove(k)
            node.extend(reversed(kids))
    root.extend(reversed(tops))  # places now come first
    shuffled = tmp_path / "seco.xml"
    tree.write(str(shuffled), encoding="UTF-8", xml_declaration=True)
    a = {e.id: e.content_hash for e in _whole().entities}
    b = {e.id: e.content_hash for e in _whole(shuffled).entities}
    assert a == b


# --- bad input ------------------------------------------------------------------------------------


def test_truncated_list_is_refused(tmp_path: Path) -> None:
    cut = tmp_path / "seco.xml"
    cut.write_bytes(WHOLE.read_bytes()[:3000])
    with pytest.raises(ListFormatError, match="not well-formed XML"):
        _whole(cut)


def test_empty_and_target_free_lists_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty file"):
        _whole(empty)
    bare = tmp_path / "bare.xml"
    bare.write_text('<swiss-sanctions-list list-type="whole-list" date="2025-01-01"/>')
    with pytest.raises(ListFormatError, match="no target records"):
        _whole(bare)


def test_other_xml_is_refused() -> None:
    with pytest.raises(ListFormatError, match="root element is <export>"):
        _whole(FIX / "eu_fsf" / "fsf_1_1_excerpt.xml")
