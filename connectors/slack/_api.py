"""Slack Web API endpoints as data, its error codes as data, and the cursor-paged reader."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from connectors._errors import FatalError, RetriableError, SkippableError
from connectors._http import ApiClient, default_classifier, parse_retry_after
from connectors._paging import json_path, paginate


@dataclass(frozen=True)
class Endpoint:
    """One cursor-paged Web API method and the key its items come under."""

    method: str
    items: str
    default_limit: int
    max_limit: int

    @property
    def path(self) -> str:
        return f"/{self.method}"


USERS = Endpoint("users.list", "members", 200, 1000)
CONVERSATIONS = Endpoint("conversations.list", "channels", 200, 1000)
HISTORY = Endpoint("conversations.history", "messages", 200, 999)
REPLIES = Endpoint("conversations.replies", "messages", 200, 1000)
AUTH_TEST = "/auth.test"

#: ``ok: false`` codes that mean the credentials or the app's scopes must be fixed.
FATAL_CODES: Mapping[str, str] = {
    "invalid_auth": "the token is not valid; check the token reference in the config",
    "not_authed": "no token was sent; check the token reference in the config",
    "token_revoked": "the token was revoked; create a new token and update the secret",
    "token_expired": "the token expired; rotate it and update the secret",
    "account_inactive": "the token belongs to a deactivated user or uninstalled app; "
    "reinstall the app or use another token",
    "no_permission": "the workspace or org does not allow this token to call this method; "
    "ask a Slack admin to grant the app access",
    "not_allowed_token_type": "this method does not accept this kind of token; use a bot "
    "(xoxb-) or user (xoxp-) token",
    "ekm_access_denied": "an Enterprise Key Management admin has suspended access",
    "team_access_not_granted": "the token has no access to this workspace",
}

#: ``ok: false`` codes that concern one conversation or thread: skip it, go on.
SKIP_CODES: Mapping[str, str] = {
    "not_in_channel": "the app is not a member of this channel; invite it (/invite @app) or "
    "add the channel to exclude_channels",
    "channel_not_found": "the channel does not exist or the token cannot see it; check "
    "channels / exclude_channels",
    "thread_not_found": "the thread's parent message is gone",
    "is_archived": "the channel is archived",
}

#: ``ok: false`` codes that are temporary.
RETRY_CODES = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)

KNOWN_CODES = frozenset({*FATAL_CODES, *SKIP_CODES, *RETRY_CODES, "missing_scope"})


def classify(response: httpx.Response, endpoint: str) -> None:
    """Slack answers application errors as HTTP 200 ``{"ok": false}``: always classify them."""
    status = response.status_code
    if 300 <= status < 400:
        raise FatalError(
            f"redirected to {response.headers.get('location', '?')}; check base_url",
            endpoint=endpoint,
            status=status,
        )
    code = _error_code(response)
    if status >= 400 and (code is None or code not in KNOWN_CODES):
        default_classifier(response, endpoint)
        return
    if code is not None:
        _raise_for_code(response, endpoint, code)


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None  # the caller's JSON decoding reports a body that is not JSON
    if isinstance(body, dict) and body.get("ok") is False:
        return str(body.get("error") or "unknown_error")
    return None


def _raise_for_code(response: httpx.Response, endpoint: str, code: str) -> None:
    status = response.status_code
    if code in RETRY_CODES:
        raise RetriableError(
            "Slack is busy or failed; retrying",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            endpoint=endpoint,
            status=status,
            code=code,
        )
    if code in SKIP_CODES:
        raise SkippableError(SKIP_CODES[code], endpoint=endpoint, status=status, code=code)
    if code == "missing_scope":
        body = response.json()
        needed = body.get("needed") or "?"
        provided = body.get("provided") or "none"
        raise FatalError(
            f"the token lacks the scope {needed!r} (it has: {provided}); add it under OAuth & "
            "Permissions in the Slack app settings, reinstall the app and update the token",
            endpoint=endpoint,
            status=status,
            code=code,
        )
    message = FATAL_CODES.get(code, "Slack refused the request")
    raise FatalError(message, endpoint=endpoint, status=status, code=code)


def read_items(
    api: ApiClient, endpoint: Endpoint, params: Mapping[str, Any], limit: int | None
) -> Iterator[dict[str, Any]]:
    """Every item of a cursor-paged method, following ``next_cursor`` until it is empty.

    A short page proves nothing (Slack may cap pages at 15 items): only the cursor ends paging.
    """
    page_size = min(limit or endpoint.default_limit, endpoint.max_limit)

    def fetch(cursor: str | None) -> dict[str, Any]:
        query = {**params, "limit": page_size}
        if cursor:
            query["cursor"] = cursor
        page = api.get_json(endpoint.path, params=query)
        if not isinstance(page, dict) or not isinstance(page.get(endpoint.items), list):
            raise FatalError(
                f"the answer has no {endpoint.items!r} list",
                connector=api.connector,
                endpoint=f"GET {endpoint.path}",
            )
        return page

    for page in paginate(
        fetch,
        json_path("response_metadata", "next_cursor"),
        endpoint=f"GET {endpoint.path}",
        connector=api.connector,
    ):
        for item in page[endpoint.items]:
            if isinstance(item, dict):
                yield item
