"""``/metrics`` in Prometheus's text format: requests and their latency by route, and the state of the
service read at scrape time (the index's age and size, the list versions in force, whether the last
reload failed). Each app has a registry of its own, so several apps in one process (tests) do not mix.

More collectors (monitoring's alerts by state, webhook failures) register through
:meth:`Metrics.register`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from embargo.service.snapshot import ScreeningService

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class _IndexCollector(Collector):
    """The screening snapshot as it is when scraped."""

    def __init__(self, screening: Callable[[], ScreeningService]) -> None:
        self.screening = screening

    def collect(self) -> Iterator[GaugeMetricFamily]:
        screening = self.screening()
        snap = screening.snapshot
        ready = GaugeMetricFamily("embargo_index_ready", "1 once the screening index is built")
        ready.add_metric([], 1.0 if snap is not None else 0.0)
        yield ready
        failed = GaugeMetricFamily("embargo_index_reload_failed", "1 when the last index build failed")
        failed.add_metric([], 1.0 if screening.error else 0.0)
        yield failed
        if snap is None:
            return
        size = GaugeMetricFamily("embargo_index_entities", "Entities in the screening index")
        size.add_metric([], float(len(snap.entities)))
        yield size
        built = datetime.fromisoformat(snap.built_at)
        age = GaugeMetricFamily("embargo_index_age_seconds", "Seconds since the screening index was built")
        age.add_metric([], (datetime.now(UTC) - built).total_seconds())
        yield age
        versions = GaugeMetricFamily(
            "embargo_list_version_in_force",
            "The version id of each list in force in the index, labelled with its publish date",
            labels=["source", "publish_date"],
        )
        published = GaugeMetricFamily(
            "embargo_list_published_timestamp_seconds",
            "When the list version in force was published (midnight UTC of its publish date)",
            labels=["source"],
        )
        for v in snap.versions:
            versions.add_metric([v.source, v.publish_date], float(v.id))
            day = datetime.fromisoformat(v.publish_date).replace(tzinfo=UTC)
            published.add_metric([v.source], day.timestamp())
        yield versions
        yield published


class Metrics:
    def __init__(self, screening: Callable[[], ScreeningService]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "embargo_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "embargo_http_request_duration_seconds",
            "Time from the request's arrival to its answer (the audit row included), by route template",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_IndexCollector(screening))

    def register(self, collector: Collector) -> None:
        self.registry.register(collector)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
