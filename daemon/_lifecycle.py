"""``siphon run``: start, serve, reload and stop the daemon, like uvicorn does a server.

Start-up: take the state dir's lock (one daemon per state dir), open the graph read-write once
(creating or migrating it; a graph locked by another process is fatal, exit 1), start the
query workers' service, the HTTP API and the scheduler, then tell systemd ``READY=1``.

Signals, handled in the main thread:
- SIGTERM / SIGINT: stop cleanly within ``stop_timeout`` — stop scheduling, ask running syncs
  to stop at a safe point (dlt keeps an unfinished batch pending and re-delivers it), close the
  API, the query workers and the graph, exit 0. A second signal forces an exit (128 + signal).
- SIGHUP: reload the config; connectors added, removed or changed apply without a restart. A
  broken config is refused with every problem logged, and the old one keeps running.

Under systemd (``NOTIFY_SOCKET`` set) the daemon sends READY=1, RELOADING=1 (with
MONOTONIC_USEC), STOPPING=1, STATUS=... and, when ``WatchdogSec=`` is set, WATCHDOG=1.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from daemon._api import ApiContext, ApiServer
from daemon._client import DaemonLockedError, hold_daemon_lock, remove_info, write_info
from daemon._coordinator import ConnectorGraphAccess, GraphCoordinator
from daemon._logging import configure_logging
from daemon._metrics import Metrics, read_graph_stats
from daemon._query_worker import QueryLimits, QueryService
from daemon._scheduler import ConnectorScheduler, ConnectorState, SyncFunction
from daemon._settings import ConfigError, LoadedConfig, load_config
from ontology import GraphError, graph_path, load_or_create_key

log = logging.getLogger("siphon.daemon")

#: How long a clean stop waits for running syncs to reach a safe point.
DEFAULT_STOP_TIMEOUT_S = 30.0
#: Graph sizes and traceability are re-measured at most this often (after syncs).
STATS_INTERVAL_S = 15.0

EXIT_OK = 0
EXIT_FAILURE = 1


def sd_notify(*lines: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send ``lines`` to systemd's notify socket; False when not under systemd (or it failed)."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode("utf-8"))
        return True
    except OSError as exc:
        log.debug("systemd.notify_failed error=%s", exc)
        return False


def _watchdog_interval(environ: Mapping[str, str]) -> float | None:
    usec = environ.get("WATCHDOG_USEC")
    pid = environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(0.5, int(usec) / 1_000_000 / 2)
    except ValueError:
        return None


def default_sync() -> SyncFunction:
    """The pipeline's ``sync_connector`` (imported late: it pulls in dlt)."""
    pipeline = importlib.import_module("daemon._pipeline")
    fn: SyncFunction = pipeline.sync_connector
    return fn


def _limits(loaded: LoadedConfig) -> QueryLimits:
    q = loaded.settings.query
    return QueryLimits(q.timeout.total_seconds(), q.max_rows, q.memory_mb)


def _token(loaded: LoadedConfig) -> str | None:
    token = loaded.settings.api.token
    return token.get_secret_value() if token is not None else None


class Daemon:
    """The long-running process behind ``siphon run``."""

    def __init__(
        self,
        loaded: LoadedConfig,
        *,
        config_path: Path | None = None,
        state_dir_flag: Path | None = None,
        sync: SyncFunction | None = None,
        stop_timeout_s: float = DEFAULT_STOP_TIMEOUT_S,
        log_level_flag: str | None = None,
    ) -> None:
        self.loaded = loaded
        self.config_path = config_path
        self.state_dir_flag = state_dir_flag
        self.stop_timeout_s = stop_timeout_s
        self.log_level_flag = log_level_flag
        self._sync = sync
        self._wake = threading.Event()
        self._stop_signal: int | None = None
        self._reload_pending = False
        self._stats_lock = threading.Lock()
        self._stats_at = 0.0
        self._stats_dirty = False
        self.started_at = datetime.now(UTC)
        self.api: ApiServer | None = None

    # -- signals ---------------------------------------------------------------------------
    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            self._reload_pending = True
        elif self._stop_signal is None:
            self._stop_signal = signum
        else:
            # A second stop signal: leave now. dlt re-delivers any unfinished batch and the
            # graph engine recovers from its write-ahead log, so nothing is lost.
            os.write(2, b"siphon: second signal, forcing exit\n")
            os._exit(128 + signum)
        self._wake.set()

    def _stop_requested(self) -> bool:
        return self._stop_signal is not None

    def _install_signals(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    # -- main ------------------------------------------------------------------------------
    def run(self) -> int:
        """Run until stopped; return the exit status."""
        state_dir = self.loaded.state_dir
        try:
            with hold_daemon_lock(state_dir):
                return self._run_locked(state_dir)
        except DaemonLockedError as exc:
            log.error("daemon.refused reason=%s", exc)
            return EXIT_FAILURE

    def _run_locked(self, state_dir: Path) -> int:
        settings = self.loaded.settings
        self._install_signals()
        self.coordinator = GraphCoordinator(
            graph_path(state_dir),
            engine=settings.graph.engine,
            buffer_pool_mb=settings.graph.buffer_pool_mb,
            checkpoint_mb=settings.graph.checkpoint_mb,
            on_write_latency=self._batch_done,
        )
        try:
            self.coordinator.open()
            ledger_key = settings.ledger.key
            load_or_create_key(
                state_dir, ledger_key.get_secret_value() if ledger_key is not None else None
            )
        except GraphError as exc:
            log.error("daemon.graph_unavailable path=%s error=%s", graph_path(state_dir), exc)
            return EXIT_FAILURE
        sync = self._sync or default_sync()
        self.metrics = Metrics(lambda: self.scheduler.states())
        self.scheduler = ConnectorScheduler(
            sync,
            lambda name: ConnectorGraphAccess(self.coordinator, name),
            self.metrics,
            after_sync=self._after_sync,
        )
        self.queries = QueryService(
            self.coordinator,
            graph_path(state_dir),
            _limits(self.loaded),
            engine=settings.graph.engine,
            on_result=self.metrics.query_done,
        )
        self._refresh_stats(force=True)
        self._stats_at = 0.0  # the first sync's figures are not held back by this start-up read
        if settings.api.enabled:
            try:
                self.api = ApiServer(
                    settings.api.listen,
                    ApiContext(
                        metrics=self.metrics,
                        queries=self.queries,
                        ready=self._ready,
                        status=self._status,
                        token=lambda: _token(self.loaded),
                        verify=self._verify,
                    ),
                )
            except (OSError, ValueError) as exc:
                log.error("daemon.api_unavailable listen=%s error=%s", settings.api.listen, exc)
                self.queries.close()
                self.coordinator.close()
                return EXIT_FAILURE
            self.api.start()
        self.scheduler.start(self.loaded)
        write_info(
            state_dir,
            {
                "pid": os.getpid(),
                "api": self.api.url if self.api else None,
                "started_at": self.started_at.isoformat(),
                "config": str(self.loaded.path) if self.loaded.path else None,
                "state_dir": str(state_dir),
            },
        )
        log.info(
            "daemon.ready connectors=%d api=%s state_dir=%s",
            len(self.loaded.connectors),
            self.api.url if self.api else "disabled",
            state_dir,
        )
        sd_notify("READY=1", f"STATUS={self._status_line()}", f"MAINPID={os.getpid()}")
        try:
            self._loop()
        finally:
            remove_info(state_dir)
        return self._shutdown()

    def _loop(self) -> None:
        watchdog = _watchdog_interval(os.environ)
        while not self._stop_requested():
            self._wake.wait(timeout=watchdog or 5.0)
            self._wake.clear()
            if self._stop_requested():
                break
            if self._reload_pending:
                self._reload_pending = False
                self.reload()
            if watchdog is not None and self.scheduler.running:
                sd_notify("WATCHDOG=1")
            self._refresh_stats()

    def _shutdown(self) -> int:
        signame = signal.Signals(self._stop_signal).name if self._stop_signal else "?"
        log.info("daemon.stopping signal=%s timeout=%gs", signame, self.stop_timeout_s)
        sd_notify("STOPPING=1", "STATUS=stopping")
        self.scheduler.request_stop()
        if self.api is not None:
            self.api.stop()
        self.queries.close()
        if not self.scheduler.wait_idle(self.stop_timeout_s):
            running = [s.name for s in self.scheduler.states() if s.running]
            log.error(
                "daemon.stop_timeout running=%s timeout=%gs: exiting without waiting; the "
                "unfinished batch stays pending and is re-delivered on the next start",
                ",".join(running),
                self.stop_timeout_s,
            )
            logging.shutdown()
            os._exit(EXIT_FAILURE)  # the sync threads cannot be joined
        self.scheduler.shutdown()
        self.coordinator.close()
        log.info("daemon.stopped")
        return EXIT_OK

    # -- reload ----------------------------------------------------------------------------
    def reload(self) -> bool:
        """Re-read the config; apply it, or keep the old one if it is broken."""
        sd_notify("RELOADING=1", f"MONOTONIC_USEC={time.monotonic_ns() // 1000}")
        log.info("config.reloading path=%s", self.config_path or self.loaded.path or "defaults")
        try:
            new = load_config(self.config_path, state_dir=self.state_dir_flag)
        except ConfigError as exc:
            for problem in exc.problems:
                log.error("config.reload_refused problem=%s", problem)
            log.error(
                "config.reload_refused problems=%d: keeping the running config", len(exc.problems)
            )
            self.metrics.reloads.labels("refused").inc()
            sd_notify(
                "READY=1",
                f"STATUS=reload refused ({len(exc.problems)} problems); " + self._status_line(),
            )
            return False
        old = self.loaded
        if new.state_dir != old.state_dir:
            log.warning(
                "config.state_dir_changed old=%s new=%s: a restart is needed; keeping the old one",
                old.state_dir,
                new.state_dir,
            )
            new = dataclasses.replace(new, state_dir=old.state_dir)
        for key in ("listen", "enabled"):
            if getattr(new.settings.api, key) != getattr(old.settings.api, key):
                log.warning("config.api_%s_changed: a restart is needed to apply it", key)
        if new.settings.graph != old.settings.graph:
            log.warning("config.graph_changed: a restart is needed to apply [graph]")
        configure_logging(self.log_level_flag or new.settings.log.level, new.settings.log.format)
        self.loaded = new
        self.queries.configure(_limits(new))
        changes = self.scheduler.apply(new)
        self.metrics.reloads.labels("ok").inc()
        log.info(
            "config.reloaded added=%s removed=%s changed=%s",
            ",".join(changes.added) or "-",
            ",".join(changes.removed) or "-",
            ",".join(changes.changed) or "-",
        )
        sd_notify("READY=1", f"STATUS={self._status_line()}")
        return True

    # -- callbacks -------------------------------------------------------------------------
    def _batch_done(self, connector: str, seconds: float) -> None:
        metrics = getattr(self, "metrics", None)
        if metrics is not None:
            metrics.batch_done(connector, seconds)

    def _after_sync(self, state: ConnectorState) -> None:
        self._stats_dirty = True
        self._refresh_stats()
        sd_notify(f"STATUS={self._status_line()}")

    def _refresh_stats(self, *, force: bool = False) -> None:
        """Re-measure the graph: forced, or after syncs at most every STATS_INTERVAL_S (the
        main loop catches up on syncs that finished inside the interval)."""
        with self._stats_lock:
            if not force and (
                not self._stats_dirty or time.monotonic() - self._stats_at < STATS_INTERVAL_S
            ):
                return
            self._stats_at = time.monotonic()
            self._stats_dirty = False
        try:
            with self.coordinator.write_window() as store:
                self.metrics.graph_stats = read_graph_stats(store)
        except Exception as exc:  # figures are a nicety; never stop the daemon for them
            log.warning("graph.stats_failed error=%s", exc)

    def _verify(self) -> dict[str, Any]:
        key = self.loaded.settings.ledger.key
        secret = load_or_create_key(
            self.loaded.state_dir, key.get_secret_value() if key is not None else None
        )
        return self.queries.verify(secret)

    def _ready(self) -> dict[str, bool]:
        return {"scheduler": self.scheduler.running, "graph": self.coordinator.ready}

    def _status(self) -> dict[str, Any]:
        stats = self.metrics.graph_stats
        return {
            "daemon": {
                "pid": os.getpid(),
                "started_at": self.started_at.isoformat(),
                "config": str(self.loaded.path) if self.loaded.path else None,
                "state_dir": str(self.loaded.state_dir),
                "ready": self._ready(),
            },
            "connectors": [s.as_json() for s in self.scheduler.states()],
            "graph": dataclasses.asdict(stats) if stats is not None else None,
        }

    def _status_line(self) -> str:
        states = self.scheduler.states()
        failing = [s.name for s in states if s.consecutive_failures]
        line = f"{len(states)} connector(s)"
        if failing:
            line += f"; failing: {', '.join(failing)}"
        synced = [s for s in states if s.last_success_at is not None]
        if synced:
            latest = max(synced, key=lambda s: s.last_success_at or self.started_at)
            line += f"; last sync {latest.name} at {latest.last_success_at:%H:%M:%S}"
        return line


def run_daemon(
    loaded: LoadedConfig,
    *,
    config_path: Path | None,
    state_dir_flag: Path | None,
    log_level_flag: str | None = None,
    stop_timeout_s: float = DEFAULT_STOP_TIMEOUT_S,
    sync: SyncFunction | None = None,
) -> int:
    """Run the daemon in this process (main thread); return the exit status."""
    apscheduler_log = logging.getLogger("apscheduler")
    apscheduler_log.handlers = list(logging.getLogger("siphon").handlers)
    apscheduler_log.setLevel(logging.WARNING)
    apscheduler_log.propagate = False
    daemon = Daemon(
        loaded,
        config_path=config_path,
        state_dir_flag=state_dir_flag,
        sync=sync,
        stop_timeout_s=stop_timeout_s,
        log_level_flag=log_level_flag,
    )
    try:
        return daemon.run()
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
