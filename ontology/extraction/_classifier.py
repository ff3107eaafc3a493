"""The learned part: a small spaCy text classifier over sentences.

Six exclusive classes (ConDec's five plus "none"): decision, alternative, pro, con, issue, none.
Its input is the sentence's lower-cased words plus marker tokens from the rules (``features``):
the rules feed the classifier, so it learns how far to trust each of them, and the classifier's
scores feed the decision's confidence (see ``_decisions.judge``).

The model is spaCy's bag-of-words ``TextCatBOW.v3`` (unigrams + bigrams, hashed into 2**16
buckets): a sparse linear model, CPU-cheap (~800k words/s here) and ~2 MB on disk.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import fix_random_seed

from ontology.extraction._cues import SentenceCues
from ontology.extraction._lexicon import words
from ontology.extraction._types import ExtractionError

LABELS = ("decision", "alternative", "pro", "con", "issue", "none")
#: Bump when ``features`` changes: an artifact trained on other features is refused.
FEATURES_VERSION = 1
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "condec_textcat"

_MODALS = frozenset(
    words("could might may would should will must can shall 'll 'd need have ought")
)


def features(cues: SentenceCues) -> list[str]:
    """The classifier's tokens for one sentence: its words plus markers from the rules."""
    words = cues.words
    marks = ["__bias"]
    if words:
        marks.append("__first_" + words[0])
    if cues.imperative:
        marks.append("__imperative")
    if cues.imperative_negated:
        marks.append("__imperative_not")
    if cues.question:
        marks.append("__question")
    stripped = cues.text.rstrip()
    if stripped.endswith("!"):
        marks.append("__exclaim")
    for w in words[:4]:
        if w in _MODALS:
            marks.append("__early_modal_" + w)
    if cues.cue is not None:
        marks.append(f"__cue_{cues.cue.kind}")
        marks.append("__rule_" + cues.cue.name.replace(" ", "_").lower())
    if cues.rationale is not None:
        marks.append("__rationale")
    if cues.rationale_opener:
        marks.append("__rationale_opener")
    if cues.alternatives:
        marks.append("__alternatives")
    if cues.conditional:
        marks.append("__conditional")
    if cues.hypothetical:
        marks.append("__hypothetical")
    if cues.request:
        marks.append("__request")
    n = len(words)
    marks.append(
        "__len_" + ("1" if n <= 1 else "short" if n <= 4 else "mid" if n <= 15 else "long")
    )
    return marks + list(words)


class SentenceClassifier:
    """Scores sentences; wraps a saved spaCy pipeline holding one ``textcat`` component."""

    def __init__(self, nlp: Language) -> None:
        if "textcat" not in nlp.pipe_names:
            raise ExtractionError("the classifier pipeline has no 'textcat' component")
        self.nlp = nlp
        textcat = nlp.get_pipe("textcat")
        if not isinstance(textcat, TextCategorizer):
            raise ExtractionError("the classifier's 'textcat' is not a spaCy TextCategorizer")
        self.textcat = textcat
        labels = tuple(self.textcat.labels)
        if set(labels) != set(LABELS):
            raise ExtractionError(f"the classifier has labels {labels}, expected {LABELS}")
        self.labels: tuple[str, ...] = labels
        self._hashes: dict[str, int] = {}
        ngram_layers = [n for n in self.textcat.model.walk() if n.name == "extract_ngrams"]
        if len(ngram_layers) != 1 or ngram_layers[0].attrs.get("attr") not in (ORTH, LOWER):
            raise ExtractionError("the classifier is not a bag-of-words textcat over ORTH/LOWER")

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL_DIR) -> SentenceClassifier:
        """Load a trained classifier directory (``train.py`` writes one)."""
        path = Path(path)
        if not (path / "config.cfg").is_file():
            raise ExtractionError(f"no classifier at {path} (expected a spaCy pipeline directory)")
        try:
            nlp = spacy.load(path)
        except (OSError, ValueError) as exc:
            raise ExtractionError(f"cannot load the classifier at {path}: {exc}") from exc
        version = nlp.meta.get("siphon", {}).get("features_version")
        if version != FEATURES_VERSION:
            raise ExtractionError(
                f"the classifier at {path} was trained on features v{version}, this code makes "
                f"v{FEATURES_VERSION}: retrain it with `python -m ontology.extraction.train`"
            )
        return cls(nlp)

    def predict(self, feature_lists: Sequence[list[str]]) -> list[dict[str, float]]:
        """Class probabilities for each sentence, in one batched model call.

        The bag-of-words model reads nothing from a Doc but ``to_array([ORTH])``, so it gets
        light ``_HashedTokens`` instead: building real Docs cost more than the model itself.
        """
        if not feature_lists:
            return []
        cache = self._hashes
        strings = self.nlp.vocab.strings
        if len(cache) > 500_000:
            cache.clear()
        docs = []
        for feats in feature_lists:
            ids = []
            for f in feats:
                h = cache.get(f)
                if h is None:
                    h = cache[f] = strings[f]  # the hash; nothing is added
                ids.append(h)
            docs.append(_HashedTokens(numpy.array(ids, dtype="uint64")))
        scores = self.textcat.model.predict(docs)
        rows = numpy.asarray(scores).tolist()
        return [dict(zip(self.labels, (float(x) for x in row), strict=True)) for row in rows]

    def to_disk(self, path: str | Path, *, meta: dict[str, object] | None = None) -> None:
        """Save as a spaCy pipeline directory, with our feature version in its meta."""
        self.nlp.meta["siphon"] = {"features_version": FEATURES_VERSION, **(meta or {})}
        self.nlp.to_disk(Path(path))


class _HashedTokens:
    """What ``extract_ngrams`` needs of a Doc: the token ids (the model's attr is ORTH)."""

    __slots__ = ("ids",)

    def __init__(self, ids: numpy.ndarray[Any, Any]) -> None:
        self.ids = ids

    def to_array(self, attrs: object) -> numpy.ndarray[Any, Any]:
        return self.ids


def train_classifier(
    examples: Iterable[tuple[list[str], str]],
    *,
    seed: int = 0,
    epochs: int = 12,
    batch_size: int = 16,
    ngram_size: int = 2,
    buckets: int = 2**16,
) -> SentenceClassifier:
    """Train on (features, label) pairs; deterministic for a given seed and data order."""
    data = list(examples)
    unknown = {label for _, label in data} - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}; expected {LABELS}")
    if not data:
        raise ValueError("no training examples")
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "textcat",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": True,
                "ngram_size": ngram_size,
                "no_output_layer": False,
                "length": buckets,
            }
        },
    )
    assert isinstance(textcat, TextCategorizer)
    for label in LABELS:
        textcat.add_label(label)
    train = [
        Example.from_dict(
            Doc(nlp.vocab, words=feats),
            {"cats": {lab: float(lab == label) for lab in LABELS}},
        )
        for feats, label in data
    ]
    optimizer = nlp.initialize(lambda: train)
    rng = random.Random(seed)  # noqa: S311 - shuffling, not security
    for _ in range(epochs):
        rng.shuffle(train)
        for start in range(0, len(train), batch_size):
            batch = train[start : start + batch_size]
            nlp.update(batch, sgd=optimizer, drop=0.0)
    return SentenceClassifier(nlp)
