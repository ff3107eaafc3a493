"""HubSpot CRM endpoints as data, its error answers mapped to our hierarchy, and the readers:
search (past the 10,000-result cap), batch reads of history and associations, owners, pipelines.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from connectors._errors import FatalError, PaginationError, RetriableError
from connectors._http import ApiClient, parse_retry_after
from connectors._paging import json_path, paginate
from connectors.hubspot._objects import ObjectSpec

log = logging.getLogger("siphon.connectors.hubspot")

SEARCH = "/crm/v3/objects/{type}/search"
BATCH_READ = "/crm/v3/objects/{type}/batch/read"
ASSOCIATIONS = "/crm/v4/associations/{source}/{target}/batch/read"
OBJECTS = "/crm/v3/objects/{type}"
OWNERS = "/crm/v3/owners"
PIPELINES = "/crm/v3/pipelines/{type}"

#: One search query never pages past this many results (HubSpot answers HTTP 400).
SEARCH_CAP = 10_000
#: Batch reads that ask for property history are kept small: history makes answers large.
HISTORY_BATCH = 50
ASSOCIATION_BATCH = 100
OWNERS_PAGE = 100
LIST_PAGE = 100

_next_after = json_path("paging", "next", "after")
_SCOPE = re.compile(r"[a-z][\w-]*(?:\.[\w-]+)+")


def classify(response: httpx.Response, endpoint: str) -> None:
    """Map HubSpot's ``{status, message, correlationId, category}`` errors to our hierarchy."""
    status = response.status_code
    if status < 400:
        return
    body = _error_body(response)
    message = str(body.get("message") or "").strip() or _snippet(response) or "no message"
    category = body.get("category") or body.get("errorType")
    code = str(category) if category else None
    ref = f" (correlationId {body['correlationId']})" if body.get("correlationId") else ""
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if status == 401:
        raise FatalError(
            f"HubSpot refused the token: {message}{ref}. The private app token is invalid, "
            "expired or revoked: copy the app's current token into the secret the config names",
            endpoint=endpoint,
            status=status,
            code=code or "INVALID_AUTHENTICATION",
        )
    if status == 403:
        scopes = missing_scopes(body)
        if code == "MISSING_SCOPES" or scopes:
            needed = ", ".join(scopes) if scopes else "see HubSpot's message"
            raise FatalError(
                f"the private app lacks the scopes this call needs: {needed}. Grant them in the "
                f"app's settings (Scopes), then rotate the token if HubSpot asks. {message}{ref}",
                endpoint=endpoint,
                status=status,
                code="MISSING_SCOPES",
            )
        raise FatalError(
            f"HubSpot refused access: {message}{ref}", endpoint=endpoint, status=status, code=code
        )
    if status == 429:
        if str(body.get("policyName", "")).upper() == "DAILY":
            # The daily allowance resets at midnight (account time zone): retrying now only
            # burns the retry budget, so stop and say so; the next scheduled sync goes on.
            raise FatalError(
                "the HubSpot account's daily API limit is used up; syncing resumes after it "
                "resets at midnight (account time zone), or raise the limit in HubSpot",
                endpoint=endpoint,
                status=status,
                code="DAILY_LIMIT",
            )
        raise RetriableError(
            f"rate limited: {message}",
            retry_after=retry_after,
            endpoint=endpoint,
            status=status,
            code=code or "RATE_LIMIT",
        )
    if status >= 500:
        raise RetriableError(
            f"HubSpot failed: {message}{ref}",
            retry_after=retry_after,
            endpoint=endpoint,
            status=status,
            code=code,
        )
    raise FatalError(
        f"HubSpot rejected the request: {message}{ref}", endpoint=endpoint, status=status, code=code
    )


def missing_scopes(body: dict[str, Any]) -> list[str]:
    """The scopes a ``MISSING_SCOPES`` answer names, wherever HubSpot put them."""
    contexts: list[Any] = [body.get("context")]
    contexts += [e.get("context") for e in body.get("errors") or [] if isinstance(e, dict)]
    found: list[str] = []
    for context in contexts:
        values: Iterable[Any]
        if isinstance(context, dict):
            values = (
                v
                for key in ("requiredGranularScopes", "requiredScopes", "missingScopes")
                for v in _as_list(context.get(key))
            )
        elif isinstance(context, str):
            values = _SCOPE.findall(context)
        else:
            continue
        found += [str(v) for v in values if str(v) not in found]
    return found


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return _SCOPE.findall(value) if isinstance(value, str) else []


def _error_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _snippet(response: httpx.Response) -> str:
    return " ".join(response.text.split())[:200]


def epoch_ms(when: datetime) -> int:
    """HubSpot's search filters take datetimes as epoch milliseconds."""
    return int(when.timestamp() * 1000)


@dataclass
class _SearchQuery:
    """One search query (ids after ``start``), paged by offset until the cap."""

    api: ApiClient
    path: str
    body: dict[str, Any]
    limit: int
    cap: int
    start: int | None
    after: str | None = None
    capped: bool = False

    def fetch(self, after: str | None) -> Any:
        self.after = after
        body = dict(self.body)
        if after is not None:
            body["after"] = after
        return self.api.post_json(self.path, json=body)

    def next_page(self, page: Any) -> str | None:
        after = _next_after(page)
        if after in (None, ""):
            return None
        if _offset(after) + self.limit > self.cap:
            self.capped = True  # the next page would be refused: restart instead
            return None
        return str(after)


def search(
    api: ApiClient,
    spec: ObjectSpec,
    *,
    since: datetime,
    properties: list[str],
    limit: int,
    cap: int = SEARCH_CAP,
) -> Iterator[list[dict[str, Any]]]:
    """Pages of objects modified at or after ``since``, in ascending id order.

    Results are sorted on the unique ``hs_object_id`` rather than on the modification time, so
    getting past the 10,000-result cap is exact: the next query starts after the last id seen,
    and no record is skipped or repeated however many share one timestamp. Offsets also stay
    put when a record is edited while we page (sorted by time, it would jump to the end and
    shift every later record one place back, so one would be skipped).
    """
    path = SEARCH.format(type=spec.type)
    endpoint = f"POST {path}"
    modified = {"propertyName": spec.modified, "operator": "GTE", "value": str(epoch_ms(since))}
    last_id: int | None = None
    while True:
        filters = [modified]
        if last_id is not None:
            filters.append(
                {"propertyName": "hs_object_id", "operator": "GT", "value": str(last_id)}
            )
        body = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": properties,
            "limit": limit,
        }
        query = _SearchQuery(api, path, body, limit, cap, start=last_id)
        try:
            for page in paginate(
                query.fetch, query.next_page, endpoint=endpoint, connector=api.connector
            ):
                results = [r for r in page.get("results") or [] if isinstance(r, dict)]
                if not results:
                    continue
                first = _numeric_id(results[0], endpoint)
                if query.start is not None and first <= query.start:
                    raise PaginationError(
                        f"search ignored the id filter (id {first} after {query.start}); "
                        "stopping to avoid reading the same records forever",
                        endpoint=endpoint,
                    )
                last_id = _numeric_id(results[-1], endpoint)
                yield results
        except FatalError as exc:
            # Past the cap HubSpot answers 400 on a later page of a query that worked so far.
            if exc.status != 400 or query.after is None or last_id == query.start:
                raise
            query.capped = True
        if not query.capped:
            return
        if last_id == query.start:
            raise PaginationError(
                "search reported more results but returned none; stopping", endpoint=endpoint
            )
        log.info(
            "hubspot.search_restart connector=%s type=%s after_id=%s",
            api.connector,
            spec.type,
            last_id,
        )


def _offset(after: object) -> int:
    try:
        return int(str(after))
    except ValueError:
        return 0  # an opaque token: no offset to compare with the cap


def _numeric_id(result: dict[str, Any], endpoint: str) -> int:
    try:
        return int(str(result.get("id")))
    except ValueError:
        raise FatalError(
            f"search returned a non-numeric id {result.get('id')!r}", endpoint=endpoint
        ) from None


def property_histories(
    api: ApiClient, object_type: str, ids: list[str], names: list[str]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{id: {property: [history entries]}}`` for ``names``, via batch reads."""
    path = BATCH_READ.format(type=object_type)
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for chunk in _chunks(ids, HISTORY_BATCH):
        body = {
            "inputs": [{"id": i} for i in chunk],
            "properties": names,
            "propertiesWithHistory": names,
        }
        answer = api.post_json(path, json=body)
        for result in answer.get("results") or []:
            history = result.get("propertiesWithHistory") or {}
            out[str(result.get("id"))] = {n: list(history.get(n) or []) for n in names}
        _log_batch_errors(api, path, answer)
    return out


def associations(api: ApiClient, source: str, target: str, ids: list[str]) -> dict[str, list[str]]:
    """``{id: [associated ids]}`` from ``source`` objects to ``target`` objects."""
    path = ASSOCIATIONS.format(source=source, target=target)
    found: dict[str, list[str]] = defaultdict(list)
    pending: list[dict[str, str]] = [{"id": i} for i in ids]
    seen: set[tuple[str, str]] = set()
    while pending:
        chunk, pending = pending[:ASSOCIATION_BATCH], pending[ASSOCIATION_BATCH:]
        answer = api.post_json(path, json={"inputs": chunk})
        for result in answer.get("results") or []:
            origin = str((result.get("from") or {}).get("id"))
            for target_ref in result.get("to") or []:
                if isinstance(target_ref, dict) and target_ref.get("toObjectId") is not None:
                    found[origin].append(str(target_ref["toObjectId"]))
            after = _next_after(result)
            if after not in (None, ""):
                if (origin, str(after)) in seen:
                    raise PaginationError(
                        f"associations of {origin} returned page token {after!r} twice",
                        endpoint=f"POST {path}",
                    )
                seen.add((origin, str(after)))
                pending.append({"id": origin, "after": str(after)})
        _log_batch_errors(api, path, answer)
    return dict(found)


def _log_batch_errors(api: ApiClient, path: str, answer: dict[str, Any]) -> None:
    # A 207 names ids that vanished between search and batch read: nothing to map for them.
    for error in answer.get("errors") or []:
        log.info(
            "hubspot.batch_partial connector=%s endpoint=%s category=%s message=%s",
            api.connector,
            path,
            error.get("category"),
            str(error.get("message"))[:200],
        )


def archived(
    api: ApiClient, spec: ObjectSpec, *, since: datetime, properties: list[str]
) -> Iterator[list[dict[str, Any]]]:
    """Pages of objects of one type archived (deleted) at or after ``since``.

    Search never returns archived objects, so deletions are read from the list endpoint;
    HubSpot keeps archived objects about 90 days, which bounds this read.
    """
    path = OBJECTS.format(type=spec.type)

    def fetch(after: str | None) -> Any:
        params: dict[str, str | int] = {
            "archived": "true",
            "limit": LIST_PAGE,
            "properties": ",".join(properties),
        }
        if after:
            params["after"] = after
        return api.get_json(path, params=params)

    for page in paginate(fetch, _next_after, endpoint=f"GET {path}", connector=api.connector):
        rows = [r for r in page.get("results") or [] if isinstance(r, dict)]
        yield [r for r in rows if _archived_since(r, since)]


def _archived_since(row: dict[str, Any], since: datetime) -> bool:
    try:
        when = datetime.fromisoformat(str(row.get("archivedAt")))
    except ValueError:
        return True  # no usable time: pass it on, the mapping decides
    return when.timestamp() >= since.timestamp()


def owners(api: ApiClient, *, archived: bool) -> Iterator[dict[str, Any]]:
    """Every owner (active, or archived: people who left)."""

    def fetch(after: str | None) -> Any:
        params: dict[str, str | int] = {"limit": OWNERS_PAGE, "archived": str(archived).lower()}
        if after:
            params["after"] = after
        return api.get_json(OWNERS, params=params)

    for page in paginate(fetch, _next_after, endpoint=f"GET {OWNERS}", connector=api.connector):
        yield from (o for o in page.get("results") or [] if isinstance(o, dict))


def pipelines(api: ApiClient, object_type: str = "deals") -> list[dict[str, Any]]:
    """The pipelines of an object type, each with its stages."""
    answer = api.get_json(PIPELINES.format(type=object_type))
    return [p for p in answer.get("results") or [] if isinstance(p, dict)]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
