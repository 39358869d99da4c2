"""embargo-v5, released after embargo-v4 (``tests/match/test_embargo_v5.py`` and the golden scores of
``tests/match`` pin it).

embargo-v4, plus:
- a query name that holds the whole of a listed person's name no longer meets it by that alone (the subset
  rule) where either is written in Han, Hangul or kana: a Chinese or Korean name has one given name, and a
  query's other given name ("성호 성훈 김" for Kim Song Hun) makes it another person's;
- a person's name written family name first (``"NOORZAI, Haji Bashir"``) is also read without the titles
  and honorifics that start its given names, on both sides: after the comma they were given names that
  other writers of the name leave out;

and three more readings of a query name written in the Arabic script:
- where it has a letter only Persian or Urdu write, as Persian says it: ``ض ظ ذ`` as z, ``ث`` as s, ``ق``
  as gh, ``و`` next to a vowel as v, a letter before a long vowel without the table's own vowel, and its
  compound given names apart (``"غلامعلی"`` is Gholam Ali, ``"علی فدوی"`` Ali Fadavi);
- a word of one or two letters that ends in a letter that does not join the next (``ا د ذ ر ز و``) also read
  written together with the word after it: the gap after such a letter looks like a word's end, and names
  are split there (``"علي ما يشو"`` is Ali Maychou);
- ``و`` also read as ``o``, as Persian, Turkish and Levantine spelling write it (``"عامر فوز"`` is Amer Foz).
"""

from __future__ import annotations

from dataclasses import replace

from embargo.match import embargo_v4
from embargo.match.reading import read_query_v5
from embargo.match.scoring import Algorithm
from embargo.names.readings import listed_names_v5

NAME: str = "embargo-v5"

ALGORITHM: Algorithm = replace(
    embargo_v4.ALGORITHM,
    name=NAME,
    names=replace(embargo_v4.ALGORITHM.names, subset_syllabic=False),
    description="embargo-v4, plus: no subset rule for names written in Han, Hangul or kana; a family-name-first name also without the titles that start its given "
    "names (NOORZAI, Haji Bashir), on both sides; a Persian name read as Persian says it; an Arabic-script name also read with a short word split off at a "
    "non-joining letter written together with the next, and with its waw read as o.",
    listed_reading=listed_names_v5,
    query_reading=read_query_v5,
)
