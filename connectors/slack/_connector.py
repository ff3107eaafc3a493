"""The Slack connector: users, conversations and messages with their threads."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from connectors._base import CheckResult, Connector, Stream
from connectors._config import ConnectorConfig
from connectors._errors import FatalError, SkippableError
from connectors._record import Account, AnyRecord, Container, ContainerRef, Record
from connectors.slack import _api as api
from connectors.slack._config import SlackConfig, is_channel_id
from connectors.slack._mapping import Directory, SlackMapper, channel_name, to_ts

log = logging.getLogger("siphon.connectors.slack")

#: Listings fetched by one stream are reused by the next within this many seconds (one sync).
LISTING_TTL = 300.0

#: Marks a configured channel id that conversations.list did not show.
_UNLISTED = "_siphon_unlisted"

#: Scopes each conversation type needs: (list, read history).
SCOPES_BY_TYPE: Mapping[str, tuple[str, str]] = {
    "public_channel": ("channels:read", "channels:history"),
    "private_channel": ("groups:read", "groups:history"),
    "mpim": ("mpim:read", "mpim:history"),
    "im": ("im:read", "im:history"),
}


class SlackConnector(Connector):
    """Reads a Slack workspace through the Web API with a bot or user token."""

    type_name: ClassVar[str] = "slack"
    config_model: ClassVar[type[ConnectorConfig]] = SlackConfig
    default_base_url: ClassVar[str] = "https://slack.com/api"
    config: SlackConfig

    def setup(self) -> None:
        self._users: tuple[float, dict[str, dict[str, Any]]] | None = None
        self._conversations: tuple[float, list[dict[str, Any]]] | None = None
        self._workspace_url: str | None = None
        self._missing_reported: float | None = None  # listing stamp whose gaps were logged

    @classmethod
    def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
        """A bot token from the environment, every public and private channel the bot is in."""
        config: dict[str, Any] = {
            "type": "slack",
            "token": "env:SLACK_TOKEN",
            "channels": [],
            "exclude_channels": ["random"],
            "types": ["public_channel", "private_channel"],
            "lookback": "3d",
            "initial_history": "90d",
        }
        if base_url:
            config["base_url"] = base_url
        return config

    def make_client(self) -> httpx.Client:
        return self.bearer_client(self.config.token, "token")

    def classify(self, response: httpx.Response, endpoint: str) -> None:
        api.classify(response, endpoint)

    def streams(self) -> Sequence[Stream]:
        return [
            Stream("users", "accounts", self.fetch_users, incremental=False,
                   description="users.list: every member of the workspace"),
            Stream("channels", "containers", self.fetch_channels, incremental=False,
                   description="conversations.list: the conversations this instance reads"),
            Stream("messages", "documents", self.fetch_messages,
                   description="conversations.history and conversations.replies since the cursor"),
        ]  # fmt: skip

    # -- streams ---------------------------------------------------------------------------

    def fetch_users(self, since: datetime | None = None) -> Iterator[AnyRecord]:
        """Every workspace member as an ``Account`` (re-read each sync; cheap)."""
        members: dict[str, dict[str, Any]] = {}
        mapper = self._mapper(Directory(members, self._workspace_url))

        def remember(items: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
            for user in items:
                if isinstance(user.get("id"), str):
                    members[user["id"]] = user
                yield user

        accounts: Iterator[Account] = self.map_each(
            remember(api.read_items(self.api, api.USERS, {}, self.config.page_size)),
            mapper.account,
            id_of=lambda u: self.record_id(u.get("id")),
        )
        yield from accounts
        self._users = (self.api.clock(), members)

    def fetch_channels(self, since: datetime | None = None) -> Iterator[AnyRecord]:
        """The conversations this instance reads, as ``Container``s."""
        self._conversations = None  # a container listing is always fresh
        mapper = self._mapper(self._directory(load_users=False))
        containers: Iterator[Container] = self.map_each(
            [c for c in self._selected_channels() if not c.get(_UNLISTED)],
            mapper.container,
            id_of=lambda c: self.record_id(c.get("id")),
        )
        yield from containers

    def fetch_messages(self, since: datetime | None = None) -> Iterator[AnyRecord]:
        """Messages posted or edited at or after ``since`` and every new reply in their threads.

        Edits come back with the same id and the new text. Slack lists a thread by its first
        message, so history is also scanned ``thread_lookback`` further back, only to find
        older threads whose latest reply falls in the window; just their new replies are read.
        """
        start = self._window_start(since)
        scan_from = min(start, self._now() - self.config.thread_lookback)
        mapper = self._mapper(self._directory(load_users=True))
        for channel in self._selected_channels():
            ref = mapper.channel_ref(channel)
            log.info(
                "slack.channel_read connector=%s channel=%s oldest=%s threads_from=%s",
                self.name,
                channel["id"],
                start.isoformat(),
                scan_from.isoformat(),
            )
            try:
                yield from self._channel_messages(mapper, channel["id"], ref, start, scan_from)
            except SkippableError as exc:
                self.skip(exc, record_id=ref.id)

    def _channel_messages(
        self,
        mapper: SlackMapper,
        channel_id: str,
        ref: ContainerRef,
        start: datetime,
        scan_from: datetime,
    ) -> Iterator[AnyRecord]:
        seen: set[str] = set()
        # thread ts -> the time from which its replies are new (None: all of them)
        threads: dict[str, float | None] = {}
        window = start.timestamp()

        def changed_since(message: Mapping[str, Any], cutoff: float) -> bool:
            edited = message.get("edited") or {}
            stamps = (message.get("ts"), edited.get("ts") if isinstance(edited, dict) else None)
            return any(_seconds(s) >= cutoff for s in stamps if s is not None)

        def note(items: Iterable[dict[str, Any]], cutoff: float | None) -> Iterator[dict[str, Any]]:
            for message in items:
                ts = message.get("ts")
                if not isinstance(ts, str) or _seconds(ts) <= 0:
                    yield message  # let the mapper reject it, counted
                    continue
                if ts in seen:
                    continue
                seen.add(ts)
                replies = message.get("reply_count")
                starts_thread = message.get("thread_ts") in (None, ts)
                if isinstance(replies, int) and replies > 0 and starts_thread:
                    if _seconds(ts) >= window:
                        threads.setdefault(ts, None)
                    elif _seconds(message.get("latest_reply")) >= window:
                        threads.setdefault(ts, window)  # an older thread with new replies
                if cutoff is None or changed_since(message, cutoff):
                    yield message

        def id_of(message: Mapping[str, Any]) -> str:
            return mapper.message_id(channel_id, str(message.get("ts")))

        def convert(message: dict[str, Any]) -> Record | None:
            return mapper.message(message, ref)

        history = api.read_items(
            self.api,
            api.HISTORY,
            {"channel": channel_id, "oldest": to_ts(scan_from), "inclusive": "true"},
            self.config.page_size,
        )
        # Older messages were read by earlier syncs: only their edits are new.
        yield from self.map_each(note(history, window), convert, id_of=id_of)
        for thread_ts, cutoff in threads.items():
            replies = api.read_items(
                self.api,
                api.REPLIES,
                {"channel": channel_id, "ts": thread_ts},
                self.config.page_size,
            )
            try:
                yield from self.map_each(note(replies, cutoff), convert, id_of=id_of)
            except SkippableError as exc:
                if exc.code != "thread_not_found":
                    raise  # a channel-wide problem: the caller skips the channel
                self.skip(exc, record_id=mapper.message_id(channel_id, thread_ts))

    # -- health check -----------------------------------------------------------------------

    def check(self) -> CheckResult:
        """``auth.test``, the token's scopes, then one page of ``conversations.list``."""
        with self.api.limited():
            return self._check()

    def _check(self) -> CheckResult:
        response = self.api.request("GET", api.AUTH_TEST)
        auth = response.json()
        self._workspace_url = auth.get("url") or None
        details = [
            f"workspace: {auth.get('team', '?')} ({auth.get('url', '?')})",
            f"token identity: {auth.get('user', '?')}"
            + (" (bot)" if auth.get("bot_id") else " (user)"),
        ]
        granted = response.headers.get("x-oauth-scopes")
        if granted is not None:
            details.extend(self._check_scopes({s.strip() for s in granted.split(",")}))
        page = self.api.get_json(
            api.CONVERSATIONS.path,
            params={**self._conversation_params(), "limit": api.CONVERSATIONS.default_limit},
        )
        channels = [c for c in page.get("channels") or [] if isinstance(c, dict)]
        member = sum(1 for c in channels if c.get("is_member"))
        more = bool((page.get("response_metadata") or {}).get("next_cursor"))
        details.append(
            f"first page of conversations.list: {len(channels)} conversations"
            f"{' (more pages follow)' if more else ''}, member of {member}"
        )
        ok = bool(channels) or bool(self.config.channels)
        summary = (
            f"authenticated to {auth.get('team', 'Slack')} as {auth.get('user', '?')}; "
            f"{len(channels)} conversations visible on the first page"
        )
        if not ok:
            summary += "; no conversation is visible: invite the app to a channel"
        return CheckResult(ok=ok, summary=summary, details=details)

    def _check_scopes(self, granted: set[str]) -> list[str]:
        needed = {"users:read"}
        for kind in self.config.types:
            needed.update(SCOPES_BY_TYPE[kind])
        missing = sorted(needed - granted)
        if missing:
            raise FatalError(
                f"the token lacks the scopes {', '.join(missing)} (it has: "
                f"{', '.join(sorted(granted)) or 'none'}); add them under OAuth & Permissions in "
                "the Slack app settings and reinstall the app, or remove the conversation types "
                "from `types`",
                connector=self.name,
                endpoint=f"GET {api.AUTH_TEST}",
                code="missing_scope",
            )
        notes = [f"scopes: {', '.join(sorted(granted))}"]
        if "users:read.email" not in granted:
            notes.append("without users:read.email, people are matched by name only")
        return notes

    # -- helpers ----------------------------------------------------------------------------

    def _window_start(self, since: datetime | None) -> datetime:
        if since is None:
            return self._now() - self.config.initial_history
        return since if since.tzinfo is not None else since.replace(tzinfo=UTC)

    def _now(self) -> datetime:
        return datetime.now(UTC)

    def _mapper(self, directory: Directory) -> SlackMapper:
        return SlackMapper(self.name, self.record_id, directory)

    def _fresh(self, stamp: float) -> bool:
        return self.api.clock() - stamp < LISTING_TTL

    def _directory(self, *, load_users: bool) -> Directory:
        if self._workspace_url is None:
            self._workspace_url = self.api.get_json(api.AUTH_TEST).get("url") or ""
        users: dict[str, dict[str, Any]] = {}
        if self._users is not None and self._fresh(self._users[0]):
            users = self._users[1]
        elif load_users:
            users = {
                u["id"]: u
                for u in api.read_items(self.api, api.USERS, {}, self.config.page_size)
                if isinstance(u.get("id"), str)
            }
            self._users = (self.api.clock(), users)
        return Directory(users, self._workspace_url or None)

    def _conversation_params(self) -> dict[str, str]:
        return {
            "types": ",".join(self.config.types),
            "exclude_archived": "false" if self.config.include_archived else "true",
        }

    def _listing(self) -> list[dict[str, Any]]:
        if self._conversations is not None and self._fresh(self._conversations[0]):
            return self._conversations[1]
        listing = [
            c
            for c in api.read_items(
                self.api, api.CONVERSATIONS, self._conversation_params(), self.config.page_size
            )
            if isinstance(c.get("id"), str)
        ]
        self._conversations = (self.api.clock(), listing)
        return listing

    def _selected_channels(self) -> list[dict[str, Any]]:
        """The configured channels (by id or name), or every readable one, minus exclusions."""
        listing = self._listing()
        excluded = set(self.config.exclude_channels)
        wanted = set(self.config.channels)

        def named(channel: Mapping[str, Any], names: set[str]) -> bool:
            return channel["id"] in names or channel_name(channel) in names

        if wanted:
            chosen = [c for c in listing if named(c, wanted)]
            found = {c["id"] for c in chosen} | {channel_name(c) for c in chosen}
            stamp = self._conversations[0] if self._conversations else None
            report = stamp != self._missing_reported  # once per listing, not once per stream
            self._missing_reported = stamp
            for missing in sorted(wanted - found):
                if is_channel_id(missing):
                    # not listed (type, membership): read it anyway, Slack says if it can't
                    chosen.append({"id": missing, _UNLISTED: True})
                elif report:
                    self.skip(
                        SkippableError(
                            f"no conversation named {missing!r} is visible to the token; "
                            "check `channels` and `types`",
                            connector=self.name,
                            endpoint=f"GET {api.CONVERSATIONS.path}",
                        ),
                        record_id=self.record_id(missing),
                    )
        else:
            chosen = [c for c in listing if not self.config.member_only or c.get("is_member", True)]
        return [c for c in chosen if not named(c, excluded)]


def _seconds(ts: object) -> float:
    """A Slack ``ts`` as seconds; anything unreadable counts as long ago."""
    try:
        return float(ts) if isinstance(ts, str | int | float) else 0.0
    except ValueError:
        return 0.0
