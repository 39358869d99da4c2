"""The sector rules against a hand-labelled sample of 329 Russia-related entries of six real lists.

Each line of tests/fixtures/sectors/russia_sample.jsonl is one entry (source, list id, name) with
the sectors a reader finds in what the list says of it (programmes, directives, reasons, remarks,
the name of an organisation or vessel) and why. ``split`` says how it was used: the 221 "tuning"
entries were labelled beside the rules' tags and the rules written with them in view; the 108
"holdout" entries were drawn and labelled afterwards without seeing any tag, the rules left as they
were. The rules run as ingest runs them (parse, then the name and vessel rules); precision and
recall per sector must stay above the floors measured (the held-out ones are the honest figures).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from embargo.model import SECTORS, Entity
from embargo.service.ingest import discover, parse_candidate
from embargo.sources.sectors import explain_entity_sectors, explain_sectors, sectors_for, tag_entity

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sectors" / "russia_sample.jsonl"
FILES = {
    "us_ofac_sdn": "us_ofac_sdn/2024-05-02",
    "us_ofac_cons": "us_ofac_consolidated/2026-01-08",
    "uk_ofsi": "uk_ofsi_conlist/2025-04-14",
    "ca_sema": "ca_sema/2025-05-25",
    "au_dfat": "au_dfat/2024-12-17",
    "us_trade_csl": "us_trade_csl/2022-05-06",
}
# (precision, recall) floors per sector, a little under what the rules reach on the tuning part
FLOORS = {
    "defence": (0.85, 0.95),
    "aerospace": (0.9, 0.9),
    "maritime": (0.9, 0.9),
    "finance": (0.9, 0.9),
    "energy": (0.85, 0.9),
    "technology": (0.75, 0.85),
    "mining": (0.75, 0.9),
}
# ... and on the held-out part (measured once, the rules unchanged since)
HELD_OUT_FLOORS = {
    "defence": (0.85, 0.95),
    "aerospace": (0.95, 0.75),
    "maritime": (0.95, 0.85),
    "finance": (0.95, 0.75),
    "energy": (0.9, 0.9),
    "technology": (0.95, 0.55),  # n=5: "computers", "quantum technologies" are missed
    "mining": (0.95, 0.45),  # n=4: "copper company" and "geopromaining" (one word) are missed
}


def sectors_of(e: Entity) -> set[str]:
    return {t for s in e.sanctions for t in s.sectors}


@pytest.fixture(scope="module")
def tagged(lists_dir: Path) -> dict[tuple[str, str], set[str]]:
    candidates, refused = discover([lists_dir / p for p in FILES.values()])
    assert not refused and len(candidates) == len(FILES)
    out: dict[tuple[str, str], set[str]] = {}
    for c in candidates:
        for e in parse_candidate(c).entities:
            out[(e.source, e.source_id)] = sectors_of(e)
    return out


def score(
    tagged: dict[tuple[str, str], set[str]], split: str | None = None
) -> dict[str, tuple[float, float, int, int]]:
    """Per sector: precision, recall, entries labelled with it, entries tagged with it."""
    rows = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()]
    rows = [r for r in rows if split is None or r["split"] == split]
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    for r in rows:
        got, want = tagged[(r["source"], r["source_id"])], set(r["labels"])
        for s in got & want:
            tp[s] += 1
        for s in got - want:
            fp[s] += 1
        for s in want - got:
            fn[s] += 1
    return {
        s: (
            tp[s] / (tp[s] + fp[s]) if tp[s] + fp[s] else 1.0,
            tp[s] / (tp[s] + fn[s]) if tp[s] + fn[s] else 1.0,
            tp[s] + fn[s],
            tp[s] + fp[s],
        )
        for s in SECTORS
    }


def test_sample_is_large_and_mixed() -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()]
    assert len(rows) >= 300 and Counter(r["split"] for r in rows) == {"tuning": 221, "holdout": 108}
    assert set(rows[0]) == {"source", "source_id", "name", "labels", "reason", "split"}
    assert len({(r["source"], r["source_id"]) for r in rows}) == len(rows)
    labelled = sum(1 for r in rows if r["labels"])
    assert 80 <= labelled <= len(rows) - 80  # tagged and untagged entries alike
    assert len({r["source"] for r in rows}) == 6


def _report(scores: dict[str, tuple[float, float, int, int]]) -> str:
    return ", ".join(f"{s} P={p:.2f} R={r:.2f} (n={n})" for s, (p, r, n, _) in scores.items())


def test_precision_and_recall_per_sector(tagged: dict[tuple[str, str], set[str]]) -> None:
    scores = score(tagged, "tuning")
    print("tuning:", _report(scores))
    for sector, (p_floor, r_floor) in FLOORS.items():
        p, r, n, _ = scores[sector]
        assert n >= 4, f"{sector}: too few labelled entries to measure ({_report(scores)})"
        assert p >= p_floor and r >= r_floor, f"{sector} below its floor: {_report(scores)}"


def test_precision_and_recall_held_out(tagged: dict[tuple[str, str], set[str]]) -> None:
    scores = score(tagged, "holdout")
    print("holdout:", _report(scores))
    print("all:", _report(score(tagged)))
    for sector, (p_floor, r_floor) in HELD_OUT_FLOORS.items():
        p, r, _, _ = scores[sector]
        assert p >= p_floor and r >= r_floor, f"{sector} below its held-out floor: {_report(scores)}"


def test_each_tag_is_explained_by_its_rule() -> None:
    tags = explain_sectors(["UKRAINE-EO13662"], "EO 13662 Directive 4", "(Linked To: BANK ROSSIYA)")
    assert [(t.sector, t.rule) for t in tags] == [("energy", "keyword 'directive 4'")]
    assert sectors_for(["CMIC-EO13959"]) == ("defence",)  # the old call stays as it was
    named = explain_entity_sectors("Organization", ["JSC Kazan Helicopter Plant"])
    assert [t.to_dict() for t in named] == [{"sector": "aerospace", "rule": "name word 'helicopter'"}]
    assert explain_entity_sectors("Person", ["Ivan BANK"]) == ()
    assert [t.rule for t in explain_entity_sectors("Vessel", ["LADY LEILA"])] == ["listed vessel"]
    tanker = explain_entity_sectors("Airplane", ["RA-78842"])
    assert [t.sector for t in tanker] == ["aerospace"]


def test_tag_entity_adds_name_sectors_to_each_sanction(tagged: dict[tuple[str, str], set[str]]) -> None:
    assert "aerospace" in tagged[("ca_sema", "RU-2-117")]  # Kazan Helicopter Plant Repair Service
    assert tagged[("au_dfat", "272")] == set()  # 'sarin gas attack' names no energy sector
    from embargo.model import Name, Sanction, make_entity

    e = make_entity(
        source="x",
        source_id="1",
        schema="Company",
        names=[Name("Ibex Shipping Inc")],
        sanctions=[Sanction("A", "L", ("P",)), Sanction("B", "M", ("Q",), sectors=("energy",))],
    )
    assert [s.sectors for s in tag_entity(e).sanctions] == [("maritime",), ("energy", "maritime")]


def test_explain_entity_names_the_rule_of_each_stored_tag() -> None:
    from embargo.model import Name, Sanction, make_entity
    from embargo.sources.sectors import explain_entity

    e = make_entity(
        source="x",
        source_id="1",
        schema="Company",
        names=[Name("Kazan Helicopter Plant")],
        sanctions=[
            Sanction(
                "A",
                "SSI",
                ("UKRAINE-EO13662",),
                measures=("EO 13662 Directive 3",),
                sectors=("aerospace", "defence", "energy"),
            )
        ],
    )
    rules = {t.sector: t.rule for t in explain_entity(e)}
    assert rules == {
        "aerospace": "name word 'helicopter'",
        "defence": "stated by the list",
        "energy": "stated by the list",
    }
