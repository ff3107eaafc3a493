"""What every command shares: global options, loading config, output formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from daemon._logging import configure_logging
from daemon._settings import ConfigError, LoadedConfig, load_config

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@dataclass
class CliState:
    config_path: Path | None = None
    state_dir: Path | None = None
    log_level: str | None = None


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        obj = CliState()
        ctx.find_root().obj = obj
    return obj


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    """Print one clear error line to stderr and exit."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def load(
    ctx: typer.Context, *, state_dir: Path | None = None, resolve_secrets: bool = True
) -> LoadedConfig:
    """Load the config for a command, exiting with status 2 and every problem on error."""
    st = state(ctx)
    try:
        loaded = load_config(
            st.config_path, state_dir=state_dir or st.state_dir, resolve_secrets=resolve_secrets
        )
    except ConfigError as exc:
        report_config_error(exc)
        raise typer.Exit(EXIT_USAGE) from None
    settings = loaded.settings
    configure_logging(st.log_level or settings.log.level, settings.log.format)
    return loaded


def report_config_error(exc: ConfigError) -> None:
    count = len(exc.problems)
    err_console.print(
        f"[bold red]error:[/] the configuration has {count} problem{'s' if count > 1 else ''}:",
        soft_wrap=True,
    )
    for problem in exc.problems:
        err_console.print(f"  {problem}", soft_wrap=True, markup=False)


@contextmanager
def graph_errors() -> Iterator[None]:
    """Turn graph errors into one clear line and exit status 1."""
    from ontology import GraphError

    try:
        yield
    except GraphError as exc:
        fail(str(exc))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def print_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: OutputFormat,
    *,
    title: str | None = None,
    note: str | None = None,
) -> None:
    """Print query-style results as a table, JSON (columns + rows) or CSV."""
    from ontology import to_jsonable

    if fmt is OutputFormat.json:
        payload: dict[str, Any] = {
            "columns": list(columns),
            "rows": [to_jsonable(list(r)) for r in rows],
        }
        if note:
            payload["note"] = note
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
        return
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(to_jsonable(v)) for v in row])
        sys.stdout.write(buffer.getvalue())
        return
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(to_jsonable(v)) for v in row))
    console.print(table)
    if note:
        err_console.print(note)
