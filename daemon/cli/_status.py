"""``siphon status``: per connector, last and next run, lag, counts and last error."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from daemon._client import DaemonApiError, DaemonClient, find_daemon
from daemon._settings import LoadedConfig
from daemon.cli._common import OutputFormat, console, fail, graph_errors, load, print_rows
from daemon.cli._remote import secret_value

STATUS_QUERY = """
MATCH (s:Source)
OPTIONAL MATCH (d:Document {source: s.name})
RETURN s.name AS source, s.type AS type, s.status AS status, s.last_sync_at AS last_sync,
       count(d) AS documents, s.last_error AS last_error
ORDER BY source
"""

TOTALS = {
    "people": "MATCH (n:Person) RETURN count(n)",
    "entities": "MATCH (n:Entity) RETURN count(n)",
    "concepts": "MATCH (n:Concept) RETURN count(n)",
    "decisions": "MATCH (n:Decision) RETURN count(n)",
}

DAEMON_COLUMNS = [
    "connector",
    "type",
    "state",
    "last_success",
    "next_run",
    "lag",
    "docs",
    "decisions",
    "skipped",
    "failures",
    "last_error",
]


def _lag(last_success: str | None, now: datetime) -> str:
    if not last_success:
        return "never synced"
    seconds = int((now - datetime.fromisoformat(last_success)).total_seconds())
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"


def _short(value: str | None) -> str | None:
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%m-%d %H:%M")


def daemon_rows(payload: dict[str, Any], now: datetime) -> list[list[Any]]:
    """One row per connector from the daemon's ``/status``."""
    rows = []
    for c in payload.get("connectors", []):
        if not c["enabled"]:
            condition = "disabled"
        elif c["running"]:
            condition = f"syncing ({c['progress']})" if c.get("progress") else "syncing"
        elif c["consecutive_failures"]:
            condition = f"failing ({c['last_error_kind']})"
        elif c["last_success_at"]:
            condition = "ok"
        else:
            condition = "waiting"
        rows.append(
            [
                c["name"],
                c["type"],
                condition,
                _short(c["last_success_at"]),
                _short(c["next_run_at"]),
                _lag(c["last_success_at"], now),
                c["documents"],
                c["decisions"],
                c["skipped"],
                c["consecutive_failures"],
                c["last_error"],
            ]
        )
    return rows


def status(
    ctx: typer.Context,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """Per connector: last and next run, freshness lag, counts and last error.

    Asks the running daemon when there is one (counts since it started); otherwise reads the
    graph's Source nodes (last sync, status and last error as the last run left them).
    """
    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
    daemon = find_daemon(loaded.state_dir)
    if daemon is not None and daemon.api:
        token = secret_value(loaded.settings.api.token, "api.token")
        try:
            with DaemonClient(daemon.api, token, timeout_s=30) as client:
                payload = client.status()
        except DaemonApiError as exc:
            fail(f"{exc} (HTTP {exc.status} from the daemon)")
        rows = daemon_rows(payload, datetime.now(UTC))
        title = f"daemon pid {daemon.pid} ({daemon.api}), up since {_short(daemon.started_at)}"
        print_rows(DAEMON_COLUMNS, rows, fmt, title=title)
        graph = payload.get("graph") or {}
        if fmt is OutputFormat.table and graph:
            nodes = graph.get("nodes", {})
            console.print(
                "  ".join(
                    f"{label}: {nodes.get(table, 0)}"
                    for label, table in (
                        ("documents", "Document"),
                        ("people", "Person"),
                        ("entities", "Entity"),
                        ("concepts", "Concept"),
                        ("decisions", "Decision"),
                    )
                )
            )
        return
    _status_from_graph(loaded, fmt)


def _status_from_graph(loaded: LoadedConfig, fmt: OutputFormat) -> None:
    from ontology import GraphStore, graph_path

    with (
        graph_errors(),
        GraphStore(
            graph_path(loaded.state_dir), read_only=True, engine=loaded.settings.graph.engine
        ) as store,
    ):
        per_source = store.query(STATUS_QUERY, timeout_s=None, max_rows=None)
        totals = {name: int(store.execute(q)[0][0]) for name, q in TOTALS.items()}
    configured = set(loaded.connectors)
    seen = {row[0] for row in per_source.rows}
    rows = list(per_source.rows) + [
        [name, cfg.type, "never synced", None, 0, None]
        for name, cfg in loaded.connectors.items()
        if name not in seen
    ]
    print_rows(
        per_source.columns,
        rows,
        fmt,
        title=f"graph: {graph_path(loaded.state_dir)} (daemon not running)",
    )
    if fmt is OutputFormat.table:
        console.print("  ".join(f"{k}: {v}" for k, v in totals.items()))
        stale = sorted(seen - configured) if configured else []
        if stale:
            console.print(f"(in the graph but no longer configured: {', '.join(stale)})")
