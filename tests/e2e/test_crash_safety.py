"""Invariant 1: a sync killed with SIGKILL at any moment, then restarted, yields exactly the
graph of an uninterrupted sync — nothing lost, nothing doubled."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors.sandbox import Sandbox
from tests.e2e.helpers import graph_of, snapshot, write_config

KILLS = 3


def start_sync(
    config: Path, state: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daemon",
                "--config",
                str(config),
                "--state-dir",
                str(state),
                "sync",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def finish(proc: subprocess.Popen[bytes], log: Path, timeout: float = 300) -> None:
    proc.wait(timeout=timeout)
    assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]


@pytest.mark.slow
def test_sigkill_at_several_moments_then_restart_gives_the_uninterrupted_graph(
    tmp_path: Path,
) -> None:
    with Sandbox() as sandbox:
        # one ledger key for every run, so the sealed hashes are comparable too
        env = {**os.environ, **sandbox.environ(), "LEDGER_KEY": "e2e-ledger-key-0123456789abcdef"}
        reference = tmp_path / "reference"
        config = write_config(sandbox, reference, '[ledger]\nkey = "env:LEDGER_KEY"\n')
        started = time.monotonic()
        log = tmp_path / "sync.log"
        finish(start_sync(config, reference, env, log), log)
        duration = time.monotonic() - started
        expected = snapshot(graph_of(reference))
        assert len(expected["Document"]) > 500
        assert expected["Decision"], "the sandbox holds decisions"

        rng = random.Random(20261121)  # the moments are random, the test reproducible
        moments = sorted(rng.uniform(0.1, 0.95) * duration for _ in range(KILLS))
        for i, moment in enumerate(moments):
            state = tmp_path / f"killed-{i}"
            proc = start_sync(config, state, env, log)
            try:
                proc.wait(timeout=moment)  # the sync may finish first on a fast machine
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
            finish(start_sync(config, state, env, log), log)
            got = snapshot(graph_of(state))
            differing = sorted(t for t in expected if got.get(t) != expected[t])
            assert differing == [], f"killed at {moment:.1f}s: tables differ: {differing}"
