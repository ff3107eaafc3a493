"""HubSpot CRM v3/v4: objects (list, get, search, batch read), associations, owners, pipelines.

All property values are strings. Search sorts and filters on any property, caps ``limit`` at 200
and refuses to page past ``search_cap`` results (HTTP 400, like HubSpot's 10,000 cap). Errors are
``{status, message, correlationId, category}``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.sandbox._generate import HUBSPOT_STAGES
from connectors.sandbox._markup import to_html, to_plain
from connectors.sandbox._server import ApiError, Request, Response
from connectors.sandbox._world import (
    US,
    CrmCompany,
    CrmContact,
    CrmNote,
    Deal,
    Person,
    World,
    from_dt,
    iso_ms,
)

Obj = CrmCompany | CrmContact | Deal | CrmNote
_ALIASES = {
    "contacts": "contacts",
    "contact": "contacts",
    "0-1": "contacts",
    "companies": "companies",
    "company": "companies",
    "0-2": "companies",
    "deals": "deals",
    "deal": "deals",
    "0-3": "deals",
    "notes": "notes",
    "note": "notes",
    "0-46": "notes",
}
_SINGULAR = {"contacts": "contact", "companies": "company", "deals": "deal", "notes": "note"}
#: (from, to) -> HubSpot-defined association type id
_TYPE_IDS = {
    ("contacts", "companies"): 1,
    ("companies", "contacts"): 2,
    ("deals", "contacts"): 3,
    ("contacts", "deals"): 4,
    ("deals", "companies"): 5,
    ("companies", "deals"): 6,
    ("companies", "notes"): 189,
    ("notes", "companies"): 190,
    ("contacts", "notes"): 201,
    ("notes", "contacts"): 202,
    ("deals", "notes"): 213,
    ("notes", "deals"): 214,
}
_DEFAULTS = {
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    "contacts": (
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    ),
    "deals": (
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ),
    "notes": ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
}
_MODIFIED = {
    "companies": "hs_lastmodifieddate",
    "contacts": "lastmodifieddate",
    "deals": "hs_lastmodifieddate",
    "notes": "hs_lastmodifieddate",
}
_CREATED = {
    "companies": "createdate",
    "contacts": "createdate",
    "deals": "createdate",
    "notes": "hs_createdate",
}
_DATETIME = {
    "createdate",
    "hs_lastmodifieddate",
    "lastmodifieddate",
    "closedate",
    "hs_createdate",
    "hs_timestamp",
    "hs_closed_date",
}
_NUMBER = {"amount", "hs_object_id", "hs_deal_stage_probability", "hubspot_owner_id"}
_OPERATORS = {
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
}


class _Errors:
    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def correlation(self) -> str:
        digest = hashlib.md5(str(next(self._counter)).encode(), usedforsecurity=False).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

    def make(self, status: int, message: str, category: str, **extra: Any) -> ApiError:
        return ApiError(
            Response(
                status,
                {
                    "status": "error",
                    "message": message,
                    "correlationId": self.correlation(),
                    "category": category,
                    **extra,
                },
            )
        )


@dataclass
class _Index:
    version: int
    sorted_ids: dict[str, list[Obj]]
    links: dict[tuple[str, str], dict[str, list[str]]]


class HubSpotApi:
    """HubSpot CRM under ``/crm/v3`` and ``/crm/v4``."""

    name = "hubspot"

    def __init__(self, world: World, token: str, search_cap: int = 10_000) -> None:
        self.world = world
        self.token = token
        self.search_cap = search_cap
        self.errors = _Errors()
        self._index: _Index | None = None
        self._search_cache: dict[tuple[str, str, int], list[Obj]] = {}

    # protocol

    def endpoint(self, request: Request) -> str:
        path = request.path.rstrip("/")
        routes = (
            (r"/crm/v3/objects/[^/]+/search", "hubspot.search"),
            (r"/crm/v3/objects/[^/]+/batch/read", "hubspot.batch_read"),
            (r"/crm/v3/objects/[^/]+/[^/]+", "hubspot.get"),
            (r"/crm/v3/objects/[^/]+", "hubspot.list"),
            (r"/crm/v4/associations/[^/]+/[^/]+/batch/read", "hubspot.associations"),
            (r"/crm/v4/objects/[^/]+/[^/]+/associations/[^/]+", "hubspot.associations_get"),
            (r"/crm/v3/owners(/[^/]+)?", "hubspot.owners"),
            (r"/crm/v3/pipelines/[^/]+(/[^/]+)?", "hubspot.pipelines"),
            (r"/crm/v3/properties/[^/]+", "hubspot.properties"),
        )
        for pattern, name in routes:
            if re.fullmatch(pattern, path):
                return name
        raise self.errors.make(
            404, f"Unable to find the resource at {request.path}", "OBJECT_NOT_FOUND"
        )

    def authenticate(self, request: Request) -> Response | None:
        auth = request.header("authorization") or ""
        if auth.lower().startswith("bearer ") and auth[7:].strip() == self.token:
            return None
        return Response(
            401,
            {
                "status": "error",
                "message": "Authentication credentials not found. This API supports OAuth 2.0 "
                "authentication and you can find more details at "
                "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                "correlationId": self.errors.correlation(),
                "category": "INVALID_AUTHENTICATION",
            },
        )

    def throttled(self, request: Request, retry_after: float) -> Response:
        return Response(
            429,
            {
                "status": "error",
                "message": "You have reached your secondly limit.",
                "errorType": "RATE_LIMIT",
                "correlationId": self.errors.correlation(),
                "policyName": "SECONDLY",
                "category": "RATE_LIMITS",
            },
            {
                "Retry-After": f"{retry_after:g}",
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                "X-HubSpot-RateLimit-Max": "100",
                "X-HubSpot-RateLimit-Remaining": "0",
            },
        )

    def failed(self, request: Request, exc: Exception) -> Response:
        return Response(
            500,
            {
                "status": "error",
                "message": "internal error",
                "correlationId": self.errors.correlation(),
                "category": "INTERNAL_ERROR",
            },
        )

    def handle(self, request: Request) -> Response:
        endpoint = self.endpoint(request)
        parts = request.path.rstrip("/").split("/")
        with self.world.lock:
            if endpoint == "hubspot.owners":
                return self.owners(request, parts[4] if len(parts) > 4 else None)
            if endpoint == "hubspot.pipelines":
                return self.pipelines(request, parts)
            if endpoint == "hubspot.properties":
                return self.properties(self._type(parts[4]))
            if endpoint == "hubspot.associations":
                return self.associations(request, self._type(parts[4]), self._type(parts[5]))
            if endpoint == "hubspot.associations_get":
                return self.associations_get(self._type(parts[4]), parts[5], self._type(parts[7]))
            kind = self._type(parts[4])
            if endpoint == "hubspot.search":
                return self.search(request, kind)
            if endpoint == "hubspot.batch_read":
                return self.batch_read(request, kind)
            if endpoint == "hubspot.get":
                return self.get(request, kind, parts[5])
            return self.list_objects(request, kind)

    # the objects

    def _type(self, raw: str) -> str:
        kind = _ALIASES.get(raw.lower())
        if kind is None:
            raise self.errors.make(
                400, f"Unable to infer object type from: {raw}", "VALIDATION_ERROR"
            )
        return kind

    def objects(self, kind: str) -> Mapping[str, Obj]:
        crm = self.world.hubspot
        if kind == "companies":
            return crm.companies
        if kind == "contacts":
            return crm.contacts
        if kind == "deals":
            return crm.deals
        return crm.notes

    def index(self) -> _Index:
        version = self.world.version
        if self._index is not None and self._index.version == version:
            return self._index
        crm = self.world.hubspot
        sorted_ids = {
            kind: sorted(self.objects(kind).values(), key=lambda o: int(o.id))
            for kind in ("companies", "contacts", "deals", "notes")
        }
        links: dict[tuple[str, str], dict[str, list[str]]] = {}

        def link(a: str, a_id: str, b: str, b_id: str | None) -> None:
            if not b_id:
                return
            links.setdefault((a, b), {}).setdefault(a_id, []).append(b_id)
            links.setdefault((b, a), {}).setdefault(b_id, []).append(a_id)

        for contact in crm.contacts.values():
            link("contacts", contact.id, "companies", contact.company_id)
        for deal in crm.deals.values():
            link("deals", deal.id, "companies", deal.company_id)
            for cid in deal.contact_ids:
                link("deals", deal.id, "contacts", cid)
        for note in crm.notes.values():
            link("notes", note.id, "deals", note.deal_id)
            link("notes", note.id, "companies", note.company_id)
            link("notes", note.id, "contacts", note.contact_id)
        self._index = _Index(version, sorted_ids, links)
        self._search_cache.clear()
        return self._index

    def _owner_id(self, key: str) -> str | None:
        person = self.world.people.get(key)
        return person.hubspot_owner_id if person else None

    def _user_id(self, key: str) -> int | None:
        person = self.world.people.get(key)
        return person.hubspot_user_id if person else None

    def _person(self, key: str) -> tuple[str, str]:
        return "", self.world.display_name(key)

    def props(self, kind: str, obj: Obj) -> dict[str, str | None]:
        if isinstance(obj, CrmCompany):
            return {
                "name": obj.name,
                "domain": obj.domain,
                "website": f"https://{obj.domain}",
                "industry": obj.industry,
                "type": "CUSTOMER",
                "city": obj.city,
                "country": obj.country,
                "numberofemployees": None,
                "hubspot_owner_id": self._owner_id(obj.owner),
                "description": obj.description or None,
                "createdate": iso_ms(obj.created),
                "hs_lastmodifieddate": iso_ms(obj.updated),
                "hs_object_id": obj.id,
                "lifecyclestage": "customer",
            }
        if isinstance(obj, CrmContact):
            company = self.world.hubspot.companies.get(obj.company_id)
            return {
                "firstname": obj.first,
                "lastname": obj.last,
                "email": obj.email,
                "jobtitle": obj.title,
                "phone": obj.phone or None,
                "company": company.name if company else None,
                "associatedcompanyid": obj.company_id,
                "lifecyclestage": "customer",
                "hubspot_owner_id": self._owner_id(obj.owner),
                "createdate": iso_ms(obj.created),
                "lastmodifieddate": iso_ms(obj.updated),
                "hs_object_id": obj.id,
            }
        if isinstance(obj, Deal):
            _label, probability, closed = HUBSPOT_STAGES[obj.stage]
            won = obj.stage == "closedwon"
            closed_at = obj.history[-1].at if closed else None
            return {
                "dealname": obj.name,
                "amount": str(obj.amount),
                "dealstage": obj.stage,
                "pipeline": "default",
                "closedate": iso_ms(closed_at or obj.close_date),
                "hubspot_owner_id": self._owner_id(obj.owner),
                "description": to_plain(obj.src, self._person) or None,
                "dealtype": obj.deal_type,
                "closed_lost_reason": obj.reason if obj.stage == "closedlost" else None,
                "closed_won_reason": obj.reason if won else None,
                "hs_is_closed": "true" if closed else "false",
                "hs_is_closed_won": "true" if won else "false",
                "hs_deal_stage_probability": f"{probability:g}",
                "hs_closed_date": iso_ms(closed_at) if closed_at else None,
                "createdate": iso_ms(obj.created),
                "hs_lastmodifieddate": iso_ms(obj.updated),
                "hs_object_id": obj.id,
            }
        plain = to_plain(obj.src, self._person)
        return {
            "hs_note_body": to_html(obj.src, self._person),
            "hs_body_preview": plain[:500],
            "hs_timestamp": iso_ms(obj.created),
            "hubspot_owner_id": self._owner_id(obj.owner),
            "hs_created_by_user_id": str(self._user_id(obj.owner) or "") or None,
            "hs_createdate": iso_ms(obj.created),
            "hs_lastmodifieddate": iso_ms(obj.updated),
            "hs_object_id": obj.id,
        }

    def history(self, kind: str, obj: Obj, prop: str) -> list[dict[str, Any]]:
        """A property's history, newest first, as ``propertiesWithHistory`` gives it."""
        entries: list[tuple[int, str | None, str]] = []
        if isinstance(obj, Deal) and prop == "dealstage":
            entries = [(c.at, c.stage, c.actor) for c in obj.history]
        else:
            value = self.props(kind, obj).get(prop)
            if value is None:
                return []
            when = (
                obj.updated
                if prop in ("hs_lastmodifieddate", "lastmodifieddate")
                else (
                    obj.history[-1].at
                    if isinstance(obj, Deal) and prop.startswith("closed_")
                    else obj.created
                )
            )
            entries = [(when, value, getattr(obj, "owner", ""))]
        out = []
        for at, value, actor in reversed(entries):
            person: Person | None = self.world.people.get(actor)
            user = person.hubspot_user_id if person else None
            item: dict[str, Any] = {
                "value": value,
                "timestamp": iso_ms(at),
                "sourceType": "CRM_UI" if user else "API",
            }
            if user:
                item["sourceId"] = f"userId:{user}"
                item["updatedByUserId"] = user
            out.append(item)
        return out

    def object_json(
        self,
        kind: str,
        obj: Obj,
        properties: list[str] | None,
        with_history: list[str] | None = None,
        associations: list[str] | None = None,
    ) -> dict[str, Any]:
        every = self.props(kind, obj)
        wanted = list(properties) if properties else list(_DEFAULTS[kind])
        for always in ("hs_object_id", _CREATED[kind], _MODIFIED[kind]):
            if always not in wanted:
                wanted.append(always)
        chosen = {p: every.get(p) for p in wanted if p in every}
        out: dict[str, Any] = {
            "id": obj.id,
            "properties": chosen,
            "createdAt": iso_ms(obj.created),
            "updatedAt": iso_ms(obj.updated),
            "archived": False,
        }
        if with_history:
            out["propertiesWithHistory"] = {
                p: self.history(kind, obj, p) for p in with_history if p in every
            }
        if associations:
            links = self.index().links
            assoc: dict[str, Any] = {}
            for raw in associations:
                other = _ALIASES.get(raw.lower())
                if other is None:
                    continue
                ids = links.get((kind, other), {}).get(obj.id, [])
                if ids:
                    label = f"{_SINGULAR[kind]}_to_{_SINGULAR[other]}"
                    assoc[other] = {"results": [{"id": i, "type": label} for i in ids]}
            if assoc:
                out["associations"] = assoc
        return out

    # endpoints

    def _csv(self, request: Request, name: str) -> list[str]:
        values = request.query.get(name, [])
        return [p.strip() for v in values for p in v.split(",") if p.strip()]

    def _limit(self, raw: Any, default: int, maximum: int) -> int:
        try:
            limit = int(raw) if raw not in (None, "") else default
        except (TypeError, ValueError):
            raise self.errors.make(
                400, f"limit must be a number, got {raw!r}", "VALIDATION_ERROR"
            ) from None
        if limit < 1 or limit > maximum:
            raise self.errors.make(
                400, f"limit must be between 1 and {maximum}, got {limit}", "VALIDATION_ERROR"
            )
        return limit

    def list_objects(self, request: Request, kind: str) -> Response:
        limit = self._limit(request.param("limit"), 10, 100)
        history = self._csv(request, "propertiesWithHistory")
        if history:
            limit = min(limit, 50)
        items = self.index().sorted_ids[kind]
        if (request.param("archived") or "false").lower() == "true":
            items = []
        start = 0
        after = request.param("after")
        if after:
            if not after.isdigit():
                raise self.errors.make(
                    400,
                    f"after must be a cursor from a previous page, got {after!r}",
                    "VALIDATION_ERROR",
                )
            start = _first_at_least(items, int(after))
        page = items[start : start + limit]
        props = self._csv(request, "properties")
        associations = self._csv(request, "associations")
        payload: dict[str, Any] = {
            "results": [self.object_json(kind, o, props, history, associations) for o in page]
        }
        if start + limit < len(items):
            nxt = items[start + limit].id
            payload["paging"] = {
                "next": {
                    "after": nxt,
                    "link": f"{request.base_url}/crm/v3/objects/{kind}?after={nxt}",
                }
            }
        return Response(200, payload)

    def get(self, request: Request, kind: str, object_id: str) -> Response:
        obj = self.objects(kind).get(object_id)
        if obj is None:
            raise self.errors.make(
                404,
                "Object not found.  objectId are usually numeric.",
                "OBJECT_NOT_FOUND",
                context={"id": [object_id]},
            )
        return Response(
            200,
            self.object_json(
                kind,
                obj,
                self._csv(request, "properties"),
                self._csv(request, "propertiesWithHistory"),
                self._csv(request, "associations"),
            ),
        )

    def _body(self, request: Request) -> dict[str, Any]:
        try:
            body = request.json() or {}
        except ValueError as exc:
            raise self.errors.make(400, f"Invalid input JSON: {exc}", "VALIDATION_ERROR") from None
        if not isinstance(body, dict):
            raise self.errors.make(
                400, "Invalid input JSON: expected an object", "VALIDATION_ERROR"
            )
        return body

    def _typed(self, prop: str, value: Any) -> Any:
        if value is None:
            return None
        text = str(value)
        if prop in _DATETIME:
            if text.lstrip("-").isdigit():
                return int(text)
            try:
                return from_dt(datetime.fromisoformat(text.replace("Z", "+00:00"))) // 1000
            except ValueError:
                raise self.errors.make(
                    400,
                    f"{text} is not a valid value for the date property {prop}; use "
                    "epoch milliseconds or an ISO 8601 date",
                    "VALIDATION_ERROR",
                ) from None
        if prop in _NUMBER:
            try:
                return float(text)
            except ValueError:
                return text
        return text.lower()

    def _filter(self, kind: str, spec: Any) -> Callable[[dict[str, str | None]], bool]:
        if not isinstance(spec, dict) or "propertyName" not in spec:
            raise self.errors.make(
                400, "Each filter needs a propertyName and an operator", "VALIDATION_ERROR"
            )
        prop = str(spec["propertyName"])
        op = str(spec.get("operator", "EQ")).upper()
        if op not in _OPERATORS:
            raise self.errors.make(400, f"Unknown filter operator {op}", "VALIDATION_ERROR")
        known = set(self.props(kind, _sample(self, kind)) if self.objects(kind) else ())
        if known and prop not in known:
            raise self.errors.make(
                400,
                f"There was a problem with the request: the property {prop} does not "
                f"exist on {kind}",
                "VALIDATION_ERROR",
            )
        value = self._typed(prop, spec.get("value"))
        high = self._typed(prop, spec.get("highValue"))
        values = [self._typed(prop, v) for v in spec.get("values") or []]

        def check(props: dict[str, str | None]) -> bool:
            actual = self._typed(prop, props.get(prop))
            if op == "HAS_PROPERTY":
                return actual is not None
            if op == "NOT_HAS_PROPERTY":
                return actual is None
            if actual is None:
                return op in ("NEQ", "NOT_IN", "NOT_CONTAINS_TOKEN")
            try:
                if op == "EQ":
                    return bool(actual == value)
                if op == "NEQ":
                    return bool(actual != value)
                if op == "LT":
                    return bool(actual < value)
                if op == "LTE":
                    return bool(actual <= value)
                if op == "GT":
                    return bool(actual > value)
                if op == "GTE":
                    return bool(actual >= value)
                if op == "BETWEEN":
                    return bool(value <= actual <= high)
            except TypeError:
                return False
            if op == "IN":
                return actual in values
            if op == "NOT_IN":
                return actual not in values
            token = str(value).strip("*")
            contains = token in str(actual)
            return contains if op == "CONTAINS_TOKEN" else not contains

        return check

    def search(self, request: Request, kind: str) -> Response:
        body = self._body(request)
        limit = self._limit(body.get("limit"), 10, 200)
        raw_after = body.get("after") or "0"
        if not str(raw_after).isdigit():
            raise self.errors.make(
                400, f"after must be a number, got {raw_after!r}", "VALIDATION_ERROR"
            )
        after = int(raw_after)
        if after >= self.search_cap:
            raise self.errors.make(
                400,
                f"There was a problem with the request: search results are limited to "
                f"{self.search_cap} per query; narrow the filters to see more (after={after})",
                "VALIDATION_ERROR",
            )
        groups = body.get("filterGroups") or []
        if len(groups) > 5 or sum(len(g.get("filters") or []) for g in groups) > 18:
            raise self.errors.make(
                400,
                "Too many filters: at most 5 filterGroups and 18 filters in total",
                "VALIDATION_ERROR",
            )
        sorts = body.get("sorts") or []
        if len(sorts) > 1:
            raise self.errors.make(400, "Only one sort is supported", "VALIDATION_ERROR")
        found = self._search(kind, groups, sorts, str(body.get("query") or ""))
        page = found[after : min(after + limit, len(found))]
        props = [str(p) for p in body.get("properties") or []]
        payload: dict[str, Any] = {
            "total": len(found),
            "results": [self.object_json(kind, o, props) for o in page],
        }
        if after + limit < len(found):
            payload["paging"] = {"next": {"after": str(after + limit)}}
        return Response(200, payload)

    def _search(self, kind: str, groups: list[Any], sorts: list[Any], query: str) -> list[Obj]:
        self.index()
        key = (
            kind,
            json.dumps([groups, sorts, query], sort_keys=True, default=str),
            self.world.version,
        )
        cached = self._search_cache.get(key)
        if cached is not None:
            return cached
        checks = [[self._filter(kind, f) for f in (g.get("filters") or [])] for g in groups]
        sort_prop, descending = "hs_object_id", False
        if sorts:
            first = sorts[0]
            if isinstance(first, str):
                descending = first.startswith("-")
                sort_prop = first.lstrip("-")
            elif isinstance(first, dict):
                sort_prop = str(first.get("propertyName") or "hs_object_id")
                descending = str(first.get("direction", "ASCENDING")).upper() == "DESCENDING"
        rows: list[tuple[Any, int, Obj]] = []
        needle = query.lower()
        for obj in self.index().sorted_ids[kind]:
            props = self.props(kind, obj)
            if checks and not any(all(c(props) for c in group) for group in checks):
                continue
            if needle and not any(needle in str(v).lower() for v in props.values() if v):
                continue
            value = self._typed(sort_prop, props.get(sort_prop))
            rows.append((value, int(obj.id), obj))
        present = [r for r in rows if r[0] is not None]
        missing = [r for r in rows if r[0] is None]
        present.sort(key=lambda r: (r[0], r[1]), reverse=descending)
        found = [r[2] for r in present + missing]
        if len(self._search_cache) > 64:
            self._search_cache.clear()
        self._search_cache[key] = found
        return found

    def batch_read(self, request: Request, kind: str) -> Response:
        body = self._body(request)
        inputs = body.get("inputs") or []
        if not inputs or len(inputs) > 100:
            raise self.errors.make(
                400, "inputs must hold between 1 and 100 objects", "VALIDATION_ERROR"
            )
        objects = self.objects(kind)
        props = [str(p) for p in body.get("properties") or []]
        history = [str(p) for p in body.get("propertiesWithHistory") or []]
        results, missing = [], []
        for item in inputs:
            oid = str(item.get("id") if isinstance(item, dict) else item)
            obj = objects.get(oid)
            if obj is None:
                missing.append(oid)
            else:
                results.append(self.object_json(kind, obj, props, history))
        now = iso_ms(self.world.last_event)
        payload: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": now,
            "completedAt": now,
        }
        if missing:
            payload["numErrors"] = 1
            payload["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": f"Could not get some {_SINGULAR[kind].upper()} objects, they may be "
                    "deleted or not exist. Check that ids are valid.",
                    "context": {"ids": missing},
                }
            ]
            return Response(207, payload)
        return Response(200, payload)

    def _association_types(self, kind: str, other: str) -> list[dict[str, Any]]:
        type_id = _TYPE_IDS.get((kind, other))
        if type_id is None:
            return []
        return [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}]

    def associations(self, request: Request, kind: str, other: str) -> Response:
        body = self._body(request)
        inputs = body.get("inputs") or []
        if not inputs or len(inputs) > 1000:
            raise self.errors.make(
                400, "inputs must hold between 1 and 1000 ids", "VALIDATION_ERROR"
            )
        links = self.index().links.get((kind, other), {})
        types = self._association_types(kind, other)
        results, empty = [], []
        for item in inputs:
            oid = str(item.get("id") if isinstance(item, dict) else item)
            ids = links.get(oid, [])
            if not ids:
                empty.append(oid)
                continue
            results.append(
                {
                    "from": {"id": oid},
                    "to": [{"toObjectId": int(i), "associationTypes": types} for i in ids],
                }
            )
        now = iso_ms(self.world.last_event)
        payload: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": now,
            "completedAt": now,
        }
        if empty:
            payload["numErrors"] = len(empty)
            payload["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                    "message": f"No {_SINGULAR[other]} is associated with {_SINGULAR[kind]} {oid}.",
                    "context": {"fromObjectId": [oid]},
                }
                for oid in empty
            ]
            return Response(207, payload)
        return Response(200, payload)

    def associations_get(self, kind: str, object_id: str, other: str) -> Response:
        if object_id not in self.objects(kind):
            raise self.errors.make(
                404,
                "Object not found.  objectId are usually numeric.",
                "OBJECT_NOT_FOUND",
                context={"id": [object_id]},
            )
        ids = self.index().links.get((kind, other), {}).get(object_id, [])
        types = self._association_types(kind, other)
        return Response(
            200, {"results": [{"toObjectId": int(i), "associationTypes": types} for i in ids]}
        )

    def owner_json(self, person: Person) -> dict[str, Any]:
        return {
            "id": person.hubspot_owner_id,
            "email": person.hubspot_email,
            "type": "PERSON",
            "firstName": person.first,
            "lastName": person.last,
            "userId": person.hubspot_user_id,
            "userIdIncludingInactive": person.hubspot_user_id,
            "createdAt": iso_ms(person.created),
            "updatedAt": iso_ms(person.created),
            "archived": False,
        }

    def owners(self, request: Request, owner_id: str | None) -> Response:
        owners = sorted(
            (p for p in self.world.people.values() if p.hubspot_owner_id),
            key=lambda p: int(p.hubspot_owner_id or 0),
        )
        if owner_id is not None:
            for person in owners:
                if person.hubspot_owner_id == owner_id:
                    return Response(200, self.owner_json(person))
            raise self.errors.make(404, f"Owner {owner_id} not found", "OBJECT_NOT_FOUND")
        if (request.param("archived") or "false").lower() == "true":
            owners = []
        email = request.param("email")
        if email:
            owners = [p for p in owners if (p.hubspot_email or "").lower() == email.lower()]
        limit = self._limit(request.param("limit"), 100, 500)
        start = 0
        after = request.param("after")
        if after:
            if not after.isdigit():
                raise self.errors.make(
                    400, f"after must be a cursor, got {after!r}", "VALIDATION_ERROR"
                )
            start = next(
                (i for i, p in enumerate(owners) if int(p.hubspot_owner_id or 0) >= int(after)),
                len(owners),
            )
        page = owners[start : start + limit]
        payload: dict[str, Any] = {"results": [self.owner_json(p) for p in page]}
        if start + limit < len(owners):
            nxt = owners[start + limit].hubspot_owner_id
            payload["paging"] = {
                "next": {"after": nxt, "link": f"{request.base_url}/crm/v3/owners?after={nxt}"}
            }
        return Response(200, payload)

    def pipeline_json(self) -> dict[str, Any]:
        created = iso_ms(self.world.now - 400 * 86400 * US)
        return {
            "label": "Sales Pipeline",
            "displayOrder": 0,
            "id": "default",
            "stages": [
                {
                    "label": label,
                    "displayOrder": i,
                    "metadata": {
                        "isClosed": "true" if closed else "false",
                        "probability": f"{probability:g}",
                    },
                    "id": stage,
                    "createdAt": created,
                    "updatedAt": created,
                    "archived": False,
                    "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                }
                for i, (stage, (label, probability, closed)) in enumerate(HUBSPOT_STAGES.items())
            ],
            "createdAt": created,
            "updatedAt": created,
            "archived": False,
        }

    def pipelines(self, request: Request, parts: list[str]) -> Response:
        if self._type(parts[4]) != "deals":
            return Response(200, {"results": []})
        if len(parts) > 5:
            if parts[5] != "default":
                raise self.errors.make(404, f"Pipeline {parts[5]} not found", "OBJECT_NOT_FOUND")
            return Response(200, self.pipeline_json())
        return Response(200, {"results": [self.pipeline_json()]})

    def properties(self, kind: str) -> Response:
        results = []
        sample = self.props(kind, _sample(self, kind)) if self.objects(kind) else {}
        for name in sample:
            ptype = (
                "datetime"
                if name in _DATETIME
                else "number"
                if name in _NUMBER
                else "enumeration"
                if name in ("dealstage", "industry")
                else "string"
            )
            entry: dict[str, Any] = {
                "name": name,
                "label": name.replace("_", " ").title(),
                "type": ptype,
                "fieldType": {"datetime": "date", "number": "number", "enumeration": "select"}.get(
                    ptype, "text"
                ),
                "groupName": f"{_SINGULAR[kind]}information",
                "description": "",
                "options": [],
                "hidden": False,
                "formField": True,
            }
            if name == "dealstage":
                entry["options"] = [
                    {"label": label, "value": stage, "displayOrder": i, "hidden": False}
                    for i, (stage, (label, _p, _c)) in enumerate(HUBSPOT_STAGES.items())
                ]
            if name == "industry":
                industries = sorted({c.industry for c in self.world.hubspot.companies.values()})
                entry["options"] = [
                    {
                        "label": i.replace("_", " ").title(),
                        "value": i,
                        "displayOrder": n,
                        "hidden": False,
                    }
                    for n, i in enumerate(industries)
                ]
            results.append(entry)
        return Response(200, {"results": results})


def _sample(api: HubSpotApi, kind: str) -> Obj:
    return next(iter(api.objects(kind).values()))


def _first_at_least(items: list[Obj], value: int) -> int:
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if int(items[mid].id) < value:
            lo = mid + 1
        else:
            hi = mid
    return lo
