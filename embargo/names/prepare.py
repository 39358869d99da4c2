"""Names prepared once for comparison: every token with its role and its keys.

Roles: ``name`` (identifying), ``initial`` (one letter), ``legal`` (legal-form words: "joint",
"stock", "company", "ooo"), ``stop`` (titles, particles, stopwords: "mr", "al", "de"). All tokens
take part in the alignment, so a misspelt or re-ordered legal form still lines up, but only
``name`` tokens weigh fully.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from embargo._native import reduce_frozen
from embargo.text.names import PERSON_SCHEMAS, analyze_tokens, is_patronymic, name_tokens
from embargo.text.phonetic import phonetic_key, token_variants

_VOWELS = frozenset("aeiouy")
_OCR = (
    ("rn", "m"),
    ("vv", "w"),
    ("cl", "d"),
    ("0", "o"),
    ("1", "i"),
    ("l", "i"),
    ("5", "s"),
    ("2", "z"),
    ("8", "b"),
)


def skeleton(token: str) -> str:
    """Consonant skeleton: vowels (and w, h) dropped, doubles collapsed ("mhmmd", "muhammad" -> "mmd"... "mhmd").

    Survives vowel dropping ("MRTNZ" ~ "MARTINEZ") and vowel-less scripts (Arabic "mhmd" ~ "muhammad").
    """
    out: list[str] = []
    for ch in token:
        if ch in _VOWELS:
            continue
        if not out or ch != out[-1]:
            out.append(ch)
    return "".join(out) or token[:1]


def ocr_key(token: str) -> str:
    """The token with characters OCR confuses folded together (rn/m, 0/o, 1/l/i, 5/s, 2/z, 8/b)."""
    for a, b in _OCR:
        token = token.replace(a, b)
    return token


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    phonetic: str
    skeleton: str
    ocr: str
    variants: tuple[str, ...]
    patronymic: bool
    vowelless: (
        bool  # no vowel after the first letter (a "vowel-dropped" spelling, or an abjad transliteration)
    )

    def __init__(
        self,
        text: str,
        phonetic: str,
        skeleton: str,
        ocr: str,
        variants: tuple[str, ...],
        patronymic: bool,
        vowelless: bool,
    ) -> None:  # (a native constructor: see match.types.Contribution)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "phonetic", phonetic)
        object.__setattr__(self, "skeleton", skeleton)
        object.__setattr__(self, "ocr", ocr)
        object.__setattr__(self, "variants", variants)
        object.__setattr__(self, "patronymic", patronymic)
        object.__setattr__(self, "vowelless", vowelless)

    @property
    def initial(self) -> bool:
        return len(self.text) == 1

    def __reduce__(self) -> tuple[type[Token], tuple[Any, ...]]:
        return reduce_frozen(self)


@lru_cache(maxsize=300_000)
def prepare_token(text: str) -> Token:
    return Token(
        text,
        phonetic_key(text),
        skeleton(text),
        ocr_key(text),
        token_variants(text),
        is_patronymic(text),
        vowelless(text),
    )


def vowelless(text: str) -> bool:
    """No vowel after the first letter: a "vowel-dropped" spelling, or an abjad transliteration."""
    return len(text) >= 2 and not any(ch in "aeiou" for ch in text[1:])


@dataclass(frozen=True, slots=True)
class PreparedName:
    original: str
    tokens: tuple[Token, ...]
    roles: tuple[str, ...]  # per token: name | initial | legal | stop
    legal_forms: tuple[str, ...]
    org_hint: bool
    syllabic: bool = False  # written in Han, Hangul or kana: each token is a syllable, not typed Latin
    texts: frozenset[str] = frozenset()  # the token texts
    joined: tuple[str, ...] = ()  # each two adjacent tokens written together ("iv anovich" -> "ivanovich")
    abjad: bool = False  # written in Arabic or Hebrew script: short vowels were never written

    def __init__(
        self,
        original: str,
        tokens: tuple[Token, ...],
        roles: tuple[str, ...],
        legal_forms: tuple[str, ...],
        org_hint: bool,
        syllabic: bool = False,
        texts: frozenset[str] = frozenset(),
        joined: tuple[str, ...] = (),
        abjad: bool = False,
    ) -> None:  # (a native constructor: see match.types.Contribution)
        object.__setattr__(self, "original", original)
        object.__setattr__(self, "tokens", tokens)
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "legal_forms", legal_forms)
        object.__setattr__(self, "org_hint", org_hint)
        object.__setattr__(self, "syllabic", syllabic)
        object.__setattr__(self, "texts", texts)
        object.__setattr__(self, "joined", joined)
        object.__setattr__(self, "abjad", abjad)

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)

    def name_tokens(self) -> list[Token]:
        return [t for t, r in zip(self.tokens, self.roles, strict=True) if r == "name"]

    def __reduce__(self) -> tuple[type[PreparedName], tuple[Any, ...]]:
        return reduce_frozen(self)


def prepare_name(name: str, schema: str | None = None) -> PreparedName:
    """``name`` prepared for comparison (as a person's name if ``schema`` is a person's: no legal forms)."""
    return _prepare_person(name) if schema in PERSON_SCHEMAS else _prepare_other(name)


# one cache per reading, each keyed by the name alone. A cache keyed by (name, schema) tuples holds nothing
# the collector tracks once those tuples are old, so a collection stops tracking its dict; the next name's
# new tuple has it tracked again, as a young object, and the next collection of young objects walks all its
# entries (the ~70,000 names an index prepared: ~3 ms, after every gc.freeze() and more). A dict of strings
# to the cache's links is never tracked. (50,000 names each: 100,000 in all, as the one cache held.)
@lru_cache(maxsize=50_000)
def _prepare_person(name: str) -> PreparedName:
    return _prepare(name, "Person")


@lru_cache(maxsize=50_000)
def _prepare_other(name: str) -> PreparedName:
    return _prepare(name, None)


def _prepare(name: str, schema: str | None) -> PreparedName:
    written = name_tokens(name)
    parts = analyze_tokens(written, schema)
    pool = {"name": list(parts.tokens), "initial": list(parts.initials), "stop": list(parts.stop)}
    tokens: list[Token] = []
    roles: list[str] = []
    for text in written:
        role = "legal"
        for r in ("name", "initial", "stop"):
            if text in pool[r]:
                pool[r].remove(text)
                role = r
                break
        if role == "legal" and len(text) == 1:
            role = "initial"
        tokens.append(prepare_token(text))
        roles.append(role)
    # tokens analyze_name found that the plain tokenizer did not (it should not happen): keep them
    for r in ("name", "initial"):
        for text in pool[r]:
            tokens.append(prepare_token(text))
            roles.append(r)
    plain = name.isascii()  # (no letter of either kind: most names, spared a call per character)
    syllabic = not plain and _SYLLABIC.search(name) is not None
    abjad = not plain and _ABJAD.search(name) is not None
    texts = [t.text for t in tokens]
    joined = tuple(a + b for a, b in pairwise(texts) if len(a + b) >= 3)
    return PreparedName(
        name,
        tuple(tokens),
        tuple(roles),
        tuple(parts.legal_forms),
        bool(parts.is_org_hint),
        syllabic,
        frozenset(texts),
        joined,
        abjad,
    )


# Han, Hangul, Hiragana, Katakana: scripts whose romanised tokens are whole syllables
SYLLABIC_RANGES = (
    (0x3040, 0x30FF),  # kana
    (0x3400, 0x9FFF),  # CJK unified ideographs (+ extension A)
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0x1100, 0x11FF),  # Hangul jamo
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
)
# Arabic (with Persian and Urdu letters) and Hebrew: scripts that leave short vowels unwritten
ABJAD_RANGES = ((0x0590, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


def _char_class(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    """An expression that finds a character of any of ``ranges`` (first and last code point of each)."""
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


_SYLLABIC = _char_class(SYLLABIC_RANGES)
_ABJAD = _char_class(ABJAD_RANGES)
