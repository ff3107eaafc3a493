"""Paging: a paginator only answers "what is the next token?"; the loop refuses repeats."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from connectors._errors import PaginationError

Page = TypeVar("Page")


def paginate(
    fetch: Callable[[Any], Page],
    next_token: Callable[[Page], Hashable | None],
    *,
    first: Any = None,
    endpoint: str | None = None,
    connector: str | None = None,
) -> Iterator[Page]:
    """Fetch pages until ``next_token`` answers ``None`` (or an empty string).

    Raises ``PaginationError`` if the API hands back a token it already gave: following it
    would loop forever or silently re-read the same data.
    """
    seen: set[Hashable] = set()
    token: Any = first
    while True:
        page = fetch(token)
        yield page
        token = next_token(page)
        if token is None or token == "":
            return
        if token in seen:
            raise PaginationError(
                f"the API returned page token {str(token)[:60]!r} twice; stopping to avoid a loop",
                endpoint=endpoint,
                connector=connector,
            )
        seen.add(token)


def json_path(*keys: str) -> Callable[[Any], Any]:
    """A ``next_token`` for a token nested in a JSON answer, e.g. ``json_path("paging", "next",
    "after")``; a missing key anywhere on the way means "no next page"."""

    def get(page: Any) -> Any:
        node = page
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    return get
