"""Strong keys as the lists print them: UN references, identifiers, names."""

from __future__ import annotations

from embargo.model import Identifier, Name, make_entity
from embargo.resolve.keys import name_key, strong_keys, un_ref


def test_un_references_are_written_one_way() -> None:
    assert un_ref("QDi.1") == un_ref("qdi.001") == un_ref(" QDi.001. ") == "QDi.001"
    assert un_ref("KPe.056") == "KPe.056"
    assert un_ref("TI.Z.33.01") is None  # the UK's pre-2014 style names no current UN entry
    assert un_ref("RUS0122") is None


def test_names_compare_whatever_the_order_of_their_words() -> None:
    assert (
        name_key("ROGOZIN, Dmitry Olegovich")
        == name_key("Dmitry Olegovich ROGOZIN")
        == "dmitry olegovich rogozin"
    )


def test_keys_of_a_person_as_one_list_prints_him() -> None:
    person = make_entity(
        source="uk_ofsi",
        source_id="1",
        schema="Person",
        names=[Name("Abu Al Walid", "alias"), Name("Abdul Rahman ZAHED"), Name("Abu Zaid", "weak")],
        birth_dates=["1963-05-01", "1964"],
        identifiers=[
            Identifier("other", "TAi.33", None, "UN Ref"),
            Identifier("passport", "OB 0243318"),
            Identifier("passport", "123"),  # too short to name anyone
            Identifier("email", "x@example.org"),  # not a key
        ],
    )
    keys = set(strong_keys(person))
    assert ("un_ref", "TAi.033") in keys
    assert ("document", "ob0243318") in keys
    assert ("name_birth_date", "abdul rahman zahed | 1963-05-01") in keys
    assert ("full_name", "abdul rahman zahed") in keys
    # a nickname of particles is no full name; a weak a.k.a. is no name at all; a partial date no date
    assert ("full_name", "abu al walid") not in keys
    assert not any("zaid" in value for _, value in keys)
    assert not any(value.endswith("| 1964") for _, value in keys)
    assert not any(kind == "document" and value == "123" for kind, value in keys)


def test_the_csl_mirrors_ofac_ids_and_dpl_names() -> None:
    row = make_entity(source="us_trade_csl", source_id="SDN-16649", schema="Person", names=[Name("X Y")])
    sdn = make_entity(source="us_ofac_sdn", source_id="16649", schema="Person", names=[Name("X Y")])
    dpl = make_entity(
        source="us_trade_csl", source_id="DPL-ZIMO  SHENG", schema="Person", names=[Name("Z S")]
    )
    assert ("ofac_id", "16649") in set(strong_keys(row)) & set(strong_keys(sdn))
    assert ("dpl_name", "ZIMO SHENG") in set(strong_keys(dpl))
