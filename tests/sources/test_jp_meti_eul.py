"""Japan METI End User List (XLSX): the real file, 835 companies and organisations."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from embargo.errors import ListFormatError
from embargo.sources import jp_meti_eul
from embargo.sources.base import ParsedList

LISTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
EUL = LISTS / "jp_meti_eul" / "2025-09-29" / "20250929_4.xlsx"


@pytest.fixture(scope="module")
def parsed() -> ParsedList:
    if not EUL.is_file():
        pytest.fail(f"the official list file is missing: {EUL}")
    return jp_meti_eul.parse(EUL, "jp_meti_eul")


def independent_rows() -> list[dict[str, str]]:
    """Rows with a company name, read with openpyxl's full reader (formulas as written), by column letter."""
    ws = openpyxl.load_workbook(EUL).worksheets[0]
    rows = []
    for r in range(2, ws.max_row + 1):
        name = ws[f"C{r}"].value
        if name is not None and str(name).strip():
            rows.append({k: str(ws[f"{k}{r}"].value or "") for k in "ABCDEF"})
    return rows


def test_entity_count_equals_an_independent_count(parsed: ParsedList) -> None:
    rows = independent_rows()
    assert len(rows) == len(parsed.entities) == parsed.record_count == 835
    assert all(r["A"] == "=ROW()-1" for r in rows)  # the list's "No." is a formula: ids are names
    assert parsed.unconsumed == {}
    assert parsed.list_date == "2025-09-29"
    assert parsed.format == "jp_meti_eul_xlsx"


def test_concern_types_become_export_control_reasons(parsed: ParsedList) -> None:
    rows = independent_rows()
    wanted: Counter[str] = Counter()
    for r in rows:
        letters = unicodedata.normalize("NFKC", r["E"]).split("\n")[-1]  # "B,C,M,N" under the Japanese
        for code, concern in (("B", "biological"), ("C", "chemical"), ("M", "missiles"), ("N", "nuclear")):
            if code in letters:
                wanted[concern] += 1
        if "CW" in r["F"]:
            wanted["conventional"] += 1
    got: Counter[str] = Counter()
    for e in parsed.entities:
        (s,) = e.sanctions
        assert s.authority.startswith("Japan Ministry of Economy") and s.list_name == "End User List"
        for program in s.programs:
            got[program.split()[0]] += 1
    assert got == wanted
    assert got["missiles"] == 616 and got["conventional"] == 240


def test_names_aliases_and_country(parsed: ParsedList) -> None:
    by_name = {e.caption: e for e in parsed.entities}
    qaida = by_name["Al Qa'ida/Islamic Army"]
    assert qaida.schema == "Organization"
    assert {"Al Qaeda", "The Base", "Usama Bin Laden Network"} <= {n.value for n in qaida.names}
    assert qaida.countries == ("af",)
    (s,) = qaida.sanctions
    assert s.programs == (
        "biological weapons",
        "chemical weapons",
        "conventional weapons",
        "missiles",
        "nuclear weapons",
    )
    assert s.reason and "B (biological weapons)" in s.reason and "CW (conventional weapons)" in s.reason
    countries = Counter(c for e in parsed.entities for c in e.countries)
    assert countries["ir"] == 257 and countries["kp"] == 154 and countries["ru"] == 100
    assert sum(countries.values()) == 835


def test_concern_cells_as_written() -> None:
    assert jp_meti_eul.concern_codes("生物、化学、ミサイル、核\nB,C,M,N") == (["B", "C", "M", "N"], [])
    assert jp_meti_eul.concern_codes("ミサイルM") == (["M"], [])
    assert jp_meti_eul.concern_codes("核\nＮ", "通常兵器\nCW") == (["N", "CW"], [])
    assert jp_meti_eul.concern_codes("放射能\nR") == ([], ["放射能", "R"])


def test_bad_files_are_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["No.", "Country", "Name"])
    wrong = tmp_path / "20250929_4.xlsx"
    wb.save(wrong)
    with pytest.raises(ListFormatError, match="not the End User List header"):
        jp_meti_eul.parse(wrong, "jp_meti_eul")
    cut = tmp_path / "20250929_5.xlsx"
    cut.write_bytes(EUL.read_bytes()[:30_000])
    with pytest.raises(ListFormatError, match="not a readable XLSX"):
        jp_meti_eul.parse(cut, "jp_meti_eul")
