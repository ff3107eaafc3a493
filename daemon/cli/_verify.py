"""``siphon verify``: check the sealed decision ledger end to end."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from daemon._client import DaemonApiError, DaemonClient, find_daemon
from daemon.cli._common import console, err_console, fail, graph_errors, load
from daemon.cli._remote import secret_value


def verify(
    ctx: typer.Context,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check the sealed decision ledger: the chain, and every decision against its seal.

    Exits 1 naming the first entry or decision that does not match (edited outside siphon,
    a missing entry, or a key that is not the one it was sealed with).
    """
    from ontology import KEY_FILENAME, GraphStore, graph_path, load_or_create_key, verify_ledger

    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
    configured = secret_value(loaded.settings.ledger.key, "ledger.key")
    if configured is None and not (loaded.state_dir / KEY_FILENAME).exists():
        fail(
            f"no ledger key: neither [ledger] key nor {loaded.state_dir / KEY_FILENAME} exists "
            "(nothing was ever sealed with this state dir)"
        )
    key = load_or_create_key(loaded.state_dir, configured)
    daemon = find_daemon(loaded.state_dir)
    result: dict[str, Any]
    if daemon is not None and daemon.api:
        token = secret_value(loaded.settings.api.token, "api.token")
        try:
            with DaemonClient(daemon.api, token, timeout_s=660) as client:
                result = client.verify()
        except DaemonApiError as exc:
            fail(f"{exc} (HTTP {exc.status} from the daemon)")
    else:
        with (
            graph_errors(),
            GraphStore(
                graph_path(loaded.state_dir),
                read_only=True,
                engine=loaded.settings.graph.engine,
            ) as store,
        ):
            result = verify_ledger(store, key).as_json()
    problem_found = result.get("problem")
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
    elif problem_found:
        err_console.print(
            f"[bold red]ledger check failed:[/] {problem_found['message']}", soft_wrap=True
        )
    else:
        console.print(
            f"ledger ok: {result['entries']} entries chain correctly and "
            f"{result['decisions']} decisions match their seals"
        )
    if problem_found:
        raise typer.Exit(1)
