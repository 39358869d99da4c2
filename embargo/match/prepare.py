"""Names prepared once for comparison: tokens and their keys (phonetic, consonant skeleton, variant group)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from embargo.text.names import analyze_name, is_patronymic
from embargo.text.phonetic import phonetic_key, token_variants

_VOWELS = frozenset("aeiouy")


def skeleton(token: str) -> str:
    """Consonant skeleton: first letter kept, later vowels (and w/h between letters) dropped, doubles collapsed.

    Survives vowel dropping ("MRTNZ" ~ "MARTINEZ") and vowel-less scripts (Arabic "mhmd" ~ "muhammad").
    """
    if not token:
        return ""
    out = [token[0]]
    for ch in token[1:]:
        if ch in _VOWELS or ch in "wh":
            continue
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    phonetic: str
    skeleton: str
    variants: tuple[str, ...]
    patronymic: bool

    @property
    def initial(self) -> bool:
        return len(self.text) == 1


@lru_cache(maxsize=200_000)
def prepare_token(text: str) -> Token:
    return Token(text, phonetic_key(text), skeleton(text), token_variants(text), is_patronymic(text))


@dataclass(frozen=True, slots=True)
class PreparedName:
    original: str
    tokens: tuple[Token, ...]
    legal_forms: tuple[str, ...]
    org_hint: bool

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


def prepare_name(name: str, schema: str | None = None) -> PreparedName:
    parts = analyze_name(name, schema)
    tokens = tuple(prepare_token(t) for t in (*parts.tokens, *parts.initials))
    return PreparedName(name, tokens, tuple(parts.legal_forms), bool(parts.is_org_hint))
