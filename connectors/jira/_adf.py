"""Atlassian Document Format (Jira descriptions and comments) to plain text.

Known block and inline nodes render as a reader would see them; an unknown node degrades to
its text children. Malformed input never raises: at worst a part renders as nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Nodes that live inside a paragraph-like parent.
INLINE = frozenset(
    {
        "text",
        "hardBreak",
        "mention",
        "emoji",
        "date",
        "status",
        "inlineCard",
        "mediaInline",
        "placeholder",
        "inlineExtension",
    }
)
_MAX_DEPTH = 64
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Mention:
    """An ``@mention`` in a document: the account id and the name shown."""

    account_id: str
    name: str


@dataclass
class AdfText:
    """Plain text and the accounts it mentions (in order, without repeats)."""

    text: str
    mentions: list[Mention] = field(default_factory=list)


def adf_to_text(document: Any) -> AdfText:
    """Convert an ADF document (or a plain string, or ``None``) to plain text."""
    if document is None:
        return AdfText("")
    if isinstance(document, str):
        return AdfText(document.strip())
    renderer = _Renderer()
    text = renderer.block(document, 0) if isinstance(document, dict) else ""
    lines = [line.rstrip() for line in text.splitlines()]
    return AdfText(_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip(), renderer.mentions)


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    content = node.get("content")
    if not isinstance(content, list):
        return []
    return [child for child in content if isinstance(child, dict)]


def _attrs(node: dict[str, Any]) -> dict[str, Any]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, dict) else {}


def _indent(text: str, marker: str) -> str:
    """Put ``marker`` before the first line and align the following lines under it."""
    pad = " " * len(marker)
    lines = text.split("\n") or [""]
    return "\n".join([marker + lines[0], *(pad + line if line else line for line in lines[1:])])


class _Renderer:
    def __init__(self) -> None:
        self.mentions: list[Mention] = []

    def blocks(self, nodes: Iterable[dict[str, Any]], depth: int, sep: str = "\n\n") -> str:
        parts = (self.block(node, depth + 1) for node in nodes)
        return sep.join(part for part in parts if part.strip())

    def inline(self, nodes: Iterable[dict[str, Any]], depth: int) -> str:
        return "".join(self.inline_node(node, depth + 1) for node in nodes)

    def block(self, node: dict[str, Any], depth: int) -> str:
        if depth > _MAX_DEPTH:
            return ""
        kind = node.get("type")
        children = _children(node)
        attrs = _attrs(node)
        if kind in INLINE:
            return self.inline_node(node, depth)
        if kind in ("paragraph", "heading", "caption"):
            return self.inline(children, depth)
        if kind in ("doc", "panel", "layoutSection", "layoutColumn", "bodiedExtension"):
            return self.blocks(children, depth)
        if kind == "bulletList":
            return "\n".join(_indent(self.item(c, depth), "- ") for c in children)
        if kind == "orderedList":
            order = attrs.get("order")
            start = order if isinstance(order, int) and not isinstance(order, bool) else 1
            return "\n".join(
                _indent(self.item(c, depth), f"{start + n}. ") for n, c in enumerate(children)
            )
        if kind == "taskList":
            return "\n".join(self.task(c, depth) for c in children)
        if kind == "decisionList":
            return "\n".join(_indent(self.item(c, depth), "Decision: ") for c in children)
        if kind in ("listItem", "taskItem", "decisionItem"):
            return self.item(node, depth)
        if kind == "codeBlock":
            return "".join(str(c.get("text", "")) for c in children)
        if kind == "blockquote":
            quoted = self.blocks(children, depth)
            return "\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))
        if kind in ("expand", "nestedExpand"):
            title = attrs.get("title")
            body = self.blocks(children, depth)
            return f"{title}\n{body}" if isinstance(title, str) and title else body
        if kind == "table":
            return "\n".join(self.row(c, depth) for c in children)
        if kind == "tableRow":
            return self.row(node, depth)
        if kind in ("mediaSingle", "mediaGroup"):
            return self.blocks(children, depth, sep="\n")
        if kind == "media":
            alt = attrs.get("alt")
            return f"[{alt}]" if isinstance(alt, str) and alt else ""
        if kind in ("blockCard", "embedCard"):
            return _card_url(attrs)
        if kind in ("rule", "extension"):
            return ""
        return self.unknown(node, children, depth)

    def item(self, node: dict[str, Any], depth: int) -> str:
        children = _children(node)
        if children and all(c.get("type") in INLINE for c in children):
            return self.inline(children, depth)  # taskItem and decisionItem hold inline nodes
        return self.blocks(children, depth, sep="\n")

    def task(self, node: dict[str, Any], depth: int) -> str:
        if node.get("type") == "taskList":  # nested task lists sit directly in the list
            return _indent(self.block(node, depth + 1), "  ")
        done = _attrs(node).get("state") == "DONE"
        return _indent(self.item(node, depth), "[x] " if done else "[ ] ")

    def row(self, node: dict[str, Any], depth: int) -> str:
        cells = [self.blocks(_children(c), depth + 1, sep=" ") for c in _children(node)]
        return " | ".join(cell.replace("\n", " ") for cell in cells)

    def unknown(self, node: dict[str, Any], children: list[dict[str, Any]], depth: int) -> str:
        if isinstance(node.get("text"), str):
            return str(node["text"])
        if children and all(c.get("type") in INLINE for c in children):
            return self.inline(children, depth)
        return self.blocks(children, depth)

    def inline_node(self, node: dict[str, Any], depth: int) -> str:
        if depth > _MAX_DEPTH:
            return ""
        kind = node.get("type")
        attrs = _attrs(node)
        if kind == "text":
            return _text_with_link(node)
        if kind == "hardBreak":
            return "\n"
        if kind == "mention":
            return self.mention(attrs)
        if kind == "emoji":
            return str(attrs.get("text") or attrs.get("shortName") or "")
        if kind == "date":
            return _date(attrs.get("timestamp"))
        if kind == "status":
            return str(attrs.get("text") or "")
        if kind == "inlineCard":
            return _card_url(attrs)
        if kind in ("mediaInline", "placeholder", "inlineExtension"):
            return ""
        children = _children(node)
        if isinstance(node.get("text"), str):
            return str(node["text"])
        return self.inline(children, depth) if children else ""

    def mention(self, attrs: dict[str, Any]) -> str:
        name = str(attrs.get("text") or "").lstrip("@")
        account = attrs.get("id")
        if isinstance(account, str) and account:
            if not any(m.account_id == account for m in self.mentions):
                self.mentions.append(Mention(account, name or account))
            name = name or account
        return f"@{name}" if name else ""


def _text_with_link(node: dict[str, Any]) -> str:
    text = str(node.get("text") or "")
    for mark in node.get("marks") or []:
        if isinstance(mark, dict) and mark.get("type") == "link":
            href = _attrs(mark).get("href")
            if isinstance(href, str) and href and href != text:
                return f"{text} ({href})"
    return text


def _card_url(attrs: dict[str, Any]) -> str:
    url = attrs.get("url")
    if isinstance(url, str):
        return url
    data = attrs.get("data")
    if isinstance(data, dict):
        return str(data.get("url") or data.get("name") or "")
    return ""


def _date(timestamp: object) -> str:
    try:
        millis = int(str(timestamp))
        return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d")
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
