"""Prometheus metrics of the webhook receiver, plus gauges read from the store at scrape time."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, select

from netgain.service.tables import rate_limits


class ServiceMetrics:
    def __init__(self, engine: Engine, job_counts: Callable[[], dict[str, int]]) -> None:
        self.registry = CollectorRegistry()
        self.deliveries = Counter(
            "netgain_webhook_deliveries",
            "Webhook deliveries by event and outcome.",
            ["event", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "netgain_webhook_seconds",
            "Time to acknowledge a webhook delivery.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.registry.register(_StoreCollector(engine, job_counts))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _StoreCollector(Collector):
    """Queue depth, jobs by state and GitHub's rate limit left, read when scraped."""

    def __init__(self, engine: Engine, job_counts: Callable[[], dict[str, int]]) -> None:
        self.engine = engine
        self.job_counts = job_counts

    def collect(self):  # type: ignore[no-untyped-def]
        counts = self.job_counts()
        depth = GaugeMetricFamily("netgain_queue_depth", "Jobs waiting to run.")
        depth.add_metric([], counts.get("todo", 0))
        yield depth
        jobs = GaugeMetricFamily("netgain_jobs", "Jobs by state.", labels=["state"])
        for state, n in sorted(counts.items()):
            jobs.add_metric([state], n)
        yield jobs
        left = GaugeMetricFamily(
            "netgain_github_rate_limit_remaining",
            "GitHub API requests left per installation at its last response.",
            labels=["installation"],
        )
        with self.engine.connect() as conn:
            for installation, remaining in conn.execute(
                select(rate_limits.c.installation_id, rate_limits.c.remaining)
            ):
                left.add_metric([str(installation)], remaining)
        yield left
