"""The dlt pipeline: one pipeline per connector instance, cursors in ``dlt.sources.incremental``,
one ``@dlt.destination`` sink that hands each batch to ``ontology.Ingestor``.

Why dlt: it keeps each connector's cursor and its extracted-but-unloaded data on disk under the
state dir, saves the cursor only when extraction finishes, and re-delivers an unfinished batch
after a crash. Our graph writes are idempotent on source ids, so a re-delivered batch changes
nothing, and a ``kill -9`` at any moment followed by a restart gives the same graph.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

# dlt reads these at import time: no telemetry (no network), and loaded job files are removed
# so a privacy=facts_only connector's text does not linger in the pipelines dir.
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("LOAD__DELETE_COMPLETED_JOBS", "true")
os.environ.setdefault("LOAD__TRUNCATE_STAGING_DATASET", "true")
os.environ.setdefault("SCHEMA__NAMING", "direct")  # as the sink: no renaming, no collisions
# Load packages are local scratch files read back once: gzip only costs CPU.
os.environ.setdefault("DATA_WRITER__DISABLE_COMPRESSION", "true")
# dlt warns about declared columns that stayed empty in a load (e.g. no edited messages): noise.
os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")

import dlt
from dlt.common.schema import TTableSchema
from dlt.common.time import ensure_pendulum_datetime
from dlt.common.typing import TDataItems
from pydantic import ValidationError

from connectors import (
    MODEL_OF,
    AnyRecord,
    Connector,
    ConnectorConfig,
    ConnectorError,
    FatalError,
    RetriableError,
    SkippableError,
    Stream,
    TableName,
    registry,
)
from daemon._settings import LoadedConfig
from ontology import GraphBatch, GraphStore, Ingestor, IngestReport, graph_path

log = logging.getLogger("siphon.pipeline")

#: How often dlt's loader checks for finished jobs. dlt hard-codes 1 s and, with our
#: in-process sink, sleeps it out at least once per package: 0.7 s per stream run, 15 s of a
#: 17 s idle sync of the sandbox (measured). Our jobs finish in milliseconds.
LOAD_POLL_SECONDS = 0.02


def _shorten_load_polling() -> None:
    from dlt.load import load as dlt_load

    original = dlt_load.Load.__init__
    if getattr(original, "_siphon_patched", False):
        return

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if hasattr(self, "_run_loop_sleep_duration"):  # a private attribute: check it is there
            self._run_loop_sleep_duration = LOAD_POLL_SECONDS

    init._siphon_patched = True  # type: ignore[attr-defined]
    init.__wrapped__ = original  # type: ignore[attr-defined]
    dlt_load.Load.__init__ = init  # type: ignore[method-assign]


_shorten_load_polling()

PIPELINES_DIR = "pipelines"
CURSOR = "updated_at"

ErrorKind = Literal["fatal", "retriable", "skippable"]

#: dlt column hints per table: declared, so dlt never guesses a type from one value (a message
#: whose text looks like a date must stay text) and nested parts travel as JSON.
_JSON = {"data_type": "json"}
_TEXT = {"data_type": "text"}
_TS = {"data_type": "timestamp"}
_BOOL = {"data_type": "bool"}
COLUMNS: dict[TableName, dict[str, dict[str, Any]]] = {
    "documents": {
        "id": {**_TEXT, "nullable": False},
        "source": _TEXT,
        "source_type": _TEXT,
        "kind": _TEXT,
        "container": _JSON,
        "author": _JSON,
        "title": _TEXT,
        "text": _TEXT,
        "url": _TEXT,
        "created_at": _TS,
        "updated_at": _TS,
        "parent_id": _TEXT,
        "thread_id": _TEXT,
        "deleted": _BOOL,
        "facts": _JSON,
        "mentions": _JSON,
        "links": _JSON,
        "properties": _JSON,
        "text_hash": _TEXT,
    },
    "accounts": {
        "id": {**_TEXT, "nullable": False},
        "source": _TEXT,
        "source_type": _TEXT,
        "name": _TEXT,
        "display_name": _TEXT,
        "email": _TEXT,
        "handles": _JSON,
        "is_bot": _BOOL,
        "deleted": _BOOL,
        "updated_at": _TS,
    },
    "containers": {
        "id": {**_TEXT, "nullable": False},
        "source": _TEXT,
        "source_type": _TEXT,
        "kind": _TEXT,
        "name": _TEXT,
        "url": _TEXT,
        "properties": _JSON,
        "updated_at": _TS,
    },
}


class GraphAccess(Protocol):
    """Where a sync writes: one short write window per batch."""

    def write_window(self) -> AbstractContextManager[GraphStore]: ...


class OpenGraph:
    """``GraphAccess`` over a store that stays open (``siphon sync``, ``siphon demo``)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._lock = threading.Lock()

    @contextmanager
    def write_window(self) -> Iterator[GraphStore]:
        with self._lock:
            yield self.store


class SyncStopped(Exception):
    """A stop was requested; what was extracted is safely pending in the pipelines dir."""


@dataclass
class SyncReport:
    """What one sync pass of one connector did."""

    connector: str
    ok: bool = True
    records: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    decisions: int = 0
    skipped: int = 0
    unchanged: int = 0
    error: str | None = None
    error_kind: ErrorKind | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0
    http_seconds: float = 0.0
    ingest_seconds: float = 0.0
    requests: int = 0
    batches: int = 0
    resumed_pending: bool = False
    cursor: datetime | None = None

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


# -- shared per-process state ------------------------------------------------------------
_ingestors: dict[tuple[str, ...], Ingestor] = {}
_ingestors_lock = threading.Lock()


def shared_ingestor(loaded: LoadedConfig) -> Ingestor:
    """The process's ingestor for this graph.

    It keeps in-memory indexes of the graph it writes and assumes it is the only writer, so
    every connector of a process shares one (the write windows serialize them).
    """
    privacy = tuple(sorted((n, c.privacy) for n, c in loaded.connectors.items()))
    key = (
        str(graph_path(loaded.state_dir)),
        loaded.settings.extraction.model,
        str(loaded.settings.extraction.min_confidence),
    )
    with _ingestors_lock:
        ingestor = _ingestors.get(key)
        if ingestor is None:
            ingestor = build_ingestor(loaded)
            _ingestors[key] = ingestor
        ingestor.privacy = dict(privacy)
        return ingestor


def build_ingestor(loaded: LoadedConfig) -> Ingestor:
    """An ingestor with the configured extractor and the sealed ledger."""
    from ontology._ledger import Ledger, load_or_create_key
    from ontology.extraction import ExtractorSpec, ParallelExtractor

    settings = loaded.settings
    secret = settings.ledger.key.get_secret_value() if settings.ledger.key else None
    spec = ExtractorSpec(settings.extraction.model, settings.extraction.min_confidence)
    workers = settings.extraction.workers
    if workers is None:
        workers = 1 if (os.cpu_count() or 1) >= 2 else 0
    extractor = ParallelExtractor(spec) if workers else spec.build()
    return Ingestor(
        privacy={name: cfg.privacy for name, cfg in loaded.connectors.items()},
        extractor=extractor,
        ledger=Ledger(load_or_create_key(loaded.state_dir, secret)),
    )


def forget_ingestors() -> None:
    """Drop shared ingestors and stop their extraction workers (tests; after the graph was
    replaced on disk)."""
    with _ingestors_lock:
        for ingestor in _ingestors.values():
            close = getattr(ingestor.extractor, "close", None)
            if callable(close):
                close()
        _ingestors.clear()


# -- the pipeline ---------------------------------------------------------------------------
def open_graph(loaded: LoadedConfig) -> GraphStore:
    """The graph, opened read-write with the configured engine settings."""
    graph = loaded.settings.graph
    return GraphStore(
        graph_path(loaded.state_dir),
        engine=graph.engine,
        buffer_pool_mb=graph.buffer_pool_mb,
        checkpoint_mb=graph.checkpoint_mb,
    )


def pipeline_name(connector: str) -> str:
    return "siphon_" + re.sub(r"[^a-zA-Z0-9_]", "_", connector)


def pipelines_dir(state_dir: Path) -> Path:
    return state_dir / PIPELINES_DIR


#: dlt saves a file by writing a temporary one named by 16 hex digits in the same storage, then
#: renaming it. A kill between the two leaves the temporary file behind, and dlt then takes it
#: for a schema (InvalidSchemaName) on every later run: the connector would never sync again.
_DLT_TEMP_FILE = re.compile(r"[0-9a-f]{16}")
#: Loaded packages dlt keeps (their job files are deleted; a few small JSON files remain each):
#: the newest are kept for inspection, older ones would pile up with every sync.
KEEP_LOADED_PACKAGES = 20


def tidy_pipeline_dir(directory: Path) -> None:
    """Before a run: drop what a killed run left half-written, and old loaded packages."""
    if not directory.is_dir():
        return
    loaded = directory / "load" / "loaded"
    if loaded.is_dir():
        packages = sorted((p for p in loaded.iterdir() if p.is_dir()), key=_load_id)
        for package in packages[:-KEEP_LOADED_PACKAGES]:
            shutil.rmtree(package, ignore_errors=True)
    for path in directory.rglob("*"):
        if _DLT_TEMP_FILE.fullmatch(path.name) and path.is_file():
            log.warning("sync.interrupted_write_removed path=%s", path)
            path.unlink(missing_ok=True)


def _load_id(package: Path) -> float:
    try:
        return float(package.name)
    except ValueError:
        return 0.0


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = ensure_pendulum_datetime(value)
    return datetime.fromtimestamp(moment.timestamp(), UTC)


def _resource(
    stream: Stream,
    lookback: timedelta,
    stop: threading.Event | None,
    counts: dict[str, int],
) -> Any:
    """One dlt resource per connector stream; incremental ones keep their cursor in dlt."""
    hints: dict[str, Any] = {
        "name": stream.name,
        "table_name": stream.table,
        "primary_key": "id",
        "write_disposition": "append",
        "columns": COLUMNS[stream.table],
        "max_table_nesting": 0,
    }

    def rows(since: datetime | None) -> Iterator[dict[str, Any]]:
        for record in stream.fetch(since):
            if stop is not None and stop.is_set():
                raise SyncStopped("stop requested during extraction")
            counts[stream.table] = counts.get(stream.table, 0) + 1
            yield record.model_dump(mode="python")

    if not stream.incremental:

        @dlt.resource(**hints)
        def full() -> Iterator[dict[str, Any]]:
            yield from rows(None)

        return full

    lag = lookback.total_seconds()

    @dlt.resource(**hints)
    def incremental(
        updated_at: Any = dlt.sources.incremental(  # noqa: B008 - dlt's declared-cursor idiom
            CURSOR, initial_value=None, lag=lag or None, on_cursor_value_missing="include"
        ),
    ) -> Iterator[dict[str, Any]]:
        # With ``lag`` dlt hands out the saved cursor already moved back by the lookback, and
        # lets re-read rows inside that window through: edits and late replies land there.
        last = _aware(updated_at.last_value)
        if last is not None and not lag:
            last -= lookback
        yield from rows(last)

    return incremental


def _source(connector: Connector, stop: threading.Event | None, counts: dict[str, int]) -> Any:
    lookback = connector.config.lookback

    @dlt.source(name=connector.type_name, max_table_nesting=0)
    def source() -> list[Any]:
        return [_resource(s, lookback, stop, counts) for s in connector.streams()]

    return source()


class _Sink:
    """The ``@dlt.destination`` body: validate, ingest in a write window, count."""

    def __init__(
        self,
        name: str,
        graph: GraphAccess,
        ingestor: Ingestor,
        report: SyncReport,
        stop: threading.Event | None,
        progress: Callable[[str, int], None] | None,
    ) -> None:
        self.name = name
        self.graph = graph
        self.ingestor = ingestor
        self.report = report
        self.stop = stop
        self.progress = progress
        self.ingest = IngestReport()

    def __call__(self, items: TDataItems, table: TTableSchema) -> None:
        if self.stop is not None and self.stop.is_set():
            # Leave this and later batches pending: dlt loads them on the next run.
            raise SyncStopped("stop requested during loading")
        table_name = str(table["name"])
        model = MODEL_OF.get(table_name)  # type: ignore[call-overload]
        if model is None:
            return  # dlt's own tables never reach a custom destination; anything else is not ours
        records: list[AnyRecord] = []
        for item in items:
            try:
                records.append(model.model_validate(dict(item)))
            except ValidationError as exc:
                self.report.skipped += 1
                log.warning(
                    "sync.record_invalid connector=%s table=%s record=%s error=%s",
                    self.name,
                    table_name,
                    item.get("id", "?"),
                    exc.errors(include_url=False)[0]["msg"] if exc.errors() else exc,
                )
        if not records:
            return
        started = time.perf_counter()
        with self.graph.write_window() as store:
            result = self.ingestor.ingest(store, records)
        self.report.ingest_seconds += time.perf_counter() - started
        self.report.batches += 1
        self.ingest.add(result)
        for error in result.errors:
            log.warning("sync.record_failed connector=%s %s", self.name, error)
        if self.progress is not None:
            self.progress(table_name, len(records))


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception dlt wrapped (ResourceExtractionError, PipelineStepFailed...)."""
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        inner = getattr(current, "exception", None)
        if isinstance(inner, BaseException):
            current = inner
            continue
        if current.__cause__ is not None:
            current = current.__cause__
            continue
        if current.__context__ is not None and not isinstance(current, ConnectorError):
            current = current.__context__
            continue
        break
    return current


def _classify(exc: BaseException) -> tuple[ErrorKind, str]:
    cause = _root_cause(exc)
    if isinstance(cause, FatalError):
        return "fatal", str(cause)
    if isinstance(cause, RetriableError):
        return "retriable", str(cause)
    if isinstance(cause, SkippableError):
        return "skippable", str(cause)
    if isinstance(cause, SyncStopped):
        return "retriable", str(cause)
    return "retriable", f"{type(cause).__name__}: {cause}"


def make_connector(loaded: LoadedConfig, name: str) -> Connector:
    """Instantiate the configured connector ``name``."""
    config: ConnectorConfig = loaded.connectors[name]
    return registry.get(config.type)(name, config)


def sync_connector(
    loaded: LoadedConfig,
    name: str,
    *,
    graph: GraphAccess,
    stop: threading.Event | None = None,
    progress: Callable[[str, int], None] | None = None,
    ingestor: Ingestor | None = None,
    connector: Connector | None = None,
) -> SyncReport:
    """Run one sync pass of connector ``name``: load what a crash left pending, then extract
    everything new since the cursor (minus the lookback) and load it into the graph.

    Connector failures are reported, not raised; a stop request raises ``SyncStopped`` after
    leaving dlt's state safely pending.
    """
    report = SyncReport(connector=name)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    ingestor = ingestor or shared_ingestor(loaded)
    sink = _Sink(name, graph, ingestor, report, stop, progress)

    def load_batch(items: TDataItems, table: TTableSchema) -> None:
        sink(items, table)

    destination = dlt.destination(
        load_batch,
        name="siphon_graph",
        batch_size=loaded.settings.graph.batch_size,
        loader_file_format="typed-jsonl",
        naming_convention="direct",
        skip_dlt_columns_and_tables=True,
        max_table_nesting=0,
        loader_parallelism_strategy="sequential",
    )
    tidy_pipeline_dir(pipelines_dir(loaded.state_dir) / pipeline_name(name))
    pipeline = dlt.pipeline(
        pipeline_name=pipeline_name(name),
        pipelines_dir=str(pipelines_dir(loaded.state_dir)),
        destination=destination,
        dataset_name=pipeline_name(name),
    )
    own_connector = connector is None
    stopped: SyncStopped | None = None
    try:
        connector = connector or make_connector(loaded, name)
        if pipeline.has_pending_data:
            # A crash or stop left extracted data behind: run() loads it and extracts nothing.
            report.resumed_pending = True
            log.info("sync.resume_pending connector=%s", name)
            pipeline.run()
        # One dlt run per stream, in the connector's order (people and channels before the
        # documents that refer to them): dlt starts a package's jobs in directory order, and
        # resolution must see the same order on every run for a restart to rebuild the same graph.
        for stream in connector.streams():
            pipeline.run(_source(connector, stop, counts).with_resources(stream.name))
    except Exception as exc:
        cause = _root_cause(exc)
        if isinstance(cause, SyncStopped):
            stopped = cause
        else:
            report.ok = False
            report.error_kind, report.error = _classify(exc)
            log.error(
                "sync.failed connector=%s kind=%s error=%s", name, report.error_kind, report.error
            )
    finally:
        if connector is not None:
            report.http_seconds = connector.api.http_seconds
            report.requests = connector.api.requests
            report.skipped += connector.skipped
            if own_connector:
                connector.close()
    report.records = counts
    report.documents = sink.ingest.documents
    report.decisions = sink.ingest.decisions
    report.unchanged = sink.ingest.unchanged
    report.skipped += sink.ingest.skipped
    report.cursor = _cursor(pipeline)
    report.seconds = time.perf_counter() - started
    _record_source(graph, loaded, name, report)
    if stopped is not None:
        raise stopped
    log.info(
        "sync.done connector=%s ok=%s records=%d documents=%d decisions=%d skipped=%d "
        "seconds=%.2f http_seconds=%.2f",
        name,
        report.ok,
        report.total_records,
        report.documents,
        report.decisions,
        report.skipped,
        report.seconds,
        report.http_seconds,
    )
    return report


def _cursor(pipeline: Any) -> datetime | None:
    """The newest saved document cursor of a pipeline, for lag reporting."""
    try:
        sources = pipeline.state.get("sources", {})
    except Exception:  # a pipeline that never ran has no state yet
        return None
    newest: datetime | None = None
    for source in sources.values():
        for resource in source.get("resources", {}).values():
            value = resource.get("incremental", {}).get(CURSOR, {}).get("last_value")
            moment = _aware(value)
            if moment is not None and (newest is None or moment > newest):
                newest = moment
    return newest


def _record_source(graph: GraphAccess, loaded: LoadedConfig, name: str, report: SyncReport) -> None:
    config = loaded.connectors.get(name)
    batch = GraphBatch()
    row: dict[str, Any] = {
        "name": name,
        "type": config.type if config else None,
        "status": "ok" if report.ok else report.error_kind,
        "last_error": report.error,
    }
    if report.ok:
        row["last_sync_at"] = report.started_at
    batch.node("Source", **row)
    try:
        with graph.write_window() as store:
            store.write(batch)
    except Exception as exc:  # the sync's own outcome matters more than its status row
        log.warning("sync.status_not_recorded connector=%s error=%s", name, exc)
