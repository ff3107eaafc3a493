"""The learned ontology: seed concepts grown from evidence (the connectors' structure, Hearst
IS_A patterns, extraction labels) into concepts and links with support and confidence."""

from ontology.learning._concepts import (
    LABEL_CONCEPTS,
    ROOT,
    SEED_IDS,
    SEEDS,
    SeedConcept,
    StructureFact,
    concept_for,
    container_facts,
    seed_type,
    structure_facts,
)
from ontology.learning._ontology import (
    EvidenceItem,
    LearnedOntology,
    OntologyDelta,
    evidence_id,
)

__all__ = [
    "LABEL_CONCEPTS",
    "ROOT",
    "SEEDS",
    "SEED_IDS",
    "EvidenceItem",
    "LearnedOntology",
    "OntologyDelta",
    "SeedConcept",
    "StructureFact",
    "concept_for",
    "container_facts",
    "evidence_id",
    "seed_type",
    "structure_facts",
]
