"""The timeline's counts against the service's diff, over real OFAC SDN and UN publications."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from embargo.errors import StoreError
from embargo.service import Service
from embargo.service.facets import Filters
from embargo.service.timeline import ORIGIN_LABELS


@pytest.fixture(scope="module")
def svc(waves_db: Path) -> Service:
    return Service.open(waves_db)


def test_each_step_counts_what_diff_finds(svc: Service) -> None:
    t = svc.timeline(period="day")
    assert len(t.steps) == 4  # SDN 18->21->24, UN 2020-03 -> 2020-11 -> 2022-09
    for step in t.steps:
        d = svc.diff(step.source, str(step.from_version.id), str(step.to_version.id))
        assert (step.added, step.removed, step.changed) == (
            len(d.added),
            len(d.removed),
            len(d.changed),
        )
    wave = next(s for s in t.steps if s.to_version.publish_date == "2022-03-24")
    assert (wave.added, wave.removed, wave.redated) == (397, 0, 0)


def test_diff_bars_plus_redated_marks_equal_the_diffs(svc: Service) -> None:
    t = svc.timeline(period="day", start="2000-01-01")
    drawn = Counter[tuple[str, str]]()
    for b in t.bars:
        if b.origin == "diff":
            drawn[(b.period, "added")] += b.added
            drawn[(b.period, "removed")] += b.removed
    for step in t.steps:
        day = step.to_version.publish_date
        assert drawn[(day, "added")] + step.redated == step.added, day
        assert drawn[(day, "removed")] == step.removed, day
    sdn_day = [b for b in t.bars if b.period == "2022-03-24"]
    assert sum(b.added for b in sdn_day) == 397 and {b.origin for b in sdn_day} == {"diff"}
    # the UN's 2020-11 -> 2022-09 gap is long: its designations are drawn at the listing dates it prints
    un_gap = next(s for s in t.steps if s.to_version.publish_date == "2022-09-15")
    assert un_gap.redated > 0
    listing = [b for b in t.bars if b.origin == "listing"]
    assert listing and min(b.period for b in listing) < "2018-01-01"  # the UN's 2020 list reaches back


def test_groups_periods_filters_and_waves(svc: Service) -> None:
    t = svc.timeline(["us_ofac_sdn"], by="programme", period="month", start="2022-03-01", end="2022-03-31")
    assert t.groups[0] == "RUSSIA-EO14024"
    assert sum(b.added for b in t.bars) == 397 + 1  # the two steps of March 2022
    assert {b.period for b in t.bars} == {"2022-03-01"}
    top = t.waves[0]
    assert top.period == "2022-03-01" and top.added == 398
    assert top.top_programmes[0][0] == "RUSSIA-EO14024" and top.top_programmes[0][1] >= 397
    every = svc.timeline(period="month", start="2022-03-01", end="2022-03-31")
    assert sum(b.added for b in every.bars if b.origin == "diff") == 398  # the UN's are redated
    defence = svc.timeline(start="2022-03-01", end="2022-03-31", filters=Filters(sector="defence"))
    assert 0 < sum(b.added for b in defence.bars) < 398
    weekly = svc.timeline(period="week", start="2022-03-21", end="2022-03-27")
    assert {b.period for b in weekly.bars} == {"2022-03-21"}  # a Monday
    assert weekly.to_dict()["origins"] == ORIGIN_LABELS


def test_bad_arguments_are_clear_errors(svc: Service) -> None:
    with pytest.raises(StoreError, match="cannot group by 'colour'"):
        svc.timeline(by="colour")
    with pytest.raises(StoreError, match="is not a date"):
        svc.timeline(start="2022-13-01")
    with pytest.raises(StoreError, match="no versions of nowhere"):
        svc.timeline(["nowhere"])


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "embargo.cli.main", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_cli_json_and_charts(waves_db: Path, tmp_path: Path) -> None:
    proc = _cli(waves_db, "timeline", "--source", "us_ofac_sdn", "--period", "day", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    diff = json.loads(
        _cli(waves_db, "diff", "us_ofac_sdn", "--from", "2022-03-21", "--to", "2022-03-24", "--json").stdout
    )
    step = next(s for s in data["steps"] if s["to"]["date"] == "2022-03-24")
    assert step["added"] == len(diff["added"]) == 397
    assert sum(b["added"] for b in data["bars"] if b["period"] == "2022-03-24") == 397
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".html", b"<!doctype html>")):
        out = tmp_path / f"waves{suffix}"
        proc = _cli(waves_db, "timeline", "-o", str(out), "--period", "week")
        assert proc.returncode == 0, proc.stderr
        assert out.read_bytes().startswith(magic)
    html = (tmp_path / "waves.html").read_text()
    assert "from listing dates" in html and "from version diffs" in html and "<svg" in html
    assert "http" not in html.split("<svg", 1)[0]  # no stylesheet or script from elsewhere
    bad = _cli(waves_db, "timeline", "-o", str(tmp_path / "waves.txt"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and ".png" in bad.stderr
