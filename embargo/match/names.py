"""Name comparison: token alignment with explained per-token similarity.

Two names are compared token by token (any order): each query token is paired with at most one
list token, best pairs first. A pair's similarity says *how* the tokens met (exact, variant, edit,
ocr, phonetic, prefix, skeleton, initial, joined). The name score weighs how much of the query
is covered by the list name and how much of the list name is covered by the query; tokens weigh
by role (legal-form words and particles little) and by rarity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import OSA, Levenshtein

from embargo._native import reduce_frozen
from embargo.names.prepare import PreparedName, Token, prepare_token, skeleton
from embargo.names.views import flat as _flat
from embargo.names.views import name_view as name_view


@dataclass(frozen=True)
class NameParams:
    """The constants of one algorithm version (never edited once released)."""

    exact: float = 1.0
    variant: float = 0.95
    ocr: float = 0.9  # equal once OCR confusions (rn/m, 0/o, l/i ...) are folded
    edit_cost: float = 0.6  # similarity lost per edit, spread over the longer token's length (>= 6 letters)
    short_edit: float = 0.72  # one edit in a token of 4-5 letters
    tiny_edit: float = 0.55  # one edit in a token of 2-3 letters
    phonetic: float = 0.6  # same phonetic key (tokens of 4+ letters): this, plus spread x string similarity
    phonetic_spread: float = 0.3
    skeleton_long: float = (
        0.9  # a vowel-less query token whose consonants equal the listed token's (3+ consonants)
    )
    skeleton_short: float = 0.78  # ... 2 consonants
    prefix: float = 0.85  # truncated: the query token starts the listed token
    cut_name: float = 0.85  # the whole query is the listed name's beginning, cut short (12+ letters)
    legal_conflict_penalty: float = 0.06  # both names carry a legal form the other lacks
    initial: float = 0.75
    joined: float = 0.95  # two adjacent tokens written as one (or one split in two)
    query_weight_person: float = 0.6  # share of query coverage in the name score, listed person
    query_weight_other: float = (
        0.55  # ... listed organisation, vessel, aircraft (a missing word matters more)
    )
    patronymic_weight: float = 0.5  # a patronymic (either side) counts this much of a name word
    conflict_penalty: float = 0.6  # person: both names have a word the other lacks (x the smaller share)
    extra_word_penalty: float = (
        0.5  # organisation etc.: the query has a word the listed name lacks (x its share)
    )
    subset_factor: float = 0.95  # person: every listed word found in a longer query name (x list coverage)
    subset_min_letters: int = 8  # ... when the listed words found have at least this many letters
    subset_min_similarity: float = 0.75  # ... and each was found at least this well
    # --- added in embargo-v2 (the defaults keep embargo-v1's behaviour) ---
    phonetic_min_similarity: float = 0.0  # v2: a phonetic match needs this much letter similarity too
    abjad_joins: bool = False  # join "al"+word / two words whose letters, vowels aside, spell a listed word
    abjad_letters: float = 0.0  # Arabic-script name: consonants equal once d/dh/z, w/v, q/k are folded
    strict_consonants: bool = False  # v2: consonant-only evidence (skeleton, vowels dropped) needs a
    # query with at most one vowel left, keeps a leading vowel, and never makes an article ("al") a name
    # --- added in embargo-v5 ---
    subset_syllabic: bool = True  # v5 False: no subset rule where a name was written in Han, Hangul or kana
    # (a Chinese or Korean name has one given name: a query's extra syllables are another person's name)
    role_weight: tuple[tuple[str, float], ...] = (
        ("name", 1.0),
        ("initial", 0.5),
        ("legal", 0.2),
        ("stop", 0.3),
    )

    def __reduce__(self) -> tuple[type[NameParams], tuple[Any, ...]]:
        return reduce_frozen(self)


def token_similarity(
    q: Token, c: Token, p: NameParams, last: bool = False, syllabic: bool = False, abjad: bool = False
) -> tuple[float, str]:
    """How similar two tokens are, and how they met. ``last``: q ends the query (it may be truncated);
    ``syllabic``: one name was written in Han/Hangul/kana, so a short token is a whole syllable and a
    one-letter difference is another syllable, not a typo; ``abjad``: one name was written in Arabic
    script, whose letters several romanisations spell differently (d/dh/z, w/v, q/k).

    With the compiled core, ``_align.c``'s ``similarity`` computes this for every pair C scores, and this
    function only for the pairs of names whose adjacent words are read as one (``_compare``); it is also
    the test oracle of the C (``tests/match/test_compiled_align.py``) and the interpreted fallback."""
    if q.text == c.text:
        return p.exact, "exact"
    if q.initial or c.initial:
        if q.text[0] == c.text[0]:
            return p.initial, "initial"
        return 0.0, ""
    if q.variants and c.variants and any(v in c.variants for v in q.variants):
        return p.variant, "variant"
    if syllabic and min(len(q.text), len(c.text)) <= 4:
        return 0.0, ""
    if q.ocr == c.ocr:
        return p.ocr, "ocr"
    # consonant-only evidence (embargo-v2 asks more of it: see _consonants_may_meet)
    if (q.vowelless or c.vowelless) and q.skeleton == c.skeleton and len(q.skeleton) >= 2:
        if not p.strict_consonants or _consonants_may_meet(q.text, c.text):
            return (p.skeleton_long if len(q.skeleton) >= 3 else p.skeleton_short), "skeleton"
    elif (
        len(q.text) >= 2
        and _drops_vowels(q.text, c.text)
        and (not p.strict_consonants or _consonants_may_meet(q.text, c.text))
    ):
        return (p.skeleton_long if len(q.text) >= 3 else p.skeleton_short), "vowels dropped"
    longest = max(len(q.text), len(c.text))
    shortest = min(len(q.text), len(c.text))
    if longest >= 6:
        allowed = 1 if longest <= 8 else 2 if longest <= 13 else 3
        d = OSA.distance(q.text, c.text, score_cutoff=allowed)
        if d <= allowed:
            return 1.0 - p.edit_cost * d / longest, f"edit{d}"
    elif shortest >= 2 and OSA.distance(q.text, c.text, score_cutoff=1) <= 1:
        return (p.short_edit if longest >= 4 else p.tiny_edit), "edit1"
    if q.phonetic and q.phonetic == c.phonetic and shortest >= 4:
        letters = Levenshtein.normalized_similarity(q.text, c.text)
        if letters >= p.phonetic_min_similarity:
            return p.phonetic + p.phonetic_spread * letters, "phonetic"
    if (
        abjad
        and p.abjad_letters
        and len(q.text) >= 3
        and (not p.strict_consonants or _consonants_may_meet(q.text, c.text))
        and _abjad_same(q, c)
    ):
        return p.abjad_letters, "arabic letters"
    if (
        (len(q.text) >= 3 or (last and len(q.text) >= 2))
        and len(q.text) < len(c.text)
        and c.text.startswith(q.text)
    ):
        return p.prefix, "prefix"
    return 0.0, ""


@dataclass(frozen=True)
class TokenPair:
    query: str
    listed: str
    similarity: float
    how: str

    def __reduce__(self) -> tuple[type[TokenPair], tuple[Any, ...]]:
        return reduce_frozen(self)


@dataclass(frozen=True)
class NameScore:
    score: float
    query_coverage: float
    list_coverage: float
    pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_list: tuple[str, ...]

    def __reduce__(self) -> tuple[type[NameScore], tuple[Any, ...]]:
        return reduce_frozen(self)


_VOWELS = frozenset("aeiouy")
_MEMO_MAX = 50_000  # query tokens remembered (with the listed tokens each met); cleared when full
_ALIGN_MEMO_MAX = 1 << 20  # token pairs the compiled scoring's memo remembers (32 bytes each, twice over)


class _Met:
    """How two tokens met, as the memo keeps it: most pairs do not meet, and share one ``_APART``. (A tuple
    would do, but compiled, each would be a new tuple and a new float: 80 bytes a pair, 130 MB for the
    1.5M pairs 30k queries leave in the memo.)"""

    __slots__ = ("how", "similarity")

    def __init__(self, similarity: float, how: str) -> None:
        self.similarity = similarity
        self.how = how


_APART = _Met(0.0, "")


class _Memo:
    """Token pairs recur across candidates and queries: their similarity, remembered per parameter set.
    A row per query token and way of comparing (``_flags``): the listed tokens it met, by text."""

    __slots__ = ("rows", "size")

    def __init__(self) -> None:
        self.rows: list[dict[str, dict[str, _Met]]] = [{} for _ in range(8)]
        self.size = 0  # rows in all

    def clear(self) -> None:
        for table in self.rows:
            table.clear()
        self.size = 0


_MEMO: dict[int, _Memo] = {}


def _flags(last: bool, syllabic: bool, letters: bool) -> int:
    """The arguments of ``token_similarity`` besides the two tokens, as an index of ``_Memo.rows``."""
    return (1 if last else 0) | (2 if syllabic else 0) | (4 if letters else 0)


def _drops_vowels(short: str, long: str) -> bool:
    """``short`` is ``long`` with some of its vowels left out ("mra" / "maria", "dvlpmnt" / "development")."""
    if len(short) >= len(long) or (short[:1] != long[:1] and long[:1] not in _VOWELS):
        return False  # (the loop below would stop at the first letter)
    i = 0
    for ch in long:
        if i < len(short) and ch == short[i]:
            i += 1
        elif ch not in _VOWELS:
            return False
    return i == len(short)


_ABJAD_FOLD = (("dh", "d"), ("th", "t"), ("z", "d"), ("w", "v"), ("q", "k"))


def _abjad_fold(text: str) -> str:
    for a, b in _ABJAD_FOLD:
        text = text.replace(a, b)
    return text


def _abjad_same(q: Token, c: Token) -> bool:
    """Tokens of an Arabic-script name that differ only by how letters romanise (ض d/dh/z, و w/v, ق q/k) and
    by vowels left unwritten: "fdl" ~ "fazal", "wli" ~ "vali"."""
    a, b = _abjad_fold(q.text), _abjad_fold(c.text)
    if a == b or _drops_vowels(a, b):
        return True
    return (q.vowelless or c.vowelless) and len(a) >= 3 and skeleton(a) == skeleton(b)


def _consonants_may_meet(q: str, c: str) -> bool:
    """Whether consonant-only evidence may tie query token ``q`` to listed token ``c``: "hsn" ~ "hasan" and
    "cma" ~ "cima" may; "kara" ~ "kayiira" (the query kept its vowels), "ahmd" ~ "hammud" (a leading vowel
    is a letter: alif) and "al" ~ "ali" (the article) may not."""
    if q in _ARTICLES and c not in _ARTICLES:
        return False
    if q[0] in _VOWELS and c[0] not in _VOWELS:
        return False
    return sum(ch in "aeiou" for ch in q) <= 1


def _upper_bound(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    rarity: Callable[[str], float] | None,
    listed_schema: str,
    cands: list[tuple[float, int, int, str]],
    prefix: float,
) -> float:
    """An upper bound of the score of ``q`` and ``c`` (no joined words) from their token similarities
    ``cands`` (-similarity, i, j, how) and ``_in_order_prefix(q, c)``: every word met at its best, no
    penalty. Infinite where a query word may meet a legal-form word (that lowers the word's weight, and
    the bound would not hold)."""
    qr, cr = q.roles, c.roles
    best_q = [0.0] * len(q.tokens)
    best_c = [0.0] * len(c.tokens)
    for neg, i, j, _ in cands:
        if cr[j] != "name" and qr[i] == "name":
            return math.inf
        sim = -neg
        if sim > best_q[i]:
            best_q[i] = sim
        if sim > best_c[j]:
            best_c[j] = sim
    qw, cw = _weights(q, p, rarity), _weights(c, p, rarity)
    q_cov = _coverage(qw, best_q, _sum(qw) or 1.0)
    c_cov = _coverage(cw, best_c, _sum(cw) or 1.0)
    if listed_schema == "Person":
        share = p.query_weight_person
        bound = share * q_cov + (1 - share) * c_cov
        if p.subset_syllabic or not (q.syllabic or c.syllabic):
            bound = max(bound, p.subset_factor * c_cov)
    else:
        share = p.query_weight_other
        bound = share * q_cov + (1 - share) * c_cov
    if prefix:
        bound = max(bound, p.cut_name)
    return bound


def _sum(weights: Sequence[float]) -> float:
    """``sum(weights, 0.0)``, written out (compiled, a loop over floats beats the builtin's generic one)."""
    total = 0.0
    for w in weights:
        total += w
    return total


def _coverage(weights: Sequence[float], sims: list[float], total: float) -> float:
    """How much of a name its tokens' similarities cover, weighted: sum(w x s) / total, in token order
    (``total``: ``_sum(weights) or 1.0``)."""
    covered = 0.0
    for k in range(len(sims)):
        covered += weights[k] * sims[k]
    return covered / total


def _in_order_prefix(q: PreparedName, c: PreparedName) -> float:
    """Similarity when the query is the listed name cut short (a field-length limit): the query's tokens
    are the listed name's first tokens, in order, the last one possibly cut. 0 when it is not."""
    qt, ct = q.tokens, c.tokens
    if len(qt) < 2 or len(qt) >= len(ct):
        return 0.0
    for k, a in enumerate(qt):
        b = ct[k]
        if a.text == b.text:
            continue
        if k == len(qt) - 1 and len(a.text) >= 1 and b.text.startswith(a.text):
            continue
        return 0.0
    if not any(r == "name" for r in q.roles) or sum(len(t.text) for t in qt) < 12:
        return 0.0
    return 1.0


_SUN_LETTERS = frozenset("tdrzsnl")  # "al" before these assimilates: al-sa'di -> as-sa'di, essaadi
_ARTICLES = frozenset({"al", "el"})


def _join_forms(x: str, y: str) -> list[str]:
    """Ways two adjacent tokens of an Arabic-script name may be written as one: "arlni"+"zadh", and with
    the article assimilated ("al"+"sdi" -> "ssdi", as in "essaadi")."""
    forms = [x + y]
    if x in _ARTICLES and y[:1] in _SUN_LETTERS:
        forms.append(y[0] + y)
    return forms


def _join_adjacent(
    a: list[Token], a_roles: list[str], b: list[Token], abjad: bool = False
) -> tuple[list[Token], list[str], list[tuple[str, str]]]:
    """Join two adjacent tokens of ``a`` when together they spell a token of ``b`` ("iv anovich", "ha ssan").
    ``abjad`` (embargo-v2, an Arabic-script name): also when they spell it with vowels left out, or with
    the article assimilated ("arlni zadh" ~ "arlanizadeh", "al sdi" ~ "essaadi")."""
    targets = {t.text for t in b if len(t.text) >= 3}
    if not targets:
        return a, a_roles, []
    out: list[Token] = []
    roles: list[str] = []
    joins: list[tuple[str, str]] = []
    i = 0
    while i < len(a):
        if i + 1 < len(a) and a[i].text not in targets and a[i + 1].text not in targets:
            joined = a[i].text + a[i + 1].text
            if abjad:
                joined = next(
                    (
                        f
                        for f in _join_forms(a[i].text, a[i + 1].text)
                        if f in targets or (len(f) >= 4 and any(_drops_vowels(f, t) for t in targets))
                    ),
                    "",
                )
            if joined in targets or (abjad and joined):
                out.append(prepare_token(joined))
                roles.append("name" if "name" in (a_roles[i], a_roles[i + 1]) else a_roles[i])
                joins.append((f"{a[i].text} {a[i + 1].text}", joined))
                i += 2
                continue
        out.append(a[i])
        roles.append(a_roles[i])
        i += 1
    return out, roles, joins


def compare_names(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    rarity: Callable[[str], float] | None = None,
    listed_schema: str = "Person",
    listed_view: Any = None,
) -> NameScore:
    """Align tokens greedily (best pairs first) and weigh coverage of both names; explained.
    ``listed_view``: ``name_view(c, rarity)``, if the caller keeps it."""
    score, q_cov, c_cov, pairs, un_q, un_c = explain_names(q, c, p, rarity, listed_schema, listed_view)
    return NameScore(score, q_cov, c_cov, tuple([TokenPair(*t) for t in pairs]), un_q, un_c)


# compare_names as plain values: score, coverages, pairs (query token, listed token, similarity, how) in
# query order, the tokens of either name left unmatched
Explained = tuple[float, float, float, list[tuple[str, str, float, str]], tuple[str, ...], tuple[str, ...]]


def explain_names(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    rarity: Callable[[str], float] | None = None,
    listed_schema: str = "Person",
    listed_view: Any = None,
    query_view: Any = None,
) -> Explained:
    """:func:`compare_names` without making its objects (an explanation's text needs only the values)."""
    aligned: Any = None
    joined: _Joined | None = None
    if _align is not None and q.tokens and c.tokens:
        aligned = _aligned(q, c, p, rarity, listed_schema, 0.0, True, listed_view, True, query_view)
        if aligned is None:
            aligned, joined = _unless_joined(
                q, c, p, rarity, listed_schema, 0.0, True, listed_view, query_view
            )
    if aligned is not None:
        score, q_cov, c_cov, met = aligned
        used_q, used_c = {m[0] for m in met}, {m[1] for m in met}
        return (
            score,
            q_cov,
            c_cov,
            [(q.tokens[i].text, c.tokens[j].text, sim, how) for i, j, sim, how in sorted(met)],
            tuple([t.text for i, t in enumerate(q.tokens) if i not in used_q]),
            tuple([t.text for j, t in enumerate(c.tokens) if j not in used_c]),
        )
    ns = _compare(q, c, p, rarity, listed_schema, True, 0.0, joined)
    assert isinstance(ns, NameScore)
    pairs = [(t.query, t.listed, t.similarity, t.how) for t in ns.pairs]
    return ns.score, ns.query_coverage, ns.list_coverage, pairs, ns.unmatched_query, ns.unmatched_list


def name_score(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    rarity: Callable[[str], float] | None = None,
    listed_schema: str = "Person",
    at_least: float = 0.0,
    listed_view: Any = None,
    query_view: Any = None,
) -> float:
    """The score of :func:`compare_names` alone (the same computation, no explanation built).
    ``at_least``: the caller only needs scores this high; a pair that cannot reach it may return an
    upper bound of its score instead (below ``at_least``). ``listed_view``, ``query_view``: ``name_view`` of
    ``c`` and ``q`` (with ``rarity``), if the caller keeps them."""
    if not q.tokens or not c.tokens:
        return 0.0
    joined: _Joined | None = None
    if _align is not None:
        aligned: float | None = _aligned(
            q, c, p, rarity, listed_schema, at_least, False, listed_view, True, query_view
        )
        if aligned is None:
            aligned, joined = _unless_joined(
                q, c, p, rarity, listed_schema, at_least, False, listed_view, query_view
            )
        if aligned is not None:
            return aligned
    score = _compare(q, c, p, rarity, listed_schema, False, at_least, joined)
    assert isinstance(score, float)
    return score


def _aligned(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    rarity: Callable[[str], float] | None,
    listed_schema: str,
    at_least: float,
    explain: bool,
    listed_view: Any,
    may_join: bool,
    query_view: Any = None,
) -> Any:
    """``_align.score`` of two names; None if ``may_join`` and adjacent words may be read as one (``_compare``
    then joins them; where it joins none, the same score is this one's without ``may_join``)."""
    return _align.score(
        _align_params(p),
        query_view if query_view is not None else _view(q, rarity),
        listed_view if listed_view is not None else _view(c, rarity),
        q.tokens,
        c.tokens,
        listed_schema == "Person",
        at_least,
        explain,
        may_join,
    )


def _unless_joined(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    rarity: Callable[[str], float] | None,
    listed_schema: str,
    at_least: float,
    explain: bool,
    listed_view: Any,
    query_view: Any,
) -> tuple[Any, _Joined]:
    """Where ``_aligned`` found that adjacent words may be read as one: the join step, with the compiled
    scoring's answer if the step joins none, or None if it joins some (``_compare`` scores those)."""
    step = _join_step(q, c, p)
    if step[2] or step[5]:
        return None, step
    return _aligned(q, c, p, rarity, listed_schema, at_least, explain, listed_view, False, query_view), step


try:  # the score of two names in C where no two adjacent words may be read as one (see _align.c)
    from embargo.match import _align as _align
except ImportError:  # no compiled core (not built, or EMBARGO_NATIVE=0): _compare scores every pair
    _align = None  # type: ignore[assignment]

_ALIGN_PARAMS: dict[int, tuple[NameParams, _align.Params]] = {}


def _align_params(p: NameParams) -> _align.Params:
    """``_align.Params`` of ``p``, which reads its fields by name (made once; it keeps the compiled scoring's
    memo)."""
    hit = _ALIGN_PARAMS.get(id(p))
    if hit is None or hit[0] is not p:
        hit = _ALIGN_PARAMS[id(p)] = (p, _align.Params(p, _ALIGN_MEMO_MAX))
    return hit[1]


def compiled_scoring(p: NameParams) -> tuple[Any, Any, Any] | None:
    """``(_align.score, _align_params(p), _align.best_many)``, or None without the compiled core: for a caller
    that scores many pairs of names it has the views of (``name_score``'s steps, less its checks, per pair;
    the tokens may be given as None, None). Where the scoring answers None (adjacent words may be read as
    one), ``name_score`` has the score. ``_align.best_many`` ranks the names of many candidates in one call
    (see ``algorithm.rank_scores``)."""
    return (_align.score, _align_params(p), _align.best_many) if _align is not None else None


# views of the names scored lately (query names, listed names whose index keeps none), as _WEIGHTS
_VIEWS: dict[int, tuple[PreparedName, Callable[[str], float] | None, Any]] = {}


def _view(name: PreparedName, rarity: Callable[[str], float] | None) -> Any:
    hit = _VIEWS.get(id(name))
    if hit is not None and hit[0] is name and hit[1] is rarity:
        return hit[2]
    if len(_VIEWS) >= _WEIGHTS_MAX:
        _VIEWS.clear()
    view = name_view(name, rarity)
    _VIEWS[id(name)] = (name, rarity, view)
    return view


# both names' tokens and roles once adjacent words read as one were joined, with the joins of each side
_Joined = tuple[
    Sequence[Token],
    Sequence[str],
    list[tuple[str, str]],
    Sequence[Token],
    Sequence[str],
    list[tuple[str, str]],
]


def _join_step(q: PreparedName, c: PreparedName, p: NameParams) -> _Joined:
    """Two adjacent tokens written as one on the other side: join them (cheap test first)."""
    abjad = p.abjad_joins and q.abjad and len(q.tokens) > 1
    qt: Sequence[Token]
    ct: Sequence[Token]
    qr: Sequence[str]
    cr: Sequence[str]
    if abjad or any(j in c.texts for j in q.joined):
        qt, qr, q_joins = _join_adjacent(list(q.tokens), list(q.roles), list(c.tokens), abjad)
    else:
        qt, qr, q_joins = q.tokens, q.roles, []
    if any(j in q.texts for j in c.joined) or q_joins:
        ct, cr, c_joins = _join_adjacent(list(c.tokens), list(c.roles), list(qt))
    else:
        ct, cr, c_joins = c.tokens, c.roles, []
    return qt, qr, q_joins, ct, cr, c_joins


def _compare(
    q: PreparedName,
    c: PreparedName,
    p: NameParams,
    rarity: Callable[[str], float] | None,
    listed_schema: str,
    explain: bool,
    at_least: float = 0.0,
    step: _Joined | None = None,
) -> NameScore | float:
    """The score of two names: tokens aligned best pair first, coverage of both names, penalties; explained
    if ``explain``. ``step``: ``_join_step(q, c, p)``, if the caller made it.

    With the compiled core this scores only the pairs of names whose adjacent words are read as one (``_align``
    declines those: the one implementation of that step); every other pair is ``_align.score``'s, and this
    is its test oracle (``tests/match/test_compiled_align.py``: the same float, bit for bit) and the
    interpreted fallback."""
    if not q.tokens or not c.tokens:
        return NameScore(0.0, 0.0, 0.0, (), tuple(t.text for t in q.tokens), tuple(t.text for t in c.tokens))
    qt, qr, q_joins, ct, cr, c_joins = step if step is not None else _join_step(q, c, p)
    last = len(qt) - 1
    cands: list[tuple[float, int, int, str]] = []
    syllabic = q.syllabic or c.syllabic
    letters = bool(p.abjad_letters) and (q.abjad or c.abjad)
    memo = _MEMO.get(id(p))
    if memo is None:
        memo = _MEMO[id(p)] = _Memo()
    if memo.size > _MEMO_MAX:
        memo.clear()
    flags = _flags(False, syllabic, letters)
    for i, a in enumerate(qt):
        is_last = i == last
        # one memo row per query token: the listed tokens it was compared with
        table = memo.rows[flags | 1 if is_last else flags]
        row = table.get(a.text)
        if row is None:
            row = table[a.text] = {}
            memo.size += 1
        for j, b in enumerate(ct):
            met = row.get(b.text)
            if met is None:
                sim, how = token_similarity(a, b, p, is_last, syllabic, letters)
                met = row[b.text] = _Met(sim, how) if sim > 0 else _APART
            if met.similarity > 0:
                cands.append((-met.similarity, i, j, met.how))
    prefix = _in_order_prefix(q, c)
    if at_least > 0.0 and not q_joins and not c_joins:
        bound = _upper_bound(q, c, p, rarity, listed_schema, cands, prefix)
        if bound + 1e-9 < at_least:
            return bound
    cands.sort()  # best first; (i, j) are unique, so this is the order of (-similarity, i, j)
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[tuple[int, int, float, str]] = []
    for neg, i, j, how in cands:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, -neg, how))
    qw = list(_weights(q, p, rarity) if not q_joins else _token_weights(qt, qr, p, rarity))
    cw = _weights(c, p, rarity) if not c_joins else _token_weights(ct, cr, p, rarity)
    q_sim = [0.0] * len(qt)
    c_sim = [0.0] * len(ct)
    for i, j, s, _ in pairs:
        q_sim[i] = s
        c_sim[j] = s
        # a query word matched to a listed legal-form word weighs no more than that word
        if cr[j] != "name" and qr[i] == "name":
            qw[i] = min(qw[i], cw[j])
    q_total, c_total = _sum(qw) or 1.0, _sum(cw) or 1.0
    q_cov, c_cov = _coverage(qw, q_sim, q_total), _coverage(cw, c_sim, c_total)
    # a query of nothing but legal-form words and particles identifies no one
    if not any(r == "name" for r in qr) or not any(
        qr[i] == "name" or cr[j] == "name" for i, j, _, _ in pairs
    ):
        q_cov *= 0.5
    share = p.query_weight_person if listed_schema == "Person" else p.query_weight_other
    score = share * q_cov + (1 - share) * c_cov
    # words one side has and the other lacks: evidence of a different party
    uq = _sum([qw[i] for i in range(len(qt)) if i not in used_q and qr[i] == "name" and not qt[i].patronymic])
    uc = _sum([cw[j] for j in range(len(ct)) if j not in used_c and cr[j] == "name"])
    uq, uc = uq / q_total, uc / c_total
    if listed_schema == "Person":
        found = [(ct[j].text, sim) for _, j, sim, _ in pairs if cr[j] == "name"]
        if (
            uc == 0
            and len(found) >= 2
            and sum(len(t) for t, _ in found) >= p.subset_min_letters
            and min(sim for _, sim in found) >= p.subset_min_similarity
            and (p.subset_syllabic or not syllabic)
        ):
            # a longer query name (full name, nasab, patronymic) that contains the whole listed name
            score = max(score, p.subset_factor * c_cov)
        score -= p.conflict_penalty * min(uq, uc)
    else:
        score -= p.extra_word_penalty * uq
    lq = any(i not in used_q and qr[i] == "legal" for i in range(len(qt)))
    lc = any(j not in used_c and cr[j] == "legal" for j in range(len(ct)))
    if lq and lc:
        score -= p.legal_conflict_penalty
    if prefix:
        score = max(score, p.cut_name)
    score = max(0.0, score)
    if not explain:
        return score
    joined = {b: a for a, b in q_joins} | {b: a for a, b in c_joins}
    token_pairs = tuple(
        TokenPair(
            joined.get(qt[i].text, qt[i].text),
            joined.get(ct[j].text, ct[j].text),
            s,
            how if not (qt[i].text in joined or ct[j].text in joined) else f"joined {how}",
        )
        for i, j, s, how in sorted(pairs)
    )
    un_q = tuple(t.text for i, t in enumerate(qt) if i not in used_q)
    un_c = tuple(t.text for j, t in enumerate(ct) if j not in used_c)
    return NameScore(score, q_cov, c_cov, token_pairs, un_q, un_c)


_ROLE_WEIGHTS: dict[int, tuple[NameParams, dict[str, float]]] = {}


def _role_weights(p: NameParams) -> dict[str, float]:
    hit = _ROLE_WEIGHTS.get(id(p))
    if hit is None or hit[0] is not p:
        hit = _ROLE_WEIGHTS[id(p)] = (p, dict(p.role_weight))
    return hit[1]


def _token_weights(
    tokens: Sequence[Token], roles: Sequence[str], p: NameParams, rarity: Callable[[str], float] | None
) -> list[float]:
    """Per token: its role's weight, times its rarity (name words), halved for a patronymic."""
    role_w = _role_weights(p)
    rare = rarity or _flat
    return [
        role_w[r] * (rare(t.text) if r == "name" else 1.0) * (p.patronymic_weight if t.patronymic else 1.0)
        for t, r in zip(tokens, roles, strict=True)
    ]


# token weights of a prepared name, per (name, parameters, rarity): listed names meet many queries and
# a query name many candidates. Entries hold their keys, so an id is never reused while cached.
_WEIGHTS: dict[int, tuple[PreparedName, NameParams, Callable[[str], float] | None, tuple[float, ...]]] = {}
_WEIGHTS_MAX = 200_000


def _weights(name: PreparedName, p: NameParams, rarity: Callable[[str], float] | None) -> tuple[float, ...]:
    hit = _WEIGHTS.get(id(name))
    if hit is not None and hit[0] is name and hit[1] is p and hit[2] is rarity:
        return hit[3]
    if len(_WEIGHTS) >= _WEIGHTS_MAX:
        _WEIGHTS.clear()
    w = tuple(_token_weights(name.tokens, name.roles, p, rarity))
    _WEIGHTS[id(name)] = (name, p, rarity, w)
    return w
