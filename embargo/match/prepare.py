"""Name preparation moved below both the index and match: :mod:`embargo.names.prepare`. Its names stay
importable from here for code written against this module."""

from embargo.names.prepare import (
    ABJAD_RANGES,
    SYLLABIC_RANGES,
    PreparedName,
    Token,
    ocr_key,
    prepare_name,
    prepare_token,
    skeleton,
    vowelless,
)

__all__ = [
    "ABJAD_RANGES",
    "SYLLABIC_RANGES",
    "PreparedName",
    "Token",
    "ocr_key",
    "prepare_name",
    "prepare_token",
    "skeleton",
    "vowelless",
]
