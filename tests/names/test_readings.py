"""embargo-v3's reading of names (names/readings.py): the same reading on both sides, so that the spelt-out
and the abbreviated forms meet; a person's name keeps its words but for its Arabic particles."""

from __future__ import annotations

import pytest

from embargo.names.prepare import prepare_name
from embargo.names.readings import (
    formal_names,
    listed_names,
    name_parts,
    read_name,
    unglued,
    vessel_prefix,
    without_nasab,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("BARUS LLC", "BARUS LIMITED LIABILITY COMPANY"),
        ("BARUS OOO", "BARUS, OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU"),
        ("LAKOKRASKA OJSC", "OTKRYTOE AKTSIONERNOE OBSHCHESTVO LAKOKRASKA"),
        ("CLOSED AO ENERGO-OIL", "CLOSED JOINT STOCK COMPANY ENERGO-OIL"),
        ("JOINT STOCK CO 140 REPAIR PLANT", "140 REPAIR PLANT JSC"),
        ("PAEKSOL TRDG CORP.", "PAEKSOL TRADING CORPORATION"),
        ("TIANYI INT'L DALIAN CO., LTD.", "TIANYI INTERNATIONAL DALIAN COMPANY LIMITED"),
    ],
)
def test_an_organisation_reads_alike_however_its_form_is_written(a: str, b: str) -> None:
    def read(name: str) -> str:
        return prepare_name(read_name(name, "Organization"), "Organization").text

    assert read(a) == read(b)


def test_a_name_the_reading_leaves_alone_is_returned_as_written() -> None:
    assert read_name("Gazprom Neft", "Organization") == "Gazprom Neft"
    assert read_name("LLC", "Organization") == "LLC"  # nothing would be left of it
    assert read_name("Ivan Petrov", "Person") == "Ivan Petrov"
    assert read_name("عبد القادر", "Person") == "عبد القادر"  # the script's own transliteration reads it


def test_a_vessel_is_read_without_its_prefix() -> None:
    assert read_name("M/V PERARIN", "Vessel") == read_name("M.V. PERARIN", "Vessel") == "perarin"
    assert read_name("MT FU YUAN YU 7604", "Vessel") == "fu yuan yu 7604"
    assert vessel_prefix(["mv"]) == 0  # nothing would be left
    assert read_name("MT SMITH", "Person") == "MT SMITH"


def test_arabic_particles_in_latin_letters_read_as_the_script_writes_them() -> None:
    assert read_name("KAMMOUN, Mehdi Ben Mohamed", "Person") == "kammoun mehdi bin mohamed"
    for abd in ("Abdelkader", "Abdul Kader", "ABD EL KADER"):
        assert read_name(abd, "Person") == "abd al kader"
    assert read_name("Abdurrahman", "Person") == read_name("Abdul Rahman", "Person") == "abd al rahman"
    assert read_name("Abdullah Azzam", "Person") == "Abdullah Azzam"


def test_a_parenthesised_part_is_a_name_of_its_own_where_it_names_the_rest() -> None:
    assert name_parts("PARTIYA KARKEREN KURDISTANE (PKK)", "Organization")[1:] == [
        "partiya karkeren kurdistane",
        "pkk",
    ]
    assert name_parts("JSC Central Research Institute (JSC TsNIIMash)", None)[2] == "jsc tsniimash"
    for branch in ("HONG PANG GEMS (HK) CO. LIMITED", "QINGDAO HOTEL (NAMIBIA) CC", "ICARUS (PTY) LTD"):
        assert name_parts(branch, "Organization") == [branch]
    assert name_parts("SMITH, John (Jack)", "Person") == ["SMITH, John (Jack)"]
    assert listed_names("TEHRIK-E TALIBAN PAKISTAN (TTP)", "alias", "Organization")[-1] == ("ttp", "alias")


def test_nicknames_stand_for_their_formal_names() -> None:
    assert "henry" in formal_names("hank")
    assert "aleksandr" in formal_names("sasha")
    assert "mikhail" in formal_names("misha")
    assert formal_names("qwzx") == ()


def test_a_bulgarian_legal_form_in_cyrillic_reads_as_its_class() -> None:
    assert read_name("АД „Институт Гипростроймост“", None) == "institut giprostroymost jsc"
    assert read_name("Фирма ЕАД", "Company") == "firma jsc"
    # only where Cyrillic writes it: "AD" in Latin letters is left as written
    assert read_name("AD Trading", None) == "AD Trading"


def test_the_persian_ezafe_is_left_out_of_a_name_of_no_person() -> None:
    assert read_name("SEPAH-E PASDARAN-E ENQELAB-E ESLAMI", None) == "sepah pasdaran enqelab eslami"
    assert read_name("Lashkar-e-Taiba", "Organization") == "lashkar taiba"
    assert read_name("JAISH-I-MOHAMMED", None) == "jaish mohammed"
    # not a word's own ending, nor the name's last letter
    assert read_name("Abu-i", None) == "Abu-i"


@pytest.mark.parametrize(
    ("value", "short"),
    [
        ("HAMRAOUI, Kamel Ben Mouldi Ben Hassan", "hamraoui kamel"),
        ("Adel Ben Al-Azhar Ben Youssef Hamdi", "adel hamdi"),
        ("KHAN, Ali bin Abd al Rahman", "khan ali"),
        # a chain ending a name written without a comma is its family name
        ("Usama bin Muhammad bin Awad bin Ladin", "usama bin ladin"),
        # nothing to leave out, or one word left
        ("Mohamed Ben Ali", ""),
        ("Kamel Hamraoui", ""),
    ],
)
def test_a_nasab_is_left_out_of_a_second_reading(value: str, short: str) -> None:
    assert without_nasab(value) == short


def test_a_listed_person_is_also_read_without_the_nasab() -> None:
    names = [n for n, _ in listed_names("HAMRAOUI, Kamel Ben Mouldi Ben Hassan", "primary", "Person")]
    assert "hamraoui kamel" in names


@pytest.mark.parametrize(
    ("name", "apart"),
    [
        ("GOLDEN GROUP TRADINGSARL", "golden group trading sarl"),
        ("DECARTOOD", "decart ood"),
        # a word that merely ends in a form's letters is read apart too: the name as written is still read
        ("HOLLYWOOD", "hollyw ood"),
        ("ROSNEFT", ""),
        ("BARUS LLC", ""),
    ],
)
def test_a_legal_form_glued_to_the_last_word_is_read_apart(name: str, apart: str) -> None:
    assert unglued(name) == apart


def test_russian_kinds_of_enterprise_and_cut_forms_read_as_lists_abbreviate_them() -> None:
    spelt = "GOSUDARSTVENNOE NAUCHNO PROIZVODSTVENNOE PREDPRIYATIE REGION AKTSIONERNOE OBSHCHESTVO"
    # the same words, the legal forms in the order the name gives them
    assert sorted(read_name(spelt, "Organization").split()) == ["fgup", "jsc", "region"]
    assert sorted(read_name("AO GNPP REGION", "Organization").split()) == ["fgup", "jsc", "region"]
    assert read_name("PUBLICHNOE AO ZVEZDA", None) == read_name("PAO ZVEZDA", None) == "zvezda jsc"
    assert read_name("KURGANMASHZAVOD PUBLIC JOINT-STOCK", None) == "kurganmashzavod jsc"
    # a cut form only at the end: elsewhere it is the start of the full form
    assert read_name("JOINT STOCK COMPANY ALMAZ", None) == "almaz jsc"
