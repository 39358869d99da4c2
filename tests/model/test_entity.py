from __future__ import annotations

import orjson
from followthemoney import model as ftm_model

from embargo.model import Identifier, Name, Sanction, entity_from_dict, entity_to_dict, make_entity, make_id
from embargo.model.ftm import from_ftm, to_ftm


def _rogozin(order: int = 0) -> object:
    names = [
        Name("ROGOZIN, Dmitry Olegovich"),
        Name("ROGOSIN, Dmitri", "weak"),
        Name("Рогозин Дмитрий", "original", "ru"),
    ]
    ids = [Identifier("passport", "123", "ru", "Passport"), Identifier("national_id", "77 01", "ru")]
    if order:
        names.reverse()
        ids.reverse()
    return make_entity(
        source="us_ofac_sdn",
        source_id="16649",
        schema="Person",
        names=names,
        birth_dates=["1963-12-21"],
        birth_places=["Moscow, Russia"],
        nationalities=["ru"],
        identifiers=ids,
        sanctions=[Sanction("US Treasury OFAC", "SDN", ("UKRAINE-EO13661",))],
        props={"title": ["Deputy Prime Minister"], "notes": ["  spaced   out  "]},
    )


def test_ids_are_deterministic_and_safe() -> None:
    assert make_id("us_ofac_sdn", "16649") == "us-ofac-sdn-16649"
    assert make_id("un_sc", "QDi.001") == "un-sc-QDi.001"
    odd = make_id("us_bis_dpl", "A B/C")
    assert odd == make_id("us_bis_dpl", "A B/C")
    assert odd != make_id("us_bis_dpl", "A-B-C")
    assert all(ch.isalnum() or ch in ".-" for ch in odd)


def test_entities_are_canonical_whatever_the_order() -> None:
    a, b = _rogozin(0), _rogozin(1)
    assert a == b
    assert a.content_hash == b.content_hash  # type: ignore[attr-defined]
    assert a.caption == "ROGOZIN, Dmitry Olegovich"  # type: ignore[attr-defined]
    assert a.prop("notes") == ("spaced out",)  # type: ignore[attr-defined]


def test_strongest_name_kind_wins() -> None:
    e = make_entity(
        source="s",
        source_id="1",
        schema="Person",
        names=[Name("X Y", "weak"), Name("X  Y", "alias"), Name("Z")],
    )
    assert [(n.value, n.kind) for n in e.names] == [("Z", "primary"), ("X Y", "alias")]


def test_dict_round_trip() -> None:
    e = _rogozin()
    assert entity_from_dict(entity_to_dict(e)) == e  # type: ignore[arg-type]


def test_stored_entities_share_their_categorical_strings() -> None:
    """Read back from JSON (as a store reads them), two entities hold one string per schema, name kind,
    authority: a store of 1M entities would otherwise hold millions of copies of "alias"."""
    e = _rogozin()
    a, b = (entity_from_dict(orjson.loads(orjson.dumps(entity_to_dict(e)))) for _ in range(2))  # type: ignore[arg-type]
    assert a == b == e
    assert a.schema is b.schema
    assert a.names[1].kind is b.names[1].kind
    assert a.sanctions[0].authority is b.sanctions[0].authority
    assert a.sanctions[0].programs[0] is b.sanctions[0].programs[0]


def test_ftm_export_validates_and_round_trips() -> None:
    e = _rogozin()
    records = to_ftm(e)  # type: ignore[arg-type]
    assert [r["schema"] for r in records] == ["Person", "Sanction"]
    for rec in records:
        proxy = ftm_model.get_proxy(rec, cleaned=False)  # raises on unknown schema / property
        for prop, values in rec["properties"].items():
            ptype = proxy.schema.properties[prop].type
            for v in values:
                assert ptype.clean(v) is not None, (prop, v)
    person = records[0]["properties"]
    assert person["birthDate"] == ["1963-12-21"]
    assert person["weakAlias"] == ["ROGOSIN, Dmitri"]
    assert person["passportNumber"] == ["123"]
    assert records[1]["properties"]["program"] == ["UKRAINE-EO13661"]
    back = list(from_ftm(records, "us_ofac_sdn"))
    assert len(back) == 1
    assert back[0].id == e.id  # type: ignore[attr-defined]
    assert back[0].source_id == "16649"
    assert back[0].birth_dates == ("1963-12-21",)
    assert back[0].sanctions[0].programs == ("UKRAINE-EO13661",)


def test_values_with_and_without_optional_fields_sort() -> None:
    e = make_entity(
        source="s",
        source_id="1",
        schema="Person",
        names=[Name("A")],
        identifiers=[Identifier("passport", "1", "ru"), Identifier("passport", "1")],
    )
    assert [i.country for i in e.identifiers] == [None, "ru"]


def test_catalog_formats_exist() -> None:
    from embargo.sources import formats
    from embargo.sources.catalog import SOURCES

    names = {f.NAME for f in formats()}
    for info in SOURCES.values():
        assert set(info.formats) <= names, info.name


def test_quoted_names_are_unquoted() -> None:
    e = make_entity(
        source="s",
        source_id="1",
        schema="Person",
        names=[
            Name("'FOOPIE'", "weak"),
            Name('"The Base"', "alias"),
            Name("'ALAMAH, Jihad"),
            Name("«Х»", "alias"),
        ],
    )
    assert sorted(n.value for n in e.names) == ["'ALAMAH, Jihad", "FOOPIE", "The Base", "Х"]
