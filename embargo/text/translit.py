"""Any script to lower-case ASCII Latin: ``ascii_fold("Рогозин Дмитрий")`` -> ``"rogozin dmitriy"``.

Each word is cut into runs of one script and each run goes through the romanisation lists actually use:

============  ==================================================================================
Latin         ICU ``Latin-ASCII`` (``Bozizé`` -> ``bozize``, ``ß`` -> ``ss``, ``ø`` -> ``o``)
Cyrillic      ICU BGN/PCGN of the name's language, guessed from its letters: Belarusian (``ў``, or
              ``і`` without ``и``), Ukrainian (``ї є ґ``, or ``і`` with ``и``), Serbian (``ђ ћ џ љ њ
              ј``), Macedonian (``ѓ ќ ѕ``), Kazakh (``ә ғ қ ң ө ұ ү һ``), else Russian; letters
              the table lacks go through ICU ``Any-Latin``
              (``Рогозин Дмитрий Олегович`` -> ``rogozin dmitriy olegovich``). Belarusian ``ў`` is
              written ``u`` as Belarusian passports and the lists do (BGN writes ``w``).
Greek         ICU ``Greek-Latin/UNGEGN`` (ELOT 743, the Greek passport standard)
Arabic,       a table of our own (ICU's ``Arabic-Latin`` writes a consonant skeleton with dotted
Persian,      letters): matres lectionis become vowels (``و`` -> ``u``, ``ي ی`` -> ``i``, ``ا`` -> ``a``;
Urdu          ``w`` / ``y`` at the start of a word or before ``ا``), ``ع`` and hamza are dropped (``a``
              at the start), ``ة`` -> ``a``, the article ``ال`` becomes a word of its own (``al``),
              ``بن ابن بنت ابو الله`` -> ``bin ibn bint abu allah``. Short vowels are not written in the script, so
              the output is a skeleton (``محمد`` -> ``mhmd``): compare it with
              :func:`embargo.text.phonetic.phonetic_key`, which drops vowels on both sides.
Hebrew        ICU ``Hebrew-Latin`` (consonant skeleton as well)
Armenian,     ICU ``Armenian-Latin/BGN``, ``Georgian-Latin/BGN``
Georgian
Hangul        Revised Romanisation, syllable by syllable, one token per syllable (``김정은`` ->
              ``kim jeong eun``); the first syllable of the first Hangul word, when it is a common
              surname, takes its customary spelling from ``name_variants.yml`` (``김`` -> ``kim``,
              ``이`` -> ``lee``, ``박`` -> ``park``).
Kana          a katakana word the Japan MOF list pairs with a Latin spelling takes that spelling
              (``ja_readings.yml``: ``プーチン`` -> ``putin``); else the combinations Japanese writes
              foreign sounds with (``ヴィ`` ``ティ`` ``ファ`` ``シェ``: ``vi ti fa she``), then ICU
              ``Hiragana-Katakana; Katakana-Latin/BGN`` (``やまだ`` -> ``yamada``). In text with kana,
              ``・`` and ``=`` (which join the words of a name written in katakana) separate words.
Han           ICU ``Han-Latin/Names``: Mandarin pinyin, one token per character
              (``金正恩`` -> ``jin zheng en``)
other         ICU ``Any-Latin; Latin-ASCII``
============  ==================================================================================

Limitations: Han characters get their Mandarin reading only. ICU has no Han -> Hangul (Korean reading,
``金正恩`` -> ``김정은`` -> ``kim jeong eun``) nor Han -> Japanese (kanji) reading, and we do not invent
one, so a Korean or Japanese name written in Han characters does not meet its Latin listing through
this layer. Japanese kanji get the Mandarin reading too. Cyrillic language is guessed from letters:
Bulgarian reads as Russian (``щ`` -> ``shch``, not ``sht``), a Serbian name without a Serbian-only
letter as well (``веселинович`` -> ``veselinovich``; the phonetic key meets ``-ic`` and ``-ich``).
Arabic script does not say whether a name is Arabic or Persian: without a Persian letter, ``ض ذ ظ``
read as Arabic ``d dh z``, not Persian ``z`` (``فضل`` -> ``fdl``, listed *Fazal*). Hangul is romanised per syllable, without the sound
changes across syllables that RR writes in running text (names are written that way anyway).

ICU transliterators are built once (they are expensive) and each word's result is cached; the
instances are not meant to be shared across threads.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import icu

from embargo.text._data import load
from embargo.text.normalize import clean

_CYRILLIC_IDS = {
    "ru": "Russian-Latin/BGN",
    "uk": "Ukrainian-Latin/BGN",
    "be": "Belarusian-Latin/BGN",
    "sr": "Serbian-Latin/BGN",
    "mk": "Macedonian-Latin/BGN",
    "kk": "Kazakh-Latin/BGN",
}
_SCRIPT_IDS = {
    "Latn": "Latin-ASCII",
    "Grek": "Greek-Latin/UNGEGN; Latin-ASCII",
    "Hebr": "Hebrew-Latin; Latin-ASCII",
    "Armn": "Armenian-Latin/BGN; Any-Latin; Latin-ASCII",
    "Geor": "Georgian-Latin/BGN; Any-Latin; Latin-ASCII",
    "Kana": "Hiragana-Katakana; Katakana-Latin/BGN; Latin-ASCII",
    "Hani": "Han-Latin/Names; Latin-ASCII",
    "Zyyy": "Any-Latin; Latin-ASCII",
}
_SPACED = {"Hani", "Hang", "Kana"}  # runs of these scripts stand apart from their neighbours

_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"), (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"), (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"), (0x10A0, 0x10FF, "Geor"), (0x1100, 0x11FF, "Hang"),
    (0x1C80, 0x1C8F, "Cyrl"), (0x1C90, 0x1CBF, "Geor"), (0x1E00, 0x1EFF, "Latn"),
    (0x1F00, 0x1FFF, "Grek"), (0x2C60, 0x2C7F, "Latn"), (0x2D00, 0x2D2F, "Geor"),
    (0x2DE0, 0x2DFF, "Cyrl"), (0x3005, 0x3007, "Hani"), (0x3040, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hang"), (0x31F0, 0x31FF, "Kana"), (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"), (0xA640, 0xA69F, "Cyrl"), (0xA720, 0xA7FF, "Latn"),
    (0xA960, 0xA97F, "Hang"), (0xAC00, 0xD7FF, "Hang"), (0xF900, 0xFAFF, "Hani"),
    (0xFB13, 0xFB17, "Armn"), (0xFB1D, 0xFB4F, "Hebr"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"), (0xFF66, 0xFF9F, "Kana"), (0x20000, 0x2FFFF, "Hani"),
)  # fmt: skip

# Arabic script (Arabic, Persian, Urdu letters); see the module doc for the choices.
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ب": "b", "ت": "t",
    "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s",
    "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "u", "ي": "i", "ى": "a", "پ": "p", "چ": "ch",
    "ژ": "zh", "گ": "g", "ک": "k", "ی": "i", "ۀ": "a", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ہ": "h",
    "ھ": "h", "ے": "e", "ۃ": "a", "ڤ": "v", "ڭ": "ng", "ٰ": "a", "َ": "a", "ُ": "u", "ِ": "i",
    "ـ": "",
}  # fmt: skip
_ARABIC.update({chr(0x0660 + i): str(i) for i in range(10)})
_ARABIC.update({chr(0x06F0 + i): str(i) for i in range(10)})
_ARABIC_WORDS = {
    "بن": "bin", "ابن": "ibn", "بنت": "bint", "ابو": "abu", "أبو": "abu", "بو": "bu", "الله": "allah",
}  # fmt: skip
_ARABIC_INITIAL = {"و": "w", "ي": "y", "ی": "y", "ع": "a", "ئ": "i", "ؤ": "u"}
_ALEFS = "اأإآ"

# Revised Romanisation of Korean, per syllable (initial, medial, final jamo).
_RR_L = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_RR_V = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
    "yu", "eu", "ui", "i",
)  # fmt: skip
_RR_T = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t",
    "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip


def script_of(ch: str) -> str | None:
    """ISO 15924 code of the alphabets transliterated here, ``"Zyyy"`` for other letters, else None."""
    cp = ord(ch)
    if cp < 0x250:
        return "Latn" if ch.isalpha() else None
    for lo, hi, code in _RANGES:
        if lo <= cp <= hi:
            if code in ("Latn", "Grek", "Cyrl", "Armn", "Hebr", "Arab", "Geor") and not (
                ch.isalpha() or unicodedata.category(ch) in ("Mn", "Lm")
            ):
                return None if code != "Arab" or ch not in _ARABIC else code
            return code
        if cp < lo:
            break
    return "Zyyy" if ch.isalpha() else None


@lru_cache(maxsize=64)
def transliterator(ident: str) -> Any:
    """A cached ICU transliterator for a compound id (building one takes milliseconds)."""
    return icu.Transliterator.createInstance(ident)


@lru_cache(maxsize=1)
def korean_surnames() -> dict[str, tuple[str, ...]]:
    """Hangul surname -> customary Latin spellings, the first one preferred (``name_variants.yml``)."""
    data = load("name_variants.yml")["korean_surnames"]
    return {str(k): tuple(str(v) for v in vs) for k, vs in data.items()}


def cyrillic_language(text: str) -> str:
    """Guess the Cyrillic language of a name from its letters: ``ru``, ``uk``, ``be``, ``sr``, ``mk``."""
    chars = set(text.lower())
    if "ў" in chars:
        return "be"
    if chars & set("їєґ"):
        return "uk"
    if "і" in chars:
        return "uk" if "и" in chars else "be"
    if chars & set("ђћџљњј"):
        return "sr"
    if chars & set("ѓќѕ"):
        return "mk"
    if chars & set("әғқңөұүһ"):
        return "kk"
    return "ru"


def _hangul(run: str, surname: bool) -> str:
    out = []
    for i, ch in enumerate(run):
        s = ord(ch) - 0xAC00
        if not 0 <= s < 11172:
            out.append(transliterator("Any-Latin; Latin-ASCII").transliterate(ch))
            continue
        if i == 0 and surname and ch in korean_surnames():
            out.append(korean_surnames()[ch][0])
            continue
        lead, vowel, tail = _RR_L[s // 588], _RR_V[(s % 588) // 28], _RR_T[s % 28]
        out.append(lead + vowel + tail)
    return " ".join(out)


def _arabic(run: str) -> str:
    words = []
    for word in run.split():
        if word in _ARABIC_WORDS:
            words.append(_ARABIC_WORDS[word])
            continue
        if word.startswith("ال") and len(word) > 3:
            words.append("al")
            word = word[2:]
        out = []
        for i, ch in enumerate(word):
            nxt = word[i + 1] if i + 1 < len(word) else ""
            if i == 0 and ch in _ARABIC_INITIAL:
                out.append(_ARABIC_INITIAL[ch])
            elif ch == "و" and nxt and nxt in _ALEFS:
                out.append("w")
            elif ch in "يی" and nxt and nxt in _ALEFS:
                out.append("y")
            elif ch == "ّ" and out:  # shadda doubles the consonant
                out.append(out[-1][-1:])
            else:
                out.append(_ARABIC.get(ch, "" if unicodedata.category(ch) == "Mn" else ch))
        words.append("".join(out))
    return " ".join(words)


@lru_cache(maxsize=1)
def kana_readings() -> dict[str, str]:
    """Katakana name word -> the Latin spelling the Japan MOF list pairs it with (``ja_readings.yml``)."""
    data: dict[str, str] = load("ja_readings.yml")["readings"]
    return data


# katakana combinations for sounds Japanese lacks (foreign names); BGN's table leaves their small kana out
_KANA_COMBOS = {
    "ヴァ": "va", "ヴィ": "vi", "ヴェ": "ve", "ヴォ": "vo", "ヴュ": "vyu", "ヴ": "vu", "ティ": "ti", "ディ": "di",
    "トゥ": "tu", "ドゥ": "du", "テュ": "tyu", "デュ": "dyu", "ファ": "fa", "フィ": "fi", "フェ": "fe",
    "フォ": "fo", "フュ": "fyu", "シェ": "she", "ジェ": "je", "チェ": "che", "ウィ": "wi", "ウェ": "we",
    "ウォ": "wo", "ツァ": "tsa", "ツィ": "tsi", "ツェ": "tse", "ツォ": "tso", "イェ": "ye", "クァ": "kwa",
    "クィ": "kwi", "クェ": "kwe", "クォ": "kwo", "グァ": "gwa",
}  # fmt: skip
_KANA_COMBO = re.compile("|".join(sorted(_KANA_COMBOS, key=len, reverse=True)))
_KANA_TEXT = re.compile("[\u3040-\u30ff\uff66-\uff9f]")
_KANA_JOINERS = re.compile("[・゠=]")


def _kana(run: str) -> str:
    reading = kana_readings().get(run)
    if reading is not None:
        return reading
    icu_kana = transliterator(_SCRIPT_IDS["Kana"])
    out, start = [], 0
    for m in _KANA_COMBO.finditer(run):
        out.append(icu_kana.transliterate(run[start : m.start()]))
        out.append(_KANA_COMBOS[m.group(0)])
        start = m.end()
    out.append(icu_kana.transliterate(run[start:]))
    return "".join(out)


def _runs(word: str) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    current, start = None, 0
    for i, ch in enumerate(word):
        sc = script_of(ch)
        if sc is None or sc == current:
            continue
        if current is not None:
            runs.append((current, word[start:i]))
            start = i
        current = sc
    runs.append((current or "Latn", word[start:]))
    return runs


_LEFTOVERS = str.maketrans({"ə": "a", "Ə": "a", "ǝ": "e", "ʻ": "'", "ʼ": "'", "ʹ": "'", "ʺ": "'"})


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_LEFTOVERS))
    return "".join(ch for ch in text if ch.isascii())


@lru_cache(maxsize=1 << 18)
def fold_word(word: str, lang: str = "ru", surname: bool = False) -> str:
    """One space-free word to lower-case ASCII; ``lang`` is the Cyrillic language, ``surname`` marks
    the first Hangul word of a name. May return several space-separated words (Han, Hangul, ``al``)."""
    if word.isascii():
        return word.lower()
    parts: list[str] = []
    for script, run in _runs(word):
        if script == "Hang":
            out = _hangul(run, surname)
        elif script == "Kana":
            out = _kana(run)
        elif script == "Arab":
            out = _arabic(run)
        elif script == "Cyrl":
            if lang == "be":  # Belarusian passports and lists write ў as u, BGN as w
                run = run.replace("ў", "у").replace("Ў", "У")
            ident = f"{_CYRILLIC_IDS.get(lang, _CYRILLIC_IDS['ru'])}; Any-Latin; Latin-ASCII"
            out = transliterator(ident).transliterate(run.lower())
        else:
            out = transliterator(_SCRIPT_IDS.get(script, _SCRIPT_IDS["Zyyy"])).transliterate(run.lower())
        parts.append(f" {out} " if script in _SPACED else out)
    return " ".join(_ascii("".join(parts)).lower().split())


def fold_clean(text: str) -> str:
    """:func:`ascii_fold` for text already passed through :func:`clean`."""
    if text.isascii():
        return text.lower()
    if _KANA_TEXT.search(text):
        text = _KANA_JOINERS.sub(" ", text)
    lang = cyrillic_language(text) if _CYRILLIC.search(text) else "ru"
    first_hangul = _HANGUL.search(text) is not None  # (a word of Hangul first met is a surname)
    out = []
    for word in text.split(" "):
        surname = False
        if first_hangul and _HANGUL.search(word):
            surname, first_hangul = True, False
        out.append(fold_word(word, lang, surname))
    return " ".join(o for o in out if o)


_CYRILLIC = re.compile("[\u0400-\u052f]")
_HANGUL = re.compile("[\uac00-\ud7a3]")


@lru_cache(maxsize=1 << 15)  # names are folded more than once (tokens, then legal forms, roles)
def ascii_fold(text: str) -> str:
    """Any script to lower-case ASCII Latin (see the module doc for the romanisation of each script)."""
    return fold_clean(clean(text))
