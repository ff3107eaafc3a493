"""People across sources: accounts (Slack users, Jira accounts, CRM owners and users, and the
author identities on records) grouped into one ``Person`` per human.

The grouping is a pure function of everything known about the accounts, so batches arriving
in any order end in the same people:

1. accounts sharing an email (case-insensitive) are one person;
2. groups without conflicting evidence are joined by name or handle (rapidfuzz) when the match
   is unambiguous — never two accounts of the same source, never two different emails, and
   never when a name matches more than one candidate (two Janes stay two Janes).

A person's id is ``person:<smallest email>`` or, without email, ``person:<smallest account
id>``; it changes only when evidence joins two persons or a first email arrives, and the
ingest orchestrator then rewrites the edges of the persons that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ontology.resolution._normalize import fold_unicode, strip_punctuation

#: Two names are the same person's at or above this ``token_sort_ratio``.
NAME_THRESHOLD = 92.0
#: With an equal handle (or handle == email local part) a weaker name match is enough.
HANDLE_NAME_THRESHOLD = 70.0


def person_key(name: str) -> str:
    """A person name's comparison key: folded, no punctuation, 'Doe, Jane' -> 'jane doe'."""
    text = name.strip()
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    return strip_punctuation(fold_unicode(text))


def handle_key(handle: str) -> str:
    """'@Jane.Doe' -> 'jane doe' (the same shape as a name key, for name/handle matching)."""
    return strip_punctuation(fold_unicode(handle.lstrip("@").replace(".", " ")))


@dataclass(frozen=True)
class AccountInfo:
    """What is known about one account. ``from_record``: an ``Account`` record was seen (its
    fields win); otherwise only author/mention identities named it."""

    id: str
    source: str
    name: str | None = None
    email: str | None = None
    handles: tuple[str, ...] = ()
    is_bot: bool = False
    deleted: bool = False
    from_record: bool = False

    def merged(self, other: AccountInfo) -> AccountInfo:
        """Combine two views: a record's fields win (the newer record first), identities only
        fill gaps, handles are unioned."""
        primary, secondary = (other, self) if other.from_record else (self, other)
        return AccountInfo(
            id=self.id,
            source=primary.source or secondary.source,
            name=primary.name or secondary.name,
            email=primary.email or secondary.email,
            handles=tuple(sorted(set(self.handles) | set(other.handles))),
            is_bot=primary.is_bot if primary.from_record else False,
            deleted=primary.deleted if primary.from_record else False,
            from_record=primary.from_record,
        )


@dataclass
class PersonView:
    id: str
    name: str | None
    emails: list[str]
    handles: list[str]
    is_bot: bool
    accounts: list[str]

    def row(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "emails": self.emails,
            "handles": self.handles,
            "is_bot": self.is_bot,
        }


@dataclass
class Partition:
    """The result of grouping: account -> person id, person -> its view, account -> reason."""

    person_of: dict[str, str] = field(default_factory=dict)
    persons: dict[str, PersonView] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent.setdefault(x, x)
        if parent != x:
            root = self.find(parent)
            self.parent[x] = root
            return root
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = sorted((ra, rb))
            self.parent[high] = low


@dataclass
class _Group:
    root: str
    accounts: list[str]
    sources: set[str]
    emails: set[str]
    names: set[str]  # person keys
    handles: set[str]  # handle keys, plus email local parts
    bots: bool


def _local_part(email: str) -> str:
    return handle_key(email.split("@", 1)[0])


def partition(accounts: Mapping[str, AccountInfo]) -> Partition:
    """Group accounts into persons (see the module docstring); deterministic."""
    uf = _UnionFind()
    by_email: dict[str, list[str]] = defaultdict(list)
    for acc in accounts.values():
        uf.find(acc.id)
        if acc.email:
            by_email[acc.email.lower()].append(acc.id)
    email_reason: dict[str, str] = {}
    for email, ids in by_email.items():
        for other in ids[1:]:
            uf.union(ids[0], other)
        if len(ids) > 1:
            for i in ids:
                email_reason[i] = f"email {email}"
    groups: dict[str, _Group] = {}
    for acc in sorted(accounts.values(), key=lambda a: a.id):
        root = uf.find(acc.id)
        group = groups.get(root)
        if group is None:
            group = groups[root] = _Group(root, [], set(), set(), set(), set(), True)
        group.accounts.append(acc.id)
        group.sources.add(acc.source)
        group.bots = group.bots and acc.is_bot
        if acc.email:
            group.emails.add(acc.email.lower())
            local = _local_part(acc.email)
            if len(local) >= 3:
                group.handles.add(local)
        if acc.name and person_key(acc.name):
            group.names.add(person_key(acc.name))
        for handle in acc.handles:
            key = handle_key(handle)
            if len(key) >= 3:
                group.handles.add(key)

    # Blocking: a name falls into its sorted-token key and its first-token+last-initial key;
    # a handle into its own key. Only groups sharing a block are compared.
    blocks: dict[str, set[str]] = defaultdict(set)
    for group in groups.values():
        for name in group.names:
            words = name.split()
            blocks["n:" + " ".join(sorted(words))].add(group.root)
            if len(words) > 1:
                blocks[f"f:{words[0]}:{words[-1][:1]}"].add(group.root)
        for handle in group.handles:
            blocks["n:" + " ".join(sorted(handle.split()))].add(group.root)
    candidates: dict[str, dict[str, str]] = defaultdict(dict)
    for block in blocks.values():
        if len(block) < 2 or len(block) > 50:
            continue  # a block that large is a common name: no evidence either way
        ordered = sorted(block)
        for pos, a in enumerate(ordered):
            for b in ordered[pos + 1 :]:
                if b in candidates[a]:
                    continue
                reason = _match(groups[a], groups[b])
                if reason:
                    candidates[a][b] = reason
                    candidates[b][a] = reason

    # Join connected candidate groups when they are all compatible; in a conflicting cluster
    # only mutual, unique matches are joined.
    joined: dict[str, str] = {}
    join_reason: dict[str, str] = {}
    seen: set[str] = set()
    for start in sorted(k for k, v in candidates.items() if v):
        if start in seen:
            continue
        cluster, stack = [], [start]
        seen.add(start)
        while stack:
            node = stack.pop()
            cluster.append(node)
            for nxt in candidates[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        cluster.sort()
        if _compatible([groups[g] for g in cluster]):
            for g in cluster:
                joined[g] = cluster[0]
                join_reason[g] = candidates[g][min(candidates[g])]
        else:
            for a in cluster:
                if len(candidates[a]) == 1:
                    (b,) = candidates[a]
                    if len(candidates[b]) == 1 and a < b:
                        joined[a] = joined[b] = a
                        join_reason[a] = join_reason[b] = candidates[a][b]
    result = Partition()
    members: dict[str, list[str]] = defaultdict(list)
    for root, group in groups.items():
        members[joined.get(root, root)].extend(group.accounts)
        for acc_id in group.accounts:
            reasons = [email_reason.get(acc_id, ""), join_reason.get(root, "")]
            result.reasons[acc_id] = "; ".join(r for r in reasons if r) or "own account"
    for ids in members.values():
        view = _person_view([accounts[i] for i in sorted(ids)])
        result.persons[view.id] = view
        for acc_id in ids:
            result.person_of[acc_id] = view.id
    return result


def _match(a: _Group, b: _Group) -> str:
    """Why two groups are the same human, or '' when they are not (or cannot be)."""
    if a.sources & b.sources or a.bots != b.bots:
        return ""
    if a.emails and b.emails:
        return ""  # different emails (equal ones were joined already): different humans
    best, pair = 0.0, ("", "")
    for x in a.names:
        for y in b.names:
            score = fuzz.token_sort_ratio(x, y)
            if score > best:
                best, pair = score, (x, y)
    if best >= NAME_THRESHOLD:
        why = f"token_sort_ratio {best:.0f} >= {NAME_THRESHOLD:.0f}"
        return f"name {pair[0]!r} ~ {pair[1]!r} ({why})"
    shared = a.handles & b.handles
    if not shared:
        # a handle of one equal to a name of the other ("jane.doe" vs "Jane Doe")
        shared = (a.handles & b.names) | (b.handles & a.names)
    if shared and (best >= HANDLE_NAME_THRESHOLD or not a.names or not b.names):
        return f"handle {sorted(shared)[0]!r}" + (
            f" and name token_sort_ratio {best:.0f} >= {HANDLE_NAME_THRESHOLD:.0f}" if best else ""
        )
    return ""


def _compatible(groups: list[_Group]) -> bool:
    sources: set[str] = set()
    emails: set[str] = set()
    with_email = 0
    for group in groups:
        if sources & group.sources:
            return False
        sources |= group.sources
        if group.emails:
            with_email += 1
            emails |= group.emails
    return with_email <= 1


def _person_view(accounts: list[AccountInfo]) -> PersonView:
    emails = sorted({a.email.lower() for a in accounts if a.email})
    anchor = emails[0] if emails else min(a.id for a in accounts)
    handles = sorted({h for a in accounts for h in a.handles if h})
    names = [a.name.strip() for a in accounts if a.name and a.name.strip()]
    record_names = [a.name.strip() for a in accounts if a.from_record and a.name and a.name.strip()]
    pool = record_names or names
    name = None
    if pool:
        counts: dict[str, int] = defaultdict(int)
        for n in pool:
            counts[n] += 1
        # most often used, then a full name (more words), then longer, then alphabetical
        name = min(counts, key=lambda n: (-counts[n], -len(n.split()), -len(n), n))
    return PersonView(
        id=f"person:{anchor}",
        name=name,
        emails=emails,
        handles=handles,
        is_bot=all(a.is_bot for a in accounts),
        accounts=sorted(a.id for a in accounts),
    )


class PeopleIndex:
    """The accounts known so far, their persons, and a name index for text mentions."""

    def __init__(self) -> None:
        self.accounts: dict[str, AccountInfo] = {}
        self.current = Partition()
        self._names: dict[str, set[str]] | None = None

    def load(self, accounts: Iterable[AccountInfo]) -> None:
        self.accounts = {a.id: a for a in accounts}
        self.current = partition(self.accounts)
        self._names = None

    def observe(self, info: AccountInfo) -> bool:
        """Record what one account or identity says; True when it adds anything."""
        known = self.accounts.get(info.id)
        merged = info if known is None else known.merged(info)
        if merged == known:
            return False
        self.accounts[info.id] = merged
        return True

    def regroup(self) -> tuple[Partition, Partition]:
        """Recompute the persons; return (before, after)."""
        before = self.current
        self.current = partition(self.accounts)
        self._names = None
        return before, self.current

    def person_of(self, account_id: str) -> str | None:
        return self.current.person_of.get(account_id)

    # -- mentions in text --------------------------------------------------------------
    def _name_index(self) -> dict[str, set[str]]:
        if self._names is None:
            index: dict[str, set[str]] = defaultdict(set)
            for acc in self.accounts.values():
                person = self.current.person_of.get(acc.id)
                if person is None or acc.is_bot:
                    continue
                for handle in acc.handles:
                    index["@" + handle_key(handle)].add(person)
                if acc.email:
                    index["@" + _local_part(acc.email)].add(person)
                if acc.name:
                    words = person_key(acc.name).split()
                    if not words:
                        continue
                    index[" ".join(words)].add(person)
                    index[words[0]].add(person)  # "Jane"
                    if len(words) > 1:
                        index[f"{words[0]} {words[-1][:1]}"].add(person)  # "Jane D."
            self._names = dict(index)
        return self._names

    def resolve_mention(self, text: str) -> str | None:
        """The person a name or @handle in text means, only when exactly one person fits."""
        raw = text.strip()
        if not raw:
            return None
        index = self._name_index()
        if raw.startswith("@"):
            found = index.get("@" + handle_key(raw))
            if found is None:
                found = index.get(person_key(raw[1:]))
        else:
            found = index.get(person_key(raw))
        if found and len(found) == 1:
            return next(iter(found))
        return None
