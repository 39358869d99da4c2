"""The compiled core scores two names in C (``_align.c``) unless adjacent words may be read as one; the
Python of ``names._compare`` stays the reference. Both must give the same float, bit for bit: the full
score, the upper bound returned for a pair that cannot reach the floor asked for, and the explanation."""

from __future__ import annotations

import importlib
import random
import sys
from dataclasses import fields, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from embargo.index.memory import EntityIndex
from embargo.match import names
from embargo.match.algorithm import ALGORITHMS, PreparedQuery
from embargo.match.types import Query
from embargo.model import Entity
from embargo.names import views
from embargo.names._view import View
from embargo.names.prepare import PreparedName
from embargo.service.ingest import discover, parse_candidate

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()


def _view(name: PreparedName, rarity: views.Rarity | None) -> View:
    view = views.name_view(name, rarity)
    assert view is not None  # (the tests that ask are skipped without the compiled core)
    return view


def _listed_and_misspelt(folder: str, n: int, seed: int) -> tuple[EntityIndex, list[Entity], list[str]]:
    """An index over one list file, its entities, and ``n`` of their names misspelt (bench/_synthetic.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from _synthetic import vary
    finally:
        sys.path.remove(str(ROOT / "bench"))
    (cand,), _ = discover([LISTS / folder])
    entities = list(parse_candidate(cand).entities)
    rng = random.Random(seed)
    return (
        EntityIndex(entities),
        entities,
        [vary(rng.choice(e.names).value, rng)[1] for e in rng.sample(entities, n)],
    )


def test_compiled_score_equals_python_compare() -> None:
    if names._align is None:
        pytest.skip("no compiled core: _compare scores every pair")
    index, entities, queries = _listed_and_misspelt("us_ofac_sdn/2024-05-02", 400, 17)
    rng = random.Random(17)
    queries += ["Dmitri Rogosin", "ROGOZIN D.O.", "Рогозин Дмитрий Олегович", "BANK MELLI IRAN PJSC"]
    queries += ["OOO AO", "Mohammed bin Salman Al Saud", "金正恩", "Kim Jong Un", "SUN SHIP LTD"]
    queries += ["محمد علي", "عبد الرحمن", "Abdul Rahman", "Abd Al Rahman", "Al Qaida"]  # words read as one
    queries += [" ".join(rng.choice(e.names).value for e in rng.sample(entities, 6))]  # more than 16 words
    for listed in rng.sample(entities, 30):  # a listed word written in two ("ROGO ZIN"): read as one
        words = listed.names[0].value.split()
        longest = max(range(len(words)), key=lambda k: len(words[k]))
        w = words[longest]
        words[longest] = f"{w[: len(w) // 2]} {w[len(w) // 2 :]}"
        queries.append(" ".join(words))
    compared = bounded = joined = 0
    for algorithm in ("embargo-v1", "embargo-v2", "embargo-v3", "embargo-v4", "embargo-v5"):
        p = ALGORITHMS[algorithm].names
        for q in queries:
            for qn in PreparedQuery.of(Query.of(q)).names:
                for e in index.candidates([qn], limit=12):
                    for nid in index.entity_names[e]:
                        cn = index.names[nid]
                        if names._align.score(names._align_params(p), _view(qn, None),
                                              _view(cn, None), qn.tokens, cn.tokens, True, 0.0,
                                              False, True) is None:  # fmt: skip
                            joined += 1  # words may be read as one: scored in C only if none are
                        assert index.name_view(nid).fields() == _view(cn, index.weight).fields()
                        for rarity in (index.weight, None):
                            view = index.name_view(nid) if rarity else _view(cn, rarity)
                            for schema in ("Person", "Organization"):
                                explained = names.compare_names(qn, cn, p, rarity, schema, view)
                                assert explained == names._compare(qn, cn, p, rarity, schema, True)
                                for at_least in (0.0, 0.5, 0.8, 0.95):
                                    want = names._compare(qn, cn, p, rarity, schema, False, at_least)
                                    got = names.name_score(qn, cn, p, rarity, schema, at_least, view)
                                    assert got == want, (algorithm, q, cn.original, schema, at_least)
                                    assert got == names.name_score(qn, cn, p, rarity, schema, at_least)
                                    unchecked = names._align.score(  # the views alone (as screens ask)
                                        names._align_params(p), _view(qn, rarity), view, None, None,
                                        schema == "Person", at_least, False, True,
                                    )  # fmt: skip
                                    assert unchecked is None or unchecked == got
                                    compared += 1
                                    bounded += at_least > 0 and got < at_least
    assert compared > 20_000 and bounded > 5_000 and joined > 5


def test_compiled_abjad_joins_equal_python() -> None:
    """embargo-v2 reads two adjacent words of an Arabic-script query as one where together they spell a
    listed word, vowels left out or the article assimilated ("arlni zadh" ~ "arlanizadeh", "al sdi" ~
    "essaadi"). The compiled scoring tests that itself: where it finds no such pair it scores the names in C
    (the same score as names._compare's, bit for bit), else it leaves them to names._compare."""
    if names._align is None:
        pytest.skip("no compiled core")
    import re

    index, entities, _ = _listed_and_misspelt("un_sc_consolidated/2026-02-27", 1, 1)
    arabic = sorted({n.value for e in entities for n in e.names if re.search("[\u0600-\u06ff]", n.value)})
    rng = random.Random(31)
    queries = list(arabic)
    for name in arabic:  # a word split in two, the article written apart: some of these read as one
        words = name.split()
        k = rng.randrange(len(words))
        if len(words[k]) >= 4:
            words[k] = f"{words[k][:2]} {words[k][2:]}"
        queries.append(" ".join(words))
    p = ALGORITHMS["embargo-v2"].names
    assert p.abjad_joins
    params = names._align_params(p)
    in_c = left = 0
    for q in queries:
        for qn in PreparedQuery.of(Query.of(q)).names:
            qv = _view(qn, index.weight)
            for e in index.candidates([qn], limit=12):
                for nid in index.entity_names[e]:
                    cn = index.names[nid]
                    got = names._align.score(
                        params, qv, index.name_view(nid), None, None, True, 0.0, False, True
                    )
                    step = names._join_step(qn, cn, p)
                    if got is None:
                        left += 1
                    else:
                        in_c += 1
                        assert not step[2] and not step[5], (q, cn.original)  # no join in C's reading
                        assert got == names._compare(qn, cn, p, index.weight, "Person", False), (
                            q,
                            cn.original,
                        )
    assert in_c > 1_000 and left > 20, (in_c, left)


def test_compiled_token_similarity_equals_python() -> None:
    """How two tokens meet, in C and in ``names.token_similarity``: the same similarity (bit for bit) and the
    same way, for every pair of tokens of the queries and their candidates, under each algorithm and each
    way of comparing (last query token, syllables, Arabic letters)."""
    if names._align is None:
        pytest.skip("no compiled core")
    index, _, queries = _listed_and_misspelt("un_sc_consolidated/2026-02-27", 300, 23)
    queries += ["Hsn Mhmd", "Abdul Rahman Al Sadi", "Muammar Qadhafi", "Kim Jong Un", "金正恩", "al sdi"]
    pairs = set()
    for q in queries:
        for qn in PreparedQuery.of(Query.of(q)).names:
            for e in index.candidates([qn], limit=10):
                for nid in index.entity_names[e]:
                    pairs.add((qn, index.names[nid]))
    compared = met = 0
    for algorithm in ("embargo-v1", "embargo-v2", "embargo-v3", "embargo-v4", "embargo-v5"):
        p = ALGORITHMS[algorithm].names
        params = names._align_params(p)
        for qn, cn in pairs:
            qv, cv = _view(qn, None), _view(cn, None)
            for i, a in enumerate(qn.tokens):
                for j, b in enumerate(cn.tokens):
                    for last, syllabic, abjad in (
                        (False, False, False),
                        (True, False, False),
                        (True, True, True),
                    ):
                        got = names._align.similarity(params, qv, i, cv, j, last, syllabic, abjad)
                        assert got == names.token_similarity(a, b, p, last, syllabic, abjad), (a.text, b.text)
                        compared += 1
                        met += got[0] > 0
    assert compared > 50_000 and met > 5_000


def test_compiled_similarity_of_near_words_equals_python() -> None:
    """Words a few edits apart, of every length from 2 to 20 letters: where the compiled edit distance stops
    early (a length difference, or a whole row, beyond what any test of ``token_similarity`` can use), its
    answer is still the same."""
    if names._align is None:
        pytest.skip("no compiled core")
    from embargo.names.prepare import prepare_name

    rng = random.Random(3)
    letters = "aeiostnrkmd"  # (few letters: swaps, repeats and phonetic neighbours are frequent)
    pairs = []
    for _ in range(4000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(2, 20)))
        other = list(word)
        for _ in range(rng.randint(0, 4)):
            at = rng.randrange(len(other) + 1)
            how = rng.randrange(4)
            if how == 0:
                other.insert(at, rng.choice(letters))
            elif other and how == 1:
                del other[min(at, len(other) - 1)]
            elif other and how == 2:
                other[min(at, len(other) - 1)] = rng.choice(letters)
            elif len(other) > 1:
                i = min(at, len(other) - 2)
                other[i], other[i + 1] = other[i + 1], other[i]
        if len(other) >= 2:
            pairs.append((prepare_name(word), prepare_name("".join(other))))
    met = set()
    for algorithm in ("embargo-v1", "embargo-v2", "embargo-v3", "embargo-v4", "embargo-v5"):
        p = ALGORITHMS[algorithm].names
        params = names._align_params(p)
        for qn, cn in pairs:
            qv, cv = _view(qn, None), _view(cn, None)
            a, b = qn.tokens[0], cn.tokens[0]
            for last in (False, True):
                got = names._align.similarity(params, qv, 0, cv, 0, last, False, False)
                assert got == names.token_similarity(a, b, p, last, False, False), (a.text, b.text)
                met.add(got[1])
    assert {"exact", "edit1", "edit2", "edit3", "phonetic", ""} <= met, met


def test_compiled_score_refuses_bad_input() -> None:
    """Wrong argument types, views that do not fit their tokens, tokens that are not tokens: an error."""
    align: Any = names._align  # (called with wrong arguments on purpose)
    native: Any = importlib.import_module("embargo.names._view")
    if align is None:
        pytest.skip("no compiled core")
    p = ALGORITHMS["embargo-v2"].names
    q = PreparedQuery.of(Query.of("Ivan Petrov")).names[0]
    params, view = names._align_params(p), _view(q, None)
    assert align.score(params, view, view, q.tokens, q.tokens, True, 0.0, False, True) == 1.0
    assert align.score(params, view, view, None, None, True, 0.0, False, True) == 1.0  # the views alone
    empty = native.View((), (), (), False, False, ())
    assert align.score(params, view, empty, None, None, True, 0.0, False, True) == 0.0  # as name_score
    with pytest.raises(ValueError):
        align.score(params, view, empty, q.tokens, (), True, 0.0, False, True)
    with pytest.raises(TypeError):
        align.score(params, view, view, None, q.tokens, True, 0.0, False, True)
    with pytest.raises(TypeError):
        align.score(params, view, view, q.tokens, q.tokens, True, 0.0)
    with pytest.raises(TypeError):
        align.score(view, view, view, q.tokens, q.tokens, True, 0.0, False, True)
    with pytest.raises(ValueError):
        align.score(params, view, view, q.tokens[:1], q.tokens, True, 0.0, False, True)
    with pytest.raises(ValueError):
        native.View(q.tokens, ("name",), (1.0, 1.0), False, False, ())
    with pytest.raises(TypeError):
        native.View(q.tokens[:1], ("name",), ("heavy",), False, False, ())
    with pytest.raises(ValueError):
        native.View(q.tokens[:1], ("boss",), (1.0,), False, False, ())
    with pytest.raises(AttributeError):
        native.View(("ivan",), ("name",), (1.0,), False, False, ())
    with pytest.raises(TypeError):
        native.View(q.tokens[:1], ("name",), (1.0,), False, False, ("ab", 3))
    with pytest.raises(AttributeError):
        native.view_of("not a name", {}, 1.0)
    with pytest.raises(IndexError):
        align.similarity(params, view, 5, view, 0, False, False, False)


def test_compiled_params_are_read_by_field_name() -> None:
    """``_align.Params`` reads a NameParams by its fields' names: a field changed changes what C computes the
    same way it changes what Python computes; a missing field or a wrong value is refused, naming it."""
    align: Any = names._align
    if align is None:
        pytest.skip("no compiled core")
    p = ALGORITHMS["embargo-v2"].names
    q, c = (PreparedQuery.of(Query.of(n)).names[0] for n in ("Ivan Petrov", "Ivan Petrof"))
    qv, cv = _view(q, None), _view(c, None)
    for changed in (
        p,
        replace(p, edit_cost=0.9),
        replace(p, role_weight=(("name", 2.0), *p.role_weight[1:])),
    ):
        got = align.score(align.Params(changed, 100), qv, cv, None, None, True, 0.0, False, True)
        assert got == names._compare(q, c, changed, None, "Person", False)
    assert align.score(
        align.Params(replace(p, edit_cost=0.9), 100), qv, cv, None, None, True, 0.0, False, True
    ) != (align.score(align.Params(p, 100), qv, cv, None, None, True, 0.0, False, True))

    class Missing:
        exact = 1.0

    with pytest.raises(TypeError, match="no field variant"):
        align.Params(Missing(), 100)
    with pytest.raises(TypeError, match="edit_cost"):
        align.Params(
            SimpleNamespace(**{**{f.name: getattr(p, f.name) for f in fields(p)}, "edit_cost": "much"}), 100
        )
    with pytest.raises(ValueError, match="no weight for stop"):
        align.Params(replace(p, role_weight=(("name", 1.0), ("initial", 0.5), ("legal", 0.2))), 100)
    with pytest.raises(ValueError, match="unknown role"):
        align.Params(replace(p, role_weight=(("boss", 1.0),)), 100)
