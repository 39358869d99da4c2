"""Monitoring fixtures: a copy of the waves store (so monitoring records never touch the shared one),
its list and monitoring stores, and synthetic counterparties."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from embargo.store import SQLiteStore
from embargo.store.monitor import Counterparty, MonitorStore

SYLLABLES = [
    "zor",
    "vath",
    "quil",
    "lim",
    "ane",
    "bex",
    "tru",
    "mol",
    "daf",
    "rin",
    "xel",
    "pov",
    "gra",
    "nus",
    "kel",
    "vor",
    "bil",
    "tam",
    "sef",
    "yun",
]


def synthetic(n: int, seed: int = 7) -> list[Counterparty]:
    """Made-up people and companies whose invented names match no listed party."""
    rnd = random.Random(seed)

    def word() -> str:
        return "".join(rnd.choice(SYLLABLES) for _ in range(3)).capitalize()

    out = []
    for i in range(n):
        if i % 3:
            out.append(
                Counterparty(f"C{i:07d}", (f"{word()} {word()}",), "Person", (f"19{rnd.randint(40, 99)}",))
            )
        else:
            out.append(
                Counterparty(f"C{i:07d}", (f"{word()} {word()} Ltd",), "Organization", countries=("gb",))
            )
    return out


@pytest.fixture
def wave_db(waves_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "embargo.db"
    src = SQLiteStore(waves_db)  # a checkpoint first, so the copy holds everything
    src.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    src.close()
    shutil.copy(waves_db, db)
    return db


@pytest.fixture
def stores(wave_db: Path) -> Iterator[tuple[SQLiteStore, MonitorStore]]:
    store = SQLiteStore(wave_db)
    yield store, store.monitor
    store.close()
