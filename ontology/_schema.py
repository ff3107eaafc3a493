"""Graph schema as data: the analyst contract (v1) and its migrations.

Table and property names here are a public interface documented in ``docs/schema.md``; change
them only with a new migration. This module does not import the graph engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Kùzu column types used by the schema.
ColumnType = str


@dataclass(frozen=True)
class NodeTable:
    name: str
    columns: tuple[tuple[str, ColumnType], ...]  # the primary key first
    description: str = ""

    @property
    def primary_key(self) -> str:
        return self.columns[0][0]

    def column_types(self) -> dict[str, ColumnType]:
        return dict(self.columns)

    def ddl(self) -> str:
        cols = ", ".join(f"{name} {kind}" for name, kind in self.columns)
        return (
            f"CREATE NODE TABLE IF NOT EXISTS `{self.name}`({cols}, "
            f"PRIMARY KEY ({self.primary_key}))"
        )


@dataclass(frozen=True)
class RelTable:
    name: str
    source: str
    target: str
    columns: tuple[tuple[str, ColumnType], ...] = ()
    description: str = ""

    def column_types(self) -> dict[str, ColumnType]:
        return dict(self.columns)

    def ddl(self) -> str:
        props = "".join(f", {name} {kind}" for name, kind in self.columns)
        return (
            f"CREATE REL TABLE IF NOT EXISTS `{self.name}`"
            f"(FROM `{self.source}` TO `{self.target}`{props})"
        )


S, INT, D, B, T, DT, SL = "STRING", "INT64", "DOUBLE", "BOOLEAN", "TIMESTAMP", "DATE", "STRING[]"

NODE_TABLES: tuple[NodeTable, ...] = (
    NodeTable(
        "Source",
        (("name", S), ("type", S), ("last_sync_at", T), ("status", S), ("last_error", S)),
        "a configured connector instance",
    ),
    NodeTable(
        "Container",
        (("id", S), ("source", S), ("kind", S), ("name", S), ("url", S), ("properties", S)),
        "a Slack channel, Jira project, CRM pipeline or object type",
    ),
    NodeTable(
        "Document",
        (
            ("id", S),
            ("source", S),
            ("kind", S),
            ("title", S),
            ("text", S),
            ("url", S),
            ("created_at", T),
            ("updated_at", T),
            ("deleted", B),
            ("text_hash", S),
        ),
        "a message, reply, issue, comment, deal, note or task",
    ),
    NodeTable(
        "Person",
        (("id", S), ("name", S), ("emails", SL), ("handles", SL), ("is_bot", B)),
        "one human, resolved across sources",
    ),
    NodeTable(
        "Account",
        (
            ("id", S),
            ("source", S),
            ("name", S),
            ("email", S),
            ("handles", SL),
            ("is_bot", B),
            ("deleted", B),
        ),
        "a person as one source knows them (Slack user, Jira account, CRM owner or user)",
    ),
    NodeTable(
        "Entity",
        (
            ("id", S),
            ("name", S),
            ("type", S),
            ("aliases", SL),
            ("mentions", INT),
            ("first_seen", T),
            ("last_seen", T),
            ("merge_reasons", SL),
        ),
        "a thing talked about: a product, technology, organization, component, ...",
    ),
    NodeTable(
        "Concept",
        (
            ("id", S),
            ("name", S),
            ("support", INT),
            ("confidence", D),
            ("learned", B),
            ("version", INT),
        ),
        "an ontology class",
    ),
    NodeTable(
        "Decision",
        (
            ("id", S),
            ("statement", S),
            ("status", S),
            ("rationale", S),
            ("alternatives", SL),
            ("decided_at", T),
            ("confidence", D),
            ("origin", S),
            ("seq", INT),
            ("hash", S),
            ("prev_hash", S),
            ("polarity", S),
            ("deadline", DT),
            ("updated_at", T),
            ("reversal_cue", S),
        ),
        "a decision; origin is 'text' (found by NLP) or 'structured' (a status transition, ...)",
    ),
    NodeTable(
        "LedgerEntry",
        (
            ("seq", INT),
            ("decision_id", S),
            ("at", T),
            ("content_hash", S),
            ("prev_hash", S),
            ("hash", S),
            ("change", S),
        ),
        "one entry of the hash-chained, HMAC-signed decision ledger",
    ),
    NodeTable(
        "Evidence",
        (
            ("id", S),
            ("document_id", S),
            ("kind", S),
            ("subject", S),
            ("object", S),
            ("predicate", S),
            ("pattern", S),
            ("weight", D),
            ("at", T),
        ),
        "one document's evidence for an ontology link (IS_A, instance, relation)",
    ),
    NodeTable(
        "OntologyChange",
        (
            ("id", S),
            ("version", INT),
            ("at", T),
            ("change", S),
            ("subject", S),
            ("detail", S),
        ),
        "the ontology's change log: what was learned or revised, and when",
    ),
    NodeTable(
        "SchemaVersion",
        (("version", INT), ("applied_at", T), ("description", S)),
        "applied schema migrations",
    ),
)

REL_TABLES: tuple[RelTable, ...] = (
    RelTable("IN", "Document", "Container", (), "a document lives in a container"),
    RelTable("REPLY_TO", "Document", "Document", (), "a reply, comment or note to its parent"),
    RelTable("LINKS_TO", "Document", "Document", (("kind", S),), "a CRM association"),
    RelTable(
        "AUTHORED", "Person", "Document", (("account", S),), "who wrote a document (via account)"
    ),
    RelTable("MENTIONS", "Document", "Entity", (("count", INT),), "a document mentions a thing"),
    RelTable(
        "MENTIONS_PERSON",
        "Document",
        "Person",
        (("account", S),),
        "a document mentions a person (account: the mentioned account; null for a name)",
    ),
    RelTable("ACCOUNT_OF", "Account", "Person", (("reason", S),), "an account belongs to a person"),
    RelTable(
        "STATED_IN",
        "Decision",
        "Document",
        (
            ("role", S),
            ("span_start", INT),
            ("span_end", INT),
            ("deciders", SL),
            ("about", SL),
            ("confidence", D),
            ("stated_at", T),
        ),
        "provenance: where a decision was stated (role: stated, confirmed, structured)",
    ),
    RelTable(
        "DECIDED_BY", "Decision", "Person", (("role", S), ("account", S)), "decider or approver"
    ),
    RelTable("ABOUT", "Decision", "Entity", (), "what a decision is about"),
    RelTable(
        "PRECEDENT", "Decision", "Decision", (("similarity", D),), "an earlier similar decision"
    ),
    RelTable(
        "SUPERSEDES", "Decision", "Decision", (("reason", S),), "a later decision replaces one"
    ),
    RelTable(
        "INSTANCE_OF", "Entity", "Concept", (("support", INT), ("confidence", D)), "entity IS_A"
    ),
    RelTable(
        "SUBCLASS_OF", "Concept", "Concept", (("support", INT), ("confidence", D)), "concept IS_A"
    ),
    RelTable(
        "RELATED",
        "Entity",
        "Entity",
        (("predicate", S), ("support", INT), ("confidence", D)),
        "a learned relation between two things",
    ),
)

NODES: dict[str, NodeTable] = {t.name: t for t in NODE_TABLES}
RELS: dict[str, RelTable] = {t.name: t for t in REL_TABLES}


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...] = field(default_factory=tuple)


#: Columns added by migration 2 (provenance for resolution): ``(table, column, type)``.
V2_COLUMNS: tuple[tuple[str, str, ColumnType], ...] = (
    ("AUTHORED", "account", S),
    ("MENTIONS_PERSON", "account", S),
    ("DECIDED_BY", "account", S),
    ("STATED_IN", "deciders", SL),
    ("STATED_IN", "about", SL),
    ("STATED_IN", "confidence", D),
    ("STATED_IN", "stated_at", T),
)


#: Columns added by migration 3: the words that said a decision reverses or replaces an
#: earlier one, kept even when that earlier decision is not (yet) in the graph.
V3_COLUMNS: tuple[tuple[str, str, ColumnType], ...] = (("Decision", "reversal_cue", S),)

_LATER_COLUMNS = {(name, column) for name, column, _ in (*V2_COLUMNS, *V3_COLUMNS)}


def _v1_node(table: NodeTable) -> NodeTable:
    columns = tuple(c for c in table.columns if (table.name, c[0]) not in _LATER_COLUMNS)
    return NodeTable(table.name, columns, table.description)


def _v1_rel(table: RelTable) -> RelTable:
    columns = tuple(c for c in table.columns if (table.name, c[0]) not in _LATER_COLUMNS)
    return RelTable(table.name, table.source, table.target, columns, table.description)


def _add_columns(columns: tuple[tuple[str, str, ColumnType], ...]) -> tuple[str, ...]:
    return tuple(
        f"ALTER TABLE `{name}` ADD IF NOT EXISTS {column} {kind}" for name, column, kind in columns
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "schema v1: the analyst contract",
        tuple(_v1_node(t).ddl() for t in NODE_TABLES) + tuple(_v1_rel(t).ddl() for t in REL_TABLES),
    ),
    Migration(
        2,
        "schema v2: resolution provenance (the account behind AUTHORED, MENTIONS_PERSON and "
        "DECIDED_BY; what each STATED_IN source said: deciders, about, confidence, stated_at)",
        _add_columns(V2_COLUMNS),
    ),
    Migration(
        3,
        "schema v3: Decision.reversal_cue (why a decision reverses or replaces an earlier one)",
        _add_columns(V3_COLUMNS),
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
