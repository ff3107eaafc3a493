"""One small error hierarchy for every connector.

Callers decide what to do from the class alone: retry a ``RetriableError``, mark the connector
unhealthy on a ``FatalError``, log-count-and-skip a ``SkippableError``.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Base class: names the connector, the endpoint and the status so an admin can act."""

    def __init__(
        self,
        message: str,
        *,
        connector: str | None = None,
        endpoint: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.message = message
        self.connector = connector
        self.endpoint = endpoint
        self.status = status
        self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.connector:
            where.append(f"connector {self.connector!r}")
        if self.endpoint:
            where.append(self.endpoint)
        if self.status is not None:
            where.append(f"HTTP {self.status}")
        if self.code:
            where.append(self.code)
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class RetriableError(ConnectorError):
    """Rate limited, 5xx, timeout or connection trouble: try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)  # type: ignore[arg-type]


class FatalError(ConnectorError):
    """Bad credentials, a missing scope, a bad request or config: stop and tell the admin."""


class SkippableError(ConnectorError):
    """One bad record or one inaccessible container: log it with its id, count it, go on."""

    def __init__(self, message: str, *, record_id: str | None = None, **kw: object) -> None:
        self.record_id = record_id
        super().__init__(message, **kw)  # type: ignore[arg-type]


class PaginationError(FatalError):
    """The API sent back a page token it had already sent: following it would loop forever."""
