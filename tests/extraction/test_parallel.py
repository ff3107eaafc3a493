"""Extraction shared with a worker process gives exactly what one process gives."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from ontology.extraction import (
    ExtractionInput,
    ExtractorSpec,
    GazetteerEntry,
    ParallelExtractor,
    build_extractor,
)
from ontology.extraction._parallel import CHUNK, IN_FLIGHT, MIN_SHARED_BATCH

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
    deadline = time.monotonic() + 120
    while not extractor._worker_ready():
        assert time.monotonic() < deadline, "the worker never reported ready"
        assert extractor.worker_pid is not None, "the worker was lost while starting"
        time.sleep(0.05)


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


def test_the_worker_takes_chunks_from_the_front_and_results_stream_in_order(
    parallel: ParallelExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_ready(parallel)
    here: list[str] = []
    real = parallel.local.extract_many

    def counted(items: list[ExtractionInput], **kwargs: object) -> Iterator[object]:
        here.extend(i.document_id for i in items)
        return real(items, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel.local, "extract_many", counted)
    batch = inputs(CHUNK * 5)
    got = list(parallel.extract_many(batch))
    assert [r.document_id for r in got] == [i.document_id for i in batch]
    # the first chunks always go to the worker; this process only ever takes from the back
    assert len(here) <= len(batch) - IN_FLIGHT * CHUNK
    assert not set(here) & {i.document_id for i in batch[: IN_FLIGHT * CHUNK]}


def test_a_stream_closed_early_leaves_the_worker_in_step(parallel: ParallelExtractor) -> None:
    wait_ready(parallel)
    batch = inputs(CHUNK * 4)
    stream = parallel.extract_many(batch)
    first = [next(stream) for _ in range(3)]
    stream.close()  # type: ignore[attr-defined]  # the caller failed: results still in the pipe are drained
    assert [r.document_id for r in first] == [i.document_id for i in batch[:3]]
    other = [ExtractionInput(f"other:{i}", TEXTS[(i + 1) % len(TEXTS)]) for i in range(CHUNK * 3)]
    expected = list(build_extractor().extract_many(other))
    assert list(parallel.extract_many(other)) == expected
    assert parallel.worker_pid is not None


def test_chunks_and_results_larger_than_the_pipe_buffer_never_deadlock(
    parallel: ParallelExtractor,
) -> None:
    # Both sides send at once: a chunk bigger than the pipe's buffer while the worker sends
    # results bigger than it. Sends wait in threads, so neither process blocks the other.
    wait_ready(parallel)
    long = " ".join(TEXTS[i % len(TEXTS)] for i in range(60))  # ~3 KB per document
    batch = [ExtractionInput(f"long:{i}", f"{long} #{i}") for i in range(CHUNK * 4)]
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.extend(parallel.extract_many(batch)))
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "extraction deadlocked"
    assert [r.document_id for r in got] == [i.document_id for i in batch]  # type: ignore[attr-defined]
