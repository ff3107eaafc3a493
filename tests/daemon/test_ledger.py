"""The sealed decision ledger: sealing is idempotent, changes append, tampering is named."""

from __future__ import annotations

import itertools
import stat
from datetime import datetime
from pathlib import Path

import pytest

from ontology import GraphBatch, GraphStore, Ledger, load_or_create_key, verify_ledger
from ontology._ledger import GENESIS_HASH, content_hash, entry_hash

KEY = b"k" * 32


def decision_batch(
    statement: str = "Use Postgres for billing", docs: tuple[str, ...] = ("doc:1",)
) -> GraphBatch:
    batch = GraphBatch()
    for doc in docs:
        batch.node("Document", id=doc, text="we decided")
    batch.node("Person", id="person:ana", name="Ana")
    batch.node(
        "Decision",
        id="dec:1",
        statement=statement,
        status="decided",
        rationale="it is what we know",
        alternatives=["MySQL"],
        decided_at=datetime(2024, 3, 1, 12, 0),
        origin="text",
    )
    batch.replace_out("STATED_IN", "dec:1")
    for doc in docs:
        batch.edge("STATED_IN", "dec:1", doc, role="stated")
    batch.edge("DECIDED_BY", "dec:1", "person:ana", role="decider")
    return batch


def write(store: GraphStore, ledger: Ledger, batch: GraphBatch) -> int:
    sealed = ledger.seal(store, batch)
    store.write(batch)
    return sealed


@pytest.fixture
def store(tmp_path: Path) -> GraphStore:
    return GraphStore(tmp_path / "graph.kuzu")


def entries(store: GraphStore) -> list[list[object]]:
    return store.execute(
        "MATCH (e:LedgerEntry) RETURN e.seq, e.decision_id, e.change, e.prev_hash, e.hash "
        "ORDER BY e.seq"
    )


def test_a_new_decision_is_sealed_once_and_redelivery_appends_nothing(store: GraphStore) -> None:
    ledger = Ledger(KEY)
    assert write(store, ledger, decision_batch()) == 1
    assert write(store, ledger, decision_batch()) == 0  # the same batch re-delivered
    rows = entries(store)
    assert len(rows) == 1
    seq, decision_id, change, prev, signed = rows[0]
    assert (seq, decision_id, change, prev) == (1, "dec:1", "new", GENESIS_HASH)
    stamped = store.execute("MATCH (d:Decision {id: 'dec:1'}) RETURN d.seq, d.hash, d.prev_hash")
    assert stamped == [[1, signed, GENESIS_HASH]]
    assert verify_ledger(store, KEY).ok


def test_changed_content_or_evidence_appends_a_chained_entry(store: GraphStore) -> None:
    ledger = Ledger(KEY)
    write(store, ledger, decision_batch())
    assert write(store, ledger, decision_batch(docs=("doc:1", "doc:2"))) == 1  # stated again
    assert write(store, ledger, decision_batch("Use Postgres 16", docs=("doc:1", "doc:2"))) == 1
    gone = GraphBatch()
    gone.remove("Document", "doc:2")
    assert write(store, ledger, gone) == 1  # a source document deleted: evidence changed
    rows = entries(store)
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[2] for r in rows] == ["new", "changed", "changed", "changed"]
    for before, after in itertools.pairwise(rows):
        assert after[3] == before[4]  # prev_hash chains to the previous entry's hash
    report = verify_ledger(store, KEY)
    assert report.ok
    assert (report.entries, report.decisions) == (4, 1)


def test_the_entry_hash_is_the_documented_hmac(store: GraphStore) -> None:
    write(store, Ledger(KEY), decision_batch())
    expected_content = content_hash(
        {
            "statement": "Use Postgres for billing",
            "status": "decided",
            "rationale": "it is what we know",
            "alternatives": ["MySQL"],
            "decided_at": datetime(2024, 3, 1, 12, 0),
            "origin": "text",
        },
        ["doc:1"],
        ["person:ana"],
    )
    [[digest, signed]] = store.execute("MATCH (e:LedgerEntry) RETURN e.content_hash, e.hash")
    assert digest == expected_content
    assert signed == entry_hash(KEY, GENESIS_HASH, expected_content, 1, "dec:1")


def test_editing_a_statement_in_the_graph_is_named_by_verify(store: GraphStore) -> None:
    ledger = Ledger(KEY)
    write(store, ledger, decision_batch())
    other = GraphBatch()
    other.node("Decision", id="dec:2", statement="Ship on Fridays", status="rejected")
    write(store, ledger, other)
    store.execute("MATCH (d:Decision {id: 'dec:2'}) SET d.statement = 'Ship every day'")
    report = verify_ledger(store, KEY)
    assert report.problem is not None
    assert report.problem.decision_id == "dec:2"
    assert report.problem.kind == "content"
    assert "dec:2" in str(report.problem)


def test_a_removed_entry_a_wrong_key_and_an_unsealed_decision_are_caught(
    store: GraphStore,
) -> None:
    ledger = Ledger(KEY)
    write(store, ledger, decision_batch())
    write(store, ledger, decision_batch("Use Postgres 16"))
    wrong = verify_ledger(store, b"x" * 32)
    assert wrong.problem is not None
    assert wrong.problem.kind == "chain"
    assert wrong.problem.seq == 1

    store.execute("MATCH (e:LedgerEntry {seq: 1}) DELETE e")
    missing = verify_ledger(store, KEY)
    assert missing.problem is not None
    assert missing.problem.kind == "chain"
    assert "missing" in missing.problem.detail

    fresh = GraphStore(store.path.parent / "other.kuzu")
    unsealed = GraphBatch()
    unsealed.node("Decision", id="dec:9", statement="No ledger for me")
    fresh.write(unsealed)
    report = verify_ledger(fresh, KEY)
    assert report.problem is not None
    assert report.problem.kind == "unsealed"
    assert report.problem.decision_id == "dec:9"


def test_the_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "state")
    path = tmp_path / "state" / "ledger.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 32
    assert load_or_create_key(tmp_path / "state") == key
    assert load_or_create_key(tmp_path / "state", "configured-secret") == b"configured-secret"
