"""Finding and calling the running daemon from the command line.

The daemon holds an exclusive ``flock`` on ``<state dir>/daemon.lock`` for its whole life and
writes ``<state dir>/daemon.json`` (pid, API URL) once its API listens. A command that wants the
graph asks here first: if the daemon runs it goes through the API (the daemon holds the graph),
otherwise it opens the graph read-only itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

LOCK_FILENAME = "daemon.lock"
INFO_FILENAME = "daemon.json"


class DaemonLockedError(Exception):
    """Another ``siphon run`` uses this state dir."""


class DaemonApiError(Exception):
    """The daemon answered with an error; ``status`` and ``kind`` say which."""

    def __init__(self, message: str, *, status: int, kind: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind


@dataclass(frozen=True)
class DaemonInfo:
    pid: int
    api: str | None
    started_at: str | None = None
    config: str | None = None


def daemon_running(state_dir: Path) -> bool:
    """True while a ``siphon run`` holds this state dir's lock."""
    path = state_dir / LOCK_FILENAME
    if not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def find_daemon(state_dir: Path) -> DaemonInfo | None:
    """The running daemon of this state dir, or None."""
    if not daemon_running(state_dir):
        return None
    try:
        data = json.loads((state_dir / INFO_FILENAME).read_text(encoding="utf-8"))
        return DaemonInfo(
            pid=int(data["pid"]),
            api=data.get("api"),
            started_at=data.get("started_at"),
            config=data.get("config"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # starting up: no API yet


@contextlib.contextmanager
def hold_daemon_lock(state_dir: Path) -> Iterator[int]:
    """Hold the state dir's daemon lock for the block; DaemonLockedError if taken."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_FILENAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            info = None
            with contextlib.suppress(OSError, ValueError):
                info = json.loads((state_dir / INFO_FILENAME).read_text(encoding="utf-8"))
            pid = f" (pid {info['pid']})" if isinstance(info, dict) and "pid" in info else ""
            raise DaemonLockedError(
                f"another `siphon run`{pid} already uses the state dir {state_dir}"
            ) from None
        yield fd
    finally:
        os.close(fd)


def write_info(state_dir: Path, info: dict[str, Any]) -> None:
    """Write daemon.json atomically."""
    path = state_dir / INFO_FILENAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def remove_info(state_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (state_dir / INFO_FILENAME).unlink()


class DaemonClient:
    """A small client of the daemon's API."""

    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = 60.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(base_url=base_url, headers=headers, timeout=timeout_s)

    def __enter__(self) -> DaemonClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def _check(self, response: httpx.Response) -> Any:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code >= 400:
            message = payload.get("error") if isinstance(payload, dict) else response.text
            kind = payload.get("kind") if isinstance(payload, dict) else None
            raise DaemonApiError(
                str(message or response.reason_phrase), status=response.status_code, kind=kind
            )
        return payload

    def query(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"cypher": cypher, "params": params or {}}
        if timeout_s is not None:
            body["timeout"] = timeout_s
        if max_rows is not None:
            body["max_rows"] = max_rows
        result: dict[str, Any] = self._check(self._client.post("/query", json=body))
        return result

    def verify(self) -> dict[str, Any]:
        result: dict[str, Any] = self._check(self._client.post("/verify"))
        return result

    def status(self) -> dict[str, Any]:
        result: dict[str, Any] = self._check(self._client.get("/status"))
        return result
