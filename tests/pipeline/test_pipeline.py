"""The dlt pipeline: cursor, lookback, idempotent re-delivery, failures, stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import daemon._pipeline as pipeline_module
from connectors import registry
from daemon._pipeline import (
    OpenGraph,
    SyncStopped,
    forget_ingestors,
    pipeline_name,
    pipelines_dir,
    sync_connector,
)
from daemon._settings import LoadedConfig, Settings
from ontology import GraphStore, graph_path
from tests.pipeline.fakes import T0, FakeConfig, FakeConnector, FakeWorld, fatal


@pytest.fixture(autouse=True)
def fake_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWorld]:
    # registered for this test only: a later test's own "fake" plugin must not meet this one
    monkeypatch.setitem(registry._extra, "fake", FakeConnector)
    FakeConnector.world = FakeWorld(messages=10)
    forget_ingestors()
    yield FakeConnector.world
    forget_ingestors()


def loaded(state: Path, **overrides: object) -> LoadedConfig:
    config = FakeConfig.model_validate({"type": "fake", "lookback": "1h", **overrides})
    return LoadedConfig(
        settings=Settings.model_construct(),
        path=None,
        state_dir=state,
        connectors={"fake": config},
    )


def texts(store: GraphStore) -> dict[str, str]:
    return dict(store.execute("MATCH (d:Document) WHERE d.source = 'fake' RETURN d.id, d.text"))


def test_first_sync_loads_everything_once(state_dir: Path, fake_plugin: FakeWorld) -> None:
    cfg = loaded(state_dir)
    with GraphStore(graph_path(state_dir)) as store:
        report = sync_connector(cfg, "fake", graph=OpenGraph(store))
        assert report.ok, report.error
        assert report.records == {"accounts": 2, "documents": 10}
        assert len(texts(store)) == 10
        assert store.execute("MATCH (s:Source {name: 'fake'}) RETURN s.status") == [["ok"]]
        assert report.cursor == T0 + timedelta(minutes=9)


def test_second_sync_rereads_only_the_lookback_and_adds_nothing(
    state_dir: Path, fake_plugin: FakeWorld
) -> None:
    cfg = loaded(state_dir)
    with GraphStore(graph_path(state_dir)) as store:
        sync_connector(cfg, "fake", graph=OpenGraph(store))
        before = store.counts()
        again = sync_connector(cfg, "fake", graph=OpenGraph(store))
        assert again.ok
        assert store.counts() == before
    assert fake_plugin.fetches[-1] == T0 + timedelta(minutes=9) - timedelta(hours=1)


def test_new_activity_and_edits_are_picked_up(state_dir: Path, fake_plugin: FakeWorld) -> None:
    cfg = loaded(state_dir)
    with GraphStore(graph_path(state_dir)) as store:
        sync_connector(cfg, "fake", graph=OpenGraph(store))
        fake_plugin.post(10, "A new message.", at=T0 + timedelta(hours=1))
        fake_plugin.edit(8, "Edited: we decided to keep Postgres.", T0 + timedelta(hours=2))
        report = sync_connector(cfg, "fake", graph=OpenGraph(store))
        assert report.ok
        found = texts(store)
        assert len(found) == 11
        assert found["fake:m8"] == "Edited: we decided to keep Postgres."
        assert found["fake:m10"] == "A new message."


def test_fatal_connector_error_is_reported_not_raised(
    state_dir: Path, fake_plugin: FakeWorld
) -> None:
    fake_plugin.fail_with = fatal()
    cfg = loaded(state_dir)
    with GraphStore(graph_path(state_dir)) as store:
        report = sync_connector(cfg, "fake", graph=OpenGraph(store))
        assert not report.ok
        assert report.error_kind == "fatal"
        assert "the token was revoked" in (report.error or "")
        rows = store.execute("MATCH (s:Source {name: 'fake'}) RETURN s.status, s.last_error")
        assert rows[0][0] == "fatal"
        # the failed extraction saved no cursor: the next good sync reads everything
        fake_plugin.fail_with = None
        again = sync_connector(cfg, "fake", graph=OpenGraph(store))
        assert again.ok
        assert len(texts(store)) == 10


def test_stop_during_load_leaves_the_rest_pending(state_dir: Path, fake_plugin: FakeWorld) -> None:
    cfg = loaded(state_dir)
    cfg.settings.graph.batch_size = 3
    stop = threading.Event()
    seen: list[int] = []

    def progress(table: str, n: int) -> None:
        seen.append(n)
        if len(seen) == 2:
            stop.set()

    with GraphStore(graph_path(state_dir)) as store:
        with pytest.raises(SyncStopped):
            sync_connector(cfg, "fake", graph=OpenGraph(store), stop=stop, progress=progress)
        partial = len(texts(store))
        assert partial < 10
        resumed = sync_connector(cfg, "fake", graph=OpenGraph(store))
        assert resumed.ok
        assert resumed.resumed_pending
        assert len(texts(store)) == 10


def test_dlt_load_polling_is_shortened() -> None:
    import inspect

    from dlt.load.load import Load

    from daemon._pipeline import LOAD_POLL_SECONDS

    patched = Load.__init__
    assert getattr(patched, "_siphon_patched", False)
    # the private attribute the patch sets must still be what the installed dlt sleeps on
    original = inspect.getsource(patched.__wrapped__)  # type: ignore[attr-defined]
    assert "self._run_loop_sleep_duration" in original
    assert "_run_loop_sleep_duration" in inspect.getsource(Load.load_single_package)
    assert LOAD_POLL_SECONDS < 0.1


def test_a_write_a_kill_interrupted_does_not_stop_later_syncs(
    state_dir: Path, fake_plugin: FakeWorld
) -> None:
    # dlt writes through a temporary file named by 16 hex digits, then renames it; a SIGKILL
    # in between leaves it, and dlt would take it for a schema name on every later run.
    cfg = loaded(state_dir)
    directory = pipelines_dir(state_dir) / pipeline_name("fake")
    with GraphStore(graph_path(state_dir)) as store:
        assert sync_connector(cfg, "fake", graph=OpenGraph(store)).ok
        left = [directory / "schemas" / "236f804b17dba46b", directory / "0123456789abcdef"]
        for path in left:
            path.write_bytes(b"")
        fake_plugin.post(10, "After the crash.", at=T0 + timedelta(hours=1))
        report = sync_connector(cfg, "fake", graph=OpenGraph(store))
        assert report.ok, report.error
        assert texts(store)["fake:m10"] == "After the crash."
    assert not any(path.exists() for path in left)
    assert (directory / "state.json").is_file()  # dlt's own files stay


def test_old_loaded_packages_do_not_pile_up(
    state_dir: Path, fake_plugin: FakeWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline_module, "KEEP_LOADED_PACKAGES", 2)
    cfg = loaded(state_dir)
    loaded_dir = pipelines_dir(state_dir) / pipeline_name("fake") / "load" / "loaded"
    with GraphStore(graph_path(state_dir)) as store:
        first = sync_connector(cfg, "fake", graph=OpenGraph(store))
        per_sync = len(list(loaded_dir.iterdir()))  # one package per stream
        assert first.ok
        assert per_sync >= 1
        for _ in range(3):
            assert sync_connector(cfg, "fake", graph=OpenGraph(store)).ok
    kept = sorted(p.name for p in loaded_dir.iterdir())
    assert len(kept) == 2 + per_sync  # the newest two before the last sync, and the last sync's
