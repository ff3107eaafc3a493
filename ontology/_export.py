"""The learned ontology out of the graph: a tree for people, JSON for programs, Turtle for
Protégé and rdflib.

Turtle: every ``Concept`` is an ``owl:Class`` (label, support, confidence, learned), each
``SUBCLASS_OF`` an ``rdfs:subClassOf`` and each ``INSTANCE_OF`` an ``rdf:type`` on an
``owl:NamedIndividual``; the support and confidence of those links are OWL axiom annotations
(``owl:Axiom`` with ``owl:annotatedSource/Property/Target``), and ``RELATED`` links become
object properties ``siphon:rel_<predicate>``. Hand-written (all IRIs in ``<...>`` form, all
literals escaped), so no RDF library is needed at run time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ontology._graph import GraphStore

NAMESPACE = "https://ambient-siphon.dev/ontology#"
_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "siphon": NAMESPACE,
}


@dataclass
class ConceptNode:
    id: str
    name: str
    support: int
    confidence: float
    learned: bool
    version: int
    parents: list[tuple[str, int, float]] = field(default_factory=list)
    instances: list[tuple[str, str, int, float]] = field(default_factory=list)


@dataclass
class OntologySnapshot:
    """Concepts with their parents and instances, and learned relations, as the graph has
    them."""

    version: int
    concepts: dict[str, ConceptNode]
    relations: list[tuple[str, str, str, str, str, int, float]]  # s, s name, pred, o, o name, ...

    def children(self) -> dict[str | None, list[str]]:
        """Concept id -> ids of its subclasses (``None`` -> the roots), sorted by name."""
        out: dict[str | None, list[str]] = defaultdict(list)
        for node in self.concepts.values():
            parents: list[str | None] = [p for p, _, _ in node.parents if p in self.concepts]
            for parent in parents or [None]:
                out[parent].append(node.id)
        for ids in out.values():
            ids.sort(key=lambda i: self.concepts[i].name.lower())
        return out


def read_ontology(store: GraphStore, *, min_support: int = 0) -> OntologySnapshot:
    """The ontology in ``store``; concepts (and links) under ``min_support`` are left out,
    except seed concepts, which are always kept so the tree has its shape."""
    concepts: dict[str, ConceptNode] = {}
    for r in store.rows(
        "MATCH (c:Concept) RETURN c.id AS id, c.name AS name, c.support AS support, "
        "c.confidence AS confidence, c.learned AS learned, c.version AS version"
    ):
        support = int(r["support"] or 0)
        if r["learned"] and support < min_support:
            continue
        concepts[r["id"]] = ConceptNode(
            r["id"],
            r["name"] or r["id"],
            support,
            float(r["confidence"] or 0.0),
            bool(r["learned"]),
            int(r["version"] or 0),
        )
    for r in store.rows(
        "MATCH (a:Concept)-[s:SUBCLASS_OF]->(b:Concept) RETURN a.id AS a, b.id AS b, "
        "s.support AS support, s.confidence AS confidence"
    ):
        if r["a"] in concepts:
            concepts[r["a"]].parents.append(
                (r["b"], int(r["support"] or 0), float(r["confidence"] or 0.0))
            )
    for r in store.rows(
        "MATCH (e:Entity)-[s:INSTANCE_OF]->(c:Concept) RETURN e.id AS e, e.name AS name, "
        "c.id AS c, s.support AS support, s.confidence AS confidence"
    ):
        support = int(r["support"] or 0)
        if r["c"] in concepts and support >= min_support:
            concepts[r["c"]].instances.append(
                (r["e"], r["name"] or r["e"], support, float(r["confidence"] or 0.0))
            )
    for node in concepts.values():
        node.parents.sort()
        node.instances.sort(key=lambda x: (-x[2], x[1].lower()))
    relations = [
        (
            r["a"],
            r["an"] or r["a"],
            r["p"] or "related",
            r["b"],
            r["bn"] or r["b"],
            int(r["support"] or 0),
            float(r["confidence"] or 0.0),
        )
        for r in store.rows(
            "MATCH (a:Entity)-[s:RELATED]->(b:Entity) RETURN a.id AS a, a.name AS an, "
            "s.predicate AS p, b.id AS b, b.name AS bn, s.support AS support, "
            "s.confidence AS confidence"
        )
        if int(r["support"] or 0) >= min_support
    ]
    relations.sort()
    rows = store.execute("MATCH (c:OntologyChange) RETURN max(c.version)")
    version = int(rows[0][0] or 0) if rows else 0
    return OntologySnapshot(version, concepts, relations)


def to_json(snapshot: OntologySnapshot) -> dict[str, Any]:
    """A JSON-ready dict: concepts (with parents and instances) and relations."""
    return {
        "version": snapshot.version,
        "concepts": [
            {
                "id": c.id,
                "name": c.name,
                "support": c.support,
                "confidence": c.confidence,
                "learned": c.learned,
                "version": c.version,
                "parents": [
                    {"id": p, "support": s, "confidence": conf} for p, s, conf in c.parents
                ],
                "instances": [
                    {"id": e, "name": n, "support": s, "confidence": conf}
                    for e, n, s, conf in c.instances
                ],
            }
            for c in sorted(snapshot.concepts.values(), key=lambda c: c.id)
        ],
        "relations": [
            {
                "subject": s,
                "subject_name": sn,
                "predicate": p,
                "object": o,
                "object_name": on,
                "support": sup,
                "confidence": conf,
            }
            for s, sn, p, o, on, sup, conf in snapshot.relations
        ],
    }


def _iri(node_id: str) -> str:
    kind, _, rest = node_id.partition(":")
    local = quote(rest or kind, safe="-._~")
    return f"<{NAMESPACE}{kind}/{local}>" if rest else f"<{NAMESPACE}{local}>"


def _literal(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _decimal(value: float) -> str:
    return f'"{value:.6f}"^^xsd:decimal'


def _predicate_iri(predicate: str) -> str:
    local = re.sub(r"[^A-Za-z0-9_]+", "_", predicate).strip("_") or "related"
    return f"siphon:rel_{local}"


def to_turtle(snapshot: OntologySnapshot) -> str:
    """The ontology as Turtle (OWL 2), loadable by Protégé and rdflib."""
    out: list[str] = [f"@prefix {p}: <{iri}> ." for p, iri in _PREFIXES.items()]
    out += [
        "",
        f"<{NAMESPACE.rstrip('#')}> a owl:Ontology ;",
        '    rdfs:label "Ambient Siphon learned ontology" ;',
        f'    owl:versionInfo "{snapshot.version}" .',
        "",
    ]
    for prop, label in (
        ("support", "number of distinct documents giving evidence"),
        ("confidence", "noisy-or of the evidence weights"),
        ("learned", "learned from evidence (false: a seed concept)"),
    ):
        out.append(f"siphon:{prop} a owl:AnnotationProperty ; rdfs:comment {_literal(label)} .")
    out.append("")
    for predicate in sorted({r[2] for r in snapshot.relations}):
        out.append(
            f"{_predicate_iri(predicate)} a owl:ObjectProperty ; rdfs:label {_literal(predicate)} ."
        )
    out.append("")
    for node in sorted(snapshot.concepts.values(), key=lambda c: c.id):
        lines = [
            f"{_iri(node.id)} a owl:Class",
            f"rdfs:label {_literal(node.name)}",
            f'siphon:support "{node.support}"^^xsd:integer',
            f"siphon:confidence {_decimal(node.confidence)}",
            f'siphon:learned "{str(node.learned).lower()}"^^xsd:boolean',
        ]
        parents = [p for p, _, _ in node.parents if p in snapshot.concepts]
        lines += [f"rdfs:subClassOf {_iri(p)}" for p in parents]
        out.append(" ;\n    ".join(lines) + " .")
    out.append("")
    individuals: dict[str, str] = {}
    for node in snapshot.concepts.values():
        for entity_id, name, _, _ in node.instances:
            individuals[entity_id] = name
    for entity_id in sorted(individuals):
        types = sorted(
            node.id
            for node in snapshot.concepts.values()
            if any(e == entity_id for e, _, _, _ in node.instances)
        )
        type_list = ", ".join(["owl:NamedIndividual", *(_iri(t) for t in types)])
        name = _literal(individuals[entity_id])
        out.append(f"{_iri(entity_id)} a {type_list} ;\n    rdfs:label {name} .")
    for s, sname, _, o, oname, _, _ in snapshot.relations:
        for node_id, name in ((s, sname), (o, oname)):
            if node_id not in individuals:
                individuals[node_id] = name
                out.append(
                    f"{_iri(node_id)} a owl:NamedIndividual ;\n    rdfs:label {_literal(name)} ."
                )
    out.append("")
    # Axiom annotations: the support and confidence of each learned link.
    for node in sorted(snapshot.concepts.values(), key=lambda c: c.id):
        for parent, support, confidence in node.parents:
            if parent in snapshot.concepts:
                out.append(
                    _axiom(_iri(node.id), "rdfs:subClassOf", _iri(parent), support, confidence)
                )
        for entity_id, _, support, confidence in node.instances:
            out.append(_axiom(_iri(entity_id), "rdf:type", _iri(node.id), support, confidence))
    for s, _, predicate, o, _, support, confidence in snapshot.relations:
        out.append(f"{_iri(s)} {_predicate_iri(predicate)} {_iri(o)} .")
        out.append(_axiom(_iri(s), _predicate_iri(predicate), _iri(o), support, confidence))
    return "\n".join(out) + "\n"


def _axiom(source: str, prop: str, target: str, support: int, confidence: float) -> str:
    return (
        "[] a owl:Axiom ;\n"
        f"    owl:annotatedSource {source} ;\n"
        f"    owl:annotatedProperty {prop} ;\n"
        f"    owl:annotatedTarget {target} ;\n"
        f'    siphon:support "{support}"^^xsd:integer ;\n'
        f"    siphon:confidence {_decimal(confidence)} ."
    )
