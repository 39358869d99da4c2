"""The shared store suite runs every test against each backend: ``store_url`` is a fresh, empty database
of one (a SQLite file; a new database in a throwaway PostgreSQL cluster, see tests/pgserver.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from embargo.store import Store, open_store
from tests import pgserver

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pgserver.Cluster]:
    why = pgserver.missing()
    if why:
        pytest.skip(why)
    with pgserver.cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def pg_server(pg_cluster: pgserver.Cluster) -> str:
    return pg_cluster.url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: str = request.getfixturevalue("pg_server")
    return pgserver.new_database(server)


@pytest.fixture
def opened(store_url: str) -> Iterator[Callable[[], Store]]:
    """Opens stores on ``store_url`` (another process would open its own), closing them all at the end."""
    stores: list[Store] = []

    def open_one() -> Store:
        stores.append(open_store(store_url, upgrade=True))
        return stores[-1]

    yield open_one
    for s in stores:
        s.close()


@pytest.fixture
def store(opened: Callable[[], Store]) -> Store:
    return opened()
