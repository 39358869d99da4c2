"""UK OFSI Consolidated List: the 2018 CSV and the 2022+ XLSX editions."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import formats, uk_ofsi
from embargo.sources.base import ParsedList
from embargo.sources.listfields import country_codes, dates_in, split_enum

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uk_ofsi"
CSV_EXCERPT = FIXTURES / "sanctionsconlist_excerpt.csv"


def write_xlsx(path: Path, first: list[object], header: list[object], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(first)
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def xlsx_excerpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An OFSI-style ConList.xlsx built from 12 real rows of the 14/04/2025 list."""
    data = json.loads((FIXTURES / "conlist_rows.json").read_text("utf-8"))
    path = tmp_path_factory.mktemp("ofsi") / "ConList.xlsx"
    return write_xlsx(path, data["first_row"], data["header"], data["rows"])


def by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def names(e: Entity, kind: str) -> set[str]:
    return {n.value for n in e.names if n.kind == kind}


def ident(e: Entity, id_type: str) -> set[str]:
    return {i.value for i in e.identifiers if i.type == id_type}


# -- CSV excerpt (2018 edition, Windows-1252) ------------------------------------------------


def test_csv_excerpt_groups_rows_by_group_id() -> None:
    parsed = uk_ofsi.parse(CSV_EXCERPT, "uk_ofsi")
    assert parsed.list_date == "2018-04-13"
    assert parsed.record_count == 5  # 30 name rows, 5 Group IDs
    assert parsed.unconsumed == {}
    assert Counter(e.schema for e in parsed.entities) == {"Person": 2, "Organization": 3}


def test_csv_individual_facts() -> None:
    e = by_id(uk_ofsi.parse(CSV_EXCERPT, "uk_ofsi"))["13349"]
    assert e.caption == "Nayef Salam Muhammad Ujaym AL-HABABI"  # the "Prime Alias" row
    assert {"Sheikh Farooq AL-QAHTANI", "Faruq AL-QATARI"} <= names(e, "alias")
    assert e.birth_dates == ("1980", "1981")  # 00/00/1980 and 00/00/1981 rows
    assert e.nationalities == ("qa", "sa")  # "1) Saudi Arabia 2) Qatar"
    assert ident(e, "passport") == {"592667"}
    assert ident(e, "other") == {"QDe.004"}  # "UN Ref QDe.004" in Other Information
    (s,) = e.sanctions
    assert s.programs == ("The ISIL (Da'esh) and Al-Qaida organisations",)
    assert s.listing_date == "2016-04-01"
    assert s.measures == ("asset freeze",)
    assert s.authority == "UK HM Treasury OFSI"


def test_csv_windows_1252_text_and_free_text_identifiers() -> None:
    got = by_id(uk_ofsi.parse(CSV_EXCERPT, "uk_ofsi"))
    assert "Kim CHO\u2019NG-SIK" in names(got["13561"], "primary") | names(got["13561"], "alias")
    assert ident(got["13556"], "imo") == {"8937675"}  # "IMO: 8937675." in Other Information
    assert ident(got["13556"], "mmsi") == {"445539000"}
    assert names(got["10894"], "former")  # FKA rows
    two = got["11241"].sanctions  # one party, two regimes: one sanction each
    assert sorted(s.programs[0] for s in two) == ["Iran (nuclear proliferation)", "Syria"]


def test_csv_row_order_does_not_matter(tmp_path: Path) -> None:
    lines = CSV_EXCERPT.read_bytes().split(b"\n")
    body = [ln for ln in lines[2:] if ln]
    random.Random(7).shuffle(body)
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_bytes(b"\n".join(lines[:2] + body) + b"\n")
    a = uk_ofsi.parse(CSV_EXCERPT, "uk_ofsi").entities
    b = uk_ofsi.parse(shuffled, "uk_ofsi").entities
    assert sorted(a, key=lambda e: e.id) == sorted(b, key=lambda e: e.id)
    assert [e.content_hash for e in sorted(a, key=lambda e: e.id)] == [
        e.content_hash for e in sorted(b, key=lambda e: e.id)
    ]


# -- XLSX excerpt (2022+ edition) ------------------------------------------------------------


def test_xlsx_excerpt(xlsx_excerpt: Path) -> None:
    parsed = uk_ofsi.parse(xlsx_excerpt, "uk_ofsi")
    assert parsed.list_date == "2025-04-14"
    assert parsed.record_count == 4
    assert parsed.unconsumed == {}
    got = by_id(parsed)
    assert Counter(e.schema for e in parsed.entities) == {"Person": 2, "Organization": 1, "Vessel": 1}

    person = got["15890"]
    assert person.caption == "Andrey Andreevich ZADACHIN"
    assert names(person, "alias") == {"Andrei Andreevich ZADACHIN"}  # "Primary name variation"
    (cyr,) = [n for n in person.names if n.kind == "original"]
    assert (cyr.value, cyr.lang) == ("ЗАДАЧИН Андрей Андреевич", "rus")
    assert person.birth_dates == ("1990-08-22",)
    assert person.nationalities == ("ru",)
    assert ("other", "RUS1831", "gb", "UK Sanctions List Ref") in {
        (i.type, i.value, i.country, i.note) for i in person.identifiers
    }
    (s,) = person.sanctions
    assert s.measures == ("asset freeze", "trust services")
    assert s.reason is not None and s.reason.startswith("Major Andrei ZADACHIN is an involved person")
    assert set(person.prop("position")) == {
        "Investigator for Particularly Important Cases of the Main Investigative Directorate of the "
        "Investigative Committee of the Russian Federation",
        "Major of Justice",
    }


def test_xlsx_alias_quality_and_paired_passports(xlsx_excerpt: Path) -> None:
    e = by_id(uk_ofsi.parse(xlsx_excerpt, "uk_ofsi"))["13312"]
    assert e.caption == "ABD AL-BASET AZZOUZ"
    assert names(e, "weak") == {"AA"}  # AKA, Low quality
    assert {"Abdelbassed AZOUZ", "Abdul Baset AZOUZ"} <= names(e, "alias")
    passports = {(i.value, i.country, i.note) for i in e.identifiers if i.type == "passport"}
    assert passports == {("223611", "ly", "Libya number"), ("C00146605", "gb", "British passport number")}
    assert ident(e, "other") == {"AQD0089", "QDi.371"}


def test_xlsx_ship_and_entity(xlsx_excerpt: Path) -> None:
    got = by_id(uk_ofsi.parse(xlsx_excerpt, "uk_ofsi"))
    ship = got["13651"]
    assert ship.schema == "Vessel"
    assert ship.caption == "SAM JONG 2"
    assert ident(ship, "imo") == {"7408873"}
    assert ship.prop("flag") == ("kp",) and ship.prop("pastFlags") == ("ru",)
    assert ship.prop("type") == ("Oil tanker",) and ship.prop("tonnage") == ("1676",)
    assert ship.prop("buildDate") == ("1975",) and ship.prop("ownerName") == ("Korea Samjong Shipping",)
    assert "maritime" in ship.sanctions[0].sectors

    org = got["16789"]  # only "Primary name variation" rows: one stands in as primary
    assert org.caption == "PREMERA (H.K.) INTERNATIONAL CO, LIMITED"
    (han,) = [n for n in org.names if n.kind == "original"]
    assert han.lang == "zho"
    assert ident(org, "email") == {"premera@163.com"} and ident(org, "website") == {"https://premera.asia/"}
    assert ident(org, "registration") == {"33866023"}
    assert org.addresses[0].country == "cn"
    assert org.prop("legalForm") == ("Private Limited Company",)


# -- bad input -------------------------------------------------------------------------------


def test_truncated_xlsx(tmp_path: Path, xlsx_excerpt: Path) -> None:
    data = xlsx_excerpt.read_bytes()
    cut = tmp_path / "ConList.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert uk_ofsi.sniff(cut, cut.read_bytes()[:8192]) == "uk_ofsi"  # the official name: parse says why
    with pytest.raises(ListFormatError, match="truncated or corrupted"):
        uk_ofsi.parse(cut, "uk_ofsi")


def test_csv_wrong_header_names_missing_columns(tmp_path: Path) -> None:
    bad = tmp_path / "conlist.csv"
    bad.write_text("Last Updated,13/04/2018\nName,Group Type,Group ID\nX,Entity,1\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="missing columns Name 1, Name 2") as err:
        uk_ofsi.parse(bad, "uk_ofsi")
    assert err.value.where == "line 2"
    assert "Alias Type" in err.value.cause


def test_csv_truncated_row_and_empty_file(tmp_path: Path) -> None:
    data = CSV_EXCERPT.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.index(b"\n", 3000) + 40])
    with pytest.raises(ListFormatError, match="truncated") as err:
        uk_ofsi.parse(cut, "uk_ofsi")
    assert err.value.where is not None and err.value.where.startswith("line ")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty file"):
        uk_ofsi.parse(empty, "uk_ofsi")


def test_xlsx_of_another_list_is_refused(tmp_path: Path) -> None:
    other = write_xlsx(tmp_path / "other.xlsx", ["Reference", "Name of Individual or Entity"], ["1", "X"], [])
    assert uk_ofsi.sniff(other, other.read_bytes()[:8192]) is None
    with pytest.raises(ListFormatError, match="Last Updated"):
        uk_ofsi.parse(other, "uk_ofsi")


def test_sniff(xlsx_excerpt: Path) -> None:
    for path in (CSV_EXCERPT, xlsx_excerpt):
        head = path.read_bytes()[:8192]
        claims = [getattr(f, "NAME", None) for f in formats() if f.sniff(path, head)]
        assert claims == ["uk_ofsi"]


# -- the real files --------------------------------------------------------------------------

REAL = {
    "2018-04-13/sanctionsconlist.csv": (2106, {"Person": 1426, "Organization": 680}),
    "2023-06-05/ConList.xlsx": (3993, {"Person": 3231, "Organization": 747, "Vessel": 15}),
    "2025-04-14/ConList.xlsx": (4688, {"Person": 3663, "Organization": 1010, "Vessel": 15}),
}


@pytest.fixture(scope="module")
def real(lists_dir: Path) -> dict[str, ParsedList]:
    return {name: uk_ofsi.parse(lists_dir / "uk_ofsi_conlist" / name, "uk_ofsi") for name in REAL}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_counts(real: dict[str, ParsedList], name: str, lists_dir: Path) -> None:
    parsed = real[name]
    count, schemas = REAL[name]
    assert parsed.record_count == count == len(parsed.entities)
    assert Counter(e.schema for e in parsed.entities) == schemas
    assert parsed.list_date == name[:10]
    assert parsed.unconsumed == {}
    path = lists_dir / "uk_ofsi_conlist" / name
    assert uk_ofsi.sniff(path, path.read_bytes()[:8192]) == "uk_ofsi"


def test_real_non_latin_names_are_original(real: dict[str, ParsedList]) -> None:
    parsed = real["2025-04-14/ConList.xlsx"]
    langs = Counter(n.lang for e in parsed.entities for n in e.names if n.kind == "original")
    assert langs["rus"] > 1000 and langs["fas"] > 100 and langs["zho"] > 10
    # a name written in Arabic script in the Name 6 column is an original-script name too
    assert not [n for e in parsed.entities for n in e.names if n.kind != "original" and n.lang]
    got = by_id(parsed)
    assert ("ЗАДАЧИН Андрей Андреевич", "rus") in {(n.value, n.lang) for n in got["15890"].names}


def test_real_2025_known_vessel_and_measures(real: dict[str, ParsedList]) -> None:
    parsed = real["2025-04-14/ConList.xlsx"]
    vessels = [e for e in parsed.entities if e.schema == "Vessel"]
    assert all(ident(v, "imo") for v in vessels)
    measures = Counter(m for e in parsed.entities for s in e.sanctions for m in s.measures)
    assert measures["asset freeze"] == sum(len(e.sanctions) for e in parsed.entities)
    assert measures["trust services"] > 2000


# -- the shared field helpers, on values printed in the real lists ----------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("(1) Russia (2) Ukraine", ["Russia", "Ukraine"]),
        ("1) Saudi Arabia 2) Qatar", ["Saudi Arabia", "Qatar"]),
        ("a) 22/08/1986; b) 28/08/1986", ["22/08/1986", "28/08/1986"]),
        ("(1-3) Libya (4) Morocco", ["Libya", "Morocco"]),
        ("(1) to (6) Algeria (7) Morocco", ["Algeria", "Morocco"]),
        ("+375 (17) 213-41-63", ["+375 (17) 213-41-63"]),  # not an enumeration
        ("Iraq (previous address)", ["Iraq (previous address)"]),
    ],
)
def test_split_enum(text: str, items: list[str]) -> None:
    assert split_enum(text) == items


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Congo (Democratic Republic)", ["cd"]),
        ("Former USSR Currently Belarus", ["by"]),
        ("(1) Uganda (2) Uganda (3)Uganda", ["ug"]),
        ("Iraq (previous address)", ["iq"]),
        ("a) French, b) Tunisian", ["fr", "tn"]),
    ],
)
def test_country_codes(text: str, codes: list[str]) -> None:
    assert country_codes(text)[0] == codes


def test_dates_in() -> None:
    assert dates_in("00/00/1980") == ["1980"]
    assert dates_in("00/12/1963") == ["1963-12"]
    assert dates_in("dd/mm/1945") == ["1945"]
    assert dates_in("Between 1962 and 1963") == ["1962", "1963"]
