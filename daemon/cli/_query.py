"""``siphon query``: run one read-only Cypher query against the graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from daemon.cli._common import OutputFormat, fail, load, print_rows
from daemon.cli._remote import graph_reader


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``k=v`` pairs; ``v`` is read as JSON when it parses (numbers, lists, quoted strings),
    otherwise taken as a plain string."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--param expects key=value, found {pair!r}", 2)
        try:
            params[key.strip()] = json.loads(raw)
        except ValueError:
            params[key.strip()] = raw
    return params


def query(
    ctx: typer.Context,
    cypher: Annotated[
        str,
        typer.Argument(
            help="One Cypher statement, e.g. 'MATCH (d:Decision) RETURN d.statement LIMIT 5'."
        ),
    ],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="Query parameter key=value (JSON values allowed); repeatable."
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--max-rows", help="Row limit (default from config).")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Time limit in seconds (default from config).")
    ] = None,
) -> None:
    """Run a read-only Cypher query and print the rows.

    While `siphon run` holds the graph the query goes through its API; otherwise it runs in a
    bounded worker process on the graph opened read-only. Either way a query that writes is
    refused, and the time limit, row limit and memory bound of [query] apply. Relationship
    names are in docs/schema.md; `IN` may be written bare, as [:IN].
    """
    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
    params = parse_params(param or [])
    with graph_reader(loaded) as reader:
        result = reader.query(cypher, params, timeout_s=timeout, max_rows=limit)
    note = None
    if result.truncated:
        note = f"(showing the first {len(result.rows)} rows; raise --max-rows to see more)"
    print_rows(result.columns, result.rows, fmt, note=note)
