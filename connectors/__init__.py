"""Connectors: one plugin per SaaS API plus the shared HTTP, paging, retry and error core.

This package knows nothing about the graph: it yields ``Record``, ``Account`` and ``Container``
models, and the daemon hands them to ``ontology``.
"""

from connectors._base import CheckResult, Connector, Fetch, Stream, raise_for_record
from connectors._config import (
    ConnectorConfig,
    Duration,
    RetryConfig,
    ScheduleConfig,
    StrictModel,
    format_duration,
    parse_duration,
)
from connectors._errors import (
    ConnectorError,
    FatalError,
    PaginationError,
    RetriableError,
    SkippableError,
)
from connectors._http import USER_AGENT, ApiClient, default_classifier, make_client
from connectors._paging import json_path, paginate
from connectors._record import (
    MODEL_OF,
    TABLE_OF,
    Account,
    AnyRecord,
    Container,
    ContainerRef,
    Fact,
    Identity,
    Link,
    Record,
    TableName,
)
from connectors._registry import ENTRY_POINT_GROUP, ConnectorRegistry, RegistryError, registry
from connectors._secrets import (
    KEYRING_SERVICE,
    RedactingFilter,
    ResolvedSecret,
    Secret,
    SecretResolutionError,
    redact,
    register_redaction,
    resolve_reference,
    secrets_resolution,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "KEYRING_SERVICE",
    "MODEL_OF",
    "TABLE_OF",
    "USER_AGENT",
    "Account",
    "AnyRecord",
    "ApiClient",
    "CheckResult",
    "Connector",
    "ConnectorConfig",
    "ConnectorError",
    "ConnectorRegistry",
    "Container",
    "ContainerRef",
    "Duration",
    "Fact",
    "FatalError",
    "Fetch",
    "Identity",
    "Link",
    "PaginationError",
    "Record",
    "RedactingFilter",
    "RegistryError",
    "ResolvedSecret",
    "RetriableError",
    "RetryConfig",
    "ScheduleConfig",
    "Secret",
    "SecretResolutionError",
    "SkippableError",
    "Stream",
    "StrictModel",
    "TableName",
    "default_classifier",
    "format_duration",
    "json_path",
    "make_client",
    "paginate",
    "parse_duration",
    "raise_for_record",
    "redact",
    "register_redaction",
    "registry",
    "resolve_reference",
    "secrets_resolution",
]
