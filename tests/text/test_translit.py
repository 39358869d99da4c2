"""ascii_fold(): every script lists use, to lower-case ASCII (golden cases in fixtures/text/translit.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from embargo.text.translit import ascii_fold, cyrillic_language, fold_word, transliterator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"
CASES = list(csv.DictReader((FIXTURES / "translit.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['script']}:{c['expected']}" for c in CASES])
def test_golden(case: dict[str, str]) -> None:
    assert ascii_fold(case["text"]) == case["expected"]


def test_output_is_lower_ascii() -> None:
    for case in CASES:
        out = ascii_fold(case["text"])
        assert out.isascii() and out == out.lower() and out


def test_unknown_symbols_are_dropped_not_kept() -> None:
    assert ascii_fold("ACME ☃ Ltd") == "acme ltd"
    assert ascii_fold("") == ""


def test_homoglyphs_are_mapped_before_transliteration() -> None:
    # Cyrillic Р read as a Russian letter would give "r"; as a look-alike inside "Рanama" it is "p".
    assert ascii_fold("Рanama") == "panama"
    assert ascii_fold("RОGOZIN") == "rogozin"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Рогозин", "ru"),
        ("Наталля Мікалаеўна", "be"),
        ("Уладзімір", "be"),
        ("Олександр Зеленський Ївга", "uk"),
        ("Іван Миколайович", "uk"),
        ("Тешић", "sr"),
        ("Әлинә", "kk"),
    ],
)
def test_cyrillic_language(text: str, lang: str) -> None:
    assert cyrillic_language(text) == lang


def test_transliterators_are_cached() -> None:
    assert transliterator("Latin-ASCII") is transliterator("Latin-ASCII")
    fold_word("Рогозин", "ru")
    hits = fold_word.cache_info().hits
    fold_word("Рогозин", "ru")
    assert fold_word.cache_info().hits == hits + 1


def test_korean_surname_only_for_the_first_syllable_of_the_first_word() -> None:
    assert ascii_fold("김정은") == "kim jeong eun"
    assert ascii_fold("정은 김") == "jung eun gim"  # the first Hangul word takes the surname spelling
    assert ascii_fold("은김") == "eun gim"  # 은 is not a surname


def test_han_gets_the_mandarin_reading_only() -> None:
    # Documented limitation: ICU has no Han -> Hangul, so 金正恩 does not become "kim jong un".
    assert ascii_fold("金正恩") == "jin zheng en"
