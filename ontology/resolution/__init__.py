"""Resolution: the same people, things and decisions across sources, with rapidfuzz."""

from ontology.resolution._decisions import (
    Changes,
    DecisionIndex,
    DecisionInfo,
    Source,
    Statement,
    statement_key,
    statement_similarity,
)
from ontology.resolution._entities import EntityIndex, EntityInfo, Resolution, threshold_for
from ontology.resolution._normalize import (
    CORPORATE_SUFFIXES,
    blocking_keys,
    explain_equal,
    normalize_name,
    phonetic,
)
from ontology.resolution._people import (
    AccountInfo,
    Partition,
    PeopleIndex,
    PersonView,
    partition,
    person_key,
)

__all__ = [
    "CORPORATE_SUFFIXES",
    "AccountInfo",
    "Changes",
    "DecisionIndex",
    "DecisionInfo",
    "EntityIndex",
    "EntityInfo",
    "Partition",
    "PeopleIndex",
    "PersonView",
    "Resolution",
    "Source",
    "Statement",
    "blocking_keys",
    "explain_equal",
    "normalize_name",
    "partition",
    "person_key",
    "phonetic",
    "statement_key",
    "statement_similarity",
    "threshold_for",
]
