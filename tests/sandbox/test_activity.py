"""``add_activity``: new records, timestamped after everything before, visible on the next poll."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from connectors.sandbox import ActivityReport, Sandbox
from connectors.sandbox._world import from_dt, to_dt
from tests.sandbox.conftest import NOW, hubspot_client, jira_client, salesforce_client, slack_client
from tests.sandbox.helpers import hubspot_search, jira_search, salesforce_query, slack_pages

LATER = NOW + timedelta(days=2)


@pytest.fixture(scope="module")
def active() -> Iterator[tuple[Sandbox, ActivityReport, datetime]]:
    box = Sandbox(now=NOW, clock=lambda: LATER)
    last_before = to_dt(box.world.last_event)
    with box:
        yield box, box.add_activity(33), last_before


def test_activity_is_timestamped_after_everything_before(
    active: tuple[Sandbox, ActivityReport, datetime],
) -> None:
    box, report, last_before = active
    assert report.start > last_before
    assert report.start <= report.end <= LATER
    assert report.total == 33
    assert {
        "slack.message",
        "slack.reply",
        "slack.edit",
        "jira.issue",
        "jira.comment",
        "jira.transition",
        "hubspot.deal_change",
        "hubspot.note",
        "salesforce.opportunity_change",
        "salesforce.note",
    } <= set(report.added)
    key = {d.record_id for d in box.answer_key().documents}
    assert set(report.record_ids) <= key


def test_new_slack_messages_replies_and_edits_show_up_when_history_is_reread(
    active: tuple[Sandbox, ActivityReport, datetime],
) -> None:
    box, report, _ = active
    client = slack_client(box)
    oldest = f"{report.start.timestamp() - 3 * 86400:.6f}"  # a lookback window of three days
    seen: set[str] = set()
    edited: set[str] = set()
    for channel in (c for c in box.world.channels.values() if c.member):
        for message in slack_pages(
            client, "conversations.history", "messages", channel=channel.id, oldest=oldest
        ):
            seen.add(f"slack:{channel.id}:{message['ts']}")
            if float(message.get("edited", {}).get("ts", 0)) >= report.start.timestamp():
                edited.add(f"slack:{channel.id}:{message['ts']}")
            if message.get("reply_count"):
                for reply in slack_pages(
                    client,
                    "conversations.replies",
                    "messages",
                    channel=channel.id,
                    ts=message["ts"],
                ):
                    seen.add(f"slack:{channel.id}:{reply['ts']}")
    changed = {r for r in report.record_ids if r.startswith("slack:")}
    window = report.start.timestamp() - 3 * 86400

    def late_reply(record_id: str) -> bool:
        _, channel, ts = record_id.split(":", 2)
        message = box.world.channels[channel].by_ts[ts]
        return message.thread_ts not in (None, ts) and float(message.thread_ts or 0) < window

    late = {r for r in changed if late_reply(r)}
    assert changed - late <= seen
    assert len(changed - late) >= 5
    assert edited, "an edit carries edited.ts after the activity started"
    assert late, "some replies land in threads older than a lookback window"


def test_jira_changes_come_back_from_an_updated_since_search(
    active: tuple[Sandbox, ActivityReport, datetime],
) -> None:
    box, report, _ = active
    local = report.start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")
    found = jira_search(
        jira_client(box),
        f'project in (PLAT, PAY) AND updated >= "{local}" ORDER BY updated ASC',
        fields="updated",
    )
    ids = {f"jira:{i['id']}" for i in found}
    assert {r for r in report.record_ids if r.startswith("jira:") and ":comment:" not in r} <= ids
    stamps = [datetime.strptime(i["fields"]["updated"], "%Y-%m-%dT%H:%M:%S.%f%z") for i in found]
    assert max(stamps) >= report.start - timedelta(seconds=1)


def test_crm_changes_come_back_from_modified_since_queries(
    active: tuple[Sandbox, ActivityReport, datetime],
) -> None:
    box, report, _ = active
    since = str(from_dt(report.start) // 1000)
    hubspot = hubspot_client(box)
    changed: set[str] = set()
    for kind, prefix in (("deals", "deal"), ("notes", "note")):
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": since}
                    ]
                }
            ],
            "limit": 100,
        }
        changed |= {f"hubspot:{prefix}:{r['id']}" for r in hubspot_search(hubspot, kind, body)}
    assert {r for r in report.record_ids if r.startswith("hubspot:")} <= changed
    assert changed
    literal = report.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    salesforce = salesforce_client(box)
    rows = []
    for name in ("Opportunity", "Note", "Task"):
        rows += salesforce_query(
            salesforce, f"SELECT Id FROM {name} WHERE SystemModstamp >= {literal}"
        )
    rows += salesforce_query(
        salesforce, f"SELECT Id FROM ContentNote WHERE LastModifiedDate >= {literal}"
    )
    found = {f"salesforce:{r['Id']}" for r in rows}
    assert {r for r in report.record_ids if r.startswith("salesforce:")} <= found
    history = salesforce_query(
        salesforce, f"SELECT Id FROM OpportunityHistory WHERE CreatedDate >= {literal}"
    )
    assert len(history) == report.added["salesforce.opportunity_change"]


def test_activity_is_deterministic_and_keeps_moving_forward() -> None:
    def run() -> list[tuple[dict[str, int], tuple[str, ...]]]:
        box = Sandbox(now=NOW, clock=lambda: LATER)
        first, second = box.add_activity(12), box.add_activity(5)
        assert second.start > first.end
        assert second.round == first.round + 1
        return [(first.added, first.record_ids), (second.added, second.record_ids)]

    assert run() == run()
    with pytest.raises(ValueError, match="n >= 1"):
        Sandbox(now=NOW).add_activity(0)
