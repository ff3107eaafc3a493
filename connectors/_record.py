"""The normalized units a connector yields: documents, accounts (people) and containers.

These are the only shapes that cross from ``connectors`` into ``ontology``. Ids are always
``<connector instance name>:<native id>`` so two instances of the same SaaS never collide.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The dlt table each record type travels in; the sink dispatches on it.
TableName = Literal["documents", "accounts", "containers"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Identity(_Model):
    """Who wrote, changed or was mentioned: an account as one source knows it."""

    id: str = Field(description="'<connector>:<native account id>'")
    name: str | None = None
    email: str | None = None
    handle: str | None = None


class ContainerRef(_Model):
    """Where a document lives: a Slack channel, a Jira project, a CRM pipeline or object type."""

    id: str
    kind: str
    name: str | None = None
    url: str | None = None


class Fact(_Model):
    """A structured change that becomes a decision without NLP.

    Examples: a Jira status or resolution transition, a deal stage change, a Salesforce
    Opportunity moving to Closed Won. ``id`` is stable across re-reads (changelog id + item).
    """

    id: str
    kind: Literal["status_change", "resolution", "stage_change", "assignee_change", "field_change"]
    field: str
    from_value: str | None = None
    to_value: str | None = None
    actor: Identity | None = None
    at: datetime
    reason: str | None = Field(default=None, description="e.g. closed-lost reason, resolution note")


class Link(_Model):
    """An association to another record (a note about a deal, a contact at a company)."""

    id: str = Field(description="the linked record's id, '<connector>:<native id>'")
    kind: str = Field(description="what the linked record is: deal, company, contact, issue ...")


class Record(_Model):
    """One document: a message, reply, issue, comment, deal, note, task, ..."""

    id: str
    source: str = Field(description="connector instance name")
    source_type: str = Field(description="slack | jira | hubspot | salesforce | plugin type")
    kind: str
    container: ContainerRef | None = None
    author: Identity | None = None
    title: str | None = None
    text: str = ""
    url: str | None = None
    created_at: datetime
    updated_at: datetime
    parent_id: str | None = Field(
        default=None, description="thread parent, commented issue, the deal a note belongs to"
    )
    thread_id: str | None = None
    deleted: bool = False
    facts: list[Fact] = Field(default_factory=list)
    mentions: list[Identity] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    properties: dict[str, Any] = Field(
        default_factory=dict,
        description="source structure: labels, components, issue type, stage, industry, amount",
    )
    text_hash: str | None = Field(
        default=None, description="sha256 of the text; set when privacy mode dropped the text"
    )


class Account(_Model):
    """A person as one source knows them (Slack user, Jira account, CRM owner or user)."""

    id: str
    source: str
    source_type: str
    name: str | None = None
    display_name: str | None = None
    email: str | None = None
    handles: list[str] = Field(default_factory=list)
    is_bot: bool = False
    deleted: bool = False
    updated_at: datetime | None = None


class Container(_Model):
    """A channel, project, pipeline or CRM object type, with its structure for the ontology."""

    id: str
    source: str
    source_type: str
    kind: str
    name: str | None = None
    url: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    updated_at: datetime | None = None


AnyRecord = Record | Account | Container

TABLE_OF: dict[type[_Model], TableName] = {
    Record: "documents",
    Account: "accounts",
    Container: "containers",
}
MODEL_OF: dict[TableName, type[Record] | type[Account] | type[Container]] = {
    "documents": Record,
    "accounts": Account,
    "containers": Container,
}
