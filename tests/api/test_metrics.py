"""/metrics: Prometheus's text format, requests counted by route template (not by raw path: names
screened never become labels), the index and the list versions in force read at scrape time."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _value(text: str, series: str) -> float:
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    assert found, f"{series} not in\n{text[:3000]}"
    return float(found.group(1))


def test_metrics_count_requests_by_route_and_show_the_index(client: TestClient) -> None:
    before = client.get("/metrics").text
    key = 'embargo_http_requests_total{method="POST",route="/match/{dataset}",status="200"}'
    start = _value(before, key) if key in before else 0.0
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Secret Name Screened"]}}}}
    for _ in range(3):
        assert client.post("/match/default", json=body).status_code == 200
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert _value(text, key) == start + 3
    assert "Secret" not in text  # a screened name is never a label
    assert 'embargo_http_request_duration_seconds_bucket{le="0.1",route="/match/{dataset}"}' in text
    assert _value(text, "embargo_index_ready") == 1
    assert _value(text, "embargo_index_entities") > 10_000
    assert _value(text, "embargo_index_age_seconds") >= 0
    assert re.search(
        r'^embargo_list_version_in_force\{publish_date="2024-05-02",source="us_ofac_sdn"\} \d', text, re.M
    )
    assert _value(text, "embargo_index_reload_failed") == 0
