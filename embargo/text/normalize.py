"""Unicode clean-up before anything else reads a name: ``clean("RОGOZIN\u200b")`` -> ``"ROGOZIN"``.

Steps, in order:

1. invisible characters are removed (format characters such as zero-width space / joiner / non-joiner,
   word joiner, BOM, soft hyphen, bidi marks, variation selectors, Hangul fillers); control characters
   and every kind of space become a plain space;
2. NFKC (full-width letters, ligatures, compatibility forms);
3. homoglyphs: inside a word that mixes Latin, Cyrillic and Greek letters, the letters of the minority
   script that look like a letter of the word's majority script are replaced by it (``BАNK`` with a
   Cyrillic ``А`` becomes Latin ``BANK``; ``Iван`` with a Latin ``I`` becomes Cyrillic ``Іван``). A word
   made only of look-alike letters in a name whose other words are all Latin is read as Latin too
   (``ВАNK`` is mixed anyway; ``РОСО SA`` -> ``POCO SA``);
4. runs of spaces collapse to one, ends are stripped.

Case is kept: folding is :func:`embargo.text.translit.ascii_fold`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LATIN, CYRILLIC, GREEK = "Latn", "Cyrl", "Grek"

# Look-alike letters (Unicode confusables restricted to the three alphabets lists mix up).
_CYRL_TO_LATN = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "Ү": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y", "ѵ": "v",
}  # fmt: skip
_GREK_TO_LATN = {
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u",
    "χ": "x", "α": "a", "ϲ": "c", "ϳ": "j",
}  # fmt: skip
_LATN_TO_CYRL = {
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т",
    "X": "Х", "Y": "У", "I": "І", "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х",
    "i": "і", "j": "ј", "s": "ѕ",
}  # fmt: skip
_LATN_TO_GREK = {v: k for k, v in _GREK_TO_LATN.items() if k.isupper()}
_TO = {
    LATIN: {CYRILLIC: _CYRL_TO_LATN, GREEK: _GREK_TO_LATN},
    CYRILLIC: {LATIN: _LATN_TO_CYRL},
    GREEK: {LATIN: _LATN_TO_GREK},
}
_ALL_LOOKALIKE = set(_CYRL_TO_LATN) | set(_GREK_TO_LATN)


def _invisible_points() -> list[int]:
    points: list[int] = [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5]
    points += range(0xFE00, 0xFE10)  # variation selectors
    points += range(0xE0000, 0xE0080)  # tags
    points += range(0xE0100, 0xE01F0)  # variation selectors supplement
    points += (cp for cp in range(0x80, 0x10000) if unicodedata.category(chr(cp)) == "Cf")
    return sorted(set(points))


_INVISIBLE_CHARS = frozenset(chr(cp) for cp in _invisible_points())
_INVISIBLE = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_INVISIBLE_CHARS)) + "]+")
# (the set answers "has the name any?" by one lookup per character; the expression tries a class of
# hundreds of ranges one after the other for each character)
_SPACES = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def char_script(ch: str) -> str | None:
    """``"Latn"``, ``"Cyrl"`` or ``"Grek"`` for a letter of those alphabets, else ``None``."""
    cp = ord(ch)
    if cp < 0x80:
        return LATIN if ch.isalpha() else None
    if 0xC0 <= cp <= 0x24F or 0x1E00 <= cp <= 0x1EFF:
        return LATIN if ch.isalpha() else None
    if 0x400 <= cp <= 0x52F or 0x1C80 <= cp <= 0x1C8F or 0xA640 <= cp <= 0xA69F:
        return CYRILLIC
    if 0x370 <= cp <= 0x3FF or 0x1F00 <= cp <= 0x1FFF:
        return GREEK if ch.isalpha() else None
    return None


def _counts(word: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in word:
        sc = char_script(ch)
        if sc is not None:
            counts[sc] = counts.get(sc, 0) + 1
    return counts


@lru_cache(maxsize=65536)
def _fix_word(word: str, majority: str | None) -> str:
    counts = _counts(word)
    if len(counts) < 2:
        return word
    best = max(counts.values())
    leaders = [sc for sc, n in counts.items() if n == best]
    target = majority if majority in leaders else LATIN if LATIN in leaders else sorted(leaders)[0]
    tables = _TO.get(target, {})
    return "".join(tables.get(char_script(ch) or "", {}).get(ch, ch) for ch in word)


# characters char_script may count as each script (a superset: it also asks isalpha of Latin and Greek)
_MAYBE_SCRIPT = (
    re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
    re.compile("[\u0400-\u052f\u1c80-\u1c8f\ua640-\ua69f]"),
    re.compile("[\u0370-\u03ff\u1f00-\u1fff]"),
)


def map_homoglyphs(text: str) -> str:
    """Replace look-alike letters of a minority script inside mixed-script words (see module doc)."""
    if text.isascii():
        return text
    # both rules need letters of two of the three scripts in the text: most names have one at most
    if sum(1 for script in _MAYBE_SCRIPT if script.search(text)) < 2:
        return text
    return _map_words(text)


def _map_words(text: str) -> str:
    """:func:`map_homoglyphs`, word by word (its answer for any text)."""
    words = text.split(" ")
    per_word = [_counts(w) for w in words]
    total: dict[str, int] = {}
    for c in per_word:
        for sc, n in c.items():
            total[sc] = total.get(sc, 0) + n
    majority = max(sorted(total, key=lambda sc: sc != LATIN), key=lambda sc: total[sc]) if total else None
    latin_words = [set(c) == {LATIN} for c in per_word]
    out = []
    for i, (word, counts) in enumerate(zip(words, per_word, strict=True)):
        if len(counts) > 1:
            word = _fix_word(word, majority)
        elif (
            counts
            and LATIN not in counts
            and any(latin_words)
            and all(latin_words[j] or not per_word[j] for j in range(len(words)) if j != i)
            and all(ch in _ALL_LOOKALIKE for ch in word if ch.isalpha())
        ):
            word = "".join(_CYRL_TO_LATN.get(ch, _GREK_TO_LATN.get(ch, ch)) for ch in word)
        out.append(word)
    return " ".join(out)


def remove_invisible(text: str) -> str:
    """Drop zero-width and other format characters; controls and any space become one plain space."""
    if text.isascii():
        return _SPACES.sub(" ", text) if not text.isprintable() else text
    if not _INVISIBLE_CHARS.isdisjoint(text):
        text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


def clean(text: str) -> str:
    """NFKC, invisibles and controls removed, homoglyphs mapped, spaces collapsed; case kept."""
    if text.isascii():
        if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text
        return _SPACES.sub(" ", text).strip()
    text = unicodedata.normalize("NFKC", remove_invisible(text))
    text = _SPACES.sub(" ", text).strip()
    return map_homoglyphs(text)
