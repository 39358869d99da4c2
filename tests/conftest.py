"""Shared test fixtures: where the real official list files are (../shared/data/lists)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS.is_dir():
        pytest.fail(f"the official list files are missing: {LISTS} (../shared/data/lists beside the repo)")
    return LISTS


@pytest.fixture(scope="session")
def waves_db(lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of real publications around the 2022-03-24 wave: OFAC SDN 2022-03-18, -21 and -24
    (consecutive captures) and three UN versions with long gaps between them (listing dates)."""
    from embargo.service import Service

    db = tmp_path_factory.mktemp("waves") / "embargo.db"
    svc = Service.open(db)
    try:
        sdn, un = lists_dir / "us_ofac_sdn", lists_dir / "un_sc_consolidated"
        paths = [sdn / d for d in ("2022-03-18", "2022-03-21", "2022-03-24")]
        paths += [un / d for d in ("2020-03-20", "2020-11-23", "2022-09-15")]
        outcomes = svc.ingest(paths)
    finally:
        svc.close()
    assert [o.status for o in outcomes] == ["created"] * 6
    return db
