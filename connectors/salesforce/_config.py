"""The config block of a Salesforce connector instance."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from connectors._config import ConnectorConfig
from connectors._secrets import Secret
from connectors.salesforce._objects import SPECS, SObjectName

_VERSION = re.compile(r"^v?(\d{2,3})\.0$")
#: A field or a relationship path (``Owner.Name``), as SOQL accepts it unquoted.
_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*){0,4}$")

DEFAULT_OBJECTS: list[SObjectName] = list(SPECS)


class SalesforceConfig(ConnectorConfig):
    """Salesforce REST: the instance URL, API version, credentials and the objects to read.

    Authenticate with either a static ``access_token`` or the OAuth 2.0 client-credentials flow
    (``client_id`` + ``client_secret`` of a connected app with a run-as user); with the latter
    the session token is fetched on first use and refreshed once when Salesforce says it expired.
    """

    api_version: str = Field(default="v60.0", description="REST API version, e.g. v60.0")
    access_token: Secret | None = Field(default=None, description="static session token")
    client_id: Secret | None = Field(default=None, description="connected app consumer key")
    client_secret: Secret | None = Field(default=None, description="connected app secret")
    token_url: str | None = Field(
        default=None, description="OAuth token endpoint; default <base_url>/services/oauth2/token"
    )
    objects: list[SObjectName] = Field(
        default_factory=lambda: list(DEFAULT_OBJECTS),
        description="objects to read: User, Account, Contact, Opportunity, Task, Note, ContentNote",
    )
    exclude_objects: list[SObjectName] = Field(
        default_factory=list, description="objects never read, even if listed above"
    )
    fields: dict[SObjectName, dict[str, str | None]] = Field(
        default_factory=dict,
        description="per object, the field playing a role (e.g. Opportunity: "
        "{closed_lost_reason: Loss_Reason__c}); null drops a role",
    )
    extra_fields: dict[SObjectName, list[str]] = Field(
        default_factory=dict,
        description="per object, more fields to read into the record's properties",
    )
    stage_history: bool = Field(
        default=True, description="read OpportunityHistory for stage_change facts"
    )
    include_deleted: bool = Field(
        default=True, description="use queryAll so deleted records arrive as deleted"
    )

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        match = _VERSION.match(value.strip())
        if not match:
            raise ValueError(f"expected an API version like v60.0, found {value!r}")
        return f"v{match.group(1)}.0"

    @field_validator("page_size")
    @classmethod
    def _batch_size(cls, value: int | None) -> int | None:
        if value is not None and not 200 <= value <= 2000:
            raise ValueError(f"Salesforce query batches hold 200 to 2000 records, found {value}")
        return value

    @field_validator("fields")
    @classmethod
    def _roles(cls, value: dict[SObjectName, dict[str, str | None]]) -> Any:
        for name, roles in value.items():
            known = SPECS[name].roles
            for role, field in roles.items():
                if role not in known:
                    raise ValueError(
                        f"{name}: unknown role {role!r}; expected one of {', '.join(known)}"
                    )
                if field is not None and not _FIELD.match(field):
                    raise ValueError(f"{name}.{role}: expected a field name, found {field!r}")
        return value

    @field_validator("extra_fields")
    @classmethod
    def _extra(cls, value: dict[SObjectName, list[str]]) -> Any:
        for name, fields in value.items():
            for field in fields:
                if not _FIELD.match(field):
                    raise ValueError(f"{name}: expected a field name, found {field!r}")
        return value

    @model_validator(mode="after")
    def _check(self) -> SalesforceConfig:
        if not self.base_url:
            raise ValueError(
                "base_url is required: the org's instance URL, e.g. "
                "https://yourcompany.my.salesforce.com"
            )
        oauth = self.client_id is not None or self.client_secret is not None
        if oauth and (self.client_id is None or self.client_secret is None):
            raise ValueError("client credentials need both client_id and client_secret")
        if oauth == (self.access_token is not None):
            raise ValueError(
                "set either access_token, or client_id and client_secret (OAuth client "
                "credentials), not both and not neither"
            )
        if not self.enabled_objects():
            raise ValueError("exclude_objects removes every object; nothing to read")
        return self

    @property
    def uses_oauth(self) -> bool:
        """Whether the session token comes from the client-credentials flow."""
        return self.client_id is not None

    def enabled_objects(self) -> list[SObjectName]:
        """The objects to read, in the configured order, without duplicates."""
        return [n for n in dict.fromkeys(self.objects) if n not in self.exclude_objects]

    def roles(self, name: SObjectName) -> dict[str, str | None]:
        """The field behind each role of an object: defaults overridden by ``fields``."""
        return {**SPECS[name].roles, **self.fields.get(name, {})}
