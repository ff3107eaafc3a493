"""HubSpot objects to Records (and object types to Containers): pure functions, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors._errors import SkippableError
from connectors._html import html_to_text, website_host
from connectors._record import Container, ContainerRef, Fact, Link, Record
from connectors.hubspot import _values as v
from connectors.hubspot._lookups import (
    SOURCE_TYPE,
    OwnerIndex,
    PipelineIndex,
    RecordId,
    full_name,
)
from connectors.hubspot._objects import LINK_KIND, ObjectSpec

APP_URL = "https://app.hubspot.com"


def object_type_ref(spec: ObjectSpec, record_id: RecordId) -> ContainerRef:
    """Where records of an object type live when no pipeline holds them."""
    return ContainerRef(id=record_id(f"objects:{spec.type}"), kind="object_type", name=spec.type)


def object_type_container(spec: ObjectSpec, *, source: str, record_id: RecordId) -> Container:
    """A CRM object type as a container."""
    ref = object_type_ref(spec, record_id)
    return Container(
        id=ref.id,
        source=source,
        source_type=SOURCE_TYPE,
        kind=ref.kind,
        name=ref.name,
        properties={"record_kind": spec.kind},
    )


@dataclass
class MapContext:
    """What mapping one object needs besides the object itself."""

    source: str
    record_id: RecordId
    owners: OwnerIndex
    pipelines: PipelineIndex = field(default_factory=lambda: PipelineIndex([]))
    portal_id: int | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)


def map_object(
    obj: dict[str, Any],
    spec: ObjectSpec,
    ctx: MapContext,
    *,
    links: dict[str, list[str]] | None = None,
    history: list[dict[str, Any]] | None = None,
) -> Record:
    """One HubSpot object as a Record; ``links`` maps object types to associated ids and
    ``history`` is a deal's ``dealstage`` history."""
    native = v.text(obj.get("id"))
    if native is None:
        raise SkippableError("object without an id")
    props: dict[str, Any] = obj.get("properties") or {}
    rid = ctx.record_id(f"{spec.prefix}:{native}")
    created = v.timestamp(props.get("createdate") or props.get("hs_createdate"), "createdate")
    created = created or v.timestamp(obj.get("createdAt"), "createdAt")
    updated = v.timestamp(props.get(spec.modified), spec.modified)
    updated = updated or v.timestamp(obj.get("updatedAt"), "updatedAt")
    if obj.get("archived"):
        # A deletion is the newest version of the record.
        updated = v.timestamp(obj.get("archivedAt"), "archivedAt") or updated
    if updated is None:
        raise SkippableError(f"no {spec.modified} and no updatedAt", record_id=rid)
    link_list = [
        Link(id=ctx.record_id(f"{LINK_KIND[target]}:{target_id}"), kind=LINK_KIND[target])
        for target, ids in (links or {}).items()
        for target_id in ids
    ]
    common: dict[str, Any] = {
        "id": rid,
        "source": ctx.source,
        "source_type": SOURCE_TYPE,
        "kind": spec.kind,
        "container": object_type_ref(spec, ctx.record_id),
        "author": ctx.owners.owner(props.get("hubspot_owner_id")),
        "url": _app_url(ctx.portal_id, spec, native),
        "created_at": created or updated,
        "updated_at": updated,
        "deleted": bool(obj.get("archived")),
        "links": link_list,
    }
    extra = {name: props.get(name) for name in ctx.extra.get(spec.type, []) if name in props}
    if spec.kind == "deal":
        return _deal(props, ctx, common, extra, history or [])
    if spec.kind == "company":
        return _company(props, common, extra)
    if spec.kind == "contact":
        return _contact(props, common, extra)
    return _engagement(props, spec, ctx, common, extra)


def _app_url(portal_id: int | None, spec: ObjectSpec, native: str) -> str | None:
    if portal_id is None or spec.type_id is None:
        return None
    return f"{APP_URL}/contacts/{portal_id}/record/{spec.type_id}/{native}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _deal(
    props: dict[str, Any],
    ctx: MapContext,
    common: dict[str, Any],
    extra: dict[str, Any],
    history: list[dict[str, Any]],
) -> Record:
    pipeline_id, stage_id = v.text(props.get("pipeline")), v.text(props.get("dealstage"))
    stage = ctx.pipelines.stage(pipeline_id, stage_id)
    is_closed = v.boolean(props.get("hs_is_closed"), "hs_is_closed")
    is_won = v.boolean(props.get("hs_is_closed_won"), "hs_is_closed_won")
    if is_closed is None and stage is not None:
        is_closed = stage.is_closed
    if is_won is None and stage is not None:
        is_won = stage.is_won
    lost = v.text(props.get("closed_lost_reason"))
    won = v.text(props.get("closed_won_reason"))
    close_date = v.timestamp(props.get("closedate"), "closedate")
    owner = common["author"]
    reason = (won if is_won else lost) if is_closed else None
    facts = stage_facts(common["id"], history, pipeline_id, ctx, reason=reason)
    text = "\n\n".join(
        part
        for part in (
            html_to_text(v.text(props.get("description")) or ""),
            f"Closed lost reason: {lost}" if lost else "",
            f"Closed won reason: {won}" if won else "",
        )
        if part
    )
    pipeline_label = ctx.pipelines.labels.get(pipeline_id or "", pipeline_id)
    properties = {
        "stage": ctx.pipelines.label(pipeline_id, stage_id),
        "stage_id": stage_id,
        "pipeline": pipeline_label,
        "pipeline_id": pipeline_id,
        "amount": v.number(props.get("amount"), "amount"),
        "close_date": _iso(close_date),
        "deal_type": v.text(props.get("dealtype")),
        "is_closed": is_closed,
        "is_won": is_won,
        "closed_lost_reason": lost,
        "closed_won_reason": won,
        "owner": owner.id if owner else None,
        **extra,
    }
    container = common["container"]
    if pipeline_id is not None:
        container = ContainerRef(
            id=ctx.record_id(f"pipeline:{pipeline_id}"), kind="pipeline", name=pipeline_label
        )
    return Record(
        **{**common, "container": container},
        title=v.text(props.get("dealname")),
        text=text,
        facts=facts,
        properties=properties,
    )


def stage_facts(
    record_id: str,
    history: list[dict[str, Any]],
    pipeline_id: str | None,
    ctx: MapContext,
    *,
    reason: str | None,
) -> list[Fact]:
    """One ``stage_change`` fact per change in a deal's ``dealstage`` history, oldest first.

    The closed won / lost reason goes on the last change, when that change closed the deal
    (the reason properties hold the current reason, not a history of reasons).
    """
    entries = []
    for entry in history:
        at = v.timestamp(entry.get("timestamp"), "dealstage history timestamp")
        value = v.text(entry.get("value"))
        if at is not None and value is not None:
            entries.append((at, value, entry))
    entries.sort(key=lambda item: item[0])
    facts: list[Fact] = []
    previous: str | None = None
    for at, value, entry in entries:
        if value == previous:
            continue
        facts.append(
            Fact(
                id=f"{record_id}:dealstage:{int(at.timestamp() * 1000)}:{value}",
                kind="stage_change",
                field="dealstage",
                from_value=ctx.pipelines.label(pipeline_id, previous) if previous else None,
                to_value=ctx.pipelines.label(pipeline_id, value),
                actor=ctx.owners.user(entry.get("updatedByUserId")),
                at=at,
            )
        )
        previous = value
    if facts and reason:
        facts[-1] = facts[-1].model_copy(update={"reason": reason})
    return facts


def _company(props: dict[str, Any], common: dict[str, Any], extra: dict[str, Any]) -> Record:
    name = v.text(props.get("name"))
    website = v.text(props.get("website"))
    domain = v.text(props.get("domain")) or website_host(website)
    employees = v.number(props.get("numberofemployees"), "numberofemployees")
    properties = {
        "domain": domain,
        "website": website,
        "industry": v.text(props.get("industry")),
        "type": v.text(props.get("type")),
        "lifecycle_stage": v.text(props.get("lifecyclestage")),
        "city": v.text(props.get("city")),
        "country": v.text(props.get("country")),
        "employees": int(employees) if employees is not None else None,
        "owner": common["author"].id if common["author"] else None,
        **extra,
    }
    description = html_to_text(v.text(props.get("description")) or "")
    return Record(
        **common, title=name, text=description or _summary(name, properties), properties=properties
    )


def _contact(props: dict[str, Any], common: dict[str, Any], extra: dict[str, Any]) -> Record:
    name = full_name(props.get("firstname"), props.get("lastname"))
    email = v.text(props.get("email"))
    job, company = v.text(props.get("jobtitle")), v.text(props.get("company"))
    properties = {
        "email": email,
        "job_title": job,
        "company": company,
        "lifecycle_stage": v.text(props.get("lifecyclestage")),
        "owner": common["author"].id if common["author"] else None,
        **extra,
    }
    role = " at ".join(p for p in (job, company) if p)
    text = f"{name or email or 'Contact'}: {role}" if role else ""
    return Record(**common, title=name or email, text=text, properties=properties)


def _engagement(
    props: dict[str, Any],
    spec: ObjectSpec,
    ctx: MapContext,
    common: dict[str, Any],
    extra: dict[str, Any],
) -> Record:
    body = html_to_text(v.text(props.get(spec.body or "")) or "")
    occurred = v.timestamp(props.get("hs_timestamp"), "hs_timestamp")
    author = common["author"] or ctx.owners.user(props.get("hs_created_by_user_id"))
    skip = {
        spec.body,
        spec.title,
        "hs_timestamp",
        "hubspot_owner_id",
        "hs_createdate",
        "hs_created_by_user_id",
        spec.modified,
    }
    properties = {
        "activity": spec.prefix,
        "occurred_at": _iso(occurred),
        **{name: v.text(props.get(name)) for name in spec.properties if name not in skip},
        **extra,
    }
    deals = [link.id for link in common["links"] if link.kind == "deal"]
    return Record(
        **{**common, "author": author},
        title=v.text(props.get(spec.title)) if spec.title else None,
        text=body,
        parent_id=deals[0] if deals else None,
        properties=properties,
    )


def _summary(name: str | None, properties: dict[str, Any]) -> str:
    """A one-line description when the CRM has none: name, type, industry, domain."""
    parts = [
        str(properties[k]) for k in ("type", "industry", "domain") if properties.get(k) is not None
    ]
    return f"{name}: {', '.join(parts)}" if name and parts else ""
