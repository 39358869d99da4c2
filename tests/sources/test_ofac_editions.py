"""One OFAC publication read from its CSV and from its XML edition gives the same entities.

The stored lists hold one publication in both editions: the consolidated (non-SDN) list of
2025-12-18 (``consolidated.xml`` and ``cons_prim.csv`` with its add/alt/comments files). Both are
read through the one label table (``us_ofac_labels.yml``), so ids, names, schemas, sanctions
(lists, programmes, measures, listing dates, sectors) and every fact both editions carry agree.

What the CSV edition cannot carry, and how the comparison allows for it:

* an address's city, state and postal code are one CSV column ("Moscow 119034") where the XML has
  three elements: addresses are compared by country and by their words, not by their parts;
* the CSV prints a double quote inside a name as a single quote (``"OIL TRUNK PIPELINES 'DRUZHBA'"``);
* a free-text remark the CSV prints with a space before its full stop (``worldwide .``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from embargo.model.entity import Entity
from embargo.sources.base import ParsedList
from embargo.sources.ofac import csv_format, xml_format
from embargo.sources.sectors import tag_entity

DATE = "2025-12-18"


@pytest.fixture(scope="module")
def editions(lists_dir: Path) -> tuple[ParsedList, ParsedList]:
    folder = lists_dir / "us_ofac_consolidated"
    xml = xml_format.parse(folder / DATE / "consolidated.xml", "us_ofac_cons")
    csv = csv_format.parse(folder / f"{DATE}_csv" / "cons_prim.csv", "us_ofac_cons")
    return xml, csv


def _words(text: str) -> str:
    return " ".join(re.sub(r"[,\s]+", " ", text).split())


def _comparable(e: Entity) -> dict[str, object]:
    """What both editions carry, in the form both can print it (see the module docstring)."""
    e = tag_entity(e)  # ingest adds the sectors a name or a vessel shows
    return {
        "schema": e.schema,
        "names": sorted((n.value.replace('"', "'"), n.kind) for n in e.names),
        "birth_dates": e.birth_dates,
        "birth_places": e.birth_places,
        "nationalities": e.nationalities,
        "countries": e.countries,
        "gender": e.gender,
        "identifiers": e.identifiers,
        "addresses": sorted((a.country or "", _words(a.full)) for a in e.addresses),
        "sanctions": e.sanctions,
        "props": {k: [v.replace(" .", ".") for v in vs] for k, vs in e.props},
    }


def test_both_editions_list_the_same_parties(editions: tuple[ParsedList, ParsedList]) -> None:
    xml, csv = editions
    assert xml.list_date == DATE and csv.list_date is None  # the CSV prints no date
    assert len(xml.entities) == len(csv.entities) == 442
    assert {e.id for e in xml.entities} == {e.id for e in csv.entities}


def test_both_editions_give_the_same_sectors(editions: tuple[ParsedList, ParsedList]) -> None:
    xml, csv = editions
    by_id = {e.id: tag_entity(e) for e in csv.entities}
    for e in map(tag_entity, xml.entities):
        assert [s.sectors for s in e.sanctions] == [s.sectors for s in by_id[e.id].sanctions], e.source_id
    assert sum(1 for e in xml.entities if e.sanctions[0].sectors) > 300


def test_both_editions_give_the_same_entities(editions: tuple[ParsedList, ParsedList]) -> None:
    xml, csv = editions
    by_id = {e.id: e for e in csv.entities}
    differ = [e.source_id for e in xml.entities if _comparable(e) != _comparable(by_id[e.id])]
    assert differ == []


def test_the_csv_edition_differs_only_in_what_it_cannot_carry(
    editions: tuple[ParsedList, ParsedList],
) -> None:
    """The allowances above are needed, and no more: the raw entities differ only in those forms."""
    xml, csv = editions
    by_id = {e.id: e for e in csv.entities}
    address_parts = quoted_names = spaced_notes = 0
    for e in xml.entities:
        c = by_id[e.id]
        address_parts += e.addresses != c.addresses
        quoted_names += e.names != c.names
        spaced_notes += e.props != c.props
        assert (e.identifiers, e.sanctions, e.birth_dates, e.nationalities) == (
            c.identifiers,
            c.sanctions,
            c.birth_dates,
            c.nationalities,
        )
    assert address_parts > 300  # most addresses have a postal code
    assert (quoted_names, spaced_notes) == (1, 1)
