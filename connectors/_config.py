"""The config every connector instance accepts; plugins subclass ``ConnectorConfig``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: Any) -> timedelta:
    """Accept ``90``, ``"90s"``, ``"5m"``, ``"2h"``, ``"3d"``, ``"1w"`` or a ``timedelta``."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a duration like '30s', '5m', '2h' or '3d', found a boolean")
    if isinstance(value, int | float):
        return timedelta(seconds=float(value))
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    raise ValueError(f"expected a duration like '30s', '5m', '2h' or '3d', found {value!r}")


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling of a duration, e.g. ``5m`` or ``36h``."""
    seconds = value.total_seconds()
    for unit in ("w", "d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
]


class StrictModel(BaseModel):
    """Config models refuse unknown keys so a typo is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class ScheduleConfig(StrictModel):
    """When a connector runs: every ``interval`` or on a ``cron`` expression, with jitter."""

    interval: Duration = Field(default=timedelta(minutes=15), description="time between syncs")
    cron: str | None = Field(default=None, description="crontab expression; overrides interval")
    jitter: Duration = Field(default=timedelta(seconds=30), description="random delay added")
    misfire_grace: Duration = Field(default=timedelta(minutes=5))

    @model_validator(mode="after")
    def _check_interval(self) -> ScheduleConfig:
        if self.interval.total_seconds() < 1:
            raise ValueError("interval must be at least 1s")
        return self


class RetryConfig(StrictModel):
    """Bounds on retrying 429, 5xx and transport errors."""

    attempts: int = Field(default=8, ge=1, le=100)
    max_time: Duration = Field(default=timedelta(minutes=15), description="give up after this")
    backoff_initial: Duration = Field(default=timedelta(seconds=1))
    backoff_max: Duration = Field(default=timedelta(minutes=2))


class ConnectorConfig(StrictModel):
    """Options every connector instance takes. A plugin adds its own fields in a subclass."""

    type: str = Field(description="connector plugin name, e.g. slack, jira, hubspot, salesforce")
    enabled: bool = True
    base_url: str | None = Field(default=None, description="API base URL; default: the vendor's")
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    lookback: Duration = Field(
        default=timedelta(days=3),
        description="re-read this much recent history each sync to catch edits and late replies",
    )
    initial_history: Duration = Field(
        default=timedelta(days=365), description="how far back the first sync reaches"
    )
    page_size: int | None = Field(default=None, ge=1, description="default: the API's best")
    timeout: Duration = Field(default=timedelta(seconds=30), description="per HTTP request")
    retry: RetryConfig = Field(default_factory=RetryConfig)
    privacy: Literal["full", "facts_only"] = Field(
        default="full",
        description="facts_only keeps extracted facts and a text hash, never the full text",
    )
