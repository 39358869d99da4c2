"""Batch fixtures: a store with the real SDN list (2024-05-02), its screener, and customer books."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from embargo.service import Service
from embargo.service.screener import Screener

ROOT = Path(__file__).resolve().parents[2]
SDN_DIR = (ROOT.parent / "shared" / "data" / "lists" / "us_ofac_sdn" / "2024-05-02").resolve()
HEADER = ["customer_id", "full_name", "type", "dob", "nationality", "passport"]
FIRST = [
    "John",
    "Mary",
    "Peter",
    "Anna",
    "Lukas",
    "Sophie",
    "Pierre",
    "Claire",
    "Marco",
    "Giulia",
    "Hans",
    "Ingrid",
    "Olivia",
    "Noah",
    "Emma",
    "Liam",
]
LAST = [
    "Harris",
    "Miller",
    "Dubois",
    "Schneider",
    "Rossi",
    "Bianchi",
    "Lindqvist",
    "Novak",
    "Horvat",
    "Jensen",
    "Walsh",
    "Moreau",
    "Kowal",
]
FIRMS = [
    "Bluewater",
    "Northfield",
    "Greenleaf",
    "Silverline",
    "Oakridge",
    "Brightpath",
    "Redstone",
    "Clearview",
    "Summit",
]
FORMS = ["Ltd", "GmbH", "SARL", "Inc", "Trading", "Logistics", "Consulting"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: starts Spark in local mode (Java); part of CI, < 60 s")


@pytest.fixture(scope="session")
def sdn_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("batch") / "sdn.db"
    svc = Service.open(db)
    try:
        svc.ingest([SDN_DIR])
    finally:
        svc.close()
    return db


@pytest.fixture(scope="session")
def screener(sdn_db: Path) -> Iterator[Screener]:
    svc = Service.open(sdn_db)
    try:
        yield svc.screener()
    finally:
        svc.close()


def listed_names(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(source id, type, name) of ``n`` SDN persons and companies, varied as a customer book writes them."""
    rng = random.Random(seed)
    picked = []
    with (SDN_DIR / "sdn.csv").open(encoding="latin-1", newline="") as fh:
        for rec in csv.reader(fh):
            if len(rec) > 3 and rec[2].strip() in ("individual", "-0-") and 2 <= len(rec[1].split()) <= 4:
                picked.append((rec[0], rec[2].strip(), rec[1]))
    out = []
    for sid, kind, name in rng.sample(picked, n):
        if kind == "individual" and "," in name:
            last, first = (p.strip() for p in name.split(",", 1))
            name = f"{first} {last}".title() if rng.random() < 0.5 else f"{last.upper()} {first}"
            out.append((sid, "person", name))
        else:
            out.append((sid, "", name.title() if rng.random() < 0.5 else name.rstrip(".")))
    return out


def book_rows(n: int, planted: int, seed: int = 1) -> list[dict[str, str]]:
    """A customer book: ``n`` rows, ``planted`` of them listed names (``customer_id`` starts 'L<sdn id>-')."""
    rng = random.Random(seed)
    listed = listed_names(planted, seed)
    slots = set(rng.sample(range(n), planted))
    rows = []
    for i in range(n):
        if i in slots:
            sid, kind, name = listed.pop()
            cid = f"L{sid}-{i}"
        elif rng.random() < 0.7:
            kind, name, cid = "person", f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"C{i}"
        else:
            kind, name, cid = "company", f"{rng.choice(FIRMS)} {rng.choice(FORMS)}", f"C{i}"
        dob = f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        rows.append(
            {
                "customer_id": cid,
                "full_name": name,
                "type": kind,
                "dob": dob if cid[0] == "C" and kind == "person" and rng.random() < 0.5 else "",
                "nationality": rng.choice(["", "us", "de", "fr", "gb"]),
                "passport": "",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, HEADER)
        w.writeheader()
        w.writerows(rows)
    return path
