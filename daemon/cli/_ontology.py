"""``siphon ontology show`` and ``siphon ontology export``: the learned ontology."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.tree import Tree

from daemon.cli._common import console, fail, graph_errors, load

if TYPE_CHECKING:
    from ontology._export import OntologySnapshot

app = typer.Typer(
    help="The learned ontology: concepts, IS-A links and instances with support and confidence.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    turtle = "turtle"
    json = "json"


StateDirOption = Annotated[
    Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
]
MinSupportOption = Annotated[
    int,
    typer.Option(
        "--min-support",
        min=0,
        help="Leave out learned concepts and links with fewer supporting documents.",
    ),
]


def _snapshot(ctx: typer.Context, state_dir: Path | None, min_support: int) -> OntologySnapshot:
    from ontology import GraphStore, graph_path
    from ontology._export import read_ontology

    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
    with (
        graph_errors(),
        GraphStore(
            graph_path(loaded.state_dir), read_only=True, engine=loaded.settings.graph.engine
        ) as store,
    ):
        return read_ontology(store, min_support=min_support)


def render_tree(snapshot: OntologySnapshot, *, max_instances: int = 8) -> Tree:
    """The concept hierarchy as a rich tree: support, confidence, a few instances each."""
    children = snapshot.children()
    tree = Tree(f"[bold]ontology[/] v{snapshot.version}")

    def label(concept_id: str) -> str:
        node = snapshot.concepts[concept_id]
        kind = "[cyan]learned[/]" if node.learned else "[dim]seed[/]"
        return (
            f"[bold]{escape(node.name)}[/] {kind} support={node.support} "
            f"confidence={node.confidence:.2f}"
        )

    def add(branch: Tree, concept_id: str, seen: set[str]) -> None:
        node = snapshot.concepts[concept_id]
        sub = branch.add(label(concept_id))
        for entity_id, name, support, confidence in node.instances[:max_instances]:
            sub.add(
                f"[green]{escape(name)}[/] [dim]({escape(entity_id)})[/] "
                f"support={support} confidence={confidence:.2f}"
            )
        hidden = len(node.instances) - max_instances
        if hidden > 0:
            sub.add(f"[dim]… {hidden} more instances[/]")
        for child in children.get(concept_id, []):
            if child not in seen:  # a cycle in learned links is shown once
                add(sub, child, seen | {child})

    for root in children.get(None, []):
        add(tree, root, {root})
    if snapshot.relations:
        rel = tree.add("[bold]relations[/]")
        for _, sname, predicate, _, oname, support, confidence in snapshot.relations:
            rel.add(
                f"{escape(sname)} [yellow]{escape(predicate)}[/] {escape(oname)} "
                f"support={support} confidence={confidence:.2f}"
            )
    return tree


@app.command("show")
def show(
    ctx: typer.Context,
    min_support: MinSupportOption = 0,
    instances: Annotated[
        int, typer.Option("--instances", min=0, help="Instances shown per concept.")
    ] = 8,
    state_dir: StateDirOption = None,
) -> None:
    """Print the concept tree with support and confidence (the graph is opened read-only)."""
    snapshot = _snapshot(ctx, state_dir, min_support)
    if not snapshot.concepts:
        fail("the graph has no ontology yet; ingest something first (`siphon run --once`)")
    console.print(render_tree(snapshot, max_instances=instances))


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="turtle (OWL, for Protégé) or json.")
    ] = ExportFormat.turtle,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
    min_support: MinSupportOption = 0,
    state_dir: StateDirOption = None,
) -> None:
    """Export the ontology as Turtle or JSON (the graph is opened read-only)."""
    from ontology._export import to_json, to_turtle

    snapshot = _snapshot(ctx, state_dir, min_support)
    if fmt is ExportFormat.turtle:
        text = to_turtle(snapshot)
    else:
        text = json.dumps(to_json(snapshot), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    console.print(
        f"wrote {len(snapshot.concepts)} concepts ({fmt.value}) to {escape(str(output))}",
        highlight=False,
    )
