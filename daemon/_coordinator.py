"""Who may open the graph when: short write windows for ingestion, read windows for queries.

Kùzu lets one read-write ``Database`` exclude every other process, read-only ones too. So the
daemon never holds the graph open read-write while an analyst query wants in: the coordinator
is a readers-writer lock over the graph itself.

- A writer (one connector's batch, ~2000 records) waits until no query runs, asks the idle
  query workers to close their read-only handles, then writes through the daemon's own
  read-write store. That store stays open between batches while no reader wants in, so
  back-to-back batches pay nothing.
- A reader (one analyst query, run in a worker process) waits until no writer writes, and
  first makes the daemon close its read-write store.
- Writers have priority — a waiting writer holds back new queries, so ingestion is never
  starved — but after a write window the readers already waiting go first, so a busy
  ingestion does not starve queries either. A query holds its window at most for its time
  limit (the worker is killed past it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ontology import GraphError, GraphLockedError, GraphStore

log = logging.getLogger("siphon.daemon.graph")


class GraphBusyError(GraphError):
    """A read window could not be had in time (ingestion holds the graph)."""


class GraphCoordinator:
    """Readers-writer coordination of the graph between ingestion and query workers."""

    def __init__(
        self,
        path: Path,
        *,
        engine: str = "kuzu",
        buffer_pool_mb: int | None = None,
        checkpoint_mb: int | None = None,
        lock_retry_s: float = 30.0,
        on_write_latency: Callable[[str, float], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = path
        self.engine = engine
        self.buffer_pool_mb = buffer_pool_mb
        self.checkpoint_mb = checkpoint_mb
        self.lock_retry_s = lock_retry_s
        self._on_write_latency = on_write_latency
        self._sleep = sleep
        self._cond = threading.Condition()
        self._writer_active = False
        self._writers_waiting = 0
        self._readers_active = 0
        self._readers_waiting = 0
        self._readers_turn = False
        self._store: GraphStore | None = None
        self._closed = False
        self._release_hooks: list[Callable[[], None]] = []
        self.last_open_error: str | None = None

    # -- set-up ----------------------------------------------------------------------------
    def open(self) -> None:
        """Open the graph read-write once (creating and migrating it); GraphLockedError at
        once if another process holds it — at start-up that is fatal, not a wait."""
        with self._cond:
            self._writer_active = True
        try:
            self._open_store(retry_s=0.0)
        finally:
            with self._cond:
                self._writer_active = False
                self._cond.notify_all()

    def on_release(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` in each write window before the graph is opened read-write: it must
        make every idle reader process close its handle."""
        self._release_hooks.append(hook)

    @property
    def ready(self) -> bool:
        """The graph is open, or was openable the last time it was tried."""
        return not self._closed and self.last_open_error is None

    # -- writers ---------------------------------------------------------------------------
    @contextmanager
    def write_window(self, who: str | None = None) -> Iterator[GraphStore]:
        """Exclusive access to the read-write store, for one batch of connector ``who`` (its
        hold time is reported to ``on_write_latency``; ``None``: the daemon's own reads)."""
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writer_active or self._readers_active or self._readers_turn:
                    if self._closed:
                        raise GraphError("the graph is closed: the daemon is stopping")
                    self._cond.wait()
                if self._closed:
                    raise GraphError("the graph is closed: the daemon is stopping")
            finally:
                self._writers_waiting -= 1
            self._writer_active = True
        started = time.perf_counter()
        try:
            for hook in self._release_hooks:
                hook()
            store = self._open_store()
            yield store
        finally:
            with self._cond:
                self._writer_active = False
                if self._readers_waiting or self._closed:
                    self._readers_turn = True
                    self._close_store()
                self._cond.notify_all()
            if self._on_write_latency is not None and who is not None:
                self._on_write_latency(who, time.perf_counter() - started)

    def _open_store(self, retry_s: float | None = None) -> GraphStore:
        if self._store is not None:
            return self._store
        deadline = time.monotonic() + (self.lock_retry_s if retry_s is None else retry_s)
        delay = 0.05
        while True:
            try:
                self._store = GraphStore(
                    self.path,
                    engine=self.engine,
                    buffer_pool_mb=self.buffer_pool_mb,
                    checkpoint_mb=self.checkpoint_mb,
                )
                self.last_open_error = None
                return self._store
            except GraphLockedError as exc:
                # Another process (a direct `siphon query`, Kùzu's own tools) holds the graph;
                # it lets go within its query's time limit.
                self.last_open_error = str(exc)
                if time.monotonic() >= deadline:
                    raise
                log.warning("graph.locked path=%s retry_in=%.2fs", self.path, delay)
                self._sleep(delay)
                delay = min(delay * 2, 2.0)
            except GraphError as exc:
                self.last_open_error = str(exc)
                raise

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- readers ---------------------------------------------------------------------------
    @contextmanager
    def read_window(self, timeout_s: float | None = None) -> Iterator[None]:
        """Shared access for a reader process; the daemon's read-write store is closed."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._cond:
            self._readers_waiting += 1
            try:
                while self._writer_active or (self._writers_waiting and not self._readers_turn):
                    if self._closed:
                        raise GraphError("the graph is closed: the daemon is stopping")
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise GraphBusyError(
                            "the graph stayed busy with ingestion for the whole wait of "
                            f"{timeout_s:g}s; try again"
                        )
                    self._cond.wait(remaining)
                if self._closed:
                    raise GraphError("the graph is closed: the daemon is stopping")
            finally:
                self._readers_waiting -= 1
                if not self._readers_waiting:
                    self._readers_turn = False
            self._readers_active += 1
            self._close_store()
        try:
            yield
        finally:
            with self._cond:
                self._readers_active -= 1
                self._cond.notify_all()

    # -- end -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the read-write store; waiting windows fail from now on."""
        with self._cond:
            self._closed = True
            if not self._writer_active:
                self._close_store()
            self._cond.notify_all()


class ConnectorGraphAccess:
    """The ``GraphAccess`` one connector's sync gets: write windows labelled with its name."""

    def __init__(self, coordinator: GraphCoordinator, connector: str) -> None:
        self._coordinator = coordinator
        self.connector = connector

    @contextmanager
    def write_window(self) -> Iterator[GraphStore]:
        with self._coordinator.write_window(self.connector) as store:
            yield store
