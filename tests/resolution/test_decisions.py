"""Decisions: one decision stated in several tools, precedents, supersession."""

from __future__ import annotations

from pathlib import Path

from connectors import Identity
from ontology import GraphStore
from ontology._ingest import Ingestor
from tests.ingest._fakes import FakeExtractor, decision, extraction, fact, record

JANE = Identity(id="slack:U1", name="Jane Doe")
OMAR = Identity(id="jira:omar", name="Omar Khan")
RITA = Identity(id="hubspot:o5", name="Rita Chen")


def test_a_decision_stated_in_three_tools_is_one_decision(tmp_path: Path) -> None:
    script = {
        "slack:100": extraction(
            "slack:100",
            decisions=[decision("We will use PostgreSQL for the billing service", "PostgreSQL")],
        ),
        "jira:BILL-7#c1": extraction(
            "jira:BILL-7#c1",
            decisions=[decision("Decision: use PostgreSQL for billing service", "Postgresql")],
        ),
        "hubspot:note-1": extraction(
            "hubspot:note-1",
            decisions=[
                decision("Told Acme we use PostgreSQL for the billing service", "PostgreSQL")
            ],
        ),
    }
    items = [
        record("slack:100", "...", author=JANE),
        record("jira:BILL-7#c1", "...", author=OMAR, minutes=90, kind="comment"),
        record("hubspot:note-1", "...", author=RITA, minutes=600, kind="note"),
    ]
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor(extractor=FakeExtractor(script)).ingest(store, items)
    decisions = store.execute("MATCH (x:Decision) RETURN x.id, x.statement, x.status, x.confidence")
    assert len(decisions) == 1, decisions
    decision_id, statement, status, confidence = decisions[0]
    assert statement == "We will use PostgreSQL for the billing service"  # the earliest source
    assert status == "decided"
    assert confidence > 0.9  # three sources, noisy-or
    stated = sorted(
        map(tuple, store.execute("MATCH (x:Decision)-[s:STATED_IN]->(d) RETURN d.id, s.role"))
    )
    assert stated == [
        ("hubspot:note-1", "stated"),
        ("jira:BILL-7#c1", "stated"),
        ("slack:100", "stated"),
    ]
    deciders = store.execute("MATCH (x:Decision)-[r:DECIDED_BY]->(p) RETURN count(DISTINCT p)")
    assert deciders == [[3]]
    about = store.execute("MATCH (:Decision)-[:ABOUT]->(e:Entity) RETURN e.id")
    assert about == [["entity:postgresql"]]
    assert decision_id.startswith("decision:")


def test_a_status_change_is_linked_to_what_people_said_not_merged(tmp_path: Path) -> None:
    script = {
        "slack:100": extraction(
            "slack:100",
            decisions=[decision("We will use PostgreSQL for the billing service", "PostgreSQL")],
        ),
    }
    items = [
        record("slack:100", "...", author=JANE),
        record(
            "hubspot:deal-1",
            "",
            kind="deal",
            minutes=600,
            title="use PostgreSQL for the billing service",
            facts=[fact("hubspot:deal-1:f1", "closedwon", actor=RITA, minutes=600)],
            properties={"about": ["PostgreSQL"]},
        ),
    ]
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor(extractor=FakeExtractor(script)).ingest(store, items)
    origins = sorted(r[0] for r in store.execute("MATCH (x:Decision) RETURN x.origin"))
    assert origins == ["structured", "text"]
    linked = store.execute(
        "MATCH (s:Decision {origin: 'structured'})-[p:PRECEDENT]->(t:Decision {origin: 'text'}) "
        "RETURN p.similarity"
    )
    assert len(linked) == 1
    assert linked[0][0] > 0.5


def test_different_decisions_about_the_same_thing_stay_apart(tmp_path: Path) -> None:
    script = {
        "slack:1": extraction(
            "slack:1", decisions=[decision("use Redis for the session cache", "Redis")]
        ),
        "slack:2": extraction(
            "slack:2",
            decisions=[decision("do not use Redis for queues", "Redis", polarity="do_not")],
        ),
        "slack:3": extraction(
            "slack:3", decisions=[decision("use Redis for the session cache", "Redis")]
        ),
    }
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor(extractor=FakeExtractor(script)).ingest(
        store,
        [
            record("slack:1", author=JANE),
            record("slack:2", author=JANE, minutes=10),
            record("slack:3", author=JANE, minutes=60 * 24 * 40),  # 40 days later: a new one
        ],
    )
    assert store.execute("MATCH (x:Decision) RETURN count(x)") == [[3]]


def test_precedent_and_supersession(tmp_path: Path) -> None:
    script = {
        "slack:1": extraction(
            "slack:1",
            decisions=[
                decision("move the events pipeline from RabbitMQ to Kafka", "Kafka", "RabbitMQ")
            ],
        ),
        "jira:2": extraction(
            "jira:2", decisions=[decision("use Kafka for the audit log stream", "Kafka")]
        ),
        "slack:3": extraction(
            "slack:3",
            decisions=[
                decision(
                    "go back to RabbitMQ for the events pipeline",
                    "RabbitMQ",
                    status="reversed",
                    supersedes_cue="we're moving back to",
                )
            ],
        ),
    }
    store = GraphStore(tmp_path / "g.kuzu")
    ingestor = Ingestor(extractor=FakeExtractor(script))
    ingestor.ingest(store, [record("slack:1", author=JANE)])
    ingestor.ingest(store, [record("jira:2", author=OMAR, minutes=60 * 24 * 30)])
    ingestor.ingest(store, [record("slack:3", author=JANE, minutes=60 * 24 * 60)])
    ids = {
        statement: decision_id
        for decision_id, statement in store.execute("MATCH (x:Decision) RETURN x.id, x.statement")
    }
    move = ids["move the events pipeline from RabbitMQ to Kafka"]
    audit = ids["use Kafka for the audit log stream"]
    back = ids["go back to RabbitMQ for the events pipeline"]
    precedents = store.execute(
        "MATCH (a:Decision)-[p:PRECEDENT]->(b:Decision) RETURN a.id, b.id, p.similarity"
    )
    assert [audit, move] in [r[:2] for r in precedents]
    assert all(0 < r[2] <= 1 for r in precedents)
    supersedes = store.execute(
        "MATCH (a:Decision)-[s:SUPERSEDES]->(b:Decision) RETURN a.id, b.id, s.reason"
    )
    assert supersedes == [[back, move, "we're moving back to"]]
    statuses = dict(store.execute("MATCH (x:Decision) RETURN x.id, x.status"))
    assert statuses[move] == "superseded"
    assert statuses[audit] == "decided"


def test_a_confirming_reply_joins_the_proposal_in_either_order(tmp_path: Path) -> None:
    proposal = decision("use Kafka for events", "Kafka", status="proposed")
    confirmed = decision("use Kafka for events", "Kafka", confirms_document="slack:10")
    script = {
        "slack:10": extraction("slack:10", decisions=[proposal]),
        "slack:11": extraction("slack:11", decisions=[confirmed]),
    }
    question = record("slack:10", "Should we use Kafka for events?", author=JANE)
    reply = record("slack:11", "yes, let's do that", author=OMAR, parent_id="slack:10", minutes=3)
    results = []
    for n, order in enumerate((([question], [reply]), ([reply], [question]))):
        store = GraphStore(tmp_path / f"g{n}.kuzu")
        ingestor = Ingestor(extractor=FakeExtractor(script))
        for batch in order:
            ingestor.ingest(store, batch)
        rows = store.execute("MATCH (x:Decision) RETURN x.id, x.status")
        roles = sorted(
            map(tuple, store.execute("MATCH (:Decision)-[s:STATED_IN]->(d) RETURN d.id, s.role"))
        )
        people = sorted(
            map(tuple, store.execute("MATCH (:Decision)-[r:DECIDED_BY]->(p) RETURN p.id, r.role"))
        )
        results.append((rows, roles, people))
        store.close()
    assert results[0] == results[1]
    rows, roles, people = results[0]
    assert len(rows) == 1
    assert rows[0][1] == "decided"
    assert roles == [("slack:10", "stated"), ("slack:11", "confirmed")]
    assert people == [("person:jira:omar", "approver"), ("person:slack:U1", "decider")]
