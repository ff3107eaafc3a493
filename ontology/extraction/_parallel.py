"""Extraction on two cores: each large batch is split between this process and one worker.

spaCy with our components runs on one core (about 60k words/s here), and extraction is most of
what ingesting a batch costs. A worker process built from the same config extracts the second
half of each batch while this process does the first half. Results are identical to a single
extractor's: both apply the same gazetteer updates in the same order before each batch (the
pipe between them is ordered), and a document's extraction depends only on its own text, its
parent and the gazetteer.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from connectors import Record
from ontology._model import DocumentExtraction, ExtractedDecision
from ontology.extraction._pipeline import Extractor, build_extractor
from ontology.extraction._types import ExtractionInput, GazetteerEntry

log = logging.getLogger("siphon.extraction.parallel")

#: Batches smaller than this stay in this process: shipping them costs more than it saves.
MIN_SHARED_BATCH = 200


@dataclass(frozen=True)
class ExtractorSpec:
    """How to build the same extractor in another process."""

    model: str = "blank"
    min_confidence: float = 0.5

    def build(self) -> Extractor:
        return build_extractor(self.model, min_confidence=self.min_confidence)


def _worker(conn: Connection, spec: ExtractorSpec) -> None:
    """The worker's loop: apply gazetteer updates, extract batches, until told to stop."""
    extractor = spec.build()
    conn.send(("ready", None))
    while True:
        try:
            kind, payload = conn.recv()
        except EOFError:
            return
        if kind == "stop":
            return
        if kind == "gazetteer":
            extractor.update_gazetteer(payload)
            continue
        try:
            conn.send(("ok", list(extractor.extract_many(payload))))
        except Exception as exc:  # report it; the parent extracts that half itself
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class ParallelExtractor:
    """Drop-in for ``Extractor`` that shares large batches with one worker process."""

    def __init__(self, spec: ExtractorSpec, *, local: Extractor | None = None) -> None:
        self.spec = spec
        self.local = local or spec.build()
        self._lock = threading.Lock()
        self._gazetteer: dict[str, GazetteerEntry] = {}
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._failed = False
        self._ready = False
        atexit.register(self.close)
        with self._lock:
            self._ensure_worker()  # it loads spaCy while this process does other work

    def __getattr__(self, name: str) -> Any:
        if name == "local":  # not set yet (during __init__): no recursion
            raise AttributeError(name)
        return getattr(self.local, name)  # nlp, statistical, label_sentences, ...

    # -- the Extractor API the ingestor uses ----------------------------------------------
    def extract(self, text: str, **kwargs: Any) -> DocumentExtraction:
        return self.local.extract(text, **kwargs)

    def structured_decisions(self, record: Record, **kwargs: Any) -> list[ExtractedDecision]:
        return self.local.structured_decisions(record, **kwargs)

    def update_gazetteer(self, entries: Iterable[GazetteerEntry]) -> None:
        entries = list(entries)
        with self._lock:
            self.local.update_gazetteer(entries)
            for entry in entries:
                self._gazetteer[entry.entity_id] = entry
            if self._conn is not None:
                self._send(("gazetteer", entries))

    def extract_many(
        self, inputs: Iterable[ExtractionInput], *, batch_size: int = 256
    ) -> Iterator[DocumentExtraction]:
        items = list(inputs)
        with self._lock:
            if len(items) < MIN_SHARED_BATCH or not self._worker_ready():
                alone = list(self.local.extract_many(items, batch_size=batch_size))
                yield from alone
                return
            half = len(items) // 2
            shared = self._send(("extract", items[half:]))
            first = list(self.local.extract_many(items[:half], batch_size=batch_size))
            second = self._receive() if shared else None
            if second is None:  # the worker failed: do its half here, results stay the same
                second = list(self.local.extract_many(items[half:], batch_size=batch_size))
        yield from first
        yield from second

    # -- the worker -------------------------------------------------------------------------
    def _worker_ready(self) -> bool:
        """True once the worker has built its extractor; never waits for it to start."""
        if self._ready:
            return True
        if not self._ensure_worker() or self._conn is None:
            return False
        try:
            if not self._conn.poll():
                return False  # still loading: this batch is done here
            status, _ = self._conn.recv()
        except (OSError, EOFError) as exc:
            self._worker_lost(exc)
            return False
        self._ready = status == "ready"
        return self._ready

    def _ensure_worker(self) -> bool:
        if self._conn is not None:
            return True
        if self._failed:
            return False
        try:
            context = multiprocessing.get_context("spawn")  # never fork a threaded daemon
            parent, child = context.Pipe()
            process = context.Process(
                target=_worker, args=(child, self.spec), name="siphon-extract", daemon=True
            )
            process.start()
            child.close()
        except OSError as exc:
            log.warning("extraction.worker_unavailable error=%s action=one_process", exc)
            self._failed = True
            return False
        self._conn, self._process = parent, process
        if self._gazetteer:  # bring the worker to the same gazetteer as this process
            self._send(("gazetteer", list(self._gazetteer.values())))
        log.info("extraction.worker_started pid=%s", process.pid)
        return self._conn is not None

    def _send(self, message: tuple[str, Any]) -> bool:
        assert self._conn is not None
        try:
            self._conn.send(message)
            return True
        except (OSError, EOFError, BrokenPipeError) as exc:
            self._worker_lost(exc)
            return False

    def _receive(self) -> list[DocumentExtraction] | None:
        if self._conn is None:
            return None
        try:
            status, payload = self._conn.recv()
        except (OSError, EOFError) as exc:
            self._worker_lost(exc)
            return None
        if status != "ok":
            log.warning("extraction.worker_error error=%s action=extract_here", payload)
            return None
        result: list[DocumentExtraction] = payload
        return result

    def _worker_lost(self, exc: BaseException) -> None:
        log.warning("extraction.worker_lost error=%s action=one_process", exc)
        self._failed = True
        self._stop_worker()

    def _stop_worker(self) -> None:
        conn, process = self._conn, self._process
        self._conn, self._process, self._ready = None, None, False
        if conn is not None:
            with contextlib.suppress(OSError, EOFError, BrokenPipeError):
                conn.send(("stop", None))
            conn.close()
        if process is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    def close(self) -> None:
        """Stop the worker (also done at exit)."""
        with self._lock:
            self._stop_worker()

    @property
    def worker_pid(self) -> int | None:
        return self._process.pid if self._process is not None else None
