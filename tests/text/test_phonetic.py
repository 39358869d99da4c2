"""phonetic_key() and token_variants(): romanisations of one name meet, different names mostly don't."""

from __future__ import annotations

from pathlib import Path

import pytest

from embargo.text.phonetic import phonetic_key, token_variants, variant_groups

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"
GROUPS = [
    line.split("|")
    for line in (FIXTURES / "key_groups.csv").read_text("utf-8").splitlines()
    if line and not line.startswith("#")
]


@pytest.mark.parametrize("group", GROUPS, ids=[g[0] for g in GROUPS])
def test_spellings_share_a_key(group: list[str]) -> None:
    keys = {phonetic_key(s) for s in group}
    assert len(keys) == 1, {s: phonetic_key(s) for s in group}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("rogozin", "rogov"),
        ("ivanov", "ivan"),
        ("smirnov", "sorokin"),
        ("petrov", "popov"),
        ("hassan", "hamid"),
        ("kim", "park"),
        ("ali", "omar"),
        ("sergey", "sergeyev"),
    ],
)
def test_different_names_differ(a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b)


def test_key_shapes() -> None:
    assert phonetic_key("rogozin") == "rksn"
    assert phonetic_key("qadhafi") == "kdf"
    assert phonetic_key("osama") == "asm"
    assert phonetic_key("7864") == "7864"
    assert phonetic_key("") == ""
    assert phonetic_key("h") == ""
    assert phonetic_key("o'brien") == phonetic_key("obrien")


@pytest.mark.parametrize(
    "group",
    [
        ["mohammed", "muhammad", "mohamad", "magomed", "mehmet"],
        ["aleksandr", "alexander", "oleksandr", "aliaksandr"],
        ["yuri", "yury", "iurii", "jurij"],
        ["lee", "ri", "yi", "rhee"],
        ["park", "pak", "bak"],
        ["oleg", "oleh"],
        ["yekaterina", "katerina"],
    ],
)
def test_variant_groups(group: list[str]) -> None:
    shared = set.intersection(*(set(token_variants(t)) for t in group))
    assert shared, {t: token_variants(t) for t in group}


def test_variants_of_unknown_and_non_ascii_tokens() -> None:
    assert token_variants("rogozin") == ()
    assert token_variants("MOHAMMED") == ("muhammad",)
    assert token_variants("Магомед") == ("muhammad",)  # folded first: "magomed"


def test_variant_table_is_lower_ascii() -> None:
    for spelling, groups in variant_groups().items():
        assert spelling.isascii() and spelling == spelling.lower() and " " not in spelling
        assert groups == tuple(sorted(groups))
