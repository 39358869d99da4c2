"""A real publication ingested into SQLite and into PostgreSQL: the same version, entities and screening."""

from __future__ import annotations

from pathlib import Path

from embargo.service import Service
from tests import pgserver


def test_a_real_list_reads_back_the_same_from_both_backends(
    lists_dir: Path, pg_server: str, tmp_path: Path
) -> None:
    un = lists_dir / "un_sc_consolidated" / "2022-09-15"
    results = []
    for url in (str(tmp_path / "e.db"), pgserver.new_database(pg_server)):
        svc = Service.open(url)
        try:
            [outcome] = svc.ingest([un])
            assert outcome.status == "created"
            assert [o.status for o in svc.ingest([un])] == ["unchanged"]  # recognised, not stored twice
            [v] = svc.store.versions()
            entities = list(svc.entities())
            hits = svc.screener().screen("Al-Qaida")
            results.append((v.content_hash, v.entity_count, entities, [(h.entity.id, h.score) for h in hits]))
        finally:
            svc.close()
    sqlite, postgres = results
    assert sqlite[1] > 500 and sqlite[0] == postgres[0] and sqlite[1] == postgres[1]
    assert sqlite[2] == postgres[2]
    assert sqlite[3] and sqlite[3] == postgres[3]
