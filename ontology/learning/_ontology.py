"""The learned ontology: concepts and links grown from per-document evidence.

Each document (or container) contributes at most one ``Evidence`` row per link — an entity
INSTANCE_OF a concept, a concept SUBCLASS_OF another, two entities RELATED by a predicate —
with the weight of its best pattern. A link's ``support`` is the number of distinct documents
behind it and its ``confidence`` the noisy-or of their weights, ``1 - Π(1 - w_i)``. When a
document is edited its evidence is replaced, so both are recomputed, never double counted.

A concept named only in text becomes a ``Concept`` once ``min_support`` distinct documents
(at least 2) give evidence for it. Each batch that changes the ontology bumps its version and
appends ``OntologyChange`` rows saying what changed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ontology._graph import GraphBatch
from ontology.learning._concepts import SEED_IDS, SEEDS
from ontology.resolution._normalize import short_hash

#: kind, subject, object, predicate
LinkKey = tuple[str, str, str, str]
REL_OF_KIND = {"instance": "INSTANCE_OF", "subclass": "SUBCLASS_OF", "related": "RELATED"}
MAX_WEIGHT = 0.999


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # instance | subclass | related
    subject: str
    object: str
    predicate: str = ""
    pattern: str = ""
    weight: float = 0.5

    @property
    def link(self) -> LinkKey:
        return (self.kind, self.subject, self.object, self.predicate)


@dataclass
class _Tally:
    support: int = 0
    log_keep: float = 0.0  # Σ log(1 - w)

    def add(self, weight: float, sign: int) -> None:
        self.support += sign
        self.log_keep += sign * math.log1p(-min(max(weight, 0.0), MAX_WEIGHT))

    @property
    def confidence(self) -> float:
        if self.support <= 0:
            return 0.0
        return round(min(1.0, max(0.0, -math.expm1(self.log_keep))), 6)


@dataclass
class ConceptState:
    name: str
    support: int
    confidence: float
    learned: bool
    version: int


@dataclass
class OntologyDelta:
    """What one batch changed, for the report and the logs."""

    version: int = 0
    concepts_added: int = 0
    concepts_removed: int = 0
    links_added: int = 0
    links_removed: int = 0
    links_updated: int = 0


def _concepts_of(item: EvidenceItem) -> tuple[str, ...]:
    if item.kind == "instance":
        return (item.object,)
    if item.kind == "subclass":
        return (item.subject, item.object)
    return ()


def _per_doc(items: Iterable[EvidenceItem]) -> dict[LinkKey, EvidenceItem]:
    """One item per link (the heaviest), as one document's say."""
    best: dict[LinkKey, EvidenceItem] = {}
    for item in items:
        if item.kind == "subclass" and item.subject == item.object:
            continue
        known = best.get(item.link)
        if known is None or item.weight > known.weight:
            best[item.link] = item
    return best


def _concept_weights(links: Mapping[LinkKey, EvidenceItem]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for item in links.values():
        for concept in _concepts_of(item):
            weights[concept] = max(weights.get(concept, 0.0), item.weight)
    return weights


class LearnedOntology:
    """Evidence tallies, concepts and links as written; plans each batch's ontology writes."""

    def __init__(self, *, min_support: int = 2) -> None:
        self.min_support = max(2, min_support)
        self._reset()

    def _reset(self) -> None:
        self.links: dict[LinkKey, _Tally] = {}
        self.concept_tally: dict[str, _Tally] = {}
        self.names: dict[str, str] = {s.id: s.name for s in SEEDS}
        self.concepts: dict[str, ConceptState] = {}
        self.edges: dict[LinkKey, tuple[int, float]] = {}  # as written
        self.by_subject: dict[tuple[str, str], set[LinkKey]] = defaultdict(set)
        self.by_concept: dict[str, set[LinkKey]] = defaultdict(set)
        self.version = 0
        self._touched_links: set[LinkKey] = set()
        self._touched_concepts: set[str] = set()
        self._seeded = False

    # -- loading ---------------------------------------------------------------------------
    def load(
        self,
        evidence: Iterable[Mapping[str, Any]],
        concepts: Iterable[Mapping[str, Any]],
        edges: Iterable[tuple[str, str, str, str, int, float]],
        version: int,
    ) -> None:
        """Rebuild from the graph: Evidence rows, Concept rows, and the written edges as
        ``(kind, subject, object, predicate, support, confidence)``."""
        self._reset()
        by_doc: dict[str, list[EvidenceItem]] = defaultdict(list)
        for row in evidence:
            by_doc[str(row["document_id"])].append(_item(row))
        for items in by_doc.values():
            self._count(_per_doc(items), +1)
        for row in concepts:
            self.concepts[str(row["id"])] = ConceptState(
                str(row["name"]),
                int(row["support"] or 0),
                float(row["confidence"] or 0.0),
                bool(row["learned"]),
                int(row["version"] or 0),
            )
            self.names.setdefault(str(row["id"]), str(row["name"]))
        for kind, subject, obj, predicate, support, confidence in edges:
            key = (kind, subject, obj, predicate)
            self.edges[key] = (int(support or 0), float(confidence or 0.0))
            self._index(key)
        self.version = version
        self._seeded = set(self.concepts) >= SEED_IDS
        self._touched_links.clear()
        self._touched_concepts.clear()

    def _index(self, key: LinkKey) -> None:
        kind, subject, obj, _ = key
        self.by_subject[(kind, subject)].add(key)
        if kind == "instance":
            self.by_concept[obj].add(key)
        elif kind == "subclass":
            self.by_concept[obj].add(key)
            self.by_concept[subject].add(key)

    # -- evidence ----------------------------------------------------------------------------
    def name_concept(self, concept_id: str, name: str) -> None:
        self.names.setdefault(concept_id, name)

    def _count(self, links: Mapping[LinkKey, EvidenceItem], sign: int) -> None:
        for key, item in links.items():
            self.links.setdefault(key, _Tally()).add(item.weight, sign)
            self._index(key)
            self._touched_links.add(key)
        for concept, weight in _concept_weights(links).items():
            self.concept_tally.setdefault(concept, _Tally()).add(weight, sign)
            self._touched_concepts.add(concept)

    def replace_evidence(
        self,
        batch: GraphBatch,
        document_id: str,
        old_rows: Iterable[Mapping[str, Any]],
        new_items: Iterable[EvidenceItem],
        at: datetime | None,
    ) -> None:
        """Swap one document's evidence: tallies move, Evidence rows are replaced."""
        old = _per_doc(_item(r) for r in old_rows)
        new = _per_doc(new_items)
        old_ids = {str(r["id"]) for r in old_rows}
        if {k: (i.weight, i.pattern) for k, i in old.items()} == {
            k: (i.weight, i.pattern) for k, i in new.items()
        } and old_ids == {evidence_id(document_id, k) for k in new}:
            return
        self._count(old, -1)
        self._count(new, +1)
        new_ids = {evidence_id(document_id, k) for k in new}
        if old_ids - new_ids:
            batch.remove("Evidence", *(old_ids - new_ids))
        for key, item in new.items():
            batch.node(
                "Evidence",
                id=evidence_id(document_id, key),
                document_id=document_id,
                kind=item.kind,
                subject=item.subject,
                object=item.object,
                predicate=item.predicate,
                pattern=item.pattern,
                weight=round(item.weight, 6),
                at=at,
            )

    # -- planning the batch's ontology writes ------------------------------------------------
    def plan(
        self, batch: GraphBatch, entity_exists: Callable[[str], bool], now: datetime
    ) -> OntologyDelta:
        """Add to ``batch`` every Concept, INSTANCE_OF/SUBCLASS_OF/RELATED edge and
        OntologyChange the evidence since the last plan calls for."""
        delta = OntologyDelta()
        changes: list[tuple[str, str, str]] = []
        if not self._seeded:
            self._seed(batch, changes)
        concept_ids = set(self._touched_concepts)
        for key in self._touched_links:
            concept_ids.update(_concepts_of(EvidenceItem(key[0], key[1], key[2], key[3])))
        concepts_flipped: set[str] = set()
        new_version = self.version + 1
        for concept_id in sorted(concept_ids):
            before = self.concepts.get(concept_id)
            wanted = self._concept_state(concept_id, new_version)
            if wanted is None and before is not None and before.learned:
                batch.remove("Concept", concept_id)
                del self.concepts[concept_id]
                concepts_flipped.add(concept_id)
                for key in self.by_concept.get(concept_id, set()):
                    self.edges.pop(key, None)
                delta.concepts_removed += 1
                changes.append(("concept_removed", concept_id, "support fell below the threshold"))
            elif wanted is not None and before is None:
                self.concepts[concept_id] = wanted
                batch.node("Concept", id=concept_id, **_concept_row(wanted))
                concepts_flipped.add(concept_id)
                delta.concepts_added += 1
                changes.append(
                    (
                        "concept_added",
                        concept_id,
                        f"{wanted.name}: support {wanted.support}, "
                        f"confidence {wanted.confidence:.3f}",
                    )
                )
            elif (
                wanted is not None
                and before is not None
                and (wanted.support, wanted.confidence) != (before.support, before.confidence)
            ):
                self.concepts[concept_id] = wanted
                batch.node("Concept", id=concept_id, **_concept_row(wanted))
                changes.append(
                    (
                        "concept_updated",
                        concept_id,
                        f"support {before.support} -> {wanted.support}, confidence "
                        f"{before.confidence:.3f} -> {wanted.confidence:.3f}",
                    )
                )
        links = set(self._touched_links)
        for concept_id in concepts_flipped:
            links |= self.by_concept.get(concept_id, set())
        rewrite: set[tuple[str, str]] = set()  # (kind, subject) whose out-edges are redone
        for key in sorted(links):
            wanted_edge = self._edge_state(key, entity_exists)
            current = self.edges.get(key)
            if wanted_edge == current:
                continue
            if wanted_edge is None:
                self.edges.pop(key, None)
                rewrite.add((key[0], key[1]))
                delta.links_removed += 1
                changes.append(("link_removed", _describe(key), "no evidence left"))
                continue
            self.edges[key] = wanted_edge
            self._emit_edge(batch, key, wanted_edge)
            if current is None:
                delta.links_added += 1
                changes.append(
                    (
                        "link_added",
                        _describe(key),
                        f"support {wanted_edge[0]}, confidence {wanted_edge[1]:.3f}",
                    )
                )
            else:
                delta.links_updated += 1
        for kind, subject in sorted(rewrite):
            if kind == "subclass" and subject not in self.concepts:
                continue  # the node is gone and its edges with it
            rel = REL_OF_KIND[kind]
            batch.replace_out(rel, subject)
            for key in self.by_subject.get((kind, subject), set()):
                if key in self.edges:
                    self._emit_edge(batch, key, self.edges[key])
        if delta.links_updated:
            changes.append(
                (
                    "links_updated",
                    "INSTANCE_OF/SUBCLASS_OF/RELATED",
                    f"{delta.links_updated} links changed support or confidence",
                )
            )
        self._touched_links.clear()
        self._touched_concepts.clear()
        if changes:
            self.version = new_version
            delta.version = new_version
            for n, (change, subject, detail) in enumerate(changes):
                batch.node(
                    "OntologyChange",
                    id=f"ontology:v{new_version}:{n}",
                    version=new_version,
                    at=now,
                    change=change,
                    subject=subject,
                    detail=detail,
                )
        return delta

    def _seed(self, batch: GraphBatch, changes: list[tuple[str, str, str]]) -> None:
        for seed in SEEDS:
            if seed.id not in self.concepts:
                tally = self.concept_tally.get(seed.id, _Tally())
                state = ConceptState(seed.name, max(tally.support, 0), 1.0, False, 1)
                self.concepts[seed.id] = state
                batch.node("Concept", id=seed.id, **_concept_row(state))
        for seed in SEEDS:
            if seed.parent:
                key: LinkKey = ("subclass", seed.id, seed.parent, "")
                self._index(key)
                self._touched_links.add(key)
        changes.append(("seeded", "concept:thing", f"{len(SEEDS)} seed concepts"))
        self._seeded = True

    def _concept_state(self, concept_id: str, version: int) -> ConceptState | None:
        tally = self.concept_tally.get(concept_id, _Tally())
        before = self.concepts.get(concept_id)
        name = self.names.get(concept_id, concept_id.removeprefix("concept:"))
        if concept_id in SEED_IDS:
            support = max(tally.support, 0)
            if before is not None and before.support == support:
                return before
            return ConceptState(name, support, 1.0, False, version)
        if tally.support < self.min_support:
            return None
        confidence = tally.confidence
        if before is not None and (before.support, before.confidence) == (
            tally.support,
            confidence,
        ):
            return before
        return ConceptState(name, tally.support, confidence, True, version)

    def _edge_state(
        self, key: LinkKey, entity_exists: Callable[[str], bool]
    ) -> tuple[int, float] | None:
        kind, subject, obj, _ = key
        tally = self.links.get(key, _Tally())
        seeded = kind == "subclass" and _seed_parent(subject) == obj
        if tally.support <= 0 and not seeded:
            return None
        if kind == "instance" and not (entity_exists(subject) and obj in self.concepts):
            return None
        if kind == "subclass" and not (subject in self.concepts and obj in self.concepts):
            return None
        if kind == "related" and not (entity_exists(subject) and entity_exists(obj)):
            return None
        confidence = 1.0 if seeded else tally.confidence
        return (max(tally.support, 0), confidence)

    @staticmethod
    def _emit_edge(batch: GraphBatch, key: LinkKey, state: tuple[int, float]) -> None:
        kind, subject, obj, predicate = key
        props: dict[str, Any] = {"support": state[0], "confidence": state[1]}
        if kind == "related":
            props["predicate"] = predicate
        batch.edge(REL_OF_KIND[kind], subject, obj, **props)

    # -- reads for the orchestrator ----------------------------------------------------------
    def is_concept(self, concept_id: str) -> bool:
        return concept_id in self.concepts


_SEED_PARENT = {s.id: s.parent for s in SEEDS}


def _seed_parent(concept_id: str) -> str | None:
    return _SEED_PARENT.get(concept_id)


def _concept_row(state: ConceptState) -> dict[str, Any]:
    return {
        "name": state.name,
        "support": state.support,
        "confidence": state.confidence,
        "learned": state.learned,
        "version": state.version,
    }


def _describe(key: LinkKey) -> str:
    kind, subject, obj, predicate = key
    rel = REL_OF_KIND[kind]
    return f"{subject} {rel}{'(' + predicate + ')' if predicate else ''} {obj}"


def _item(row: Mapping[str, Any]) -> EvidenceItem:
    return EvidenceItem(
        str(row["kind"]),
        str(row["subject"]),
        str(row["object"]),
        str(row.get("predicate") or ""),
        str(row.get("pattern") or ""),
        float(row.get("weight") or 0.0),
    )


def evidence_id(document_id: str, key: LinkKey) -> str:
    return "evidence:" + short_hash(document_id, *key, length=24)
