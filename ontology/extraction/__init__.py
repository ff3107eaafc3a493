"""Decision extraction with spaCy and no LLM.

``build_extractor()`` assembles a spaCy pipeline from config (``spacy.blank("en")`` + sentence
splitting by default, or an installed statistical pipeline whose parser and NER then run where
the cheap rules need them) out of components registered with ``@Language.factory``:

* ``siphon_cues`` — sentence splitting (punctuation and line breaks) and per-sentence rules:
  decision, proposal, rejection and reversal phrases, questions, hypotheticals, conditionals,
  reported speech, negated decisions, rationale, alternatives, named deciders;
* ``siphon_entities`` — gazetteer of known entities (refreshed in place), rules for @mentions,
  issue keys, URLs, channels, a technology/vendor lexicon and proper-name shapes;
* ``siphon_statistical`` — optional parser/tagger/NER on flagged sentences;
* ``siphon_classifier`` — a small trained text classifier (ConDec) scoring sentences;
* ``siphon_decisions`` — combines rules and classifier, adds context across sentences;
* ``siphon_hearst`` / ``siphon_relations`` — IS_A candidates and subject-verb-object relations.

``Extractor.structured_decisions`` turns connector facts (status/resolution/stage changes)
into decisions without NLP.
"""

from ontology.extraction._classifier import LABELS, SentenceClassifier, train_classifier
from ontology.extraction._parallel import ExtractorSpec, ParallelExtractor
from ontology.extraction._pipeline import Extractor, build_extractor, pipeline_config
from ontology.extraction._structured import classify_fact
from ontology.extraction._types import (
    ExtractionError,
    ExtractionInput,
    GazetteerEntry,
    ParentContext,
)

__all__ = [
    "LABELS",
    "ExtractionError",
    "ExtractionInput",
    "Extractor",
    "ExtractorSpec",
    "GazetteerEntry",
    "ParallelExtractor",
    "ParentContext",
    "SentenceClassifier",
    "build_extractor",
    "classify_fact",
    "pipeline_config",
    "train_classifier",
]
