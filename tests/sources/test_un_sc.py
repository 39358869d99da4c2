"""UN SC consolidated.xml: trimmed real excerpts (tests/fixtures/un_sc) and the real files."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import formats, un_sc
from embargo.sources.base import ParsedList

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "un_sc"
UN_DIR = "un_sc_consolidated"

# MANIFEST.md: entries per file (individuals + entities)
COUNTS = {
    "2018-10-29": (703, 390),
    "2020-03-20": (709, 305),
    "2020-11-23": (713, 305),
    "2020-12-01": (712, 294),
    "2022-09-15": (699, 253),
    "2024-11-30": (686, 193),
    "2025-04-19": (684, 193),
    "2025-11-20": (727, 273),
    "2025-12-09": (727, 273),
    "2025-12-10": (726, 273),
    "2026-01-28": (726, 273),
    "2026-02-27": (730, 273),
}
# MANIFEST.md: "+added -removed" keyed by REFERENCE_NUMBER between consecutive versions
DIFFS = [
    ("2018-10-29", "2020-03-20", 23, 102),
    ("2020-03-20", "2020-11-23", 5, 1),
    ("2020-11-23", "2020-12-01", 0, 12),
    ("2020-12-01", "2022-09-15", 17, 71),
    ("2022-09-15", "2024-11-30", 28, 101),
    ("2024-11-30", "2025-04-19", 0, 2),
    ("2025-04-19", "2025-11-20", 126, 3),
    ("2025-11-20", "2025-12-09", 0, 0),
    ("2025-12-09", "2025-12-10", 0, 1),
    ("2025-12-10", "2026-01-28", 0, 0),
    ("2026-01-28", "2026-02-27", 4, 0),
]


@cache
def _parse_real(path: Path) -> ParsedList:
    return un_sc.parse(path, "un_sc")


def _real(lists_dir: Path, folder: str) -> ParsedList:
    return _parse_real(lists_dir / UN_DIR / folder / "consolidated.xml")


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def _fixture(name: str) -> ParsedList:
    return un_sc.parse(FIX / name, "un_sc")


# --- fixtures: excerpts of the same records in the three layouts --------------------------------


def test_layout_does_not_change_the_entities() -> None:
    compact = _fixture("compact_2018-10-29.xml")
    single = _fixture("single_quoted_2025-04-19.xml")
    double = _fixture("double_quoted_2026-02-27.xml")
    assert (compact.list_date, single.list_date, double.list_date) == (
        "2018-10-29",
        "2025-04-19",
        "2026-02-27",
    )
    assert compact.record_count == single.record_count == double.record_count == 6
    for parsed in (single, double):
        assert [e.to_dict() for e in parsed.entities] == [e.to_dict() for e in compact.entities]
        assert [e.content_hash for e in parsed.entities] == [e.content_hash for e in compact.entities]
    assert compact.unconsumed == single.unconsumed == double.unconsumed == {}


def test_reordered_children_and_records_give_equal_entities(tmp_path: Path) -> None:
    tree = etree.parse(str(FIX / "features_2026-02-27.xml"))
    for group in tree.getroot():
        records = list(group)
        for rec in records:
            kids = list(rec)
            for k in kids:
                rec.remove(k)
            rec.extend(reversed(kids))
            group.remove(rec)
        group.extend(reversed(records))
    shuffled = tmp_path / "consolidated.xml"
    tree.write(str(shuffled), encoding="UTF-8", xml_declaration=True)
    a = {e.id: e.content_hash for e in _fixture("features_2026-02-27.xml").entities}
    b = {e.id: e.content_hash for e in un_sc.parse(shuffled, "un_sc").entities}
    assert a == b


def test_individual_with_documents_and_former_listing_name() -> None:
    e = _by_id(_fixture("features_2026-02-27.xml"))["QDi.068"]
    assert e.id == "un-sc-QDi.068"
    assert e.schema == "Person"
    assert e.caption == "ADEL BEN AL-AZHAR BEN YOUSSEF HAMDI"  # FIRST..FOURTH_NAME in order
    names = {(n.value, n.kind) for n in e.names}
    assert ("Zakariya", "weak") in names  # QUALITY Low
    assert ("Adel ben al- Azhar ben Youssef ben Soltane", "alias") in names  # QUALITY Good
    assert ("عادل بن الأزهر بن يوسف حمدي", "original") in names
    assert e.birth_dates == ("1970-07-14",)
    assert e.birth_places == ("Tunis, Tunisia",)
    assert e.nationalities == ("tn",)
    assert e.countries == ("tn",)
    by_value = {i.value: i for i in e.identifiers}
    passport = by_value["M408665"]
    assert (passport.type, passport.country) == ("passport", "tn")
    assert passport.note == "Passport; issued 2000-10-04; expired 3 Oct. 2005"
    assert by_value["BNSDLA70L14Z352B"].type == "tax_id"  # TYPE_OF_DOCUMENT2 "Italian Fiscal Code:"
    assert by_value["QDi.068"].note == "UN reference number"
    assert by_value["112033"].note == "UN DATAID"
    # a document without NUMBER is kept as text, not guessed into an identifier
    assert any("W334061" in n for n in e.prop("notes"))
    assert "Alias Adel ben al- Azhar ben Youssef ben Soltane: formerly listed as" in e.prop("notes")
    (s,) = e.sanctions
    assert s.authority == "United Nations Security Council"
    assert s.programs == ("Al-Qaida",)
    assert s.listing_date == "2002-09-03"
    assert s.country == "un"
    assert s.reason is not None and s.reason.startswith("Deported from Italy to Tunisia")
    assert "2023-10-30" in e.prop("modifiedAt")


def test_between_dates_titles_and_positions() -> None:
    e = _by_id(_fixture("features_2026-02-27.xml"))["TAi.002"]
    # TYPE_OF_DATE BETWEEN: FROM_YEAR 1955 .. TO_YEAR 1958 and 1945 .. 1950
    assert e.birth_dates == tuple(str(y) for y in [*range(1945, 1951), *range(1955, 1959)])
    assert e.prop("title") == ("Haji", "Mullah")
    assert "Foreign Minister under the Taliban regime" in e.prop("position")
    assert e.birth_places == ("Pashmul village, Panjwai District, Kandahar Province, Afghanistan",)
    assert e.sanctions[0].programs == ("Taliban",)


def test_alias_with_several_spellings_is_split() -> None:
    e = _by_id(_fixture("features_2026-02-27.xml"))["IRi.003"]
    aliases = {n.value for n in e.names if n.kind == "alias"}
    assert aliases == {"Azim Adhajani", "Azim Agha-Jani"}
    assert e.nationalities == ("ir",)  # "Iran (Islamic Republic of)"
    passports = sorted((i.value, i.country) for i in e.identifiers if i.type == "passport")
    assert passports == [("6620505", "ir"), ("9003213", "ir")]
    assert "defence" in e.sanctions[0].sectors  # reason: "export of arms and related materiel"


def test_entity_with_former_name_and_address() -> None:
    parsed = _fixture("compact_2018-10-29.xml")
    org = _by_id(parsed)["IQe.200"]
    assert org.schema == "Organization"
    assert ("LOGARCHEO AG", "former") in {(n.value, n.kind) for n in org.names}  # QUALITY f.k.a.
    (addr,) = org.addresses
    assert (addr.street, addr.city, addr.country) == ("Chemin du Carmel", "1661 Le Paquier-Montbarry", "ch")
    assert org.countries == ("ch",)


# --- bad input -----------------------------------------------------------------------------------


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    data = (FIX / "double_quoted_2026-02-27.xml").read_bytes()
    cut = tmp_path / "consolidated.xml"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError, match="not well-formed XML") as err:
        un_sc.parse(cut, "un_sc")
    assert err.value.where is not None and err.value.where.startswith("line ")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "consolidated.xml"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty file"):
        un_sc.parse(empty, "un_sc")


def test_list_without_records_is_refused(tmp_path: Path) -> None:
    bare = tmp_path / "consolidated.xml"
    bare.write_bytes(b'<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS/>'
                     b"<ENTITIES/></CONSOLIDATED_LIST>")  # fmt: skip
    with pytest.raises(ListFormatError, match="no INDIVIDUAL or ENTITY records"):
        un_sc.parse(bare, "un_sc")


def test_other_xml_is_refused(lists_dir: Path) -> None:
    ofac = lists_dir / "us_ofac_consolidated" / "2025-03-28" / "consolidated.xml"
    with pytest.raises(ListFormatError, match="root element is <sdnList>"):
        un_sc.parse(ofac, "un_sc")


def test_corrupted_file_names_line_53_and_the_cause(lists_dir: Path) -> None:
    bad = lists_dir / UN_DIR / "2025-08-16_corrupted-by-repo-owner" / "consolidated.xml"
    assert un_sc.sniff(bad, bad.read_bytes()[:8192]) == "un_sc"  # looks right from the outside
    with pytest.raises(ListFormatError) as err:
        un_sc.parse(bad, "un_sc")
    msg = str(err.value)
    assert "not well-formed XML" in msg
    assert "line 53" in msg
    assert "0x19" in msg and "re-encoded" in msg


# --- sniffing ------------------------------------------------------------------------------------


def test_sniff_decides_by_root_element(lists_dir: Path) -> None:
    un_file = lists_dir / UN_DIR / "2018-10-29" / "consolidated.xml"
    ofac_file = lists_dir / "us_ofac_consolidated" / "2025-03-28" / "consolidated.xml"
    assert un_sc.sniff(un_file, un_file.read_bytes()[:8192]) == "un_sc"
    assert un_sc.sniff(ofac_file, ofac_file.read_bytes()[:8192]) is None
    for name in ("compact_2018-10-29.xml", "single_quoted_2025-04-19.xml", "double_quoted_2026-02-27.xml"):
        assert un_sc.sniff(FIX / name, (FIX / name).read_bytes()[:8192]) == "un_sc"
    assert (
        un_sc.sniff(Path("x.xml"), b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c -->\n<CONSOLIDATED_LIST>")
        == "un_sc"
    )
    assert un_sc.sniff(Path("x.csv"), b"36,AEROCARIBBEAN AIRLINES,-0-") is None


def test_no_other_format_claims_un_files(lists_dir: Path) -> None:
    paths = [FIX / "compact_2018-10-29.xml", lists_dir / UN_DIR / "2026-02-27" / "consolidated.xml"]
    for path in paths:
        head = path.read_bytes()[:8192]
        claims = [getattr(f, "NAME", "?") for f in formats() if f.sniff(path, head)]
        assert claims == [un_sc.NAME]
    assert un_sc.companions(paths[1]) == []


# --- the real files ------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", sorted(COUNTS))
def test_real_file_counts_and_date(lists_dir: Path, folder: str) -> None:
    parsed = _real(lists_dir, folder)
    individuals, entities = COUNTS[folder]
    schemas = [e.schema for e in parsed.entities]
    assert (schemas.count("Person"), schemas.count("Organization")) == (individuals, entities)
    assert parsed.record_count == individuals + entities
    assert len({e.id for e in parsed.entities}) == parsed.record_count
    assert parsed.list_date == folder
    assert parsed.format == "un_sc_xml" and parsed.source == "un_sc"
    assert parsed.unconsumed == {}  # every element of every record is read


@pytest.mark.parametrize(("old", "new", "added", "removed"), DIFFS)
def test_real_diffs_match_manifest(lists_dir: Path, old: str, new: str, added: int, removed: int) -> None:
    a, b = _by_id(_real(lists_dir, old)), _by_id(_real(lists_dir, new))
    assert (len(b.keys() - a.keys()), len(a.keys() - b.keys())) == (added, removed)
    if (old, new) == ("2025-12-09", "2025-12-10"):
        assert a.keys() - b.keys() == {"IQi.074"}
    if (old, new) == ("2025-12-10", "2026-01-28"):  # same content, only dateGenerated differs
        assert {k: e.content_hash for k, e in a.items()} == {k: e.content_hash for k, e in b.items()}


def test_real_known_entity(lists_dir: Path) -> None:
    e = _by_id(_real(lists_dir, "2018-10-29"))["KPi.033"]
    assert e.caption == "RI WON HO"
    assert e.birth_dates == ("1964-07-17",)
    assert e.nationalities == ("kp",)
    assert [(i.type, i.value) for i in e.identifiers if i.type == "passport"] == [("passport", "381310014")]
    assert e.sanctions[0].programs == ("DPRK",)
    assert e.sanctions[0].listing_date == "2016-11-30"
    assert e.prop("position") == ("DPRK Ministry of State Security Official",)


def test_real_file_parses_fast(lists_dir: Path) -> None:
    path = lists_dir / UN_DIR / "2025-04-19" / "consolidated.xml"  # 2.1 MB
    un_sc.parse(path, "un_sc")  # warm-up (country tables)
    best = min(_cpu_seconds(path) for _ in range(2))
    assert best < 0.5  # CPU time: wall time depends on what else the machine runs


def _cpu_seconds(path: Path) -> float:
    t = time.process_time()
    un_sc.parse(path, "un_sc")
    return time.process_time() - t
