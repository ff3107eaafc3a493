"""The Slack connector against a mocked Web API (respx, strict)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from connectors import (
    Account,
    Container,
    FatalError,
    Record,
    RetriableError,
    SkippableError,
)
from connectors.slack import SlackConfig, SlackConnector, to_plain_text
from connectors.slack._api import classify

BASE = "https://slack.test/api"
TOKEN = "xoxb-test-token-1234"
SINCE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ts(moment: datetime, micros: int = 0) -> str:
    return f"{int(moment.timestamp())}.{micros:06d}"


def ok(**body: Any) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, **body})


def page(key: str, items: list[dict[str, Any]], cursor: str | None = "") -> httpx.Response:
    body: dict[str, Any] = {key: items}
    if cursor is not None:  # None: no response_metadata at all, as some last pages come
        body["response_metadata"] = {"next_cursor": cursor}
    return ok(**body)


def fail(
    code: str, status: int = 200, headers: dict[str, str] | None = None, **extra: Any
) -> httpx.Response:
    return httpx.Response(status, json={"ok": False, "error": code, **extra}, headers=headers)


USERS = [
    {
        "id": "U1",
        "name": "ada",
        "real_name": "Ada Lovelace",
        "profile": {"email": "ada@example.com", "display_name": "ada.l"},
        "updated": 1767225600,
    },
    {"id": "U2", "name": "grace", "deleted": True, "profile": {"real_name": "Grace Hopper"}},
    {"id": "U3", "name": "deploybot", "is_bot": True, "profile": {"real_name": "Deploy Bot"}},
]


def channel(cid: str, name: str, *, member: bool = True, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": name, "is_member": member, "created": 1700000000, **extra}


def message(at: datetime, text: str, user: str = "U1", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "ts": ts(at), "user": user, "text": text, **extra}


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_TOKEN", TOKEN)


@pytest.fixture
def slack_api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as mock:
        yield mock


def connector(sleep: Any, **options: Any) -> SlackConnector:
    config = SlackConfig.model_validate(
        {"type": "slack", "token": "env:SLACK_TOKEN", "base_url": BASE, **options}
    )
    return SlackConnector("acme-slack", config, sleep=sleep)


def workspace(mock: respx.MockRouter, channels: list[dict[str, Any]]) -> None:
    """auth.test, one page of users and one of conversations."""
    mock.get("/auth.test").mock(return_value=ok(url="https://acme.slack.com/", team="Acme"))
    mock.get("/users.list").mock(return_value=page("members", USERS))
    mock.get("/conversations.list").mock(return_value=page("channels", channels))


def run_all(slack: SlackConnector, since: datetime | None) -> dict[str, list[Any]]:
    return {s.name: list(s.fetch(since)) for s in slack.streams()}


def test_full_sync_pages_every_listing_to_the_end(slack_api: respx.MockRouter, sleep: Any) -> None:
    parent_at = SINCE + timedelta(hours=1)
    slack_api.get("/auth.test").mock(
        return_value=ok(url="https://acme.slack.com/", team="Acme", user="siphon")
    )
    users = slack_api.get("/users.list").mock(
        side_effect=[page("members", USERS[:2], "u-next"), page("members", USERS[2:], "")]
    )
    listing = slack_api.get("/conversations.list").mock(
        side_effect=[
            page("channels", [channel("C1", "general"), channel("C3", "lobby", member=False)], "c"),
            page("channels", [channel("G1", "leads", is_private=True)], None),
        ]
    )
    history_c1 = slack_api.get("/conversations.history", params={"channel": "C1"}).mock(
        side_effect=[
            page(
                "messages",
                [
                    message(parent_at + timedelta(minutes=30), "Shipping <https://x.io|the plan>"),
                    message(
                        parent_at,
                        "<@U2> we decided to use Postgres",
                        reply_count=1,
                        thread_ts=ts(parent_at),
                    ),
                ],
                "h-next",
            ),
            page("messages", [message(SINCE, "first of the day &amp; more")], ""),
        ]
    )
    history_g1 = slack_api.get("/conversations.history", params={"channel": "G1"}).mock(
        return_value=page("messages", [message(SINCE + timedelta(minutes=5), "private")], None)
    )
    reply_at = parent_at + timedelta(minutes=10)
    replies = slack_api.get(
        "/conversations.replies", params={"channel": "C1", "ts": ts(parent_at)}
    ).mock(
        return_value=page(
            "messages",
            [
                message(parent_at, "<@U2> we decided to use Postgres", thread_ts=ts(parent_at)),
                message(reply_at, "agreed", user="U2", thread_ts=ts(parent_at)),
            ],
        )
    )

    with connector(sleep) as slack:
        out = run_all(slack, SINCE)

    accounts = out["users"]
    assert [a.id for a in accounts] == ["acme-slack:U1", "acme-slack:U2", "acme-slack:U3"]
    assert all(isinstance(a, Account) for a in accounts)
    ada, grace, bot = accounts
    assert (ada.name, ada.display_name, ada.email) == ("Ada Lovelace", "ada.l", "ada@example.com")
    assert ada.handles == ["ada", "ada.l"]
    assert ada.updated_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert grace.deleted
    assert not grace.is_bot
    assert grace.name == "Grace Hopper"
    assert bot.is_bot

    containers = out["channels"]
    assert all(isinstance(c, Container) for c in containers)
    assert [c.id for c in containers] == ["acme-slack:C1", "acme-slack:G1"]  # C3: not a member
    assert containers[0].url == "https://acme.slack.com/archives/C1"
    assert containers[1].properties["is_private"] is True

    docs = out["messages"]
    assert all(isinstance(d, Record) for d in docs)
    by_id = {d.id: d for d in docs}
    assert len(by_id) == len(docs) == 5  # the thread parent is not repeated from the replies
    parent = by_id[f"acme-slack:C1:{ts(parent_at)}"]
    assert parent.kind == "message"
    assert parent.thread_id == parent.id
    assert parent.parent_id is None
    assert parent.text == "@Grace Hopper we decided to use Postgres"
    assert [m.id for m in parent.mentions] == ["acme-slack:U2"]
    assert parent.author is not None
    assert parent.author.email == "ada@example.com"
    assert parent.container is not None
    assert parent.container.name == "general"
    assert parent.url == f"https://acme.slack.com/archives/C1/p{ts(parent_at).replace('.', '')}"
    reply = by_id[f"acme-slack:C1:{ts(reply_at)}"]
    assert (reply.kind, reply.parent_id, reply.thread_id) == ("reply", parent.id, parent.id)
    assert by_id[f"acme-slack:C1:{ts(SINCE)}"].text == "first of the day & more"
    assert by_id[f"acme-slack:G1:{ts(SINCE + timedelta(minutes=5))}"].text == "private"

    # The messages stream reused the listings the first two streams had just read.
    assert users.call_count == 2
    assert listing.call_count == 2
    assert history_c1.call_count == 2
    assert history_g1.call_count == 1
    assert replies.call_count == 1
    first = history_c1.calls[0].request
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert first.url.params["oldest"] == ts(SINCE)
    assert first.url.params["inclusive"] == "true"
    assert "cursor" not in first.url.params
    assert history_c1.calls[1].request.url.params["cursor"] == "h-next"
    assert listing.calls[0].request.url.params["types"] == "public_channel,private_channel"
    assert slack.skipped == 0


def test_rate_limited_small_pages_still_complete(slack_api: respx.MockRouter, sleep: Any) -> None:
    """1 request/minute, 15 items a page: every 429 is honoured and every page is followed."""
    workspace(slack_api, [channel("C1", "general")])
    limited = fail("ratelimited", 429, headers={"Retry-After": "60"})
    msgs = [message(SINCE + timedelta(minutes=n), f"message {n}") for n in range(40)]
    parent = msgs[0] = msgs[0] | {"reply_count": 17, "thread_ts": msgs[0]["ts"]}
    thread = [
        message(SINCE + timedelta(hours=2, minutes=n), f"reply {n}", thread_ts=parent["ts"])
        for n in range(17)
    ]
    history = slack_api.get("/conversations.history").mock(
        side_effect=[
            limited,
            page("messages", msgs[:15], "p2"),
            limited,
            page("messages", msgs[15:30], "p3"),
            limited,
            page("messages", msgs[30:], ""),
        ]
    )
    replies = slack_api.get("/conversations.replies").mock(
        side_effect=[
            limited,
            page("messages", [parent, *thread[:14]], "r2"),
            limited,
            page("messages", thread[14:], None),
        ]
    )

    with connector(sleep, channels=["general"]) as slack:
        docs = list(slack.streams()[2].fetch(SINCE))

    assert len({d.id for d in docs}) == len(docs) == 40 + 17
    assert sum(d.kind == "reply" for d in docs) == 17
    assert sleep.calls == [60.0] * 5
    assert history.call_count == 6
    assert replies.call_count == 4
    assert slack.api.retries == 5


def test_retry_after_is_honoured_then_the_answer_used(
    slack_api: respx.MockRouter, sleep: Any
) -> None:
    users = slack_api.get("/users.list").mock(
        side_effect=[fail("ratelimited", 429, headers={"Retry-After": "7"}), page("members", USERS)]
    )
    with connector(sleep) as slack:
        accounts = list(slack.streams()[0].fetch(None))
    assert len(accounts) == 3
    assert sleep.calls == [7.0]
    assert users.call_count == 2


@pytest.mark.parametrize("code", ["invalid_auth", "token_revoked", "account_inactive"])
def test_bad_token_is_fatal_with_a_clear_message(
    slack_api: respx.MockRouter, sleep: Any, code: str
) -> None:
    route = slack_api.get("/auth.test").mock(return_value=fail(code))
    with connector(sleep) as slack, pytest.raises(FatalError) as caught:
        list(slack.streams()[2].fetch(SINCE))
    message_text = str(caught.value)
    assert "connector 'acme-slack'" in message_text
    assert "GET /auth.test" in message_text
    assert "HTTP 200" in message_text
    assert code in message_text
    assert TOKEN not in message_text
    assert route.call_count == 1  # never retried
    assert sleep.calls == []


def test_missing_scope_names_the_scope_to_add(slack_api: respx.MockRouter, sleep: Any) -> None:
    workspace(slack_api, [channel("C1", "general")])
    slack_api.get("/conversations.history").mock(
        return_value=fail(
            "missing_scope", needed="channels:history", provided="channels:read,users:read"
        )
    )
    with connector(sleep) as slack, pytest.raises(FatalError) as caught:
        list(slack.streams()[2].fetch(SINCE))
    assert "'channels:history'" in str(caught.value)
    assert "channels:read,users:read" in str(caught.value)
    assert "GET /conversations.history" in str(caught.value)


def test_inaccessible_channel_is_skipped_and_counted(
    slack_api: respx.MockRouter, sleep: Any, caplog: pytest.LogCaptureFixture
) -> None:
    workspace(slack_api, [channel("C1", "general"), channel("C2", "design")])
    slack_api.get("/conversations.history", params={"channel": "C1"}).mock(
        return_value=fail("not_in_channel")
    )
    slack_api.get("/conversations.history", params={"channel": "C2"}).mock(
        return_value=page("messages", [message(SINCE, "still read")])
    )
    with caplog.at_level(logging.WARNING), connector(sleep) as slack:
        docs = list(slack.streams()[2].fetch(SINCE))
    assert [d.text for d in docs] == ["still read"]
    assert slack.skipped == 1
    assert "record=acme-slack:C1" in caplog.text
    assert "not_in_channel" in caplog.text


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"ok": True}, None),
        (200, {"ok": False, "error": "invalid_auth"}, FatalError),
        (200, {"ok": False, "error": "not_authed"}, FatalError),
        (200, {"ok": False, "error": "token_revoked"}, FatalError),
        (200, {"ok": False, "error": "token_expired"}, FatalError),
        (200, {"ok": False, "error": "account_inactive"}, FatalError),
        (200, {"ok": False, "error": "missing_scope", "needed": "a", "provided": "b"}, FatalError),
        (200, {"ok": False, "error": "no_permission"}, FatalError),
        (200, {"ok": False, "error": "not_in_channel"}, SkippableError),
        (200, {"ok": False, "error": "channel_not_found"}, SkippableError),
        (429, {"ok": False, "error": "ratelimited"}, RetriableError),
        (200, {"ok": False, "error": "ratelimited"}, RetriableError),
        (200, {"ok": False, "error": "internal_error"}, RetriableError),
        (200, {"ok": False, "error": "fatal_error"}, RetriableError),
        (200, {"ok": False, "error": "service_unavailable"}, RetriableError),
        (200, {"ok": False, "error": "request_timeout"}, RetriableError),
        (200, {"ok": False, "error": "something_new"}, FatalError),
        (200, {"ok": False}, FatalError),
        (500, {"ok": False, "error": "something_new"}, RetriableError),
        (503, {}, RetriableError),
        (401, {"ok": False, "error": "invalid_auth"}, FatalError),
        (302, {}, FatalError),
    ],
)
def test_ok_false_is_always_classified(
    status: int, body: dict[str, Any], expected: type[Exception] | None
) -> None:
    response = httpx.Response(status, json=body, headers={"Retry-After": "3"})
    if expected is None:
        classify(response, "GET /conversations.history")
        return
    with pytest.raises(expected) as caught:
        classify(response, "GET /conversations.history")
    assert type(caught.value) is expected
    if isinstance(caught.value, RetriableError):
        assert caught.value.retry_after == 3.0
    if body.get("error"):
        assert caught.value.code == body["error"] or status >= 500


NAMES = {"U1": "Ada Lovelace", "U2": "Grace Hopper"}


@pytest.mark.parametrize(
    ("mrkdwn", "text", "mentions"),
    [
        ("<@U1> please review", "@Ada Lovelace please review", ["U1"]),
        ("cc <@U9|legacy.name>", "cc @legacy.name", ["U9"]),
        ("cc <@U9>", "cc @U9", ["U9"]),
        ("see <#C123|general> and <#C9>", "see #general and #C9", []),
        ("<https://x.io/a?b=1&amp;c=2|the doc>", "the doc (https://x.io/a?b=1&c=2)", []),
        ("<https://example.com>", "https://example.com", []),
        ("<https://example.com|https://example.com>", "https://example.com", []),
        ("mail <mailto:a@b.io|a@b.io>", "mail a@b.io", []),
        ("a &lt;b&gt; &amp;amp; c", "a <b> &amp; c", []),
        ("<!here> <!channel> <!subteam^S1|@eng>", "@here @channel @eng", []),
        ("due <!date^1767225600^{date_short}|Jan 1>", "due Jan 1", []),
        ("*we decided* to _ship_ ~v1~", "we decided to ship v1", []),
        ("2*3*4 and snake_case_name stay", "2*3*4 and snake_case_name stay", []),
        ("```SELECT 1 &lt; 2```", "SELECT 1 < 2", []),
        ("```\nSELECT * FROM t\n```\nthen", "SELECT * FROM t\nthen", []),
        ("*Plan*\n• use `pg`\n• ship it", "Plan\n- use pg\n- ship it", []),
        (
            "<@U1> and <@U2> and <@U1>",
            "@Ada Lovelace and @Grace Hopper and @Ada Lovelace",
            ["U1", "U2"],
        ),
    ],
)
def test_mrkdwn_to_plain_text(mrkdwn: str, text: str, mentions: list[str]) -> None:
    converted = to_plain_text(mrkdwn, NAMES.get)
    assert converted.text == text
    assert converted.mentions == mentions


def test_new_reply_to_an_older_thread_in_the_window_is_found(
    slack_api: respx.MockRouter, sleep: Any
) -> None:
    """The parent was synced last time; a reply came since; the lookback re-reads the parent."""
    parent_at = SINCE + timedelta(hours=1)  # older than the last cursor, inside the lookback
    old_reply_at = parent_at + timedelta(minutes=5)
    new_reply_at = SINCE + timedelta(days=3)
    workspace(slack_api, [channel("C1", "general")])
    parent = message(
        parent_at,
        "Which queue?",
        reply_count=2,
        thread_ts=ts(parent_at),
        latest_reply=ts(new_reply_at),
    )
    slack_api.get("/conversations.history").mock(return_value=page("messages", [parent]))
    replies = slack_api.get("/conversations.replies").mock(
        return_value=page(
            "messages",
            [
                parent,
                message(old_reply_at, "SQS?", user="U2", thread_ts=ts(parent_at)),
                message(
                    new_reply_at,
                    "Decided: <@U2>'s SQS",
                    thread_ts=ts(parent_at),
                    parent_user_id="U1",
                ),
            ],
        )
    )
    with connector(sleep) as slack:
        docs = {d.id: d for d in slack.streams()[2].fetch(SINCE)}
    parent_id = f"acme-slack:C1:{ts(parent_at)}"
    new = docs[f"acme-slack:C1:{ts(new_reply_at)}"]
    assert new.kind == "reply"
    assert new.parent_id == parent_id
    assert new.thread_id == parent_id
    assert new.text == "Decided: @Grace Hopper's SQS"
    assert new.created_at == new_reply_at
    assert set(docs) == {parent_id, f"acme-slack:C1:{ts(old_reply_at)}", new.id}
    assert replies.calls[0].request.url.params["ts"] == ts(parent_at)


def test_an_edit_replaces_the_text_under_the_same_id(
    slack_api: respx.MockRouter, sleep: Any
) -> None:
    posted = SINCE + timedelta(hours=1)
    edited = posted + timedelta(hours=5)
    workspace(slack_api, [channel("C1", "general")])
    slack_api.get("/conversations.history").mock(
        side_effect=[
            page("messages", [message(posted, "We go with MySQL")]),
            page(
                "messages",
                [
                    message(
                        posted,
                        "We go with Postgres",
                        edited={"user": "U1", "ts": ts(edited, 123)},
                    )
                ],
            ),
        ]
    )
    with connector(sleep) as slack:
        (before,) = slack.streams()[2].fetch(SINCE)
        (after,) = slack.streams()[2].fetch(SINCE)
    assert isinstance(before, Record)
    assert isinstance(after, Record)
    assert before.id == after.id == f"acme-slack:C1:{ts(posted)}"
    assert (before.text, after.text) == ("We go with MySQL", "We go with Postgres")
    assert before.updated_at == posted
    assert after.updated_at == edited + timedelta(microseconds=123)
    assert after.created_at == posted


def test_one_bad_message_is_skipped_not_the_batch(
    slack_api: respx.MockRouter, sleep: Any, caplog: pytest.LogCaptureFixture
) -> None:
    workspace(slack_api, [channel("C1", "general")])
    slack_api.get("/conversations.history").mock(
        return_value=page(
            "messages",
            [
                message(SINCE + timedelta(minutes=2), "after"),
                {"type": "message", "ts": "yesterday-ish", "user": "U1", "text": "broken"},
                message(SINCE + timedelta(seconds=90), "odd edit", edited="not an object"),
                message(SINCE + timedelta(minutes=1), "before", reply_count="lots"),
                message(SINCE, "left the channel", subtype="channel_leave"),
            ],
        )
    )
    with caplog.at_level(logging.WARNING), connector(sleep) as slack:
        docs = list(slack.streams()[2].fetch(SINCE))
    assert [d.text for d in docs] == ["after", "before"]  # join/leave noise is not content
    assert slack.skipped == 2
    assert "connector.record_skipped" in caplog.text
    assert "record=acme-slack:C1:yesterday-ish" in caplog.text


def test_first_sync_reaches_back_initial_history(
    slack_api: respx.MockRouter, sleep: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace(slack_api, [channel("C1", "general")])
    history = slack_api.get("/conversations.history").mock(return_value=page("messages", []))
    now = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
    with connector(sleep, initial_history="30d", page_size=50) as slack:
        monkeypatch.setattr(slack, "_now", lambda: now)
        assert list(slack.streams()[2].fetch(None)) == []
    params = history.calls[0].request.url.params
    assert params["oldest"] == ts(now - timedelta(days=30))
    assert params["limit"] == "50"


def test_channels_by_id_or_name_with_exclusions(
    slack_api: respx.MockRouter, sleep: Any, caplog: pytest.LogCaptureFixture
) -> None:
    workspace(
        slack_api,
        [channel("C1", "general"), channel("C2", "design", member=False), channel("C3", "ops")],
    )
    history = slack_api.get("/conversations.history").mock(return_value=page("messages", []))
    options = {
        "channels": ["#design", "C1", "ops", "nonexistent", "C777"],
        "exclude_channels": ["ops"],
    }
    with caplog.at_level(logging.WARNING), connector(sleep, **options) as slack:
        containers = list(slack.streams()[1].fetch(None))
        list(slack.streams()[2].fetch(SINCE))
    assert [c.id for c in containers] == ["acme-slack:C1", "acme-slack:C2"]
    read = [call.request.url.params["channel"] for call in history.calls]
    assert sorted(read) == ["C1", "C2", "C777"]  # an unlisted id is tried; Slack says if not
    assert "nonexistent" in caplog.text
    assert slack.skipped == 1  # once per listing, though two streams select channels


def test_check_reports_workspace_and_first_page(slack_api: respx.MockRouter, sleep: Any) -> None:
    scopes = "channels:read,channels:history,groups:read,groups:history,users:read"
    slack_api.get("/auth.test").mock(
        return_value=httpx.Response(
            200,
            json={"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "siphon",
                  "bot_id": "B1"},
            headers={"x-oauth-scopes": scopes},
        )
    )  # fmt: skip
    slack_api.get("/conversations.list").mock(
        return_value=page("channels", [channel("C1", "general"), channel("C2", "x", member=False)])
    )
    with connector(sleep) as slack:
        result = slack.check()
    assert result.ok
    assert "Acme" in result.summary
    assert "2 conversations" in result.summary
    assert any("member of 1" in line for line in result.details)
    assert any("users:read.email" in line for line in result.details)


def test_check_names_missing_scopes(slack_api: respx.MockRouter, sleep: Any) -> None:
    slack_api.get("/auth.test").mock(
        return_value=httpx.Response(
            200,
            json={"ok": True, "url": "https://acme.slack.com/", "team": "Acme"},
            headers={"x-oauth-scopes": "channels:read,channels:history,users:read"},
        )
    )
    with connector(sleep) as slack, pytest.raises(FatalError) as caught:
        slack.check()
    assert "groups:history, groups:read" in str(caught.value)
    assert "connector 'acme-slack'" in str(caught.value)


def test_config_refuses_a_literal_token() -> None:
    with pytest.raises(ValueError, match="secret reference"):
        SlackConfig.model_validate({"type": "slack", "token": "xoxb-literal-token"})


def test_new_replies_to_an_older_thread_within_thread_lookback(
    slack_api: respx.MockRouter, sleep: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = SINCE + timedelta(days=1)
    old_parent = SINCE - timedelta(days=6)  # before the sync window, inside thread_lookback
    quiet_parent = SINCE - timedelta(days=5)  # an old thread with no new reply
    edited_old = SINCE - timedelta(days=4)
    workspace(slack_api, [channel("C1", "general")])
    history = slack_api.get("/conversations.history").mock(
        return_value=page(
            "messages",
            [
                message(SINCE + timedelta(hours=2), "new today"),
                message(edited_old, "fixed typo", edited={"ts": ts(SINCE + timedelta(hours=3))}),
                message(
                    quiet_parent,
                    "old and quiet",
                    reply_count=1,
                    thread_ts=ts(quiet_parent),
                    latest_reply=ts(quiet_parent + timedelta(hours=1)),
                ),
                message(
                    old_parent,
                    "Shall we move the ledger to Postgres?",
                    reply_count=2,
                    thread_ts=ts(old_parent),
                    latest_reply=ts(SINCE + timedelta(hours=1)),
                ),
            ],
        )
    )
    replies = slack_api.get(
        "/conversations.replies", params={"channel": "C1", "ts": ts(old_parent)}
    ).mock(
        return_value=page(
            "messages",
            [
                message(
                    old_parent, "Shall we move the ledger to Postgres?", thread_ts=ts(old_parent)
                ),
                message(old_parent + timedelta(hours=1), "maybe", thread_ts=ts(old_parent)),
                message(SINCE + timedelta(hours=1), "+1, approved", thread_ts=ts(old_parent)),
            ],
        )
    )
    with connector(sleep, thread_lookback="14d") as slack:
        monkeypatch.setattr(slack, "_now", lambda: now)
        docs = list(slack.streams()[2].fetch(SINCE))
    assert history.calls[0].request.url.params["oldest"] == ts(now - timedelta(days=14))
    assert replies.call_count == 1  # the quiet old thread is not re-read
    texts = sorted(d.text for d in docs)
    # only what changed in the window: a new message, an edit and the late reply
    assert texts == ["+1, approved", "fixed typo", "new today"]
    late = next(d for d in docs if d.text == "+1, approved")
    assert late.parent_id == f"acme-slack:C1:{ts(old_parent)}"


def test_thread_lookback_equal_to_the_window_reads_no_older_history(
    slack_api: respx.MockRouter, sleep: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = SINCE + timedelta(days=1)
    workspace(slack_api, [channel("C1", "general")])
    history = slack_api.get("/conversations.history").mock(return_value=page("messages", []))
    with connector(sleep, thread_lookback="1d") as slack:
        monkeypatch.setattr(slack, "_now", lambda: now)
        assert list(slack.streams()[2].fetch(SINCE)) == []
    assert history.calls[0].request.url.params["oldest"] == ts(SINCE)
