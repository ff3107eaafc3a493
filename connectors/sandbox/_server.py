"""The HTTP core: one loopback server that routes by path to the four API renderers, checks
authentication, throttles (token buckets and "every Nth request" 429s) and counts requests."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger("siphon.sandbox")

#: Path prefixes of each API on the shared port. Un-prefixed vendor paths (``/api/...``,
#: ``/rest/...``, ``/crm/...``, ``/services/...``) route too, so absolute paths that an API hands
#: out (Salesforce's ``nextRecordsUrl``) work whether a client keeps the prefix or not.
PREFIXES: dict[str, str] = {
    "slack": "/slack",
    "jira": "/jira",
    "hubspot": "/hubspot",
    "salesforce": "/salesforce",
}
_BARE = (("/api/", "slack"), ("/rest/", "jira"), ("/crm/", "hubspot"), ("/services/", "salesforce"))


# --- requests and responses -------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str  # inside the API, e.g. /api/conversations.history or /rest/api/3/myself
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    base_url: str  # this API's base URL as clients use it
    _json: Any = field(default=None, repr=False)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The JSON body (``None`` when empty); raises ``ValueError`` when malformed."""
        if self._json is None and self.body.strip():
            self._json = json.loads(self.body)
        return self._json

    def form(self) -> dict[str, str]:
        """A urlencoded body's fields (first value each)."""
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass
class Response:
    status: int = 200
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


class ApiError(Exception):
    """Raised by a handler to answer with ``response``."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


class Api(Protocol):
    """One vendor API served from the world."""

    name: str

    def endpoint(self, request: Request) -> str:
        """A short endpoint name for logs and rate limits, e.g. ``slack.conversations.history``."""

    def authenticate(self, request: Request) -> Response | None:
        """``None`` when the credentials are good, else the vendor's auth error."""

    def throttled(self, request: Request, retry_after: float) -> Response:
        """The vendor's rate-limit answer."""

    def failed(self, request: Request, exc: Exception) -> Response:
        """The vendor's answer to an unexpected server error."""

    def handle(self, request: Request) -> Response:
        """Serve one authenticated request."""


# --- rate limits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimits:
    """Throttling rules. Rates are requests per second per rule key; a key is an API
    (``slack``), an endpoint (``slack.conversations.history``) or ``*`` (everything).

    ``every_nth`` answers every Nth matching request with the API's rate-limit error regardless
    of time, which makes 429 handling testable without clocks. ``retry_after`` is the value sent
    in ``Retry-After`` (default: the seconds until a request would pass, at least 1, or 1 for
    ``every_nth``); keep it tiny (``0``) in tests.
    """

    slack_per_s: float | None = None
    slack_history_per_s: float | None = None
    jira_per_s: float | None = None
    hubspot_per_s: float | None = None
    hubspot_search_per_s: float | None = None
    salesforce_per_s: float | None = None
    per_s: Mapping[str, float] = field(default_factory=dict)
    every_nth: int | Mapping[str, int] | None = None
    retry_after: float | None = None
    burst: float = 1.0

    def rates(self) -> dict[str, float]:
        """Every per-second rule, keyed by what it applies to."""
        out = dict(self.per_s)
        named = {
            "slack": self.slack_per_s,
            "slack.conversations.history": self.slack_history_per_s,
            "slack.conversations.replies": self.slack_history_per_s,
            "jira": self.jira_per_s,
            "hubspot": self.hubspot_per_s,
            "hubspot.search": self.hubspot_search_per_s,
            "salesforce": self.salesforce_per_s,
        }
        for key, value in named.items():
            if value is not None:
                out[key] = value
        for key, value in out.items():
            if value <= 0:
                raise ValueError(f"rate limit {key}={value}: the rate must be positive")
        return out

    def nths(self) -> dict[str, int]:
        """Every "every Nth request" rule, keyed by what it applies to."""
        if self.every_nth is None:
            return {}
        rules = {"*": self.every_nth} if isinstance(self.every_nth, int) else dict(self.every_nth)
        for key, value in rules.items():
            if value < 1:
                raise ValueError(f"every_nth {key}={value}: N must be at least 1")
        return rules

    @classmethod
    def parse(cls, specs: Sequence[str], *, retry_after: float | None = None) -> RateLimits:
        """Read CLI specs: ``KEY=RATE/s``, ``KEY=RATE/m`` or ``KEY=every:N``; KEY is ``*``, an
        API name or an endpoint such as ``slack.conversations.history``."""
        per_s: dict[str, float] = {}
        nth: dict[str, int] = {}
        for spec in specs:
            key, sep, value = spec.partition("=")
            key, value = key.strip(), value.strip().lower()
            if not sep or not key or not value:
                raise ValueError(
                    f"rate limit {spec!r}: expected KEY=N/s, KEY=N/m or KEY=every:N "
                    "(KEY: *, slack, jira, hubspot, salesforce or an endpoint)"
                )
            try:
                if value.startswith("every:"):
                    nth[key] = int(value[6:])
                elif value.endswith("/s"):
                    per_s[key] = float(value[:-2])
                elif value.endswith("/m"):
                    per_s[key] = float(value[:-2]) / 60
                else:
                    per_s[key] = float(value)
            except ValueError:
                raise ValueError(
                    f"rate limit {spec!r}: {value!r} is not a number (N/s, N/m or every:N)"
                ) from None
        limits = cls(per_s=per_s, every_nth=nth or None, retry_after=retry_after)
        limits.rates()
        limits.nths()
        return limits


def _applies(rule: str, endpoint: str) -> bool:
    return rule == "*" or endpoint == rule or endpoint.startswith(rule + ".")


class Limiter:
    """Token buckets per rule plus the every-Nth counters; thread-safe."""

    def __init__(self, limits: RateLimits | None, clock: Callable[[], float] = time.monotonic):
        self.limits = limits or RateLimits()
        self.rates = self.limits.rates()
        self.nths = self.limits.nths()
        self.clock = clock
        self.lock = threading.Lock()
        self.buckets: dict[str, tuple[float, float]] = {}  # rule -> (tokens, last refill)
        self.counters: dict[str, int] = {}

    def check(self, endpoint: str) -> float | None:
        """``None`` to let the request through, else the seconds to put in ``Retry-After``."""
        if not self.rates and not self.nths:
            return None
        with self.lock:
            wait: float | None = None
            for rule, n in self.nths.items():
                if _applies(rule, endpoint):
                    count = self.counters.get(rule, 0) + 1
                    self.counters[rule] = count
                    if count % n == 0:
                        wait = max(wait or 0.0, 1.0)
            if wait is not None:
                return self._retry_after(wait)
            now = self.clock()
            capacity = max(1.0, self.limits.burst)
            taken: list[tuple[str, float, float]] = []
            for rule, rate in self.rates.items():
                if not _applies(rule, endpoint):
                    continue
                tokens, last = self.buckets.get(rule, (capacity, now))
                tokens = min(capacity, tokens + (now - last) * rate)
                if tokens < 1.0:
                    need = (1.0 - tokens) / rate
                    wait = max(wait or 0.0, need)
                    self.buckets[rule] = (tokens, now)
                else:
                    taken.append((rule, tokens, now))
            if wait is not None:
                for rule, tokens, at in taken:  # a refused request spends nothing
                    self.buckets[rule] = (tokens, at)
                return self._retry_after(wait)
            for rule, tokens, at in taken:
                self.buckets[rule] = (tokens - 1.0, at)
            return None

    def _retry_after(self, wait: float) -> float:
        if self.limits.retry_after is not None:
            return self.limits.retry_after
        return float(max(1, math.ceil(wait)))


# --- request log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedRequest:
    api: str
    endpoint: str
    method: str
    path: str
    status: int


class RequestLog:
    """Per-endpoint request counts, 429s sent and the last requests; thread-safe."""

    def __init__(self, keep: int = 2000) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._throttled: dict[str, int] = {}
        self._statuses: dict[int, int] = {}
        self._recent: deque[LoggedRequest] = deque(maxlen=keep)

    def record(self, entry: LoggedRequest, *, throttled: bool) -> None:
        with self._lock:
            self._counts[entry.endpoint] = self._counts.get(entry.endpoint, 0) + 1
            if throttled:
                self._throttled[entry.endpoint] = self._throttled.get(entry.endpoint, 0) + 1
            self._statuses[entry.status] = self._statuses.get(entry.status, 0) + 1
            self._recent.append(entry)

    @property
    def counts(self) -> dict[str, int]:
        """Requests per endpoint (throttled ones included)."""
        with self._lock:
            return dict(self._counts)

    @property
    def throttled(self) -> dict[str, int]:
        """Rate-limit answers sent per endpoint."""
        with self._lock:
            return dict(self._throttled)

    @property
    def statuses(self) -> dict[int, int]:
        with self._lock:
            return dict(self._statuses)

    def recent(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._recent)

    def total(self, prefix: str = "") -> int:
        """Requests to endpoints starting with ``prefix`` (all by default)."""
        with self._lock:
            return sum(v for k, v in self._counts.items() if k.startswith(prefix))

    def total_throttled(self, prefix: str = "") -> int:
        with self._lock:
            return sum(v for k, v in self._throttled.items() if k.startswith(prefix))

    def snapshot(self) -> dict[str, Any]:
        """Counts, throttles and statuses as plain data."""
        with self._lock:
            return {
                "counts": dict(self._counts),
                "throttled": dict(self._throttled),
                "statuses": {str(k): v for k, v in self._statuses.items()},
            }

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._throttled.clear()
            self._statuses.clear()
            self._recent.clear()


# --- the server -------------------------------------------------------------------------------


class SandboxHTTPServer:
    """A threaded loopback HTTP/1.1 server in front of the four APIs."""

    def __init__(
        self, apis: Mapping[str, Api], limiter: Limiter, request_log: RequestLog, port: int = 0
    ) -> None:
        self.apis = dict(apis)
        self.limiter = limiter
        self.request_log = request_log
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox server is not running; call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="siphon-sandbox",
            daemon=True,
        )
        self._thread.start()
        log.info("sandbox.started url=%s", self.base_url)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        log.info("sandbox.stopped")

    def route(self, path: str) -> tuple[str, str, str] | None:
        """(api name, path inside the API, the API's base path) for a request path."""
        for name, prefix in PREFIXES.items():
            if path.startswith(prefix + "/"):
                return name, path[len(prefix) :], prefix
        for bare, name in _BARE:
            if path.startswith(bare):
                return name, path, ""
        return None

    def dispatch(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        parts = urlsplit(target)
        routed = self.route(parts.path)
        if routed is None:
            return Response(404, {"error": "not_found", "message": f"no API at {parts.path}"})
        name, path, base_path = routed
        api = self.apis[name]
        request = Request(
            method=method,
            path=path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=headers,
            body=body,
            base_url=self.base_url + base_path,
        )
        try:
            endpoint = api.endpoint(request)
        except ApiError as exc:
            self.request_log.record(
                LoggedRequest(name, f"{name}.unknown", method, parts.path, exc.response.status),
                throttled=False,
            )
            return exc.response
        throttled = False
        try:
            response = api.authenticate(request)
            if response is None:
                wait = self.limiter.check(endpoint)
                if wait is not None:
                    throttled = True
                    response = api.throttled(request, wait)
                else:
                    response = api.handle(request)
        except ApiError as exc:
            response = exc.response
        except Exception as exc:  # a sandbox bug must look like a vendor 500, not a hang
            log.exception("sandbox.handler_failed endpoint=%s", endpoint)
            response = api.failed(request, exc)
        self.request_log.record(
            LoggedRequest(name, endpoint, method, parts.path, response.status), throttled=throttled
        )
        return response


def _make_handler(server: SandboxHTTPServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "siphon-sandbox"
        # headers and body go out in separate writes: without TCP_NODELAY every keep-alive
        # request would wait ~40 ms for a delayed ACK
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            body = self._read_body()
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = server.dispatch(self.command, self.path, headers, body)
            data = response.encode()
            self.send_response(response.status)
            content_type = response.headers.pop("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("sandbox.request %s", format % args)

    return Handler
