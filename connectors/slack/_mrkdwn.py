"""Slack mrkdwn to plain text: mentions, channel links, links, entities and emphasis."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

_TOKEN = re.compile(r"<([^<>\n]*)>")
_CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_BULLET = re.compile(r"^([ \t]*)[•◦▪]\s", re.MULTILINE)
# Emphasis markers only when they wrap a phrase at word boundaries, as Slack renders them,
# so "2*3*4" or snake_case_names stay untouched.
_EMPHASIS = [
    re.compile(rf"(?<![\w{m}]){m}(?=\S)([^{m}\n]+?)(?<=\S){m}(?![\w{m}])")
    for m in (r"\*", "_", "~")
]


@dataclass
class Converted:
    """Plain text plus the user ids it mentions, in order of first mention."""

    text: str
    mentions: list[str] = field(default_factory=list)


def unescape(text: str) -> str:
    """Undo the three escapes Slack applies to message text (``&amp;`` last, so it stays exact)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_plain_text(text: str, user_name: Callable[[str], str | None]) -> Converted:
    """Convert mrkdwn to plain text; ``user_name`` maps a user id to a display name."""
    mentions: list[str] = []
    parts: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(_plain(text[position : match.start()]))
        parts.append(_token(match.group(1), user_name, mentions))
        position = match.end()
    parts.append(_plain(text[position:]))
    return Converted("".join(parts).strip(), mentions)


def _plain(segment: str) -> str:
    segment = _CODE_BLOCK.sub(r"\1", segment).replace("```", "")
    segment = _INLINE_CODE.sub(r"\1", segment)
    segment = _BULLET.sub(r"\1- ", segment)
    for pattern in _EMPHASIS:
        segment = pattern.sub(r"\1", segment)
    return unescape(segment)


def _token(body: str, user_name: Callable[[str], str | None], mentions: list[str]) -> str:
    target, _, label = body.partition("|")
    label = unescape(label)
    if target.startswith("@"):
        user_id = target[1:]
        if user_id not in mentions:
            mentions.append(user_id)
        name = user_name(user_id) or label or user_id
        return f"@{name.lstrip('@')}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        return _special(target[1:], label)
    url = unescape(target)
    if url.startswith("mailto:"):
        return label or url.removeprefix("mailto:")
    if not label or label == url:
        return url
    return f"{label} ({url})"


def _special(command: str, label: str) -> str:
    name, _, argument = command.partition("^")
    if name in ("here", "channel", "everyone"):
        return f"@{name}"
    if name == "subteam":
        return label or f"@{argument}"
    if name == "date":
        if label:
            return label
        stamp = argument.split("^", 1)[0]
        try:
            return datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            return stamp
    return label or f"@{name}"
