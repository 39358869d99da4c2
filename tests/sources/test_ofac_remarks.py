"""OFAC's Remarks field: each label read into its fact (texts copied from real sdn.csv rows)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from embargo.model.entity import Identifier, Name
from embargo.sources.ofac.remarks import parse_dob, parse_remarks, split_remarks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1963", ["1963"]),
        ("1963.", ["1963"]),
        ("circa 1963", ["1963"]),
        ("1962 to 1964", ["1962", "1963", "1964"]),
        ("Dec 1963", ["1963-12"]),
        ("21 Dec 1963", ["1963-12-21"]),
        ("01 Jan 1961 to 31 Dec 1963", ["1961", "1962", "1963"]),
        ("01 Jun 1961 to 30 Jun 1961", ["1961-06"]),
        ("21 Mar 1965 to 20 Mar 1966", ["1965", "1966"]),
        ("Mar 1962 to Feb 1963", ["1962", "1963"]),
        ("circa 1946-1948", ["1946", "1947", "1948"]),
        ("unknown", []),
    ],
)
def test_birth_date_forms(text: str, expected: list[str]) -> None:
    assert parse_dob(text) == expected


def test_person_facts() -> None:
    r = parse_remarks(
        "DOB 22 Jan 1958; alt. DOB 20 Jan 1958; POB Al-Madinah, Saudi Arabia; nationality Saudi Arabia; "
        "Passport A-992535 (Saudi Arabia); alt. Passport B 524420 issued 15 Jul 1998 expires 22 May 2003; "
        "a.k.a. 'ABU AL-HASAN AL MADANI'; citizen Yemen; Gender Male; National ID No. 216040 (Yemen)."
    )
    assert r.birth_dates == ["1958-01-22", "1958-01-20"]
    assert r.birth_places == ["Al-Madinah, Saudi Arabia"]
    assert r.nationalities == ["sa", "ye"]
    assert r.gender == "male"
    assert r.names == [Name("ABU AL-HASAN AL MADANI", "weak")]
    assert r.identifiers == [
        Identifier("passport", "A-992535", "sa", "Passport"),
        Identifier("passport", "B 524420", None, "Passport"),
        Identifier("national_id", "216040", "ye", "National ID No."),
    ]
    assert r.unknown == []


def test_rogozin_remarks() -> None:
    r = parse_remarks("DOB 21 Dec 1963; POB Moscow, Russia; Deputy Prime Minister of the Russian Federation.")
    assert r.birth_dates == ["1963-12-21"]
    assert r.birth_places == ["Moscow, Russia"]
    assert r.props == {"position": ["Deputy Prime Minister of the Russian Federation"]}


def test_quoted_aliases_keep_their_apostrophes() -> None:
    r = parse_remarks("a.k.a. 'ABU ANAS'; a.k.a. ''ABD AL-MUHSI'; f.k.a. 'ANA I'; n.k.a. 'X Y'.")
    assert [n.value for n in r.names] == ["ABU ANAS", "'ABD AL-MUHSI", "ANA I", "X Y"]
    assert {n.kind for n in r.names} == {"weak"}


def test_vessel_facts() -> None:
    r = parse_remarks(
        "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag None Identified; "
        "Additional Sanctions Information - Subject to Secondary Sanctions; Vessel Registration Identification "
        "IMO 9187629; MMSI 572469210; f.k.a. 'ALPHA'; Linked To: NATIONAL IRANIAN TANKER COMPANY; "
        "Vessel Year of Build 1990; Other Vessel Flag Panama; Other Vessel Call Sign 3FZL9; Other Vessel Type Tug."
    )
    assert Identifier("imo", "IMO9187629", None, "Vessel Registration Identification") in r.identifiers
    assert Identifier("mmsi", "572469210", None, "MMSI") in r.identifiers
    assert Identifier("call_sign", "3FZL9", None, "Other Vessel Call Sign") in r.identifiers
    assert r.props["pastFlags"] == ["mt", "tv"]
    assert r.props["flag"] == ["pa"]
    assert r.props["buildDate"] == ["1990"]
    assert r.props["type"] == ["Tug"]
    assert r.props["linkedTo"] == ["NATIONAL IRANIAN TANKER COMPANY"]
    assert r.measures == ["Subject to Secondary Sanctions"]
    assert r.unknown == ["Former Vessel Flag (unknown country)"]  # "None Identified", kept in notes
    assert r.props["notes"] == ["Former Vessel Flag None Identified"]


def test_aircraft_facts() -> None:
    r = parse_remarks(
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft Manufacture Date 1992; "
        "Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's Serial Number (MSN) "
        "1023409321; Aircraft Tail Number EP-GOM; Linked To: POUYA AIR."
    )
    assert r.identifiers == [
        Identifier(
            "aircraft_serial", "8401", None, "Aircraft Construction Number (also called L/N or S/N or F/N)"
        ),
        Identifier("aircraft_serial", "1023409321", None, "Aircraft Manufacturer's Serial Number (MSN)"),
        Identifier("aircraft_tail", "EP-GOM", None, "Aircraft Tail Number"),
    ]
    assert r.props == {
        "buildDate": ["1992"],
        "model": ["IL76-TD"],
        "operator": ["YAS AIR"],
        "linkedTo": ["POUYA AIR"],
    }


def test_organisation_facts() -> None:
    r = parse_remarks(
        "SWIFT/BIC GAZPRUMM; Website www.gazprombank.ru; Email Address info@gpb.ru; Target Type Financial "
        "Institution; Organization Established Date 31 Jul 1990; Organization Type: Activities of holding "
        "companies; Tax ID No. 7744001497 (Russia); Legal Entity Number 253400WSS48YWMBUA688; Registration "
        "Number HRA 738077 (Stuttgart) (Germany); R.F.C. # PMA-910805 (Mexico); Unified Social Credit Code "
        "(USCC) 91222401MA0Y31E659 (China); Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; "
        "alt. Digital Currency Address - ETH 0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c; Phone Number 982188526300."
    )
    ids = {(i.type, i.value, i.country) for i in r.identifiers}
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
    wallet = next(i for i in r.identifiers if i.value.startswith("0x85"))
    assert wallet.note == "Digital Currency Address - ETH"
    assert r.props["incorporationDate"] == ["1990-07-31"]
    assert r.props["sector"] == ["Activities of holding companies"]
    assert r.props["classification"] == ["Financial Institution"]
    assert r.sectors == ["finance"]
    assert r.unknown == []


@pytest.mark.parametrize(
    ("directive", "sector"),
    [("1", "finance"), ("2", "energy"), ("3", "defence"), ("4", "energy")],
)
def test_ssi_directives_give_measure_and_sector(directive: str, sector: str) -> None:
    r = parse_remarks(
        f"Executive Order 13662 Directive Determination - Subject to Directive {directive}; For more "
        "information on directives, please visit the following link: "
        "http://www.treasury.gov/resource-center/sanctions/Programs/Pages/ukraine.aspx#directives."
    )
    assert r.measures == [f"EO 13662 Directive {directive}"]
    assert r.sectors == [sector]
    assert r.props == {}  # the link is boilerplate


def test_eo14024_directive_dates() -> None:
    r = parse_remarks(
        "Executive Order 14024 Directive Information Subject to Directive 3 - All transactions in new debt are "
        "prohibited; Listing Date (EO 14024 Directive 3): 24 Feb 2022; Effective Date (EO 14024 Directive 3): "
        "26 Mar 2022; Listing Date (CMIC) 03 Jun 2021."
    )
    assert set(r.measures) == {"EO 14024 Directive 3"}
    assert r.sectors == ["finance"] * 3
    assert r.listing_dates == ["2022-02-24", "2021-06-03"]
    assert "Effective Date (EO 14024 Directive 3): 26 Mar 2022" in r.props["notes"]


def test_sanction_statements() -> None:
    r = parse_remarks(
        "Secondary sanctions risk: this person is designated for operating or having operated in a sector of the "
        "Russian Federation economy determined to support Russia's military-industrial base pursuant to section "
        "11 of Executive Order 14024; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
        "Institutions: North Korea Sanctions Regulations section 510.214; IFCA Determination - Involved in the "
        "Shipping Sector; alt. Executive Order 13846 information: BANKING TRANSACTIONS.  Sec. 5(a)(iii)."
    )
    assert r.measures[0].startswith("Secondary sanctions risk: this person is designated")
    assert r.measures[1] == (
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: "
        "North Korea Sanctions Regulations section 510.214"
    )
    assert r.measures[2] == "IFCA Determination - Involved in the Shipping Sector"
    assert r.measures[3] == "Executive Order 13846 information: BANKING TRANSACTIONS. Sec. 5(a)(iii)"
    # only what the party does feeds the sector rules, not what is prohibited to others
    assert len(r.statements) == 2


def test_unknown_label_and_free_text_are_kept_and_reported() -> None:
    r = parse_remarks("Gizmo Number 12345 (Russia); ICTY indictee; Minister of Oil; Brigadier General.")
    assert r.props["notes"] == ["Gizmo Number 12345 (Russia)", "ICTY indictee"]
    assert r.props["position"] == ["Minister of Oil", "Brigadier General"]
    assert r.unknown == ["Gizmo Number", "(free text)"]


def test_truncated_field_keeps_its_last_part_as_a_note() -> None:
    text = "DOB 1970; Passport 123 (Iran); a.k.a. 'snowsjo"
    r = parse_remarks(text, truncated=True)
    assert r.truncated == "a.k.a. 'snowsjo"
    assert r.names == []
    assert r.props["notes"] == ["a.k.a. 'snowsjo"]
    assert parse_remarks(text).names == [Name("snowsjo", "weak")]


def test_issued_details_without_a_number_are_not_identifiers() -> None:
    r = parse_remarks(
        "Passport issued in Sarajevo, Bosnia-Herzegovina; Passport 4117921 issued under the name X Y."
    )
    assert r.identifiers == [Identifier("passport", "4117921", None, "Passport")]
    assert r.props["notes"] == [
        "Passport issued in Sarajevo, Bosnia-Herzegovina",
        "Passport 4117921 issued under the name X Y",
    ]


def test_split_and_empty() -> None:
    assert split_remarks("a; b;; c.") == ["a", "b", "c."]
    assert parse_remarks(None).names == []
    assert parse_remarks("").props == {}


def test_labels_survey_on_a_real_file(lists_dir: Path) -> None:
    """Every label that occurs more than a handful of times in a real sdn.csv is understood."""
    path = lists_dir / "us_ofac_sdn" / "2024-05-02" / "sdn.csv"
    unknown: Counter[str] = Counter()
    parts = 0
    with path.open(encoding="ascii", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) == 12 and row[11].strip() != "-0-":
                parts += len(split_remarks(row[11]))
                unknown.update(parse_remarks(row[11]).unknown)
    free_text = unknown.pop("(free text)", 0)
    assert parts > 60000
    assert free_text < parts * 0.02
    assert max(unknown.values()) <= 20, unknown.most_common(5)
    assert sum(unknown.values()) < 60, unknown.most_common(10)
