"""How embargo-v3 reads a query before screening it (the versions before it screen the query as given).

- an IMO number typed in the name field (``"IMO 9349588"``) is an identifier of the query, and the rest of
  the name, if any, its name;
- each name is read as :func:`embargo.names.readings.read_name` reads the listed names (legal forms as their
  class, business abbreviations spelt out, a vessel's prefix left out), the parts of a name outside and
  inside parentheses as names of their own; a query of no schema whose name starts with a vessel's prefix
  is also read without it; a legal form or a business abbreviation glued to the end of an organisation's
  name is also read apart (``"TRADINGSARL"``: :func:`embargo.names.readings.unglued`);
- a person's given name, written in Latin letters, that is a nickname (``"Hank"``, ``"Sasha"``) is also
  read as each formal name it stands for, as names of their own (at most ``NICKNAME_NAMES`` more);
- a person's name romanised the Scandinavian or German way (``"Arkadjevitj"``, ``"Chrenin"``), the Polish
  way (``"Nikołajewicz"``) or the French way (``"Bouchra"``, ``"Djamel"``) also reads as English (BGN)
  spelling writes it (``"arkadyevich"``, ``"khrenin"``, ``"nikolayevich"``; ``"bushra"``, ``"jamel"``);
- a name written in the Arabic script (Arabic, Persian, Urdu) also reads in Latin letters, its parts written
  together read apart and its unwritten vowels as names are mostly written
  (:func:`embargo.names.arabic.latin_readings`, learned from public name pairs), a word ending in the
  Persian ye read both ways (``i``, ``a``);
- a person's name with a nasab (``bin X bin Y``) also reads without it
  (:func:`embargo.names.readings.without_nasab`);
- birth dates are written ISO (``"1963-6-14"`` -> ``"1963-06-14"``); a value that is no date is left out.
"""

from __future__ import annotations

import re
from dataclasses import replace

from embargo.match.types import Query
from embargo.names.arabic import (
    arabic_script,
    egyptian_reading,
    latin_readings,
    o_reading,
    persian_reading,
    persian_reading_v5,
    rejoined_reading,
)
from embargo.names.readings import (
    formal_names,
    latin_letters,
    letters_together,
    name_parts,
    read_name,
    titles_apart,
    unglued,
    vessel_prefix,
    without_nasab,
)
from embargo.text.dates import parse_dates
from embargo.text.names import name_tokens

NICKNAME_NAMES = 10  # names read off one query's nicknames, at most
_IMO = re.compile(r"\bIMO\s*(?:NO\.?|NUMBER)?\s*[:#.-]?\s*(\d{7})\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")  # (a name with no digit has no IMO number: most, read no further)
_NOT_GIVEN = frozenset({"al", "el", "de", "da", "la", "van", "von", "abu", "bin", "ibn", "mr", "mrs", "ms"})
_NICKNAME_SCHEMAS = frozenset({"Person", "LegalEntity"})
_ORGANISATIONS = frozenset({"Organization", "Company", "PublicBody"})


def read_query(q: Query) -> tuple[Query, int]:
    """``q`` as embargo-v3 screens it (see the module's docstring), and how many of its names are the
    query's own names as read: the rest (respellings, nicknames) were read off them."""
    identifiers = list(q.identifiers)
    names: list[str] = []
    for name in q.names:
        if _DIGIT.search(name) is None:
            rest = name.strip()
        else:
            for imo in _IMO.findall(name):
                if imo not in identifiers:
                    identifiers.append(imo)
            rest = _IMO.sub(" ", name).strip()
        if not name_tokens(rest):
            continue
        for part in name_parts(rest, q.schema):
            names.append(read_name(part, q.schema))
            if q.schema in _ORGANISATIONS and (apart := unglued(part)):
                names.append(read_name(apart, q.schema))
            if q.schema is None or q.schema in _NICKNAME_SCHEMAS:
                names.append(part)  # (a person's name as written too: see names.readings.listed_names)
        if q.schema is None:
            tokens = name_tokens(rest)
            cut = vessel_prefix(tokens)
            if cut:
                names.append(" ".join(tokens[cut:]))
    names = list(dict.fromkeys(names))
    own = len(names)
    read: list[str] = []
    nicknames: list[str] = []
    if q.schema is None or q.schema in _NICKNAME_SCHEMAS:
        latin = [n for n in names if latin_letters(n)]  # (another script's romanisation is no one's spelling)
        for name in latin:
            read.extend(respellings(name))
        for name in latin + read:
            nicknames.extend(nickname_readings(name))
        # a name in the Arabic script also in Latin letters, with the vowels it does not write
        read.extend(r for n in names if arabic_script(n) for r in latin_readings(n))
        # and a name with a nasab (the fathers' names) without it, as other writers leave it out
        read.extend(r for n in [*names, *read] if (r := without_nasab(n)))
    names = list(dict.fromkeys(names + read + nicknames[:NICKNAME_NAMES]))
    dates = [d for value in q.birth_dates for d in (parse_dates(value, dayfirst=False) or [])]
    query = Query(
        names=tuple(names),
        schema=q.schema,
        birth_dates=tuple(dict.fromkeys(dates)),
        countries=q.countries,
        identifiers=tuple(identifiers),
        gender=q.gender,
        id=q.id,
    )
    return query, own


def _read_more(query: Query, own: int, more: list[str]) -> tuple[Query, int]:
    """``(query, own)`` with the names of ``more`` it does not have yet added after its own, once each."""
    extra = [n for n in dict.fromkeys(more) if n not in query.names]
    return (replace(query, names=query.names + tuple(extra)), own) if extra else (query, own)


def read_query_v4(q: Query) -> tuple[Query, int]:
    """``q`` as embargo-v4 screens it: as embargo-v3 reads it (:func:`read_query`), and also
    - each of its names that has no word that names anyone (only initials and titles: ``"K M A"``, ``"LADY
      D"``) written as one word, as the listed names are read too
      (:func:`embargo.names.readings.letters_together`);
    - a name in the Arabic script with its ``ض ظ ذ ث`` said as Persian and Urdu say them
      (:func:`embargo.names.arabic.persian_reading`: ``"فضل"`` -> ``"fazl"``, Fazal), and with a final ``ى``
      read as the ``ي`` Egyptian writing leaves undotted (:func:`embargo.names.arabic.egyptian_reading`:
      ``"على"`` -> ``"ali"``)."""
    query, own = read_query(q)
    more = [j for n in query.names if (j := letters_together(n, q.schema))]
    for n in query.names[:own]:
        if arabic_script(n):
            more += [r for r in (persian_reading(n), egyptian_reading(n)) if r]
    return _read_more(query, own, more)


def read_query_v5(q: Query) -> tuple[Query, int]:
    """``q`` as embargo-v5 screens it: as embargo-v4 reads it (:func:`read_query_v4`), and a name in the
    Arabic script also
    - with a short word split off at a letter that does not join forward written together with the next
      (:func:`embargo.names.arabic.rejoined_reading`: ``"علي ما يشو"`` -> ``"ali maicho"``, Maychou);
    - with its ``و`` read as ``o`` as Persian, Turkish and Levantine spelling write it
      (:func:`embargo.names.arabic.o_reading`: ``"عامر فوز"`` -> ``"amr foz"``);
    - where it has a letter only Persian or Urdu write, as Persian says it, its compound given names apart
      (:func:`embargo.names.arabic.persian_reading_v5`: ``"سید محمود علوی"`` -> ``"sid mahmoud alvi"``);

    and a person's name written family name first also without the titles that start its given names, as
    the listed names are read too (:func:`embargo.names.readings.titles_apart`: ``"NOORZAI, Haji Bashir"``
    -> ``"NOORZAI, bashir"``)."""
    query, own = read_query_v4(q)
    more = [
        r
        for n in query.names[:own]
        if arabic_script(n)
        for r in (rejoined_reading(n), o_reading(n), persian_reading_v5(n))
        if r
    ]
    if q.schema is None or q.schema in _NICKNAME_SCHEMAS:
        more += [r for n in q.names if (r := titles_apart(n))]
    return _read_more(query, own, more)


# Scandinavian and German romanisations of Cyrillic, as English (BGN) spelling writes them, in one pass
_NORDIC = re.compile(r"tsch|sch|tj|sj|zj|ch|j|w")
_NORDIC_TO = {"tsch": "ch", "sch": "sh", "tj": "ch", "sj": "sh", "zj": "zh", "ch": "kh", "j": "y", "w": "v"}
# what only those romanisations write: Swedish tj/sj/zj ("Arkadjevitj", "Zjukov"), -ij/-yj endings,
# German tsch ("Wiktorowitsch")
_NORDIC_SIGN = re.compile(r"tj|sj|zj|[iy]j$|jev|jov|tsch")
# French romanisations of Arabic, as English spelling writes them
_FRENCH = re.compile(r"ou|dj|ch")
_FRENCH_TO = {"ou": "u", "dj": "j", "ch": "sh"}
_FRENCH_SIGN = re.compile(r"ou|^dj")
# Polish romanisations of Cyrillic ("Władimir Nikołajewicz")
_POLISH = re.compile(r"szcz|cz|sz|rz|ch|w|j")
_POLISH_TO = {"szcz": "shch", "cz": "ch", "sz": "sh", "rz": "zh", "ch": "kh", "w": "v", "j": "y"}
_POLISH_SIGN = re.compile(r"[eo]wicz$|[eo]wna$|cz|sz")


def respellings(name: str) -> list[str]:
    """``name`` as English (BGN) spelling writes a name romanised the Scandinavian or German way (where one of
    its words shows it: "tj", "sj", "zj", "-ij", "tsch"), the Polish way ("cz", "sz", "-owicz") or the French way
    ("ou", "dj"): ``"Igor Arkadjevitj"`` -> ``["igor arkadyevich"]``."""
    tokens = name_tokens(name)
    out: list[str] = []
    joined = " ".join(tokens)
    for letters, sign, pattern, table in (
        (("j", "tsch"), _NORDIC_SIGN, _NORDIC, _NORDIC_TO),
        (("ou", "dj"), _FRENCH_SIGN, _FRENCH, _FRENCH_TO),
        (("z", "wna"), _POLISH_SIGN, _POLISH, _POLISH_TO),
    ):
        # (each sign has one of its letters: a name with none of them is read no further)
        if any(s in joined for s in letters) and any(sign.search(t) for t in tokens):
            spelt = [_spell(pattern, table, t) for t in tokens]
            if spelt != tokens:
                out.append(" ".join(spelt))
    return out


def _spell(pattern: re.Pattern[str], table: dict[str, str], token: str) -> str:
    """``token`` with each of ``pattern``'s matches written as ``table`` says."""
    return pattern.sub(lambda m: table[m.group()], token)


def nickname_readings(name: str) -> list[str]:
    """``name`` with one of its words, a nickname, replaced by a formal name it stands for, each way:
    ``"Hank de Jesus Lopez"`` -> ``["henry de jesus lopez"]``. Names of two to five words only."""
    tokens = name_tokens(name)
    if not 2 <= len(tokens) <= 5:
        return []
    out: list[str] = []
    for k, t in enumerate(tokens):
        if len(t) < 2 or t in _NOT_GIVEN:
            continue
        for formal in formal_names(t):
            out.append(" ".join([*tokens[:k], formal, *tokens[k + 1 :]]))
    return out
