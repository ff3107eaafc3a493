"""Settings: a TOML file, overridden by ``SIPHON_*`` environment variables, validated strictly.

Where the file comes from (first hit wins): ``--config``, ``$SIPHON_CONFIG``, ``./siphon.toml``,
``/etc/siphon/siphon.toml``. Nested keys in the environment use ``__``:
``SIPHON_GRAPH__BUFFER_POOL_MB=2048``, ``SIPHON_CONNECTORS__SLACK__TOKEN=env:SLACK_TOKEN``.
Every problem is reported at once, each naming the file (or variable), the key, what was
expected and what was found; secret values never appear.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from connectors import (
    ConnectorConfig,
    Duration,
    RegistryError,
    Secret,
    SecretResolutionError,
    StrictModel,
    registry,
    secrets_resolution,
)

ENV_PREFIX = "SIPHON_"
DEFAULT_CONFIG_PATHS = (Path("siphon.toml"), Path("/etc/siphon/siphon.toml"))


class GraphSettings(StrictModel):
    engine: Literal["kuzu", "ladybug"] = Field(
        default="kuzu", description="kuzu, or its maintained fork ladybug (same API)"
    )
    buffer_pool_mb: int | None = Field(
        default=None, ge=64, description="engine buffer pool; default: the engine's (80% of RAM)"
    )
    batch_size: int = Field(default=2000, ge=1, le=100_000, description="records per write")
    checkpoint_mb: int = Field(
        default=256,
        ge=1,
        description="write-ahead log size that triggers a checkpoint; larger is faster for big "
        "graphs (each checkpoint costs more as the graph grows) and slower to recover after a "
        "crash",
    )


class QuerySettings(StrictModel):
    timeout: Duration = Field(default=timedelta(seconds=30), description="per analyst query")
    max_rows: int = Field(default=10_000, ge=1, description="rows returned at most")
    memory_mb: int = Field(default=2048, ge=128, description="memory bound of the query worker")


class ApiSettings(StrictModel):
    enabled: bool = True
    listen: str = Field(default="127.0.0.1:8470", description="host:port of the HTTP API")
    token: Secret | None = Field(default=None, description="bearer token (a secret reference)")


class LogSettings(StrictModel):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["console", "json"] = "console"


class ExtractionSettings(StrictModel):
    model: str = Field(
        default="blank",
        description="'blank' (rules + the shipped classifier, no statistical model) or an "
        "installed spaCy pipeline name/path such as en_core_web_sm",
    )
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    workers: int | None = Field(
        default=None,
        ge=0,
        le=1,
        description="extra processes sharing each batch's extraction: 0 or 1; default 1 when "
        "the machine has two cores or more",
    )


class LedgerSettings(StrictModel):
    key: Secret | None = Field(
        default=None,
        description="HMAC key reference for sealing decisions; default: generated and kept in "
        "the state dir (readable only by the service user)",
    )


class Settings(BaseSettings):
    """The whole configuration. Connector blocks are validated by their plugin's model."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )
    toml_path: ClassVar[Path | None] = None

    state_dir: Path | None = Field(default=None, description="where the graph and cursors live")
    log: LogSettings = Field(default_factory=LogSettings)
    graph: GraphSettings = Field(default_factory=GraphSettings)
    query: QuerySettings = Field(default_factory=QuerySettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    ledger: LedgerSettings = Field(default_factory=LedgerSettings)
    connectors: dict[str, Any] = Field(
        default_factory=dict, description="connector instances by name; see each plugin"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls.toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_path))
        return tuple(sources)


@dataclass(frozen=True)
class ConfigProblem:
    origin: str
    key: str
    expected: str
    found: str | None

    def __str__(self) -> str:
        found = f", found {self.found}" if self.found is not None else ""
        return f"{self.origin}: {self.key}: expected {self.expected}{found}"


class ConfigError(Exception):
    """The configuration is wrong; ``problems`` says where and how. Exit status 2."""

    exit_code = 2

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class LoadedConfig:
    """Validated settings plus everything resolved from them."""

    settings: Settings
    path: Path | None
    state_dir: Path
    connectors: dict[str, ConnectorConfig]


def find_config_file(explicit: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The config file to read: ``--config``, ``$SIPHON_CONFIG``, ``./siphon.toml``,
    ``/etc/siphon/siphon.toml``; ``None`` when there is none (defaults apply)."""
    for candidate, origin in (
        (explicit, "--config"),
        (environ.get("SIPHON_CONFIG"), "SIPHON_CONFIG"),
    ):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_file():
                raise ConfigError(
                    [ConfigProblem(origin, "(file)", "an existing TOML file", str(path))]
                )
            return path
    for path in DEFAULT_CONFIG_PATHS:
        if path.is_file():
            return path
    return None


def resolve_state_dir(
    flag: Path | None, configured: Path | None, environ: Mapping[str, str]
) -> Path:
    """``--state-dir``, ``$SIPHON_STATE_DIR`` (or ``state_dir`` in the file), the systemd
    ``$STATE_DIRECTORY``, else the XDG data dir."""
    if flag is not None:
        return flag.expanduser()
    if configured is not None:  # the file's state_dir, or SIPHON_STATE_DIR overriding it
        return configured.expanduser()
    systemd = environ.get("STATE_DIRECTORY")
    if systemd:
        return Path(systemd.split(":")[0])
    xdg = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "siphon"


def load_config(
    config_path: Path | None = None,
    *,
    state_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    resolve_secrets: bool = True,
) -> LoadedConfig:
    """Find, read and validate the configuration; raise ``ConfigError`` listing every problem."""
    env = os.environ if environ is None else environ
    path = find_config_file(config_path, env)
    origin = str(path) if path else "defaults"
    problems: list[ConfigProblem] = []
    if path is not None:
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                [ConfigProblem(str(path), "(syntax)", "valid TOML", str(exc))]
            ) from None
        except OSError as exc:
            raise ConfigError(
                [ConfigProblem(str(path), "(file)", "a readable file", exc.strerror)]
            ) from None

    settings_cls = type("_FileSettings", (Settings,), {"toml_path": path})
    settings_cls.__module__ = Settings.__module__
    try:
        with secrets_resolution(enabled=resolve_secrets):
            settings: Settings = settings_cls()
    except ValidationError as exc:
        problems.extend(_problems(exc, origin, env, prefix=()))
        settings = _salvage(path)

    connectors: dict[str, ConnectorConfig] = {}
    for name, block in (settings.connectors or {}).items():
        key = f"connectors.{name}"
        if not isinstance(block, dict):
            problems.append(ConfigProblem(origin, key, "a table of connector options", repr(block)))
            continue
        block = {k: _maybe_json(v) for k, v in block.items()}
        kind = block.get("type")
        if not kind:
            problems.append(
                ConfigProblem(
                    _origin(origin, env, ("connectors", name, "type")),
                    f"{key}.type",
                    f"a connector type ({', '.join(registry.names())})",
                    None,
                )
            )
            continue
        try:
            model = registry.get(str(kind)).config_model
        except RegistryError as exc:
            problems.append(
                ConfigProblem(
                    _origin(origin, env, ("connectors", name, "type")),
                    f"{key}.type",
                    str(exc),
                    repr(kind),
                )
            )
            continue
        try:
            with secrets_resolution(enabled=resolve_secrets):
                connectors[name] = model.model_validate(block)
        except ValidationError as exc:
            problems.extend(_problems(exc, origin, env, prefix=("connectors", name)))

    if problems:
        raise ConfigError(problems)
    return LoadedConfig(
        settings=settings,
        path=path,
        state_dir=resolve_state_dir(state_dir, settings.state_dir, env),
        connectors=connectors,
    )


def _salvage(path: Path | None) -> Settings:
    """Best-effort settings after a validation error, so connector blocks are still checked."""
    data: dict[str, Any] = {}
    if path is not None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    connectors = data.get("connectors") if isinstance(data.get("connectors"), dict) else {}
    return Settings.model_construct(connectors=connectors or {})


def _maybe_json(value: Any) -> Any:
    """Environment values arrive as strings: decode JSON lists and tables."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _maybe_json(v) for k, v in value.items()}
    return value


_EXPECTED = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "path_type": "a path",
    "missing": "a value (this key is required)",
    "greater_than_equal": "a number >= {ge}",
    "less_than_equal": "a number <= {le}",
    "greater_than": "a number > {gt}",
    "less_than": "a number < {lt}",
    "literal_error": "one of {expected}",
    "url_parsing": "a URL",
}


def _origin(default: str, env: Mapping[str, str], loc: tuple[Any, ...]) -> str:
    var = ENV_PREFIX + "__".join(str(p) for p in loc).upper()
    lowered = {k.upper(): k for k in env}
    if var in lowered:
        return f"environment variable {lowered[var]}"
    return default


def _problems(
    exc: ValidationError, origin: str, env: Mapping[str, str], *, prefix: tuple[str, ...]
) -> list[ConfigProblem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        # A validator on a nested model tags its loc with the model; drop those markers.
        loc = tuple(p for p in loc if p not in ("function-after", "function-before"))
        key = ".".join(loc) or "(top level)"
        kind = err["type"]
        ctx = err.get("ctx") or {}
        secret_error = isinstance(ctx.get("error"), SecretResolutionError)
        if kind == "extra_forbidden":
            expected = "no such key (unknown key; check the spelling)"
        elif secret_error:
            expected = str(ctx["error"])
        elif kind in ("value_error", "assertion_error"):
            expected = str(ctx.get("error", err["msg"]))
        else:
            expected = _EXPECTED.get(kind, err["msg"]).format(**ctx)
        found: str | None
        if kind == "missing" or secret_error or _looks_secret(loc):
            found = None
        else:
            found = _show(err.get("input"))
        out.append(ConfigProblem(_origin(origin, env, loc), key, expected, found))
    return out


def _looks_secret(loc: tuple[str, ...]) -> bool:
    return any(
        p in ("token", "key", "password", "secret", "client_secret", "api_token") for p in loc
    )


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
