"""``siphon connectors``: list, test, add and remove connector instances.

``add`` appends a ``[connectors.NAME]`` table built from the plugin's ``example_config()`` to
the config file, leaving everything else in the file (comments included) as it was; it checks
the whole resulting config first and writes nothing when it would be invalid. Secret fields
take references only (``keyring:NAME``, ``env:VAR``, ``file:PATH``, ``credential:NAME``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from connectors import (
    ConnectorError,
    RegistryError,
    SecretResolutionError,
    registry,
    secrets_resolution,
)
from daemon._settings import ConfigError, find_config_file, load_config
from daemon.cli._common import (
    EXIT_USAGE,
    OutputFormat,
    console,
    err_console,
    fail,
    load,
    print_rows,
    report_config_error,
    state,
)
from daemon.cli._config import _to_toml

app = typer.Typer(help="List, test, add and remove connectors.", no_args_is_help=True)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


@app.command("list")
def list_(
    ctx: typer.Context,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """The configured connector instances, and every registered connector type."""
    loaded = load(ctx, resolve_secrets=False)
    rows = []
    for name, cfg in sorted(loaded.connectors.items()):
        schedule = cfg.schedule
        when = f"cron {schedule.cron}" if schedule.cron else f"every {schedule.interval}"
        rows.append([name, cfg.type, "yes" if cfg.enabled else "no", when, cfg.base_url or ""])
    print_rows(
        ["name", "type", "enabled", "schedule", "base_url"],
        rows,
        fmt,
        title=f"configured in {loaded.path or 'no config file'}",
    )
    plugins = [[p.name, p.value, p.distribution or "registered in-process"] for p in _plugins()]
    print_rows(["type", "plugin", "from"], plugins, fmt, title="registered connector types")


def _plugins() -> list[Any]:
    try:
        return list(registry.plugins())
    except RegistryError as exc:
        fail(str(exc))


@app.command("test")
def test(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A configured connector instance.")],
) -> None:
    """Authenticate and read one page; print a clear verdict. Exit 1 when it fails."""
    loaded = load(ctx)
    cfg = loaded.connectors.get(name)
    if cfg is None:
        known = ", ".join(sorted(loaded.connectors)) or "none"
        fail(f"no connector named {name!r} in the config (configured: {known})", EXIT_USAGE)
    try:
        cls = registry.get(cfg.type)
        with cls(name, cfg) as connector:
            result = connector.check()
    except RegistryError as exc:
        fail(str(exc))
    except ConnectorError as exc:
        err_console.print(f"[bold red]FAIL[/] {name} ({cfg.type}): {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    if result.ok:
        console.print(f"[bold green]OK[/] {name} ({cfg.type}): {result.summary}", soft_wrap=True)
    else:
        err_console.print(f"[bold red]FAIL[/] {name} ({cfg.type}): {result.summary}")
    for line in result.details:
        (console if result.ok else err_console).print(f"  {line}", soft_wrap=True, markup=False)
    if not result.ok:
        raise typer.Exit(1)


def _parse_value(raw: str) -> Any:
    """A ``--set`` value: a TOML value when it parses (numbers, booleans, lists, quoted
    strings), otherwise the plain string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _apply_set(block: dict[str, Any], pairs: list[str]) -> None:
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            fail(f"--set expects key=value, found {pair!r}", EXIT_USAGE)
        if key == "type":
            fail("--set type=... is not allowed: the type is the TYPE argument", EXIT_USAGE)
        target = block
        parts = key.split(".")
        for part in parts[:-1]:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                fail(f"--set {key}: {part} is not a table", EXIT_USAGE)
            target = child
        target[parts[-1]] = _parse_value(raw.strip())


def _config_target(ctx: typer.Context) -> Path:
    st = state(ctx)
    try:
        path = find_config_file(st.config_path, os.environ)
    except ConfigError as exc:
        if st.config_path is not None and not st.config_path.exists():
            return st.config_path  # `--config new.toml`: create it
        report_config_error(exc)
        raise typer.Exit(EXIT_USAGE) from None
    return path if path is not None else Path("siphon.toml")


def _write_checked(path: Path, text: str, ctx: typer.Context) -> None:
    """Validate ``text`` as the whole config, then replace ``path`` atomically."""
    st = state(ctx)
    directory = path.resolve().parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".siphon-", suffix=".toml", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            load_config(tmp, state_dir=st.state_dir, resolve_secrets=False)
        except ConfigError as exc:
            # Name the real file, not the temporary one.
            report_config_error(
                ConfigError(
                    [
                        dataclasses.replace(p, origin=p.origin.replace(str(tmp), str(path)))
                        for p in exc.problems
                    ]
                )
            )
            err_console.print(f"nothing was written to {path}")
            raise typer.Exit(EXIT_USAGE) from None
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


@app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="TYPE", help="A registered connector type.")],
    name: Annotated[str, typer.Option("--name", "-n", help="The new instance's name.")],
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            "-s",
            help="key=value over the plugin's example (dotted keys for tables, e.g. "
            "schedule.interval=5m); secrets as references such as keyring:NAME. Repeatable.",
        ),
    ] = None,
) -> None:
    """Add a connector instance to the config file, from the plugin's example config."""
    if not _NAME.match(name):
        fail(
            f"--name {name!r}: use letters, digits, '_' and '-', starting with a letter",
            EXIT_USAGE,
        )
    try:
        cls = registry.get(kind)
    except RegistryError as exc:
        fail(str(exc), EXIT_USAGE)
    path = _config_target(ctx)
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        existing = tomllib.loads(current).get("connectors", {})
    except tomllib.TOMLDecodeError as exc:
        fail(f"{path} is not valid TOML ({exc}); fix it first", EXIT_USAGE)
    if name in existing:
        fail(f"a connector named {name!r} already exists in {path}", EXIT_USAGE)
    block = {"type": kind, **{k: v for k, v in cls.example_config().items() if k != "type"}}
    _apply_set(block, settings or [])
    try:  # a literal secret is refused here, before anything is written
        with secrets_resolution(enabled=False):
            cls.config_model.model_validate(block)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            ctx_error = (error.get("ctx") or {}).get("error")
            key = ".".join(str(p) for p in error["loc"])
            if isinstance(ctx_error, SecretResolutionError):
                fail(f"connectors.{name}.{key}: {ctx_error}", EXIT_USAGE)
    addition = _to_toml(block, f"connectors.{_key(name)}")
    separator = (
        ""
        if not current or current.endswith("\n\n")
        else ("\n" if current.endswith("\n") else "\n\n")
    )
    _write_checked(path, current + separator + addition + "\n", ctx)
    console.print(f"added connector {name!r} ({kind}) to {path}")
    for key, value in _references(block):
        if value.startswith("keyring:"):
            console.print(f"  {key} = {value}: store it with `siphon secrets set {value[8:]}`")
        else:
            console.print(f"  {key} = {value}: make sure it resolves where siphon runs")
    console.print(
        f"check it with `siphon connectors test {name}`; a running daemon picks it up on "
        "reload (`systemctl reload siphon` or SIGHUP)"
    )


def _key(name: str) -> str:
    return name if re.match(r"^[A-Za-z0-9_-]+$", name) else f'"{name}"'


def _references(block: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for key, value in block.items():
        if isinstance(value, dict):
            out.extend(_references(value, f"{prefix}{key}."))
        elif isinstance(value, str) and re.match(r"^(keyring|env|file|credential):\S+$", value):
            out.append((prefix + key, value))
    return out


def remove_table(text: str, name: str) -> str | None:
    """``text`` without the ``[connectors.NAME]`` table and its sub-tables; None if absent.

    Comment and blank lines just before the next table stay: they usually belong to it.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    removing = False
    found = False
    pending: list[str] = []
    for line in lines:
        header = _HEADER.match(line)
        if header:
            parts = _split_key(header.group(1))
            ours = len(parts) >= 2 and parts[0] == "connectors" and parts[1] == name
            if ours:
                found = True
                removing = True
                pending = []
                continue
            if removing:
                out.extend(pending)
                pending = []
            removing = False
        if removing:
            if not line.strip() or line.lstrip().startswith("#"):
                pending.append(line)
            else:
                pending = []
            continue
        out.append(line)
    return "".join(out) if found else None


def _split_key(key: str) -> list[str]:
    parts = []
    for match in re.finditer(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s]+)', key):
        parts.append(next(g for g in match.groups() if g is not None))
    return parts


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The connector instance to remove.")],
) -> None:
    """Remove a connector instance's table from the config file (the graph keeps its data)."""
    path = _config_target(ctx)
    if not path.exists():
        fail(f"no config file at {path}", EXIT_USAGE)
    text = path.read_text(encoding="utf-8")
    updated = remove_table(text, name)
    if updated is None:
        try:
            inline = name in tomllib.loads(text).get("connectors", {})
        except tomllib.TOMLDecodeError:
            inline = False
        if inline:
            fail(
                f"connector {name!r} is written inline in {path}, which this command does not "
                "edit; remove it by hand",
                EXIT_USAGE,
            )
        fail(f"no connector named {name!r} in {path}", EXIT_USAGE)
    _write_checked(path, updated, ctx)
    console.print(
        f"removed connector {name!r} from {path}; a running daemon drops it on reload. Its "
        "documents stay in the graph."
    )
