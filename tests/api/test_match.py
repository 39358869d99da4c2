"""yente-compatible matching and embargo's own routes over real list files."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

ROGOZIN = {"schema": "Person", "properties": {"name": ["Dmitry Rogozin"], "birthDate": ["1963-12-21"]}}


def match(client: TestClient, queries: dict[str, Any], dataset: str = "default", **params: Any) -> Any:
    r = client.post(f"/match/{dataset}", json={"queries": queries}, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_yente_example_person_with_birth_date(client: TestClient) -> None:
    data = match(client, {"q1": ROGOZIN}, limit=3)
    assert data["limit"] == 3
    resp = data["responses"]["q1"]
    assert resp["status"] == 200 and resp["total"]["value"] == len(resp["results"])
    assert resp["query"] == ROGOZIN
    top = resp["results"][0]
    assert top["id"] == "us-ofac-sdn-16649" and top["schema"] == "Person"
    assert top["match"] is True and top["score"] >= 0.9
    assert "ROGOZIN, Dmitry Olegovich" in top["properties"]["name"]
    assert top["properties"]["birthDate"] == ["1963-12-21"]
    assert top["datasets"] == ["us_ofac_sdn"] and top["caption"]
    assert {e["feature"] for e in top["explanation"]} >= {"name", "birth_date"}
    assert set(top["features"]) >= {"name", "birth_date"}
    assert {v["source"] for v in data["versions"]} == {"us_ofac_sdn", "un_sc"}


def test_yente_batch_example_with_two_keys(client: TestClient) -> None:
    queries = {
        "entity1": {"schema": "Person", "properties": {"name": ["John Doe"], "birthDate": ["1975-04-21"]}},
        "entity2": {
            "schema": "Company",
            "properties": {"name": ["Brilliant Amazing Limited"], "jurisdiction": ["hk"]},
        },
        "rogozin": ROGOZIN,
    }
    data = match(client, queries)
    assert set(data["responses"]) == set(queries)
    assert not any(r["match"] for r in data["responses"]["entity1"]["results"])


def test_dataset_selects_a_list(client: TestClient) -> None:
    assert (
        match(client, {"q": ROGOZIN}, "us_ofac_sdn")["responses"]["q"]["results"][0]["id"]
        == "us-ofac-sdn-16649"
    )
    un = match(client, {"q": ROGOZIN}, "un_sc")["responses"]["q"]["results"]
    assert all(r["datasets"] == ["un_sc"] for r in un)
    assert match(client, {"q": ROGOZIN}, exclude_dataset="us_ofac_sdn")["responses"]["q"]["results"] == un
    rest = match(client, {"q": ROGOZIN}, exclude_entity_ids="us-ofac-sdn-16649")["responses"]["q"]["results"]
    assert all(r["id"] != "us-ofac-sdn-16649" for r in rest)
    r = client.post("/match/nowhere", json={"queries": {"q": ROGOZIN}})
    assert r.status_code == 404 and "unknown dataset 'nowhere'" in r.json()["detail"]


def test_search_entities_catalog_algorithms(client: TestClient) -> None:
    r = client.get("/search/default", params={"q": "Dmitri Rogosin"})
    assert r.status_code == 200 and r.json()["results"][0]["id"] == "us-ofac-sdn-16649"
    ent = client.get("/entities/us_ofac_sdn:16649").json()
    assert ent["id"] == "us-ofac-sdn-16649" and ent["embargo"]["status"] == "listed"
    assert ent["embargo"]["first_seen"]["date"] == "2024-05-02"
    assert client.get("/entities/nobody-123").status_code == 404
    cat = client.get("/catalog").json()
    names = {d["name"] for d in cat["datasets"]}
    assert {"us_ofac_sdn", "un_sc", "default"} <= names and sorted(cat["current"]) == ["un_sc", "us_ofac_sdn"]
    algos = client.get("/algorithms").json()
    assert algos["default"] == "embargo-v5"
    assert [a["name"] for a in algos["algorithms"]] == [
        "embargo-v1",
        "embargo-v2",
        "embargo-v3",
        "embargo-v4",
        "embargo-v5",
    ]
    assert client.get("/healthz").json()["status"] == "ok"


def test_screen_lists_diff_history(client: TestClient) -> None:
    r = client.post("/screen", json={"name": "Dmitri Rogosin", "type": "person", "birth_dates": ["1963"]})
    assert r.status_code == 200 and r.json()["matches"][0]["source_id"] == "16649"
    # before either version was published no list was in force: nothing to match
    past = client.post("/screen", json={"name": "Dmitri Rogosin", "as_of": "2024-01-01"}).json()
    assert past["as_of"] == "2024-01-01" and [v["source"] for v in past["versions"]] == []
    lists = client.get("/lists").json()
    assert {s["source"] for s in lists} == {"us_ofac_sdn", "un_sc"}
    d = client.get("/lists/us_ofac_sdn/diff")
    assert d.status_code == 404 and "only one version" in d.json()["detail"]
    h = client.get("/entities/us_ofac_sdn:16649/history", params={"as_of": "2024-06-01"}).json()
    assert h["status"] == "listed" and h["version"]["publish_date"] == "2024-05-02"
