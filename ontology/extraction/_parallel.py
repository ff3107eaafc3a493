"""Extraction on two cores: each large batch is split between this process and one worker.

spaCy with our components runs on one core (about 60k words/s here), and extraction is most of
what ingesting a batch costs. A worker process built from the same config extracts each large
batch chunk by chunk from the front, and streams results back in order, while this process
works on the results that have arrived; when the next chunk is not back yet, this process
extracts a chunk from the back of the batch itself. Results are identical to a single
extractor's: both apply the same gazetteer updates in the same order before each batch (the
pipe between them is ordered), and a document's extraction depends only on its own text, its
parent and the gazetteer.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import queue
import threading
from collections import deque
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
#: Documents per message to the worker: the first results come back soon, and this process
#: can take over a chunk when the worker falls behind.
CHUNK = 64
#: Chunks sent ahead, so the worker never waits for its next one.
IN_FLIGHT = 4


@dataclass(frozen=True)
class ExtractorSpec:
    """How to build the same extractor in another process."""

    model: str = "blank"
    min_confidence: float = 0.5

    def build(self) -> Extractor:
        return build_extractor(self.model, min_confidence=self.min_confidence)


def _worker(conn: Connection, spec: ExtractorSpec) -> None:
    """The worker's loop: apply gazetteer updates, extract chunks, until told to stop; a parent
    that is gone (killed) ends it quietly."""
    extractor = spec.build()
    try:
        conn.send(("ready", None))
        while True:
            kind, payload = conn.recv()
            if kind == "stop":
                return
            if kind == "gazetteer":
                extractor.update_gazetteer(payload)
                continue
            try:
                reply: tuple[str, Any] = ("ok", list(extractor.extract_many(payload)))
            except Exception as exc:  # report it; the parent extracts that chunk itself
                reply = ("error", f"{type(exc).__name__}: {exc}")
            conn.send(reply)
    except (EOFError, OSError):
        return


class _Channel:
    """The pipe to the worker, each direction served by a thread of this process.

    Neither side's work ever waits on a full pipe: a large chunk waits in the sending thread
    while the worker is busy, and large results are read as soon as they come, so the two
    processes can never block in ``send`` at once (a deadlock once messages outgrow the pipe's
    buffer). A lost worker shows up as a ``("lost", error)`` message, and stays lost.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.error: BaseException | None = None
        self._outbox: queue.SimpleQueue[tuple[str, Any] | None] = queue.SimpleQueue()
        self._inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._sender = threading.Thread(
            target=self._sending, name="siphon-extract-send", daemon=True
        )
        self._sender.start()
        threading.Thread(target=self._receiving, name="siphon-extract-recv", daemon=True).start()

    def send(self, message: tuple[str, Any]) -> None:
        self._outbox.put(message)

    def ready(self) -> bool:
        """True if a message (or the news that the worker is lost) is waiting."""
        return self.error is not None or not self._inbox.empty()

    def receive(self) -> tuple[str, Any]:
        if self.error is not None and self._inbox.empty():
            return ("lost", self.error)
        return self._inbox.get()

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued and a stop, then close the pipe."""
        self._outbox.put(("stop", None))
        self._outbox.put(None)
        self._sender.join(timeout)
        self.conn.close()

    def _sending(self) -> None:
        while (message := self._outbox.get()) is not None:
            try:
                self.conn.send(message)
            except (OSError, EOFError, ValueError) as exc:
                self._lost(exc)
                return

    def _receiving(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (OSError, EOFError, ValueError, TypeError) as exc:
                self._lost(exc)
                return
            self._inbox.put(message)

    def _lost(self, exc: BaseException) -> None:
        if self.error is None:
            self.error = exc
        self._inbox.put(("lost", exc))


class ParallelExtractor:
    """Drop-in for ``Extractor`` that shares large batches with one worker process."""

    def __init__(self, spec: ExtractorSpec, *, local: Extractor | None = None) -> None:
        self.spec = spec
        self.local = local or spec.build()
        self._lock = threading.Lock()
        self._gazetteer: dict[str, GazetteerEntry] = {}
        self._channel: _Channel | None = None
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
            if self._channel is not None:
                self._send(("gazetteer", entries))

    def extract_many(
        self, inputs: Iterable[ExtractionInput], *, batch_size: int = 256
    ) -> Iterator[DocumentExtraction]:
        """Results in input order, streamed: the first arrive while later ones are still being
        extracted, so the caller's own work on them overlaps the worker's. Consume the
        iterator to the end or close it before the next call."""
        items = list(inputs)
        with self._lock:
            shared = len(items) >= MIN_SHARED_BATCH and self._worker_ready()
            if not shared:
                alone = list(self.local.extract_many(items, batch_size=batch_size))
        if not shared:
            yield from alone
            return
        with self._lock:
            yield from self._shared(items, batch_size)

    def _shared(
        self, items: list[ExtractionInput], batch_size: int
    ) -> Iterator[DocumentExtraction]:
        """Chunks go to the worker from the front, at most ``IN_FLIGHT`` at a time; whenever
        the next chunk in order is not back yet, this process extracts one from the back."""
        chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
        done: dict[int, list[DocumentExtraction]] = {}
        in_flight: deque[int] = deque()
        front, back = 0, len(chunks)  # chunks[front:back] are not assigned yet

        def here(index: int) -> None:
            done[index] = list(self.local.extract_many(chunks[index], batch_size=batch_size))

        try:
            for index in range(len(chunks)):
                while index not in done:
                    while self._channel is not None and len(in_flight) < IN_FLIGHT and front < back:
                        self._send(("extract", chunks[front]))
                        in_flight.append(front)
                        front += 1
                    if in_flight and self._channel is not None:
                        if front < back and not self._poll():
                            back -= 1  # the worker is busy: take the last unassigned chunk
                            here(back)
                            continue
                        result = self._receive()
                        sent = in_flight.popleft()
                        if result is None:  # failed there: done here (and if the worker
                            if not self._has_worker():  # is lost, so are the rest it held)
                                in_flight.clear()
                            here(sent)
                        else:
                            done[sent] = result
                    else:  # no worker (any more): this process does the rest in order
                        in_flight.clear()
                        here(index)
                        front = max(front, index + 1)
                yield from done.pop(index)
        finally:
            while in_flight and self._channel is not None:  # stopped early: drain the pipe
                in_flight.popleft()
                self._receive()

    def _poll(self) -> bool:
        """True if the worker's next result has arrived (or the worker is gone)."""
        assert self._channel is not None
        return self._channel.ready()

    # -- the worker -------------------------------------------------------------------------
    def _worker_ready(self) -> bool:
        """True once the worker has built its extractor; never waits for it to start."""
        if self._ready:
            return True
        if not self._ensure_worker() or self._channel is None:
            return False
        if not self._channel.ready():
            return False  # still loading: this batch is done here
        status, payload = self._channel.receive()
        if status == "lost":
            self._worker_lost(payload)
            return False
        self._ready = status == "ready"
        return self._ready

    def _ensure_worker(self) -> bool:
        if self._channel is not None:
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
        self._channel, self._process = _Channel(parent), process
        if self._gazetteer:  # bring the worker to the same gazetteer as this process
            self._send(("gazetteer", list(self._gazetteer.values())))
        log.info("extraction.worker_started pid=%s", process.pid)
        return True

    def _send(self, message: tuple[str, Any]) -> None:
        """Queue a message for the worker (a failure to deliver it shows up on receive)."""
        assert self._channel is not None
        self._channel.send(message)

    def _has_worker(self) -> bool:
        return self._channel is not None

    def _receive(self) -> list[DocumentExtraction] | None:
        if self._channel is None:
            return None
        status, payload = self._channel.receive()
        if status == "lost":
            self._worker_lost(payload)
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
        channel, process = self._channel, self._process
        self._channel, self._process, self._ready = None, None, False
        if channel is not None:
            with contextlib.suppress(OSError):
                channel.close()
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
