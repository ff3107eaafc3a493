"""Seed concepts, concept names from text, and the connectors' structure as ontology evidence."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ontology.resolution._normalize import fold_unicode, singular, slug, strip_punctuation


@dataclass(frozen=True)
class SeedConcept:
    id: str
    name: str
    parent: str | None
    synonyms: tuple[str, ...] = ()


ROOT = "concept:thing"


def _seed(name: str, parent: str | None, *synonyms: str) -> SeedConcept:
    return SeedConcept(f"concept:{slug(name)}", name, parent, synonyms)


#: The seed ontology every graph starts from; everything else is learned from evidence.
SEEDS: tuple[SeedConcept, ...] = (
    SeedConcept(ROOT, "Thing", None, ("thing", "entity", "item")),
    _seed("Agent", ROOT),
    _seed("Person", "concept:agent", "person", "people", "human", "employee", "user"),
    _seed(
        "Organization",
        "concept:agent",
        "organization",
        "organisation",
        "company",
        "firm",
        "business",
        "enterprise",
    ),
    _seed("Customer", "concept:organization", "customer", "client"),
    _seed("Vendor", "concept:organization", "vendor", "supplier", "provider"),
    _seed("Partner", "concept:organization", "partner", "reseller"),
    _seed("Competitor", "concept:organization", "competitor", "rival"),
    _seed("Team", "concept:agent", "team", "squad", "department", "group"),
    _seed("Product", ROOT, "product", "offering"),
    _seed("Technology", ROOT, "technology", "tech", "tool", "framework", "library", "platform"),
    _seed("Project", ROOT, "project", "initiative"),
    _seed("Component", ROOT, "component", "module", "subsystem"),
    _seed("Deal", ROOT, "deal", "opportunity"),
    _seed("Channel", ROOT, "channel"),
    _seed("IssueType", ROOT, "issue type", "ticket type"),
    _seed("Label", ROOT, "label", "tag"),
    _seed("Industry", ROOT, "industry", "sector", "vertical"),
    _seed("Pipeline", ROOT, "pipeline"),
)
SEED_IDS = frozenset(s.id for s in SEEDS)
_SYNONYMS: dict[str, SeedConcept] = {syn: s for s in SEEDS for syn in s.synonyms}

#: Extraction labels -> (concept, evidence weight by source). Gazetteer hits are our own
#: knowledge fed back, so they are not evidence.
LABEL_CONCEPTS: dict[str, str] = {
    "ORG": "concept:organization",
    "ORGANIZATION": "concept:organization",
    "COMPANY": "concept:organization",
    "CUSTOMER": "concept:customer",
    "VENDOR": "concept:vendor",
    "PRODUCT": "concept:product",
    "TECH": "concept:technology",
    "TECHNOLOGY": "concept:technology",
    "COMPONENT": "concept:component",
    "PROJECT": "concept:project",
    "TEAM": "concept:team",
    "CHANNEL": "concept:channel",
}
LABEL_WEIGHTS: dict[str, float] = {"ner": 0.6, "rule": 0.5}

_LEADING = re.compile(
    r"^(?:other|others|some|many|various|several|certain|such|the|a|an|all|any|more|most|"
    r"key|main|major|big|different|these|those|our|their|new)\s+"
)


def concept_for(phrase: str) -> tuple[str, str] | None:
    """(concept id, name) for a hypernym phrase: 'other databases' -> ('concept:database',
    'Database'); seed synonyms map to the seed ('companies' -> Organization)."""
    text = strip_punctuation(fold_unicode(phrase))
    previous = None
    while text != previous:
        previous = text
        text = _LEADING.sub("", text)
    words = text.split()
    if not words or len(words) > 4 or not any(ch.isalpha() for ch in text):
        return None
    words[-1] = singular(words[-1])
    key = " ".join(words)
    seed = _SYNONYMS.get(key) or (_SYNONYMS.get(words[-1]) if len(words) == 1 else None)
    if seed is not None:
        return seed.id, seed.name
    name = " ".join(w.capitalize() for w in words)
    return f"concept:{slug(key)}", name


def seed_type(concept_id: str) -> str:
    """The entity type a concept gives its instances (a seed's name), or 'Thing'."""
    for seed in SEEDS:
        if seed.id == concept_id:
            return seed.name
    return "Thing"


# -- the connectors' structure ---------------------------------------------------------------
@dataclass(frozen=True)
class StructureFact:
    """A thing named by a source's structure, and the concept it is an instance of."""

    name: str
    concept: str
    pattern: str  # where it came from: "<source type>:<property>"
    weight: float


#: Record/Container property (lower-case, no punctuation) -> (concept, weight).
PROPERTY_CONCEPTS: dict[str, tuple[str, float]] = {
    "component": ("concept:component", 0.95),
    "components": ("concept:component", 0.95),
    "label": ("concept:label", 0.9),
    "labels": ("concept:label", 0.9),
    "tags": ("concept:label", 0.85),
    "issuetype": ("concept:issuetype", 0.95),
    "issuetypes": ("concept:issuetype", 0.95),
    "project": ("concept:project", 0.95),
    "projectname": ("concept:project", 0.95),
    "industry": ("concept:industry", 0.9),
    "pipeline": ("concept:pipeline", 0.9),
    "pipelinename": ("concept:pipeline", 0.9),
    "team": ("concept:team", 0.9),
    "teams": ("concept:team", 0.9),
    "product": ("concept:product", 0.85),
    "products": ("concept:product", 0.85),
}
#: Properties whose value says what kind of organization a CRM company is.
ORG_TYPE_PROPERTIES = frozenset(
    {"lifecyclestage", "type", "accounttype", "companytype", "relationship", "relationshiptype"}
)
ORG_TYPE_VALUES: tuple[tuple[str, str], ...] = (
    ("customer", "concept:customer"),
    ("client", "concept:customer"),
    ("vendor", "concept:vendor"),
    ("supplier", "concept:vendor"),
    ("partner", "concept:partner"),
    ("reseller", "concept:partner"),
    ("competitor", "concept:competitor"),
)
CRM_TYPES = frozenset({"hubspot", "salesforce"})
#: Record kinds whose title names a thing: (concept, weight).
KIND_CONCEPTS: dict[str, tuple[str, float]] = {
    "company": ("concept:organization", 0.9),
    "account": ("concept:organization", 0.9),
    "deal": ("concept:deal", 0.95),
    "opportunity": ("concept:deal", 0.95),
}
#: Container kinds whose name is a thing.
CONTAINER_CONCEPTS: dict[str, tuple[str, float]] = {
    "channel": ("concept:channel", 0.95),
    "project": ("concept:project", 0.95),
    "pipeline": ("concept:pipeline", 0.9),
}


def _prop_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _names(value: Any) -> list[str]:
    """Names inside a property value: a string, a list of them, or Jira-style {"name": ...}."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Mapping):
        for key in ("name", "value", "label", "title"):
            if isinstance(value.get(key), str):
                return _names(value[key])
        return []
    if isinstance(value, Iterable):
        return [n for item in value for n in _names(item)]
    return []


def structure_facts(
    properties: Mapping[str, Any],
    source_type: str,
    kind: str | None = None,
    title: str | None = None,
) -> tuple[list[StructureFact], list[tuple[str, str, str]]]:
    """What a record's or container's structure says: instance facts, and relations
    ``(subject name, predicate, object name)`` such as a company's industry."""
    facts: list[StructureFact] = []
    relations: list[tuple[str, str, str]] = []
    subject = title.strip() if title and title.strip() else None
    kind_key = (kind or "").lower()
    if subject and source_type in CRM_TYPES and kind_key in KIND_CONCEPTS:
        concept, weight = KIND_CONCEPTS[kind_key]
        facts.append(StructureFact(subject, concept, f"{source_type}:{kind_key}", weight))
    for raw_key, value in properties.items():
        key = _prop_key(raw_key)
        if key in PROPERTY_CONCEPTS:
            concept, weight = PROPERTY_CONCEPTS[key]
            for name in _names(value):
                facts.append(StructureFact(name, concept, f"{source_type}:{key}", weight))
                if key == "industry" and subject and kind_key in ("company", "account"):
                    relations.append((subject, "in_industry", name))
        elif (
            key in ORG_TYPE_PROPERTIES
            and subject
            and source_type in CRM_TYPES
            and kind_key in ("company", "account")
        ):
            for value_name in _names(value):
                folded = value_name.lower()
                for needle, concept in ORG_TYPE_VALUES:
                    if needle in folded:
                        facts.append(StructureFact(subject, concept, f"{source_type}:{key}", 0.9))
                        break
    return facts, relations


def container_facts(
    kind: str, name: str | None, properties: Mapping[str, Any], source_type: str
) -> tuple[list[StructureFact], list[tuple[str, str, str]]]:
    """What a container says: its own name (a channel, a project) and its structure."""
    facts, relations = structure_facts(properties, source_type)
    kind_key = kind.lower()
    if name and name.strip() and kind_key in CONTAINER_CONCEPTS:
        concept, weight = CONTAINER_CONCEPTS[kind_key]
        shown = name.strip()
        if kind_key == "channel" and not shown.startswith("#"):
            shown = "#" + shown
        facts.append(StructureFact(shown, concept, f"{source_type}:{kind_key}", weight))
    return facts, relations
