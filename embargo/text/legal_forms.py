"""Legal forms of companies in a tokenised name: ``OOO``, ``ООО``, ``LLC``, ``Joint Stock Company``...

The table is ``embargo/resources/legal_forms.yml`` (forms grouped by a generic class: ``llc``, ``jsc``,
``corp``, ``co``, ``lp``, ``llp``, ``soe``, ``ngo``; where a short form may stand is explained there),
with rigour's org-type table (``rigour.names.org_types``, ISO 20275 and others) consulted for the
spelled-out forms of four letters or more that the YAML lacks (``aktiengesellschaft``, ``stiftung``...),
at the end of a name only (its table also holds words such as ``charity``); rigour's short abbreviations (``se``, ``as``, ``ev``...) are not taken from it, they are names too.

Forms are matched on the tokens of :func:`embargo.text.names.name_tokens`, so every script and
punctuation a list uses meets the same form; tokens of five letters or more also match by phonetic
key, so the romanisations of the Russian forms meet (``ogranichennoi`` / ``ogranichennoy``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from embargo.text._data import load
from embargo.text.phonetic import phonetic_key
from embargo.text.translit import ascii_fold

_DOTTED = re.compile(r"(?<![a-z0-9])[a-z](?:\.[a-z])+\.?(?![a-z0-9])")
LONG = 5  # tokens this long or longer compare by phonetic key
SHORT = 3  # one-token forms this short or shorter only count at the edges (see legal_forms.yml)


@dataclass(frozen=True)
class LegalForm:
    """A legal form found in a token list: ``tokens[start:end]`` is the form, ``canonical`` its class."""

    start: int
    end: int
    canonical: str
    text: str

    def __init__(
        self, start: int, end: int, canonical: str, text: str
    ) -> None:  # (a native constructor: see match.types.Contribution)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "canonical", canonical)
        object.__setattr__(self, "text", text)


@dataclass(frozen=True)
class _Form:
    forms: tuple[str, ...]
    canonical: str
    prefix: bool
    short: bool


@lru_cache(maxsize=1)
def _yaml() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = load("legal_forms.yml")
    return data


@lru_cache(maxsize=1)
def dotted_abbreviations() -> frozenset[str]:
    """Abbreviations written with dots in the table (``s.a.``, ``s.r.l.``, ``o.o.``), joined: ``sa``..."""
    out = set()
    for group in _yaml().values():
        for form in group.get("forms", []) + group.get("prefix", []):
            for m in _DOTTED.finditer(ascii_fold(str(form))):
                out.add(m.group().replace(".", ""))
    return frozenset(out)


@lru_cache(maxsize=1 << 16)
def _match_form(token: str) -> str:
    return "~" + phonetic_key(token) if len(token) >= LONG else token


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[_Form, ...]]:
    from embargo.text.names import name_tokens  # names imports this module

    table: dict[str, list[_Form]] = {}
    seen: set[tuple[str, ...]] = set()
    for canonical, group in _yaml().items():
        prefixes = {tuple(name_tokens(str(f))) for f in group.get("prefix", [])}
        for form in group.get("forms", []) + group.get("prefix", []):
            tokens = tuple(name_tokens(str(form)))
            forms = tuple(_match_form(t) for t in tokens)
            if not tokens or forms in seen:
                continue
            seen.add(forms)
            short = len(tokens) == 1 and len(tokens[0]) <= SHORT
            entry = _Form(forms, str(canonical), tokens in prefixes, short)
            table.setdefault(forms[0], []).append(entry)
    return {k: tuple(sorted(v, key=lambda f: -len(f.forms))) for k, v in table.items()}


@lru_cache(maxsize=1)
def _form_word_keys() -> frozenset[str]:
    """The words of the table's forms of several words ("obshchestvo", "liability"), as match keys."""
    return frozenset(
        key
        for entries in _table().values()
        for entry in entries
        if len(entry.forms) > 1
        for key in entry.forms
        if len(key) >= 4
    )


def is_form_word(token: str) -> bool:
    """Whether ``token`` is (or, five letters or more, sounds like) a word of a legal form of several words:
    "obshchestvo", "ogranichennoy", "liability", "company". Such a word identifies no one, even where the
    whole form was not recognised (misspelt, reordered)."""
    return len(token) >= 4 and _match_form(token) in _form_word_keys()


@lru_cache(maxsize=1)
def _extract_org_types() -> Callable[..., list[tuple[str, str]]] | None:
    """rigour's ``extract_org_types``, imported once (an import statement costs more than the call)."""
    try:
        from rigour.names.org_types import extract_org_types
    except ImportError:  # pragma: no cover - rigour comes with followthemoney
        return None
    return extract_org_types


def _rigour(tokens: Sequence[str], taken: list[bool]) -> list[tuple[int, int, str]]:
    extract_org_types = _extract_org_types()
    if extract_org_types is None:  # pragma: no cover
        return []
    text = " ".join(tokens)
    specific = extract_org_types(text)
    if not specific:
        return []
    starts, pos = [], 0
    for t in tokens:
        starts.append(pos)
        pos += len(t) + 1
    generic = dict(extract_org_types(text, generic=True))
    found, cursor = [], 0
    for matched, target in specific:
        at = text.find(matched, cursor)
        if at < 0 or at not in starts:
            continue
        cursor = at + len(matched)
        start = starts.index(at)
        end = start + len(matched.split())
        if len(matched.replace(" ", "")) <= SHORT or any(taken[start:end]):
            continue
        found.append((start, end, str(generic.get(matched) or target)))
    return found


# the forms found in the token lists seen lately: embargo-v3 looks for the forms of a query name as it reads
# it, then again as it prepares the name read (the same tokens). Keyed by the tokens joined with NUL, a
# string, and each a list, never handed out: the dict then stays tracked by the collector, in its oldest
# generation (see names.prepare's caches); emptied when full.
_FOUND: dict[str, list[LegalForm]] = {}
_FOUND_MAX = 20_000


def find_legal_forms(tokens: Sequence[str]) -> list[LegalForm]:
    """Legal forms among name tokens, in order; short forms only where legal_forms.yml allows them."""
    if not tokens:
        return []
    key = "\x00".join(tokens)
    found = _FOUND.get(key)
    if found is None:
        if len(_FOUND) >= _FOUND_MAX:
            _FOUND.clear()
        found = _FOUND[key] = _find_legal_forms(tokens)
    return list(found)  # (a caller may add to its list)


def _find_legal_forms(tokens: Sequence[str]) -> list[LegalForm]:
    n = len(tokens)
    table = _table()
    forms = [_match_form(t) for t in tokens]
    cands: list[tuple[int, int, str, bool, bool]] = []
    taken = [False] * n
    i = 0
    while i < n:
        for entry in table.get(forms[i], ()):
            size = len(entry.forms)
            if tuple(forms[i : i + size]) == entry.forms:
                cands.append((i, i + size, entry.canonical, entry.prefix, entry.short))
                taken[i : i + size] = [True] * size
                i += size
                break
        else:
            i += 1
    for start, end, canonical in _rigour(tokens, taken):
        cands.append((start, end, canonical, False, True))
    if not cands:  # (most names)
        return []
    cands.sort()
    accepted = [not short for (_, _, _, _, short) in cands]
    changed = True
    while changed:
        changed = False
        ends = {c[1] for c, ok in zip(cands, accepted, strict=True) if ok}
        starts = {c[0] for c, ok in zip(cands, accepted, strict=True) if ok}
        for k, (start, end, _, prefix, _) in enumerate(cands):
            if not accepted[k] and (end == n or (start == 0 and prefix) or start in ends or end in starts):
                accepted[k] = changed = True
    return [
        LegalForm(start, end, canonical, " ".join(tokens[start:end]))
        for (start, end, canonical, _, _), ok in zip(cands, accepted, strict=True)
        if ok
    ]


def legal_form(text: str) -> str | None:
    """The class of a text that is one legal form as a whole (``"ООО"`` -> ``"llc"``), else None."""
    from embargo.text.names import name_tokens

    tokens = name_tokens(text)
    found = find_legal_forms(tokens)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(tokens):
        return found[0].canonical
    return None


@lru_cache(maxsize=1)
def prefix_forms() -> frozenset[str]:
    """The one-word forms that legal_forms.yml allows at a name's start (``ooo``, ``jsc``, ``ao``), as tokens."""
    from embargo.text.names import name_tokens

    out = set()
    for group in _yaml().values():
        for form in group.get("prefix", []):
            tokens = name_tokens(str(form))
            if len(tokens) == 1:
                out.add(tokens[0])
    return frozenset(out)
