"""The Salesforce objects this connector reads, as data: stream, record kind, and the field
behind each role the mapping uses (each overridable per object in the config)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from connectors._record import TableName

SObjectName = Literal["User", "Account", "Contact", "Opportunity", "Task", "Note", "ContentNote"]

_OWNER = {"owner": "OwnerId", "owner_name": "Owner.Name", "owner_email": "Owner.Email"}
_AUTHOR = {
    "author": "CreatedById",
    "author_name": "CreatedBy.Name",
    "author_email": "CreatedBy.Email",
}


@dataclass(frozen=True)
class SObjectSpec:
    """One object type: how it is read and which field plays each role in the mapping."""

    name: SObjectName
    stream: str
    kind: str
    table: TableName
    roles: Mapping[str, str | None]
    #: The field the incremental read filters and sorts on.
    modstamp: str = "SystemModstamp"
    #: Whether the object has ``IsDeleted`` (then ``queryAll`` also returns deleted rows).
    deletable: bool = True
    always: tuple[str, ...] = field(default=("Id", "CreatedDate"))

    def system_fields(self) -> list[str]:
        """Fields every query selects, whatever the config says."""
        return [*self.always, self.modstamp, *(["IsDeleted"] if self.deletable else [])]


SPECS: dict[SObjectName, SObjectSpec] = {
    spec.name: spec
    for spec in (
        SObjectSpec(
            "User", "users", "user", "accounts",
            {"name": "Name", "first_name": "FirstName", "last_name": "LastName",
             "email": "Email", "username": "Username", "alias": "Alias",
             "active": "IsActive", "user_type": "UserType", "title": "Title"},
            deletable=False,
        ),
        SObjectSpec(
            "Account", "accounts", "account", "documents",
            {"name": "Name", "description": "Description", "industry": "Industry",
             "type": "Type", "website": "Website", "parent": "ParentId", **_OWNER},
        ),
        SObjectSpec(
            "Contact", "contacts", "contact", "documents",
            {"name": "Name", "email": "Email", "title": "Title", "department": "Department",
             "description": "Description", "account": "AccountId", "lead_source": "LeadSource",
             **_OWNER},
        ),
        SObjectSpec(
            "Opportunity", "opportunities", "opportunity", "documents",
            {"name": "Name", "description": "Description", "stage": "StageName",
             "amount": "Amount", "close_date": "CloseDate", "is_closed": "IsClosed",
             "is_won": "IsWon", "probability": "Probability",
             "forecast_category": "ForecastCategoryName", "type": "Type",
             "lead_source": "LeadSource", "next_step": "NextStep", "account": "AccountId",
             # No standard field holds the reason: orgs add their own (e.g. Loss_Reason__c).
             "closed_lost_reason": None, "closed_won_reason": None, **_OWNER},
        ),
        SObjectSpec(
            "Task", "tasks", "note", "documents",
            {"subject": "Subject", "description": "Description", "status": "Status",
             "priority": "Priority", "activity_date": "ActivityDate", "subtype": "TaskSubtype",
             "what": "WhatId", "who": "WhoId", "account": "AccountId", "owner": "OwnerId",
             **_AUTHOR},
        ),
        SObjectSpec(
            "Note", "notes", "note", "documents",
            {"title": "Title", "body": "Body", "parent": "ParentId", "owner": "OwnerId",
             "private": "IsPrivate", **_AUTHOR},
        ),
        SObjectSpec(
            "ContentNote", "content_notes", "note", "documents",
            {"title": "Title", "owner": "OwnerId", "author": "CreatedById"},
            modstamp="LastModifiedDate",
        ),
    )
}  # fmt: skip

#: What an id's three-character key prefix says the record is (for ``Link.kind``).
KEY_PREFIX_KIND = {
    "001": "account",
    "003": "contact",
    "005": "user",
    "006": "opportunity",
    "00Q": "lead",
    "00T": "task",
    "002": "note",
    "069": "note",
    "500": "case",
    "701": "campaign",
    "800": "contract",
}


def link_kind(native_id: str) -> str:
    """The kind of record a Salesforce id points at, from its key prefix."""
    return KEY_PREFIX_KIND.get(native_id[:3], "record")


#: Stage history: one row per change of an opportunity's stage (and amount, close date...).
HISTORY_FIELDS = (
    "Id", "OpportunityId", "StageName", "CreatedDate", "CreatedById",
    "CreatedBy.Name", "CreatedBy.Email",
)  # fmt: skip
#: Opportunity stages with what closing in them means.
STAGE_SOQL = (
    "SELECT ApiName, MasterLabel, IsActive, IsClosed, IsWon, DefaultProbability, SortOrder "
    "FROM OpportunityStage ORDER BY SortOrder"
)
