"""Assembling the pipeline from config, and the ``Extractor`` that runs it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Config

import ontology.extraction._components as _components  # registers the factories
from connectors import Record
from ontology._model import DocumentExtraction, ExtractedDecision
from ontology.extraction._classifier import DEFAULT_MODEL_DIR
from ontology.extraction._decisions import confirmation_decision
from ontology.extraction._entities import EntityFinder
from ontology.extraction._state import DocState, state_of
from ontology.extraction._structured import structured_decisions
from ontology.extraction._types import (
    ExtractionError,
    ExtractionInput,
    GazetteerEntry,
    ParentContext,
)

#: Strings the vocabulary keeps for good (a few MB): beyond them, each chunk's new strings are
#: freed when it is done.
WARM_STRINGS = 50_000

log = logging.getLogger("siphon.ontology.extraction")

assert _components  # imported for its factory registrations


def pipeline_config(
    model: str = "blank",
    *,
    min_confidence: float = 0.5,
    classifier: str | Path | None = "",
    statistical_scope: str = "flagged",
    sprint_days: int = 14,
) -> Config:
    """The spaCy config of the extraction pipeline.

    ``model`` "blank" gives ``spacy.blank("en")`` + sentencizer; any other value names an
    installed statistical pipeline (package or path) whose parser, tagger and NER then run on
    the sentences that need them (``statistical_scope`` "flagged") or on all ("all").
    ``classifier`` is a trained classifier directory ("" = the shipped ConDec model, None =
    rules only).
    """
    pipeline = ["siphon_cues", "siphon_entities"]
    components: dict[str, dict[str, Any]] = {
        "siphon_cues": {"factory": "siphon_cues", "max_sentence_chars": 1500},
        "siphon_entities": {
            "factory": "siphon_entities",
            "lexicon": True,
            "shape_heuristics": True,
        },
    }
    if model != "blank":
        pipeline.append("siphon_statistical")
        components["siphon_statistical"] = {
            "factory": "siphon_statistical",
            "model": model,
            "scope": statistical_scope,
            "batch_size": 64,
        }
    pipeline += ["siphon_classifier", "siphon_decisions", "siphon_hearst", "siphon_relations"]
    components["siphon_classifier"] = {
        "factory": "siphon_classifier",
        "model_path": "" if classifier is None else str(classifier),
        "enabled": classifier is not None,
    }
    components["siphon_decisions"] = {
        "factory": "siphon_decisions",
        "min_confidence": min_confidence,
        "sprint_days": sprint_days,
    }
    components["siphon_hearst"] = {"factory": "siphon_hearst"}
    components["siphon_relations"] = {"factory": "siphon_relations", "window": 4}
    return Config({"nlp": {"lang": "en", "pipeline": pipeline}, "components": components})


def build_extractor(
    model: str = "blank",
    *,
    min_confidence: float = 0.5,
    classifier: str | Path | None = "",
    statistical_scope: str = "flagged",
    sprint_days: int = 14,
) -> Extractor:
    """Build the extractor: "blank" (no statistical model, the default) or the name/path of an
    installed spaCy pipeline. See ``pipeline_config`` for the other options."""
    if not 0.0 <= min_confidence <= 1.0:
        raise ExtractionError(f"min_confidence must be within 0..1, not {min_confidence}")
    config = pipeline_config(
        model,
        min_confidence=min_confidence,
        classifier=classifier,
        statistical_scope=statistical_scope,
        sprint_days=sprint_days,
    )
    try:
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    except ExtractionError:
        raise
    except (OSError, ValueError) as exc:
        raise ExtractionError(f"cannot build the extraction pipeline: {exc}") from exc
    log.info(
        "extraction.pipeline_built model=%s classifier=%s pipes=%s",
        model,
        "off" if classifier is None else (classifier or DEFAULT_MODEL_DIR.name),
        ",".join(nlp.pipe_names),
    )
    return Extractor(nlp, min_confidence=min_confidence)


class Extractor:
    """Runs the pipeline over documents and returns ``DocumentExtraction``s."""

    def __init__(self, nlp: Language, *, min_confidence: float = 0.5) -> None:
        self.nlp = nlp
        self.min_confidence = min_confidence

    @property
    def statistical(self) -> bool:
        """True when a statistical pipeline (parser/NER) is part of the extractor."""
        return "siphon_statistical" in self.nlp.pipe_names

    def extract(
        self,
        text: str,
        *,
        document_id: str = "",
        author: str | None = None,
        created_at: datetime | None = None,
        parent: ParentContext | None = None,
    ) -> DocumentExtraction:
        """Extract from one document."""
        item = ExtractionInput(document_id, text, author, created_at, parent)
        return next(self.extract_many([item]))

    def extract_many(
        self, inputs: Iterable[ExtractionInput], *, batch_size: int = 256
    ) -> Iterator[DocumentExtraction]:
        """Extract from many documents with ``nlp.pipe``; same results as ``extract``, in input
        order. Parents are analysed only for replies that confirm something."""
        it = iter(inputs)
        while chunk := list(islice(it, batch_size)):
            # Strings spaCy interns for these documents (every new token of every message) are
            # freed when the zone ends: a long-running daemon would otherwise grow without end.
            # Until the vocabulary holds WARM_STRINGS, documents are read outside a zone: the
            # words of the first documents a process sees stay, and the tokenizer finds them
            # in its cache from then on (about 1.3x faster than tokenizing every chunk cold).
            # Results are plain Python built inside the zone; no Doc outlives it.
            warm = len(self.nlp.vocab.strings) < WARM_STRINGS
            with contextlib.nullcontext() if warm else self.nlp.memory_zone():
                docs = [self._doc(item) for item in chunk]
                done = list(self.nlp.pipe(docs, batch_size=batch_size))
                self._confirmations(chunk, done, batch_size)
                results = [
                    _result(item.document_id, state_of(doc))
                    for item, doc in zip(chunk, done, strict=True)
                ]
            yield from results

    def _doc(self, item: ExtractionInput) -> Doc:
        doc = self.nlp.make_doc(item.text or "")
        st = state_of(doc)
        st.text = item.text or ""
        st.document_id = item.document_id
        st.author = item.author
        st.created_at = item.created_at
        st.parent = item.parent
        return doc

    def _confirmations(
        self, chunk: list[ExtractionInput], docs: list[Doc], batch_size: int
    ) -> None:
        needing = [
            (item, doc)
            for item, doc in zip(chunk, docs, strict=True)
            if item.parent is not None and state_of(doc).confirmation is not None
        ]
        if not needing:
            return
        parents = [
            self._doc(ExtractionInput(i.parent.document_id, i.parent.text, i.parent.author))
            for i, _ in needing
            if i.parent is not None
        ]
        for (item, doc), parent_doc in zip(
            needing, self.nlp.pipe(parents, batch_size=batch_size), strict=True
        ):
            assert item.parent is not None
            st = state_of(doc)
            decision = confirmation_decision(
                st, state_of(parent_doc), item.parent.document_id, self.min_confidence
            )
            if decision is not None:
                st.decisions.insert(0, decision)

    def structured_decisions(
        self, record: Record, *, comments: Iterable[Record] = ()
    ) -> list[ExtractedDecision]:
        """Decisions from the record's facts (origin="structured"); see ``_structured`` for
        the rule. ``comments``: the record's comments, for a rationale given in the last one."""
        return structured_decisions(record, comments=comments, comment_rationale=self.rationale_in)

    def rationale_in(self, text: str) -> str | None:
        """The reason a short text gives, if any: an explicit rationale clause ("because ...",
        "so that ...", ...), else the whole text when it states a decision itself ("Decision:
        Postgres; MongoDB was the other option, but postings need transactions"). A comment
        that only reads as an argument to the classifier ("Blocked on the release", "Picked
        this up") is not taken as the reason: its precision is too low for a decision record."""
        doc = next(self.nlp.pipe([self._doc(ExtractionInput("", text))]))
        st = state_of(doc)
        for decision in st.candidates:
            if decision.rationale:
                return decision.rationale
        for info in st.sentences:
            if info.cues.rationale is not None:
                start, end = info.cues.rationale
                return info.cues.text[start:end].strip() or None
        if any(
            c.status == "decided" and c.confidence >= self.min_confidence for c in st.candidates
        ):
            return text.strip()[:1000] or None
        return None

    def update_gazetteer(self, entries: Iterable[GazetteerEntry]) -> None:
        """Add or replace known entities and their aliases (by entity id), in place."""
        finder = self.nlp.get_pipe("siphon_entities")
        assert isinstance(finder, EntityFinder)
        changed = finder.update_gazetteer(entries)
        log.debug("extraction.gazetteer_updated changed=%d size=%d", changed, finder.gazetteer_size)

    def label_sentences(self, texts: Iterable[str], *, batch_size: int = 256) -> Iterator[str]:
        """The verdict on each text taken as one sentence: decision, alternative, pro, con,
        issue or none — the same rules and classifier as ``extract`` (used by the benchmark)."""

        def one_sentence(text: str) -> Doc:
            doc = self.nlp.make_doc(text)
            for i, tok in enumerate(doc):
                tok.is_sent_start = i == 0
            return doc

        for doc in self.nlp.pipe((one_sentence(t) for t in texts), batch_size=batch_size):
            sentences = state_of(doc).sentences
            yield sentences[0].label if sentences else "none"


def _result(document_id: str, st: DocState) -> DocumentExtraction:
    return DocumentExtraction(
        document_id=document_id,
        decisions=list(st.decisions),
        entities=[m.public() for m in st.mentions],
        isa=list(st.isa),
        relations=list(st.relations),
    )
