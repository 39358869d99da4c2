"""How embargo-v3 reads a name written in the Arabic script (Arabic, Persian, Urdu) in Latin letters, with the
vowels the script does not write, to meet its romanised listing.

- Persian and Urdu letters are read as the Arabic ones they write (``ی`` ``ے`` -> ``ي``, ``ک`` -> ``ك``,
  ``ہ`` ``ۀ`` -> ``ه``), the hamza seats on alif as alif, and marks and tatweel are left out;
- name parts written together are read apart: an ``'Abd`` compound and its article (``عبدالرحمن`` ->
  ``عبد الرحمن``), ``ابو`` before an article (``ابوالخير``), a name ending in ``الله`` or ``الدين``
  (``خيرالله`` -> ``خير الله``);
- the article, ``bin``, ``ibn``, ``bint``, ``abu``, ``umm`` and ``allah`` are written as Latin lists write
  them; every other word letter by letter with the Latin chunk (consonant and the vowels after it) that
  ``resources/arabic_letters.yml`` says is written most often for that letter in that place of the word,
  learned from Google's Arabic-Latin name pairs (``scripts/arabic_letters.py``); a letter the table lacks
  (Persian ``پ`` ``چ`` ``ژ`` ``گ``) as :mod:`embargo.text.translit` writes it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from embargo.text._data import load
from embargo.text.translit import ascii_fold

LONG_VOWELS = frozenset("اوي")
_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ی": "ي", "ې": "ي", "ے": "ي", "ۍ": "ي", "ک": "ك", "ڪ": "ك",
     "ہ": "ه", "ە": "ه", "ۀ": "ة", "ۃ": "ة", "ھ": "ه", "ٹ": "ت", "ڈ": "د", "ڑ": "ر", "ں": "ن", "ـ": None}
)  # fmt: skip
_WORDS = {"بن": "bin", "ابن": "ibn", "بنت": "bint", "ابو": "abu", "بو": "bu", "ام": "umm", "الله": "allah"}
_ARTICLE = "ال"
_SUFFIXES = ("الله", "الدين")
_DOUBLE_VOWEL = re.compile(r"([aeiou])\1+")


def normalise_arabic(word: str) -> str:
    """``word`` in the Arabic letters the table is learned on (see the module's docstring)."""
    word = "".join(ch for ch in word if unicodedata.category(ch) != "Mn")
    return word.translate(_FOLD)


_LONG_NAMES = {"ا": "alif", "و": "waw", "ي": "ya"}


def context(word: str, i: int) -> str:
    """Where letter ``i`` of ``word`` stands, as the table tells its chunks apart: ``first``, ``last``,
    ``inner``, with the long-vowel letter after it where there is one (``first_ya``, ``before_waw``)."""
    nxt = _LONG_NAMES.get(word[i + 1], "") if i + 1 < len(word) else ""
    if i == 0:
        return f"first_{nxt}" if nxt else "first"
    if i == len(word) - 1:
        return "last"
    return f"before_{nxt}" if nxt else "inner"


def arabic_script(name: str) -> bool:
    """Whether ``name`` has a letter of the Arabic script."""
    return not name.isascii() and any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in name)


def split_words(word: str) -> list[str]:
    """An Arabic word written with the parts of a name run together, read apart (see the module's docstring);
    ``[word]`` for any other."""
    for head in ("عبد", "ابو"):
        if word.startswith(head + _ARTICLE) and len(word) > len(head) + 3:
            return [head, *split_words(word[len(head) :])]
    for tail in _SUFFIXES:
        if word.endswith(tail) and len(word) > len(tail) + 1 and not word.startswith(_ARTICLE):
            return [word[: -len(tail)], tail]
    return [word]


@lru_cache(maxsize=1)
def _chunks() -> dict[str, dict[str, str]]:
    data = load("arabic_letters.yml")["chunks"]
    return {str(k): {str(c): str(v) for c, v in v.items()} for k, v in data.items()}


def _chunk(letter: str, word: str, i: int) -> str:
    by_context = _chunks().get(letter)
    if not by_context:  # (a letter the pairs hardly have, Persian پ چ ژ گ: as the script is transliterated)
        return ascii_fold(letter)
    ctx = context(word, i)
    for c in (ctx, ctx.split("_")[0] if ctx.startswith("first") else "inner", "inner"):
        if c in by_context:
            return by_context[c]
    return next(iter(by_context.values()))


@lru_cache(maxsize=50_000)
def latin_word(word: str) -> list[str]:
    """One Arabic word in Latin letters, the article written apart (``الكاشف`` -> ``["al", "kashef"]``)."""
    word = normalise_arabic(word)
    if word in _WORDS:
        return [_WORDS[word]]
    out: list[str] = []
    if word.startswith(_ARTICLE) and len(word) > 3:
        out.append("al")
        word = word[2:]
    latin = "".join(_chunk(ch, word, i) for i, ch in enumerate(word) if ch.isalpha())
    latin = _DOUBLE_VOWEL.sub(r"\1", latin)  # a letter's vowel and the long vowel after it: one vowel
    if latin:
        out.append(latin)
    return out


PERSIAN_YE = "ی"
_FINAL_PERSIAN_YE = re.compile(PERSIAN_YE + r"(?=\s|$)")


def latin_readings(name: str) -> list[str]:
    """:func:`latin_reading` of ``name``, and where a word ends in the Persian ye, which Persian and Urdu
    write for both the Arabic ``ي`` (``i``) and ``ى`` (``a``: ``عیسی`` is 'Isa), also with that ye read as
    ``ى``; [] for a name with no Arabic word."""
    first = latin_reading(name) if arabic_script(name) else ""
    if not first:
        return []
    out = [first]
    if _FINAL_PERSIAN_YE.search(name):
        second = latin_reading(_FINAL_PERSIAN_YE.sub("ى", name))
        if second != first:
            out.append(second)
    return out


def latin_reading(name: str) -> str:
    """``name`` (in the Arabic script) in Latin letters, words run together read apart, each word as the
    learned table writes it: ``"عبدالرحمن"`` -> ``"abd al rahman"``; "" for a name with no Arabic word."""
    words: list[str] = []
    for token in name.split():
        if not arabic_script(token):
            words.append(token.lower())
            continue
        for part in split_words(normalise_arabic(token)):
            words.extend(latin_word(part))
    return " ".join(words)


# --- from embargo-v4 on -----------------------------------------------------------------------------------

# the letters Persian and Urdu say as z and s (Arabic d, z and th): "فضل" is Fazl or Fazal, "ذاکر" Zakir,
# "ثابت" Sabit in the names of Iran, Afghanistan and Pakistan as their lists write them
_PERSIAN_SOUNDS = str.maketrans({"ض": "ز", "ظ": "ز", "ذ": "ز", "ث": "س"})


def persian_reading(name: str) -> str:
    """``name`` (in the Arabic script) read in Latin letters as Persian and Urdu say its ``ض ظ ذ ث`` (z, z, z,
    s): ``"فضل رحيم"`` -> ``"fazl rahim"``; "" where it has none of those letters."""
    said = name.translate(_PERSIAN_SOUNDS)
    return latin_reading(said) if said != name else ""


# Egyptian and Sudanese writing leaves the dots off a final ي: "على" is 'Ali there, where Arabic elsewhere
# writes the alif maqsura of "مصطفى" (Mustafa)
_FINAL_MAQSURA = re.compile(r"ى(?=\s|$)")


def egyptian_reading(name: str) -> str:
    """``name`` (in the Arabic script) read in Latin letters with each word's final ``ى`` read as the ``ي``
    Egyptian writing leaves undotted: ``"على"`` -> ``"ali"``; "" where no word ends in ``ى``."""
    return latin_reading(_FINAL_MAQSURA.sub("ي", name)) if _FINAL_MAQSURA.search(name) else ""


# --- from embargo-v5 on -----------------------------------------------------------------------------------

# letters that never join the letter after them: after one of them the gap to the next letter looks like the
# gap between words, and a name written by hand or typed from one is often split there ("ما يشو" for
# "مايشو", Maychou)
_NON_JOINING = frozenset("اأإآدذرزوؤة")
_SHORT_WORD = 2  # letters of a word that may be such a split-off part


def rejoined_reading(name: str) -> str:
    """``name`` (in the Arabic script) in Latin letters with a word of at most two letters that ends in a
    letter that does not join forward (``ا د ذ ر ز و``) written together with the word after it, as one word
    split at that gap: ``"علي ما يشو"`` -> ``"ali maicho"``; "" where there is no such word (the article,
    ``bin``, ``abu`` and the other name particles are words of their own, not split-off parts)."""
    words = [normalise_arabic(w) if arabic_script(w) else w for w in name.split()]
    out: list[str] = []
    changed = False
    i = 0
    while i < len(words):
        w = words[i]
        if (
            i + 1 < len(words)
            and arabic_script(w)
            and arabic_script(words[i + 1])
            and len(w) <= _SHORT_WORD
            and w[-1] in _NON_JOINING
            and w not in _WORDS
            and w != _ARTICLE
        ):
            out.append(w + words[i + 1])
            changed = True
            i += 2
            continue
        out.append(w)
        i += 1
    return latin_reading(" ".join(out)) if changed else ""


def o_reading(name: str) -> str:
    """``name`` (in the Arabic script) in Latin letters with each ``و`` inside or at the end of a word read
    as ``o``, the vowel the table gives the letter before it left out, as Persian, Turkish and Levantine
    spelling write it (``"فوز"`` -> ``"foz"``, ``"محمود"`` -> ``"mahmod"``); "" where no word has one."""
    words: list[str] = []
    changed = False
    for token in name.split():
        if not arabic_script(token):
            words.append(token.lower())
            continue
        for part in split_words(normalise_arabic(token)):
            plain = latin_word(part)
            said = _o_word(part) or plain
            changed = changed or said != plain
            words.extend(said)
    return " ".join(words) if changed else ""


def _o_word(word: str) -> list[str]:
    """One Arabic word as :func:`o_reading` reads it; [] where no ``و`` after its first letter is read."""
    if word in _WORDS or "و" not in word[1:]:
        return []
    out, word = _article_apart(word)
    chunks: list[str] = []
    for i, ch in enumerate(word):
        if not ch.isalpha():
            continue
        if ch == "و" and i > 0 and (i + 1 == len(word) or word[i + 1] not in LONG_VOWELS):
            if chunks:  # (the letter before: its consonant alone)
                chunks[-1] = chunks[-1].rstrip("aeiou") or chunks[-1]
            chunks.append("o")
        else:
            chunks.append(_chunk(ch, word, i))
    return _with_latin(out, chunks)


def _article_apart(word: str) -> tuple[list[str], str]:
    """``(["al"], rest)`` for a word that starts with the article, else ``([], word)``."""
    if word.startswith(_ARTICLE) and len(word) > 3:
        return ["al"], word[2:]
    return [], word


def _with_latin(out: list[str], chunks: list[str]) -> list[str]:
    """``out`` and the word its Latin ``chunks`` spell (a letter's vowel and the long vowel after it: one)."""
    latin = _DOUBLE_VOWEL.sub(r"\1", "".join(chunks))
    return [*out, latin] if latin else out


# the letters only Persian and Urdu write (and their forms of ye and kaf): a name that has one is read the
# Persian way too
_PERSIAN_LETTERS = frozenset("پچژگکیۀ")
# Persian says ض ظ ذ as z, ث as s, and ق as غ (gh: Ghasem, Baghaei); و between letters is v (Mousavi,
# Javad, Alavi), where Arabic says w
_PERSIAN_SAID = str.maketrans({"ض": "ز", "ظ": "ز", "ذ": "ز", "ث": "س", "ق": "غ"})
# the parts of Persian compound given names, written together as often as apart (غلامرضا Gholamreza,
# عباسعلی Abbas-Ali, محمدجواد Mohammad Javad, امیرحسین Amir Hossein)
_PERSIAN_HEADS = ("محمد", "غلام", "امیر", "عباس", "علي")
_PERSIAN_TAILS = ("علي", "رضا")
_HEAD_REST = 3  # letters a compound's other part has at least


def persian_compound(word: str) -> list[str]:
    """A Persian compound given name (in Arabic letters, as :func:`normalise_arabic` writes them) read apart
    (``"غلامرضا"`` -> ``["غلام", "رضا"]``, ``"عباسعلي"`` -> ``["عباس", "علي"]``); ``[word]`` for any other."""
    for head in _PERSIAN_HEADS:
        if word.startswith(head) and len(word) - len(head) >= _HEAD_REST:
            return [head, *persian_compound(word[len(head) :])]
    for tail in _PERSIAN_TAILS:
        if word.endswith(tail) and len(word) - len(tail) >= _HEAD_REST and not word.startswith(_ARTICLE):
            return [word[: -len(tail)], tail]
    return [word]


def persian_reading_v5(name: str) -> str:
    """``name`` read in Latin letters as Persian says it, where it has a letter only Persian or Urdu write:
    ``ض ظ ذ`` as z, ``ث`` as s, ``ق`` as gh, ``و`` between letters as v, and its compound given names read
    apart (``"سید مرتضی موسوی"`` -> ``"sid martzi mousvi"``, ``"عباسعلی"`` -> ``"abas ali"``); "" for
    any other name."""
    if not arabic_script(name) or not any(ch in _PERSIAN_LETTERS for ch in name):
        return ""
    words: list[str] = []
    for token in name.split():
        if not arabic_script(token):
            words.append(token.lower())
            continue
        for part in split_words(normalise_arabic(token.translate(_PERSIAN_SAID))):
            for piece in persian_compound(part):
                words.extend(_persian_word(piece))
    return " ".join(words)


def _says_vowel(word: str, i: int) -> bool:
    """Whether letter ``i`` of ``word`` is a long vowel: an alif, or a waw or ya after a consonant and
    before a consonant or at the end (first, after a vowel or before a vowel letter they are the consonants
    w and y: "وحید" Vahid, "جواد" Javad, "موسوی" Mousavi, "دماوند" Damavand)."""
    if i >= len(word) or word[i] not in LONG_VOWELS:
        return False
    if word[i] == "ا":
        return True
    if i + 1 < len(word) and word[i + 1] in LONG_VOWELS:
        return False
    return i > 0 and not _says_vowel(word, i - 1)


def _persian_word(word: str) -> list[str]:
    """One word as :func:`persian_reading_v5` reads it: as :func:`latin_word`, but a letter before a long
    vowel letter without the vowel the table gives it (the long vowel says it: ``"موسوي"`` -> ``mousavi``,
    not ``maousvi``), and ``w`` as ``v``."""
    if word in _WORDS:
        return [_WORDS[word]]
    out, word = _article_apart(word)
    chunks: list[str] = []
    for i, ch in enumerate(word):
        if not ch.isalpha():
            continue
        chunk = _chunk(ch, word, i)
        if ch not in LONG_VOWELS and _says_vowel(word, i + 1):
            chunk = chunk.rstrip("aeiou") or chunk
        chunks.append(chunk.replace("w", "v"))
    return _with_latin(out, chunks)
