"""Decisions from connector ``Fact``s, without NLP (origin="structured").

The rule — which transitions are decisions:

* ``resolution`` set to a *done* value (Done, Fixed, Resolved, Complete, Implemented,
  Approved, Accepted) -> ``decided``; to any other value (Won't Do, Won't Fix, Declined,
  Rejected, Cancelled, Duplicate, Cannot Reproduce, Incomplete, ...) -> ``rejected``
  (polarity do_not): someone decided the issue will not be done as asked.
* ``status_change`` to Approved/Accepted/Done/Closed/Resolved/Released/Shipped -> ``decided``;
  to Rejected/Declined/Won't Do/Cancelled/Abandoned -> ``rejected``. Workflow steps (In
  Progress, In Review, To Do, Blocked, ...) are not decisions. A status change made together
  (within two minutes) with a resolution change is covered by the resolution.
* ``stage_change`` (CRM deals, Salesforce Opportunity StageName) to Closed Won -> ``decided``;
  to Closed Lost -> ``rejected``. Other pipeline stages are not decisions.
* Any of the three leaving a closing value for an open one (reopened, resolution cleared,
  a deal moved back out of Closed) -> ``reversed``, with the transition as ``supersedes_cue``.
* ``assignee_change`` and ``field_change`` are never decisions.

The statement is the record's title (the thing decided about); status and polarity say what
became of it; ``from_state``/``to_state`` keep the transition; the decider is the fact's
actor (``deciders`` stays empty: ``fact_id`` leads to the actor's account, which is more precise
than a name) and ``decided_at`` the fact's time. The rationale is the fact's ``reason``
(closed-lost reason, resolution note), else a reason property of the record, else the text of
the last comment made up to 10 minutes after the transition when that comment gives a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta

from connectors import Fact, Record
from ontology._model import DecisionStatus, ExtractedDecision, Polarity
from ontology.extraction._lexicon import words

_DONE = frozenset(
    words(
        "done fixed resolved complete completed implemented approved accepted delivered released "
        "shipped closed"
    )
)
_REJECTED = frozenset(
    words("wontdo wontfix declined rejected cancelled canceled notdoing abandoned dropped")
)
_STATUS_DONE = _DONE - {"fixed", "delivered"}
_STAGE_WON = frozenset(("closedwon", "won"))
_STAGE_LOST = frozenset(("closedlost", "lost"))
REASON_PROPERTIES = (
    "closed_lost_reason",
    "closed_won_reason",
    "hs_closed_lost_reason",
    "hs_closed_won_reason",
    "loss_reason",
    "Loss_Reason__c",
    "reason",
    "resolution_reason",
)
COMMENT_WINDOW = timedelta(minutes=10)
_SAME_TIME = timedelta(minutes=2)


def _key(value: str | None) -> str:
    return re.sub(r"[^a-z]", "", (value or "").lower())


def classify_fact(fact: Fact) -> tuple[DecisionStatus, Polarity] | None:
    """The decision a fact makes, or None when it is not a meaningful transition."""
    to, frm = _key(fact.to_value), _key(fact.from_value)
    if fact.kind == "resolution":
        if not to and frm:
            return ("reversed", "do")
        if to in _DONE:
            return ("decided", "do")
        if to:
            return ("rejected", "do_not")
        return None
    if fact.kind == "status_change":
        closing = _STATUS_DONE | _REJECTED
        if frm in closing and to and to not in closing:
            return ("reversed", "do")
        if to in _STATUS_DONE:
            return ("decided", "do")
        if to in _REJECTED:
            return ("rejected", "do_not")
        return None
    if fact.kind == "stage_change":
        closed = _STAGE_WON | _STAGE_LOST
        if frm in closed and to and to not in closed:
            return ("reversed", "do")
        if to in _STAGE_WON:
            return ("decided", "do")
        if to in _STAGE_LOST:
            return ("rejected", "do_not")
        return None
    return None


def _subject(record: Record) -> str:
    native = record.id.split(":", 1)[-1]
    title = (record.title or str(record.properties.get("name") or "")).strip()
    if title and native and native not in title and re.fullmatch(r"[A-Z][A-Z0-9]+-\d+", native):
        return f"{native}: {title}"
    return title or native


def _record_reason(record: Record) -> str | None:
    for name in REASON_PROPERTIES:
        value = record.properties.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def structured_decisions(
    record: Record,
    *,
    comments: Iterable[Record] = (),
    comment_rationale: Callable[[str], str | None] | None = None,
) -> list[ExtractedDecision]:
    """Decisions from a record's facts; ``comments`` are the record's comments (any order),
    ``comment_rationale`` says what reason a comment's text gives (None: none)."""
    facts = sorted(record.facts, key=lambda f: f.at)
    resolution_times = [
        f.at for f in facts if f.kind == "resolution" and classify_fact(f) is not None
    ]
    ordered_comments = sorted(
        (c for c in comments if c.text.strip() and not c.deleted), key=lambda c: c.created_at
    )
    out: list[ExtractedDecision] = []
    subject = _subject(record)
    for fact in facts:
        verdict = classify_fact(fact)
        if verdict is None:
            continue
        if (
            fact.kind == "status_change"
            and verdict[0] != "reversed"
            and any(abs(fact.at - t) <= _SAME_TIME for t in resolution_times)
        ):
            continue
        status, polarity = verdict
        rationale = (fact.reason or "").strip() or _record_reason(record)
        if not rationale and comment_rationale is not None:
            rationale = _comment_reason(fact, ordered_comments, comment_rationale)
        out.append(
            ExtractedDecision(
                statement=subject,
                status=status,
                polarity=polarity,
                rationale=rationale or None,
                deciders=[],  # the fact's actor (an account, precise): found through fact_id
                decided_at=fact.at,
                confidence=0.95,
                origin="structured",
                fact_id=fact.id,
                from_state=fact.from_value,
                to_state=fact.to_value,
                supersedes_cue=(
                    f"{fact.field}: {fact.from_value} -> {fact.to_value or '(none)'}"
                    if status == "reversed"
                    else None
                ),
            )
        )
    return out


def _comment_reason(
    fact: Fact, comments: list[Record], comment_rationale: Callable[[str], str | None]
) -> str | None:
    """The reason in the last comment up to COMMENT_WINDOW after the transition, preferring
    the comment of the person who made it."""
    limit = fact.at + COMMENT_WINDOW
    eligible = [c for c in comments if c.created_at <= limit]
    if not eligible:
        return None
    actor_id = fact.actor.id if fact.actor else None
    same = [c for c in eligible if actor_id and c.author and c.author.id == actor_id]
    comment = (same or eligible)[-1]
    return comment_rationale(comment.text)
