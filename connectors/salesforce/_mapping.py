"""Salesforce rows to Records, Accounts and Containers: pure functions, no HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from connectors._errors import SkippableError
from connectors._html import website_host
from connectors._record import Account, Container, ContainerRef, Fact, Identity, Link, Record
from connectors.salesforce._objects import SObjectSpec, link_kind
from connectors.salesforce._values import day, flag, number, text, timestamp, value

SOURCE_TYPE = "salesforce"
#: User types that are not people (integration and automation users, site guests).
NON_PERSON_USER_TYPES = frozenset({"AutomatedProcess", "CloudIntegrationUser", "Guest"})

RecordId = Callable[[str], str]


@dataclass
class MapContext:
    """What mapping a row needs besides the row: naming, and which field plays which role."""

    source: str
    record_id: RecordId
    base_url: str
    roles: dict[str, str | None]
    extra: list[str] = field(default_factory=list)

    def get(self, row: dict[str, Any], role: str) -> Any:
        """The value of the field playing ``role``."""
        return value(row, self.roles.get(role))

    def ref(self, native: object) -> str | None:
        """The global id of a referenced record (Salesforce ids are unique org-wide)."""
        key = text(native)
        return self.record_id(key) if key else None

    def identity(self, row: dict[str, Any], prefix: str) -> Identity | None:
        """The user in ``<prefix>``, ``<prefix>_name``, ``<prefix>_email`` roles."""
        native = text(self.get(row, prefix))
        if native is None:
            return None
        return Identity(
            id=self.record_id(native),
            name=text(self.get(row, f"{prefix}_name")),
            email=text(self.get(row, f"{prefix}_email")),
        )

    def link(self, native: object) -> Link | None:
        key = text(native)
        return Link(id=self.record_id(key), kind=link_kind(key)) if key else None


def object_ref(spec: SObjectSpec, record_id: RecordId) -> ContainerRef:
    """The container of an object's records: the object type."""
    return ContainerRef(id=record_id(f"object:{spec.name}"), kind="object_type", name=spec.name)


def object_container(
    spec: SObjectSpec,
    *,
    source: str,
    record_id: RecordId,
    stages: Iterable[dict[str, Any]] = (),
) -> Container:
    """An object type as a container; Opportunity carries its stages (closed, won)."""
    ref = object_ref(spec, record_id)
    properties: dict[str, Any] = {"record_kind": spec.kind}
    stage_list = [
        {
            "api_name": text(s.get("ApiName")),
            "label": text(s.get("MasterLabel")),
            "is_active": s.get("IsActive"),
            "is_closed": s.get("IsClosed"),
            "is_won": s.get("IsWon"),
            "is_lost": bool(s.get("IsClosed")) and not s.get("IsWon"),
            "probability": s.get("DefaultProbability"),
        }
        for s in sorted(stages, key=lambda s: s.get("SortOrder") or 0)
    ]
    if stage_list:
        properties["stages"] = stage_list
    return Container(
        id=ref.id,
        source=source,
        source_type=SOURCE_TYPE,
        kind=ref.kind,
        name=ref.name,
        properties=properties,
    )


def user_account(row: dict[str, Any], ctx: MapContext) -> Account:
    """A Salesforce user is a person (unless an automation or integration user)."""
    native = text(row.get("Id"))
    if native is None:
        raise SkippableError("user without an Id")
    name = text(ctx.get(row, "name")) or " ".join(
        p for p in (text(ctx.get(row, "first_name")), text(ctx.get(row, "last_name"))) if p
    )
    active = flag(ctx.get(row, "active"), "IsActive")
    return Account(
        id=ctx.record_id(native),
        source=ctx.source,
        source_type=SOURCE_TYPE,
        name=name or None,
        display_name=text(ctx.get(row, "alias")),
        email=text(ctx.get(row, "email")),
        handles=[h for h in (text(ctx.get(row, "username")),) if h],
        is_bot=text(ctx.get(row, "user_type")) in NON_PERSON_USER_TYPES,
        deleted=active is False,
        updated_at=timestamp(row.get("SystemModstamp"), "SystemModstamp"),
    )


def _common(row: dict[str, Any], spec: SObjectSpec, ctx: MapContext) -> dict[str, Any]:
    native = text(row.get("Id"))
    if native is None:
        raise SkippableError(f"{spec.name} row without an Id")
    updated = timestamp(row.get(spec.modstamp), spec.modstamp)
    if updated is None:
        raise SkippableError(f"{spec.name} {native}: no {spec.modstamp}")
    created = timestamp(row.get("CreatedDate"), "CreatedDate") or updated
    return {
        "id": ctx.record_id(native),
        "source": ctx.source,
        "source_type": SOURCE_TYPE,
        "kind": spec.kind,
        "container": object_ref(spec, ctx.record_id),
        "url": f"{ctx.base_url}/{native}",
        "created_at": created,
        "updated_at": updated,
        "deleted": bool(row.get("IsDeleted")),
    }


def _extra(row: dict[str, Any], ctx: MapContext) -> dict[str, Any]:
    return {name: value(row, name) for name in ctx.extra}


def _links(ctx: MapContext, *natives: object) -> list[Link]:
    links: dict[str, Link] = {}
    for native in natives:
        link = ctx.link(native)
        if link is not None:
            links.setdefault(link.id, link)
    return list(links.values())


def account_record(row: dict[str, Any], spec: SObjectSpec, ctx: MapContext) -> Record:
    """An Account (a customer, partner, vendor ...): its industry and type feed the ontology."""
    common = _common(row, spec, ctx)
    name = text(ctx.get(row, "name"))
    website = text(ctx.get(row, "website"))
    owner = ctx.identity(row, "owner")
    properties = {
        "industry": text(ctx.get(row, "industry")),
        "type": text(ctx.get(row, "type")),
        "domain": website_host(website),
        "website": website,
        "parent": ctx.ref(ctx.get(row, "parent")),
        "owner": owner.id if owner else None,
        **_extra(row, ctx),
    }
    description = text(ctx.get(row, "description")) or _summary(name, properties)
    return Record(
        **common,
        author=owner,
        title=name,
        text=description,
        links=_links(ctx, ctx.get(row, "parent")),
        properties=properties,
    )


def contact_record(row: dict[str, Any], spec: SObjectSpec, ctx: MapContext) -> Record:
    """A Contact, linked to its Account."""
    common = _common(row, spec, ctx)
    name, email = text(ctx.get(row, "name")), text(ctx.get(row, "email"))
    job = text(ctx.get(row, "title"))
    owner = ctx.identity(row, "owner")
    properties = {
        "email": email,
        "job_title": job,
        "department": text(ctx.get(row, "department")),
        "lead_source": text(ctx.get(row, "lead_source")),
        "account": ctx.ref(ctx.get(row, "account")),
        "owner": owner.id if owner else None,
        **_extra(row, ctx),
    }
    description = text(ctx.get(row, "description"))
    summary = f"{name or email}: {job}" if job and (name or email) else ""
    return Record(
        **common,
        author=owner,
        title=name or email,
        text=description or summary,
        links=_links(ctx, ctx.get(row, "account")),
        properties=properties,
    )


def opportunity_record(
    row: dict[str, Any],
    spec: SObjectSpec,
    ctx: MapContext,
    history: list[dict[str, Any]] | None = None,
) -> Record:
    """An Opportunity with one ``stage_change`` fact per stage change in its history."""
    common = _common(row, spec, ctx)
    owner = ctx.identity(row, "owner")
    stage = text(ctx.get(row, "stage"))
    is_closed = flag(ctx.get(row, "is_closed"), "IsClosed")
    is_won = flag(ctx.get(row, "is_won"), "IsWon")
    lost = text(ctx.get(row, "closed_lost_reason"))
    won = text(ctx.get(row, "closed_won_reason"))
    reason = (won if is_won else lost) if is_closed else None
    description = text(ctx.get(row, "description"))
    body = "\n\n".join(
        part
        for part in (
            description,
            f"Closed lost reason: {lost}" if lost else None,
            f"Closed won reason: {won}" if won else None,
        )
        if part
    )
    properties = {
        "stage": stage,
        "amount": number(ctx.get(row, "amount"), "Amount"),
        "close_date": day(ctx.get(row, "close_date"), "CloseDate"),
        "is_closed": is_closed,
        "is_won": is_won,
        "probability": number(ctx.get(row, "probability"), "Probability"),
        "forecast_category": text(ctx.get(row, "forecast_category")),
        "type": text(ctx.get(row, "type")),
        "lead_source": text(ctx.get(row, "lead_source")),
        "next_step": text(ctx.get(row, "next_step")),
        "account": ctx.ref(ctx.get(row, "account")),
        "owner": owner.id if owner else None,
        "closed_lost_reason": lost,
        "closed_won_reason": won,
        **_extra(row, ctx),
    }
    return Record(
        **common,
        author=owner,
        title=text(ctx.get(row, "name")),
        text=body,
        links=_links(ctx, ctx.get(row, "account")),
        facts=stage_facts(common["id"], history or [], ctx, current=stage, reason=reason),
        properties=properties,
    )


def stage_facts(
    record_id: str,
    history: list[dict[str, Any]],
    ctx: MapContext,
    *,
    current: str | None,
    reason: str | None,
) -> list[Fact]:
    """``stage_change`` facts from OpportunityHistory rows (oldest first). Rows that changed
    only the amount or close date are not stage changes. The closed won / lost reason goes on
    the last change when it moved the opportunity into its current, closed stage."""
    rows = []
    for entry in history:
        at = timestamp(entry.get("CreatedDate"), "OpportunityHistory.CreatedDate")
        stage = text(entry.get("StageName"))
        if at is not None and stage is not None:
            rows.append((at, str(entry.get("Id")), stage, entry))
    rows.sort(key=lambda item: (item[0], item[1]))
    facts: list[Fact] = []
    previous: str | None = None
    for at, history_id, stage, entry in rows:
        if stage == previous:
            continue
        actor_id = text(entry.get("CreatedById"))
        actor = None
        if actor_id:
            actor = Identity(
                id=ctx.record_id(actor_id),
                name=text(value(entry, "CreatedBy.Name")),
                email=text(value(entry, "CreatedBy.Email")),
            )
        facts.append(
            Fact(
                id=f"{record_id}:StageName:{history_id}",
                kind="stage_change",
                field="StageName",
                from_value=previous,
                to_value=stage,
                actor=actor,
                at=at,
            )
        )
        previous = stage
    if facts and reason and facts[-1].to_value == current:
        facts[-1] = facts[-1].model_copy(update={"reason": reason})
    return facts


def task_record(row: dict[str, Any], spec: SObjectSpec, ctx: MapContext) -> Record:
    """A Task (a call, email or to-do) as a note on what it is about."""
    common = _common(row, spec, ctx)
    links = _links(ctx, ctx.get(row, "what"), ctx.get(row, "who"), ctx.get(row, "account"))
    properties = {
        "activity": "task",
        "subtype": text(ctx.get(row, "subtype")),
        "status": text(ctx.get(row, "status")),
        "priority": text(ctx.get(row, "priority")),
        "activity_date": day(ctx.get(row, "activity_date"), "ActivityDate"),
        "owner": ctx.ref(ctx.get(row, "owner")),
        **_extra(row, ctx),
    }
    return Record(
        **common,
        author=ctx.identity(row, "author"),
        title=text(ctx.get(row, "subject")),
        text=text(ctx.get(row, "description")) or "",
        links=links,
        parent_id=_parent(links),
        properties=properties,
    )


def note_record(
    row: dict[str, Any],
    spec: SObjectSpec,
    ctx: MapContext,
    *,
    body: str | None = None,
    linked: Iterable[str] = (),
) -> Record:
    """A classic Note (plain-text ``Body``, one ``ParentId``) or a ContentNote (``body``
    fetched and converted by the caller, ``linked`` from ContentDocumentLink)."""
    common = _common(row, spec, ctx)
    links = _links(ctx, ctx.get(row, "parent"), *linked)
    properties = {
        "activity": "note",
        "private": ctx.get(row, "private"),
        "owner": ctx.ref(ctx.get(row, "owner")),
        **_extra(row, ctx),
    }
    return Record(
        **common,
        author=ctx.identity(row, "author"),
        title=text(ctx.get(row, "title")),
        text=(body if body is not None else text(ctx.get(row, "body"))) or "",
        links=links,
        parent_id=_parent(links),
        properties={k: v for k, v in properties.items() if v is not None},
    )


def _parent(links: list[Link]) -> str | None:
    """The opportunity a note or task belongs to, when there is one."""
    return next((link.id for link in links if link.kind == "opportunity"), None)


def _summary(name: str | None, properties: dict[str, Any]) -> str:
    parts = [str(properties[k]) for k in ("type", "industry", "domain") if properties.get(k)]
    return f"{name}: {', '.join(parts)}" if name and parts else ""
