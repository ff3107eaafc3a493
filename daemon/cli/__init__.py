"""The ``siphon`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from daemon.cli import (
    _config,
    _connectors,
    _decisions,
    _ontology,
    _run,
    _secrets,
    _shell,
    _verify,
)
from daemon.cli._common import CliState
from daemon.cli._demo import demo
from daemon.cli._extract import extract
from daemon.cli._query import query
from daemon.cli._sandbox import sandbox
from daemon.cli._status import status
from daemon.cli._sync import sync

app = typer.Typer(
    name="siphon",
    help=(
        "Ambient Siphon: quietly polls Slack, Jira, HubSpot and Salesforce, finds the decisions "
        "people make, and keeps them in a graph you query with Cypher."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _main(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file (default: $SIPHON_CONFIG, ./siphon.toml, /etc/siphon/siphon.toml).",
            envvar=None,
        ),
    ] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            help="State dir (default: $SIPHON_STATE_DIR, $STATE_DIRECTORY, ~/.local/share/siphon).",
        ),
    ] = None,
    log_level: Annotated[
        str | None, typer.Option("--log-level", help="debug, info, warning or error.")
    ] = None,
) -> None:
    ctx.obj = CliState(config_path=config, state_dir=state_dir, log_level=log_level)


app.add_typer(_config.app, name="config")
app.command("query")(query)
app.command("extract")(extract)
app.command("status")(status)
app.command("sync")(sync)
app.command("demo")(demo)
app.command("sandbox")(sandbox)
app.command("run")(_run.run)
app.command("shell")(_shell.shell)
app.command("decisions")(_decisions.decisions)
app.command("trace")(_decisions.trace)
app.add_typer(_connectors.app, name="connectors")
app.add_typer(_secrets.app, name="secrets")
app.command("verify")(_verify.verify)
app.add_typer(_ontology.app, name="ontology")


def main() -> None:
    """Console-script entry point."""
    app()
