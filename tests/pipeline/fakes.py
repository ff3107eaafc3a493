"""An in-memory connector for pipeline tests: a list of records, filtered by ``since``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from connectors import (
    Account,
    CheckResult,
    Connector,
    ConnectorConfig,
    ContainerRef,
    FatalError,
    Identity,
    Record,
    Stream,
)

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


class FakeConfig(ConnectorConfig):
    type: str = "fake"


class FakeWorld:
    """What the fake API holds; tests mutate it between syncs."""

    def __init__(self, messages: int = 0) -> None:
        self.accounts: list[Account] = [
            Account(
                id="fake:u1",
                source="fake",
                source_type="fake",
                name="Ada Lovelace",
                email="ada@example.com",
            ),
            Account(
                id="fake:u2",
                source="fake",
                source_type="fake",
                name="Grace Hopper",
                email="grace@example.com",
            ),
        ]
        self.documents: dict[str, Record] = {}
        self.fail_with: Exception | None = None
        self.fetches: list[datetime | None] = []
        for i in range(messages):
            self.post(i, f"Message {i}: we talked about the billing service.")

    def post(self, i: int, text: str, *, at: datetime | None = None) -> Record:
        when = at or T0 + timedelta(minutes=i)
        record = Record(
            id=f"fake:m{i}",
            source="fake",
            source_type="fake",
            kind="message",
            container=ContainerRef(id="fake:general", kind="channel", name="general"),
            author=Identity(id=f"fake:u{1 + i % 2}"),
            text=text,
            created_at=when,
            updated_at=when,
        )
        self.documents[record.id] = record
        return record

    def edit(self, i: int, text: str, at: datetime) -> None:
        old = self.documents[f"fake:m{i}"]
        self.documents[old.id] = old.model_copy(update={"text": text, "updated_at": at})


class FakeConnector(Connector):
    type_name: ClassVar[str] = "fake"
    config_model: ClassVar[type[ConnectorConfig]] = FakeConfig
    world: ClassVar[FakeWorld] = FakeWorld()

    @classmethod
    def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
        return {"type": "fake"}

    def make_client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))

    def streams(self) -> Sequence[Stream]:
        return [
            Stream("users", "accounts", self._accounts, incremental=False),
            Stream("messages", "documents", self._messages),
        ]

    def check(self) -> CheckResult:
        return CheckResult(True, "fake ok")

    def _accounts(self, since: datetime | None) -> Iterator[Account]:
        yield from self.world.accounts

    def _messages(self, since: datetime | None) -> Iterator[Record]:
        self.world.fetches.append(since)
        for record in sorted(self.world.documents.values(), key=lambda r: r.updated_at):
            if self.world.fail_with is not None and record.id.endswith("m3"):
                raise self.world.fail_with
            if since is None or record.updated_at >= since:
                yield record


def fatal() -> Exception:
    return FatalError("the token was revoked", connector="fake", endpoint="GET /x", status=401)
