"""The answer key: the labelled truth behind the world, read from the same sources it serves.

Every document's labels come from the ``[[x]]`` markers of the very source string the APIs
render, so the key cannot drift from the text. Record ids follow the connectors' scheme
(``<instance name>:<native id>``, see ``record_id``) so a score can join the key to the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.sandbox._generate import HUBSPOT_STAGES, SALESFORCE_STAGES, STATUSES
from connectors.sandbox._markup import document_label, plain_inline, sentences, to_plain
from connectors.sandbox._world import Channel, Message, World, iso_ms

DEFAULT_NAMES: dict[str, str] = {
    "slack": "slack",
    "jira": "jira",
    "hubspot": "hubspot",
    "salesforce": "salesforce",
}


def record_id(tool: str, kind: str, native: str, names: Mapping[str, str] | None = None) -> str:
    """The record id a connector instance produces for a native object.

    Slack ``<name>:<channel>:<ts>``; Jira ``<name>:<issue id>`` and ``<name>:comment:<id>``;
    HubSpot ``<name>:<kind>:<id>`` (``deal``, ``note``, ``owner``); Salesforce ``<name>:<Id>``.
    """
    name = (names or DEFAULT_NAMES).get(tool, tool)
    if tool == "jira" and kind == "comment":
        return f"{name}:comment:{native}"
    if tool == "hubspot":
        return f"{name}:{kind}:{native}"
    return f"{name}:{native}"


@dataclass(slots=True)
class SentenceTruth:
    label: str
    text: str
    decision: str | None = None


@dataclass(slots=True)
class DocumentTruth:
    """One document as a connector sees it, with its labels."""

    tool: str
    kind: str
    native_id: str
    record_id: str
    container: str
    author: str | None
    created_at: str
    updated_at: str
    label: str
    text: str
    sentences: list[SentenceTruth]
    decisions: list[str]
    entities: list[str]
    reachable: bool = True
    structured: bool = False
    parent_id: str | None = None


@dataclass(slots=True)
class MentionTruth:
    record_id: str
    sentence: str
    role: str  # states (a decision sentence) | proposes (the proposal it settles)


@dataclass(slots=True)
class DecisionTruth:
    """One decision cluster: the same decision, stated in one or more documents."""

    id: str
    statement: str
    status: str
    rationale: str
    alternatives: list[str]
    deciders: list[str]
    about: list[str]
    decided_at: str | None
    origin: str = "text"
    supersedes: str | None = None
    superseded_by: str | None = None
    documents: list[str] = field(default_factory=list)  # where it is stated as decided
    mentions: list[MentionTruth] = field(default_factory=list)  # stated and proposed
    reachable: bool = True


@dataclass(slots=True)
class StructuredTruth:
    """A structured change (status, resolution, deal stage) that a connector emits as a fact."""

    id: str
    tool: str
    record_id: str
    kind: str
    field: str
    from_value: str | None
    to_value: str | None
    at: str
    actor: str | None
    is_decision: bool
    reason: str | None = None
    decision: str | None = None


@dataclass
class AnswerKey:
    """Labelled truth: documents, decisions, structured changes, people and entities.

    - ``documents``: every Slack message and reply, Jira issue and comment, HubSpot deal and
      note, Salesforce opportunity, note, task and content note, with its connector record id,
      plain text, labelled ``sentences`` and a document ``label``: the strongest sentence label
      (decision > proposal > hypothetical > negated > reported > question > chatter), or
      ``structured`` for an issue or deal whose only decision content is a transition.
      ``reachable`` is false in channels the bot cannot read.
    - ``decisions``: cluster id -> one decision (``statement``, ``status`` decided / rejected /
      reversed / superseded, ``rationale``, rejected ``alternatives``, ``deciders`` as person
      keys, ``about`` as entity names, ``supersedes`` / ``superseded_by``); ``documents`` are
      the record ids that state it, ``mentions`` add the proposals it settles.
    - ``structured``: status, resolution and stage changes with the connector's fact id;
      ``is_decision`` marks resolutions and closed won/lost, ``decision`` links a text cluster.
    - ``people``: person key -> name, emails, and per tool the native id and ``record_id``.
    - ``entities``: canonical name -> the surface spellings that occur in the texts and CRM.
    """

    seed: int
    now: str
    names: dict[str, str]
    documents: list[DocumentTruth]
    decisions: dict[str, DecisionTruth]
    structured: list[StructuredTruth]
    people: dict[str, dict[str, Any]]
    entities: dict[str, list[str]]
    counts: dict[str, int]

    def document(self, record_id: str) -> DocumentTruth | None:
        """The document with this record id."""
        for doc in self.documents:
            if doc.record_id == record_id:
                return doc
        return None

    def genuine_decisions(self) -> list[DecisionTruth]:
        """Decisions that were actually taken (everything but ``proposed``)."""
        return [d for d in self.decisions.values() if d.status != "proposed"]

    def by_label(self, label: str) -> Iterator[DocumentTruth]:
        return (doc for doc in self.documents if doc.label == label)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serializable data."""
        return {
            "seed": self.seed,
            "now": self.now,
            "names": dict(self.names),
            "documents": [asdict(doc) for doc in self.documents],
            "decisions": {key: asdict(d) for key, d in self.decisions.items()},
            "structured": [asdict(s) for s in self.structured],
            "people": self.people,
            "entities": self.entities,
            "counts": dict(self.counts),
        }


# --- building ---------------------------------------------------------------------------------


class _EntityScanner:
    def __init__(self, entities: Mapping[str, tuple[str, ...]]) -> None:
        self.canonical: dict[str, str] = {}
        for canonical, variants in entities.items():
            for variant in (canonical, *variants):
                self.canonical.setdefault(variant, canonical)
        self.pattern = re.compile(r"(?<![\w&])(" + _trie_pattern(self.canonical) + r")(?![\w&])")
        self.seen: dict[str, dict[str, None]] = {}

    def scan(self, text: str) -> list[str]:
        found: dict[str, None] = {}
        for match in self.pattern.finditer(text):
            variant = match.group(1)
            canonical = self.canonical[variant]
            found.setdefault(canonical)
            self.seen.setdefault(canonical, {}).setdefault(variant)
        return list(found)


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation shaped as a prefix trie: thousands of variants match in one pass
    without ``re`` trying every alternative at every position. Longer matches win."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return render(trie)


def build_answer_key(world: World, names: Mapping[str, str] | None = None) -> AnswerKey:
    """Read the truth back out of the world."""
    names = {**DEFAULT_NAMES, **(names or {})}
    with world.lock:
        return _Builder(world, names).build()


class _Builder:
    def __init__(self, world: World, names: dict[str, str]) -> None:
        self.world = world
        self.names = names
        self.scanner = _EntityScanner(world.entities)
        self.documents: list[DocumentTruth] = []
        self.decisions: dict[str, DecisionTruth] = {}
        self.first_stated: dict[str, int] = {}
        self.structured: list[StructuredTruth] = []

    def person(self, key: str) -> tuple[str, str]:
        return "", self.world.display_name(key)

    def build(self) -> AnswerKey:
        world = self.world
        for key, spec in world.decisions.items():
            self.decisions[key] = DecisionTruth(
                id=key,
                statement=spec.statement,
                status=spec.status,
                rationale=spec.rationale,
                alternatives=list(spec.alternatives),
                deciders=list(spec.deciders),
                about=list(spec.about),
                decided_at=None,
                supersedes=spec.supersedes,
                reachable=False,
            )
        for key, spec in world.decisions.items():
            if spec.supersedes and spec.supersedes in self.decisions:
                self.decisions[spec.supersedes].superseded_by = key
        self.slack()
        self.jira()
        self.crm("hubspot")
        self.crm("salesforce")
        for key, at in self.first_stated.items():
            self.decisions[key].decided_at = iso_ms(at)
        for company in (*world.hubspot.companies.values(), *world.salesforce.companies.values()):
            self.scanner.scan(company.name)
        return AnswerKey(
            seed=world.seed,
            now=iso_ms(world.now),
            names=self.names,
            documents=self.documents,
            decisions=self.decisions,
            structured=self.structured,
            people=self.people(),
            entities={k: list(v) for k, v in sorted(self.scanner.seen.items())},
            counts=counts(world),
        )

    def document(
        self,
        tool: str,
        kind: str,
        native: str,
        container: str,
        author: str | None,
        created: int,
        updated: int,
        src: str,
        *,
        title: str = "",
        reachable: bool = True,
        structured: bool = False,
        parent: str | None = None,
    ) -> DocumentTruth:
        rid = record_id(tool, kind, native, self.names)
        found = sentences(src)
        plain = to_plain(src, self.person)
        texts = [plain_inline(s.markup, self.person) for s in found]
        truths = [
            SentenceTruth(s.label, text, s.decision) for s, text in zip(found, texts, strict=True)
        ]
        keys: dict[str, None] = {}
        for s, text in zip(found, texts, strict=True):
            if s.decision and s.decision in self.decisions:
                decision = self.decisions[s.decision]
                role = "states" if s.label == "decision" else "proposes"
                if s.label == "decision":
                    keys.setdefault(s.decision)
                    if reachable:
                        decision.reachable = True
                    if created < self.first_stated.get(s.decision, created + 1):
                        self.first_stated[s.decision] = created
                decision.mentions.append(MentionTruth(rid, text, role))
                if role == "states" and rid not in decision.documents:
                    decision.documents.append(rid)
        label = document_label([s.label for s in found]) or "chatter"
        if structured and label not in ("decision", "proposal"):
            label = "structured"
        doc = DocumentTruth(
            tool=tool,
            kind=kind,
            native_id=native,
            record_id=rid,
            container=container,
            author=author,
            created_at=iso_ms(created),
            updated_at=iso_ms(updated),
            label=label,
            text=plain,
            sentences=truths,
            decisions=list(keys),
            entities=self.scanner.scan(f"{title}\n{plain}" if title else plain),
            reachable=reachable,
            structured=structured,
            parent_id=parent,
        )
        self.documents.append(doc)
        return doc

    def slack(self) -> None:
        for channel in self.world.channels.values():
            for message in channel.messages:
                self.message(channel, message, None)
                for reply in message.replies or ():
                    self.message(channel, reply, message)

    def message(self, channel: Channel, message: Message, parent: Message | None) -> None:
        author = message.author or (message.bot and f"bot:{message.bot}") or None
        self.document(
            "slack",
            "reply" if parent else "message",
            f"{channel.id}:{message.ts}",
            f"#{channel.name}",
            author,
            message.at,
            message.edited_at or message.at,
            message.src,
            reachable=channel.readable,
            parent=record_id("slack", "message", f"{channel.id}:{parent.ts}", self.names)
            if parent
            else None,
        )

    def jira(self) -> None:
        for issue in self.world.issues.values():
            rid_doc = self.document(
                "jira",
                "issue",
                str(issue.id),
                issue.project,
                issue.reporter,
                issue.created,
                issue.updated,
                issue.src,
                title=issue.summary,
                structured=bool(issue.histories),
            )
            text_decisions: list[str] = list(rid_doc.decisions)
            for comment in issue.comments:
                doc = self.document(
                    "jira",
                    "comment",
                    str(comment.id),
                    issue.project,
                    comment.author,
                    comment.at,
                    comment.updated_at,
                    comment.src,
                    parent=rid_doc.record_id,
                )
                text_decisions.extend(doc.decisions)
            linked = text_decisions[-1] if text_decisions else None
            for history in issue.histories:
                for n, item in enumerate(history.items):
                    if item.field not in ("status", "resolution"):
                        continue
                    done = (item.field == "resolution" and item.to_string is not None) or (
                        item.field == "status" and STATUSES[item.to_string or "To Do"][1] == "done"
                    )
                    self.structured.append(
                        StructuredTruth(
                            id=f"{rid_doc.record_id}:changelog:{history.id}:{n}",
                            tool="jira",
                            record_id=rid_doc.record_id,
                            kind="status_change" if item.field == "status" else "resolution",
                            field=item.field,
                            from_value=item.from_string,
                            to_value=item.to_string,
                            at=iso_ms(history.at),
                            actor=history.author,
                            is_decision=done,
                            decision=linked if done else None,
                        )
                    )

    def crm(self, system: str) -> None:
        crm = self.world.crm(system)
        notes_by_deal: dict[str, list[str]] = {}
        deal_docs: dict[str, DocumentTruth] = {}
        for deal in crm.deals.values():
            kind = "deal" if system == "hubspot" else "opportunity"
            deal_docs[deal.id] = self.document(
                system,
                kind,
                deal.id,
                "deals",
                deal.owner,
                deal.created,
                deal.updated,
                deal.src,
                title=deal.name,
                structured=len(deal.history) > 1,
            )
        for note in crm.notes.values():
            kind = note.kind
            parent = deal_docs[note.deal_id].record_id if note.deal_id in deal_docs else None
            doc = self.document(
                system,
                kind,
                note.id,
                "notes",
                note.owner,
                note.created,
                note.updated,
                note.src,
                title=note.subject,
                parent=parent,
            )
            if note.deal_id:
                notes_by_deal.setdefault(note.deal_id, []).extend(doc.decisions)
        for deal in crm.deals.values():
            doc = deal_docs[deal.id]
            linked = notes_by_deal.get(deal.id, [])
            for n, change in enumerate(deal.history[1:], 1):
                previous = deal.history[n - 1].stage
                closed = (
                    HUBSPOT_STAGES[change.stage][2]
                    if system == "hubspot"
                    else SALESFORCE_STAGES[change.stage][2]
                )
                last = n == len(deal.history) - 1
                self.structured.append(
                    StructuredTruth(
                        id=f"{doc.record_id}:stage:{n}",
                        tool=system,
                        record_id=doc.record_id,
                        kind="stage_change",
                        field="dealstage" if system == "hubspot" else "StageName",
                        from_value=previous,
                        to_value=change.stage,
                        at=iso_ms(change.at),
                        actor=change.actor,
                        is_decision=closed,
                        reason=deal.reason if closed and last else None,
                        decision=linked[-1] if closed and linked else None,
                    )
                )

    def people(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        names = self.names
        for person in self.world.people.values():
            emails = sorted({e for e in (person.email, person.hubspot_email, person.sf_email) if e})
            entry: dict[str, Any] = {
                "name": person.name,
                "title": person.title,
                "emails": emails,
                "is_bot": person.is_bot,
                "deleted": person.deleted,
            }
            if person.slack_id:
                entry["slack"] = {
                    "user_id": person.slack_id,
                    "handle": person.slack_name,
                    "display_name": person.slack_display,
                    "real_name": person.name,
                    "email": None if person.is_bot else person.email,
                    "record_id": f"{names['slack']}:{person.slack_id}",
                }
            if person.jira_id:
                entry["jira"] = {
                    "account_id": person.jira_id,
                    "display_name": person.jira_name,
                    "email": person.email if person.jira_email_visible else None,
                    "record_id": f"{names['jira']}:{person.jira_id}",
                }
            if person.hubspot_owner_id:
                entry["hubspot"] = {
                    "owner_id": person.hubspot_owner_id,
                    "user_id": person.hubspot_user_id,
                    "email": person.hubspot_email,
                    "first_name": person.first,
                    "last_name": person.last,
                    "record_id": f"{names['hubspot']}:owner:{person.hubspot_owner_id}",
                }
            if person.sf_id:
                entry["salesforce"] = {
                    "user_id": person.sf_id,
                    "name": person.sf_name,
                    "email": person.sf_email,
                    "record_id": f"{names['salesforce']}:{person.sf_id}",
                }
            out[person.key] = entry
        return out


def counts(world: World) -> dict[str, int]:
    """What exists now, per API object type."""
    readable = [c for c in world.channels.values() if c.readable]
    out = {
        "slack.channels": len(world.channels),
        "slack.channels.listed": sum(
            1 for c in world.channels.values() if not c.private or c.member
        ),
        "slack.users": sum(1 for p in world.people.values() if p.slack_id),
        "slack.messages": world.message_count(),
        "slack.messages.readable": sum(len(c.by_ts) for c in readable),
        "slack.top_level.readable": sum(len(c.messages) for c in readable),
        "slack.threads": sum(1 for c in world.channels.values() for m in c.messages if m.replies),
        "slack.replies": sum(
            len(m.replies or ()) for c in world.channels.values() for m in c.messages
        ),
        "jira.projects": len(world.projects),
        "jira.issues": len(world.issues),
        "jira.comments": sum(len(i.comments) for i in world.issues.values()),
        "jira.changelog": sum(len(i.histories) for i in world.issues.values()),
        "jira.users": sum(1 for p in world.people.values() if p.jira_id),
    }
    for system in ("hubspot", "salesforce"):
        crm = world.crm(system)
        prefix = system + "."
        out[prefix + "companies"] = len(crm.companies)
        out[prefix + "contacts"] = len(crm.contacts)
        out[prefix + "deals"] = len(crm.deals)
        out[prefix + "notes"] = sum(1 for n in crm.notes.values() if n.kind == "note")
        out[prefix + "tasks"] = sum(1 for n in crm.notes.values() if n.kind == "task")
        out[prefix + "content_notes"] = sum(
            1 for n in crm.notes.values() if n.kind == "contentnote"
        )
        out[prefix + "stage_changes"] = sum(len(d.history) for d in crm.deals.values())
    out["hubspot.owners"] = sum(1 for p in world.people.values() if p.hubspot_owner_id)
    out["salesforce.users"] = sum(1 for p in world.people.values() if p.sf_id)
    out["decisions"] = len(world.decisions)
    return out
