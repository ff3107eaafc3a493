"""Salesforce connector: SOQL paging, >= boundary restarts, OAuth refresh, errors, mapping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from pydantic import ValidationError

from connectors import Account, Container, FatalError
from connectors.salesforce import SalesforceConfig, SalesforceConnector

BASE = "https://acme.my.salesforce.com"
V = "/services/data/v60.0"
SINCE = datetime(2024, 3, 1, tzinfo=UTC)
T0 = datetime(2024, 3, 2, 9, 0, tzinfo=UTC)


def sfid(prefix: str, n: int) -> str:
    return f"{prefix}{n:015d}"


def sfdt(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def ok(records: list[dict[str, Any]], next_url: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"totalSize": len(records), "done": next_url is None, "records": records}
    if next_url:
        body["nextRecordsUrl"] = next_url
    return httpx.Response(200, json=body, headers={"Sforce-Limit-Info": "api-usage=42/15000"})


def error(status: int, code: str, message: str, fields: list[str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, json=[{"message": message, "errorCode": code, "fields": fields or []}]
    )


def soql(call: Any) -> str:
    return str(call.request.url.params["q"])


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESFORCE_CLIENT_ID", "3MVG9-consumer-key")
    monkeypatch.setenv("SALESFORCE_CLIENT_SECRET", "consumer-secret-value")
    monkeypatch.setenv("SALESFORCE_TOKEN", "00Dstatic!token-value")


@pytest.fixture
def org() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make(sleeps: list[float], **overrides: Any) -> SalesforceConnector:
    block = {**SalesforceConnector.example_config(BASE), **overrides}
    config = SalesforceConfig.model_validate(block)
    return SalesforceConnector("sf", config, sleep=sleeps.append)


def static(sleeps: list[float], **overrides: Any) -> SalesforceConnector:
    block = {**SalesforceConnector.example_config(BASE), **overrides}
    del block["client_id"], block["client_secret"]
    block["access_token"] = "env:SALESFORCE_TOKEN"
    return SalesforceConnector("sf", SalesforceConfig.model_validate(block), sleep=sleeps.append)


def token(value: str = "00Dtok!one") -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "access_token": value,
            "instance_url": BASE,
            "token_type": "Bearer",
            "issued_at": "1709370000000",
            "signature": "sig",
        },
    )


def token_route(org: respx.MockRouter, *values: str) -> respx.Route:
    return org.post("/services/oauth2/token").mock(
        side_effect=[token(v) for v in values or ("00Dtok!one",)]
    )


def account_row(n: int, modified: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "attributes": {"type": "Account", "url": f"{V}/sobjects/Account/{sfid('001', n)}"},
        "Id": sfid("001", n),
        "CreatedDate": sfdt(modified - timedelta(days=30)),
        "SystemModstamp": sfdt(modified),
        "IsDeleted": False,
        "Name": f"Account {n}",
        **fields,
    }


def spec(connector: SalesforceConnector, name: str) -> Any:
    return next(s for s in connector.specs() if s.name == name)


# -- config ----------------------------------------------------------------------------------


def test_example_config_is_valid_and_uses_client_credentials() -> None:
    config = SalesforceConfig.model_validate(SalesforceConnector.example_config())
    assert config.uses_oauth
    assert config.base_url == "https://example.my.salesforce.com"
    assert config.enabled_objects() == [
        "User",
        "Account",
        "Contact",
        "Opportunity",
        "Task",
        "Note",
        "ContentNote",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"access_token": "env:SALESFORCE_TOKEN"}, "not both"),
        ({"client_secret": None}, "both client_id and client_secret"),
        ({"base_url": None}, "base_url is required"),
        ({"api_version": "sixty"}, "API version like v60.0"),
        ({"fields": {"Opportunity": {"loss": "Loss__c"}}}, "unknown role 'loss'"),
        ({"extra_fields": {"Account": ["Name; DELETE"]}}, "expected a field name"),
        ({"page_size": 50}, "200 to 2000"),
        ({"objects": ["Note"], "exclude_objects": ["Note"]}, "nothing to read"),
    ],
)
def test_config_errors_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    block = {**SalesforceConnector.example_config(BASE), **change}
    with pytest.raises(ValidationError, match=message):
        SalesforceConfig.model_validate(block)


def test_api_version_is_normalized() -> None:
    block = {**SalesforceConnector.example_config(BASE), "api_version": "59.0"}
    assert SalesforceConfig.model_validate(block).api_version == "v59.0"


def test_streams_users_first_then_containers_then_records() -> None:
    assert [(s.name, s.table) for s in make([]).streams()] == [
        ("users", "accounts"),
        ("object_types", "containers"),
        ("accounts", "documents"),
        ("contacts", "documents"),
        ("opportunities", "documents"),
        ("tasks", "documents"),
        ("notes", "documents"),
        ("content_notes", "documents"),
    ]


# -- paging and the >= boundary ----------------------------------------------------------------


def test_query_follows_next_records_url_until_done(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    tokens = token_route(org)
    first = org.get(f"{V}/queryAll").mock(
        return_value=ok([account_row(1, T0), account_row(2, T0)], f"{V}/queryAll/01gXX-2000")
    )
    more = org.get(f"{V}/queryAll/01gXX-2000").mock(
        side_effect=[ok([account_row(3, T0)], f"{V}/queryAll/01gXX-4000")]
    )
    last = org.get(f"{V}/queryAll/01gXX-4000").mock(return_value=ok([account_row(4, T0)]))
    connector = make(sleeps, page_size=2000)

    records = list(connector.fetch_records(spec(connector, "Account"), SINCE))

    assert [r.id for r in records] == [f"sf:{sfid('001', n)}" for n in (1, 2, 3, 4)]
    assert tokens.call_count == 1
    assert soql(first.calls[0]) == (
        "SELECT Id, CreatedDate, SystemModstamp, IsDeleted, Name, Description, Industry, Type, "
        "Website, ParentId, OwnerId, Owner.Name, Owner.Email FROM Account "
        "WHERE SystemModstamp >= 2024-03-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC"
    )
    for route in (first, more, last):
        request = route.calls.last.request
        assert request.headers["Authorization"] == "Bearer 00Dtok!one"
        assert request.headers["Sforce-Query-Options"] == "batchSize=2000"


def test_since_is_floored_to_the_second_and_compared_with_ge(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    token_route(org)
    boundary = T0.replace(microsecond=0)
    route = org.get(f"{V}/queryAll").mock(return_value=ok([account_row(1, boundary)]))
    connector = make(sleeps)

    (record,) = list(
        connector.fetch_records(spec(connector, "Account"), boundary + timedelta(milliseconds=450))
    )

    # the record modified exactly at the boundary second is read again, not lost
    assert record.updated_at == boundary
    assert "WHERE SystemModstamp >= 2024-03-02T09:00:00Z " in soql(route.calls[0])


def test_expired_cursor_restarts_at_the_boundary_without_repeats_or_gaps(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    token_route(org)
    t1, t2, t3 = T0, T0 + timedelta(seconds=5), T0 + timedelta(seconds=9)
    a, b, c = account_row(1, t1), account_row(2, t2), account_row(3, t2)
    d, e = account_row(4, t2), account_row(5, t3)
    queries = org.get(f"{V}/queryAll").mock(
        side_effect=[
            ok([a, b, c], f"{V}/queryAll/01gAA-3"),
            # the restart from t2 (>=) sees b and c again, and d that shares their second
            ok([b, c, d, e]),
        ]
    )
    org.get(f"{V}/queryAll/01gAA-3").mock(
        return_value=error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    )
    connector = make(sleeps)

    records = list(connector.fetch_records(spec(connector, "Account"), SINCE))

    assert [r.id for r in records] == [f"sf:{sfid('001', n)}" for n in (1, 2, 3, 4, 5)]
    assert "SystemModstamp >= 2024-03-01T00:00:00Z" in soql(queries.calls[0])
    assert "SystemModstamp >= 2024-03-02T09:00:05Z" in soql(queries.calls[1])
    assert sleeps == []


# -- auth -----------------------------------------------------------------------------------


def test_oauth_token_is_refreshed_once_on_invalid_session(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    tokens = token_route(org, "00Dtok!one", "00Dtok!two")
    queries = org.get(f"{V}/queryAll").mock(
        side_effect=[
            error(401, "INVALID_SESSION_ID", "Session expired or invalid"),
            ok([account_row(1, T0)]),
        ]
    )
    connector = make(sleeps)

    records = list(connector.fetch_records(spec(connector, "Account"), SINCE))

    assert len(records) == 1
    assert tokens.call_count == 2
    form = parse_qs(tokens.calls[0].request.content.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["3MVG9-consumer-key"],
        "client_secret": ["consumer-secret-value"],
    }
    assert queries.calls[0].request.headers["Authorization"] == "Bearer 00Dtok!one"
    assert queries.calls[1].request.headers["Authorization"] == "Bearer 00Dtok!two"
    assert connector.session.refreshes == 1
    assert sleeps == []


def test_a_second_invalid_session_is_fatal(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org, "00Dtok!one", "00Dtok!two")
    org.get(f"{V}/queryAll").mock(
        return_value=error(401, "INVALID_SESSION_ID", "Session expired or invalid")
    )
    connector = make(sleeps)
    with pytest.raises(FatalError) as info:
        list(connector.fetch_records(spec(connector, "Account"), SINCE))
    assert info.value.code == "INVALID_SESSION_ID"
    assert connector.session.refreshes == 1


def test_static_token_refused_is_fatal_with_a_clear_message(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    org.get(f"{V}/query").mock(
        return_value=error(401, "INVALID_SESSION_ID", "Session expired or invalid")
    )
    connector = static(sleeps)
    with pytest.raises(FatalError) as info:
        connector.check()
    message = str(info.value)
    assert "connector 'sf'" in message
    assert f"GET {V}/query" in message
    assert "HTTP 401" in message
    assert "INVALID_SESSION_ID" in message
    assert "configure client_id and client_secret" in message
    assert "00Dstatic!token-value" not in message


def test_refused_client_credentials_are_fatal(org: respx.MockRouter, sleeps: list[float]) -> None:
    org.post("/services/oauth2/token").mock(
        return_value=httpx.Response(
            400, json={"error": "invalid_client", "error_description": "invalid client credentials"}
        )
    )
    with pytest.raises(FatalError) as info:
        make(sleeps).check()
    assert info.value.code == "invalid_client"
    assert "POST https://acme.my.salesforce.com/services/oauth2/token" in str(info.value)
    assert "invalid client credentials" in str(info.value)
    assert "consumer-secret-value" not in str(info.value)


# -- retries and the error array ---------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
def test_retry_waits_what_retry_after_says(
    org: respx.MockRouter, sleeps: list[float], status: int
) -> None:
    token_route(org)
    org.get(f"{V}/queryAll").mock(
        side_effect=[
            httpx.Response(
                status,
                headers={"Retry-After": "4"},
                json=[{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}],
            ),
            ok([account_row(1, T0)]),
        ]
    )
    connector = make(sleeps)
    assert len(list(connector.fetch_records(spec(connector, "Account"), SINCE))) == 1
    assert sleeps == [4.0]


def test_daily_request_limit_is_fatal_and_says_so(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    token_route(org)
    org.get(f"{V}/queryAll").mock(
        return_value=error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    )
    connector = make(sleeps)
    with pytest.raises(FatalError) as info:
        list(connector.fetch_records(spec(connector, "Account"), SINCE))
    assert info.value.code == "REQUEST_LIMIT_EXCEEDED"
    assert "24-hour API request limit" in str(info.value)
    assert sleeps == []  # retrying within minutes cannot help


def test_concurrent_request_limit_is_retried(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    org.get(f"{V}/queryAll").mock(
        side_effect=[
            error(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."),
            ok([]),
        ]
    )
    connector = make(sleeps)
    assert list(connector.fetch_records(spec(connector, "Account"), SINCE)) == []
    assert len(sleeps) == 1


def test_invalid_field_names_the_object_and_field(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    token_route(org)
    org.get(f"{V}/queryAll").mock(
        return_value=error(
            400,
            "INVALID_FIELD",
            "\nIsWon, Loss_Reason__c FROM Opportunity\n ^\nERROR at Row:1:Column:180\n"
            "No such column 'Loss_Reason__c' on entity 'Opportunity'. If you are attempting "
            "to use a custom field, be sure to append the '__c' after the custom field name.",
        )
    )
    connector = make(
        sleeps,
        objects=["Opportunity"],
        fields={"Opportunity": {"closed_lost_reason": "Loss_Reason__c"}},
    )
    with pytest.raises(FatalError) as info:
        list(connector.fetch_records(spec(connector, "Opportunity"), SINCE))
    message = str(info.value)
    assert "query on Opportunity, field Loss_Reason__c" in message
    assert "INVALID_FIELD" in message
    assert "HTTP 400" in message
    assert f"GET {V}/queryAll" in message
    assert "fields / extra_fields" in message


def test_unknown_object_says_to_exclude_it(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    org.get(f"{V}/queryAll").mock(
        return_value=error(
            400, "INVALID_TYPE", "sObject type 'ContentNote' is not supported.", ["ContentNote"]
        )
    )
    connector = make(sleeps, objects=["ContentNote"])
    with pytest.raises(FatalError, match="exclude it in the config"):
        list(connector.fetch_records(spec(connector, "ContentNote"), SINCE))


# -- mapping ---------------------------------------------------------------------------------


def opportunity(n: int, modified: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "attributes": {"type": "Opportunity"},
        "Id": sfid("006", n),
        "CreatedDate": sfdt(modified - timedelta(days=40)),
        "SystemModstamp": sfdt(modified),
        "IsDeleted": False,
        "Name": f"Deal {n}",
        "Description": None,
        "StageName": "Prospecting",
        "Amount": 1000.0,
        "CloseDate": "2024-03-31",
        "IsClosed": False,
        "IsWon": False,
        "AccountId": sfid("001", 7),
        "OwnerId": sfid("005", 1),
        "Owner": {"attributes": {"type": "User"}, "Name": "Ana Lima", "Email": "ana@acme.com"},
        **fields,
    }


def history(n: int, opp: int, stage: str, at: datetime, user: int = 2) -> dict[str, Any]:
    return {
        "attributes": {"type": "OpportunityHistory"},
        "Id": sfid("008", n),
        "OpportunityId": sfid("006", opp),
        "StageName": stage,
        "CreatedDate": sfdt(at),
        "CreatedById": sfid("005", user),
        "CreatedBy": {"attributes": {"type": "User"}, "Name": "Bo Berg", "Email": "bo@acme.com"},
    }


def test_opportunity_stage_history_becomes_facts(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    token_route(org)
    lost = opportunity(
        1,
        T0,
        StageName="Closed Lost",
        IsClosed=True,
        Amount=50000.0,
        Description="Renewal of the analytics suite.",
        Loss_Reason__c="Chose a cheaper rival",
    )
    opportunities = org.get(f"{V}/queryAll").mock(return_value=ok([lost]))
    t1, t2, t3 = T0 - timedelta(days=40), T0 - timedelta(days=10), T0 - timedelta(hours=1)
    rows = [
        history(1, 1, "Prospecting", t1, user=1),
        history(2, 1, "Prospecting", t1 + timedelta(days=1)),  # an amount change only
        history(3, 1, "Negotiation/Review", t2),
        history(4, 1, "Closed Lost", t3),
    ]
    histories = org.get(f"{V}/query").mock(return_value=ok(rows))
    connector = make(
        sleeps,
        objects=["Opportunity"],
        fields={"Opportunity": {"closed_lost_reason": "Loss_Reason__c"}},
    )

    (record,) = list(connector.fetch_records(spec(connector, "Opportunity"), SINCE))

    assert record.id == f"sf:{sfid('006', 1)}"
    assert record.kind == "opportunity"
    assert record.title == "Deal 1"
    assert (
        record.text
        == "Renewal of the analytics suite.\n\nClosed lost reason: Chose a cheaper rival"
    )
    assert record.url == f"{BASE}/{sfid('006', 1)}"
    assert record.author is not None
    assert (record.author.id, record.author.name, record.author.email) == (
        f"sf:{sfid('005', 1)}",
        "Ana Lima",
        "ana@acme.com",
    )
    props = record.properties
    assert props["stage"] == "Closed Lost"
    assert props["is_closed"] is True
    assert props["is_won"] is False
    assert props["amount"] == 50000.0
    assert props["close_date"] == "2024-03-31"
    assert props["closed_lost_reason"] == "Chose a cheaper rival"
    assert props["account"] == f"sf:{sfid('001', 7)}"
    assert [(link.id, link.kind) for link in record.links] == [(f"sf:{sfid('001', 7)}", "account")]
    assert [(f.from_value, f.to_value, f.at) for f in record.facts] == [
        (None, "Prospecting", t1),
        ("Prospecting", "Negotiation/Review", t2),
        ("Negotiation/Review", "Closed Lost", t3),
    ]
    assert all(f.kind == "stage_change" and f.field == "StageName" for f in record.facts)
    assert record.facts[-1].reason == "Chose a cheaper rival"
    assert record.facts[0].reason is None
    actor = record.facts[-1].actor
    assert actor is not None
    assert (actor.id, actor.name) == (f"sf:{sfid('005', 2)}", "Bo Berg")
    assert record.facts[-1].id == f"sf:{sfid('006', 1)}:StageName:{sfid('008', 4)}"
    assert f"OpportunityId IN ('{sfid('006', 1)}')" in soql(histories.calls[0])
    assert ", Loss_Reason__c, " in soql(opportunities.calls[0])


def test_bad_record_is_skipped_and_counted(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    rows = [opportunity(1, T0), opportunity(2, T0, Amount="lots"), opportunity(3, T0)]
    org.get(f"{V}/queryAll").mock(return_value=ok(rows))
    connector = make(sleeps, objects=["Opportunity"], stage_history=False)

    records = list(connector.fetch_records(spec(connector, "Opportunity"), SINCE))

    assert [r.id for r in records] == [f"sf:{sfid('006', 1)}", f"sf:{sfid('006', 3)}"]
    assert connector.skipped == 1


def task(n: int, modified: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "attributes": {"type": "Task"},
        "Id": sfid("00T", n),
        "CreatedDate": sfdt(T0 - timedelta(days=2)),
        "SystemModstamp": sfdt(modified),
        "IsDeleted": False,
        "Subject": "Call with procurement",
        "Description": "They agreed to a two-year term.",
        "Status": "Completed",
        "TaskSubtype": "Call",
        "WhatId": sfid("006", 1),
        "WhoId": sfid("003", 4),
        "AccountId": sfid("001", 7),
        "OwnerId": sfid("005", 1),
        "CreatedById": sfid("005", 2),
        "CreatedBy": {"Name": "Bo Berg", "Email": "bo@acme.com"},
        **fields,
    }


def test_edit_replaces_text_under_the_same_id(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    org.get(f"{V}/queryAll").mock(
        side_effect=[
            ok([task(1, T0)]),
            ok([task(1, T0 + timedelta(hours=2), Description="They now want a one-year term.")]),
        ]
    )
    connector = make(sleeps, objects=["Task"])
    tasks = spec(connector, "Task")

    (first,) = list(connector.fetch_records(tasks, SINCE))
    (second,) = list(connector.fetch_records(tasks, T0 - timedelta(days=3)))

    assert first.id == second.id == f"sf:{sfid('00T', 1)}"
    assert first.text == "They agreed to a two-year term."
    assert second.text == "They now want a one-year term."
    assert second.updated_at > first.updated_at


def test_task_is_a_note_linked_to_what_it_is_about(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    token_route(org)
    org.get(f"{V}/queryAll").mock(return_value=ok([task(1, T0), task(2, T0, IsDeleted=True)]))
    connector = make(sleeps, objects=["Task"])

    live, deleted = list(connector.fetch_records(spec(connector, "Task"), SINCE))

    assert live.kind == "note"
    assert live.title == "Call with procurement"
    assert live.parent_id == f"sf:{sfid('006', 1)}"
    assert [(link.id, link.kind) for link in live.links] == [
        (f"sf:{sfid('006', 1)}", "opportunity"),
        (f"sf:{sfid('003', 4)}", "contact"),
        (f"sf:{sfid('001', 7)}", "account"),
    ]
    assert live.author is not None
    assert (live.author.id, live.author.name) == (f"sf:{sfid('005', 2)}", "Bo Berg")
    assert live.properties["subtype"] == "Call"
    assert not live.deleted
    assert deleted.deleted


def test_classic_note_and_content_note(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    note = {
        "Id": sfid("002", 1),
        "CreatedDate": sfdt(T0),
        "SystemModstamp": sfdt(T0),
        "IsDeleted": False,
        "Title": "Pricing",
        "Body": "We keep list price.",
        "ParentId": sfid("006", 1),
        "OwnerId": sfid("005", 1),
        "IsPrivate": False,
        "CreatedById": sfid("005", 1),
        "CreatedBy": {"Name": "Ana Lima", "Email": None},
    }
    content = {
        "Id": sfid("069", 1),
        "CreatedDate": sfdt(T0),
        "LastModifiedDate": sfdt(T0),
        "IsDeleted": False,
        "Title": "Decision log",
        "OwnerId": sfid("005", 1),
        "CreatedById": sfid("005", 1),
    }
    queries = org.get(f"{V}/queryAll").mock(side_effect=[ok([note]), ok([content])])
    links = org.get(f"{V}/query").mock(
        return_value=ok(
            [
                {"ContentDocumentId": sfid("069", 1), "LinkedEntityId": sfid("005", 1)},
                {"ContentDocumentId": sfid("069", 1), "LinkedEntityId": sfid("006", 1)},
                {"ContentDocumentId": sfid("069", 1), "LinkedEntityId": sfid("001", 7)},
            ]
        )
    )
    org.get(f"{V}/sobjects/ContentNote/{sfid('069', 1)}/Content").mock(
        return_value=httpx.Response(
            200,
            content=b"<p>We chose <b>Postgres</b> over Mongo &amp; Cassandra.</p><p>Done.</p>",
            headers={"Content-Type": "application/octet-stream"},
        )
    )
    connector = make(sleeps, objects=["Note", "ContentNote"])

    (classic,) = list(connector.fetch_records(spec(connector, "Note"), SINCE))
    (modern,) = list(connector.fetch_records(spec(connector, "ContentNote"), SINCE))

    assert classic.kind == "note"
    assert classic.text == "We keep list price."
    assert classic.parent_id == f"sf:{sfid('006', 1)}"
    assert modern.kind == "note"
    assert modern.title == "Decision log"
    assert modern.text == "We chose Postgres over Mongo & Cassandra.\n\nDone."
    assert modern.parent_id == f"sf:{sfid('006', 1)}"
    assert [link.kind for link in modern.links] == ["opportunity", "account"]
    assert "LastModifiedDate >= 2024-03-01T00:00:00Z" in soql(queries.calls[1])
    assert f"ContentDocumentId IN ('{sfid('069', 1)}')" in soql(links.calls[0])


def test_accounts_contacts_and_users(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    account = account_row(
        7,
        T0,
        Industry="Technology",
        Type="Customer - Direct",
        Website="https://www.acme.example",
        OwnerId=sfid("005", 1),
    )
    contact = {
        "Id": sfid("003", 4),
        "CreatedDate": sfdt(T0),
        "SystemModstamp": sfdt(T0),
        "IsDeleted": False,
        "Name": "Dee Ng",
        "Email": "dee@acme.example",
        "Title": "CTO",
        "AccountId": sfid("001", 7),
        "OwnerId": sfid("005", 1),
    }
    users = [
        {
            "Id": sfid("005", 1),
            "SystemModstamp": sfdt(T0),
            "CreatedDate": sfdt(T0),
            "Name": "Ana Lima",
            "Email": "ana@acme.com",
            "Username": "ana@acme.com.prod",
            "Alias": "alima",
            "IsActive": True,
            "UserType": "Standard",
        },
        {
            "Id": sfid("005", 3),
            "SystemModstamp": sfdt(T0),
            "CreatedDate": sfdt(T0),
            "Name": "Cy Old",
            "Email": "cy@acme.com",
            "Username": "cy@acme.com.prod",
            "Alias": "cold",
            "IsActive": False,
            "UserType": "Standard",
        },
        {
            "Id": sfid("005", 9),
            "SystemModstamp": sfdt(T0),
            "CreatedDate": sfdt(T0),
            "Name": "Automated Process",
            "Email": None,
            "Username": "autoproc@00d",
            "Alias": "autoproc",
            "IsActive": True,
            "UserType": "AutomatedProcess",
        },
    ]
    org.get(f"{V}/queryAll").mock(side_effect=[ok([account]), ok([contact])])
    user_query = org.get(f"{V}/query").mock(return_value=ok(users))
    connector = make(sleeps, objects=["User", "Account", "Contact"])

    (acct,) = list(connector.fetch_records(spec(connector, "Account"), SINCE))
    (person,) = list(connector.fetch_records(spec(connector, "Contact"), SINCE))
    accounts = list(connector.fetch_users(SINCE))

    assert acct.kind == "account"
    assert acct.text == "Account 7: Customer - Direct, Technology, acme.example"
    assert acct.properties["industry"] == "Technology"
    assert acct.properties["type"] == "Customer - Direct"
    assert acct.properties["domain"] == "acme.example"
    assert person.kind == "contact"
    assert person.title == "Dee Ng"
    assert person.text == "Dee Ng: CTO"
    assert [(link.id, link.kind) for link in person.links] == [(f"sf:{sfid('001', 7)}", "account")]
    assert all(isinstance(a, Account) for a in accounts)
    assert [(a.name, a.email, a.deleted, a.is_bot) for a in accounts] == [
        ("Ana Lima", "ana@acme.com", False, False),
        ("Cy Old", "cy@acme.com", True, False),
        ("Automated Process", None, False, True),
    ]
    assert accounts[0].handles == ["ana@acme.com.prod"]
    # users have no IsDeleted: read with query, not queryAll
    assert "IsDeleted" not in soql(user_query.calls[0])


def test_first_sync_reads_every_user_not_only_recent_ones(
    org: respx.MockRouter, sleeps: list[float]
) -> None:
    token_route(org)
    user_query = org.get(f"{V}/query").mock(return_value=ok([]))
    connector = make(sleeps, objects=["User"], initial_history="30d")
    assert list(connector.fetch_users(None)) == []
    # a user untouched for years still owns deals: no initial_history bound on people
    assert "SystemModstamp >= 1999-01-01T00:00:00Z" in soql(user_query.calls[0])
    list(connector.fetch_users(SINCE))
    assert f"SystemModstamp >= {SINCE.strftime('%Y-%m-%dT%H:%M:%S')}Z" in soql(user_query.calls[1])


def test_object_types_with_opportunity_stages(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    org.get(f"{V}/query").mock(
        return_value=ok(
            [
                {
                    "ApiName": "Prospecting",
                    "MasterLabel": "Prospecting",
                    "IsActive": True,
                    "IsClosed": False,
                    "IsWon": False,
                    "DefaultProbability": 10,
                    "SortOrder": 1,
                },
                {
                    "ApiName": "Closed Won",
                    "MasterLabel": "Closed Won",
                    "IsActive": True,
                    "IsClosed": True,
                    "IsWon": True,
                    "DefaultProbability": 100,
                    "SortOrder": 9,
                },
                {
                    "ApiName": "Closed Lost",
                    "MasterLabel": "Closed Lost",
                    "IsActive": True,
                    "IsClosed": True,
                    "IsWon": False,
                    "DefaultProbability": 0,
                    "SortOrder": 10,
                },
            ]
        )
    )
    connector = make(sleeps, objects=["Account", "Opportunity"])

    containers = list(connector.fetch_containers(None))

    assert all(isinstance(c, Container) for c in containers)
    assert [(c.id, c.kind) for c in containers] == [
        ("sf:object:Account", "object_type"),
        ("sf:object:Opportunity", "object_type"),
    ]
    stages = {s["label"]: s for s in containers[1].properties["stages"]}
    assert stages["Closed Won"]["is_won"]
    assert stages["Closed Lost"]["is_lost"]
    assert not stages["Prospecting"]["is_closed"]


def test_check_runs_every_query_with_limit_1(org: respx.MockRouter, sleeps: list[float]) -> None:
    token_route(org)
    route = org.get(f"{V}/query").mock(return_value=ok([]))
    result = make(sleeps, objects=["Account", "Opportunity"]).check()
    assert result.ok
    queried = [soql(call) for call in route.calls]
    assert [q.split(" FROM ")[1].split(" ")[0] for q in queried] == [
        "Account",
        "Opportunity",
        "OpportunityHistory",
    ]
    assert all(q.endswith(" LIMIT 1") for q in queried)
    assert "API usage (24 h): api-usage=42/15000" in result.details
    assert "authenticated with OAuth client credentials" in result.details
