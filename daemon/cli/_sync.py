"""``siphon sync``: run one sync pass of some or all connectors, in the foreground."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from daemon.cli._common import EXIT_FAILURE, EXIT_USAGE, console, fail, graph_errors, load


def describe(report: object) -> str:
    """One line saying what a sync pass did."""
    from daemon._pipeline import SyncReport

    assert isinstance(report, SyncReport)
    parts = ", ".join(f"{n} {t}" for t, n in sorted(report.records.items())) or "nothing new"
    line = (
        f"{report.connector}: read {parts}; {report.documents} new or changed documents, "
        f"{report.decisions} decisions, {report.skipped} skipped "
        f"in {report.seconds:.1f}s (HTTP {report.http_seconds:.1f}s, {report.requests} requests)"
    )
    if report.resumed_pending:
        line += "; loaded what an interrupted run left pending"
    if not report.ok:
        line += f"\n  FAILED ({report.error_kind}): {report.error}"
    return line


def sync(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Connector instances to sync (default: all enabled).")
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
) -> None:
    """Run one sync pass now and print what it did.

    Reads each connector from its saved cursor (minus its lookback), extracts decisions and
    writes the graph. Use it while the daemon is stopped; `siphon run` syncs on a schedule.
    Exits 1 if any connector failed.
    """
    from daemon._pipeline import OpenGraph, open_graph, sync_connector

    loaded = load(ctx, state_dir=state_dir)
    wanted = names or [n for n, c in loaded.connectors.items() if c.enabled]
    unknown = [n for n in wanted if n not in loaded.connectors]
    if unknown:
        fail(
            f"no connector named {', '.join(unknown)} in the config; configured: "
            f"{', '.join(loaded.connectors) or 'none'} (add one with `siphon connectors add`)",
            EXIT_USAGE,
        )
    if not wanted:
        fail("no connectors configured: add one with `siphon connectors add TYPE --name NAME`")
    failed = []
    interactive = sys.stdout.isatty()
    with graph_errors():
        for name in wanted:
            # the graph is opened per connector: closing it lets go of the engine's caches
            with (
                open_graph(loaded) as store,
                Progress(
                    SpinnerColumn(),
                    TextColumn("[bold]{task.description}"),
                    BarColumn(bar_width=None),
                    TextColumn("{task.completed} records"),
                    TimeElapsedColumn(),
                    console=console,
                    transient=True,
                    disable=not interactive,
                ) as bar,
            ):
                task = bar.add_task(name, total=None)

                def progress(table: str, n: int, task: TaskID = task, name: str = name) -> None:
                    bar.update(task, advance=n, description=f"{name} ({table})")

                report = sync_connector(loaded, name, graph=OpenGraph(store), progress=progress)
            console.print(describe(report), markup=False, highlight=False)
            if not report.ok:
                failed.append(name)
    if failed:
        raise typer.Exit(EXIT_FAILURE)
