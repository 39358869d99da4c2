"""OFAC legacy CSV (sdn.csv / cons_prim.csv + companions): trimmed real excerpts under
tests/fixtures/us_ofac_{sdn,cons}/csv and the real files in ../shared/data/lists."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.model.entity import Identifier
from embargo.sources import formats
from embargo.sources.base import ParsedList
from embargo.sources.ofac import csv_format

FIX = Path(__file__).resolve().parents[1] / "fixtures"
SDN_FIX = FIX / "us_ofac_sdn" / "csv"
CONS_FIX = FIX / "us_ofac_cons" / "csv"

# MANIFEST.md: "N SDN entries (entity (type -0-)=.., aircraft=.., individual=.., vessel=..)"
# folder: (entries, Organization, Person, Vessel, Airplane)
COUNTS = {
    "2021-04-25_triplet": (8890, 3644, 4566, 403, 277),
    "2021-07-07_triplet": (8976, 3673, 4620, 406, 277),
    "2021-12-22": (9158, 3735, 4723, 420, 280),
    "2021-12-30": (9008, 3688, 4620, 420, 280),
    "2022-02-17": (9056, 3704, 4653, 419, 280),
    "2022-02-22": (9108, 3748, 4656, 424, 280),
    "2022-02-23": (9121, 3757, 4659, 425, 280),
    "2022-02-23_2": (9123, 3758, 4660, 425, 280),
    "2022-02-24": (9214, 3834, 4675, 425, 280),
    "2022-02-25": (9218, 3834, 4679, 425, 280),
    "2022-02-28": (9222, 3837, 4680, 425, 280),
    "2022-03-01": (9226, 3837, 4684, 425, 280),
    "2022-03-03": (9318, 3879, 4731, 426, 282),
    "2022-03-04": (9320, 3879, 4733, 426, 282),
    "2022-03-07": (9321, 3880, 4733, 426, 282),
    "2022-03-11": (9361, 3883, 4768, 427, 283),
    "2022-03-15": (9377, 3884, 4783, 427, 283),
    "2022-03-17": (9387, 3893, 4784, 427, 283),
    "2022-03-18": (9395, 3895, 4790, 427, 283),
    "2022-03-21": (9396, 3896, 4790, 427, 283),
    "2022-03-24": (9793, 3945, 5137, 428, 283),
    "2022-03-25": (9809, 3950, 5148, 428, 283),
    "2022-03-31": (9847, 3974, 5162, 428, 283),
    "2022-04-06": (9929, 4031, 5182, 433, 283),
    "2022-05-06": (10026, 4104, 5206, 433, 283),
    "2022-06-28": (10409, 4276, 5338, 509, 286),
    "2022-09-30": (10875, 4387, 5687, 515, 286),
    "2022-12-15": (11434, 4573, 5882, 685, 294),
    "2023-05-19": (12538, 5199, 6221, 741, 377),
    "2023-12-12": (13855, 6049, 6665, 763, 378),
    "2024-02-23": (14484, 6547, 6757, 798, 382),
    "2024-05-02": (14973, 6885, 6854, 851, 383),
}
# fully parsed in the tests (all of them take ~20 s; these cover every year, both triplets and the largest)
# add.csv of 2021-04-25: 13761 rows, 11358 of them with any field other than "-0-" (counted with the csv module)
ADDRESSES_2021_04_25 = 11358
PARSED = ("2021-04-25_triplet", "2021-07-07_triplet", "2021-12-30", "2022-03-24", "2023-05-19", "2024-05-02")


@cache
def _parse(path: Path, source: str = "us_ofac_sdn") -> ParsedList:
    return csv_format.parse(path, source)


def _sdn(lists_dir: Path, folder: str) -> ParsedList:
    return _parse(lists_dir / "us_ofac_sdn" / folder / "sdn.csv")


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        shutil.copy(f, dst / f.name)
    return dst


# -- sniff and companions ------------------------------------------------------------------------------


def test_sniff_claims_main_files_only() -> None:
    for path, source in ((SDN_FIX / "sdn.csv", "us_ofac_sdn"), (CONS_FIX / "cons_prim.csv", "us_ofac_cons")):
        assert csv_format.sniff(path, path.read_bytes()[:8192]) == source
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        assert csv_format.sniff(SDN_FIX / name, (SDN_FIX / name).read_bytes()[:8192]) is None
    for name in ("cons_add.csv", "cons_alt.csv", "cons_comments.csv"):
        assert csv_format.sniff(CONS_FIX / name, (CONS_FIX / name).read_bytes()[:8192]) is None
    # OFAC's API serves upper-case names; an empty download is claimed so that parse refuses it
    assert csv_format.sniff(Path("SDN.CSV"), b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",') == "us_ofac_sdn"
    assert csv_format.sniff(Path("sdn.csv"), b"") == "us_ofac_sdn"
    # a file called sdn.csv that is not OFAC's CSV (a header row, a spreadsheet export)
    assert csv_format.sniff(Path("sdn.csv"), b"ent_num,SDN_Name,SDN_Type\r\n") is None
    assert csv_format.sniff(Path("consolidated.csv"), b'36,"X",-0- ,"CUBA",') is None


def test_no_other_format_claims_these_files_and_ours_claims_no_other(lists_dir: Path) -> None:
    ours = [*SDN_FIX.iterdir(), *CONS_FIX.iterdir()]
    for path in ours:
        head = path.read_bytes()[:8192]
        for fmt in formats():
            if getattr(fmt, "NAME", None) == csv_format.NAME:
                continue
            try:
                claimed = fmt.sniff(path, head)
            except Exception:  # the service treats a failing sniffer as "not mine"
                claimed = None
            assert claimed is None, f"{getattr(fmt, 'NAME', fmt)} claims {path.name}"
    for path in sorted(lists_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() != ".md" and path.name.lower() not in csv_format.MAIN_FILES:
            with path.open("rb") as fh:
                assert csv_format.sniff(path, fh.read(8192)) is None, path


def test_companions_are_case_insensitive_siblings(tmp_path: Path) -> None:
    assert [p.name for p in csv_format.companions(SDN_FIX / "sdn.csv")] == [
        "add.csv",
        "alt.csv",
        "sdn_comments.csv",
    ]
    assert len(csv_format.companions(CONS_FIX / "cons_prim.csv")) == 3
    for f in SDN_FIX.iterdir():
        shutil.copy(f, tmp_path / f.name.upper())
    assert [p.name for p in csv_format.companions(tmp_path / "SDN.CSV")] == [
        "ADD.CSV",
        "ALT.CSV",
        "SDN_COMMENTS.CSV",
    ]
    parsed = csv_format.parse(tmp_path / "SDN.CSV", "us_ofac_sdn")
    assert parsed.entities == _parse(SDN_FIX / "sdn.csv").entities


# -- the fixture ---------------------------------------------------------------------------------------


def test_fixture_triplet() -> None:
    parsed = _parse(SDN_FIX / "sdn.csv")
    assert parsed.format == "ofac_csv"
    assert parsed.record_count == len(parsed.entities) == 14
    assert parsed.list_date is None
    assert [p.name for p in parsed.files] == ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
    # the real sdn_comments.csv of this triplet lacks its 0x1A: read, with a warning
    assert parsed.warnings == ["sdn_comments.csv: no end-of-file marker (0x1A); read as far as it goes"]
    assert {k for k in parsed.unconsumed if not k.startswith("remarks:")} == set()


def test_rogozin(lists_dir: Path) -> None:
    for parsed in (_parse(SDN_FIX / "sdn.csv"), _sdn(lists_dir, "2022-03-24")):
        e = _by_id(parsed)["16649"]
        assert e.id == "us-ofac-sdn-16649"
        assert e.schema == "Person"
        assert e.caption == "ROGOZIN, Dmitry Olegovich"
        assert e.birth_dates == ("1963-12-21",)
        assert e.birth_places == ("Moscow, Russia",)
        assert set(e.nationalities) <= {"ru"}  # the row states none
        assert e.prop("title") == ("Deputy Prime Minister of the Russian Federation",)
        assert e.prop("position") == ()  # the Remarks repeat the title: kept once
        (sanction,) = e.sanctions
        assert (sanction.authority, sanction.list_name, sanction.programs) == (
            "US Treasury OFAC",
            "SDN",
            ("UKRAINE-EO13661",),
        )


def test_vessel() -> None:
    e = _by_id(_parse(SDN_FIX / "sdn.csv"))["15036"]
    assert e.schema == "Vessel"
    assert e.caption == "ARTAVIL"
    assert Identifier("imo", "IMO9187629", None, "Vessel Registration Identification") in e.identifiers
    assert Identifier("mmsi", "572469210", None, "MMSI") in e.identifiers
    assert Identifier("call_sign", "T2EU4", None, "Vessel Call Sign") in e.identifiers  # the XML's label
    assert e.prop("flag") == ("ir",)
    assert e.prop("type") == ("Crude/Oil Products Tanker",)
    assert e.prop("tonnage") == ("99144",)
    assert e.prop("grossRegisteredTonnage") == ("56068",)
    assert e.prop("pastFlags") == ("mt", "tv", "tz")
    names = {(n.value, n.kind) for n in e.names}
    assert ("ALPHA", "weak") in names  # f.k.a. in Remarks
    assert ("ABADAN", "former") in names  # fka row of alt.csv


def test_airplane() -> None:
    e = _by_id(_parse(SDN_FIX / "sdn.csv"))["18150"]
    assert e.schema == "Airplane"
    assert Identifier("aircraft_tail", "EP-MMH", None, "Aircraft Tail Number") in e.identifiers
    assert (
        Identifier("aircraft_serial", "391", None, "Aircraft Manufacturer's Serial Number (MSN)")
        in e.identifiers
    )
    assert e.prop("model") == ("Airbus A340-642",)
    assert e.prop("buildDate") == ("2002",)
    assert e.sanctions[0].programs == ("IFSR", "NPWMD", "SDGT")  # "SDGT] [NPWMD] [IFSR"


def test_companions_attach_aliases_addresses_and_comments() -> None:
    by_id = _by_id(_parse(SDN_FIX / "sdn.csv"))
    bnc = by_id["306"]
    assert bnc.schema == "Organization"
    assert {(n.value, n.kind) for n in bnc.names} == {
        ("BANCO NACIONAL DE CUBA", "primary"),
        ("NATIONAL BANK OF CUBA", "alias"),
        ("BNC", "weak"),
    }
    assert {a.country for a in bnc.addresses} == {"ch", "es", "jp", "pa"}
    assert bnc.countries == ("ch", "es", "jp", "pa")
    zurich = next(a for a in bnc.addresses if a.country == "ch")
    assert (zurich.street, zurich.city, zurich.full) == (
        "Zweierstrasse 35",
        "Zurich CH-8022",
        "Zweierstrasse 35, Zurich CH-8022, Switzerland",
    )
    # Remarks cut at 1000 characters continue in sdn_comments.csv, mid-word
    tian = by_id["28263"]
    assert ("snowsjohn", "weak") in {(n.value, n.kind) for n in tian.names}
    assert tian.prop("linkedTo") == ("LAZARUS GROUP",)
    assert Identifier("other", "321284198607120616", "cn", "Identification Number") in tian.identifiers


def test_cons_prim_fixture() -> None:
    parsed = _parse(CONS_FIX / "cons_prim.csv", "us_ofac_cons")
    assert parsed.record_count == 8
    assert parsed.warnings == []
    assert parsed.unconsumed == {}
    by_id = _by_id(parsed)
    assert all(e.id.startswith("us-ofac-cons-") for e in parsed.entities)
    lists = {k: e.sanctions[0].list_name for k, e in by_id.items()}
    assert lists == {
        "9639": "NS-PLC",
        "9640": "NS-PLC",
        "17014": "SSI",
        "17016": "SSI",
        "18299": "SSI",
        "18782": "SSI",
        "30882": "CMIC",
        "31693": "NS-MBS",
    }
    # SSI directives reach measures and sectors: 1 finance, 2/4 energy, 3 defence
    rosneft = by_id["18299"].sanctions[0]
    assert {"EO 13662 Directive 2", "EO 13662 Directive 4"} <= set(rosneft.measures)
    assert rosneft.sectors == ("energy",)
    assert by_id["18782"].sanctions[0].sectors == ("defence",)
    gpb = by_id["17016"]
    assert "EO 13662 Directive 1" in gpb.sanctions[0].measures
    assert gpb.sanctions[0].sectors == ("finance",)
    # "Listing Date (EO 14024 Directive 3)" dates a directive of another list (NS-MBS), not the SSI
    # listing: a note, as the XML edition keeps it
    assert gpb.sanctions[0].listing_date is None
    assert "Listing Date (EO 14024 Directive 3): 2022-02-24" in gpb.prop("notes")
    assert Identifier("swift", "GAZPRUMM", None, "SWIFT/BIC") in gpb.identifiers
    assert Identifier("lei", "253400WSS48YWMBUA688", None, "Legal Entity Number") in gpb.identifiers
    # its Remarks continue in cons_comments.csv
    assert Identifier("registration", "1027700167110", "ru", "Registration Number") in gpb.identifiers
    assert {n.kind for n in gpb.names} == {"primary", "alias", "former"}
    haniya = by_id["9639"]
    assert haniya.schema == "Person"
    assert (haniya.birth_dates, haniya.birth_places) == (("1962",), ("Shati",))


def test_deterministic_whatever_the_row_order(tmp_path: Path) -> None:
    d = _copy(SDN_FIX, tmp_path / "reordered")
    for name in ("sdn.csv", "add.csv", "alt.csv"):
        raw = (d / name).read_bytes()
        rows = raw.rstrip(b"\x1a").split(b"\r\n")[:-1]
        (d / name).write_bytes(b"".join(r + b"\r\n" for r in reversed(rows)) + b"\x1a")
    again = csv_format.parse(d / "sdn.csv", "us_ofac_sdn")
    first = _parse(SDN_FIX / "sdn.csv")
    assert sorted(e.content_hash for e in again.entities) == sorted(e.content_hash for e in first.entities)
    assert _by_id(again) == _by_id(first)


# -- bad input -----------------------------------------------------------------------------------------


def _broken(tmp_path: Path, name: str, data: bytes) -> Path:
    d = _copy(SDN_FIX, tmp_path / "pub")
    (d / name).write_bytes(data)
    return d / "sdn.csv"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "sdn.csv", b"")
    with pytest.raises(ListFormatError, match=r"empty file \(0 bytes\)"):
        csv_format.parse(path, "us_ofac_sdn")


def test_file_cut_mid_row_is_refused(tmp_path: Path) -> None:
    raw = (SDN_FIX / "sdn.csv").read_bytes()
    path = _broken(tmp_path, "sdn.csv", raw[: len(raw) // 2])
    with pytest.raises(ListFormatError) as err:
        csv_format.parse(path, "us_ofac_sdn")
    assert "truncated" in str(err.value)
    assert err.value.where is not None and err.value.where.startswith("line ")


def test_missing_end_of_file_marker_is_refused(tmp_path: Path) -> None:
    raw = (SDN_FIX / "sdn.csv").read_bytes()
    path = _broken(tmp_path, "sdn.csv", raw.rstrip(b"\x1a"))  # every row whole, but no 0x1A
    with pytest.raises(ListFormatError, match=r"0x1A") as err:
        csv_format.parse(path, "us_ofac_sdn")
    assert err.value.where == "line 14"


def test_wrong_column_count_is_refused(tmp_path: Path) -> None:
    rows = (SDN_FIX / "sdn.csv").read_bytes().split(b"\r\n")
    rows[2] = rows[2].rsplit(b",", 3)[0]  # the third row loses its last three columns
    path = _broken(tmp_path, "sdn.csv", b"\r\n".join(rows))
    with pytest.raises(ListFormatError, match=r"9 columns where sdn\.csv has 12") as err:
        csv_format.parse(path, "us_ofac_sdn")
    assert err.value.where == "line 3"


def test_unterminated_quote_is_refused(tmp_path: Path) -> None:
    rows = (SDN_FIX / "sdn.csv").read_bytes().split(b"\r\n")
    rows[4] = rows[4][:-1]  # the closing quote of the Remarks is gone
    path = _broken(tmp_path, "sdn.csv", b"\r\n".join(rows))
    with pytest.raises(ListFormatError, match="unterminated quote") as err:
        csv_format.parse(path, "us_ofac_sdn")
    assert err.value.where == "line 5"


def test_not_a_number_is_refused(tmp_path: Path) -> None:
    raw = (SDN_FIX / "sdn.csv").read_bytes()
    path = _broken(tmp_path, "sdn.csv", b"ent_num" + raw[raw.index(b",") :])
    with pytest.raises(ListFormatError, match="is not a number"):
        csv_format.parse(path, "us_ofac_sdn")


def test_companion_cut_mid_row_is_refused(tmp_path: Path) -> None:
    raw = (SDN_FIX / "alt.csv").read_bytes()
    path = _broken(tmp_path, "alt.csv", raw[: raw.index(b"\r\n", 200) - 4])
    with pytest.raises(ListFormatError, match="cut mid-row") as err:
        csv_format.parse(path, "us_ofac_sdn")
    assert err.value.path.endswith("alt.csv")


def test_companion_rows_that_resolve_nowhere_are_refused(tmp_path: Path) -> None:
    """Every add.csv/alt.csv row names an ent_num of sdn.csv (checked on both real triplets): one that
    does not means sdn.csv lost rows or the files are of different publications (issue 15)."""
    raw = (SDN_FIX / "add.csv").read_bytes().rstrip(b"\x1a")
    path = _broken(tmp_path, "add.csv", raw + b'999999,1,"Street 1","Town","Iran",-0- \r\n\x1a')
    with pytest.raises(
        ListFormatError, match=r"1 rows name an ent_num that is not in sdn.csv \(e.g. 999999\)"
    ):
        csv_format.parse(path, "us_ofac_sdn")


def test_sdn_csv_alone_parses(tmp_path: Path) -> None:
    d = tmp_path / "alone"
    d.mkdir()
    shutil.copy(SDN_FIX / "sdn.csv", d / "sdn.csv")
    parsed = csv_format.parse(d / "sdn.csv", "us_ofac_sdn")
    assert len(parsed.entities) == 14
    # 28263's Remarks end at 1000 characters with nothing to continue them: their cut part is a note
    assert any("1000-character limit" in w and "28263" in w for w in parsed.warnings)
    tian = _by_id(parsed)["28263"]
    assert "snowsjo" not in {n.value for n in tian.names}
    assert any(v.startswith("a.k.a. 'snowsjo") for v in tian.prop("notes"))


# -- the real files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", sorted(COUNTS))
def test_every_sdn_csv_reads_whole(lists_dir: Path, folder: str) -> None:
    """All 32 publications: every row reads with 12 columns, 0x1A present, count = MANIFEST."""
    path = lists_dir / "us_ofac_sdn" / folder / "sdn.csv"
    warnings: list[str] = []
    rows = list(csv_format._rows(path, csv_format.MAIN_COLUMNS, warnings, whole=True))
    assert len(rows) == COUNTS[folder][0]
    assert len({r["ent_num"] for _, r in rows}) == len(rows)
    assert warnings == []


@pytest.mark.parametrize("folder", PARSED)
def test_real_sdn_publications(lists_dir: Path, folder: str) -> None:
    start = time.perf_counter()
    parsed = _sdn(lists_dir, folder)
    elapsed = time.perf_counter() - start
    total, orgs, persons, vessels, planes = COUNTS[folder]
    path = lists_dir / "us_ofac_sdn" / folder / "sdn.csv"
    assert parsed.record_count == len(parsed.entities) == total
    assert total == path.read_bytes().count(b"\r\n")  # one row per line, independently counted
    assert Counter(e.schema for e in parsed.entities) == {
        "Organization": orgs,
        "Person": persons,
        "Vessel": vessels,
        "Airplane": planes,
    }
    assert len({e.id for e in parsed.entities}) == total
    assert {k for k in parsed.unconsumed if not k.startswith("remarks:")} == set()
    labels = {k: n for k, n in parsed.unconsumed.items() if k != "remarks:(free text)"}
    assert max(labels.values(), default=0) <= 20, labels
    assert elapsed < 10  # under 1 s on an idle machine; generous for a loaded CI
    people = [e for e in parsed.entities if e.schema == "Person"]
    assert sum(1 for e in people if e.birth_dates) > 0.9 * len(people)


def test_triplet_aliases_from_alt_csv(lists_dir: Path) -> None:
    """2021-04-25: 11742 alt.csv rows for 4067 entries (MANIFEST) all attach."""
    parsed = _sdn(lists_dir, "2021-04-25_triplet")
    with_alt = [e for e in parsed.entities if any(n.kind in ("alias", "former") for n in e.names)]
    assert len(with_alt) == 4067 - 1  # ent_num 20125's only alt row repeats its primary name
    strong = sum(1 for e in parsed.entities for n in e.names if n.kind in ("alias", "former"))
    assert 11500 < strong <= 11742  # a few alt rows repeat another name of the same entry
    assert not [w for w in parsed.warnings if "not in sdn.csv" in w]  # every ent_num resolves
    # add.csv: 13761 rows for all 8890 entries, many of them all "-0-" (no address)
    assert sum(len(e.addresses) for e in parsed.entities) == ADDRESSES_2021_04_25


def test_triplet_2021_07_07_comments(lists_dir: Path) -> None:
    parsed = _sdn(lists_dir, "2021-07-07_triplet")
    assert [p.name for p in parsed.files] == ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
    assert parsed.warnings == ["sdn_comments.csv: no end-of-file marker (0x1A); read as far as it goes"]
    assert ("snowsjohn", "weak") in {(n.value, n.kind) for n in _by_id(parsed)["28263"].names}


def test_consecutive_versions_match_the_manifest_diff(lists_dir: Path) -> None:
    """MANIFEST: 2021-12-22 -> 2021-12-30 is a pure removal step: +0 -150 ~0 (keyed by ent_num)."""
    old = {e.source_id: e.content_hash for e in _sdn(lists_dir, "2021-12-22").entities}
    new = {e.source_id: e.content_hash for e in _sdn(lists_dir, "2021-12-30").entities}
    assert len(new.keys() - old.keys()) == 0
    assert len(old.keys() - new.keys()) == 150
    assert sum(1 for k in old.keys() & new.keys() if old[k] != new[k]) == 0


def test_real_cons_prim(lists_dir: Path) -> None:
    path = lists_dir / "us_ofac_consolidated" / "2025-12-18_csv" / "cons_prim.csv"
    assert csv_format.sniff(path, path.read_bytes()[:8192]) == "us_ofac_cons"
    parsed = _parse(path, "us_ofac_cons")
    assert parsed.record_count == len(parsed.entities) == 442
    assert len(parsed.files) == 4
    assert parsed.warnings == []
    assert Counter(e.sanctions[0].list_name for e in parsed.entities) == {
        "SSI": 286,  # every UKRAINE-EO13662 entry (MANIFEST's XML count)
        "NS-PLC": 78,
        "CMIC": 68,
        "NS-MBS": 9,
        "561": 1,
    }
    # 1073 alt rows for 395 entries (MANIFEST), and 7 entries whose only other name is an Issuer Name
    assert sum(1 for e in parsed.entities if any(n.kind in ("alias", "former") for n in e.names)) == 402
    ssi = [e for e in parsed.entities if e.sanctions[0].list_name == "SSI"]
    assert all(any(m.startswith("EO 13662 Directive") for m in e.sanctions[0].measures) for e in ssi)
    assert all(e.sanctions[0].sectors for e in ssi)
    assert {k for k in parsed.unconsumed if not k.startswith("remarks:")} == set()
