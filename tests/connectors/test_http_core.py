"""The shared HTTP core: Retry-After, bounded exponential backoff, transport errors, paging."""

from __future__ import annotations

import email.utils
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from connectors import (
    ApiClient,
    FatalError,
    PaginationError,
    RetriableError,
    RetryConfig,
    json_path,
    make_client,
    paginate,
)
from connectors._http import parse_retry_after

BASE = "https://api.test"


@pytest.fixture
def api_mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as mock:
        yield mock


def client(sleep: Any, **policy: Any) -> ApiClient:
    return ApiClient(
        "core-test",
        make_client(base_url=BASE),
        retry=RetryConfig.model_validate(policy),
        sleep=sleep,
        rng=random.Random(7),
    )


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    later = email.utils.format_datetime(now + timedelta(seconds=30), usegmt=True)
    earlier = email.utils.format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == 30.0
    assert parse_retry_after(earlier, now=now.timestamp()) == 0.0


def test_429_waits_what_retry_after_says(api_mock: respx.MockRouter, sleep: Any) -> None:
    route = api_mock.get("/items").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "12"}),
            httpx.Response(200, json={"items": [1]}),
        ]
    )
    api = client(sleep)
    assert api.get_json("/items") == {"items": [1]}
    assert sleep.calls == [12.0]
    assert route.call_count == 2
    assert (api.requests, api.retries, api.wait_seconds) == (2, 1, 12.0)


def test_retry_after_http_date_is_honoured(api_mock: respx.MockRouter, sleep: Any) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    api_mock.get("/items").mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": when}),
            httpx.Response(200, json={}),
        ]
    )
    client(sleep).get_json("/items")
    (waited,) = sleep.calls
    assert 17.0 <= waited <= 20.0  # the date has whole seconds; the test took a moment


def test_backoff_is_exponential_with_jitter_and_bounded_by_attempts(
    api_mock: respx.MockRouter, sleep: Any
) -> None:
    route = api_mock.get("/items").mock(return_value=httpx.Response(500, text="boom"))
    api = client(sleep, attempts=6, backoff_initial="1s", backoff_max="8s", max_time="1h")
    with pytest.raises(RetriableError) as caught:
        api.get_json("/items")
    assert route.call_count == 6
    assert len(sleep.calls) == 5
    for attempt, waited in enumerate(sleep.calls, start=1):
        ceiling = min(8.0, 2 ** (attempt - 1))
        assert 0.5 <= waited <= ceiling
    assert max(sleep.calls) > 2.0  # it does grow: later waits exceed the first ceilings
    assert "connector 'core-test'" in str(caught.value)
    assert "GET /items" in str(caught.value)
    assert "HTTP 500" in str(caught.value)


def test_retries_stop_when_the_time_budget_is_spent(api_mock: respx.MockRouter, sleep: Any) -> None:
    route = api_mock.get("/items").mock(
        return_value=httpx.Response(429, headers={"Retry-After": "4"})
    )
    with pytest.raises(RetriableError):
        client(sleep, attempts=100, max_time="10s").get_json("/items")
    assert sleep.calls == [4.0, 4.0]  # a third wait would pass the 10 s budget
    assert route.call_count == 3


def test_a_retry_after_beyond_the_budget_gives_up_at_once(
    api_mock: respx.MockRouter, sleep: Any
) -> None:
    api_mock.get("/items").mock(return_value=httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(RetriableError) as caught:
        client(sleep, max_time="15m").get_json("/items")
    assert sleep.calls == []
    assert caught.value.retry_after == 3600.0  # the caller can reschedule accordingly


def test_transport_errors_and_timeouts_are_retried(api_mock: respx.MockRouter, sleep: Any) -> None:
    route = api_mock.get("/items").mock(
        side_effect=[
            httpx.ConnectError("connection refused"),
            httpx.ReadTimeout("slow"),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    assert client(sleep).get_json("/items") == {"ok": True}
    assert route.call_count == 3
    assert len(sleep.calls) == 2


def test_fatal_answers_are_not_retried(api_mock: respx.MockRouter, sleep: Any) -> None:
    route = api_mock.get("/items").mock(return_value=httpx.Response(401, text="bad token"))
    with pytest.raises(FatalError, match="HTTP 401: bad token"):
        client(sleep).get_json("/items")
    assert route.call_count == 1
    assert sleep.calls == []


def test_a_body_that_is_not_json_is_retriable(api_mock: respx.MockRouter, sleep: Any) -> None:
    html = httpx.Response(
        200, text="<html>maintenance</html>", headers={"content-type": "text/html"}
    )
    route = api_mock.get("/items").mock(side_effect=[html, httpx.Response(200, json=[])])
    assert client(sleep).get_json("/items") == []
    assert route.call_count == 2
    assert len(sleep.calls) == 1


def test_a_body_that_stays_unreadable_names_the_endpoint(
    api_mock: respx.MockRouter, sleep: Any
) -> None:
    api_mock.post("/items").mock(return_value=httpx.Response(200, text="not json"))
    with pytest.raises(RetriableError, match=r"POST /items, HTTP 200: answer is not JSON"):
        client(sleep, attempts=2).post_json("/items", json={})


def test_paging_follows_tokens_to_the_end() -> None:
    pages = {None: {"n": 1, "next": "b"}, "b": {"n": 2, "next": "c"}, "c": {"n": 3, "next": ""}}
    assert [p["n"] for p in paginate(pages.__getitem__, json_path("next"))] == [1, 2, 3]


def test_a_repeated_page_token_is_refused() -> None:
    pages = {None: {"next": "a"}, "a": {"next": "b"}, "b": {"next": "a"}}
    seen: list[dict[str, str]] = []
    pager = paginate(pages.__getitem__, json_path("next"), endpoint="GET /x", connector="c")
    with pytest.raises(PaginationError, match="GET /x: the API returned page token 'a' twice"):
        seen.extend(pager)
    assert len(seen) == 3


def test_json_path_treats_a_missing_key_as_the_last_page() -> None:
    token = json_path("paging", "next", "after")
    assert token({"paging": {"next": {"after": "42"}}}) == "42"
    assert token({"paging": {}}) is None
    assert token({"paging": None}) is None
    assert token([]) is None


def test_limited_retries_give_a_quick_verdict_then_restore_the_policy(
    api_mock: respx.MockRouter, sleep: Any
) -> None:
    route = api_mock.get("/items").mock(
        return_value=httpx.Response(503, headers={"Retry-After": "1"})
    )
    api = client(sleep, attempts=8, max_time="15m")
    with api.limited(attempts=2, max_time=30), pytest.raises(RetriableError):
        api.get_json("/items")
    assert route.call_count == 2
    assert sleep.calls == [1.0]
    assert api.policy.attempts == 8
    assert api.policy.max_time == timedelta(minutes=15)
