"""Jira Cloud REST v3: endpoints as data, error classification, JQL, and the two pagers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from connectors._errors import FatalError, RetriableError, SkippableError
from connectors._http import ApiClient, parse_retry_after
from connectors._paging import paginate

log = logging.getLogger("siphon.connectors.jira")

MYSELF = "/rest/api/3/myself"
SEARCH = "/rest/api/3/search/jql"  # the old /rest/api/3/search answers 410 Gone
PROJECTS = "/rest/api/3/project/search"
USERS = "/rest/api/3/users/search"
COMMENTS = "/rest/api/3/issue/{issue}/comment"
CHANGELOG = "/rest/api/3/issue/{issue}/changelog"

#: search/jql returns only ids unless asked: these are what the mapping reads.
ISSUE_FIELDS: Sequence[str] = (
    "summary",
    "description",
    "comment",
    "status",
    "assignee",
    "reporter",
    "creator",
    "created",
    "updated",
    "project",
    "resolution",
    "issuetype",
    "labels",
    "components",
    "priority",
    "parent",
    "issuelinks",
)

#: Page sizes: search caps pages itself when many fields are asked for.
SEARCH_PAGE = 100
OFFSET_PAGE = 100
PROJECT_PAGE = 50

#: The widest UTC offset in use; the margin when the account's zone is unknown.
MAX_UTC_OFFSET = timedelta(hours=14)


def classify(response: httpx.Response, endpoint: str) -> None:
    """Map Jira's status codes and ``{errorMessages, errors}`` bodies onto the error classes."""
    status = response.status_code
    if status < 300:
        return
    if status < 400:
        raise FatalError(
            f"redirected to {response.headers.get('location', '?')}; check base_url "
            "(it should be https://your-domain.atlassian.net)",
            endpoint=endpoint,
            status=status,
        )
    detail = error_detail(response)
    if status == 429 or status >= 500:
        raise RetriableError(
            detail or "Jira is rate limiting or failed; retrying",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            endpoint=endpoint,
            status=status,
        )
    if status == 401:
        raise FatalError(
            "Jira refused the credentials; check `email` and the `api_token` secret (create a "
            "token at https://id.atlassian.com/manage-profile/security/api-tokens)"
            + (f" [{detail}]" if detail else ""),
            endpoint=endpoint,
            status=status,
        )
    if status == 403 and endpoint.endswith(USERS):
        raise FatalError(
            "listing users needs the global permission 'Browse users and groups' for the API "
            "account" + (f" [{detail}]" if detail else ""),
            endpoint=endpoint,
            status=status,
        )
    if status == 403:
        raise FatalError(
            "the account may not do this; it needs the Browse projects permission on the "
            "projects it reads" + (f" [{detail}]" if detail else ""),
            endpoint=endpoint,
            status=status,
        )
    if status == 404 and "/issue/" in endpoint:
        raise SkippableError(
            "the issue was deleted or hidden since the search found it",
            endpoint=endpoint,
            status=status,
        )
    if status == 410:
        raise FatalError(
            "Atlassian removed this endpoint" + (f" [{detail}]" if detail else ""),
            endpoint=endpoint,
            status=status,
        )
    if status == 400 and endpoint.endswith(SEARCH):
        raise FatalError(
            f"Jira rejected the search: {detail or 'bad request'}; check `projects`, "
            "`exclude_projects` and `jql`",
            endpoint=endpoint,
            status=status,
        )
    raise FatalError(detail or "Jira refused the request", endpoint=endpoint, status=status)


def error_detail(response: httpx.Response, limit: int = 300) -> str:
    """Jira's own words from ``{"errorMessages": [...], "errors": {field: message}}``."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:limit]
    if not isinstance(body, dict):
        return ""
    messages = [str(m) for m in body.get("errorMessages") or []]
    errors = body.get("errors")
    if isinstance(errors, dict):
        messages += [f"{field}: {message}" for field, message in errors.items()]
    if not messages and body.get("message"):
        messages.append(str(body["message"]))
    return "; ".join(messages)[:limit]


def quote(value: str) -> str:
    """A JQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def user_zone(name: object) -> ZoneInfo | None:
    """The account's time zone from ``/myself``; ``None`` when missing or unknown."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def jql_datetime(moment: datetime, zone: ZoneInfo | None) -> str:
    """``moment`` as a JQL date-time literal in the account's zone, floored to the minute.

    JQL reads a bare ``"yyyy-MM-dd HH:mm"`` in the searching account's time zone; formatting
    a UTC cursor without converting it loses or repeats hours of changes. With no known zone,
    widen the bound by the widest UTC offset so nothing is lost (duplicates are harmless).
    """
    local = moment.astimezone(zone) if zone is not None else moment - MAX_UTC_OFFSET
    return local.strftime("%Y-%m-%d %H:%M")


def build_jql(
    since: str,
    *,
    projects: Sequence[str] = (),
    exclude_projects: Sequence[str] = (),
    extra: str | None = None,
) -> str:
    """The bounded, ordered sync query."""
    clauses = []
    if projects:
        clauses.append(f"project in ({', '.join(quote(p) for p in projects)})")
    if exclude_projects:
        clauses.append(f"project not in ({', '.join(quote(p) for p in exclude_projects)})")
    if extra:
        clauses.append(f"({extra})")
    clauses.append(f"updated >= {quote(since)}")
    return " AND ".join(clauses) + " ORDER BY updated ASC"


def search(
    api: ApiClient,
    jql: str,
    *,
    page_size: int = SEARCH_PAGE,
    expand: str | None = "changelog",
) -> Iterator[dict[str, Any]]:
    """Every issue the JQL matches, following ``nextPageToken`` (there is no ``total``)."""

    def fetch(token: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "jql": jql,
            "fields": ",".join(ISSUE_FIELDS),
            "maxResults": page_size,
        }
        if expand:
            params["expand"] = expand
        if token:
            params["nextPageToken"] = token
        page = api.get_json(SEARCH, params=params)
        if not isinstance(page, dict) or not isinstance(page.get("issues"), list):
            raise FatalError("the answer has no 'issues' list", endpoint=f"GET {SEARCH}")
        return page

    def next_token(page: dict[str, Any]) -> str | None:
        if page.get("isLast") is True:
            return None
        token = page.get("nextPageToken")
        return token if isinstance(token, str) and token else None

    for page in paginate(fetch, next_token, endpoint=f"GET {SEARCH}", connector=api.connector):
        for issue in page["issues"]:
            if isinstance(issue, dict):
                yield issue


def offset_pages(
    api: ApiClient,
    path: str,
    items_key: str | None,
    *,
    params: Mapping[str, Any] | None = None,
    page_size: int = OFFSET_PAGE,
) -> Iterator[dict[str, Any]]:
    """Items of a ``startAt``/``maxResults`` endpoint.

    Ends on ``isLast``, on reaching ``total``, or on an empty page; a bare list answer (as
    ``users/search`` gives) ends only on an empty page, since Jira may return short pages.
    """
    extract: Callable[[Any], list[Any]] = (
        (lambda page: page) if items_key is None else (lambda page: page.get(items_key))
    )
    endpoint = f"GET {path}"

    def fetch(start: int | None) -> tuple[int, Any]:
        page = api.get_json(
            path, params={**(params or {}), "startAt": start or 0, "maxResults": page_size}
        )
        items = extract(page) if isinstance(page, dict | list) else None
        if not isinstance(items, list):
            raise FatalError(f"the answer has no {items_key or 'item'} list", endpoint=endpoint)
        return start or 0, page

    def next_start(fetched: tuple[int, Any]) -> int | None:
        start, page = fetched
        count = len(extract(page))
        if count == 0:
            return None
        if isinstance(page, dict):
            if page.get("isLast") is True:
                return None
            start = int(page.get("startAt", start))
            total = page.get("total")
            if page.get("isLast") is None and isinstance(total, int) and start + count >= total:
                return None
        return start + count

    for _, page in paginate(fetch, next_start, endpoint=endpoint, connector=api.connector):
        for item in extract(page):
            if isinstance(item, dict):
                yield item


def parse_time(value: object) -> datetime:
    """Jira's ``2021-01-18T23:45:00.000+0000`` as an aware UTC datetime."""
    if not isinstance(value, str):
        raise ValueError(f"expected a Jira timestamp, found {value!r}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"expected a timestamp with a UTC offset, found {value!r}")
    return moment.astimezone(UTC)
