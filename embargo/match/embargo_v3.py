"""embargo-v3, released after embargo-v2 (``tests/match/test_embargo_v3.py`` and the golden scores of
``tests/match`` pin it).

embargo-v2, plus:
- names read alike on both sides before they are compared (:mod:`embargo.names.readings`): a legal form is
  its class (``LIMITED LIABILITY COMPANY`` = ``LLC`` = ``OOO``), business abbreviations are spelt out
  (``TRDG``, ``INT'L``), a vessel's prefix (``M/V``, ``MT``) is left out; a listed name's parenthesised part
  is a name of its own (an acronym written there meets a query);
- the query read before it is screened (:mod:`embargo.match.reading`): an IMO number typed in the name is an
  identifier, a nickname (Hank, Sasha) also reads as the formal names it stands for and a Scandinavian,
  Polish or French romanisation as English spelling (a name so read counts 0.95 of one given), birth dates
  are ISO and a value that is no date is left out;
- words run together (``EPIJA``, ``BIMEHIRAN``) find the listed names that write them apart before any
  could vote;
- evidence both ways: birth years two or more apart weigh more where another listed party of the name
  has the query's birth date (a namesake), a full birth date of the same year that is neither a typo nor
  a day/month swap counts against, another IMO number of the listed vessel counts
  against; a weak alias (OFAC's "low quality" a.k.a.) counts less.
"""

from __future__ import annotations

from embargo.match import features as f
from embargo.match.names import NameParams
from embargo.match.reading import read_query
from embargo.match.scoring import Algorithm, Feature
from embargo.names.readings import listed_names

NAME: str = "embargo-v3"

NAMES = NameParams(
    exact=1.0,
    variant=0.95,
    ocr=0.9,
    edit_cost=0.6,
    short_edit=0.72,
    tiny_edit=0.55,
    phonetic=0.6,
    phonetic_spread=0.3,
    skeleton_long=0.9,
    skeleton_short=0.78,
    prefix=0.85,
    cut_name=0.85,
    legal_conflict_penalty=0.06,
    initial=0.75,
    joined=0.95,
    query_weight_person=0.6,
    query_weight_other=0.57,
    patronymic_weight=0.5,
    conflict_penalty=0.6,
    extra_word_penalty=0.5,
    subset_factor=0.95,
    subset_min_letters=8,
    subset_min_similarity=0.75,
    phonetic_min_similarity=0.4,
    abjad_joins=True,
    abjad_letters=0.85,
    strict_consonants=True,
    role_weight=(("name", 1.0), ("initial", 0.5), ("legal", 0.2), ("stop", 0.3)),
)

# after the best pair of names, in this order
FEATURES = (
    Feature("birth_date", f.birth_date_both_ways, asks=f.has_birth_dates, bound=f.birth_date_bound),
    Feature("country", f.country, asks=f.has_countries, bound=f.country_bound),
    Feature("gender", f.gender, weight=-0.1, asks=f.has_gender),
    Feature("identifier_conflict", f.identifier_conflict, asks=f.has_identifiers),
    Feature("org_hint", f.org_hint, weight=-0.25, reads_entity=False, asks=f.names_organisation),
    Feature("person_hint", f.person_hint, weight=-0.25, reads_entity=False, asks=f.names_a_person),
)

ALGORITHM: Algorithm = Algorithm(
    name=NAME,
    description="embargo-v2, plus: names read alike on both sides (legal forms as their class, "
    "abbreviations spelt out, vessel prefixes left out, parenthesised names of their own), "
    "nicknames, IMO numbers typed in the name, words run together, and birth dates and IMO numbers as "
    "evidence both ways.",
    threshold=0.8,
    names=NAMES,
    features=FEATURES,
    dob_exact=0.05,
    dob_year=0.02,
    dob_mismatch=-0.15,
    country_match=0.02,
    country_mismatch=-0.05,
    identifier_floor=0.99,
    candidates=30,
    keep_ratio=0.6,
    joined_retrieval=True,
    form_words_vote=0.2,
    listed_reading=listed_names,
    query_reading=read_query,
    kind_factor=(("weak", 0.85),),
    joined_candidates=True,
    dob_day_mismatch=-0.15,
    identifier_conflict=-0.3,
    dob_rival=-0.15,
    read_name_factor=0.95,
)
