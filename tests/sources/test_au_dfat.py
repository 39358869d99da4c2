"""Australia DFAT Consolidated List (XLSX)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from embargo.errors import ListFormatError
from embargo.model import Entity
from embargo.sources import au_dfat, formats
from embargo.sources.base import ParsedList

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "au_dfat"


def cell(value: Any) -> Any:
    """JSON fixture cell -> spreadsheet cell (``{"date": ISO}`` is an Excel date)."""
    if isinstance(value, dict):
        return date.fromisoformat(value["date"])
    return value


def write_xlsx(path: Path, header: list[Any], rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([cell(v) for v in row])
    for r in range(2, ws.max_row + 1):  # Excel dates, as DFAT formats them
        ws.cell(r, 12).number_format = "dd/mm/yyyy"
        if isinstance(ws.cell(r, 5).value, date):
            ws.cell(r, 5).number_format = "dd/mm/yyyy"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = json.loads((FIXTURES / "consolidated_rows.json").read_text("utf-8"))
    path = tmp_path_factory.mktemp("dfat") / "regulation8_consolidated.xlsx"
    return write_xlsx(path, data["header"], data["rows"])


def by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def test_excerpt(excerpt: Path) -> None:
    parsed = au_dfat.parse(excerpt, "au_dfat")
    assert parsed.format == "au_dfat_xlsx"
    assert parsed.list_date is None  # the file prints no date
    assert parsed.record_count == 4
    assert parsed.unconsumed == {}
    assert {e.source_id: e.schema for e in parsed.entities} == {
        "2": "Person",
        "3": "Person",
        "163": "Organization",
        "6653": "Person",
    }


def test_individual_with_original_script(excerpt: Path) -> None:
    e = by_id(au_dfat.parse(excerpt, "au_dfat"))["3"]
    assert e.id == "au-dfat-3"
    assert e.caption == "Abdul Kabir Mohammad Jan"
    assert {(n.value, n.kind, n.lang) for n in e.names} == {
        ("Abdul Kabir Mohammad Jan", "primary", None),
        ("A. Kabir", "alias", None),  # 3a
        ("عبد الکبیر محمد جان", "original", "Arab"),  # 3b, Original Script
    }
    assert e.birth_dates == ("1963",)  # "Approximately 1963"
    assert e.nationalities == ("af",)
    assert e.prop("birthCountry") == ("af",)
    (s,) = e.sanctions
    assert s.authority == "Australia DFAT" and s.country == "au"
    assert s.programs == ("1988 (Taliban)",)
    assert s.listing_date == "2001-01-25"  # "Listed by UN 1267 Committee on 25 January 2001 ..."
    assert e.prop("modifiedAt") == ("2014-01-06",)  # Control Date


def test_dates_of_birth_and_instruments(excerpt: Path) -> None:
    got = by_id(au_dfat.parse(excerpt, "au_dfat"))
    # "a) Approximately 1955- 1958 b) Approximately 1945-1950"
    assert got["2"].birth_dates == tuple(str(y) for y in (*range(1945, 1951), *range(1955, 1959)))
    bortnikov = got["6653"]
    assert bortnikov.birth_dates == ("1974-11-19",)  # an Excel date cell
    (s,) = bortnikov.sanctions
    assert s.programs == (
        "Autonomous (Russia)",
        "Autonomous Sanctions (Designated Persons and Entities and Declared Persons-Ukraine) "
        "Amendment (No. 4) Instrument 2022",
    )
    assert "finance" in s.sectors  # "... VTB Bank ..."
    org = got["163"]
    assert {n.value for n in org.names if n.kind == "alias"} == {"LIFG"}
    assert org.addresses[0].full == "Libyan Arab Jamahiriya"


def test_truncated_and_wrong_files(tmp_path: Path, excerpt: Path) -> None:
    data = excerpt.read_bytes()
    cut = tmp_path / "regulation8_consolidated.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert au_dfat.sniff(cut, cut.read_bytes()[:8192]) == "au_dfat"
    with pytest.raises(ListFormatError, match="truncated or corrupted"):
        au_dfat.parse(cut, "au_dfat")
    ofsi_like = write_xlsx(
        tmp_path / "ConList.xlsx", ["Last Updated", "14/04/2025"], [["Name 6", "Group ID"]]
    )
    assert au_dfat.sniff(ofsi_like, ofsi_like.read_bytes()[:8192]) is None
    with pytest.raises(ListFormatError, match="missing columns Reference, Name of Individual or Entity"):
        au_dfat.parse(ofsi_like, "au_dfat")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty"):
        au_dfat.parse(empty, "au_dfat")


def test_sniff_only_this_format_claims_the_file(excerpt: Path) -> None:
    head = excerpt.read_bytes()[:8192]
    assert [getattr(f, "NAME", None) for f in formats() if f.sniff(excerpt, head)] == ["au_dfat_xlsx"]


def test_real_file(lists_dir: Path) -> None:
    path = lists_dir / "au_dfat" / "2024-12-17" / "regulation8_consolidated.xlsx"
    assert au_dfat.sniff(path, path.read_bytes()[:8192]) == "au_dfat"
    parsed = au_dfat.parse(path, "au_dfat")
    assert parsed.record_count == len(parsed.entities) == 3062
    assert Counter(e.schema for e in parsed.entities) == {"Person": 2316, "Organization": 746}
    assert parsed.list_date is None
    assert parsed.unconsumed == {}
    names = Counter(n.kind for e in parsed.entities for n in e.names)
    assert names["primary"] == 3062
    assert names["original"] >= 440  # every "Original Script" row
    got = by_id(parsed)
    akhund = got["2"]
    assert ("محمد حسن أخوند", "original") in {(n.value, n.kind) for n in akhund.names}
    assert akhund.sanctions[0].listing_date == "2001-01-25"
    assert akhund.prop("modifiedAt") == ("2014-12-15",)
    persons = [e for e in parsed.entities if e.schema == "Person"]
    assert sum(1 for e in persons if e.birth_dates) > 2200
