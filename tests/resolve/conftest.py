"""A store of real lists that list the same parties: the OFAC SDN list and the CSL's copy of it, the UK,
Canadian, Australian, UN and Japanese (MOF) lists; resolved once for the module that asks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from embargo.resolve import Resolution
from embargo.screener import Screener
from embargo.service import Service
from embargo.service.parties import resolution

# one version of each list, as (folder under ../shared/data/lists, version folder)
FILES = (
    ("us_ofac_sdn", "2024-05-02"),
    ("us_trade_csl", "2022-05-06"),
    ("uk_ofsi_conlist", "2025-04-14"),
    ("ca_sema", "2025-05-25"),
    ("au_dfat", "2024-12-17"),
    ("un_sc_consolidated", "2026-02-27"),
    ("jp_mof", "2026-03-05"),
)
ROGOZIN = {
    "us-ofac-sdn-16649",
    "us-trade-csl-SDN-16649",
    "uk-ofsi-12935",
    "ca-sema-RU-1-5",
    "au-dfat-2684",
}


@pytest.fixture(scope="session")
def parties_db(lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("parties") / "embargo.db"
    svc = Service.open(db)
    try:
        outcomes = svc.ingest([lists_dir / folder / version for folder, version in FILES])
    finally:
        svc.close()
    assert [o.status for o in outcomes] == ["created"] * len(FILES)
    return db


@pytest.fixture
def service(parties_db: Path) -> Iterator[Service]:
    svc = Service.open(parties_db)
    try:
        yield svc
    finally:
        svc.close()


@pytest.fixture(scope="session")
def resolved(parties_db: Path) -> Resolution:
    """The lists resolved with no judgement (the session's tests that judge use stores of their own)."""
    svc = Service.open(parties_db)
    try:
        return resolution(svc.store)
    finally:
        svc.close()


@pytest.fixture(scope="session")
def parties_app(parties_db: Path) -> FastAPI:
    """The API app (the web pages mounted in it) over the store, its screening snapshot built."""
    from embargo.api import create_app

    app = create_app(parties_db, keys_required=False)
    app.state.embargo.screening.reload()
    return app


@pytest.fixture(scope="session")
def screener(parties_db: Path) -> Screener:
    return Screener.from_store(parties_db)
