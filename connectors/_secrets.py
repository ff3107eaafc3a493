"""Secret references: config holds ``keyring:NAME``, ``env:VAR``, ``file:PATH`` or
``credential:NAME``; the value is resolved into a ``SecretStr`` and never printed or logged."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, SecretStr

KEYRING_SERVICE = "siphon"
REFERENCE_KINDS = ("keyring", "env", "file", "credential")

_resolve = contextvars.ContextVar("siphon_resolve_secrets", default=True)
_redact_lock = threading.Lock()
_redact_values: set[str] = set()


class SecretResolutionError(ValueError):
    """A reference that is malformed or points at nothing; the message never holds a value."""


class ResolvedSecret(SecretStr):
    """A ``SecretStr`` that remembers the reference it came from, for display."""

    reference: str = ""

    def __init__(self, value: str, reference: str) -> None:
        super().__init__(value)
        self.reference = reference

    def _display(self) -> str:
        return f"<secret {self.reference}>"

    def __repr__(self) -> str:
        return f"ResolvedSecret({self.reference!r})"


def register_redaction(value: str) -> None:
    """Remember a secret value so ``redact`` and the logging filter can hide it."""
    if len(value) >= 4:  # tiny values would redact ordinary words
        with _redact_lock:
            _redact_values.add(value)


def redact(text: str) -> str:
    """Replace every known secret value in ``text`` with ``***``."""
    with _redact_lock:
        values = sorted(_redact_values, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, "***")
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that hides known secret values in messages and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _redact_values:
            message = record.getMessage()
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True


def parse_reference(reference: str) -> tuple[str, str]:
    """Split ``kind:name``; raise with what was expected when it is not a reference."""
    kind, sep, name = reference.partition(":")
    if not sep or kind not in REFERENCE_KINDS or not name:
        raise SecretResolutionError(
            "expected a secret reference (keyring:NAME, env:VAR, file:PATH or credential:NAME), "
            "found a literal value (not shown); put the secret in the keyring, an environment "
            "variable or a file and reference it"
            if not sep or kind not in REFERENCE_KINDS
            else f"expected a name after '{kind}:', found nothing"
        )
    return kind, name


def resolve_reference(reference: str, *, environ: dict[str, str] | None = None) -> ResolvedSecret:
    """Resolve one reference into its secret value."""
    env = os.environ if environ is None else environ
    kind, name = parse_reference(reference)
    value: str | None
    if kind == "env":
        value = env.get(name)
        if not value:
            raise SecretResolutionError(f"environment variable {name} is not set or empty")
    elif kind == "file":
        value = _read_secret_file(Path(name).expanduser(), reference)
    elif kind == "credential":
        directory = env.get("CREDENTIALS_DIRECTORY")
        if not directory:
            raise SecretResolutionError(
                f"{reference} needs $CREDENTIALS_DIRECTORY (set by systemd LoadCredential=), "
                "which is not set"
            )
        value = _read_secret_file(Path(directory) / name, reference)
    else:
        value = _keyring_get(name)
        if not value:
            raise SecretResolutionError(
                f"no secret named {name!r} in the system keyring (service {KEYRING_SERVICE!r}); "
                f"store it with: siphon secrets set {name}"
            )
    register_redaction(value)
    return ResolvedSecret(value, reference)


def _read_secret_file(path: Path, reference: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise SecretResolutionError(f"{reference}: file {path} does not exist") from None
    except OSError as exc:
        raise SecretResolutionError(f"{reference}: cannot read {path}: {exc.strerror}") from None
    if not value:
        raise SecretResolutionError(f"{reference}: file {path} is empty")
    return value


def _keyring_get(name: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        value = keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError as exc:
        raise SecretResolutionError(f"the system keyring is not usable: {exc}") from None
    return value if isinstance(value, str) else None


@contextlib.contextmanager
def secrets_resolution(*, enabled: bool) -> Iterator[None]:
    """Within this block, secret fields are resolved (default) or only checked for form.

    Commands that need no credentials (``siphon query``) skip resolution so a locked keyring
    does not stop them.
    """
    token = _resolve.set(enabled)
    try:
        yield
    finally:
        _resolve.reset(token)


def _validate_secret(value: Any) -> SecretStr:
    if isinstance(value, SecretStr):
        return value
    if not isinstance(value, str):
        raise SecretResolutionError(
            f"expected a secret reference string, found {type(value).__name__}"
        )
    if not _resolve.get():
        parse_reference(value.strip())
        return ResolvedSecret("", value.strip())
    return resolve_reference(value.strip())


def _serialize_secret(value: SecretStr) -> str:
    return value.reference if isinstance(value, ResolvedSecret) else "**********"


#: Annotate config fields holding secrets with this: the config gives a reference, the model
#: holds the resolved ``SecretStr``, and dumping the model gives back the reference.
Secret = Annotated[
    SecretStr,
    BeforeValidator(_validate_secret),
    PlainSerializer(_serialize_secret, return_type=str),
]
