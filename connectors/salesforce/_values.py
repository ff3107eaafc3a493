"""Salesforce field values: typed JSON, checked strictly.

A value of the wrong shape raises ``SkippableError`` naming the field, so the record is skipped
and counted rather than stored wrong.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from connectors._errors import SkippableError


def value(row: dict[str, Any], path: str | None) -> Any:
    """A field of a row, following relationship paths such as ``Owner.Name``."""
    if path is None:
        return None
    node: Any = row
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def text(raw: object) -> str | None:
    """A field as stripped text, ``None`` when missing or blank."""
    if raw is None:
        return None
    cleaned = str(raw).strip()
    return cleaned or None


def timestamp(raw: object, name: str) -> datetime | None:
    """A Salesforce datetime (``2024-03-01T12:34:56.000+0000``) or date, as aware UTC."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise SkippableError(f"field {name}: expected a date/time, found {type(raw).__name__}")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise SkippableError(f"field {name}: expected a date/time, found {raw[:40]!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def day(raw: object, name: str) -> str | None:
    """A Salesforce date (``2024-03-31``), checked, as ISO text."""
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise SkippableError(f"field {name}: expected a date, found {str(raw)[:40]!r}") from None


def number(raw: object, name: str) -> float | None:
    """A numeric field (JSON number; a numeric string is accepted)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise SkippableError(f"field {name}: expected a number, found a boolean")
    try:
        return float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SkippableError(f"field {name}: expected a number, found {str(raw)[:40]!r}") from None


def flag(raw: object, name: str) -> bool | None:
    """A checkbox field."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    raise SkippableError(f"field {name}: expected true or false, found {str(raw)[:40]!r}")
