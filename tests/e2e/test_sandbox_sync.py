"""End to end: the real connectors, pipeline and ingest against the sandbox's wire formats."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from connectors.sandbox import RateLimits, Sandbox
from daemon._pipeline import OpenGraph, sync_connector
from ontology import GraphStore
from tests.e2e.helpers import (
    configure,
    document_ids,
    fresh_ingestors,
    graph_of,
    readable_record_ids,
    snapshot,
    sync_all,
)


@pytest.fixture
def sandbox() -> Sandbox:
    with Sandbox() as running:
        yield running  # type: ignore[misc]


def test_every_seeded_record_lands_exactly_once(sandbox: Sandbox, state_dir: Path) -> None:
    loaded = configure(sandbox, state_dir)
    with fresh_ingestors(), GraphStore(graph_of(state_dir)) as store:
        reports = sync_all(loaded, store)
        assert all(r.ok for r in reports.values()), {n: r.error for n, r in reports.items()}
        # each document has exactly one container and one author edge: nothing doubled
        per_doc_in = store.execute(
            "MATCH (d:Document)-[:`IN`]->(c) WITH d, count(c) AS n WHERE n <> 1 RETURN d.id, n"
        )
        per_doc_author = store.execute(
            "MATCH (p:Person)-[:AUTHORED]->(d:Document) WITH d, count(p) AS n WHERE n <> 1 "
            "RETURN d.id, n"
        )
    assert per_doc_in == []
    assert per_doc_author == []
    ids = document_ids(graph_of(state_dir))
    assert len(ids) == len(set(ids))
    expected = readable_record_ids(sandbox)
    found = set(ids)
    assert expected - found == set()
    # the rest are CRM companies, contacts and accounts, which the answer key does not label
    extra_kinds = Counter(i.split(":")[1] for i in found - expected if i.startswith("hubspot:"))
    assert set(extra_kinds) <= {"company", "contact"}


def test_second_sync_without_activity_adds_nothing(sandbox: Sandbox, state_dir: Path) -> None:
    loaded = configure(sandbox, state_dir)
    with fresh_ingestors(), GraphStore(graph_of(state_dir)) as store:
        sync_all(loaded, store)
        first = store.counts()
        again = sync_all(loaded, store)
        assert store.counts() == first
    assert all(r.ok for r in again.values())
    assert sum(r.documents for r in again.values()) == 0  # re-read, recognised as unchanged
    assert sum(r.decisions for r in again.values()) == 0


def test_new_activity_is_picked_up_on_the_next_cycle(sandbox: Sandbox, state_dir: Path) -> None:
    loaded = configure(sandbox, state_dir)
    with fresh_ingestors(), GraphStore(graph_of(state_dir)) as store:
        sync_all(loaded, store)
        before = set(document_ids_in(store))
        activity = sandbox.add_activity(30)
        assert activity.total >= 30
        reports = sync_all(loaded, store)
        assert all(r.ok for r in reports.values())
        after = set(document_ids_in(store))
    changed = set(activity.record_ids)
    assert changed, "the sandbox reports what it added or edited"
    readable = readable_record_ids(sandbox)
    slack = loaded.connectors["slack"]
    window_start = activity.start - max(slack.lookback, slack.thread_lookback)  # type: ignore[attr-defined]
    beyond = {rid for rid in changed if _reply_to_thread_older_than(sandbox, rid, window_start)}
    # Polling sees a new reply only when its thread started inside the thread lookback (Slack
    # lists threads by their first message); the sandbox also adds replies to month-old threads.
    assert (changed & readable) - beyond <= after
    assert not beyond & after
    assert after > before
    assert sum(r.documents for r in reports.values()) >= len((changed & readable) - before)


def _reply_to_thread_older_than(sandbox: Sandbox, record_id: str, start: datetime) -> bool:
    if not record_id.startswith("slack:"):
        return False
    _, channel, ts = record_id.split(":", 2)
    message = sandbox.world.channels[channel].by_ts[ts]
    if message.thread_ts in (None, message.ts):
        return False
    return float(message.thread_ts) < start.timestamp()


def document_ids_in(store: GraphStore) -> list[str]:
    return [
        r[0] for r in store.execute("MATCH (d:Document) WHERE d.source IS NOT NULL RETURN d.id")
    ]


def test_slack_rate_limited_to_one_history_request_per_second_is_slower_but_complete(
    state_dir: Path, tmp_path: Path
) -> None:
    with Sandbox() as free:
        reference_state = tmp_path / "free"
        loaded = configure(free, reference_state)
        with fresh_ingestors(), GraphStore(graph_of(reference_state)) as store:
            free_report = sync_connector(loaded, "slack", graph=OpenGraph(store))
        expected = snapshot(graph_of(reference_state))["Document"]
    limits = RateLimits(slack_history_per_s=1.0)
    with Sandbox(rate_limits=limits) as limited:
        loaded = configure(limited, state_dir)
        with fresh_ingestors(), GraphStore(graph_of(state_dir)) as store:
            report = sync_connector(loaded, "slack", graph=OpenGraph(store))
        throttled = limited.request_log.total_throttled("slack")
    assert report.ok, report.error
    assert throttled > 0, "the sandbox answered 429 at least once"
    assert report.seconds > free_report.seconds
    assert snapshot(graph_of(state_dir))["Document"] == expected
