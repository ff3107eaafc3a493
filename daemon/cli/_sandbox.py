"""``siphon sandbox``: serve the built-in sandbox in the foreground for ``siphon run`` to poll."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from daemon.cli._common import EXIT_USAGE, err_console, fail

if TYPE_CHECKING:
    from connectors.sandbox import Sandbox


def sandbox(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free).")
    ] = 8480,
    scale: Annotated[
        int | None,
        typer.Option("--scale", min=1, help="Grow the organization to N Slack messages."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="World seed (same seed, same world).")] = 7,
    rate_limit: Annotated[
        list[str] | None,
        typer.Option(
            "--rate-limit",
            help="Throttle: KEY=N/s, KEY=N/m or KEY=every:N (a 429 every Nth request); KEY is "
            "*, slack, jira, hubspot, salesforce or an endpoint such as "
            "slack.conversations.history. Repeatable.",
        ),
    ] = None,
    retry_after: Annotated[
        float | None,
        typer.Option("--retry-after", min=0, help="Seconds sent in Retry-After when throttling."),
    ] = None,
    activity_every: Annotated[
        float | None,
        typer.Option(
            "--activity-every",
            min=0.01,
            help="Add new messages, issues and deal changes every SECONDS.",
        ),
    ] = None,
    activity_events: Annotated[
        int, typer.Option("--activity-events", min=1, help="Events per activity round.")
    ] = 12,
    search_cap: Annotated[
        int, typer.Option("--search-cap", min=1, help="HubSpot search paging cap.")
    ] = 10_000,
    slack_page_cap: Annotated[
        int | None,
        typer.Option("--slack-page-cap", min=2, help="Cap Slack history/replies pages (e.g. 15)."),
    ] = None,
    write_config: Annotated[
        Path | None,
        typer.Option("--write-config", help="Also write the [connectors.*] blocks to this file."),
    ] = None,
    write_env: Annotated[
        Path | None,
        typer.Option("--write-env", help="Also write the secrets as NAME=value lines (mode 600)."),
    ] = None,
    duration: Annotated[
        float | None,
        typer.Option("--duration", min=0, help="Stop after SECONDS (default: until Ctrl-C)."),
    ] = None,
) -> None:
    """Serve the sandbox (Slack, Jira, HubSpot and Salesforce APIs of a fictional company).

    Prints the environment variables and the config blocks that point the four connectors at
    it, then serves on 127.0.0.1 until Ctrl-C or SIGTERM. In another shell, set the variables,
    put the blocks in siphon.toml and run `siphon run`.
    """
    from connectors.sandbox import RateLimits, Sandbox, export_lines

    try:
        limits = RateLimits.parse(rate_limit or [], retry_after=retry_after)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        running = Sandbox(
            port=port,
            scale=scale,
            seed=seed,
            rate_limits=limits,
            search_cap=search_cap,
            slack_page_cap=slack_page_cap,
        )
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        running.start()
    except OSError as exc:
        fail(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; choose another --port", EXIT_USAGE
        )
    try:
        toml = running.config_toml()
        environ = running.environ()
        if write_config is not None:
            write_config.write_text(toml, encoding="utf-8")
        if write_env is not None:
            write_env.touch(mode=0o600, exist_ok=True)
            write_env.chmod(0o600)
            write_env.write_text(
                "".join(f"{k}={v}\n" for k, v in environ.items()), encoding="utf-8"
            )
        counts = running.counts()
        # plain echo, not rich: these lines are pasted into shells and TOML files verbatim
        typer.echo(
            f"# Ambient Siphon sandbox (seed {seed}) on {running.base_url}: "
            f"{counts['slack.messages']} Slack messages, {counts['jira.issues']} Jira issues, "
            f"{counts['hubspot.deals'] + counts['salesforce.deals']} deals, "
            f"{counts['decisions']} labelled decisions."
        )
        typer.echo("# 1. In the shell that runs siphon, set:")
        typer.echo(export_lines(environ), nl=False)
        typer.echo("# 2. Put these blocks in siphon.toml, then run `siphon run`:")
        typer.echo(toml, nl=False)
        err_console.print("serving; Ctrl-C to stop", markup=False, highlight=False)
        stop = threading.Event()
        previous = _on_signals(stop)
        try:
            serve(
                running,
                stop,
                activity_every=activity_every,
                events=activity_events,
                duration=duration,
                echo=lambda line: err_console.print(line, markup=False, highlight=False),
            )
        finally:
            _restore(previous)
    finally:
        running.stop()


_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None
_Handlers = dict[int, _Handler]


def _on_signals(stop: threading.Event) -> _Handlers:
    """SIGINT and SIGTERM ask for a clean stop; returns the handlers they replaced."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: _Handlers = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, handler)
    return previous


def _restore(previous: _Handlers) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def serve(
    running: Sandbox,
    stop: threading.Event,
    *,
    activity_every: float | None,
    events: int,
    duration: float | None,
    echo: Callable[[str], None],
    clock: Callable[[], float] | None = None,
) -> int:
    """Wait until ``stop`` is set (or ``duration`` passed), adding activity every
    ``activity_every`` seconds; returns the number of activity rounds."""
    import time

    now = clock or time.monotonic
    deadline = None if duration is None else now() + duration
    rounds = 0
    while True:
        wait = activity_every if activity_every is not None else 3600.0
        if deadline is not None:
            wait = min(wait, max(0.0, deadline - now()))
        if stop.wait(wait):
            return rounds
        if deadline is not None and now() >= deadline:
            return rounds
        if activity_every is not None:
            report = running.add_activity(events)
            rounds += 1
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(report.added.items()))
            echo(f"activity round {report.round}: {summary}")
