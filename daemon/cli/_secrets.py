"""``siphon secrets``: keep connector credentials in the system keyring (service "siphon").

Config files then say ``token = "keyring:NAME"``. The keyring has no way to list entries, so
the names (never the values) are kept in an index entry of their own.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Annotated

import typer

from connectors import KEYRING_SERVICE
from daemon._settings import ConfigError, load_config
from daemon.cli._common import EXIT_USAGE, OutputFormat, console, fail, print_rows, state

app = typer.Typer(help="Store connector secrets in the system keyring.", no_args_is_help=True)

#: The keyring entry that lists the names of the secrets siphon stored.
INDEX_ENTRY = ".siphon-secret-names"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")


def _keyring_call(what: str, fn: object, *args: str) -> object:
    from keyring.errors import KeyringError

    try:
        return fn(*args)  # type: ignore[operator]
    except KeyringError as exc:
        fail(
            f"the system keyring cannot {what}: {exc}. On a server without a desktop keyring, "
            "use env:VAR, file:PATH or systemd credentials (credential:NAME) instead"
        )


def _names() -> list[str]:
    import keyring

    raw = _keyring_call("be read", keyring.get_password, KEYRING_SERVICE, INDEX_ENTRY)
    if not isinstance(raw, str):
        return []
    try:
        names = json.loads(raw)
    except ValueError:
        return []
    return sorted({n for n in names if isinstance(n, str)}) if isinstance(names, list) else []


def _save_names(names: list[str]) -> None:
    import keyring

    _keyring_call(
        "be written", keyring.set_password, KEYRING_SERVICE, INDEX_ENTRY, json.dumps(sorted(names))
    )


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        fail(
            f"secret name {name!r}: use letters, digits and . _ - @ (it is referenced as "
            "keyring:NAME)",
            EXIT_USAGE,
        )


@app.command("set")
def set_(
    name: Annotated[str, typer.Argument(help="The secret's name, referenced as keyring:NAME.")],
) -> None:
    """Store a secret: prompts without echo (or reads one line from a pipe)."""
    import keyring

    _check_name(name)
    if sys.stdin.isatty():
        value = typer.prompt(f"value for {name}", hide_input=True, confirmation_prompt=True)
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value.strip():
        fail("the secret is empty; nothing was stored", EXIT_USAGE)
    _keyring_call("be written", keyring.set_password, KEYRING_SERVICE, name, value)
    _save_names([*_names(), name])
    console.print(f"stored {name!r} in the system keyring; reference it as keyring:{name}")


@app.command("delete")
def delete(
    name: Annotated[str, typer.Argument(help="The secret to delete.")],
) -> None:
    """Delete a secret from the keyring."""
    import keyring
    from keyring.errors import PasswordDeleteError

    _check_name(name)
    try:
        keyring.delete_password(KEYRING_SERVICE, name)
    except PasswordDeleteError:
        _save_names([n for n in _names() if n != name])
        fail(f"no secret named {name!r} in the keyring")
    except Exception as exc:  # a broken keyring backend
        fail(f"the system keyring cannot delete {name!r}: {exc}")
    _save_names([n for n in _names() if n != name])
    console.print(f"deleted {name!r}")


@app.command("list")
def list_(
    ctx: typer.Context,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """The names of the stored secrets (never their values), and which config keys use them."""
    names = _names()
    used: dict[str, list[str]] = {}
    st = state(ctx)
    try:
        loaded = load_config(st.config_path, state_dir=st.state_dir, resolve_secrets=False)
    except ConfigError:
        loaded = None  # listing works without a valid config
    if loaded is not None:
        dump = loaded.settings.model_dump(mode="json", exclude={"connectors"})
        dump["connectors"] = {n: c.model_dump(mode="json") for n, c in loaded.connectors.items()}
        for key, value in _walk(dump):
            if isinstance(value, str) and value.startswith("keyring:"):
                used.setdefault(value[len("keyring:") :], []).append(key)
    rows = [[n, "stored", ", ".join(used.get(n, []))] for n in names]
    rows += [[n, "MISSING", ", ".join(keys)] for n, keys in sorted(used.items()) if n not in names]
    print_rows(
        ["name", "state", "used by"], rows, fmt, title=f"keyring service {KEYRING_SERVICE!r}"
    )


def _walk(data: object, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(data, dict):
        out: list[tuple[str, object]] = []
        for key, value in data.items():
            out.extend(_walk(value, f"{prefix}{key}."))
        return out
    return [(prefix.rstrip("."), data)]
