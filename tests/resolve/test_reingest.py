"""Judgements survive ingest: a reviewer's decision applies again to every new version of the lists, and
the parties are the same whatever order the lists were ingested in."""

from __future__ import annotations

from pathlib import Path

from embargo.service import Service
from embargo.service.parties import judge, judgements_for, resolution

UN, UK = "un_sc_consolidated", "uk_ofsi_conlist"


def _ingest(db: Path, paths: list[Path]) -> list[str]:
    svc = Service.open(db)
    try:
        return [o.status for o in svc.ingest(paths, allow_older=True)]
    finally:
        svc.close()


def test_a_not_the_same_judgement_survives_a_reingest_of_every_list(lists_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "embargo.db"
    old = [lists_dir / UN / "2025-12-09", lists_dir / UK / "2023-06-05"]
    assert _ingest(db, old) == ["created", "created"]
    svc = Service.open(db)
    try:
        before = resolution(svc.store, weak=False)
        # the UN's TAi.033 and the UK's entry carrying that reference: one party by the evidence
        assert before.canonical("un-sc-TAi.033") == before.canonical("uk-ofsi-7557")
        judged = judge(svc.store, "un_sc:TAi.033", "uk_ofsi:7557", "not_same", user="ana", reason="test")
    finally:
        svc.close()
    assert judged.verdict == "not_same"
    # every list again (already stored), and a newer version of the UN list
    assert _ingest(db, [*old, lists_dir / UN / "2026-02-27"]) == ["unchanged", "unchanged", "created"]
    svc = Service.open(db)
    try:
        assert {v.label for v in svc.current_versions()} == {"2026-02-27", "2023-06-05"}
        after = resolution(svc.store, weak=False)
        js = judgements_for(svc.store)
        kept = js.judgements()
        js.close()
    finally:
        svc.close()
    assert [(j.left_id, j.right_id, j.verdict, j.user) for j in kept] == [
        ("uk-ofsi-7557", "un-sc-TAi.033", "not_same", "ana")
    ]
    assert after.canonical("un-sc-TAi.033") != after.canonical("uk-ofsi-7557")
    refused = [r for r in after.refusals if {r.left, r.right} == {"un-sc-TAi.033", "uk-ofsi-7557"}]
    assert refused and refused[0].reason == "judged not the same" and refused[0].evidence.kind == "un_ref"


def test_the_same_parties_whatever_order_the_lists_are_ingested_in(lists_dir: Path, tmp_path: Path) -> None:
    ca = "ca_sema"
    files = [lists_dir / ca / "2025-05-25", lists_dir / UN / "2026-02-27", lists_dir / ca / "2020-04-15"]
    found = []
    for name, order in (("a", files), ("b", files[::-1])):
        db = tmp_path / f"{name}.db"
        for path in order:  # one at a time, so the versions get ids in this order
            assert _ingest(db, [path]) == ["created"]
        svc = Service.open(db)
        try:
            res = resolution(svc.store, weak=False)
        finally:
            svc.close()
        found.append([(p.id, p.members, p.evidence) for p in res.parties])
    assert found[0] == found[1]
    assert len(found[0]) > 10
