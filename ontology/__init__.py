"""Ontology: records -> extraction (spaCy) -> resolution (rapidfuzz) -> learned ontology -> graph.

This package knows nothing about HTTP or scheduling. The graph engine is imported only by
``ontology._graph``.
"""

from ontology._graph import (
    DEFAULT_ENGINE,
    ENGINES,
    GraphBatch,
    GraphError,
    GraphLockedError,
    GraphNotFoundError,
    GraphStore,
    QueryError,
    QueryRefusedError,
    QueryResult,
    QueryTimeoutError,
    SchemaVersionError,
    WriteStats,
    check_read_only_cypher,
    graph_path,
    to_jsonable,
)
from ontology._ledger import (
    KEY_FILENAME,
    Ledger,
    LedgerKeyError,
    LedgerProblem,
    VerifyReport,
    load_or_create_key,
    verify_ledger,
)
from ontology._schema import MIGRATIONS, NODES, RELS, SCHEMA_VERSION

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "KEY_FILENAME",
    "MIGRATIONS",
    "NODES",
    "RELS",
    "SCHEMA_VERSION",
    "GraphBatch",
    "GraphError",
    "GraphLockedError",
    "GraphNotFoundError",
    "GraphStore",
    "Ledger",
    "LedgerKeyError",
    "LedgerProblem",
    "QueryError",
    "QueryRefusedError",
    "QueryResult",
    "QueryTimeoutError",
    "SchemaVersionError",
    "VerifyReport",
    "WriteStats",
    "check_read_only_cypher",
    "graph_path",
    "load_or_create_key",
    "to_jsonable",
    "verify_ledger",
]

from ontology._ingest import Ingestor, IngestReport
from ontology._model import (
    DocumentExtraction,
    EntityMention,
    ExtractedDecision,
    IsaCandidate,
    RelationCandidate,
)

__all__ += [
    "DocumentExtraction",
    "EntityMention",
    "ExtractedDecision",
    "IngestReport",
    "Ingestor",
    "IsaCandidate",
    "RelationCandidate",
]
