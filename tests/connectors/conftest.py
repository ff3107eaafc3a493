"""Fixtures for connector tests: a sleep that records instead of waiting."""

from __future__ import annotations

import pytest


class RecordingSleep:
    """Stands in for ``time.sleep``: remembers what it was asked to wait, waits nothing."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleep() -> RecordingSleep:
    """A sleep to inject into connectors and the HTTP core."""
    return RecordingSleep()
