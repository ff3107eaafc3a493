"""HubSpot sends every property value as a string: parse them strictly.

A value that cannot be parsed raises ``SkippableError`` naming the property, so the record is
skipped and counted rather than stored wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime

from connectors._errors import SkippableError


def text(value: object) -> str | None:
    """A property as text, ``None`` when missing or blank."""
    if value is None:
        return None
    cleaned = str(value).strip()
    return cleaned or None


def timestamp(value: object, name: str) -> datetime | None:
    """An ISO 8601 datetime, a date, or epoch milliseconds, as an aware UTC datetime."""
    raw = text(value)
    if raw is None:
        return None
    try:
        if raw.isdigit():
            parsed = datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
        else:
            parsed = datetime.fromisoformat(raw)
    except (ValueError, OverflowError, OSError):
        raise SkippableError(f"property {name}: expected a date/time, found {raw[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def number(value: object, name: str) -> float | None:
    """A decimal number; thousands separators are not accepted (HubSpot never sends them)."""
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = float(raw)
    except ValueError:
        raise SkippableError(f"property {name}: expected a number, found {raw[:40]!r}") from None
    if parsed != parsed or parsed in (float("inf"), float("-inf")):
        raise SkippableError(f"property {name}: expected a finite number, found {raw[:40]!r}")
    return parsed


def boolean(value: object, name: str) -> bool | None:
    """``"true"`` or ``"false"`` (any case)."""
    raw = text(value)
    if raw is None:
        return None
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise SkippableError(f"property {name}: expected true or false, found {raw[:40]!r}")
