"""The CRM object types this connector reads, as data: what to ask for and how to link it."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.hubspot._config import ObjectType


@dataclass(frozen=True)
class ObjectSpec:
    """One HubSpot CRM object type."""

    type: ObjectType
    #: Record kind, and the id prefix that keeps ``deal:7`` apart from ``contact:7``.
    kind: str
    #: The property search filters on (contacts spell it differently).
    modified: str
    properties: tuple[str, ...]
    #: Object types whose associations are read (search returns none).
    associations: tuple[ObjectType, ...] = ()
    #: Property holding an engagement's HTML body, and its title.
    body: str | None = None
    title: str | None = None
    #: HubSpot's object type id, for app links (engagements have no record page).
    type_id: str | None = None

    @property
    def prefix(self) -> str:
        """The id prefix of this type's records."""
        return self.kind if self.body is None else self.type.removesuffix("s")


_ENGAGEMENT = ("hs_timestamp", "hubspot_owner_id", "hs_created_by_user_id", "hs_createdate")
_ENGAGEMENT_LINKS: tuple[ObjectType, ...] = ("deals", "companies", "contacts")

SPECS: dict[ObjectType, ObjectSpec] = {
    spec.type: spec
    for spec in (
        ObjectSpec(
            "companies",
            "company",
            "hs_lastmodifieddate",
            (
                "name", "domain", "website", "industry", "type", "lifecyclestage",
                "description", "city", "country", "numberofemployees", "hubspot_owner_id",
                "createdate",
            ),
            type_id="0-2",
        ),
        ObjectSpec(
            "contacts",
            "contact",
            "lastmodifieddate",
            (
                "firstname", "lastname", "email", "jobtitle", "company", "lifecyclestage",
                "hubspot_owner_id", "createdate",
            ),
            associations=("companies",),
            type_id="0-1",
        ),
        ObjectSpec(
            "deals",
            "deal",
            "hs_lastmodifieddate",
            (
                "dealname", "description", "dealstage", "pipeline", "amount", "closedate",
                "dealtype", "hs_is_closed", "hs_is_closed_won", "closed_lost_reason",
                "closed_won_reason", "hubspot_owner_id", "createdate",
            ),
            associations=("companies", "contacts"),
            type_id="0-3",
        ),
        ObjectSpec(
            "notes", "note", "hs_lastmodifieddate", ("hs_note_body", *_ENGAGEMENT),
            associations=_ENGAGEMENT_LINKS, body="hs_note_body",
        ),
        ObjectSpec(
            "calls", "note", "hs_lastmodifieddate",
            ("hs_call_title", "hs_call_body", "hs_call_direction", "hs_call_status",
             "hs_call_disposition", *_ENGAGEMENT),
            associations=_ENGAGEMENT_LINKS, body="hs_call_body", title="hs_call_title",
        ),
        ObjectSpec(
            "meetings", "note", "hs_lastmodifieddate",
            ("hs_meeting_title", "hs_meeting_body", "hs_meeting_outcome",
             "hs_meeting_start_time", *_ENGAGEMENT),
            associations=_ENGAGEMENT_LINKS, body="hs_meeting_body", title="hs_meeting_title",
        ),
        ObjectSpec(
            "tasks", "note", "hs_lastmodifieddate",
            ("hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority",
             "hs_task_type", *_ENGAGEMENT),
            associations=_ENGAGEMENT_LINKS, body="hs_task_body", title="hs_task_subject",
        ),
    )
}  # fmt: skip

#: The record kind a linked object type gets (``Link.kind``).
LINK_KIND: dict[str, str] = {t: s.kind if s.body is None else s.prefix for t, s in SPECS.items()}


def properties_for(spec: ObjectSpec, extra: list[str]) -> list[str]:
    """Every property to request for one object type: the declared ones, the modification
    time, the id, and the configured extras, without duplicates."""
    return list(dict.fromkeys((*spec.properties, spec.modified, "hs_object_id", *extra)))
