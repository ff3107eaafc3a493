"""A tiny connector plugin and a stand-in sync function, for testing the daemon.

Installed as a distribution (``siphon_fake-1.0.dist-info``) so the registry finds it through
the ``siphon.connectors`` entry-point group, like any third-party plugin. ``python -m
siphon_fake ARGS`` runs the real ``siphon`` command line with the daemon's sync function
replaced by ``sync_connector`` below, which follows the pipeline's contract: one write window
per batch, a cursor saved only after its batch is written (as dlt does), so a stop or a crash
re-delivers at most the batch in flight, and writes are idempotent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import Field

from connectors import CheckResult, Connector, ConnectorConfig, FatalError, Record, Secret, Stream


class FakeConfig(ConnectorConfig):
    records: int = Field(default=50, ge=0)
    batch: int = Field(default=10, ge=1)
    delay: float = Field(default=0.0, ge=0, description="seconds per batch")
    fail: bool = False
    ignore_stop: bool = Field(default=False, description="a batch that does not stop early")
    token: Secret | None = None


class FakeConnector(Connector):
    type_name = "fake"
    config_model = FakeConfig

    @classmethod
    def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
        return {"type": "fake", "records": 20, "token": "keyring:fake_token"}

    def make_client(self) -> httpx.Client:
        return httpx.Client()

    def streams(self) -> Sequence[Stream]:
        return [Stream("documents", "documents", self._documents)]

    def _documents(self, since: datetime | None) -> Iterator[Record]:
        config = self.config
        assert isinstance(config, FakeConfig)
        for i in range(config.records):
            yield document(self.name, i)

    def check(self) -> CheckResult:
        config = self.config
        assert isinstance(config, FakeConfig)
        if config.fail:
            raise FatalError("HTTP 401: invalid_auth", connector=self.name, endpoint="/auth.test")
        return CheckResult(True, f"authenticated; first page has {min(config.records, 10)} records")


EPOCH = datetime(2024, 1, 1)


def document(name: str, i: int) -> Record:
    return Record(
        id=f"{name}:{i}",
        source=name,
        source_type="fake",
        kind="message",
        text=f"message {i}",
        created_at=EPOCH + timedelta(minutes=i),
        updated_at=EPOCH + timedelta(minutes=i),
    )


@dataclass
class SyncReport:
    connector: str
    ok: bool
    records: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    decisions: int = 0
    skipped: int = 0
    error: str | None = None
    error_kind: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0
    http_seconds: float = 0.0


def cursor_path(state_dir: Path, name: str) -> Path:
    return state_dir / f"fake-{name}.cursor"


def sync_connector(
    loaded: Any,
    name: str,
    *,
    graph: Any,
    stop: threading.Event | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> SyncReport:
    from ontology import GraphBatch

    config = loaded.connectors[name]
    report = SyncReport(name, ok=True)
    if config.fail:
        return SyncReport(name, ok=False, error="HTTP 401: invalid_auth", error_kind="fatal")
    path = cursor_path(loaded.state_dir, name)
    start = json.loads(path.read_text())["next"] if path.exists() else 0
    log = loaded.state_dir / f"fake-{name}.batches"
    for lo in range(start, config.records, config.batch):
        if config.ignore_stop:
            time.sleep(config.delay)
        elif stop is not None and stop.wait(config.delay):
            raise InterruptedError("stop requested; the batch in flight stays pending")
        hi = min(lo + config.batch, config.records)
        batch = GraphBatch()
        batch.node("Source", name=name, type="fake", status="syncing")
        for i in range(lo, hi):
            d = document(name, i)
            batch.node("Document", id=d.id, source=name, kind=d.kind, text=d.text)
        with graph.write_window() as store:
            store.write(batch)
        with log.open("a") as handle:
            handle.write(f"{lo}-{hi}\n")
        path.write_text(json.dumps({"next": hi}))  # like dlt: state saved after the load
        report.documents += hi - lo
        report.records["documents"] = report.documents
        if progress is not None:
            progress("documents", report.documents)
    return report


def main() -> None:
    import daemon._lifecycle as lifecycle
    from daemon.cli import app

    lifecycle.default_sync = lambda: sync_connector
    app(prog_name="siphon")


if __name__ == "__main__":
    main()
