"""The sandbox: loopback servers speaking Slack, Jira Cloud, HubSpot and Salesforce.

They serve one fictional company (Tessera, a payments and logistics software firm) over the 60
days before ``now``, deterministic from ``seed``, with a labelled answer key of every document,
decision, person and entity. The demo, the end-to-end tests and the benchmarks run against it::

    with Sandbox() as sandbox:
        configs = sandbox.connector_configs()   # config blocks keyed by instance name
        env = sandbox.environ()                 # the secrets those blocks reference
        ...
        truth = sandbox.answer_key()
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.sandbox._answers import (
    DEFAULT_NAMES,
    AnswerKey,
    DecisionTruth,
    DocumentTruth,
    MentionTruth,
    SentenceTruth,
    StructuredTruth,
    build_answer_key,
    counts,
    record_id,
)
from connectors.sandbox._generate import add_activity, build_world
from connectors.sandbox._hubspot import HubSpotApi
from connectors.sandbox._jira import JiraApi
from connectors.sandbox._salesforce import ORG_ID, SalesforceApi
from connectors.sandbox._server import (
    PREFIXES,
    Api,
    Limiter,
    LoggedRequest,
    RateLimits,
    RequestLog,
    SandboxHTTPServer,
)
from connectors.sandbox._slack import SlackApi
from connectors.sandbox._world import World, from_dt, to_dt

log = logging.getLogger("siphon.sandbox")

CONNECTOR_TYPES = ("slack", "jira", "hubspot", "salesforce")
ENV_PREFIX = "SIPHON_SANDBOX_"
JIRA_EMAIL = "siphon@tessera.example"


@dataclass(frozen=True)
class ActivityReport:
    """What one ``add_activity`` call added, and the documents it created or changed."""

    round: int
    start: datetime
    end: datetime
    added: dict[str, int]
    record_ids: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(self.added.values())


@dataclass(frozen=True)
class Credentials:
    """The secrets the sandbox accepts (and hands out through ``environ``)."""

    slack_token: str
    jira_email: str
    jira_token: str
    hubspot_token: str
    salesforce_token: str
    salesforce_client_id: str
    salesforce_client_secret: str

    @classmethod
    def for_seed(cls, seed: int) -> Credentials:
        def part(label: str, n: int) -> str:
            return hashlib.sha256(f"siphon-sandbox:{seed}:{label}".encode()).hexdigest()[:n]

        hub = part("hubspot", 32)
        return cls(
            slack_token=f"xoxb-{part('team', 12)}-{part('bot', 13)}-{part('slack', 24)}",
            jira_email=JIRA_EMAIL,
            jira_token="ATATT3xFfGF0" + part("jira", 40),
            hubspot_token=f"pat-eu1-{hub[:8]}-{hub[8:12]}-{hub[12:16]}-{hub[16:20]}-{hub[20:]}",
            salesforce_token=f"{ORG_ID}!AQ4AQ{part('salesforce', 48)}",
            salesforce_client_id="3MVG9" + part("client-id", 40),
            salesforce_client_secret=part("client-secret", 64).upper(),
        )


class Sandbox:
    """Four vendor APIs on one loopback port, path-routed, serving a generated organization.

    ``scale`` grows the world to that many Slack messages (Jira and CRM in proportion);
    ``rate_limits`` throttles endpoints (with tiny ``Retry-After`` values for tests);
    ``search_cap`` is HubSpot's search paging cap (10,000 in real life); ``slack_page_cap``
    caps Slack history/replies page sizes like the 2025 limits for non-Marketplace apps;
    ``salesforce_batch_size`` is the SOQL batch size (2,000 in real life).
    """

    def __init__(
        self,
        *,
        port: int = 0,
        scale: int | None = None,
        seed: int = 7,
        rate_limits: RateLimits | None = None,
        now: datetime | None = None,
        search_cap: int = 10_000,
        slack_page_cap: int | None = None,
        salesforce_batch_size: int = 2000,
        jira_time_zone: str = "Europe/Berlin",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if scale is not None and scale < 1:
            raise ValueError(f"scale must be a positive number of Slack messages, got {scale}")
        if search_cap < 1:
            raise ValueError(f"search_cap must be at least 1, got {search_cap}")
        if slack_page_cap is not None and slack_page_cap < 2:
            raise ValueError(f"slack_page_cap must be at least 2, got {slack_page_cap}")
        self._clock = clock or (lambda: datetime.now(UTC))
        start = now if now is not None else self._clock()
        self.seed = seed
        self.scale = scale
        self.port = port
        self.credentials = Credentials.for_seed(seed)
        self.world: World = build_world(seed, from_dt(start), scale)
        self.request_log = RequestLog()
        self.limiter = Limiter(rate_limits)
        creds = self.credentials
        wall = self._wall_us
        self.apis: dict[str, Api] = {
            "slack": SlackApi(self.world, creds.slack_token, slack_page_cap),
            "jira": JiraApi(self.world, creds.jira_email, creds.jira_token, jira_time_zone, wall),
            "hubspot": HubSpotApi(self.world, creds.hubspot_token, search_cap),
            "salesforce": SalesforceApi(
                self.world,
                creds.salesforce_token,
                creds.salesforce_client_id,
                creds.salesforce_client_secret,
                salesforce_batch_size,
                wall,
            ),
        }
        self._server = SandboxHTTPServer(self.apis, self.limiter, self.request_log, port)
        self._running = False

    def _wall_us(self) -> int:
        return from_dt(self._clock())

    # lifecycle

    def start(self) -> Sandbox:
        """Bind 127.0.0.1 and serve in background threads."""
        if not self._running:
            self._server.start()
            self._running = True
        return self

    def stop(self) -> None:
        """Stop serving; the world stays as it is."""
        if self._running:
            self._server.stop()
            self._running = False

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # where and how to connect

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``; each API lives under its own path (see ``base_urls``)."""
        return self._server.base_url

    def base_urls(self) -> dict[str, str]:
        """The base URL a connector of each type should use."""
        base = self.base_url
        return {
            "slack": f"{base}{PREFIXES['slack']}/api",
            "jira": f"{base}{PREFIXES['jira']}",
            "hubspot": f"{base}{PREFIXES['hubspot']}",
            "salesforce": f"{base}{PREFIXES['salesforce']}",
        }

    def environ(self) -> dict[str, str]:
        """The environment variables the config blocks' secret references point at."""
        creds = self.credentials
        return {
            ENV_PREFIX + "SLACK_TOKEN": creds.slack_token,
            ENV_PREFIX + "JIRA_EMAIL": creds.jira_email,
            ENV_PREFIX + "JIRA_TOKEN": creds.jira_token,
            ENV_PREFIX + "HUBSPOT_TOKEN": creds.hubspot_token,
            ENV_PREFIX + "SALESFORCE_TOKEN": creds.salesforce_token,
            ENV_PREFIX + "SALESFORCE_CLIENT_ID": creds.salesforce_client_id,
            ENV_PREFIX + "SALESFORCE_CLIENT_SECRET": creds.salesforce_client_secret,
        }

    def connector_configs(
        self, names: Mapping[str, str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Config blocks keyed by instance name (default: the type name), built from each
        connector's ``example_config(base_url)`` when the plugin loads, with secrets as
        ``env:SIPHON_SANDBOX_*`` references (see ``environ``)."""
        chosen = {**DEFAULT_NAMES, **(names or {})}
        urls = self.base_urls()
        return {chosen[kind]: connector_config(kind, urls[kind]) for kind in CONNECTOR_TYPES}

    def config_toml(self, names: Mapping[str, str] | None = None) -> str:
        """The ``[connectors.*]`` TOML blocks for ``siphon.toml``."""
        return config_toml(self.connector_configs(names))

    # the world

    def add_activity(self, n: int = 12) -> ActivityReport:
        """Add ``n`` events (messages, replies, edits, issues, comments, transitions, deal
        changes, notes), all timestamped after everything before; deterministic from the seed
        and the number of earlier calls."""
        with self.world.lock:
            result = add_activity(self.world, n, self._wall_us())
            ids = []
            for tool, kind, native in result.changed:
                if tool == "jira" and kind == "comment":
                    native = native.split(":", 1)[1]
                ids.append(record_id(tool, kind, native))
            report = ActivityReport(
                round=self.world.activity_rounds,
                start=to_dt(result.start),
                end=to_dt(result.end),
                added=dict(result.added),
                record_ids=tuple(dict.fromkeys(ids)),
            )
        log.info("sandbox.activity round=%d events=%d", report.round, report.total)
        return report

    def answer_key(self, names: Mapping[str, str] | None = None) -> AnswerKey:
        """The labelled truth, with record ids for connector instances named ``names``."""
        return build_answer_key(self.world, names)

    def counts(self) -> dict[str, int]:
        """What exists now, per API object type."""
        with self.world.lock:
            return counts(self.world)

    @property
    def now(self) -> datetime:
        """The instant the world was generated up to."""
        return to_dt(self.world.now)


# --- config blocks ----------------------------------------------------------------------------

_SECRET_KINDS = ("keyring:", "env:", "file:", "credential:")


def _secret_env(kind: str, key: str) -> str:
    lowered = key.lower()
    if kind == "salesforce":
        if "client_secret" in lowered:
            return ENV_PREFIX + "SALESFORCE_CLIENT_SECRET"
        if "client_id" in lowered:
            return ENV_PREFIX + "SALESFORCE_CLIENT_ID"
        return ENV_PREFIX + "SALESFORCE_TOKEN"
    return ENV_PREFIX + f"{kind.upper()}_TOKEN"


def _fallback(kind: str, base_url: str) -> dict[str, Any]:
    block: dict[str, Any] = {"type": kind, "base_url": base_url}
    if kind == "jira":
        block["email"] = JIRA_EMAIL
        block["api_token"] = f"env:{ENV_PREFIX}JIRA_TOKEN"
    elif kind == "salesforce":
        block["access_token"] = f"env:{ENV_PREFIX}SALESFORCE_TOKEN"
    else:
        block["token"] = f"env:{_secret_env(kind, 'token')}"
    return block


def connector_config(kind: str, base_url: str) -> dict[str, Any]:
    """One connector's config block pointed at the sandbox, reading everything it serves."""
    from connectors._registry import RegistryError, registry

    try:
        plugin = registry.get(kind)
        example = plugin.example_config(base_url)
    except (RegistryError, NotImplementedError, TypeError, AttributeError) as exc:
        log.debug("sandbox.example_config_unavailable type=%s error=%s", kind, exc)
        return _fallback(kind, base_url)
    block = _adapt(kind, dict(example), base_url)
    fields = set(plugin.config_model.model_fields)
    # read every channel, project and object the sandbox serves, as the answer key assumes
    for key in (
        "channels",
        "exclude_channels",
        "exclude_projects",
        "exclude_objects",
        "exclude_object_types",
    ):
        if key in fields and key in block:
            block[key] = []
    if kind == "slack" and "include_archived" in fields:
        block["include_archived"] = True
    if kind == "jira" and "projects" in fields:
        block["projects"] = ["PLAT", "PAY"]
    if kind == "salesforce" and "fields" in fields:
        block["fields"] = {"Opportunity": {"closed_lost_reason": "Loss_Reason__c"}}
    return block


def _adapt(kind: str, block: dict[str, Any], base_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in block.items():
        lowered = key.lower()
        if isinstance(value, dict):
            out[key] = _adapt(kind, value, base_url)
        elif isinstance(value, str) and value.startswith(_SECRET_KINDS):
            out[key] = f"env:{_secret_env(kind, key)}"
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            path = "/services/oauth2/token" if value.endswith("/services/oauth2/token") else ""
            out[key] = base_url + path
        elif kind == "jira" and lowered in ("email", "user", "username", "user_email"):
            out[key] = JIRA_EMAIL
        else:
            out[key] = value
    out["type"] = kind
    out["base_url"] = base_url
    return out


def config_toml(configs: Mapping[str, Mapping[str, Any]]) -> str:
    """Config blocks as TOML ``[connectors.NAME]`` tables."""
    lines: list[str] = []
    for name, block in configs.items():
        _toml_table(lines, f"connectors.{_toml_key(name)}", block)
    return "\n".join(lines).strip() + "\n"


def _toml_table(lines: list[str], prefix: str, table: Mapping[str, Any]) -> None:
    scalars = [(k, v) for k, v in table.items() if v is not None and not isinstance(v, Mapping)]
    nested = [(k, v) for k, v in table.items() if isinstance(v, Mapping)]
    if scalars or not nested:
        lines.append(f"[{prefix}]")
        lines.extend(f"{_toml_key(key)} = {_toml_value(value)}" for key, value in scalars)
        lines.append("")
    for key, value in nested:
        _toml_table(lines, f"{prefix}.{_toml_key(key)}", value)


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else f'"{key}"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def export_lines(environ: Mapping[str, str]) -> str:
    """``export NAME=value`` lines for a shell."""
    import shlex

    return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in environ.items()) + "\n"


__all__ = [
    "CONNECTOR_TYPES",
    "DEFAULT_NAMES",
    "ENV_PREFIX",
    "ActivityReport",
    "AnswerKey",
    "Credentials",
    "DecisionTruth",
    "DocumentTruth",
    "LoggedRequest",
    "MentionTruth",
    "RateLimits",
    "RequestLog",
    "Sandbox",
    "SentenceTruth",
    "StructuredTruth",
    "config_toml",
    "connector_config",
    "export_lines",
    "record_id",
]
