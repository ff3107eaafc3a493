"""The neutral text markup the sandbox world is written in, and its rendering per tool.

Every document's text is stored once, as *source*: light markup plus sentence labels. The
labels are what the answer key is built from and the markup is what each API renders, so the
labelled truth and the served text can never drift apart.

Source syntax:

- ``[[d:KEY]]`` starts a sentence labelled *decision* belonging to decision cluster ``KEY``;
  ``[[p]]``, ``[[q]]``, ``[[h]]``, ``[[n]]``, ``[[r]]``, ``[[c]]`` start a *proposal*,
  *question*, *hypothetical*, *negated*, *reported* or *chatter* sentence (any may carry a key).
  A sentence runs to the next marker or the end of its line.
- ``@{person.key}`` mentions a person, ``#{channel-name}`` links a Slack channel,
  ``[label](https://...)`` is a link, bare ``https://...`` URLs stay links, `` `code` `` is inline
  code, ``:emoji:`` an emoji short name.
- A line starting ``- `` is a bullet, ``1. `` a numbered item, ``## `` a heading; fenced
  ````` ```lang ````` blocks are code; every other line is a paragraph.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

LABELS: dict[str, str] = {
    "d": "decision",
    "p": "proposal",
    "q": "question",
    "h": "hypothetical",
    "n": "negated",
    "r": "reported",
    "c": "chatter",
}
#: A document's label is its strongest sentence label, in this order.
PRECEDENCE: tuple[str, ...] = (
    "decision",
    "proposal",
    "hypothetical",
    "negated",
    "reported",
    "question",
    "chatter",
)

MARKER = re.compile(r"\[\[([dpqhnrc])(?::([\w.-]+))?\]\] ?")
_INLINE = re.compile(
    r"@\{(?P<m>[\w.-]+)\}"
    r"|#\{(?P<ch>[\w-]+)\}"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>https?://[^)\s]+)\)"
    r"|`(?P<code>[^`\n]+)`"
    r"|(?P<url>https?://[^\s<>()]*[^\s<>().,;:!?'\"])"
    r"|(?<![\w:]):(?P<emoji>[a-z+][a-z0-9_+-]*):(?![\w:])"
)
_EMOJI = {
    "tada": "🎉",
    "+1": "👍",
    "rocket": "🚀",
    "white_check_mark": "✅",
    "rotating_light": "🚨",
    "pray": "🙏",
    "sob": "😭",
    "coffee": "☕",
    "wave": "👋",
    "birthday": "🎂",
    "eyes": "👀",
    "fire": "🔥",
    "thinking_face": "🤔",
    "heavy_check_mark": "✔️",
    "warning": "⚠️",
}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One labelled sentence of a source text."""

    label: str
    decision: str | None
    markup: str


class Inline(NamedTuple):
    kind: str  # t (text), m (mention), ch (channel), a (link), code, emoji
    a: str
    b: str = ""


class Block(NamedTuple):
    kind: str  # p, ul, ol, code, h
    items: tuple[tuple[Inline, ...], ...] = ()
    text: str = ""
    lang: str = ""
    level: int = 0


def strip_markers(src: str) -> str:
    """The markup of a source text, labels removed."""
    return MARKER.sub("", src)


def sentences(src: str) -> list[Sentence]:
    """The labelled sentences of a source text, in order."""
    found = list(MARKER.finditer(src))
    out: list[Sentence] = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(src)
        segment = src[match.end() : end].split("\n", 1)[0].strip()
        out.append(Sentence(LABELS[match.group(1)], match.group(2), segment))
    return out


def document_label(labels: list[str]) -> str | None:
    """The strongest of a document's sentence labels (``None`` when it has none)."""
    present = set(labels)
    for label in PRECEDENCE:
        if label in present:
            return label
    return None


def parse_inline(text: str) -> tuple[Inline, ...]:
    """Split one line of markup into inline pieces."""
    out: list[Inline] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            out.append(Inline("t", text[pos : match.start()]))
        if match.group("m"):
            out.append(Inline("m", match.group("m")))
        elif match.group("ch"):
            out.append(Inline("ch", match.group("ch")))
        elif match.group("href"):
            out.append(Inline("a", match.group("href"), match.group("label")))
        elif match.group("code"):
            out.append(Inline("code", match.group("code")))
        elif match.group("url"):
            out.append(Inline("a", match.group("url")))
        else:
            out.append(Inline("emoji", match.group("emoji")))
        pos = match.end()
    if pos < len(text):
        out.append(Inline("t", text[pos:]))
    return tuple(out)


_BULLET = re.compile(r"^\s*[-*•] (.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)] (.*)$")
_HEADING = re.compile(r"^(#{1,6}) (.*)$")


def parse_blocks(markup: str) -> list[Block]:
    """Split markup (labels already stripped) into blocks."""
    blocks: list[Block] = []
    lines = markup.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            lang = line[3:].strip()
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append(Block("code", text="\n".join(body), lang=lang))
            i += 1
            continue
        for kind, pattern in (("ul", _BULLET), ("ol", _NUMBERED)):
            if pattern.match(line):
                items: list[tuple[Inline, ...]] = []
                while i < len(lines) and (m := pattern.match(lines[i])):
                    items.append(parse_inline(m.group(1).strip()))
                    i += 1
                blocks.append(Block(kind, tuple(items)))
                break
        else:
            heading = _HEADING.match(line)
            if heading:
                blocks.append(
                    Block(
                        "h", (parse_inline(heading.group(2).strip()),), level=len(heading.group(1))
                    )
                )
            elif line.strip():
                blocks.append(Block("p", (parse_inline(line.strip()),)))
            i += 1
    return blocks


# --- renderers -------------------------------------------------------------------------------

#: Looks up how a tool names a person: (native id or "", display name).
PersonLookup = Callable[[str], tuple[str, str]]
#: Looks up a Slack channel id by name ("" when unknown).
ChannelLookup = Callable[[str], str]


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_slack(src: str, person: PersonLookup, channel: ChannelLookup) -> str:
    """Slack mrkdwn: ``<@U…>`` mentions, ``<#C…|name>`` channels, ``<url|label>`` links."""
    lines: list[str] = []
    for block in parse_blocks(strip_markers(src)):
        if block.kind == "code":
            lines.append("```\n" + _slack_escape(block.text) + "\n```")
        elif block.kind == "ul":
            lines.extend("• " + _slack_inline(item, person, channel) for item in block.items)
        elif block.kind == "ol":
            lines.extend(
                f"{n}. " + _slack_inline(item, person, channel)
                for n, item in enumerate(block.items, 1)
            )
        elif block.kind == "h":
            lines.append("*" + _slack_inline(block.items[0], person, channel) + "*")
        else:
            lines.append(_slack_inline(block.items[0], person, channel))
    return "\n".join(lines)


def _slack_inline(pieces: tuple[Inline, ...], person: PersonLookup, channel: ChannelLookup) -> str:
    out: list[str] = []
    for piece in pieces:
        if piece.kind == "m":
            native, name = person(piece.a)
            out.append(f"<@{native}>" if native else "@" + name)
        elif piece.kind == "ch":
            cid = channel(piece.a)
            out.append(f"<#{cid}|{piece.a}>" if cid else "#" + piece.a)
        elif piece.kind == "a":
            out.append(f"<{piece.a}|{_slack_escape(piece.b)}>" if piece.b else f"<{piece.a}>")
        elif piece.kind == "code":
            out.append("`" + _slack_escape(piece.a) + "`")
        elif piece.kind == "emoji":
            out.append(f":{piece.a}:")
        else:
            out.append(_slack_escape(piece.a))
    return "".join(out)


def to_adf(src: str, person: PersonLookup) -> dict[str, Any]:
    """An Atlassian Document Format document (Jira descriptions and comment bodies)."""
    content: list[dict[str, Any]] = []
    for block in parse_blocks(strip_markers(src)):
        if block.kind == "code":
            node: dict[str, Any] = {"type": "codeBlock", "attrs": {}}
            if block.lang:
                node["attrs"] = {"language": block.lang}
            if block.text:
                node["content"] = [{"type": "text", "text": block.text}]
            content.append(node)
        elif block.kind in ("ul", "ol"):
            items = [
                {"type": "listItem", "content": [_adf_paragraph(item, person)]}
                for item in block.items
            ]
            if block.kind == "ul":
                content.append({"type": "bulletList", "content": items})
            else:
                content.append({"type": "orderedList", "attrs": {"order": 1}, "content": items})
        elif block.kind == "h":
            heading = _adf_paragraph(block.items[0], person)
            heading["type"] = "heading"
            heading["attrs"] = {"level": block.level}
            content.append(heading)
        else:
            content.append(_adf_paragraph(block.items[0], person))
    return {"type": "doc", "version": 1, "content": content}


def _adf_paragraph(pieces: tuple[Inline, ...], person: PersonLookup) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    for piece in pieces:
        if piece.kind == "m":
            native, name = person(piece.a)
            nodes.append(
                {"type": "mention", "attrs": {"id": native, "text": "@" + name, "accessLevel": ""}}
            )
        elif piece.kind == "ch":
            nodes.append({"type": "text", "text": "#" + piece.a})
        elif piece.kind == "a":
            nodes.append(
                {
                    "type": "text",
                    "text": piece.b or piece.a,
                    "marks": [{"type": "link", "attrs": {"href": piece.a}}],
                }
            )
        elif piece.kind == "code":
            nodes.append({"type": "text", "text": piece.a, "marks": [{"type": "code"}]})
        elif piece.kind == "emoji":
            attrs = {"shortName": f":{piece.a}:"}
            if piece.a in _EMOJI:
                attrs["text"] = _EMOJI[piece.a]
            nodes.append({"type": "emoji", "attrs": attrs})
        else:
            nodes.append({"type": "text", "text": piece.a})
    paragraph: dict[str, Any] = {"type": "paragraph"}
    if nodes:
        paragraph["content"] = nodes
    return paragraph


def to_html(src: str, person: PersonLookup) -> str:
    """HTML as HubSpot stores a note body."""
    parts: list[str] = []
    for block in parse_blocks(strip_markers(src)):
        if block.kind == "code":
            parts.append("<pre>" + html.escape(block.text, quote=False) + "</pre>")
        elif block.kind in ("ul", "ol"):
            items = "".join("<li>" + _html_inline(item, person) + "</li>" for item in block.items)
            parts.append(f"<{block.kind}>{items}</{block.kind}>")
        elif block.kind == "h":
            parts.append(f"<h{block.level}>{_html_inline(block.items[0], person)}</h{block.level}>")
        else:
            parts.append("<p>" + _html_inline(block.items[0], person) + "</p>")
    return "".join(parts)


def _html_inline(pieces: tuple[Inline, ...], person: PersonLookup) -> str:
    out: list[str] = []
    for piece in pieces:
        if piece.kind == "m":
            out.append(html.escape("@" + person(piece.a)[1], quote=False))
        elif piece.kind == "ch":
            out.append("#" + html.escape(piece.a, quote=False))
        elif piece.kind == "a":
            label = html.escape(piece.b or piece.a, quote=False)
            out.append(f'<a href="{html.escape(piece.a)}" target="_blank">{label}</a>')
        elif piece.kind == "code":
            out.append("<code>" + html.escape(piece.a, quote=False) + "</code>")
        elif piece.kind == "emoji":
            out.append(_EMOJI.get(piece.a, f":{piece.a}:"))
        else:
            out.append(html.escape(piece.a, quote=False))
    return "".join(out)


def to_plain(src: str, person: PersonLookup) -> str:
    """Plain text: what Salesforce text fields hold, and what the answer key quotes."""
    lines: list[str] = []
    for block in parse_blocks(strip_markers(src)):
        if block.kind == "code":
            lines.append(block.text)
        elif block.kind == "ul":
            lines.extend("- " + _plain_inline(item, person) for item in block.items)
        elif block.kind == "ol":
            lines.extend(
                f"{n}. " + _plain_inline(item, person) for n, item in enumerate(block.items, 1)
            )
        else:
            lines.append(_plain_inline(block.items[0], person))
    return "\n".join(lines)


def plain_inline(markup: str, person: PersonLookup) -> str:
    """One line of markup as plain text."""
    return _plain_inline(parse_inline(markup), person)


def _plain_inline(pieces: tuple[Inline, ...], person: PersonLookup) -> str:
    out: list[str] = []
    for piece in pieces:
        if piece.kind == "m":
            out.append("@" + person(piece.a)[1])
        elif piece.kind == "ch":
            out.append("#" + piece.a)
        elif piece.kind == "a":
            out.append(f"{piece.b} ({piece.a})" if piece.b else piece.a)
        elif piece.kind == "emoji":
            out.append(f":{piece.a}:")
        else:
            out.append(piece.a)
    return "".join(out)


def mentioned(src: str) -> list[str]:
    """Person keys mentioned in a source text, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in re.finditer(r"@\{([\w.-]+)\}", src):
        seen.setdefault(match.group(1))
    return list(seen)
