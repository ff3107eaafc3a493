"""One contract every registered connector keeps, built-in or third-party."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend

from connectors import MODEL_OF, Connector, ConnectorConfig, registry

SECRET_VALUE = "contract-secret-value-{}"


def provide_secrets(
    block: Any,
    monkeypatch: pytest.MonkeyPatch,
    keyring: KeyringBackend,
    credentials: Path,
) -> list[str]:
    """Make every secret reference in an example config resolvable; return the values."""
    values: list[str] = []
    if isinstance(block, dict):
        for value in block.values():
            values += provide_secrets(value, monkeypatch, keyring, credentials)
    elif isinstance(block, list):
        for value in block:
            values += provide_secrets(value, monkeypatch, keyring, credentials)
    elif isinstance(block, str):
        kind, _, name = block.partition(":")
        value = SECRET_VALUE.format(name)
        if kind == "env" and name:
            monkeypatch.setenv(name, value)
        elif kind == "keyring" and name:
            keyring.set_password("siphon", name, value)
        elif kind == "credential" and name:
            credentials.mkdir(exist_ok=True)
            (credentials / name).write_text(value)
            monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
        elif kind == "file" and name and not Path(name).is_absolute():
            path = Path(name).expanduser()  # HOME and cwd are per-test directories
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(value)
        else:
            return values
        values.append(value)
    return values


@pytest.mark.parametrize("name", registry.names())
def test_connector_contract(
    name: str, monkeypatch: pytest.MonkeyPatch, memory_keyring: KeyringBackend, tmp_path: Path
) -> None:
    cls = registry.get(name)
    assert isinstance(cls, type)
    assert issubclass(cls, Connector)
    assert cls.type_name == name
    assert issubclass(cls.config_model, ConnectorConfig)

    example = cls.example_config()
    assert example["type"] == name
    secrets = provide_secrets(example, monkeypatch, memory_keyring, tmp_path / "credentials")
    config = cls.config_model.model_validate(example)
    # Dumping gives the references back, never a secret value.
    dumped = json.dumps(config.model_dump(mode="json"))
    for value in secrets:
        assert value not in dumped

    elsewhere = cls.config_model.model_validate(cls.example_config(base_url="http://127.0.0.1:9"))
    assert elsewhere.base_url == "http://127.0.0.1:9"

    with cls(f"contract-{name}", config) as connector:
        streams = connector.streams()
        assert streams, f"{name} declares no streams"
        names = [s.name for s in streams]
        assert len(names) == len(set(names)), f"{name} repeats a stream name: {names}"
        for stream in streams:
            assert stream.table in MODEL_OF, f"{name}.{stream.name}: unknown table {stream.table}"
            assert callable(stream.fetch)
            assert isinstance(stream.incremental, bool)
        assert any(s.table == "documents" and s.incremental for s in streams)
        assert connector.record_id("x1") == f"contract-{name}:x1"


@pytest.mark.parametrize("name", registry.names())
def test_a_connector_refuses_another_connectors_config(name: str) -> None:
    cls = registry.get(name)
    wrong = ConnectorConfig(type=name)  # the base model, not the plugin's own
    if cls.config_model is ConnectorConfig:
        pytest.skip(f"{name} takes the base config")
    with pytest.raises(TypeError, match=f"needs a {cls.config_model.__name__}"):
        cls(name, wrong)
