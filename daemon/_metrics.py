"""Prometheus metrics: per connector, per graph table, decision traceability, queries.

Everything lives in one ``CollectorRegistry`` per daemon (not the global one), so tests and
embedding never collide. Freshness and scheduling facts are read from the scheduler's state at
scrape time; graph sizes and traceability are refreshed after syncs (see ``GraphStats``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from daemon._scheduler import ConnectorState
    from ontology import GraphStore

BATCH_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
SYNC_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)
QUERY_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0)


@dataclass
class GraphStats:
    """Sizes and traceability of the graph, as of ``at``."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    decisions: int = 0
    with_decider: int = 0
    with_rationale: int = 0
    with_source: int = 0
    traceable: int = 0
    at: float = 0.0


TRACEABILITY_QUERY = """
MATCH (d:Decision) WHERE d.statement IS NOT NULL
WITH EXISTS { MATCH (d)-[:DECIDED_BY]->(:Person) } AS has_decider,
     EXISTS { MATCH (d)-[:STATED_IN]->(:Document) } AS has_source,
     d.rationale IS NOT NULL AND d.rationale <> '' AS has_rationale
RETURN count(*),
       sum(CASE WHEN has_decider THEN 1 ELSE 0 END),
       sum(CASE WHEN has_rationale THEN 1 ELSE 0 END),
       sum(CASE WHEN has_source THEN 1 ELSE 0 END),
       sum(CASE WHEN has_decider AND has_rationale AND has_source THEN 1 ELSE 0 END)
"""


def read_graph_stats(store: GraphStore) -> GraphStats:
    """Count every table and measure decision traceability (trusted, in-process queries)."""
    from ontology import NODES

    counts = store.counts()
    row = store.execute(TRACEABILITY_QUERY)[0]
    total, decider, rationale, source, traceable = (int(v or 0) for v in row)
    return GraphStats(
        nodes={k: v for k, v in counts.items() if k in NODES},
        edges={k: v for k, v in counts.items() if k not in NODES},
        decisions=total,
        with_decider=decider,
        with_rationale=rationale,
        with_source=source,
        traceable=traceable,
        at=time.time(),
    )


class _StateCollector(Collector):
    """Gauges computed at scrape time from the scheduler's per-connector state."""

    def __init__(
        self,
        states: Callable[[], Iterable[ConnectorState]],
        stats: Callable[[], GraphStats | None],
        clock: Callable[[], float],
    ) -> None:
        self._states = states
        self._stats = stats
        self._clock = clock

    def describe(self) -> Iterator[Metric]:
        return iter(())  # dynamic families: nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        now = self._clock()
        last_success = GaugeMetricFamily(
            "siphon_connector_last_success_timestamp_seconds",
            "Unix time of the connector's last successful sync (absent: never)",
            labels=["connector"],
        )
        lag = GaugeMetricFamily(
            "siphon_connector_freshness_lag_seconds",
            "Seconds since the connector's last successful sync (since start if never)",
            labels=["connector"],
        )
        failures = GaugeMetricFamily(
            "siphon_connector_consecutive_failures",
            "Failed syncs in a row (0: the last one succeeded)",
            labels=["connector"],
        )
        up = GaugeMetricFamily(
            "siphon_connector_up", "1 when the last sync succeeded", labels=["connector"]
        )
        running = GaugeMetricFamily(
            "siphon_connector_running", "1 while a sync runs", labels=["connector"]
        )
        next_run = GaugeMetricFamily(
            "siphon_connector_next_run_timestamp_seconds",
            "Unix time of the next scheduled sync",
            labels=["connector"],
        )
        for state in self._states():
            name = [state.name]
            if state.last_success_at is not None:
                last_success.add_metric(name, state.last_success_at.timestamp())
                lag.add_metric(name, max(0.0, now - state.last_success_at.timestamp()))
            else:
                lag.add_metric(name, max(0.0, now - state.added_at.timestamp()))
            failures.add_metric(name, state.consecutive_failures)
            up.add_metric(name, 1.0 if state.last_ok else 0.0)
            running.add_metric(name, 1.0 if state.running else 0.0)
            if state.next_run_at is not None:
                next_run.add_metric(name, state.next_run_at.timestamp())
        yield from (last_success, lag, failures, up, running, next_run)

        stats = self._stats()
        if stats is None:
            return
        nodes = GaugeMetricFamily("siphon_graph_nodes", "Nodes per table", labels=["table"])
        for table, count in sorted(stats.nodes.items()):
            nodes.add_metric([table], count)
        edges = GaugeMetricFamily(
            "siphon_graph_relationships", "Relationships per table", labels=["table"]
        )
        for table, count in sorted(stats.edges.items()):
            edges.add_metric([table], count)
        ratio = GaugeMetricFamily(
            "siphon_decision_traceability_ratio",
            "Share of decisions with a decider, a rationale, a source document, or all three",
            labels=["aspect"],
        )
        total = stats.decisions
        for aspect, count in (
            ("decider", stats.with_decider),
            ("rationale", stats.with_rationale),
            ("source", stats.with_source),
            ("all", stats.traceable),
        ):
            ratio.add_metric([aspect], count / total if total else 0.0)
        age = GaugeMetricFamily(
            "siphon_graph_stats_timestamp_seconds", "When the graph figures were measured"
        )
        age.add_metric([], stats.at)
        yield from (nodes, edges, ratio, age)


class Metrics:
    """The daemon's metrics."""

    def __init__(
        self,
        states: Callable[[], Iterable[ConnectorState]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.graph_stats: GraphStats | None = None
        r = self.registry
        self.records = Counter(
            "siphon_connector_records",
            "Records ingested, by connector and table",
            ["connector", "table"],
            registry=r,
        )
        self.documents = Counter(
            "siphon_connector_documents", "Documents ingested", ["connector"], registry=r
        )
        self.decisions = Counter(
            "siphon_connector_decisions", "Decisions found", ["connector"], registry=r
        )
        self.skipped = Counter(
            "siphon_connector_skipped_records", "Bad records skipped", ["connector"], registry=r
        )
        self.errors = Counter(
            "siphon_connector_errors",
            "Failed syncs by kind (fatal, retriable, skippable, internal)",
            ["connector", "kind"],
            registry=r,
        )
        self.syncs = Counter(
            "siphon_connector_syncs", "Syncs run, by outcome", ["connector", "outcome"], registry=r
        )
        self.sync_seconds = Histogram(
            "siphon_connector_sync_duration_seconds",
            "Wall time of one sync",
            ["connector"],
            buckets=SYNC_BUCKETS,
            registry=r,
        )
        self.batch_seconds = Histogram(
            "siphon_batch_write_seconds",
            "Time one batch held the graph's write window",
            ["connector"],
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self.queries = Counter(
            "siphon_queries", "Analyst queries, by outcome", ["outcome"], registry=r
        )
        self.query_seconds = Histogram(
            "siphon_query_duration_seconds",
            "Analyst query latency",
            buckets=QUERY_BUCKETS,
            registry=r,
        )
        self.reloads = Counter(
            "siphon_config_reloads", "Config reloads, by outcome", ["outcome"], registry=r
        )
        self.started = Gauge(
            "siphon_start_timestamp_seconds", "When the daemon started", registry=r
        )
        self.started.set(clock())
        r.register(_StateCollector(states, lambda: self.graph_stats, clock))

    def query_done(self, outcome: str, seconds: float) -> None:
        self.queries.labels(outcome).inc()
        self.query_seconds.observe(seconds)

    def batch_done(self, connector: str, seconds: float) -> None:
        self.batch_seconds.labels(connector).observe(seconds)

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return generate_latest(self.registry)
