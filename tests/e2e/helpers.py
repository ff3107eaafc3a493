"""Shared helpers for end-to-end tests against the sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from connectors.sandbox import Sandbox
from daemon._pipeline import OpenGraph, SyncReport, forget_ingestors, sync_connector
from daemon._settings import LoadedConfig, load_config
from ontology import NODES, RELS, GraphStore, graph_path

#: Properties that record when siphon did something, not what the sources said.
PROCESSING_TIME = {
    ("Source", "last_sync_at"),
    ("Source", "status"),
    ("Source", "last_error"),
    ("LedgerEntry", "at"),
    ("OntologyChange", "at"),
}


def write_config(sandbox: Sandbox, state: Path, extra: str = "") -> Path:
    state.mkdir(parents=True, exist_ok=True)
    path = state / "siphon.toml"
    path.write_text(extra + "\n" + sandbox.config_toml(), encoding="utf-8")
    return path


def configure(sandbox: Sandbox, state: Path, extra: str = "") -> LoadedConfig:
    os.environ.update(sandbox.environ())
    return load_config(write_config(sandbox, state, extra), state_dir=state)


def sync_all(loaded: LoadedConfig, store: GraphStore) -> dict[str, SyncReport]:
    reports = {}
    for name in loaded.connectors:
        reports[name] = sync_connector(loaded, name, graph=OpenGraph(store))
    return reports


@contextmanager
def fresh_ingestors() -> Iterator[None]:
    forget_ingestors()
    try:
        yield
    finally:
        forget_ingestors()


def readable_record_ids(sandbox: Sandbox) -> set[str]:
    """Every document a connector with the sandbox's config blocks can read.

    Left out by design: Slack join/leave notices (noise subtypes) and channels the bot is not
    a member of (Slack answers not_in_channel; the connector skips them).
    """
    world: Any = sandbox.world
    hidden_channels = {cid for cid, c in world.channels.items() if not c.member}
    noise = {"channel_join", "channel_leave", "group_join", "group_leave", "bot_add", "bot_remove"}
    out = set()
    for doc in sandbox.answer_key().documents:
        if doc.tool == "slack":
            _, channel, ts = doc.record_id.split(":", 2)
            message = world.channels[channel].by_ts.get(ts)
            if channel in hidden_channels or (message is not None and message.subtype in noise):
                continue
        out.add(doc.record_id)
    return out


def snapshot(path: Path) -> dict[str, list[str]]:
    """Every node and edge with its properties (order-independent), minus processing times."""
    out: dict[str, list[str]] = {}
    with GraphStore(path, read_only=True) as store:
        for name, table in NODES.items():
            if name == "SchemaVersion":
                continue
            keep = [c for c, _ in table.columns if (name, c) not in PROCESSING_TIME]
            rows = store.execute(f"MATCH (n:`{name}`) RETURN " + ", ".join(f"n.{c}" for c in keep))
            out[name] = sorted(repr(r) for r in rows)
        for name, rel in RELS.items():
            src, dst = NODES[rel.source].primary_key, NODES[rel.target].primary_key
            props = "".join(f", r.{c}" for c, _ in rel.columns)
            rows = store.execute(
                f"MATCH (a:`{rel.source}`)-[r:`{name}`]->(b:`{rel.target}`) "
                f"RETURN a.{src}, b.{dst}{props}"
            )
            out[name] = sorted(repr(r) for r in rows)
    return out


def document_ids(path: Path) -> list[str]:
    with GraphStore(path, read_only=True) as store:
        return [
            r[0] for r in store.execute("MATCH (d:Document) WHERE d.source IS NOT NULL RETURN d.id")
        ]


def graph_of(state: Path) -> Path:
    return graph_path(state)
