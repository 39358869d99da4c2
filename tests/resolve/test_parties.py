"""Screening results by party, the party page's listings side by side, and the FtM export by party."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

import embargo.cli.main  # noqa: F401  (registers every command on the app)
from embargo.cli.base import app
from embargo.resolve import Resolution
from embargo.screener import Screener
from embargo.service import Service
from embargo.service.parties import export_parties, group_by_party
from embargo.service.party_view import party_view

from .conftest import ROGOZIN


def test_screening_rogosin_gives_one_party_with_his_five_listings(
    screener: Screener, resolved: Resolution
) -> None:
    results = screener.screen("Dmitri Rogosin")
    ungrouped = [m for m in results if m.entity.id in ROGOZIN]
    assert len(ungrouped) == 5  # without grouping: five results for one man
    grouped = group_by_party(results, resolved)
    top = grouped[0]
    assert top.id == resolved.canonical("us-ofac-sdn-16649")
    assert {m.entity.id for m in top.listings} == ROGOZIN
    assert set(top.referents) == ROGOZIN
    assert top.score == max(m.score for m in ungrouped)
    assert [m.score for m in top.listings] == sorted((m.score for m in top.listings), reverse=True)
    assert all(m.explanation for m in top.listings)  # each member keeps its own explanation
    summary = top.summary()
    assert summary.startswith(f"{top.caption}: listed by ")
    for label in (
        "US Treasury OFAC (SDN, UKRAINE-EO13661)",
        "UK HM Treasury OFSI",
        "Global Affairs Canada",
        "Australia DFAT",
    ):
        assert label in summary
    assert summary.endswith("mirrored in us_trade_csl")
    assert len(grouped) == len({resolved.canonical(m.entity.id) for m in results}) < len(results)
    assert top.to_dict()["datasets"] == sorted({m.entity.source for m in ungrouped})


def test_an_entity_of_no_party_is_a_party_of_its_own(screener: Screener, resolved: Resolution) -> None:
    loner = next(e for e in resolved.entities.values() if resolved.party_of(e.id) is None)
    results = screener.screen(loner.caption, limit=3)
    mine = next(p for p in group_by_party(results, resolved) if loner.id in p.members)
    assert mine.id == loner.id and mine.members == (loner.id,) and mine.evidence == ()


def test_the_party_page_shows_each_listing_and_who_listed_first(
    service: Service, resolved: Resolution
) -> None:
    view = party_view(service.store, resolved, "uk_ofsi:12935")
    assert view.id == resolved.canonical("uk-ofsi-12935")
    assert {li.entity.id for li in view.listings} == ROGOZIN
    # Canada's list gives the listing date 2014-03-17, the UK's 2014-03-21: Canada listed him first
    timeline = view.timeline()
    assert timeline[0].startswith("2014-03-17: designated first by Global Affairs Canada")
    assert any(
        line.startswith("2014-03-21: followed by UK HM Treasury OFSI") and "4 days later" in line
        for line in timeline
    )
    assert [li.mirror for li in view.listings].count(True) == 1
    rows = {r.field: r for r in view.rows}
    births = [[v.text for v in cell] for cell in rows["birth dates"].cells]
    assert ["1963-12-21"] in births and [] in births  # Canada prints no date of birth
    places = [v for cell in rows["birth places"].cells for v in cell]
    assert {v.text for v in places if v.differs} == {"Moscow", "Moscow, Russia"}
    names = [v for cell in rows["names"].cells for v in cell]
    assert not any(v.differs for v in names)  # "ROGOZIN, Dmitry Olegovich" is "Dmitry Olegovich ROGOZIN"


def test_export_by_party_gives_one_ftm_entity_with_its_referents(resolved: Resolution) -> None:
    members = [resolved.entities[m] for m in sorted(ROGOZIN)]
    lone = next(e for e in resolved.entities.values() if resolved.party_of(e.id) is None)
    records = list(export_parties([*members, lone], resolved))
    parties = [r for r in records if r["schema"] != "Sanction"]
    assert len(parties) == 2
    rogozin = next(r for r in parties if r["referents"])
    assert rogozin["id"] == resolved.canonical("us-ofac-sdn-16649")
    assert set(rogozin["referents"]) == ROGOZIN
    assert rogozin["datasets"] == sorted({e.source for e in members})
    assert "Dmytro Olehovych ROHOZIN" in rogozin["properties"]["alias"]  # Australia's spelling kept
    single = next(r for r in parties if not r["referents"])
    assert single["id"] == lone.id and single["datasets"] == [lone.source]
    sanctions = [r for r in records if r["schema"] == "Sanction"]
    assert {r["properties"]["entity"][0] for r in sanctions} == {rogozin["id"], lone.id}


def test_the_service_screens_by_party_and_the_cli_shows_one_row(parties_db: Path) -> None:
    """Service.screen(by_party=True) gives Rogozin as one party with his five listings; ``embargo screen``
    groups by default and ``--listings`` gives one row per listing."""
    svc = Service.open(parties_db)
    try:
        grouped = svc.screen("Dmitri Rogosin", limit=3, by_party=True)
        plain = svc.screen("Dmitri Rogosin", limit=10)
    finally:
        svc.close()
    assert grouped.parties is not None and plain.parties is None
    top = grouped.parties[0]
    assert {m.entity.id for m in top.listings} == ROGOZIN and set(top.referents) == ROGOZIN
    assert {m.entity.id for m in plain.matches} >= ROGOZIN
    assert len(grouped.parties) <= 3
    runner = CliRunner()
    by_party = runner.invoke(
        app, ["screen", "Dmitri Rogosin", "--limit", "3", "--json", "--db", str(parties_db)]
    )
    assert by_party.exit_code == 0, by_party.output
    data = orjson.loads(by_party.stdout)
    assert data["parties"][0]["referents"] and set(data["parties"][0]["referents"]) == ROGOZIN
    listings = runner.invoke(
        app, ["screen", "Dmitri Rogosin", "--listings", "--json", "--db", str(parties_db)]
    )
    assert listings.exit_code == 0 and orjson.loads(listings.stdout)["parties"] is None
