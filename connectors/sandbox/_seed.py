"""The hand-written organization: Tessera, a B2B payments and logistics software company.

Everything here is a *spec*: times are relative (``"-56 09:40"`` is 56 days before the world's
``now`` at 09:40 UTC; ``"+25m"`` is 25 minutes after the parent), people are keys, texts are
``_markup`` sources whose ``[[x]]`` markers label each sentence. ``_generate`` turns the specs
into the world with ids and absolute times; the answer key is read back from the same sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.sandbox._world import DecisionSpec

# --- spec types -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    key: str
    first: str
    last: str
    title: str
    slack_name: str
    slack_display: str
    jira: bool = True
    jira_email_visible: bool = False
    hubspot: bool = False
    sf: tuple[str, str] | None = None
    sf_email: str | None = None
    deleted: bool = False
    tz: str = "Europe/Berlin"


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    topic: str
    purpose: str
    creator: str
    private: bool = False
    member: bool = True
    archived: bool = False
    is_general: bool = False


@dataclass(frozen=True)
class ReplySpec:
    at: str
    by: str
    src: str
    edited: str | None = None
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ThreadSpec:
    channel: str
    at: str
    by: str
    src: str
    replies: tuple[ReplySpec, ...] = ()
    edited: str | None = None
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class FlowSpec:
    at: str
    by: str
    status: str
    resolution: str | None = None


@dataclass(frozen=True)
class CommentSpec:
    at: str
    by: str
    src: str


@dataclass(frozen=True)
class IssueSpec:
    project: str
    type: str
    summary: str
    at: str
    reporter: str
    assignee: str | None
    src: str
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    flow: tuple[FlowSpec, ...] = ()
    comments: tuple[CommentSpec, ...] = ()
    priority: str = "Medium"


@dataclass(frozen=True)
class CompanySpec:
    system: str
    entity: str
    name: str
    domain: str
    industry: str
    city: str
    country: str
    owner: str
    at: str


@dataclass(frozen=True)
class ContactSpec:
    system: str
    company: str
    first: str
    last: str
    title: str
    owner: str
    at: str


@dataclass(frozen=True)
class DealSpec:
    system: str
    key: str
    company: str
    name: str
    owner: str
    amount: int
    at: str
    stages: tuple[tuple[str, str, str], ...]
    close: str
    src: str
    reason: str | None = None
    deal_type: str = "newbusiness"
    lead_source: str = "Inbound"


@dataclass(frozen=True)
class NoteSpec:
    system: str
    kind: str
    at: str
    by: str
    src: str
    deal: str
    subject: str = ""
    status: str = "Completed"


@dataclass(frozen=True)
class Seed:
    people: tuple[PersonSpec, ...]
    channels: tuple[ChannelSpec, ...]
    decisions: tuple[DecisionSpec, ...]
    threads: tuple[ThreadSpec, ...]
    issues: tuple[IssueSpec, ...]
    companies: tuple[CompanySpec, ...]
    contacts: tuple[ContactSpec, ...]
    deals: tuple[DealSpec, ...]
    notes: tuple[NoteSpec, ...]
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)


def T(
    channel: str,
    at: str,
    by: str,
    src: str,
    *replies: ReplySpec,
    edited: str | None = None,
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> ThreadSpec:
    return ThreadSpec(channel, at, by, src, tuple(replies), edited, reactions)


def R(
    at: str,
    by: str,
    src: str,
    *,
    edited: str | None = None,
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> ReplySpec:
    return ReplySpec(at, by, src, edited, reactions)


def D(
    key: str,
    statement: str,
    status: str,
    rationale: str,
    alternatives: tuple[str, ...],
    deciders: tuple[str, ...],
    about: tuple[str, ...],
    supersedes: str | None = None,
) -> DecisionSpec:
    return DecisionSpec(
        key, statement, status, rationale, alternatives, deciders, about, supersedes
    )


# --- people -----------------------------------------------------------------------------------

PEOPLE = (
    PersonSpec("hannah.schmidt", "Hannah", "Schmidt", "CEO", "hannah", "Hannah", jira=False),
    PersonSpec("raj.patel", "Raj", "Patel", "CTO", "raj", "raj"),
    PersonSpec(
        "jane.doe",
        "Jane",
        "Doe",
        "Head of Solutions Engineering",
        "jdoe",
        "jdoe",
        hubspot=True,
        sf=("J.", "Doe"),
    ),
    PersonSpec(
        "jane.park",
        "Jane",
        "Park",
        "Senior Payments Engineer",
        "jane.park",
        "Jane",
        jira_email_visible=True,
    ),
    PersonSpec("tom.becker", "Tom", "Becker", "Engineering Manager, Platform", "tom", "Tom B"),
    PersonSpec(
        "amara.okafor",
        "Amara",
        "Okafor",
        "Head of Payments Engineering",
        "amara",
        "amara",
        tz="Europe/London",
    ),
    PersonSpec("lukas.meyer", "Lukas", "Meyer", "Site Reliability Engineer", "lukas", "lukas.m"),
    PersonSpec("sofia.rossi", "Sofia", "Rossi", "Product Manager, Payouts", "sofia", "Sofia R."),
    PersonSpec(
        "ben.foster", "Ben", "Foster", "Backend Engineer", "ben", "benf", tz="Europe/London"
    ),
    PersonSpec("yuki.tanaka", "Yuki", "Tanaka", "Mobile Engineer", "yuki", "yuki"),
    PersonSpec(
        "nora.lindqvist",
        "Nora",
        "Lindqvist",
        "Security Lead",
        "nora",
        "nora",
        tz="Europe/Stockholm",
    ),
    PersonSpec(
        "dan.wright",
        "Daniel",
        "Wright",
        "VP Sales",
        "dan",
        "Dan W",
        jira=False,
        hubspot=True,
        sf=("Dan", "Wright"),
        sf_email="dan@tessera.example",
        tz="Europe/London",
    ),
    PersonSpec(
        "mei.chen",
        "Mei",
        "Chen",
        "Account Executive",
        "mei",
        "mei",
        jira=False,
        hubspot=True,
        sf=("Mei", "Chen"),
    ),
    PersonSpec(
        "carlos.mendez",
        "Carlos",
        "Méndez",
        "Enterprise Account Executive",
        "carlos",
        "carlos",
        jira=False,
        sf=("Carlos", "Mendez"),
        tz="Europe/Madrid",
    ),
    PersonSpec(
        "priya.nair", "Priya", "Nair", "Customer Success Manager", "priya", "priya", hubspot=True
    ),
    PersonSpec(
        "olga.ivanova", "Olga", "Ivanova", "CFO", "olga", "Olga", jira=False, sf=("O.", "Ivanova")
    ),
    PersonSpec("sam.okoro", "Samuel", "Okoro", "Support Engineer", "sam", "sam.o"),
    PersonSpec(
        "elif.kaya",
        "Elif",
        "Kaya",
        "Sales Engineer",
        "elif",
        "elif",
        hubspot=True,
        sf=("Elif", "Kaya"),
    ),
    PersonSpec(
        "marco.bianchi",
        "Marco",
        "Bianchi",
        "Backend Engineer (left)",
        "marco",
        "marco",
        deleted=True,
        tz="Europe/Rome",
    ),
)

CHANNELS = (
    ChannelSpec(
        "general",
        "Company-wide announcements",
        "Everyone at Tessera",
        "hannah.schmidt",
        is_general=True,
    ),
    ChannelSpec("random", "Off-topic", "Coffee, bouldering and oat milk", "hannah.schmidt"),
    ChannelSpec("eng-platform", "Ledger, event bus, infra", "Platform engineering", "raj.patel"),
    ChannelSpec(
        "payments", "Payouts, PSPs, FX, invoicing", "Payments engineering + product", "amara.okafor"
    ),
    ChannelSpec("sales", "Pipeline and pricing", "Sales team", "dan.wright"),
    ChannelSpec("incidents", "Sev1/Sev2 only", "Incident coordination", "tom.becker"),
    ChannelSpec(
        "customer-success", "Accounts, QBRs, escalations", "Customer success", "priya.nair"
    ),
    ChannelSpec(
        "deal-desk", "Discounts and approvals", "Deal approvals", "dan.wright", private=True
    ),
    ChannelSpec(
        "design-crit", "Mockups for feedback", "Design critique", "yuki.tanaka", member=False
    ),
    ChannelSpec(
        "leadership", "Leadership team", "Leadership", "hannah.schmidt", private=True, member=False
    ),
    ChannelSpec(
        "proj-ledger-v1",
        "Ledger v1 (archived)",
        "The first ledger prototype",
        "marco.bianchi",
        archived=True,
    ),
)

# --- decisions (the truth every labelled ``[[d:KEY]]`` sentence points at) ---------------------

DECISIONS = (
    D(
        "ledger-db",
        "Let's go with Postgres over Mongo since we need transactions for the ledger.",
        "decided",
        "the ledger posts a debit and a credit together and needs multi-row transactions",
        ("MongoDB",),
        ("raj.patel",),
        ("PostgreSQL", "MongoDB", "ledger service"),
    ),
    D(
        "event-bus-redis",
        "Use Redis Streams for the internal event bus; we already run Redis for rate limiting and "
        "Kafka feels heavy for a team of six.",
        "superseded",
        "Redis already runs for rate limiting; Kafka is heavy for a team of six",
        ("Apache Kafka",),
        ("tom.becker", "raj.patel"),
        ("Redis Streams", "event bus"),
    ),
    D(
        "event-bus-kafka",
        "Kafka replaces Redis Streams for the event bus since we need replay for the ledger rebuild.",
        "decided",
        "the ledger rebuild needs replay of the full event history",
        ("Redis Streams",),
        ("raj.patel",),
        ("Apache Kafka", "Redis Streams", "event bus"),
        supersedes="event-bus-redis",
    ),
    D(
        "api-versioning",
        "Do date-based versions in a Tessera-Version header instead of /v2 paths, so customers can "
        "pin a version and upgrade when they want.",
        "decided",
        "customers can pin a version and upgrade when they want",
        ("URL path versions",),
        ("raj.patel",),
        ("public API", "API versioning"),
    ),
    D(
        "grpc-internal",
        "Not doing gRPC for now: we'll keep REST and JSON internally.",
        "rejected",
        "the team has no protobuf tooling and the parsing cost is under 2% of latency",
        ("gRPC",),
        ("raj.patel",),
        ("gRPC", "internal service calls"),
    ),
    D(
        "temporal-payouts",
        "We'll use Temporal for payout orchestration; durable retries are the whole point and "
        "Celery can't give us that.",
        "decided",
        "payouts need durable retries and Celery lost retry state",
        ("Celery",),
        ("amara.okafor",),
        ("Temporal", "Celery", "payout orchestration"),
    ),
    D(
        "infra-terraform",
        "Move all infra to Terraform modules per environment, not Pulumi.",
        "decided",
        "nobody wants to maintain TypeScript infra code",
        ("Pulumi",),
        ("tom.becker", "lukas.meyer"),
        ("Terraform", "Pulumi", "infrastructure"),
    ),
    D(
        "single-region",
        "We're staying single-region in eu-central-1 this year; active-active multi-region costs "
        "more than the downtime risk it removes.",
        "decided",
        "active-active multi-region costs more than the downtime risk it removes",
        ("active-active multi-region",),
        ("raj.patel",),
        ("AWS eu-central-1", "multi-region"),
    ),
    D(
        "observability-datadog",
        "We're moving metrics and APM from self-hosted Grafana and Prometheus to Datadog.",
        "reversed",
        "nobody has time to babysit Prometheus storage",
        ("self-hosted Grafana and Prometheus",),
        ("lukas.meyer",),
        ("Datadog", "Grafana Cloud", "Prometheus", "metrics"),
    ),
    D(
        "observability-grafana",
        "We're moving back to Grafana Cloud for metrics because the Datadog bill tripled with custom "
        "metrics.",
        "decided",
        "the Datadog bill tripled with custom metrics; Grafana Cloud runs Prometheus "
        "storage for us",
        ("Datadog",),
        ("lukas.meyer",),
        ("Grafana Cloud", "Datadog", "metrics"),
        supersedes="observability-datadog",
    ),
    D(
        "feature-flags",
        "Not buying LaunchDarkly: we'll build flags on the config service we already have.",
        "decided",
        "LaunchDarkly quoted $40k a year",
        ("LaunchDarkly",),
        ("tom.becker",),
        ("LaunchDarkly", "feature flags", "config service"),
    ),
    D(
        "oncall-weekly",
        "On-call rotates weekly across the platform and payments teams, one primary and one "
        "secondary.",
        "decided",
        "follow-the-sun doesn't work with everyone in Europe",
        ("follow-the-sun",),
        ("tom.becker",),
        ("on-call rotation",),
    ),
    D(
        "pg16-upgrade",
        "Go with the logical replication cutover to Postgres 16; 40 minutes of ledger downtime is "
        "not acceptable for payouts.",
        "decided",
        "40 minutes of ledger downtime is not acceptable for payouts",
        ("in-place pg_upgrade",),
        ("raj.patel",),
        ("PostgreSQL", "ledger service"),
    ),
    D(
        "secrets-manager",
        "We'll use AWS Secrets Manager over Vault for service secrets.",
        "decided",
        "we're all-in on AWS and Vault would need an operator we don't have",
        ("HashiCorp Vault",),
        ("nora.lindqvist",),
        ("AWS Secrets Manager", "HashiCorp Vault"),
    ),
    D(
        "okta-sso",
        "Every internal tool requires Okta SSO and Google login gets switched off.",
        "decided",
        "single sign-on for all internal tools",
        ("Google login",),
        ("nora.lindqvist",),
        ("Okta", "Google login"),
    ),
    D(
        "idempotency-keys",
        "Every payout endpoint requires an Idempotency-Key header from the July API version.",
        "decided",
        "Acme's duplicate payouts would not have happened with it",
        ("optional keys",),
        ("amara.okafor",),
        ("payouts API", "Acme Corporation"),
    ),
    D(
        "api-rate-limits",
        "Set the public API limit to 100 requests per second per key with bursts up to 200.",
        "decided",
        "Brightwater's batch jobs peak around 80 requests per second",
        (),
        ("tom.becker",),
        ("public API", "rate limits", "Brightwater Freight"),
    ),
    D(
        "webhook-backoff",
        "Webhook retries use exponential backoff over 3 days with at most 12 attempts, then we "
        "disable the endpoint and email the customer.",
        "decided",
        "",
        (),
        ("amara.okafor", "ben.foster"),
        ("webhooks",),
    ),
    D(
        "monorepo",
        "We're staying on the polyrepo setup: redoing CI for 14 repos isn't worth it this year.",
        "rejected",
        "redoing CI for 14 repos isn't worth it this year",
        ("monorepo",),
        ("raj.patel",),
        ("monorepo", "CI"),
    ),
    D(
        "driver-app-rn",
        "React Native it is for the driver app, not Flutter: the team already writes React and "
        "TypeScript.",
        "decided",
        "the team already writes React and TypeScript",
        ("Flutter",),
        ("tom.becker",),
        ("React Native", "Flutter", "driver app"),
    ),
    D(
        "ci-github-actions",
        "CI moves from Jenkins to GitHub Actions by end of month.",
        "decided",
        "the Jenkins box is out of support and nobody wants to patch it",
        ("Jenkins",),
        ("lukas.meyer",),
        ("GitHub Actions", "Jenkins", "CI"),
    ),
    D(
        "log-retention",
        "For PCI we keep 30 days of hot logs and one year archived in S3 Glacier; anything older "
        "gets deleted.",
        "decided",
        "PCI requirements",
        (),
        ("nora.lindqvist",),
        ("S3 Glacier", "PCI", "logs"),
    ),
    D(
        "adyen-drop",
        "We'll drop Adyen; Stripe covers SEPA now.",
        "reversed",
        "Stripe covers SEPA and running two PSPs doubles the reconciliation work",
        ("Adyen",),
        ("amara.okafor",),
        ("Adyen", "Stripe", "SEPA"),
    ),
    D(
        "adyen-back",
        "We're moving back to Adyen for SEPA payouts in the Netherlands because Stripe's payout "
        "timing broke Brightwater's next-day carrier SLA.",
        "decided",
        "Stripe's payout timing broke Brightwater's next-day carrier SLA twice",
        ("Stripe",),
        ("amara.okafor",),
        ("Adyen", "Stripe", "SEPA", "Brightwater Freight"),
        supersedes="adyen-drop",
    ),
    D(
        "sepa-instant",
        "We'll ship SEPA Instant only for payouts under €100k, since the scheme caps there anyway.",
        "decided",
        "the scheme caps there anyway",
        ("regular SEPA",),
        ("sofia.rossi",),
        ("SEPA Instant",),
    ),
    D(
        "fx-wise",
        "Going with Wise for FX conversions over Currencycloud: better GBP/EUR spreads and they "
        "settle same day.",
        "decided",
        "better GBP/EUR spreads and same-day settlement",
        ("Currencycloud",),
        ("amara.okafor",),
        ("Wise", "Currencycloud", "FX"),
    ),
    D(
        "payout-t1",
        "Verified carriers move from T+3 to T+1 payouts by default.",
        "decided",
        "fraud losses on verified carriers were basically zero last quarter",
        ("T+3",),
        ("sofia.rossi",),
        ("payout schedule", "verified carriers"),
    ),
    D(
        "fraud-radar",
        "For card fraud we'll rely on Stripe Radar rules for now; the in-house model is deferred to "
        "Q4.",
        "decided",
        "no labelled data for an in-house model yet",
        ("in-house fraud model",),
        ("jane.park",),
        ("Stripe Radar", "card fraud"),
    ),
    D(
        "einvoice-zugferd",
        "We'll generate invoices as PDF/A-3 with embedded ZUGFeRD XML.",
        "decided",
        "it covers the German mandate and still gives customers a readable PDF",
        ("XRechnung",),
        ("sofia.rossi",),
        ("ZUGFeRD", "XRechnung", "e-invoicing"),
    ),
    D(
        "no-payfac",
        "We won't become a PayFac: PCI Level 1 and the licensing cost aren't worth it at our volume, "
        "we stay on Stripe Connect.",
        "rejected",
        "PCI Level 1 and the licensing cost aren't worth it at our volume",
        ("becoming a PayFac",),
        ("raj.patel",),
        ("PayFac", "Stripe Connect", "card acquiring"),
    ),
    D(
        "3ds-threshold",
        "All card payments above €30 get 3DS2, full stop.",
        "decided",
        "the exemption games aren't worth the chargebacks",
        ("low-value exemption",),
        ("nora.lindqvist",),
        ("3DS2", "card payments"),
    ),
    D(
        "recon-camt053",
        "Reconciliation runs daily at 02:00 UTC against camt.053 bank statements, replacing the CSV "
        "uploads finance does by hand.",
        "decided",
        "finance uploads CSVs by hand",
        ("CSV uploads",),
        ("amara.okafor",),
        ("reconciliation", "camt.053"),
    ),
    D(
        "currencies-gbp-chf",
        "We'll add GBP and CHF payouts next quarter and postpone PLN.",
        "decided",
        "no signed customer needs PLN yet",
        ("PLN",),
        ("sofia.rossi",),
        ("GBP", "CHF", "PLN"),
    ),
    D(
        "acme-discount",
        "Approved at 18% for the 3-year term, no further concessions.",
        "decided",
        "anything beyond that needs the CEO",
        ("25% discount",),
        ("olga.ivanova",),
        ("Acme Corporation", "discount"),
    ),
    D(
        "enterprise-pricing",
        "Enterprise pricing changes to a platform fee plus 0.4% per payout.",
        "decided",
        "per-transaction pricing made our big deals look expensive next to Adyen",
        ("per-transaction pricing",),
        ("dan.wright",),
        ("enterprise pricing",),
    ),
    D(
        "no-onprem",
        "We're walking away from Kestrel's RFP: they require an on-prem deployment and we won't "
        "support on-prem.",
        "decided",
        "we won't support on-prem deployments",
        ("on-prem deployment",),
        ("carlos.mendez", "dan.wright"),
        ("Kestrel Retail Group", "on-prem"),
    ),
    D(
        "paid-pilots",
        "No more free pilots: pilots are paid and the fee is credited against year one.",
        "decided",
        "",
        ("free pilots",),
        ("dan.wright",),
        ("pilots",),
    ),
    D(
        "crm-split",
        "We keep HubSpot for SMB and Salesforce for enterprise until the Salesforce renewal; no CRM "
        "migration this year.",
        "decided",
        "",
        ("CRM migration",),
        ("hannah.schmidt",),
        ("HubSpot", "Salesforce", "CRM"),
    ),
    D(
        "northbeam-premium",
        "Northbeam gets premium support free for year one since they're our design partner for "
        "payouts.",
        "decided",
        "they're our design partner for payouts",
        (),
        ("dan.wright",),
        ("Northbeam Logistics", "premium support"),
    ),
    D(
        "enterprise-sla",
        "Enterprise SLA is 99.95% uptime with service credits; we won't offer 99.99% while we're "
        "single-region.",
        "decided",
        "we're single-region",
        ("99.99% uptime",),
        ("dan.wright",),
        ("enterprise SLA",),
    ),
    D(
        "soc2-nda",
        "Sales can share the SOC 2 Type II report only under NDA, never as an attachment in the "
        "first email.",
        "decided",
        "",
        (),
        ("nora.lindqvist",),
        ("SOC 2 Type II report",),
    ),
    D(
        "reseller-program",
        "We're not doing a reseller program this year.",
        "rejected",
        "partner margins would eat the enterprise pricing we just fixed",
        ("reseller program",),
        ("hannah.schmidt",),
        ("reseller program",),
    ),
    D(
        "friday-freeze",
        "No deploys to the payouts service on Fridays.",
        "decided",
        "yesterday's payout outage",
        (),
        ("tom.becker",),
        ("payouts service", "deploys"),
    ),
    D(
        "rollback-first",
        "Any Sev1 that starts within an hour of a deploy gets an immediate rollback, we debug "
        "afterwards.",
        "decided",
        "",
        (),
        ("raj.patel",),
        ("incidents", "rollback"),
    ),
    D(
        "statuspage",
        "We'll use Atlassian Statuspage for customer-facing incident comms and retire the manual "
        "email list.",
        "decided",
        "40 emails sent by hand during the last incident",
        ("manual email list",),
        ("tom.becker",),
        ("Statuspage",),
    ),
    D(
        "ledger-sync-replica",
        "The ledger database moves to synchronous replication to the standby.",
        "decided",
        "we can't lose committed postings again",
        ("asynchronous replication",),
        ("jane.park",),
        ("ledger database", "replication"),
    ),
    D(
        "office-days",
        "We're keeping Tuesday and Thursday as office days in Berlin.",
        "decided",
        "that's what most teams already do",
        (),
        ("hannah.schmidt",),
        ("office days",),
    ),
    D(
        "hiring-hold",
        "We hold the two backend reqs until the Series B closes.",
        "decided",
        "",
        (),
        ("hannah.schmidt",),
        ("hiring",),
    ),
    D(
        "payout-eta-ui",
        "We'll show the expected arrival date on every payout in the dashboard.",
        "decided",
        "",
        (),
        ("sofia.rossi",),
        ("dashboard", "payouts"),
    ),
)

# --- Slack ------------------------------------------------------------------------------------

THREADS = (
    # #proj-ledger-v1 (archived)
    T(
        "proj-ledger-v1",
        "-60 10:05",
        "marco.bianchi",
        "[[c]] Last prototype build is tagged `ledger-v1-final`, it runs on Mongo.",
    ),
    T(
        "proj-ledger-v1",
        "-59 16:30",
        "ben.foster",
        "[[c]] Archiving this channel, the ledger v1 work moved to #{eng-platform}.",
    ),
    # ledger-db
    T(
        "eng-platform",
        "-56 09:40",
        "ben.foster",
        "[[q]] Storage for the new ledger service: Postgres or Mongo? [[c]] Marco's prototype is on "
        "Mongo and it was quick to get going.",
        R(
            "+25m",
            "jane.park",
            "[[c]] The ledger posts a debit and a credit together, so we need multi-row transactions. "
            "[[h]] If we stayed on Mongo we'd be hand-rolling two-phase commits.",
        ),
        R(
            "+1h",
            "raj.patel",
            "[[d:ledger-db]] Let's go with Postgres over Mongo since we need transactions for the "
            "ledger.",
            edited="+6m",
            reactions=(("+1", ("ben.foster", "jane.park", "tom.becker")),),
        ),
        R("+1h10m", "ben.foster", "[[c]] :+1: I'll port the prototype schema."),
        R(
            "+54d",
            "yuki.tanaka",
            "[[q]] Late to this, but are we revisiting Mongo for the analytics store?",
        ),
    ),
    T(
        "eng-platform",
        "-54 11:15",
        "ben.foster",
        "[[q]] Is anyone else seeing flaky tests in `ledger-core`?",
        R("+20m", "jane.park", "[[c]] Yes, the clock-skew test. I'll pin the fake clock."),
    ),
    T(
        "eng-platform",
        "-52 10:00",
        "yuki.tanaka",
        "[[q]] Driver app: React Native or Flutter? [[c]] Flutter's maps plugin is better, but "
        "nobody here writes Dart.",
        R(
            "+2h",
            "tom.becker",
            "[[d:driver-app-rn]] React Native it is for the driver app, not Flutter: the team already "
            "writes React and TypeScript.",
        ),
        R("+2h30m", "yuki.tanaka", "[[c]] Works for me, I'll set up the Expo project."),
    ),
    # event-bus-redis
    T(
        "eng-platform",
        "-50 14:20",
        "tom.becker",
        "[[p:event-bus-redis]] Proposal: use Redis Streams for the internal event bus. [[c]] We "
        "already run Redis for rate limiting, and Kafka feels heavy for a team of six.",
        R("+40m", "lukas.meyer", "[[c]] Fine by me operationally."),
        R("+1h", "raj.patel", "[[d:event-bus-redis]] +1, approved."),
        R("+2h", "ben.foster", "[[q]] Do we need consumer groups from day one?"),
        R("+2h20m", "tom.becker", "[[c]] Yes, the payout and notification workers both consume."),
    ),
    T(
        "eng-platform",
        "-48 09:05",
        "lukas.meyer",
        "[[d:observability-datadog]] Decision: we're moving metrics and APM from self-hosted "
        "Grafana and Prometheus to Datadog, since nobody has time to babysit Prometheus storage.",
        R("+10m", "tom.becker", "[[c]] Finally."),
        R("+1h", "raj.patel", "[[c]] Ok for me, keep an eye on the bill."),
    ),
    T(
        "eng-platform",
        "-47 15:40",
        "jane.park",
        "[[h]] If we moved to Kafka we could replay the whole ledger, but we'd need someone to own "
        "the cluster.",
    ),
    T(
        "eng-platform",
        "-46 10:30",
        "ben.foster",
        "[[r]] FYI @{raj.patel} decided on header-based API versioning, details in the PLAT ticket.",
    ),
    T(
        "eng-platform",
        "-45 08:50",
        "lukas.meyer",
        "[[d:ci-github-actions]] Decision: CI moves from Jenkins to GitHub Actions by end of month. "
        "[[c]] The Jenkins box is out of support and nobody wants to patch it.",
        R("+10m", "ben.foster", "[[c]] :tada: finally"),
    ),
    T(
        "eng-platform",
        "-44 17:10",
        "tom.becker",
        "[[n]] We haven't decided yet whether the ledger rebuild happens this quarter.",
    ),
    T(
        "eng-platform",
        "-42 13:00",
        "ben.foster",
        "[[p:grpc-internal]] Proposal: switch internal service calls to gRPC, the JSON parsing "
        "shows up in every flame graph.",
        R(
            "+1h",
            "tom.becker",
            "[[h]] If we moved to gRPC we'd also need a schema registry and new tooling for on-call.",
        ),
        R(
            "+3h",
            "raj.patel",
            "[[d:grpc-internal]] Not doing gRPC for now: we'll keep REST and JSON internally. [[c]] The "
            "team has no protobuf tooling and the parsing cost is under 2% of latency.",
        ),
    ),
    T(
        "eng-platform",
        "-41 11:20",
        "nora.lindqvist",
        "[[d:secrets-manager]] We'll use AWS Secrets Manager over Vault for service secrets since "
        "we're all-in on AWS and Vault would need an operator we don't have.",
        R(
            "+30m",
            "lukas.meyer",
            "[[c]] Agreed, rotating Vault unseal keys was my least favourite job at my last place.",
        ),
    ),
    T(
        "eng-platform",
        "-39 18:00",
        "lukas.meyer",
        "[[c]] Reminder: the staging cluster gets recycled tonight at 22:00 UTC.",
    ),
    T(
        "eng-platform",
        "-38 10:10",
        "lukas.meyer",
        "[[p:infra-terraform]] I'd like to move all infra to Terraform modules per environment. "
        "[[c]] Pulumi came up too but nobody wants to maintain TypeScript infra code.",
        R(
            "+45m",
            "tom.becker",
            "[[d:infra-terraform]] Agreed, Terraform it is, not Pulumi. [[c]] Let's keep state in S3 "
            "with locking.",
        ),
    ),
    T(
        "eng-platform",
        "-36 09:30",
        "raj.patel",
        "[[d:single-region]] We're staying single-region in eu-central-1 this year; active-active "
        "multi-region costs more than the downtime risk it removes.",
        R("+20m", "lukas.meyer", "[[c]] I'll write down the recovery runbook for a region outage."),
        R("+1h", "sofia.rossi", "[[q]] Does that change anything for the Kestrel RFP?"),
        R(
            "+1h30m",
            "raj.patel",
            "[[n]] Not yet decided on how we answer their DR question, let's talk Thursday.",
        ),
    ),
    T(
        "eng-platform",
        "-34 16:45",
        "ben.foster",
        "[[p]] Proposal: we could move the nightly batch to 03:00 to dodge the bank's maintenance "
        "window.",
    ),
    T(
        "eng-platform",
        "-33 10:00",
        "yuki.tanaka",
        "[[q]] Are we buying LaunchDarkly or not? [[c]] Mobile needs remote flags for the driver "
        "app release.",
        R(
            "+1h",
            "tom.becker",
            "[[d:feature-flags]] Not buying LaunchDarkly: we'll build flags on the config service we "
            "already have, since LaunchDarkly quoted $40k a year. [[c]] @{ben.foster} can you scope "
            "it?",
        ),
        R("+1h20m", "ben.foster", "[[c]] On it."),
    ),
    T(
        "eng-platform",
        "-31 14:00",
        "ben.foster",
        "[[p:webhook-backoff]] Proposal: webhook retries use exponential backoff over 3 days with "
        "at most 12 attempts, then we disable the endpoint and email the customer.",
        R("+35m", "amara.okafor", "[[d:webhook-backoff]] +1, approved."),
        R("+50m", "tom.becker", "[[c]] +1"),
    ),
    T(
        "eng-platform",
        "-30 09:15",
        "yuki.tanaka",
        "[[r]] Apparently Stripe decided to deprecate the old payouts API by the end of next year. "
        "[[c]] https://stripe.example/changelog/payouts-v1",
    ),
    T(
        "eng-platform",
        "-29 15:30",
        "jane.park",
        "[[r]] Raj signed off on the logical replication plan for the PG16 upgrade, see the PLAT "
        "ticket.",
    ),
    T(
        "eng-platform",
        "-27 11:00",
        "ben.foster",
        "[[q]] What's the rate limit we're putting in the docs?",
        R(
            "+30m",
            "tom.becker",
            "[[d:api-rate-limits]] 100 requests per second per key with bursts up to 200, we decided "
            "that in the PLAT ticket.",
        ),
    ),
    T(
        "eng-platform",
        "-25 10:20",
        "yuki.tanaka",
        "[[p:monorepo]] What if we moved everything into a monorepo? [[c]] Sharing the API types "
        "with the driver app is painful.",
        R("+1h", "tom.becker", "[[h]] If we did that we'd need to redo CI for 14 repos."),
        R(
            "+1d",
            "raj.patel",
            "[[d:monorepo]] We're staying on the polyrepo setup: redoing CI for 14 repos isn't worth "
            "it this year. [[p]] Let's publish the API types as an npm package instead.",
        ),
    ),
    T(
        "eng-platform",
        "-24 14:10",
        "raj.patel",
        "[[q]] Should we look at Temporal Cloud instead of self-hosting?",
    ),
    T(
        "eng-platform",
        "-22 09:00",
        "nora.lindqvist",
        "[[d:log-retention]] For PCI we keep 30 days of hot logs and one year archived in S3 "
        "Glacier; anything older gets deleted.",
        R(
            "+1h",
            "lukas.meyer",
            "[[q]] Does the one year include the audit logs from the admin console?",
        ),
        R("+1h15m", "nora.lindqvist", "[[c]] Yes, same policy."),
    ),
    T(
        "eng-platform",
        "-18 10:00",
        "raj.patel",
        "[[d:event-bus-kafka]] Decision: Kafka replaces Redis Streams for the event bus since we "
        "need replay for the ledger rebuild. [[c]] @{lukas.meyer} will own the MSK cluster.",
        R(
            "+15m",
            "tom.becker",
            "[[c]] Makes sense, trimming Redis streams bit us twice last month.",
        ),
        R("+30m", "ben.foster", "[[q]] Are we keeping Redis for rate limiting?"),
        R("+40m", "raj.patel", "[[c]] Yes, only the event bus moves."),
    ),
    T(
        "eng-platform",
        "-17 16:20",
        "jane.park",
        "[[c]] Query for the curious, it finds unbalanced ledger accounts:\n"
        "```sql\nSELECT account_id, sum(amount) FROM postings GROUP BY 1 HAVING sum(amount) <> 0;\n```",
    ),
    T(
        "eng-platform",
        "-11 12:00",
        "tom.becker",
        "[[n]] No decision on the service mesh until Lukas is back from leave.",
    ),
    T(
        "eng-platform",
        "-8 09:20",
        "lukas.meyer",
        "[[d:observability-grafana]] We're moving back to Grafana Cloud for metrics: the Datadog "
        "bill tripled with custom metrics and Grafana Cloud now runs the Prometheus storage for us. "
        "[[c]] APM stays in Datadog until the contract ends in March.",
        R("+30m", "raj.patel", "[[c]] Thanks for running the numbers."),
        R("+40m", "olga.ivanova", "[[c]] Finance approves, thank you :pray:"),
        edited="+12m",
    ),
    T(
        "eng-platform",
        "-5 15:00",
        "ben.foster",
        "[[h]] If we upgraded to Python 3.13 we'd get the free-threading build, but Celery isn't "
        "ready.",
    ),
    T(
        "eng-platform",
        "-3 17:30",
        "lukas.meyer",
        "[[c]] Rotated the staging TLS certs, shout if anything breaks.",
    ),
    T(
        "eng-platform",
        "-2 10:45",
        "yuki.tanaka",
        "[[q]] Who can review my PR for the payout status screen? [[c]] "
        "https://git.tessera.example/driver-app/pull/412",
        R("+25m", "ben.foster", "[[c]] Taking it :eyes:"),
    ),
    # #payments
    T(
        "payments",
        "-51 10:30",
        "jane.park",
        "[[q]] Does Stripe Connect support payouts in CHF?",
        R("+40m", "amara.okafor", "[[c]] It does, but only to Swiss bank accounts."),
    ),
    T(
        "payments",
        "-46 09:10",
        "amara.okafor",
        "[[h]] If Adyen lowered their SEPA fee we'd reconsider, but they won't.",
    ),
    T(
        "payments",
        "-45 14:00",
        "amara.okafor",
        "[[d:adyen-drop]] Decision: we'll drop Adyen; Stripe covers SEPA now and running two PSPs "
        "doubles the reconciliation work.",
        R("+20m", "jane.park", "[[c]] I'll start removing the Adyen adapter after the release."),
        R("+1h", "sofia.rossi", "[[q]] Do we tell Brightwater? They came to us partly for Adyen."),
        R("+1h10m", "amara.okafor", "[[c]] Yes, @{mei.chen} is on it."),
    ),
    T(
        "payments",
        "-43 11:00",
        "nora.lindqvist",
        "[[d:3ds-threshold]] All card payments above €30 get 3DS2, full stop. [[c]] The exemption "
        "games aren't worth the chargebacks.",
        R("+10m", "jane.park", "[[c]] ok, I'll drop the low-value exemption flag."),
    ),
    T(
        "payments",
        "-40 09:45",
        "jane.park",
        "[[q]] For payout orchestration: Temporal or keep Celery with our own retry tables?",
        R("+30m", "amara.okafor", "[[c]] Celery's retries lost state twice in the last incident."),
        R(
            "+2h",
            "amara.okafor",
            "[[d:temporal-payouts]] We'll use Temporal for payout orchestration; durable retries are "
            "the whole point and Celery can't give us that.",
        ),
        R("+2h15m", "jane.park", "[[c]] :tada:"),
    ),
    T(
        "payments",
        "-38 13:20",
        "sofia.rossi",
        "[[r]] Brightwater told Mei they decided to route all NL carriers through us.",
    ),
    T(
        "payments",
        "-37 10:00",
        "jane.park",
        "[[d:fraud-radar]] For card fraud we'll rely on Stripe Radar rules for now; the in-house "
        "model is deferred to Q4.",
        R("+30m", "amara.okafor", "[[c]] Makes sense, we don't have the labelled data yet anyway."),
    ),
    T(
        "payments",
        "-35 11:30",
        "amara.okafor",
        "[[d:idempotency-keys]] From the July API version every payout endpoint requires an "
        "`Idempotency-Key` header; ACME's duplicate payouts last week would not have happened with "
        "it.",
        R("+15m", "sofia.rossi", "[[c]] I'll add it to the changelog."),
        R("+1h", "jane.doe", "[[c]] I'll let ACME know, they asked for exactly this."),
    ),
    T(
        "payments",
        "-34 09:00",
        "amara.okafor",
        "[[n]] We haven't decided yet on the FX provider, Currencycloud and Wise both sent offers.",
    ),
    T(
        "payments",
        "-30 15:00",
        "amara.okafor",
        "[[d:fx-wise]] Going with Wise for FX conversions over Currencycloud: better GBP/EUR "
        "spreads and they settle same day.",
        R(
            "+40m",
            "olga.ivanova",
            "[[c]] Good, their spreads were 30 basis points better on our volumes.",
        ),
    ),
    T(
        "payments",
        "-28 10:15",
        "sofia.rossi",
        "[[d:sepa-instant]] We'll ship SEPA Instant only for payouts under €100k, since the scheme "
        "caps there anyway.",
        R("+30m", "jane.park", "[[q]] What happens above the cap, fall back to regular SEPA?"),
        R("+35m", "sofia.rossi", "[[c]] Yes, silently, with a note in the payout object."),
    ),
    T(
        "payments",
        "-27 16:00",
        "jane.park",
        "[[n]] I don't think we've agreed on the retry limit for failed SEPA credits.",
    ),
    T(
        "payments",
        "-23 12:40",
        "amara.okafor",
        "[[q]] Can someone check why payout 8812 is stuck in `pending`?",
        R(
            "+15m",
            "jane.park",
            "[[c]] Looking. The bank rejected the IBAN, I'll notify the carrier.",
        ),
    ),
    T(
        "payments",
        "-21 09:30",
        "sofia.rossi",
        "[[d:payout-t1]] Verified carriers move from T+3 to T+1 payouts by default from the 1st. "
        "[[c]] Fraud losses on verified carriers were basically zero last quarter.",
        R("+20m", "amara.okafor", "[[c]] :+1:"),
        R("+1h", "carlos.mendez", "[[c]] Acme will love this, it was their biggest objection."),
    ),
    T(
        "payments",
        "-19 10:05",
        "olga.ivanova",
        "[[c]] Thank you for the reconciliation job! No more CSV Mondays :tada:",
    ),
    T(
        "payments",
        "-16 14:30",
        "sofia.rossi",
        "[[d:currencies-gbp-chf]] We'll add GBP and CHF payouts next quarter and postpone PLN, "
        "since no signed customer needs PLN yet.",
        R("+1h", "carlos.mendez", "[[r]] Fjord Freight said they might need NOK, fyi."),
        R("+1h5m", "sofia.rossi", "[[n]] No decision on NOK until they sign."),
    ),
    T(
        "payments",
        "-14 11:10",
        "sofia.rossi",
        "[[p]] I'd suggest we show the expected arrival date on every payout, thoughts?",
    ),
    T(
        "payments",
        "-9 13:00",
        "amara.okafor",
        "[[d:adyen-back]] We're moving back to Adyen for SEPA payouts in the Netherlands: Stripe's "
        "payout timing broke Brightwater's next-day carrier SLA twice.",
        R(
            "+30m",
            "jane.park",
            "[[c]] The adapter is still in git history, I can restore it in a day or two.",
        ),
        R("+45m", "sofia.rossi", "[[c]] I'll update the roadmap."),
        edited="+9m",
        reactions=(("eyes", ("mei.chen",)),),
    ),
    T(
        "payments",
        "-6 06:15",
        "jane.park",
        "[[c]] Payout batch for the Netherlands went through at 06:02, all green :white_check_mark:",
    ),
    T(
        "payments",
        "-4 09:40",
        "amara.okafor",
        "[[h]] If the Adyen restore slips, we'd keep Brightwater on manual payouts for a week.",
    ),
    T(
        "payments",
        "-2 16:20",
        "sofia.rossi",
        "[[q]] Are we still on for the Adyen call on Thursday?",
        R("+10m", "amara.okafor", "[[c]] Yes, 15:00 Berlin."),
    ),
    # #sales
    T(
        "sales",
        "-55 10:00",
        "mei.chen",
        "[[c]] Intro call with Larkspur Foods went well, sending the deck.",
    ),
    T(
        "sales",
        "-53 09:00",
        "hannah.schmidt",
        "[[d:crm-split]] We keep HubSpot for SMB and Salesforce for enterprise until the Salesforce "
        "renewal; no CRM migration this year.",
        R("+20m", "dan.wright", "[[c]] Thank you, the team was dreading a migration."),
    ),
    T(
        "sales",
        "-51 14:00",
        "dan.wright",
        "[[q]] Who's covering the Halden demo on Tuesday?",
        R("+10m", "elif.kaya", "[[c]] Me, I'll bring the e-invoicing mockups."),
    ),
    T(
        "sales",
        "-44 11:30",
        "carlos.mendez",
        "[[r]] ACME's procurement said they decided to go with a 3-year term.",
    ),
    T(
        "sales",
        "-39 15:00",
        "elif.kaya",
        "[[c]] Updated the security questionnaire template in the shared drive.",
    ),
    T(
        "sales",
        "-32 10:00",
        "dan.wright",
        "[[d:enterprise-pricing]] Enterprise pricing changes to a platform fee plus 0.4% per payout; "
        "per-transaction pricing made our big deals look expensive next to Adyen.",
        R("+20m", "mei.chen", "[[q]] Does that apply to renewals too?"),
        R("+30m", "dan.wright", "[[c]] Only new deals for now."),
        R("+35m", "mei.chen", "[[n]] So nothing changes for Northbeam yet."),
    ),
    T(
        "sales",
        "-31 16:00",
        "mei.chen",
        "[[h]] If Quayside signs before the 30th we'll hit the quarter.",
    ),
    T(
        "sales",
        "-29 09:30",
        "dan.wright",
        "[[d:paid-pilots]] No more free pilots: pilots are paid and the fee is credited against "
        "year one.",
        R("+10m", "mei.chen", "[[q]] Including Larkspur? We promised them a free trial."),
        R("+20m", "dan.wright", "[[c]] Larkspur keeps what we promised, everyone new pays."),
    ),
    T(
        "sales",
        "-26 13:00",
        "nora.lindqvist",
        "[[d:soc2-nda]] Sales can share the SOC 2 Type II report only under NDA, never as an "
        "attachment in the first email.",
        R("+10m", "mei.chen", "[[c]] Noted!"),
    ),
    T(
        "sales",
        "-20 10:30",
        "dan.wright",
        "[[d:enterprise-sla]] Enterprise SLA is 99.95% uptime with service credits; we won't offer "
        "99.99% while we're single-region.",
        R("+15m", "carlos.mendez", "[[c]] Good to have it in writing."),
    ),
    T(
        "sales",
        "-18 15:20",
        "dan.wright",
        "[[n]] We haven't agreed a discount policy for renewals yet.",
    ),
    T(
        "sales",
        "-15 09:10",
        "carlos.mendez",
        "[[d:no-onprem]] We're walking away from Kestrel's RFP: they require an on-prem deployment "
        "and we won't support on-prem.",
        R("+30m", "dan.wright", "[[c]] Agreed, painful but right."),
    ),
    T(
        "sales",
        "-11 14:40",
        "elif.kaya",
        "[[p:reseller-program]] Proposal: a reseller program with freight forwarders, 20% margin "
        "for them.",
        R(
            "+1d",
            "hannah.schmidt",
            "[[d:reseller-program]] We're not doing a reseller program this year; partner margins "
            "would eat the enterprise pricing we just fixed.",
        ),
    ),
    T(
        "sales",
        "-10 11:00",
        "carlos.mendez",
        "[[q]] Has anyone talked to Fjord Freight since the pricing change?",
    ),
    T("sales", "-3 17:00", "mei.chen", "[[c]] Northbeam's kickoff is booked for next Wednesday."),
    # #deal-desk (private, the bot is a member)
    T(
        "deal-desk",
        "-23 09:20",
        "carlos.mendez",
        "[[q]] @{olga.ivanova} Acme Corporation is asking for 25% off on a 3-year term. [[q]] Can "
        "we do it?",
        R(
            "+2h",
            "olga.ivanova",
            "[[d:acme-discount]] Approved at 18% for the 3-year term, no further concessions. [[c]] "
            "Anything beyond that needs Hannah.",
        ),
        R("+2h10m", "carlos.mendez", "[[c]] Thanks, sending the revised order form."),
    ),
    # #incidents
    T(
        "incidents",
        "-47 14:05",
        "lukas.meyer",
        "[[c]] :rotating_light: Elevated 5xx on the payouts API, investigating.",
        R(
            "+25m",
            "lukas.meyer",
            "[[c]] Mitigated, it was a bad config push. Postmortem to follow.",
        ),
    ),
    T(
        "incidents",
        "-44 10:00",
        "tom.becker",
        "[[d:oncall-weekly]] From next Monday on-call rotates weekly across the platform and "
        "payments teams, one primary and one secondary. [[c]] Follow-the-sun doesn't work with "
        "everyone in Europe.",
    ),
    T(
        "incidents",
        "-15 13:10",
        "lukas.meyer",
        "[[c]] :rotating_light: Payouts are failing for all SEPA batches, @{tom.becker} is incident "
        "commander.",
        R("+20m", "tom.becker", "[[c]] Root cause: a deploy changed the batch cutoff time."),
        R("+1h10m", "tom.becker", "[[c]] Resolved at 14:20, 312 payouts delayed."),
    ),
    T(
        "incidents",
        "-14 09:00",
        "tom.becker",
        "[[d:friday-freeze]] After yesterday's payout outage: no deploys to the payouts service on "
        "Fridays, effective now.",
        R("+5m", "lukas.meyer", "[[c]] :+1:"),
        R("+20m", "ben.foster", "[[q]] Hotfixes too?"),
        R("+25m", "tom.becker", "[[c]] Hotfixes need a second approver from payments."),
    ),
    T(
        "incidents",
        "-13 10:30",
        "priya.nair",
        "[[p:statuspage]] Can we use Statuspage for customer comms instead of the manual email "
        "list? [[c]] I sent 40 emails by hand yesterday.",
        R(
            "+2h",
            "tom.becker",
            "[[d:statuspage]] Yes, we'll use Atlassian Statuspage for customer-facing incident comms "
            "and retire the manual email list.",
        ),
    ),
    T(
        "incidents",
        "-13 15:00",
        "jane.park",
        "[[d:ledger-sync-replica]] The ledger database moves to synchronous replication to the "
        "standby, we can't lose committed postings again.",
        R("+30m", "lukas.meyer", "[[c]] That adds about 2ms per commit, acceptable."),
    ),
    T(
        "incidents",
        "-9 08:45",
        "sam.okoro",
        "[[q]] Customers are asking about delayed payouts, is there a status update I can share?",
    ),
    T(
        "incidents",
        "-7 11:00",
        "raj.patel",
        "[[d:rollback-first]] New rule: any Sev1 that starts within an hour of a deploy gets an "
        "immediate rollback, we debug afterwards.",
    ),
    # #customer-success
    T(
        "customer-success",
        "-50 15:00",
        "priya.nair",
        "[[c]] QBR with Acme Corp went fine, they want the reconciliation export in CSV.",
    ),
    T(
        "customer-success",
        "-36 10:20",
        "priya.nair",
        "[[r]] Larkspur said they decided to postpone their rollout to September.",
    ),
    T(
        "customer-success",
        "-21 13:30",
        "sam.okoro",
        "[[q]] Does anyone know if Meridian Parcel is still on the old webhook format?",
    ),
    T(
        "customer-success",
        "-12 10:00",
        "priya.nair",
        "[[c]] Northbeam signed! :tada: [[q]] Are we giving them premium support?",
        R(
            "+1h",
            "dan.wright",
            "[[d:northbeam-premium]] Yes: Northbeam gets premium support free for year one since "
            "they're our design partner for payouts.",
        ),
    ),
    T(
        "customer-success",
        "-8 16:10",
        "priya.nair",
        "[[h]] If Brightwater's payouts slip again they will escalate to their CFO.",
    ),
    # #general
    T(
        "general",
        "-58 09:00",
        "hannah.schmidt",
        "[[c]] Welcome @{elif.kaya}, our new sales engineer! :wave:",
    ),
    T(
        "general",
        "-50 12:00",
        "sam.okoro",
        "[[q]] Does anyone know the wifi password for the 3rd floor?",
    ),
    T(
        "general",
        "-40 08:30",
        "hannah.schmidt",
        "[[d:office-days]] We're keeping Tuesday and Thursday as office days in Berlin; the survey "
        "was split and that's what most teams already do.",
        R("+10m", "sam.okoro", "[[c]] :+1:"),
    ),
    T(
        "general",
        "-39 14:00",
        "nora.lindqvist",
        "[[d:okta-sso]] Starting 1 July every internal tool requires Okta SSO and Google login gets "
        "switched off. [[c]] Ping me if a tool can't do SAML.",
        R("+20m", "sam.okoro", "[[q]] Does that include the support inbox?"),
        R("+25m", "nora.lindqvist", "[[c]] Yes, Zendesk supports SAML."),
    ),
    T(
        "general",
        "-35 16:00",
        "hannah.schmidt",
        "[[c]] All-hands moved to Thursday 16:00, agenda in the doc.",
    ),
    T(
        "general",
        "-28 11:00",
        "priya.nair",
        "[[r]] Brightwater's CFO told me they decided to consolidate all carrier payments with us "
        "next year.",
    ),
    T(
        "general",
        "-22 17:00",
        "raj.patel",
        "[[h]] If we hit the Q3 numbers we'll open the Lisbon office.",
    ),
    T("general", "-10 18:00", "hannah.schmidt", "[[c]] Thanks everyone for a great quarter :tada:"),
    T(
        "general",
        "-6 10:00",
        "olga.ivanova",
        "[[c]] Expense reports for the offsite are due Friday.",
    ),
    # #random
    T("random", "-57 13:00", "yuki.tanaka", "[[c]] Who took the last oat milk? :sob:"),
    T(
        "random",
        "-49 12:30",
        "ben.foster",
        "[[c]] https://xkcd.com/927/ relevant to our API versioning chat",
    ),
    T(
        "random",
        "-41 17:30",
        "lukas.meyer",
        "[[q]] Anyone up for bouldering tonight?",
        R("+15m", "jane.park", "[[c]] I'm in!"),
    ),
    T("random", "-33 09:10", "sam.okoro", "[[c]] The coffee machine is fixed :coffee:"),
    T(
        "random",
        "-20 19:00",
        "jane.park",
        "[[h]] If it rains again tomorrow I'm working from home.",
    ),
    T("random", "-12 09:30", "mei.chen", "[[c]] Happy birthday @{tom.becker}! :birthday:"),
    # #design-crit (public, the bot is not a member)
    T("design-crit", "-30 11:00", "yuki.tanaka", "[[c]] New payout status mockups are up."),
    T(
        "design-crit",
        "-29 10:00",
        "sofia.rossi",
        "[[d:payout-eta-ui]] We'll show the expected arrival date on every payout in the "
        "dashboard.",
    ),
    # #leadership (private, the bot is not a member)
    T(
        "leadership",
        "-19 08:00",
        "hannah.schmidt",
        "[[d:hiring-hold]] We hold the two backend reqs until the Series B closes.",
    ),
    T("leadership", "-18 09:00", "raj.patel", "[[c]] Board deck draft is in the folder."),
    # How people name kinds of things in passing ("X such as Y", "Y and other X"): the ontology
    # learns a concept from two documents that say so, never from one.
    T(
        "eng-platform",
        "-47 15:05",
        "lukas.meyer",
        "[[c]] For the analytics feed I benchmarked message brokers such as Kafka, RabbitMQ and "
        "NATS on our staging cluster; numbers are in the wiki.",
    ),
    T(
        "eng-platform",
        "-31 10:40",
        "ben.foster",
        "[[c]] NATS and other message brokers still need a schema registry story before the "
        "analytics feed grows.",
    ),
    T(
        "payments",
        "-41 13:20",
        "amara.okafor",
        "[[c]] Payment providers such as Stripe and Adyen now settle SEPA transfers in one day.",
    ),
    T(
        "payments",
        "-22 16:10",
        "mei.chen",
        "[[q]] For the Dutch market, should we also talk to Mollie or other payment providers?",
    ),
    T(
        "incidents",
        "-36 09:15",
        "yuki.tanaka",
        "[[c]] Observability tools like Datadog, Grafana and Sentry all ship a Terraform "
        "provider, so alerts can live in the repo.",
    ),
    T(
        "incidents",
        "-16 14:45",
        "lukas.meyer",
        "[[c]] Honeycomb is an observability tool we never tried; their tracing demo looked good.",
    ),
)

# --- Jira -------------------------------------------------------------------------------------


def F(at: str, by: str, status: str, resolution: str | None = None) -> FlowSpec:
    return FlowSpec(at, by, status, resolution)


def C(at: str, by: str, src: str) -> CommentSpec:
    return CommentSpec(at, by, src)


ISSUES = (
    IssueSpec(
        "PLAT",
        "Task",
        "Ledger service: choose primary datastore",
        "-56 10:00",
        "ben.foster",
        "ben.foster",
        "[[q]] Which datastore does the ledger service use? [[c]] Candidates:\n"
        "- [[c]] PostgreSQL 13 (what billing runs on)\n"
        "- [[c]] MongoDB (Marco's prototype)",
        labels=("ledger", "architecture"),
        components=("ledger",),
        flow=(
            F("-55 09:00", "ben.foster", "In Progress"),
            F("-50 17:00", "ben.foster", "Done", "Done"),
        ),
        comments=(
            C(
                "-56 11:30",
                "raj.patel",
                "[[d:ledger-db]] Decision: Postgres for the ledger service. [[c]] MongoDB was "
                "the other option, but double-entry postings need multi-row transactions.",
            ),
        ),
    ),
    IssueSpec(
        "PLAT",
        "Story",
        "Public API versioning scheme",
        "-47 09:00",
        "sofia.rossi",
        "ben.foster",
        "[[q]] How do we version the public API before the payouts v2 launch? [[c]] Options:\n"
        "- [[c]] URL paths (`/v2/payouts`)\n"
        "- [[c]] A date-based header (`Tessera-Version: 2025-07-01`)",
        labels=("api", "architecture"),
        components=("api-gateway",),
        flow=(
            F("-45 10:00", "ben.foster", "In Progress"),
            F("-40 16:00", "ben.foster", "In Review"),
            F("-38 11:00", "ben.foster", "Done", "Done"),
        ),
        comments=(
            C(
                "-46 09:40",
                "raj.patel",
                "[[d:api-versioning]] Let's do date-based versions in a Tessera-Version header "
                "instead of /v2 paths, so customers can pin a version and upgrade when they want.",
            ),
            C("-46 10:05", "sofia.rossi", "[[c]] Great, I'll update the API docs."),
        ),
    ),
    IssueSpec(
        "PLAT",
        "Story",
        "Rate limits for the public API",
        "-30 14:00",
        "tom.becker",
        "ben.foster",
        "[[q]] What limits do we publish for the public API? [[c]] Current traffic: Brightwater "
        "peaks at about 80 requests per second during batch runs.",
        labels=("api",),
        components=("api-gateway",),
        flow=(F("-28 09:00", "ben.foster", "In Progress"),),
        comments=(
            C(
                "-28 10:00",
                "tom.becker",
                "[[d:api-rate-limits]] We'll set the public API limit to 100 requests per second "
                "per key with bursts up to 200; Brightwater's batch jobs peak around 80.",
            ),
            C(
                "-28 10:30",
                "ben.foster",
                "[[q]] Do we return `Retry-After` on 429s? [[c]] I'd like clients to back off "
                "properly.",
            ),
        ),
    ),
    IssueSpec(
        "PLAT",
        "Epic",
        "Migrate event bus from Redis Streams to Kafka (MSK)",
        "-18 11:00",
        "raj.patel",
        "lukas.meyer",
        "[[d:event-bus-kafka]] We are moving the event bus to Kafka because the ledger rebuild "
        "needs replay of the full event history. [[c]] Scope:\n"
        "- [[c]] Provision MSK in eu-central-1\n"
        "- [[c]] Dual-publish from the outbox for two weeks\n"
        "- [[c]] Cut consumers over one by one",
        labels=("event-bus", "migration"),
        components=("event-bus",),
        flow=(F("-16 09:00", "lukas.meyer", "In Progress"),),
        comments=(
            C(
                "-12 15:00",
                "lukas.meyer",
                "[[c]] MSK is up in staging, dual-publish starts Monday. [[q]] @{ben.foster} can you review the consumer changes?",
            ),
        ),
    ),
    IssueSpec(
        "PLAT",
        "Task",
        "Upgrade ledger Postgres 13 -> 16",
        "-31 10:00",
        "jane.park",
        "jane.park",
        "[[q]] In-place `pg_upgrade` or logical replication cutover? [[c]] In-place means roughly "
        "40 minutes of downtime on the ledger.",
        labels=("ledger", "database"),
        components=("ledger",),
        flow=(F("-28 09:00", "jane.park", "In Progress"),),
        comments=(
            C(
                "-30 11:00",
                "jane.park",
                "[[h]] If we could accept 40 minutes of downtime I'd do pg_upgrade, it's simpler. [[c]] @{raj.patel} your call.",
            ),
            C(
                "-29 14:00",
                "raj.patel",
                "[[d:pg16-upgrade]] Go with the logical replication cutover to Postgres 16; 40 "
                "minutes of ledger downtime is not acceptable for payouts.",
            ),
        ),
    ),
    IssueSpec(
        "PLAT",
        "Task",
        "Migrate service secrets to AWS Secrets Manager",
        "-41 12:00",
        "nora.lindqvist",
        "lukas.meyer",
        "[[d:secrets-manager]] Service secrets move to AWS Secrets Manager instead of Vault. [[c]] "
        "Steps:\n"
        "1. [[c]] Inventory secrets in the Helm values\n"
        "2. [[c]] Move them per service\n"
        "3. [[c]] Turn on rotation for the database credentials",
        labels=("security",),
        components=("infra",),
        flow=(
            F("-39 09:00", "lukas.meyer", "In Progress"),
            F("-26 16:00", "lukas.meyer", "Done", "Done"),
        ),
    ),
    IssueSpec(
        "PLAT",
        "Epic",
        "Driver app v1 (React Native)",
        "-52 13:00",
        "tom.becker",
        "yuki.tanaka",
        "[[d:driver-app-rn]] The driver app is built in React Native rather than Flutter because "
        "the team already writes React and TypeScript. [[c]] First release covers "
        "proof-of-delivery photos and payout status.",
        labels=("mobile",),
        components=("driver-app",),
        flow=(F("-50 09:00", "yuki.tanaka", "In Progress"),),
    ),
    IssueSpec(
        "PLAT",
        "Task",
        "Move metrics back to Grafana Cloud",
        "-8 10:00",
        "lukas.meyer",
        "lukas.meyer",
        "[[c]] Re-point Prometheus remote write to Grafana Cloud and rebuild the payout "
        "dashboards.",
        labels=("observability", "cost"),
        components=("infra",),
        flow=(F("-7 09:00", "lukas.meyer", "In Progress"),),
        comments=(
            C(
                "-8 10:20",
                "lukas.meyer",
                "[[d:observability-grafana]] Decision: metrics go back to Grafana Cloud "
                "because the Datadog custom metrics bill tripled.",
            ),
        ),
    ),
    IssueSpec(
        "PLAT",
        "Task",
        "Post-incident: SEPA payout outage",
        "-15 16:00",
        "tom.becker",
        "tom.becker",
        "## [[c]] Summary\n"
        "[[c]] A deploy changed the batch cutoff time and every SEPA batch failed for 70 minutes.\n"
        "## [[c]] Follow-ups\n"
        "- [[c]] Add a contract test for the cutoff config\n"
        "- [[c]] Alert on zero successful payouts for 10 minutes",
        labels=("postmortem", "incident"),
        components=("infra",),
        flow=(
            F("-14 09:00", "tom.becker", "In Progress"),
            F("-10 17:00", "tom.becker", "Done", "Done"),
        ),
        comments=(
            C(
                "-14 09:10",
                "tom.becker",
                "[[d:friday-freeze]] Action decided: no deploys to the payouts service on Fridays.",
            ),
        ),
        priority="High",
    ),
    IssueSpec(
        "PAY",
        "Story",
        "Payout orchestration on Temporal",
        "-40 13:00",
        "amara.okafor",
        "jane.park",
        "[[c]] Move the payout state machine out of Celery tasks into Temporal workflows.",
        labels=("payouts", "architecture"),
        components=("payouts",),
        flow=(F("-38 09:00", "jane.park", "In Progress"),),
        comments=(
            C(
                "-40 13:30",
                "amara.okafor",
                "[[d:temporal-payouts]] Decided: Temporal over Celery for payout workflows "
                "because we need durable retries.",
            ),
        ),
    ),
    IssueSpec(
        "PAY",
        "Story",
        "Require Idempotency-Key on payout endpoints",
        "-36 15:00",
        "amara.okafor",
        "ben.foster",
        "[[c]] Reported by acme, inc. after the duplicate payouts on their EU account. [[q]] "
        "Should the key be optional for one more version?",
        labels=("payouts", "api", "customer:acme"),
        components=("payouts",),
        flow=(
            F("-34 09:00", "ben.foster", "In Progress"),
            F("-30 15:00", "ben.foster", "Done", "Done"),
        ),
        comments=(
            C(
                "-35 12:00",
                "amara.okafor",
                "[[d:idempotency-keys]] Decision: Idempotency-Key becomes mandatory on every payout "
                "endpoint from the July API version.",
            ),
            C(
                "-35 12:30",
                "ben.foster",
                "[[c]] Implementation plan:\n"
                '```python\nkey = request.headers["Idempotency-Key"]\n'
                "if store.seen(key):\n    return store.response(key)\n```",
            ),
        ),
    ),
    IssueSpec(
        "PAY",
        "Task",
        "Restore Adyen adapter for NL SEPA payouts",
        "-9 14:00",
        "amara.okafor",
        "jane.park",
        "[[c]] Bring the Adyen adapter back from git history and route NL SEPA payouts through it.",
        labels=("payouts", "psp"),
        components=("sepa",),
        flow=(F("-8 09:00", "jane.park", "In Progress"), F("-3 11:00", "jane.park", "In Review")),
        comments=(
            C(
                "-9 14:30",
                "jane.park",
                "[[d:adyen-back]] Per the payments decision, NL SEPA payouts go back through "
                "Adyen; Stripe stays for everything else.",
            ),
        ),
        priority="High",
    ),
    IssueSpec(
        "PAY",
        "Story",
        "T+1 default payout schedule for verified carriers",
        "-22 10:00",
        "sofia.rossi",
        "jane.park",
        "[[c]] Verified carriers currently wait T+3 for every payout.",
        labels=("payouts",),
        components=("payouts",),
        flow=(
            F("-20 09:00", "jane.park", "In Progress"),
            F("-12 16:00", "jane.park", "Done", "Done"),
        ),
        comments=(
            C(
                "-21 10:00",
                "sofia.rossi",
                "[[d:payout-t1]] Decision: verified carriers get T+1 payouts by default "
                "instead of T+3.",
            ),
        ),
    ),
    IssueSpec(
        "PAY",
        "Story",
        "E-invoicing for German customers",
        "-27 09:00",
        "sofia.rossi",
        "ben.foster",
        "[[c]] Germany's B2B e-invoicing mandate applies to our customers from January. [[q]] "
        "XRechnung or ZUGFeRD?",
        labels=("invoicing", "compliance"),
        components=("invoicing",),
        flow=(F("-25 09:00", "ben.foster", "In Progress"),),
        comments=(
            C(
                "-26 11:00",
                "sofia.rossi",
                "[[d:einvoice-zugferd]] We'll generate invoices as PDF/A-3 with embedded ZUGFeRD "
                "XML, which covers the German mandate and still gives customers a readable PDF. "
                "[[c]] XRechnung-only was the alternative.",
            ),
            C("-26 11:30", "amara.okafor", "[[c]] Sounds right."),
        ),
    ),
    IssueSpec(
        "PAY",
        "Spike",
        "Evaluate becoming a PayFac for card acquiring",
        "-33 10:00",
        "amara.okafor",
        "amara.okafor",
        "[[p]] Proposal: become a payment facilitator so we keep more of the card margin. [[h]] If "
        "we did our own acquiring we could earn roughly 40 basis points more per card payment.",
        labels=("strategy",),
        components=("card-acquiring",),
        flow=(
            F("-30 09:00", "amara.okafor", "In Progress"),
            F("-24 15:10", "raj.patel", "Done", "Won't Do"),
        ),
        comments=(
            C(
                "-24 15:00",
                "raj.patel",
                "[[d:no-payfac]] We won't become a PayFac: PCI Level 1 and the licensing cost "
                "aren't worth it at our volume, we stay on Stripe Connect.",
            ),
        ),
    ),
    IssueSpec(
        "PAY",
        "Story",
        "Automated bank reconciliation",
        "-25 09:00",
        "amara.okafor",
        "jane.park",
        "[[c]] Finance reconciles payouts against bank statements by uploading CSVs every Monday.",
        labels=("reconciliation", "finance"),
        components=("payouts",),
        flow=(
            F("-24 09:00", "jane.park", "In Progress"),
            F("-19 12:00", "jane.park", "Done", "Done"),
        ),
        comments=(
            C(
                "-24 10:00",
                "amara.okafor",
                "[[d:recon-camt053]] Reconciliation runs daily at 02:00 UTC against camt.053 "
                "bank statements, replacing the CSV uploads finance does by hand.",
            ),
        ),
    ),
    IssueSpec(
        "PAY",
        "Bug",
        "Duplicate payout when the client retries on timeout",
        "-37 08:30",
        "sam.okoro",
        "ben.foster",
        "[[c]] Steps to reproduce:\n"
        "1. [[c]] Create a payout with a 1s client timeout\n"
        "2. [[c]] Retry on timeout\n"
        "[[c]] Expected one payout, got two.",
        labels=("payouts", "customer:acme"),
        components=("payouts",),
        flow=(
            F("-37 10:00", "ben.foster", "In Progress"),
            F("-36 16:00", "ben.foster", "Done", "Duplicate"),
        ),
        comments=(
            C(
                "-36 15:50",
                "ben.foster",
                "[[c]] Closing as duplicate of the Idempotency-Key story, thanks @{sam.okoro}.",
            ),
        ),
        priority="Highest",
    ),
)

# --- CRM --------------------------------------------------------------------------------------

COMPANIES = (
    CompanySpec(
        "hubspot",
        "Acme Corporation",
        "Acme Corp",
        "acme.example",
        "LOGISTICS_AND_SUPPLY_CHAIN",
        "Chicago",
        "United States",
        "jane.doe",
        "-60 09:00",
    ),
    CompanySpec(
        "hubspot",
        "Brightwater Freight",
        "Brightwater Freight GmbH",
        "brightwater-freight.example",
        "TRANSPORTATION_TRUCKING_RAILROAD",
        "Hamburg",
        "Germany",
        "mei.chen",
        "-60 09:10",
    ),
    CompanySpec(
        "hubspot",
        "Northbeam Logistics",
        "Northbeam Logistics",
        "northbeam.example",
        "LOGISTICS_AND_SUPPLY_CHAIN",
        "Rotterdam",
        "Netherlands",
        "dan.wright",
        "-58 10:00",
    ),
    CompanySpec(
        "hubspot",
        "Larkspur Foods",
        "Larkspur Foods",
        "larkspur-foods.example",
        "FOOD_PRODUCTION",
        "Lyon",
        "France",
        "mei.chen",
        "-56 11:00",
    ),
    CompanySpec(
        "hubspot",
        "Quayside Imports",
        "Quayside Imports",
        "quayside.example",
        "IMPORT_AND_EXPORT",
        "Antwerp",
        "Belgium",
        "mei.chen",
        "-50 14:00",
    ),
    CompanySpec(
        "hubspot",
        "Halden & Co.",
        "Halden & Co.",
        "halden.example",
        "WHOLESALE",
        "Oslo",
        "Norway",
        "elif.kaya",
        "-52 09:30",
    ),
    CompanySpec(
        "hubspot",
        "Meridian Parcel",
        "Meridian Parcel",
        "meridian-parcel.example",
        "PACKAGE_FREIGHT_DELIVERY",
        "Dublin",
        "Ireland",
        "priya.nair",
        "-60 09:20",
    ),
    CompanySpec(
        "hubspot",
        "Pioneer Cold Chain",
        "Pioneer Cold Chain",
        "pioneer-cold.example",
        "WAREHOUSING",
        "Madrid",
        "Spain",
        "mei.chen",
        "-48 10:00",
    ),
    CompanySpec(
        "hubspot",
        "Oakline Carriers",
        "Oakline Carriers",
        "oakline.example",
        "TRANSPORTATION_TRUCKING_RAILROAD",
        "Leeds",
        "United Kingdom",
        "elif.kaya",
        "-45 15:00",
    ),
    CompanySpec(
        "hubspot",
        "Juniper Marketplaces",
        "Juniper Marketplaces",
        "juniper.example",
        "INTERNET",
        "Berlin",
        "Germany",
        "jane.doe",
        "-40 10:00",
    ),
    CompanySpec(
        "salesforce",
        "Acme Corporation",
        "Acme Corporation",
        "acme.example",
        "Transportation",
        "Chicago",
        "United States",
        "carlos.mendez",
        "-60 08:00",
    ),
    CompanySpec(
        "salesforce",
        "Kestrel Retail Group",
        "Kestrel Retail Group plc",
        "kestrel-retail.example",
        "Retail",
        "Manchester",
        "United Kingdom",
        "carlos.mendez",
        "-59 10:00",
    ),
    CompanySpec(
        "salesforce",
        "Brightwater Freight",
        "Brightwater Freight",
        "brightwater-freight.example",
        "Transportation",
        "Hamburg",
        "Germany",
        "dan.wright",
        "-57 09:00",
    ),
    CompanySpec(
        "salesforce",
        "Fjord Freight",
        "Fjord Freight AS",
        "fjord-freight.example",
        "Shipping",
        "Bergen",
        "Norway",
        "carlos.mendez",
        "-49 11:00",
    ),
    CompanySpec(
        "salesforce",
        "Sable Pharma Logistics",
        "Sable Pharma Logistics",
        "sable-pharma.example",
        "Healthcare",
        "Basel",
        "Switzerland",
        "dan.wright",
        "-58 12:00",
    ),
    CompanySpec(
        "salesforce",
        "Tidewater Shipping",
        "Tidewater Shipping Ltd",
        "tidewater.example",
        "Shipping",
        "Southampton",
        "United Kingdom",
        "dan.wright",
        "-55 09:00",
    ),
    CompanySpec(
        "salesforce",
        "Atlas Grocers",
        "Atlas Grocers",
        "atlas-grocers.example",
        "Retail",
        "Stockholm",
        "Sweden",
        "carlos.mendez",
        "-42 10:00",
    ),
)

CONTACTS = (
    ContactSpec(
        "hubspot", "Acme Corporation", "Laura", "Kim", "Head of Platform", "jane.doe", "-60 09:05"
    ),
    ContactSpec(
        "hubspot",
        "Brightwater Freight",
        "Femke",
        "de Vries",
        "Finance Lead",
        "mei.chen",
        "-60 09:15",
    ),
    ContactSpec(
        "hubspot", "Brightwater Freight", "Jonas", "Albers", "CTO", "mei.chen", "-59 10:00"
    ),
    ContactSpec(
        "hubspot", "Northbeam Logistics", "Pieter", "Bakker", "COO", "dan.wright", "-58 10:10"
    ),
    ContactSpec("hubspot", "Larkspur Foods", "Camille", "Durand", "CFO", "mei.chen", "-56 11:05"),
    ContactSpec(
        "hubspot",
        "Quayside Imports",
        "Ruben",
        "Claes",
        "Operations Manager",
        "mei.chen",
        "-50 14:05",
    ),
    ContactSpec(
        "hubspot", "Halden & Co.", "Ingrid", "Solberg", "Head of Finance", "elif.kaya", "-52 09:35"
    ),
    ContactSpec(
        "hubspot",
        "Meridian Parcel",
        "Aoife",
        "Byrne",
        "Engineering Manager",
        "priya.nair",
        "-60 09:25",
    ),
    ContactSpec(
        "hubspot", "Pioneer Cold Chain", "Javier", "Ortega", "CFO", "mei.chen", "-48 10:05"
    ),
    ContactSpec(
        "hubspot",
        "Oakline Carriers",
        "Harriet",
        "Cole",
        "Finance Director",
        "elif.kaya",
        "-45 15:05",
    ),
    ContactSpec(
        "hubspot",
        "Juniper Marketplaces",
        "Felix",
        "Wagner",
        "VP Engineering",
        "jane.doe",
        "-40 10:05",
    ),
    ContactSpec(
        "salesforce",
        "Acme Corporation",
        "Laura",
        "Kim",
        "Head of Platform",
        "carlos.mendez",
        "-60 08:05",
    ),
    ContactSpec(
        "salesforce",
        "Acme Corporation",
        "Greg",
        "Holloway",
        "Procurement Lead",
        "carlos.mendez",
        "-55 09:00",
    ),
    ContactSpec(
        "salesforce",
        "Kestrel Retail Group",
        "Sophie",
        "Turner",
        "Head of Logistics",
        "carlos.mendez",
        "-59 10:05",
    ),
    ContactSpec(
        "salesforce", "Brightwater Freight", "Jonas", "Albers", "CTO", "dan.wright", "-57 09:05"
    ),
    ContactSpec(
        "salesforce", "Fjord Freight", "Erik", "Haugen", "CFO", "carlos.mendez", "-49 11:05"
    ),
    ContactSpec(
        "salesforce",
        "Sable Pharma Logistics",
        "Nadia",
        "Keller",
        "Procurement",
        "dan.wright",
        "-58 12:05",
    ),
    ContactSpec(
        "salesforce",
        "Tidewater Shipping",
        "Oliver",
        "Grant",
        "Finance Director",
        "dan.wright",
        "-55 09:05",
    ),
    ContactSpec(
        "salesforce",
        "Atlas Grocers",
        "Maja",
        "Lindgren",
        "Supply Chain Director",
        "carlos.mendez",
        "-42 10:05",
    ),
)

_HS_OPEN = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
)

DEALS = (
    DealSpec(
        "hubspot",
        "hs-acme-payouts",
        "Acme Corporation",
        "Acme Corp – Payouts API",
        "mei.chen",
        48000,
        "-58 10:00",
        (
            ("-58 10:00", "appointmentscheduled", "mei.chen"),
            ("-54 11:00", "qualifiedtobuy", "mei.chen"),
            ("-49 15:00", "contractsent", "mei.chen"),
            ("-41 16:00", "closedwon", "mei.chen"),
        ),
        "-41",
        "[[c]] Payouts API for Acme's EU carrier network, 400 carriers at launch.",
        reason="Idempotent payouts and SEPA coverage",
    ),
    DealSpec(
        "hubspot",
        "hs-brightwater-nl",
        "Brightwater Freight",
        "Brightwater Freight – NL carrier payouts",
        "mei.chen",
        72000,
        "-57 09:00",
        (
            ("-57 09:00", "appointmentscheduled", "mei.chen"),
            ("-52 10:00", "presentationscheduled", "mei.chen"),
            ("-47 12:00", "decisionmakerboughtin", "mei.chen"),
            ("-42 17:00", "closedwon", "mei.chen"),
        ),
        "-42",
        "[[c]] Next-day payouts to Dutch carriers; they chose us partly for the Adyen integration.",
        reason="Next-day carrier SLA",
    ),
    DealSpec(
        "hubspot",
        "hs-northbeam",
        "Northbeam Logistics",
        "Northbeam Logistics – Design partner",
        "dan.wright",
        36000,
        "-50 10:00",
        (
            ("-50 10:00", "qualifiedtobuy", "dan.wright"),
            ("-30 10:00", "contractsent", "dan.wright"),
            ("-12 09:30", "closedwon", "dan.wright"),
        ),
        "-12",
        "[[c]] Design partner for the payouts roadmap.",
        reason="Design partner; payouts roadmap fit",
    ),
    DealSpec(
        "hubspot",
        "hs-larkspur",
        "Larkspur Foods",
        "Larkspur Foods – Pilot",
        "mei.chen",
        12000,
        "-55 10:30",
        (
            ("-55 10:30", "appointmentscheduled", "mei.chen"),
            ("-44 14:00", "presentationscheduled", "mei.chen"),
        ),
        "+30",
        "[[c]] Free pilot agreed before the pilot policy changed.",
    ),
    DealSpec(
        "hubspot",
        "hs-quayside",
        "Quayside Imports",
        "Quayside Imports – Paid pilot",
        "mei.chen",
        5000,
        "-49 15:00",
        (
            ("-49 15:00", "appointmentscheduled", "mei.chen"),
            ("-35 10:00", "qualifiedtobuy", "mei.chen"),
            ("-27 11:00", "contractsent", "mei.chen"),
        ),
        "+10",
        "[[c]] Paid pilot, fee credited against year one.",
    ),
    DealSpec(
        "hubspot",
        "hs-halden",
        "Halden & Co.",
        "Halden & Co. – Payables automation",
        "elif.kaya",
        24000,
        "-51 09:00",
        (
            ("-51 09:00", "appointmentscheduled", "elif.kaya"),
            ("-46 13:00", "presentationscheduled", "elif.kaya"),
            ("-25 16:00", "decisionmakerboughtin", "elif.kaya"),
        ),
        "+20",
        "[[c]] Payables automation with Norwegian invoices.",
    ),
    DealSpec(
        "hubspot",
        "hs-meridian-webhooks",
        "Meridian Parcel",
        "Meridian Parcel – Webhooks upgrade",
        "priya.nair",
        8000,
        "-45 10:00",
        (("-45 10:00", "qualifiedtobuy", "priya.nair"), ("-30 12:00", "closedwon", "priya.nair")),
        "-30",
        "[[c]] Expansion: signed webhooks and retries.",
        deal_type="existingbusiness",
        reason="Needed signed webhooks",
    ),
    DealSpec(
        "hubspot",
        "hs-pioneer",
        "Pioneer Cold Chain",
        "Pioneer Cold Chain – Payouts",
        "mei.chen",
        30000,
        "-47 10:00",
        (
            ("-47 10:00", "appointmentscheduled", "mei.chen"),
            ("-40 11:00", "presentationscheduled", "mei.chen"),
            ("-22 15:00", "closedlost", "mei.chen"),
        ),
        "-22",
        "[[c]] Payouts for refrigerated carriers in Spain.",
        reason="Chose GoCardless; lower price for direct debit",
    ),
    DealSpec(
        "hubspot",
        "hs-oakline",
        "Oakline Carriers",
        "Oakline Carriers – Invoicing",
        "elif.kaya",
        18000,
        "-44 09:00",
        (
            ("-44 09:00", "appointmentscheduled", "elif.kaya"),
            ("-17 10:00", "closedlost", "elif.kaya"),
        ),
        "-17",
        "[[c]] Invoicing suite for a UK haulier.",
        reason="No budget this year",
    ),
    DealSpec(
        "hubspot",
        "hs-juniper",
        "Juniper Marketplaces",
        "Juniper Marketplaces – Marketplace payouts",
        "jane.doe",
        60000,
        "-39 10:00",
        (
            ("-39 10:00", "appointmentscheduled", "jane.doe"),
            ("-20 14:00", "qualifiedtobuy", "jane.doe"),
        ),
        "+45",
        "[[c]] Split payouts to marketplace sellers.",
    ),
    DealSpec(
        "hubspot",
        "hs-brightwater-instant",
        "Brightwater Freight",
        "Brightwater Freight – SEPA Instant add-on",
        "mei.chen",
        15000,
        "-5 10:00",
        (("-5 10:00", "appointmentscheduled", "mei.chen"),),
        "+40",
        "[[c]] SEPA Instant for urgent carrier payouts.",
        deal_type="existingbusiness",
    ),
    DealSpec(
        "hubspot",
        "hs-acme-recon",
        "Acme Corporation",
        "Acme Corp – Reconciliation export",
        "jane.doe",
        9000,
        "-48 10:00",
        (("-48 10:00", "qualifiedtobuy", "jane.doe"), ("-20 16:00", "closedwon", "jane.doe")),
        "-20",
        "[[c]] CSV reconciliation export requested at the QBR.",
        deal_type="existingbusiness",
        reason="Requested at QBR",
    ),
    DealSpec(
        "hubspot",
        "hs-halden-einvoice",
        "Halden & Co.",
        "Halden & Co. – E-invoicing",
        "elif.kaya",
        11000,
        "-24 10:00",
        (
            ("-24 10:00", "appointmentscheduled", "elif.kaya"),
            ("-14 11:00", "presentationscheduled", "elif.kaya"),
        ),
        "+35",
        "[[q]] Do they need ZUGFeRD or only EHF?",
    ),
    DealSpec(
        "hubspot",
        "hs-meridian-renewal",
        "Meridian Parcel",
        "Meridian Parcel – Renewal",
        "priya.nair",
        40000,
        "-20 09:00",
        (("-20 09:00", "qualifiedtobuy", "priya.nair"), ("-6 15:00", "contractsent", "priya.nair")),
        "+25",
        "[[c]] Annual renewal.",
        deal_type="existingbusiness",
    ),
    DealSpec(
        "salesforce",
        "sf-acme-enterprise",
        "Acme Corporation",
        "Acme Corporation – Enterprise Payouts",
        "carlos.mendez",
        240000,
        "-59 09:00",
        (
            ("-59 09:00", "Prospecting", "carlos.mendez"),
            ("-52 10:00", "Qualification", "carlos.mendez"),
            ("-45 11:00", "Proposal/Price Quote", "carlos.mendez"),
            ("-30 15:00", "Negotiation/Review", "carlos.mendez"),
            ("-21 17:00", "Closed Won", "carlos.mendez"),
        ),
        "-21",
        "[[c]] Enterprise payouts for Acme's US and EU carrier networks, 3-year term.",
        lead_source="Partner Referral",
    ),
    DealSpec(
        "salesforce",
        "sf-kestrel-rfp",
        "Kestrel Retail Group",
        "Kestrel Retail Group – Carrier Payments RFP",
        "carlos.mendez",
        310000,
        "-58 10:00",
        (
            ("-58 10:00", "Prospecting", "carlos.mendez"),
            ("-50 10:00", "Needs Analysis", "carlos.mendez"),
            ("-38 10:00", "Proposal/Price Quote", "carlos.mendez"),
            ("-15 10:30", "Closed Lost", "carlos.mendez"),
        ),
        "-15",
        "[[c]] RFP for carrier payments across 900 stores.",
        reason="Requires on-prem deployment",
        lead_source="RFP",
    ),
    DealSpec(
        "salesforce",
        "sf-brightwater-group",
        "Brightwater Freight",
        "Brightwater Freight – Group rollout",
        "dan.wright",
        180000,
        "-40 09:00",
        (
            ("-40 09:00", "Qualification", "dan.wright"),
            ("-26 10:00", "Value Proposition", "dan.wright"),
            ("-10 16:00", "Proposal/Price Quote", "dan.wright"),
        ),
        "+60",
        "[[c]] Roll out to Brightwater's Polish and Czech subsidiaries. [[h]] If we add PLN "
        "payouts this becomes a lot easier.",
    ),
    DealSpec(
        "salesforce",
        "sf-fjord-nok",
        "Fjord Freight",
        "Fjord Freight – NOK payouts",
        "carlos.mendez",
        90000,
        "-48 10:00",
        (
            ("-48 10:00", "Prospecting", "carlos.mendez"),
            ("-33 10:00", "Qualification", "carlos.mendez"),
        ),
        "+75",
        "[[c]] Payouts in NOK to Norwegian carriers.",
    ),
    DealSpec(
        "salesforce",
        "sf-sable",
        "Sable Pharma Logistics",
        "Sable Pharma Logistics – Cold chain payouts",
        "dan.wright",
        150000,
        "-57 12:00",
        (
            ("-57 12:00", "Prospecting", "dan.wright"),
            ("-48 12:00", "Needs Analysis", "dan.wright"),
            ("-33 16:00", "Closed Lost", "dan.wright"),
        ),
        "-33",
        "[[c]] Payouts to temperature-controlled carriers.",
        reason="Went with Adyen for Platforms; price",
    ),
    DealSpec(
        "salesforce",
        "sf-tidewater",
        "Tidewater Shipping",
        "Tidewater Shipping – Invoicing suite",
        "dan.wright",
        75000,
        "-54 09:00",
        (
            ("-54 09:00", "Qualification", "dan.wright"),
            ("-40 10:00", "Negotiation/Review", "dan.wright"),
            ("-27 12:00", "Closed Won", "dan.wright"),
        ),
        "-27",
        "[[c]] Invoicing suite with UK VAT handling.",
    ),
    DealSpec(
        "salesforce",
        "sf-atlas",
        "Atlas Grocers",
        "Atlas Grocers – Supplier payouts",
        "carlos.mendez",
        120000,
        "-41 10:00",
        (
            ("-41 10:00", "Prospecting", "carlos.mendez"),
            ("-22 10:00", "Id. Decision Makers", "carlos.mendez"),
        ),
        "+50",
        "[[c]] Supplier payouts for 300 grocery suppliers.",
    ),
    DealSpec(
        "salesforce",
        "sf-acme-recon",
        "Acme Corporation",
        "Acme Corporation – Reconciliation add-on",
        "carlos.mendez",
        40000,
        "-6 10:00",
        (("-6 10:00", "Prospecting", "carlos.mendez"),),
        "+55",
        "[[c]] Reconciliation export for the enterprise account.",
        deal_type="Existing Customer - Upgrade",
    ),
    DealSpec(
        "salesforce",
        "sf-tidewater-fx",
        "Tidewater Shipping",
        "Tidewater Shipping – FX add-on",
        "dan.wright",
        30000,
        "-16 10:00",
        (
            ("-16 10:00", "Qualification", "dan.wright"),
            ("-7 10:00", "Value Proposition", "dan.wright"),
        ),
        "+40",
        "[[c]] GBP/EUR conversions for payouts.",
        deal_type="Existing Customer - Upgrade",
    ),
    DealSpec(
        "salesforce",
        "sf-brightwater-uk",
        "Brightwater Freight",
        "Brightwater Freight – UK expansion",
        "dan.wright",
        60000,
        "-11 10:00",
        (("-11 10:00", "Prospecting", "dan.wright"), ("-4 10:00", "Needs Analysis", "dan.wright")),
        "+80",
        "[[c]] GBP payouts for Brightwater's UK depot.",
    ),
)

NOTES = (
    NoteSpec(
        "hubspot",
        "note",
        "-34 10:00",
        "jane.doe",
        "[[d:idempotency-keys]] Confirmed with Acme: payout calls must carry an "
        "Idempotency-Key header from the July API version. [[c]] This closes their "
        "duplicate-payout complaint.",
        "hs-acme-payouts",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-9 16:00",
        "mei.chen",
        "[[d:adyen-back]] We're moving Brightwater's Dutch SEPA payouts back to Adyen from "
        "next week so they keep the next-day carrier SLA. [[c]] Their finance lead Femke was "
        "relieved.",
        "hs-brightwater-nl",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-44 16:00",
        "mei.chen",
        "[[r]] Brightwater Freight GmbH said they decided on us because of the Adyen "
        "integration and the next-day SLA.",
        "hs-brightwater-nl",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-44 17:00",
        "mei.chen",
        "[[c]] Told Femke we are dropping Adyen. [[q]] She asked whether payout timing "
        "changes for Dutch carriers.",
        "hs-brightwater-nl",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-28 14:00",
        "mei.chen",
        "[[c]] Larkspur's pilot stays free as promised before the change. [[r]] Dan said "
        "new pilots are paid from now on, credited against year one.",
        "hs-larkspur",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-27 11:30",
        "mei.chen",
        "[[d:paid-pilots]] Quayside's pilot is paid (€5k), credited against year one per our "
        "pilot policy.",
        "hs-quayside",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-12 11:00",
        "priya.nair",
        "[[d:northbeam-premium]] Premium support is free for Northbeam's first year as our "
        "payouts design partner.",
        "hs-northbeam",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-22 15:30",
        "mei.chen",
        "[[r]] Their CFO said they decided on GoCardless because direct debit is cheaper there.",
        "hs-pioneer",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-17 10:30",
        "elif.kaya",
        "[[n]] They haven't decided whether to revisit next year. [[c]] Budget frozen until April.",
        "hs-oakline",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-25 16:30",
        "elif.kaya",
        "[[c]] Sent the security questionnaire back. [[r]] Shared the SOC 2 Type II report "
        "after they signed the NDA, per Nora's policy.",
        "hs-halden",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-14 11:30",
        "elif.kaya",
        "[[q]] They asked whether we support ZUGFeRD invoices for their German entity.",
        "hs-halden-einvoice",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-30 12:30",
        "priya.nair",
        "[[c]] Meridian upgraded to signed webhooks. [[h]] If they move to the new format "
        "this month we can retire the legacy endpoint.",
        "hs-meridian-webhooks",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-20 16:30",
        "jane.doe",
        "[[c]] Reconciliation export signed after the QBR, delivery in two weeks.",
        "hs-acme-recon",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-19 10:00",
        "jane.doe",
        "[[q]] Juniper asked if split payouts can hold back a reserve per seller.",
        "hs-juniper",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-6 15:30",
        "priya.nair",
        "[[c]] Renewal contract sent, they want a 2-year option.",
        "hs-meridian-renewal",
    ),
    NoteSpec(
        "hubspot",
        "note",
        "-5 10:30",
        "mei.chen",
        "[[h]] If SEPA Instant ships next quarter they would take it for urgent payouts.",
        "hs-brightwater-instant",
    ),
    NoteSpec(
        "salesforce",
        "note",
        "-23 11:40",
        "carlos.mendez",
        "[[d:acme-discount]] Finance approved an 18% discount for the 3-year term, no further "
        "concessions (Olga).",
        "sf-acme-enterprise",
        subject="Discount approval",
    ),
    NoteSpec(
        "salesforce",
        "contentnote",
        "-20 10:00",
        "carlos.mendez",
        "[[d:payout-t1]] Confirmed to Acme: verified carriers get T+1 payouts by default "
        "instead of T+3.",
        "sf-acme-enterprise",
        subject="Payout schedule",
    ),
    NoteSpec(
        "salesforce",
        "note",
        "-15 10:40",
        "carlos.mendez",
        "[[d:no-onprem]] Walking away: Kestrel requires an on-prem deployment, which we "
        "won't support.",
        "sf-kestrel-rfp",
        subject="Closed lost",
    ),
    NoteSpec(
        "salesforce",
        "note",
        "-33 16:30",
        "dan.wright",
        "[[r]] Sable's procurement told us they decided on Adyen for Platforms, mostly on price.",
        "sf-sable",
        subject="Loss debrief",
    ),
    NoteSpec(
        "salesforce",
        "note",
        "-27 12:30",
        "dan.wright",
        "[[c]] Signed! Kickoff next week with Oliver.",
        "sf-tidewater",
        subject="Signed",
    ),
    NoteSpec(
        "salesforce",
        "contentnote",
        "-32 10:00",
        "carlos.mendez",
        "[[h]] If we add NOK payouts they would move 40 carriers in the first month.",
        "sf-fjord-nok",
        subject="NOK requirement",
    ),
    NoteSpec(
        "salesforce",
        "note",
        "-21 15:00",
        "carlos.mendez",
        "[[q]] Atlas asked whether we can invoice in SEK.",
        "sf-atlas",
        subject="Invoicing currency",
    ),
    NoteSpec(
        "salesforce",
        "contentnote",
        "-9 17:00",
        "dan.wright",
        "[[n]] Brightwater hasn't decided on the Czech entity yet.",
        "sf-brightwater-group",
        subject="Scope",
    ),
    NoteSpec(
        "salesforce",
        "task",
        "-23 14:00",
        "carlos.mendez",
        "[[c]] Send the revised order form with the 18% discount.",
        "sf-acme-enterprise",
        subject="Send revised order form",
    ),
    NoteSpec(
        "salesforce",
        "task",
        "-16 09:00",
        "carlos.mendez",
        "[[c]] Debrief call with Sophie about the RFP outcome.",
        "sf-kestrel-rfp",
        subject="Call: RFP debrief",
    ),
    NoteSpec(
        "salesforce",
        "task",
        "-10 10:00",
        "dan.wright",
        "[[q]] Ask Jonas whether the Polish entity invoices in PLN.",
        "sf-brightwater-group",
        subject="Call Jonas",
        status="Not Started",
    ),
    NoteSpec(
        "salesforce",
        "task",
        "-30 09:00",
        "carlos.mendez",
        "[[c]] Demo NOK payout flow to Erik.",
        "sf-fjord-nok",
        subject="Demo",
    ),
    NoteSpec(
        "salesforce",
        "task",
        "-5 09:00",
        "carlos.mendez",
        "[[c]] Scope the reconciliation add-on with Greg.",
        "sf-acme-recon",
        subject="Scoping call",
        status="In Progress",
    ),
    NoteSpec(
        "salesforce",
        "task",
        "-7 11:00",
        "dan.wright",
        "[[c]] Send FX pricing sheet to Oliver.",
        "sf-tidewater-fx",
        subject="Send pricing",
    ),
)

ENTITIES: dict[str, tuple[str, ...]] = {
    "Acme Corporation": ("Acme Corporation", "Acme Corp", "ACME", "acme, inc.", "Acme"),
    "Brightwater Freight": ("Brightwater Freight GmbH", "Brightwater Freight", "Brightwater"),
    "Kestrel Retail Group": ("Kestrel Retail Group plc", "Kestrel Retail Group", "Kestrel"),
    "Northbeam Logistics": ("Northbeam Logistics", "Northbeam"),
    "Larkspur Foods": ("Larkspur Foods", "Larkspur"),
    "Quayside Imports": ("Quayside Imports", "Quayside"),
    "Halden & Co.": ("Halden & Co.", "Halden"),
    "Meridian Parcel": ("Meridian Parcel", "Meridian"),
    "Pioneer Cold Chain": ("Pioneer Cold Chain",),
    "Oakline Carriers": ("Oakline Carriers", "Oakline"),
    "Juniper Marketplaces": ("Juniper Marketplaces", "Juniper"),
    "Fjord Freight": ("Fjord Freight AS", "Fjord Freight"),
    "Sable Pharma Logistics": ("Sable Pharma Logistics", "Sable"),
    "Tidewater Shipping": ("Tidewater Shipping Ltd", "Tidewater Shipping", "Tidewater"),
    "Atlas Grocers": ("Atlas Grocers", "Atlas"),
    "PostgreSQL": ("PostgreSQL", "Postgres", "PG16"),
    "MongoDB": ("MongoDB", "Mongo"),
    "Apache Kafka": ("Kafka", "MSK"),
    "Redis Streams": ("Redis Streams", "Redis streams"),
    "Redis": ("Redis",),
    "Stripe": ("Stripe",),
    "Stripe Connect": ("Stripe Connect",),
    "Stripe Radar": ("Stripe Radar",),
    "Adyen": ("Adyen", "Adyen for Platforms"),
    "Datadog": ("Datadog",),
    "Grafana Cloud": ("Grafana Cloud", "Grafana"),
    "Prometheus": ("Prometheus",),
    "Temporal": ("Temporal", "Temporal Cloud"),
    "Celery": ("Celery",),
    "Terraform": ("Terraform",),
    "Pulumi": ("Pulumi",),
    "AWS Secrets Manager": ("AWS Secrets Manager",),
    "HashiCorp Vault": ("Vault",),
    "Okta": ("Okta",),
    "LaunchDarkly": ("LaunchDarkly",),
    "React Native": ("React Native",),
    "Flutter": ("Flutter",),
    "GitHub Actions": ("GitHub Actions",),
    "Jenkins": ("Jenkins",),
    "gRPC": ("gRPC",),
    "Wise": ("Wise",),
    "Currencycloud": ("Currencycloud",),
    "GoCardless": ("GoCardless",),
    "Statuspage": ("Atlassian Statuspage", "Statuspage"),
    "SEPA Instant": ("SEPA Instant",),
    "ZUGFeRD": ("ZUGFeRD",),
    "XRechnung": ("XRechnung",),
    "S3 Glacier": ("S3 Glacier",),
    "Zendesk": ("Zendesk",),
    "HubSpot": ("HubSpot",),
    "Salesforce": ("Salesforce",),
}

SEED = Seed(
    people=PEOPLE,
    channels=CHANNELS,
    decisions=DECISIONS,
    threads=THREADS,
    issues=ISSUES,
    companies=COMPANIES,
    contacts=CONTACTS,
    deals=DEALS,
    notes=NOTES,
    entities=ENTITIES,
)
