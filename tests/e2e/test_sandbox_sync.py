"""End to end: the real connectors, pipeline and ingest against the sandbox's wire formats."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from connectors.sandbox import RateLimits, Sandbox
from daemon._pipeline import OpenGraph, sync_connector
from ontology import GraphStore
from tests.e2e.helpers import configure, fresh_ingestors, graph_of, readable_record_ids, sync_all


def document_ids_in(store: GraphStore) -> list[str]:
    return [
        r[0] for r in store.execute("MATCH (d:Document) WHERE d.source IS NOT NULL RETURN d.id")
    ]


def _reply_to_thread_older_than(sandbox: Sandbox, record_id: str, start: datetime) -> bool:
    if not record_id.startswith("slack:"):
        return False
    _, channel, ts = record_id.split(":", 2)
    message = sandbox.world.channels[channel].by_ts[ts]
    if message.thread_ts in (None, message.ts):
        return False
    return float(message.thread_ts) < start.timestamp()


def test_every_record_once_then_nothing_new_then_new_activity(state_dir: Path) -> None:
    with Sandbox() as sandbox, fresh_ingestors():
        loaded = configure(sandbox, state_dir)
        with GraphStore(graph_of(state_dir)) as store:
            # 1. the first sync lands every readable seeded record exactly once
            first = sync_all(loaded, store)
            assert all(r.ok for r in first.values()), {n: r.error for n, r in first.items()}
            assert all(r.skipped == 0 for r in first.values())
            ids = document_ids_in(store)
            assert len(ids) == len(set(ids))
            expected = readable_record_ids(sandbox)
            assert expected - set(ids) == set()
            # the rest are CRM companies, accounts and contacts, which the key does not label
            kinds = dict(store.execute("MATCH (d:Document) RETURN d.id, d.kind"))
            extra = Counter(kinds[i] for i in set(ids) - expected)
            assert set(extra) <= {"company", "account", "contact"}
            doubled = store.execute(
                "MATCH (d:Document)-[:`IN`]->(c) WITH d, count(c) AS n WHERE n <> 1 "
                "RETURN d.id, n UNION ALL "
                "MATCH (p:Person)-[:AUTHORED]->(d:Document) WITH d, count(p) AS n WHERE n <> 1 "
                "RETURN d.id, n"
            )
            assert doubled == []

            # 2. a second sync with no new activity re-reads the lookback and adds nothing
            counts = store.counts()
            ledger = store.execute("MATCH (l:LedgerEntry) RETURN count(l)")
            again = sync_all(loaded, store)
            assert all(r.ok for r in again.values())
            assert sum(r.documents for r in again.values()) == 0
            assert sum(r.decisions for r in again.values()) == 0
            assert store.counts() == counts
            assert store.execute("MATCH (l:LedgerEntry) RETURN count(l)") == ledger

            # 3. new activity (messages, replies, edits, issues, transitions, deal changes,
            # notes) is picked up on the next cycle
            activity = sandbox.add_activity(30)
            assert activity.total >= 30
            third = sync_all(loaded, store)
            assert all(r.ok for r in third.values())
            after = set(document_ids_in(store))
    changed = set(activity.record_ids)
    slack = loaded.connectors["slack"]
    reach = max(slack.lookback, slack.thread_lookback)  # type: ignore[attr-defined]
    beyond = {r for r in changed if _reply_to_thread_older_than(sandbox, r, activity.start - reach)}
    # Polling sees a new reply only when its thread started inside the thread lookback (Slack
    # lists threads by their first message); the sandbox also adds replies to month-old threads.
    assert (changed & readable_record_ids(sandbox)) - beyond <= after
    assert not beyond & after
    assert after > set(ids)
    assert sum(r.documents for r in third.values()) >= len((changed - beyond) - set(ids))


def test_slack_history_limited_to_one_request_per_second_is_slower_but_complete(
    state_dir: Path,
) -> None:
    limits = RateLimits(per_s={"slack.conversations.history": 1.0}, retry_after=0.2)
    with Sandbox(rate_limits=limits) as limited, fresh_ingestors():
        loaded = configure(limited, state_dir)
        with GraphStore(graph_of(state_dir)) as store:
            report = sync_connector(loaded, "slack", graph=OpenGraph(store))
            got = {i for i in document_ids_in(store) if i.startswith("slack:")}
        history_calls = limited.request_log.counts.get("slack.conversations.history", 0)
        throttled = limited.request_log.total_throttled("slack")
        expected = {i for i in readable_record_ids(limited) if i.startswith("slack:")}
    assert report.ok, report.error
    assert throttled > 0, "the sandbox answered 429 with Retry-After"
    assert got == expected  # complete: every readable Slack message landed
    # slower: at most one history request a second got through
    served = history_calls - throttled
    assert served > 2
    assert report.seconds >= served - 1
