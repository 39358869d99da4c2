"""Prepared names: the script tests a name's preparation asks."""

from __future__ import annotations

import sys

from embargo.names import prepare


def test_the_script_classes_are_the_script_tests() -> None:
    """prepare_name asks two character classes whether a name is written in a syllabic script (Han, Hangul,
    kana) or an abjad (Arabic, Hebrew): they hold exactly the characters of their ranges."""
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        syllabic = any(a <= cp <= b for a, b in prepare.SYLLABIC_RANGES)
        abjad = any(a <= cp <= b for a, b in prepare.ABJAD_RANGES)
        assert (prepare._SYLLABIC.search(ch) is not None) == syllabic, hex(cp)
        assert (prepare._ABJAD.search(ch) is not None) == abjad, hex(cp)
    assert prepare.prepare_name("王小明").syllabic and not prepare.prepare_name("王小明").abjad
    assert prepare.prepare_name("محمد علي").abjad and not prepare.prepare_name("Wang Xiaoming").syllabic
