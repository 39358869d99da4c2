"""Learn how Latin letters write the letters of the Arabic script in names (``resources/arabic_letters.yml``).

Reads Google's Arabic-Latin name pairs (https://github.com/google/transliteration, ``ar2en-train.txt`` and
``ar2en-eval.txt``, Apache-2.0; names mined from Wikipedia) and aligns each Arabic word with its Latin spelling,
letter by letter (only names with a letter for a sound foreign names hardly need, ``_NATIVE``): each Arabic letter writes one Latin chunk, a consonant part and the vowels that follow it
(``محمد`` / ``mohamed``: ``م`` ``mo``, ``ح`` ``ha``, ``م`` ``me``, ``د`` ``d``). The alignment starts from the
consonant each letter is transliterated with (:mod:`embargo.text.translit`) and is re-estimated from its own
counts (hard EM, a few rounds). The table kept is, per letter and context (first letter of the word, last
letter, elsewhere; and which long-vowel letter follows it, if one does), the chunk written most often, and per letter the consonant classes
written at least ``MIN_SHARE`` of the time. ``ar2en-test.txt`` is not read: it is the held-out part the tests
use (``tests/fixtures/names/google_ar2en_test.tsv``).

Usage: ``python scripts/arabic_letters.py TRAIN.txt EVAL.txt > embargo/resources/arabic_letters.yml``
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from embargo.names.arabic import context, normalise_arabic

ROUNDS = 4
MIN_SHARE = 0.05
MIN_COUNT = 10
MAX_CHUNK = 4
_VOWELS = frozenset("aeiouy")
_LATIN = re.compile(r"^[a-z]+$")
# letters for sounds that names from outside the Arabic, Persian and Urdu world hardly need: a word with one
# of them is a name of that world, whose unwritten vowels are the ones to learn
_NATIVE = frozenset("حعقصضطظ")
# the consonant each letter is transliterated with, to start the alignment from ("" for a letter that
# writes a vowel or nothing)
_START = {
    "ا": "", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "", "و": "w", "ي": "y", "ى": "",
    "ء": "", "ئ": "", "ؤ": "", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ڤ": "v",
}  # fmt: skip


def pairs(paths: list[Path]) -> list[tuple[str, str]]:
    """(normalised Arabic word, Latin spelling) pairs of single words in Arabic letters and Latin letters."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            ar, _, la = line.partition("\t")
            ar, la = normalise_arabic(ar.strip()), la.strip().lower()
            if ar.startswith("ال") and len(ar) > 3:  # the article is read by rule, not learned
                ar = ar[2:]
                la = la[2:] if la[:2] in ("al", "el") else la
            if ar and _LATIN.match(la) and all(ch in _START for ch in ar) and _NATIVE & set(ar):
                out.append((ar, la))
    return out


def _split(chunk: str) -> tuple[str, str]:
    """A chunk's consonant part and vowel part ("mo" -> ("m", "o"); "y" alone is a consonant)."""
    k = len(chunk)
    while k > 0 and chunk[k - 1] in _VOWELS and not (k == 1 and chunk == "y"):
        k -= 1
    return chunk[:k], chunk[k:]


def _prior(letter: str, chunk: str) -> float:
    """Log score of ``letter`` writing ``chunk`` before anything is learned."""
    cons, vowels = _split(chunk)
    start = _START[letter]
    score = -0.5 * len(vowels)
    if cons == start:
        return score
    if cons and start and cons[0] == start[0]:
        return score - 1.0
    return score - 4.0 - len(cons)


def align(ar: str, la: str, score: dict[tuple[str, str], float] | None) -> list[str] | None:
    """The chunks of ``la`` the letters of ``ar`` write, best first by ``score`` (the prior without it)."""
    n, m = len(ar), len(la)
    best = [[-math.inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        for j in range(m + 1):
            if best[i][j] == -math.inf:
                continue
            for k in range(j, min(m, j + MAX_CHUNK) + 1):
                chunk = la[j:k]
                s = score.get((ar[i], chunk), -12.0) if score is not None else _prior(ar[i], chunk)
                if best[i][j] + s > best[i + 1][k]:
                    best[i + 1][k] = best[i][j] + s
                    back[i + 1][k] = j
    if best[n][m] == -math.inf:
        return None
    chunks, j = [], m
    for i in range(n, 0, -1):
        chunks.append(la[back[i][j] : j])
        j = back[i][j]
    return chunks[::-1]


def learn(data: list[tuple[str, str]]) -> dict[tuple[str, str], Counter[str]]:
    """Per (letter, context) the chunks it writes, counted over the aligned pairs."""
    score: dict[tuple[str, str], float] | None = None
    counts: dict[tuple[str, str], Counter[str]] = {}
    for _ in range(ROUNDS):
        per_letter: dict[str, Counter[str]] = defaultdict(Counter)
        counts = defaultdict(Counter)
        for ar, la in data:
            chunks = align(ar, la, score)
            if chunks is None:
                continue
            for i, chunk in enumerate(chunks):
                per_letter[ar[i]][chunk] += 1
                counts[(ar[i], context(ar, i))][chunk] += 1
        score = {}
        for letter, c in per_letter.items():
            total = sum(c.values())
            for chunk, k in c.items():
                score[(letter, chunk)] = math.log(k / total)
    return counts


def table(counts: dict[tuple[str, str], Counter[str]]) -> dict[str, dict[str, str]]:
    """Per letter and context the chunk written most often; a context with a long-vowel letter after it
    only where it was seen ``MIN_COUNT`` times (the reading falls back on the plain context)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for (letter, ctx), c in sorted(counts.items()):
        if "_" not in ctx or sum(c.values()) >= MIN_COUNT:
            out[letter][ctx] = c.most_common(1)[0][0]
    return out


def classes(counts: dict[tuple[str, str], Counter[str]]) -> dict[str, list[str]]:
    """Per letter the consonant parts written at least ``MIN_SHARE`` of the time, most often first."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for (letter, _), c in counts.items():
        for chunk, k in c.items():
            per[letter][_split(chunk)[0]] += k
    out = {}
    for letter, c in sorted(per.items()):
        total = sum(c.values())
        out[letter] = [cons for cons, k in c.most_common() if k / total >= MIN_SHARE]
    return out


def _q(text: str) -> str:
    return '""' if text == "" else text


def main(argv: list[str]) -> int:
    data = pairs([Path(a) for a in argv])
    counts = learn(data)
    chunks, cons = table(counts), classes(counts)
    print("# How Latin letters write the letters of the Arabic script in names, learned by")
    print("# scripts/arabic_letters.py from Google's Arabic-Latin name pairs")
    print("# (https://github.com/google/transliteration, ar2en-train.txt and ar2en-eval.txt,")
    print("# Copyright Google LLC, Apache License 2.0; names mined from Wikipedia). Do not edit by hand.")
    print("#")
    print(
        "# `chunks`: per letter (Persian and Urdu forms read as the Arabic ones) and context the Latin chunk"
    )
    print("#   written most often: a consonant part and the vowels that follow it. Contexts: `first` letter")
    print(
        "#   of a word, `before_long` (before a long-vowel letter ا و ي), `last` letter, `inner` (elsewhere)."
    )
    print(
        "# `consonants`: per letter the consonant parts written at least 5 % of the time, most often first."
    )
    print(f"# Learned from {len(data)} pairs.")
    print("chunks:")
    for letter, ctxs in chunks.items():
        print(f"  {letter}: {{{', '.join(f'{c}: {_q(v)}' for c, v in sorted(ctxs.items()))}}}")
    print("consonants:")
    for letter, cs in cons.items():
        print(f"  {letter}: [{', '.join(_q(c) for c in cs)}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
