"""Analyst queries in bounded worker processes, so a runaway query never hurts ingestion.

Measured with kuzu 0.11.3 (ARCHITECTURE.md): ``UNWIND range(1, 10000000)`` takes 5.5 GB and a
50 ms engine timeout fires after 9.8 s, so a query run inside the daemon could take it down.
Each query therefore runs in a child process (``python -m daemon._query_worker``) that:

- opens the graph read-only, one engine thread, a buffer pool of half of ``[query] memory_mb``;
- once open, caps its own address space (RLIMIT_AS) at what it uses plus the other half, so a
  query that allocates past the bound fails at once with an allocation error (the engine
  reserves its buffer pool and file mapping up front, which is why the cap is set after open);
- applies the engine's own timeout and the row limit (``GraphStore.query``).

The parent (``QueryService``) adds a wall-clock limit: past ``timeout`` plus a grace it kills
the worker with SIGKILL and starts a fresh one for the next query. Workers keep the graph open
between queries for low latency, and close it when the coordinator lets a writer in.

Protocol: one JSON object per line on the worker's stdin / stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import queue
import resource
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn

from daemon._coordinator import GraphBusyError, GraphCoordinator
from ontology import (
    GraphError,
    GraphNotFoundError,
    QueryError,
    QueryRefusedError,
    QueryResult,
    QueryTimeoutError,
    check_read_only_cypher,
)

log = logging.getLogger("siphon.daemon.query")

#: How long past its time limit a query may run before its worker is killed.
KILL_GRACE_S = 2.0
#: Workers answering queries at once; more queue (each may use ``memory_mb``).
DEFAULT_WORKERS = 2


class QueryMemoryError(QueryError):
    """The query needed more memory than the worker's bound."""


class QueryBusyError(QueryError):
    """No worker or no read window could be had in time."""


# -- the worker process ------------------------------------------------------------------


def _memory_kb(field: str) -> int:
    with open(f"/proc/{os.getpid()}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _jsonable(value: Any) -> Any:
    from ontology import to_jsonable

    value = to_jsonable(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class _Worker:
    def __init__(self, graph: Path, engine: str, memory_mb: int) -> None:
        self.graph = graph
        self.engine = engine
        self.memory_mb = memory_mb
        self.store: Any = None

    def _open(self) -> Any:
        from ontology import GraphStore

        if self.store is None:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))  # room to map the database
            size_mb = max(1024, 4 * _dir_size(self.graph) // (1024 * 1024))
            self.store = GraphStore(
                self.graph,
                read_only=True,
                engine=self.engine,
                buffer_pool_mb=max(64, self.memory_mb // 2),
                max_db_size_mb=size_mb,
                max_threads=1,
            )
            self.store.execute("RETURN 1")
            limit = (_memory_kb("VmSize") * 1024) + (self.memory_mb // 2) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        return self.store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "close":
            self.close()
            return {"ok": True}
        if op == "ping":
            return {"ok": True, "open": self.store is not None}
        if op not in ("query", "verify"):
            return {"ok": False, "kind": "error", "message": f"unknown op {op!r}"}
        try:
            store = self._open()
            if op == "verify":
                return self._verify(store, bytes.fromhex(str(request["key"])))
            result: QueryResult = store.query(
                str(request["cypher"]),
                request.get("params") or {},
                timeout_s=request.get("timeout_s"),
                max_rows=request.get("max_rows"),
            )
            return {
                "ok": True,
                "columns": result.columns,
                "rows": [_jsonable(list(row)) for row in result.rows],
                "truncated": result.truncated,
                "elapsed_ms": round(result.elapsed_ms, 3),
            }
        except MemoryError:
            return self._memory_error()
        except QueryRefusedError as exc:
            return {"ok": False, "kind": "refused", "message": str(exc)}
        except QueryTimeoutError as exc:
            return {"ok": False, "kind": "timeout", "message": str(exc)}
        except GraphNotFoundError as exc:
            return {"ok": False, "kind": "missing", "message": str(exc)}
        except GraphError as exc:
            text = str(exc)
            if "bad_alloc" in text or "nable to allocate" in text or "buffer pool is full" in text:
                return self._memory_error()
            return {"ok": False, "kind": "error", "message": text}

    @staticmethod
    def _verify(store: Any, key: bytes) -> dict[str, Any]:
        from ontology import verify_ledger

        # "ok" here means the worker answered; the verdict is in "problem".
        return {**verify_ledger(store, key).as_json(), "ok": True}

    def _memory_error(self) -> dict[str, Any]:
        return {
            "ok": False,
            "kind": "memory",
            "message": f"the query needed more memory than its bound of {self.memory_mb} MB "
            "([query] memory_mb); narrow it (MATCH fewer rows, add LIMIT) or raise the bound",
        }


def _dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


def worker_main(argv: list[str] | None = None) -> int:
    """Entry point of the worker process."""
    parser = argparse.ArgumentParser(prog="python -m daemon._query_worker")
    parser.add_argument("--graph", type=Path, required=True)
    parser.add_argument("--engine", default="kuzu")
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the daemon decides when a worker ends
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    # Keep the protocol channel clean: anything printed goes to stderr.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    import importlib.util  # noqa: F401  (kuzu needs it imported before LOAD FROM arrow)

    worker = _Worker(args.graph, args.engine, args.memory_mb)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            response = worker.handle(request)
        except MemoryError:
            response = worker._memory_error()
        except Exception as exc:  # one bad request never ends the worker
            response = {"ok": False, "kind": "error", "message": f"{type(exc).__name__}: {exc}"}
        try:
            text = json.dumps(response, ensure_ascii=False)
        except MemoryError:
            text = json.dumps(worker._memory_error())
        channel.write(text + "\n")
        channel.flush()
    worker.close()
    return 0


# -- the parent side ---------------------------------------------------------------------


class _WorkerDied(Exception):
    pass


class _WorkerTimedOut(Exception):
    pass


@dataclass
class QueryLimits:
    timeout_s: float
    max_rows: int
    memory_mb: int


class WorkerProcess:
    """One worker process, seen from the daemon."""

    def __init__(self, graph: Path, engine: str, memory_mb: int, index: int) -> None:
        self.graph = graph
        self.engine = engine
        self.memory_mb = memory_mb
        self.index = index
        self.proc: subprocess.Popen[bytes] | None = None
        self.db_open = False
        self._buffer = b""
        self.killed_by_us = False

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)  # only the daemon talks to systemd
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daemon._query_worker",
                "--graph",
                str(self.graph),
                "--engine",
                self.engine,
                "--memory-mb",
                str(self.memory_mb),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,  # a Ctrl-C in the daemon's terminal is the daemon's to handle
        )
        self._buffer = b""
        self.db_open = False
        self.killed_by_us = False
        log.debug("query.worker_started index=%d pid=%d", self.index, self.proc.pid)

    def request(self, message: Mapping[str, Any], deadline: float) -> dict[str, Any]:
        """Send one request and wait for its answer until ``deadline`` (monotonic)."""
        if not self.alive:
            self.start()
        proc = self.proc
        assert proc is not None
        assert proc.stdin is not None
        assert proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerDied(str(exc)) from exc
        line = self._read_line(proc.stdout, deadline)
        response: dict[str, Any] = json.loads(line)
        return response

    def _read_line(self, stream: IO[bytes], deadline: float) -> bytes:
        fd = stream.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _WorkerTimedOut()
                if not selector.select(remaining):
                    continue
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise _WorkerDied("the worker closed its output")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def close_db(self, timeout_s: float = 10.0) -> None:
        """Make the worker let go of the graph (it stays up for the next query)."""
        if not self.db_open or not self.alive:
            self.db_open = False
            return
        try:
            self.request({"op": "close"}, time.monotonic() + timeout_s)
        except (_WorkerDied, _WorkerTimedOut):
            self.kill()
        self.db_open = False

    def kill(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.killed_by_us = True
                with contextlib.suppress(ProcessLookupError):
                    self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        self.db_open = False

    def stop(self) -> None:
        """End the worker politely (close stdin), or kill it."""
        if self.proc is None:
            return
        if self.proc.poll() is None and self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
        self.kill()


class QueryService:
    """Runs analyst queries in a small pool of bounded worker processes."""

    def __init__(
        self,
        coordinator: GraphCoordinator | None,
        graph: Path,
        limits: QueryLimits,
        *,
        engine: str = "kuzu",
        workers: int = DEFAULT_WORKERS,
        keep_open: bool = True,
        on_result: Callable[[str, float], None] | None = None,
    ) -> None:
        """``coordinator`` None: no daemon in this process (``siphon query`` with the daemon
        stopped); ``keep_open`` False: workers let go of the graph after each query, so a
        daemon can start meanwhile."""
        self.coordinator = coordinator
        self.keep_open = keep_open
        self.graph = graph
        self.engine = engine
        self.limits = limits
        self._on_result = on_result
        self._lock = threading.Lock()
        self._workers = [WorkerProcess(graph, engine, limits.memory_mb, i) for i in range(workers)]
        self._idle: queue.Queue[WorkerProcess] = queue.Queue()
        for worker in self._workers:
            self._idle.put(worker)
        self._busy: set[int] = set()
        if coordinator is not None:
            coordinator.on_release(self.release)

    def configure(self, limits: QueryLimits) -> None:
        """New limits (config reload); workers restart lazily with a new memory bound."""
        with self._lock:
            memory_changed = limits.memory_mb != self.limits.memory_mb
            self.limits = limits
            if memory_changed:
                for worker in self._workers:
                    worker.memory_mb = limits.memory_mb
                    if worker.index not in self._busy:
                        worker.stop()

    def release(self) -> None:
        """Coordinator hook: no query runs now; make idle workers close the graph."""
        with self._lock:
            idle = [w for w in self._workers if w.index not in self._busy]
        for worker in idle:
            worker.close_db()

    @contextmanager
    def _worker(self, timeout_s: float) -> Iterator[WorkerProcess]:
        try:
            worker = self._idle.get(timeout=timeout_s)
        except queue.Empty:
            raise QueryBusyError(
                f"every query worker stayed busy for {timeout_s:g}s; try again shortly"
            ) from None
        with self._lock:
            self._busy.add(worker.index)
        try:
            yield worker
        finally:
            with self._lock:
                self._busy.discard(worker.index)
            self._idle.put(worker)

    def run(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run one read-only query; raise a ``QueryError`` subclass saying what went wrong."""
        limits = self.limits
        timeout = min(timeout_s, limits.timeout_s) if timeout_s else limits.timeout_s
        rows = min(max_rows, limits.max_rows) if max_rows else limits.max_rows
        started = time.monotonic()
        outcome = "error"
        try:
            check_read_only_cypher(cypher)  # refuse early, without a worker
            with self._worker(timeout) as worker, self._read_window(timeout):
                result = self._ask(worker, cypher, params, timeout, rows)
            outcome = "ok"
            return result
        except QueryRefusedError:
            outcome = "refused"
            raise
        except QueryTimeoutError:
            outcome = "timeout"
            raise
        except QueryMemoryError:
            outcome = "memory"
            raise
        except QueryBusyError:
            outcome = "busy"
            raise
        finally:
            if self._on_result is not None:
                self._on_result(outcome, time.monotonic() - started)

    @contextmanager
    def _read_window(self, timeout: float) -> Iterator[None]:
        if self.coordinator is None:
            yield
            return
        try:
            with self.coordinator.read_window(timeout):
                yield
        except GraphBusyError as exc:
            raise QueryBusyError(str(exc)) from None

    def verify(self, key: bytes, *, timeout_s: float = 600.0) -> dict[str, Any]:
        """Verify the ledger in a worker (read window, memory bound, ``timeout_s``)."""
        with self._worker(timeout_s) as worker, self._read_window(timeout_s):
            response = self._exchange(
                worker, {"op": "verify", "key": key.hex()}, timeout_s, "verification"
            )
        if not response.get("ok"):
            self._raise(response)
        return response

    def _ask(
        self,
        worker: WorkerProcess,
        cypher: str,
        params: Mapping[str, Any] | None,
        timeout: float,
        rows: int,
    ) -> QueryResult:
        message = {
            "op": "query",
            "cypher": cypher,
            "params": dict(params or {}),
            "timeout_s": timeout,
            "max_rows": rows,
        }
        response = self._exchange(worker, message, timeout, "query")
        if response.get("ok"):
            return QueryResult(
                list(response["columns"]),
                list(response["rows"]),
                bool(response.get("truncated")),
                float(response.get("elapsed_ms", 0.0)),
            )
        self._raise(response)

    def _exchange(
        self, worker: WorkerProcess, message: Mapping[str, Any], timeout: float, what: str
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout + KILL_GRACE_S
        try:
            response = worker.request(message, deadline)
        except _WorkerTimedOut:
            worker.kill()
            log.warning("query.killed reason=time_limit timeout=%gs what=%s", timeout, what)
            raise QueryTimeoutError(
                f"the {what} ran past its time limit of {timeout:g}s and was stopped"
            ) from None
        except _WorkerDied:
            code = worker.proc.returncode if worker.proc is not None else None
            worker.kill()
            log.warning("query.worker_died code=%s what=%s", code, what)
            raise QueryMemoryError(
                f"the query worker died (exit {code}) running this {what}, most likely for "
                f"memory: the bound is {worker.memory_mb} MB ([query] memory_mb)"
            ) from None
        worker.db_open = response.get("kind") != "missing"  # it opened the graph to answer
        if not self.keep_open:
            worker.close_db()
        return response

    @staticmethod
    def _raise(response: Mapping[str, Any]) -> NoReturn:
        kind, text = response.get("kind"), str(response.get("message"))
        errors: dict[Any, type[QueryError]] = {
            "refused": QueryRefusedError,
            "timeout": QueryTimeoutError,
            "memory": QueryMemoryError,
        }
        if kind == "missing":
            raise GraphNotFoundError(text)
        raise errors.get(kind, QueryError)(text)

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()


if __name__ == "__main__":
    sys.exit(worker_main())
