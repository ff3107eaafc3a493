"""Settings: file discovery, precedence, env overrides, state dir, secret references."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors import ResolvedSecret, redact, resolve_reference
from connectors._secrets import SecretResolutionError
from daemon._settings import ConfigError, load_config, resolve_state_dir
from tests.conftest import MemoryKeyring


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    loaded = load_config(environ={"HOME": str(tmp_path)})
    assert loaded.path is None
    assert loaded.settings.graph.engine == "kuzu"
    assert loaded.settings.query.timeout.total_seconds() == 30
    assert loaded.connectors == {}


def test_file_discovery_order(tmp_path: Path) -> None:
    explicit = write(tmp_path / "explicit.toml", "[graph]\nbatch_size = 11\n")
    from_env = write(tmp_path / "env.toml", "[graph]\nbatch_size = 22\n")
    write(Path("siphon.toml"), "[graph]\nbatch_size = 33\n")  # cwd is per test
    env = {"SIPHON_CONFIG": str(from_env)}
    assert load_config(explicit, environ=env).settings.graph.batch_size == 11
    assert load_config(None, environ=env).settings.graph.batch_size == 22
    assert load_config(None, environ={}).settings.graph.batch_size == 33
    assert load_config(None, environ={}).path == Path("siphon.toml")


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml", environ={})
    assert "--config" in str(info.value)
    assert "nope.toml" in str(info.value)


def test_environment_overrides_file_including_nested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "s.toml", '[graph]\nbatch_size = 10\n[query]\ntimeout = "5s"\n')
    monkeypatch.setenv("SIPHON_GRAPH__BATCH_SIZE", "500")
    loaded = load_config(path)
    assert loaded.settings.graph.batch_size == 500  # env wins
    assert loaded.settings.query.timeout.total_seconds() == 5  # file value kept


def test_state_dir_precedence(tmp_path: Path) -> None:
    flag, configured = tmp_path / "flag", tmp_path / "conf"
    env = {"STATE_DIRECTORY": "/var/lib/siphon:/other", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert resolve_state_dir(flag, configured, env) == flag
    assert resolve_state_dir(None, configured, env) == configured
    assert resolve_state_dir(None, None, env) == Path("/var/lib/siphon")
    assert resolve_state_dir(None, None, {"XDG_DATA_HOME": str(tmp_path / "x")}) == (
        tmp_path / "x" / "siphon"
    )


def test_siphon_state_dir_env_beats_file_and_systemd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "s.toml", f'state_dir = "{tmp_path / "from-file"}"\n')
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "systemd"))
    assert load_config(path).state_dir == tmp_path / "from-file"
    monkeypatch.setenv("SIPHON_STATE_DIR", str(tmp_path / "from-env"))
    assert load_config(path).state_dir == tmp_path / "from-env"
    assert load_config(path, state_dir=tmp_path / "flag").state_dir == tmp_path / "flag"


def test_three_problems_reported_at_once_without_the_secret(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.toml",
        '[graph]\nbatch_size = "lots"\ncolour = "blue"\n[api]\ntoken = "env:NOT_SET_TOKEN"\n',
    )
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    problems = {p.key: p for p in info.value.problems}
    assert set(problems) == {"graph.batch_size", "graph.colour", "api.token"}
    assert problems["graph.batch_size"].expected == "an integer"
    assert problems["graph.batch_size"].found == "'lots'"
    assert "unknown key" in problems["graph.colour"].expected
    assert "NOT_SET_TOKEN is not set" in problems["api.token"].expected
    assert all(p.origin == str(path) for p in info.value.problems)


def test_env_origin_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIPHON_QUERY__MAX_ROWS", "many")
    with pytest.raises(ConfigError) as info:
        load_config(None)
    (problem,) = info.value.problems
    assert problem.origin == "environment variable SIPHON_QUERY__MAX_ROWS"
    assert problem.key == "query.max_rows"


def test_literal_secret_is_refused_and_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", '[api]\ntoken = "xoxb-super-secret-value"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    text = str(info.value)
    assert "xoxb-super-secret-value" not in text
    assert "expected a secret reference" in text


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "[graph\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert str(path) in str(info.value)
    assert "valid TOML" in str(info.value)


# -- secret references -------------------------------------------------------------------


def test_env_reference() -> None:
    secret = resolve_reference("env:MY_TOKEN", environ={"MY_TOKEN": "abc-123-xyz"})
    assert isinstance(secret, ResolvedSecret)
    assert secret.get_secret_value() == "abc-123-xyz"
    assert "abc-123-xyz" not in repr(secret)
    assert "abc-123-xyz" not in str(secret)
    assert str(secret) == "<secret env:MY_TOKEN>"


def test_file_reference(tmp_path: Path) -> None:
    path = write(tmp_path / "token", "file-secret-value\n")
    assert resolve_reference(f"file:{path}").get_secret_value() == "file-secret-value"
    with pytest.raises(SecretResolutionError, match="does not exist"):
        resolve_reference(f"file:{tmp_path / 'missing'}")
    write(tmp_path / "empty", "  \n")
    with pytest.raises(SecretResolutionError, match="is empty"):
        resolve_reference(f"file:{tmp_path / 'empty'}")


def test_credential_reference(tmp_path: Path) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    write(creds / "slack-token", "cred-secret-value")
    env = {"CREDENTIALS_DIRECTORY": str(creds)}
    assert resolve_reference("credential:slack-token", environ=env).get_secret_value() == (
        "cred-secret-value"
    )
    with pytest.raises(SecretResolutionError, match="CREDENTIALS_DIRECTORY"):
        resolve_reference("credential:slack-token", environ={})


def test_keyring_reference(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("siphon", "jira-token", "keyring-secret-value")
    assert resolve_reference("keyring:jira-token").get_secret_value() == "keyring-secret-value"
    with pytest.raises(SecretResolutionError, match="siphon secrets set other"):
        resolve_reference("keyring:other")


def test_resolved_values_are_redacted_everywhere() -> None:
    resolve_reference("env:T", environ={"T": "redact-me-please"})
    assert redact("token was redact-me-please!") == "token was ***!"


def test_secret_in_config_is_resolved_and_shown_by_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_TOKEN", "bearer-value-123")
    path = write(tmp_path / "s.toml", '[api]\ntoken = "env:API_TOKEN"\n')
    loaded = load_config(path)
    assert loaded.settings.api.token is not None
    assert loaded.settings.api.token.get_secret_value() == "bearer-value-123"
    dumped = loaded.settings.model_dump(mode="json")
    assert dumped["api"]["token"] == "env:API_TOKEN"
    assert "bearer-value-123" not in repr(loaded.settings)


def test_secrets_not_resolved_when_not_needed(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", '[api]\ntoken = "env:ABSENT"\n')
    loaded = load_config(path, environ={}, resolve_secrets=False)
    assert loaded.settings.api.token is not None
    with pytest.raises(ConfigError):
        load_config(path, environ={})
    assert os.environ.get("ABSENT") is None
