"""``siphon extract``: one JSON object per input line, in order; bad lines reported."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from daemon.cli import app

runner = CliRunner()


def run(args: list[str], stdin: str | None = None) -> tuple[int, list[str], str]:
    result = runner.invoke(app, ["extract", *args], input=stdin)
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_plain_and_json_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(
        "We decided to use Kafka instead of RabbitMQ because it scales better.\n"
        '{"id": "m2", "text": "Should we use Kafka?", "author": "bob"}\n'
        "\n"
        '{"id": 4, "text": "ok, let\'s do that", "author": "maria", '
        '"parent": {"id": "p1", "text": "I propose we move billing to Postgres."}}\n',
        encoding="utf-8",
    )
    code, lines, _ = run([str(source)])
    assert code == 0
    assert len(lines) == 4
    first, second, third, fourth = (json.loads(line) for line in lines)
    assert set(first) == {"decisions", "entities"}
    d = first["decisions"][0]
    assert (d["statement"], d["status"], d["polarity"]) == ("use Kafka", "decided", "do")
    assert (d["rationale"], d["alternatives"]) == ("it scales better", ["RabbitMQ"])
    assert (d["start"], d["end"]) == (0, 69)
    assert 0.5 <= d["confidence"] <= 1
    assert [e["text"] for e in first["entities"]] == ["Kafka", "RabbitMQ"]
    assert second == {"id": "m2", "decisions": [], "entities": second["entities"]}
    assert third == {"decisions": [], "entities": []}
    assert fourth["id"] == 4
    assert fourth["decisions"][0]["confirms_document"] == "p1"
    assert fourth["decisions"][0]["decided_by"] == ["maria"]


def test_bad_lines_keep_alignment_and_fail_at_the_end() -> None:
    stdin = (
        'Let\'s use Kafka.\n{"text": oops}\n{"id": 3}\n["a list"]\nWe decided against MongoDB.\n'
    )
    code, lines, stderr = run(["-"], stdin)
    assert code == 1
    assert len(lines) == 5
    objs = [json.loads(line) for line in lines]
    assert objs[0]["decisions"][0]["statement"] == "use Kafka"
    assert objs[1]["line"] == 2
    assert "invalid JSON" in objs[1]["error"]
    assert objs[1]["decisions"] == []
    assert objs[1]["entities"] == []
    assert "line 3" in objs[2]["error"]
    assert "'text'" in objs[2]["error"]
    assert objs[3] == {"decisions": [], "entities": []}  # not an object: plain text
    assert objs[4]["decisions"][0]["status"] == "rejected"
    assert "line 2: invalid JSON" in stderr
    assert "2 lines could not be read" in stderr


def test_table_format() -> None:
    code, lines, _ = run(["--format", "table"], "Maria approved the move to Postgres by Friday.\n")
    assert code == 0
    out = "\n".join(lines)
    assert "Decisions" in out
    assert "Entities" in out
    assert "Maria" in out
    assert "Postgres" in out


def test_missing_file_and_model() -> None:
    code, _, stderr = run(["/nonexistent/in.txt"])
    assert code == 2
    assert "cannot read" in stderr
    code, _, stderr = run(["--model", "en_core_web_nonexistent", "-"], "hi\n")
    assert code == 2
    assert "not installed" in stderr
