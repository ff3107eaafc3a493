"""Test doubles and helpers for ingest tests: a scripted extractor, record builders, a graph
dump for before/after comparisons."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors import Account, Container, ContainerRef, Fact, Identity, Record
from ontology import GraphStore
from ontology._model import (
    DocumentExtraction,
    EntityMention,
    ExtractedDecision,
    IsaCandidate,
    RelationCandidate,
)
from ontology._schema import NODES, RELS

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class FakeExtractor:
    """Returns the extraction scripted for each document id (empty when none), and turns each
    fact into a structured decision; records what the gazetteer was fed."""

    def __init__(self, script: dict[str, DocumentExtraction] | None = None) -> None:
        self.script = dict(script or {})
        self.gazetteer: dict[str, Any] = {}
        self.seen: list[Any] = []
        self.comments: dict[str, list[tuple[Any, ...]]] = {}  # what structured_decisions got

    def extract_many(self, inputs: Iterable[Any]) -> Iterator[DocumentExtraction]:
        for item in inputs:
            self.seen.append(item)
            scripted = self.script.get(item.document_id)
            yield scripted if scripted is not None else DocumentExtraction(item.document_id)

    def structured_decisions(
        self, record: Record, *, comments: Iterable[Record] = ()
    ) -> list[ExtractedDecision]:
        self.comments[record.id] = sorted(
            (c.id, c.author.id if c.author else None, c.created_at, c.text) for c in comments
        )
        return [
            ExtractedDecision(
                statement=record.title or record.id,
                status="decided",
                origin="structured",
                fact_id=fact.id,
                decided_at=fact.at,
                confidence=0.9,
                about=[EntityMention(n, "TECH", 0, 0) for n in record.properties.get("about", [])],
            )
            for fact in record.facts
        ]

    def update_gazetteer(self, entries: Iterable[Any]) -> None:
        for entry in entries:
            self.gazetteer[entry.entity_id] = entry


def mention(text: str, label: str = "ORG", source: str = "rule") -> EntityMention:
    return EntityMention(text=text, label=label, start=0, end=len(text), source=source)


def decision(statement: str, *about: str, **kw: Any) -> ExtractedDecision:
    return ExtractedDecision(
        statement=statement,
        status=kw.pop("status", "decided"),
        about=[mention(a, "TECH") for a in about],
        confidence=kw.pop("confidence", 0.8),
        **kw,
    )


def extraction(doc_id: str, **kw: Any) -> DocumentExtraction:
    return DocumentExtraction(doc_id, **kw)


def isa(hyponym: str, hypernym: str, weight: float = 0.6) -> IsaCandidate:
    return IsaCandidate(hyponym, hypernym, "such as", weight)


def relation(subject: str, predicate: str, obj: str) -> RelationCandidate:
    return RelationCandidate(subject, predicate, obj, confidence=0.7)


def record(
    rid: str,
    text: str = "",
    *,
    minutes: float = 0,
    author: Identity | None = None,
    kind: str = "message",
    edited: float | None = None,
    **kw: Any,
) -> Record:
    source = rid.split(":", 1)[0]
    created = T0 + timedelta(minutes=minutes)
    updated = created if edited is None else T0 + timedelta(minutes=edited)
    return Record(
        id=rid,
        source=source,
        source_type=kw.pop("source_type", source),
        kind=kind,
        text=text,
        author=author,
        created_at=created,
        updated_at=updated,
        **kw,
    )


def account(aid: str, name: str | None, email: str | None = None, *handles: str) -> Account:
    source = aid.split(":", 1)[0]
    return Account(
        id=aid, source=source, source_type=source, name=name, email=email, handles=list(handles)
    )


def container(cid: str, kind: str, name: str, **properties: Any) -> Container:
    source = cid.split(":", 1)[0]
    return Container(
        id=cid, source=source, source_type=source, kind=kind, name=name, properties=properties
    )


def fact(fid: str, to_value: str, actor: Identity | None = None, minutes: float = 0) -> Fact:
    return Fact(
        id=fid,
        kind="stage_change",
        field="dealstage",
        to_value=to_value,
        actor=actor,
        at=T0 + timedelta(minutes=minutes),
    )


def ref(cid: str, kind: str = "channel", name: str | None = None) -> ContainerRef:
    return ContainerRef(id=cid, kind=kind, name=name)


def dump(store: GraphStore, *, skip: Iterable[str] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every node and edge with all properties, sorted: two equal dumps are equal graphs."""
    skipped = set(skip)
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name, table in NODES.items():
        if name in skipped:
            continue
        columns = [c for c, _ in table.columns]
        rows = store.execute(f"MATCH (n:`{name}`) RETURN " + ", ".join(f"n.{c}" for c in columns))
        out[name] = sorted((tuple(_hashable(v) for v in r) for r in rows), key=repr)
    for name, rel in RELS.items():
        src, dst = NODES[rel.source].primary_key, NODES[rel.target].primary_key
        props = "".join(f", r.{c}" for c, _ in rel.columns)
        rows = store.execute(
            f"MATCH (a:`{rel.source}`)-[r:`{name}`]->(b:`{rel.target}`) "
            f"RETURN a.{src}, b.{dst}{props}"
        )
        out[name] = sorted((tuple(_hashable(v) for v in r) for r in rows), key=repr)
    return out


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
