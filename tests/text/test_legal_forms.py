"""Legal forms: the YAML table, rigour's table, and where a short form may stand."""

from __future__ import annotations

import pytest

from embargo.text.legal_forms import dotted_abbreviations, find_legal_forms, legal_form
from embargo.text.names import name_tokens


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("OOO", "llc"), ("ООО", "llc"), ("LLC", "llc"), ("Ltd", "llc"), ("Limited", "llc"), ("GmbH", "llc"),
        ("Obshchestvo s Ogranichennoy Otvetstvennostyu", "llc"), ("Sp. z o.o.", "llc"), ("FZE", "llc"),
        ("FZCO", "llc"), ("BV", "llc"), ("AO", "jsc"), ("АО", "jsc"), ("PAO", "jsc"), ("ПАО", "jsc"),
        ("PJSC", "jsc"), ("ZAO", "jsc"), ("ЗАО", "jsc"), ("OAO", "jsc"), ("JSC", "jsc"),
        ("Joint Stock Company", "jsc"), ("Aktsionernoe Obshchestvo", "jsc"), ("AG", "jsc"), ("SA", "jsc"),
        ("PLC", "jsc"), ("Co.", "co"), ("Corp", "corp"), ("Inc", "corp"), ("LLP", "llp"),
        ("Aktiengesellschaft", "jsc"),  # from rigour's table
    ],
)  # fmt: skip
def test_forms(text: str, canonical: str) -> None:
    assert legal_form(text) == canonical


def test_not_forms() -> None:
    assert legal_form("Romashka") is None
    assert legal_form("OOO Romashka") is None  # a name with a form is not a form
    assert legal_form("") is None


def test_short_forms_only_at_the_edges() -> None:
    def canon(name: str) -> list[str]:
        return [f.canonical for f in find_legal_forms(name_tokens(name))]

    assert canon("ACME SA") == ["jsc"]
    assert canon("SA ACME") == []  # SA does not stand before a name
    assert canon("AO ACME") == ["jsc"]  # AO does
    assert canon("KIM SA RANG") == []
    assert canon("ACME CO LTD (HK)") == ["llc"]  # long forms anywhere
    assert canon("ACME CO LIMITED") == ["co", "llc"]  # a short form next to another one
    assert canon("GADDAFI CHARITY FOUNDATION") == []  # rigour's words only at the end


def test_spans() -> None:
    tokens = name_tokens("Общество с ограниченной ответственностью Ромашка")
    (form,) = find_legal_forms(tokens)
    assert (form.start, form.end, form.canonical) == (0, 4, "llc")
    assert tokens[form.end :] == ["romashka"]


def test_dotted_abbreviations() -> None:
    assert {"sa", "srl", "cv", "llc", "oo"} <= dotted_abbreviations()


def test_forms_found_again_are_the_same_and_a_callers_own() -> None:
    """The forms of a token list seen lately are remembered: asked again, the same forms, in a list the
    caller may change without changing what the next caller gets."""
    tokens = name_tokens("OOO ROMASHKA HOLDING LIMITED LIABILITY COMPANY")
    first = find_legal_forms(tokens)
    assert [f.canonical for f in first] == ["llc", "llc"]
    first.append(first[0])
    again = find_legal_forms(list(tokens))
    assert [f.canonical for f in again] == ["llc", "llc"] and again is not first
    assert find_legal_forms(["romashka", "holding"]) == [] and find_legal_forms([]) == []
