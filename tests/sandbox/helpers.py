"""Paging loops written from the vendors' docs, used to prove the wire formats page to the end."""

from __future__ import annotations

from typing import Any

import httpx


def slack_call(client: httpx.Client, method: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/{method}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def slack_pages(client: httpx.Client, method: str, key: str, **params: Any) -> list[Any]:
    """Follow ``response_metadata.next_cursor`` until it is empty or absent."""
    items: list[Any] = []
    cursor = None
    seen: set[str] = set()
    while True:
        if cursor:
            params["cursor"] = cursor
        body = slack_call(client, method, **params)
        assert body["ok"] is True, body
        items.extend(body[key])
        cursor = (body.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return items
        assert cursor not in seen, "the same cursor came back twice"
        seen.add(cursor)


def jira_search(client: httpx.Client, jql: str, **params: Any) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    token = None
    while True:
        query = {"jql": jql, **params}
        if token:
            query["nextPageToken"] = token
        response = client.get("/rest/api/3/search/jql", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert "total" not in page
        issues.extend(page["issues"])
        if page["isLast"]:
            assert "nextPageToken" not in page
            return issues
        token = page["nextPageToken"]


def hubspot_search(client: httpx.Client, kind: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    after = None
    while True:
        payload = dict(body)
        if after is not None:
            payload["after"] = after
        response = client.post(f"/crm/v3/objects/{kind}/search", json=payload)
        assert response.status_code == 200, response.text
        page = response.json()
        results.extend(page["results"])
        after = ((page.get("paging") or {}).get("next") or {}).get("after")
        if after is None:
            return results


def salesforce_query(client: httpx.Client, soql: str, version: str = "v60.0") -> list[Any]:
    """Follow ``nextRecordsUrl`` (a path from the instance root) until ``done``."""
    response = client.get(f"/services/data/{version}/query", params={"q": soql})
    records: list[Any] = []
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        records.extend(page["records"])
        if page["done"]:
            assert "nextRecordsUrl" not in page
            assert page["totalSize"] == len(records)
            return records
        response = client.get(page["nextRecordsUrl"])
