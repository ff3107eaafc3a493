"""The Jira Cloud connector: projects, users, and issues with comments and transitions."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx

from connectors._base import CheckResult, Connector, Stream
from connectors._config import ConnectorConfig, format_duration
from connectors._errors import FatalError, SkippableError
from connectors._http import make_client
from connectors._record import Account, AnyRecord, Container, Fact, Record
from connectors.jira import _api as api
from connectors.jira._config import JiraConfig
from connectors.jira._mapping import JiraMapper

log = logging.getLogger("siphon.connectors.jira")


class JiraConnector(Connector):
    """Reads a Jira Cloud site through REST v3 with an account email and API token."""

    type_name: ClassVar[str] = "jira"
    config_model: ClassVar[type[ConnectorConfig]] = JiraConfig
    config: JiraConfig

    def setup(self) -> None:
        self.mapper = JiraMapper(self.name, self.base_url, self.record_id)
        self._zone: ZoneInfo | None = None
        self._zone_asked = False

    @classmethod
    def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
        """Basic auth with an API token from the environment, two projects."""
        return {
            "type": "jira",
            "base_url": base_url or "https://your-domain.atlassian.net",
            "email": "siphon-bot@example.com",
            "api_token": "env:JIRA_API_TOKEN",
            "projects": ["ENG", "OPS"],
            "exclude_projects": [],
            "jql": "issuetype != Sub-task",
            "lookback": "1d",
            "initial_history": "180d",
        }

    def make_client(self) -> httpx.Client:
        token = self.config.api_token.get_secret_value()
        if not token:
            raise FatalError("the api_token secret is empty or unresolved", connector=self.name)
        return make_client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(self.config.email, token),
            timeout=self.config.timeout.total_seconds(),
        )

    def classify(self, response: httpx.Response, endpoint: str) -> None:
        api.classify(response, endpoint)

    def streams(self) -> Sequence[Stream]:
        return [
            Stream("projects", "containers", self.fetch_projects, incremental=False,
                   description="project/search: the projects this instance reads"),
            Stream("users", "accounts", self.fetch_users, incremental=False,
                   description="users/search: every account on the site"),
            Stream("issues", "documents", self.fetch_issues,
                   description="search/jql by updated, with comments and status transitions"),
        ]  # fmt: skip

    # -- streams ---------------------------------------------------------------------------

    def fetch_projects(self, since: datetime | None = None) -> Iterator[AnyRecord]:
        """Visible projects, minus the excluded ones, limited to ``projects`` when set."""
        wanted = set(self.config.projects)
        excluded = set(self.config.exclude_projects)
        projects = (
            p
            for p in api.offset_pages(
                self.api,
                api.PROJECTS,
                "values",
                params={"expand": "description"},
                page_size=api.PROJECT_PAGE,
            )
            if (not wanted or str(p.get("key", "")).upper() in wanted)
            and str(p.get("key", "")).upper() not in excluded
        )
        containers: Iterator[Container] = self.map_each(
            projects, self.mapper.project, id_of=lambda p: self.record_id(f"project:{p.get('id')}")
        )
        yield from containers

    def fetch_users(self, since: datetime | None = None) -> Iterator[AnyRecord]:
        """Every account on the site (``emailAddress`` only where the profile shows it)."""
        accounts: Iterator[Account] = self.map_each(
            api.offset_pages(self.api, api.USERS, None, page_size=self._page_size()),
            self.mapper.account,
            id_of=lambda u: self.record_id(u.get("accountId")),
        )
        yield from accounts

    def fetch_issues(self, since: datetime | None = None) -> Iterator[AnyRecord]:
        """Issues updated at or after ``since`` (minus ``search_overlap``) in updated order,
        each followed by its comments changed in the window."""
        start = self._window_start(since)
        jql = self.sync_jql(start)
        log.info("jira.search connector=%s jql=%r", self.name, jql)
        for issue in api.search(self.api, jql, page_size=self._page_size()):
            yield from self._issue_records(issue, start)

    def sync_jql(self, start: datetime) -> str:
        """The JQL for a window starting at ``start``, in the API account's time zone."""
        bound = api.jql_datetime(start - self.config.search_overlap, self.time_zone())
        return api.build_jql(
            bound,
            projects=self.config.projects,
            exclude_projects=self.config.exclude_projects,
            extra=self.config.jql,
        )

    def _issue_records(self, issue: dict[str, Any], start: datetime) -> Iterator[AnyRecord]:
        def convert(item: dict[str, Any]) -> Record:
            return self.mapper.issue(item, self._facts(item))

        def id_of(item: dict[str, Any]) -> str:
            return self.record_id(item.get("id"))

        records: Iterator[Record] = self.map_each([issue], convert, id_of=id_of)
        yielded = False
        for record in records:
            yielded = True
            yield record
        if not yielded:
            return  # the issue itself was bad: its comments have no parent to hang on
        try:
            comments = self.map_each(
                (c for c in self._comments(issue) if self._changed_since(c, start)),
                lambda c: self.mapper.comment(issue, c),
                id_of=self.mapper.comment_id,
            )
            yield from comments
        except SkippableError as exc:
            self.skip(exc, record_id=id_of(issue))

    def _comments(self, issue: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The embedded comment page when it is complete, else every page of the endpoint."""
        embedded = (issue.get("fields") or {}).get("comment")
        if isinstance(embedded, dict) and _complete(embedded, "comments"):
            yield from (c for c in embedded["comments"] if isinstance(c, dict))
            return
        yield from api.offset_pages(
            self.api,
            api.COMMENTS.format(issue=issue["id"]),
            "comments",
            params={"orderBy": "created"},
        )

    def _facts(self, issue: dict[str, Any]) -> list[Fact]:
        """Transitions from the embedded changelog when complete, else the changelog pages."""
        embedded = issue.get("changelog")
        if isinstance(embedded, dict) and _complete(embedded, "histories"):
            histories = [h for h in embedded["histories"] if isinstance(h, dict)]
        else:
            histories = list(
                api.offset_pages(self.api, api.CHANGELOG.format(issue=issue["id"]), "values")
            )
        return self.mapper.facts(issue, histories, lambda exc, rid: self.skip(exc, record_id=rid))

    def _changed_since(self, comment: dict[str, Any], start: datetime) -> bool:
        stamp = comment.get("updated") or comment.get("created")
        try:
            return api.parse_time(stamp) >= start
        except ValueError:
            return True  # let the mapping report the bad timestamp with the comment's id

    # -- health check -----------------------------------------------------------------------

    def check(self) -> CheckResult:
        """``/myself`` (credentials and time zone), then one page of the sync search."""
        with self.api.limited():
            return self._check()

    def _check(self) -> CheckResult:
        me = self.api.get_json(api.MYSELF)
        if not isinstance(me, dict):
            raise FatalError(
                "the answer is not an account; check base_url",
                connector=self.name,
                endpoint=f"GET {api.MYSELF}",
            )
        zone = self._remember_zone(me)
        details = [
            f"account: {me.get('displayName', '?')} <{me.get('emailAddress', self.config.email)}>",
            f"time zone for JQL dates: {zone.key if zone else 'unknown (UTC minus 14h margin)'}",
        ]
        if me.get("active") is False:
            raise FatalError(
                "the API account is deactivated; use an active account's email and token",
                connector=self.name,
                endpoint=f"GET {api.MYSELF}",
            )
        jql = self.sync_jql(self._now() - self.config.lookback)
        page = self.api.get_json(
            api.SEARCH, params={"jql": jql, "fields": "summary,updated", "maxResults": 10}
        )
        issues = page.get("issues") or []
        more = page.get("isLast") is not True and bool(page.get("nextPageToken"))
        details.append(f"jql: {jql}")
        details.append(
            f"first page: {len(issues)} issues updated within "
            f"{format_duration(self.config.lookback)}" + (" (more pages follow)" if more else "")
        )
        return CheckResult(
            ok=True,
            summary=f"authenticated as {me.get('displayName', '?')}; the sync search works "
            f"({len(issues)} recently updated issues on the first page)",
            details=details,
        )

    # -- helpers ----------------------------------------------------------------------------

    def time_zone(self) -> ZoneInfo | None:
        """The API account's time zone (JQL dates are read in it), asked once."""
        if not self._zone_asked:
            self._remember_zone(self.api.get_json(api.MYSELF))
        return self._zone

    def _remember_zone(self, me: Any) -> ZoneInfo | None:
        name = me.get("timeZone") if isinstance(me, dict) else None
        zone = api.user_zone(name)
        if zone is None:
            log.warning(
                "jira.time_zone_unknown connector=%s time_zone=%r margin_h=%d",
                self.name,
                name,
                api.MAX_UTC_OFFSET // timedelta(hours=1),
            )
        self._zone, self._zone_asked = zone, True
        return zone

    def _page_size(self) -> int:
        return self.config.page_size or api.SEARCH_PAGE

    def _window_start(self, since: datetime | None) -> datetime:
        if since is None:
            return self._now() - self.config.initial_history
        return since if since.tzinfo is not None else since.replace(tzinfo=UTC)

    def _now(self) -> datetime:
        return datetime.now(UTC)


def _complete(page: dict[str, Any], key: str) -> bool:
    """Whether an embedded page (comments, changelog) holds every item."""
    items = page.get(key)
    total = page.get("total")
    return (
        isinstance(items, list)
        and isinstance(total, int)
        and not page.get("startAt")
        and len(items) >= total
    )
