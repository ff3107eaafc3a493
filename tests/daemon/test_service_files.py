"""The systemd unit and the Dockerfile, exercised without systemd running or a Docker engine."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.daemon.conftest import REPO, fake_block, write_config

UNIT = REPO / "config" / "siphon.service"
DOCKERFILE = REPO / "Dockerfile"
VENV_BIN = Path(sys.executable).parent


def _systemd_analyze() -> str | None:
    found = shutil.which("systemd-analyze")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    # Debian's systemd package brings it; install it only when that is quick and quiet.
    try:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", "systemd"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True,
            timeout=180,
            check=True,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    return shutil.which("systemd-analyze")


def unit_settings(text: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


@pytest.mark.skipif(not UNIT.exists(), reason="config/siphon.service is not in the tree yet")
def test_the_systemd_unit_verifies_and_runs_siphon_as_a_notify_service(tmp_path: Path) -> None:
    analyze = _systemd_analyze()
    if analyze is None:
        pytest.skip(
            "systemd-analyze is missing and Debian's systemd package could not be installed"
        )
    text = UNIT.read_text()
    settings = unit_settings(text)
    assert settings.get("Type", [""])[-1] in ("notify", "notify-reload")
    exec_start = shlex.split(settings["ExecStart"][-1].lstrip("@-:+!"))
    assert Path(exec_start[0]).name == "siphon"
    assert "run" in exec_start
    if settings.get("Type", [""])[-1] == "notify":
        assert any("HUP" in v or "kill" in v for v in settings.get("ExecReload", [])), (
            "a notify unit reloads with SIGHUP"
        )
    # verify needs the executable to exist: point it at this checkout's siphon.
    local = text.replace(exec_start[0], str(VENV_BIN / "siphon"))
    copy = tmp_path / "siphon.service"
    copy.write_text(local)
    result = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "siphon.service" in line and "Unknown section 'Install'" not in line
    ]
    assert result.returncode == 0, result.stderr
    assert problems == []


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    out: list[tuple[str, str]] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        word, _, rest = current.partition(" ")
        out.append((word.upper(), rest.strip()))
        current = ""
    return out


def command_of(args: str) -> list[str]:
    """An exec-form (JSON) or shell-form command as argv."""
    if args.startswith("["):
        parsed: list[str] = json.loads(args)
        return parsed
    return ["/bin/sh", "-c", args]


@pytest.mark.skipif(not DOCKERFILE.exists(), reason="the Dockerfile is not in the tree yet")
def test_the_docker_entrypoint_and_healthcheck_work_without_docker(
    tmp_path: Path, spawn: Any, daemon_env: dict[str, str]
) -> None:
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    entry = [command_of(a) for i, a in instructions if i == "ENTRYPOINT"]
    cmd = [command_of(a) for i, a in instructions if i == "CMD"]
    health = [a for i, a in instructions if i == "HEALTHCHECK"]
    assert entry, "the image needs an ENTRYPOINT"
    assert health, "the image needs a HEALTHCHECK"
    argv = entry[-1] + (cmd[-1] if cmd else [])
    env = {**daemon_env, "PATH": f"{VENV_BIN}{os.pathsep}{daemon_env.get('PATH', '')}"}
    program = shutil.which(Path(argv[0]).name, path=env["PATH"])
    assert program, f"the entrypoint {argv[0]} is not installed by the project"
    assert "run" in argv, "the container runs the daemon"
    helped = subprocess.run(
        [program, *argv[1:], "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert helped.returncode == 0, helped.stderr

    check_args = health[-1].split("CMD", 1)[1].strip()
    check = command_of(check_args)
    state = tmp_path / "state"
    port = _free_port()
    config = write_config(
        tmp_path / "siphon.toml", state, fake_block("alpha", records=1), listen=f"127.0.0.1:{port}"
    )
    check = [part.replace("8470", str(port)) for part in check]
    daemon = spawn(config, state)
    daemon.wait_ready()
    env["SIPHON_CONFIG"] = str(config)
    alive = subprocess.run(check, capture_output=True, text=True, env=env, timeout=60)
    assert alive.returncode == 0, alive.stdout + alive.stderr
    assert daemon.stop() == 0
    down = subprocess.run(check, capture_output=True, text=True, env=env, timeout=60)
    assert down.returncode != 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
