"""Extraction shared with a worker process gives exactly what one process gives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ontology.extraction import (
    ExtractionInput,
    ExtractorSpec,
    GazetteerEntry,
    ParallelExtractor,
    build_extractor,
)
from ontology.extraction._parallel import MIN_SHARED_BATCH

TEXTS = [
    "We decided to move the ledger to Postgres because we need transactions.",
    "Shall we use Frobnicator for the queue?",
    "Let's go with Redis Streams instead of Kafka, it is lighter.",
    "If we moved to NATS we could drop the broker cluster.",
    "lunch anyone?",
]


@pytest.fixture
def parallel() -> Iterator[ParallelExtractor]:
    extractor = ParallelExtractor(ExtractorSpec())
    yield extractor
    extractor.close()


def inputs(n: int) -> list[ExtractionInput]:
    return [ExtractionInput(f"doc:{i}", TEXTS[i % len(TEXTS)] + f" #{i}") for i in range(n)]


def wait_ready(extractor: ParallelExtractor) -> None:
    # a batch is shared only once the worker reported ready; waiting on the pipe, not a clock
    if extractor._ready:
        return
    assert extractor._conn is not None
    assert extractor._conn.poll(timeout=120)
    assert extractor._worker_ready()


def test_shared_batches_equal_one_process_including_gazetteer_updates(
    parallel: ParallelExtractor,
) -> None:
    local = build_extractor()
    entry = [GazetteerEntry("entity:frobnicator", "Frobnicator", "TECH", ["Frob"])]
    local.update_gazetteer(entry)
    parallel.update_gazetteer(entry)  # reaches the worker before the next batch
    wait_ready(parallel)
    batch = inputs(MIN_SHARED_BATCH * 2)
    expected = list(local.extract_many(batch))
    got = list(parallel.extract_many(batch))
    assert got == expected
    known = [e for r in got for e in r.entities if e.entity_id == "entity:frobnicator"]
    assert len(known) == len([t for t in batch if "Frobnicator" in t.text])


def test_a_dead_worker_falls_back_to_one_process(parallel: ParallelExtractor) -> None:
    wait_ready(parallel)
    process = parallel._process
    assert process is not None
    process.kill()
    process.join(timeout=30)
    batch = inputs(MIN_SHARED_BATCH * 2)
    got = list(parallel.extract_many(batch))
    assert [r.document_id for r in got] == [i.document_id for i in batch]
    assert parallel.worker_pid is None  # it noticed and stopped sharing
