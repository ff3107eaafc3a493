"""``Ingestor``: one batch of connector records -> one graph transaction.

Stages: read (one round of keyed graph lookups for the whole batch) -> extract (the spaCy
extractor, batched) -> resolve (people, entities, decisions: in-memory indexes rebuilt from the
graph at start and kept in step) -> learn (ontology evidence) -> seal (the decision ledger) ->
write (``GraphStore.write``: one transaction).

Idempotent on source ids: a re-delivered record whose ``updated_at``, text and deleted flag are
those already in the graph is skipped, and an edited one replaces what it wrote before (its
edges, mentions, decisions and ontology evidence), so ingesting the same batch twice leaves the
graph unchanged. If a write fails, the in-memory state is rebuilt from the graph, so the
re-delivered batch gives the same result as an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import pyarrow as pa

from connectors import Account, AnyRecord, Container, Identity, Record
from ontology._graph import GraphBatch, GraphStore, WriteStats
from ontology._model import DocumentExtraction, EntityMention, ExtractedDecision
from ontology.learning import (
    LABEL_CONCEPTS,
    EvidenceItem,
    LearnedOntology,
    concept_for,
    container_facts,
    seed_type,
    structure_facts,
)
from ontology.learning._concepts import LABEL_WEIGHTS, StructureFact
from ontology.resolution import (
    AccountInfo,
    DecisionIndex,
    DecisionInfo,
    EntityIndex,
    EntityInfo,
    Partition,
    PeopleIndex,
    PersonView,
    Source,
    Statement,
    normalize_name,
)
from ontology.resolution._decisions import Changes

log = logging.getLogger("siphon.ontology.ingest")

Privacy = Literal["full", "facts_only"]

# Edges a document owns: re-ingesting the document replaces all of them.
DOCUMENT_OUT_EDGES = ("IN", "REPLY_TO", "LINKS_TO", "MENTIONS", "MENTIONS_PERSON")
DOCUMENT_IN_EDGES = ("AUTHORED",)
#: Mention labels that are not things (people are resolved separately; the rest are ids).
NOT_ENTITIES = frozenset(
    {"PERSON", "ISSUE_KEY", "URL", "EMAIL", "DATE", "TIME", "MONEY", "CARDINAL"}
)
#: Entity types given by extraction labels.
LABEL_TYPES: dict[str, str] = {
    "ORG": "Organization",
    "ORGANIZATION": "Organization",
    "COMPANY": "Organization",
    "PRODUCT": "Product",
    "TECH": "Technology",
    "TECHNOLOGY": "Technology",
    "COMPONENT": "Component",
    "PROJECT": "Project",
    "TEAM": "Team",
    "CHANNEL": "Channel",
}
#: The label the extractor's gazetteer gets for an entity type.
TYPE_LABELS: dict[str, str] = {v: k for k, v in LABEL_TYPES.items() if k not in ("ORGANIZATION",)}
TYPE_LABELS.update({"Customer": "ORG", "Vendor": "ORG", "Partner": "ORG", "Competitor": "ORG"})


class Extractor(Protocol):
    """What the ingestor needs from ``ontology.extraction.Extractor``."""

    def extract_many(self, inputs: Iterable[Any]) -> Iterator[DocumentExtraction]: ...

    def structured_decisions(
        self, record: Record, *, comments: Iterable[Record] = ()
    ) -> list[ExtractedDecision]: ...

    def update_gazetteer(self, entries: Iterable[Any]) -> Any: ...


class Sealer(Protocol):
    """What the ingestor needs from ``ontology._ledger.Ledger``."""

    def seal(self, store: GraphStore, batch: GraphBatch) -> int: ...


@dataclass
class IngestReport:
    documents: int = 0
    accounts: int = 0
    containers: int = 0
    decisions: int = 0
    entities: int = 0
    skipped: int = 0  # records that failed and were left out (see ``errors``)
    unchanged: int = 0  # re-delivered records already in the graph as they are
    persons_changed: int = 0
    ontology_version: int = 0
    sealed: int = 0
    seconds: float = 0.0
    write: WriteStats | None = None
    errors: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        for name in (
            "documents",
            "accounts",
            "containers",
            "decisions",
            "entities",
            "skipped",
            "unchanged",
            "persons_changed",
            "sealed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.ontology_version = max(self.ontology_version, other.ontology_version)
        self.seconds += other.seconds
        self.errors.extend(other.errors)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _naive(value: datetime | None) -> datetime | None:
    """Timestamps in memory are naive UTC, as the graph returns them."""
    if value is not None and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _ids_table(ids: Iterable[str]) -> pa.Table:
    return pa.table({"c0": pa.array(sorted(set(ids)), type=pa.string())})


def _account_source(account_id: str) -> str:
    return account_id.split(":", 1)[0] if ":" in account_id else ""


def _decider(role: str, how: str, value: str) -> str:
    return f"{role}\t{how}\t{value}"


@dataclass
class _Known:
    """A document as the graph has it (before this batch)."""

    updated_at: datetime | None
    text_hash: str | None
    deleted: bool | None


@dataclass
class _Work:
    """One record being (re)ingested in this batch."""

    record: Record
    known: bool
    at: datetime
    facts_only: bool
    extraction: DocumentExtraction | None = None
    structured: list[ExtractedDecision] = field(default_factory=list)


class _State:
    """The in-memory indexes for one graph."""

    def __init__(self, path: str, min_support: int) -> None:
        self.path = path
        self.people = PeopleIndex()
        self.entities = EntityIndex()
        self.decisions = DecisionIndex()
        self.ontology = LearnedOntology(min_support=min_support)
        self.regroup_pending = True


class Ingestor:
    """Turns batches of ``Record``/``Account``/``Container`` into graph writes.

    Keyword-only arguments:

    - ``privacy``: per source name, ``"full"`` (default) or ``"facts_only"`` (the document keeps
      its extracted facts and a text hash, never its text or title);
    - ``extractor``: an ``ontology.extraction.Extractor`` (``build_extractor()``); without one,
      documents, people and the connectors' structure are still ingested, but no text is read;
    - ``ledger``: an ``ontology._ledger.Ledger``; sealed just before each write;
    - ``min_concept_support``: distinct documents (at least 2) before a concept found in text
      becomes a ``Concept``;
    - ``clock``: returns the current time (naive UTC) for change logs; tests inject one.

    The ingestor keeps in-memory indexes of the graph it writes (people, entities, decisions,
    ontology tallies), loaded on the first ``ingest`` and kept in step; it assumes it is the
    only writer of that graph. ``resync(store)`` reloads them.
    """

    def __init__(
        self,
        *,
        privacy: Mapping[str, Privacy] | None = None,
        extractor: Extractor | None = None,
        ledger: Sealer | None = None,
        min_concept_support: int = 2,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.privacy: Mapping[str, Privacy] = privacy or {}
        self.extractor = extractor
        self.ledger = ledger
        self.min_concept_support = min_concept_support
        self.clock = clock
        self._state: _State | None = None
        self._emitted_rows: dict[str, dict[str, object]] = {}

    # -- public ----------------------------------------------------------------------------
    def ingest(self, store: GraphStore, items: Sequence[AnyRecord]) -> IngestReport:
        """Ingest one batch in one transaction on ``store``.

        The store is passed per call so the daemon can open the graph only for write windows
        and let read-only query workers in between.
        """
        started = time.perf_counter()
        state = self._ensure_state(store)
        try:
            batch, report, gazetteer = self._plan(state, store, items)
            if batch:
                if self.ledger is not None:
                    report.sealed = self.ledger.seal(store, batch)
                report.write = store.write(batch)
        except BaseException:
            log.warning("ingest.failed action=resync items=%d", len(items))
            self._state = None
            try:
                self._ensure_state(store)
            except Exception:  # the store itself is broken: reload lazily next time
                log.exception("ingest.resync_failed")
                self._state = None
            raise
        for decision in state.decisions.decisions.values():
            if decision.id in self._emitted_rows:
                decision.written = self._emitted_rows[decision.id]
        self._emitted_rows = {}
        if gazetteer and self.extractor is not None:
            self._feed_gazetteer(state, gazetteer)
        report.seconds = time.perf_counter() - started
        log.info(
            "ingest.batch documents=%d unchanged=%d accounts=%d containers=%d decisions=%d "
            "entities=%d persons_changed=%d skipped=%d ontology_version=%d seconds=%.3f",
            report.documents,
            report.unchanged,
            report.accounts,
            report.containers,
            report.decisions,
            report.entities,
            report.persons_changed,
            report.skipped,
            report.ontology_version,
            report.seconds,
        )
        return report

    def resync(self, store: GraphStore) -> None:
        """Rebuild the in-memory indexes from the graph (after another writer, or a failure)."""
        self._state = None
        self._ensure_state(store)

    # -- state ------------------------------------------------------------------------------
    def _ensure_state(self, store: GraphStore) -> _State:
        if self._state is not None and self._state.path == str(store.path):
            return self._state
        started = time.perf_counter()
        state = _State(str(store.path), self.min_concept_support)
        _load_people(state.people, store)
        state.entities.load(_load_entities(store))
        state.decisions.load(_load_decisions(store))
        _load_ontology(state.ontology, store)
        self._state = state
        if self.extractor is not None:
            self._feed_gazetteer(state, set(state.entities.entities))
        log.info(
            "ingest.state_loaded accounts=%d entities=%d decisions=%d concepts=%d seconds=%.3f",
            len(state.people.accounts),
            len(state.entities),
            len(state.decisions),
            len(state.ontology.concepts),
            time.perf_counter() - started,
        )
        return state

    def _feed_gazetteer(self, state: _State, entity_ids: Iterable[str]) -> None:
        from ontology.extraction import GazetteerEntry  # only needed with an extractor

        assert self.extractor is not None
        entries = []
        for entity_id in sorted(entity_ids):
            info = state.entities.get(entity_id)
            if info is None:
                continue
            entries.append(
                GazetteerEntry(
                    entity_id=info.id,
                    name=info.name,
                    label=TYPE_LABELS.get(info.type, "THING"),
                    aliases=[a for a in info.aliases if a != info.name],
                )
            )
        if entries:
            self.extractor.update_gazetteer(entries)

    # -- planning one batch --------------------------------------------------------------------
    def _plan(
        self, state: _State, store: GraphStore, items: Sequence[AnyRecord]
    ) -> tuple[GraphBatch, IngestReport, set[str]]:
        report = IngestReport()
        batch = GraphBatch()
        now = self.clock()
        records: dict[str, Record] = {}
        accounts: dict[str, Account] = {}
        containers: dict[str, Container] = {}
        for raw in items:
            if isinstance(raw, Record):
                seen = records.get(raw.id)
                if seen is None or raw.updated_at >= seen.updated_at:
                    records[raw.id] = raw  # the latest edit of a record wins
            elif isinstance(raw, Account):
                accounts[raw.id] = raw
            elif isinstance(raw, Container):
                containers[raw.id] = raw
            else:  # not one of the three models: a sink bug, reported, never fatal
                report.skipped += 1  # type: ignore[unreachable]
                report.errors.append(f"unknown item type {type(raw).__name__}")

        # 1. read: what the graph already has for this batch's documents
        known = _read_documents(store, records) if records else {}
        work: list[_Work] = []
        for record in records.values():
            facts_only = self.privacy.get(record.source) == "facts_only"
            stored = known.get(record.id)
            digest = _digest(record, facts_only)
            if (
                stored is not None
                and stored.updated_at is not None
                and stored.updated_at == _naive(record.updated_at)
                and stored.text_hash == digest
                and bool(stored.deleted) == record.deleted
            ):
                report.unchanged += 1
                continue
            at = _naive(record.created_at) or now
            work.append(_Work(record, stored is not None, at, facts_only))

        # 2. people: accounts and the identities records name
        people = state.people
        people_changed = state.regroup_pending
        for account in accounts.values():
            info = AccountInfo(
                id=account.id,
                source=account.source,
                name=account.name or account.display_name,
                email=account.email.strip().lower() if account.email else None,
                handles=tuple(sorted({h for h in account.handles if h})),
                is_bot=account.is_bot,
                deleted=account.deleted,
                from_record=True,
            )
            if people.observe(info):
                people_changed = True
                _account_row(batch, people.accounts[account.id])
            report.accounts += 1
        for item in work:
            for identity in _identities(item.record):
                if people.observe(_identity_info(identity)):
                    people_changed = True
                    _account_row(batch, people.accounts[identity.id])
        before: Partition | None = None
        after = people.current
        if people_changed:
            before, after = people.regroup()
            state.regroup_pending = False

        # 3. old per-document state for edited documents
        edited = [w.record.id for w in work if w.known]
        old_mentions = _read_mentions(store, edited) if edited else {}
        evidence_docs = [*edited, *containers]
        old_evidence = _read_evidence(store, evidence_docs) if evidence_docs else {}

        # 4. containers: the documents' references first, so a full Container record in the
        # same batch wins; a reference sets only what it knows
        for item in work:
            ref = item.record.container
            if ref is not None:
                known_fields = {"name": ref.name, "url": ref.url}
                batch.node(
                    "Container",
                    id=ref.id,
                    source=item.record.source,
                    kind=ref.kind,
                    **{k: v for k, v in known_fields.items() if v is not None},
                )
        entities = state.entities
        ontology = state.ontology
        for container in containers.values():
            try:
                self._container(state, batch, container, old_evidence.get(container.id, []), now)
                report.containers += 1
            except Exception as exc:  # one bad container never stops the rest
                report.skipped += 1
                report.errors.append(f"{container.id}: {exc}")
                log.warning("ingest.container_failed id=%s error=%s", container.id, exc)

        # 5. documents, each as soon as its extraction arrives (the extractor may still be
        # working on the next ones in another process), with the parent's text for replies
        changes = Changes()
        processed: set[str] = set()
        with self._extractions(store, work, records, report) as extracted:
            for item in work:
                try:
                    extracted(item)
                    self._document(
                        state,
                        batch,
                        item,
                        old_mentions.get(item.record.id, {}),
                        old_evidence.get(item.record.id, []),
                        changes,
                    )
                    processed.add(item.record.id)
                    report.documents += 1
                except Exception as exc:
                    report.skipped += 1
                    report.errors.append(f"{item.record.id}: {exc}")
                    log.warning("ingest.record_failed id=%s error=%s", item.record.id, exc)

        # 6. decisions: supersession, precedents, rows and edges
        report.decisions = self._decisions(state, batch, changes, processed)

        # 7. people whose persons changed: rows, ACCOUNT_OF, moved edges
        if before is not None:
            report.persons_changed = _rewrite_people(
                store, batch, before, after, people, processed, changes.touched
            )

        # 8. entities and the ontology
        changed_entities = set(entities.changed)
        for entity_id in sorted(changed_entities):
            entity = entities.get(entity_id)
            if entity is not None:
                batch.node("Entity", **entity.row())
        entities.changed.clear()
        report.entities = len(changed_entities)
        delta = ontology.plan(batch, lambda e: e in entities.entities, now)
        report.ontology_version = ontology.version if delta.version else 0
        return batch, report, changed_entities

    # -- extraction --------------------------------------------------------------------------
    @contextlib.contextmanager
    def _extractions(
        self,
        store: GraphStore,
        work: list[_Work],
        records: Mapping[str, Record],
        report: IngestReport,
    ) -> Iterator[Callable[[_Work], None]]:
        """Yields ``fill(item)``, which sets an item's extraction and structured decisions.

        Extraction is streamed in input order: items must be filled in ``work`` order. A batch
        the extractor fails on is redone one document at a time from where it failed, skipping
        only the documents that fail on their own.
        """
        extractor = self.extractor
        if extractor is None or not work:
            yield lambda item: None
            return
        inputs = self._extraction_inputs(store, work, records)
        with_facts = {w.record.id for w in work if w.record.facts and not w.record.deleted}
        comments = _comments_of(store, with_facts, records) if with_facts else {}
        stream: Iterator[DocumentExtraction] | None = extractor.extract_many(inputs)
        done: dict[str, DocumentExtraction] = {}
        position = 0  # inputs[:position] came from the stream

        def one_by_one(start: int) -> None:
            for one in inputs[start:]:
                try:
                    for extraction in extractor.extract_many([one]):
                        done[extraction.document_id] = extraction
                except Exception as inner:
                    report.errors.append(f"{one.document_id}: extraction failed: {inner}")
                    log.warning("ingest.extract_failed id=%s error=%s", one.document_id, inner)

        def fill(item: _Work) -> None:
            nonlocal stream, position
            record = item.record
            if record.deleted:
                return
            while stream is not None and record.id not in done:
                try:
                    extraction = next(stream)
                except StopIteration:
                    stream = None
                except Exception as exc:  # the stream is over: the rest one at a time
                    log.warning("ingest.extract_batch_failed error=%s action=one_by_one", exc)
                    stream = None
                    one_by_one(position)
                else:
                    done[extraction.document_id] = extraction
                    position += 1
            item.extraction = done.pop(record.id, None)
            if record.facts:
                try:
                    item.structured = extractor.structured_decisions(
                        record, comments=comments.get(record.id, ())
                    )
                except Exception as exc:
                    report.errors.append(f"{record.id}: structured decisions failed: {exc}")
                    log.warning("ingest.facts_failed id=%s error=%s", record.id, exc)

        try:
            yield fill
        finally:
            if stream is not None:
                _close(stream)  # an unfinished stream gives its worker's results back

    def _extraction_inputs(
        self, store: GraphStore, work: list[_Work], records: Mapping[str, Record]
    ) -> list[Any]:
        from ontology.extraction import ExtractionInput, ParentContext

        parents_needed = {
            w.record.parent_id
            for w in work
            if w.record.parent_id and w.record.parent_id not in records
        }
        parents = _read_parents(store, parents_needed) if parents_needed else {}
        inputs: list[Any] = []
        for item in work:
            record = item.record
            if record.deleted:
                continue
            parent = None
            if record.parent_id and record.parent_id != record.id:
                in_batch = records.get(record.parent_id)
                if in_batch is not None:
                    parent = ParentContext(
                        in_batch.id, in_batch.text, _author_name(in_batch.author)
                    )
                elif record.parent_id in parents:
                    text, author = parents[record.parent_id]
                    parent = ParentContext(record.parent_id, text, author)
            inputs.append(
                ExtractionInput(
                    document_id=record.id,
                    text=_full_text(record),
                    author=_author_name(record.author),
                    created_at=item.at,
                    parent=parent,
                )
            )
        return inputs

    # -- one container -----------------------------------------------------------------------
    def _container(
        self,
        state: _State,
        batch: GraphBatch,
        container: Container,
        old_evidence: list[dict[str, Any]],
        now: datetime,
    ) -> None:
        batch.node(
            "Container",
            id=container.id,
            source=container.source,
            kind=container.kind,
            name=container.name,
            url=container.url,
            properties=_json(container.properties),
        )
        facts, relations = container_facts(
            container.kind, container.name, container.properties, container.source_type
        )
        items = self._structure_evidence(state, facts, relations, _naive(container.updated_at))
        state.ontology.replace_evidence(
            batch, container.id, old_evidence, items, _naive(container.updated_at)
        )

    def _structure_evidence(
        self,
        state: _State,
        facts: list[StructureFact],
        relations: list[tuple[str, str, str]],
        at: datetime | None,
    ) -> list[EvidenceItem]:
        items: list[EvidenceItem] = []
        names: dict[str, str] = {}
        for fact in facts:
            resolved = state.entities.resolve(fact.name, seed_type(fact.concept))
            if resolved is None:
                continue
            names[fact.name] = resolved.entity_id
            state.entities.add_mentions(resolved.entity_id, 0, at)
            items.append(
                EvidenceItem(
                    "instance", resolved.entity_id, fact.concept, "", fact.pattern, fact.weight
                )
            )
        for subject, predicate, obj in relations:
            left = names.get(subject) or _resolve_id(state.entities, subject, None)
            right = names.get(obj) or _resolve_id(state.entities, obj, None)
            if left and right and left != right:
                items.append(EvidenceItem("related", left, right, predicate, "structure", 0.9))
        return items

    # -- one document ------------------------------------------------------------------------
    def _document(
        self,
        state: _State,
        batch: GraphBatch,
        item: _Work,
        old_mentions: Mapping[str, int],
        old_evidence: list[dict[str, Any]],
        changes: Changes,
    ) -> None:
        record = item.record
        people = state.people
        entities = state.entities
        facts_only = item.facts_only
        batch.node(
            "Document",
            id=record.id,
            source=record.source,
            kind=record.kind,
            title=None if facts_only else record.title,
            text="" if facts_only else record.text,
            url=record.url,
            created_at=record.created_at,
            updated_at=record.updated_at,
            deleted=record.deleted,
            text_hash=_digest(record, facts_only),
        )
        if item.known:
            for rel in DOCUMENT_OUT_EDGES:
                batch.replace_out(rel, record.id)
            for rel in DOCUMENT_IN_EDGES:
                batch.replace_in(rel, record.id)
        if record.container is not None:
            batch.edge("IN", record.id, record.container.id)
        if record.parent_id and record.parent_id != record.id:
            batch.node("Document", id=record.parent_id)  # placeholder until the parent arrives
            batch.edge("REPLY_TO", record.id, record.parent_id)
        for link in record.links:
            batch.node("Document", id=link.id)
            batch.edge("LINKS_TO", record.id, link.id, kind=link.kind)
        if record.author is not None:
            person = people.person_of(record.author.id)
            if person is not None:
                batch.edge("AUTHORED", person, record.id, account=record.author.id)
        mentioned: dict[str, str | None] = {}
        for identity in record.mentions:
            person = people.person_of(identity.id)
            if person is not None:
                mentioned.setdefault(person, identity.id)

        extraction = item.extraction if not record.deleted else None
        counts: Counter[str] = Counter()
        evidence: list[EvidenceItem] = []
        resolved_names: dict[tuple[str, str | None], str | None] = {}

        def entity_of(mention: EntityMention) -> str | None:
            if mention.label in NOT_ENTITIES:
                return None
            if mention.entity_id and mention.entity_id in entities.entities:
                return mention.entity_id
            kind = LABEL_TYPES.get(mention.label)
            pair = (mention.text, kind)
            if pair not in resolved_names:
                resolved_names[pair] = _resolve_id(entities, mention.text, kind)
            return resolved_names[pair]

        if extraction is not None:
            for mention in extraction.entities:
                if mention.label == "PERSON":
                    person = people.resolve_mention(mention.text)
                    if person is not None:
                        mentioned.setdefault(person, None)
                    continue
                entity_id = entity_of(mention)
                if entity_id is None:
                    continue
                counts[entity_id] += 1
                concept = LABEL_CONCEPTS.get(mention.label)
                weight = LABEL_WEIGHTS.get(mention.source)
                if concept and weight:
                    evidence.append(
                        EvidenceItem(
                            "instance",
                            entity_id,
                            concept,
                            "",
                            f"{mention.source}:{mention.label}",
                            weight,
                        )
                    )
            for isa in extraction.isa:
                evidence.extend(
                    self._isa_evidence(state, isa.hyponym, isa.hypernym, isa.pattern, isa.weight)
                )
            for relation in extraction.relations:
                left = _resolve_known(entities, relation.subject)
                right = _resolve_known(entities, relation.object)
                if left and right and left != right:
                    evidence.append(
                        EvidenceItem(
                            "related", left, right, relation.predicate, "svo", relation.confidence
                        )
                    )
        if not record.deleted:
            facts, relations = structure_facts(
                record.properties, record.source_type, record.kind, record.title
            )
            evidence.extend(self._structure_evidence(state, facts, relations, item.at))

        for person, account in sorted(mentioned.items()):
            batch.edge("MENTIONS_PERSON", record.id, person, account=account)
        for entity_id, count in counts.items():
            batch.edge("MENTIONS", record.id, entity_id, count=count)
        for entity_id in set(counts) | set(old_mentions):
            entities.add_mentions(
                entity_id,
                counts.get(entity_id, 0) - old_mentions.get(entity_id, 0),
                item.at if entity_id in counts else None,
            )
        state.ontology.replace_evidence(batch, record.id, old_evidence, evidence, item.at)

        statements: list[Statement] = []
        if extraction is not None:
            for decision in extraction.decisions:
                statements.append(self._statement(state, record, item.at, decision, entity_of))
        for decision in item.structured:
            statements.append(self._statement(state, record, item.at, decision, entity_of))
        state.decisions.restate(record.id, statements, changes)

    def _isa_evidence(
        self, state: _State, hyponym: str, hypernym: str, pattern: str, weight: float
    ) -> list[EvidenceItem]:
        target = concept_for(hypernym)
        if target is None:
            return []
        concept_id, concept_name = target
        state.ontology.name_concept(concept_id, concept_name)
        # a name (capitals, digits) or a known entity is an instance; a common noun a class
        named = any(ch.isupper() or ch.isdigit() for ch in hyponym)
        if named or _resolve_known(state.entities, hyponym):
            entity_id = _resolve_id(state.entities, hyponym, None)
            if entity_id is None:
                return []
            return [
                EvidenceItem("instance", entity_id, concept_id, "", f"hearst:{pattern}", weight)
            ]
        sub = concept_for(hyponym)
        if sub is None or sub[0] == concept_id:
            return []
        state.ontology.name_concept(*sub)
        return [EvidenceItem("subclass", sub[0], concept_id, "", f"hearst:{pattern}", weight)]

    def _statement(
        self,
        state: _State,
        record: Record,
        at: datetime,
        decision: ExtractedDecision,
        entity_of: Callable[[EntityMention], str | None],
    ) -> Statement:
        if decision.origin == "structured":
            role = "structured"
        elif decision.confirms_document:
            role = "confirmed"
        else:
            role = "stated"
        deciders: list[str] = []
        fact = next((f for f in record.facts if f.id == decision.fact_id), None)
        if decision.deciders:
            deciders.extend(_decider("decider", "name", n) for n in decision.deciders)
        elif fact is not None and fact.actor is not None:
            deciders.append(_decider("decider", "account", fact.actor.id))
        elif record.author is not None and role != "confirmed":
            deciders.append(_decider("decider", "account", record.author.id))
        if role == "confirmed" and record.author is not None:
            deciders.append(_decider("approver", "account", record.author.id))
        about = sorted({e for m in decision.about if (e := entity_of(m)) is not None})
        when = _naive(decision.decided_at) or (_naive(fact.at) if fact is not None else None) or at
        return Statement(
            document_id=record.id,
            statement=decision.statement,
            status=decision.status,
            role=role,
            decided_at=when,
            polarity=decision.polarity,
            rationale=decision.rationale,
            alternatives=tuple(decision.alternatives),
            deadline=decision.deadline,
            confidence=decision.confidence,
            origin=decision.origin,
            deciders=tuple(deciders),
            about=tuple(about),
            anchor=decision.confirms_document or record.id,
            fact_id=decision.fact_id,
            supersedes_cue=decision.supersedes_cue,
            span=(decision.start, decision.end),
        )

    # -- decisions -----------------------------------------------------------------------------
    def _decisions(
        self, state: _State, batch: GraphBatch, changes: Changes, processed: set[str]
    ) -> int:
        index = state.decisions
        people = state.people
        for decision_id in sorted(changes.supersede_touched):
            if decision_id in index.decisions:
                index.link_supersession(decision_id, changes)
        for decision_id in sorted(changes.deleted):
            batch.remove("Decision", decision_id)
        emitted: dict[str, dict[str, object]] = {}
        # STATED_IN: each processed document's own edges are replaced
        for doc in processed:
            batch.replace_in("STATED_IN", doc)
        for doc in processed:
            for decision_id in sorted(index.by_doc.get(doc, set())):
                info = index.decisions.get(decision_id)
                if info is None or doc not in info.sources:
                    continue
                source = info.sources[doc]
                batch.edge(
                    "STATED_IN",
                    decision_id,
                    doc,
                    role=source.role,
                    span_start=source.span[0],
                    span_end=source.span[1],
                    deciders=list(source.deciders),
                    about=list(source.about),
                    confidence=round(source.confidence, 6),
                    stated_at=source.at,
                )
        for decision_id in sorted(changes.touched - changes.deleted):
            info = index.decisions.get(decision_id)
            if info is None:
                continue
            row = info.row()
            if row != info.written:
                batch.node("Decision", **row)
                emitted[decision_id] = row
            created = decision_id in changes.created
            if not created:
                batch.replace_out("DECIDED_BY", decision_id)
                batch.replace_out("ABOUT", decision_id)
                batch.replace_out("PRECEDENT", decision_id)
            for person, role, account in _deciders(info, people):
                batch.edge("DECIDED_BY", decision_id, person, role=role, account=account)
            for entity_id in sorted(info.about()):
                batch.edge("ABOUT", decision_id, entity_id)
            for earlier, similarity in index.precedents(decision_id):
                batch.edge("PRECEDENT", decision_id, earlier, similarity=similarity)
            if created:
                for later, similarity in index.later_similar(decision_id):
                    batch.edge("PRECEDENT", later, decision_id, similarity=similarity)
        for decision_id in sorted(changes.supersede_touched - changes.deleted):
            info = index.decisions.get(decision_id)
            if info is None:
                continue
            if decision_id not in changes.created:
                batch.replace_out("SUPERSEDES", decision_id)
            if info.supersedes:
                batch.edge(
                    "SUPERSEDES", decision_id, info.supersedes, reason=info.supersedes_reason
                )
        self._emitted_rows = emitted
        return len(emitted) + len(changes.deleted)


# -- helpers: mapping ------------------------------------------------------------------------
def _close(stream: Iterator[Any]) -> None:
    """Close a generator early (its ``finally`` runs now, not when it is collected)."""
    close = getattr(stream, "close", None)
    if close is not None:
        close()


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _digest(record: Record, facts_only: bool) -> str:
    """The text hash kept on the document (the connector's own when privacy dropped the text)."""
    return record.text_hash if (facts_only and record.text_hash) else text_hash(record.text)


def _full_text(record: Record) -> str:
    """Title and text: an issue's summary often holds the decision."""
    if record.title and record.title.strip() and record.title.strip() not in record.text:
        return f"{record.title.strip()}\n\n{record.text}" if record.text else record.title.strip()
    return record.text


def _author_name(identity: Identity | None) -> str | None:
    if identity is None:
        return None
    return identity.name or identity.handle or identity.email


def _identities(record: Record) -> Iterator[Identity]:
    if record.author is not None:
        yield record.author
    yield from record.mentions
    for fact in record.facts:
        if fact.actor is not None:
            yield fact.actor


def _identity_info(identity: Identity) -> AccountInfo:
    return AccountInfo(
        id=identity.id,
        source=_account_source(identity.id),
        name=identity.name,
        email=identity.email.strip().lower() if identity.email else None,
        handles=(identity.handle,) if identity.handle else (),
        from_record=False,
    )


def _account_row(batch: GraphBatch, info: AccountInfo) -> None:
    row: dict[str, Any] = {
        "id": info.id,
        "source": info.source,
        "name": info.name,
        "email": info.email,
        "handles": list(info.handles),
    }
    if info.from_record:  # identities leave is_bot/deleted unset (NULL): "seen, no record yet"
        row["is_bot"] = info.is_bot
        row["deleted"] = info.deleted
    batch.node("Account", **row)


def _resolve_id(entities: EntityIndex, surface: str, kind: str | None) -> str | None:
    resolved = entities.resolve(surface, kind)
    return resolved.entity_id if resolved is not None else None


def _resolve_known(entities: EntityIndex, surface: str) -> str | None:
    """An existing entity for a surface form (exact key), without creating one."""
    return entities.by_key.get(normalize_name(surface))


def _deciders(info: DecisionInfo, people: PeopleIndex) -> list[tuple[str, str, str | None]]:
    """(person, role, account) for a decision's deciders over all its sources."""
    out: dict[str, tuple[str, str | None]] = {}
    # Earliest statement first: the same person's account must not depend on whether the
    # sources were built up in memory or reloaded from the graph (a restarted process).
    ordered = sorted(info.sources.items(), key=lambda kv: (kv[1].at or datetime.min, kv[0]))
    for _, source in ordered:
        for token in source.deciders:
            role, how, value = token.split("\t", 2)
            if how == "account":
                person, account = people.person_of(value), value
            else:
                person, account = people.resolve_mention(value), None
            if person is None:
                continue
            known = out.get(person)
            if known is None or (known[0] != "decider" and role == "decider"):
                out[person] = (role, account)
    return [(p, r, a) for p, (r, a) in sorted(out.items())]


# -- helpers: people rewrite ------------------------------------------------------------------
def _rewrite_people(
    store: GraphStore,
    batch: GraphBatch,
    before: Partition,
    after: Partition,
    people: PeopleIndex,
    processed: set[str],
    touched_decisions: set[str],
) -> int:
    """Write persons that changed, re-point ACCOUNT_OF, and move the edges of persons that
    were merged, split or renamed. Returns how many persons changed."""
    changed = 0
    for pid, view in after.persons.items():
        old = before.persons.get(pid)
        if old is None or old.row() != view.row():
            batch.node("Person", **view.row())
            changed += 1
    for account_id, pid in after.person_of.items():
        reason = after.reasons.get(account_id, "")
        if before.person_of.get(account_id) != pid or before.reasons.get(account_id) != reason:
            batch.replace_out("ACCOUNT_OF", account_id)
            batch.edge("ACCOUNT_OF", account_id, pid, reason=reason)
    affected = {
        pid
        for pid, view in before.persons.items()
        if pid not in after.persons or after.persons[pid].accounts != view.accounts
    }
    gone = {pid for pid in affected if pid not in after.persons}
    for pid in sorted(gone):
        batch.remove("Person", pid)
        changed += 1
    if not affected:
        return changed
    survivors = affected - gone
    for pid in survivors:
        batch.replace_out("AUTHORED", pid)
        batch.replace_in("MENTIONS_PERSON", pid)
        batch.replace_in("DECIDED_BY", pid)

    def target(old_pid: str, account: str | None) -> str | None:
        if account:
            return after.person_of.get(account)
        view = before.persons.get(old_pid)
        moved = {after.person_of.get(a) for a in (view.accounts if view else [])}
        moved.discard(None)
        return next(iter(moved)) if len(moved) == 1 else None  # split: a name is ambiguous now

    table = {"t": _ids_table(affected)}
    for row in store.rows(
        "LOAD FROM $t MATCH (p:Person {id: c0})-[r:AUTHORED]->(d:Document) "
        "RETURN p.id AS p, d.id AS d, r.account AS account",
        table,
    ):
        new = target(row["p"], row["account"])
        if new and row["d"] not in processed:
            batch.edge("AUTHORED", new, row["d"], account=row["account"])
    for row in store.rows(
        "LOAD FROM $t MATCH (d:Document)-[r:MENTIONS_PERSON]->(p:Person {id: c0}) "
        "RETURN p.id AS p, d.id AS d, r.account AS account",
        table,
    ):
        new = target(row["p"], row["account"])
        if new and row["d"] not in processed:
            batch.edge("MENTIONS_PERSON", row["d"], new, account=row["account"])
    for row in store.rows(
        "LOAD FROM $t MATCH (x:Decision)-[r:DECIDED_BY]->(p:Person {id: c0}) "
        "RETURN p.id AS p, x.id AS x, r.role AS role, r.account AS account",
        table,
    ):
        new = target(row["p"], row["account"])
        if new and row["x"] not in touched_decisions:
            batch.edge("DECIDED_BY", row["x"], new, role=row["role"], account=row["account"])
    return changed


# -- helpers: reads ---------------------------------------------------------------------------
def _read_documents(store: GraphStore, records: Mapping[str, Record]) -> dict[str, _Known]:
    rows = store.rows(
        "LOAD FROM $t MATCH (d:Document {id: c0}) "
        "RETURN d.id AS id, d.updated_at AS updated_at, d.text_hash AS h, d.deleted AS deleted",
        {"t": _ids_table(records)},
    )
    return {r["id"]: _Known(r["updated_at"], r["h"], r["deleted"]) for r in rows}


def _read_mentions(store: GraphStore, ids: Iterable[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for row in store.rows(
        "LOAD FROM $t MATCH (d:Document {id: c0})-[m:MENTIONS]->(e:Entity) "
        "RETURN d.id AS d, e.id AS e, m.count AS n",
        {"t": _ids_table(ids)},
    ):
        out[row["d"]][row["e"]] = int(row["n"] or 0)
    return out


def _read_evidence(store: GraphStore, ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in store.rows(
        "LOAD FROM $t MATCH (e:Evidence) WHERE e.document_id = c0 "
        "RETURN e.id AS id, e.document_id AS document_id, e.kind AS kind, e.subject AS subject, "
        "e.object AS object, e.predicate AS predicate, e.pattern AS pattern, e.weight AS weight",
        {"t": _ids_table(ids)},
    ):
        out[row["document_id"]].append(row)
    return out


def _read_parents(store: GraphStore, ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for row in store.rows(
        "LOAD FROM $t MATCH (d:Document {id: c0}) "
        "OPTIONAL MATCH (p:Person)-[:AUTHORED]->(d) RETURN d.id AS id, d.text AS text, p.name AS a",
        {"t": _ids_table(ids)},
    ):
        if row["text"]:
            out[row["id"]] = (row["text"], row["a"])
    return out


def _comments_of(
    store: GraphStore, ids: set[str], records: Mapping[str, Record]
) -> dict[str, list[Record]]:
    """The comments and replies of these documents, for a structured decision's rationale:
    those in this batch (as they are now) and those the graph already holds."""
    out: dict[str, list[Record]] = defaultdict(list)
    for record in records.values():
        if record.parent_id in ids and record.id != record.parent_id:
            out[record.parent_id].append(record)
    for row in store.rows(
        "LOAD FROM $t MATCH (c:Document)-[:REPLY_TO]->(d:Document {id: c0}) "
        "OPTIONAL MATCH (:Person)-[a:AUTHORED]->(c) "
        "RETURN d.id AS parent, c.id AS id, c.text AS text, c.created_at AS at, "
        "c.deleted AS deleted, a.account AS account",
        {"t": _ids_table(ids)},
    ):
        parent = records[row["parent"]]
        if row["id"] in records or not row["text"] or row["at"] is None:
            continue  # this batch has it (newer), or its text is not kept (facts only)
        at = row["at"].replace(tzinfo=UTC)
        out[parent.id].append(
            Record(
                id=row["id"],
                source=parent.source,
                source_type=parent.source_type,
                kind="comment",
                text=row["text"],
                created_at=at,
                updated_at=at,
                parent_id=parent.id,
                deleted=bool(row["deleted"]),
                author=Identity(id=row["account"]) if row["account"] else None,
            )
        )
    return out


# -- helpers: loading the indexes -------------------------------------------------------------
def _load_people(people: PeopleIndex, store: GraphStore) -> None:
    accounts = [
        AccountInfo(
            id=r["id"],
            source=r["source"] or _account_source(r["id"]),
            name=r["name"],
            email=r["email"],
            handles=tuple(r["handles"] or ()),
            is_bot=bool(r["is_bot"]),
            deleted=bool(r["deleted"]),
            from_record=r["is_bot"] is not None,
        )
        for r in store.rows(
            "MATCH (a:Account) RETURN a.id AS id, a.source AS source, a.name AS name, "
            "a.email AS email, a.handles AS handles, a.is_bot AS is_bot, a.deleted AS deleted"
        )
    ]
    people.accounts = {a.id: a for a in accounts}
    current = Partition()
    members: dict[str, list[str]] = defaultdict(list)
    for r in store.rows(
        "MATCH (a:Account)-[r:ACCOUNT_OF]->(p:Person) RETURN a.id AS a, p.id AS p, r.reason AS why"
    ):
        current.person_of[r["a"]] = r["p"]
        current.reasons[r["a"]] = r["why"] or ""
        members[r["p"]].append(r["a"])
    for r in store.rows(
        "MATCH (p:Person) RETURN p.id AS id, p.name AS name, p.emails AS emails, "
        "p.handles AS handles, p.is_bot AS is_bot"
    ):
        current.persons[r["id"]] = PersonView(
            id=r["id"],
            name=r["name"],
            emails=list(r["emails"] or []),
            handles=list(r["handles"] or []),
            is_bot=bool(r["is_bot"]),
            accounts=sorted(members.get(r["id"], [])),
        )
    people.current = current


def _load_entities(store: GraphStore) -> list[EntityInfo]:
    return [
        EntityInfo(
            id=r["id"],
            name=r["name"] or r["id"],
            type=r["type"] or "Thing",
            key=normalize_name(r["name"] or r["id"]),
            aliases=list(r["aliases"] or []),
            mentions=int(r["mentions"] or 0),
            first_seen=r["first_seen"],
            last_seen=r["last_seen"],
            merge_reasons=list(r["merge_reasons"] or []),
        )
        for r in store.rows(
            "MATCH (e:Entity) RETURN e.id AS id, e.name AS name, e.type AS type, "
            "e.aliases AS aliases, e.mentions AS mentions, e.first_seen AS first_seen, "
            "e.last_seen AS last_seen, e.merge_reasons AS merge_reasons"
        )
    ]


def _load_decisions(store: GraphStore) -> list[DecisionInfo]:
    decisions: dict[str, DecisionInfo] = {}
    for r in store.rows(
        "MATCH (x:Decision) WHERE x.statement IS NOT NULL RETURN x.id AS id, "
        "x.statement AS statement, x.status AS status, x.rationale AS rationale, "
        "x.alternatives AS alternatives, x.decided_at AS decided_at, x.confidence AS confidence, "
        "x.origin AS origin, x.polarity AS polarity, x.deadline AS deadline, "
        "x.updated_at AS updated_at, x.reversal_cue AS reversal_cue"
    ):
        status = r["status"] or "decided"
        decisions[r["id"]] = DecisionInfo(
            id=r["id"],
            statement=r["statement"],
            status=status,
            decided_at=r["decided_at"],
            rationale=r["rationale"],
            alternatives=list(r["alternatives"] or []),
            confidence=float(r["confidence"] or 0.0),
            origin=r["origin"] or "text",
            polarity=r["polarity"] or "do",
            deadline=r["deadline"],
            updated_at=r["updated_at"],
            base_status="decided" if status == "superseded" else status,
            supersedes_reason=r["reversal_cue"],
        )
    for r in store.rows(
        "MATCH (x:Decision)-[s:STATED_IN]->(d:Document) RETURN x.id AS x, d.id AS d, "
        "s.role AS role, s.deciders AS deciders, s.about AS about, s.confidence AS confidence, "
        "s.stated_at AS at, s.span_start AS s0, s.span_end AS s1"
    ):
        info = decisions.get(r["x"])
        if info is None:
            continue
        info.sources[r["d"]] = Source(
            role=r["role"] or "stated",
            deciders=tuple(r["deciders"] or ()),
            about=tuple(r["about"] or ()),
            confidence=float(r["confidence"] if r["confidence"] is not None else info.confidence),
            at=r["at"],
            span=(int(r["s0"] or 0), int(r["s1"] or 0)),
        )
    for info in decisions.values():
        primary = DecisionIndex._earliest(info)
        info.primary = primary
        if info.status == "proposed" and any(s.role == "confirmed" for s in info.sources.values()):
            info.base_status = "proposed"
    for r in store.rows(
        "MATCH (a:Decision)-[r:SUPERSEDES]->(b:Decision) "
        "RETURN a.id AS a, b.id AS b, r.reason AS why"
    ):
        if r["a"] in decisions:
            decisions[r["a"]].supersedes = r["b"]
            decisions[r["a"]].supersedes_reason = r["why"]
    return list(decisions.values())


def _load_ontology(ontology: LearnedOntology, store: GraphStore) -> None:
    evidence = store.rows(
        "MATCH (e:Evidence) RETURN e.id AS id, e.document_id AS document_id, e.kind AS kind, "
        "e.subject AS subject, e.object AS object, e.predicate AS predicate, "
        "e.pattern AS pattern, e.weight AS weight"
    )
    concepts = store.rows(
        "MATCH (c:Concept) RETURN c.id AS id, c.name AS name, c.support AS support, "
        "c.confidence AS confidence, c.learned AS learned, c.version AS version"
    )
    edges: list[tuple[str, str, str, str, int, float]] = []
    for kind, rel, extra in (
        ("instance", "INSTANCE_OF", "''"),
        ("subclass", "SUBCLASS_OF", "''"),
        ("related", "RELATED", "r.predicate"),
    ):
        for a, b, predicate, support, confidence in store.execute(
            f"MATCH (a)-[r:{rel}]->(b) RETURN a.id, b.id, {extra}, r.support, r.confidence"
        ):
            edges.append((kind, a, b, predicate or "", support, confidence))
    version_rows = store.execute("MATCH (c:OntologyChange) RETURN max(c.version)")
    version = int(version_rows[0][0] or 0) if version_rows else 0
    ontology.load(evidence, concepts, edges, version)
