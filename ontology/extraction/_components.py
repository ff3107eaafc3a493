"""The spaCy components, registered by name with typed config (``@Language.factory``), so the
pipeline is assembled from config (see ``_pipeline.pipeline_config``).

    siphon_cues (sentences + rules) -> siphon_entities -> [siphon_statistical] -> siphon_classifier
                -> siphon_decisions -> siphon_hearst -> siphon_relations
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ontology.extraction._classifier import DEFAULT_MODEL_DIR, SentenceClassifier, features
from ontology.extraction._decisions import DecisionFinder, SentenceAnalyzer
from ontology.extraction._entities import PRIORITY, EntityFinder, resolve_overlaps
from ontology.extraction._lexicon import words
from ontology.extraction._relations import find_isa, find_relations
from ontology.extraction._state import Mention, SentenceInfo, state_of
from ontology.extraction._types import ExtractionError

#: NER labels kept as entity mentions (numbers, dates and amounts are not things).
NER_LABELS = frozenset(words("PERSON ORG PRODUCT GPE LOC FAC NORP EVENT WORK_OF_ART LAW LANGUAGE"))
_HEARST_WORDS = frozenset(("such", "including", "other", "e.g.", "like", "example"))


def _batches(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


@Language.factory(
    "siphon_entities",
    default_config={"lexicon": True, "shape_heuristics": True},
)
def make_entities(nlp: Language, name: str, lexicon: bool, shape_heuristics: bool) -> EntityFinder:
    """Gazetteer + rules + technology lexicon + shape heuristics."""
    return EntityFinder(nlp, name, lexicon=lexicon, shape_heuristics=shape_heuristics)


@Language.factory("siphon_cues", default_config={"max_sentence_chars": 1500})
def make_cues(nlp: Language, name: str, max_sentence_chars: int) -> SentenceAnalyzer:
    """The cheap decision rules, per sentence."""
    return SentenceAnalyzer(name, max_sentence_chars=max_sentence_chars)


class StatisticalAnalyzer:
    """The ``siphon_statistical`` component: runs an installed statistical pipeline (parser,
    tagger, NER) only on the sentences that need it — those the cheap rules flag, that hold two
    or more mentions (relations) or a Hearst cue — or on every sentence with ``scope="all"``.
    """

    def __init__(self, name: str, model: str, scope: str, batch_size: int) -> None:
        if scope not in ("flagged", "all"):
            raise ExtractionError(
                f"siphon_statistical: scope must be 'flagged' or 'all', not {scope!r}"
            )
        self.name = name
        self.scope = scope
        self.batch_size = batch_size
        self.model_name = model
        self.model = load_statistical(model)

    def needs(self, doc: Doc, info: SentenceInfo) -> bool:
        if self.scope == "all":
            return True
        if info.cues.flagged or info.cues.deciders:
            return True
        words = info.cues.words
        if any(w in _HEARST_WORDS for w in words):
            return True
        st = state_of(doc)
        inside = sum(1 for m in st.mentions if info.start <= m.start < info.end)
        return inside >= 2

    def __call__(self, doc: Doc) -> Doc:
        for _ in self.pipe([doc]):
            pass
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in _batches(stream, batch_size):
            todo: list[tuple[Doc, SentenceInfo]] = [
                (doc, info)
                for doc in batch
                for info in state_of(doc).sentences
                if info.cues.words and self.needs(doc, info)
            ]
            texts = [info.cues.text for _, info in todo]
            for (doc, info), parsed in zip(
                todo, self.model.pipe(texts, batch_size=self.batch_size), strict=True
            ):
                info.parsed = parsed
                info.cues.parse_imperative = _imperative(parsed)
                _add_ner(doc, info, parsed)
            for doc in batch:
                st = state_of(doc)
                st.mentions = resolve_overlaps(st.mentions)
            yield from batch


def load_statistical(model: str) -> Language:
    """Load an installed spaCy pipeline by package name or path, or say clearly why not."""
    if not spacy.util.is_package(model) and not Path(model).exists():
        raise ExtractionError(
            f"spaCy pipeline {model!r} is not installed (no package or directory of that name); "
            "install it with pip, or use the default --model blank"
        )
    try:
        nlp = spacy.load(model, exclude=["senter", "textcat", "textcat_multilabel"])
    except (OSError, ValueError, ImportError) as exc:
        raise ExtractionError(f"cannot load spaCy pipeline {model!r}: {exc}") from exc
    return nlp


def _imperative(parsed: Doc) -> bool | None:
    """With a parse: does the sentence's main verb stand first, in base form, with no subject?"""
    roots = [t for t in parsed if t.dep_ == "ROOT"]
    if not roots or not parsed.has_annotation("DEP"):
        return None
    root = roots[0]
    if root.pos_ not in ("VERB", "AUX") or root.tag_ not in ("VB", ""):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children):
        return False
    first = next((t for t in parsed if not (t.is_punct or t.is_space)), None)
    lead = {first.i} if first is not None else set()
    # "Do not use X", "Please use X": the root may follow a negation or "please"
    lead |= {t.i for t in parsed[:3] if t.lower_ in ("do", "not", "n't", "please", "never")}
    return root.i in lead or (
        first is not None and root.i == first.i + 1 and first.lower_ in ("so", "then", "also")
    )


def _add_ner(doc: Doc, info: SentenceInfo, parsed: Doc) -> None:
    st = state_of(doc)
    for ent in parsed.ents:
        if ent.label_ not in NER_LABELS:
            continue
        start, end = info.start + ent.start_char, info.start + ent.end_char
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        st.mentions.append(
            Mention(start, end, span.start, span.end, ent.text, ent.label_, "ner", PRIORITY["ner"])
        )


@Language.factory(
    "siphon_statistical",
    default_config={"model": "en_core_web_sm", "scope": "flagged", "batch_size": 64},
)
def make_statistical(
    nlp: Language, name: str, model: str, scope: str, batch_size: int
) -> StatisticalAnalyzer:
    """An installed statistical pipeline, run where the rules need it."""
    return StatisticalAnalyzer(name, model, scope, batch_size)


class SentenceScorer:
    """The ``siphon_classifier`` component: scores sentences with the trained classifier, in one
    batched model call per batch of documents."""

    def __init__(self, name: str, model_path: str, enabled: bool) -> None:
        self.name = name
        self.classifier: SentenceClassifier | None = None
        if enabled:
            self.classifier = SentenceClassifier.load(model_path or DEFAULT_MODEL_DIR)

    def __call__(self, doc: Doc) -> Doc:
        for _ in self.pipe([doc]):
            pass
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for batch in _batches(stream, batch_size):
            if self.classifier is not None:
                infos = [
                    info for doc in batch for info in state_of(doc).sentences if info.cues.words
                ]
                scores = self.classifier.predict([features(info.cues) for info in infos])
                for info, s in zip(infos, scores, strict=True):
                    info.scores = s
            yield from batch


@Language.factory("siphon_classifier", default_config={"model_path": "", "enabled": True})
def make_classifier(nlp: Language, name: str, model_path: str, enabled: bool) -> SentenceScorer:
    """The trained sentence classifier; ``model_path`` "" means the shipped ConDec model."""
    return SentenceScorer(name, model_path, enabled)


@Language.factory("siphon_decisions", default_config={"min_confidence": 0.5, "sprint_days": 14})
def make_decisions(
    nlp: Language, name: str, min_confidence: float, sprint_days: int
) -> DecisionFinder:
    """Decisions from the sentence verdicts and the context across sentences."""
    return DecisionFinder(name, min_confidence=min_confidence, sprint_days=sprint_days)


class HearstFinder:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        state_of(doc).isa = find_isa(doc)
        return doc


@Language.factory("siphon_hearst")
def make_hearst(nlp: Language, name: str) -> HearstFinder:
    """IS_A candidates from Hearst patterns."""
    return HearstFinder(name)


class RelationFinder:
    def __init__(self, name: str, window: int) -> None:
        self.name = name
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        state_of(doc).relations = find_relations(doc, window=self.window)
        return doc


@Language.factory("siphon_relations", default_config={"window": 4})
def make_relations(nlp: Language, name: str, window: int) -> RelationFinder:
    """Subject-verb-object relations between mentions (parse, else a token window)."""
    return RelationFinder(name, window)
