"""embargo-v1, released on 2026-11-24: never edited (``tests/match/test_algorithm_frozen.py`` pins its scores).

Token alignment over transliterated names (exact, variant, edit, phonetic, prefix, skeleton, initial),
coverage of both names weighed by rarity; birth date, country, gender and identifiers adjust; an exact
identifier is decisive. A new behaviour is a new version, so that a result screened with this one can be
reproduced for an auditor.
"""

from __future__ import annotations

from embargo.match import features as f
from embargo.match.names import NameParams
from embargo.match.scoring import Algorithm, Feature

NAME: str = "embargo-v1"

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
    query_weight_other=0.55,
    patronymic_weight=0.5,
    conflict_penalty=0.6,
    extra_word_penalty=0.5,
    subset_factor=0.95,
    subset_min_letters=8,
    subset_min_similarity=0.75,
    phonetic_min_similarity=0.0,
    abjad_joins=False,
    abjad_letters=0.0,
    strict_consonants=False,
    role_weight=(("name", 1.0), ("initial", 0.5), ("legal", 0.2), ("stop", 0.3)),
)

# after the best pair of names, in this order
FEATURES = (
    Feature("birth_date", f.birth_date, asks=f.has_birth_dates, bound=f.birth_date_bound),
    Feature("country", f.country, asks=f.has_countries, bound=f.country_bound),
    Feature("gender", f.gender, weight=-0.1, asks=f.has_gender),
    Feature("org_hint", f.org_hint, weight=-0.25, reads_entity=False, asks=f.names_organisation),
)

ALGORITHM: Algorithm = Algorithm(
    name=NAME,
    description="Token alignment over transliterated names (exact, variant, edit, phonetic, prefix, "
    "skeleton, initial), coverage of both names weighed by rarity; birth date, country, gender and "
    "identifiers adjust; an exact identifier is decisive.",
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
    keep_ratio=0.4,
    joined_retrieval=False,
    form_words_vote=1.0,
)
