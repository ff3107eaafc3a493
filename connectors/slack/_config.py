"""The config block of a Slack connector instance."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, field_validator

from connectors._config import ConnectorConfig, Duration
from connectors._secrets import Secret

ConversationType = Literal["public_channel", "private_channel", "mpim", "im"]


def _default_types() -> list[ConversationType]:
    return ["public_channel", "private_channel"]


_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


def is_channel_id(value: str) -> bool:
    """Whether a configured channel is an id (``C0123ABC``) rather than a name."""
    return bool(_CHANNEL_ID.match(value))


class SlackConfig(ConnectorConfig):
    """Slack Web API: a bot (``xoxb-``) or user (``xoxp-``) token and which channels to read."""

    token: Secret = Field(description="bot or user token reference, e.g. env:SLACK_TOKEN")
    channels: list[str] = Field(
        default_factory=list,
        description="channel ids (C0123ABC) or names (general, #general); empty: every channel "
        "the token can read",
    )
    exclude_channels: list[str] = Field(
        default_factory=list, description="channel ids or names never read"
    )
    types: list[ConversationType] = Field(
        default_factory=_default_types,
        description="conversation types to list (public_channel, private_channel, mpim, im)",
    )
    member_only: bool = Field(
        default=True,
        description="with an empty `channels` list, read only conversations the token's user or "
        "bot is a member of (a bot cannot read the others)",
    )
    include_archived: bool = Field(default=False, description="also read archived channels")
    thread_lookback: Duration = Field(
        default=timedelta(days=14),
        description="also look this far back for threads with new replies (Slack lists a thread "
        "by its first message); costs one extra history read per channel over that span; set "
        "it to the lookback to turn it off",
    )

    @field_validator("channels", "exclude_channels", mode="before")
    @classmethod
    def _strip_hash(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [v.strip().lstrip("#") if isinstance(v, str) else v for v in value]
        return value

    @field_validator("types")
    @classmethod
    def _types_not_empty(cls, value: list[ConversationType]) -> list[ConversationType]:
        if not value:
            raise ValueError("expected at least one conversation type, found an empty list")
        return value
