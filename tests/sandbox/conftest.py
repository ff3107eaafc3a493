"""Shared sandbox fixtures: one read-only sandbox per module, clients per API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from connectors.sandbox import Sandbox

#: A fixed instant so worlds (and their answer keys) are reproducible across runs.
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


_OPEN: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """Clients made by the helpers below are closed after each test."""
    yield
    while _OPEN:
        _OPEN.pop().close()


def open_client(**kwargs: object) -> httpx.Client:
    client = httpx.Client(**kwargs)  # type: ignore[arg-type]
    _OPEN.append(client)
    return client


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A started sandbox on the hand-written organization; tests must not mutate it."""
    with Sandbox(now=NOW, salesforce_batch_size=7) as running:
        yield running


def slack_client(box: Sandbox, token: str | None = None) -> httpx.Client:
    token = box.credentials.slack_token if token is None else token
    return open_client(
        base_url=box.base_urls()["slack"], headers={"Authorization": f"Bearer {token}"}
    )


def jira_client(box: Sandbox, token: str | None = None) -> httpx.Client:
    creds = box.credentials
    return open_client(
        base_url=box.base_urls()["jira"],
        auth=(creds.jira_email, creds.jira_token if token is None else token),
    )


def hubspot_client(box: Sandbox, token: str | None = None) -> httpx.Client:
    token = box.credentials.hubspot_token if token is None else token
    return open_client(
        base_url=box.base_urls()["hubspot"], headers={"Authorization": f"Bearer {token}"}
    )


def salesforce_client(box: Sandbox, token: str | None = None) -> httpx.Client:
    token = box.credentials.salesforce_token if token is None else token
    return open_client(
        base_url=box.base_urls()["salesforce"], headers={"Authorization": f"Bearer {token}"}
    )
