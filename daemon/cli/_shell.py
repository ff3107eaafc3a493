"""``siphon shell``: an interactive Cypher prompt.

Line editing and history come from the standard library's ``readline`` (GNU readline or
libedit): it covers what the prompt needs — arrows, Ctrl-R search, a history file — without a
new dependency; prompt_toolkit would add multi-line editing and completion menus we do not use.
History lives in ``$XDG_STATE_HOME/siphon/shell_history`` (``~/.local/state/...``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.markup import escape

from daemon._client import DaemonApiError
from daemon.cli._common import OutputFormat, console, err_console, load, print_rows
from daemon.cli._remote import GraphReader
from ontology import NODES, RELS, GraphError

HELP = """\
Type Cypher and end it with ';' (a statement may span lines; an empty line also runs it).
Queries are read-only and bounded by [query] timeout, max_rows and memory_mb.

  :help              this text
  :schema            node and relationship tables with their properties
  :format FMT        table (default), json or csv
  :max-rows N        show at most N rows (up to [query] max_rows)
  :quit              leave (also :q, :exit, Ctrl-D)

Example:  MATCH (d:Decision)-[:DECIDED_BY]->(p:Person) RETURN p.name, d.statement LIMIT 5;
"""


def _history_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "siphon" / "shell_history"


@contextlib.contextmanager
def _readline_history() -> Iterator[None]:
    try:
        import readline
    except ImportError:  # no readline on this Python build: plain input() still works
        yield
        return
    path = _history_path()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(2000)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)


def schema_text() -> str:
    """The graph's tables as the analyst contract defines them."""
    lines = ["Node tables (primary key first):"]
    for table in NODES.values():
        if table.name == "SchemaVersion":
            continue
        cols = ", ".join(f"{n} {t}" for n, t in table.columns)
        lines.append(f"  {table.name}({cols})")
    lines.append("Relationship tables:")
    for rel in RELS.values():
        props = ", ".join(f"{n} {t}" for n, t in rel.columns)
        lines.append(
            f"  {rel.name}: {rel.source} -> {rel.target}" + (f" ({props})" if props else "")
        )
    lines.append("More in docs/schema.md; [:IN] may be written bare.")
    return "\n".join(lines)


class Shell:
    """The read-eval-print loop, separate from the terminal for tests."""

    def __init__(
        self,
        reader: GraphReader,
        *,
        read_line: Callable[[str], str] = input,
        fmt: OutputFormat = OutputFormat.table,
    ) -> None:
        self.reader = reader
        self.read_line = read_line
        self.fmt = fmt
        self.max_rows: int | None = None

    def loop(self) -> None:
        buffer: list[str] = []
        while True:
            try:
                line = self.read_line("siphon> " if not buffer else "   ...> ")
            except EOFError:
                if buffer:
                    self.execute("\n".join(buffer))
                console.print()
                return
            except KeyboardInterrupt:
                console.print("^C")
                buffer = []
                continue
            stripped = line.strip()
            if not buffer and stripped.startswith(":"):
                if not self.command(stripped):
                    return
                continue
            if not stripped:
                if buffer:
                    self.execute("\n".join(buffer))
                    buffer = []
                continue
            buffer.append(line)
            if stripped.endswith(";"):
                self.execute("\n".join(buffer))
                buffer = []

    def command(self, text: str) -> bool:
        """Run a ``:command``; False means quit."""
        name, _, arg = text[1:].partition(" ")
        arg = arg.strip()
        if name in ("q", "quit", "exit"):
            return False
        if name in ("h", "help", "?"):
            console.print(HELP, markup=False)
        elif name == "schema":
            console.print(schema_text(), markup=False)
        elif name == "format":
            try:
                self.fmt = OutputFormat(arg)
            except ValueError:
                err_console.print("usage: :format table|json|csv")
        elif name == "max-rows":
            if arg.isdigit() and int(arg) > 0:
                self.max_rows = int(arg)
            else:
                err_console.print("usage: :max-rows N (a positive number)")
        else:
            err_console.print(f"unknown command :{name}; type :help", markup=False)
        return True

    def execute(self, statement: str) -> None:
        cypher = statement.strip().rstrip(";").strip()
        if not cypher:
            return
        try:
            result = self.reader.query(cypher, max_rows=self.max_rows)
        except (GraphError, DaemonApiError, httpx.HTTPError) as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            return
        note = f"{len(result.rows)} row(s), {result.elapsed_ms:.0f} ms"
        if result.truncated:
            note += " (truncated: :max-rows or [query] max_rows)"
        print_rows(result.columns, result.rows, self.fmt, note=note)


def shell(
    ctx: typer.Context,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State dir holding the graph.")
    ] = None,
) -> None:
    """An interactive Cypher prompt with history (:help, :schema, :quit).

    Goes through the running daemon's API when there is one, else reads the graph directly
    (opening it only while a query runs, so the daemon can start meanwhile).
    """
    loaded = load(ctx, state_dir=state_dir, resolve_secrets=False)
    reader = GraphReader(loaded)
    if sys.stdin.isatty():
        console.print(f"siphon shell on {reader.via}; :help for help, :quit to leave")
    try:
        with _readline_history():
            Shell(reader).loop()
    finally:
        reader.close()
