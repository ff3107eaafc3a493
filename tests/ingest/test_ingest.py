"""The ingest orchestrator: idempotent re-delivery, edits, failures, privacy, the gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import Identity, Link
from ontology import GraphStore
from ontology._graph import GraphError
from ontology._ingest import Ingestor
from tests.ingest._fakes import (
    FakeExtractor,
    account,
    container,
    decision,
    dump,
    extraction,
    fact,
    isa,
    mention,
    record,
    ref,
    relation,
)

JANE = Identity(id="slack:U1", name="Jane Doe", handle="jane")
OMAR = Identity(id="jira:omar", name="Omar Khan")


def _script() -> dict:
    return {
        "slack:1": extraction(
            "slack:1",
            decisions=[decision("use PostgreSQL for billing", "PostgreSQL")],
            entities=[
                mention("PostgreSQL", "TECH"),
                mention("Acme Corp"),
                mention("Jane", "PERSON"),
            ],
            isa=[isa("PostgreSQL", "databases")],
        ),
        "jira:PAY-1": extraction(
            "jira:PAY-1",
            decisions=[decision("use PostgreSQL for billing", "PostgreSQL")],
            entities=[mention("postgresql", "TECH"), mention("ACME Inc.")],
            isa=[isa("MySQL", "databases")],
            relations=[relation("Acme Corp", "use", "PostgreSQL")],
        ),
    }


def _batch() -> list:
    return [
        account("slack:U1", "Jane Doe", None, "jane"),
        account("jira:omar", "Omar Khan", "omar@acme.com"),
        container("jira:PAY", "project", "Payments", components=["Billing API"]),
        container("slack:C1", "channel", "billing"),
        record("slack:1", "We'll use PostgreSQL", author=JANE, container=ref("slack:C1")),
        record(
            "jira:PAY-1",
            "Use PostgreSQL",
            author=OMAR,
            kind="issue",
            minutes=30,
            title="Billing DB",
            container=ref("jira:PAY", "project", "Payments"),
            properties={"components": [{"name": "Billing API"}], "issuetype": "Task"},
            links=[Link(id="hubspot:deal-9", kind="deal")],
        ),
        record("slack:2", "thread reply", author=JANE, parent_id="slack:1", minutes=2),
        record(
            "hubspot:deal-9",
            "",
            kind="deal",
            title="Acme renewal",
            minutes=40,
            source_type="hubspot",
            facts=[fact("hubspot:deal-9:f1", "closedwon", actor=OMAR, minutes=40)],
        ),
    ]


def test_the_same_batch_twice_leaves_the_graph_unchanged(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    ingestor = Ingestor(extractor=FakeExtractor(_script()))
    first = ingestor.ingest(store, _batch())
    assert first.documents == 4
    assert not first.errors
    before = dump(store)
    assert all(before[t] for t in ("Decision", "Entity", "Concept", "Evidence", "Person"))
    again = ingestor.ingest(store, _batch())
    assert again.unchanged == 4
    assert again.decisions == 0
    assert dump(store) == before
    # a restarted daemon (fresh in-memory state) re-delivering it changes nothing either
    Ingestor(extractor=FakeExtractor(_script())).ingest(store, _batch())
    assert dump(store) == before


def test_the_batch_maps_structure_people_and_links(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    Ingestor(extractor=FakeExtractor(_script())).ingest(store, _batch())
    placed = store.execute("MATCH (d:Document)-[:`IN`]->(c) RETURN d.id, c.id")
    assert sorted(map(tuple, placed)) == [
        ("jira:PAY-1", "jira:PAY"),
        ("slack:1", "slack:C1"),
    ]
    assert store.execute("MATCH (a)-[:REPLY_TO]->(b) RETURN a.id, b.id") == [["slack:2", "slack:1"]]
    assert store.execute("MATCH (a)-[l:LINKS_TO]->(b) RETURN b.id, l.kind") == [
        ["hubspot:deal-9", "deal"]
    ]
    # "Jane" in text is unambiguous here: one Jane
    assert store.execute("MATCH (d)-[r:MENTIONS_PERSON]->(p) RETURN d.id, p.id, r.account") == [
        ["slack:1", "person:slack:U1", None]
    ]
    instances = {
        (e, c): (s, conf)
        for e, c, s, conf in store.execute(
            "MATCH (e:Entity)-[r:INSTANCE_OF]->(c:Concept) "
            "RETURN e.id, c.id, r.support, r.confidence"
        )
    }
    assert instances[("entity:billing-api", "concept:component")][0] == 2  # container + issue
    assert ("entity:task", "concept:issuetype") in instances
    assert ("entity:payments", "concept:project") in instances
    assert ("entity:billing", "concept:channel") in instances or (
        ("entity:billing", "concept:channel") not in instances
        and any(c == "concept:channel" for _, c in instances)
    )
    assert ("entity:acme-renewal", "concept:deal") in instances
    related = store.execute("MATCH (a)-[r:RELATED]->(b) RETURN a.id, r.predicate, b.id, r.support")
    assert related == [["entity:acme", "use", "entity:postgresql", 1]]
    structured = store.execute(
        "MATCH (x:Decision)-[s:STATED_IN]->(d {id: 'hubspot:deal-9'}) RETURN x.origin, s.role"
    )
    assert structured == [["structured", "structured"]]


def test_an_edited_document_replaces_its_entities_decisions_and_evidence(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    script = _script()
    extractor = FakeExtractor(script)
    ingestor = Ingestor(extractor=extractor)
    ingestor.ingest(store, _batch())
    extractor.script["jira:PAY-1"] = extraction(
        "jira:PAY-1",
        decisions=[decision("use CockroachDB for billing", "CockroachDB")],
        entities=[mention("CockroachDB", "TECH")],
    )
    edited = record(
        "jira:PAY-1",
        "Use CockroachDB",
        author=OMAR,
        kind="issue",
        minutes=30,
        edited=90,
        title="Billing DB",
        container=ref("jira:PAY", "project", "Payments"),
    )
    report = ingestor.ingest(store, [edited])
    assert report.documents == 1
    mentions = store.execute("MATCH (d {id: 'jira:PAY-1'})-[m:MENTIONS]->(e) RETURN e.id, m.count")
    assert mentions == [["entity:cockroachdb", 1]]
    counts = dict(store.execute("MATCH (e:Entity) RETURN e.id, e.mentions"))
    assert counts["entity:postgresql"] == 1  # only slack:1 now
    assert counts["entity:acme"] == 1
    stated = sorted(
        map(tuple, store.execute("MATCH (x:Decision)-[:STATED_IN]->(d) RETURN x.statement, d.id"))
    )
    assert ("use CockroachDB for billing", "jira:PAY-1") in stated
    assert ("use PostgreSQL for billing", "jira:PAY-1") not in stated
    assert ("use PostgreSQL for billing", "slack:1") in stated
    evidence = store.execute("MATCH (e:Evidence {document_id: 'jira:PAY-1'}) RETURN e.subject")
    assert ["entity:mysql"] not in evidence  # its IS_A evidence went with the old text
    assert store.execute("MATCH ()-[r:RELATED]->() RETURN count(r)") == [[0]]
    # and the edited state is idempotent as well
    before = dump(store)
    ingestor.ingest(store, [edited])
    assert dump(store) == before


def test_a_deleted_record_drops_what_it_said(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    ingestor = Ingestor(extractor=FakeExtractor(_script()))
    ingestor.ingest(store, _batch())
    gone = record("slack:1", "", author=JANE, edited=100, deleted=True)
    ingestor.ingest(store, [gone])
    assert store.execute("MATCH (d {id: 'slack:1'}) RETURN d.deleted") == [[True]]
    assert store.execute("MATCH (d {id: 'slack:1'})-[:MENTIONS]->() RETURN count(*)") == [[0]]
    stated = store.execute("MATCH (:Decision)-[:STATED_IN]->(d) RETURN d.id")
    assert ["slack:1"] not in stated


def test_a_failed_write_resyncs_and_the_redelivery_gives_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = GraphStore(tmp_path / "ref.kuzu")
    Ingestor(extractor=FakeExtractor(_script())).ingest(reference, _batch())
    expected = dump(reference, skip=("OntologyChange", "SchemaVersion"))
    store = GraphStore(tmp_path / "g.kuzu")
    ingestor = Ingestor(extractor=FakeExtractor(_script()))
    real_write = store.write
    calls = {"n": 0}

    def failing_write(batch):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise GraphError("disk full")
        return real_write(batch)

    monkeypatch.setattr(store, "write", failing_write)
    with pytest.raises(GraphError):
        ingestor.ingest(store, _batch())
    assert store.counts()["Document"] == 0  # rolled back
    ingestor.ingest(store, _batch())  # the re-delivery
    assert dump(store, skip=("OntologyChange", "SchemaVersion")) == expected


def test_facts_only_keeps_facts_and_a_hash_not_text(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    ingestor = Ingestor(privacy={"slack": "facts_only"}, extractor=FakeExtractor(_script()))
    ingestor.ingest(store, _batch())
    (row,) = store.rows("MATCH (d {id: 'slack:1'}) RETURN d.text AS text, d.text_hash AS h")
    assert row["text"] == ""
    assert len(row["h"]) == 64
    stated = store.execute("MATCH (:Decision)-[:STATED_IN]->(d {id: 'slack:1'}) RETURN count(*)")
    assert stated == [[1]]


def test_known_entities_feed_the_gazetteer(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "g.kuzu")
    extractor = FakeExtractor(_script())
    Ingestor(extractor=extractor).ingest(store, _batch())
    entry = extractor.gazetteer["entity:acme"]
    assert entry.name == "Acme Corp"
    assert "ACME Inc." in entry.aliases
    # a restarted ingestor feeds everything the graph knows before its first batch
    fresh = FakeExtractor()
    Ingestor(extractor=fresh).ingest(store, [])
    assert set(fresh.gazetteer) == {r[0] for r in store.execute("MATCH (e:Entity) RETURN e.id")}


def test_one_bad_record_never_stops_the_rest(tmp_path: Path) -> None:
    class Exploding(FakeExtractor):
        def extract_many(self, inputs):  # type: ignore[no-untyped-def]
            items = list(inputs)
            if any(i.document_id == "slack:2" for i in items):
                raise ValueError("boom")
            yield from super().extract_many(items)

    store = GraphStore(tmp_path / "g.kuzu")
    report = Ingestor(extractor=Exploding(_script())).ingest(store, _batch())
    assert any(e.startswith("slack:2") for e in report.errors)
    assert report.documents == 4
    assert store.execute("MATCH (x:Decision) RETURN count(x)")[0][0] >= 1


def test_structured_decisions_get_the_comments_in_the_batch_and_in_the_graph(
    tmp_path: Path,
) -> None:
    # A transition's rationale may be in a comment written before it (already in the graph)
    # or in the same batch.
    fake = FakeExtractor()
    ingestor = Ingestor(extractor=fake)
    bob = Identity(id="jira:bob", name="Bob")
    early_text = "We stay on Redis Streams because the team cannot run Kafka."
    early = record("jira:c1", early_text, minutes=1, author=bob, kind="comment", parent_id="jira:1")
    with GraphStore(tmp_path / "g") as store:
        ingestor.ingest(store, [record("jira:1", "Queue?", kind="issue", title="Queue"), early])
        assert fake.comments == {}  # no facts, nothing asked
        late = record("jira:c2", "Closing.", minutes=5, kind="comment", parent_id="jira:1")
        issue = record(
            "jira:1",
            "Queue?",
            kind="issue",
            title="Queue",
            edited=6,
            facts=[fact("jira:1:f1", "Won't Do", bob, minutes=6)],
        )
        ingestor.ingest(store, [issue, late])
    assert fake.comments["jira:1"] == [
        ("jira:c1", "jira:bob", early.created_at, early_text),  # from the graph
        ("jira:c2", None, late.created_at, "Closing."),  # from the batch
    ]
