"""Every entity parsed from real list files exports to FollowTheMoney entities FtM accepts as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from followthemoney import model as ftm_model

from embargo.model.ftm import from_ftm, to_ftm
from embargo.service.ingest import discover, parse_candidate

SAMPLES = [
    "us_ofac_sdn/2024-05-02",
    "us_ofac_consolidated/2025-01-10",
    "un_sc_consolidated/2026-02-27",
    "uk_ofsi_conlist/2025-04-14",
    "ca_sema/2025-05-25",
    "us_bis_dpl/2023-11-28",
    "au_dfat/2024-12-17",
]


@pytest.mark.parametrize("folder", SAMPLES)
def test_real_entities_export_as_valid_ftm(lists_dir: Path, folder: str) -> None:
    (cand,), _ = discover([lists_dir / folder])
    parsed = parse_candidate(cand)
    records = []
    for entity in parsed.entities:
        out = to_ftm(entity)
        assert out[0]["id"] == entity.id and out[0]["schema"] == entity.schema
        records.extend(out)
    schemas = {r["schema"] for r in records}
    assert "Sanction" in schemas
    for rec in records:
        raw = ftm_model.get_proxy(rec, cleaned=False)
        cleaned = ftm_model.get_proxy(rec, cleaned=True)
        # cleaning changes nothing: every value is already valid for its property type
        assert raw.to_dict()["properties"] == cleaned.to_dict()["properties"], rec["id"]
        if rec["schema"] == "Sanction":
            assert rec["properties"]["entity"] and rec["properties"]["authority"]
        else:
            assert rec["properties"].get("name"), rec["id"]
    back = {e.id: e for e in from_ftm(records, parsed.source)}
    assert set(back) == {e.id for e in parsed.entities}
    for e in parsed.entities[:200]:
        b = back[e.id]
        # FtM has no "primary" name: the names survive, not which one was the caption
        assert {n.value for n in b.names} == {n.value for n in e.names}
        assert b.birth_dates == e.birth_dates
        assert {s.programs for s in b.sanctions} == {s.programs for s in e.sanctions}
