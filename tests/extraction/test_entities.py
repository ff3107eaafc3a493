"""Entity mentions (gazetteer, rules, lexicon, shapes), Hearst IS_A candidates, relations."""

from __future__ import annotations

import pytest

from ontology.extraction import Extractor, GazetteerEntry


def mentions(extractor: Extractor, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in extractor.extract(text).entities]


def test_rule_mentions(extractor: Extractor) -> None:
    text = (
        "cc @maria.k see PLAT-123 and https://wiki.example.com/x?y=1. in #eng-platform, "
        "mail ops@example.com, thanks <@U024BE7LH|bob> in <#C024BE7LR|general>"
    )
    found = mentions(extractor, text)
    assert ("@maria.k", "PERSON") in found
    assert ("PLAT-123", "ISSUE_KEY") in found
    assert ("https://wiki.example.com/x?y=1", "URL") in found  # trailing dot left out
    assert ("#eng-platform", "CHANNEL") in found
    assert ("ops@example.com", "EMAIL") in found
    assert ("bob", "PERSON") in found
    assert ("#general", "CHANNEL") in found


def test_offsets_point_into_the_text(extractor: Extractor) -> None:
    text = "We moved PLAT-9 to Kafka, ask @yuki."
    for m in extractor.extract(text).entities:
        assert text[m.start : m.end] == m.text or m.label in ("PERSON", "CHANNEL")


def test_not_mistaken_for_rules(extractor: Extractor) -> None:
    found = mentions(extractor, "We shipped #1 priority fix, UTF-8 handling and ISO-8601 dates.")
    assert not any(label in ("CHANNEL", "ISSUE_KEY") for _, label in found)


def test_technology_lexicon_case(extractor: Extractor) -> None:
    assert ("Kafka", "TECH") in mentions(
        extractor, "Streams go through kafka and then Postgres."
    ) or (
        "kafka",
        "TECH",
    ) in mentions(extractor, "Streams go through kafka and then Postgres.")
    # ordinary words are only names when capitalized
    assert ("Go", "TECH") in mentions(extractor, "The worker is written in Go.")
    assert mentions(extractor, "ok, go ahead") == []


def test_shape_heuristics(extractor: Extractor) -> None:
    found = mentions(extractor, "The new Payout Scheduler talks to GraphQL and S3, ask Maria.")
    assert ("Payout Scheduler", "NAME") in found
    assert ("GraphQL", "TECH") in found or ("GraphQL", "PRODUCT") in found
    assert ("S3", "TECH") in found
    assert ("Maria", "PERSON") in found


def test_sentence_initial_words_are_not_names(extractor: Extractor) -> None:
    assert mentions(extractor, "Reminder: lunch is at noon. Thanks all.") == []


def test_gazetteer_matches_names_and_aliases(fresh_extractor: Extractor) -> None:
    fresh_extractor.update_gazetteer(
        [
            GazetteerEntry("entity:ledger", "Ledger Service", "COMPONENT", ["ledger-svc"]),
            GazetteerEntry("entity:atlas", "Atlas", "PROJECT", []),
        ]
    )
    result = fresh_extractor.extract("The ledger service and LEDGER-SVC feed Atlas, not the atlas.")
    got = [(m.text, m.label, m.source, m.entity_id) for m in result.entities]
    assert ("ledger service", "COMPONENT", "gazetteer", "entity:ledger") in got
    assert ("LEDGER-SVC", "COMPONENT", "gazetteer", "entity:ledger") in got
    # a plain single word matches as written (and in capitals), not as an ordinary word
    assert ("Atlas", "PROJECT", "gazetteer", "entity:atlas") in got
    assert not any(text == "atlas" for text, *_ in got)


def test_gazetteer_refresh_in_place(fresh_extractor: Extractor) -> None:
    nlp_before = fresh_extractor.nlp
    fresh_extractor.update_gazetteer([GazetteerEntry("e:1", "Project Kestrel", "PROJECT", ["KRL"])])
    assert [m.entity_id for m in fresh_extractor.extract("KRL ships soon").entities] == ["e:1"]
    # the alias changes: the old one stops matching, the pipeline object stays the same
    fresh_extractor.update_gazetteer(
        [GazetteerEntry("e:1", "Project Kestrel", "PROJECT", ["Kestrel Two"])]
    )
    assert fresh_extractor.nlp is nlp_before
    assert [m.entity_id for m in fresh_extractor.extract("KRL ships soon").entities] == []
    found = fresh_extractor.extract("kestrel two ships soon").entities
    assert [(m.text, m.entity_id) for m in found] == [("kestrel two", "e:1")]


def test_gazetteer_beats_the_lexicon(fresh_extractor: Extractor) -> None:
    fresh_extractor.update_gazetteer([GazetteerEntry("e:kafka", "Kafka", "TECH", ["event bus"])])
    found = fresh_extractor.extract("Kafka is our event bus.").entities
    assert [(m.text, m.source, m.entity_id) for m in found] == [
        ("Kafka", "gazetteer", "e:kafka"),
        ("event bus", "gazetteer", "e:kafka"),
    ]


# -- Hearst patterns ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "hyponyms", "hypernym", "pattern", "weight"),
    [
        (
            "We looked at message brokers such as Kafka and RabbitMQ.",
            ["Kafka", "RabbitMQ"],
            "message broker",
            "such as",
            0.58,
        ),
        (
            "Kafka, RabbitMQ and other brokers were on the table.",
            ["Kafka", "RabbitMQ"],
            "broker",
            "and other",
            0.70,
        ),
        ("Postgres or other databases would do.", ["Postgres"], "database", "or other", 0.70),
        (
            "We run several datastores including Redis and Postgres.",
            ["Redis", "Postgres"],
            "datastore",
            "including",
            0.44,
        ),
        ("Kafka is a message broker.", ["Kafka"], "message broker", "is a", 0.44),
        ("Use a managed queue, e.g. SQS.", ["SQS"], "managed queue", "e.g.", 0.33),
        (
            "I benchmarked message brokers such as Kafka and NATS.",
            ["Kafka", "NATS"],
            "message broker",
            "such as",
            0.58,
        ),
        (
            "We should use managed databases such as RDS.",
            ["RDS"],
            "managed database",
            "such as",
            0.58,
        ),
        (
            "We need an observability tool like Datadog.",
            ["Datadog"],
            "observability tool",
            "like",
            0.25,
        ),
    ],
)
def test_hearst_patterns(
    extractor: Extractor,
    text: str,
    hyponyms: list[str],
    hypernym: str,
    pattern: str,
    weight: float,
) -> None:
    isa = extractor.extract(text).isa
    assert [(c.hyponym, c.hypernym, c.pattern, c.weight) for c in isa] == [
        (h, hypernym, pattern, weight) for h in hyponyms
    ]
    for c in isa:
        assert 0 <= c.start < c.end <= len(text)


def test_no_hearst_from_ordinary_uses(extractor: Extractor) -> None:
    for text in ("It looks like rain.", "This is a problem.", "I feel like we should wait."):
        assert extractor.extract(text).isa == []


# -- relations ----------------------------------------------------------------------------------
def test_svo_relation_token_window(extractor: Extractor) -> None:
    rel = extractor.extract("Kafka replaces RabbitMQ in the payments path.").relations
    assert [(r.subject, r.predicate, r.object) for r in rel] == [("Kafka", "replace", "RabbitMQ")]


def test_svo_relation_passive(extractor: Extractor) -> None:
    rel = extractor.extract("RabbitMQ is replaced by Kafka.").relations
    assert [(r.subject, r.predicate, r.object) for r in rel] == [("Kafka", "replace", "RabbitMQ")]


def test_no_relation_when_negated_or_far(extractor: Extractor) -> None:
    assert extractor.extract("Kafka does not replace RabbitMQ.").relations == []
    far = "Kafka is fine, but honestly the thing I worry about most is RabbitMQ."
    assert extractor.extract(far).relations == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Grafana Cloud now runs the Prometheus storage for us.", ["Grafana Cloud", "Prometheus"]),
        ("Move the keys into AWS Secrets Manager.", ["AWS Secrets Manager"]),
        ("We moved secrets to HashiCorp Vault last week.", ["HashiCorp Vault"]),
        ("Stripe Connect pays out, Stripe Radar blocks fraud.", ["Stripe Connect", "Stripe Radar"]),
        ("We tried Postgres Kafka", ["Postgres", "Kafka"]),  # two known names stay two
        ("Every tool requires Okta SSO now.", ["Okta", "SSO"]),  # an acronym is no name part
    ],
)
def test_multi_word_product_names(extractor: Extractor, text: str, names: list[str]) -> None:
    found = [e.text for e in extractor.extract(text).entities]
    assert found == names
