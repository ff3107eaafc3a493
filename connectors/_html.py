"""Web values in CRM records: HTML to plain text for note bodies (HubSpot ``hs_note_body``,
Salesforce ContentNote), and a company website's host name.

Block elements become line breaks, list items become ``- `` lines, entities are decoded, script
and style content is dropped, and runs of whitespace collapse as a browser would render them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_DROP = frozenset({"script", "style", "head", "title", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0
        self.pre = 0

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self._newline()
            self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in _BLOCK:
            self._newline()
            if tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._newline()
            if tag in ("p", "blockquote", "pre", "table", "ul", "ol"):
                self.parts.append("\n")  # a paragraph break, as rendered

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        if not self.pre:
            data = data.replace("\n", " ")
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Render an HTML fragment as plain text; plain text without tags comes back unchanged
    except for surrounding whitespace."""
    if "<" not in html and "&" not in html:
        return html.strip()
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def website_host(website: str | None) -> str | None:
    """``https://www.acme.com/about`` or ``acme.com`` -> ``acme.com`` (None when there is none)."""
    if not website:
        return None
    host = urlsplit(website if "//" in website else f"//{website}").hostname
    return host.removeprefix("www.") if host else None
