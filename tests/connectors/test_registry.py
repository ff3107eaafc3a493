"""The plugin mechanism: connectors found by entry point, third-party ones included."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from connectors import ConnectorRegistry, Record, RegistryError, registry
from connectors.jira import JiraConnector
from connectors.slack import SlackConnector

TINY_PLUGIN = textwrap.dedent(
    '''
    """A third-party connector written against the public ``connectors`` API only."""

    from __future__ import annotations

    from collections.abc import Iterator, Sequence
    from datetime import datetime
    from typing import Any

    import httpx

    from connectors import (
        AnyRecord, CheckResult, Connector, ConnectorConfig, Record, Secret, Stream, make_client,
    )


    class TinyConfig(ConnectorConfig):
        api_key: Secret


    class TinyConnector(Connector):
        type_name = "tiny"
        config_model = TinyConfig
        default_base_url = "https://tiny.test"

        @classmethod
        def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
            config = {"type": "tiny", "api_key": "env:TINY_API_KEY"}
            return config | ({"base_url": base_url} if base_url else {})

        def make_client(self) -> httpx.Client:
            key = self.config.api_key.get_secret_value()
            return make_client(base_url=self.base_url, headers={"X-Api-Key": key})

        def streams(self) -> Sequence[Stream]:
            return [Stream("notes", "documents", self.fetch_notes)]

        def fetch_notes(self, since: datetime | None) -> Iterator[AnyRecord]:
            notes = self.api.get_json("/notes")["notes"]

            def convert(note: dict[str, Any]) -> Record:
                return Record(
                    id=self.record_id(note["id"]), source=self.name, source_type="tiny",
                    kind="note", text=note["text"], created_at=note["at"], updated_at=note["at"],
                )

            yield from self.map_each(notes, convert, id_of=lambda n: self.record_id(n.get("id")))

        def check(self) -> CheckResult:
            self.api.get_json("/notes")
            return CheckResult(ok=True, summary="tiny answers")
    '''
)


def install(root: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """Lay out an installed distribution the way pip would: a dist-info dir plus modules."""
    info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = ["[siphon.connectors]", *(f"{name} = {ref}" for name, ref in entry_points.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(source)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh directory on ``sys.path``; modules imported from it are forgotten afterwards."""
    root = tmp_path / "site-packages"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    before = set(sys.modules)
    yield root
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith(str(root)):
            del sys.modules[name]


def test_a_third_party_connector_is_found_by_name_without_core_changes(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(
        site,
        "siphon-tiny",
        {"tiny": "siphon_tiny_plugin:TinyConnector"},
        {"siphon_tiny_plugin": TINY_PLUGIN},
    )
    plugins = ConnectorRegistry()
    assert {"tiny", "slack", "jira"} <= set(plugins.names())
    cls = plugins.get("tiny")
    assert cls.__name__ == "TinyConnector"
    assert cls.type_name == "tiny"
    (info,) = [p for p in plugins.plugins() if p.name == "tiny"]
    assert info.distribution == "siphon-tiny 1.0"
    assert info.value == "siphon_tiny_plugin:TinyConnector"

    # And it works like a built-in: config with a secret reference, HTTP through the core.
    monkeypatch.setenv("TINY_API_KEY", "tiny-key-123")
    config = cls.config_model.model_validate(cls.example_config())
    with respx.mock(base_url="https://tiny.test", assert_all_called=True) as mock:
        route = mock.get("/notes").mock(
            return_value=httpx.Response(
                200,
                json={
                    "notes": [
                        {"id": "n1", "text": "we chose tea", "at": "2026-01-01T00:00:00Z"},
                        {"id": "n2", "text": "no timestamp"},
                    ]
                },
            )
        )
        with cls("my-tiny", config) as tiny:
            records = list(tiny.streams()[0].fetch(None))
            assert tiny.skipped == 1
    assert [r.id for r in records] == ["my-tiny:n1"]
    assert isinstance(records[0], Record)
    assert route.calls[0].request.headers["X-Api-Key"] == "tiny-key-123"


def test_duplicate_names_across_distributions_are_refused(site: Path) -> None:
    install(site, "siphon-one", {"dupe": "siphon_one:Connector"}, {})
    install(site, "siphon-two", {"dupe": "siphon_two:Connector"}, {})
    with pytest.raises(RegistryError) as caught:
        ConnectorRegistry().names()
    message = str(caught.value)
    assert "'dupe'" in message
    assert "siphon-one 1.0" in message
    assert "siphon-two 1.0" in message
    assert "uninstall one" in message


def test_a_plugin_that_shadows_a_built_in_is_refused(site: Path) -> None:
    install(site, "siphon-evil", {"slack": "siphon_evil:SlackConnector"}, {})
    with pytest.raises(RegistryError, match="two plugins claim the connector name 'slack'"):
        ConnectorRegistry().get("slack")


def test_broken_plugins_get_clear_errors(site: Path) -> None:
    install(
        site,
        "siphon-broken",
        {"notaclass": "siphon_broken:VALUE", "crashes": "siphon_crashes:Anything"},
        {"siphon_broken": "VALUE = 42\n", "siphon_crashes": "raise ImportError('needs libfoo')\n"},
    )
    plugins = ConnectorRegistry()
    with pytest.raises(RegistryError, match="not a Connector subclass"):
        plugins.get("notaclass")
    with pytest.raises(RegistryError, match="failed to load: needs libfoo"):
        plugins.get("crashes")
    with pytest.raises(RegistryError, match=r"unknown connector type 'nope'.*slack"):
        plugins.get("nope")


def test_registering_by_hand_refuses_a_taken_name() -> None:
    plugins = ConnectorRegistry()
    with pytest.raises(RegistryError, match="already registered"):
        plugins.register("jira", SlackConnector)


def test_built_in_connectors_come_through_the_same_entry_points() -> None:
    assert registry.get("slack") is SlackConnector
    assert registry.get("jira") is JiraConnector
    sources = {p.name: p.distribution for p in registry.plugins()}
    assert sources["slack"] is not None
    assert sources["slack"].startswith("ambient-siphon ")
