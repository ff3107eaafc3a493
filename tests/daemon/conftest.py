"""Shared helpers for the daemon's tests: a fake connector plugin and a real daemon process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors import registry

PLUGIN_DIR = Path(__file__).parent / "plugin"
REPO = Path(__file__).resolve().parents[2]


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def fake_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fake connector distribution on sys.path, found by the registry."""
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    registry.refresh()
    yield PLUGIN_DIR
    registry.refresh()
    sys.modules.pop("siphon_fake", None)


def write_config(path: Path, state_dir: Path, body: str, *, listen: str = "127.0.0.1:0") -> Path:
    path.write_text(
        f'state_dir = "{state_dir}"\n\n[api]\nlisten = "{listen}"\n\n[log]\nlevel = "info"\n\n'
        + body,
        encoding="utf-8",
    )
    return path


def fake_block(name: str, **options: Any) -> str:
    lines = [f"[connectors.{name}]", 'type = "fake"']
    for key, value in options.items():
        lines.append(f"{key} = {json.dumps(value)}")
    lines += [f"[connectors.{name}.schedule]", 'interval = "1h"', 'jitter = "0s"']
    return "\n".join(lines) + "\n\n"


class DaemonProcess:
    """``siphon run`` (with the fake sync) as a child process."""

    def __init__(self, config: Path, state_dir: Path, log: Path, env: dict[str, str]) -> None:
        self.config = config
        self.state_dir = state_dir
        self.log_path = log
        self.env = env
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "siphon_fake",
                "--config",
                str(config),
                "run",
                "--stop-timeout",
                "15",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(state_dir.parent),
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def info(self) -> dict[str, Any] | None:
        path = self.state_dir / "daemon.json"
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            return None

    def wait_ready(self, timeout: float = 30.0) -> str:
        def ready() -> str | None:
            if self.proc.poll() is not None:
                raise AssertionError(f"the daemon exited {self.proc.returncode}:\n{self.log()}")
            info = self.info()
            return str(info["api"]) if info and info.get("api") else None

        self.url: str = wait_for(ready, timeout, "the daemon's API")
        return self.url

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return httpx.post(self.url + path, timeout=60, **kw)

    def status(self, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.get("/status", headers=headers)
        response.raise_for_status()
        return dict(response.json())

    def connector(self, name: str, token: str | None = None) -> dict[str, Any] | None:
        for c in self.status(token)["connectors"]:
            if c["name"] == name:
                return dict(c)
        return None

    def signal(self, signum: int) -> None:
        if signum in (signal.SIGTERM, signal.SIGINT):
            self.stopping = True
        self.proc.send_signal(signum)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM (unless a stop signal was sent already: a second one forces) and wait."""
        if self.proc.poll() is None and not getattr(self, "stopping", False):
            self.signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            self._log.close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@pytest.fixture
def daemon_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PLUGIN_DIR), str(REPO)])
    env.pop("NOTIFY_SOCKET", None)
    return env


@pytest.fixture
def spawn(tmp_path: Path, daemon_env: dict[str, str]) -> Iterator[Callable[..., DaemonProcess]]:
    started: list[DaemonProcess] = []

    def start(config: Path, state_dir: Path, env: dict[str, str] | None = None) -> DaemonProcess:
        log = tmp_path / f"daemon-{len(started)}.log"
        process = DaemonProcess(config, state_dir, log, env or daemon_env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
