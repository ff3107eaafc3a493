"""``siphon run``: the daemon in the foreground (systemd, Docker, or a terminal)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from daemon.cli._common import load, state


def run(
    ctx: typer.Context,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph and cursors.")
    ] = None,
    stop_timeout: Annotated[
        float,
        typer.Option(
            "--stop-timeout",
            min=0.0,
            help="Seconds a clean stop waits for running syncs to reach a safe point.",
        ),
    ] = 30.0,
) -> None:
    """Run the daemon: sync every enabled connector on its schedule and serve the HTTP API.

    Stops cleanly on SIGTERM or Ctrl-C (a second one forces), reloads the config on SIGHUP,
    and talks to systemd when started as a notify service. Exits 2 on a bad config and 1 when
    the graph is locked by another process or the API cannot listen.
    """
    from daemon._lifecycle import run_daemon

    loaded = load(ctx, state_dir=state_dir)
    st = state(ctx)
    code = run_daemon(
        loaded,
        config_path=st.config_path,
        state_dir_flag=state_dir or st.state_dir,
        log_level_flag=st.log_level,
        stop_timeout_s=stop_timeout,
    )
    raise typer.Exit(code)
