"""The change digest over real publications: the 397 OFAC designations of 2022-03-24."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embargo.errors import StoreError
from embargo.service import Service
from embargo.service.digest_format import to_markdown
from embargo.service.facets import Filters
from embargo.web.export import digest_body, digest_html


@pytest.fixture(scope="module")
def svc(waves_db: Path) -> Service:
    return Service.open(waves_db)


def test_digest_of_the_wave_groups_the_397_additions(svc: Service) -> None:
    d = svc.digest(day="2022-03-24")
    assert [v.source for v in d.versions] == ["us_ofac_sdn"]
    assert d.counts() == {"added": 397, "removed": 0, "changed": 7}
    assert d.authorities == ("US Treasury OFAC",)
    programmes = dict(d.by_programme())
    assert programmes["RUSSIA-EO14024"] == 397
    sectors = dict(d.by_sector())
    assert sum(sectors.values()) >= 397 and sectors["(no sector)"] < 397  # some are tagged
    diff = svc.diff("us_ofac_sdn", "2022-03-21", "2022-03-24")
    assert {p.source_id for p in d.added()} == {e.source_id for e in diff.added}
    changed = d.versions[0].changed
    assert changed and all(c.changes for c in changed)

    md = to_markdown(d)
    assert "+397 added" in md and "## US Treasury OFAC" in md and "| RUSSIA-EO14024 | 397 |" in md
    assert all(f"`{e.source_id}`" in md for e in diff.added)
    assert "**RUSSIA-EO14024** (" in md and "| sector | added |" in md

    capped = digest_body(d, links=True, limit=5)
    assert "… and 389 more" in capped and capped.count("<li>") < 40  # 394 under RUSSIA-EO14024, 5 shown
    page = digest_html(d)
    assert page.count('class="tag sector"') >= sectors.get("defence", 0) > 0
    assert "<script" not in page and "http" not in page.split("<main>", 1)[0]

    payload = json.loads(d.to_json())
    assert payload["type"] == "embargo.digest" and payload["schema_version"] == 1
    authority = payload["authorities"][0]
    assert authority["by_programme"]["RUSSIA-EO14024"] == 397
    assert authority["versions"][0]["counts"]["added"] == 397
    assert authority["versions"][0]["from"]["date"] == "2022-03-21"


def test_ranges_filters_and_errors(svc: Service) -> None:
    assert svc.digest().start == "2022-09-15"  # the last day anything was published
    week = svc.digest(since="2022-03-18", until="2022-03-24")
    assert [v.version.publish_date for v in week.versions] == ["2022-03-18", "2022-03-21", "2022-03-24"]
    assert week.versions[0].previous is None  # the first stored version has nothing to compare with
    defence = svc.digest(day="2022-03-24", filters=Filters(sector="defence"))
    assert 0 < defence.counts()["added"] < 397
    assert all("defence" in p.sectors for p in defence.added())
    with pytest.raises(StoreError, match="not a date"):
        svc.digest(day="24.03.2022")
    with pytest.raises(StoreError, match="either a date or a range"):
        svc.digest(day="2022-03-24", since="2022-03-01")
    with pytest.raises(StoreError, match="ends before it starts"):
        svc.digest(since="2022-03-24", until="2022-03-01")
