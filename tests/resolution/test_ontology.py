"""The learned ontology: evidence, support, confidence, versions, export."""

from __future__ import annotations

import json
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS
from typer.testing import CliRunner

from daemon.cli import app
from ontology import GraphStore, graph_path
from ontology._export import NAMESPACE, read_ontology, to_json, to_turtle
from ontology._ingest import Ingestor
from ontology.learning import concept_for
from tests.ingest._fakes import FakeExtractor, extraction, isa, mention, record


def _instance(store: GraphStore, entity: str, concept: str) -> tuple[int, float] | None:
    rows = store.execute(
        "MATCH (e:Entity {id: $e})-[r:INSTANCE_OF]->(c:Concept {id: $c}) "
        "RETURN r.support, r.confidence",
        {"e": entity, "c": concept},
    )
    return (rows[0][0], rows[0][1]) if rows else None


def test_concept_names_from_hypernyms() -> None:
    assert concept_for("other databases") == ("concept:database", "Database")
    assert concept_for("companies") == ("concept:organization", "Organization")
    assert concept_for("message queues") == ("concept:message-queue", "Message Queue")
    assert concept_for("!!") is None


def test_isa_from_text_and_confidence_rising_with_a_second_document(tmp_path: Path) -> None:
    script = {
        "slack:1": extraction("slack:1", isa=[isa("Kafka", "technologies", 0.6)]),
        "jira:2": extraction("jira:2", isa=[isa("Kafka", "tools", 0.5)]),
    }
    store = GraphStore(tmp_path / "g.kuzu")
    ingestor = Ingestor(extractor=FakeExtractor(script))
    ingestor.ingest(store, [record("slack:1", "technologies such as Kafka")])
    first = _instance(store, "entity:kafka", "concept:technology")
    assert first == (1, 0.6)
    ingestor.ingest(store, [record("jira:2", "tools such as Kafka", minutes=5)])
    second = _instance(store, "entity:kafka", "concept:technology")
    assert second is not None
    assert second[0] == 2
    assert second[1] == 0.8  # noisy-or: 1 - (1 - 0.6)(1 - 0.5)
    # the same document again adds nothing: support counts documents, not sentences
    ingestor.ingest(store, [record("jira:2", "tools such as Kafka", minutes=5)])
    assert _instance(store, "entity:kafka", "concept:technology") == second


def test_a_learned_concept_needs_two_documents_and_is_versioned(tmp_path: Path) -> None:
    script = {
        "slack:1": extraction(
            "slack:1", isa=[isa("PostgreSQL", "databases"), isa("document stores", "databases")]
        ),
        "slack:2": extraction("slack:2", isa=[isa("MySQL", "databases", 0.7)]),
    }
    store = GraphStore(tmp_path / "g.kuzu")
    ingestor = Ingestor(extractor=FakeExtractor(script), clock=lambda: _at(1))
    ingestor.ingest(store, [record("slack:1", "databases such as PostgreSQL")])
    assert store.execute("MATCH (c:Concept {id: 'concept:database'}) RETURN c.id") == []
    ingestor.clock = lambda: _at(2)
    ingestor.ingest(store, [record("slack:2", "databases such as MySQL", minutes=1)])
    (row,) = store.rows(
        "MATCH (c:Concept {id: 'concept:database'}) RETURN c.name AS name, c.support AS s, "
        "c.confidence AS conf, c.learned AS learned, c.version AS v"
    )
    assert row["name"] == "Database"
    assert row["s"] == 2
    assert row["learned"] is True
    assert 0.5 < row["conf"] < 1
    assert _instance(store, "entity:postgresql", "concept:database") == (1, 0.6)
    assert _instance(store, "entity:mysql", "concept:database") == (1, 0.7)
    subclass = store.execute(
        "MATCH (a:Concept)-[r:SUBCLASS_OF]->(b:Concept {id: 'concept:database'}) "
        "RETURN a.id, r.support"
    )
    assert subclass == []  # "document store" has one document: not a concept yet
    changes = store.execute(
        "MATCH (c:OntologyChange) WHERE c.version = $v RETURN c.change, c.subject, c.at",
        {"v": row["v"]},
    )
    kinds = {(c, s) for c, s, _ in changes}
    assert ("concept_added", "concept:database") in kinds
    assert ("link_added", "entity:mysql INSTANCE_OF concept:database") in kinds
    assert {at for _, _, at in changes} == {_at(2).replace(tzinfo=None)}
    versions = [r[0] for r in store.execute("MATCH (c:OntologyChange) RETURN DISTINCT c.version")]
    assert sorted(versions) == [1, 2]


def test_an_edit_withdraws_its_evidence(tmp_path: Path) -> None:
    script = {
        "slack:1": extraction("slack:1", isa=[isa("Redis", "databases")]),
        "slack:2": extraction("slack:2", isa=[isa("Postgres", "databases")]),
    }
    store = GraphStore(tmp_path / "g.kuzu")
    extractor = FakeExtractor(script)
    ingestor = Ingestor(extractor=extractor)
    ingestor.ingest(store, [record("slack:1"), record("slack:2", minutes=1)])
    assert store.execute("MATCH (c:Concept {id: 'concept:database'}) RETURN c.support") == [[2]]
    extractor.script["slack:2"] = extraction("slack:2")
    ingestor.ingest(store, [record("slack:2", "edited", minutes=1, edited=9)])
    assert store.execute("MATCH (c:Concept {id: 'concept:database'}) RETURN c.id") == []
    assert store.execute("MATCH (e:Evidence {document_id: 'slack:2'}) RETURN count(e)") == [[0]]
    removed = store.execute("MATCH (c:OntologyChange {change: 'concept_removed'}) RETURN c.subject")
    assert removed == [["concept:database"]]


def _at(day: int):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime(2025, 4, day, 12, 0)


def _graph(state_dir: Path) -> None:
    script = {
        "slack:1": extraction(
            "slack:1",
            isa=[isa("PostgreSQL", "databases"), isa("Kafka", "technologies")],
            entities=[mention('Acme "Quoted" Corp')],
        ),
        "slack:2": extraction("slack:2", isa=[isa("MySQL", "databases")]),
    }
    with GraphStore(graph_path(state_dir)) as store:
        Ingestor(extractor=FakeExtractor(script)).ingest(
            store, [record("slack:1"), record("slack:2", minutes=1)]
        )


def test_turtle_export_parses_with_rdflib(tmp_path: Path) -> None:
    _graph(tmp_path)
    with GraphStore(graph_path(tmp_path), read_only=True) as store:
        snapshot = read_ontology(store)
    text = to_turtle(snapshot)
    graph = rdflib.Graph()
    graph.parse(data=text, format="turtle")
    ns = rdflib.Namespace(NAMESPACE)
    database = rdflib.URIRef(NAMESPACE + "concept/database")
    technology = rdflib.URIRef(NAMESPACE + "concept/technology")
    postgres = rdflib.URIRef(NAMESPACE + "entity/postgresql")
    assert (database, RDF.type, OWL.Class) in graph
    assert (database, RDFS.label, rdflib.Literal("Database")) in graph
    assert (postgres, RDF.type, database) in graph
    assert (technology, RDFS.subClassOf, rdflib.URIRef(NAMESPACE + "concept/thing")) in graph
    support = graph.value(database, ns.support)
    assert support is not None
    assert int(support) == 2
    axioms = list(graph.subjects(OWL.annotatedSource, postgres))
    assert axioms
    assert any(float(graph.value(a, ns.confidence)) == 0.6 for a in axioms)
    as_json = to_json(snapshot)
    assert {c["id"] for c in as_json["concepts"]} >= {"concept:database", "concept:technology"}


def test_cli_show_and_export(tmp_path: Path) -> None:
    _graph(tmp_path)
    runner = CliRunner()
    shown = runner.invoke(app, ["ontology", "show", "--state-dir", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert "Database" in shown.output
    assert "PostgreSQL" in shown.output
    filtered = runner.invoke(
        app, ["ontology", "show", "--min-support", "3", "--state-dir", str(tmp_path)]
    )
    assert filtered.exit_code == 0
    assert "Database" not in filtered.output  # learned, support 2
    out = tmp_path / "onto.ttl"
    exported = runner.invoke(
        app,
        [
            "ontology",
            "export",
            "--format",
            "turtle",
            "--output",
            str(out),
            "--state-dir",
            str(tmp_path),
        ],
    )
    assert exported.exit_code == 0, exported.output
    rdflib.Graph().parse(out, format="turtle")
    as_json = runner.invoke(
        app, ["ontology", "export", "--format", "json", "--state-dir", str(tmp_path)]
    )
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["version"] >= 1


def test_cli_without_a_graph_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ontology", "show", "--state-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no graph" in result.output
