"""BIS Denied Persons List (dpl.txt): trimmed fixture and the three stored versions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from embargo.errors import ListFormatError
from embargo.model.entity import Entity
from embargo.sources import us_bis_dpl
from embargo.sources.base import ParsedList

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "us_bis_dpl" / "dpl.txt"
VERSIONS = {"2019-06-12": 546, "2022-09-02": 581, "2023-11-28": 665}


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


@pytest.fixture(scope="module")
def fixture_list() -> ParsedList:
    return us_bis_dpl.parse(FIXTURE, "us_bis_dpl")


@pytest.fixture(scope="module")
def real(lists_dir: Path) -> dict[str, ParsedList]:
    return {v: us_bis_dpl.parse(lists_dir / "us_bis_dpl" / v / "dpl.txt", "us_bis_dpl") for v in VERSIONS}


def _independent_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="ascii") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


# -- fixture ---------------------------------------------------------------------------------


def test_rows_of_one_name_merge_into_one_entity(fixture_list: ParsedList) -> None:
    ents = _by_id(fixture_list)
    assert sorted(ents) == [
        "AL NASER AIRLINES",
        "HAYDEE HERRERA",
        "I. ASH",
        "ISSAM SHAMMOUT",
        "JOSE ERNESTO GARCIA",
        "NORDWIND AIRLINES",
        "ZIMO SHENG",
    ]
    assert fixture_list.record_count == 7
    ash = ents["I. ASH"]  # " I. ASH" (leading space, official) and "I. ASH": one party, three addresses
    assert ash.caption == "I. ASH"
    assert [n.value for n in ash.names] == ["I. ASH"]
    assert len(ash.addresses) == 3
    assert {a.postal_code for a in ash.addresses} == {"75081", "75159"}
    assert ents["ISSAM SHAMMOUT"].countries == ("gb", "lb", "sy", "tr")


def test_sanction_fields(fixture_list: ParsedList) -> None:
    ash = _by_id(fixture_list)["I. ASH"]
    (s,) = ash.sanctions
    assert (s.authority, s.list_name, s.country) == ("US Commerce BIS", "DPL", "us")
    assert s.listing_date == "2002-03-04"  # earliest Effective_Date of the party's orders (MM/DD/YYYY)
    assert "export privileges denied" in s.measures
    assert "standard denial order" in s.measures
    assert s.reason is not None and "68 F.R. 38290" in s.reason and "67 F.R. 10890" in s.reason
    assert ash.prop("endDate") == ("2056-06-29",)
    assert "50 YEAR DENIAL" in ash.prop("notes")


def test_person_or_organisation(fixture_list: ParsedList) -> None:
    ents = _by_id(fixture_list)
    assert ents["NORDWIND AIRLINES"].schema == "Organization"
    assert ents["AL NASER AIRLINES"].schema == "Organization"
    assert ents["ZIMO SHENG"].schema == "LegalEntity"
    assert us_bis_dpl.guess_schema("DATASAAB CONTRACTING AB") == "LegalEntity"  # no word we trust
    assert us_bis_dpl.guess_schema("ARROWTRONIC, LLC") == "Organization"
    assert us_bis_dpl.guess_schema("KIM SONG II") == "LegalEntity"


def test_invalid_last_update_is_a_warning(fixture_list: ParsedList) -> None:
    text = "\n".join(fixture_list.warnings)
    assert "Last_Update '3033-09-30' is not a valid date" in text
    assert "Last_Update '1023-11-01' is not a valid date" in text
    assert fixture_list.list_date is None
    garcia = _by_id(fixture_list)["JOSE ERNESTO GARCIA"]
    assert garcia.prop("modifiedAt") == ()
    assert fixture_list.unconsumed == {}


def test_reordered_rows_give_equal_entities(fixture_list: ParsedList, tmp_path: Path) -> None:
    lines = FIXTURE.read_text("ascii").splitlines()
    path = tmp_path / "dpl.txt"
    path.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", "ascii")
    again = us_bis_dpl.parse(path, "us_bis_dpl")
    assert _by_id(again) == _by_id(fixture_list)


# -- bad input -------------------------------------------------------------------------------


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "dpl.txt"
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty file"):
        us_bis_dpl.parse(_write(tmp_path, b""), "us_bis_dpl")


def test_header_only(tmp_path: Path) -> None:
    header = FIXTURE.read_bytes().split(b"\n")[0] + b"\n"
    with pytest.raises(ListFormatError, match="no records"):
        us_bis_dpl.parse(_write(tmp_path, header), "us_bis_dpl")


def test_truncated_mid_row(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    cut = data.index(b"ZIMO SHENG") + 40  # inside a row, before its last columns
    with pytest.raises(ListFormatError, match="line 13") as err:
        us_bis_dpl.parse(_write(tmp_path, data[:cut]), "us_bis_dpl")
    assert "truncated" in str(err.value)


def test_corrupted_bytes(tmp_path: Path) -> None:
    data = bytearray(FIXTURE.read_bytes())
    data[200:204] = b"\xff\xfe\x00\x81"
    with pytest.raises(ListFormatError, match="corrupted"):
        us_bis_dpl.parse(_write(tmp_path, bytes(data)), "us_bis_dpl")


def test_not_a_dpl(tmp_path: Path) -> None:
    path = _write(tmp_path, b"_id,source,entity_number,type\n1,x,2,Entity\n")
    with pytest.raises(ListFormatError, match="not a BIS Denied Persons List"):
        us_bis_dpl.parse(path, "us_bis_dpl")


# -- real files ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_real_counts(real: dict[str, ParsedList], lists_dir: Path, version: str) -> None:
    path = lists_dir / "us_bis_dpl" / version / "dpl.txt"
    rows = _independent_rows(path)
    assert len(rows) == VERSIONS[version]
    parsed = real[version]
    names = {" ".join(r["Name"].split()).upper() for r in rows}
    assert len(parsed.entities) == parsed.record_count == len(names)
    assert {e.source_id for e in parsed.entities} == names
    assert parsed.unconsumed == {}
    # the folder is named after the latest plausible Last_Update
    assert f"latest valid Last_Update is {version}" in "\n".join(parsed.warnings)
    assert sum(len(e.addresses) for e in parsed.entities) >= len(rows) - 10  # one row, one address


def test_real_bad_dates_are_warnings(real: dict[str, ParsedList]) -> None:
    assert "'3017-08-22'" in "\n".join(real["2019-06-12"].warnings)
    assert "'2922-09-01'" in "\n".join(real["2022-09-02"].warnings)
    assert "'3033-09-30'" in "\n".join(real["2023-11-28"].warnings)


def test_real_ids_survive_a_tdo_renewal(real: dict[str, ParsedList]) -> None:
    """ISSAM SHAMMOUT's order was renewed (new effective date): same id, changed entity."""
    before = _by_id(real["2022-09-02"])["ISSAM SHAMMOUT"]
    after = _by_id(real["2023-11-28"])["ISSAM SHAMMOUT"]
    assert before.id == after.id
    assert before.sanctions[0].reason != after.sanctions[0].reason
    assert before.content_hash != after.content_hash


def test_sniff(lists_dir: Path) -> None:
    for version in VERSIONS:
        path = lists_dir / "us_bis_dpl" / version / "dpl.txt"
        assert us_bis_dpl.sniff(path, path.read_bytes()[:8192]) == "us_bis_dpl"
    for other in (
        lists_dir / "us_trade_csl" / "sample_2025-06" / "consolidated.csv",
        lists_dir / "us_ofac_sdn" / "2022-05-06" / "sdn.csv",
        lists_dir / "ca_sema" / "2020-04-15" / "sema-lmes.xml",
        lists_dir / "uk_ofsi_conlist" / "2018-04-13" / "sanctionsconlist.csv",
    ):
        assert us_bis_dpl.sniff(other, other.read_bytes()[:8192]) is None
