"""The admin and analyst commands, run in-process through the typer app."""

from __future__ import annotations

import io
import json
import tomllib
from contextlib import redirect_stdout
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from daemon._settings import load_config
from daemon.cli import app
from daemon.cli._connectors import remove_table
from daemon.cli._remote import GraphReader
from daemon.cli._shell import Shell
from ontology import GraphBatch, GraphStore, Ledger, graph_path, load_or_create_key
from tests.conftest import MemoryKeyring

runner = CliRunner()

CONFIG = """\
# the team's siphon
state_dir = "{state}"

[log]
level = "warning"  # keep it quiet

[connectors.one]
type = "fake"
records = 5

# the second one is kept
[connectors.two]
type = "fake"
"""


@pytest.fixture
def config(tmp_path: Path, fake_plugin: Path) -> Path:
    path = tmp_path / "siphon.toml"
    path.write_text(CONFIG.format(state=tmp_path / "state"))
    return path


def siphon(config: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["--config", str(config), *args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output + (result.stderr or "")


def test_connectors_add_appends_a_valid_block_and_keeps_the_rest(config: Path) -> None:
    before = config.read_text()
    code, out = siphon(
        config,
        "connectors",
        "add",
        "fake",
        "--name",
        "three",
        "--set",
        "records=7",
        "--set",
        "schedule.interval=5m",
        "--set",
        "token=keyring:three_token",
    )
    assert code == 0, out
    text = config.read_text()
    assert text.startswith(before)  # comments and other tables untouched
    block = tomllib.loads(text)["connectors"]["three"]
    assert block["type"] == "fake"
    assert block["records"] == 7
    assert block["schedule"]["interval"] == "5m"
    assert block["token"] == "keyring:three_token"
    assert "siphon secrets set three_token" in out
    loaded = load_config(config, resolve_secrets=False)
    assert sorted(loaded.connectors) == ["one", "three", "two"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fake", "--name", "one"], "already exists"),
        (["nosuch", "--name", "x"], "unknown connector type 'nosuch'"),
        (["fake", "--name", "x", "--set", "token=xoxb-literal-secret"], "literal value"),
        (["fake", "--name", "x", "--set", "records=-3"], "connectors.x.records"),
        (["fake", "--name", "bad name"], "--name"),
    ],
)
def test_connectors_add_refuses_bad_input_and_writes_nothing(
    config: Path, args: list[str], message: str
) -> None:
    before = config.read_text()
    code, out = siphon(config, "connectors", "add", *args)
    assert code == 2
    assert message in out
    assert "xoxb-literal-secret" not in out
    assert config.read_text() == before


def test_connectors_remove_drops_only_that_table(config: Path) -> None:
    code, out = siphon(config, "connectors", "remove", "one")
    assert code == 0, out
    text = config.read_text()
    assert "[connectors.one]" not in text
    assert "# the second one is kept\n[connectors.two]" in text
    assert "# the team's siphon" in text
    assert siphon(config, "connectors", "remove", "one")[0] == 2


def test_remove_table_handles_subtables_and_quoted_names() -> None:
    text = '[connectors."a b"]\ntype = "x"\n[connectors."a b".schedule]\ninterval = "1m"\n\n[api]\n'
    assert remove_table(text, "a b") == "\n[api]\n"
    assert remove_table(text, "zzz") is None


def test_connectors_list_and_test(config: Path) -> None:
    code, out = siphon(config, "connectors", "list")
    assert code == 0, out
    assert "one" in out
    assert "siphon_fake:FakeConnector" in out
    code, out = siphon(config, "connectors", "test", "one")
    assert code == 0, out
    assert "OK" in out
    config.write_text(config.read_text() + "fail = true\n")
    code, out = siphon(config, "connectors", "test", "two")
    assert code == 1
    assert "FAIL" in out
    assert "invalid_auth" in out
    assert siphon(config, "connectors", "test", "nope")[0] == 2


def test_secrets_set_list_delete(config: Path, memory_keyring: MemoryKeyring) -> None:
    config.write_text(config.read_text() + 'token = "keyring:two_token"\n')
    code, out = siphon(config, "secrets", "set", "one_token", input="hunter22\n")
    assert code == 0, out
    assert memory_keyring.store[("siphon", "one_token")] == "hunter22"
    code, out = siphon(config, "secrets", "list")
    assert code == 0, out
    assert "one_token" in out
    assert "two_token" in out
    assert "MISSING" in out
    assert "hunter22" not in out
    assert siphon(config, "secrets", "delete", "one_token")[0] == 0
    assert ("siphon", "one_token") not in memory_keyring.store
    code, out = siphon(config, "secrets", "delete", "one_token")
    assert code == 1
    assert "no secret named" in out
    assert siphon(config, "secrets", "set", "bad name", input="x\n")[0] == 2


@pytest.fixture
def graph(config: Path) -> Path:
    """A small graph with two sealed decisions, a precedent and a supersession."""
    state = config.parent / "state"
    with GraphStore(graph_path(state)) as store:
        ledger = Ledger(load_or_create_key(state))
        batch = GraphBatch()
        batch.node("Container", id="one:C1", name="#architecture", kind="channel")
        for doc, when in (("one:1", 1), ("one:2", 5)):
            batch.node(
                "Document",
                id=doc,
                kind="message",
                text=f"text of {doc}",
                url=f"https://x/{doc}",
                created_at=datetime(2024, 3, when),
            )
            batch.edge("IN", doc, "one:C1")
            batch.edge("AUTHORED", "person:ana", doc)
        batch.node("Person", id="person:ana", name="Ana Lima", emails=["ana@example.com"])
        batch.node("Entity", id="entity:postgres", name="Postgres")
        batch.node(
            "Decision",
            id="dec:old",
            statement="Use MySQL for billing",
            status="decided",
            decided_at=datetime(2024, 3, 1),
            origin="text",
        )
        batch.node(
            "Decision",
            id="dec:new",
            statement="Use Postgres for billing",
            status="decided",
            rationale="better JSON support",
            alternatives=["MySQL", "SQLite"],
            decided_at=datetime(2024, 3, 5),
            origin="text",
            confidence=0.9,
        )
        batch.edge("STATED_IN", "dec:old", "one:1", role="stated")
        batch.edge("STATED_IN", "dec:new", "one:2", role="stated")
        batch.edge("DECIDED_BY", "dec:new", "person:ana", role="decider")
        batch.edge("ABOUT", "dec:new", "entity:postgres")
        batch.edge("PRECEDENT", "dec:new", "dec:old", similarity=0.8)
        batch.edge("SUPERSEDES", "dec:new", "dec:old", reason="moving to")
        ledger.seal(store, batch)
        store.write(batch)
    return state


def test_decisions_filters(config: Path, graph: Path) -> None:
    code, out = siphon(config, "decisions", "--format", "json")
    assert code == 0, out
    rows = json.loads(out)["rows"]
    assert [r[0] for r in rows] == ["dec:new", "dec:old"]
    code, out = siphon(config, "decisions", "--by", "ana", "--about", "postgres", "-f", "json")
    assert [r[0] for r in json.loads(out)["rows"]] == ["dec:new"]
    code, out = siphon(config, "decisions", "--since", "2024-03-02", "-f", "json")
    assert [r[0] for r in json.loads(out)["rows"]] == ["dec:new"]
    code, out = siphon(config, "decisions", "--status", "rejected", "-f", "json")
    assert json.loads(out)["rows"] == []
    assert siphon(config, "decisions", "--since", "last week")[0] == 2


def test_trace_shows_the_whole_story(config: Path, graph: Path) -> None:
    code, out = siphon(config, "trace", "dec:new")
    assert code == 0, out
    for expected in (
        "Use Postgres for billing",
        "Ana Lima",
        "better JSON support",
        "MySQL; SQLite",
        "Postgres",
        "https://x/one:2",
        "#architecture",
        "Precedents",
        "Supersedes",
        "dec:old",
        "Ledger seq",
    ):
        assert expected in out, expected
    code, out = siphon(config, "trace", "dec:n", "--format", "json")  # a unique prefix
    assert json.loads(out)["supersedes"][0]["id"] == "dec:old"
    code, out = siphon(config, "trace", "dec:")
    assert code == 1
    assert "several" in out
    assert siphon(config, "trace", "nothing")[0] == 1


def test_verify_names_a_decision_edited_in_the_graph(config: Path, graph: Path) -> None:
    code, out = siphon(config, "verify")
    assert code == 0, out
    assert "ledger ok: 2 entries" in out
    with GraphStore(graph_path(graph)) as store:
        store.execute("MATCH (d:Decision {id: 'dec:old'}) SET d.statement = 'Use Oracle'")
    code, out = siphon(config, "verify")
    assert code == 1
    assert "dec:old" in out
    assert "differs" in out


def test_query_direct_is_read_only_and_status_reads_sources(config: Path, graph: Path) -> None:
    code, out = siphon(config, "query", "MATCH (d:Decision) RETURN count(d) AS n", "-f", "json")
    assert code == 0, out
    assert json.loads(out)["rows"] == [[2]]
    code, out = siphon(config, "query", "MATCH (d:Decision) DETACH DELETE d")
    assert code == 1
    assert "read-only" in out
    code, out = siphon(config, "status")
    assert code == 0, out
    assert "daemon not running" in out
    assert "never synced" in out


def test_shell_runs_statements_and_commands(config: Path, graph: Path) -> None:
    lines = iter(
        [
            ":help",
            ":schema",
            ":format json",
            "MATCH (d:Decision)",
            "RETURN d.id ORDER BY d.id;",
            "CREATE (:Person {id: 'x'});",
            ":bogus",
            ":quit",
        ]
    )

    def read_line(prompt: str) -> str:
        return next(lines)

    reader = GraphReader(load_config(config, resolve_secrets=False))
    shell = Shell(reader, read_line=read_line)
    buffer = io.StringIO()
    try:
        with redirect_stdout(buffer):
            shell.loop()
    finally:
        reader.close()
    assert shell.fmt.value == "json"
    assert '"rows": [["dec:new"], ["dec:old"]]' in buffer.getvalue()
    assert "shell" in runner.invoke(app, ["--help"]).output  # and the command is registered
