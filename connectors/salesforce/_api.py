"""Salesforce REST: error arrays mapped to our hierarchy, the session token (static or OAuth
client credentials, refreshed once on ``INVALID_SESSION_ID``), and SOQL reads that follow
``nextRecordsUrl`` and restart exactly when a query cursor expires."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from connectors._errors import FatalError, RetriableError
from connectors._http import ApiClient, parse_retry_after
from connectors._paging import paginate
from connectors._secrets import register_redaction

log = logging.getLogger("siphon.connectors.salesforce")

#: How many restarts after expired query cursors one read allows before giving up.
MAX_RESTARTS = 20

_FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)
_COLUMN = re.compile(r"(?:No such column|Didn't understand relationship) '([\w.]+)'")


class QueryLocatorExpired(FatalError):
    """The server-side cursor behind ``nextRecordsUrl`` expired (idle for ~15 minutes)."""


def classify(response: httpx.Response, endpoint: str) -> None:
    """Map Salesforce's ``[{message, errorCode, fields}]`` errors (and OAuth's ``{error,
    error_description}``) to our hierarchy."""
    status = response.status_code
    if status < 400:
        return
    body = _json(response)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if isinstance(body, dict) and "error" in body:  # the OAuth token endpoint
        oauth_code = str(body.get("error"))
        text = str(body.get("error_description") or oauth_code)
        if status >= 500:
            raise RetriableError(
                f"token endpoint failed: {text}",
                retry_after=retry_after,
                endpoint=endpoint,
                status=status,
                code=oauth_code,
            )
        raise FatalError(
            f"Salesforce refused the client credentials: {text}. Check client_id and "
            "client_secret, and that the connected app enables the client credentials flow "
            "with a run-as user",
            endpoint=endpoint,
            status=status,
            code=oauth_code,
        )
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    code: str | None = str(first.get("errorCode") or "") or None
    message = str(first.get("message") or "").strip() or _snippet(response) or "no message"
    fatal = functools.partial(FatalError, endpoint=endpoint, status=status, code=code)
    retriable = functools.partial(
        RetriableError, retry_after=retry_after, endpoint=endpoint, status=status, code=code
    )
    if status == 401:
        raise fatal(
            f"Salesforce refused the session: {message}. The access token is invalid or "
            "expired: configure client_id and client_secret (OAuth client credentials) so "
            "siphon can renew it, or store a fresh token in the secret"
        )
    if code == "REQUEST_LIMIT_EXCEEDED":
        if "concurrent" in message.lower():
            # Too many long requests at once across the org: this clears in seconds.
            raise retriable(message)
        # The org's rolling 24-hour API allowance: it frees up over hours, so retrying within
        # the retry budget (minutes) cannot help. Stop, tell the admin; the next sync retries.
        raise fatal(
            f"the org's 24-hour API request limit is used up ({message}); syncing resumes "
            "at a later scheduled run as the allowance frees up. Raise the limit or lengthen "
            "this connector's schedule interval"
        )
    if code == "INVALID_QUERY_LOCATOR":
        raise QueryLocatorExpired(message, endpoint=endpoint, status=status, code=code)
    if status == 400 and code in ("MALFORMED_QUERY", "INVALID_FIELD", "INVALID_TYPE"):
        raise fatal(_query_problem(response, first, message, code))
    if status == 429 or status >= 500:
        raise retriable(f"Salesforce failed or asked us to slow down: {message}")
    raise fatal(f"Salesforce rejected the request: {message}")


def _query_problem(response: httpx.Response, first: dict[str, Any], message: str, code: str) -> str:
    soql = response.request.url.params.get("q", "")
    found = _FROM.search(soql)
    sobject = found.group(1) if found else "the queried object"
    column = _COLUMN.search(message)
    fields = [str(f) for f in first.get("fields") or []] or ([column.group(1)] if column else [])
    what = f"{sobject}, field {', '.join(fields)}" if fields else sobject
    hint = (
        f"the object {sobject} is not available to this user or org: exclude it in the config"
        if code == "INVALID_TYPE"
        else f"check the field names configured for {sobject} (fields / extra_fields)"
    )
    return f"Salesforce refused the query on {what}: {message}; {hint}"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _snippet(response: httpx.Response) -> str:
    return " ".join(response.text.split())[:200]


def soql_datetime(when: datetime) -> str:
    """A SOQL datetime literal, to the second (floored, so ``>=`` never misses a record)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def soql_ids(ids: list[str]) -> str:
    """An ``IN`` list of record ids; ids are checked, so the query cannot be altered."""
    for native in ids:
        if not re.fullmatch(r"[A-Za-z0-9]{15,18}", native):
            raise ValueError(f"not a Salesforce id: {native[:30]!r}")
    return ", ".join(f"'{native}'" for native in ids)


class Session:
    """The bearer token for one connector: static, or fetched with client credentials."""

    def __init__(
        self,
        api: ApiClient,
        *,
        token_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        self.api = api
        self.token_url = token_url
        self.credentials = (client_id, client_secret) if client_id and client_secret else None
        self.has_token = self.credentials is None  # a static token sits in the client headers
        self.refreshes = 0

    def ensure(self) -> None:
        """Fetch a token before the first request when client credentials are configured."""
        if not self.has_token:
            self.renew()

    def renew(self) -> None:
        """Run the client-credentials flow and use the new token from now on."""
        if self.credentials is None:
            raise RuntimeError("no client credentials to renew the session with")
        client_id, client_secret = self.credentials
        answer = self.api.request(
            "POST",
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        token = _json(answer)
        if not isinstance(token, dict) or not token.get("access_token"):
            raise FatalError(
                "the token endpoint answered without an access_token",
                endpoint=f"POST {self.token_url}",
                status=answer.status_code,
            )
        value = str(token["access_token"])
        register_redaction(value)
        self.api.client.headers["Authorization"] = f"Bearer {value}"
        self.has_token = True
        log.info("salesforce.session_renewed connector=%s", self.api.connector)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send with a valid token; on ``INVALID_SESSION_ID`` renew once and resend."""
        self.ensure()
        try:
            return self.api.request(method, url, **kwargs)
        except FatalError as exc:
            if exc.code != "INVALID_SESSION_ID" or self.credentials is None:
                raise
        self.refreshes += 1
        self.renew()
        return self.api.request(method, url, **kwargs)

    def get_json(self, url: str, **kwargs: Any) -> Any:
        """GET and decode JSON (see ``request``)."""
        response = self.request("GET", url, **kwargs)
        body = _json(response)
        if body is None:
            raise RetriableError(
                "answer is not JSON",
                endpoint=f"GET {url.split('?', 1)[0]}",
                status=response.status_code,
            )
        return body


class Soql:
    """SOQL reads for one API version."""

    def __init__(self, session: Session, version: str, *, batch_size: int | None = None) -> None:
        self.session = session
        self.version = version
        self.headers = {"Sforce-Query-Options": f"batchSize={batch_size}"} if batch_size else {}

    def pages(self, soql: str, *, all_rows: bool = False) -> Iterator[list[dict[str, Any]]]:
        """Every batch of a query, following ``nextRecordsUrl`` until ``done``."""
        path = f"/services/data/{self.version}/{'queryAll' if all_rows else 'query'}"

        def fetch(next_url: str | None) -> Any:
            if next_url is None:
                return self.session.get_json(path, params={"q": soql}, headers=self.headers)
            return self.session.get_json(next_url, headers=self.headers)

        def next_url(page: Any) -> str | None:
            if page.get("done", True):
                return None
            return page.get("nextRecordsUrl") or None

        for page in paginate(
            fetch, next_url, endpoint=f"GET {path}", connector=self.session.api.connector
        ):
            yield [r for r in page.get("records") or [] if isinstance(r, dict)]

    def rows(self, soql: str) -> Iterator[dict[str, Any]]:
        """Every row of a query."""
        for page in self.pages(soql):
            yield from page

    def since(
        self,
        build: Callable[[str], str],
        since: datetime,
        modstamp: str,
        *,
        all_rows: bool,
    ) -> Iterator[list[dict[str, Any]]]:
        """Batches of rows with ``modstamp >= since``, ascending; ``build`` makes the SOQL
        from a datetime literal.

        When the query cursor expires mid-read, the query restarts from the last second read
        with ``>=`` again, skipping the ids already yielded in that second: a strict ``>``
        would lose the records sharing the boundary timestamp.
        """
        boundary = since
        skip: set[str] = set()
        tail_second: datetime | None = None
        tail_ids: set[str] = set()
        for _attempt in range(MAX_RESTARTS + 1):
            try:
                for page in self.pages(build(soql_datetime(boundary)), all_rows=all_rows):
                    batch = []
                    for row in page:
                        native = str(row.get("Id"))
                        if native in skip:
                            continue
                        second = _second(row.get(modstamp))
                        if second is not None:
                            if tail_second is None or second > tail_second:
                                tail_second, tail_ids = second, set()
                            if second == tail_second:
                                tail_ids.add(native)
                        batch.append(row)
                    if batch:
                        yield batch
                return
            except QueryLocatorExpired:
                if tail_second is None:
                    continue  # nothing read yet: simply ask again
                skip = (skip | tail_ids) if tail_second == boundary else set(tail_ids)
                boundary = tail_second
                log.info(
                    "salesforce.query_restart connector=%s from=%s",
                    self.session.api.connector,
                    soql_datetime(boundary),
                )
        raise FatalError(
            f"query cursors expired {MAX_RESTARTS} times in one read; is the sink stalled?",
            connector=self.session.api.connector,
        )


def _second(value: object) -> datetime | None:
    """A Salesforce datetime, floored to the second (the precision of SOQL literals)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)
