"""One APScheduler job per enabled connector, each in its own thread, with failure backoff.

A connector's sync runs on its ``schedule`` (interval or cron, plus jitter) with
``coalesce=True`` and ``max_instances=1``: a run that overlaps its next slot is not doubled, and
missed slots collapse into one run. A connector that fails backs off exponentially (capped) and
is reported in its ``ConnectorState`` (``siphon status``, ``/metrics``, logs); it never delays
the others, because each runs in its own thread and graph writes are serialized in short
windows by the coordinator.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from connectors import ConnectorConfig
from daemon._metrics import Metrics
from daemon._settings import LoadedConfig
from ontology import GraphStore

log = logging.getLogger("siphon.daemon.scheduler")

#: Failed syncs back off to at most this long between tries (or the interval, if longer).
BACKOFF_CAP = timedelta(hours=1)
#: The base of the backoff for cron-scheduled connectors (interval ones use their interval).
CRON_BACKOFF_BASE = timedelta(minutes=1)
MAX_THREADS = 32


class GraphAccess(Protocol):
    """What a sync writes through: one short write window per batch."""

    def write_window(self) -> AbstractContextManager[GraphStore]: ...


class SyncOutcome(Protocol):
    """The parts of the pipeline's ``SyncReport`` the scheduler reads."""

    @property
    def connector(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def records(self) -> Mapping[str, int]: ...
    @property
    def documents(self) -> int: ...
    @property
    def decisions(self) -> int: ...
    @property
    def skipped(self) -> int: ...
    @property
    def error(self) -> str | None: ...
    @property
    def error_kind(self) -> str | None: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def seconds(self) -> float: ...


class SyncFunction(Protocol):
    """``daemon._pipeline.sync_connector``'s signature."""

    def __call__(
        self,
        loaded: LoadedConfig,
        name: str,
        *,
        graph: Any,
        stop: threading.Event | None = None,
        progress: Callable[[str, int], None] | None = None,
    ) -> SyncOutcome: ...


@dataclass
class ConnectorState:
    """What the daemon knows about one connector instance, for status and metrics."""

    name: str
    type: str
    enabled: bool = True
    added_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    running: bool = False
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_ok: bool = False
    last_error: str | None = None
    last_error_kind: str | None = None
    consecutive_failures: int = 0
    next_run_at: datetime | None = None
    runs: int = 0
    records: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    decisions: int = 0
    skipped: int = 0
    last_seconds: float | None = None
    progress: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


def backoff_delay(schedule_base: timedelta, failures: int) -> timedelta:
    """Delay before the next try after ``failures`` failed syncs in a row."""
    cap = max(BACKOFF_CAP, schedule_base)
    if failures <= 0:
        return timedelta(0)
    delay: timedelta = min(schedule_base * (2 ** min(failures - 1, 30)), cap)
    return delay


def make_trigger(config: ConnectorConfig) -> IntervalTrigger | CronTrigger:
    """The APScheduler trigger for a connector's ``schedule``; ValueError if the cron is bad."""
    schedule = config.schedule
    jitter = int(schedule.jitter.total_seconds()) or None
    if schedule.cron:
        try:
            trigger = CronTrigger.from_crontab(schedule.cron, timezone=UTC)
        except ValueError as exc:
            raise ValueError(
                f"schedule.cron {schedule.cron!r} is not a crontab line: {exc}"
            ) from None
        trigger.jitter = jitter
        return trigger
    return IntervalTrigger(seconds=schedule.interval.total_seconds(), jitter=jitter, timezone=UTC)


def _schedule_base(config: ConnectorConfig) -> timedelta:
    return CRON_BACKOFF_BASE if config.schedule.cron else config.schedule.interval


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


class ConnectorScheduler:
    """Schedules every enabled connector of a ``LoadedConfig``; ``apply`` swaps configs live."""

    def __init__(
        self,
        sync: SyncFunction,
        access_for: Callable[[str], GraphAccess],
        metrics: Metrics | None = None,
        *,
        after_sync: Callable[[ConnectorState], None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
    ) -> None:
        self._sync = sync
        self._access_for = access_for
        self._metrics = metrics
        self._after_sync = after_sync
        self._now = now
        self._rng = rng or random.Random()  # noqa: S311  (jitter, not cryptography)
        self._lock = threading.Lock()
        self._states: dict[str, ConnectorState] = {}
        self._configs: dict[str, ConnectorConfig] = {}
        self._stops: dict[str, threading.Event] = {}
        self._idle = threading.Condition(self._lock)
        self._stopping = False
        self.loaded: LoadedConfig | None = None
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(MAX_THREADS)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=UTC,
        )

    # -- configuration -------------------------------------------------------------------
    def start(self, loaded: LoadedConfig, *, paused: bool = False) -> Changes:
        """Start scheduling ``loaded``'s connectors; each runs once soon after start.

        ``paused``: keep the jobs but run nothing until ``resume()`` (tests, embedding)."""
        changes = self.apply(loaded)
        self._scheduler.start(paused=paused)
        return changes

    def resume(self) -> None:
        self._scheduler.resume()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running) and not self._stopping

    def apply(self, loaded: LoadedConfig) -> Changes:
        """Bring the jobs in line with ``loaded``: add, remove and reschedule connectors."""
        changes = Changes()
        with self._lock:
            self.loaded = loaded
            wanted = dict(loaded.connectors)
            for name in sorted(set(self._configs) - set(wanted)):
                changes.removed.append(name)
                self._unschedule(name)
                self._stops.pop(name, threading.Event()).set()  # a running sync stops early
                self._states.pop(name, None)
                self._configs.pop(name, None)
            for name, config in sorted(wanted.items()):
                old = self._configs.get(name)
                if old is not None and _same(old, config):
                    continue
                (changes.changed if old is not None else changes.added).append(name)
                self._configs[name] = config
                state = self._states.get(name)
                if state is None or state.type != config.type:
                    state = self._states[name] = ConnectorState(name, config.type)
                state.enabled = config.enabled
                self._stops.setdefault(name, threading.Event())
                self._unschedule(name)
                if config.enabled:
                    self._schedule(name, config, first=old is None)
        for name in changes.removed:
            log.info("connector.removed connector=%s", name)
        for name in changes.added:
            log.info("connector.added connector=%s type=%s", name, wanted[name].type)
        for name in changes.changed:
            log.info("connector.changed connector=%s", name)
        return changes

    def _schedule(self, name: str, config: ConnectorConfig, *, first: bool) -> None:
        state = self._states[name]
        try:
            trigger = make_trigger(config)
        except ValueError as exc:
            state.last_ok = False
            state.last_error, state.last_error_kind = str(exc), "fatal"
            log.error("connector.bad_schedule connector=%s error=%s", name, exc)
            return
        now = self._now()
        if first:
            jitter = config.schedule.jitter.total_seconds()
            next_run = now + timedelta(seconds=self._rng.uniform(0, jitter) if jitter else 0)
        else:
            next_run = trigger.get_next_fire_time(None, now)
        self._scheduler.add_job(
            self._run,
            trigger,
            args=[name],
            id=name,
            name=f"sync {name}",
            misfire_grace_time=max(1, int(config.schedule.misfire_grace.total_seconds())),
            next_run_time=next_run,
            replace_existing=True,
        )
        state.next_run_at = next_run

    def _unschedule(self, name: str) -> None:
        with suppress(JobLookupError):
            self._scheduler.remove_job(name)

    # -- running -------------------------------------------------------------------------
    def run_now(self, name: str) -> None:
        """Run one connector's sync in the calling thread (tests, ``siphon run --once``)."""
        self._run(name)

    def _run(self, name: str) -> None:
        with self._lock:
            state = self._states.get(name)
            config = self._configs.get(name)
            stop = self._stops.get(name)
            loaded = self.loaded
            if state is None or config is None or stop is None or loaded is None:
                return
            if self._stopping or state.running:
                return
            state.running = True
            state.progress = None
            state.last_run_at = self._now()
        log.info("sync.start connector=%s", name)

        def progress(stage: str, count: int) -> None:
            state.progress = f"{stage}: {count}"

        report: SyncOutcome | None = None
        error: str | None = None
        try:
            report = self._sync(
                loaded, name, graph=self._access_for(name), stop=stop, progress=progress
            )
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if stop.is_set():
                log.info("sync.interrupted connector=%s reason=stop_requested", name)
            else:
                log.exception("sync.crashed connector=%s", name)
        finally:
            with self._lock:
                state.running = False
                self._idle.notify_all()
        if report is None and stop.is_set():
            return  # stopped on request: dlt left the batch pending; not a failure
        self._record(name, state, config, report, error)
        if self._after_sync is not None:
            try:
                self._after_sync(state)
            except Exception:
                log.exception("sync.after_hook_failed connector=%s", name)

    def _record(
        self,
        name: str,
        state: ConnectorState,
        config: ConnectorConfig,
        report: SyncOutcome | None,
        error: str | None,
    ) -> None:
        metrics = self._metrics
        now = self._now()
        state.runs += 1
        ok = report is not None and report.ok
        if report is not None:
            for table, count in report.records.items():
                state.records[table] = state.records.get(table, 0) + count
            state.documents += report.documents
            state.decisions += report.decisions
            state.skipped += report.skipped
            state.last_seconds = report.seconds
            if metrics is not None:
                for table, count in report.records.items():
                    metrics.records.labels(name, table).inc(count)
                metrics.documents.labels(name).inc(report.documents)
                metrics.decisions.labels(name).inc(report.decisions)
                metrics.skipped.labels(name).inc(report.skipped)
                metrics.sync_seconds.labels(name).observe(report.seconds)
        if metrics is not None:
            metrics.syncs.labels(name, "ok" if ok else "failed").inc()
        state.last_ok = ok
        if ok:
            state.last_success_at = now
            state.last_error = state.last_error_kind = None
            state.consecutive_failures = 0
            assert report is not None
            log.info(
                "sync.done connector=%s documents=%d decisions=%d skipped=%d seconds=%.2f",
                name,
                report.documents,
                report.decisions,
                report.skipped,
                report.seconds,
            )
            self._refresh_next_run(name, state)
            return
        kind = (report.error_kind if report is not None else None) or "internal"
        state.last_error = (report.error if report is not None else error) or "unknown error"
        state.last_error_kind = kind
        state.consecutive_failures += 1
        if metrics is not None:
            metrics.errors.labels(name, kind).inc()
        delay = backoff_delay(_schedule_base(config), state.consecutive_failures)
        when = now + delay
        try:
            job = self._scheduler.get_job(name)
            if job is not None and (job.next_run_time is None or job.next_run_time < when):
                job.modify(next_run_time=when)
        except JobLookupError:
            pass  # removed by a reload meanwhile
        self._refresh_next_run(name, state)
        log.warning(
            "sync.failed connector=%s kind=%s failures=%d next_try_in=%ds error=%s",
            name,
            kind,
            state.consecutive_failures,
            int(delay.total_seconds()),
            state.last_error,
        )

    def _refresh_next_run(self, name: str, state: ConnectorState) -> None:
        job = self._scheduler.get_job(name) if self._scheduler.running else None
        state.next_run_at = job.next_run_time if job is not None else None

    # -- reading ---------------------------------------------------------------------------
    def states(self) -> list[ConnectorState]:
        """A snapshot of every connector's state, with fresh next-run times."""
        with self._lock:
            states = list(self._states.values())
        for state in states:
            if state.enabled and self._scheduler.running:
                self._refresh_next_run(state.name, state)
        return sorted(states, key=lambda s: s.name)

    def any_running(self) -> bool:
        with self._lock:
            return any(s.running for s in self._states.values())

    # -- stopping --------------------------------------------------------------------------
    def request_stop(self) -> None:
        """Launch nothing new and ask running syncs to stop at a safe point."""
        with self._lock:
            self._stopping = True
            for stop in self._stops.values():
                stop.set()
        if self._scheduler.running:
            self._scheduler.pause()

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no sync runs; False if some still did after ``timeout_s``."""
        with self._idle:
            return self._idle.wait_for(
                lambda: not any(s.running for s in self._states.values()), timeout_s
            )

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)


def _same(a: ConnectorConfig, b: ConnectorConfig) -> bool:
    return bool(a.model_dump(mode="json") == b.model_dump(mode="json"))
