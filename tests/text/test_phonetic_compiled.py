"""The compiled core computes phonetic keys in C (``_phonetic.c``); ``phonetic._key_py`` (the module's
regular expressions) stays the reference. Both must agree on every name token of the lists, and on random
strings that put the rules' contexts (ch before a consonant, a final h or c, w between letters, a leading
j, digits) in every combination."""

from __future__ import annotations

import importlib
import random
from pathlib import Path

import pytest

from embargo.service.ingest import discover, parse_candidate
from embargo.text import phonetic
from embargo.text.names import name_tokens

LISTS = (Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists").resolve()


def _compiled() -> object:
    try:
        return importlib.import_module("embargo.text._phonetic").key
    except ImportError:
        pytest.skip("no compiled core: the regular expressions are the only key")


def test_compiled_key_equals_python_on_list_tokens() -> None:
    key = _compiled()
    tokens: set[str] = set()
    for folder in ("us_ofac_sdn/2024-05-02", "uk_ofsi_conlist/2025-04-14", "un_sc_consolidated/2026-02-27"):
        (cand,), _ = discover([LISTS / folder])
        for entity in parse_candidate(cand).entities:
            for name in entity.names:
                tokens.update(name_tokens(name.value))
    assert len(tokens) > 20_000
    diff = [t for t in tokens if key(t) != phonetic._key_py(t)]  # type: ignore[operator]
    assert not diff, diff[:10]


def test_compiled_key_equals_python_on_random_strings() -> None:
    key = _compiled()
    rng = random.Random(3)
    alphabet = "abcdhjkoswxyz09ceiu" + "tschzg" + "-É'"  # the letters the rules look at, and some to drop
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(50_000)]
    words += ["h", "c", "w", "j", "ja", "wh", "ch", "chb", "aw", "ow", "ew", "xw", "awa", "ww", "www", "jj"]
    words += ["x" * 40, "axaxax", "ixyx" * 9]  # keys longer than the token ("x" -> "ks")
    diff = [w for w in words if key(w) != phonetic._key_py(w)]  # type: ignore[operator]
    assert not diff, diff[:10]
    with pytest.raises(TypeError):
        key(7)  # type: ignore[operator]
