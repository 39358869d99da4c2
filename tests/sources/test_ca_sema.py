"""Canada SEMA consolidated list (sema-lmes.xml): 2020 and 2025 schemas, fixtures and real files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from embargo.errors import ListFormatError
from embargo.model.entity import Entity, Identifier
from embargo.sources import ca_sema
from embargo.sources.base import ParsedList

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ca_sema"
F2020 = FIXTURES / "sema-lmes_2020.xml"
F2025 = FIXTURES / "sema-lmes_2025.xml"
VERSIONS = {"2020-04-15": 1369, "2025-05-25": 4759}


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


@pytest.fixture(scope="module")
def f2020() -> dict[str, Entity]:
    return _by_id(ca_sema.parse(F2020, "ca_sema"))


@pytest.fixture(scope="module")
def f2025() -> dict[str, Entity]:
    return _by_id(ca_sema.parse(F2025, "ca_sema"))


@pytest.fixture(scope="module")
def real(lists_dir: Path) -> dict[str, ParsedList]:
    return {v: ca_sema.parse(lists_dir / "ca_sema" / v / "sema-lmes.xml", "ca_sema") for v in VERSIONS}


# -- fixtures --------------------------------------------------------------------------------


def test_ids_are_the_same_in_both_schemas(f2020: dict[str, Entity], f2025: dict[str, Entity]) -> None:
    """Schedule "2" (2020) and "Part 2" (2025), "1" and "1, Part 1", "N/A" and none: same id."""
    expected = {"MM-1-1", "MM-2-24", "SY-2-74", "SY-1-1", "RU-1-61", "RU-S3-2", "JVCFOR-35", "ZW-50"}
    assert expected <= f2020.keys()
    assert expected <= f2025.keys()
    for sid in expected:
        assert f2020[sid].caption.split("/")[0] == f2025[sid].caption, sid  # 2020: "English/French" names
    assert f2020["RU-2-1"].schema == "Organization"  # 2020 Russia "1, Part 2"
    assert f2020["RU-S2-1"].schema == "Organization"  # 2020 Russia schedule 2


def test_person(f2025: dict[str, Entity]) -> None:
    e = f2025["RU-1-61"]
    assert e.id == "ca-sema-RU-1-61"
    assert e.schema == "Person"
    assert e.caption == "Nikolay Terentievich SHAMALOV"
    assert e.prop("lastName") == ("SHAMALOV",)
    (s,) = e.sanctions
    assert (s.authority, s.list_name, s.country) == ("Global Affairs Canada", "SEMA", "ca")
    assert s.programs == ("Russia",)
    assert s.listing_date == "2014-08-06"
    assert s.measures == ("Schedule 1, Part 1",)
    nazih = f2025["SY-2-74"]  # a last name only, with a title
    assert nazih.caption == "Nazih"
    assert nazih.prop("title") == ("Major General/major-général",)
    thaung = f2025["MM-2-24"]
    assert thaung.birth_dates == ("1937-07-06",)
    assert thaung.sanctions[0].programs == ("Myanmar (Burma)",)


def test_vessel(f2025: dict[str, Entity]) -> None:
    ship = f2025["RU-S1.1-1"]
    assert ship.schema == "Vessel"
    assert ship.caption == "Balitiyskiy III"
    assert ship.identifiers == (Identifier("imo", "IMO7612448", None, "ShipIMONumber"),)
    assert ship.prop("buildDate") == ("1980",)
    assert ship.prop("type") == ("General Cargo / Multi Purpose",)
    assert ship.birth_dates == ()
    assert "maritime" in ship.sanctions[0].sectors
    assert ship.sanctions[0].measures == ("Schedule 1.1",)


def test_aliases(f2020: dict[str, Entity], f2025: dict[str, Entity]) -> None:
    air = f2020["MM-1-1"]
    assert [(n.value, n.kind) for n in air.names] == [
        ("Air Bagan", "primary"),
        ("Air Bagan Holdings Pte. Ltd.", "alias"),
        ("Air Bagan Limited", "alias"),
    ]
    (luk,) = [e for e in f2025.values() if e.source_id.startswith("BY-")]
    originals = {(n.value, n.lang) for n in luk.names if n.kind == "original"}
    assert ("Мікалай Аляксандравіч Лукашэнка", "bel") in originals
    assert ("Николай Александрович Лукашенко", "rus") in originals
    assert ("Mikalay Alyaksandravich Lukashenka", "alias", None) in {
        (n.value, n.kind, n.lang) for n in luk.names
    }
    (ooo,) = [e for e in f2025.values() if any(n.value.endswith(", ООО") for n in e.names)]
    assert ooo.schema == "Organization"  # "Euro-Polis, ООО" stays one name


def test_unreadable_date_is_kept_and_warned() -> None:
    parsed = ca_sema.parse(F2025, "ca_sema")
    assert "'born in the early 1970s' not understood" in "\n".join(parsed.warnings)
    (sd,) = [e for e in parsed.entities if e.source_id.startswith("SD-")]
    assert sd.birth_dates == ()
    assert sd.prop("notes") == ("Date of birth or build: born in the early 1970s",)
    assert parsed.unconsumed == {}
    assert parsed.list_date is None


def test_reordered_records_give_equal_entities(f2025: dict[str, Entity], tmp_path: Path) -> None:
    tree = etree.parse(str(F2025))
    root = tree.getroot()
    records = list(root)
    for r in records:
        root.remove(r)
    for r in reversed(records):
        for child in reversed(list(r)):  # child order flipped too
            r.remove(child)
            r.append(child)
        root.append(r)
    path = tmp_path / "sema-lmes.xml"
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    assert _by_id(ca_sema.parse(path, "ca_sema")) == f2025


# -- bad input -------------------------------------------------------------------------------


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "sema-lmes.xml"
    path.write_bytes(data)
    return path


def test_truncated(tmp_path: Path) -> None:
    data = F2025.read_bytes()
    with pytest.raises(ListFormatError, match="malformed XML") as err:
        ca_sema.parse(_write(tmp_path, data[: len(data) // 2]), "ca_sema")
    assert err.value.where is not None and err.value.where.startswith("line ")


def test_empty_and_recordless(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty file"):
        ca_sema.parse(_write(tmp_path, b""), "ca_sema")
    with pytest.raises(ListFormatError, match="no <record>"):
        ca_sema.parse(_write(tmp_path, b'<?xml version="1.0"?>\n<data-set></data-set>\n'), "ca_sema")


def test_corrupted_encoding(tmp_path: Path) -> None:
    data = F2025.read_bytes().replace(
        "Лукаш".encode(), b"\xcb\xf3\xea\xe0\xf8"
    )  # Windows-1251 bytes in UTF-8
    with pytest.raises(ListFormatError, match="malformed XML"):
        ca_sema.parse(_write(tmp_path, data), "ca_sema")


def test_wrong_root(lists_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not a SEMA list"):
        ca_sema.parse(lists_dir / "un_sc_consolidated" / "2018-10-29" / "consolidated.xml", "ca_sema")


# -- the stored files ------------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_real_counts(real: dict[str, ParsedList], lists_dir: Path, version: str) -> None:
    raw = (lists_dir / "ca_sema" / version / "sema-lmes.xml").read_text("utf-8")
    assert raw.count("<record>") == VERSIONS[version]
    parsed = real[version]
    assert len(parsed.entities) == parsed.record_count == VERSIONS[version]
    assert len({e.id for e in parsed.entities}) == VERSIONS[version]
    assert parsed.unconsumed == {}
    regimes = Counter(re.findall(r"<Country>([^/<]+?)\s*(?:/[^<]*)?</Country>", raw))
    programs = Counter(e.sanctions[0].programs[0] for e in parsed.entities)
    assert programs["Russia"] == regimes["Russia"]
    assert programs["Ukraine"] == regimes["Ukraine"]
    assert not [w for w in parsed.warnings if "not unique" in w or "repeat" in w]


def test_real_2025_figures(real: dict[str, ParsedList]) -> None:
    parsed = real["2025-05-25"]
    programs = Counter(e.sanctions[0].programs[0] for e in parsed.entities)
    assert (programs["Russia"], programs["Ukraine"], programs["Iran"], programs["Belarus"]) == (
        2426,
        553,
        460,
        320,
    )
    schemas = Counter(e.schema for e in parsed.entities)
    assert schemas["Vessel"] == 109
    assert sum(1 for e in parsed.entities for i in e.identifiers if i.type == "imo") == 109
    dates = [e.sanctions[0].listing_date for e in parsed.entities if e.sanctions[0].listing_date]
    assert len(dates) == 4759 and max(dates) == "2025-03-20"  # as the MANIFEST says


def test_real_ids_stable_between_versions(real: dict[str, ParsedList]) -> None:
    old = {e.source_id: e.caption for e in real["2020-04-15"].entities}
    new = {e.source_id: e.caption for e in real["2025-05-25"].entities}
    by_name_old = {" ".join(c.split()).lower(): sid for sid, c in old.items()}
    by_name_new = {" ".join(c.split()).lower(): sid for sid, c in new.items()}
    common = by_name_old.keys() & by_name_new.keys()
    same = sum(1 for n in common if by_name_old[n] == by_name_new[n])
    assert len(common) > 1200
    assert same >= len(common) - 10


def test_sniff(lists_dir: Path) -> None:
    for version in VERSIONS:
        path = lists_dir / "ca_sema" / version / "sema-lmes.xml"
        assert ca_sema.sniff(path, path.read_bytes()[:8192]) == "ca_sema"
    for other in (
        lists_dir / "un_sc_consolidated" / "2018-10-29" / "consolidated.xml",
        lists_dir / "us_ofac_consolidated" / "2025-01-10" / "cons_advanced.xml",
        lists_dir / "ch_seco" / "sample_2024-01-17" / "seco_example_amendment.xml",
        lists_dir / "us_bis_dpl" / "2023-11-28" / "dpl.txt",
    ):
        if other.exists():
            assert ca_sema.sniff(other, other.read_bytes()[:8192]) is None, other
