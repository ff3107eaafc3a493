"""Analyst query latency on a graph of 1M documents: p50 and p95 of five everyday questions.

Builds a synthetic decision graph through the bulk write API — 1M documents in 100 channels by
5,000 people, 20,000 entities mentioned in half the documents, 50,000 decisions each stated in
one or two documents, decided by one person, about one or two entities (popular ones often),
chained by PRECEDENT, and a concept tree with the entities as instances — then runs each query
with 100 different parameters through ``GraphStore.query`` on the graph opened read-only (as
``siphon query`` does). A cheap baseline measured in the same run, a primary-key lookup, shows
the floor. Target: p95 < 50 ms for each query.

    python -m benchmarks.queries [--documents 1000000] [--runs 100]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import write_results
from ontology import GraphBatch, GraphStore

QUERIES: dict[str, tuple[str, str]] = {
    "decision trace": (
        "decision",
        "MATCH (d:Decision {id: $id}) "
        "OPTIONAL MATCH (d)-[s:STATED_IN]->(doc:Document) "
        "OPTIONAL MATCH (d)-[:DECIDED_BY]->(p:Person) "
        "OPTIONAL MATCH (d)-[:ABOUT]->(e:Entity) "
        "OPTIONAL MATCH (d)-[:PRECEDENT]->(pre:Decision) "
        "RETURN d.statement, d.status, d.rationale, collect(DISTINCT doc.url), "
        "collect(DISTINCT p.name), collect(DISTINCT e.name), collect(DISTINCT pre.id)",
    ),
    "decisions about an entity": (
        "entity",
        "MATCH (d:Decision)-[:ABOUT]->(e:Entity {id: $id}) "
        "RETURN d.id, d.statement, d.status, d.decided_at ORDER BY d.decided_at DESC LIMIT 50",
    ),
    "who decided most about X": (
        "entity",
        "MATCH (:Entity {id: $id})<-[:ABOUT]-(d:Decision)-[:DECIDED_BY]->(p:Person) "
        "RETURN p.name, count(d) AS n ORDER BY n DESC LIMIT 10",
    ),
    "ontology subtree": (
        "concept",
        "MATCH (c:Concept)-[:SUBCLASS_OF*1..4]->(root:Concept {id: $id}) "
        "OPTIONAL MATCH (e:Entity)-[:INSTANCE_OF]->(c) "
        "RETURN c.name, c.support, count(e) AS instances",
    ),
    "precedents chain": (
        "decision",
        "MATCH p = (d:Decision {id: $id})-[:PRECEDENT*1..5]->(old:Decision) "
        "RETURN old.id, old.statement, length(p) AS depth ORDER BY depth",
    ),
}
BASELINE = ("decision", "MATCH (d:Decision {id: $id}) RETURN d.statement")

CHANNELS, PEOPLE, ENTITIES, CONCEPTS = 100, 5_000, 20_000, 200
BATCH = 50_000


def build(path: Path, documents: int) -> dict[str, int]:
    rng = random.Random(1)
    decisions = documents // 20
    base = datetime(2025, 1, 1, tzinfo=UTC)
    with GraphStore(path, checkpoint_mb=256) as store:
        setup = GraphBatch()
        for c in range(CHANNELS):
            setup.node("Container", id=f"c{c}", source="slack", kind="channel", name=f"chan-{c}")
        for p in range(PEOPLE):
            setup.node("Person", id=f"person:{p}", name=f"Person {p}", emails=[f"p{p}@x.io"])
        for k in range(CONCEPTS):
            setup.node("Concept", id=f"concept:{k}", name=f"Concept {k}", support=k, learned=True)
            if k:
                setup.edge("SUBCLASS_OF", f"concept:{k}", f"concept:{(k - 1) // 4}", support=3)
        for e in range(ENTITIES):
            setup.node("Entity", id=f"entity:{e}", name=f"Thing {e}", mentions=1)
            setup.edge("INSTANCE_OF", f"entity:{e}", f"concept:{e % CONCEPTS}", support=2)
        store.write(setup)
        for start in range(0, documents, BATCH):
            batch = GraphBatch()
            for i in range(start, min(documents, start + BATCH)):
                doc = f"doc:{i}"
                batch.node(
                    "Document",
                    id=doc,
                    source="slack",
                    kind="message",
                    text=f"message {i} about thing {i % ENTITIES}",
                    url=f"https://x.slack.com/p{i}",
                    created_at=base + timedelta(seconds=i),
                )
                batch.edge("IN", doc, f"c{i % CHANNELS}")
                batch.edge("AUTHORED", f"person:{i % PEOPLE}", doc)
                if i % 2 == 0:
                    batch.edge("MENTIONS", doc, f"entity:{(i * 7) % ENTITIES}", count=1)
            store.write(batch)
        for start in range(0, decisions, BATCH):
            batch = GraphBatch()
            for x in range(start, min(decisions, start + BATCH)):
                did = f"decision:{x}"
                # popular things: a few entities are what many decisions are about
                about = int(rng.paretovariate(1.2)) % ENTITIES
                batch.node(
                    "Decision",
                    id=did,
                    statement=f"decision {x} about thing {about}",
                    status="decided",
                    rationale="because",
                    decided_at=base + timedelta(hours=x),
                    origin="text",
                    confidence=0.8,
                )
                batch.edge("STATED_IN", did, f"doc:{(x * 20) % documents}", role="stated")
                if x % 3 == 0:
                    batch.edge("STATED_IN", did, f"doc:{(x * 20 + 7) % documents}", role="stated")
                batch.edge("DECIDED_BY", did, f"person:{rng.randrange(PEOPLE)}", role="decider")
                batch.edge("ABOUT", did, f"entity:{about}")
                batch.edge("ABOUT", did, f"entity:{rng.randrange(ENTITIES)}")
                if x >= 50:
                    batch.edge("PRECEDENT", did, f"decision:{x - 50}", similarity=0.6)
            store.write(batch)
        counts = store.counts()
    return {k: v for k, v in counts.items() if v}


def measure(path: Path, documents: int, runs: int) -> dict[str, Any]:
    rng = random.Random(2)
    decisions = documents // 20
    pick = {
        "decision": lambda: f"decision:{rng.randrange(decisions)}",
        "entity": lambda: f"entity:{int(rng.paretovariate(1.2)) % 50}",  # the popular ones
        "concept": lambda: f"concept:{rng.randrange(0, 20)}",  # subtrees near the root
    }
    out: dict[str, Any] = {}
    with GraphStore(path, read_only=True) as store:
        for name, (kind, cypher) in [("baseline: key lookup", BASELINE), *QUERIES.items()]:
            store.query(cypher, {"id": pick[kind]()})  # warm the buffer pool
            times = []
            rows = 0
            for _ in range(runs):
                started = time.perf_counter()
                result = store.query(cypher, {"id": pick[kind]()}, max_rows=1000)
                times.append((time.perf_counter() - started) * 1000)
                rows += len(result.rows)
            times.sort()
            out[name] = {
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                "max_ms": round(times[-1], 2),
                "mean_rows": round(rows / runs, 1),
            }
            print(
                f"{name:28s} p50 {out[name]['p50_ms']:7.2f} ms   p95 {out[name]['p95_ms']:7.2f} "
                f"ms   rows {out[name]['mean_rows']}",
                flush=True,
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="siphon-queries-"))
    try:
        started = time.perf_counter()
        counts = build(workdir / "g.kuzu", args.documents)
        build_s = time.perf_counter() - started
        print(f"built {counts.get('Document', 0):,} documents in {build_s:.0f}s", flush=True)
        latencies = measure(workdir / "g.kuzu", args.documents, args.runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    met = all(v["p95_ms"] < 50 for k, v in latencies.items() if not k.startswith("baseline"))
    path = write_results(
        "queries",
        {"graph": counts, "build_seconds": build_s, "queries": latencies, "target_met": met},
        args.output,
    )
    print(f"p95 < 50 ms for every query: {'met' if met else 'MISSED'}; wrote {path}")


if __name__ == "__main__":
    main()
