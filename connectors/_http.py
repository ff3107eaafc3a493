"""The shared HTTP core: an httpx client factory and a retrying JSON client.

Policy lives here (timeouts, user agent, retries honouring ``Retry-After``); each connector only
says how to classify its API's error answers.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
)

from connectors._config import RetryConfig
from connectors._errors import ConnectorError, FatalError, RetriableError

log = logging.getLogger("siphon.connectors.http")

USER_AGENT = "ambient-siphon/0.1 (+https://github.com/ambient-siphon)"

#: Decides whether a response is an error, and raises the right ``ConnectorError`` if so.
Classifier = Callable[[httpx.Response, str], None]


def make_client(
    *,
    base_url: str,
    auth: httpx.Auth | tuple[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An httpx client with our user agent, a bounded timeout and connection limits."""
    merged = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    merged.update(headers or {})
    return httpx.Client(
        base_url=base_url,
        auth=auth,
        headers=merged,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
        transport=transport,
        follow_redirects=False,
    )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def default_classifier(response: httpx.Response, endpoint: str) -> None:
    """HTTP-status classification shared by every API; connectors add their own on top."""
    status = response.status_code
    if status < 400:
        return
    detail = _short_body(response)
    if status == 429 or status == 503 or status >= 500:
        raise RetriableError(
            detail or "server asked us to slow down or failed",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            endpoint=endpoint,
            status=status,
        )
    if status in (401, 403):
        raise FatalError(
            detail or "the credentials were refused; check the token and its scopes",
            endpoint=endpoint,
            status=status,
        )
    raise FatalError(detail or "the API refused the request", endpoint=endpoint, status=status)


def _short_body(response: httpx.Response, limit: int = 300) -> str:
    try:
        text = response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        return ""
    return " ".join(text.split())[:limit]


class _WaitRetryAfter:
    """Wait what the server asked (``Retry-After``), else exponential backoff with full jitter."""

    def __init__(self, policy: RetryConfig, rng: random.Random) -> None:
        self.initial = policy.backoff_initial.total_seconds()
        self.maximum = policy.backoff_max.total_seconds()
        self.rng = rng

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetriableError) and exc.retry_after is not None:
            return exc.retry_after
        ceiling = min(self.maximum, self.initial * (2 ** (state.attempt_number - 1)))
        return self.rng.uniform(self.initial / 2, ceiling)


class ApiClient:
    """A JSON client for one connector instance: classifies answers, retries what is retriable.

    ``sleep`` and ``clock`` are injectable so tests never wait for real time.
    """

    def __init__(
        self,
        connector: str,
        client: httpx.Client,
        *,
        classify: Classifier = default_classifier,
        retry: RetryConfig | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.connector = connector
        self.client = client
        self.classify = classify
        self.policy = retry or RetryConfig()
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self.requests = 0
        self.retries = 0
        self.wait_seconds = 0.0
        self.http_seconds = 0.0

    @contextlib.contextmanager
    def limited(self, *, attempts: int = 3, max_time: float = 30.0) -> Iterator[None]:
        """Within this block, retry at most ``attempts`` times within ``max_time`` seconds.

        A health check wants a verdict in seconds, not after a sync's 15-minute budget.
        """
        saved = self.policy
        budget = timedelta(seconds=max_time)
        self.policy = saved.model_copy(
            update={
                "attempts": min(attempts, saved.attempts),
                "max_time": min(budget, saved.max_time),
                "backoff_max": min(budget / 2, saved.backoff_max),
            }
        )
        try:
            yield
        finally:
            self.policy = saved

    def _sleep(self, seconds: float) -> None:
        self.retries += 1
        self.wait_seconds += seconds
        log.info(
            "http.retry connector=%s wait_s=%.2f",
            self.connector,
            seconds,
        )
        self.sleep(seconds)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request; return the response once the classifier accepts it."""
        response: httpx.Response = self._retrying(method, url, kwargs, decode=False)
        return response

    def _retrying(self, method: str, url: str, kwargs: dict[str, Any], *, decode: bool) -> Any:
        endpoint = f"{method} {url.split('?', 1)[0]}"
        started = self.clock()
        waited = 0.0
        attempts = self.policy.attempts
        budget = self.policy.max_time.total_seconds()

        def out_of_budget(state: RetryCallState) -> bool:
            # Count both the clock and what we slept: an injected sleep advances no clock.
            elapsed = max(self.clock() - started, waited)
            return state.attempt_number >= attempts or elapsed + state.upcoming_sleep > budget

        def sleep(seconds: float) -> None:
            nonlocal waited
            waited += seconds
            self._sleep(seconds)

        retrying = Retrying(
            retry=retry_if_exception_type(RetriableError),
            stop=out_of_budget,
            wait=_WaitRetryAfter(self.policy, self.rng),
            sleep=sleep,
            reraise=True,
        )
        return retrying(self._attempt, method, url, endpoint, kwargs, decode)

    def _attempt(
        self, method: str, url: str, endpoint: str, kwargs: dict[str, Any], decode: bool
    ) -> Any:
        response = self._send_once(method, url, endpoint, kwargs)
        # Decoding inside the retry loop: a proxy's HTML error page answered with 200 is
        # as transient as a 503 and must be retried the same way.
        return self._json(response, endpoint) if decode else response

    def _send_once(
        self, method: str, url: str, endpoint: str, kwargs: dict[str, Any]
    ) -> httpx.Response:
        self.requests += 1
        started = time.perf_counter()
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise RetriableError(
                f"timed out: {type(exc).__name__}", connector=self.connector, endpoint=endpoint
            ) from exc
        except httpx.TransportError as exc:
            raise RetriableError(
                f"connection failed: {exc}", connector=self.connector, endpoint=endpoint
            ) from exc
        finally:
            self.http_seconds += time.perf_counter() - started
        try:
            self.classify(response, endpoint)
        except ConnectorError as exc:
            exc.connector = exc.connector or self.connector
            exc.endpoint = exc.endpoint or endpoint
            exc.args = (str(exc),)
            raise
        return response

    def get_json(self, url: str, **kwargs: Any) -> Any:
        """GET and decode JSON; a body that is not JSON is retried like a 5xx."""
        return self._retrying("GET", url, kwargs, decode=True)

    def post_json(self, url: str, **kwargs: Any) -> Any:
        """POST and decode JSON; a body that is not JSON is retried like a 5xx."""
        return self._retrying("POST", url, kwargs, decode=True)

    def _json(self, response: httpx.Response, endpoint: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise RetriableError(
                f"answer is not JSON ({response.headers.get('content-type', 'no content type')})",
                connector=self.connector,
                endpoint=endpoint,
                status=response.status_code,
            ) from exc
