"""name_tokens() and analyze_name() on golden names (fixtures/text/names.jsonl) and on the rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from embargo.text import names
from embargo.text.names import NameParts, analyze_name, is_patronymic, name_tokens, reorder_comma_name

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"
CASES: list[dict[str, Any]] = [
    json.loads(line) for line in (FIXTURES / "names.jsonl").read_text("utf-8").splitlines() if line
]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    parts = analyze_name(case["name"], case.get("schema"))
    assert list(parts.tokens) == case["tokens"]
    for field in ("legal_forms", "stop", "initials", "patronymics"):
        if field in case:
            assert list(getattr(parts, field)) == case[field], field
    assert parts.is_org_hint == bool(parts.legal_forms)


def test_russian_name_in_cyrillic_and_latin_meet() -> None:
    assert name_tokens("Рогозин Дмитрий Олегович") == ["rogozin", "dmitriy", "olegovich"]


def test_same_company_three_ways() -> None:
    spellings = ["OOO ROMASHKA", "ООО Ромашка", "Romashka LLC"]
    parts = [analyze_name(s) for s in spellings]
    assert {p.tokens for p in parts} == {("romashka",)}
    assert {p.legal_forms for p in parts} == {("llc",)}
    assert all(p.is_org_hint for p in parts)
    assert name_tokens("ООО Ромашка") == ["ooo", "romashka"]  # name_tokens keeps the form


def test_corp_is_a_legal_form_not_a_name_token() -> None:
    a, b = analyze_name("BELLETECH CORP"), analyze_name("11420 CORP.")
    assert a.legal_forms == b.legal_forms == ("corp",)
    assert not set(a.tokens) & set(b.tokens)


def test_name_tokens_punctuation() -> None:
    assert name_tokens("AL-RUFAY'I, Abd-al-Rahman") == ["al", "rufayi", "abd", "al", "rahman"]
    assert name_tokens("'ATO, Mustaf") == ["ato", "mustaf"]
    assert name_tokens("S.A. DE C.V.") == ["sa", "de", "cv"]
    assert name_tokens("J.R.R. Tolkien") == ["j", "r", "r", "tolkien"]
    assert name_tokens("  ") == []


def test_person_schema_has_no_legal_forms() -> None:
    assert analyze_name("KIM, Co", "Person").tokens == ("kim", "co")
    assert analyze_name("KIM, Co").legal_forms == ("co",)


def test_titles_only_at_the_start() -> None:
    assert analyze_name("Col. ZAKHAROV, Nikita").stop == ("col",)
    assert analyze_name("ZAKHAROV, Col Nikita").tokens == ("zakharov", "col", "nikita")


@pytest.mark.parametrize(
    "token",
    ["olegovich", "yuryevich", "vasilievich", "olegovna", "nikolaevna", "ivanivna", "ilyinichna",
     "uladzimiravich", "mikalaeuna", "olegovitch", "iwanowitsch", "ivanovych", "Олегович"],
)  # fmt: skip
def test_patronymics(token: str) -> None:
    assert is_patronymic(token)


@pytest.mark.parametrize("token", ["ivanov", "petrovic", "ich", "vich", "dmitry", "rogozin", "ovna"])
def test_not_patronymics(token: str) -> None:
    assert not is_patronymic(token)


def test_reorder_comma_name() -> None:
    assert reorder_comma_name("KARLOV, Gennady Vyacheslavovich") == "Gennady Vyacheslavovich KARLOV"
    assert reorder_comma_name("MEXGLOBO, SA DE CV") == "MEXGLOBO, SA DE CV"
    assert reorder_comma_name("LA RIVIERA, PANAMA, SA") == "LA RIVIERA, PANAMA, SA"
    assert reorder_comma_name("Gennady KARLOV") == "Gennady KARLOV"


def test_name_parts_is_frozen() -> None:
    parts = analyze_name("ROGOZIN")
    assert isinstance(parts, NameParts)
    with pytest.raises(AttributeError):
        parts.tokens = ()  # type: ignore[misc]


def test_name_tokens_are_a_new_list_each_call_though_kept() -> None:
    # the tokens are kept per name: a caller that changes its list must not change the next caller's
    first = name_tokens("Joint Stock Company Ural.Trade")
    first.append("changed")
    assert name_tokens("Joint Stock Company Ural.Trade") == ["joint", "stock", "company", "ural", "trade"]
    for k in range(names._TOKENS_KEPT + 1):  # (more names than are kept: the table empties, then refills)
        name_tokens(f"name {k}")
    assert len(names._TOKENS) <= names._TOKENS_KEPT
    assert name_tokens("Joint Stock Company Ural.Trade") == ["joint", "stock", "company", "ural", "trade"]
