"""``siphon config``: check the configuration and show it resolved, secrets redacted."""

from __future__ import annotations

import tomllib
from typing import Any

import typer

from daemon.cli._common import console, load

app = typer.Typer(help="Check and show the configuration.", no_args_is_help=True)


@app.command("check")
def check(ctx: typer.Context) -> None:
    """Validate the config (file + SIPHON_* variables), resolve secrets, print the result.

    Secrets are shown by reference only (e.g. <secret env:SLACK_TOKEN>). Exits 2 listing every
    problem — file, key, what was expected and what was found — when the config is wrong.
    """
    loaded = load(ctx)
    source = str(loaded.path) if loaded.path else "no config file (defaults)"
    console.print(f"# config: {source}")
    console.print(f"# state dir: {loaded.state_dir}")
    data: dict[str, Any] = loaded.settings.model_dump(mode="json", exclude={"connectors"})
    data["state_dir"] = str(loaded.state_dir)
    data["connectors"] = {
        name: cfg.model_dump(mode="json") for name, cfg in loaded.connectors.items()
    }
    console.print(_to_toml(data), markup=False, highlight=False)
    console.print(f"# ok: {len(loaded.connectors)} connector(s) configured")


def _to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for display (tomllib reads only)."""
    scalars, tables = [], []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            scalars.append(f"{_key(key)} = {_value(value)}")
    out = []
    if prefix and scalars:
        out.append(f"[{prefix}]")
    out.extend(scalars)
    for key, value in tables:
        sub = f"{prefix}.{_key(key)}" if prefix else _key(key)
        block = _to_toml(value, sub)
        if block:
            out.append("")
            out.append(block)
    text = "\n".join(out)
    tomllib.loads(text) if not prefix else None  # what we print must be valid TOML
    return text


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else f'"{key}"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
