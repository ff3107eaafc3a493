"""The connector plugin interface: config, client, declared streams and a health check."""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import SecretStr, ValidationError

from connectors._config import ConnectorConfig
from connectors._errors import ConnectorError, FatalError, SkippableError
from connectors._http import ApiClient, default_classifier, make_client
from connectors._record import AnyRecord, TableName

log = logging.getLogger("siphon.connectors")

T = TypeVar("T")
R = TypeVar("R")

#: Fetches a stream's records changed at or after ``since`` (``None``: the whole history the
#: config allows). The pipeline computes ``since`` from the dlt cursor minus the lookback.
Fetch = Callable[[datetime | None], Iterator[AnyRecord]]


@dataclass(frozen=True)
class Stream:
    """One kind of thing a connector reads, as data: the framework owns the loop around it."""

    name: str
    table: TableName
    fetch: Fetch
    incremental: bool = True
    description: str = ""


@dataclass
class CheckResult:
    """The verdict of ``siphon connectors test NAME``."""

    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)


class Connector(ABC):
    """Base class of every connector plugin.

    A plugin sets ``type_name`` and ``config_model``, builds its authenticated httpx client in
    ``make_client``, and declares its ``streams``. All HTTP goes through ``self.api`` so retries,
    ``Retry-After`` and error mapping are the same everywhere.
    """

    type_name: ClassVar[str]
    config_model: ClassVar[type[ConnectorConfig]] = ConnectorConfig
    default_base_url: ClassVar[str] = ""

    def __init__(
        self,
        name: str,
        config: ConnectorConfig,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(config, self.config_model):
            raise TypeError(
                f"{type(self).__name__} needs a {self.config_model.__name__}, "
                f"got {type(config).__name__}"
            )
        self.name = name
        self.config = config
        self.base_url = (config.base_url or self.default_base_url).rstrip("/")
        self.skipped = 0
        self.api = ApiClient(
            name,
            client if client is not None else self.make_client(),
            classify=self.classify,
            retry=config.retry,
            sleep=sleep,
        )
        self.setup()

    def setup(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """A connector's own state, set once the base is ready (``self.api`` included);
        override it instead of repeating ``__init__``."""

    @classmethod
    @abstractmethod
    def example_config(cls, base_url: str | None = None) -> dict[str, Any]:
        """A complete, valid config block for this connector (secret fields as references such
        as ``env:SLACK_TOKEN``). ``siphon connectors add``, the sandbox and the contract test use
        it; ``base_url`` points it at another server (the sandbox)."""

    @abstractmethod
    def make_client(self) -> httpx.Client:
        """Build the authenticated client (use ``connectors.make_client``)."""

    @abstractmethod
    def streams(self) -> Sequence[Stream]:
        """The streams this connector reads, in the order they should run."""

    @abstractmethod
    def check(self) -> CheckResult:
        """Authenticate and read one page; raise ``FatalError`` with an admin-readable reason."""

    def bearer_client(self, secret: SecretStr, field: str) -> httpx.Client:
        """A client sending ``Authorization: Bearer <secret>``; an empty secret is fatal."""
        token = secret.get_secret_value()
        if not token:
            raise FatalError(f"the {field} secret is empty or unresolved", connector=self.name)
        return make_client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=self.config.timeout.total_seconds(),
        )

    def classify(self, response: httpx.Response, endpoint: str) -> None:
        """Raise the right ``ConnectorError`` for an error answer; APIs override for quirks."""
        default_classifier(response, endpoint)

    def record_id(self, native_id: object) -> str:
        """The global id of a native record: ``<instance name>:<native id>``."""
        return f"{self.name}:{native_id}"

    def skip(self, exc: Exception, *, record_id: str | None = None) -> None:
        """Log and count one bad record; the sync goes on."""
        self.skipped += 1
        rid = record_id or getattr(exc, "record_id", None) or "?"
        log.warning("connector.record_skipped connector=%s record=%s error=%s", self.name, rid, exc)

    def map_each(
        self, items: Iterable[T], convert: Callable[[T], R | None], *, id_of: Callable[[T], str]
    ) -> Iterator[R]:
        """Convert native items one by one; one that fails is skipped, never the batch."""
        for item in items:
            try:
                converted = convert(item)
            # AttributeError/IndexError: a field of the wrong shape (``"x".get``, ``[][0]``).
            except (
                SkippableError,
                ValidationError,
                KeyError,
                TypeError,
                ValueError,
                AttributeError,
                IndexError,
            ) as exc:
                try:
                    rid = id_of(item)
                except Exception:  # the id itself may be what is broken
                    rid = "?"
                self.skip(exc, record_id=rid)
                continue
            if converted is not None:
                yield converted

    def close(self) -> None:
        """Release the HTTP client."""
        self.api.client.close()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def raise_for_record(record_id: str, message: str) -> None:
    """Shortcut for a mapping function to reject one record."""
    raise SkippableError(message, record_id=record_id)


__all__ = ["CheckResult", "Connector", "ConnectorError", "Fetch", "Stream", "raise_for_record"]
