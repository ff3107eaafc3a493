"""``siphon sandbox``: prints what the connectors need, serves, adds activity, stops cleanly."""

from __future__ import annotations

import socket
import stat
import threading
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from connectors.sandbox import Sandbox
from daemon.cli import app
from daemon.cli._sandbox import serve
from tests.sandbox.conftest import NOW

runner = CliRunner()


def test_prints_env_and_config_blocks_and_writes_them(tmp_path: Path) -> None:
    config, env = tmp_path / "connectors.toml", tmp_path / "sandbox.env"
    result = runner.invoke(
        app,
        [
            "sandbox",
            "--port",
            "0",
            "--duration",
            "0",
            "--write-config",
            str(config),
            "--write-env",
            str(env),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "export SIPHON_SANDBOX_SLACK_TOKEN=xoxb-" in result.output
    assert "[connectors.slack]" in result.output
    blocks = tomllib.loads(config.read_text(encoding="utf-8"))["connectors"]
    assert set(blocks) == {"slack", "jira", "hubspot", "salesforce"}
    assert blocks["slack"]["token"] == "env:SIPHON_SANDBOX_SLACK_TOKEN"
    lines = env.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("SIPHON_SANDBOX_JIRA_TOKEN=ATATT") for line in lines)
    assert stat.S_IMODE(env.stat().st_mode) == 0o600


def test_bad_options_exit_2_with_a_clear_message() -> None:
    result = runner.invoke(app, ["sandbox", "--rate-limit", "slack=fast", "--duration", "0"])
    assert result.exit_code == 2
    assert "not a number" in result.output
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["sandbox", "--port", str(port), "--duration", "0"])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


class _Ticks(threading.Event):
    """An event whose waits return at once, advancing a fake clock, until ``rounds`` ran."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.rounds = rounds
        self.now = 0.0
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        self.now += timeout or 0.0
        return len(self.waits) > self.rounds


def test_serve_adds_activity_every_interval_until_stopped() -> None:
    box = Sandbox(now=NOW)
    before = box.counts()["slack.messages"]
    ticks = _Ticks(rounds=3)
    lines: list[str] = []
    rounds = serve(
        box,
        ticks,
        activity_every=30.0,
        events=11,
        duration=None,
        echo=lines.append,
        clock=lambda: ticks.now,
    )
    assert rounds == 3
    assert ticks.waits == [30.0] * 4
    assert [line.split(":")[0] for line in lines] == [f"activity round {n}" for n in (1, 2, 3)]
    assert box.counts()["slack.messages"] > before


def test_serve_stops_at_the_duration() -> None:
    box = Sandbox(now=NOW)
    ticks = _Ticks(rounds=100)
    rounds = serve(
        box,
        ticks,
        activity_every=None,
        events=5,
        duration=90.0,
        echo=print,
        clock=lambda: ticks.now,
    )
    assert rounds == 0
    assert ticks.waits == [90.0]
