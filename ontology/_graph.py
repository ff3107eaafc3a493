"""The graph store: the only module that imports the graph engine (Kùzu or its fork LadybugDB).

Writes go through ``GraphStore.write(GraphBatch)``: one transaction per batch, built on the fast
paths measured in ARCHITECTURE.md — ``LOAD FROM <arrow> MERGE`` for nodes and ``COPY <rel> FROM
<arrow>`` for relationships — and idempotent: nodes are upserted on their primary key, and an
edge first replaces any edge with the same key, so writing a batch twice changes nothing.
Analyst reads go through ``GraphStore.query``: a read-only transaction with a time limit and a
row limit.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa

from ontology._schema import MIGRATIONS, NODES, RELS, SCHEMA_VERSION, NodeTable, RelTable

ENGINES = {"kuzu": "kuzu", "ladybug": "ladybug"}
DEFAULT_ENGINE = "kuzu"
GRAPH_FILENAME = "graph.kuzu"

_ARROW_TYPES: dict[str, pa.DataType] = {
    "STRING": pa.string(),
    "INT64": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "STRING[]": pa.list_(pa.string()),
}


class GraphError(Exception):
    """Something about the graph an operator or analyst must know; the message says what."""


class GraphNotFoundError(GraphError):
    pass


class GraphLockedError(GraphError):
    pass


class SchemaVersionError(GraphError):
    pass


class QueryError(GraphError):
    """An analyst query failed: bad Cypher, a refused operation, a limit reached."""


class QueryRefusedError(QueryError):
    pass


class QueryTimeoutError(QueryError):
    pass


def load_engine(engine: str = DEFAULT_ENGINE) -> ModuleType:
    """Import the graph engine module named in config (``kuzu`` or ``ladybug``)."""
    if engine not in ENGINES:
        raise GraphError(f"unknown graph engine {engine!r}; expected one of {sorted(ENGINES)}")
    try:
        return importlib.import_module(ENGINES[engine])
    except ImportError as exc:
        raise GraphError(
            f"graph engine {engine!r} is not installed ({exc}); "
            + ("pip install 'ambient-siphon[ladybug]'" if engine == "ladybug" else "reinstall")
        ) from exc


def graph_path(state_dir: Path) -> Path:
    """Where the graph lives inside a state dir."""
    return state_dir / GRAPH_FILENAME


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    elapsed_ms: float = 0.0


@dataclass
class WriteStats:
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class GraphBatch:
    """Everything one ingested batch changes, written in one transaction by ``GraphStore.write``.

    - ``nodes[table]``: rows upserted on the primary key; only the columns present are set.
    - ``edges[rel]``: rows ``{"from": id, "to": id, **props}``; an existing edge with the same
      key (from, to and the rel's key properties) is replaced, never doubled.
    - ``clear_out[rel]`` / ``clear_in[rel]``: node ids whose outgoing / incoming ``rel`` edges
      are removed first — how an edited document drops stale edges before its new ones land.
    - ``delete[table]``: node ids removed with their edges.
    """

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    clear_out: dict[str, set[str]] = field(default_factory=dict)
    clear_in: dict[str, set[str]] = field(default_factory=dict)
    delete: dict[str, set[str]] = field(default_factory=dict)

    def node(self, table: str, **row: Any) -> None:
        self.nodes.setdefault(table, []).append(row)

    def edge(self, rel: str, source: str, target: str, **props: Any) -> None:
        self.edges.setdefault(rel, []).append({"from": source, "to": target, **props})

    def replace_out(self, rel: str, *ids: str) -> None:
        self.clear_out.setdefault(rel, set()).update(ids)

    def replace_in(self, rel: str, *ids: str) -> None:
        self.clear_in.setdefault(rel, set()).update(ids)

    def remove(self, table: str, *ids: str) -> None:
        self.delete.setdefault(table, set()).update(ids)

    def merge(self, other: GraphBatch) -> None:
        for table, rows in other.nodes.items():
            self.nodes.setdefault(table, []).extend(rows)
        for rel, rows in other.edges.items():
            self.edges.setdefault(rel, []).extend(rows)
        for target, source in (
            (self.clear_out, other.clear_out),
            (self.clear_in, other.clear_in),
            (self.delete, other.delete),
        ):
            for key, ids in source.items():
                target.setdefault(key, set()).update(ids)

    def __bool__(self) -> bool:
        return any((self.nodes, self.edges, self.clear_out, self.clear_in, self.delete))


#: Properties that are part of an edge's identity besides its endpoints.
EDGE_KEYS: dict[str, tuple[str, ...]] = {"RELATED": ("predicate",), "LINKS_TO": ("kind",)}

_WRITE_REFUSED = re.compile(r"read-only|read only|readonly", re.IGNORECASE)
# Clauses refused in analyst queries even when read-only: they reach the file system or other
# databases, or end the read-only transaction the query runs in.
_REFUSED_CLAUSES = re.compile(
    r"(?<![\w.`])(COPY|EXPORT|IMPORT|ATTACH|DETACH\s+DATABASE|INSTALL|LOAD|USE|BEGIN|COMMIT|"
    r"ROLLBACK|CHECKPOINT)(?![\w`])",
    re.IGNORECASE,
)


def _strip_literals(cypher: str) -> str:
    """Cypher with string literals, quoted names and comments blanked, for keyword checks."""
    out = re.sub(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`", "''", cypher)
    out = re.sub(r"//[^\n]*|/\*.*?\*/", " ", out, flags=re.DOTALL)
    return out


# ``IN`` (Document->Container) is a Cypher keyword; let analysts write ``[:IN]`` unquoted.
_BARE_IN_REL = re.compile(r"(\[\s*\w*\s*:\s*(?:`?\w+`?\s*\|\s*)*)IN(?=\s*[\]|*{])")


def quote_keyword_rels(cypher: str) -> str:
    """Quote relationship names that collide with Cypher keywords (``[:IN]`` -> ``[:`IN`]``)."""
    return _BARE_IN_REL.sub(r"\1`IN`", cypher)


def check_read_only_cypher(cypher: str) -> str:
    """Refuse what a read-only analyst query must not do; return the statement to run."""
    statement = cypher.strip().rstrip(";").strip()
    if not statement:
        raise QueryRefusedError("the query is empty")
    bare = _strip_literals(statement)
    if ";" in bare:
        raise QueryRefusedError("one statement per query: remove the ';' between statements")
    match = _REFUSED_CLAUSES.search(bare)
    if match:
        raise QueryRefusedError(
            f"{match.group(1).upper()} is not allowed in a query: queries are read-only and "
            "cannot reach files, extensions, other databases or transactions"
        )
    return quote_keyword_rels(statement)


def _with_placeholders(batch: GraphBatch) -> dict[str, list[dict[str, Any]]]:
    """The batch's node rows plus a key-only row for every edge endpoint the batch does not
    write itself (it may exist already; if not, it is created as a placeholder)."""
    nodes = {table: list(rows) for table, rows in batch.nodes.items()}
    for rel_name, rows in batch.edges.items():
        rel = RELS[rel_name]
        for table, end in ((rel.source, "from"), (rel.target, "to")):
            pk = NODES[table].primary_key
            have = {row[pk] for row in nodes.get(table, [])}
            missing = sorted({row[end] for row in rows} - have)
            if missing:
                nodes.setdefault(table, []).extend({pk: key} for key in missing)
    return nodes


def _one_edge_per_node(batch: GraphBatch) -> dict[str, tuple[str, dict[Any, dict[str, Any]]]]:
    """Per node table, one relationship (if any) whose edges can ride along with the node
    upserts: each source node written in this batch has at most one such edge, every edge's
    source is written in this batch, the edge has no key properties, and it does not point
    back into its own table (its target must exist before the statement)."""
    riders: dict[str, tuple[str, dict[Any, dict[str, Any]]]] = {}
    for rel_name, rows in sorted(batch.edges.items()):
        rel = RELS[rel_name]
        if rel_name in EDGE_KEYS or rel.source in riders or rel.source == rel.target or not rows:
            continue
        written = {row[NODES[rel.source].primary_key] for row in batch.nodes.get(rel.source, [])}
        by_source: dict[Any, dict[str, Any]] = {}
        for row in rows:
            if row["from"] not in written or (
                row["from"] in by_source and by_source[row["from"]]["to"] != row["to"]
            ):
                break
            by_source[row["from"]] = row  # the same edge twice: last props win, as elsewhere
        else:
            riders[rel.source] = (rel_name, by_source)
    # a rider's target table must be written before it: no rider into another rider's table
    for table in sorted(riders):
        if RELS[riders[table][0]].target in riders:
            del riders[table]
    return riders


def _utc_naive(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _column(values: list[Any], kind: str) -> pa.Array:
    arrow_type = _ARROW_TYPES[kind]
    if kind == "TIMESTAMP":
        values = [_utc_naive(v) for v in values]
    elif kind == "DATE":
        values = [v.date() if isinstance(v, datetime) else v for v in values]
    return pa.array(values, type=arrow_type)


class GraphStore:
    """An open graph: read-write (the daemon, ``siphon sync``) or read-only (analysts)."""

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        engine: str = DEFAULT_ENGINE,
        buffer_pool_mb: int | None = None,
        migrate: bool = True,
        max_db_size_mb: int | None = None,
        max_threads: int | None = None,
        checkpoint_mb: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.engine_name = engine
        self._engine = load_engine(engine)
        self._lock = threading.RLock()
        if read_only and not self.path.exists():
            raise GraphNotFoundError(
                f"no graph at {self.path} yet; run `siphon sync` or `siphon demo` to build one"
            )
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"read_only": read_only}
        if buffer_pool_mb:
            kwargs["buffer_pool_size"] = buffer_pool_mb * 1024 * 1024
        # The engine reserves 8 TB of address space by default; a process under RLIMIT_AS (the
        # bounded query worker) must reserve only what the database can grow to.
        if max_db_size_mb:  # the engine wants a power of two
            kwargs["max_db_size"] = 1 << (max_db_size_mb * 1024 * 1024 - 1).bit_length()
        if max_threads:
            kwargs["max_num_threads"] = max_threads
        if checkpoint_mb and not read_only:
            kwargs["checkpoint_threshold"] = checkpoint_mb * 1024 * 1024
        try:
            self._db = self._engine.Database(str(self.path), **kwargs)
        except RuntimeError as exc:
            raise self._open_error(exc) from exc
        self._conn = self._engine.Connection(self._db)
        if read_only:
            self._check_version()
        elif migrate:
            self.migrate()

    def _open_error(self, exc: Exception) -> GraphError:
        text = str(exc)
        if "lock" in text.lower():
            return GraphLockedError(
                f"the graph at {self.path} is in use by another process (probably the running "
                "daemon: query it through its API, or stop it first)"
            )
        return GraphError(f"cannot open the graph at {self.path}: {text}")

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            if getattr(self, "_conn", None) is not None:
                self._conn.close()
                self._conn = None
            if getattr(self, "_db", None) is not None:
                self._db.close()
                self._db = None

    @property
    def closed(self) -> bool:
        return getattr(self, "_db", None) is None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The highest applied migration, 0 for an empty database."""
        tables = {row[0] for row in self.execute("CALL show_tables() RETURN name")}
        if "SchemaVersion" not in tables:
            return 0
        rows = self.execute("MATCH (v:SchemaVersion) RETURN max(v.version)")
        return int(rows[0][0] or 0) if rows else 0

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the graph at {self.path} has schema v{version}, newer than this siphon "
                f"understands (v{SCHEMA_VERSION}); upgrade siphon"
            )
        if version < SCHEMA_VERSION and self.read_only:
            raise SchemaVersionError(
                f"the graph at {self.path} has schema v{version}; this siphon needs "
                f"v{SCHEMA_VERSION}: run any read-write command (e.g. `siphon sync`) to migrate"
            )

    def migrate(self) -> list[int]:
        """Apply pending migrations in order; return the versions applied (empty: a no-op)."""
        self._check_version()
        current = self.schema_version()
        applied: list[int] = []
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self.transaction():
                for statement in migration.statements:
                    self._conn.execute(statement)
                self._conn.execute(
                    "CREATE (:SchemaVersion {version: $v, applied_at: $at, description: $d})",
                    {
                        "v": migration.version,
                        "at": datetime.now(UTC).replace(tzinfo=None),
                        "d": migration.description,
                    },
                )
            applied.append(migration.version)
        return applied

    # -- low level -------------------------------------------------------------------------
    def execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Run trusted Cypher from inside the project (no limits); return all rows."""
        with self._lock:
            result = self._conn.execute(cypher, dict(params or {}))
            rows: list[list[Any]] = []
            while result.has_next():
                rows.append(result.get_next())
            return rows

    def execute_for(
        self, ids: Iterable[str], cypher: str, params: Mapping[str, Any] | None = None
    ) -> list[list[Any]]:
        """Run ``LOAD FROM <ids> <cypher>`` where ``cypher`` refers to each id as ``id``.

        Use it instead of ``WHERE x.id IN $list``: Kùzu evaluates an IN-list per row (5.6 s
        for 1M rows, measured) but turns this form into one hash join (0.1 s).
        """
        keys = sorted(set(ids))
        if not keys:
            return []
        arrow = pa.table({"id": pa.array(keys, type=pa.string())})
        return self.execute(f"LOAD FROM $__ids {cypher}", {**(params or {}), "__ids": arrow})

    def rows(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Like ``execute`` but each row a dict keyed by column name."""
        with self._lock:
            result = self._conn.execute(cypher, dict(params or {}))
            columns = result.get_column_names()
            out = []
            while result.has_next():
                out.append(dict(zip(columns, result.get_next(), strict=True)))
            return out

    class _Transaction:
        def __init__(self, store: GraphStore) -> None:
            self.store = store

        def __enter__(self) -> None:
            self.store._lock.acquire()
            self.store._conn.execute("BEGIN TRANSACTION")

        def __exit__(self, exc_type: object, *rest: object) -> None:
            try:
                if exc_type is None:
                    self.store._conn.execute("COMMIT")
                else:
                    self.store._rollback()
            finally:
                self.store._lock.release()

    def _rollback(self) -> None:
        # A failed statement may already have aborted the transaction; that is fine.
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as exc:
            if "no active transaction" not in str(exc).lower():
                raise

    def transaction(self) -> GraphStore._Transaction:
        """A read-write transaction: commits on success, rolls back on any exception."""
        if self.read_only:
            raise GraphError("this graph was opened read-only")
        return GraphStore._Transaction(self)

    # -- bulk writes -----------------------------------------------------------------------
    def write(self, batch: GraphBatch) -> WriteStats:
        """Apply a batch in one transaction; idempotent (see ``GraphBatch``)."""
        stats = WriteStats()
        started = time.perf_counter()
        with self.transaction():
            for table, ids in batch.delete.items():
                stats.deleted[table] = self._delete_nodes(NODES[table], ids)
            # Only nodes that existed before this batch can have stale edges to clear; during a
            # backfill almost none do, and skipping the clear skips a scan of the whole table.
            clears = [(rel, ids, True) for rel, ids in batch.clear_out.items()]
            clears += [(rel, ids, False) for rel, ids in batch.clear_in.items()]
            wanted: dict[str, set[str]] = {}
            for rel, ids, outgoing in clears:
                table = RELS[rel].source if outgoing else RELS[rel].target
                wanted.setdefault(table, set()).update(ids)
            existing = {table: self._existing(NODES[table], ids) for table, ids in wanted.items()}
            for rel, ids, outgoing in clears:
                table = RELS[rel].source if outgoing else RELS[rel].target
                self._clear_edges(RELS[rel], ids & existing[table], outgoing=outgoing)
            # Every edge endpoint exists before any statement that MERGEs an edge: kuzu 0.11.3
            # binds a later row of one LOAD FROM statement to the wrong node when an earlier
            # row of that statement created the node (reproduced; see the tests).
            nodes = _with_placeholders(batch)
            riders = _one_edge_per_node(batch)
            # tables whose nodes carry edges go last, so those edges' targets already exist
            for table in sorted(nodes, key=lambda t: t in riders):
                rider = riders.get(table)
                stats.nodes[table] = self._upsert_nodes(NODES[table], nodes[table], rider)
                if rider is not None:
                    stats.edges[rider[0]] = len(rider[1])
            ridden = {rider[0] for rider in riders.values()}
            for rel, rows in batch.edges.items():
                if rel not in ridden:
                    stats.edges[rel] = self._put_edges(RELS[rel], rows)
        stats.seconds = time.perf_counter() - started
        return stats

    def _existing(self, table: NodeTable, ids: Iterable[str]) -> set[str]:
        keys = sorted(set(ids))
        if not keys:
            return set()
        pk = table.primary_key
        arrow = pa.table({"c0": _column(keys, table.column_types()[pk])})
        rows = self._conn.execute(
            f"LOAD FROM $t MATCH (n:`{table.name}` {{{pk}: c0}}) RETURN n.{pk}", {"t": arrow}
        )
        found: set[str] = set()
        while rows.has_next():
            found.add(rows.get_next()[0])
        return found

    def _upsert_nodes(
        self,
        table: NodeTable,
        rows: list[dict[str, Any]],
        rider: tuple[str, dict[Any, dict[str, Any]]] | None = None,
    ) -> int:
        """Upsert nodes; ``rider`` is (rel, {node id: edge row}) for a relationship every
        node has at most one of in this batch (a document IN its container): those edges are
        merged in the same statement, which saves a scan of the whole node table."""
        if not rows:
            return 0
        pk = table.primary_key
        types = table.column_types()
        merged: dict[Any, dict[str, Any]] = {}
        for row in rows:  # last write wins within a batch; columns accumulate
            key = row[pk]
            if key in merged:
                merged[key].update(row)
            else:
                merged[key] = dict(row)
        # Rows are written in groups of identical column sets, so a row that names only some
        # columns (a placeholder for a referenced node) never blanks the others.
        edges = rider[1] if rider is not None else {}
        groups: dict[tuple[tuple[str, ...], bool], list[dict[str, Any]]] = {}
        for row in merged.values():
            shape = (tuple(sorted(set(row) - {pk})), row[pk] in edges)
            groups.setdefault(shape, []).append(row)
        for (rest, with_edge), group in groups.items():
            unknown = [c for c in rest if c not in types]
            if unknown:
                raise GraphError(f"{table.name} has no properties {unknown}")
            columns = [pk, *rest]
            data = {
                f"c{i}": _column([r[c] for r in group], types[c]) for i, c in enumerate(columns)
            }
            sets = ", ".join(f"n.{c} = c{i}" for i, c in enumerate(columns) if i > 0)
            cypher = f"LOAD FROM $t MERGE (n:`{table.name}` {{{pk}: c0}})"
            if sets:
                cypher += f" SET {sets}"
            if with_edge and rider is not None:
                rel = RELS[rider[0]]
                dst = NODES[rel.target]
                rows_of = [edges[r[pk]] for r in group]
                data["e0"] = _column(
                    [e["to"] for e in rows_of], dst.column_types()[dst.primary_key]
                )
                props = []
                for j, (prop, kind) in enumerate(rel.columns, start=1):
                    data[f"e{j}"] = _column([e.get(prop) for e in rows_of], kind)
                    props.append(f"r.{prop} = e{j}")
                cypher += (
                    f" MERGE (b:`{rel.target}` {{{dst.primary_key}: e0}})"
                    f" MERGE (n)-[r:`{rel.name}`]->(b)"
                    + (f" SET {', '.join(props)}" if props else "")
                )
            self._conn.execute(cypher, {"t": pa.table(data)})
        return len(merged)

    def _delete_nodes(self, table: NodeTable, ids: Iterable[str]) -> int:
        keys = sorted(set(ids))
        if not keys:
            return 0
        types = table.column_types()
        arrow = pa.table({"c0": _column(keys, types[table.primary_key])})
        self._conn.execute(
            f"LOAD FROM $t MATCH (n:`{table.name}` {{{table.primary_key}: c0}}) DETACH DELETE n",
            {"t": arrow},
        )
        return len(keys)

    def _clear_edges(self, rel: RelTable, ids: Iterable[str], *, outgoing: bool) -> None:
        keys = sorted(set(ids))
        if not keys:
            return
        node = NODES[rel.source if outgoing else rel.target]
        arrow = pa.table({"c0": _column(keys, node.column_types()[node.primary_key])})
        pattern = (
            f"(a:`{rel.source}` {{{node.primary_key}: c0}})-[r:`{rel.name}`]->()"
            if outgoing
            else f"()-[r:`{rel.name}`]->(b:`{rel.target}` {{{node.primary_key}: c0}})"
        )
        self._conn.execute(f"LOAD FROM $t MATCH {pattern} DELETE r", {"t": arrow})

    def _put_edges(self, rel: RelTable, rows: list[dict[str, Any]]) -> int:
        """Upsert edges keyed on (from, to, key properties).

        Binding both endpoints with MERGE and then MERGE-ing the edge keeps Kùzu on its
        primary-key path and its WAL: ``COPY`` would force a checkpoint of the whole database
        at every commit (0.25 s per batch at 1M documents, measured), and ``MATCH ... CREATE``
        hash-joins full table scans. An endpoint not written yet becomes a placeholder node.
        """
        if not rows:
            return 0
        key_props = EDGE_KEYS.get(rel.name, ())
        unique: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in rows:
            unique[(row["from"], row["to"], *(row.get(k) for k in key_props))] = row
        src, dst = NODES[rel.source], NODES[rel.target]
        values = list(unique.values())
        types = rel.column_types()
        data: dict[str, pa.Array] = {
            "c0": _column([r["from"] for r in values], src.column_types()[src.primary_key]),
            "c1": _column([r["to"] for r in values], dst.column_types()[dst.primary_key]),
        }
        columns = [name for name, _ in rel.columns]
        for i, prop in enumerate(columns, start=2):
            data[f"c{i}"] = _column([r.get(prop) for r in values], types[prop])
        index = {prop: f"c{i}" for i, prop in enumerate(columns, start=2)}
        key = ", ".join(f"{p}: {index[p]}" for p in key_props)
        sets = ", ".join(f"r.{p} = {index[p]}" for p in columns if p not in key_props)
        cypher = (
            f"LOAD FROM $t MERGE (a:`{rel.source}` {{{src.primary_key}: c0}}) "
            f"MERGE (b:`{rel.target}` {{{dst.primary_key}: c1}}) "
            f"MERGE (a)-[r:`{rel.name}`{' {' + key + '}' if key else ''}]->(b)"
            + (f" SET {sets}" if sets else "")
        )
        try:
            self._conn.execute(cypher, {"t": pa.table(data)})
        except RuntimeError as exc:
            raise GraphError(f"writing {rel.name} edges failed: {exc}") from exc
        return len(values)

    # -- reads -----------------------------------------------------------------------------
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = 30.0,
        max_rows: int | None = 10_000,
    ) -> QueryResult:
        """Run an analyst query: read-only transaction, time limit, row limit."""
        statement = check_read_only_cypher(cypher)
        started = time.perf_counter()
        with self._lock:
            self._conn.set_query_timeout(int(timeout_s * 1000) if timeout_s else 0)
            try:
                self._conn.execute("BEGIN TRANSACTION READ ONLY")
                try:
                    result = self._conn.execute(statement, dict(params or {}))
                    columns = list(result.get_column_names())
                    rows: list[list[Any]] = []
                    truncated = False
                    while result.has_next():
                        if max_rows is not None and len(rows) >= max_rows:
                            truncated = True
                            break
                        rows.append(result.get_next())
                finally:
                    self._rollback()
            except RuntimeError as exc:
                raise _query_error(exc, timeout_s) from exc
            finally:
                self._conn.set_query_timeout(0)
        return QueryResult(columns, rows, truncated, (time.perf_counter() - started) * 1000)

    def counts(self) -> dict[str, int]:
        """Rows per node and relationship table."""
        out: dict[str, int] = {}
        for name in NODES:
            out[name] = int(self.execute(f"MATCH (n:`{name}`) RETURN count(n)")[0][0])
        for name in RELS:
            out[name] = int(self.execute(f"MATCH ()-[r:`{name}`]->() RETURN count(r)")[0][0])
        return out


def _query_error(exc: RuntimeError, timeout_s: float | None) -> QueryError:
    text = str(exc)
    if _WRITE_REFUSED.search(text):
        return QueryRefusedError(
            "this query writes to the graph; queries are read-only (CREATE, MERGE, SET, DELETE "
            "and DDL are refused)"
        )
    if "interrupt" in text.lower():
        return QueryTimeoutError(f"the query ran past its time limit of {timeout_s:g}s")
    return QueryError(text)


def to_jsonable(value: Any) -> Any:
    """Turn engine values (nodes, rels, datetimes) into plain JSON-friendly Python."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items() if k not in ("_id",)}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
