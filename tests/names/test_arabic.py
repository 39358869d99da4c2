"""The Latin reading of Arabic-script names (embargo.names.arabic), and its learned letter table checked on
the held-out part of the resource it was learned from (Google's ar2en test split, never read by the learner)."""

from __future__ import annotations

from pathlib import Path

from rapidfuzz.distance import Levenshtein

from embargo.names.arabic import latin_reading, latin_readings, latin_word, normalise_arabic, split_words
from embargo.text.translit import ascii_fold

HELD_OUT = Path(__file__).parent.parent / "fixtures" / "names" / "google_ar2en_test.tsv"
# letters for sounds foreign names hardly need: the held-out names of the Arabic, Persian and Urdu world
NATIVE = frozenset("حعقصضطظ")


def _held_out() -> list[tuple[str, str]]:
    out = []
    for line in HELD_OUT.read_text(encoding="utf-8").splitlines():
        ar, _, la = line.partition("\t")
        ar = normalise_arabic(ar.strip())
        if ar and la.isalpha() and la.isascii() and NATIVE & set(ar):
            out.append((ar, la.lower()))
    return out


def _close(reading: str, latin: str) -> bool:
    return Levenshtein.normalized_similarity(reading.replace(" ", ""), latin) >= 0.75


def test_learned_letters_spell_held_out_names_closer_than_the_transliteration() -> None:
    pairs = _held_out()
    assert len(pairs) >= 100
    learned = sum(_close(latin_reading(ar), la) for ar, la in pairs) / len(pairs)
    plain = sum(_close(ascii_fold(ar), la) for ar, la in pairs) / len(pairs)
    # the skeleton transliteration leaves the vowels out; the learned chunks write the usual ones
    assert learned >= 0.45
    assert learned >= plain + 0.1


def test_parts_run_together_are_read_apart() -> None:
    assert split_words("عبدالرحمن") == ["عبد", "الرحمن"]
    assert split_words("ابوالخير") == ["ابو", "الخير"]
    assert split_words("خيرالله") == ["خير", "الله"]
    assert split_words("نورالدين") == ["نور", "الدين"]
    assert split_words("الله") == ["الله"]
    assert split_words("محمد") == ["محمد"]


def test_particles_and_the_article_read_as_lists_write_them() -> None:
    assert latin_reading("عبدالرحمن بن علي").startswith("abd al r")
    assert latin_word("الكاشف")[0] == "al"
    assert latin_reading("ابن") == "ibn"
    assert latin_reading("بنت") == "bint"


def test_persian_and_urdu_letters_read_as_the_arabic_ones() -> None:
    assert latin_reading("کریمی") == latin_reading("كريمي")
    assert normalise_arabic("ۀ") == "ة"
    assert latin_reading("Ali محمد").startswith("ali ")


def test_a_final_persian_ye_reads_both_ways() -> None:
    readings = latin_readings("عیسی")
    assert len(readings) == 2
    assert readings[0].endswith("i") and readings[1].endswith("a")
    assert latin_readings("محمد") == [latin_reading("محمد")]
    assert latin_readings("Ali") == []


def test_a_persian_letter_the_table_lacks_reads_as_transliterated() -> None:
    assert latin_reading("پارسا").startswith("p")
    assert latin_reading("چنگیز").startswith("ch")
