"""clean(): invisible characters, homoglyphs, NFKC and spaces."""

from __future__ import annotations

import pytest

from embargo.text.normalize import clean, map_homoglyphs, remove_invisible


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RОGOZIN", "ROGOZIN"),  # Cyrillic О inside a Latin word
        ("BАNK MELLAT", "BANK MELLAT"),
        ("PARSIAN RAIL ТRANSPORT", "PARSIAN RAIL TRANSPORT"),
        ("Lu-Сhi", "Lu-Chi"),
        ("OPTRONIК", "OPTRONIK"),
        ("ΒΑNK", "BANK"),  # Greek look-alikes
        ("РОСО SA", "POCO SA"),  # all look-alikes, in a Latin name
        ("КУБРАКОЎ, Iван", "КУБРАКОЎ, Іван"),  # a Latin I inside a Cyrillic word goes the other way
        ("ООО Ромашка", "ООО Ромашка"),  # real Cyrillic stays Cyrillic
    ],
)
def test_homoglyphs(text: str, expected: str) -> None:
    assert clean(text) == expected


@pytest.mark.parametrize(
    "char",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\u180e", "\ufe0f"],
)
def test_invisible_characters_are_removed(char: str) -> None:
    assert clean(f"TRA{char}NS LOGISTIK") == "TRANS LOGISTIK"
    assert remove_invisible(f"A{char}B") == "AB"


def test_every_invisible_character_is_removed_wherever_it_stands() -> None:
    """The set that tells whether a name has any (asked first, as it is quicker) holds the same characters
    as the expression that removes them: each one of them goes, in any script's company."""
    from embargo.text import normalize

    points = normalize._invisible_points()
    assert {chr(cp) for cp in points} == normalize._INVISIBLE_CHARS
    for cp in points:
        for around in ("Ро{}гозин", "محمد{}علي", "A{}B"):
            assert remove_invisible(around.format(chr(cp))) == around.format(""), hex(cp)
    assert remove_invisible("Ро​го‌зин⁠") == "Рогозин"  # several
    assert remove_invisible("Рогозин Дмитрий") == "Рогозин Дмитрий"  # no invisible: spaces still one


def test_homoglyphs_of_a_text_of_one_script_are_left_as_they_are() -> None:
    """map_homoglyphs skips texts with letters of fewer than two of Latin, Cyrillic and Greek (neither rule
    can apply): the same answer as reading each word, on random texts mixing those, others and spaces."""
    import random

    from embargo.text import normalize

    rng = random.Random(7)
    alphabet = (
        "aAbBcCeEoOpPxXyYiIjJsSmMhHtTkKéöçÀĀ"
        + "аАвВсСеЕоОрРхХуУіІјЈѕЅмМнНтТкКдбжЖ"
        + "αΑβΒεΕοΟρΡνΝκΚμΜτΤηΗιΙ"
        + "محمد王小明 -'"
    )
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20))) for _ in range(20000)]
    texts += [
        "РОСО SA",
        "BАNK MELLAT",
        "ΒΑNK",
        "КУБРАКОЎ, Iван",
        "Рогозин Дмитрий",
        "Gerda Tröst",
        "محمد علي",
    ]
    for text in texts:
        text = " ".join(text.split())
        assert map_homoglyphs(text) == normalize._map_words(text), text


def test_spaces_controls_and_nfkc() -> None:
    assert clean("  KIM\tJong\u00a0Un\n") == "KIM Jong Un"
    assert clean("ＡＢＣ ﬁrm") == "ABC firm"
    assert clean("a\x00b") == "a b"
    assert clean("") == ""


def test_clean_is_idempotent_and_keeps_case() -> None:
    for text in ["Rogozin Dmitry", "Рогозин Дмитрий", "RОGOZIN\u200b", "محمد"]:
        once = clean(text)
        assert clean(once) == once
    assert clean("Rogozin") == "Rogozin"


def test_homoglyphs_leave_pure_words_alone() -> None:
    assert map_homoglyphs("Рогозин ROGOZIN") == "Рогозин ROGOZIN"
