"""Scheduler backoff and isolation, and the coordinator's write windows versus readers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors import ConnectorConfig
from daemon._coordinator import GraphBusyError, GraphCoordinator
from daemon._metrics import Metrics
from daemon._scheduler import BACKOFF_CAP, ConnectorScheduler, backoff_delay, make_trigger
from daemon._settings import LoadedConfig, Settings


@dataclass
class Report:
    connector: str
    ok: bool
    records: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    decisions: int = 0
    skipped: int = 0
    error: str | None = None
    error_kind: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.1
    http_seconds: float = 0.0


def loaded(tmp_path: Path, **connectors: ConnectorConfig) -> LoadedConfig:
    return LoadedConfig(Settings(), None, tmp_path, dict(connectors))


def config(interval: str = "10m", **kw: Any) -> ConnectorConfig:
    return ConnectorConfig.model_validate(
        {"type": "fake", "schedule": {"interval": interval, "jitter": "0s"}, **kw}
    )


def test_backoff_doubles_from_the_interval_and_is_capped() -> None:
    base = timedelta(minutes=10)
    delays = [backoff_delay(base, n) for n in range(1, 8)]
    assert delays[:4] == [base, base * 2, base * 4, BACKOFF_CAP]
    assert max(delays) == BACKOFF_CAP
    assert backoff_delay(timedelta(days=1), 3) == timedelta(days=1)  # never below the interval


def test_cron_schedules_are_checked() -> None:
    assert make_trigger(config(schedule={"cron": "*/5 * * * *", "jitter": "10s"})).jitter == 10
    with pytest.raises(ValueError, match="crontab"):
        make_trigger(config(schedule={"cron": "every day"}))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_failing_connector_backs_off_is_reported_and_recovers(tmp_path: Path) -> None:
    outcomes = [False, False, False, True]
    calls: list[str] = []

    def sync(loaded: Any, name: str, **kw: Any) -> Report:
        calls.append(name)
        ok = outcomes.pop(0)
        return Report(
            name, ok, error=None if ok else "HTTP 401", error_kind=None if ok else "fatal"
        )

    clock = Clock()
    scheduler: ConnectorScheduler
    metrics = Metrics(lambda: scheduler.states())
    scheduler = ConnectorScheduler(sync, lambda name: None, metrics, now=clock)
    scheduler.start(loaded(tmp_path, broken=config("10m")), paused=True)  # the test drives runs
    try:
        next_runs = []
        for _ in range(3):
            scheduler.run_now("broken")
            state = scheduler.states()[0]
            next_runs.append(state.next_run_at)
        assert state.consecutive_failures == 3
        assert state.last_error == "HTTP 401"
        assert state.last_error_kind == "fatal"
        assert next_runs[2] is not None
        assert next_runs[2] - clock.now >= timedelta(minutes=40) - timedelta(seconds=1)
        text = metrics.render().decode()
        assert 'siphon_connector_errors_total{connector="broken",kind="fatal"} 3.0' in text
        assert 'siphon_connector_consecutive_failures{connector="broken"} 3.0' in text
        scheduler.run_now("broken")
        state = scheduler.states()[0]
        assert (state.consecutive_failures, state.last_ok, state.last_error) == (0, True, None)
    finally:
        scheduler.shutdown()


def test_one_slow_connector_never_delays_another(tmp_path: Path) -> None:
    release = threading.Event()
    finished: list[str] = []

    def sync(loaded: Any, name: str, *, stop: threading.Event, **kw: Any) -> Report:
        if name == "slow":
            release.wait(10)
        finished.append(name)
        return Report(name, True, documents=1)

    scheduler = ConnectorScheduler(sync, lambda name: None)
    scheduler.start(loaded(tmp_path, slow=config(), quick=config()))
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while "quick" not in finished and datetime.now(UTC) < deadline:
            threading.Event().wait(0.02)
        assert finished == ["quick"]  # done while "slow" still runs
        assert [s.running for s in scheduler.states()] == [False, True]  # quick, slow
    finally:
        release.set()
        scheduler.request_stop()
        assert scheduler.wait_idle(10)
        scheduler.shutdown()


def test_apply_adds_removes_and_changes_jobs(tmp_path: Path) -> None:
    scheduler = ConnectorScheduler(lambda *a, **k: Report("x", True), lambda name: None)
    scheduler.start(loaded(tmp_path, a=config(), b=config()), paused=True)
    try:
        changes = scheduler.apply(
            loaded(tmp_path, b=config("5m"), c=config(), d=config(enabled=False))
        )
        assert (changes.added, changes.removed, changes.changed) == (["c", "d"], ["a"], ["b"])
        states = {s.name: s for s in scheduler.states()}
        assert sorted(states) == ["b", "c", "d"]
        assert states["d"].enabled is False
        assert states["d"].next_run_at is None
        assert not scheduler.apply(
            loaded(tmp_path, b=config("5m"), c=config(), d=config(enabled=False))
        )
    finally:
        scheduler.shutdown()


# -- the coordinator -----------------------------------------------------------------------


def test_a_waiting_writer_holds_back_new_readers_and_waiting_readers_go_next(
    tmp_path: Path,
) -> None:
    coordinator = GraphCoordinator(tmp_path / "graph.kuzu")
    coordinator.open()
    order: list[str] = []
    reader_in = threading.Event()
    writer_waiting = threading.Event()

    def first_reader() -> None:
        with coordinator.read_window():
            order.append("reader1")
            reader_in.set()
            writer_waiting.wait(5)
            # The writer now waits for us; a new reader must queue behind it.
            assert coordinator._writers_waiting == 1

    def writer() -> None:
        reader_in.wait(5)
        writer_waiting.set()
        with coordinator.write_window("alpha") as store:
            order.append("writer")
            assert store.execute("RETURN 1") == [[1]]

    threads = [threading.Thread(target=first_reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    with (
        pytest.raises(GraphBusyError),
        coordinator.write_window(),
        coordinator.read_window(timeout_s=0.2),
    ):
        pass  # a reader cannot get in while a writer writes
    with coordinator.read_window():
        assert coordinator._store is None  # the read-write store let go for the reader
    assert order == ["reader1", "writer"]
    coordinator.close()


def test_write_latency_is_reported_per_connector(tmp_path: Path) -> None:
    seen: list[str] = []
    coordinator = GraphCoordinator(
        tmp_path / "graph.kuzu", on_write_latency=lambda c, s: seen.append(c)
    )
    coordinator.open()
    with coordinator.write_window("alpha"):
        pass
    with coordinator.write_window():
        pass
    assert seen == ["alpha"]
    coordinator.close()
