"""The neutral world model: one fictional company's people, conversations, issues and CRM.

The renderers (``_slack``, ``_jira``, ``_hubspot``, ``_salesforce``) turn these objects into each
API's wire format on request; nothing here knows about HTTP. Times are integer microseconds
since the epoch (UTC) so that 100k messages stay small; texts are *source* strings (see
``_markup``) that carry both the markup and the sentence labels.
"""

from __future__ import annotations

import random
import string
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR

COMPANY = "Tessera"
DOMAIN = "tessera.example"


# --- time -------------------------------------------------------------------------------------


def to_dt(us: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return datetime.fromtimestamp(us // US, UTC).replace(microsecond=us % US)


def from_dt(dt: datetime) -> int:
    """An aware datetime as microseconds since the epoch (naive means UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds


def slack_ts(us: int) -> str:
    """Slack's message id: seconds and microseconds, ``"1512085950.000216"``."""
    return f"{us // US}.{us % US:06d}"


def parse_slack_ts(ts: str) -> int:
    """Microseconds from a Slack ``ts`` (also accepts plain seconds, as ``oldest`` may be)."""
    seconds, _, fraction = ts.strip().partition(".")
    return int(seconds) * US + int((fraction + "000000")[:6] or 0)


def jira_time(us: int) -> str:
    """Jira's timestamp form, ``2021-01-18T23:45:00.000+0000``."""
    dt = to_dt(us)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def iso_ms(us: int) -> str:
    """ISO 8601 with milliseconds and ``Z``, as HubSpot writes times."""
    dt = to_dt(us)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def sf_time(us: int) -> str:
    """Salesforce's datetime form; Salesforce keeps whole seconds."""
    return to_dt(us).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def day_date(us: int) -> str:
    """The UTC calendar date, ``YYYY-MM-DD``."""
    return to_dt(us).strftime("%Y-%m-%d")


# --- ids --------------------------------------------------------------------------------------

_SLACK_CHARS = string.ascii_uppercase + string.digits
_SF_CHARS = string.ascii_letters + string.digits
_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def sf_checksum(id15: str) -> str:
    """The three-character suffix that makes a 15-character Salesforce id case-insensitive."""
    out = []
    for chunk in range(3):
        bits = 0
        for i, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out.append(_SF_SUFFIX[bits])
    return id15 + "".join(out)


class Ids:
    """Deterministic, unique native ids in each vendor's shape."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.jira_issue = 10000
        self.jira_comment = 10000
        self.jira_history = 10000

    def slack(self, prefix: str) -> str:
        while True:
            value = prefix + "0" + "".join(self.rng.choices(_SLACK_CHARS, k=9))
            if value not in self.used:
                self.used.add(value)
                return value

    def jira_account(self) -> str:
        while True:
            if self.rng.random() < 0.5:
                value = f"{self.rng.getrandbits(96):024x}"
            else:
                hexes = f"{self.rng.getrandbits(128):032x}"
                value = "712020:" + "-".join(
                    (hexes[:8], hexes[8:12], hexes[12:16], hexes[16:20], hexes[20:])
                )
            if value not in self.used:
                self.used.add(value)
                return value

    def numeric(self, low: int, high: int) -> str:
        while True:
            value = str(self.rng.randrange(low, high))
            if value not in self.used:
                self.used.add(value)
                return value

    def salesforce(self, prefix: str) -> str:
        while True:
            body = prefix + "5g00000" + "".join(self.rng.choices(_SF_CHARS, k=5))
            value = sf_checksum(body)
            if value not in self.used:
                self.used.add(value)
                return value

    def next_issue(self) -> int:
        self.jira_issue += 1
        return self.jira_issue

    def next_comment(self) -> int:
        self.jira_comment += 1
        return self.jira_comment

    def next_history(self) -> int:
        self.jira_history += 1
        return self.jira_history


# --- people -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    """One human (or bot account) and how each tool knows them."""

    key: str
    first: str
    last: str
    title: str
    email: str
    tz: str = "Europe/Berlin"
    is_bot: bool = False
    deleted: bool = False
    created: int = 0
    slack_id: str | None = None
    slack_name: str | None = None
    slack_display: str | None = None
    slack_bot_id: str | None = None
    slack_app_id: str | None = None
    jira_id: str | None = None
    jira_name: str | None = None
    jira_email_visible: bool = False
    jira_account_type: str = "atlassian"
    hubspot_owner_id: str | None = None
    hubspot_user_id: int | None = None
    hubspot_email: str | None = None
    sf_id: str | None = None
    sf_first: str | None = None
    sf_last: str | None = None
    sf_email: str | None = None

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}".strip()

    @property
    def sf_name(self) -> str | None:
        if self.sf_id is None:
            return None
        return f"{self.sf_first or ''} {self.sf_last or ''}".strip()


@dataclass(slots=True)
class Bot:
    """A Slack integration that posts ``bot_message``s without a user (PagerDuty, GitHub)."""

    key: str
    name: str
    bot_id: str
    app_id: str


# --- Slack ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Message:
    channel: str
    ts: str
    at: int
    author: str | None
    src: str
    bot: str | None = None
    subtype: str | None = None
    thread_ts: str | None = None
    replies: list[Message] | None = None
    edited_at: int | None = None
    edited_by: str | None = None
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def changed(self) -> int:
        """When this message (or, for a thread parent, its thread) last changed."""
        latest = self.edited_at or self.at
        if self.replies:
            latest = max(latest, max(r.edited_at or r.at for r in self.replies))
        return latest


@dataclass(slots=True)
class Channel:
    id: str
    name: str
    created: int
    creator: str
    topic: str = ""
    purpose: str = ""
    private: bool = False
    member: bool = True
    archived: bool = False
    is_general: bool = False
    members: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    by_ts: dict[str, Message] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        """Whether the sandbox's bot token may read this channel's history."""
        return self.member


# --- Jira -------------------------------------------------------------------------------------


class ChangeItem(NamedTuple):
    field: str
    from_id: str | None
    from_string: str | None
    to_id: str | None
    to_string: str | None


@dataclass(slots=True)
class History:
    id: int
    author: str
    at: int
    items: tuple[ChangeItem, ...]


@dataclass(slots=True)
class Comment:
    id: int
    issue_id: int
    author: str
    src: str
    at: int
    updated_at: int


@dataclass(slots=True)
class Project:
    id: str
    key: str
    name: str
    lead: str
    components: dict[str, str]


@dataclass(slots=True)
class Issue:
    id: int
    key: str
    project: str
    type: str
    summary: str
    src: str
    status: str
    reporter: str
    assignee: str | None
    created: int
    updated: int
    priority: str = "Medium"
    resolution: str | None = None
    resolved_at: int | None = None
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    comments: list[Comment] = field(default_factory=list)
    histories: list[History] = field(default_factory=list)


# --- CRM --------------------------------------------------------------------------------------


@dataclass(slots=True)
class CrmCompany:
    system: str
    id: str
    name: str
    entity: str
    domain: str
    industry: str
    city: str
    country: str
    owner: str
    created: int
    updated: int
    description: str = ""


@dataclass(slots=True)
class CrmContact:
    system: str
    id: str
    first: str
    last: str
    email: str
    title: str
    company_id: str
    owner: str
    created: int
    updated: int
    phone: str = ""


@dataclass(slots=True)
class StageChange:
    at: int
    stage: str
    actor: str
    id: str = ""  # Salesforce OpportunityHistory id


@dataclass(slots=True)
class Deal:
    system: str
    id: str
    key: str
    name: str
    company_id: str
    owner: str
    amount: int
    close_date: int
    stage: str
    src: str
    created: int
    updated: int
    history: list[StageChange] = field(default_factory=list)
    contact_ids: tuple[str, ...] = ()
    reason: str | None = None
    deal_type: str = "newbusiness"
    lead_source: str = "Inbound"


@dataclass(slots=True)
class CrmNote:
    system: str
    id: str
    kind: str  # note | task (Salesforce) | contentnote (Salesforce ContentNote)
    src: str
    subject: str
    owner: str
    created: int
    updated: int
    deal_id: str | None = None
    company_id: str | None = None
    contact_id: str | None = None
    status: str = "Completed"


@dataclass(slots=True)
class Crm:
    """One CRM system's objects, each dict in creation order."""

    system: str
    companies: dict[str, CrmCompany] = field(default_factory=dict)
    contacts: dict[str, CrmContact] = field(default_factory=dict)
    deals: dict[str, Deal] = field(default_factory=dict)
    notes: dict[str, CrmNote] = field(default_factory=dict)


# --- truth ------------------------------------------------------------------------------------


@dataclass(slots=True)
class DecisionSpec:
    """The labelled truth of one decision cluster (one decision, possibly stated in many places).

    ``status``: ``decided`` (a choice made), ``rejected`` (a proposal turned down: the statement
    is the turn-down), ``reversed`` (later undone by ``superseded_by``), ``superseded``
    (replaced by a later, different choice), ``proposed`` (never concluded).
    """

    key: str
    statement: str
    status: str
    rationale: str
    alternatives: tuple[str, ...]
    deciders: tuple[str, ...]
    about: tuple[str, ...]
    supersedes: str | None = None


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    """Everything the four APIs serve, plus the truth behind it."""

    seed: int
    now: int
    ids: Ids
    team_id: str = ""
    team_domain: str = "tessera"
    bot_user: str = "siphon"
    people: dict[str, Person] = field(default_factory=dict)
    bots: dict[str, Bot] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    hubspot: Crm = field(default_factory=lambda: Crm("hubspot"))
    salesforce: Crm = field(default_factory=lambda: Crm("salesforce"))
    decisions: dict[str, DecisionSpec] = field(default_factory=dict)
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    last_event: int = 0
    version: int = 0
    activity_rounds: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _channel_names: dict[str, str] = field(default_factory=dict, repr=False)
    _issue_keys: dict[str, int] = field(default_factory=dict, repr=False)
    _slack_people: dict[str, str] = field(default_factory=dict, repr=False)
    _jira_people: dict[str, str] = field(default_factory=dict, repr=False)

    # lookups

    def channel_named(self, name: str) -> Channel | None:
        cid = self._channel_names.get(name)
        return self.channels.get(cid) if cid else None

    def issue_by_key(self, key: str) -> Issue | None:
        iid = self._issue_keys.get(key.upper())
        return self.issues.get(iid) if iid is not None else None

    def person_by_slack(self, user_id: str) -> Person | None:
        key = self._slack_people.get(user_id)
        return self.people.get(key) if key else None

    def person_by_jira(self, account_id: str) -> Person | None:
        key = self._jira_people.get(account_id)
        return self.people.get(key) if key else None

    # mutation (callers hold ``lock``)

    def add_person(self, person: Person) -> Person:
        self.people[person.key] = person
        if person.slack_id:
            self._slack_people[person.slack_id] = person.key
        if person.jira_id:
            self._jira_people[person.jira_id] = person.key
        return person

    def add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        self._channel_names[channel.name] = channel.id
        return channel

    def post(self, message: Message) -> Message:
        """Add a top-level message; timestamps must not go backwards within a channel."""
        channel = self.channels[message.channel]
        if channel.messages and channel.messages[-1].at >= message.at:
            raise ValueError(f"message {message.ts} in #{channel.name} is older than the last one")
        channel.messages.append(message)
        channel.by_ts[message.ts] = message
        self.last_event = max(self.last_event, message.at)
        return message

    def reply(self, parent: Message, message: Message) -> Message:
        """Add a thread reply to ``parent``."""
        channel = self.channels[parent.channel]
        if parent.replies is None:
            parent.replies = []
        if parent.replies and parent.replies[-1].at >= message.at:
            raise ValueError(f"reply {message.ts} is older than the thread's last reply")
        if message.at <= parent.at:
            raise ValueError(f"reply {message.ts} is older than its parent {parent.ts}")
        parent.thread_ts = parent.ts
        message.thread_ts = parent.ts
        parent.replies.append(message)
        channel.by_ts[message.ts] = message
        self.last_event = max(self.last_event, message.at)
        return message

    def add_issue(self, issue: Issue) -> Issue:
        self.issues[issue.id] = issue
        self._issue_keys[issue.key.upper()] = issue.id
        self.last_event = max(self.last_event, issue.updated)
        return issue

    def touch(self, at: int) -> None:
        self.last_event = max(self.last_event, at)

    def crm(self, system: str) -> Crm:
        return self.hubspot if system == "hubspot" else self.salesforce

    # views

    def slack_user_id(self, key: str) -> str:
        person = self.people.get(key)
        return person.slack_id or "" if person else ""

    def display_name(self, key: str) -> str:
        person = self.people.get(key)
        return person.name if person else key

    def message_count(self) -> int:
        total = 0
        for channel in self.channels.values():
            total += len(channel.by_ts)
        return total
