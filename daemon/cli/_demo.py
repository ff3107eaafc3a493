"""``siphon demo``: the whole product on the built-in sandbox, offline, in about a minute."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from daemon.cli._common import EXIT_USAGE, OutputFormat, console, fail, print_rows, state

MARKER = ".siphon-demo"
DEFAULT_DIR = Path("demo-state")

SUMMARY = {
    "documents": "MATCH (d:Document) WHERE d.source IS NOT NULL RETURN d.source, count(*) "
    "ORDER BY d.source",
    "people": "MATCH (p:Person) RETURN count(p)",
    "accounts": "MATCH (a:Account) RETURN count(a)",
    "entities": "MATCH (e:Entity) RETURN count(e)",
    "concepts": "MATCH (c:Concept) RETURN count(c)",
    "learned concepts": "MATCH (c:Concept) WHERE c.learned RETURN count(c)",
    "decisions": "MATCH (d:Decision) RETURN count(d)",
    "decisions stated in several places": "MATCH (d:Decision)-[:STATED_IN]->(x:Document) "
    "WITH d, count(x) AS n WHERE n > 1 RETURN count(d)",
}

EXAMPLES = (
    (
        "Who decided most, and about what?",
        "MATCH (d:Decision)-[:DECIDED_BY]->(p:Person) "
        "OPTIONAL MATCH (d)-[:ABOUT]->(e:Entity) "
        "RETURN p.name AS person, count(DISTINCT d) AS decisions, "
        "collect(DISTINCT e.name)[0:4] AS about ORDER BY decisions DESC LIMIT 5",
    ),
    (
        "What did we decide instead of something else, and why?",
        "MATCH (d:Decision)-[:STATED_IN]->(doc:Document) "
        "WHERE size(d.alternatives) > 0 AND d.rationale IS NOT NULL "
        "RETURN d.statement AS decision, d.alternatives AS rejected, d.rationale AS why, "
        "doc.source AS `stated in` ORDER BY d.decided_at DESC LIMIT 5",
    ),
    (
        "Which decisions were reversed or replaced later?",
        "MATCH (new:Decision)-[s:SUPERSEDES]->(old:Decision) "
        "RETURN old.statement AS earlier, new.statement AS later, new.decided_at AS `when` "
        "ORDER BY new.decided_at LIMIT 5",
    ),
)


def _prepare(directory: Path) -> None:
    """Start from an empty demo dir; never touch a directory the demo did not make."""
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            fail(
                f"{directory} exists and is not a siphon demo directory; "
                "choose another with --state-dir",
                EXIT_USAGE,
            )
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("made by `siphon demo`; safe to delete\n", encoding="utf-8")


def demo(
    ctx: typer.Context,
    state_dir: Annotated[
        Path | None,
        typer.Option("--state-dir", help="Where to leave the demo graph (default: ./demo-state)."),
    ] = None,
    cycles: Annotated[int, typer.Option("--cycles", min=1, max=20, help="Sync cycles to run.")] = 4,
    activity: Annotated[
        int,
        typer.Option("--activity", min=1, help="New sandbox events between cycles."),
    ] = 40,
    scale: Annotated[
        int | None,
        typer.Option("--scale", min=1, help="A larger synthetic organization of N messages."),
    ] = None,
) -> None:
    """Run siphon end to end on the built-in sandbox and leave a graph to explore.

    Starts loopback servers speaking the Slack, Jira, HubSpot and Salesforce APIs (a fictional
    company), points the four connectors at them, runs several sync cycles with new activity in
    between, then prints a summary and example queries. Works offline.
    """
    from connectors.sandbox import Sandbox
    from daemon._pipeline import OpenGraph, forget_ingestors, open_graph, sync_connector
    from daemon._settings import load_config
    from daemon.cli._sync import describe

    directory = (state_dir or state(ctx).state_dir or DEFAULT_DIR).resolve()
    _prepare(directory)
    started = time.perf_counter()
    console.print(f"[bold]Ambient Siphon demo[/] — state dir {directory}")
    with Sandbox(scale=scale) as sandbox:
        os.environ.update(sandbox.environ())
        config_path = directory / "siphon.toml"
        config_path.write_text(
            "# Written by `siphon demo`: the four connectors pointed at the sandbox.\n"
            f'state_dir = "{directory}"\n\n' + sandbox.config_toml(),
            encoding="utf-8",
        )
        loaded = load_config(config_path, state_dir=directory)
        counts = sandbox.counts()
        console.print(
            f"Sandbox on {sandbox.base_url}: "
            + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        )
        forget_ingestors()
        with open_graph(loaded) as store:
            graph = OpenGraph(store)
            for cycle in range(1, cycles + 1):
                if cycle > 1:
                    added = sandbox.add_activity(activity)
                    console.print(
                        f"\n[bold]Cycle {cycle}[/]: the sandbox added "
                        + ", ".join(f"{n} {k}" for k, n in sorted(added.added.items()))
                    )
                else:
                    console.print("\n[bold]Cycle 1[/]: first sync of everything")
                for name in loaded.connectors:
                    report = sync_connector(loaded, name, graph=graph)
                    console.print("  " + describe(report), markup=False, highlight=False)
            _summary(store)
            for title, cypher in EXAMPLES:
                result = store.query(cypher, max_rows=5)
                console.print(f"\n[bold]{title}[/]")
                console.print(cypher, style="dim", markup=False, highlight=False)
                print_rows(result.columns, result.rows, OutputFormat.table)
    forget_ingestors()
    elapsed = time.perf_counter() - started
    console.print(
        f"\nDone in {elapsed:.0f}s. The graph is in {directory}. Explore it:\n"
        f"  siphon --state-dir {directory} decisions\n"
        f"  siphon --state-dir {directory} trace <decision id from the list>\n"
        f"  siphon --state-dir {directory} query 'MATCH (d:Decision) RETURN d.statement LIMIT 10'\n"
        f"  siphon --state-dir {directory} shell\n"
        f"  siphon --state-dir {directory} ontology show\n"
        "Run the daemon against a live sandbox with `siphon sandbox` (it prints the config)."
    )


def _summary(store: Any) -> None:
    table = Table(title="What the graph holds", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, cypher in SUMMARY.items():
        rows = store.execute(cypher)
        if label == "documents":
            for source, n in rows:
                table.add_row(f"documents from {source}", str(n))
        else:
            table.add_row(label, str(rows[0][0]))
    console.print()
    console.print(table)
