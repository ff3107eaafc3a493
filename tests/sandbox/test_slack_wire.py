"""Slack Web API wire format: cursors to the end, HTTP-200 errors, threads, 429s."""

from __future__ import annotations

import re
from typing import Any

import httpx

from connectors.sandbox import RateLimits, Sandbox
from tests.sandbox.conftest import NOW, open_client, slack_client
from tests.sandbox.helpers import slack_call, slack_pages


def _readable_channels(client: httpx.Client) -> list[dict[str, Any]]:
    channels = slack_pages(
        client, "conversations.list", "channels", types="public_channel,private_channel", limit=3
    )
    return [c for c in channels if c["is_member"]]


def test_paging_history_and_replies_to_the_end_yields_every_readable_message(
    sandbox: Sandbox,
) -> None:
    client = slack_client(sandbox)
    seen: set[tuple[str, str]] = set()
    replies = 0
    for channel in _readable_channels(client):
        history = slack_pages(
            client, "conversations.history", "messages", channel=channel["id"], limit=17
        )
        stamps = [float(m["ts"]) for m in history]
        assert stamps == sorted(stamps, reverse=True), "history is newest first"
        for message in history:
            seen.add((channel["id"], message["ts"]))
            if message.get("reply_count"):
                thread = slack_pages(
                    client,
                    "conversations.replies",
                    "messages",
                    channel=channel["id"],
                    ts=message["ts"],
                    limit=2,
                )
                # the parent leads every page: dedupe, as a connector must
                children = {m["ts"] for m in thread if m["ts"] != message["ts"]}
                assert len(children) == message["reply_count"]
                replies += len(children)
                seen.update((channel["id"], ts) for ts in children)
    counts = sandbox.counts()
    assert len(seen) == counts["slack.messages.readable"]
    assert replies > 100
    assert len(seen) >= 300


def test_list_hides_private_channels_the_bot_is_not_in(sandbox: Sandbox) -> None:
    client = slack_client(sandbox)
    listed = slack_pages(
        client, "conversations.list", "channels", types="public_channel,private_channel"
    )
    names = {c["name"] for c in listed}
    assert "leadership" not in names
    assert {"eng-platform", "payments", "sales", "incidents", "general", "random"} <= names
    assert "deal-desk" in names  # private, but the bot is a member
    public_only = slack_pages(client, "conversations.list", "channels")
    assert all(not c["is_private"] for c in public_only)
    active = slack_pages(
        client, "conversations.list", "channels", types="public_channel", exclude_archived="true"
    )
    assert "proj-ledger-v1" not in {c["name"] for c in active}
    assert len(listed) == sandbox.counts()["slack.channels.listed"]


def test_errors_are_http_200_with_ok_false(sandbox: Sandbox) -> None:
    bad = slack_client(sandbox, token="xoxb-wrong")
    response = bad.get("/conversations.list")
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error": "invalid_auth"}
    anonymous = open_client(base_url=sandbox.base_urls()["slack"])
    assert anonymous.get("/auth.test").json() == {"ok": False, "error": "not_authed"}

    client = slack_client(sandbox)
    design = sandbox.world.channel_named("design-crit")
    leadership = sandbox.world.channel_named("leadership")
    assert design is not None
    assert leadership is not None
    assert slack_call(client, "conversations.history", channel=design.id)["error"] == (
        "not_in_channel"
    )
    assert slack_call(client, "conversations.history", channel=leadership.id)["error"] == (
        "channel_not_found"
    )
    assert slack_call(client, "conversations.history", channel="C0NOSUCHONE")["error"] == (
        "channel_not_found"
    )
    general = sandbox.world.channel_named("general")
    assert general is not None
    missing = slack_call(client, "conversations.replies", channel=general.id, ts="1.000001")
    assert missing == {"ok": False, "error": "thread_not_found"}
    assert client.get("/no.such.method").json()["error"] == "unknown_method"


def test_history_window_honours_oldest_latest_and_inclusive(sandbox: Sandbox) -> None:
    client = slack_client(sandbox)
    channel = sandbox.world.channel_named("payments")
    assert channel is not None
    all_ts = [m.ts for m in channel.messages]
    oldest, latest = all_ts[3], all_ts[9]
    exclusive = slack_pages(
        client,
        "conversations.history",
        "messages",
        channel=channel.id,
        oldest=oldest,
        latest=latest,
        limit=2,
    )
    assert [m["ts"] for m in exclusive] == all_ts[4:9][::-1]
    inclusive = slack_pages(
        client,
        "conversations.history",
        "messages",
        channel=channel.id,
        oldest=oldest,
        latest=latest,
        inclusive="true",
        limit=4,
    )
    assert [m["ts"] for m in inclusive] == all_ts[3:10][::-1]
    first = slack_call(client, "conversations.history", channel=channel.id, limit=1)
    assert first["has_more"] is True
    assert first["response_metadata"]["next_cursor"]


def test_messages_carry_threads_edits_mentions_and_links(sandbox: Sandbox) -> None:
    client = slack_client(sandbox)
    texts: list[str] = []
    edited = parents = bots = 0
    for channel in _readable_channels(client):
        for message in slack_pages(
            client, "conversations.history", "messages", channel=channel["id"], limit=200
        ):
            texts.append(message["text"])
            edited += "edited" in message
            bots += message.get("subtype") == "bot_message"
            if message.get("reply_count"):
                parents += 1
                assert message["thread_ts"] == message["ts"]
                assert message["latest_reply"] >= message["ts"]
    blob = "\n".join(texts)
    assert re.search(r"<@U[0-9A-Z]+>", blob), "user mentions are <@U...>"
    assert re.search(r"<#C[0-9A-Z]+\|eng-platform>", blob), "channel links are <#C...|name>"
    assert re.search(r"<https://[^>|]+>", blob), "links are <url> or <url|label>"
    assert "```" in blob
    assert ":tada:" in blob
    assert edited >= 2
    assert parents >= 30
    assert bots >= 20
    channel = sandbox.world.channel_named("eng-platform")
    assert channel is not None
    parent = next(m for m in channel.messages if m.replies and len(m.replies) >= 3)
    thread = slack_call(client, "conversations.replies", channel=channel.id, ts=parent.ts)
    assert thread["messages"][0]["ts"] == parent.ts
    assert all(m["thread_ts"] == parent.ts for m in thread["messages"])
    assert all(m.get("parent_user_id") for m in thread["messages"][1:])


def test_users_list_pages_and_users_info(sandbox: Sandbox) -> None:
    client = slack_client(sandbox)
    members = slack_pages(client, "users.list", "members", limit=5)
    assert len({m["id"] for m in members}) == len(members) == sandbox.counts()["slack.users"] + 1
    by_name = {m["name"]: m for m in members}
    assert by_name["jdoe"]["profile"]["display_name"] == "jdoe"
    assert by_name["jdoe"]["profile"]["email"] == "jane.doe@tessera.example"
    assert by_name["deploybot"]["is_bot"] is True
    assert by_name["marco"]["deleted"] is True
    assert by_name["slackbot"]["id"] == "USLACKBOT"
    info = slack_call(client, "users.info", user=by_name["jane.park"]["id"])
    assert info["user"]["real_name"] == "Jane Park"
    assert slack_call(client, "users.info", user="UNOBODY")["error"] == "user_not_found"
    me = slack_call(client, "auth.test")
    assert me["user_id"] in {m["id"] for m in members}


def test_page_cap_limits_history_and_replies_like_the_2025_limits() -> None:
    with Sandbox(now=NOW, slack_page_cap=15) as capped:
        client = slack_client(capped)
        channel = capped.world.channel_named("eng-platform")
        assert channel is not None
        page = slack_call(client, "conversations.history", channel=channel.id, limit=999)
        assert len(page["messages"]) == 15
        assert page["has_more"]
        everything = slack_pages(
            client, "conversations.history", "messages", channel=channel.id, limit=999
        )
        assert len(everything) == len(channel.messages)


def test_every_nth_request_gets_429_ratelimited_with_retry_after() -> None:
    limits = RateLimits(every_nth={"slack.conversations.history": 3}, retry_after=0)
    with Sandbox(now=NOW, rate_limits=limits) as limited:
        client = slack_client(limited)
        channel = limited.world.channel_named("general")
        assert channel is not None
        answers = [
            client.get("/conversations.history", params={"channel": channel.id}) for _ in range(6)
        ]
        statuses = [r.status_code for r in answers]
        assert statuses == [200, 200, 429, 200, 200, 429]
        throttled = answers[2]
        assert throttled.headers["Retry-After"] == "0"
        assert throttled.json() == {"ok": False, "error": "ratelimited"}
        assert limited.request_log.throttled == {"slack.conversations.history": 2}
        assert limited.request_log.counts["slack.conversations.history"] == 6


def test_a_per_second_rate_answers_429_until_a_token_frees_up() -> None:
    with Sandbox(now=NOW, rate_limits=RateLimits(slack_history_per_s=0.001)) as limited:
        client = slack_client(limited)
        channel = limited.world.channel_named("general")
        assert channel is not None
        first = client.get("/conversations.history", params={"channel": channel.id})
        second = client.get("/conversations.history", params={"channel": channel.id})
        assert first.status_code == 200
        assert second.status_code == 429
        assert int(second.headers["Retry-After"]) >= 1
        assert client.get("/users.list").status_code == 200  # other methods are not limited
