"""The config block of a HubSpot connector instance."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from connectors._config import ConnectorConfig
from connectors._secrets import Secret

ObjectType = Literal["companies", "contacts", "deals", "notes", "calls", "meetings", "tasks"]

DEFAULT_OBJECT_TYPES: tuple[ObjectType, ...] = ("companies", "contacts", "deals", "notes")
#: HubSpot's search endpoint answers at most this many results per page.
MAX_SEARCH_PAGE = 200

_PROPERTY = re.compile(r"^[a-z0-9_]+$")


class HubSpotConfig(ConnectorConfig):
    """HubSpot CRM v3: a private app token and which object types to read."""

    token: Secret = Field(description="private app access token reference, e.g. env:HUBSPOT_TOKEN")
    object_types: list[ObjectType] = Field(
        default_factory=lambda: list(DEFAULT_OBJECT_TYPES),
        description="CRM object types to read (companies, contacts, deals, notes, calls, "
        "meetings, tasks)",
    )
    exclude_object_types: list[ObjectType] = Field(
        default_factory=list, description="object types never read, even if listed above"
    )
    extra_properties: dict[ObjectType, list[str]] = Field(
        default_factory=dict,
        description="more properties to read per object type (internal names, e.g. custom "
        "properties); their values land in the record's properties",
    )
    stage_history: bool = Field(
        default=True, description="read each changed deal's stage history (stage_change facts)"
    )
    track_deletions: bool = Field(
        default=True,
        description="also read archived (deleted) objects and pass them on as deleted",
    )
    portal_id: int | None = Field(
        default=None, ge=1, description="HubSpot account (portal) id; used to build record links"
    )

    @field_validator("object_types")
    @classmethod
    def _not_empty(cls, value: list[ObjectType]) -> list[ObjectType]:
        if not value:
            raise ValueError("expected at least one object type, found an empty list")
        return list(dict.fromkeys(value))

    @field_validator("extra_properties")
    @classmethod
    def _property_names(cls, value: dict[ObjectType, list[str]]) -> dict[ObjectType, list[str]]:
        for object_type, names in value.items():
            for name in names:
                if not _PROPERTY.match(name):
                    raise ValueError(
                        f"{object_type}: expected an internal property name (lowercase letters, "
                        f"digits, underscores), found {name!r}"
                    )
        return value

    @field_validator("page_size")
    @classmethod
    def _page_size(cls, value: int | None) -> int | None:
        if value is not None and value > MAX_SEARCH_PAGE:
            raise ValueError(f"HubSpot search pages hold at most {MAX_SEARCH_PAGE}, found {value}")
        return value

    @model_validator(mode="after")
    def _something_left(self) -> HubSpotConfig:
        if not self.enabled_object_types():
            raise ValueError("exclude_object_types removes every object type; nothing to read")
        return self

    def enabled_object_types(self) -> list[ObjectType]:
        """The object types to read, in the configured order."""
        return [t for t in self.object_types if t not in self.exclude_object_types]
