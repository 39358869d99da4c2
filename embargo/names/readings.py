"""How embargo-v3 reads a name before it is prepared: the same reading for the query's names and the listed
ones, so that either side may be the abbreviated or the spelt-out one.

- an organisation's legal form is its class word (``"LIMITED LIABILITY COMPANY"``, ``"OOO"``, ``"LLC"`` ->
  ``llc``; ``"OTKRYTOE AKTSIONERNOE OBSHCHESTVO"``, ``"OJSC"`` -> ``jsc``), written at the end of the name,
  where every form is recognised;
- common abbreviations of business words are spelt out (``"TRDG"`` -> ``trading``, ``"INT'L"`` ->
  ``international``), from ``resources/name_readings.yml``, and Russian kinds of enterprise written out are
  abbreviated as lists write them (``"NAUCHNO PROIZVODSTVENNOE PREDPRIYATIE"`` -> ``npp``), a legal form cut
  short at a name's end read as the form (``"... JOINT-STOCK"``);
- a vessel's name is read without its prefix (``"M/V"``, ``"MT"``, ``"M.V."``);
- the Persian ezafe between two words of a name of no person is left out (``"SEPAH-E PASDARAN"``, ``"Lashkar-e-Taiba"``,
  ``"Jaish-i-Mohammed"``), as the Persian script and many lists leave it unwritten;
- a listed name with a parenthesised part is also read as two names (``"Central Research Institute of
  Machine Building (TsNIIMash)"``): an acronym or a short name written there meets a query of its own.

A person's name is read as written but for its Arabic particles where it is written in Latin letters
(``"Ben"``, ``"El"``, ``"Abdelkader"`` as the Arabic script's transliteration writes them: ``bin``, ``al``,
``abd al kader``). The versions before embargo-v3 read every name as written (the index
and the query are built without a reading).
"""

from __future__ import annotations

import re
from functools import lru_cache

from embargo.text._data import load
from embargo.text.legal_forms import LegalForm, find_legal_forms, legal_form, prefix_forms
from embargo.text.names import PERSON_SCHEMAS, analyze_tokens, is_title, name_tokens

VESSELS = frozenset({"Vessel"})
# the word each legal-form class of legal_forms.yml is written as: one of its own forms, recognised at the
# end of a name ("co" is "company", recognised anywhere)
_CLASS_WORD = {"co": "company", "soe": "fgup", "ngo": "ano"}
# words that qualify the legal form after them ("OPEN AO", "CLOSED JSC", "PUBLICHNOE AO"): part of the form
_FORM_QUALIFIERS = frozenset(
    {"open", "closed", "public", "private", "publichnoe", "publichnoye", "otkrytoe", "otkrytoye", "zakrytoe",
     "zakrytoye", "nepublichnoe", "nepublichnoye"}
)  # fmt: skip
# the Persian ezafe (and the Urdu izafat) between two words of a name, as Latin lists write it or leave it out:
# "SEPAH-E PASDARAN", "Lashkar-e-Taiba", "Jaish-i-Mohammed" read as "sepah pasdaran", "lashkar taiba" ...
_EZAFE = re.compile(r"(?<=[a-z]{3})-(?:e|ye|i)(?:-|\s+)(?=[a-z])", re.IGNORECASE)
_PAREN = re.compile(r"^(?P<out>[^()]*?)\s*\((?P<in>[^()]+)\)\s*(?P<rest>[^()]*)$")


Phrases = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], tuple[tuple[str, ...], ...], dict[str, str]]:
    data = load("name_readings.yml")
    words = {str(k): tuple(str(v).split()) for k, v in data["words"].items()}
    prefixes = tuple(sorted((tuple(p) for p in data["vessel_prefixes"]), key=len, reverse=True))
    cyrillic = {str(k).casefold(): str(v) for k, v in (data.get("cyrillic_forms") or {}).items()}
    return words, prefixes, cyrillic


@lru_cache(maxsize=1)
def _phrases() -> tuple[Phrases, Phrases]:
    """(phrases read wherever they stand, phrases read at a name's end), longest first."""
    data = load("name_readings.yml")

    def table(section: str) -> Phrases:
        rows = ((tuple(str(k).split()), tuple(str(v).split())) for k, v in (data.get(section) or {}).items())
        return tuple(sorted(rows, key=lambda r: len(r[0]), reverse=True))

    return table("phrases"), table("end_phrases")


def _read_phrases(tokens: list[str]) -> list[str]:
    """``tokens`` with each phrase of ``name_readings.yml`` written as what it stands for."""
    anywhere, at_end = _phrases()
    for phrase, short in at_end:
        n = len(phrase)
        if len(tokens) > n and tuple(tokens[-n:]) == phrase:
            tokens = [*tokens[:-n], *short]
            break
    out: list[str] = []
    k = 0
    while k < len(tokens):
        hit = next((r for r in anywhere if tuple(tokens[k : k + len(r[0])]) == r[0]), None)
        if hit:
            out += hit[1]
            k += len(hit[0])
        else:
            out.append(tokens[k])
            k += 1
    return out


_WORD = re.compile(r"\w+")


def _cyrillic_forms(name: str) -> str:
    """``name`` with each legal form written in Cyrillic that only that script tells apart (Bulgarian
    ``"АД"``) written as its class (``jsc``)."""
    forms = _table()[2]
    return _WORD.sub(lambda m: forms.get(m.group().casefold(), m.group()), name)


def business_words() -> dict[str, tuple[str, ...]]:
    """Abbreviation -> the words it stands for (``"trdg"`` -> ``("trading",)``)."""
    return _table()[0]


@lru_cache(maxsize=1)
def _prefix_heads() -> frozenset[str]:
    """The first word of each vessel's prefix."""
    return frozenset(p[0] for p in _table()[1] if p)


def vessel_prefix(tokens: list[str]) -> int:
    """How many of ``tokens`` are a vessel's prefix (``["m", "v", "perarin"]`` -> 2); 0 if none, or if
    nothing would be left."""
    if not tokens or tokens[0] not in _prefix_heads():  # (most names, read no further)
        return 0
    for prefix in _table()[1]:
        if len(tokens) > len(prefix) and tuple(tokens[: len(prefix)]) == prefix:
            return len(prefix)
    return 0


@lru_cache(maxsize=100_000)
def read_name(name: str, schema: str | None) -> str:
    """``name`` as embargo-v3 compares it (see the module's docstring); any name that the reading leaves as
    it is unchanged. Legal forms are found once abbreviations are spelt out
    ("JOINT STOCK CO" -> "joint stock company" -> ``jsc``)."""
    tokens = written = name_tokens(name)
    if not tokens:
        return name
    if schema not in PERSON_SCHEMAS and not latin_letters(name):
        tokens = name_tokens(_cyrillic_forms(name))
    elif schema not in PERSON_SCHEMAS and _EZAFE.search(name):
        tokens = name_tokens(_EZAFE.sub(" ", name))
    if schema in PERSON_SCHEMAS:
        read = _arabic_particles(tokens) if latin_letters(name) else tokens
        return name if read == tokens else " ".join(read)
    read = tokens[vessel_prefix(tokens) :] if schema in VESSELS else tokens
    if schema is None and latin_letters(name):
        read = _arabic_particles(read)
    words = business_words()
    read = _read_phrases([w for t in read for w in words.get(t, (t,))])
    classes, rest = _legal_forms(read)
    if rest:
        read = rest + list(dict.fromkeys(classes))
    if read == written:
        return name
    return " ".join(read)


# Arabic name particles as Latin lists write them, as the transliteration of the Arabic script writes them
_PARTICLES = {"ben": "bin", "ibn": "bin", "bent": "bint", "abou": "abu", "abo": "abu", "el": "al", "ul": "al"}
# 'Abd compounds written as one word, and the article they carry, assimilated or not ("abdurrahman")
_ABD = re.compile(r"^abd(?:el|ul|al|ol|il)(?=[a-z]{4})|^abd[ue](?=([rsztdn])\1[a-z]{3})")


def _arabic_particles(tokens: list[str]) -> list[str]:
    """Name tokens in Latin letters with Arabic particles written one way ("ben" -> "bin", "el" -> "al",
    "abou" -> "abu") and 'Abd compounds in three words ("abdelkader", "abdul kader", "abdurrahman" -> "abd al
    kader" ...), as the Arabic script's transliteration writes them."""
    out: list[str] = []
    for token in tokens:
        t = _PARTICLES.get(token, token)
        if t in ("abdul", "abdel", "abdal", "abdol"):
            out += ["abd", "al"]
            continue
        m = _ABD.match(t)
        if m:  # (an assimilated article leaves its doubled letter: "abdur" + "rahman")
            rest = t[m.end() + 1 :] if m.group(1) else t[m.end() :]
            out += ["abd", "al", rest]
            continue
        out.append(t)
    return out


def latin_letters(name: str) -> bool:
    """Whether ``name`` is written in Latin letters (with their accents) alone."""
    return name.isascii() or all(ord(ch) < 0x250 for ch in name)


def _legal_forms(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The class words of the legal forms among ``tokens`` and the tokens that are none. A legal
    abbreviation allowed at a name's start ("ooo", "ao") is one wherever it stands ("CLOSED AO ENERGO-OIL"),
    and a word that qualifies a form before it ("OPEN", "PUBLIC") is part of it."""
    forms = find_legal_forms(tokens)
    for k, t in enumerate(tokens):
        if len(t) >= 2 and _short_form(t) and not any(f.start <= k < f.end for f in forms):
            forms.append(LegalForm(k, k + 1, _short_form(t), t))
    inside: set[int] = set()
    for f in forms:
        inside.update(range(f.start, f.end))
        k = f.start - 1
        while k >= 0 and tokens[k] in _FORM_QUALIFIERS:
            inside.add(k)
            k -= 1
    classes = [_CLASS_WORD.get(f.canonical, f.canonical) for f in sorted(forms, key=lambda f: f.start)]
    rest = [t for k, t in enumerate(tokens) if k not in inside]
    if forms:  # a qualifier moved to an edge of the name, away from its form ("JSC MAKO HOLDING PRIVATE")
        while len(rest) > 1 and rest[-1] in _FORM_QUALIFIERS:
            rest.pop()
        while len(rest) > 1 and rest[0] in _FORM_QUALIFIERS:
            rest.pop(0)
    return classes, rest


GLUED_STEM = 4  # letters a word must keep before a legal form or an abbreviation glued to its end


def unglued(name: str) -> str:
    """``name`` with a legal form or a business abbreviation glued to the end of its last word, written apart
    (``"GOLDEN GROUP TRADINGSARL"`` -> ``"golden group trading sarl"``, ``"DECARTOOD"`` -> ``"decart ood"``);
    "" where it has none. Forms and abbreviations of three letters or more only, and the word must keep
    ``GLUED_STEM`` letters."""
    tokens = name_tokens(name)
    if not tokens or legal_form(tokens[-1]):
        return ""
    last, words = tokens[-1], business_words()
    for k in range(GLUED_STEM, len(last) - 2):
        if legal_form(last[k:]) or last[k:] in words:
            return " ".join([*tokens[:-1], last[:k], last[k:]])
    return ""


def listed_names(value: str, kind: str, schema: str) -> list[tuple[str, str]]:
    """The names embargo-v3 reads off one listed name (with their kind): the name itself as read, each part
    of it outside and inside parentheses, and a person's name also as written and without its nasab."""
    out = [(read_name(v, schema), kind) for v in name_parts(value, schema)]
    if schema in PERSON_SCHEMAS:  # a person's name as written too: a typo in a particle ("ABUDL") still meets
        out.append((value, kind))
        short = without_nasab(value)
        if short:
            out.append((short, kind))
    return list(dict.fromkeys(out))


_SON_OF = frozenset({"bin", "bint"})
# the words that _arabic_particles writes as one of _SON_OF ("ben", "ibn" ...), and those themselves
_SON_OF_WRITTEN = _SON_OF | frozenset(k for k, v in _PARTICLES.items() if v in _SON_OF)
_NAME_HEADS = frozenset({"al", "abd", "abu"})  # words that start a name of more than one word


def without_nasab(value: str) -> str:
    """A person's name in Latin letters without its nasab, the chain of fathers' names (``bin X``, ``bint
    X``, ``ibn X``, ``ben X``) that lists write out and other writers leave out: ``"HAMRAOUI, Kamel Ben Mouldi
    Ben Hassan"`` -> ``"hamraoui kamel"``, ``"Adel Ben Al-Azhar Ben Youssef Hamdi"`` -> ``"adel hamdi"``. A
    chain that ends a name written without a comma is its family name and stays (``"Usama bin Muhammad bin
    Ladin"`` -> ``"usama bin ladin"``); "" where nothing is left out or fewer than two words would be left."""
    if not latin_letters(value):
        return ""
    surname, comma, given = value.partition(",")
    written = name_tokens(given if comma else value)
    if not any(t in _SON_OF_WRITTEN for t in written):  # (no nasab: most names, read no further)
        return ""
    head = _arabic_particles(name_tokens(surname)) if comma else []
    tokens = _arabic_particles(written)
    chains: list[tuple[int, int]] = []  # [start, end) of each "bin X" ("bin al X", "bin abd al X")
    k = 1
    while k < len(tokens) - 1:
        if tokens[k] in _SON_OF:
            end = k + 1
            while end < len(tokens) - 1 and tokens[end] in _NAME_HEADS:
                end += 1
            chains.append((k, end + 1))
            k = end + 1
        else:
            k += 1
    if chains and not comma and chains[-1][1] == len(tokens):
        chains.pop()  # (the family name: "bin Ladin")
    if not chains:
        return ""
    drop = {i for start, end in chains for i in range(start, end)}
    left = head + [t for i, t in enumerate(tokens) if i not in drop]
    return " ".join(left) if len(left) >= 2 else ""


def name_parts(value: str, schema: str | None) -> list[str]:
    """``value``, and, unless it names a person, each part of it outside and inside parentheses where it
    has one pair that names it again (``_names_it``): ``"Jamaat-ul-Ahrar (JuA)"`` -> ``["Jamaat-ul-Ahrar
    (JuA)", "jamaat ul ahrar", "jua"]``."""
    out = [value]
    m = _PAREN.match(value)
    if m and schema not in PERSON_SCHEMAS:
        outside = name_tokens(f"{m['out']} {m['rest']}")
        inside = name_tokens(m["in"])
        if outside and _names_it(inside, outside):
            out += [" ".join(outside), " ".join(inside)]
    return out


def _names_it(inside: list[str], outside: list[str]) -> bool:
    """Whether a parenthesised part names what the rest of the name names: the rest's acronym ("PKK" of
    "Partiya Karkeren Kurdistane", "ISIL-K" of "Islamic State in Iraq and the Levant - Khorasan"), or a
    name of two words or more ("JSC TsNIIMash"); not a place, a legal form or a branch ("HK", "PTY")."""
    words = [t for t in inside if len(t) >= 3]
    if len(inside) >= 2 and len(words) >= 2:
        return True
    letters = "".join(inside)
    if len(letters) < 2 or not letters.isalpha():
        return False
    initials = iter(t[0] for t in outside)
    return all(ch in initials for ch in letters)


@lru_cache(maxsize=4096)
def _short_form(token: str) -> str:
    """The class of a token that is a legal abbreviation allowed at a name's start ("ooo", "jsc", "ao"): such
    a token is a legal form wherever it stands; "" for other tokens."""
    return (legal_form(token) or "") if token in prefix_forms() else ""


@lru_cache(maxsize=1)
def _nicknames() -> dict[str, tuple[str, ...]]:
    """Nickname -> the formal given names it is short for, from ``resources/nicknames.yml``."""
    data = load("nicknames.yml")
    out: dict[str, set[str]] = {}
    for section in ("names", "extra"):
        for formal, nicks in (data.get(section) or {}).items():
            for nick in nicks:
                if nick != formal:
                    out.setdefault(str(nick), set()).add(str(formal))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def formal_names(token: str) -> tuple[str, ...]:
    """The formal given names a nickname or hypocorism stands for (``"hank"`` -> ``("henry",)``,
    ``"sasha"`` -> ``("aleksandr", "aleksandra", "alexander")``), as the table has them, in either direction
    where it lists both ("john" / "ivan"); () for a token that is none."""
    return _nicknames().get(token, ())


# --- from embargo-v4 on -----------------------------------------------------------------------------------


def letters_together(value: str, schema: str | None) -> str:
    """A name with no word that names anyone, only initials and titles or particles (``"K M A"``, ``"LADY
    D"``, a vessel's ``"M.V. K.M.A."`` once its prefix is left out), written as one word (``"kma"``,
    ``"ladyd"``), as other writers run it together: such a name has no word for retrieval or scoring to
    weigh. ``""`` for any other name (a word that names, a legal form, fewer than two words, no initial)."""
    tokens = name_tokens(value)
    if len(tokens) < 2 or all(len(t) > 1 for t in tokens):  # (no initial: most names, read no further)
        return ""
    parts = analyze_tokens(tokens, schema)
    if parts.tokens or parts.legal_forms or not parts.initials:
        return ""
    return "".join(tokens)


def listed_names_v4(value: str, kind: str, schema: str) -> list[tuple[str, str]]:
    """The names embargo-v4 reads off one listed name: embargo-v3's (:func:`listed_names`); an
    organisation's name also as written, where the reading changed it (a query that writes its legal form
    damaged, "J. STOCK COMPANY X", "COMPANY STOCK JOINT X", "JOINT COMPANY X", is not read as the form, and
    meets the words the list wrote one by one, as embargo-v2 compared them); and each name that has no word
    that names anyone also written as one word (:func:`letters_together`)."""
    out = listed_names(value, kind, schema)
    if schema not in PERSON_SCHEMAS and (value, kind) not in out:
        out = [*out, (value, kind)]
    together = [(j, k) for v, k in out if (j := letters_together(v, schema))]
    return list(dict.fromkeys(out + together)) if together else out


# --- from embargo-v5 on -----------------------------------------------------------------------------------


def titles_apart(value: str) -> str:
    """A name written family name first (``"NOORZAI, Haji Bashir"``, ``"AL ZAWAHIRI, Dr. Ayman"``) without
    the titles and honorifics that start its given names (``"NOORZAI, Bashir"``): at the start of a name they
    are read as titles, but after the comma they were read as given names that other writers leave out. ""
    where the name has no comma or no such title, or nothing would be left after them."""
    surname, comma, given = value.partition(",")
    if not comma or not surname.strip():
        return ""
    tokens = name_tokens(given)
    k = 0
    while k < len(tokens) - 1 and is_title(tokens[k]):
        k += 1
    return f"{surname.strip()}, {' '.join(tokens[k:])}" if k else ""


def listed_names_v5(value: str, kind: str, schema: str) -> list[tuple[str, str]]:
    """The names embargo-v5 reads off one listed name: embargo-v4's (:func:`listed_names_v4`), and a person's
    name written family name first also without the titles that start its given names
    (:func:`titles_apart`)."""
    out = listed_names_v4(value, kind, schema)
    if schema in PERSON_SCHEMAS and (bare := titles_apart(value)):
        out = list(dict.fromkeys([*out, *listed_names(bare, kind, schema)]))
    return out
