"""HubSpot CRM v3/v4 and Salesforce REST wire formats."""

from __future__ import annotations

from typing import Any

from connectors.sandbox import Sandbox
from tests.sandbox.conftest import NOW, hubspot_client, open_client, salesforce_client
from tests.sandbox.helpers import hubspot_search, salesforce_query


def _modified_since_zero(prop: str = "hs_lastmodifieddate") -> dict[str, Any]:
    return {
        "filterGroups": [{"filters": [{"propertyName": prop, "operator": "GTE", "value": "0"}]}],
        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
        "limit": 3,
    }


# --- HubSpot ----------------------------------------------------------------------------------


def test_hubspot_search_pages_to_every_object(sandbox: Sandbox) -> None:
    client = hubspot_client(sandbox)
    counts = sandbox.counts()
    for kind, prop in (
        ("companies", "hs_lastmodifieddate"),
        ("contacts", "lastmodifieddate"),
        ("deals", "hs_lastmodifieddate"),
        ("notes", "hs_lastmodifieddate"),
    ):
        results = hubspot_search(client, kind, _modified_since_zero(prop))
        assert len(results) == len({r["id"] for r in results}) == counts[f"hubspot.{kind}"]
        ids = [int(r["id"]) for r in results]
        assert ids == sorted(ids)
        for result in results:
            assert all(v is None or isinstance(v, str) for v in result["properties"].values())
            assert result["archived"] is False
            assert result["createdAt"].endswith("Z")


def test_hubspot_search_filters_and_sorts_by_modification_time(sandbox: Sandbox) -> None:
    client = hubspot_client(sandbox)
    deals = sorted(sandbox.world.hubspot.deals.values(), key=lambda d: d.updated)
    middle = deals[len(deals) // 2].updated // 1000
    body = {
        "filterGroups": [
            {
                "filters": [
                    {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": str(middle)}
                ]
            }
        ],
        "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
        "properties": ["dealname", "dealstage", "amount"],
        "limit": 200,
    }
    page = client.post("/crm/v3/objects/deals/search", json=body).json()
    assert page["total"] == len(deals) - len(deals) // 2
    stamps = [r["properties"]["hs_lastmodifieddate"] for r in page["results"]]
    assert stamps == sorted(stamps)
    assert "paging" not in page


def test_hubspot_search_limit_and_cap_errors(sandbox: Sandbox) -> None:
    client = hubspot_client(sandbox)
    too_big = client.post("/crm/v3/objects/deals/search", json={"limit": 201})
    assert too_big.status_code == 400
    assert set(too_big.json()) >= {"status", "message", "correlationId", "category"}
    with Sandbox(now=NOW, search_cap=5) as capped:
        capped_client = hubspot_client(capped)
        first = capped_client.post("/crm/v3/objects/notes/search", json={"limit": 5}).json()
        assert first["paging"]["next"]["after"] == "5"  # HubSpot still offers the next page...
        past = capped_client.post("/crm/v3/objects/notes/search", json={"limit": 5, "after": "5"})
        assert past.status_code == 400  # ...and then refuses it
        assert past.json()["category"] == "VALIDATION_ERROR"


def test_hubspot_batch_read_with_stage_history(sandbox: Sandbox) -> None:
    client = hubspot_client(sandbox)
    deal = max(sandbox.world.hubspot.deals.values(), key=lambda d: len(d.history))
    response = client.post(
        "/crm/v3/objects/deals/batch/read",
        json={
            "inputs": [{"id": deal.id}],
            "properties": ["dealstage"],
            "propertiesWithHistory": ["dealstage"],
        },
    )
    assert response.status_code == 200
    result = response.json()["results"][0]
    history = result["propertiesWithHistory"]["dealstage"]
    assert [h["value"] for h in history] == [c.stage for c in reversed(deal.history)]
    assert all(h["timestamp"].endswith("Z") for h in history)
    partial = client.post(
        "/crm/v3/objects/deals/batch/read", json={"inputs": [{"id": deal.id}, {"id": "1"}]}
    )
    assert partial.status_code == 207
    assert partial.json()["errors"]


def test_hubspot_associations_owners_and_pipelines(sandbox: Sandbox) -> None:
    client = hubspot_client(sandbox)
    notes = list(sandbox.world.hubspot.notes.values())[:4]
    answer = client.post(
        "/crm/v4/associations/notes/deals/batch/read",
        json={"inputs": [{"id": n.id} for n in notes]},
    ).json()
    linked = {r["from"]["id"]: [t["toObjectId"] for t in r["to"]] for r in answer["results"]}
    assert linked == {n.id: [int(n.deal_id or 0)] for n in notes}
    assert answer["results"][0]["to"][0]["associationTypes"][0]["typeId"] == 214
    owners = client.get("/crm/v3/owners", params={"limit": 2}).json()
    assert len(owners["results"]) == 2
    assert owners["paging"]["next"]["after"]
    assert {"id", "email", "firstName", "lastName", "userId"} <= set(owners["results"][0])
    stages = client.get("/crm/v3/pipelines/deals").json()["results"][0]["stages"]
    assert {s["id"] for s in stages} >= {"closedwon", "closedlost"}
    assert all(isinstance(s["metadata"]["isClosed"], str) for s in stages)


def test_hubspot_list_endpoint_pages_with_after(sandbox: Sandbox) -> None:
    client = hubspot_client(sandbox)
    seen: list[str] = []
    after = None
    while True:
        params: dict[str, Any] = {"limit": 4, "properties": "name", "associations": "deals"}
        if after:
            params["after"] = after
        page = client.get("/crm/v3/objects/companies", params=params).json()
        seen.extend(r["id"] for r in page["results"])
        after = (page.get("paging") or {}).get("next", {}).get("after")
        if not after:
            break
    assert len(seen) == len(set(seen)) == sandbox.counts()["hubspot.companies"]


def test_hubspot_bad_token_is_401_with_category(sandbox: Sandbox) -> None:
    response = hubspot_client(sandbox, token="pat-eu1-wrong").get("/crm/v3/owners")
    assert response.status_code == 401
    assert response.json()["category"] == "INVALID_AUTHENTICATION"


# --- Salesforce -------------------------------------------------------------------------------


def test_salesforce_query_batches_follow_next_records_url(sandbox: Sandbox) -> None:
    client = salesforce_client(sandbox)
    soql = (
        "SELECT Id, Name, StageName, IsClosed, Amount, SystemModstamp, Owner.Name, "
        "Account.Name FROM Opportunity WHERE SystemModstamp >= 2000-01-01T00:00:00Z "
        "ORDER BY SystemModstamp ASC, Id ASC"
    )
    first = client.get("/services/data/v60.0/query", params={"q": soql}).json()
    assert first["done"] is False
    assert first["nextRecordsUrl"].startswith("/services/data/v60.0/query/")
    assert len(first["records"]) == 7  # the fixture's batch size
    records = salesforce_query(client, soql)
    assert len(records) == sandbox.counts()["salesforce.deals"]
    stamps = [r["SystemModstamp"] for r in records]
    assert stamps == sorted(stamps)
    assert stamps[0].endswith(".000+0000")
    assert all(r["attributes"]["type"] == "Opportunity" for r in records)
    assert all(isinstance(r["Owner"]["Name"], str) for r in records)
    assert {r["Account"]["Name"] for r in records} >= {"Acme Corporation"}
    again = salesforce_query(client, soql.replace("query", "queryAll"))
    assert len(again) == len(records)


def test_salesforce_objects_history_notes_and_stages(sandbox: Sandbox) -> None:
    client = salesforce_client(sandbox)
    history = salesforce_query(
        client, "SELECT Id, OpportunityId, StageName, CreatedDate FROM OpportunityHistory"
    )
    assert len(history) == sandbox.counts()["salesforce.stage_changes"]
    lost = salesforce_query(
        client, "SELECT Id, Loss_Reason__c FROM Opportunity WHERE StageName = 'Closed Lost'"
    )
    assert lost
    assert all(r["Loss_Reason__c"] for r in lost)
    for name, key in (
        ("Note", "notes"),
        ("Task", "tasks"),
        ("ContentNote", "content_notes"),
        ("Account", "companies"),
        ("Contact", "contacts"),
        ("User", "users"),
    ):
        rows = salesforce_query(client, f"SELECT Id FROM {name}")
        assert len(rows) == sandbox.counts()[f"salesforce.{key}"], name
    note = salesforce_query(client, "SELECT Id FROM ContentNote LIMIT 1")[0]
    content = client.get(f"/services/data/v60.0/sobjects/ContentNote/{note['Id']}/Content")
    assert content.status_code == 200
    assert content.text.startswith("<p>")
    stages = salesforce_query(
        client, "SELECT ApiName, IsClosed, IsWon FROM OpportunityStage ORDER BY SortOrder"
    )
    assert {s["ApiName"] for s in stages if s["IsWon"]} == {"Closed Won"}


def test_salesforce_errors_are_arrays(sandbox: Sandbox) -> None:
    client = salesforce_client(sandbox)
    for soql, code in (
        ("SELECT Id FROM Widget", "INVALID_TYPE"),
        ("SELECT Id, Colour FROM Opportunity", "INVALID_FIELD"),
        ("SELECT FROM Opportunity", "MALFORMED_QUERY"),
        ("SELECT Id FROM Opportunity WHERE", "MALFORMED_QUERY"),
        ("SELECT Id FROM ContentDocumentLink", "MALFORMED_QUERY"),
    ):
        response = client.get("/services/data/v60.0/query", params={"q": soql})
        assert response.status_code == 400, soql
        body = response.json()
        assert isinstance(body, list), soql
        assert body[0]["errorCode"] == code, (soql, body)
        assert set(body[0]) == {"message", "errorCode", "fields"}
    bad = salesforce_client(sandbox, token="expired")
    denied = bad.get("/services/data/v60.0/query", params={"q": "SELECT Id FROM User"})
    assert denied.status_code == 401
    assert denied.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_salesforce_client_credentials_flow(sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    anonymous = open_client(base_url=sandbox.base_urls()["salesforce"])
    wrong = anonymous.post(
        "/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": creds.salesforce_client_id,
            "client_secret": "nope",
        },
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_client"
    issued = anonymous.post(
        "/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": creds.salesforce_client_id,
            "client_secret": creds.salesforce_client_secret,
        },
    ).json()
    assert issued["token_type"] == "Bearer"
    assert issued["instance_url"] == sandbox.base_urls()["salesforce"]
    client = salesforce_client(sandbox, token=issued["access_token"])
    assert (
        client.get(
            "/services/data/v60.0/query", params={"q": "SELECT Id FROM User LIMIT 1"}
        ).status_code
        == 200
    )
