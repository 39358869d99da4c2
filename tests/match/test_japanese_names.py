"""Japanese names screen both ways: Japan MOF entries by their Latin, katakana and kanji names, and
katakana queries against Latin-only entries of other lists (the real MOF workbook and OFAC SDN file)."""

from __future__ import annotations

import random
import re
import warnings
from pathlib import Path

import openpyxl
import pytest

from embargo.match.types import Match
from embargo.model import Entity
from embargo.service.screener import Screener
from embargo.sources import jp_mof
from embargo.sources.ofac import csv_format
from embargo.text.translit import ascii_fold

LISTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
WORKBOOK = LISTS / "jp_mof" / "2026-03-05" / "shisantouketsu20260305.xlsx"
SDN = LISTS / "us_ofac_sdn" / "2024-05-02" / "sdn.csv"
RUSSIA_BELARUS = range(26, 37)  # Crimea ... Russia, Belarus, Russia-related in other countries
KATAKANA = re.compile(r"^[\u30a0-\u30ff\s]+$")
BRACKETS = re.compile(r"[(（][^()（）]*[)）]")


@pytest.fixture(scope="module")
def mof() -> list[Entity]:
    if not WORKBOOK.is_file():
        pytest.fail(f"the official list file is missing: {WORKBOOK}")
    return jp_mof.parse(WORKBOOK, "jp_mof").entities


@pytest.fixture(scope="module")
def screener(mof: list[Entity]) -> Screener:
    return Screener(mof)


def russia_rows() -> list[tuple[str, str, str]]:
    """(entity id, Japanese name, Latin name) of every Russia/Belarus-related row whose Japanese name is
    written in katakana, as the sheets print them (first line, bracketed variants left out)."""
    with warnings.catch_warnings():  # (a print area openpyxl cannot set)
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(WORKBOOK, read_only=True)
    rows = []
    for ws in wb.worksheets:
        number = ws.title.split(".", 1)[0]
        if not number.isdigit() or int(number) not in RUSSIA_BELARUS:
            continue
        for row in ws.iter_rows(min_row=3, values_only=True):
            ja, en = (BRACKETS.sub("", str(v or "").split("\n")[0]).strip() for v in row[2:4])
            if ja and en and row[1] and KATAKANA.match(ja.replace("・", " ")):
                rows.append((f"jp-mof-{number}-{row[1]}", ja, en))
    wb.close()
    return rows


def at_top(results: list[Match], entity_id: str) -> bool:
    """The entity is ranked first, or shares the first score (namesakes listed twice score alike)."""
    return bool(results) and any(m.entity.id == entity_id and m.score == results[0].score for m in results)


def test_thirty_random_russia_related_entries_by_latin_and_katakana_name(screener: Screener) -> None:
    rows = russia_rows()
    assert len(rows) > 1000
    picked = random.Random(22).sample(rows, 30)
    for entity_id, ja, en in picked:
        by_latin = screener.screen(en, limit=5)
        by_kana = screener.screen(ja, limit=5)
        assert at_top(by_latin, entity_id), (en, [(m.entity.id, m.score) for m in by_latin])
        assert at_top(by_kana, entity_id), (ja, [(m.entity.id, m.score) for m in by_kana])
        assert by_kana[0].score >= 0.9


def test_entries_are_found_by_their_kanji_names(mof: list[Entity], screener: Screener) -> None:
    han = re.compile("[\u4e00-\u9fff]")
    queries = [
        (e.id, n.value)
        for e in mof
        if int(e.source_id.split("-")[0]) in RUSSIA_BELARUS
        for n in e.names
        if n.lang == "jpn" and han.search(n.value)
    ]
    assert len(queries) > 900
    found = sum(any(m.entity.id == eid for m in screener.screen(q, limit=3)) for eid, q in queries)
    # kanji read as Mandarin syllables: names made of common words (株式会社, 設計局) can rank a sister
    # company's name first; nearly all are among the first three
    assert found / len(queries) >= 0.95
    bank = screener.screen("ロシア連邦中央銀行", limit=1)[0]
    assert bank.entity.caption == "Central Bank of the Russian Federation"


def test_katakana_words_take_the_readings_the_list_pairs_them_with() -> None:
    assert ascii_fold("ウラジーミル・プーチン") == "vladimir putin"
    assert ascii_fold("セルゲイ・ラヴロフ") == "sergey lavrov"
    # not on the MOF list: the foreign-sound kana and ICU's reading
    assert ascii_fold("ロゴージン") == "rogojin"
    assert ascii_fold("ヴィクトル") == "viktor"
    assert ascii_fold("やまだ たろう") == "yamada taro"  # hiragana, and spaces, as before


def test_katakana_queries_find_latin_only_entries_of_other_lists() -> None:
    sdn = csv_format.parse(SDN, "us_ofac_sdn").entities
    assert not any(re.search("[\u30a0-\u30ff]", n.value) for e in sdn for n in e.names)
    s = Screener(sdn)
    for query, caption in (
        ("ロゴージン", "ROGOZIN, Dmitry Olegovich"),
        ("ドミトリー・ロゴージン", "ROGOZIN, Dmitry Olegovich"),
        ("ウラジーミル・プーチン", "PUTIN, Vladimir Vladimirovich"),
        ("ラムザン・カディロフ", "KADYROV, Ramzan Akhmatovich"),
    ):
        assert s.screen(query, limit=1)[0].entity.caption == caption, query
