"""Name comparison: token alignment with explained per-token similarity.

Two names are compared token by token (any order): each query token is paired with at most one
list token, best pairs first. A pair's similarity says *how* the tokens met (exact, variant,
edit, phonetic, prefix, skeleton, initial). The name score weighs how much of the query is
covered by the list name and how much of the list name is covered by the query.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from embargo.match.prepare import PreparedName, Token


@dataclass(frozen=True)
class NameParams:
    """The constants of one algorithm version (never edited once released)."""

    exact: float = 1.0
    variant: float = 0.95
    edit_cost: float = 0.6  # similarity lost per edit, spread over the longer token's length
    short_edit1: float = 0.6  # one edit in a token of 2-3 letters
    phonetic: float = 0.6  # same phonetic key: this much, plus phonetic_spread x string similarity
    phonetic_spread: float = 0.3
    skeleton: float = 0.85
    prefix: float = 0.85
    initial: float = 0.75
    query_weight: float = 0.7  # share of query coverage in the name score (the rest: list-name coverage)
    patronymic_weight: float = 0.5  # an unmatched list patronymic counts this much of a token
    compact_min: float = 0.92  # whole-name (spaces removed) similarity to use instead of tokens


@dataclass(frozen=True)
class TokenPair:
    query: str
    listed: str
    similarity: float
    how: str


@dataclass(frozen=True)
class NameScore:
    score: float
    query_coverage: float
    list_coverage: float
    pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_list: tuple[str, ...]
    how: str  # "tokens" | "compact"


def token_similarity(q: Token, c: Token, p: NameParams) -> tuple[float, str]:
    if q.text == c.text:
        return p.exact, "exact"
    if q.initial or c.initial:
        if q.text[0] == c.text[0]:
            return p.initial, "initial"
        return 0.0, ""
    if q.variants and c.variants and set(q.variants) & set(c.variants):
        return p.variant, "variant"
    longest = max(len(q.text), len(c.text))
    if longest >= 4:
        allowed = 1 if longest <= 7 else 2
        d = OSA.distance(q.text, c.text, score_cutoff=allowed)
        if d <= allowed:
            return 1.0 - p.edit_cost * d / longest, f"edit{d}"
    if q.phonetic and q.phonetic == c.phonetic and len(q.text) >= 3 and len(c.text) >= 3:
        return p.phonetic + p.phonetic_spread * Levenshtein.normalized_similarity(q.text, c.text), "phonetic"
    if (
        longest <= 3
        and min(len(q.text), len(c.text)) >= 2
        and OSA.distance(q.text, c.text, score_cutoff=1) <= 1
    ):
        return p.short_edit1, "edit1"
    if len(q.text) >= 3 and len(q.text) < len(c.text) and c.text.startswith(q.text):
        return p.prefix, "prefix"
    if len(q.skeleton) >= 2 and q.skeleton == c.skeleton and (_vowelless(q.text) or _vowelless(c.text)):
        return p.skeleton, "skeleton"
    return 0.0, ""


def _vowelless(text: str) -> bool:
    return not any(ch in "aeiouy" for ch in text[1:])


def compare_names(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    weight_of: dict[str, float] | None = None,
) -> NameScore:
    """Align tokens greedily (best pairs first) and weigh coverage of both names."""
    weights = weight_of or {}
    qt, ct = q.tokens, c.tokens
    if not qt or not ct:
        return NameScore(0.0, 0.0, 0.0, (), tuple(t.text for t in qt), tuple(t.text for t in ct), "tokens")
    cands: list[tuple[float, int, int, str]] = []
    for i, a in enumerate(qt):
        for j, b in enumerate(ct):
            s, how = token_similarity(a, b, p)
            if s > 0:
                cands.append((s, i, j, how))
    cands.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[tuple[int, int, float, str]] = []
    for s, i, j, how in cands:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, s, how))
    q_sim = [0.0] * len(qt)
    c_sim = [0.0] * len(ct)
    for i, j, s, _ in pairs:
        q_sim[i] = s
        c_sim[j] = s
    qw = [weights.get(t.text, 1.0) for t in qt]
    cw = [weights.get(t.text, 1.0) * (p.patronymic_weight if t.patronymic else 1.0) for t in ct]
    q_cov = sum(w * s for w, s in zip(qw, q_sim, strict=True)) / sum(qw)
    c_cov = sum(w * s for w, s in zip(cw, c_sim, strict=True)) / sum(cw)
    score = p.query_weight * q_cov + (1 - p.query_weight) * c_cov
    token_pairs = tuple(TokenPair(qt[i].text, ct[j].text, s, how) for i, j, s, how in sorted(pairs))
    un_q = tuple(t.text for i, t in enumerate(qt) if i not in used_q)
    un_c = tuple(t.text for j, t in enumerate(ct) if j not in used_c)
    return NameScore(score, q_cov, c_cov, token_pairs, un_q, un_c, "tokens")
