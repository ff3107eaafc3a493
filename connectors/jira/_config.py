"""The config block of a Jira Cloud connector instance."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from pydantic import Field, field_validator

from connectors._config import ConnectorConfig, Duration
from connectors._secrets import Secret

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
_PROJECT_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class JiraConfig(ConnectorConfig):
    """Jira Cloud REST v3 with Basic auth (account email + API token)."""

    base_url: str = Field(  # required here, optional in the base
        description="the site, e.g. https://your-domain.atlassian.net"
    )
    email: str = Field(description="the Atlassian account the API token belongs to")
    api_token: Secret = Field(description="API token reference, e.g. env:JIRA_API_TOKEN")
    projects: list[str] = Field(
        default_factory=list, description="project keys to read; empty: every visible project"
    )
    exclude_projects: list[str] = Field(default_factory=list, description="project keys never read")
    jql: str | None = Field(
        default=None,
        description="extra JQL filter ANDed to the sync query, e.g. 'issuetype != Sub-task'",
    )
    search_overlap: Duration = Field(
        default=timedelta(minutes=5),
        description="search is eventually consistent: re-ask this much before the window",
    )

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError(
                f"expected the site URL, e.g. https://your-domain.atlassian.net, found {value!r}"
            )
        return value

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str) -> str:
        value = value.strip()
        if "@" not in value:
            raise ValueError(f"expected the account's email address, found {value!r}")
        return value

    @field_validator("projects", "exclude_projects", mode="before")
    @classmethod
    def _check_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            for key in value:
                if not isinstance(key, str) or not _PROJECT_KEY.match(key.strip()):
                    raise ValueError(f"expected a project key like 'ENG', found {key!r}")
            return [key.strip().upper() for key in value]
        return value

    @field_validator("jql")
    @classmethod
    def _check_jql(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if _ORDER_BY.search(value):
            raise ValueError(
                "expected a filter without ORDER BY (the connector orders by updated itself), "
                f"found {value!r}"
            )
        return value.strip()
