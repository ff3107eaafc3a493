"""The resolution evaluation scores a graph against an answer key as it should."""

from __future__ import annotations

from pathlib import Path

from benchmarks.resolution_eval import evaluate, pairwise
from connectors import Identity
from ontology import GraphStore
from ontology._ingest import Ingestor
from tests.ingest._fakes import FakeExtractor, account, decision, extraction, mention, record


def test_pairwise_counts_merges() -> None:
    truth = {"a": "1", "b": "1", "c": "2"}
    perfect = pairwise(truth, {"a": "x", "b": "x", "c": "y"})
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    over = pairwise(truth, {"a": "x", "b": "x", "c": "x"})
    assert over.precision == 1 / 3
    assert over.recall == 1.0
    under = pairwise(truth, {"a": "x", "b": None, "c": "y"})
    assert under.recall == 0.0


def test_evaluate_on_a_small_world(tmp_path: Path) -> None:
    names = ["Acme Corp", "ACME Inc.", "Globex", "Globex GmbH"]
    script = {
        "slack:1": extraction(
            "slack:1",
            entities=[mention(n) for n in names],
            decisions=[decision("use Kafka for events", "Kafka")],
        ),
        "jira:2": extraction("jira:2", decisions=[decision("use Kafka for events", "Kafka")]),
    }
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor(extractor=FakeExtractor(script)).ingest(
        store,
        [
            account("slack:U1", "Jane Doe"),
            account("jira:j1", "Jane Doe", "jane@acme.com"),
            account("hubspot:owners:7", "Jane Doe", "JANE@acme.com"),
            account("salesforce:005", "Jane Doe", "jane@globex.com"),  # another Jane
            record("slack:1", author=Identity(id="slack:U1")),
            record("jira:2", author=Identity(id="jira:j1"), minutes=30),
        ],
    )
    key = {
        "people": {
            "jane": {
                "slack": {"record_id": "slack:U1"},
                "jira": {"record_id": "jira:j1"},
                "hubspot": {"record_id": "hubspot:owners:7"},
            },
            "jane2": {"salesforce": {"record_id": "salesforce:005"}},
        },
        "entities": {"Acme Corp": ["ACME Inc."], "Globex": ["Globex GmbH"]},
        "decisions": {"d1": {"documents": ["slack:1", "jira:2"]}},
    }
    scores = evaluate(store, key)
    assert scores["entities"]["precision"] == 1.0
    assert scores["entities"]["recall"] == 1.0
    assert scores["decisions"]["recall"] == 1.0
    # the Slack Jane has no email and two Janes with emails exist: left alone (recall < 1)
    assert scores["people"]["precision"] == 1.0
    assert scores["people"]["true_merges"] == 3
