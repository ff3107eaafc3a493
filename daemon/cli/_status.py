"""``siphon status``: what the graph holds, per source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from daemon.cli._common import OutputFormat, console, graph_errors, load, print_rows

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


def status(
    ctx: typer.Context,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """Show each source's last sync and document count, and the graph's totals."""
    from ontology import GraphStore, graph_path

    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
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
    print_rows(per_source.columns, rows, fmt, title=f"graph: {graph_path(loaded.state_dir)}")
    if fmt is OutputFormat.table:
        console.print("  ".join(f"{k}: {v}" for k, v in totals.items()))
        stale = sorted(seen - configured) if configured else []
        if stale:
            console.print(f"(in the graph but no longer configured: {', '.join(stale)})")
