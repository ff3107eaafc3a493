"""The shipped config, unit and Dockerfile stay valid and consistent with the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from connectors import ConnectorConfig, registry
from daemon._settings import Settings, load_config

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "siphon.example.toml"
SECRETS = {
    "SLACK_TOKEN": "xoxb-example",
    "JIRA_API_TOKEN": "jira-example",
    "HUBSPOT_TOKEN": "pat-example",
    "SALESFORCE_CLIENT_ID": "id-example",
    "SALESFORCE_CLIENT_SECRET": "secret-example",
}


def test_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    loaded = load_config(EXAMPLE)
    assert set(loaded.connectors) == {"slack", "jira", "hubspot", "salesforce"}
    assert loaded.connectors["slack"].schedule.interval.total_seconds() == 300


def test_example_config_documents_every_option() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for section, model in Settings.model_fields.items():
        if section == "connectors":
            continue
        assert re.search(rf"^#?\s*(\[{section}\]|{section} =)", text, re.M), section
        annotation = model.annotation
        fields = getattr(annotation, "model_fields", {})
        for key in fields:
            assert re.search(rf"^#?\s*{key} =", text, re.M), f"{section}.{key}"
    for key in ConnectorConfig.model_fields:
        assert key in text, f"connector option {key}"
    for name in ("slack", "jira", "hubspot", "salesforce"):
        model = registry.get(name).config_model
        after = text.split(f"[connectors.{name}]", 1)[1]
        block = re.split(rf"\n\[connectors\.(?!{name}\.)", after, maxsplit=1)[0]
        for key in set(model.model_fields) - set(ConnectorConfig.model_fields):
            assert re.search(rf"(^|\s|\[connectors\.{name}\.){key}\b", block), f"{name}.{key}"


def test_example_config_is_plain_toml() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["graph"]["engine"] == "kuzu"
