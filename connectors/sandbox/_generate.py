"""Builds the world: the hand-written seed, template filler, the scale generator and activity.

Everything is drawn from ``random.Random`` streams keyed by the seed, so the same seed (and the
same ``now``) always gives the same world. Template texts carry ``_markup`` labels exactly like
the hand-written ones, so the answer key at scale is as true as the seed's.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from connectors.sandbox._markup import plain_inline, sentences
from connectors.sandbox._seed import (
    SEED,
    CommentSpec,
    DealSpec,
    FlowSpec,
    IssueSpec,
    Seed,
    ThreadSpec,
)
from connectors.sandbox._world import (
    DAY,
    DOMAIN,
    HOUR,
    MINUTE,
    US,
    Bot,
    ChangeItem,
    Channel,
    Comment,
    CrmCompany,
    CrmContact,
    CrmNote,
    Deal,
    DecisionSpec,
    History,
    Ids,
    Issue,
    Message,
    Person,
    Project,
    StageChange,
    World,
    slack_ts,
)

# --- vocabularies -----------------------------------------------------------------------------

STATUSES: dict[str, tuple[str, str, str]] = {
    # name -> (id, category key, category name)
    "To Do": ("10000", "new", "To Do"),
    "In Progress": ("3", "indeterminate", "In Progress"),
    "In Review": ("10001", "indeterminate", "In Progress"),
    "Done": ("10002", "done", "Done"),
}
RESOLUTIONS: dict[str, str] = {
    "Done": "10000",
    "Won't Do": "10001",
    "Duplicate": "10002",
    "Cannot Reproduce": "10003",
}
ISSUE_TYPES: dict[str, str] = {
    "Epic": "10000",
    "Story": "10001",
    "Task": "10002",
    "Bug": "10004",
    "Spike": "10005",
}
PRIORITIES: dict[str, str] = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
PROJECTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "10000",
        "PLAT",
        "Platform",
        "tom.becker",
        ("ledger", "event-bus", "api-gateway", "infra", "driver-app"),
    ),
    (
        "10001",
        "PAY",
        "Payments",
        "amara.okafor",
        ("payouts", "invoicing", "sepa", "card-acquiring", "fraud"),
    ),
)
PROJECT_CHANNEL = {"PLAT": "eng-platform", "PAY": "payments"}

HUBSPOT_STAGES: dict[str, tuple[str, float, bool]] = {
    # id -> (label, probability, closed)
    "appointmentscheduled": ("Appointment Scheduled", 0.2, False),
    "qualifiedtobuy": ("Qualified To Buy", 0.4, False),
    "presentationscheduled": ("Presentation Scheduled", 0.6, False),
    "decisionmakerboughtin": ("Decision Maker Bought-In", 0.8, False),
    "contractsent": ("Contract Sent", 0.9, False),
    "closedwon": ("Closed Won", 1.0, True),
    "closedlost": ("Closed Lost", 0.0, True),
}
SALESFORCE_STAGES: dict[str, tuple[int, str, bool, bool]] = {
    # StageName -> (probability, forecast category, closed, won)
    "Prospecting": (10, "Pipeline", False, False),
    "Qualification": (10, "Pipeline", False, False),
    "Needs Analysis": (20, "Pipeline", False, False),
    "Value Proposition": (50, "Pipeline", False, False),
    "Id. Decision Makers": (60, "Pipeline", False, False),
    "Perception Analysis": (70, "Pipeline", False, False),
    "Proposal/Price Quote": (75, "Pipeline", False, False),
    "Negotiation/Review": (90, "Commit", False, False),
    "Closed Won": (100, "Closed", True, True),
    "Closed Lost": (0, "Omitted", True, False),
}

SERVICES = (
    "ledger-core",
    "payout-engine",
    "api-gateway",
    "invoice-service",
    "fx-service",
    "notification-worker",
    "carrier-portal",
    "driver-app",
    "recon-service",
    "kyc-service",
    "webhook-relay",
    "billing",
)
TOPICS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "the queue for {svc}",
        ("Kafka", "RabbitMQ", "SQS", "Redis Streams"),
        (
            "we need replay",
            "ops cost is lower",
            "it is already in our stack",
            "the team already knows it",
        ),
    ),
    (
        "the cache in front of {svc}",
        ("Redis", "Memcached", "an in-process LRU cache"),
        (
            "latency matters more than memory",
            "it is one less thing to run",
            "we already run it for rate limiting",
        ),
    ),
    (
        "metrics for {svc}",
        ("Grafana Cloud", "Datadog", "Prometheus"),
        (
            "the bill is a third of the alternative",
            "nobody wants to run the storage",
            "the dashboards already exist there",
        ),
    ),
    (
        "the {svc} database",
        ("Postgres", "MySQL", "DynamoDB"),
        ("we need transactions", "the team knows it best", "backups are already automated"),
    ),
    (
        "deploys of {svc}",
        ("Argo CD", "Flux", "GitHub Actions"),
        ("rollbacks are one click", "it fits our GitOps setup", "CI already runs there"),
    ),
    (
        "search in {svc}",
        ("OpenSearch", "Postgres full-text search", "Typesense"),
        ("the data set is small", "relevance tuning is easier", "it avoids another cluster"),
    ),
    (
        "the {svc} API",
        ("REST", "gRPC", "GraphQL"),
        ("clients already speak it", "the tooling is mature", "it keeps payloads small"),
    ),
    (
        "background jobs in {svc}",
        ("Temporal", "Celery", "Sidekiq"),
        ("retries must survive restarts", "it is simpler to operate", "the team knows it"),
    ),
    (
        "payouts in {ccy}",
        ("Stripe", "Adyen", "Wise"),
        ("fees are lower", "settlement is same day", "they cover the scheme we need"),
    ),
    (
        "error tracking for {svc}",
        ("Sentry", "Rollbar", "Datadog"),
        ("it groups errors better", "it is already in the contract", "the SDK is lighter"),
    ),
)
CURRENCIES = ("EUR", "GBP", "CHF", "PLN", "NOK", "SEK", "DKK", "CZK")
FEATURES = (
    "webhooks",
    "idempotent retries",
    "batch payouts",
    "SEPA Instant",
    "multi-currency",
    "signed URLs",
    "partial refunds",
    "payout scheduling",
)
VENDORS = ("Stripe", "Adyen", "Datadog", "Grafana Labs", "GitHub", "Atlassian", "Okta")
FIRST_NAMES = (
    "Alex",
    "Anna",
    "Arjun",
    "Bea",
    "Bruno",
    "Chloe",
    "Chen",
    "Dario",
    "Eva",
    "Emil",
    "Fatima",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Ivan",
    "Jonas",
    "Julia",
    "Kai",
    "Kofi",
    "Lena",
    "Leo",
    "Lina",
    "Luca",
    "Maya",
    "Mateo",
    "Mila",
    "Nico",
    "Noah",
    "Olivia",
    "Omar",
    "Paula",
    "Pavel",
    "Rosa",
    "Ruben",
    "Sara",
    "Simon",
    "Tara",
    "Theo",
    "Uma",
    "Vera",
    "Viktor",
    "Wen",
    "Yara",
    "Zoe",
    "Jane",
    "Tom",
    "Mei",
    "Sam",
    "Ben",
)
LAST_NAMES = (
    "Andersen",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ito",
    "Jansen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Quinn",
    "Romano",
    "Silva",
    "Takahashi",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Nguyen",
    "Hansen",
    "Lopez",
    "Murphy",
    "Schulz",
    "Berg",
    "Kaur",
    "Mensah",
    "Ortiz",
    "Popescu",
)
COMPANY_WORDS = (
    "Alder",
    "Beacon",
    "Cobalt",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Jetty",
    "Kite",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orbit",
    "Pylon",
    "Quartz",
    "Raven",
    "Summit",
    "Tundra",
    "Umber",
    "Vale",
    "Willow",
    "Yonder",
    "Zephyr",
)
COMPANY_KINDS = (
    "Freight",
    "Logistics",
    "Carriers",
    "Haulage",
    "Foods",
    "Retail",
    "Parcel",
    "Shipping",
    "Cold Chain",
    "Marketplaces",
)
CHANNEL_WORDS = (
    "atlas",
    "beacon",
    "cobalt",
    "delta",
    "ember",
    "falcon",
    "granite",
    "harbor",
    "iris",
    "jetty",
    "kite",
    "lumen",
    "maple",
    "nimbus",
    "orbit",
    "pylon",
    "quartz",
    "raven",
    "summit",
    "tundra",
)

_PLAT_FILLER = (
    ("Bug", "Flaky clock-skew test in ledger-core", "ledger"),
    ("Task", "Upgrade Helm charts to the v3 syntax", "infra"),
    ("Bug", "Staging cluster runs out of pod IPs", "infra"),
    ("Story", "Add OpenTelemetry traces to the API gateway", "api-gateway"),
    ("Task", "Rotate staging TLS certificates", "infra"),
    ("Story", "Cache account lookups in the gateway", "api-gateway"),
    ("Bug", "Outbox relay lags under load", "event-bus"),
    ("Task", "Document the ledger posting model", "ledger"),
    ("Task", "Reduce Docker image size for api-gateway", "api-gateway"),
    ("Story", "Alert on consumer lag", "event-bus"),
    ("Task", "Remove unused feature toggles", "api-gateway"),
    ("Task", "Backfill missing postings after the March migration", "ledger"),
    ("Task", "Dependency updates for ledger-core", "ledger"),
    ("Task", "Kubernetes node pool upgrade to 1.30", "infra"),
    ("Story", "Add request ids to error responses", "api-gateway"),
    ("Story", "Speed up the CI test suite", "infra"),
    ("Task", "Runbook: region outage recovery", "infra"),
    ("Story", "Audit log retention job", "infra"),
    ("Story", "Driver app: offline proof-of-delivery upload", "driver-app"),
    ("Story", "Driver app: payout status screen", "driver-app"),
    ("Bug", "Driver app crashes on Android 12 when opening the camera", "driver-app"),
    ("Task", "Migrate cron jobs to Kubernetes CronJobs", "infra"),
    ("Bug", "Gateway returns 502 on large uploads", "api-gateway"),
    ("Bug", "Postgres connection pool exhaustion at peak", "ledger"),
)
_PAY_FILLER = (
    ("Bug", "Payout stuck in pending when the IBAN is rejected", "payouts"),
    ("Story", "CHF payouts via Stripe Connect", "payouts"),
    ("Story", "Show the expected arrival date on payouts", "payouts"),
    ("Task", "Retry limit for failed SEPA credits", "sepa"),
    ("Story", "Carrier onboarding: KYC document upload", "payouts"),
    ("Task", "Webhook signature verification docs", "payouts"),
    ("Story", "Refund flow for card payments", "card-acquiring"),
    ("Story", "Chargeback notifications to Slack", "card-acquiring"),
    ("Story", "Invoice numbering per legal entity", "invoicing"),
    ("Story", "VAT reverse charge on EU invoices", "invoicing"),
    ("Task", "Contract test for the payout batch cutoff config", "sepa"),
    ("Bug", "FX rate cache never expires", "payouts"),
    ("Story", "GBP payouts via Faster Payments", "payouts"),
    ("Story", "Reconciliation mismatch report", "payouts"),
    ("Bug", "3DS2 challenge flow breaks on mobile Safari", "card-acquiring"),
    ("Story", "Payout export for accounting (DATEV)", "invoicing"),
    ("Story", "Negative balance handling for carriers", "payouts"),
    ("Story", "Rate limit payout creation per carrier", "payouts"),
    ("Story", "Daily payout summary email", "payouts"),
    ("Story", "Fraud rule: velocity check on new carriers", "fraud"),
    ("Spike", "Multi-currency wallet prototype", "payouts"),
    ("Task", "SEPA mandate storage", "sepa"),
)
_COMMENTS: dict[str, tuple[str, ...]] = {
    "c": (
        "Picked this up.",
        "PR is up: https://git.tessera.example/{svc}/pull/{n}",
        "Deployed to staging, looks good.",
        "Blocked on the gateway release.",
        "Moved to the next sprint.",
        "Done, closing.",
        "Pairing with @{person} on this.",
        "Added a test in `{svc}`.",
    ),
    "q": (
        "Is this still needed after the Kafka migration?",
        "Who owns this now?",
        "Can we reproduce this on staging?",
        "Does this need a migration?",
    ),
    "h": (
        "If we fix the pool size this probably goes away.",
        "If this slips, the driver app release slips too.",
    ),
    "n": (
        "We haven't agreed on the approach yet.",
        "Not decided whether this goes into this sprint.",
    ),
    "r": (
        "Support said two more customers reported this.",
        "@{person} said the staging cluster was rebuilt yesterday.",
    ),
    "p": (
        "Proposal: split this into two tickets, backend and mobile.",
        "I'd suggest we timebox this to two days.",
    ),
}
_DEPLOY_TITLES = (
    "Fix payout retry race",
    "Bump httpx",
    "Add request ids",
    "Tune pool size",
    "Cache FX rates",
    "Remove dead code",
    "Add Tessera-Version header",
    "Log batch cutoff",
    "Speed up ledger queries",
    "Upgrade to Python 3.12",
)
_ALERTS = (
    "High 5xx rate",
    "Consumer lag above 10k",
    "Payout batch failed",
    "Disk usage above 85%",
    "p99 latency above 2s",
    "Certificate expires in 7 days",
)
_STANDUP_TASKS = (
    "reviewed PRs",
    "worked on the payout status screen",
    "debugged the outbox relay",
    "paired on the Temporal workflow",
    "wrote the region outage runbook",
    "fixed the flaky ledger test",
    "upgraded the staging cluster",
    "on-call handover",
    "looked at the FX cache bug",
    "planning for next sprint",
)


# --- time specs -------------------------------------------------------------------------------

_REL = re.compile(r"(\d+)([dhm])")


class Clock:
    """Turns the seed's relative time specs into microseconds, with seeded jitter."""

    def __init__(self, now: int, rng: random.Random) -> None:
        self.now = now
        self.day0 = now - now % DAY
        self.rng = rng

    def at(self, spec: str, base: int | None = None, *, jitter_s: int = 120) -> int:
        spec = spec.strip()
        if spec.startswith("+"):
            if base is None:
                raise ValueError(f"relative time {spec!r} needs a base")
            offset = 0
            for amount, unit in _REL.findall(spec):
                offset += int(amount) * {"d": DAY, "h": HOUR, "m": MINUTE}[unit]
            value = base + offset
        else:
            day, _, hhmm = spec.partition(" ")
            hours, _, minutes = (hhmm or "12:00").partition(":")
            value = self.day0 + int(day) * DAY + int(hours) * HOUR + int(minutes) * MINUTE
        return value + self.rng.randrange(0, max(1, jitter_s)) * US + self.rng.randrange(1, US)

    def date(self, spec: str) -> int:
        return self.day0 + int(spec) * DAY


# --- templates --------------------------------------------------------------------------------


@dataclass
class Writer:
    """Writes labelled template texts (the scale generator and ``add_activity`` share it)."""

    world: World
    rng: random.Random
    prefix: str
    counter: int = 0
    decided: dict[str, str] = field(default_factory=dict)  # topic instance -> decision key
    customers: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    def _customers(self) -> list[str]:
        if not self.customers:
            names = {
                c.entity
                for crm in (self.world.hubspot, self.world.salesforce)
                for c in crm.companies.values()
            }
            self.customers = sorted(names) or ["Acme Corporation"]
        return self.customers

    def _people(self) -> list[str]:
        if not self.people:
            self.people = [
                p.key for p in self.world.people.values() if not p.is_bot and not p.deleted
            ]
        return self.people

    def _fill(self, template: str, **extra: str) -> str:
        rng = self.rng
        values = {
            "svc": rng.choice(SERVICES),
            "n": str(rng.randrange(100, 2000)),
            "person": rng.choice(self._people()),
            "feature": rng.choice(FEATURES),
            "vendor": rng.choice(VENDORS),
            "ccy": rng.choice(CURRENCIES),
        }
        values.update(extra)
        return template.format(**values)

    def _topic(self) -> tuple[str, str, str, str, str]:
        topic, options, reasons = self.rng.choice(TOPICS)
        svc = self.rng.choice(SERVICES)
        phrase = topic.format(svc=svc, ccy=self.rng.choice(CURRENCIES))
        a, b = self.rng.sample(options, 2)
        return phrase, a, b, self.rng.choice(reasons), svc

    def new_key(self) -> str:
        self.counter += 1
        return f"{self.prefix}-{self.counter}"

    def decision(self, author: str) -> tuple[str, list[DecisionSpec], str | None]:
        """A decision message: (source, decisions, follow-up approval source or None)."""
        phrase, a, b, why, svc = self._topic()
        key = self.new_key()
        earlier = self.decided.get(phrase)
        supersedes = None
        style = self.rng.randrange(6)
        approval = None
        if earlier is not None and style < 2:
            src = f"[[d:{key}]] We're moving back to {b} for {phrase}: {why}."
            supersedes = earlier
            statement_alt = a
        elif style == 0:
            src = f"[[d:{key}]] Let's go with {a} over {b} for {phrase} since {why}."
            statement_alt = b
        elif style == 1:
            src = (
                f"[[d:{key}]] Decision: {phrase} moves to {a}; {b} is off the table because {why}."
            )
            statement_alt = b
        elif style == 2:
            src = f"[[d:{key}]] Agreed, {a} it is for {phrase}, not {b}, as {why}."
            statement_alt = b
        elif style == 3:
            src = f"[[d:{key}]] We're going with {a} for {phrase} because {why}. [[c]] Thanks all."
            statement_alt = b
        else:
            src = f"[[p:{key}]] Proposal: use {a} for {phrase} instead of {b}, {why}."
            approval = f"[[d:{key}]] +1, approved."
            statement_alt = b
        chosen = b if supersedes else a
        if approval is not None:
            statement = f"Use {a} for {phrase} instead of {b}."
        else:
            statement = _plain(sentences(src)[0].markup, self.world)
        spec = DecisionSpec(
            key=key,
            statement=statement,
            status="decided",
            rationale=why,
            alternatives=(statement_alt,),
            deciders=(author,),
            about=(chosen, statement_alt, svc),
            supersedes=supersedes,
        )
        specs = [spec]
        if supersedes is not None and supersedes in self.world.decisions:
            self.world.decisions[supersedes].status = "reversed"
        self.decided[phrase] = key
        return src, specs, approval

    def other(self, label: str | None = None) -> str:
        """A labelled non-decision message."""
        rng = self.rng
        label = label or rng.choices("qphnrc", weights=(14, 6, 6, 5, 5, 40))[0]
        phrase, a, b, _why, svc = self._topic()
        customer = rng.choice(self._customers())
        first = self.world.people[rng.choice(self._people())].first
        templates = {
            "q": (
                f"Should we use {a} or {b} for {phrase}?",
                "Who owns {svc} this week?",
                f"Does {a} support {{feature}}?",
                "Is {svc} still on the old config?",
            ),
            "p": (f"Proposal: move {phrase} to {a}.", f"I'd suggest {a} for {phrase}, thoughts?"),
            "h": (
                f"If we moved {phrase} to {a} we could drop {b}.",
                f"If {customer} signs, we'd need {a} for {phrase} by next month.",
            ),
            "n": (
                f"We haven't decided yet on {phrase}.",
                f"No decision on {a} vs {b} until {first} is back.",
            ),
            "r": (
                f"{first} said {customer} decided to go with {a}.",
                "Apparently {vendor} decided to raise prices next year.",
            ),
            "c": (
                "Thanks!",
                "Deployed {svc} to staging.",
                "Nice work on {svc} :tada:",
                "lunch at 12:30?",
                "Back in 10.",
                "PR is up for {svc}: https://git.tessera.example/{svc}/pull/{n}",
                "@{person} can you take a look at `{svc}`?",
                "Standup notes are in the doc.",
                "On it :eyes:",
                "Ack, merging after CI.",
            ),
        }
        text = self._fill(rng.choice(templates[label]), svc=svc)
        return f"[[{label}]] {text}"

    def comment(self) -> str:
        label = self.rng.choices("chqnrp", weights=(50, 8, 14, 8, 8, 6))[0]
        return f"[[{label}]] " + self._fill(self.rng.choice(_COMMENTS[label]))


def _plain(markup: str, world: World) -> str:
    return plain_inline(markup, lambda key: ("", world.display_name(key)))


# --- the builder ------------------------------------------------------------------------------


def build_world(seed: int, now: int, scale: int | None = None) -> World:
    """The hand-written organization (plus template filler), grown to ``scale`` messages."""
    world = World(seed=seed, now=now, ids=Ids(random.Random(f"{seed}:ids")))
    builder = _SeedBuilder(world, SEED, random.Random(f"{seed}:seed"))
    builder.build()
    if scale is not None:
        grow(world, scale, random.Random(f"{seed}:scale"))
    world.version += 1
    return world


class _SeedBuilder:
    def __init__(self, world: World, seed: Seed, rng: random.Random) -> None:
        self.world = world
        self.seed = seed
        self.rng = rng
        self.clock = Clock(world.now, rng)
        self.pending: dict[str, list[tuple[int, Message, list[Message]]]] = {}
        self.deals: dict[str, Deal] = {}

    def build(self) -> None:
        self.people()
        self.channels()
        self.threads()
        self.jira()
        self.bot_traffic()
        self.flush_slack()
        self.crm()
        world = self.world
        for spec in self.seed.decisions:
            world.decisions[spec.key] = DecisionSpec(
                spec.key,
                spec.statement,
                spec.status,
                spec.rationale,
                spec.alternatives,
                spec.deciders,
                spec.about,
                spec.supersedes,
            )
        world.entities = dict(self.seed.entities)

    # people

    def people(self) -> None:
        world, ids = self.world, self.world.ids
        world.team_id = ids.slack("T")
        created = self.clock.date("-400")
        for i, spec in enumerate(self.seed.people):
            email = f"{spec.key}@{DOMAIN}"
            person = Person(
                key=spec.key,
                first=spec.first,
                last=spec.last,
                title=spec.title,
                email=email,
                tz=spec.tz,
                deleted=spec.deleted,
                created=created + i * DAY,
                slack_id=ids.slack("U"),
                slack_name=spec.slack_name,
                slack_display=spec.slack_display,
            )
            if spec.jira:
                person.jira_id = ids.jira_account()
                person.jira_name = f"{spec.first} {spec.last}"
                person.jira_email_visible = spec.jira_email_visible
            if spec.hubspot:
                person.hubspot_owner_id = ids.numeric(10_000_000, 99_999_999)
                person.hubspot_user_id = int(ids.numeric(1_000_000, 9_999_999))
                person.hubspot_email = email
            if spec.sf:
                person.sf_id = ids.salesforce("005")
                person.sf_first, person.sf_last = spec.sf
                person.sf_email = spec.sf_email or email
            world.add_person(person)
        bots = (
            ("siphon", "Siphon", "Decision indexer", "siphon"),
            ("deploybot", "Deploy", "Deploy bot", "deploybot"),
            ("jira-cloud", "Jira", "Jira Cloud app", "jira"),
        )
        for key, first, title, handle in bots:
            world.add_person(
                Person(
                    key=key,
                    first=first,
                    last="",
                    title=title,
                    email=f"{handle}@{DOMAIN}",
                    is_bot=True,
                    created=created,
                    slack_id=ids.slack("U"),
                    slack_name=handle,
                    slack_display=first,
                    slack_bot_id=ids.slack("B"),
                    slack_app_id=ids.slack("A"),
                )
            )
        world.bot_user = "siphon"
        automation = Person(
            key="jira-automation",
            first="Automation for Jira",
            last="",
            title="Jira automation",
            email="",
            is_bot=True,
            created=created,
            jira_id=ids.jira_account(),
            jira_name="Automation for Jira",
            jira_account_type="app",
        )
        world.add_person(automation)
        integration = Person(
            key="sf-integration",
            first="Integration",
            last="User",
            title="Salesforce integration",
            email=f"integration@{DOMAIN}",
            is_bot=True,
            created=created,
            sf_id=ids.salesforce("005"),
            sf_first="Integration",
            sf_last="User",
            sf_email=f"integration@{DOMAIN}",
        )
        world.add_person(integration)
        for key, name in (("github", "GitHub"), ("pagerduty", "PagerDuty")):
            world.bots[key] = Bot(key, name, ids.slack("B"), ids.slack("A"))

    # Slack

    def channels(self) -> None:
        world = self.world
        humans = [p.key for p in world.people.values() if not p.is_bot and not p.deleted]
        private_members = {
            "deal-desk": [
                "dan.wright",
                "carlos.mendez",
                "olga.ivanova",
                "mei.chen",
                "hannah.schmidt",
            ],
            "leadership": ["hannah.schmidt", "raj.patel", "olga.ivanova", "dan.wright"],
            "design-crit": ["yuki.tanaka", "sofia.rossi", "tom.becker", "jane.park", "ben.foster"],
            "proj-ledger-v1": ["marco.bianchi", "ben.foster", "jane.park", "raj.patel"],
        }
        for i, spec in enumerate(self.seed.channels):
            members = list(private_members.get(spec.name, humans))
            if spec.member:
                members.append(world.bot_user)
            if spec.name in ("eng-platform", "payments", "incidents"):
                members += ["deploybot", "jira-cloud"]
            world.add_channel(
                Channel(
                    id=world.ids.slack("C" if not spec.private else "G"),
                    name=spec.name,
                    created=self.clock.date("-380") + i * HOUR,
                    creator=spec.creator,
                    topic=spec.topic,
                    purpose=spec.purpose,
                    private=spec.private,
                    member=spec.member,
                    archived=spec.archived,
                    is_general=spec.is_general,
                    members=members,
                )
            )
            self.pending[spec.name] = []

    def threads(self) -> None:
        for spec in self.seed.threads:
            self.thread(spec)

    def _message(
        self, channel: str, at: int, author: str | None, src: str, **kw: object
    ) -> Message:
        cid = self.world.channel_named(channel)
        assert cid is not None, channel
        return Message(channel=cid.id, ts=slack_ts(at), at=at, author=author, src=src, **kw)  # type: ignore[arg-type]

    def thread(self, spec: ThreadSpec) -> None:
        at = self.clock.at(spec.at, jitter_s=300)
        parent = self._message(spec.channel, at, spec.by, spec.src, reactions=spec.reactions)
        if spec.edited:
            parent.edited_at = self.clock.at(spec.edited, at, jitter_s=60)
            parent.edited_by = spec.by
        replies: list[Message] = []
        last = at
        for reply in spec.replies:
            when = max(self.clock.at(reply.at, at, jitter_s=60), last + US)
            message = self._message(
                spec.channel, when, reply.by, reply.src, reactions=reply.reactions
            )
            if reply.edited:
                message.edited_at = self.clock.at(reply.edited, when, jitter_s=60)
                message.edited_by = reply.by
            replies.append(message)
            last = when
        self.pending[spec.channel].append((at, parent, replies))

    def post(
        self,
        channel: str,
        at: int,
        author: str | None,
        src: str,
        *,
        bot: str | None = None,
        subtype: str | None = None,
        replies: Sequence[tuple[int, str, str]] = (),
    ) -> None:
        parent = self._message(channel, at, author, src, bot=bot, subtype=subtype)
        children = [self._message(channel, when, by, text) for when, by, text in replies]
        self.pending[channel].append((at, parent, children))

    def bot_traffic(self) -> None:
        rng, clock = self.rng, self.clock
        start = clock.day0 - 60 * DAY
        span = 59 * DAY
        humans = ["ben.foster", "jane.park", "yuki.tanaka", "lukas.meyer", "tom.becker"]
        for _ in range(30):
            at = start + rng.randrange(span // US) * US + rng.randrange(US)
            svc = rng.choice(SERVICES)
            version = f"v{rng.randrange(1, 4)}.{rng.randrange(0, 40)}.{rng.randrange(0, 10)}"
            self.post(
                "eng-platform",
                at,
                "deploybot",
                f"[[c]] Deployed `{svc}` {version} to production :rocket:",
            )
        for _ in range(24):
            at = start + rng.randrange(span // US) * US + rng.randrange(US)
            dev = self.world.people[rng.choice(humans)]
            title = rng.choice(_DEPLOY_TITLES)
            n = rng.randrange(300, 1400)
            self.post(
                "eng-platform",
                at,
                None,
                f"[[c]] PR #{n} merged by {dev.slack_name}: {title} "
                f"https://git.tessera.example/{rng.choice(SERVICES)}/pull/{n}",
                bot="github",
                subtype="bot_message",
            )
        for _ in range(8):
            at = start + rng.randrange(span // US) * US + rng.randrange(US)
            alert, svc = rng.choice(_ALERTS), rng.choice(SERVICES)
            self.post(
                "incidents",
                at,
                None,
                f"[[c]] [Triggered] {alert} on {svc}",
                bot="pagerduty",
                subtype="bot_message",
            )
            self.post(
                "incidents",
                at + rng.randrange(5, 90) * MINUTE,
                None,
                f"[[c]] [Resolved] {alert} on {svc}",
                bot="pagerduty",
                subtype="bot_message",
            )
        # standups every other weekday, answered in the thread
        day = start
        n = 0
        while day < clock.day0 - DAY:
            if (day // DAY) % 7 not in (2, 3) and n % 2 == 0:  # 1970-01-01 was a Thursday
                at = day + 9 * HOUR + rng.randrange(0, 300) * US + rng.randrange(US)
                answers = []
                when = at
                for who in rng.sample(humans, 3):
                    when += rng.randrange(2, 30) * MINUTE
                    answers.append(
                        (
                            when,
                            who,
                            f"[[c]] Yesterday I {rng.choice(_STANDUP_TASKS)}, "
                            f"today I {rng.choice(_STANDUP_TASKS)}.",
                        )
                    )
                self.post(
                    "eng-platform",
                    at,
                    "deploybot",
                    "[[c]] Standup time! How's it going?",
                    replies=answers,
                )
            n += 1
            day += DAY
        # people joining channels
        for channel, who in (
            ("general", "elif.kaya"),
            ("sales", "elif.kaya"),
            ("customer-success", "sam.okoro"),
            ("payments", "carlos.mendez"),
            ("eng-platform", "yuki.tanaka"),
            ("incidents", "priya.nair"),
            ("random", "elif.kaya"),
            ("deal-desk", "mei.chen"),
        ):
            at = clock.at("-58 08:00", jitter_s=3000)
            self.post(
                channel, at, who, f"[[c]] @{{{who}}} has joined the channel", subtype="channel_join"
            )

    def flush_slack(self) -> None:
        world = self.world
        for name, items in self.pending.items():
            items.sort(key=lambda item: item[0])
            last = 0
            for at, parent, replies in items:
                if at <= last:  # two specs landed on the same microsecond: nudge
                    at = last + 1
                    parent.at, parent.ts = at, slack_ts(at)
                world.post(parent)
                last = at
                for reply in replies:
                    world.reply(parent, reply)
                    if reply.edited_at:
                        world.touch(reply.edited_at)
                if parent.edited_at:
                    world.touch(parent.edited_at)
            del name

    # Jira

    def jira(self) -> None:
        world = self.world
        for pid, key, name, lead, components in PROJECTS:
            world.projects[key] = Project(
                id=pid,
                key=key,
                name=name,
                lead=lead,
                components={
                    c: str(10100 + i + (0 if key == "PLAT" else 50))
                    for i, c in enumerate(components)
                },
            )
        specs = list(self.seed.issues) + self.filler_issues()
        timed = [(self.clock.at(spec.at), spec) for spec in specs]
        timed.sort(key=lambda item: item[0])
        numbers = {"PLAT": 0, "PAY": 0}
        for created, spec in timed:
            numbers[spec.project] += 1
            self.issue(spec, created, f"{spec.project}-{numbers[spec.project]}")

    def filler_issues(self) -> list[IssueSpec]:
        rng = self.rng
        out: list[IssueSpec] = []
        engineers = {
            "PLAT": ("ben.foster", "lukas.meyer", "yuki.tanaka", "tom.becker", "jane.park"),
            "PAY": ("jane.park", "ben.foster", "amara.okafor", "sofia.rossi", "sam.okoro"),
        }
        for project, filler in (("PLAT", _PLAT_FILLER), ("PAY", _PAY_FILLER)):
            for kind, summary, component in filler:
                day = -rng.randrange(3, 59)
                reporter = rng.choice(engineers[project])
                assignee = rng.choice(engineers[project]) if rng.random() < 0.85 else None
                if kind == "Bug":
                    src = (
                        f"[[c]] {summary}. [[c]] Steps to reproduce:\n"
                        f"1. [[c]] Deploy `{rng.choice(SERVICES)}` to staging\n"
                        f"2. [[c]] Run the smoke tests\n"
                        f"[[q]] Does anyone know when this started?"
                    )
                else:
                    src = (
                        f"[[c]] {summary}. [[c]] Acceptance criteria:\n"
                        "- [[c]] covered by tests\n- [[c]] documented in the runbook"
                    )
                flow = []
                roll = rng.random()
                steps: list[tuple[str, str | None]] = []
                if roll < 0.75:
                    steps.append(("In Progress", None))
                if 0.45 <= roll < 0.75:
                    steps.append(("In Review", None))
                if roll < 0.45:
                    resolution = rng.choices(
                        ("Done", "Won't Do", "Duplicate", "Cannot Reproduce"),
                        weights=(80, 10, 5, 5 if kind == "Bug" else 0),
                    )[0]
                    steps.append(("Done", resolution))
                when = day
                for status, step_resolution in steps:
                    when = min(-1, when + rng.randrange(1, 4))
                    flow.append(
                        FlowSpec(
                            f"{when} {rng.randrange(9, 18):02d}:00",
                            assignee or reporter,
                            status,
                            step_resolution,
                        )
                    )
                comments = []
                cday = day
                for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                    cday = min(-1, cday + rng.randrange(0, 3))
                    comments.append(
                        CommentSpec(
                            f"{cday} {rng.randrange(9, 18):02d}:{rng.randrange(0, 60):02d}",
                            rng.choice(engineers[project]),
                            self._filler_comment(),
                        )
                    )
                out.append(
                    IssueSpec(
                        project,
                        kind,
                        summary,
                        f"{day} {rng.randrange(8, 12):02d}:00",
                        reporter,
                        assignee,
                        src,
                        labels=(component,) if rng.random() < 0.5 else (),
                        components=(component,),
                        flow=tuple(flow),
                        comments=tuple(comments),
                        priority=rng.choice(("Medium", "Medium", "High", "Low")),
                    )
                )
        return out

    def _filler_comment(self) -> str:
        rng = self.rng
        label = rng.choices("chqnrp", weights=(50, 8, 14, 8, 8, 6))[0]
        text = rng.choice(_COMMENTS[label]).format(
            svc=rng.choice(SERVICES),
            n=rng.randrange(100, 900),
            person=rng.choice(("tom.becker", "lukas.meyer", "ben.foster", "jane.park")),
        )
        return f"[[{label}]] {text}"

    def issue(self, spec: IssueSpec, created: int, key: str) -> None:
        world, ids, clock = self.world, self.world.ids, self.clock
        issue = Issue(
            id=ids.next_issue(),
            key=key,
            project=spec.project,
            type=spec.type,
            summary=spec.summary,
            src=spec.src,
            status="To Do",
            reporter=spec.reporter,
            assignee=spec.assignee,
            created=created,
            updated=created,
            priority=spec.priority,
            labels=spec.labels,
            components=spec.components,
        )
        events: list[tuple[int, CommentSpec | FlowSpec]] = []
        for comment in spec.comments:
            events.append((max(clock.at(comment.at), created + MINUTE), comment))
        for step in spec.flow:
            events.append((max(clock.at(step.at), created + MINUTE), step))
        events.sort(key=lambda e: e[0])
        last = created
        for at, item in events:
            at = max(at, last + US)
            last = at
            if isinstance(item, CommentSpec):
                issue.comments.append(
                    Comment(
                        id=ids.next_comment(),
                        issue_id=issue.id,
                        author=item.by,
                        src=item.src,
                        at=at,
                        updated_at=at,
                    )
                )
            else:
                self.transition(issue, at, item.by, item.status, item.resolution)
        issue.updated = last
        world.add_issue(issue)

    def transition(
        self, issue: Issue, at: int, by: str, status: str, resolution: str | None
    ) -> None:
        transition(self.world, issue, at, by, status, resolution)
        if status == "Done" and resolution:
            channel = PROJECT_CHANNEL[issue.project]
            name = self.world.display_name(by)
            self.post(
                channel,
                at + 30 * US + self.rng.randrange(US),
                "jira-cloud",
                f"[[r]] {name} changed {issue.key} from {self._previous(issue)} to "
                f"{status} ({resolution}): {issue.summary}",
            )

    @staticmethod
    def _previous(issue: Issue) -> str:
        for history in reversed(issue.histories):
            for item in history.items:
                if item.field == "status":
                    return item.from_string or "To Do"
        return "To Do"

    # CRM

    def crm(self) -> None:
        world, ids, clock = self.world, self.world.ids, self.clock
        companies: dict[tuple[str, str], CrmCompany] = {}
        for spec in self.seed.companies:
            at = clock.at(spec.at)
            cid = ids.numeric(10**10, 10**11) if spec.system == "hubspot" else ids.salesforce("001")
            company = CrmCompany(
                system=spec.system,
                id=cid,
                name=spec.name,
                entity=spec.entity,
                domain=spec.domain,
                industry=spec.industry,
                city=spec.city,
                country=spec.country,
                owner=spec.owner,
                created=at,
                updated=at,
            )
            world.crm(spec.system).companies[cid] = company
            companies[(spec.system, spec.entity)] = company
        contacts: dict[tuple[str, str], list[str]] = {}
        for cspec in self.seed.contacts:
            at = clock.at(cspec.at)
            company = companies[(cspec.system, cspec.company)]
            cid = ids.numeric(10**8, 10**9) if cspec.system == "hubspot" else ids.salesforce("003")
            email = f"{cspec.first.lower()}.{cspec.last.lower().replace(' ', '')}@{company.domain}"
            world.crm(cspec.system).contacts[cid] = CrmContact(
                system=cspec.system,
                id=cid,
                first=cspec.first,
                last=cspec.last,
                email=email,
                title=cspec.title,
                company_id=company.id,
                owner=cspec.owner,
                created=at,
                updated=at,
                phone=f"+{self.rng.randrange(30, 49)} {self.rng.randrange(100, 999)} "
                f"{self.rng.randrange(100000, 999999)}",
            )
            contacts.setdefault((cspec.system, cspec.company), []).append(cid)
        for deal_spec in self.seed.deals:
            self.deal(deal_spec, companies, contacts)
        for note in self.seed.notes:
            deal = self.deals[note.deal]
            at = clock.at(note.at)
            crm = world.crm(note.system)
            if note.system == "hubspot":
                nid = ids.numeric(10**10, 10**11)
            else:
                nid = ids.salesforce(_SF_PREFIX[note.kind])
            crm.notes[nid] = CrmNote(
                system=note.system,
                id=nid,
                kind=note.kind,
                src=note.src,
                subject=note.subject or _plain(sentences(note.src)[0].markup, world)[:60],
                owner=note.by,
                created=at,
                updated=at,
                deal_id=deal.id,
                company_id=deal.company_id,
                contact_id=deal.contact_ids[0] if deal.contact_ids else None,
                status=note.status,
            )
            world.touch(at)

    def deal(
        self,
        spec: DealSpec,
        companies: dict[tuple[str, str], CrmCompany],
        contacts: dict[tuple[str, str], list[str]],
    ) -> None:
        world, ids, clock = self.world, self.world.ids, self.clock
        company = companies[(spec.system, spec.company)]
        created = clock.at(spec.at)
        did = ids.numeric(10**10, 10**11) if spec.system == "hubspot" else ids.salesforce("006")
        deal = Deal(
            system=spec.system,
            id=did,
            key=spec.key,
            name=spec.name,
            company_id=company.id,
            owner=spec.owner,
            amount=spec.amount,
            close_date=clock.date(spec.close),
            stage=spec.stages[0][1],
            src=spec.src,
            created=created,
            updated=created,
            contact_ids=tuple(contacts.get((spec.system, spec.company), ())),
            deal_type=spec.deal_type,
            lead_source=spec.lead_source,
        )
        last = created
        for i, (when, stage, by) in enumerate(spec.stages):
            at = created if i == 0 else max(clock.at(when), last + US)
            deal.history.append(
                StageChange(
                    at,
                    stage,
                    by,
                    ids.salesforce("008") if spec.system == "salesforce" else "",
                )
            )
            deal.stage = stage
            last = at
        if _is_closed(spec.system, deal.stage):
            deal.reason = spec.reason
        deal.updated = last
        company.updated = max(company.updated, last)
        world.crm(spec.system).deals[did] = deal
        world.touch(last)
        self.deals[spec.key] = deal


#: Salesforce key prefixes of the three note-like objects.
_SF_PREFIX = {"note": "002", "task": "00T", "contentnote": "069"}


def _is_closed(system: str, stage: str) -> bool:
    if system == "hubspot":
        return HUBSPOT_STAGES[stage][2]
    return SALESFORCE_STAGES[stage][2]


def transition(
    world: World, issue: Issue, at: int, by: str, status: str, resolution: str | None
) -> History:
    """Move an issue to ``status`` (and ``resolution``), recording the changelog entry."""
    items = [
        ChangeItem("status", STATUSES[issue.status][0], issue.status, STATUSES[status][0], status)
    ]
    if resolution != issue.resolution:
        items.append(
            ChangeItem(
                "resolution",
                RESOLUTIONS.get(issue.resolution or "") if issue.resolution else None,
                issue.resolution,
                RESOLUTIONS.get(resolution) if resolution else None,
                resolution,
            )
        )
    if issue.assignee is None and status != "To Do" and by in world.people:
        items.append(
            ChangeItem("assignee", None, None, world.people[by].jira_id, world.display_name(by))
        )
        issue.assignee = by
    history = History(world.ids.next_history(), by, at, tuple(items))
    issue.histories.append(history)
    issue.status = status
    issue.resolution = resolution
    issue.resolved_at = at if resolution else None
    issue.updated = max(issue.updated, at)
    world.touch(at)
    return history


def move_deal(
    world: World, deal: Deal, at: int, stage: str, by: str, reason: str | None = None
) -> StageChange:
    """Move a deal or opportunity to ``stage``, recording its history."""
    change = StageChange(
        at, stage, by, world.ids.salesforce("008") if deal.system == "salesforce" else ""
    )
    deal.history.append(change)
    deal.stage = stage
    deal.reason = reason if _is_closed(deal.system, stage) else deal.reason
    deal.updated = at
    company = world.crm(deal.system).companies.get(deal.company_id)
    if company is not None:
        company.updated = max(company.updated, at)
    world.touch(at)
    return change


# --- scale ------------------------------------------------------------------------------------


def grow(world: World, target: int, rng: random.Random) -> None:
    """Add template traffic until the world holds ``target`` Slack messages (replies included),
    with Jira and CRM records in the hand-written organization's proportions."""
    current = world.message_count()
    if target < current:
        raise ValueError(
            f"scale={target} is smaller than the hand-written organization "
            f"({current} Slack messages); use scale=None or at least {current}"
        )
    extra = target - current
    if extra == 0:
        return
    issues_per_msg = len(world.issues) / current
    deals_hs = len(world.hubspot.deals) / current
    deals_sf = len(world.salesforce.deals) / current
    notes_hs = len(world.hubspot.notes) / current
    notes_sf = len(world.salesforce.notes) / current
    writer = Writer(world, rng, prefix=f"gen{world.seed}")
    start = world.now - 60 * DAY
    end = world.now - 10 * MINUTE
    _grow_people(world, rng, extra)
    channels = _grow_channels(world, rng, extra, start)
    _grow_slack(world, rng, writer, extra, channels, start, end)
    _grow_jira(world, rng, writer, round(extra * issues_per_msg), start, end)
    for system, n_deals, n_notes in (
        ("hubspot", deals_hs, notes_hs),
        ("salesforce", deals_sf, notes_sf),
    ):
        _grow_crm(
            world, rng, writer, system, round(extra * n_deals), round(extra * n_notes), start, end
        )


def _grow_people(world: World, rng: random.Random, extra: int) -> None:
    ids = world.ids
    count = min(3000, extra // 500)
    names_used = {(p.first, p.last) for p in world.people.values()}
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if (first, last) in names_used:
            last = f"{last}-{rng.choice(LAST_NAMES)}"
        names_used.add((first, last))
        key = f"{first}.{last}.{i}".lower()
        person = Person(
            key=key,
            first=first,
            last=last,
            title="Engineer",
            email=f"{key}@{DOMAIN}",
            created=world.now - 300 * DAY,
            slack_id=ids.slack("U"),
            slack_name=f"{first.lower()}{i}",
            slack_display=first,
            jira_id=ids.jira_account(),
            jira_name=f"{first} {last}",
        )
        if i % 10 == 0:
            person.hubspot_owner_id = ids.numeric(10_000_000, 99_999_999)
            person.hubspot_user_id = int(ids.numeric(1_000_000, 9_999_999))
            person.hubspot_email = person.email
        if i % 20 == 0:
            person.sf_id = ids.salesforce("005")
            person.sf_first, person.sf_last, person.sf_email = first, last, person.email
        world.add_person(person)


def _grow_channels(world: World, rng: random.Random, extra: int, start: int) -> list[Channel]:
    humans = [p.key for p in world.people.values() if not p.is_bot and not p.deleted]
    readable = [c for c in world.channels.values() if c.readable and not c.archived]
    for i in range(extra // 4000):
        name = f"team-{CHANNEL_WORDS[i % len(CHANNEL_WORDS)]}"
        if i >= len(CHANNEL_WORDS):
            name += f"-{i // len(CHANNEL_WORDS)}"
        channel = world.add_channel(
            Channel(
                id=world.ids.slack("C"),
                name=name,
                created=start - 30 * DAY + i * HOUR,
                creator=rng.choice(humans),
                topic=f"Team {name[5:]}",
                purpose="Team channel",
                members=[*rng.sample(humans, min(len(humans), 12)), world.bot_user],
            )
        )
        readable.append(channel)
    return readable


def _grow_slack(
    world: World,
    rng: random.Random,
    writer: Writer,
    extra: int,
    channels: list[Channel],
    start: int,
    end: int,
) -> None:
    step = max(2, (end - start) // (extra + 1))
    fresh: dict[str, list[Message]] = {c.id: [] for c in channels}
    recent: dict[str, list[Message]] = {c.id: [] for c in channels}
    authors = {
        c.id: [k for k in c.members if k in world.people and not world.people[k].is_bot]
        for c in channels
    }
    weights = [4 if c.name in ("eng-platform", "payments", "sales") else 1 for c in channels]
    approvals: list[tuple[Message, str, str]] = []
    for i in range(extra):
        at = start + i * step + rng.randrange(0, step // 2)
        if approvals and rng.random() < 0.5:
            parent, reply_src, approver = approvals.pop()
            _add_reply(world, parent, at, approver, reply_src)
            continue
        channel = rng.choices(channels, weights)[0]
        people = authors[channel.id] or [world.bot_user]
        author = rng.choice(people)
        threads = recent[channel.id]
        if threads and rng.random() < 0.3:
            parent = threads[rng.randrange(len(threads))]
            if parent.at > at - 3 * DAY:
                src = writer.other()
                if rng.random() < 0.06:
                    src, specs, approval = writer.decision(author)
                    if approval is None:
                        for spec in specs:
                            world.decisions[spec.key] = spec
                    else:
                        src = writer.other()
                _add_reply(world, parent, at, author, src)
                continue
            threads.remove(parent)
        approval = None
        if rng.random() < 0.08:
            src, specs, approval = writer.decision(author)
            for spec in specs:
                world.decisions[spec.key] = spec
        else:
            src = writer.other()
        message = Message(channel=channel.id, ts=slack_ts(at), at=at, author=author, src=src)
        if rng.random() < 0.03 and at + HOUR < end:
            message.edited_at = at + rng.randrange(1, 60) * MINUTE
            message.edited_by = author
        fresh[channel.id].append(message)
        threads.append(message)
        if len(threads) > 20:
            threads.pop(0)
        if approval is not None:
            approvals.append((message, approval, rng.choice(people)))
    for channel in channels:
        _merge(world, channel, fresh[channel.id])


def _add_reply(world: World, parent: Message, at: int, author: str, src: str) -> None:
    channel = world.channels[parent.channel]
    while slack_ts(at) in channel.by_ts:
        at += 1
    world.reply(
        parent, Message(channel=parent.channel, ts=slack_ts(at), at=at, author=author, src=src)
    )


def _merge(world: World, channel: Channel, fresh: list[Message]) -> None:
    """Merge generated top-level messages into a channel's (sorted) history."""
    if not fresh:
        return
    for message in fresh:
        while message.ts in channel.by_ts:
            message.at += 1
            message.ts = slack_ts(message.at)
        channel.by_ts[message.ts] = message
        world.touch(message.edited_at or message.at)
    merged = channel.messages + fresh
    merged.sort(key=lambda m: m.at)
    channel.messages = merged


def _grow_jira(
    world: World, rng: random.Random, writer: Writer, count: int, start: int, end: int
) -> None:
    engineers = [
        p.key for p in world.people.values() if p.jira_id and not p.is_bot and not p.deleted
    ]
    numbers = {
        key: sum(1 for i in world.issues.values() if i.project == key) for key in world.projects
    }
    texts = [s for _, s, _ in _PLAT_FILLER] + [s for _, s, _ in _PAY_FILLER]
    kinds = ("Story", "Task", "Bug", "Story", "Task")
    step = max(1, (end - start) // (count + 1))
    recent_decisions = [k for k in world.decisions if k.startswith(writer.prefix)]
    for i in range(count):
        created = start + i * step + rng.randrange(0, max(1, step))
        project = rng.choice(list(world.projects))
        numbers[project] += 1
        component = rng.choice(list(world.projects[project].components))
        svc = rng.choice(SERVICES)
        summary = f"{rng.choice(texts)} ({svc})"
        label = rng.choices("cqph", weights=(70, 15, 10, 5))[0]
        src = writer.other(label) + (
            f"\n- [[c]] touches `{svc}`\n- [[c]] owner: @{{{rng.choice(engineers)}}}"
        )
        issue = Issue(
            id=world.ids.next_issue(),
            key=f"{project}-{numbers[project]}",
            project=project,
            type=rng.choice(kinds),
            summary=summary,
            src=src,
            status="To Do",
            reporter=rng.choice(engineers),
            assignee=rng.choice(engineers),
            created=created,
            updated=created,
            priority=rng.choice(("Medium", "Medium", "High", "Low")),
            labels=(component,) if rng.random() < 0.4 else (),
            components=(component,),
        )
        at = created
        limit = end
        for _ in range(rng.choice((0, 1, 2, 2, 3))):
            at = min(limit, at + rng.randrange(10, 24 * 60) * MINUTE)
            if recent_decisions and rng.random() < 0.08:
                key = rng.choice(recent_decisions)
                spec = world.decisions[key]
                body = f"[[d:{key}]] As agreed in Slack: {spec.statement}"
            elif rng.random() < 0.05:
                body, specs, _ = writer.decision(issue.assignee or issue.reporter)
                if "[[p:" in body:
                    body = writer.comment()
                else:
                    for spec in specs:
                        world.decisions[spec.key] = spec
            else:
                body = writer.comment()
            issue.comments.append(
                Comment(world.ids.next_comment(), issue.id, rng.choice(engineers), body, at, at)
            )
        roll = rng.random()
        path: list[tuple[str, str | None]] = []
        if roll < 0.7:
            path.append(("In Progress", None))
        if roll < 0.4:
            resolution = rng.choices(("Done", "Won't Do", "Duplicate"), weights=(85, 10, 5))[0]
            path.append(("Done", resolution))
        for status, step_resolution in path:
            at = min(limit, at + rng.randrange(30, 3 * 24 * 60) * MINUTE)
            transition(world, issue, at, issue.assignee or issue.reporter, status, step_resolution)
        issue.updated = max(
            [issue.created] + [c.at for c in issue.comments] + [h.at for h in issue.histories]
        )
        world.add_issue(issue)


def _grow_crm(
    world: World,
    rng: random.Random,
    writer: Writer,
    system: str,
    n_deals: int,
    n_notes: int,
    start: int,
    end: int,
) -> None:
    crm, ids = world.crm(system), world.ids
    owners = [
        p.key
        for p in world.people.values()
        if (p.hubspot_owner_id if system == "hubspot" else p.sf_id) and not p.is_bot
    ]
    stages = list(HUBSPOT_STAGES) if system == "hubspot" else list(SALESFORCE_STAGES)
    open_stages = [s for s in stages if not _is_closed(system, s)]
    won, lost = (
        ("closedwon", "closedlost") if system == "hubspot" else ("Closed Won", "Closed Lost")
    )
    companies: list[CrmCompany] = []
    for i in range(max(1, n_deals // 2)):
        word = COMPANY_WORDS[i % len(COMPANY_WORDS)]
        kind = COMPANY_KINDS[(i // len(COMPANY_WORDS)) % len(COMPANY_KINDS)]
        suffix = i // (len(COMPANY_WORDS) * len(COMPANY_KINDS))
        name = f"{word} {kind}" + (f" {suffix + 1}" if suffix else "")
        at = start + rng.randrange(0, max(1, (end - start) // 2))
        cid = ids.numeric(10**10, 10**11) if system == "hubspot" else ids.salesforce("001")
        domain = name.lower().replace(" ", "-") + ".example"
        company = CrmCompany(
            system=system,
            id=cid,
            name=name,
            entity=name,
            domain=domain,
            industry=("LOGISTICS_AND_SUPPLY_CHAIN" if system == "hubspot" else "Transportation"),
            city="Berlin",
            country="Germany",
            owner=rng.choice(owners),
            created=at,
            updated=at,
        )
        crm.companies[cid] = company
        world.entities.setdefault(name, (name,))
        companies.append(company)
        for _ in range(rng.choice((1, 1, 2))):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            pid = ids.numeric(10**8, 10**9) if system == "hubspot" else ids.salesforce("003")
            crm.contacts[pid] = CrmContact(
                system=system,
                id=pid,
                first=first,
                last=last,
                email=f"{first.lower()}.{last.lower()}@{domain}",
                title="Finance Lead",
                company_id=cid,
                owner=company.owner,
                created=at,
                updated=at,
            )
    step = max(1, (end - start) // (n_deals + 1))
    deals: list[Deal] = []
    for i in range(n_deals):
        company = rng.choice(companies)
        created = start + i * step + rng.randrange(0, max(1, step))
        did = ids.numeric(10**10, 10**11) if system == "hubspot" else ids.salesforce("006")
        deal = Deal(
            system=system,
            id=did,
            key=did,
            name=f"{company.name} – {rng.choice(FEATURES)}",
            company_id=company.id,
            owner=company.owner,
            amount=rng.randrange(5, 300) * 1000,
            close_date=end - end % DAY + 30 * DAY,
            stage=open_stages[0],
            src=writer.other("c"),
            created=created,
            updated=created,
            contact_ids=tuple(c.id for c in crm.contacts.values() if c.company_id == company.id)[
                :2
            ],
        )
        deal.history.append(
            StageChange(
                created,
                deal.stage,
                deal.owner,
                ids.salesforce("008") if system == "salesforce" else "",
            )
        )
        at = created
        for _ in range(rng.randrange(0, 4)):
            at = min(end, at + rng.randrange(1, 7) * DAY)
            roll = rng.random()
            stage = won if roll < 0.15 else lost if roll < 0.25 else rng.choice(open_stages)
            if stage == deal.stage:
                continue
            reason = (
                rng.choice(("Price", "No budget this year", "Chose a competitor", "Timing"))
                if stage == lost
                else "Fit"
                if stage == won
                else None
            )
            move_deal(world, deal, at, stage, deal.owner, reason)
            if _is_closed(system, stage):
                break
        crm.deals[did] = deal
        deals.append(deal)
    step = max(1, (end - start) // (n_notes + 1))
    for i in range(n_notes):
        target = rng.choice(deals) if deals else None
        at = start + i * step + rng.randrange(0, max(1, step))
        if target is not None:
            at = max(at, target.created + MINUTE)
        if rng.random() < 0.1:
            src, specs, approval = writer.decision(target.owner if target else rng.choice(owners))
            if approval is not None:
                src = writer.other()
            else:
                for spec in specs:
                    world.decisions[spec.key] = spec
        else:
            src = writer.other()
        kind = (
            "note"
            if system == "hubspot"
            else rng.choices(("note", "contentnote", "task"), weights=(3, 3, 4))[0]
        )
        if system == "hubspot":
            nid = ids.numeric(10**10, 10**11)
        else:
            nid = ids.salesforce(_SF_PREFIX[kind])
        crm.notes[nid] = CrmNote(
            system=system,
            id=nid,
            kind=kind,
            src=src,
            subject=_plain(sentences(src)[0].markup, world)[:60] if sentences(src) else "Note",
            owner=target.owner if target else rng.choice(owners),
            created=min(at, end),
            updated=min(at, end),
            deal_id=target.id if target else None,
            company_id=target.company_id if target else None,
        )
        world.touch(min(at, end))


# --- activity ---------------------------------------------------------------------------------

ACTIVITY_KINDS = (
    "slack.message",
    "slack.reply",
    "slack.edit",
    "jira.issue",
    "jira.comment",
    "jira.transition",
    "hubspot.deal_change",
    "hubspot.note",
    "salesforce.opportunity_change",
    "salesforce.note",
    "slack.late_reply",
)


@dataclass
class ActivityResult:
    start: int
    end: int
    added: dict[str, int]
    changed: list[tuple[str, str, str]]  # (tool, kind, native id) of documents made or changed


def add_activity(world: World, n: int, wall_now: int) -> ActivityResult:
    """Add ``n`` new events, timestamped after everything before and no later than ``wall_now``
    when there is room (a minute apart at most)."""
    if n < 1:
        raise ValueError(f"add_activity needs n >= 1, got {n}")
    world.activity_rounds += 1
    rng = random.Random(f"{world.seed}:activity:{world.activity_rounds}")
    writer = Writer(world, rng, prefix=f"act{world.activity_rounds}")
    start = world.last_event + MINUTE // 60
    step = max(1000, min(MINUTE, (wall_now - start) // (n + 1)))
    kinds = list(ACTIVITY_KINDS)
    rng.shuffle(kinds)
    result = ActivityResult(start=start, end=start, added={}, changed=[])
    at = start
    for i in range(n):
        kind = kinds[i % len(kinds)]
        at += step
        done = _activity(world, rng, writer, kind, at, result)
        if not done:  # nothing to act on (e.g. no open deal): post a message instead
            kind = "slack.message"
            _activity(world, rng, writer, kind, at, result)
        result.added[kind] = result.added.get(kind, 0) + 1
    result.end = at
    world.touch(at)
    world.version += 1
    return result


def _readable(world: World) -> list[Channel]:
    return [c for c in world.channels.values() if c.readable and not c.archived]


def _activity(
    world: World, rng: random.Random, writer: Writer, kind: str, at: int, result: ActivityResult
) -> bool:
    humans = [p.key for p in world.people.values() if not p.is_bot and not p.deleted]
    if kind == "slack.message":
        channel = rng.choice(_readable(world))
        author = rng.choice([k for k in channel.members if k in humans] or humans)
        if rng.random() < 0.4:
            src, specs, _approval = writer.decision(author)
            for spec in specs:
                world.decisions[spec.key] = spec
        else:
            src = writer.other()
        message = world.post(
            Message(channel=channel.id, ts=slack_ts(at), at=at, author=author, src=src)
        )
        result.changed.append(("slack", "message", f"{channel.id}:{message.ts}"))
        return True
    if kind in ("slack.reply", "slack.late_reply"):
        late = kind == "slack.late_reply"
        candidates: list[Message] = []
        for channel in _readable(world):
            if not channel.messages:
                continue
            index = bisect.bisect_left([m.at for m in channel.messages[-200:]], at - 2 * DAY)
            pool = channel.messages[-200:]
            pool = pool[:index] if late else pool[index:]
            candidates.extend(m for m in pool if m.subtype is None)
        if not candidates:
            return False
        parent = candidates[rng.randrange(len(candidates))]
        author = rng.choice(humans)
        src = writer.other("c" if late else None)
        if late:
            src = "[[q]] Coming back to this one: is it still the plan?"
        channel = world.channels[parent.channel]
        _add_reply(world, parent, at, author, src)
        reply = parent.replies[-1] if parent.replies else None
        if reply is not None:
            result.changed.append(("slack", "message", f"{channel.id}:{reply.ts}"))
        return True
    if kind == "slack.edit":
        candidates = [
            m
            for c in _readable(world)
            for m in c.messages[-50:]
            if m.subtype is None and m.author in humans and m.at > at - 2 * DAY
        ]
        if not candidates:
            return False
        message = candidates[rng.randrange(len(candidates))]
        message.src = message.src.rstrip() + " [[c]] Edit: fixed the link."
        message.edited_at = at
        message.edited_by = message.author
        result.changed.append(("slack", "message", f"{message.channel}:{message.ts}"))
        return True
    if kind == "jira.issue":
        project = rng.choice(list(world.projects))
        number = 1 + max(
            int(i.key.split("-")[1]) for i in world.issues.values() if i.project == project
        )
        people = [
            p.key for p in world.people.values() if p.jira_id and not p.is_bot and not p.deleted
        ]
        reporter = rng.choice(people)
        if rng.random() < 0.3:
            src, specs, approval = writer.decision(reporter)
            if approval is not None:
                src = writer.other("p")
            else:
                for spec in specs:
                    world.decisions[spec.key] = spec
        else:
            src = writer.other(rng.choice("cqph"))
        component = rng.choice(list(world.projects[project].components))
        issue = world.add_issue(
            Issue(
                id=world.ids.next_issue(),
                key=f"{project}-{number}",
                project=project,
                type=rng.choice(("Story", "Task", "Bug")),
                summary=f"{rng.choice(SERVICES)}: {rng.choice(_DEPLOY_TITLES).lower()}",
                src=src,
                status="To Do",
                reporter=reporter,
                assignee=rng.choice(people),
                created=at,
                updated=at,
                components=(component,),
            )
        )
        result.changed.append(("jira", "issue", str(issue.id)))
        return True
    if kind in ("jira.comment", "jira.transition"):
        issues = sorted(world.issues.values(), key=lambda i: i.updated)[-30:]
        if kind == "jira.transition":
            issues = [i for i in issues if i.status != "Done"]
        if not issues:
            return False
        issue = issues[rng.randrange(len(issues))]
        people = [
            p.key for p in world.people.values() if p.jira_id and not p.is_bot and not p.deleted
        ]
        if kind == "jira.comment":
            author = rng.choice(people)
            if rng.random() < 0.3:
                body, specs, approval = writer.decision(author)
                if approval is not None:
                    body = writer.comment()
                else:
                    for spec in specs:
                        world.decisions[spec.key] = spec
            else:
                body = writer.comment()
            comment = Comment(world.ids.next_comment(), issue.id, author, body, at, at)
            issue.comments.append(comment)
            issue.updated = at
            world.touch(at)
            result.changed.append(("jira", "comment", f"{issue.id}:{comment.id}"))
        else:
            nxt = {
                "To Do": ("In Progress", None),
                "In Progress": ("In Review", None),
                "In Review": ("Done", rng.choice(("Done", "Done", "Won't Do"))),
            }
            status, resolution = nxt[issue.status]
            transition(world, issue, at, issue.assignee or issue.reporter, status, resolution)
        result.changed.append(("jira", "issue", str(issue.id)))
        return True
    if kind in ("hubspot.deal_change", "salesforce.opportunity_change"):
        system = kind.split(".")[0]
        deals = [d for d in world.crm(system).deals.values() if not _is_closed(system, d.stage)]
        if not deals:
            return False
        deal = deals[rng.randrange(len(deals))]
        stages = list(HUBSPOT_STAGES) if system == "hubspot" else list(SALESFORCE_STAGES)
        index = stages.index(deal.stage)
        if rng.random() < 0.35:
            stage = stages[-2] if rng.random() < 0.6 else stages[-1]  # won, else lost
        else:
            stage = stages[min(index + 1, len(stages) - 3)]
            if stage == deal.stage:
                stage = stages[-2]
        reason = (
            "Chose a competitor on price"
            if stage == stages[-1]
            else "Fit and timing"
            if stage == stages[-2]
            else None
        )
        move_deal(world, deal, at, stage, deal.owner, reason)
        result.changed.append((system, "deal", deal.id))
        return True
    if kind in ("hubspot.note", "salesforce.note"):
        system = kind.split(".")[0]
        crm = world.crm(system)
        deals = list(crm.deals.values())[-40:]
        if not deals:
            return False
        deal = deals[rng.randrange(len(deals))]
        if rng.random() < 0.4:
            src, specs, approval = writer.decision(deal.owner)
            if approval is not None:
                src = writer.other()
            else:
                for spec in specs:
                    world.decisions[spec.key] = spec
        else:
            src = writer.other()
        if system == "hubspot":
            nid, note_kind = world.ids.numeric(10**10, 10**11), "note"
        else:
            note_kind = rng.choice(("note", "contentnote", "task"))
            nid = world.ids.salesforce(_SF_PREFIX[note_kind])
        crm.notes[nid] = CrmNote(
            system=system,
            id=nid,
            kind=note_kind,
            src=src,
            subject=_plain(sentences(src)[0].markup, world)[:60],
            owner=deal.owner,
            created=at,
            updated=at,
            deal_id=deal.id,
            company_id=deal.company_id,
        )
        world.touch(at)
        result.changed.append((system, "note", nid))
        return True
    raise ValueError(f"unknown activity kind {kind!r}")


def iter_sources(world: World) -> Iterable[str]:
    """Every document source in the world (for tests and statistics)."""
    for channel in world.channels.values():
        for message in channel.by_ts.values():
            yield message.src
    for issue in world.issues.values():
        yield issue.src
        for comment in issue.comments:
            yield comment.src
    for crm in (world.hubspot, world.salesforce):
        for deal in crm.deals.values():
            yield deal.src
        for note in crm.notes.values():
            yield note.src
