"""Deadline phrases resolved against the document's date."""

from __future__ import annotations

from datetime import date

import pytest

from ontology.extraction._dates import find_deadline

WED = date(2026, 2, 18)


@pytest.mark.parametrize(
    ("text", "when", "phrase"),
    [
        ("ship it by Friday", date(2026, 2, 20), "by Friday"),
        ("ship it by Wednesday", date(2026, 2, 18), "by Wednesday"),
        ("freeze by 2026-03-01", date(2026, 3, 1), "by 2026-03-01"),
        ("done next sprint", date(2026, 3, 18), "next sprint"),
        ("by the end of the month", date(2026, 2, 28), "by the end of the month"),
        ("by EOD", date(2026, 2, 18), "by EOD"),
        ("by tomorrow", date(2026, 2, 19), "by tomorrow"),
        ("by March 3rd", date(2026, 3, 3), "by March 3rd"),
        ("by 3 May 2027", date(2027, 5, 3), "by 3 May 2027"),
        ("by Q3", date(2026, 9, 30), "by Q3"),
        ("in two weeks", date(2026, 3, 4), "in two weeks"),
        ("by next Friday", date(2026, 2, 27), "by next Friday"),
        ("this week", date(2026, 2, 20), "this week"),
        ("by January 10", date(2027, 1, 10), "by January 10"),
    ],
)
def test_deadlines(text: str, when: date, phrase: str) -> None:
    found = find_deadline(text, WED)
    assert found is not None
    assert (found.when, found.text) == (when, phrase)
    assert text[found.start : found.end] == phrase


@pytest.mark.parametrize(
    "text", ["we use Kafka", "Friday was fun", "the Q3 numbers", "2026-02-30 is not a date"]
)
def test_no_deadline(text: str) -> None:
    assert find_deadline(text, WED) is None


def test_sprint_length_is_configurable() -> None:
    found = find_deadline("next sprint", WED, sprint_days=7)
    assert found is not None
    assert found.when == date(2026, 3, 4)
