"""Names as tokens: ``name_tokens("ООО «Ромашка»")`` -> ``["ooo", "romashka"]``; ``analyze_name`` sorts them.

:func:`name_tokens` cleans (:func:`embargo.text.normalize.clean`), folds any script to lower-case
ASCII (:func:`embargo.text.translit.ascii_fold`), drops apostrophes and quotes inside words
(``AL-RUFAY'I`` -> ``al rufayi``), joins dotted abbreviations the legal-form table knows (``S.A.`` ->
``sa``; other dotted letters are initials: ``A.B.`` -> ``a b``) and splits on everything else that is
not a letter or a digit. Order is kept; nothing is removed.

:func:`analyze_name` then separates, in this order: legal forms (:mod:`embargo.text.legal_forms`;
not for ``Person``), titles at the start of the name (``Dr``, ``Sheikh``, ``al-Duktur``; never
the last word), stopwords and name particles (``of``, ``al``, ``bin``, ``de``, ``van``), and single letters
(initials). What is left are the name tokens. Patronymics are flagged, not removed: Slavic ones by
suffix (:func:`is_patronymic`), Arabic and Turkic ones by their marker word (``bin X``,
``X oglu``). Reference words live in ``embargo/resources/stopwords.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from embargo.text._data import load
from embargo.text.legal_forms import dotted_abbreviations, find_legal_forms
from embargo.text.translit import ascii_fold

PERSON_SCHEMAS = frozenset({"Person"})

_QUOTES = re.compile(r"['`\"]+")
_SPLIT = re.compile(r"[^a-z0-9]+")
_DOTTED = re.compile(r"(?<![a-z0-9])[a-z](?:\.[a-z])+\.?(?![a-z0-9])")
# Russian, Ukrainian and Belarusian patronymics in the romanisations lists use (BGN/PCGN, ISO 9 and
# passport styles, French -itch, German -itsch). Bare "-ich" (Ilyich) is left out: too many surnames
# end so (Babich, Kazakevich is caught anyway); Serbo-Croatian "-ovic" surnames are not patronymics.
_PATRONYMIC_ENDINGS = (
    "ovich", "evich", "ovitch", "evitch", "owitsch", "ewitsch", "ovych", "evych", "avich",
    "ovna", "evna", "ivna", "owna", "ewna", "avna", "auna", "euna", "ichna",
)  # fmt: skip
_PATRONYMIC = re.compile(r"^[a-z]{2,}(?:" + "|".join(_PATRONYMIC_ENDINGS) + r")$")


@dataclass(frozen=True)
class NameParts:
    """A name taken apart; every field holds lower-case ASCII tokens in the name's order."""

    tokens: tuple[str, ...]
    """The identifying tokens: no legal form, title, stopword, particle or initial."""
    legal_forms: tuple[str, ...]
    """The canonical class of each legal form found (``llc``, ``jsc``, ``corp``, ``co``...)."""
    stop: tuple[str, ...]
    """Titles, stopwords and particles that were set aside."""
    initials: tuple[str, ...]
    """Single letters."""
    is_org_hint: bool
    """A legal form was found."""
    patronymics: tuple[str, ...] = ()
    """The tokens (among ``tokens``) that are patronymics or fathers' names."""
    legal_texts: tuple[str, ...] = ()
    """The legal forms as written, folded (``obshchestvo s ogranichennoy otvetstvennostyu``)."""

    def __init__(
        self,
        tokens: tuple[str, ...],
        legal_forms: tuple[str, ...],
        stop: tuple[str, ...],
        initials: tuple[str, ...],
        is_org_hint: bool,
        patronymics: tuple[str, ...] = (),
        legal_texts: tuple[str, ...] = (),
    ) -> None:  # (a native constructor: see match.types.Contribution)
        object.__setattr__(self, "tokens", tokens)
        object.__setattr__(self, "legal_forms", legal_forms)
        object.__setattr__(self, "stop", stop)
        object.__setattr__(self, "initials", initials)
        object.__setattr__(self, "is_org_hint", is_org_hint)
        object.__setattr__(self, "patronymics", patronymics)
        object.__setattr__(self, "legal_texts", legal_texts)


@dataclass(frozen=True)
class _Words:
    stop: frozenset[str]
    titles: frozenset[str]
    before: frozenset[str]
    after: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = load("stopwords.yml")

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w) for w in data.get(key, []) if len(str(w)) > 1)

    after = words("patronymic_after")
    return _Words(
        stop=words("stopwords") | words("particles") | words("patronymic_before") | after,
        titles=words("titles"),
        before=words("patronymic_before"),
        after=after,
    )


def is_title(token: str) -> bool:
    """Whether a token (as :func:`name_tokens` writes it) is a title or an honorific ("mr", "dr", "haji")."""
    return token in _words().titles


def _join_dotted(m: re.Match[str]) -> str:
    joined = m.group().replace(".", "")
    return f" {joined} " if joined in dotted_abbreviations() else " " + " ".join(joined) + " "


# the tokens of the names split lately, joined by spaces: reading one query splits each of its names several
# times (its readings, respellings, nicknames, nasab each ask); emptied when full. (Strings, not tuples: a
# dict of strings alone is no container the collector walks, which a dict of tuples would be once a new one
# came in, in every collection of young objects.)
_TOKENS: dict[str, str] = {}
_TOKENS_KEPT = 4096


def name_tokens(name: str) -> list[str]:
    """Normalised lower-case ASCII tokens of a name, split on punctuation; legal forms kept."""
    found = _TOKENS.get(name)
    if found is None:
        found = " ".join(_split_name(name))  # (tokens are of [a-z0-9] alone)
        if len(_TOKENS) >= _TOKENS_KEPT:
            _TOKENS.clear()
        _TOKENS[name] = found
    return found.split()


def _split_name(name: str) -> list[str]:
    """``name_tokens``, not kept."""
    text = ascii_fold(name)
    if "'" in text or '"' in text or "`" in text:
        text = _QUOTES.sub("", text)
    if "." in text:
        text = _DOTTED.sub(_join_dotted, text)
    return [t for t in _SPLIT.split(text) if t]


def is_patronymic(token: str) -> bool:
    """Whether a token is a Slavic patronymic by its suffix (``olegovich``, ``ivanovna``, ``yurievich``).

    Surnames formed the same way (``Kazakevich``, ``Stankevich``) answer True as well: the position in
    the name tells them apart, which is the caller's knowledge.
    """
    if not (token.isascii() and token.islower()):
        token = "".join(name_tokens(token))
    if not token.endswith(_PATRONYMIC_ENDINGS) and token[-1:] != "\n":  # (most words: no expression)
        return False
    return _PATRONYMIC.match(token) is not None


def analyze_name(name: str, schema: str | None = None) -> NameParts:
    """Tokens without legal forms, titles, stopwords and initials; each of those set aside."""
    return analyze_tokens(name_tokens(name), schema)


def analyze_tokens(tokens: list[str], schema: str | None = None) -> NameParts:
    """:func:`analyze_name` of a name's ``name_tokens`` (for a caller that has them already)."""
    words = _words()
    forms = [] if schema in PERSON_SCHEMAS else find_legal_forms(tokens)
    in_form = [False] * len(tokens)
    for f in forms:
        in_form[f.start : f.end] = [True] * (f.end - f.start)
    rest = [(i, t) for i, t in enumerate(tokens) if not in_form[i]]
    stop: list[str] = []
    while len(rest) > 1:
        if rest[0][1] in words.titles:
            stop.append(rest.pop(0)[1])
        elif len(rest) > 2 and rest[0][1] in words.stop and rest[1][1] in words.titles:
            stop += [rest.pop(0)[1], rest.pop(0)[1]]
        else:
            break
    kept: list[tuple[int, str]] = []
    initials: list[str] = []
    for i, t in rest:
        if t in words.stop:
            stop.append(t)
        elif len(t) == 1 and t.isalpha():
            initials.append(t)
        else:
            kept.append((i, t))
    if not kept and stop and not initials:
        kept, stop = [(i, t) for i, t in rest if t in words.stop], [t for t in stop if t not in words.stop]
    patronymics = []
    for i, t in kept:
        before = tokens[i - 1] if i > 0 else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if is_patronymic(t) or before in words.before or after in words.after:
            patronymics.append(t)
    return NameParts(
        tokens=tuple(t for _, t in kept),
        legal_forms=tuple(f.canonical for f in forms),
        stop=tuple(stop),
        initials=tuple(initials),
        is_org_hint=bool(forms),
        patronymics=tuple(patronymics),
        legal_texts=tuple(f.text for f in forms),
    )


def reorder_comma_name(name: str) -> str:
    """``"KARLOV, Gennady Vyacheslavovich"`` -> ``"Gennady Vyacheslavovich KARLOV"``.

    Only for one comma with at most three words before it, and not when what follows the comma is a
    legal form (``"MEXGLOBO, SA DE CV"`` stays); otherwise the name is returned unchanged.
    """
    if name.count(",") != 1:
        return name
    family, given = (part.strip() for part in name.split(","))
    if not family or not given or len(family.split()) > 3:
        return name
    given_tokens = name_tokens(given)
    forms = find_legal_forms(given_tokens)
    if forms and sum(f.end - f.start for f in forms) == len(given_tokens):
        return name
    return f"{given} {family}"
