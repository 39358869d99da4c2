"""Keys that make romanisations of one name meet: ``phonetic_key("Qadhafi") == phonetic_key("Gaddafi")``.

:func:`phonetic_key` is a consonant skeleton, built by general rules (no name is listed):

1. the token is folded to lower-case ASCII letters and digits (digits are kept as they are);
2. context: ``ch`` before a consonant is ``k`` (*Christos*); a final ``h`` that ends no digraph is
   dropped (*Abdullah* / *Abdulla*, *Fatimah*, Arabic ``ه``); ``c`` before ``e i y`` is ``s``, a final
   ``c`` is ``ch`` (South Slavic *-ić*: *Tesic* / *Teshich*); ``w`` after a letter is the vowel ``u``
   (Arabic *Anwar* / ``انور``, Belarusian *Kubrakou* / *Kubrakow*), except a final ``-ow`` / ``-ew``
   (German *-ow* = *-ov*); ``j`` at the start before a vowel is a consonant (*Jamal*, *Jong*), any
   other ``j`` is the vowel ``y`` (*Dmitrij*, *Andrej*);
3. letter groups become one class, longest first:

   ====================================================  =====
   ``shch sch sh sz zh s z``                              ``s``
   ``tsch tch ch cz ts tz``                               ``c``
   ``kh gh ck q g k h`` and the hard ``c``                ``k``
   ``dzh dj`` and the consonant ``j``                     ``j``
   ``ph f``                                               ``f``
   ``w v``                                                ``v``
   ``th t`` / ``dh d`` / ``x``                            ``t`` / ``d`` / ``ks``
   ``a e i o u y`` and the vowel ``j`` / ``w``            vowel
   ====================================================  =====

   ``h`` joins ``k``: Russian writes the Arabic and Turkic ``h`` as ``kh`` or ``g`` (*Akhmed*,
   *Gusein*, *Magomed*), Ukrainian and Belarusian write Russian ``g`` as ``h`` (*Hennadiy*, *Syarhey*),
   and lists write Arabic ``q`` as ``q``, ``k``, ``g`` or ``kh`` (*Qadhafi*, *Gaddafi*, *Khadafy*);
4. runs of one class collapse (*Gaddafi* / *Qadhafi*, *Hussein* / *Husayn*, *Muammar* / *Muamar*);
5. vowels are dropped, except that a token starting with a vowel gets a leading ``a``
   (*Osama* / *Usama* -> ``asm``, *Yuri* / *Iurii* -> ``ar``).

So ``kh/q/g/k/h``, ``dh/d``, ``z/s``, ``ou/u/o``, ``y/i/j``, ``ph/f``, ``w/v`` and doubled letters
meet, and vowel-less spellings (Arabic and Hebrew script, *Vldmrvch*) meet their vocalised forms. The
key is coarse on purpose (*Mahmud* and *Muhammad* share ``mkmd``; on the SDN list's 16,800 distinct
name tokens a token shares its key with 8.5 tokens on average): it is for retrieval and as one feature
beside string similarity, never a match by itself. Known misses: ``ch`` against ``k`` in Greek and
German names other than before a consonant (*Mikhail* / *Michail*), ``j`` against ``zh``
(*Joukov* / *Zhukov*), Belarusian ``dz`` against Russian ``d`` (*Uladzimir*), Wade-Giles against
pinyin (*Chang* / *Zhang*), German ``w`` inside a word (*Iwanow* / *Ivanov*), Persian ``z`` for Arabic ``ض`` read as ``d`` (*Fazal* / ``فضل``).

:func:`token_variants` gives the group ids of ``name_variants.yml`` (romanisation equivalences of
given names and Korean surnames that the key alone does not join, such as *Lee* / *Ri* / *Yi*).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import lru_cache

from embargo.text._data import load
from embargo.text.translit import ascii_fold

_CONTEXT = (
    (re.compile(r"ch(?=[bcdfgjklmnpqrstvwxz])"), "k"),
    (re.compile(r"(?<![sckztpdg])h$"), ""),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c$"), "C"),
    (re.compile(r"(?<=[a-z])w(?=[a-z0-9])|(?<=[a-df-np-z])w$"), "u"),
    (re.compile(r"^j(?=[aeiou])"), "J"),
)
_GROUPS = {
    "tsch": "c", "shch": "s", "dzh": "j", "sch": "s", "tch": "c", "sh": "s", "sz": "s", "zh": "s",
    "ch": "c", "cz": "c", "ts": "c", "tz": "c", "dj": "j", "kh": "k", "gh": "k", "ck": "k", "ph": "f",
    "th": "t", "dh": "d", "x": "ks", "b": "b", "c": "k", "d": "d", "f": "f", "g": "k", "h": "k",
    "j": "*", "k": "k", "l": "l", "m": "m", "n": "n", "p": "p", "q": "k", "r": "r", "s": "s", "t": "t",
    "v": "v", "w": "v", "z": "s", "a": "*", "e": "*", "i": "*", "o": "*", "u": "*", "y": "*", "J": "j", "C": "c",
}  # fmt: skip
_GROUP_RE = re.compile("|".join(sorted((re.escape(k) for k in _GROUPS), key=len, reverse=True)))
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _group(m: re.Match[str]) -> str:
    return _GROUPS[m.group()]


def _key_py(token: str) -> str:
    """The key of a lower-case ASCII token (``_phonetic.c`` computes the same in C)."""
    s = _NOT_ALNUM.sub("", token)
    if not s:
        return ""
    for pattern, repl in _CONTEXT:
        s = pattern.sub(repl, s)
    s = _GROUP_RE.sub(_group, s)
    out: list[str] = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    if not out:
        return ""
    lead = "a" if out[0] == "*" else ""
    return lead + "".join(ch for ch in out if ch != "*")


def _load_compiled() -> Callable[[str], str] | None:
    """``_phonetic.c``'s key, built with the compiled core (see ``embargo._native``); None: ``_key_py``."""
    try:
        key: Callable[[str], str] = importlib.import_module("embargo.text._phonetic").key
    except ImportError:
        return None
    return key


_key = lru_cache(maxsize=1 << 18)(_load_compiled() or _key_py)


def phonetic_key(token: str) -> str:
    """The consonant skeleton of one token (rules in the module doc); ``""`` for no letter or digit."""
    if not (token.isascii() and token.islower()):
        token = ascii_fold(token)
    return _key(token)


@lru_cache(maxsize=1)
def variant_groups() -> dict[str, tuple[str, ...]]:
    """Spelling -> sorted group ids, from ``name_variants.yml`` (groups and Korean surnames)."""
    data = load("name_variants.yml")
    index: dict[str, set[str]] = {}
    for gid, spellings in data["groups"].items():
        for spelling in spellings:
            index.setdefault(str(spelling), set()).add(str(gid))
    for spellings in data["korean_surnames"].values():
        gid = str(spellings[0])
        for spelling in spellings:
            index.setdefault(str(spelling), set()).add(gid)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def token_variants(token: str) -> tuple[str, ...]:
    """Group ids of the given-name variants a token belongs to (``"mohamed"`` -> ``("muhammad",)``);
    ``()`` when the token is in no group. Two tokens are variants when the tuples share an id."""
    if not (token.isascii() and token.islower()):
        token = ascii_fold(token)
    return variant_groups().get(token, ())
