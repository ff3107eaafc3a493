"""The public input types of extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class ParentContext:
    """The document a reply answers (thread parent, commented issue): lets "ok, let's do that"
    confirm the proposal made there."""

    document_id: str
    text: str
    author: str | None = None


@dataclass(slots=True)
class ExtractionInput:
    """One document to extract from."""

    document_id: str
    text: str
    author: str | None = None
    created_at: datetime | None = None
    parent: ParentContext | None = None


@dataclass(slots=True)
class GazetteerEntry:
    """A known entity from the graph, matched by its name and aliases."""

    entity_id: str
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)


class ExtractionError(Exception):
    """Extraction cannot be set up (an unknown or broken model, a bad classifier artifact)."""
