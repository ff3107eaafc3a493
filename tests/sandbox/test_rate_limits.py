"""Rate-limit rules: parsing, token buckets on an injected clock, every-Nth 429s."""

from __future__ import annotations

import pytest

from connectors.sandbox import RateLimits
from connectors.sandbox._server import Limiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_refills_at_the_configured_rate() -> None:
    clock = FakeClock()
    limiter = Limiter(RateLimits(slack_history_per_s=2.0), clock)
    assert limiter.check("slack.conversations.history") is None
    assert limiter.check("slack.conversations.history") == 1.0  # at least one second is sent
    assert limiter.check("slack.users.list") is None  # not covered by the rule
    clock.now += 0.5
    assert limiter.check("slack.conversations.history") is None
    assert limiter.check("slack.conversations.replies") is None  # its own bucket


def test_retry_after_is_the_wait_rounded_up_or_the_configured_value() -> None:
    clock = FakeClock()
    slow = Limiter(RateLimits(per_s={"jira": 0.1}), clock)
    assert slow.check("jira.search") is None
    assert slow.check("jira.comments") == 10.0
    tiny = Limiter(RateLimits(per_s={"jira": 0.1}, retry_after=0), clock)
    tiny.check("jira.search")
    assert tiny.check("jira.search") == 0


def test_a_refused_request_spends_no_token_of_other_rules() -> None:
    clock = FakeClock()
    limiter = Limiter(RateLimits(per_s={"hubspot": 4.0, "hubspot.search": 1.0}), clock)
    assert limiter.check("hubspot.search") is None  # spends both buckets
    clock.now += 0.25  # the API-wide bucket has a token again, the search bucket does not
    assert limiter.check("hubspot.search") is not None
    assert limiter.check("hubspot.owners") is None  # the refusal left the API-wide token


def test_every_nth_counts_per_rule() -> None:
    limiter = Limiter(RateLimits(every_nth={"*": 4, "salesforce": 2}), FakeClock())
    results = [limiter.check("salesforce.query") for _ in range(4)]
    assert results == [None, 1.0, None, 1.0]
    assert limiter.check("slack.auth.test") is None  # fifth request overall, not a fourth


def test_parse_cli_specs() -> None:
    limits = RateLimits.parse(
        ["slack.conversations.history=1/m", "hubspot.search=4/s", "jira=every:5", "*=2"],
        retry_after=0.5,
    )
    assert limits.rates() == {
        "slack.conversations.history": pytest.approx(1 / 60),
        "hubspot.search": 4.0,
        "*": 2.0,
    }
    assert limits.nths() == {"jira": 5}
    assert limits.retry_after == 0.5
    for bad in ("slack", "slack=fast", "jira=every:x", "x=-1/s", "y=every:0"):
        with pytest.raises(ValueError, match=r"rate limit|every_nth|N must"):
            RateLimits.parse([bad])
