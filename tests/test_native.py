"""The compiled screening core (mypyc, embargo/_native.py) gives what the Python source gives."""

from __future__ import annotations

import ast
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
from embargo.service.ingest import discover, parse_candidate
from embargo.service.screener import Screener

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT.parent / "shared").resolve()

# Screens the first N distinct dev-set queries on the real SDN list, under both algorithms, and prints
# every result with its explanation as JSON: run once compiled and once with EMBARGO_NATIVE=0.
SCRIPT = """
import json, sys
from pathlib import Path
from embargo import _native
from embargo.service.screener import Screener
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


def _default(node: ast.expr | None) -> str | None:
    """A default as source text, ``field(default_factory=tuple)`` read as ``()`` (what it makes)."""
    if node is None:
        return None
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "field":
        (kw,) = [k for k in node.keywords if k.arg in ("default", "default_factory")]
        node = kw.value if kw.arg == "default" else ast.Call(kw.value, [], [])
    text = ast.unparse(node)
    return "()" if text == "tuple()" else text


def _assigned(init: ast.FunctionDef) -> set[str]:
    """The attributes ``__init__`` sets: ``object.__setattr__(self, "x", ...)`` or ``self.x = ...``."""
    names: set[str] = set()
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "object.__setattr__":
            arg = node.args[1]
            assert isinstance(arg, ast.Constant)
            names.add(str(arg.value))
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            names.add(node.attr)
    return names


def test_written_out_dataclass_constructors_match_their_fields() -> None:
    """The compiled modules' dataclasses whose ``__init__`` is written out (so that the compiled core makes
    it a native constructor, see match.types.Contribution) take their fields in order, with the same
    defaults, and set every one: a field added to the class but not to its ``__init__`` fails here."""
    checked = []
    for module in _native.MODULES:
        tree = ast.parse(_native.source(module).read_text(encoding="utf-8"))
        for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
            decorators = [ast.unparse(d) for d in cls.decorator_list]
            init = next(
                (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
            )
            if init is None or not any(d.startswith("dataclass") for d in decorators):
                continue
            fields = [
                (n.target.id, _default(n.value))
                for n in cls.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            ]
            params = [a.arg for a in init.args.args[1:]]
            defaults = [None] * (len(params) - len(init.args.defaults)) + [
                _default(d) for d in init.args.defaults
            ]
            where = f"{module}.{cls.name}"
            if any("frozen=True" in d for d in decorators):
                assert len(params) == len(fields), where
            assert list(zip(params, defaults, strict=True)) == fields[: len(params)], where
            assert all(default is not None for _, default in fields[len(params) :]), where
            assert {name for name, _ in fields} <= _assigned(init), where
            checked.append(where)
    assert len(checked) >= 9, checked
