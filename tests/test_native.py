"""The compiled screening core (mypyc, embargo/_native.py) gives what the Python source gives."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from embargo import _native
from embargo.match.algorithm import ALGORITHMS, PreparedQuery
from embargo.match.names import compare_names
from embargo.match.prepare import prepare_name
from embargo.match.types import Query
from embargo.screener import Screener
from embargo.service.ingest import discover, parse_candidate

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT.parent / "shared").resolve()

# Screens the first N distinct dev-set queries on the real SDN list, under both algorithms, and prints
# every result with its explanation as JSON: run once compiled and once with EMBARGO_NATIVE=0.
SCRIPT = """
import json, sys
from pathlib import Path
from embargo import _native
from embargo.screener import Screener
from embargo.service.ingest import discover, parse_candidate
(cand,), _ = discover([Path(sys.argv[1])])
entities = parse_candidate(cand).entities
queries = list(dict.fromkeys(json.loads(line)["query"] for line in open(sys.argv[2], encoding="utf-8")))
out = {"native": _native.active(), "results": []}
for algorithm in ("embargo-v1", "embargo-v2"):
    s = Screener(entities, algorithm)
    for q in queries[: int(sys.argv[3])]:
        out["results"].append([m.to_dict() for m in s.screen(q)])
print(json.dumps(out))
"""


def _screen_all(native: bool, n: int) -> dict[str, object]:
    env = {**os.environ, "EMBARGO_NATIVE": "1" if native else "0"}
    args = [str(SHARED / "data/lists/us_ofac_sdn/2024-05-02"), str(SHARED / "bench/ofac_variants_dev.jsonl")]
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args, str(n)], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_the_compiled_core_is_current() -> None:
    """After `make setup` the compiled modules are built from the sources as they are, and in use."""
    state = _native.status()
    if state == "absent":
        pytest.skip("no compiled core (no C compiler): embargo runs interpreted")
    if state == "off":
        pytest.skip("EMBARGO_NATIVE=0")
    assert state == "compiled", f"{state}: run `make setup` to compile the screening core again"
    assert _native.active()


def test_compiled_and_interpreted_results_are_equal() -> None:
    if _native.status() != "compiled":
        pytest.skip(f"compiled core {_native.status()}")
    compiled, interpreted = _screen_all(True, 600), _screen_all(False, 600)
    assert compiled["native"] is True and interpreted["native"] is False
    a, b = compiled["results"], interpreted["results"]
    assert isinstance(a, list) and isinstance(b, list) and len(a) == len(b) == 1200
    assert sum(bool(r) for r in a) > 900  # most queries find candidates: the comparison covers scoring
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    assert not diff, f"{len(diff)} queries differ, e.g. {a[diff[0]]} vs {b[diff[0]]}"


def test_core_objects_pickle() -> None:
    """Queries go to batch workers, results come back: compiled or not, they pickle as themselves."""
    (cand,), _ = discover([SHARED / "data/lists/us_ofac_sdn/2024-05-02"])
    screener = Screener([e for e in parse_candidate(cand).entities if e.source_id in {"16649", "11420"}])
    query = Query(names=("Dmitri Rogosin",), schema="Person", birth_dates=("1963",))
    matches = screener.screen(query)
    assert matches and matches[0].explanation
    name = prepare_name("Рогозин Дмитрий Олегович", "Person")
    values = [
        query,
        matches,
        name,
        name.tokens[0],
        ALGORITHMS["embargo-v2"],
        PreparedQuery.of(query),
        compare_names(
            name, prepare_name("ROGOZIN, Dmitry Olegovich", "Person"), ALGORITHMS["embargo-v2"].names
        ),
        screener.index.stats(),
    ]
    for value in values:
        assert pickle.loads(pickle.dumps(value)) == value, type(value)
