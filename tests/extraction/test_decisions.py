"""Decisions from free text: status, polarity, rationale, alternatives, deciders, deadlines,
confidence and spans; every kind of non-decision; context across sentences and messages."""

from __future__ import annotations

from datetime import date

import pytest

from ontology.extraction import Extractor, ParentContext
from tests.extraction.conftest import REF, only


def test_explicit_decision_with_rationale_and_alternative(extractor: Extractor) -> None:
    text = "We decided to use Kafka instead of RabbitMQ because it scales better."
    d = only(extractor.extract(text, document_id="m1", created_at=REF))
    assert d.statement == "use Kafka"
    assert d.status == "decided"
    assert d.polarity == "do"
    assert d.rationale == "it scales better"
    assert d.alternatives == ["RabbitMQ"]
    assert d.deciders == []  # the author decided
    assert d.origin == "text"
    assert 0.5 <= d.confidence <= 1.0
    assert (d.start, d.end) == (0, len(text))
    assert [m.text for m in d.about] == ["Kafka", "RabbitMQ"]


@pytest.mark.parametrize(
    ("text", "rationale"),
    [
        (
            "We'll move billing to Postgres because MySQL replication keeps breaking.",
            "MySQL replication keeps breaking",
        ),
        ("We're going with Postgres since the team knows it well.", "the team knows it well"),
        ("Let's cache sessions in Redis so that logins stay fast.", "so that logins stay fast"),
        ("We decided to drop Adyen due to the double PSP fees.", "due to the double PSP fees"),
        (
            "We agreed to keep REST given that nobody owns a schema registry.",
            "nobody owns a schema registry",
        ),
        (
            "We'll freeze the API on Friday, as the partners need a stable contract.",
            "the partners need a stable contract",
        ),
        ("Since MySQL keeps breaking, we'll move to Postgres.", "MySQL keeps breaking"),
    ],
)
def test_rationale_markers(extractor: Extractor, text: str, rationale: str) -> None:
    d = only(extractor.extract(text, created_at=REF))
    assert d.status == "decided"
    assert d.rationale == rationale
    assert d.rationale.lower() not in d.statement.lower()


@pytest.mark.parametrize(
    ("text", "alternative"),
    [
        ("We decided to use Kafka instead of RabbitMQ.", "RabbitMQ"),
        ("We'll use Postgres rather than MongoDB for the ledger.", "MongoDB"),
        ("We're going with Postgres over Mongo since we need transactions.", "Mongo"),
        ("We're going with Terraform (vs. Pulumi) for infra.", "Pulumi"),
        ("React Native it is for the driver app, not Flutter.", "Flutter"),
        ("Decision: drop MySQL in favor of Postgres.", "MySQL"),
    ],
)
def test_alternative_markers(extractor: Extractor, text: str, alternative: str) -> None:
    d = only(extractor.extract(text, created_at=REF))
    assert d.status == "decided"
    assert alternative in d.alternatives


def test_considered_alternatives_in_another_sentence(extractor: Extractor) -> None:
    text = "We considered RabbitMQ and SQS but they don't scale. We're going with Kafka."
    d = only(extractor.extract(text))
    assert d.statement == "go with Kafka"
    assert d.alternatives == ["RabbitMQ", "SQS"]


def test_we_considered_x_but_decided_in_one_sentence(extractor: Extractor) -> None:
    d = only(extractor.extract("We considered Pulumi but decided to stay on Terraform."))
    assert d.status == "decided"
    assert "Pulumi" in d.alternatives


@pytest.mark.parametrize(
    ("text", "deciders"),
    [
        ("Maria approved the migration to Postgres.", ["Maria"]),
        ("The migration to Postgres was approved by Maria and @bob.", ["Maria", "@bob"]),
        ("Per @bob, we will freeze the public API.", ["@bob"]),
        ("We will move billing to Postgres. Signed off by Dana Scully.", ["Dana Scully"]),
        ("Raj signed off on moving metrics to Grafana.", ["Raj"]),
    ],
)
def test_named_deciders(extractor: Extractor, text: str, deciders: list[str]) -> None:
    d = only(extractor.extract(text))
    assert d.status == "decided"
    assert d.deciders == deciders


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("We'll ship the new onboarding flow by Friday.", date(2026, 2, 20)),
        ("Decision: CI moves to GitHub Actions by 2026-03-01.", date(2026, 3, 1)),
        ("We decided to move the nightly batch next sprint.", date(2026, 3, 18)),
        ("Let's freeze the API by end of month.", date(2026, 2, 28)),
    ],
)
def test_deadlines(extractor: Extractor, text: str, deadline: date) -> None:
    d = only(extractor.extract(text, created_at=REF))
    assert d.deadline == deadline


def test_do_not_polarity(extractor: Extractor) -> None:
    # turning an option down: rejected, do_not
    d = only(extractor.extract("We won't support IE11 anymore."))
    assert (d.status, d.polarity, d.statement) == ("rejected", "do_not", "support IE11")
    d = only(extractor.extract("We decided not to buy LaunchDarkly."))
    assert (d.status, d.polarity, d.statement) == ("rejected", "do_not", "buy LaunchDarkly")
    d = only(extractor.extract("Not doing gRPC for now: we'll keep REST and JSON internally."))
    assert (d.status, d.polarity, d.statement) == ("rejected", "do_not", "doing gRPC")
    # a rule that forbids something: decided, do_not
    d = only(extractor.extract("Do not store card numbers in the logs!"))
    assert (d.status, d.polarity) == ("decided", "do_not")
    d = only(extractor.extract("No deploys to the payouts service on Fridays, effective now."))
    assert (d.status, d.polarity) == ("decided", "do")


@pytest.mark.parametrize(
    "text", ["We decided against MongoDB.", "MongoDB was rejected.", "We ruled out MongoDB."]
)
def test_rejected(extractor: Extractor, text: str) -> None:
    d = only(extractor.extract(text))
    assert (d.status, d.polarity, d.statement) == ("rejected", "do_not", "MongoDB")


def test_reversed(extractor: Extractor) -> None:
    # undoing an earlier decision without a new choice
    d = only(extractor.extract("We're reverting the decision to use Kafka."))
    assert (d.status, d.statement) == ("reversed", "use Kafka")
    assert d.supersedes_cue == "reverting the decision to"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("We're moving back to MySQL for the reporting database.", "We're moving back to"),
        (
            "We're moving Brightwater's payouts back to Adyen.",
            "We're moving Brightwater's payouts back to",
        ),
        ("We changed our mind, the ledger stays on Mongo.", "We changed our mind"),
        ("We no longer use Jenkins for releases.", "We no longer"),
    ],
)
def test_superseding_decisions(extractor: Extractor, text: str, cue: str) -> None:
    # a new decision that replaces an earlier one: decided, with the cue for resolution
    d = only(extractor.extract(text))
    assert d.status == "decided"
    assert d.supersedes_cue == cue


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("I propose we move billing to Postgres.", "move billing to Postgres"),
        (
            "Proposal: use Redis Streams for the internal event bus.",
            "use Redis Streams for the internal event bus",
        ),
        ("How about we run the nightly batch at 03:00?", "we run the nightly batch at 03:00"),
        ("I think we should switch internal calls to gRPC.", "switch internal calls to gRPC"),
        ("I'd like to move all infra to Terraform modules.", "move all infra to Terraform modules"),
        (
            "I'd suggest we show the arrival date on every payout, thoughts?",
            "show the arrival date on every payout",
        ),
    ],
)
def test_proposals(extractor: Extractor, text: str, statement: str) -> None:
    d = only(extractor.extract(text))
    assert d.status == "proposed"
    assert d.statement == statement


# -- what is not a decision ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        # questions
        "Should we use Kafka?",
        "Are we buying LaunchDarkly or not?",
        "How can we mock the SearchService?",
        # hypotheticals
        "If we were to use Kafka, we would need more ops people.",
        "If we moved to gRPC we'd also need a schema registry.",
        "If we moved to Kafka we could replay the whole ledger.",
        # negated decisions
        "We haven't decided yet.",
        "We haven't decided yet whether the ledger rebuild happens this quarter.",
        "No decision on the service mesh until Lukas is back from leave.",
        "Still undecided between Kafka and Pulsar, let's discuss Thursday.",
        "Not sure we should use Kafka.",
        "The decision was made last year, nobody remembers why.",
        "Maybe later.",
        # reported speech
        "Tom said they decided to go with Postgres.",
        "I heard we're going with Kafka.",
        "Apparently Stripe decided to deprecate the old payouts API.",
        "FYI @raj decided on header-based API versioning, details in the PLAT ticket.",
        # requests and chatter
        "Can you restart the billing service?",
        "Thanks @bob, that fixed it.",
        "The staging cluster gets recycled tonight at 22:00 UTC.",
    ],
)
def test_not_a_decision(extractor: Extractor, text: str) -> None:
    result = extractor.extract(text, created_at=REF)
    assert [d for d in result.decisions if d.status != "proposed"] == []
    assert all(d.status == "proposed" for d in result.decisions)


@pytest.mark.parametrize(
    "text",
    [
        "We'll use Kafka if the load test passes.",
        "If the budget allows, we will move analytics to Snowflake.",
        "Assuming legal agrees, we'll go with Vendor X.",
    ],
)
def test_conditionals_are_proposals(extractor: Extractor, text: str) -> None:
    d = only(extractor.extract(text))
    assert d.status == "proposed"


def test_questions_are_never_decided_even_with_decision_words(extractor: Extractor) -> None:
    for text in ("Did we decide to use Kafka?", "Have we agreed on Postgres?"):
        assert extractor.extract(text).decisions == []


# -- context across sentences ---------------------------------------------------------------
def test_rationale_in_the_next_sentence(extractor: Extractor) -> None:
    d = only(extractor.extract("Let's use Kafka. The reason is that event volume will triple."))
    assert d.statement == "use Kafka"
    assert d.rationale == "event volume will triple"


def test_rationale_in_the_sentence_before_so(extractor: Extractor) -> None:
    d = only(extractor.extract("MySQL replication keeps breaking. So we'll move to Postgres."))
    assert d.statement == "move to Postgres"
    assert d.rationale == "MySQL replication keeps breaking"


def test_lets_do_it_points_back_within_a_message(extractor: Extractor) -> None:
    d = only(extractor.extract("I propose we move billing to Postgres. Let's do it."))
    assert (d.status, d.statement) == ("decided", "move billing to Postgres")


def test_anaphoric_decision_without_antecedent_is_dropped(extractor: Extractor) -> None:
    assert extractor.extract("ok, let's do that").decisions == []


# -- thread replies confirming the parent ---------------------------------------------------
PROPOSAL = ParentContext(
    "slack:C1:100",
    "I propose we move billing to Postgres since MySQL replication keeps breaking.",
    author="bob",
)


@pytest.mark.parametrize(
    "reply", ["ok, let's do that", "+1, approved", "agreed, go ahead", "Sounds good, let's do it!"]
)
def test_reply_confirms_parent_proposal(extractor: Extractor, reply: str) -> None:
    result = extractor.extract(reply, document_id="slack:C1:101", author="maria", parent=PROPOSAL)
    d = only(result)
    assert d.status == "decided"
    assert d.statement == "move billing to Postgres"
    assert d.rationale == "MySQL replication keeps breaking"
    assert d.confirms_document == "slack:C1:100"
    assert d.deciders == []  # the reply's author (maria) approved
    assert 0 <= d.start < d.end <= len(reply)


def test_reply_confirms_a_yes_no_question(extractor: Extractor) -> None:
    parent = ParentContext("p", "Should we move the ledger to Postgres?")
    d = only(extractor.extract("yes, let's do it", parent=parent))
    assert (d.status, d.statement, d.confirms_document) == (
        "decided",
        "move the ledger to Postgres",
        "p",
    )


def test_reply_turning_down_the_proposal(extractor: Extractor) -> None:
    d = only(extractor.extract("-1, let's not", parent=PROPOSAL))
    assert (d.status, d.polarity, d.statement) == ("rejected", "do_not", "move billing to Postgres")


def test_reply_naming_the_approver(extractor: Extractor) -> None:
    d = only(extractor.extract("Approved by Maria.", parent=PROPOSAL))
    assert d.deciders == ["Maria"]


@pytest.mark.parametrize(
    "reply",
    ["ok but let's wait for the load test", "agreed?", "+1 once legal signs off"],
)
def test_reply_with_a_condition_or_question_confirms_nothing(
    extractor: Extractor, reply: str
) -> None:
    assert [
        d for d in extractor.extract(reply, parent=PROPOSAL).decisions if d.confirms_document
    ] == []


def test_reply_to_a_parent_without_proposal(extractor: Extractor) -> None:
    parent = ParentContext("p", "The staging cluster gets recycled tonight.")
    assert extractor.extract("ok, thanks", parent=parent).decisions == []


def test_min_confidence_filters(extractor: Extractor) -> None:
    from ontology.extraction import build_extractor

    strict = build_extractor(min_confidence=0.95)
    text = "Let's use Kafka."
    assert extractor.extract(text).decisions
    assert strict.extract(text).decisions == []


# -- announcement and policy phrasings ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "statement", "polarity"),
    [
        (
            "New rule: any Sev1 within an hour of a deploy gets an immediate rollback.",
            "any Sev1 within an hour of a deploy gets an immediate rollback",
            "do",
        ),
        ("Decided: Temporal over Celery for payout workflows.", "Temporal", "do"),
        (
            "Going with Wise for FX conversions over Currencycloud.",
            "go with Wise for FX conversions",
            "do",
        ),
        (
            "All card payments above 30 EUR get 3DS2, full stop.",
            "All card payments above 30 EUR get 3DS2",
            "do",
        ),
        (
            "Starting 1 July every internal tool requires Okta SSO.",
            "every internal tool requires Okta SSO",
            "do",
        ),
        (
            "Per the payments decision, NL payouts go through Adyen.",
            "NL payouts go through Adyen",
            "do",
        ),
        (
            "Verified carriers move from T+3 to T+1 payouts by default.",
            "Verified carriers move from T+3 to T+1 payouts by default",
            "do",
        ),
    ],
)
def test_policy_and_announcement_style(
    extractor: Extractor, text: str, statement: str, polarity: str
) -> None:
    d = only(extractor.extract(text))
    assert (d.status, d.statement, d.polarity) == ("decided", statement, polarity)


def test_reason_after_a_colon(extractor: Extractor) -> None:
    d = only(
        extractor.extract(
            "Going with Wise over Currencycloud: better spreads and same-day settlement."
        )
    )
    assert d.rationale == "better spreads and same-day settlement"
    assert d.alternatives == ["Currencycloud"]
    # a colon that restates the decision is not a reason
    d = only(extractor.extract("Not doing gRPC for now: we'll keep REST and JSON internally."))
    assert d.rationale is None


@pytest.mark.parametrize(
    ("text", "alternative"),
    [
        ("Decision: CI moves from Jenkins to GitHub Actions by end of month.", "Jenkins"),
        ("Decision: Kafka replaces Redis Streams for the event bus.", "Redis Streams"),
        ("Decision: we'll drop Adyen and keep Stripe.", "Adyen"),
        (
            "Decision: Postgres for the ledger. MongoDB was the other option, but it lacks "
            "multi-row transactions.",
            "MongoDB",
        ),
    ],
)
def test_more_alternative_shapes(extractor: Extractor, text: str, alternative: str) -> None:
    decided = [d for d in extractor.extract(text).decisions if d.status == "decided"]
    assert alternative in decided[0].alternatives


def test_agreeing_with_a_decision_already_taken_adds_nothing(extractor: Extractor) -> None:
    parent = ParentContext("p", "We decided to move metrics to Grafana Cloud.")
    assert extractor.extract("Finance approves, thank you :pray:", parent=parent).decisions == []
    assert extractor.extract("+1", parent=PROPOSAL).decisions == []  # a vote, not an approval


def test_code_and_lists_are_not_decisions(extractor: Extractor) -> None:
    text = 'Implementation plan:\nkey = request.headers["Idempotency-Key"]\nif store.seen(key):'
    assert extractor.extract(text).decisions == []
    lines = extractor.extract("Scope:\n- We decided to use Kafka\n- ops owns the cluster")
    assert [d.statement for d in lines.decisions] == ["use Kafka"]


def test_decision_with_a_passive_rejection_of_the_alternative(extractor: Extractor) -> None:
    text = "Decision: the queue moves to SQS; RabbitMQ is off the table because ops hates it."
    d = only(extractor.extract(text))
    assert (d.status, d.statement) == ("decided", "the queue moves to SQS")
    assert d.alternatives == ["RabbitMQ"]
    assert d.rationale == "ops hates it"


def test_as_agreed_elsewhere(extractor: Extractor) -> None:
    d = only(
        extractor.extract("As agreed in Slack: Use Stripe for payouts in GBP instead of Wise.")
    )
    assert (d.status, d.statement, d.alternatives) == (
        "decided",
        "Use Stripe for payouts in GBP",
        ["Wise"],
    )
