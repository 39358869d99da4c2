"""A screener reads the tables of its query reading and the country names' when it is made, not on the first
query that needs them;
``bench/same_results.py`` writes and compares result files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from embargo.match.algorithm import ALGORITHMS
from embargo.match.types import Query
from embargo.model import Entity, Name
from embargo.names import arabic
from embargo.service.screener import Screener
from embargo.text.countries import country_code

ROOT = Path(__file__).resolve().parents[2]


def _person(source_id: str, name: str) -> Entity:
    return Entity(
        id=f"t-{source_id}",
        source="t",
        source_id=source_id,
        schema="Person",
        names=(Name(name),),
    )


def test_the_arabic_letter_table_is_read_when_the_screener_is_made() -> None:
    arabic._chunks.cache_clear()
    arabic.latin_word.cache_clear()  # (words read by earlier tests would not ask for the table again)
    reading = next(a for a in ALGORITHMS.values() if a.query_reading is not None)
    screener = Screener([_person("1", "Muhammad Ali")], algorithm=reading.name)
    assert arabic._chunks.cache_info().currsize == 1
    found = screener.screen("محمد علي")
    assert found and found[0].entity.source_id == "1"


def test_the_country_names_are_read_when_the_screener_is_made() -> None:
    country_code.cache_clear()
    screener = Screener([_person("1", "Muhammad Ali")])
    assert country_code.cache_info().misses == 1  # (the warm-up query's country, read when made)
    found = screener.screen(Query(names=("Muhammad Ali",), countries=("Russia",)))
    assert found and found[0].entity.source_id == "1"


def test_same_results_tells_equal_files_from_different_ones(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    a.write_text('{"case":"1","results":[["x","0.9",true,""]]}\n')
    b.write_text(a.read_text())
    c.write_text('{"case":"1","results":[["x","0.91",true,""]]}\n')
    script = str(ROOT / "bench" / "same_results.py")

    def diff(x: Path, y: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, script, "--diff", str(x), str(y)], capture_output=True, text=True
        )

    same, other = diff(a, b), diff(a, c)
    assert same.returncode == 0 and "the same results" in same.stdout
    assert other.returncode == 1 and "1 differ" in other.stdout
