"""What extraction finds in a document, before resolution: the contract between the extractor
(``ontology.extraction``) and resolution / the learned ontology (``ontology.resolution``).

Character offsets are into the document's plain text. Nothing here is resolved yet: names are
surface forms; resolution maps them to ``Person`` and ``Entity`` ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

DecisionStatus = Literal["decided", "proposed", "rejected", "reversed"]
Polarity = Literal["do", "do_not"]
Origin = Literal["text", "structured"]


@dataclass(slots=True)
class EntityMention:
    """A thing named in the text."""

    text: str
    label: str  # ORG, PRODUCT, TECH, COMPONENT, PROJECT, PERSON, ISSUE_KEY, URL, CHANNEL, ...
    start: int
    end: int
    source: str = "rule"  # gazetteer | rule | ner
    entity_id: str | None = None  # set when the gazetteer matched a known Entity


@dataclass(slots=True)
class ExtractedDecision:
    """A decision (or proposal, rejection, reversal) found in one document."""

    statement: str
    status: DecisionStatus
    polarity: Polarity = "do"
    rationale: str | None = None
    alternatives: list[str] = field(default_factory=list)
    deciders: list[str] = field(default_factory=list)  # named deciders/approvers; [] = author
    decided_at: datetime | None = None  # None: the document's time
    deadline: date | None = None
    confidence: float = 0.5
    start: int = 0
    end: int = 0
    about: list[EntityMention] = field(default_factory=list)
    origin: Origin = "text"
    # Set on a reply that confirms the proposal it answers ("ok, let's do that"): the id of
    # the document holding the proposal; the decision's statement is the proposal's content.
    confirms_document: str | None = None
    # Set when the text says this reverses/replaces an earlier decision ("moving back to X",
    # "scrap the decision to ..."): the cue, for resolution to find what is superseded.
    supersedes_cue: str | None = None
    fact_id: str | None = None  # for structured decisions: the connector Fact id
    # For structured decisions: the transition (status/resolution/stage) it came from.
    from_state: str | None = None
    to_state: str | None = None


@dataclass(slots=True)
class IsaCandidate:
    """A Hearst-pattern IS_A candidate: ``hyponym`` is a ``hypernym``."""

    hyponym: str
    hypernym: str
    pattern: str  # "such as", "and other", "or other", "including", "is a", "e.g.", ...
    weight: float  # the pattern's published precision
    start: int = 0
    end: int = 0


@dataclass(slots=True)
class RelationCandidate:
    """A subject-verb-object relation between two named things."""

    subject: str
    predicate: str  # lemma of the verb, e.g. "use", "replace", "integrate"
    object: str
    start: int = 0
    end: int = 0
    confidence: float = 0.5


@dataclass(slots=True)
class DocumentExtraction:
    """Everything extraction found in one document."""

    document_id: str
    decisions: list[ExtractedDecision] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    isa: list[IsaCandidate] = field(default_factory=list)
    relations: list[RelationCandidate] = field(default_factory=list)
