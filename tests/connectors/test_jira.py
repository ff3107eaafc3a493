"""The Jira Cloud connector against a mocked REST v3 API (respx, strict)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from connectors import Account, Container, FatalError, Record
from connectors.jira import JiraConfig, JiraConnector, adf_to_text
from connectors.jira._api import parse_time

BASE = "https://acme.atlassian.test"
TOKEN = "jira-api-token-5678"
SINCE = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)
SEARCH = "/rest/api/3/search/jql"
MYSELF = "/rest/api/3/myself"

ADA = {"accountId": "acc-ada", "displayName": "Ada Lovelace", "emailAddress": "ada@example.com"}
GRACE = {"accountId": "557058:grace", "displayName": "Grace Hopper"}  # email hidden by profile
PROJECT = {"id": "10000", "key": "ENG", "name": "Engineering", "projectTypeKey": "software"}


def jira_time(moment: datetime) -> str:
    """Jira's own spelling: milliseconds and a +0000 offset."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def doc(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": list(blocks)}


def para(*inline: dict[str, Any] | str) -> dict[str, Any]:
    nodes = [{"type": "text", "text": n} if isinstance(n, str) else n for n in inline]
    return {"type": "paragraph", "content": nodes}


def comment(cid: str, at: datetime, text: str, author: dict[str, Any] = ADA) -> dict[str, Any]:
    return {
        "id": cid,
        "author": author,
        "body": doc(para(text)),
        "created": jira_time(at),
        "updated": jira_time(at),
    }


def history(hid: str, at: datetime, *items: tuple[str, str | None, str | None]) -> dict[str, Any]:
    return {
        "id": hid,
        "author": ADA,
        "created": jira_time(at),
        "items": [
            {"field": f, "fieldtype": "jira", "fromString": a, "toString": b} for f, a, b in items
        ],
    }


def issue(
    iid: str,
    key: str,
    updated: datetime,
    *,
    summary: str = "Pick a database",
    description: Any = None,
    comments: list[dict[str, Any]] | None = None,
    comment_total: int | None = None,
    histories: list[dict[str, Any]] | None = None,
    history_total: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    comments = comments or []
    histories = histories or []
    return {
        "id": iid,
        "key": key,
        "fields": {
            "summary": summary,
            "description": description,
            "status": {"name": "In Progress", "statusCategory": {"name": "In Progress"}},
            "assignee": ADA,
            "reporter": GRACE,
            "created": jira_time(updated - timedelta(days=30)),
            "updated": jira_time(updated),
            "project": PROJECT,
            "resolution": None,
            "issuetype": {"name": "Story"},
            "labels": ["database"],
            "components": [{"name": "backend"}],
            "priority": {"name": "High"},
            "comment": {
                "comments": comments,
                "startAt": 0,
                "maxResults": len(comments),
                "total": len(comments) if comment_total is None else comment_total,
            },
            **fields,
        },
        "changelog": {
            "startAt": 0,
            "maxResults": 100,
            "total": len(histories) if history_total is None else history_total,
            "histories": histories,
        },
    }


def results(
    *issues: dict[str, Any], token: str | None = None, last: bool | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"issues": list(issues)}
    if token is not None:
        body["nextPageToken"] = token
    if last is not None:
        body["isLast"] = last
    return httpx.Response(200, json=body)


def me(zone: str | None = "America/New_York") -> httpx.Response:
    body: dict[str, Any] = {**ADA, "accountId": "acc-bot", "displayName": "Siphon Bot"}
    if zone is not None:
        body["timeZone"] = zone
    return httpx.Response(200, json=body)


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)


@pytest.fixture
def jira_api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as mock:
        yield mock


def connector(sleep: Any, **options: Any) -> JiraConnector:
    config = JiraConfig.model_validate(
        {
            "type": "jira",
            "base_url": BASE + "/",
            "email": "bot@example.com",
            "api_token": "env:JIRA_API_TOKEN",
            **options,
        }
    )
    return JiraConnector("acme-jira", config, sleep=sleep)


def test_search_pages_by_token_with_bounded_jql_in_the_account_time_zone(
    jira_api: respx.MockRouter, sleep: Any
) -> None:
    myself = jira_api.get(MYSELF).mock(return_value=me("America/New_York"))
    search = jira_api.get(SEARCH).mock(
        side_effect=[
            results(
                issue("10001", "ENG-1", SINCE + timedelta(minutes=1)),
                issue("10002", "ENG-2", SINCE + timedelta(minutes=2)),
                token="tok-2",
                last=False,
            ),
            results(issue("10003", "ENG-3", SINCE + timedelta(minutes=3)), token="tok-3"),
            results(issue("10004", "ENG-4", SINCE + timedelta(minutes=4))),  # no token: the end
        ]
    )
    options = {"projects": ["eng", "OPS"], "exclude_projects": ["SEC"], "jql": "labels = adr"}
    with connector(sleep, **options) as jira:
        docs = list(jira.streams()[2].fetch(SINCE))

    assert [d.id for d in docs] == [f"acme-jira:1000{n}" for n in range(1, 5)]
    assert myself.call_count == 1
    first, second, third = (call.request for call in search.calls)
    # 15:00 UTC minus the 5 minute overlap is 09:55 in New York (UTC-5 in January).
    assert first.url.params["jql"] == (
        'project in ("ENG", "OPS") AND project not in ("SEC") AND (labels = adr) '
        'AND updated >= "2026-01-10 09:55" ORDER BY updated ASC'
    )
    assert "nextPageToken" not in first.url.params
    assert second.url.params["nextPageToken"] == "tok-2"
    assert third.url.params["nextPageToken"] == "tok-3"
    asked = set(first.url.params["fields"].split(","))
    assert {
        "summary", "description", "comment", "status", "assignee", "reporter", "created",
        "updated", "project", "resolution", "issuetype", "labels", "components", "priority",
    } <= asked  # fmt: skip
    assert first.url.params["expand"] == "changelog"
    expected_auth = base64.b64encode(f"bot@example.com:{TOKEN}".encode()).decode()
    assert first.headers["Authorization"] == f"Basic {expected_auth}"


def test_search_stops_on_is_last_even_with_a_token(jira_api: respx.MockRouter, sleep: Any) -> None:
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    search = jira_api.get(SEARCH).mock(
        return_value=results(issue("10001", "ENG-1", SINCE), token="stale", last=True)
    )
    with connector(sleep) as jira:
        assert len(list(jira.streams()[2].fetch(SINCE))) == 1
    assert search.call_count == 1


@pytest.mark.parametrize(
    ("zone", "since", "bound"),
    [
        ("UTC", SINCE, "2026-01-10 14:55"),
        ("Asia/Kolkata", SINCE, "2026-01-10 20:25"),  # UTC+5:30
        ("America/Los_Angeles", datetime(2026, 7, 1, 12, 0, 30, tzinfo=UTC), "2026-07-01 04:55"),
        ("Pacific/Kiritimati", SINCE, "2026-01-11 04:55"),  # UTC+14: the next day
        ("Mars/Olympus_Mons", SINCE, "2026-01-10 00:55"),  # unknown: minus the 14h margin
        (None, SINCE, "2026-01-10 00:55"),
    ],
)
def test_jql_bound_is_written_in_the_account_time_zone(
    jira_api: respx.MockRouter, sleep: Any, zone: str | None, since: datetime, bound: str
) -> None:
    jira_api.get(MYSELF).mock(return_value=me(zone))
    with connector(sleep) as jira:
        assert jira.sync_jql(since) == f'updated >= "{bound}" ORDER BY updated ASC'


def test_retry_after_on_429_and_503_is_honoured(jira_api: respx.MockRouter, sleep: Any) -> None:
    jira_api.get(MYSELF).mock(
        side_effect=[httpx.Response(503, headers={"Retry-After": "2"}), me("UTC")]
    )
    search = jira_api.get(SEARCH).mock(
        side_effect=[
            httpx.Response(
                429,
                headers={"Retry-After": "4", "X-RateLimit-Remaining": "0"},
                json={"errorMessages": ["Rate limit exceeded."]},
            ),
            results(issue("10001", "ENG-1", SINCE)),
        ]
    )
    with connector(sleep) as jira:
        docs = list(jira.streams()[2].fetch(SINCE))
    assert [d.id for d in docs] == ["acme-jira:10001"]
    assert sleep.calls == [2.0, 4.0]
    assert search.call_count == 2


def test_refused_credentials_are_fatal_with_a_clear_message(
    jira_api: respx.MockRouter, sleep: Any
) -> None:
    route = jira_api.get(MYSELF).mock(
        return_value=httpx.Response(
            401, text="Client must be authenticated to access this resource."
        )
    )
    with connector(sleep) as jira, pytest.raises(FatalError) as caught:
        jira.check()
    text = str(caught.value)
    assert "connector 'acme-jira'" in text
    assert "GET /rest/api/3/myself" in text
    assert "HTTP 401" in text
    assert "api_token" in text
    assert "Client must be authenticated" in text
    assert TOKEN not in text
    assert route.call_count == 1
    assert sleep.calls == []


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (403, {"errorMessages": ["You do not have permission."]}, ["Browse projects"]),
        (
            400,
            {"errorMessages": ["The value 'NOPE' does not exist for the field 'project'."]},
            ["'NOPE' does not exist", "check `projects`"],
        ),
        (410, {"errorMessages": ["The requested API has been removed."]}, ["removed"]),
    ],
)
def test_search_refusals_are_fatal_and_say_what_to_fix(
    jira_api: respx.MockRouter, sleep: Any, status: int, body: dict[str, Any], words: list[str]
) -> None:
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    jira_api.get(SEARCH).mock(return_value=httpx.Response(status, json=body))
    with connector(sleep) as jira, pytest.raises(FatalError) as caught:
        list(jira.streams()[2].fetch(SINCE))
    assert f"HTTP {status}" in str(caught.value)
    assert f"GET {SEARCH}" in str(caught.value)
    for word in words:
        assert word in str(caught.value)


REALISTIC_DESCRIPTION = doc(
    {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Context"}]},
    para(
        "We compared ",
        {"type": "text", "text": "Postgres", "marks": [{"type": "strong"}]},
        " and Mongo; see ",
        {
            "type": "text",
            "text": "ADR-7",
            "marks": [{"type": "link", "attrs": {"href": "https://wiki.example/adr-7"}}],
        },
        ".",
        {"type": "hardBreak"},
        {"type": "mention", "attrs": {"id": "acc-ada", "text": "@Ada Lovelace"}},
        " signed off ",
        {"type": "emoji", "attrs": {"shortName": ":tada:", "text": "🎉"}},
    ),
    {
        "type": "bulletList",
        "content": [
            {
                "type": "listItem",
                "content": [
                    para("Options"),
                    {
                        "type": "orderedList",
                        "attrs": {"order": 1},
                        "content": [
                            {"type": "listItem", "content": [para("Postgres")]},
                            {"type": "listItem", "content": [para("Mongo")]},
                        ],
                    },
                ],
            },
            {
                "type": "listItem",
                "content": [para("Owner: ", {"type": "mention", "attrs": {"id": "557058:grace"}})],
            },
        ],
    },
    {
        "type": "codeBlock",
        "attrs": {"language": "sql"},
        "content": [{"type": "text", "text": "CREATE TABLE t (id int);\nSELECT 1;"}],
    },
    {"type": "blockquote", "content": [para("Boring technology wins.")]},
    {"type": "panel", "attrs": {"panelType": "warning"}, "content": [para("Migration needed.")]},
    {
        "type": "table",
        "content": [
            {
                "type": "tableRow",
                "content": [
                    {"type": "tableHeader", "content": [para("Option")]},
                    {"type": "tableHeader", "content": [para("Verdict")]},
                ],
            },
            {
                "type": "tableRow",
                "content": [
                    {"type": "tableCell", "content": [para("Mongo")]},
                    {
                        "type": "tableCell",
                        "content": [
                            para({"type": "status", "attrs": {"text": "REJECTED", "color": "red"}})
                        ],
                    },
                ],
            },
        ],
    },
    para(
        "Decided on ",
        {"type": "date", "attrs": {"timestamp": "1768003200000"}},
        ", tracked in ",
        {"type": "inlineCard", "attrs": {"url": "https://acme.atlassian.test/browse/ENG-9"}},
    ),
    {"type": "rule"},
    {"type": "futureWidget", "content": [para("Kept from an unknown node")]},
    {
        "type": "mediaSingle",
        "content": [{"type": "media", "attrs": {"id": "x", "alt": "diagram.png"}}],
    },
)

EXPECTED_TEXT = """Context

We compared Postgres and Mongo; see ADR-7 (https://wiki.example/adr-7).
@Ada Lovelace signed off 🎉

- Options
  1. Postgres
  2. Mongo
- Owner: @557058:grace

CREATE TABLE t (id int);
SELECT 1;

> Boring technology wins.

Migration needed.

Option | Verdict
Mongo | REJECTED

Decided on 2026-01-10, tracked in https://acme.atlassian.test/browse/ENG-9

Kept from an unknown node

[diagram.png]"""


def test_adf_realistic_document_to_plain_text() -> None:
    converted = adf_to_text(REALISTIC_DESCRIPTION)
    assert converted.text == EXPECTED_TEXT
    assert [(m.account_id, m.name) for m in converted.mentions] == [
        ("acc-ada", "Ada Lovelace"),
        ("557058:grace", "557058:grace"),
    ]


def test_adf_task_and_decision_lists_and_expand() -> None:
    document = doc(
        {
            "type": "taskList",
            "attrs": {"localId": "t"},
            "content": [
                {"type": "taskItem", "attrs": {"state": "DONE", "localId": "1"},
                 "content": [{"type": "text", "text": "benchmark both"}]},
                {"type": "taskItem", "attrs": {"state": "TODO", "localId": "2"},
                 "content": [{"type": "text", "text": "write the ADR"}]},
            ],
        },
        {
            "type": "decisionList",
            "attrs": {"localId": "d"},
            "content": [{"type": "decisionItem", "attrs": {"state": "DECIDED", "localId": "3"},
                         "content": [{"type": "text", "text": "Use Postgres 16"}]}],
        },
        {"type": "expand", "attrs": {"title": "Details"}, "content": [para("hidden text")]},
    )  # fmt: skip
    assert adf_to_text(document).text == (
        "[x] benchmark both\n[ ] write the ADR\n\nDecision: Use Postgres 16\n\nDetails\nhidden text"
    )


@pytest.mark.parametrize(
    "broken",
    [
        None,
        "a plain string description",
        {"type": "doc", "content": "not a list"},
        {"type": "doc", "content": [None, 7, {"type": "paragraph", "content": [{"type": "text"}]}]},
        {"type": "doc", "content": [{"type": "date", "attrs": {"timestamp": "someday"}}]},
        {"type": "doc", "content": [{"type": "orderedList", "attrs": {"order": True},
                                     "content": [{"type": "listItem"}]}]},
        {"type": "doc", "content": [{"type": "mention", "attrs": {}}, {"attrs": None}]},
        [1, 2, 3],
    ],
)  # fmt: skip
def test_adf_never_crashes_on_malformed_input(broken: Any) -> None:
    assert isinstance(adf_to_text(broken).text, str)


def test_adf_deep_nesting_degrades_instead_of_crashing() -> None:
    node: dict[str, Any] = para("bottom")
    for _ in range(2000):
        node = {"type": "blockquote", "content": [node]}
    assert isinstance(adf_to_text(doc(node)).text, str)


def test_changelog_transitions_become_facts(
    jira_api: respx.MockRouter, sleep: Any, caplog: pytest.LogCaptureFixture
) -> None:
    t = SINCE + timedelta(hours=1)
    h1 = history("301", t, ("status", "To Do", "In Progress"))
    h2 = history("302", t + timedelta(hours=1), ("assignee", None, "Ada Lovelace"))
    h3 = history(
        "303",
        t + timedelta(hours=2),
        ("resolution", None, "Won't Do"),
        ("status", "In Progress", "Done"),
    )
    broken = {"id": "304", "author": ADA, "items": [{"field": "status", "toString": "Done"}]}
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    jira_api.get(SEARCH).mock(
        return_value=results(
            # the embedded changelog holds only the newest entry of four: page the endpoint
            issue("10001", "ENG-1", t + timedelta(hours=2), histories=[h3], history_total=4),
            # complete embedded changelog: no extra request
            issue("10002", "ENG-2", t + timedelta(hours=3), histories=[h1]),
        )
    )
    changelog = jira_api.get("/rest/api/3/issue/10001/changelog").mock(
        side_effect=[
            httpx.Response(
                200,
                json={"startAt": 0, "maxResults": 2, "total": 4, "isLast": False,
                      "values": [h1, h2]},
            ),
            httpx.Response(
                200,
                json={"startAt": 2, "maxResults": 2, "total": 4, "isLast": True,
                      "values": [h3, broken]},
            ),
        ]
    )  # fmt: skip
    with caplog.at_level(logging.WARNING), connector(sleep) as jira:
        docs = {d.id: d for d in jira.streams()[2].fetch(SINCE)}

    facts = docs["acme-jira:10001"].facts
    assert [(f.id, f.kind, f.field, f.from_value, f.to_value, f.reason) for f in facts] == [
        ("acme-jira:10001:changelog:301:0", "status_change", "status", "To Do", "In Progress",
         None),
        ("acme-jira:10001:changelog:303:0", "resolution", "resolution", None, "Won't Do", None),
        ("acme-jira:10001:changelog:303:1", "status_change", "status", "In Progress", "Done",
         "Won't Do"),
    ]  # fmt: skip
    assert facts[0].at == t
    assert facts[0].actor is not None
    assert facts[0].actor.id == "acme-jira:acc-ada"
    assert [f.id for f in docs["acme-jira:10002"].facts] == ["acme-jira:10002:changelog:301:0"]
    assert [c.request.url.params["startAt"] for c in changelog.calls] == ["0", "2"]
    assert jira.skipped == 1  # the broken history entry, not the issue
    assert "record=acme-jira:10001:changelog:304" in caplog.text


def test_comments_are_paged_when_the_embedded_page_is_incomplete(
    jira_api: respx.MockRouter, sleep: Any
) -> None:
    old = comment("20001", SINCE - timedelta(days=40), "an old remark")
    c2 = comment("20002", SINCE + timedelta(hours=1), "I prefer Postgres", GRACE)
    c3 = {
        **comment("20003", SINCE + timedelta(hours=2), ""),
        "body": doc(
            para({"type": "mention", "attrs": {"id": "557058:grace", "text": "@Grace Hopper"}},
                 " agreed, closing")
        ),
    }  # fmt: skip
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    jira_api.get(SEARCH).mock(
        return_value=results(
            issue("10001", "ENG-1", SINCE + timedelta(hours=2), comments=[old], comment_total=3)
        )
    )
    pages = jira_api.get("/rest/api/3/issue/10001/comment").mock(
        side_effect=[
            # the server returns fewer than asked: the next page starts after what came
            httpx.Response(
                200, json={"startAt": 0, "maxResults": 100, "total": 3, "comments": [old, c2]}
            ),
            httpx.Response(
                200, json={"startAt": 2, "maxResults": 100, "total": 3, "comments": [c3]}
            ),
        ]
    )
    with connector(sleep) as jira:
        docs = list(jira.streams()[2].fetch(SINCE))

    issue_doc, *comment_docs = docs
    assert issue_doc.kind == "issue"
    assert [d.id for d in comment_docs] == [
        "acme-jira:comment:20002",
        "acme-jira:comment:20003",
    ]  # the comment older than the window is not re-sent
    assert all(d.kind == "comment" for d in comment_docs)
    assert all(d.parent_id == issue_doc.id for d in comment_docs)
    assert comment_docs[0].text == "I prefer Postgres"
    assert comment_docs[0].author is not None
    assert comment_docs[0].author.name == "Grace Hopper"
    assert comment_docs[1].text == "@Grace Hopper agreed, closing"
    assert [m.id for m in comment_docs[1].mentions] == ["acme-jira:557058:grace"]
    assert comment_docs[1].url == f"{BASE}/browse/ENG-1?focusedCommentId=20003"
    assert [c.request.url.params["startAt"] for c in pages.calls] == ["0", "2"]


def test_issue_record_carries_the_structure_the_ontology_learns(
    jira_api: respx.MockRouter, sleep: Any
) -> None:
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    jira_api.get(SEARCH).mock(
        return_value=results(
            issue(
                "10001",
                "ENG-1",
                SINCE,
                description=REALISTIC_DESCRIPTION,
                resolution={"name": "Done"},
                parent={"id": "9000", "key": "ENG-0"},
                issuelinks=[
                    {"type": {"name": "Blocks", "outward": "blocks", "inward": "is blocked by"},
                     "outwardIssue": {"id": "10005", "key": "ENG-5"}},
                ],
            )
        )
    )  # fmt: skip
    with connector(sleep) as jira:
        (record,) = jira.streams()[2].fetch(SINCE)
    assert isinstance(record, Record)
    assert record.title == "Pick a database"
    assert record.text == EXPECTED_TEXT
    assert record.url == f"{BASE}/browse/ENG-1"
    assert record.author is not None
    assert record.author.id == "acme-jira:557058:grace"
    assert record.container is not None
    assert (record.container.id, record.container.kind) == ("acme-jira:project:10000", "project")
    assert record.properties == {
        "key": "ENG-1",
        "project": "ENG",
        "issuetype": "Story",
        "status": "In Progress",
        "status_category": "In Progress",
        "resolution": "Done",
        "priority": "High",
        "assignee": "Ada Lovelace",
        "labels": ["database"],
        "components": ["backend"],
    }
    assert [(link.id, link.kind) for link in record.links] == [
        ("acme-jira:9000", "parent"),
        ("acme-jira:10005", "blocks"),
    ]
    assert record.updated_at == SINCE
    assert record.created_at == SINCE - timedelta(days=30)


def test_one_bad_issue_is_skipped_not_the_batch(
    jira_api: respx.MockRouter, sleep: Any, caplog: pytest.LogCaptureFixture
) -> None:
    bad = issue("10002", "ENG-2", SINCE, comments=[comment("1", SINCE, "orphan")])
    del bad["fields"]["created"]
    odd = issue("10004", "ENG-4", SINCE, status="Done")  # a string where an object belongs
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    jira_api.get(SEARCH).mock(
        return_value=results(
            issue("10001", "ENG-1", SINCE),
            bad,
            issue("10003", "ENG-3", SINCE, comments=[comment("2", SINCE, "fine")]),
            odd,
        )
    )
    with caplog.at_level(logging.WARNING), connector(sleep) as jira:
        docs = list(jira.streams()[2].fetch(SINCE))
    assert [d.id for d in docs] == [
        "acme-jira:10001",
        "acme-jira:10003",
        "acme-jira:comment:2",
    ]
    assert jira.skipped == 2
    assert "record=acme-jira:10002" in caplog.text
    assert "record=acme-jira:10004" in caplog.text


def test_a_deleted_issue_loses_its_comments_not_the_sync(
    jira_api: respx.MockRouter, sleep: Any
) -> None:
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    jira_api.get(SEARCH).mock(
        return_value=results(
            issue("10001", "ENG-1", SINCE, comments=[], comment_total=5),
            issue("10002", "ENG-2", SINCE),
        )
    )
    jira_api.get("/rest/api/3/issue/10001/comment").mock(
        return_value=httpx.Response(404, json={"errorMessages": ["Issue does not exist."]})
    )
    with connector(sleep) as jira:
        docs = list(jira.streams()[2].fetch(SINCE))
    assert [d.id for d in docs] == ["acme-jira:10001", "acme-jira:10002"]
    assert jira.skipped == 1


def test_an_edit_replaces_the_text_under_the_same_id(
    jira_api: respx.MockRouter, sleep: Any
) -> None:
    later = SINCE + timedelta(hours=6)
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    jira_api.get(SEARCH).mock(
        side_effect=[
            results(issue("10001", "ENG-1", SINCE, description=doc(para("Use MySQL")))),
            results(issue("10001", "ENG-1", later, description=doc(para("Use Postgres")))),
        ]
    )
    with connector(sleep) as jira:
        (before,) = jira.streams()[2].fetch(SINCE)
        (after,) = jira.streams()[2].fetch(SINCE)
    assert isinstance(before, Record)
    assert isinstance(after, Record)
    assert before.id == after.id == "acme-jira:10001"
    assert (before.text, after.text) == ("Use MySQL", "Use Postgres")
    assert after.updated_at > before.updated_at


def test_first_sync_reaches_back_initial_history(
    jira_api: respx.MockRouter, sleep: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    jira_api.get(MYSELF).mock(return_value=me("UTC"))
    search = jira_api.get(SEARCH).mock(return_value=results(last=True))
    with connector(sleep, initial_history="30d", search_overlap="0s") as jira:
        monkeypatch.setattr(jira, "_now", lambda: datetime(2026, 6, 1, 8, 30, tzinfo=UTC))
        assert list(jira.streams()[2].fetch(None)) == []
    assert 'updated >= "2026-05-02 08:30"' in search.calls[0].request.url.params["jql"]


def test_projects_and_users_streams(jira_api: respx.MockRouter, sleep: Any) -> None:
    ops = {
        "id": "10001",
        "key": "OPS",
        "name": "Operations",
        "projectTypeKey": "service_desk",
        "projectCategory": {"name": "Internal"},
    }
    sec = {"id": "10002", "key": "SEC", "name": "Security", "projectTypeKey": "software"}
    projects = jira_api.get("/rest/api/3/project/search").mock(
        side_effect=[
            httpx.Response(200, json={"startAt": 0, "maxResults": 2, "total": 3,
                                      "isLast": False, "values": [PROJECT, ops]}),
            httpx.Response(200, json={"startAt": 2, "maxResults": 2, "total": 3,
                                      "isLast": True, "values": [sec]}),
        ]
    )  # fmt: skip
    users = jira_api.get("/rest/api/3/users/search").mock(
        side_effect=[
            httpx.Response(200, json=[ADA | {"accountType": "atlassian", "active": True},
                                      GRACE | {"accountType": "atlassian", "active": False}]),
            httpx.Response(200, json=[{"accountId": "app-1", "displayName": "Automation",
                                       "accountType": "app", "active": True}]),
            httpx.Response(200, json=[]),
        ]
    )  # fmt: skip
    with connector(sleep, exclude_projects=["SEC"]) as jira:
        containers = list(jira.streams()[0].fetch(None))
        accounts = list(jira.streams()[1].fetch(None))

    assert all(isinstance(c, Container) for c in containers)
    assert [(c.id, c.name) for c in containers] == [
        ("acme-jira:project:10000", "Engineering"),
        ("acme-jira:project:10001", "Operations"),
    ]
    assert containers[1].properties == {
        "key": "OPS",
        "projectTypeKey": "service_desk",
        "category": "Internal",
    }
    assert containers[1].url == f"{BASE}/browse/OPS"
    assert all(isinstance(a, Account) for a in accounts)
    by_id = {a.id: a for a in accounts}
    assert by_id["acme-jira:acc-ada"].email == "ada@example.com"
    assert by_id["acme-jira:557058:grace"].email is None
    assert by_id["acme-jira:557058:grace"].deleted
    assert by_id["acme-jira:app-1"].is_bot
    assert [c.request.url.params["startAt"] for c in projects.calls] == ["0", "2"]
    assert [c.request.url.params["startAt"] for c in users.calls] == ["0", "2", "3"]


def test_check_authenticates_and_reads_one_page(jira_api: respx.MockRouter, sleep: Any) -> None:
    jira_api.get(MYSELF).mock(return_value=me("Europe/Berlin"))
    search = jira_api.get(SEARCH).mock(
        return_value=results(issue("10001", "ENG-1", SINCE), token="more", last=False)
    )
    with connector(sleep, projects=["ENG"]) as jira:
        result = jira.check()
    assert result.ok
    assert "Siphon Bot" in result.summary
    assert any("Europe/Berlin" in line for line in result.details)
    assert any("more pages follow" in line for line in result.details)
    assert search.call_count == 1
    assert search.calls[0].request.url.params["jql"].startswith('project in ("ENG") AND updated')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-01-18T23:45:00.000+0000", datetime(2021, 1, 18, 23, 45, tzinfo=UTC)),
        ("2021-01-19T05:15:00.000+0530", datetime(2021, 1, 18, 23, 45, tzinfo=UTC)),
        ("2021-01-18T18:45:00.123-0500", datetime(2021, 1, 18, 23, 45, 0, 123000, tzinfo=UTC)),
    ],
)
def test_jira_timestamps_are_parsed_to_utc(value: str, expected: datetime) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"jql": "project = X ORDER BY created"}, "without ORDER BY"),
        ({"projects": ["ENG", "not a key"]}, "project key"),
        ({"email": "bot"}, "email address"),
        ({"base_url": "acme.atlassian.net"}, "site URL"),
        ({"api_token": "literal-token-value"}, "secret reference"),
    ],
)
def test_config_errors_say_what_was_expected(options: dict[str, Any], message: str) -> None:
    block = {
        "type": "jira",
        "base_url": BASE,
        "email": "bot@example.com",
        "api_token": "env:JIRA_API_TOKEN",
        **options,
    }
    with pytest.raises(ValueError, match=message):
        JiraConfig.model_validate(block)


def test_config_requires_base_url() -> None:
    with pytest.raises(ValueError, match="base_url"):
        JiraConfig.model_validate(
            {"type": "jira", "email": "bot@example.com", "api_token": "env:JIRA_API_TOKEN"}
        )


def test_users_listing_refused_names_the_missing_permission(
    jira_api: respx.MockRouter, sleep: Any
) -> None:
    jira_api.get("/rest/api/3/users/search").mock(
        return_value=httpx.Response(403, json={"errorMessages": ["Forbidden"]})
    )
    with connector(sleep) as jira, pytest.raises(FatalError, match="Browse users and groups"):
        list(jira.streams()[1].fetch(None))
