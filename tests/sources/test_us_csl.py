"""trade.gov Consolidated Screening List: trimmed 2022 and 2025 fixtures and the stored files."""

from __future__ import annotations

import csv
import gzip
import importlib
import io
from collections import Counter
from pathlib import Path

import pytest

from embargo.errors import ListFormatError
from embargo.model.entity import Entity, Identifier
from embargo.sources import FORMAT_MODULES, us_csl
from embargo.sources.base import ParsedList
from embargo.sources.sectors import tag_entity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "us_trade_csl"
F2022 = FIXTURES / "consolidated_2022.csv"
F2025 = FIXTURES / "consolidated_2025.csv"
REAL = Path("us_trade_csl") / "2022-05-06" / "consolidated.csv.gz"


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


@pytest.fixture(scope="module")
def f2022() -> dict[str, Entity]:
    return _by_id(us_csl.parse(F2022, "us_trade_csl"))


@pytest.fixture(scope="module")
def f2025() -> dict[str, Entity]:
    return _by_id(us_csl.parse(F2025, "us_trade_csl"))


@pytest.fixture(scope="module")
def real(lists_dir: Path) -> ParsedList:
    return us_csl.parse(lists_dir / REAL, "us_trade_csl")


# -- fixtures: mapping -----------------------------------------------------------------------


def test_sdn_person(f2022: dict[str, Entity]) -> None:
    e = f2022["SDN-9935"]
    assert e.id == "us-trade-csl-SDN-9935"
    assert e.schema == "Person"
    assert e.caption == "'ABD AL-RAZZIQ, Abu Sufian al-Salamabi Muhammed Ahmed"
    assert e.birth_dates == ("1962-08-06",)
    assert e.nationalities == ("ca", "sd")
    assert e.birth_places == ("Al-Bawgah, Sudan", "Albaouga, Sudan")
    assert e.identifiers == (Identifier("passport", "BC166787", "ca", "Passport"),)
    assert {n.value for n in e.names if n.kind == "alias"} >= {"ABU SUFIAN", "ABDELRAZIK, Sofian"}
    (s,) = e.sanctions
    assert (s.authority, s.list_name, s.programs, s.country) == ("US Treasury OFAC", "SDN", ("SDGT",), "us")


def test_ids_column_2022_order(f2022: dict[str, Entity]) -> None:
    """2022 items end with their label: "Male, Gender", "IMO 9187629, Vessel Registration ..."."""
    assert f2022["SDN-24904"].gender == "male"
    vessel = f2022["SDN-15036"]
    assert vessel.schema == "Vessel"
    assert Identifier("imo", "IMO9187629", None, "Vessel Registration Identification") in vessel.identifiers
    assert Identifier("mmsi", "572469210", None, "MMSI") in vessel.identifiers
    assert Identifier("call_sign", "T2EU4", None, "Call Sign") in vessel.identifiers
    assert vessel.prop("flag") == ("ir",)
    assert vessel.prop("type") == ("Crude/Oil Products Tanker",)
    assert "None Identified" not in vessel.prop("pastFlags")
    assert vessel.prop("pastFlags") == ("mt", "tv", "tz")
    # a vessel is maritime by the vessel rule ingest applies (the remark only names a linked party)
    assert "maritime" in tag_entity(vessel).sanctions[0].sectors
    assert "Additional Sanctions Information: Subject to Secondary Sanctions" in vessel.sanctions[0].measures
    plane = f2022["SDN-15431"]
    assert plane.schema == "Airplane"
    assert plane.prop("model") == ("IL76-TD",)
    assert plane.prop("buildDate") == ("1992",)
    assert {i.type for i in plane.identifiers} == {"aircraft_serial"}


def test_ids_column_2025_order(f2025: dict[str, Entity]) -> None:
    """2025 items start with their label: "Passport, 836238033, KP", "Gender, Male"."""
    rim = f2025["SDN-52291"]
    assert rim.gender == "male"
    assert rim.identifiers == (Identifier("passport", "836238033", "kp", "Passport"),)
    assert rim.countries == ("cn", "kp")
    measures = rim.sanctions[0].measures
    assert (
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210"
        in measures
    )
    tnk = f2025["SSI-28603"]
    assert Identifier("tax_id", "CHE-267.936.404", "ch", "V.A.T. Number") in tnk.identifiers
    assert tnk.sanctions[0].programs == ("UKRAINE-EO13662", "VENEZUELA-EO13850")
    sme = f2025["SSI-18283"]
    assert Identifier("swift", "RUDVRUMM", None, "SWIFT/BIC") in sme.identifiers
    assert "finance" in sme.sanctions[0].sectors  # "Subject to Directive 1"


def test_rows_of_one_party_merge(f2022: dict[str, Entity]) -> None:
    huawei = f2022["EL-HUAWEI TECHNOLOGIES CO., LTD. (HUAWEI)"]  # three rows with 2 + 2 + 3 addresses
    assert huawei.schema == "Organization"
    assert len(huawei.addresses) == 7
    assert huawei.sanctions[0].listing_date == "2019-05-21"
    assert any(
        m.startswith("License requirement: For all items subject to the EAR")
        for m in huawei.sanctions[0].measures
    )
    syria = f2022["ISN-GOVERNMENT OF SYRIA"]  # two notices, one listing
    (s,) = syria.sanctions
    assert s.listing_date == "2013-09-10"
    assert s.reason == "Vol. 78, No. 175, 9/10/13; Vol. 78, No. 237, 12/10/13"
    assert s.programs == ("Chemical and Biological Weapons Act",)
    ash = f2022["DPL-I. ASH"]
    assert len(ash.addresses) == 3 and ash.schema == "LegalEntity"
    assert "export privileges denied" in ash.sanctions[0].measures
    kunlun = f2022["CAP-15268"]  # the same CAPTA row printed twice
    assert kunlun.sanctions[0].list_name == "CAP"
    assert f2022["SSI-17014"].id != f2022["MBS-17014"].id  # one ent_num on two lists: two entities


def test_list_codes_authorities_and_sectors(f2022: dict[str, Entity]) -> None:
    lists = {e.sanctions[0].list_name: e.sanctions[0].authority for e in f2022.values()}
    assert lists == {
        "CAP": "US Treasury OFAC",
        "CMIC": "US Treasury OFAC",
        "DPL": "US Commerce BIS",
        "DTC": "US State DDTC",
        "EL": "US Commerce BIS",
        "FSE": "US Treasury OFAC",
        "ISN": "US State ISN",
        "MBS": "US Treasury OFAC",
        "MEU": "US Commerce BIS",
        "PLC": "US Treasury OFAC",
        "SDN": "US Treasury OFAC",
        "SSI": "US Treasury OFAC",
        "UVL": "US Commerce BIS",
    }
    for e in f2022.values():
        if e.sanctions[0].list_name in ("MEU", "DTC"):
            assert "defence" in e.sanctions[0].sectors, e.source_id
    cmic = f2022["CMIC-30882"]
    assert cmic.sanctions[0].listing_date == "2021-06-03"  # "Listing Date (CMIC)"
    assert "Purchase/Sales For Divestment Date (CMIC): 2022-06-03" in cmic.sanctions[0].measures
    assert Identifier("other", "US1694261033", None, "ISIN") in cmic.identifiers
    mbs = f2022["MBS-17014"]
    assert mbs.sanctions[0].listing_date == "2022-02-24"


def test_names_with_aka_and_successor_clauses(f2022: dict[str, Entity]) -> None:
    mexpar = f2022["DTC-MEXPAR INTERNATIONAL, INC."]
    assert mexpar.caption == "Mexpar International, Inc."
    assert {n.value for n in mexpar.names if n.kind == "alias"} == {
        "Pasadena Aerospace",
        "Aviation Logistics and Supply",
    }
    ardis = f2022["ISN-ARDIS GROUP OF COMPANIES LLC"]
    assert ardis.caption == "Ardis Group of Companies LLC"
    assert ardis.prop("notes") == ("and any successor, sub-unit, or subsidiary thereof",)
    gazprom = f2022["EL-GAZPROM DOBYCHA IRKUTSK, OOO"]
    formers = [n.value for n in gazprom.names if n.kind == "former"]
    assert formers == ["Otkrytoe Aktsionernoe Obshchestvo Irkutskgazprom"]


def test_invalid_official_date_is_a_warning() -> None:
    parsed = us_csl.parse(F2022, "us_trade_csl")
    assert "start_date '0017-05-26' is not a valid date" in "\n".join(parsed.warnings)
    assert parsed.unconsumed == {}
    assert parsed.list_date is None
    assert parsed.record_count == len(parsed.entities)


def test_ids_stable_across_the_2022_and_2025_files(
    f2022: dict[str, Entity], f2025: dict[str, Entity]
) -> None:
    """``_id`` changed for the same Unverified List row; the name-based id does not."""
    assert f2022["UVL-ATLAS SANATGARAN"].id == f2025["UVL-ATLAS SANATGARAN"].id
    assert f2022["FSE-26182"].id == f2025["FSE-26182"].id
    sinobright = f2025["ISN-SINOBRIGHT IMPORT AND EXPORT COMPANY"]  # "...; and any successor ..." stripped
    assert sinobright.caption == "Sinobright Import and Export Company"


def test_gzip_and_reordered_rows_give_equal_entities(tmp_path: Path, f2022: dict[str, Entity]) -> None:
    text = F2022.read_text("utf-8")
    gz = tmp_path / "consolidated.csv.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    assert us_csl.sniff(gz, gz.read_bytes()[:8192]) == "us_trade_csl"
    assert _by_id(us_csl.parse(gz, "us_trade_csl")) == f2022
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0], *reversed(rows[1:])])
    flipped = tmp_path / "flipped.csv"
    flipped.write_text(out.getvalue(), "utf-8")
    assert _by_id(us_csl.parse(flipped, "us_trade_csl")) == f2022


# -- bad input -------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty file"):
        us_csl.parse(_write(tmp_path, "consolidated.csv", b""), "us_trade_csl")


def test_truncated_plain_csv(tmp_path: Path) -> None:
    data = F2022.read_bytes()
    cut = data.index(b"Huawei") + 10
    with pytest.raises(ListFormatError, match=r"truncated") as err:
        us_csl.parse(_write(tmp_path, "consolidated.csv", data[:cut]), "us_trade_csl")
    assert err.value.where is not None and err.value.where.startswith("line ")


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(F2022.read_bytes())
    with pytest.raises(ListFormatError, match="gzip"):
        us_csl.parse(_write(tmp_path, "consolidated.csv.gz", data[: len(data) // 2]), "us_trade_csl")


def test_corrupted_gzip(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(F2022.read_bytes()))
    data[100:120] = bytes(20)
    with pytest.raises(ListFormatError):
        us_csl.parse(_write(tmp_path, "consolidated.csv.gz", bytes(data)), "us_trade_csl")


def test_header_only_and_wrong_file(tmp_path: Path, lists_dir: Path) -> None:
    header = F2022.read_bytes().split(b"\n")[0] + b"\n"
    with pytest.raises(ListFormatError, match="no records"):
        us_csl.parse(_write(tmp_path, "consolidated.csv", header), "us_trade_csl")
    with pytest.raises(ListFormatError, match="not a Consolidated Screening List"):
        us_csl.parse(lists_dir / "us_ofac_sdn" / "2022-05-06" / "sdn.csv", "us_trade_csl")


# -- the stored files ------------------------------------------------------------------------


def _independent_rows(lists_dir: Path) -> list[dict[str, str]]:
    with gzip.open(lists_dir / REAL, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_real_counts(real: ParsedList, lists_dir: Path) -> None:
    rows = _independent_rows(lists_dir)
    assert len(rows) == 14160
    per_source = Counter(r["source"].split(" - ")[0] for r in rows)
    assert per_source["Specially Designated Nationals (SDN)"] == 10026
    assert per_source["Entity List (EL)"] == 2001
    assert per_source["Unverified List (UVL)"] == 201
    assert per_source["Military End User (MEU) List"] == 71
    per_list = Counter(e.sanctions[0].list_name for e in real.entities)
    # OFAC lists: one entity per ent_num (CAPTA prints 15268 twice)
    for code, source in (("SDN", "Specially Designated Nationals (SDN)"), ("CAP", "Capta List (CAP)")):
        assert per_list[code] == len({r["entity_number"] for r in rows if r["source"].startswith(source)})
    assert per_list["SDN"] == 10026
    assert per_list["UVL"] == 201 and per_list["MEU"] == 71
    # BIS / State lists: one entity per name (the Entity List prints one row per address); 1952
    # distinct names, two of which differ only by a trailing comma (SUZHOU KEDA, TENCO)
    el_names = {
        " ".join(r["name"].split()).upper().rstrip(",") for r in rows if r["source"].startswith("Entity List")
    }
    assert per_list["EL"] == len(el_names) == 1950
    assert len(real.entities) == real.record_count == 14073
    assert real.unconsumed == {}
    assert not [w for w in real.warnings if "unknown" in w]


def test_real_sdn_ids_equal_the_ofac_sdn_csv_of_the_same_day(real: ParsedList, lists_dir: Path) -> None:
    with (lists_dir / "us_ofac_sdn" / "2022-05-06" / "sdn.csv").open(newline="", encoding="latin-1") as fh:
        ofac = {row[0].strip() for row in csv.reader(fh) if row and row[0].strip().isdigit()}
    assert len(ofac) == 10026
    csl = {e.source_id.removeprefix("SDN-") for e in real.entities if e.sanctions[0].list_name == "SDN"}
    assert csl == ofac


def test_real_schemas_and_identifiers(real: ParsedList) -> None:
    schemas = Counter(e.schema for e in real.entities)
    assert schemas["Vessel"] == 433 and schemas["Airplane"] == 283
    assert schemas["Person"] == 5206 + 78 + 2  # SDN, PLC, FSE individuals
    ids = Counter(i.type for e in real.entities for i in e.identifiers)
    assert ids["imo"] == 440 and ids["passport"] > 1500 and ids["crypto_wallet"] > 300


def test_sniff(lists_dir: Path) -> None:
    for path in (lists_dir / REAL, lists_dir / "us_trade_csl" / "sample_2025-06" / "consolidated.csv", F2022):
        assert us_csl.sniff(path, path.read_bytes()[:8192]) == "us_trade_csl"
    for other in (
        lists_dir / "us_bis_dpl" / "2023-11-28" / "dpl.txt",
        lists_dir / "us_ofac_sdn" / "2022-05-06" / "sdn.csv",
        lists_dir / "ca_sema" / "2025-05-25" / "sema-lmes.xml",
        lists_dir / "uk_ofsi_conlist" / "2018-04-13" / "sanctionsconlist.csv",
        lists_dir / "us_ofac_consolidated" / "2025-12-18_csv" / "cons_prim.csv",
    ):
        if other.exists():
            assert us_csl.sniff(other, other.read_bytes()[:8192]) is None, other


def test_no_other_format_claims_the_csl(lists_dir: Path) -> None:
    """Every installed format module's sniff, on both CSL files: only ours says yes."""
    for path in (lists_dir / REAL, lists_dir / "us_trade_csl" / "sample_2025-06" / "consolidated.csv"):
        head = path.read_bytes()[:8192]
        claims = []
        for name in FORMAT_MODULES:
            try:
                module = importlib.import_module(name)
                if module.sniff(path, head):
                    claims.append(module.NAME)
            except Exception:  # a module another helper has not finished is not our concern here
                continue
        assert claims == ["us_csl_csv"], (path, claims)
