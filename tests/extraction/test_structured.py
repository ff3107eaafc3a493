"""Decisions from connector facts, without NLP (origin="structured")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors import Fact, Identity, Record
from ontology.extraction import Extractor, classify_fact

AT = datetime(2026, 2, 18, 15, 0, tzinfo=UTC)
RAJ = Identity(id="jira:acc-raj", name="Raj Patel", email="raj@example.com")


def fact(kind: Any, field: str, frm: str | None, to: str | None, **kw: Any) -> Fact:
    return Fact(
        id=f"jira:10001:{field}:{to}",
        kind=kind,
        field=field,
        from_value=frm,
        to_value=to,
        actor=kw.pop("actor", RAJ),
        at=kw.pop("at", AT),
        **kw,
    )


def issue(*facts: Fact, **kw: Any) -> Record:
    return Record(
        id="jira:PLAT-42",
        source="jira",
        source_type="jira",
        kind="issue",
        title="Adopt Kafka for the event bus",
        created_at=AT - timedelta(days=3),
        updated_at=AT,
        facts=list(facts),
        **kw,
    )


def comment(text: str, at: datetime, author: Identity = RAJ) -> Record:
    return Record(
        id=f"jira:PLAT-42:c{at.minute}",
        source="jira",
        source_type="jira",
        kind="comment",
        text=text,
        created_at=at,
        updated_at=at,
        author=author,
        parent_id="jira:PLAT-42",
    )


@pytest.mark.parametrize(
    ("kind", "field", "frm", "to", "expected"),
    [
        ("resolution", "resolution", None, "Won't Do", ("rejected", "do_not")),
        ("resolution", "resolution", None, "Done", ("decided", "do")),
        ("resolution", "resolution", None, "Fixed", ("decided", "do")),
        ("resolution", "resolution", None, "Duplicate", ("rejected", "do_not")),
        ("resolution", "resolution", None, "Cannot Reproduce", ("rejected", "do_not")),
        ("resolution", "resolution", "Done", None, ("reversed", "do")),
        ("status_change", "status", "In Review", "Approved", ("decided", "do")),
        ("status_change", "status", "Open", "Rejected", ("rejected", "do_not")),
        ("status_change", "status", "In Progress", "Closed", ("decided", "do")),
        ("status_change", "status", "To Do", "In Progress", None),
        ("status_change", "status", "Done", "Reopened", ("reversed", "do")),
        ("stage_change", "dealstage", "contractsent", "closedwon", ("decided", "do")),
        ("stage_change", "dealstage", "contractsent", "closedlost", ("rejected", "do_not")),
        ("stage_change", "StageName", "Negotiation/Review", "Closed Won", ("decided", "do")),
        ("stage_change", "StageName", "Closed Lost", "Prospecting", ("reversed", "do")),
        ("stage_change", "StageName", "Prospecting", "Qualification", None),
        ("assignee_change", "assignee", "Raj", "Jane", None),
        ("field_change", "priority", "Low", "High", None),
    ],
)
def test_the_rule(kind: Any, field: str, frm: str | None, to: str | None, expected: Any) -> None:
    assert classify_fact(fact(kind, field, frm, to)) == expected


def test_jira_resolution_wont_do(extractor: Extractor) -> None:
    record = issue(fact("resolution", "resolution", None, "Won't Do"))
    (d,) = extractor.structured_decisions(record)
    assert d.origin == "structured"
    assert d.statement == "PLAT-42: Adopt Kafka for the event bus"
    assert (d.status, d.polarity) == ("rejected", "do_not")
    assert d.deciders == []  # the actor, through fact_id
    assert next(f for f in record.facts if f.id == d.fact_id).actor == RAJ
    assert d.decided_at == AT
    assert (d.from_state, d.to_state) == (None, "Won't Do")
    assert d.fact_id == "jira:10001:resolution:Won't Do"
    assert d.confidence >= 0.9


def test_status_change_with_resolution_counts_once(extractor: Extractor) -> None:
    record = issue(
        fact("status_change", "status", "In Progress", "Done", at=AT),
        fact("resolution", "resolution", None, "Done", at=AT + timedelta(seconds=1)),
    )
    decisions = extractor.structured_decisions(record)
    assert [(d.to_state, d.status) for d in decisions] == [("Done", "decided")]
    assert decisions[0].fact_id == "jira:10001:resolution:Done"


def test_workflow_steps_are_not_decisions(extractor: Extractor) -> None:
    record = issue(
        fact("status_change", "status", "To Do", "In Progress"),
        fact("assignee_change", "assignee", None, "Raj"),
    )
    assert extractor.structured_decisions(record) == []


def test_reopen_is_a_reversal(extractor: Extractor) -> None:
    (d,) = extractor.structured_decisions(
        issue(fact("status_change", "status", "Done", "Reopened"))
    )
    assert d.status == "reversed"
    assert d.supersedes_cue == "status: Done -> Reopened"


def test_rationale_from_the_last_comment(extractor: Extractor) -> None:
    record = issue(fact("resolution", "resolution", None, "Won't Do"))
    comments = [
        comment("Looking into it.", AT - timedelta(hours=2)),
        comment(
            "Closing: we stay on Redis Streams because the team cannot run Kafka.",
            AT + timedelta(minutes=1),
        ),
        comment("Late note after the fact.", AT + timedelta(hours=3)),
    ]
    (d,) = extractor.structured_decisions(record, comments=comments)
    assert d.rationale == "the team cannot run Kafka"


def test_comment_without_a_reason_gives_none(extractor: Extractor) -> None:
    record = issue(fact("resolution", "resolution", None, "Done"))
    (d,) = extractor.structured_decisions(record, comments=[comment("Thanks!", AT)])
    assert d.rationale is None


def test_fact_reason_wins(extractor: Extractor) -> None:
    record = issue(fact("resolution", "resolution", None, "Won't Do", reason="Out of scope"))
    (d,) = extractor.structured_decisions(record, comments=[comment("because reasons", AT)])
    assert d.rationale == "Out of scope"


def test_crm_deal_closed_lost_with_reason_property(extractor: Extractor) -> None:
    owner = Identity(id="hubspot:owner:7", name="Sofia Rossi")
    deal = Record(
        id="hubspot:deal:991",
        source="hubspot",
        source_type="hubspot",
        kind="deal",
        title="Brightwater renewal",
        created_at=AT - timedelta(days=30),
        updated_at=AT,
        properties={"closed_lost_reason": "Chose a cheaper competitor"},
        facts=[
            Fact(
                id="hubspot:deal:991:stage:1",
                kind="stage_change",
                field="dealstage",
                from_value="contractsent",
                to_value="closedlost",
                actor=owner,
                at=AT,
            )
        ],
    )
    (d,) = extractor.structured_decisions(deal)
    assert (d.statement, d.status, d.polarity) == ("Brightwater renewal", "rejected", "do_not")
    assert d.rationale == "Chose a cheaper competitor"
    assert d.fact_id == "hubspot:deal:991:stage:1"


def test_salesforce_opportunity_closed_won(extractor: Extractor) -> None:
    opp = Record(
        id="salesforce:0065g00000ABCDE",
        source="salesforce",
        source_type="salesforce",
        kind="opportunity",
        title="Kestrel RFP",
        created_at=AT,
        updated_at=AT,
        facts=[
            Fact(
                id="sf:hist:1",
                kind="stage_change",
                field="StageName",
                from_value="Negotiation/Review",
                to_value="Closed Won",
                at=AT,
            )
        ],
    )
    (d,) = extractor.structured_decisions(opp)
    assert (d.statement, d.status, d.deciders) == ("Kestrel RFP", "decided", [])


@pytest.mark.parametrize(
    "text",
    [
        "Picked this up.",
        "Blocked on the gateway release.",
        "Not decided whether this goes into this sprint.",
        "@tom.becker said the staging cluster was rebuilt yesterday.",
        "PR is up: https://git.example.com/app/pull/662",
    ],
)
def test_a_comment_that_gives_no_reason_is_not_the_rationale(
    extractor: Extractor, text: str
) -> None:
    record = issue(fact("resolution", "resolution", None, "Done"))
    (d,) = extractor.structured_decisions(record, comments=[comment(text, AT)])
    assert d.rationale is None


def test_a_comment_stating_the_decision_is_the_rationale(extractor: Extractor) -> None:
    record = issue(fact("resolution", "resolution", None, "Done"))
    text = (
        "Decision: Postgres for the ledger service. MongoDB was the other option, but "
        "double-entry postings need multi-row transactions."
    )
    (d,) = extractor.structured_decisions(record, comments=[comment(text, AT)])
    assert d.rationale == text
