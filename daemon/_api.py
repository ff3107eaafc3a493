"""The daemon's HTTP API: health, readiness, metrics, status and bounded read-only queries.

The standard library's ``ThreadingHTTPServer`` is enough here: five small endpoints, loopback
by default, no streaming; the work that could hurt (queries) runs in worker processes anyway.

- ``GET /healthz``  200 while the process lives
- ``GET /readyz``   200 when the scheduler runs and the graph is open or openable, else 503
- ``GET /metrics``  Prometheus text format
- ``GET /status``   per-connector state as JSON                      (bearer token if set)
- ``POST /verify``  the ledger check of ``siphon verify``, run in a query worker (token if set)
- ``POST /query``   ``{"cypher": ..., "params": {...}}`` -> ``{"columns", "rows", "truncated"}``
                    400 refused or bad query, 401 token, 408 time limit, 503 memory or busy
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST

from daemon._metrics import Metrics
from daemon._query_worker import QueryBusyError, QueryMemoryError, QueryService
from ontology import (
    GraphError,
    GraphNotFoundError,
    QueryError,
    QueryRefusedError,
    QueryTimeoutError,
)

log = logging.getLogger("siphon.daemon.api")

MAX_BODY = 1 << 20  # a query is text; a megabyte is generous


def parse_listen(listen: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:8470`` for IPv6) -> (host, port); ValueError saying what is wrong."""
    host, sep, port = listen.strip().rpartition(":")
    if not sep or not host:
        raise ValueError(f"[api] listen expects host:port, found {listen!r}")
    host = host.strip("[]")
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"[api] listen: the port in {listen!r} is not a number") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"[api] listen: port {number} is out of range")
    return host, number


@dataclass
class ApiContext:
    """What the handlers need from the daemon."""

    metrics: Metrics
    queries: QueryService
    ready: Callable[[], dict[str, bool]]
    status: Callable[[], dict[str, Any]]
    token: Callable[[], str | None]
    verify: Callable[[], dict[str, Any]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    context: ApiContext


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "siphon"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("api.request client=%s %s", self.client_address[0], format % args)

    # -- helpers ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if status == HTTPStatus.UNAUTHORIZED:
            self.send_header("WWW-Authenticate", 'Bearer realm="siphon"')
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        self._send(status, body, "application/json")

    def _error(self, status: int, message: str, kind: str) -> None:
        self._json(status, {"error": message, "kind": kind})

    def _authorized(self) -> bool:
        expected = self.server.context.token()
        if not expected:
            return True
        header = self.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8"), expected.encode("utf-8")
        ):
            return True
        message = "a bearer token is required" if not header else "the bearer token is wrong"
        self._error(HTTPStatus.UNAUTHORIZED, message, "unauthorized")
        return False

    # -- routes ----------------------------------------------------------------------------
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        ctx = self.server.context
        if path == "/healthz":
            self._send(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8")
        elif path == "/readyz":
            checks = ctx.ready()
            ok = all(checks.values())
            self._json(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE, checks)
        elif path == "/metrics":
            self._send(HTTPStatus.OK, ctx.metrics.render(), CONTENT_TYPE_LATEST)
        elif path == "/status":
            if self._authorized():
                self._json(HTTPStatus.OK, ctx.status())
        elif path == "/query":
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "POST a JSON query to /query", "method")
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint {path}", "not_found")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in ("/query", "/verify"):
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint {path}", "not_found")
            return
        if not self._authorized():
            return
        if path == "/verify":
            with self._query_errors():
                self._json(HTTPStatus.OK, self.server.context.verify())
            return
        request = self._read_query()
        if request is None:
            return
        cypher, params, timeout_s, max_rows = request
        with self._query_errors():
            result = self.server.context.queries.run(
                cypher, params, timeout_s=timeout_s, max_rows=max_rows
            )
            self._json(
                HTTPStatus.OK,
                {
                    "columns": result.columns,
                    "rows": result.rows,
                    "truncated": result.truncated,
                    "elapsed_ms": result.elapsed_ms,
                },
            )

    @contextlib.contextmanager
    def _query_errors(self) -> Iterator[None]:
        """Answer a failed query or verification with the right status and a clear message."""
        try:
            yield
        except QueryRefusedError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc), "refused")
        except QueryTimeoutError as exc:
            self._error(HTTPStatus.REQUEST_TIMEOUT, str(exc), "timeout")
        except QueryMemoryError as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), "memory")
        except QueryBusyError as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), "busy")
        except GraphNotFoundError as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), "no_graph")
        except QueryError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc), "bad_query")
        except GraphError as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), "graph")

    def _read_query(self) -> tuple[str, dict[str, Any], float | None, int | None] | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length <= 0 or length > MAX_BODY:
            self._error(
                HTTPStatus.BAD_REQUEST if length <= 0 else HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                'send a JSON body {"cypher": ..., "params": {...}} of at most '
                f"{MAX_BODY} bytes",
                "bad_request",
            )
            return None
        try:
            body = json.loads(self.rfile.read(length))
        except ValueError as exc:
            self._error(HTTPStatus.BAD_REQUEST, f"the body is not JSON: {exc}", "bad_request")
            return None
        problem = None
        if not isinstance(body, dict):
            problem = 'expected a JSON object {"cypher": ..., "params": {...}}'
        elif not isinstance(body.get("cypher"), str) or not body["cypher"].strip():
            problem = '"cypher" must be a non-empty string'
        elif not isinstance(body.get("params", {}), dict):
            problem = '"params" must be an object'
        elif body.get("timeout") is not None and not _positive_number(body["timeout"]):
            problem = '"timeout" must be a positive number of seconds'
        elif body.get("max_rows") is not None and not (
            isinstance(body["max_rows"], int) and body["max_rows"] > 0
        ):
            problem = '"max_rows" must be a positive integer'
        if problem:
            self._error(HTTPStatus.BAD_REQUEST, problem, "bad_request")
            return None
        assert isinstance(body, dict)
        timeout = float(body["timeout"]) if body.get("timeout") is not None else None
        return body["cypher"], dict(body.get("params") or {}), timeout, body.get("max_rows")


def _positive_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


class ApiServer:
    """The HTTP API, served from a background thread."""

    def __init__(self, listen: str, context: ApiContext) -> None:
        host, port = parse_listen(listen)
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, port), _Handler)
        self._server.context = context
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="siphon-api", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        if text in ("0.0.0.0", "::"):  # noqa: S104  (a wildcard bind is reached on loopback)
            text = "127.0.0.1" if text == "0.0.0.0" else "::1"  # noqa: S104
        shown = f"[{text}]" if ":" in text else text
        return f"http://{shown}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
