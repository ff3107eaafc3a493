"""The graph store: schema, migrations, idempotent bulk writes, read-only queries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ontology import (
    NODES,
    RELS,
    SCHEMA_VERSION,
    GraphBatch,
    GraphNotFoundError,
    GraphStore,
    QueryRefusedError,
    QueryTimeoutError,
    SchemaVersionError,
)
from ontology._graph import check_read_only_cypher, quote_keyword_rels


@pytest.fixture
def store(tmp_path: Path) -> GraphStore:
    s = GraphStore(tmp_path / "g.kuzu")
    yield s  # type: ignore[misc]
    s.close()


def snapshot(store: GraphStore) -> dict[str, Any]:
    """Every node and edge with its properties, order-independent."""
    out: dict[str, Any] = {}
    for name, table in NODES.items():
        if name == "SchemaVersion":
            continue
        rows = store.rows(f"MATCH (n:`{name}`) RETURN n")
        out[name] = sorted(
            (repr(sorted((k, v) for k, v in r["n"].items() if not k.startswith("_")))) for r in rows
        )
        assert table.primary_key
    for name, rel in RELS.items():
        src, dst = NODES[rel.source].primary_key, NODES[rel.target].primary_key
        rows = store.rows(f"MATCH (a)-[r:`{name}`]->(b) RETURN a.{src} AS a, b.{dst} AS b, r AS r")
        out[name] = sorted(
            repr(
                (r["a"], r["b"], sorted((k, v) for k, v in r["r"].items() if not k.startswith("_")))
            )
            for r in rows
        )
    return out


def sample_batch(text: str = "We'll use Postgres.") -> GraphBatch:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    b = GraphBatch()
    b.node("Source", name="slack", type="slack", status="ok", last_sync_at=now)
    b.node("Container", id="slack:C1", source="slack", kind="channel", name="eng")
    for i in range(3):
        b.node(
            "Document",
            id=f"slack:C1:{i}",
            source="slack",
            kind="message",
            text=f"{text} #{i}",
            created_at=now,
            updated_at=now,
            deleted=False,
        )
        b.replace_out("IN", f"slack:C1:{i}")
        b.edge("IN", f"slack:C1:{i}", "slack:C1")
    b.node("Person", id="person:jane@x.io", name="Jane", emails=["jane@x.io"], handles=["jd"])
    b.edge("AUTHORED", "person:jane@x.io", "slack:C1:0")
    b.node("Entity", id="e:postgres", name="PostgreSQL", aliases=["Postgres"], mentions=3)
    b.node("Entity", id="e:mongo", name="MongoDB", aliases=[], mentions=1)
    b.edge("MENTIONS", "slack:C1:0", "e:postgres", count=1)
    b.edge("RELATED", "e:postgres", "e:mongo", predicate="replaces", support=1, confidence=0.5)
    b.edge("RELATED", "e:postgres", "e:mongo", predicate="competes", support=2, confidence=0.7)
    b.node(
        "Decision",
        id="d1",
        statement="Use Postgres",
        status="decided",
        alternatives=["MongoDB"],
        decided_at=now,
        confidence=0.9,
        origin="text",
        deadline=datetime(2026, 3, 5, tzinfo=UTC),
    )
    b.edge("STATED_IN", "d1", "slack:C1:0", role="stated", span_start=0, span_end=10)
    return b


def test_schema_created_once_and_second_migrate_is_a_noop(tmp_path: Path) -> None:
    path = tmp_path / "g.kuzu"
    with GraphStore(path) as first:
        assert first.schema_version() == SCHEMA_VERSION
        before = snapshot(first)
        assert first.migrate() == []  # already current
        assert first.execute("MATCH (v:SchemaVersion) RETURN count(v)")[0][0] == SCHEMA_VERSION
    with GraphStore(path) as second:  # reopening applies nothing
        assert second.migrate() == []
        assert snapshot(second) == before
        tables = {r[0] for r in second.execute("CALL show_tables() RETURN name")}
    assert set(NODES) | set(RELS) <= tables


def test_same_batch_twice_leaves_graph_unchanged(store: GraphStore) -> None:
    store.write(sample_batch())
    once = snapshot(store)
    store.write(sample_batch())
    assert snapshot(store) == once
    counts = store.counts()
    assert counts["Document"] == 3
    assert counts["IN"] == 3
    assert counts["RELATED"] == 2  # keyed on predicate: two distinct relations
    assert counts["MENTIONS"] == 1


def test_edited_document_replaces_text_and_edges(store: GraphStore) -> None:
    store.write(sample_batch())
    edit = GraphBatch()
    edit.node("Document", id="slack:C1:0", text="We'll use MongoDB after all.")
    edit.node("Container", id="slack:C2", source="slack", kind="channel", name="db")
    edit.replace_out("IN", "slack:C1:0")
    edit.replace_out("MENTIONS", "slack:C1:0")
    edit.edge("IN", "slack:C1:0", "slack:C2")
    edit.edge("MENTIONS", "slack:C1:0", "e:mongo", count=1)
    store.write(edit)
    rows = store.rows(
        "MATCH (d:Document {id: 'slack:C1:0'})-[:`IN`]->(c) RETURN d.text AS t, c.id AS c, "
        "d.created_at AS created"
    )
    assert rows == [
        {"t": "We'll use MongoDB after all.", "c": "slack:C2", "created": datetime(2026, 3, 1, 12)}
    ]
    mentioned = store.execute("MATCH (:Document {id: 'slack:C1:0'})-[:MENTIONS]->(e) RETURN e.id")
    assert mentioned == [["e:mongo"]]


def test_placeholder_rows_never_blank_existing_properties(store: GraphStore) -> None:
    store.write(sample_batch())
    later = GraphBatch()
    later.node("Document", id="slack:C1:9", text="reply", source="slack")
    later.node("Document", id="slack:C1:0")  # a parent referenced by id only
    later.edge("REPLY_TO", "slack:C1:9", "slack:C1:0")
    store.write(later)
    assert store.execute("MATCH (d:Document {id: 'slack:C1:0'}) RETURN d.text") == [
        ["We'll use Postgres. #0"]
    ]


def test_failed_batch_rolls_back_entirely(store: GraphStore) -> None:
    bad = sample_batch()
    bad.node("Entity", id="e:broken", mentions="lots")  # written after the documents
    with pytest.raises(Exception, match="lots"):
        store.write(bad)
    counts = store.counts()
    assert counts["Document"] == 0
    assert counts["IN"] == 0


def test_edge_to_an_unwritten_node_creates_a_placeholder(store: GraphStore) -> None:
    batch = GraphBatch()
    batch.node("Document", id="d:reply", text="+1", source="slack")
    batch.edge("REPLY_TO", "d:reply", "d:parent-not-synced-yet")
    store.write(batch)
    assert store.execute("MATCH (d:Document {id: 'd:parent-not-synced-yet'}) RETURN d.text") == [
        [None]
    ]
    parent = GraphBatch()
    parent.node("Document", id="d:parent-not-synced-yet", text="Shall we use Kafka?")
    store.write(parent)
    assert store.execute("MATCH (:Document {id: 'd:reply'})-[:REPLY_TO]->(p) RETURN p.text") == [
        ["Shall we use Kafka?"]
    ]


def test_delete_nodes_with_their_edges(store: GraphStore) -> None:
    store.write(sample_batch())
    gone = GraphBatch()
    gone.remove("Document", "slack:C1:0")
    store.write(gone)
    counts = store.counts()
    assert counts["Document"] == 2
    assert counts["AUTHORED"] == 0
    assert counts["STATED_IN"] == 0


def test_query_is_read_only(store: GraphStore) -> None:
    store.write(sample_batch())
    with pytest.raises(QueryRefusedError, match="read-only"):
        store.query("MATCH (d:Decision) SET d.statement = 'forged'")
    with pytest.raises(QueryRefusedError, match="read-only"):
        store.query("CREATE (:Entity {id: 'x'})")
    assert store.execute("MATCH (d:Decision) RETURN d.statement") == [["Use Postgres"]]
    assert store.counts()["Entity"] == 2


@pytest.mark.parametrize(
    "cypher",
    [
        "COPY Document FROM '/tmp/x.csv'",
        "LOAD FROM '/etc/passwd' RETURN *",
        "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
        "COMMIT",
        "ATTACH '/tmp/other.kuzu' AS o",
        "MATCH (d) RETURN d // ok\n; CREATE (:Entity {id: 'x'})",
    ],
)
def test_query_refuses_escapes_from_read_only(cypher: str) -> None:
    with pytest.raises(QueryRefusedError):
        check_read_only_cypher(cypher)


def test_keywords_inside_strings_are_fine() -> None:
    assert check_read_only_cypher(
        "MATCH (d:Decision) WHERE d.statement CONTAINS 'copy; load' RETURN d"
    )


def test_bare_in_is_quoted() -> None:
    assert quote_keyword_rels("MATCH (d)-[:IN]->(c)") == "MATCH (d)-[:`IN`]->(c)"
    assert quote_keyword_rels("MATCH (d)-[r:IN]->(c)") == "MATCH (d)-[r:`IN`]->(c)"
    assert quote_keyword_rels("MATCH (d)-[:REPLY_TO|IN*1..2]->(c)") == (
        "MATCH (d)-[:REPLY_TO|`IN`*1..2]->(c)"
    )
    assert quote_keyword_rels("WHERE x IN [1]") == "WHERE x IN [1]"


def test_query_row_limit_and_params(store: GraphStore) -> None:
    store.write(sample_batch())
    result = store.query("MATCH (d:Document) RETURN d.id ORDER BY d.id", max_rows=2)
    assert result.columns == ["d.id"]
    assert result.rows == [["slack:C1:0"], ["slack:C1:1"]]
    assert result.truncated
    found = store.query(
        "MATCH (d:Document)-[:IN]->(c:Container {name: $name}) RETURN count(d)", {"name": "eng"}
    )
    assert found.rows == [[3]]
    assert not found.truncated


def test_query_time_limit(store: GraphStore) -> None:
    with pytest.raises(QueryTimeoutError, match="time limit"):
        store.query(
            "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b WITH a, b "
            "WHERE (a * b) % 7 = 3 RETURN count(*)",
            timeout_s=0.05,
        )


def test_read_only_open(tmp_path: Path) -> None:
    path = tmp_path / "g.kuzu"
    with pytest.raises(GraphNotFoundError, match="siphon sync"):
        GraphStore(path, read_only=True)
    with GraphStore(path) as rw:
        rw.write(sample_batch())
    with GraphStore(path, read_only=True) as ro:
        assert ro.query("MATCH (d:Document) RETURN count(d)").rows == [[3]]
        with pytest.raises(QueryRefusedError):
            ro.query("MATCH (d:Document) DELETE d")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.kuzu"
    with GraphStore(path) as rw:
        rw.execute(
            "CREATE (:SchemaVersion {version: $v, description: 'from the future'})",
            {"v": SCHEMA_VERSION + 1},
        )
    with pytest.raises(SchemaVersionError, match="upgrade siphon"):
        GraphStore(path, read_only=True)


def test_edges_to_nodes_first_seen_in_the_same_batch_bind_correctly(store: GraphStore) -> None:
    # kuzu 0.11.3 binds a later row of one LOAD FROM ... MERGE statement to the wrong node when
    # an earlier row created that node; the write path must never let that happen.
    batch = GraphBatch()
    for entity, concept in (("a", "org"), ("k", "tech"), ("m", "db"), ("p", "db")):
        batch.node("Entity", id=f"entity:{entity}", name=entity)
        batch.edge("INSTANCE_OF", f"entity:{entity}", f"concept:{concept}", support=1)
    for doc, channel in (("d1", "c1"), ("d2", "c2"), ("d3", "c1")):
        batch.node("Document", id=doc, text=doc)
        batch.edge("IN", doc, channel)  # one per document: written with the document
        batch.edge("MENTIONS", doc, "entity:new", count=1)  # a target no row writes
        batch.edge("MENTIONS", doc, "entity:newer", count=2)
    store.write(batch)
    instance_of = sorted(
        map(tuple, store.execute("MATCH (e:Entity)-[:INSTANCE_OF]->(c) RETURN e.id, c.id"))
    )
    assert instance_of == [
        ("entity:a", "concept:org"),
        ("entity:k", "concept:tech"),
        ("entity:m", "concept:db"),
        ("entity:p", "concept:db"),
    ]
    contained = sorted(map(tuple, store.execute("MATCH (d)-[:`IN`]->(c) RETURN d.id, c.id")))
    assert contained == [("d1", "c1"), ("d2", "c2"), ("d3", "c1")]
    mentioned = sorted(
        map(tuple, store.execute("MATCH (d)-[m:MENTIONS]->(e) RETURN d.id, e.id, m.count"))
    )
    assert mentioned == [
        (d, e, n) for d in ("d1", "d2", "d3") for e, n in (("entity:new", 1), ("entity:newer", 2))
    ]
    assert store.counts()["Concept"] == 3
    store.write(batch)  # and idempotent
    assert store.counts()["INSTANCE_OF"] == 4
    assert store.counts()["IN"] == 3
