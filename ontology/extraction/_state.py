"""What the pipeline components leave on a Doc for the next ones (in ``doc.user_data``)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spacy.tokens import Doc

from ontology._model import (
    EntityMention,
    ExtractedDecision,
    IsaCandidate,
    RelationCandidate,
)
from ontology.extraction._cues import SentenceCues
from ontology.extraction._types import ParentContext

#: Where the state lives in ``doc.user_data`` (a plain dict: cheaper than a ``Doc._`` extension).
STATE_KEY = "siphon.extraction"


@dataclass(slots=True)
class Mention:
    """An entity mention with its token span (for the window rules)."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    text: str
    label: str
    source: str
    priority: int
    entity_id: str | None = None

    def public(self) -> EntityMention:
        return EntityMention(
            text=self.text,
            label=self.label,
            start=self.start,
            end=self.end,
            source=self.source,
            entity_id=self.entity_id,
        )


@dataclass(slots=True)
class SentenceInfo:
    """One sentence: its span, what the rules found, the classifier's scores, a parse."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    cues: SentenceCues
    scores: dict[str, float] | None = None
    parsed: Any = None  # a spaCy Doc of this sentence from the statistical pipeline
    label: str = "none"


@dataclass(slots=True)
class Confirmation:
    """A reply that confirms (or turns down) what its parent proposed."""

    positive: bool
    strength: float
    start: int
    end: int
    deciders: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DocState:
    text: str | None = None  # the doc's text, kept once: ``Doc.text`` rebuilds it per call
    document_id: str = ""
    author: str | None = None
    created_at: datetime | None = None
    parent: ParentContext | None = None
    sentences: list[SentenceInfo] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    candidates: list[ExtractedDecision] = field(default_factory=list)
    decisions: list[ExtractedDecision] = field(default_factory=list)
    isa: list[IsaCandidate] = field(default_factory=list)
    relations: list[RelationCandidate] = field(default_factory=list)
    confirmation: Confirmation | None = None
    token_starts: list[int] = field(default_factory=list)  # char offset of each token
    token_lengths: list[int] = field(default_factory=list)

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """The tokens covering chars ``start:end`` (like ``char_span(alignment_mode="expand")``)."""
        starts = self.token_starts
        first = max(0, bisect_right(starts, start) - 1)
        last = bisect_left(starts, end)
        return first, max(first + 1, last)


def state_of(doc: Doc) -> DocState:
    """The doc's state, created on first use."""
    st = doc.user_data.get(STATE_KEY)
    if st is None:
        st = DocState()
        doc.user_data[STATE_KEY] = st
    assert isinstance(st, DocState)
    return st


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per doc."""
    st = state_of(doc)
    if st.text is None:
        st.text = doc.text
    return st.text
