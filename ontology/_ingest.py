"""``Ingestor``: one batch of connector records -> one graph transaction.

Stages (each its own module as they grow): extract -> resolve -> learn -> seal -> write.
Every write is keyed by source ids and replaces what a re-delivered or edited record wrote
before, so ingesting the same batch twice leaves the graph unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from connectors import Account, AnyRecord, Container, Identity, Record
from ontology._graph import GraphBatch, GraphStore, WriteStats

log = logging.getLogger("siphon.ontology.ingest")

Privacy = Literal["full", "facts_only"]

# Edges a document owns: re-ingesting the document replaces all of them.
DOCUMENT_OUT_EDGES = ("IN", "REPLY_TO", "LINKS_TO", "MENTIONS", "MENTIONS_PERSON")
DOCUMENT_IN_EDGES = ("AUTHORED",)


@dataclass
class IngestReport:
    documents: int = 0
    accounts: int = 0
    containers: int = 0
    decisions: int = 0
    entities: int = 0
    skipped: int = 0
    write: WriteStats | None = None
    errors: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        for name in ("documents", "accounts", "containers", "decisions", "entities", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def person_id_for(identity: Identity | Account) -> str:
    """A provisional person id: the lower-cased email when known, else the account id."""
    email = identity.email.strip().lower() if identity.email else ""
    return f"person:{email}" if email else f"person:{identity.id}"


class Ingestor:
    """Turns batches of ``Record``/``Account``/``Container`` into graph writes."""

    def __init__(self, *, privacy: Mapping[str, Privacy] | None = None) -> None:
        self.privacy: Mapping[str, Privacy] = privacy or {}

    def ingest(self, store: GraphStore, items: Sequence[AnyRecord]) -> IngestReport:
        """Ingest one batch in one transaction on ``store``.

        The store is passed per call so the daemon can open the graph only for write windows
        and let read-only query workers in between.
        """
        report = IngestReport()
        batch = GraphBatch()
        for item in items:
            if isinstance(item, Record):
                self._document(batch, item)
                report.documents += 1
            elif isinstance(item, Account):
                self._account(batch, item)
                report.accounts += 1
            elif isinstance(item, Container):
                self._container(batch, item)
                report.containers += 1
        if batch:
            report.write = store.write(batch)
        return report

    # -- mapping -----------------------------------------------------------------------
    def _container(self, batch: GraphBatch, item: Container) -> None:
        batch.node(
            "Container",
            id=item.id,
            source=item.source,
            kind=item.kind,
            name=item.name,
            url=item.url,
            properties=json.dumps(item.properties, sort_keys=True, default=str),
        )

    def _account(self, batch: GraphBatch, item: Account) -> None:
        handles = sorted({h for h in item.handles if h})
        batch.node(
            "Account",
            id=item.id,
            source=item.source,
            name=item.name or item.display_name,
            email=item.email,
            handles=handles,
            is_bot=item.is_bot,
            deleted=item.deleted,
        )
        person = person_id_for(item)
        batch.node(
            "Person",
            id=person,
            name=item.name or item.display_name,
            emails=[item.email.lower()] if item.email else [],
            handles=handles,
            is_bot=item.is_bot,
        )
        batch.replace_out("ACCOUNT_OF", item.id)
        batch.edge("ACCOUNT_OF", item.id, person, reason="email" if item.email else "account")

    def _document(self, batch: GraphBatch, item: Record) -> None:
        facts_only = self.privacy.get(item.source) == "facts_only"
        batch.node(
            "Document",
            id=item.id,
            source=item.source,
            kind=item.kind,
            title=None if facts_only else item.title,
            text="" if facts_only else item.text,
            url=item.url,
            created_at=item.created_at,
            updated_at=item.updated_at,
            deleted=item.deleted,
            text_hash=item.text_hash or (text_hash(item.text) if facts_only else None),
        )
        batch.replace_out(DOCUMENT_OUT_EDGES[0], item.id)
        for rel in DOCUMENT_OUT_EDGES[1:]:
            batch.replace_out(rel, item.id)
        for rel in DOCUMENT_IN_EDGES:
            batch.replace_in(rel, item.id)
        if item.container is not None:
            c = item.container
            batch.node(
                "Container", id=c.id, source=item.source, kind=c.kind, name=c.name, url=c.url
            )
            batch.edge("IN", item.id, c.id)
        if item.parent_id and item.parent_id != item.id:
            batch.node("Document", id=item.parent_id)  # placeholder until the parent arrives
            batch.edge("REPLY_TO", item.id, item.parent_id)
        for link in item.links:
            batch.node("Document", id=link.id)
            batch.edge("LINKS_TO", item.id, link.id, kind=link.kind)
        if item.author is not None:
            person = person_id_for(item.author)
            batch.node("Person", id=person)
            batch.edge("AUTHORED", person, item.id)
        for mentioned in item.mentions:
            person = person_id_for(mentioned)
            batch.node("Person", id=person)
            batch.edge("MENTIONS_PERSON", item.id, person)
