"""The command line as a user runs it: real subprocesses, exit codes, output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ontology import GraphBatch, GraphStore, graph_path


def siphon(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "daemon", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {}), "COLUMNS": "200"},
        timeout=120,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = siphon("--help")
    assert result.returncode == 0
    for command in ("config", "query", "status"):
        assert command in result.stdout


def test_config_check_reports_three_problems_and_hides_secrets(tmp_path: Path) -> None:
    config = tmp_path / "siphon.toml"
    config.write_text(
        "[graph]\n"
        'batch_size = "lots"\n'
        "[query]\n"
        "max_rowz = 5\n"
        "[api]\n"
        'token = "env:SIPHON_TEST_MISSING_TOKEN"\n'
        "[ledger]\n"
        'key = "env:LEDGER_KEY"\n',
        encoding="utf-8",
    )
    result = siphon(
        "--config", str(config), "config", "check", env={"LEDGER_KEY": "s3cr3t-ledger-k3y"}
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    assert lines[0] == "error: the configuration has 3 problems:"
    assert f"{config}: graph.batch_size: expected an integer, found 'lots'" in lines
    assert any(line.startswith(f"{config}: query.max_rowz: expected no such key") for line in lines)
    assert any(
        "api.token: expected environment variable SIPHON_TEST_MISSING_TOKEN is not set" in line
        for line in lines
    )
    assert "s3cr3t-ledger-k3y" not in result.stderr + result.stdout


def test_config_check_prints_resolved_config_with_references_only(tmp_path: Path) -> None:
    config = tmp_path / "siphon.toml"
    config.write_text('[api]\ntoken = "env:API_TOKEN"\n[graph]\nbatch_size = 100\n')
    result = siphon(
        "--config",
        str(config),
        "--state-dir",
        str(tmp_path / "st"),
        "config",
        "check",
        env={"API_TOKEN": "very-secret-bearer"},
    )
    assert result.returncode == 0, result.stderr
    assert 'token = "env:API_TOKEN"' in result.stdout
    assert "batch_size = 100" in result.stdout
    assert f'state_dir = "{tmp_path / "st"}"' in result.stdout
    assert "very-secret-bearer" not in result.stdout + result.stderr


def _graph(state: Path) -> None:
    with GraphStore(graph_path(state)) as store:
        batch = GraphBatch()
        batch.node("Source", name="slack", type="slack", status="ok")
        batch.node("Document", id="slack:1", source="slack", kind="message", text="hello")
        batch.node("Decision", id="d1", statement="Use Postgres", status="decided")
        store.write(batch)


def test_query_formats_and_params(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _graph(state)
    result = siphon(
        "query",
        "MATCH (d:Document {source: $s}) RETURN d.id AS id, d.text AS text",
        "--param",
        "s=slack",
        "--format",
        "json",
        "--state-dir",
        str(state),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"columns": ["id", "text"], "rows": [["slack:1", "hello"]]}
    csv_out = siphon(
        "query",
        "MATCH (d:Decision) RETURN d.id, d.statement",
        "-f",
        "csv",
        "--state-dir",
        str(state),
    )
    assert csv_out.stdout.splitlines() == ["d.id,d.statement", "d1,Use Postgres"]


def test_query_refuses_writes_with_a_clear_message(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _graph(state)
    result = siphon(
        "query", "MATCH (d:Decision) SET d.statement = 'forged'", "--state-dir", str(state)
    )
    assert result.returncode == 1
    assert "queries are read-only" in result.stderr
    check = siphon(
        "query", "MATCH (d:Decision) RETURN d.statement", "-f", "csv", "--state-dir", str(state)
    )
    assert check.stdout.splitlines()[1] == "Use Postgres"


def test_query_without_a_graph_says_how_to_get_one(tmp_path: Path) -> None:
    result = siphon("query", "MATCH (n) RETURN n", "--state-dir", str(tmp_path / "empty"))
    assert result.returncode == 1
    assert "no graph at" in result.stderr
    assert "siphon sync" in result.stderr


def test_status_lists_sources_and_totals(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _graph(state)
    result = siphon("status", "--state-dir", str(state), "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["rows"][0][:2] == ["slack", "slack"]
    assert payload["rows"][0][4] == 1
