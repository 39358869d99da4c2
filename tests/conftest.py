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
