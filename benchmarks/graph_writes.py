"""Graph write throughput through the bulk write API (``GraphStore.write``).

Writes N documents plus N relationships (each document ``IN`` a container, upserted as the
ingestor upserts new documents) in batches of 10k, and reports, at 10k, 100k and 1M
documents, the rows/s of building a graph of that size (rows written / time, from empty) and,
for information, the marginal rate of the last ten batches (one at 10k). Target: the rate at
1M is at least half the rate at 10k. A naive baseline (``UNWIND $rows MERGE`` per row, the path
ARCHITECTURE.md measured slowing 20x) runs on the first checkpoints in the same run.

    python -m benchmarks.graph_writes [--documents 1000000] [--batch 10000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ontology import GraphBatch, GraphStore

CHECKPOINT_MB = 256  # the default of [graph] checkpoint_mb
WORDS = [
    "we",
    "decided",
    "to",
    "move",
    "the",
    "billing",
    "service",
    "to",
    "postgres",
    "because",
    "the",
    "current",
    "mongo",
    "setup",
    "cannot",
    "do",
    "transactions",
    "across",
    "ledgers",
    "and",
    "support",
    "keeps",
    "asking",
    "about",
    "refunds",
]
CONTAINERS = 100


def make_batch(start: int, size: int) -> GraphBatch:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    batch = GraphBatch()
    for i in range(start, start + size):
        doc = f"slack:C{i % CONTAINERS}:{i}"
        text = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(18))
        batch.node(
            "Document",
            id=doc,
            source="slack",
            kind="message",
            title=None,
            text=text,
            url=f"https://example.slack.com/archives/C{i % CONTAINERS}/p{i}",
            created_at=base + timedelta(seconds=i),
            updated_at=base + timedelta(seconds=i),
            deleted=False,
        )
        # new documents: like the ingestor, no clearing of old edges (it clears them only for
        # documents it already knows; the edge upsert is idempotent by itself)
        batch.edge("IN", doc, f"slack:C{i % CONTAINERS}")
    return batch


def containers() -> GraphBatch:
    batch = GraphBatch()
    for c in range(CONTAINERS):
        batch.node("Container", id=f"slack:C{c}", source="slack", kind="channel", name=f"c{c}")
    return batch


def naive_write(store: GraphStore, start: int, size: int) -> None:
    """The slow path: UNWIND ... MERGE per row for nodes, MATCH ... MERGE per edge."""
    rows = [
        {"id": f"slack:C{i % CONTAINERS}:{i}", "text": "x", "c": f"slack:C{i % CONTAINERS}"}
        for i in range(start, start + size)
    ]
    store.execute(
        "UNWIND $rows AS r MERGE (d:Document {id: r.id}) SET d.text = r.text", {"rows": rows}
    )
    store.execute(
        "UNWIND $rows AS r MATCH (d:Document {id: r.id}), (c:Container {id: r.c}) "
        "MERGE (d)-[:`IN`]->(c)",
        {"rows": rows},
    )


def run(documents: int, batch_size: int, naive_limit: int) -> dict[str, Any]:
    checkpoints = [n for n in (10_000, 100_000, 1_000_000) if n <= documents]
    workdir = Path(tempfile.mkdtemp(prefix="siphon-bench-"))
    results: dict[str, Any] = {"documents": documents, "batch": batch_size, "checkpoints": {}}
    try:
        with GraphStore(workdir / "bulk.kuzu", checkpoint_mb=CHECKPOINT_MB) as store:
            store.write(containers())
            started = time.perf_counter()
            written = 0
            recent: list[tuple[int, float]] = []  # (rows, seconds) of the last ten batches
            elapsed = 0.0  # time in store.write only, not in building the batches
            while written < documents:
                size = min(batch_size, documents - written)
                batch = make_batch(written, size)
                t0 = time.perf_counter()
                store.write(batch)
                seconds = time.perf_counter() - t0
                elapsed += seconds
                written += size
                recent = [*recent[-9:], (2 * size, seconds)]
                if written in checkpoints:
                    rate = 2 * written / elapsed  # documents + relationships, from empty
                    marginal = sum(r for r, _ in recent) / sum(t for _, t in recent)
                    results["checkpoints"][written] = {
                        "rows_per_s": rate,
                        "marginal_rows_per_s": marginal,
                        "seconds": elapsed,
                    }
                    print(
                        f"bulk  {written:>9,} docs: {rate:>10,.0f} rows/s building, "
                        f"{marginal:>10,.0f} rows/s in the last batches"
                    )
            results["total_s"] = time.perf_counter() - started
            results["counts"] = {
                k: v for k, v in store.counts().items() if k in ("Document", "IN", "Container")
            }
        results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        naive: dict[int, float] = {}
        with GraphStore(workdir / "naive.kuzu") as store:
            store.write(containers())
            written = 0
            while written < naive_limit:
                size = min(batch_size, naive_limit - written)
                t0 = time.perf_counter()
                naive_write(store, written, size)
                seconds = time.perf_counter() - t0
                written += size
                if written in checkpoints:
                    naive[written] = 2 * size / seconds
                    print(f"naive {written:>9,} docs: {naive[written]:>10,.0f} rows/s")
        results["naive_checkpoints"] = naive
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    first, last = checkpoints[0], checkpoints[-1]
    c = results["checkpoints"]
    results["ratio_last_to_first"] = c[last]["rows_per_s"] / c[first]["rows_per_s"]
    results["target_met"] = results["ratio_last_to_first"] >= 0.5
    for n, rate in naive.items():
        c[n]["speedup_vs_naive"] = c[n]["rows_per_s"] / rate
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument(
        "--naive-up-to", type=int, default=100_000, help="naive baseline size (it is slow)"
    )
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/graph_writes.json"))
    args = parser.parse_args()
    results = run(args.documents, args.batch, args.naive_up_to)
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    results["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    first, last = min(results["checkpoints"]), max(results["checkpoints"])
    print(
        f"rate at {last:,} / rate at {first:,} = {results['ratio_last_to_first']:.2f} "
        f"(target >= 0.5: {'met' if results['target_met'] else 'MISSED'}); "
        f"peak RSS {results['peak_rss_mb']:.0f} MB; total {results['total_s']:.1f}s"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
