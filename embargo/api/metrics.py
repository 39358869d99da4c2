"""``/metrics`` in Prometheus's text format: requests and their latency by route, the audit log's failed
writes, and what the index serves (its age, its entities, the list version in force per source).

Figures are per process (each ``--workers`` process and each ``embargo serve`` keeps its own; Prometheus
adds them up by ``instance``). The route label is the route's template (``/entities/{entity_id}``), never
the raw path, so the number of series stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from embargo.service.snapshot import Snapshot

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """One app's counters (a registry of its own, so two apps in one process do not mix)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "embargo_http_requests",
            "HTTP requests answered, by method, route template and status",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "embargo_http_request_duration_seconds",
            "Time from the request's arrival to its answer (audit row committed), by route template",
            ("route",),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.audit_failures = Counter(
            "embargo_audit_write_failures",
            "Audit rows that could not be written (the request was answered 503)",
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)


class IndexCollector(Collector):
    """The index in force, read when scraped."""

    def __init__(self, snapshot: Callable[[], Snapshot | None]) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        snap = self.snapshot()
        ready = GaugeMetricFamily("embargo_index_ready", "1 once the screening index is built")
        ready.add_metric([], 0.0 if snap is None else 1.0)
        yield ready
        if snap is None:
            return
        built = datetime.fromisoformat(snap.built_at)
        age = GaugeMetricFamily("embargo_index_age_seconds", "Seconds since the index in force was built")
        age.add_metric([], (datetime.now(UTC) - built).total_seconds())
        yield age
        size = GaugeMetricFamily("embargo_index_entities", "Entities in the index in force")
        size.add_metric([], float(len(snap.entities)))
        yield size
        version = GaugeMetricFamily(
            "embargo_list_version_in_force",
            "The id of each source's list version the index serves (label: its publish date)",
            labels=("source", "publish_date"),
        )
        entities = GaugeMetricFamily(
            "embargo_list_entities", "Entities in each source's version in force", labels=("source",)
        )
        for v in snap.versions:
            version.add_metric([v.source, v.publish_date], float(v.id))
            entities.add_metric([v.source], float(v.entity_count))
        yield version
        yield entities


class MonitorCollector:
    """Alerts by state and webhook deliveries by state, read from the store when scraped."""

    def __init__(self, counts: Callable[[], tuple[dict[str, int], dict[str, int]] | None]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        found = self.counts()
        if found is None:  # the database did not answer: these gauges are left out of this scrape
            return
        alerts, deliveries = found
        by_state = GaugeMetricFamily("embargo_alerts", "Monitoring alerts by state", labels=("state",))
        for state, n in sorted(alerts.items()):
            by_state.add_metric([state], float(n))
        yield by_state
        hooks = GaugeMetricFamily(
            "embargo_webhook_deliveries",
            "Webhook deliveries by state (retrying: failed and to be tried again; dead: dead-lettered)",
            labels=("state",),
        )
        for state, n in sorted(deliveries.items()):
            hooks.add_metric([state], float(n))
        yield hooks


def route_of(scope: MutableMapping[str, Any], path: str) -> str:
    """The matched route's template; unmatched paths (404s) share one label."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else ("unmatched" if path != "/" else "/")


def render(
    metrics: Metrics,
    snapshot: Callable[[], Snapshot | None],
    monitoring: Callable[[], tuple[dict[str, int], dict[str, int]] | None] | None = None,
) -> bytes:
    """The text Prometheus scrapes: the counters, the index in force, then (given ``monitoring``) the
    alerts and webhook deliveries by state."""
    index = CollectorRegistry()
    index.register(IndexCollector(snapshot))
    if monitoring is not None:
        index.register(MonitorCollector(monitoring))
    return generate_latest(metrics.registry) + generate_latest(index)
