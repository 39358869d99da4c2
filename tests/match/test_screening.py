"""The screening engine on the real SDN list (2024-05-02): the known cases of the issue and the interfaces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from embargo.match.types import Query
from embargo.service.screener import Screener
from embargo.service.screening import QueryError, make_query, query_from_ftm

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()


@pytest.mark.parametrize(
    "name", ["Dmitri Rogosin", "Рогозин Дмитрий Олегович", "ROGOZIN D.O.", "Dmitriy ROGOZIN"]
)
def test_rogozin_variants_find_16649(sdn: Screener, name: str) -> None:
    matches = sdn.screen(name)
    assert matches and matches[0].entity.source_id == "16649", [(m.entity.caption, m.score) for m in matches]
    assert matches[0].match
    expl = matches[0].explanation[0]
    assert expl.feature == "name" and expl.list_value and "ROGOZIN" in expl.list_value.upper()


def test_belletech_does_not_match_11420_corp(sdn: Screener) -> None:
    matches = sdn.screen("BELLETECH CORP")
    assert not any(m.match for m in matches)
    assert not any("11420" in m.entity.caption for m in matches if m.score >= 0.5)


def test_vessel_by_imo_alone(sdn: Screener) -> None:
    vessel = next(
        e for e in sdn.index.entities if e.schema == "Vessel" and any(i.type == "imo" for i in e.identifiers)
    )
    imo = next(i.value for i in vessel.identifiers if i.type == "imo")
    digits = "".join(ch for ch in imo if ch.isdigit())
    matches = sdn.screen(Query(names=(), identifiers=(digits,)))
    assert matches[0].entity.id == vessel.id and matches[0].match and matches[0].score >= 0.99
    assert any(c.feature == "identifier" for c in matches[0].explanation)
    # and with a name that is wrong, the IMO still decides
    matches = sdn.screen(Query(names=("SOME OTHER SHIP",), identifiers=(f"IMO {digits}",), schema="Vessel"))
    assert matches[0].entity.id == vessel.id and matches[0].match


def test_kim_jong_un_and_gaddafi(sdn: Screener) -> None:
    kim = sdn.screen("Kim Jong Un")
    assert kim[0].match and kim[0].entity.caption.upper().startswith("KIM, JONG UN")
    qadhafi = sdn.screen("Muammar Gaddafi")
    assert qadhafi[0].match and "QADHAFI" in qadhafi[0].entity.caption.upper()


def test_birth_date_and_schema_adjust(sdn: Screener) -> None:
    base = sdn.screen("Dmitry Rogozin")[0]
    same = sdn.screen(Query(names=("Dmitry Rogozin",), birth_dates=("1963-12-21",)))[0]
    other = sdn.screen(Query(names=("Dmitry Rogozin",), birth_dates=("1990",)))[0]
    assert same.score > base.score > other.score
    assert any(c.feature == "birth_date" and c.weight < 0 for c in other.explanation)
    assert not sdn.screen(Query(names=("Dmitry Rogozin",), schema="Vessel"))


def test_clean_names_do_not_alert(sdn: Screener) -> None:
    for name in ("John Harris", "Maria Schmidt", "Sophie Martin", "Иван Петров", "Hans Müller"):
        assert not any(m.match for m in sdn.screen(name)), name


def test_query_validation() -> None:
    with pytest.raises(QueryError, match="needs a name"):
        make_query([])
    with pytest.raises(QueryError, match="limit is"):
        make_query(["x" * 10_000])
    with pytest.raises(QueryError, match="not a date"):
        make_query(["A B"], birth_dates=["yesterday"])
    with pytest.raises(QueryError, match="unknown type"):
        make_query(["A B"], schema="Spaceship")
    q = query_from_ftm(
        {"id": "q1", "schema": "Person", "properties": {"name": ["A B"], "birthDate": ["1963"]}}
    )
    assert q.schema == "Person" and q.birth_dates == ("1963",) and q.id == "q1"


def test_cli_screen_and_screen_file(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    run = [sys.executable, "-m", "embargo.cli.main"]
    subprocess.run(
        [*run, "ingest", str(LISTS / "us_ofac_sdn" / "2024-05-02"), "--db", str(db)],
        check=True,
        capture_output=True,
    )
    proc = subprocess.run(
        [*run, "screen", "Dmitri Rogosin", "--db", str(db), "--json"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["matches"][0]["source_id"] == "16649" and data["versions"][0]["source"] == "us_ofac_sdn"
    text = subprocess.run(
        [*run, "screen", "Dmitri Rogosin", "--db", str(db)], capture_output=True, text=True
    ).stdout
    assert "ROGOZIN" in text and "MATCH" in text
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "a", "schema": "Person", "properties": {"name": ["Dmitri Rogosin"]}})
        + "\n"
        + json.dumps({"id": "b", "properties": {"name": ["Sophie Martin"]}})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [*run, "screen-file", str(queries), "-o", str(out), "--db", str(db)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["query_id"] for r in rows] == ["a", "b"]
    assert rows[0]["matches"][0]["source_id"] == "16649" and rows[0]["matches"][0]["match"]
    assert set(rows[0]["matches"][0]) >= {
        "entity_id",
        "source",
        "source_id",
        "caption",
        "score",
        "match",
        "explanation",
    }
    assert not any(m["match"] for m in rows[1]["matches"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"properties": {"name": ["ok"]}}\n{not json\n', encoding="utf-8")
    proc = subprocess.run([*run, "screen-file", str(bad), "--db", str(db)], capture_output=True, text=True)
    assert proc.returncode == 2 and "line 2" in proc.stderr and "Traceback" not in proc.stderr
    csv_in = tmp_path / "q.csv"
    csv_in.write_text("id,name,type,birth_date\nx1,Dmitri Rogosin,person,1963-12-21\n", encoding="utf-8")
    proc = subprocess.run([*run, "screen-file", str(csv_in), "--db", str(db)], capture_output=True, text=True)
    assert json.loads(proc.stdout.splitlines()[0])["matches"][0]["source_id"] == "16649"


def test_explaining_the_best_pair_alone_gives_the_full_result(sdn: Screener) -> None:
    """Ranking scores each candidate with a floor (names that cannot reach it are bounded, not scored), then
    explains those shown from the (query name, listed name) pair ranking found best. That must be exactly
    the match of scoring every pair with no floor: same score, same explanation."""
    from embargo.match.algorithm import ALGORITHMS, PreparedQuery, entity_score, score_entity

    idx = sdn.index
    queries = ["Dmitri Rogosin", "Kim Jong Un", "BANK MELLI IRAN", "Mohammad Ali", "Ali Mohammad Hassan"]
    queries += [n.original for n in idx.names[::400]]
    compared = 0
    for algorithm in ("embargo-v1", "embargo-v2"):
        algo = ALGORITHMS[algorithm]
        for q in queries:
            pq = PreparedQuery.of(Query(names=(q, q.upper()), birth_dates=("1963",), countries=("ru",)))
            for e in idx.candidates(pq.names, limit=10):
                entity = idx.entities[e]
                names = [(idx.names[n], idx.name_kind[n]) for n in idx.entity_names[e]]
                score, pair = entity_score(algo, pq, entity, names, sdn.rarity, floor=0.5)
                if score < 0.5:
                    continue
                assert score_entity(algo, pq, entity, names, sdn.rarity, pair=pair) == score_entity(
                    algo, pq, entity, names, sdn.rarity
                )
                compared += 1
    assert compared > 150


def test_names_viewed_on_demand_score_as_those_viewed_at_build(
    sdn: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index of more names than EAGER_VIEWS makes each name's view when a screen first asks for it: the
    same results as an index that made them all when it was built."""
    from embargo.index import memory

    monkeypatch.setattr(memory, "EAGER_VIEWS", 0)
    lazy = Screener(sdn.index.entities)
    made = sum(v is not None for v in lazy.index._views)  # (those of the warm-up query's candidates only)
    assert made < len(lazy.index._views) // 100
    for name in ["Dmitri Rogosin", "ROGOZIN D.O.", "BANK MELLI IRAN", "Kim Jong Un", "Moammar Qadhafi"]:
        want = [(m.entity.id, m.score, m.explanation) for m in sdn.screen(name)]
        assert [(m.entity.id, m.score, m.explanation) for m in lazy.screen(name)] == want, name
    assert sum(v is not None for v in lazy.index._views) > made
