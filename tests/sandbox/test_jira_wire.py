"""Jira Cloud REST v3 wire format: enhanced JQL search, ADF, comments, changelogs, errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from connectors.sandbox import RateLimits, Sandbox
from connectors.sandbox._world import to_dt
from tests.sandbox.conftest import NOW, jira_client
from tests.sandbox.helpers import jira_search

FIELDS = "summary,description,comment,status,assignee,reporter,created,updated,project,resolution"
BOUNDED = 'project in ("PLAT", "PAY") AND updated >= "2000-01-01 00:00" ORDER BY updated ASC'


def _nodes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = [doc]
    for child in doc.get("content", []):
        out.extend(_nodes(child))
    return out


def test_search_jql_pages_with_next_page_token_to_every_issue(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    issues = jira_search(client, BOUNDED, maxResults=7)
    assert len(issues) == len({i["id"] for i in issues}) == sandbox.counts()["jira.issues"]
    assert all(set(i) == {"id"} for i in issues), "fields default to id only"
    with_fields = jira_search(client, BOUNDED, maxResults=25, fields=FIELDS)
    updated = [i["fields"]["updated"] for i in with_fields]
    assert updated == sorted(updated), "ORDER BY updated ASC"
    assert {i["fields"]["project"]["key"] for i in with_fields} == {"PLAT", "PAY"}
    stamp = with_fields[0]["fields"]["created"]
    assert datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")
    assert stamp.endswith("+0000")
    assert len(stamp) == len("2021-01-18T23:45:00.000+0000")


def test_post_search_takes_the_same_query_as_a_body(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    response = client.post(
        "/rest/api/3/search/jql",
        json={"jql": "project = PAY ORDER BY key ASC", "fields": ["summary"], "maxResults": 5},
    )
    page = response.json()
    assert response.status_code == 200
    assert [i["key"] for i in page["issues"]] == [f"PAY-{n}" for n in range(1, 6)]
    assert page["isLast"] is False
    assert page["nextPageToken"]


def test_the_old_search_endpoint_is_gone(sandbox: Sandbox) -> None:
    response = jira_client(sandbox).get("/rest/api/3/search", params={"jql": "project = PAY"})
    assert response.status_code == 410
    assert "/rest/api/3/search/jql" in response.json()["errorMessages"][0]


def test_jql_errors_are_400_with_error_messages(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    for jql, fragment in (
        ("ORDER BY updated ASC", "Unbounded"),
        ("sprint = 5", "Field 'sprint' does not exist"),
        ('updated >= "yesterday-ish"', "invalid"),
        ("project = NOPE", "does not exist"),
        ("project = PAY AND", "Expecting"),
    ):
        response = client.get("/rest/api/3/search/jql", params={"jql": jql})
        assert response.status_code == 400, jql
        body = response.json()
        assert set(body) == {"errorMessages", "errors"}
        assert fragment in body["errorMessages"][0], (jql, body)


def test_jql_dates_are_read_in_the_api_users_time_zone(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    zone = client.get("/rest/api/3/myself").json()["timeZone"]
    assert zone == "Europe/Berlin"
    issue = max(sandbox.world.issues.values(), key=lambda i: i.updated)
    local = to_dt(issue.updated).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    found = jira_search(
        client, f'project = {issue.project} AND updated >= "{local}"', fields="updated"
    )
    assert issue.key in {i["key"] for i in found}
    utc = to_dt(issue.updated).strftime("%Y-%m-%d %H:%M")
    if utc != local:  # read as Berlin time, the UTC wall-clock string is an hour or two earlier
        wider = jira_search(
            client, f'project = {issue.project} AND updated >= "{utc}"', fields="updated"
        )
        assert len(wider) >= len(found)


def test_descriptions_and_comments_are_adf_with_mentions_lists_and_code(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    issues = jira_search(client, BOUNDED, fields=FIELDS, maxResults=100)
    kinds: set[str] = set()
    for issue in issues:
        description = issue["fields"]["description"]
        assert description["type"] == "doc"
        assert description["version"] == 1
        kinds.update(n["type"] for n in _nodes(description))
        for comment in issue["fields"]["comment"]["comments"]:
            assert comment["body"]["type"] == "doc"
            kinds.update(n["type"] for n in _nodes(comment["body"]))
    assert {
        "paragraph",
        "text",
        "bulletList",
        "orderedList",
        "listItem",
        "codeBlock",
        "heading",
    } <= kinds
    mentions = [
        n
        for i in issues
        for c in i["fields"]["comment"]["comments"]
        for n in _nodes(c["body"])
        if n["type"] == "mention"
    ] + [n for i in issues for n in _nodes(i["fields"]["description"]) if n["type"] == "mention"]
    assert mentions
    assert all(m["attrs"]["id"] and m["attrs"]["text"].startswith("@") for m in mentions)
    reporters = [i["fields"]["reporter"] for i in issues]
    assert all("accountId" in r and "displayName" in r for r in reporters)
    assert any("emailAddress" not in r for r in reporters), "most emails are hidden"


def test_comments_and_changelog_endpoints_page_with_start_at(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    issue = max(sandbox.world.issues.values(), key=lambda i: (len(i.comments), len(i.histories)))
    comments: list[dict[str, Any]] = []
    start = 0
    while True:
        page = client.get(
            f"/rest/api/3/issue/{issue.key}/comment", params={"startAt": start, "maxResults": 1}
        ).json()
        assert page["total"] == len(issue.comments)
        comments.extend(page["comments"])
        start += page["maxResults"]
        if start >= page["total"]:
            break
    assert [c["id"] for c in comments] == [str(c.id) for c in issue.comments]
    changelog = client.get(
        f"/rest/api/3/issue/{issue.id}/changelog", params={"maxResults": 1}
    ).json()
    assert changelog["total"] == len(issue.histories)
    assert changelog["startAt"] == 0
    assert changelog["isLast"] is (len(issue.histories) <= 1)
    items = changelog["values"][0]["items"]
    assert {"field", "fromString", "toString"} <= set(items[0])
    assert client.get("/rest/api/3/issue/NOPE-1/comment").status_code == 404


def test_changelogs_hold_status_and_resolution_transitions(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    issues = jira_search(
        client, BOUNDED, fields="resolution,status", expand="changelog", maxResults=50
    )
    resolutions = set()
    for issue in issues:
        histories = issue["changelog"]["histories"]
        assert issue["changelog"]["total"] == len(histories)
        for history in histories:
            for item in history["items"]:
                if item["field"] == "resolution" and item["toString"]:
                    resolutions.add(item["toString"])
    assert {"Done", "Won't Do"} <= resolutions
    wont = [i for i in issues if (i["fields"]["resolution"] or {}).get("name") == "Won't Do"]
    assert wont
    assert all(i["fields"]["status"]["statusCategory"]["key"] == "done" for i in wont)


def test_wrong_credentials_get_401(sandbox: Sandbox) -> None:
    bad = jira_client(sandbox, token="not-the-token")
    response = bad.get("/rest/api/3/myself")
    assert response.status_code == 401
    assert response.json()["errorMessages"]


def test_users_and_projects_page(sandbox: Sandbox) -> None:
    client = jira_client(sandbox)
    users = client.get("/rest/api/3/users/search", params={"maxResults": 1000}).json()
    assert len(users) == sandbox.counts()["jira.users"]
    assert any(u["accountType"] == "app" for u in users)
    projects = client.get("/rest/api/3/project/search", params={"maxResults": 1}).json()
    assert projects["total"] == 2
    assert projects["isLast"] is False
    assert projects["nextPage"]


def test_throttling_answers_429_with_retry_after_and_rate_limit_headers() -> None:
    with Sandbox(now=NOW, rate_limits=RateLimits(every_nth={"jira": 2}, retry_after=0)) as box:
        client = jira_client(box)
        client.get("/rest/api/3/myself")
        throttled = client.get("/rest/api/3/myself")
        assert throttled.status_code == 429
        assert throttled.headers["Retry-After"] == "0"
        assert throttled.headers["X-RateLimit-Remaining"] == "0"
