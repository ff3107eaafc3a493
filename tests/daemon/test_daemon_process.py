"""``siphon run`` as a real child process: signals, reload, systemd notify, API, queries."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ontology import GraphStore, graph_path
from tests.daemon.conftest import fake_block, wait_for, write_config

pytestmark = pytest.mark.slow


def cursor(state_dir: Path, name: str) -> int:
    path = state_dir / f"fake-{name}.cursor"
    return int(json.loads(path.read_text())["next"]) if path.exists() else 0


def documents(state_dir: Path, source: str) -> list[str]:
    with GraphStore(graph_path(state_dir), read_only=True) as store:
        rows = store.execute(
            "MATCH (d:Document) WHERE d.source = $s RETURN d.id ORDER BY d.id", {"s": source}
        )
    return [str(r[0]) for r in rows]


def test_sigterm_mid_sync_exits_0_and_a_restart_resumes_without_loss_or_doubles(
    tmp_path: Path, spawn: Any
) -> None:
    state = tmp_path / "state"
    config = write_config(
        tmp_path / "siphon.toml", state, fake_block("alpha", records=300, batch=10, delay=0.05)
    )
    first = spawn(config, state)
    first.wait_ready()
    wait_for(lambda: cursor(state, "alpha") >= 40, what="the sync to be under way")
    first.signal(signal.SIGTERM)
    assert first.stop() == 0, first.log()
    stopped_at = cursor(state, "alpha")
    assert 40 <= stopped_at < 300, "the stop must land mid-sync for this test to mean anything"
    assert "sync.interrupted" in first.log()
    assert "daemon.stopped" in first.log()
    assert not (state / "daemon.json").exists()

    second = spawn(config, state)
    second.wait_ready()
    done = wait_for(
        lambda: (c := second.connector("alpha")) and c["last_success_at"] and c,
        what="the resumed sync to finish",
    )
    assert done["documents"] == 300 - stopped_at  # resumed where it stopped, nothing re-read
    # While the daemon holds the graph, the analyst commands go through its API.
    cli = [sys.executable, "-m", "siphon_fake", "--config", str(config)]
    status = subprocess.run(
        [*cli, "status", "-f", "json"], capture_output=True, text=True, env=second.env, timeout=60
    )
    assert status.returncode == 0, status.stderr
    assert status.stdout, status.stderr
    [row] = json.loads(status.stdout)["rows"]
    assert (row[0], row[2]) == ("alpha", "ok")
    query = subprocess.run(
        [*cli, "query", "MATCH (d:Document) RETURN count(d)", "-f", "json"],
        capture_output=True,
        text=True,
        env=second.env,
        timeout=60,
    )
    assert json.loads(query.stdout)["rows"] == [[300]], query.stderr
    assert second.stop() == 0, second.log()

    assert documents(state, "alpha") == sorted(f"alpha:{i}" for i in range(300))
    batches = (state / "fake-alpha.batches").read_text().split()
    starts = [int(b.split("-")[0]) for b in batches]
    assert starts == list(range(0, 300, 10)), "every batch written exactly once"


def test_sighup_adds_a_connector_refuses_a_broken_config_and_notifies_systemd(
    tmp_path: Path, spawn: Any, daemon_env: dict[str, str]
) -> None:
    state = tmp_path / "state"
    config = write_config(tmp_path / "siphon.toml", state, fake_block("alpha", records=20))
    address = f"@siphon-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + address[1:])
    sock.settimeout(0.2)
    messages: list[str] = []
    done = threading.Event()

    def listen() -> None:
        while not done.is_set():
            try:
                messages.append(sock.recv(4096).decode())
            except TimeoutError:
                continue

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    try:
        daemon = spawn(config, state, {**daemon_env, "NOTIFY_SOCKET": address})
        daemon.wait_ready()
        wait_for(lambda: any("READY=1" in m for m in messages), what="READY=1")
        wait_for(lambda: (c := daemon.connector("alpha")) and c["last_success_at"], what="alpha")

        config.write_text(config.read_text() + fake_block("beta", records=15))
        daemon.signal(signal.SIGHUP)
        beta = wait_for(
            lambda: (c := daemon.connector("beta")) and c["last_success_at"] and c,
            what="the added connector to sync",
        )
        assert beta["documents"] == 15
        reloading = [m for m in messages if "RELOADING=1" in m]
        assert reloading
        assert "MONOTONIC_USEC=" in reloading[0]

        good = config.read_text()
        config.write_text(good + '[connectors.gamma]\ntype = "fake"\nrecords = -1\n')
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: "config.reload_refused" in daemon.log(), what="the refusal")
        log = daemon.log()
        assert "connectors.gamma.records" in log  # the problem is named
        names = [c["name"] for c in daemon.status()["connectors"]]
        assert names == ["alpha", "beta"]  # the old config keeps running
        assert daemon.get("/readyz").status_code == 200

        assert daemon.stop() == 0, daemon.log()
        wait_for(lambda: any("STOPPING=1" in m for m in messages), what="STOPPING=1")
    finally:
        done.set()
        listener.join(timeout=2)
        sock.close()
    assert sorted(documents(state, "beta")) == sorted(f"beta:{i}" for i in range(15))


def test_runaway_query_is_stopped_while_a_sync_completes_and_queries_are_answered(
    tmp_path: Path, spawn: Any
) -> None:
    state = tmp_path / "state"
    body = '[query]\ntimeout = "3s"\nmemory_mb = 256\n\n' + fake_block(
        "alpha", records=400, batch=10, delay=0.05
    )
    config = write_config(tmp_path / "siphon.toml", state, body)
    daemon = spawn(config, state)
    daemon.wait_ready()
    wait_for(lambda: cursor(state, "alpha") >= 20, what="the sync to be under way")

    runaway = daemon.post(
        "/query", json={"cypher": "UNWIND range(1, 100000000) AS x RETURN sum(x)"}
    )
    assert runaway.status_code in (408, 503), runaway.text
    error = runaway.json()
    assert error["kind"] in ("memory", "timeout")
    assert "memory" in error["error"] or "time limit" in error["error"]
    assert cursor(state, "alpha") < 400, "the runaway must have run while the sync was going"

    answered = 0
    while cursor(state, "alpha") < 400:
        ok = daemon.post("/query", json={"cypher": "MATCH (d:Document) RETURN count(d) AS n"})
        assert ok.status_code == 200, ok.text
        assert ok.json()["columns"] == ["n"]
        answered += 1
    assert answered >= 1
    finished = wait_for(
        lambda: (c := daemon.connector("alpha")) and c["last_success_at"] and c,
        what="the sync to complete",
    )
    assert finished["documents"] == 400
    assert finished["consecutive_failures"] == 0
    count = daemon.post("/query", json={"cypher": "MATCH (d:Document) RETURN count(d)"})
    assert count.json()["rows"] == [[400]]
    metrics = daemon.get("/metrics").text
    assert 'siphon_queries_total{outcome="memory"}' in metrics or (
        'siphon_queries_total{outcome="timeout"}' in metrics
    )
    assert daemon.stop() == 0, daemon.log()


def test_api_token_read_only_queries_metrics_and_health(
    tmp_path: Path, spawn: Any, daemon_env: dict[str, str]
) -> None:
    state = tmp_path / "state"
    body = '[api]\ntoken = "env:SIPHON_TEST_TOKEN"\n\n' + fake_block("alpha", records=12)
    config = write_config(tmp_path / "siphon.toml", state, "")
    config.write_text(
        config.read_text().replace("[api]\n", '[api]\ntoken = "env:SIPHON_TEST_TOKEN"\n')
    )
    config.write_text(config.read_text() + body.split("\n\n", 1)[1])
    daemon = spawn(config, state, {**daemon_env, "SIPHON_TEST_TOKEN": "s3cret-token"})
    daemon.wait_ready()
    good = {"Authorization": "Bearer s3cret-token"}
    wait_for(lambda: (c := daemon.connector("alpha", "s3cret-token")) and c["last_success_at"])

    query = {"cypher": "MATCH (d:Document) RETURN count(d)"}
    missing = daemon.post("/query", json=query)
    assert missing.status_code == 401
    assert "required" in missing.json()["error"]
    wrong = daemon.post("/query", json=query, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "wrong" in wrong.json()["error"]
    assert daemon.get("/status").status_code == 401

    write = daemon.post(
        "/query", json={"cypher": "CREATE (:Person {id: 'x', name: 'Mallory'})"}, headers=good
    )
    assert write.status_code == 400
    assert write.json()["kind"] == "refused"
    assert "read-only" in write.json()["error"]
    copy = daemon.post("/query", json={"cypher": "COPY Person FROM 'x.csv'"}, headers=good)
    assert copy.status_code == 400
    bad = daemon.post("/query", json={"cypher": "MATCH (n:Nope) RETURN n"}, headers=good)
    assert bad.status_code == 400
    assert bad.json()["kind"] == "bad_query"
    assert daemon.post("/query", content=b"{not json", headers=good).status_code == 400
    answer = daemon.post("/query", json=query, headers=good)
    assert answer.status_code == 200
    assert answer.json()["rows"] == [[12]]
    people = daemon.post(
        "/query", json={"cypher": "MATCH (p:Person {id: 'x'}) RETURN count(p)"}, headers=good
    )
    assert people.json()["rows"] == [[0]]  # the refused write left nothing behind

    assert daemon.get("/healthz").status_code == 200
    ready = daemon.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"scheduler": True, "graph": True}
    wait_for(lambda: "siphon_graph_nodes" in daemon.get("/metrics").text, what="graph stats")
    families = {f.name: f for f in text_string_to_metric_families(daemon.get("/metrics").text)}
    for name in (
        "siphon_connector_last_success_timestamp_seconds",
        "siphon_connector_freshness_lag_seconds",
        "siphon_connector_records",
        "siphon_connector_decisions",
        "siphon_connector_errors",
        "siphon_batch_write_seconds",
        "siphon_graph_nodes",
        "siphon_decision_traceability_ratio",
    ):
        assert name in families, name
    records = {
        tuple(s.labels.values()): s.value
        for s in families["siphon_connector_records"].samples
        if s.name.endswith("_total")
    }
    assert records[("alpha", "documents")] == 12
    batches = [
        s for s in families["siphon_batch_write_seconds"].samples if s.name.endswith("_count")
    ]
    assert batches
    assert batches[0].value >= 2
    assert "s3cret-token" not in daemon.log()
    assert daemon.stop() == 0


def test_start_refused_on_locked_graph_bad_config_and_second_daemon(
    tmp_path: Path, spawn: Any
) -> None:
    state = tmp_path / "state"
    config = write_config(tmp_path / "siphon.toml", state, fake_block("alpha", records=1))
    with GraphStore(graph_path(state)):  # another process-like holder of the graph
        locked = spawn(config, state)
        assert locked.proc.wait(timeout=30) == 1
    assert "in use by another process" in locked.log()

    broken = write_config(tmp_path / "broken.toml", state, "[graph]\nbatch_size = 0\n")
    bad = spawn(broken, state)
    assert bad.proc.wait(timeout=30) == 2
    assert "graph.batch_size" in bad.log()

    first = spawn(config, state)
    first.wait_ready()
    second = spawn(config, state)
    assert second.proc.wait(timeout=30) == 1
    assert "already uses the state dir" in second.log()
    assert first.stop() == 0


def test_second_signal_forces_exit_nonzero(tmp_path: Path, spawn: Any) -> None:
    state = tmp_path / "state"
    config = write_config(
        tmp_path / "siphon.toml",
        state,
        fake_block("alpha", records=100, batch=10, delay=1.0, ignore_stop=True),
    )
    daemon = spawn(config, state)
    daemon.wait_ready()
    daemon.signal(signal.SIGINT)
    wait_for(lambda: "daemon.stopping" in daemon.log(), what="the clean stop to begin")
    daemon.signal(signal.SIGINT)  # while the batch in flight holds the clean stop
    code = daemon.stop()
    assert code == 128 + signal.SIGINT  # forced, not a clean stop
    with pytest.raises(httpx.HTTPError):
        httpx.get(daemon.url + "/healthz", timeout=2)
