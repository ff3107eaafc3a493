"""Shared fixtures: one blank-model extractor per session (building it loads the classifier)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ontology import DocumentExtraction, ExtractedDecision
from ontology.extraction import Extractor, build_extractor

#: A Wednesday, so "by Friday" is two days later.
REF = datetime(2026, 2, 18, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return build_extractor()


@pytest.fixture
def fresh_extractor() -> Extractor:
    """For tests that change the extractor (the gazetteer)."""
    return build_extractor()


def only(result: DocumentExtraction) -> ExtractedDecision:
    """The single decision of a result (fails clearly otherwise)."""
    assert len(result.decisions) == 1, [d.statement for d in result.decisions]
    return result.decisions[0]
