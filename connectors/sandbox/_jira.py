"""Jira Cloud REST v3: enhanced JQL search, issues, comments, changelogs, users, projects.

``/rest/api/3/search/jql`` pages with an opaque ``nextPageToken`` and ``isLast`` (no ``total``)
and returns only ``id`` unless ``fields`` asks for more; the old ``/rest/api/3/search`` answers
410 Gone. Descriptions and comment bodies are ADF. Dates in JQL are read in the API user's time
zone (``/myself``), as Jira does.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from connectors.sandbox._generate import ISSUE_TYPES, PRIORITIES, RESOLUTIONS, STATUSES
from connectors.sandbox._markup import to_adf
from connectors.sandbox._server import ApiError, Request, Response
from connectors.sandbox._world import (
    DAY,
    HOUR,
    MINUTE,
    US,
    Comment,
    History,
    Issue,
    Person,
    World,
    from_dt,
    jira_time,
)

try:  # tzdata may be missing on minimal systems; Jira's default is then UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # pragma: no cover
    ZoneInfo = None  # type: ignore[assignment,misc]


def _errors(status: int, *messages: str, headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(
        Response(status, {"errorMessages": list(messages), "errors": {}}, headers or {})
    )


# --- JQL --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>!=|>=|<=|!~|=|>|<|~|\(|\)|,)
      | (?P<word>[^\s"'=!<>~(),]+)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "order", "by", "asc", "desc", "empty", "null"}
_FIELDS = {
    "project": "project",
    "key": "key",
    "issuekey": "key",
    "id": "id",
    "updated": "updated",
    "updateddate": "updated",
    "created": "created",
    "createddate": "created",
    "resolved": "resolved",
    "resolutiondate": "resolved",
    "status": "status",
    "resolution": "resolution",
    "issuetype": "issuetype",
    "type": "issuetype",
    "labels": "labels",
    "component": "component",
    "assignee": "assignee",
    "reporter": "reporter",
    "priority": "priority",
    "summary": "summary",
    "text": "text",
    "description": "description",
    "statuscategory": "statuscategory",
}
_DATE_FIELDS = {"updated", "created", "resolved"}


class JqlError(ValueError):
    """A JQL query Jira would refuse, with Jira's message."""


@dataclass(frozen=True)
class Token:
    kind: str  # str | op | word
    value: str


def tokenize(jql: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(jql):
        if jql[pos:].strip() == "":
            break
        match = _TOKEN.match(jql, pos)
        if match is None or match.end() == pos:
            raise JqlError(
                f"Error in the JQL Query: the character '{jql[pos]}' is a reserved "
                f"JQL character (at position {pos})"
            )
        kind = match.lastgroup or "word"
        value = match.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append(Token(kind, value))
        pos = match.end()
    return tokens


Predicate = Callable[[Issue], bool]


@dataclass
class Jql:
    where: Predicate | None
    order: list[tuple[str, bool]]  # (field, descending)


class _Parser:
    def __init__(self, tokens: list[Token], api: JiraApi) -> None:
        self.tokens = tokens
        self.pos = 0
        self.api = api

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.value.lower() in words:
            self.pos += 1
            return True
        return False

    def op(self, value: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "op" and token.value == value:
            self.pos += 1
            return True
        return False

    def expect_op(self, value: str) -> None:
        if not self.op(value):
            found = self.peek()
            raise JqlError(
                f"Error in the JQL Query: Expecting '{value}' but got "
                f"'{found.value if found else 'the end of the query'}'."
            )

    def parse(self) -> Jql:
        where = None
        token = self.peek()
        if token is not None and not (token.kind == "word" and token.value.lower() == "order"):
            where = self.expr()
        order: list[tuple[str, bool]] = []
        if self.keyword("order"):
            if not self.keyword("by"):
                raise JqlError("Error in the JQL Query: Expecting 'by' after 'order'.")
            while True:
                token = self.peek()
                if token is None:
                    raise JqlError(
                        "Error in the JQL Query: Expecting a field name after 'order by'."
                    )
                self.pos += 1
                field = _FIELDS.get(token.value.lower())
                if field is None:
                    raise JqlError(f"Not able to sort using field '{token.value}'.")
                descending = False
                if self.keyword("desc"):
                    descending = True
                else:
                    self.keyword("asc")
                order.append((field, descending))
                if not self.op(","):
                    break
        leftover = self.peek()
        if leftover is not None:
            raise JqlError(
                f"Error in the JQL Query: Expecting either 'OR' or 'AND' but got "
                f"'{leftover.value}'."
            )
        return Jql(where, order)

    def expr(self) -> Predicate:
        left = self.term()
        while self.keyword("or"):
            right = self.term()
            left = _or(left, right)
        return left

    def term(self) -> Predicate:
        left = self.factor()
        while self.keyword("and"):
            right = self.factor()
            left = _and(left, right)
        return left

    def factor(self) -> Predicate:
        if self.keyword("not"):
            inner = self.factor()
            return lambda issue: not inner(issue)
        if self.op("("):
            inner = self.expr()
            self.expect_op(")")
            return inner
        return self.clause()

    def value(self) -> str:
        token = self.peek()
        if token is None or (token.kind == "op" and token.value in "(),"):
            raise JqlError(
                "Error in the JQL Query: Expecting a value but got "
                f"'{token.value if token else 'the end of the query'}'."
            )
        self.pos += 1
        value = token.value
        if token.kind == "word" and self.op("("):  # a function call such as now()
            self.expect_op(")")
            value += "()"
        return value

    def clause(self) -> Predicate:
        token = self.peek()
        if token is None:
            raise JqlError(
                "Error in the JQL Query: Expecting a field name but got the end of the query."
            )
        self.pos += 1
        field = _FIELDS.get(token.value.lower())
        if field is None:
            raise JqlError(
                f"Field '{token.value}' does not exist or you do not have permission to view it."
            )
        if self.keyword("in"):
            return self.api.membership(field, self.values(), negate=False)
        if self.keyword("not"):
            if not self.keyword("in"):
                raise JqlError("Error in the JQL Query: Expecting 'IN' after 'NOT'.")
            return self.api.membership(field, self.values(), negate=True)
        if self.keyword("is"):
            negate = self.keyword("not")
            if not self.keyword("empty", "null"):
                raise JqlError("Error in the JQL Query: Expecting 'EMPTY' after 'IS'.")
            return self.api.emptiness(field, negate=negate)
        token = self.peek()
        if token is None or token.kind != "op":
            raise JqlError(f"Error in the JQL Query: Expecting an operator after '{field}'.")
        self.pos += 1
        return self.api.compare(field, token.value, self.value())

    def values(self) -> list[str]:
        self.expect_op("(")
        values = [self.value()]
        while self.op(","):
            values.append(self.value())
        self.expect_op(")")
        return values


def _and(a: Predicate, b: Predicate) -> Predicate:
    return lambda issue: a(issue) and b(issue)


def _or(a: Predicate, b: Predicate) -> Predicate:
    return lambda issue: a(issue) or b(issue)


_RELATIVE = re.compile(r"^([+-]?)(\d+)([wdhm])$", re.IGNORECASE)
_ABSOLUTE = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


# --- the API ----------------------------------------------------------------------------------


class JiraApi:
    """Jira Cloud REST v3 under ``/rest/api/3``."""

    name = "jira"

    def __init__(
        self,
        world: World,
        email: str,
        token: str,
        time_zone: str = "Europe/Berlin",
        wall_clock: Callable[[], int] | None = None,
    ) -> None:
        self.world = world
        self.email = email
        self.token = token
        self.time_zone = time_zone
        self.wall_clock = wall_clock or (lambda: world.now)
        self._tz: tzinfo = UTC
        if ZoneInfo is not None:
            try:
                self._tz = ZoneInfo(time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                self.time_zone = "UTC"
        self.account_id = "712020:5a1f0c2e-sand-box0-9b7e-00000000feed"
        self._cache: dict[tuple[str, int], tuple[list[Issue], list[tuple[Any, ...]]]] = {}
        self._getters = self._make_getters()

    # protocol

    def endpoint(self, request: Request) -> str:
        path = request.path.rstrip("/")
        routes = (
            (r"/rest/api/3/search/jql", "jira.search"),
            (r"/rest/api/3/search/approximate-count", "jira.count"),
            (r"/rest/api/[23]/search", "jira.search_removed"),
            (r"/rest/api/3/issue/[^/]+/comment", "jira.comments"),
            (r"/rest/api/3/issue/[^/]+/changelog", "jira.changelog"),
            (r"/rest/api/3/changelog/bulkfetch", "jira.changelog_bulk"),
            (r"/rest/api/3/issue/[^/]+", "jira.issue"),
            (r"/rest/api/3/myself", "jira.myself"),
            (r"/rest/api/3/serverInfo", "jira.server_info"),
            (r"/rest/api/3/project/search", "jira.projects"),
            (r"/rest/api/3/project", "jira.projects"),
            (r"/rest/api/3/users/search", "jira.users"),
            (r"/rest/api/3/user", "jira.user"),
        )
        for pattern, name in routes:
            if re.fullmatch(pattern, path):
                return name
        raise _errors(404, "null for uri: " + request.path)

    def authenticate(self, request: Request) -> Response | None:
        auth = request.header("authorization") or ""
        good = False
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            email, _, token = decoded.partition(":")
            good = email.lower() == self.email.lower() and token == self.token
        if good:
            return None
        return Response(
            401,
            {
                "errorMessages": ["Client must be authenticated to access this resource."],
                "errors": {},
            },
            {"WWW-Authenticate": 'Basic realm="protected-area"'},
        )

    def throttled(self, request: Request, retry_after: float) -> Response:
        reset = datetime.now(UTC) + timedelta(seconds=retry_after)
        return Response(
            429,
            {"errorMessages": ["Rate limit exceeded."], "errors": {}},
            {
                "Retry-After": f"{retry_after:g}",
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%MZ"),
                "RateLimit-Reason": "jira-burst-based",
            },
        )

    def failed(self, request: Request, exc: Exception) -> Response:
        return Response(500, {"errorMessages": ["Internal server error"], "errors": {}})

    def handle(self, request: Request) -> Response:
        endpoint = self.endpoint(request)
        path = request.path.rstrip("/")
        if endpoint == "jira.search_removed":
            raise _errors(
                410,
                "The requested API has been removed. Please migrate to the "
                "/rest/api/3/search/jql API. A full migration guideline is available "
                "at https://developer.atlassian.com/changelog/#CHANGE-2046",
            )
        with self.world.lock:
            if endpoint == "jira.search":
                return self.search(request)
            if endpoint == "jira.count":
                return self.count(request)
            if endpoint == "jira.myself":
                return Response(200, self.myself(request))
            if endpoint == "jira.server_info":
                return Response(
                    200,
                    {
                        "baseUrl": request.base_url,
                        "version": "1001.0.0-SNAPSHOT",
                        "versionNumbers": [1001, 0, 0],
                        "deploymentType": "Cloud",
                        "buildNumber": 100282,
                        "serverTime": jira_time(self.wall_clock()),
                        "scmInfo": "sandbox",
                        "serverTitle": "Jira",
                    },
                )
            if endpoint == "jira.projects":
                return self.projects(request, paged=path.endswith("/search"))
            if endpoint == "jira.users":
                return self.users(request)
            if endpoint == "jira.user":
                return self.user(request)
            if endpoint == "jira.changelog_bulk":
                return self.changelog_bulk(request)
            key = path.split("/")[5]
            issue = self.world.issue_by_key(key)
            if issue is None and key.isdigit():
                issue = self.world.issues.get(int(key))
            if issue is None:
                raise _errors(404, "Issue does not exist or you do not have permission to see it.")
            if endpoint == "jira.comments":
                return self.comments(request, issue)
            if endpoint == "jira.changelog":
                return self.changelog(request, issue)
            fields = _field_list(request.param("fields")) or ["*navigable"]
            expand = _expand(request.param("expand"))
            return Response(200, self.issue_json(issue, fields, expand, request.base_url))

    # JQL hooks

    def _date(self, value: str) -> int:
        value = value.strip()
        now = self.wall_clock()
        lowered = value.lower()
        if lowered in ("now()", ""):
            return now
        if lowered in ("startofday()", "startofday"):
            local = datetime.fromtimestamp(now / US, self._tz)
            return from_dt(local.replace(hour=0, minute=0, second=0, microsecond=0))
        relative = _RELATIVE.match(value)
        if relative:
            sign = -1 if relative.group(1) == "-" else 1
            unit = {"w": 7 * DAY, "d": DAY, "h": HOUR, "m": MINUTE}[relative.group(3).lower()]
            return now + sign * int(relative.group(2)) * unit
        if value.isdigit():
            return int(value) * 1000
        for pattern in _ABSOLUTE:
            try:
                parsed = datetime.strptime(value, pattern)
            except ValueError:
                continue
            return from_dt(parsed.replace(tzinfo=self._tz))
        raise JqlError(
            f"Date value '{value}' for field 'updated' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
            "format e.g. '-5d', '4w 2d'."
        )

    def _getter(self, field: str) -> Callable[[Issue], Any]:
        return self._getters[field]

    def _make_getters(self) -> dict[str, Callable[[Issue], Any]]:
        people = self.world.people

        def account(key: str | None) -> str | None:
            person = people.get(key or "")
            return person.jira_id if person else None

        getters: dict[str, Callable[[Issue], Any]] = {
            "project": lambda i: i.project,
            "key": lambda i: i.key,
            "id": lambda i: i.id,
            "updated": lambda i: i.updated,
            "created": lambda i: i.created,
            "resolved": lambda i: i.resolved_at,
            "status": lambda i: i.status,
            "resolution": lambda i: i.resolution,
            "issuetype": lambda i: i.type,
            "priority": lambda i: i.priority,
            "assignee": lambda i: account(i.assignee),
            "reporter": lambda i: account(i.reporter),
            "statuscategory": lambda i: STATUSES[i.status][2],
            "summary": lambda i: i.summary,
            "description": lambda i: i.src,
            "text": lambda i: i.summary + " " + i.src,
        }
        return getters

    def _normalize(self, field: str, value: str) -> Any:
        if field in _DATE_FIELDS:
            return self._date(value)
        if field == "id":
            return int(value) if value.isdigit() else -1
        if field == "project":
            for project in self.world.projects.values():
                if value.lower() in (project.key.lower(), project.name.lower(), project.id):
                    return project.key
            raise JqlError(f"The value '{value}' does not exist for the field 'project'.")
        if field in ("assignee", "reporter") and value.lower() == "currentuser()":
            return self.account_id
        if field == "key":
            return value.upper()
        return value

    def compare(self, field: str, op: str, raw: str) -> Predicate:
        if field in ("labels", "component"):
            wanted = raw.lower()
            if op not in ("=", "!="):
                raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")
            attr = "labels" if field == "labels" else "components"
            positive = op == "="
            return lambda i: (wanted in (v.lower() for v in getattr(i, attr))) == positive
        get = self._getter(field)
        if op in ("~", "!~"):
            needle = raw.lower().strip("*")
            return lambda i: (needle in str(get(i)).lower()) == (op == "~")
        value = self._normalize(field, raw)
        if field in _DATE_FIELDS or field == "id":
            ops: dict[str, Callable[[Any, Any], bool]] = {
                "=": lambda a, b: a == b,
                "!=": lambda a, b: a != b,
                ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b,
                "<": lambda a, b: a < b,
                "<=": lambda a, b: a <= b,
            }
            if op not in ops:
                raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")
            fn = ops[op]
            return lambda i: (v := get(i)) is not None and fn(v, value)
        if op not in ("=", "!="):
            raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")
        text = str(value).lower()
        positive = op == "="
        return lambda i: (str(get(i) or "").lower() == text) == positive

    def membership(self, field: str, raws: list[str], *, negate: bool) -> Predicate:
        checks = [self.compare(field, "=", raw) for raw in raws]
        return lambda i: any(check(i) for check in checks) != negate

    def emptiness(self, field: str, *, negate: bool) -> Predicate:
        if field in ("labels", "component"):
            attr = "labels" if field == "labels" else "components"
            return lambda i: bool(getattr(i, attr)) == negate
        get = self._getter(field)
        return lambda i: (get(i) is None) == (not negate)

    def _sort_key(self, order: list[tuple[str, bool]]) -> Callable[[Issue], tuple[Any, ...]]:
        """A total order for ORDER BY (issue id breaks ties) that serializes into a token."""

        def part(issue: Issue, field: str, descending: bool) -> tuple[Any, ...]:
            if field == "key":
                project, number = issue.project, int(issue.key.split("-")[1])
                if descending:
                    return (0, _neg_str(project), -number)
                return (0, _pos_str(project), number)
            if field in ("labels", "component", "text", "description"):
                field = "summary"
            raw = self._getter(field)(issue)
            if raw is None:
                return (1,)
            if isinstance(raw, int):
                return (0, -raw if descending else raw)
            text = str(raw).lower()
            return (0, _neg_str(text) if descending else _pos_str(text))

        def key(issue: Issue) -> tuple[Any, ...]:
            return (*[part(issue, f, d) for f, d in order], issue.id)

        return key

    # search

    def _query(self, request: Request) -> dict[str, Any]:
        if request.method == "POST":
            try:
                body = request.json() or {}
            except ValueError:
                raise _errors(
                    400,
                    "Invalid request payload. Refer to the REST API documentation and try again.",
                ) from None
            if not isinstance(body, dict):
                raise _errors(400, "Invalid request payload.")
            return body
        out: dict[str, Any] = {}
        for name in (
            "jql",
            "nextPageToken",
            "maxResults",
            "fields",
            "expand",
            "properties",
            "reconcileIssues",
            "fieldsByKeys",
        ):
            value = request.param(name)
            if value is not None:
                out[name] = value
        if "fields" in request.query:
            out["fields"] = [f for v in request.query["fields"] for f in v.split(",")]
        return out

    def _matches(
        self, jql: str
    ) -> tuple[list[Issue], list[tuple[Any, ...]], Callable[[Issue], tuple[Any, ...]]]:
        """The issues a JQL query matches in order, their sort keys, and the key function
        (cached per world version: pages of one query share the work)."""
        try:
            parsed = _Parser(tokenize(jql), self).parse()
        except JqlError as exc:
            raise _errors(400, str(exc)) from None
        if parsed.where is None:
            raise _errors(
                400,
                "Unbounded JQL queries are not allowed here. Please add a "
                "search restriction to your query.",
            )
        order = parsed.order or [("id", True)]
        key = self._sort_key(order)
        cache_key = (jql, self.world.version)
        cached = self._cache.get(cache_key)
        if cached is None:
            where = parsed.where
            keyed = sorted(
                ((key(i), i) for i in self.world.issues.values() if where(i)),
                key=lambda pair: pair[0],
            )
            cached = ([i for _, i in keyed], [k for k, _ in keyed])
            if len(self._cache) > 32:
                self._cache.clear()
            self._cache[cache_key] = cached
        return cached[0], cached[1], key

    def search(self, request: Request) -> Response:
        query = self._query(request)
        jql = str(query.get("jql") or "")
        fields = _field_list(query.get("fields"))
        expand = _expand(query.get("expand"))
        found, keys, key = self._matches(jql)
        ids_only = not fields or set(fields) <= {"id", "key"}
        try:
            wanted = int(query.get("maxResults") or 50)
        except (TypeError, ValueError):
            raise _errors(400, "maxResults must be a number.") from None
        limit = max(1, min(wanted, 5000 if ids_only else 100))
        start = 0
        token = query.get("nextPageToken")
        if token:
            last = _read_token(str(token))
            if last is None:
                raise _errors(400, "The provided next page token is invalid or expired.")
            start = bisect.bisect_right(keys, last)
        page = found[start : start + limit]
        is_last = start + limit >= len(found)
        issues = []
        for issue in page:
            if not fields:
                issues.append({"id": str(issue.id)})
            else:
                issues.append(self.issue_json(issue, fields, expand, request.base_url))
        payload: dict[str, Any] = {"issues": issues, "isLast": is_last}
        if not is_last and page:
            payload["nextPageToken"] = _write_token(key(page[-1]))
        return Response(200, payload)

    def count(self, request: Request) -> Response:
        query = self._query(request)
        found, _keys, _key = self._matches(str(query.get("jql") or ""))
        return Response(200, {"count": len(found)})

    # rendering

    def user_json(self, person: Person | None, base: str) -> dict[str, Any] | None:
        if person is None or person.jira_id is None:
            return None
        out: dict[str, Any] = {
            "self": f"{base}/rest/api/3/user?accountId={person.jira_id}",
            "accountId": person.jira_id,
        }
        if person.jira_email_visible:
            out["emailAddress"] = person.email
        out.update(
            {
                "avatarUrls": {
                    size: f"https://avatar-management.example/{person.jira_id}/{size}"
                    for size in ("48x48", "24x24", "16x16", "32x32")
                },
                "displayName": person.jira_name,
                "active": not person.deleted,
                "timeZone": person.tz,
                "accountType": person.jira_account_type,
            }
        )
        return out

    def _person(self, key: str) -> tuple[str, str]:
        person = self.world.people.get(key)
        if person is None:
            return "", key
        return person.jira_id or "", person.jira_name or person.name

    def adf(self, src: str) -> dict[str, Any]:
        return to_adf(src, self._person)

    def comment_json(self, comment: Comment, base: str) -> dict[str, Any]:
        author = self.user_json(self.world.people.get(comment.author), base)
        return {
            "self": f"{base}/rest/api/3/issue/{comment.issue_id}/comment/{comment.id}",
            "id": str(comment.id),
            "author": author,
            "body": self.adf(comment.src),
            "updateAuthor": author,
            "created": jira_time(comment.at),
            "updated": jira_time(comment.updated_at),
            "jsdPublic": True,
        }

    def history_json(self, history: History, base: str) -> dict[str, Any]:
        return {
            "id": str(history.id),
            "author": self.user_json(self.world.people.get(history.author), base),
            "created": jira_time(history.at),
            "items": [
                {
                    "field": item.field,
                    "fieldtype": "jira",
                    "fieldId": item.field,
                    "from": item.from_id,
                    "fromString": item.from_string,
                    "to": item.to_id,
                    "toString": item.to_string,
                }
                for item in history.items
            ],
        }

    def _status(self, name: str, base: str) -> dict[str, Any]:
        sid, category_key, category_name = STATUSES[name]
        category_id = {"new": 2, "indeterminate": 4, "done": 3}[category_key]
        return {
            "self": f"{base}/rest/api/3/status/{sid}",
            "description": "",
            "iconUrl": f"{base}/images/icons/statuses/generic.png",
            "name": name,
            "id": sid,
            "statusCategory": {
                "self": f"{base}/rest/api/3/statuscategory/{category_id}",
                "id": category_id,
                "key": category_key,
                "colorName": {"new": "blue-gray", "indeterminate": "yellow", "done": "green"}[
                    category_key
                ],
                "name": category_name,
            },
        }

    def issue_fields(self, issue: Issue, base: str) -> dict[str, Any]:
        world = self.world
        project = world.projects[issue.project]
        resolution = None
        if issue.resolution:
            rid = RESOLUTIONS[issue.resolution]
            resolution = {
                "self": f"{base}/rest/api/3/resolution/{rid}",
                "id": rid,
                "description": "",
                "name": issue.resolution,
            }
        comments = issue.comments[:100]
        tid = ISSUE_TYPES.get(issue.type, "10002")
        pid = PRIORITIES.get(issue.priority, "3")
        status_changed = max(
            [issue.created]
            + [h.at for h in issue.histories if any(i.field == "status" for i in h.items)]
        )
        return {
            "summary": issue.summary,
            "description": self.adf(issue.src),
            "comment": {
                "comments": [self.comment_json(c, base) for c in comments],
                "self": f"{base}/rest/api/3/issue/{issue.id}/comment",
                "maxResults": len(comments),
                "total": len(issue.comments),
                "startAt": 0,
            },
            "status": self._status(issue.status, base),
            "statuscategorychangedate": jira_time(status_changed),
            "assignee": self.user_json(world.people.get(issue.assignee or ""), base),
            "reporter": self.user_json(world.people.get(issue.reporter), base),
            "creator": self.user_json(world.people.get(issue.reporter), base),
            "created": jira_time(issue.created),
            "updated": jira_time(issue.updated),
            "resolutiondate": jira_time(issue.resolved_at) if issue.resolved_at else None,
            "project": {
                "self": f"{base}/rest/api/3/project/{project.id}",
                "id": project.id,
                "key": project.key,
                "name": project.name,
                "projectTypeKey": "software",
                "simplified": False,
            },
            "resolution": resolution,
            "issuetype": {
                "self": f"{base}/rest/api/3/issuetype/{tid}",
                "id": tid,
                "description": "",
                "iconUrl": f"{base}/images/icons/issuetypes/{issue.type.lower()}.svg",
                "name": issue.type,
                "subtask": False,
                "hierarchyLevel": 1 if issue.type == "Epic" else 0,
            },
            "labels": list(issue.labels),
            "issuelinks": [],
            "components": [
                {
                    "self": f"{base}/rest/api/3/component/{project.components[c]}",
                    "id": project.components[c],
                    "name": c,
                }
                for c in issue.components
                if c in project.components
            ],
            "priority": {
                "self": f"{base}/rest/api/3/priority/{pid}",
                "id": pid,
                "name": issue.priority,
            },
        }

    def issue_json(
        self, issue: Issue, fields: list[str], expand: set[str], base: str
    ) -> dict[str, Any]:
        everything = self.issue_fields(issue, base)
        if "*all" in fields or "*navigable" in fields:
            chosen = dict(everything)
        else:
            chosen = {f: everything[f] for f in fields if f in everything}
        for f in fields:
            if f.startswith("-"):
                chosen.pop(f[1:], None)
        out: dict[str, Any] = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,"
            "versionedRepresentations",
            "id": str(issue.id),
            "self": f"{base}/rest/api/3/issue/{issue.id}",
            "key": issue.key,
            "fields": chosen,
        }
        if "changelog" in expand:
            histories = issue.histories[-100:]
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(histories),
                "total": len(issue.histories),
                "histories": [self.history_json(h, base) for h in reversed(histories)],
            }
        return out

    def _page(self, request: Request, default: int, maximum: int) -> tuple[int, int]:
        try:
            start = int(request.param("startAt") or 0)
            size = int(request.param("maxResults") or default)
        except ValueError:
            raise _errors(400, "startAt and maxResults must be numbers.") from None
        return max(0, start), max(1, min(size, maximum))

    def comments(self, request: Request, issue: Issue) -> Response:
        start, size = self._page(request, 5000, 5000)
        ordered = list(issue.comments)
        if (request.param("orderBy") or "").lstrip("+") == "-created":
            ordered.reverse()
        page = ordered[start : start + size]
        return Response(
            200,
            {
                "startAt": start,
                "maxResults": size,
                "total": len(issue.comments),
                "comments": [self.comment_json(c, request.base_url) for c in page],
            },
        )

    def changelog(self, request: Request, issue: Issue) -> Response:
        start, size = self._page(request, 100, 100)
        page = issue.histories[start : start + size]
        last = start + size >= len(issue.histories)
        base = request.base_url
        payload: dict[str, Any] = {
            "self": f"{base}/rest/api/3/issue/{issue.key}/changelog?maxResults={size}"
            f"&startAt={start}",
            "maxResults": size,
            "startAt": start,
            "total": len(issue.histories),
            "isLast": last,
            "values": [self.history_json(h, base) for h in page],
        }
        if not last:
            payload["nextPage"] = (
                f"{base}/rest/api/3/issue/{issue.key}/changelog?"
                f"maxResults={size}&startAt={start + size}"
            )
        return Response(200, payload)

    def changelog_bulk(self, request: Request) -> Response:
        try:
            body = request.json() or {}
        except ValueError:
            raise _errors(400, "Invalid request payload.") from None
        wanted = body.get("issueIdsOrKeys") or []
        if not wanted or len(wanted) > 1000:
            raise _errors(400, "issueIdsOrKeys must hold 1 to 1000 issues.")
        field_ids = set(body.get("fieldIds") or [])
        size = max(1, min(int(body.get("maxResults") or 1000), 10000))
        offset = (
            int(body.get("nextPageToken") or 0)
            if str(body.get("nextPageToken") or "0").isdigit()
            else 0
        )
        pairs: list[tuple[Issue, History]] = []
        for ref in wanted:
            issue = self.world.issue_by_key(str(ref))
            if issue is None and str(ref).isdigit():
                issue = self.world.issues.get(int(ref))
            if issue is None:
                continue
            for history in issue.histories:
                if not field_ids or any(i.field in field_ids for i in history.items):
                    pairs.append((issue, history))
        page = pairs[offset : offset + size]
        grouped: dict[int, list[dict[str, Any]]] = {}
        for issue, history in page:
            grouped.setdefault(issue.id, []).append(self.history_json(history, request.base_url))
        payload: dict[str, Any] = {
            "issueChangeLogs": [
                {"issueId": str(iid), "changeHistories": values} for iid, values in grouped.items()
            ]
        }
        if offset + size < len(pairs):
            payload["nextPageToken"] = str(offset + size)
        return Response(200, payload)

    def myself(self, request: Request) -> dict[str, Any]:
        return {
            "self": f"{request.base_url}/rest/api/3/user?accountId={self.account_id}",
            "accountId": self.account_id,
            "accountType": "atlassian",
            "emailAddress": self.email,
            "avatarUrls": {},
            "displayName": "Siphon Indexer",
            "active": True,
            "timeZone": self.time_zone,
            "locale": "en_US",
            "groups": {"size": 1, "items": []},
            "applicationRoles": {"size": 1, "items": []},
        }

    def projects(self, request: Request, *, paged: bool) -> Response:
        base = request.base_url
        values = [
            {
                "self": f"{base}/rest/api/3/project/{p.id}",
                "id": p.id,
                "key": p.key,
                "name": p.name,
                "projectTypeKey": "software",
                "simplified": False,
                "style": "classic",
                "isPrivate": False,
                "avatarUrls": {},
                "lead": self.user_json(self.world.people.get(p.lead), base),
                "description": f"{p.name} engineering",
            }
            for p in self.world.projects.values()
        ]
        if not paged:
            return Response(200, values)
        start, size = self._page(request, 50, 100)
        page = values[start : start + size]
        last = start + size >= len(values)
        payload: dict[str, Any] = {
            "self": f"{base}/rest/api/3/project/search?maxResults={size}&startAt={start}",
            "maxResults": size,
            "startAt": start,
            "total": len(values),
            "isLast": last,
            "values": page,
        }
        if not last:
            payload["nextPage"] = (
                f"{base}/rest/api/3/project/search?maxResults={size}&startAt={start + size}"
            )
        return Response(200, payload)

    def users(self, request: Request) -> Response:
        start, size = self._page(request, 50, 1000)
        people = [p for p in self.world.people.values() if p.jira_id]
        people.sort(key=lambda p: p.jira_id or "")
        return Response(
            200, [self.user_json(p, request.base_url) for p in people[start : start + size]]
        )

    def user(self, request: Request) -> Response:
        account = request.param("accountId") or ""
        if account == self.account_id:
            return Response(200, self.myself(request))
        person = self.world.person_by_jira(account)
        if person is None:
            raise _errors(
                404, "Specified user does not exist or you do not have required permissions"
            )
        return Response(200, self.user_json(person, request.base_url))


def _field_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return [str(f).strip() for f in items if str(f).strip()]


def _expand(raw: Any) -> set[str]:
    if raw is None:
        return set()
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return {str(i).strip() for i in items if str(i).strip()}


def _neg_str(text: str) -> tuple[int, ...]:
    # descending text order as an ascending tuple: the terminator sorts after every character
    return (*tuple(-ord(c) for c in text), 0)


def _pos_str(text: str) -> tuple[int, ...]:
    return tuple(ord(c) for c in text)


def _tuplify(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuplify(v) for v in value)
    return value


def _write_token(key: tuple[Any, ...]) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str) -> tuple[Any, ...] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value = json.loads(raw)
    except (ValueError, binascii.Error):
        return None
    if not isinstance(value, list):
        return None
    result = _tuplify(value)
    return result if isinstance(result, tuple) else None
