"""Slack objects to Records, Accounts and Containers: pure functions, no HTTP."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors._errors import SkippableError
from connectors._record import Account, Container, ContainerRef, Identity, Record
from connectors.slack._mrkdwn import to_plain_text

#: System messages that say nothing anyone decided.
NOISE_SUBTYPES = frozenset(
    {"channel_join", "channel_leave", "group_join", "group_leave", "bot_add", "bot_remove"}
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_ts(ts: str) -> datetime:
    """A Slack ``ts`` (``"1512085950.000216"``) as an exact UTC datetime (no float rounding)."""
    seconds, _, fraction = str(ts).partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"expected a Slack timestamp like '1512085950.000216', found {ts!r}")
    micros = int((fraction + "000000")[:6]) if fraction else 0
    return _EPOCH + timedelta(seconds=int(seconds), microseconds=micros)


def to_ts(moment: datetime) -> str:
    """A datetime as a Slack ``oldest``/``latest`` bound."""
    delta = moment.astimezone(UTC) - _EPOCH
    return f"{delta.days * 86400 + delta.seconds}.{delta.microseconds:06d}"


def _epoch_seconds(value: Any) -> datetime | None:
    """Slack's integer timestamps; some are milliseconds (``updated`` on conversations)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    seconds = value / 1000 if value > 100_000_000_000 else value
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class Directory:
    """What a message needs to know about people and the workspace."""

    users: dict[str, dict[str, Any]]
    workspace_url: str | None = None

    def name(self, user_id: str) -> str | None:
        """The name a reader knows a user by: real name, then display name, then handle."""
        user = self.users.get(user_id)
        if user is None:
            return None
        profile = user.get("profile") or {}
        return (
            user.get("real_name")
            or profile.get("real_name")
            or profile.get("display_name")
            or user.get("name")
            or None
        )


@dataclass(frozen=True)
class SlackMapper:
    """Maps one workspace's objects into records for one connector instance."""

    source: str
    record_id: Callable[[object], str]
    directory: Directory

    def account(self, user: Mapping[str, Any]) -> Account:
        """A ``users.list`` member."""
        profile = user.get("profile") or {}
        handles = [h for h in (user.get("name"), profile.get("display_name")) if h]
        return Account(
            id=self.record_id(user["id"]),
            source=self.source,
            source_type="slack",
            name=user.get("real_name") or profile.get("real_name") or None,
            display_name=profile.get("display_name") or None,
            email=profile.get("email") or None,
            handles=list(dict.fromkeys(handles)),
            is_bot=bool(user.get("is_bot")) or user["id"] == "USLACKBOT",
            deleted=bool(user.get("deleted")),
            updated_at=_epoch_seconds(user.get("updated")),
        )

    def container(self, channel: Mapping[str, Any]) -> Container:
        """A ``conversations.list`` conversation."""
        properties = {
            "is_private": bool(channel.get("is_private")),
            "is_archived": bool(channel.get("is_archived")),
            "is_shared": bool(channel.get("is_shared") or channel.get("is_ext_shared")),
            "conversation_type": conversation_type(channel),
            "topic": (channel.get("topic") or {}).get("value") or None,
            "purpose": (channel.get("purpose") or {}).get("value") or None,
            "num_members": channel.get("num_members"),
        }
        return Container(
            id=self.record_id(channel["id"]),
            source=self.source,
            source_type="slack",
            kind="channel",
            name=channel_name(channel),
            url=self.channel_url(channel["id"]),
            properties={k: v for k, v in properties.items() if v is not None},
            updated_at=_epoch_seconds(channel.get("updated"))
            or _epoch_seconds(channel.get("created")),
        )

    def channel_ref(self, channel: Mapping[str, Any]) -> ContainerRef:
        return ContainerRef(
            id=self.record_id(channel["id"]),
            kind="channel",
            name=channel_name(channel),
            url=self.channel_url(channel["id"]),
        )

    def channel_url(self, channel_id: str) -> str | None:
        base = self.directory.workspace_url
        return f"{base.rstrip('/')}/archives/{channel_id}" if base else None

    def message_id(self, channel_id: str, ts: str) -> str:
        """``<instance>:<channel>:<ts>``: ``ts`` is unique within a channel only."""
        return self.record_id(f"{channel_id}:{ts}")

    def message(self, message: Mapping[str, Any], channel: ContainerRef) -> Record | None:
        """A message or thread reply; ``None`` for join/leave noise."""
        subtype = message.get("subtype")
        if subtype in NOISE_SUBTYPES:
            return None
        channel_id = channel.id.removeprefix(f"{self.source}:")
        ts = message.get("ts")
        if not isinstance(ts, str):
            raise SkippableError("message has no 'ts'")
        created = parse_ts(ts)
        edited = message.get("edited") or {}
        updated = parse_ts(edited["ts"]) if edited.get("ts") else created
        converted = to_plain_text(str(message.get("text") or ""), self.directory.name)
        files = [f.get("name") or f.get("title") for f in message.get("files") or []]
        thread_ts = message.get("thread_ts")
        thread_ts = thread_ts if isinstance(thread_ts, str) and thread_ts else None
        thread_id = self.message_id(channel_id, thread_ts) if thread_ts else None
        is_reply = thread_ts is not None and thread_ts != ts
        properties: dict[str, Any] = {"channel": channel_id, "ts": ts}
        if subtype:
            properties["subtype"] = subtype
        if message.get("reply_count"):
            properties["reply_count"] = message["reply_count"]
        if files:
            properties["files"] = [f for f in files if f]
        return Record(
            id=self.message_id(channel_id, ts),
            source=self.source,
            source_type="slack",
            kind="reply" if is_reply else "message",
            container=channel,
            author=self.author(message),
            text=converted.text,
            url=self.permalink(channel_id, ts, thread_ts if is_reply else None),
            created_at=created,
            updated_at=max(updated, created),
            parent_id=thread_id if is_reply else None,
            thread_id=thread_id,
            deleted=subtype == "tombstone",
            mentions=[self.identity(u) for u in converted.mentions],
            properties=properties,
        )

    def author(self, message: Mapping[str, Any]) -> Identity | None:
        user_id = message.get("user")
        if isinstance(user_id, str) and user_id:
            return self.identity(user_id)
        bot_id = message.get("bot_id")
        if isinstance(bot_id, str) and bot_id:
            profile = message.get("bot_profile") or {}
            return Identity(
                id=self.record_id(bot_id), name=message.get("username") or profile.get("name")
            )
        return None

    def identity(self, user_id: str) -> Identity:
        user = self.directory.users.get(user_id) or {}
        profile = user.get("profile") or {}
        return Identity(
            id=self.record_id(user_id),
            name=self.directory.name(user_id),
            email=profile.get("email") or None,
            handle=user.get("name") or None,
        )

    def permalink(self, channel_id: str, ts: str, thread_ts: str | None) -> str | None:
        base = self.directory.workspace_url
        if not base:
            return None
        link = f"{base.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"
        return f"{link}?thread_ts={thread_ts}&cid={channel_id}" if thread_ts else link


def channel_name(channel: Mapping[str, Any]) -> str | None:
    """A conversation's name; direct messages have none, so name them by their user id."""
    name = channel.get("name") or channel.get("name_normalized")
    if name:
        return str(name)
    if channel.get("is_im") and channel.get("user"):
        return f"dm-{channel['user']}"
    return None


def conversation_type(channel: Mapping[str, Any]) -> str:
    """public_channel, private_channel, mpim or im, as ``conversations.list`` ``types`` say."""
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    if channel.get("is_private") or channel.get("is_group"):
        return "private_channel"
    return "public_channel"
