"""Japan MOF asset-freeze list: the real workbook (45 sheets) and the CSV edition (an excerpt)."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import formats, jp_mof, jp_mof_csv
from embargo.sources.base import ParsedList

LISTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
WORKBOOK = LISTS / "jp_mof" / "2026-03-05" / "shisantouketsu20260305.xlsx"
CSV_EXCERPT = Path(__file__).resolve().parents[1] / "fixtures" / "jp_mof" / "shisantouketsu20260305.csv"
RUSSIA_BELARUS = range(26, 37)


@pytest.fixture(scope="module")
def parsed() -> ParsedList:
    if not WORKBOOK.is_file():
        pytest.fail(f"the official list file is missing: {WORKBOOK}")
    return jp_mof.parse(WORKBOOK, "jp_mof")


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def independent_counts() -> Counter[str]:
    """Per sheet number: rows below the header row with a Japanese or English name, read from the
    workbook's XML itself (zip, shared strings without their furigana runs, cell references), not
    through openpyxl as the parser reads it."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(WORKBOOK) as z:

        def text(si: ET.Element) -> str:
            runs = [si.find(main + "t"), *(r.find(main + "t") for r in si.findall(main + "r"))]
            return "".join(t.text or "" for t in runs if t is not None)

        strings = [text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(main + "si")]
        targets = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        counts: Counter[str] = Counter()
        for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter(main + "sheet"):
            root = ET.fromstring(z.read(f"xl/{targets[sheet.get(rel)]}"))
            columns: dict[str, str] | None = None
            for row in root.iter(main + "row"):
                cells = {}
                for c in row.findall(main + "c"):
                    v = c.find(main + "v")
                    value = "" if v is None else strings[int(v.text or 0)] if c.get("t") == "s" else v.text
                    cells[re.sub(r"\d+", "", c.get("r") or "")] = (value or "").strip()
                if columns is None:
                    columns = {v: k for k, v in cells.items()} if "日本語表記" in cells.values() else None
                elif cells.get(columns["日本語表記"]) or cells.get(columns["英語表記"]):
                    counts[str(sheet.get("name")).split(".")[0]] += 1
    return counts


def test_entity_counts_equal_an_independent_count_by_sheet(parsed: ParsedList) -> None:
    expected = independent_counts()
    got = Counter(e.source_id.split("-")[0] for e in parsed.entities)
    assert got == expected
    assert sum(expected.values()) == len(parsed.entities) == parsed.record_count == 2862
    assert len(expected) == 40  # 44 regime sheets: 3 rescinded, and Mali's 5 entries all deleted


def test_every_source_field_is_read_and_the_date_comes_from_the_file_name(parsed: ParsedList) -> None:
    assert parsed.unconsumed == {}
    assert parsed.format == "jp_mof_xlsx"
    assert parsed.list_date == "2026-03-05"
    assert any("deleted designations" in w for w in parsed.warnings)


def test_each_sheets_regime_is_the_programme_and_the_notice_date_the_listing_date(
    by_id: dict[str, Entity],
) -> None:
    putin = by_id["29-1"]
    assert putin.schema == "Person"
    assert putin.caption == "Vladimir Putin"
    assert ("ウラジーミル・プーチン", "jpn") in {(n.value, n.lang) for n in putin.names}
    assert putin.birth_dates == ("1952-10-07",)
    (s,) = putin.sanctions
    assert s.programs == ("Russian Federation (individuals)",)
    assert s.listing_date == "2022-03-01"
    assert s.authority == "Japan Ministry of Finance" and s.country == "jp"
    assert s.measures == ("asset freeze",)
    taliban = by_id["2-4"]  # designated 2001, amended five times
    assert taliban.sanctions[0].listing_date == "2001-09-22"
    assert "2018-04-27" in taliban.prop("modifiedAt")
    assert any(n.kind == "original" and n.lang == "Arab" for n in taliban.names)


def test_aliases_bracketed_variants_and_kanji_names(by_id: dict[str, Entity]) -> None:
    aksyonov = {n.value for n in by_id["26-2"].names}
    assert {"Sergey AKSYONOV", "Sergei AKSENOV", "セルゲイ・アクショーノフ"} <= aksyonov
    anwari = {n.value for n in by_id["2-5"].names}
    assert {"Mohammad Taher Anwari", "Haji Mudir", "ハッジ・ムディール"} <= anwari
    veb = {n.value for n in by_id["30-3"].names}
    assert {"VEB.RF", "Vnesheconombank", "ロシア対外経済銀行"} <= veb
    tskba = {n.value for n in by_id["28-29"].names}
    assert "株式会社中央自動製造設計局" in tskba and "別称" not in tskba


def test_merged_rows_of_one_entry_are_one_entity(by_id: dict[str, Entity]) -> None:
    shabaab = by_id["21-1"]  # 13 spreadsheet rows, merged cells
    assert shabaab.caption == "AL-SHABAAB"
    assert len(shabaab.prop("notes")) >= 10


def test_russia_and_belarus_regimes_get_sectors_where_the_entry_says_so(parsed: ParsedList) -> None:
    def sheet(e: Entity) -> int:
        return int(e.source_id.split("-")[0])

    banks = [e for e in parsed.entities if e.sanctions[0].programs[0].endswith("(specified banks)")]
    assert len(banks) == 21 and all("finance" in e.sanctions[0].sectors for e in banks)
    tagged = [e for e in parsed.entities if e.sanctions[0].sectors]
    assert tagged and all(sheet(e) in RUSSIA_BELARUS for e in tagged)
    sectors = Counter(s for e in tagged for s in e.sanctions[0].sectors)
    assert sectors["defence"] > 20 and sectors["aerospace"] > 10


def test_csv_edition_excerpt() -> None:
    assert jp_mof_csv.sniff(CSV_EXCERPT, CSV_EXCERPT.read_bytes()[:4096]) == "jp_mof"
    parsed = jp_mof_csv.parse(CSV_EXCERPT, "jp_mof")
    assert parsed.format == "jp_mof_csv" and parsed.list_date == "2026-03-05"
    assert parsed.unconsumed == {}
    by_id = {e.source_id: e for e in parsed.entities}
    assert set(by_id) == {"2-2", "2-5", "29-1", "29-2", "28-4", "30-3"}  # 2-1: a deleted designation
    anwari = by_id["2-5"]
    # "；" separates values, but not inside brackets (a description of the alias, dropped)
    assert {"Haji Mudir", "ハッジ・ムディール", "モハンマド・ターヘル・アヌワリー"} <= {
        n.value for n in anwari.names
    }
    assert not any("1962" in n.value for n in anwari.names)
    assert anwari.prop("unscId") == ("TAi.004",)
    assert by_id["2-2"].sanctions[0].listing_date == "2001-09-22"
    assert by_id["2-2"].prop("modifiedAt") == ("2008-06-25", "2012-03-27")
    assert by_id["30-3"].schema == "Organization" and "finance" in by_id["30-3"].sanctions[0].sectors
    assert by_id["28-4"].addresses[0].country == "ru"


def test_csv_and_workbook_editions_give_the_same_ids_and_names(by_id: dict[str, Entity]) -> None:
    csv_entities = jp_mof_csv.parse(CSV_EXCERPT, "jp_mof").entities
    for e in csv_entities:
        assert e.id == by_id[e.source_id].id
        assert e.caption == by_id[e.source_id].caption


def test_format_detection_picks_both_editions() -> None:
    def sniffed(path: Path) -> list[str]:
        head = path.read_bytes()[:4096]
        return [f.NAME for f in formats() if f.sniff(path, head)]

    assert sniffed(WORKBOOK)[:1] == ["jp_mof_xlsx"]
    assert sniffed(CSV_EXCERPT)[:1] == ["jp_mof_csv"]


def test_bad_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    cut = tmp_path / "shisantouketsu20260305.xlsx"
    cut.write_bytes(WORKBOOK.read_bytes()[:200_000])
    with pytest.raises(ListFormatError, match="not a readable XLSX"):
        jp_mof.parse(cut, "jp_mof")
    empty = tmp_path / "shisantouketsu20260306.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty file"):
        jp_mof.parse(empty, "jp_mof")
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["告示日付", "告示番号", "日本語表記", "英語表記"])
    wb.save(other)
    with pytest.raises(ListFormatError, match="no entries"):
        jp_mof.parse(other, "jp_mof")
    lines = CSV_EXCERPT.read_text("utf-8-sig").splitlines()
    short = tmp_path / "shisantouketsu20260307.csv"
    short.write_text("\n".join([lines[0], re.sub(r",[^,]*$", "", lines[3])]), "utf-8-sig")
    with pytest.raises(ListFormatError, match="31 fields where the header has 32") as err:
        jp_mof_csv.parse(short, "jp_mof")
    assert err.value.where == "line 2"


def test_a_named_entry_without_a_number_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "29.ロシア連邦(個人)"
    ws.append(["title"])
    ws.append(["告示日付", "告示番号", "日本語表記", "英語表記"])
    ws.append(["2022.3.1", "one", "ウラジーミル・プーチン", "Vladimir Putin"])
    path = tmp_path / "shisantouketsu20260305.xlsx"
    wb.save(path)
    with pytest.raises(ListFormatError, match="no notice number") as err:
        jp_mof.parse(path, "jp_mof")
    assert "row 3" in str(err.value)
