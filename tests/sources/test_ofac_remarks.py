"""OFAC's Remarks field: each label read into its fact (texts copied from real sdn.csv rows), with
the meaning the XML editions give the same label (one table: us_ofac_labels.yml)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from embargo.model.entity import Entity, Identifier, Name, Schema
from embargo.sources.ofac.facts import Draft
from embargo.sources.ofac.remarks import read_remarks, split_remarks


def _read(
    text: str | None, schema: Schema = "Organization", *, truncated: bool = False
) -> tuple[Entity, list[str]]:
    """The entity one Remarks text makes (SDN list, no programme), and the labels no rule explained."""
    draft = Draft(schema)
    draft.names.append(Name("X", "primary"))
    unknown = read_remarks(text, draft, truncated=truncated)
    return draft.build("us_ofac_sdn", "1"), unknown


def _props(e: Entity) -> dict[str, tuple[str, ...]]:
    return dict(e.props)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1963", ("1963",)),
        ("circa 1963", ("1963",)),
        ("1962 to 1964", ("1962", "1963", "1964")),
        ("Dec 1963", ("1963-12",)),
        ("21 Dec 1963", ("1963-12-21",)),
        ("01 Jan 1961 to 31 Dec 1963", ("1961", "1962", "1963")),
        ("01 Jun 1961 to 30 Jun 1961", ("1961-06",)),
        ("21 Mar 1965 to 20 Mar 1966", ("1965", "1966")),
        ("circa 1946-1948", ("1946", "1947", "1948")),
        ("unknown", ()),
    ],
)
def test_birth_date_forms(text: str, expected: tuple[str, ...]) -> None:
    e, _ = _read(f"DOB {text}.", "Person")
    assert e.birth_dates == expected


def test_person_facts() -> None:
    e, unknown = _read(
        "DOB 22 Jan 1958; alt. DOB 20 Jan 1958; POB Al-Madinah, Saudi Arabia; nationality Saudi Arabia; "
        "Passport A-992535 (Saudi Arabia); alt. Passport B 524420 issued 15 Jul 1998 expires 22 May 2003; "
        "a.k.a. 'ABU AL-HASAN AL MADANI'; citizen Yemen; Gender Male; National ID No. 216040 (Yemen).",
        "Person",
    )
    assert e.birth_dates == ("1958-01-20", "1958-01-22")
    assert e.birth_places == ("Al-Madinah, Saudi Arabia",)
    assert e.nationalities == ("sa", "ye")
    assert e.gender == "male"
    assert Name("ABU AL-HASAN AL MADANI", "weak") in e.names
    assert set(e.identifiers) == {
        Identifier("passport", "A-992535", "sa", "Passport"),
        Identifier("passport", "B 524420", None, "Passport"),
        Identifier("national_id", "216040", "ye", "National ID No."),
    }
    # the dates a document carries are a note, as the XML edition keeps them
    assert e.prop("notes") == ("Passport B 524420: issued 1998-07-15, expires 2003-05-22",)
    assert unknown == []


def test_position_in_free_text() -> None:
    e, unknown = _read(
        "DOB 21 Dec 1963; POB Moscow, Russia; Deputy Prime Minister of the Russian Federation."
    )
    assert (e.birth_dates, e.birth_places) == (("1963-12-21",), ("Moscow, Russia",))
    assert e.prop("position") == ("Deputy Prime Minister of the Russian Federation",)
    assert unknown == []


def test_quoted_aliases_keep_their_apostrophes() -> None:
    e, _ = _read("a.k.a. 'ABU ANAS'; a.k.a. ''ABD AL-MUHSI'; f.k.a. 'ANA I'; n.k.a. 'X Y'.")
    weak = {n.value for n in e.names if n.kind == "weak"}
    assert weak == {"ABU ANAS", "'ABD AL-MUHSI", "ANA I", "X Y"}


def test_vessel_facts() -> None:
    e, unknown = _read(
        "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag None Identified; "
        "Additional Sanctions Information - Subject to Secondary Sanctions; Vessel Registration Identification "
        "IMO 9187629; MMSI 572469210; f.k.a. 'ALPHA'; Linked To: NATIONAL IRANIAN TANKER COMPANY; "
        "Vessel Year of Build 1990; Other Vessel Flag Panama; Other Vessel Call Sign 3FZL9; Other Vessel Type Tug.",
        "Vessel",
    )
    assert Identifier("imo", "IMO9187629", None, "Vessel Registration Identification") in e.identifiers
    assert Identifier("mmsi", "572469210", None, "MMSI") in e.identifiers
    assert Identifier("call_sign", "3FZL9", None, "Other Vessel Call Sign") in e.identifiers
    props = _props(e)
    assert props["pastFlags"] == ("mt", "tv")
    assert props["flag"] == ("pa",)
    assert props["buildDate"] == ("1990",)
    assert props["type"] == ("Tug",)
    assert props["linkedTo"] == ("NATIONAL IRANIAN TANKER COMPANY",)
    assert e.sanctions[0].measures == ("Subject to Secondary Sanctions",)
    assert props["notes"] == ("Former Vessel Flag: None Identified",)  # not a country
    assert unknown == []


def test_aircraft_facts() -> None:
    e, _ = _read(
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft Manufacture Date 1992; "
        "Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's Serial Number (MSN) "
        "1023409321; Aircraft Tail Number EP-GOM; Linked To: POUYA AIR.",
        "Airplane",
    )
    assert set(e.identifiers) == {
        Identifier(
            "aircraft_serial", "8401", None, "Aircraft Construction Number (also called L/N or S/N or F/N)"
        ),
        Identifier("aircraft_serial", "1023409321", None, "Aircraft Manufacturer's Serial Number (MSN)"),
        Identifier("aircraft_tail", "EP-GOM", None, "Aircraft Tail Number"),
    }
    assert _props(e) == {
        "buildDate": ("1992",),
        "model": ("IL76-TD",),
        "operator": ("YAS AIR",),
        "linkedTo": ("POUYA AIR",),
    }


def test_organisation_facts() -> None:
    e, unknown = _read(
        "SWIFT/BIC GAZPRUMM; Website www.gazprombank.ru; Email Address info@gpb.ru; Target Type Financial "
        "Institution; Organization Established Date 31 Jul 1990; Organization Type: Activities of holding "
        "companies; Tax ID No. 7744001497 (Russia); Legal Entity Number 253400WSS48YWMBUA688; Registration "
        "Number HRA 738077 (Stuttgart) (Germany); R.F.C. # PMA-910805 (Mexico); Unified Social Credit Code "
        "(USCC) 91222401MA0Y31E659 (China); Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; "
        "alt. Digital Currency Address - ETH 0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c; Phone Number 982188526300; "
        "Equity Ticker GAZP RX; Issuer Name Gazprombank JSC."
    )
    ids = {(i.type, i.value, i.country) for i in e.identifiers}
    assert ids == {
        ("swift", "GAZPRUMM", None),
        ("website", "www.gazprombank.ru", None),
        ("email", "info@gpb.ru", None),
        ("tax_id", "7744001497", "ru"),
        ("lei", "253400WSS48YWMBUA688", None),
        ("registration", "HRA 738077 (Stuttgart)", "de"),
        ("tax_id", "PMA-910805", "mx"),
        ("registration", "91222401MA0Y31E659", "cn"),
        ("crypto_wallet", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", None),
        ("crypto_wallet", "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c", None),
        ("phone", "982188526300", None),
    }
    wallet = next(i for i in e.identifiers if i.value.startswith("0x85"))
    assert wallet.note == "Digital Currency Address - ETH"
    props = _props(e)
    assert props["incorporationDate"] == ("1990-07-31",)
    assert props["sector"] == ("Activities of holding companies",)
    assert props["classification"] == ("Financial Institution",)
    assert props["ticker"] == ("GAZP RX",)  # a property, as the XML edition reads it
    assert props["issuer"] == ("Gazprombank JSC",)
    assert Name("Gazprombank JSC", "alias") in e.names  # the issuer name is the party's own name
    assert "finance" in e.sanctions[0].sectors  # "Target Type Financial Institution"
    assert unknown == []


@pytest.mark.parametrize(
    ("directive", "sector"),
    [("1", "finance"), ("2", "energy"), ("3", "defence"), ("4", "energy")],
)
def test_ssi_directives_give_measure_and_sector(directive: str, sector: str) -> None:
    e, _ = _read(
        f"Executive Order 13662 Directive Determination - Subject to Directive {directive}; For more "
        "information on directives, please visit the following link: "
        "http://www.treasury.gov/resource-center/sanctions/Programs/Pages/ukraine.aspx#directives."
    )
    assert e.sanctions[0].measures == (f"EO 13662 Directive {directive}",)
    assert e.sanctions[0].sectors == (sector,)
    assert e.props == ()  # the link is boilerplate


def test_eo14024_directive_dates() -> None:
    e, _ = _read(
        "Executive Order 14024 Directive Information Subject to Directive 3 - All transactions in new debt are "
        "prohibited; Listing Date (EO 14024 Directive 3): 24 Feb 2022; Effective Date (EO 14024 Directive 3): "
        "26 Mar 2022; Executive Order 14024 Directive Information - Subject to Directive 1A."
    )
    assert set(e.sanctions[0].measures) == {"EO 14024 Directive 3", "EO 14024 Directive 1a"}
    # directive 3 (new debt and equity) names no sector; 1A (sovereign debt) is finance
    assert e.sanctions[0].sectors == ("finance",)
    # dates of a directive of another list than the party's (SDN here) are notes
    assert e.prop("notes") == (
        "Effective Date (EO 14024 Directive 3): 2022-03-26",
        "Listing Date (EO 14024 Directive 3): 2022-02-24",
    )


def test_sanction_statements() -> None:
    e, _ = _read(
        "Secondary sanctions risk: this person is designated for operating or having operated in a sector of the "
        "Russian Federation economy determined to support Russia's military-industrial base pursuant to section "
        "11 of Executive Order 14024; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
        "Institutions: North Korea Sanctions Regulations section 510.214; IFCA Determination - Involved in the "
        "Shipping Sector; alt. Executive Order 13846 information: BANKING TRANSACTIONS.  Sec. 5(a)(iii)."
    )
    measures = e.sanctions[0].measures
    assert any(m.startswith("Secondary sanctions risk: this person is designated") for m in measures)
    assert (
        "Transactions prohibited for persons owned or controlled by U.S. financial institutions: "
        "North Korea Sanctions Regulations section 510.214"
    ) in measures
    assert "IFCA Determination: Involved in the Shipping Sector" in measures
    assert "EO 13846: BANKING TRANSACTIONS. Sec. 5(a)(iii)" in measures
    # only what the party does feeds the sector rules, not what is prohibited to others ("BANKING")
    assert e.sanctions[0].sectors == ("defence", "maritime")


def test_unknown_label_and_free_text_are_kept_and_reported() -> None:
    e, unknown = _read("Gizmo Number 12345 (Russia); ICTY indictee; Minister of Oil; Brigadier General.")
    assert e.prop("notes") == ("Gizmo Number 12345 (Russia)", "ICTY indictee")
    assert e.prop("position") == ("Brigadier General", "Minister of Oil")
    assert unknown == ["Gizmo Number", "(free text)"]


def test_truncated_field_keeps_its_last_part_as_a_note() -> None:
    text = "DOB 1970; Passport 123 (Iran); a.k.a. 'snowsjo"
    e, _ = _read(text, truncated=True)
    assert [n.value for n in e.names] == ["X"]
    assert e.prop("notes") == ("a.k.a. 'snowsjo",)
    assert Name("snowsjo", "weak") in _read(text)[0].names


def test_issued_details_without_a_number_are_not_identifiers() -> None:
    e, _ = _read(
        "Passport issued in Sarajevo, Bosnia-Herzegovina; Passport 4117921 issued under the name X Y."
    )
    assert e.identifiers == (Identifier("passport", "4117921", None, "Passport"),)
    assert e.prop("notes") == (
        "Passport 4117921 issued under the name X Y",
        "Passport issued in Sarajevo, Bosnia-Herzegovina",
    )


def test_split_and_empty() -> None:
    assert split_remarks("a; b;; c.") == ["a", "b", "c."]
    assert _read(None)[0].props == ()
    assert _read("")[1] == []


def test_labels_survey_on_a_real_file(lists_dir: Path) -> None:
    """Every label that occurs more than a handful of times in a real sdn.csv is understood."""
    path = lists_dir / "us_ofac_sdn" / "2024-05-02" / "sdn.csv"
    unknown: Counter[str] = Counter()
    parts = 0
    with path.open(encoding="ascii", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) == 12 and row[11].strip() != "-0-":
                parts += len(split_remarks(row[11]))
                unknown.update(read_remarks(row[11], Draft("Organization")))
    free_text = unknown.pop("(free text)", 0)
    assert parts > 60000
    assert free_text < parts * 0.02
    assert max(unknown.values()) <= 20, unknown.most_common(5)
    assert sum(unknown.values()) < 60, unknown.most_common(10)
