"""HubSpot connector: search paging past the 10k cap, errors, mapping of deals, notes, people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from pydantic import ValidationError

from connectors import Account, Container, FatalError, Record, RetriableError
from connectors.hubspot import HubSpotConfig, HubSpotConnector

BASE = "https://api.hubapi.com"
SINCE = datetime(2024, 3, 1, tzinfo=UTC)
T0 = datetime(2024, 3, 2, 9, 0, tzinfo=UTC)

Handler = Callable[[httpx.Request], httpx.Response]


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUBSPOT_TOKEN", "pat-na1-test-token")
    return "pat-na1-test-token"


@pytest.fixture
def hub() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make(sleeps: list[float], **overrides: Any) -> HubSpotConnector:
    block = {**HubSpotConnector.example_config(), "track_deletions": False, **overrides}
    return HubSpotConnector(
        "hubspot-main", HubSpotConfig.model_validate(block), sleep=sleeps.append
    )


def obj(
    native: int, modified: datetime, created: datetime | None = None, **props: str
) -> dict[str, Any]:
    created = created or modified - timedelta(days=1)
    return {
        "id": str(native),
        "properties": {
            "hs_object_id": str(native),
            "createdate": iso(created),
            "hs_lastmodifieddate": iso(modified),
            **props,
        },
        "createdAt": iso(created),
        "updatedAt": iso(modified),
        "archived": False,
    }


def body_of(request: httpx.Request) -> dict[str, Any]:
    return dict(json.loads(request.content))


def fake_search(
    dataset: list[dict[str, Any]], *, refuse_from: int | None = None, calls: list[Any] | None = None
) -> Handler:
    """A search endpoint honouring the GTE modification filter, the GT id filter, the id sort,
    ``limit`` and ``after``; from offset ``refuse_from`` on it answers 400 as HubSpot does."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        if calls is not None:
            calls.append(body)
        assert body["sorts"] == [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
        rows = dataset
        for flt in body["filterGroups"][0]["filters"]:
            name, op, value = flt["propertyName"], flt["operator"], int(flt["value"])
            if name == "hs_object_id":
                assert op == "GT"
                rows = [r for r in rows if int(r["id"]) > value]
            else:
                assert op == "GTE"
                rows = [
                    r
                    for r in rows
                    if datetime.fromisoformat(r["properties"][name]).timestamp() * 1000 >= value
                ]
        rows = sorted(rows, key=lambda r: int(r["id"]))
        offset, limit = int(body.get("after", 0)), body["limit"]
        if refuse_from is not None and offset >= refuse_from:
            return httpx.Response(
                400,
                json={
                    "status": "error",
                    "message": "There was a problem with the request.",
                    "correlationId": "c-400",
                    "category": "VALIDATION_ERROR",
                },
            )
        page = rows[offset : offset + limit]
        answer: dict[str, Any] = {"total": len(rows), "results": page}
        if offset + limit < len(rows):
            answer["paging"] = {"next": {"after": str(offset + limit)}}
        return httpx.Response(200, json=answer)

    return handle


OWNERS = [
    {
        "id": "501",
        "email": "ana@example.com",
        "firstName": "Ana",
        "lastName": "Lima",
        "userId": 9001,
        "createdAt": iso(T0),
        "updatedAt": iso(T0),
        "archived": False,
    },
    {
        "id": "502",
        "email": "bo@example.com",
        "firstName": "Bo",
        "lastName": "Berg",
        "userId": 9002,
        "createdAt": iso(T0),
        "updatedAt": iso(T0),
        "archived": False,
    },
]
ARCHIVED_OWNERS = [
    {
        "id": "503",
        "email": "cy@example.com",
        "firstName": "Cy",
        "lastName": "Old",
        "userId": 9003,
        "createdAt": iso(T0),
        "updatedAt": iso(T0),
        "archived": True,
    },
]


def owners_route(hub: respx.MockRouter) -> respx.Route:
    def handle(request: httpx.Request) -> httpx.Response:
        archived = request.url.params.get("archived") == "true"
        return httpx.Response(200, json={"results": ARCHIVED_OWNERS if archived else OWNERS})

    return hub.get("/crm/v3/owners").mock(side_effect=handle)


PIPELINES = {
    "results": [
        {
            "id": "default",
            "label": "Sales Pipeline",
            "displayOrder": 0,
            "archived": False,
            "updatedAt": iso(T0),
            "stages": [
                {
                    "id": "appointmentscheduled",
                    "label": "Appointment Scheduled",
                    "displayOrder": 0,
                    "metadata": {"isClosed": "false", "probability": "0.2"},
                },
                {
                    "id": "qualifiedtobuy",
                    "label": "Qualified To Buy",
                    "displayOrder": 1,
                    "metadata": {"isClosed": "false", "probability": "0.4"},
                },
                {
                    "id": "closedwon",
                    "label": "Closed Won",
                    "displayOrder": 5,
                    "metadata": {"isClosed": "true", "probability": "1.0"},
                },
                {
                    "id": "closedlost",
                    "label": "Closed Lost",
                    "displayOrder": 6,
                    "metadata": {"isClosed": "true", "probability": "0.0"},
                },
            ],
        }
    ]
}


def associations_handler(found: dict[str, list[int]]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        results = [
            {
                "from": {"id": item["id"]},
                "to": [
                    {
                        "toObjectId": target,
                        "associationTypes": [
                            {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": None}
                        ],
                    }
                    for target in found.get(item["id"], [])
                ],
            }
            for item in body_of(request)["inputs"]
            if found.get(item["id"])
        ]
        return httpx.Response(200, json={"status": "COMPLETE", "results": results})

    return handle


def history_handler(histories: dict[str, list[dict[str, Any]]]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        assert body["propertiesWithHistory"] == ["dealstage"]
        results = [
            {
                "id": item["id"],
                "properties": {},
                "propertiesWithHistory": {"dealstage": histories.get(item["id"], [])},
            }
            for item in body["inputs"]
        ]
        return httpx.Response(200, json={"status": "COMPLETE", "results": results})

    return handle


def companies(n: int, start: int = 1, modified: datetime = T0) -> list[dict[str, Any]]:
    return [
        obj(start + i, modified, name=f"Company {start + i}", industry="COMPUTER_SOFTWARE")
        for i in range(n)
    ]


# -- config ----------------------------------------------------------------------------------


def test_example_config_is_valid() -> None:
    config = HubSpotConfig.model_validate(HubSpotConnector.example_config())
    assert config.enabled_object_types() == ["companies", "contacts", "deals", "notes"]
    assert config.token.get_secret_value() == "pat-na1-test-token"


def test_config_refuses_excluding_everything_and_oversized_pages() -> None:
    with pytest.raises(ValidationError, match="nothing to read"):
        HubSpotConfig.model_validate(
            {
                **HubSpotConnector.example_config(),
                "object_types": ["deals"],
                "exclude_object_types": ["deals"],
            }
        )
    with pytest.raises(ValidationError, match="at most 200"):
        HubSpotConfig.model_validate({**HubSpotConnector.example_config(), "page_size": 500})


def test_streams_are_declared_in_order() -> None:
    connector = make([], object_types=["deals", "notes"])
    assert [(s.name, s.table) for s in connector.streams()] == [
        ("owners", "accounts"),
        ("pipelines", "containers"),
        ("deals", "documents"),
        ("notes", "documents"),
    ]


# -- paging ----------------------------------------------------------------------------------


def test_search_pages_to_the_end_even_after_short_pages(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    owners_route(hub)
    rows = companies(6)
    pages = [
        # a short page (2 of 3) that still names a next page must not end the read
        httpx.Response(200, json={"results": rows[0:2], "paging": {"next": {"after": "3"}}}),
        httpx.Response(200, json={"results": rows[2:5], "paging": {"next": {"after": "6"}}}),
        httpx.Response(200, json={"results": rows[5:6]}),
    ]
    route = hub.post("/crm/v3/objects/companies/search").mock(side_effect=pages)
    connector = make(sleeps, object_types=["companies"], page_size=3)

    records = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert [r.id for r in records] == [f"hubspot-main:company:{i}" for i in range(1, 7)]
    bodies = [body_of(call.request) for call in route.calls]
    assert [b.get("after") for b in bodies] == [None, "3", "6"]
    assert bodies[0]["filterGroups"] == [
        {
            "filters": [
                {
                    "propertyName": "hs_lastmodifieddate",
                    "operator": "GTE",
                    "value": str(int(SINCE.timestamp() * 1000)),
                }
            ]
        }
    ]
    assert bodies[0]["limit"] == 3
    assert "industry" in bodies[0]["properties"]
    assert connector.skipped == 0


def test_contacts_filter_on_their_own_modification_property(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    owners_route(hub)
    contact = obj(7, T0, firstname="Dee", lastname="Ng", jobtitle="CTO", company="Acme")
    contact["properties"]["lastmodifieddate"] = contact["properties"].pop("hs_lastmodifieddate")
    calls: list[Any] = []
    hub.post("/crm/v3/objects/contacts/search").mock(
        side_effect=fake_search([contact], calls=calls)
    )
    hub.post("/crm/v4/associations/contacts/companies/batch/read").mock(
        side_effect=associations_handler({"7": [31]})
    )
    connector = make(sleeps, object_types=["contacts", "companies"])

    (record,) = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert record.id == "hubspot-main:contact:7"
    assert record.kind == "contact"
    assert record.title == "Dee Ng"
    assert record.text == "Dee Ng: CTO at Acme"
    assert record.updated_at == T0
    assert [(link.id, link.kind) for link in record.links] == [
        ("hubspot-main:company:31", "company")
    ]
    assert calls[0]["filterGroups"][0]["filters"][0]["propertyName"] == "lastmodifieddate"


@pytest.mark.parametrize("how", ["answers 400", "cap reached"])
def test_search_restarts_past_the_cap_yielding_each_record_once(
    hub: respx.MockRouter, sleeps: list[float], how: str
) -> None:
    owners_route(hub)
    # nine companies, several sharing one modification time right where the query restarts
    stamps = [T0, T0, T0, T0, T0, T0 + timedelta(seconds=1), T0 + timedelta(seconds=1), T0, T0]
    rows = [obj(100 + i, stamp, name=f"Co {i}") for i, stamp in enumerate(stamps)]
    calls: list[Any] = []
    refuse = 4 if how == "answers 400" else None
    hub.post("/crm/v3/objects/companies/search").mock(
        side_effect=fake_search(rows, refuse_from=refuse, calls=calls)
    )
    connector = make(sleeps, object_types=["companies"], page_size=2)
    if how == "cap reached":
        connector.search_cap = 4

    records = list(connector.fetch_objects(connector.specs()[0], SINCE))

    ids = [r.id for r in records]
    assert ids == [f"hubspot-main:company:{100 + i}" for i in range(9)]
    assert len(set(ids)) == 9
    restarts = [
        next(
            (
                f["value"]
                for f in c["filterGroups"][0]["filters"]
                if f["propertyName"] == "hs_object_id"
            ),
            None,
        )
        for c in calls
        if "after" not in c
    ]
    assert restarts == [None, "103", "107"]
    if how == "answers 400":
        assert sum(1 for c in calls if c.get("after") == "4") == 2  # refused twice, restarted
    else:
        assert all(int(c.get("after", 0)) < 4 for c in calls)  # never asked past the cap


def test_a_first_page_400_is_fatal_not_a_restart(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    owners_route(hub)
    hub.post("/crm/v3/objects/companies/search").mock(
        return_value=httpx.Response(
            400,
            json={
                "status": "error",
                "message": "Invalid input JSON on line 1",
                "correlationId": "c-1",
                "category": "VALIDATION_ERROR",
            },
        )
    )
    connector = make(sleeps, object_types=["companies"])
    with pytest.raises(FatalError) as info:
        list(connector.fetch_objects(connector.specs()[0], SINCE))
    assert info.value.status == 400
    assert "Invalid input JSON on line 1" in str(info.value)
    assert "c-1" in str(info.value)


# -- retries and errors ----------------------------------------------------------------------


def test_429_then_200_waits_what_retry_after_says(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    owners_route(hub)
    hub.post("/crm/v3/objects/companies/search").mock(
        side_effect=[
            httpx.Response(
                429,
                headers={"Retry-After": "7"},
                json={
                    "status": "error",
                    "message": "You have reached your secondly limit.",
                    "errorType": "RATE_LIMIT",
                    "policyName": "SECONDLY",
                },
            ),
            httpx.Response(200, json={"results": companies(2)}),
        ]
    )
    connector = make(sleeps, object_types=["companies"])

    records = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert len(records) == 2
    assert sleeps == [7.0]
    assert connector.api.retries == 1


def test_server_errors_are_retried(hub: respx.MockRouter, sleeps: list[float]) -> None:
    hub.get("/crm/v3/owners").mock(
        side_effect=[
            httpx.Response(502, text="<html>Bad gateway</html>"),
            httpx.Response(200, json={"results": OWNERS}),
            httpx.Response(200, json={"results": []}),
        ]
    )
    connector = make(sleeps)
    accounts = list(connector.fetch_owners(None))
    assert [a.email for a in accounts] == ["ana@example.com", "bo@example.com"]
    assert len(sleeps) == 1


def test_invalid_token_is_fatal_and_says_what_to_do(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    hub.get("/crm/v3/owners").mock(
        return_value=httpx.Response(
            401,
            json={
                "status": "error",
                "message": "Authentication credentials not found.",
                "correlationId": "c-401",
                "category": "INVALID_AUTHENTICATION",
            },
        )
    )
    connector = make(sleeps)
    with pytest.raises(FatalError) as info:
        connector.check()
    message = str(info.value)
    assert "connector 'hubspot-main'" in message
    assert "GET /crm/v3/owners" in message
    assert "HTTP 401" in message
    assert "INVALID_AUTHENTICATION" in message
    assert "token is invalid, expired or revoked" in message
    assert "pat-na1-test-token" not in message
    assert sleeps == []


def test_missing_scopes_name_the_scopes(hub: respx.MockRouter, sleeps: list[float]) -> None:
    owners_route(hub)
    hub.post("/crm/v3/objects/deals/search").mock(
        return_value=httpx.Response(
            403,
            json={
                "status": "error",
                "message": "This app hasn't been granted all required scopes to make this call.",
                "correlationId": "c-403",
                "errors": [
                    {
                        "message": "One or more of the following scopes are required.",
                        "context": {"requiredGranularScopes": ["crm.objects.deals.read"]},
                    }
                ],
                "category": "MISSING_SCOPES",
            },
        )
    )
    with pytest.raises(FatalError) as info:
        make(sleeps, object_types=["deals"]).check()
    assert info.value.code == "MISSING_SCOPES"
    assert info.value.status == 403
    assert "crm.objects.deals.read" in str(info.value)
    assert "POST /crm/v3/objects/deals/search" in str(info.value)


def test_daily_limit_is_fatal_not_retried(hub: respx.MockRouter, sleeps: list[float]) -> None:
    hub.get("/crm/v3/owners").mock(
        return_value=httpx.Response(
            429,
            json={
                "status": "error",
                "message": "You have reached your daily limit.",
                "errorType": "RATE_LIMIT",
                "policyName": "DAILY",
            },
        )
    )
    with pytest.raises(FatalError, match="daily API limit"):
        list(make(sleeps).fetch_owners(None))
    assert sleeps == []


def test_check_reports_each_object_type(hub: respx.MockRouter, sleeps: list[float]) -> None:
    hub.get("/crm/v3/owners").mock(return_value=httpx.Response(200, json={"results": OWNERS}))
    for kind, total in (("companies", 12), ("deals", 3)):
        hub.post(f"/crm/v3/objects/{kind}/search").mock(
            return_value=httpx.Response(200, json={"total": total, "results": []})
        )
    hub.get("/crm/v3/pipelines/deals").mock(return_value=httpx.Response(200, json=PIPELINES))
    result = make(sleeps, object_types=["companies", "deals"]).check()
    assert result.ok
    assert "companies: readable, 12 records" in result.details
    assert "deals: readable, 3 records" in result.details
    assert "deal pipelines: 1" in result.details


# -- mapping ---------------------------------------------------------------------------------


def deal_routes(
    hub: respx.MockRouter, deals: list[dict[str, Any]], histories: dict[str, list[dict[str, Any]]]
) -> None:
    owners_route(hub)
    hub.get("/crm/v3/pipelines/deals").mock(return_value=httpx.Response(200, json=PIPELINES))
    hub.post("/crm/v3/objects/deals/search").mock(side_effect=fake_search(deals))
    hub.post("/crm/v4/associations/deals/companies/batch/read").mock(
        side_effect=associations_handler({"11": [31]})
    )
    hub.post("/crm/v4/associations/deals/contacts/batch/read").mock(
        side_effect=associations_handler({"11": [41, 42]})
    )
    hub.post("/crm/v3/objects/deals/batch/read").mock(side_effect=history_handler(histories))


def test_deal_with_stage_history_becomes_facts_and_links(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    t1, t2, t3 = T0 - timedelta(days=20), T0 - timedelta(days=9), T0 - timedelta(hours=2)
    deal = obj(
        11,
        T0,
        t1,
        dealname="Acme renewal",
        description="<p>Three-year renewal</p>",
        dealstage="closedlost",
        pipeline="default",
        amount="125000.50",
        closedate="2024-03-02T00:00:00Z",
        hs_is_closed="true",
        hs_is_closed_won="false",
        closed_lost_reason="Went with a cheaper competitor",
        hubspot_owner_id="501",
    )
    history = [  # newest first, as HubSpot sends it
        {
            "value": "closedlost",
            "timestamp": iso(t3),
            "sourceType": "CRM_UI",
            "updatedByUserId": 9002,
        },
        {
            "value": "qualifiedtobuy",
            "timestamp": iso(t2),
            "sourceType": "CRM_UI",
            "updatedByUserId": 9001,
        },
        {"value": "qualifiedtobuy", "timestamp": iso(t2 - timedelta(hours=1)), "sourceType": "API"},
        {
            "value": "appointmentscheduled",
            "timestamp": iso(t1),
            "sourceType": "CRM_UI",
            "updatedByUserId": 9001,
        },
    ]
    deal_routes(hub, [deal], {"11": history})
    connector = make(sleeps, object_types=["deals", "companies", "contacts"])

    (record,) = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert isinstance(record, Record)
    assert record.id == "hubspot-main:deal:11"
    assert record.kind == "deal"
    assert record.title == "Acme renewal"
    assert record.text == "Three-year renewal\n\nClosed lost reason: Went with a cheaper competitor"
    assert record.container is not None
    assert (record.container.id, record.container.kind, record.container.name) == (
        "hubspot-main:pipeline:default",
        "pipeline",
        "Sales Pipeline",
    )
    assert record.author is not None
    assert (record.author.id, record.author.name, record.author.email) == (
        "hubspot-main:owner:501",
        "Ana Lima",
        "ana@example.com",
    )
    assert record.created_at == t1
    assert record.updated_at == T0
    props = record.properties
    assert props["stage"] == "Closed Lost"
    assert props["pipeline"] == "Sales Pipeline"
    assert props["amount"] == 125000.50
    assert props["close_date"] == "2024-03-02T00:00:00+00:00"
    assert props["is_closed"] is True
    assert props["is_won"] is False
    assert props["closed_lost_reason"] == "Went with a cheaper competitor"
    assert props["owner"] == "hubspot-main:owner:501"
    assert [(link.id, link.kind) for link in record.links] == [
        ("hubspot-main:company:31", "company"),
        ("hubspot-main:contact:41", "contact"),
        ("hubspot-main:contact:42", "contact"),
    ]
    changes = [(f.from_value, f.to_value, f.at) for f in record.facts]
    assert changes == [
        (None, "Appointment Scheduled", t1),
        ("Appointment Scheduled", "Qualified To Buy", t2 - timedelta(hours=1)),
        ("Qualified To Buy", "Closed Lost", t3),
    ]
    assert all(f.kind == "stage_change" and f.field == "dealstage" for f in record.facts)
    last = record.facts[-1]
    assert last.reason == "Went with a cheaper competitor"
    assert last.actor is not None
    assert last.actor.id == "hubspot-main:owner:502"
    assert last.actor.name == "Bo Berg"
    assert record.facts[0].reason is None
    assert record.facts[1].actor is None  # an API change names no user
    assert len({f.id for f in record.facts}) == 3


def test_won_deal_without_history_uses_stage_metadata(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    deal = obj(
        12,
        T0,
        dealname="Beta",
        dealstage="closedwon",
        pipeline="default",
        closed_won_reason="Best integration story",
    )
    owners_route(hub)
    hub.get("/crm/v3/pipelines/deals").mock(return_value=httpx.Response(200, json=PIPELINES))
    hub.post("/crm/v3/objects/deals/search").mock(side_effect=fake_search([deal]))
    connector = make(sleeps, object_types=["deals"], stage_history=False)

    (record,) = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert record.properties["is_closed"] is True
    assert record.properties["is_won"] is True
    assert record.properties["stage"] == "Closed Won"
    assert record.text == "Closed won reason: Best integration story"
    assert record.facts == []
    assert record.links == []  # no associations read towards object types not configured


def test_bad_record_is_skipped_and_counted(hub: respx.MockRouter, sleeps: list[float]) -> None:
    good1 = obj(11, T0, dealname="One", dealstage="qualifiedtobuy", pipeline="default")
    bad = obj(12, T0, dealname="Two", amount="12,5 EUR")
    good2 = obj(13, T0, dealname="Three", amount="10")
    deal_routes(hub, [good1, bad, good2], {})
    connector = make(sleeps, object_types=["deals", "companies", "contacts"])

    records = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert [r.id for r in records] == ["hubspot-main:deal:11", "hubspot-main:deal:13"]
    assert connector.skipped == 1


def test_edit_replaces_text_under_the_same_id(hub: respx.MockRouter, sleeps: list[float]) -> None:
    before = obj(21, T0, hs_note_body="<p>We will pick vendor A.</p>")
    after = obj(
        21,
        T0 + timedelta(hours=3),
        T0 - timedelta(days=1),
        hs_note_body="<p>We will pick vendor B after all.</p>",
    )
    owners_route(hub)
    hub.post("/crm/v3/objects/notes/search").mock(
        side_effect=[
            httpx.Response(200, json={"results": [before]}),
            httpx.Response(200, json={"results": [after]}),
        ]
    )
    connector = make(sleeps, object_types=["notes"])
    spec = connector.specs()[0]

    (first,) = list(connector.fetch_objects(spec, SINCE))
    (second,) = list(connector.fetch_objects(spec, T0 - timedelta(days=3)))

    assert first.id == second.id == "hubspot-main:note:21"
    assert first.text == "We will pick vendor A."
    assert second.text == "We will pick vendor B after all."
    assert second.updated_at > first.updated_at


def test_note_html_body_links_and_parent_deal(hub: respx.MockRouter, sleeps: list[float]) -> None:
    body = (
        '<div style="" dir="auto" data-top-level="true"><p style="margin:0;">Call with '
        "<strong>Acme</strong>&nbsp;&amp; legal:</p><ul><li>decided to drop the SLA credit"
        "</li><li>because finance said so</li></ul><br></div>"
    )
    note = obj(
        61,
        T0,
        hs_note_body=body,
        hs_timestamp=iso(T0 - timedelta(hours=1)),
        hs_created_by_user_id="9002",
    )
    owners_route(hub)
    hub.post("/crm/v3/objects/notes/search").mock(side_effect=fake_search([note]))
    for target, found in (("deals", [11]), ("companies", [31]), ("contacts", [41])):
        hub.post(f"/crm/v4/associations/notes/{target}/batch/read").mock(
            side_effect=associations_handler({"61": found})
        )
    connector = make(sleeps, object_types=["notes", "deals", "companies", "contacts"])

    (record,) = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert record.kind == "note"
    assert record.text == (
        "Call with Acme & legal:\n\n- decided to drop the SLA credit\n- because finance said so"
    )
    assert record.parent_id == "hubspot-main:deal:11"
    assert {(link.id, link.kind) for link in record.links} == {
        ("hubspot-main:deal:11", "deal"),
        ("hubspot-main:company:31", "company"),
        ("hubspot-main:contact:41", "contact"),
    }
    assert record.author is not None
    assert record.author.id == "hubspot-main:owner:502"
    assert record.properties["occurred_at"] == (T0 - timedelta(hours=1)).isoformat()
    assert record.container is not None
    assert record.container.id == "hubspot-main:objects:notes"


def test_association_pages_are_followed_per_object(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    owners_route(hub)
    hub.post("/crm/v3/objects/notes/search").mock(side_effect=fake_search([obj(61, T0)]))
    route = hub.post("/crm/v4/associations/notes/deals/batch/read").mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "results": [
                        {
                            "from": {"id": "61"},
                            "to": [{"toObjectId": 11, "associationTypes": []}],
                            "paging": {"next": {"after": "abc"}},
                        }
                    ]
                },
            ),
            httpx.Response(
                200,
                json={
                    "results": [
                        {"from": {"id": "61"}, "to": [{"toObjectId": 12, "associationTypes": []}]}
                    ]
                },
            ),
        ]
    )
    connector = make(sleeps, object_types=["notes", "deals"])

    (record,) = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert [link.id for link in record.links] == ["hubspot-main:deal:11", "hubspot-main:deal:12"]
    assert body_of(route.calls[1].request) == {"inputs": [{"id": "61", "after": "abc"}]}


def test_company_properties_for_the_ontology(hub: respx.MockRouter, sleeps: list[float]) -> None:
    company = obj(
        31,
        T0,
        name="Acme Corp",
        website="https://www.acme.example/about",
        industry="COMPUTER_SOFTWARE",
        type="VENDOR",
        lifecyclestage="customer",
        numberofemployees="250",
        hubspot_owner_id="777",
    )
    owners_route(hub)
    route = hub.post("/crm/v3/objects/companies/search").mock(side_effect=fake_search([company]))
    connector = make(sleeps, object_types=["companies"], extra_properties={"companies": ["tier"]})

    (record,) = list(connector.fetch_objects(connector.specs()[0], SINCE))

    assert record.kind == "company"
    assert record.title == "Acme Corp"
    assert record.text == "Acme Corp: VENDOR, COMPUTER_SOFTWARE, acme.example"
    props = record.properties
    assert (props["industry"], props["domain"], props["type"], props["lifecycle_stage"]) == (
        "COMPUTER_SOFTWARE",
        "acme.example",
        "VENDOR",
        "customer",
    )
    assert props["employees"] == 250
    # an owner the index does not know is still named by id
    assert record.author is not None
    assert record.author.id == "hubspot-main:owner:777"
    assert "tier" in body_of(route.calls.last.request)["properties"]


def test_owners_and_pipelines(hub: respx.MockRouter, sleeps: list[float]) -> None:
    owners_route(hub)
    hub.get("/crm/v3/pipelines/deals").mock(return_value=httpx.Response(200, json=PIPELINES))
    connector = make(sleeps, object_types=["deals", "notes"])

    accounts = list(connector.fetch_owners(None))
    containers = list(connector.fetch_containers(None))

    assert all(isinstance(a, Account) for a in accounts)
    assert [(a.id, a.name, a.email, a.deleted) for a in accounts] == [
        ("hubspot-main:owner:501", "Ana Lima", "ana@example.com", False),
        ("hubspot-main:owner:502", "Bo Berg", "bo@example.com", False),
        ("hubspot-main:owner:503", "Cy Old", "cy@example.com", True),
    ]
    assert all(isinstance(c, Container) for c in containers)
    assert [(c.id, c.kind) for c in containers] == [
        ("hubspot-main:objects:deals", "object_type"),
        ("hubspot-main:objects:notes", "object_type"),
        ("hubspot-main:pipeline:default", "pipeline"),
    ]
    stages = {s["label"]: s for s in containers[-1].properties["stages"]}
    assert stages["Closed Won"]["is_won"]
    assert not stages["Closed Won"]["is_lost"]
    assert stages["Closed Lost"]["is_lost"]
    assert stages["Closed Lost"]["is_closed"]
    assert not stages["Qualified To Buy"]["is_closed"]


def test_first_sync_reaches_back_initial_history(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    owners_route(hub)
    calls: list[Any] = []
    hub.post("/crm/v3/objects/companies/search").mock(side_effect=fake_search([], calls=calls))
    connector = make(sleeps, object_types=["companies"], initial_history="30d")
    before = datetime.now(UTC)
    assert list(connector.fetch_objects(connector.specs()[0], None)) == []
    value = int(calls[0]["filterGroups"][0]["filters"][0]["value"]) / 1000
    expected = (before - timedelta(days=30)).timestamp()
    assert expected - 5 <= value <= expected + 5


def test_deleted_objects_arrive_as_deleted(hub: respx.MockRouter, sleeps: list[float]) -> None:
    owners_route(hub)
    hub.post("/crm/v3/objects/notes/search").mock(side_effect=fake_search([]))

    def gone(native: int, archived_at: datetime) -> dict[str, Any]:
        row = obj(native, T0 - timedelta(days=5), hs_note_body="<p>old text</p>")
        return {**row, "archived": True, "archivedAt": iso(archived_at)}

    listing = hub.get("/crm/v3/objects/notes").mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "results": [gone(71, SINCE - timedelta(days=2)), gone(72, T0)],
                    "paging": {"next": {"after": "72"}},
                },
            ),
            httpx.Response(200, json={"results": [gone(73, T0 + timedelta(hours=1))]}),
        ]
    )
    connector = make(sleeps, object_types=["notes"], track_deletions=True)

    records = list(connector.fetch_objects(connector.specs()[0], SINCE))

    # archived before the window: already passed on by an earlier sync
    assert [r.id for r in records] == ["hubspot-main:note:72", "hubspot-main:note:73"]
    assert all(r.deleted for r in records)
    assert records[0].updated_at == T0
    params = listing.calls[0].request.url.params
    assert params["archived"] == "true"
    assert "hs_note_body" in params["properties"].split(",")
    assert listing.calls[1].request.url.params["after"] == "72"


def test_check_gives_up_quickly_when_hubspot_keeps_failing(
    hub: respx.MockRouter, sleeps: list[float]
) -> None:
    route = hub.get("/crm/v3/owners").mock(
        return_value=httpx.Response(503, json={"status": "error", "message": "Service down"})
    )
    with pytest.raises(RetriableError, match="Service down"):
        make(sleeps).check()
    assert route.call_count == 3
    assert len(sleeps) == 2
