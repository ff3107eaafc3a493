"""Where analyst commands get their answers: the running daemon's API, or the graph itself.

When ``siphon run`` holds the state dir, the graph is the daemon's (Kùzu lets one read-write
process exclude all others), so commands ask its API. Otherwise they run the query in a bounded
worker process of their own (the same memory bound and time limit as the daemon's), which
closes the graph after each query so a daemon can start at any time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
from pydantic import SecretStr

from connectors import ResolvedSecret, SecretResolutionError, resolve_reference
from daemon._client import DaemonApiError, DaemonClient, find_daemon
from daemon._query_worker import QueryLimits, QueryService
from daemon._settings import LoadedConfig
from daemon.cli._common import fail
from ontology import GraphError, QueryResult, graph_path


def secret_value(secret: SecretStr | None, what: str) -> str | None:
    """The value of a secret that was loaded unresolved (``resolve_secrets=False``)."""
    if secret is None:
        return None
    if isinstance(secret, ResolvedSecret) and not secret.get_secret_value():
        try:
            return resolve_reference(secret.reference).get_secret_value()
        except SecretResolutionError as exc:
            fail(f"{what}: {exc}", 2)
    return secret.get_secret_value()


class GraphReader:
    """Runs read-only queries for one command, through the daemon or directly."""

    def __init__(self, loaded: LoadedConfig) -> None:
        self.loaded = loaded
        self.daemon = find_daemon(loaded.state_dir)
        self._client: DaemonClient | None = None
        self._local: QueryService | None = None
        if self.daemon is not None:
            if not self.daemon.api:
                fail(
                    f"the daemon (pid {self.daemon.pid}) holds the graph and its API is "
                    "disabled ([api] enabled = false): enable the API or stop the daemon"
                )
            token = secret_value(loaded.settings.api.token, "api.token")
            self._client = DaemonClient(
                self.daemon.api, token, timeout_s=loaded.settings.query.timeout.total_seconds() + 30
            )

    @property
    def via(self) -> str:
        return f"daemon {self.daemon.api}" if self.daemon and self.daemon.api else "graph"

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run one query; QueryError / GraphError / DaemonApiError on failure."""
        if self._client is not None:
            payload = self._client.query(
                cypher, dict(params or {}), timeout_s=timeout_s, max_rows=max_rows
            )
            return QueryResult(
                list(payload["columns"]),
                list(payload["rows"]),
                bool(payload.get("truncated")),
                float(payload.get("elapsed_ms") or 0.0),
            )
        settings = self.loaded.settings
        if self._local is None:
            limits = QueryLimits(
                timeout_s or settings.query.timeout.total_seconds(),
                max_rows or settings.query.max_rows,
                settings.query.memory_mb,
            )
            self._local = QueryService(
                None,
                graph_path(self.loaded.state_dir),
                limits,
                engine=settings.graph.engine,
                workers=1,
                keep_open=False,
            )
        return self._local.run(cypher, params, timeout_s=timeout_s, max_rows=max_rows)

    def close(self) -> None:
        if self._client is not None:
            self._client.__exit__()
        if self._local is not None:
            self._local.close()


@contextmanager
def graph_reader(loaded: LoadedConfig) -> Iterator[GraphReader]:
    """A ``GraphReader`` whose errors become one clear line and exit status 1."""
    reader = GraphReader(loaded)
    try:
        yield reader
    except DaemonApiError as exc:
        fail(f"{exc} (HTTP {exc.status} from the daemon)")
    except httpx.HTTPError as exc:
        fail(f"cannot reach the daemon's API at {reader.via}: {exc}")
    except GraphError as exc:
        fail(str(exc))
    finally:
        reader.close()
