"""The config blocks the sandbox hands out validate against the real connector models."""

from __future__ import annotations

import os
import tomllib

import pytest

from connectors import registry
from connectors.sandbox import CONNECTOR_TYPES, Sandbox, connector_config
from tests.sandbox.conftest import NOW


def test_blocks_validate_against_each_connectors_config_model(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in sandbox.environ().items():
        monkeypatch.setenv(name, value)
    configs = sandbox.connector_configs({"slack": "workspace"})
    assert set(configs) == {"workspace", "jira", "hubspot", "salesforce"}
    for block in configs.values():
        model = registry.get(block["type"]).config_model
        config = model.model_validate(block)
        assert config.base_url == sandbox.base_urls()[block["type"]]
        secrets = [v for v in block.values() if isinstance(v, str) and v.startswith("env:")]
        assert secrets
        assert all(v[4:] in os.environ for v in secrets)
    assert configs["jira"]["projects"] == ["PLAT", "PAY"]
    assert configs["workspace"]["include_archived"] is True


def test_the_toml_parses_back_to_the_same_blocks(sandbox: Sandbox) -> None:
    parsed = tomllib.loads(sandbox.config_toml())
    assert parsed["connectors"] == sandbox.connector_configs()


def test_an_unknown_connector_type_gets_a_minimal_block() -> None:
    block = connector_config("jira-server", "http://127.0.0.1:1/x")
    assert block == {
        "type": "jira-server",
        "base_url": "http://127.0.0.1:1/x",
        "token": "env:SIPHON_SANDBOX_JIRA-SERVER_TOKEN",
    }
    assert set(CONNECTOR_TYPES) <= set(registry.names())


def test_base_urls_need_a_running_server() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        Sandbox(now=NOW).base_urls()
