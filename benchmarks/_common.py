"""Helpers shared by the benchmark scripts: results files, machine facts, scores, timing."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(terse=True),
    }


def write_results(name: str, results: dict[str, Any], output: Path | None = None) -> Path:
    """Write ``results`` (plus machine and date) as JSON to benchmarks/results/NAME.json."""
    path = output or RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        **results,
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return path


@dataclass
class PRF:
    """Precision, recall and F1 from counts."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``runs`` calls (seconds) and the last result: the least disturbed run
    on a machine shared with other work."""
    best = float("inf")
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def folds(n: int, k: int, seed: int) -> list[list[int]]:
    """Deterministic k-fold split of range(n)."""
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def table(rows: Iterable[tuple[str, ...]]) -> str:
    """A plain fixed-width text table (first row is the header)."""
    rows = list(rows)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- a realistic chat corpus ---------------------------------------------------------------------
_PEOPLE = ("maria", "bob", "raj", "yuki", "tom", "sofia", "lukas", "amara", "jane", "ben")
_NAMES = ("Maria", "Bob", "Raj", "Yuki", "Tom", "Sofia", "Lukas", "Amara", "Jane", "Ben")
_TECH = (
    "Kafka",
    "RabbitMQ",
    "Postgres",
    "MySQL",
    "Redis",
    "Mongo",
    "Terraform",
    "Pulumi",
    "Datadog",
    "Grafana",
    "GitHub Actions",
    "Jenkins",
    "React Native",
    "Flutter",
    "gRPC",
    "Vault",
    "S3",
    "Snowflake",
    "BigQuery",
    "Kubernetes",
    "Nomad",
    "Stripe",
    "Adyen",
)
_THINGS = (
    "the billing service",
    "the ledger",
    "the payout worker",
    "the event bus",
    "the driver app",
    "the admin console",
    "the search index",
    "the nightly batch",
    "the webhook retries",
    "the staging cluster",
    "the onboarding flow",
    "the invoice export",
    "the rate limiter",
)
_TEMPLATES = (
    "We decided to move {thing} to {t1} instead of {t2} because {t2} keeps timing out under load.",
    "Let's use {t1} for {thing}. The reason is that nobody wants to maintain {t2} anymore.",
    "Should we switch {thing} to {t1}? {t2} has been flaky all week.",
    "I propose we migrate {thing} to {t1} by end of month, {t2} is out of support.",
    "{n1} approved the move to {t1} for {thing}, see {key} for the rollout plan.",
    "ok, let's do that",
    "+1, approved",
    "Agreed, go ahead.",
    "We haven't decided yet whether {thing} moves to {t1} this quarter.",
    "{n1} said they decided to go with {t1} but I haven't seen anything written down.",
    "If we moved {thing} to {t1} we'd need someone to own it on call.",
    "Anyone seeing errors from {t1} in #ops-alerts? {thing} is throwing 502s since the deploy.",
    "Deployed {thing} to staging, please test before 5pm. PR: https://github.example/acme/{w}/pull/{num}",
    "Thanks @{p1}! I'll review the PR after lunch.",
    "Reminder: the retro is moved to Thursday 10:00, same room.",
    "{t1} costs us about {num} dollars a month, {t2} would be roughly half that.",
    "We're going with {t1} over {t2} since the team already knows it.",
    "Decision: {thing} uses {t1} from now on; {t2} was rejected due to licensing.",
    "We won't support {t2} for {thing} anymore, per @{p1}.",
    "Not doing {t2} for now: we'll keep {t1} and revisit in Q3.",
    "Message brokers such as {t1} and {t2} were on the table.",
    "Can someone restart {thing}? It's stuck again.",
    "lol yes",
    "Looks good to me, merging.",
    "The {w} job failed again, logs are in {key}.",
    "We're moving back to {t2} for {thing}: the {t1} bill tripled.",
    "Maybe we could cache {thing} in {t1}, it would cut the p99 a lot.",
    "{thing} now depends on {t1}, and {t1} replaces {t2} in the payments path.",
)
# Most of a team channel is not decisions: status, questions, links, thanks, banter.
_CHATTER = (
    "morning all, standup in 5",
    "Thanks @{p1}, that fixed it.",
    "I'm out tomorrow afternoon, ping me on my phone if {thing} acts up.",
    "Can you share the dashboard link? The one in the wiki is stale.",
    "{key} is blocked on the security review, should clear by Wednesday.",
    "Heads up: {thing} deploy is going out at 14:00 UTC.",
    "Anyone know why the {w} tests take 20 minutes now?",
    "Nice work on the {w} refactor, the diff reads really well.",
    "Lunch?",
    "The flaky test is back: https://ci.example.com/job/{w}/{num}/console",
    "I pushed a fix to the branch, CI should be green in a few.",
    "Customer call went fine, they mostly asked about {thing} latency.",
    "Where do we keep the runbook for {thing}?",
    "Restarted {thing}, memory was at 97% again.",
    "Updated the ticket with the logs and a heap dump.",
    "{n1} is on call this week, {n2} next week.",
    "Does anybody have access to the {t1} admin console?",
    "Merged, thanks for the review!",
    "The numbers for last week: {num} payouts, 3 failed, all retried fine.",
    "I'll pair with {n1} on {thing} this afternoon.",
)
_WORDS = ("ledger", "payout", "billing", "export", "search", "deploy", "sync", "backfill")


def chat_corpus(messages: int, *, seed: int = 0, extra: Iterable[str] = ()) -> list[str]:
    """Deterministic Slack/Jira-style messages: about a third decision talk (decisions,
    proposals, questions about them, confirmations, hypotheticals, reported speech), the rest
    status, questions, links, thanks and banter; ``extra`` real sentences (e.g. ConDec) are
    mixed in as one to three sentence messages."""
    import random

    rng = random.Random(seed)
    real = list(extra)
    out: list[str] = []
    for _ in range(messages):
        if real and rng.random() < 0.3:
            out.append(" ".join(rng.choice(real) for _ in range(rng.randint(1, 3))))
            continue
        parts = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            t1, t2 = rng.sample(_TECH, 2)
            pool = _TEMPLATES if rng.random() < 0.35 else _CHATTER
            parts.append(
                rng.choice(pool).format(
                    thing=rng.choice(_THINGS),
                    t1=t1,
                    t2=t2,
                    n1=rng.choice(_NAMES),
                    n2=rng.choice(_NAMES),
                    p1=rng.choice(_PEOPLE),
                    key=f"PLAT-{rng.randint(10, 999)}",
                    num=rng.randint(2, 9000),
                    w=rng.choice(_WORDS),
                )
            )
        out.append(" ".join(parts))
    return out
