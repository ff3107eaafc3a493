"""Entities: surface forms ("ACME Inc.", "Acme Corp", "acme") resolved to one canonical ``Entity``.

A name is first reduced to its comparison key (``normalize_name``: case, Unicode, punctuation,
corporate suffixes); equal keys are the same entity. A new key is compared, with rapidfuzz, only
against the entities sharing one of its blocking keys (tokens, a prefix, a phonetic code), so
resolving grows with the number of mentions, not with mentions x entities. Every merge records
why on the entity (``merge_reasons``) and keeps the surface form in ``aliases``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, process

from ontology.resolution._normalize import (
    blocking_keys,
    explain_equal,
    normalize_name,
    short_hash,
    slug,
)

#: rapidfuzz ``token_sort_ratio`` needed to merge a new name into an entity of this type.
TYPE_THRESHOLDS: dict[str, float] = {
    "Organization": 90.0,
    "Customer": 90.0,
    "Vendor": 90.0,
    "Partner": 90.0,
    "Competitor": 90.0,
    "Component": 90.0,
    "Product": 92.0,
    "Project": 92.0,
    "Technology": 93.0,
}
DEFAULT_THRESHOLD = 92.0
#: Keys shorter than this merge only when equal ("Jira" is not "Jinja").
MIN_FUZZY_LENGTH = 5
#: Blocks holding more entities than this are too common to narrow anything down.
MAX_BLOCK = 400
#: At most this many candidates (those sharing the most blocks) are scored.
MAX_CANDIDATES = 24
MAX_ALIASES = 32
MAX_REASONS = 32
GENERIC_TYPE = "Thing"
#: Types whose short form is their first word ("Brightwater" for "Brightwater Freight GmbH").
ORGANIZATION_TYPES = frozenset(("Organization", "Customer", "Vendor", "Partner", "Competitor"))
#: A capitalized word in text is typed by its shape, often Product: it may still be the short
#: form of an organization the connectors' structure knows.
_SHORT_FORM_TYPES = ORGANIZATION_TYPES | {"Product"}
_DIGITS = re.compile(r"\d+")


def threshold_for(entity_type: str) -> float:
    return TYPE_THRESHOLDS.get(entity_type, DEFAULT_THRESHOLD)


@dataclass
class EntityInfo:
    id: str
    name: str
    type: str
    key: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    merge_reasons: list[str] = field(default_factory=list)

    def row(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "mentions": self.mentions,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "merge_reasons": list(self.merge_reasons),
        }

    def seen(self, at: datetime | None) -> bool:
        """Widen first/last seen to include ``at``; True when that changed anything."""
        if at is None:
            return False
        changed = False
        if self.first_seen is None or at < self.first_seen:
            self.first_seen, changed = at, True
        if self.last_seen is None or at > self.last_seen:
            self.last_seen, changed = at, True
        return changed


@dataclass(frozen=True)
class Resolution:
    entity_id: str
    created: bool
    reason: str | None  # why the surface form joined an existing entity (None: new or known)


class EntityIndex:
    """Canonical entities with an exact-key map and blocking postings for fuzzy lookups."""

    def __init__(self) -> None:
        self.entities: dict[str, EntityInfo] = {}
        self.by_key: dict[str, str] = {}
        self.postings: dict[str, list[str]] = defaultdict(list)
        self.changed: set[str] = set()
        # first word of a multi-word organization -> its entity ids (for short forms)
        self.by_first_word: dict[str, set[str]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self.entities)

    def load(self, entities: Iterable[EntityInfo]) -> None:
        self.entities.clear()
        self.by_key.clear()
        self.postings.clear()
        self.changed.clear()
        self.by_first_word.clear()
        for info in entities:
            self._index(info)

    def _index(self, info: EntityInfo) -> None:
        self.entities[info.id] = info
        for surface in (info.name, *info.aliases):
            key = normalize_name(surface)
            if key:
                self.by_key.setdefault(key, info.id)
        for block in blocking_keys(info.key):
            self.postings[block].append(info.id)
        words = info.key.split()
        if len(words) > 1 and info.type in ORGANIZATION_TYPES:
            self.by_first_word[words[0]].add(info.id)

    def get(self, entity_id: str) -> EntityInfo | None:
        return self.entities.get(entity_id)

    # -- resolution --------------------------------------------------------------------
    def resolve(self, surface: str, entity_type: str | None = None) -> Resolution | None:
        """The entity ``surface`` names, creating it when nothing matches; None for a name
        with no letters or digits."""
        text = " ".join(surface.split())
        key = normalize_name(text)
        if not key:
            return None
        kind = entity_type or GENERIC_TYPE
        known = self.by_key.get(key)
        if known is not None:
            info = self.entities[known]
            reason = self._add_alias(info, text, explain_equal(text, info.name))
            if info.type == GENERIC_TYPE and kind != GENERIC_TYPE:
                info.type = kind
                self.changed.add(info.id)
            return Resolution(known, False, reason)
        short = self._short_form(key, kind)
        if short is not None:
            info, why = short
            self.by_key[key] = info.id
            reason = self._add_alias(info, text, why)
            return Resolution(info.id, False, reason)
        match = self._fuzzy(key, kind)
        if match is not None:
            info, score = match
            threshold = threshold_for(info.type if kind == GENERIC_TYPE else kind)
            why = f"token_sort_ratio {score:.0f} >= {threshold:.0f}"
            self.by_key[key] = info.id
            reason = self._add_alias(info, text, why)
            return Resolution(info.id, False, reason)
        entity_id = f"entity:{slug(key)}"
        if entity_id in self.entities:
            entity_id = f"entity:{slug(key, 40)}-{short_hash(key, length=8)}"
        info = EntityInfo(entity_id, text, kind, key, aliases=[text])
        self._index(info)
        self.by_key[key] = entity_id
        self.changed.add(entity_id)
        return Resolution(entity_id, True, None)

    def resolve_many(
        self, names: Iterable[tuple[str, str | None]]
    ) -> dict[tuple[str, str | None], Resolution | None]:
        """Resolve many (surface, type) pairs, each distinct pair once."""
        out: dict[tuple[str, str | None], Resolution | None] = {}
        for pair in names:
            if pair not in out:
                out[pair] = self.resolve(*pair)
        return out

    def _short_form(self, key: str, kind: str) -> tuple[EntityInfo, str] | None:
        """An organization named by its first word ("Brightwater" for "Brightwater Freight
        GmbH"), or its full name after the short form was seen: only when exactly one
        organization fits, so "Atlas" stays apart when two Atlas companies are known."""
        words = key.split()
        if len(words) == 1:
            if kind not in _SHORT_FORM_TYPES and kind != GENERIC_TYPE:
                return None
            found = sorted(self.by_first_word.get(key, ()))
            if len(found) == 1:
                full = self.entities[found[0]]
                return full, f"short form of {full.name!r} (the only organization so named)"
            return None
        if kind not in ORGANIZATION_TYPES or len(self.by_first_word.get(words[0], ())) > 0:
            return None
        known = self.by_key.get(words[0])
        if known is not None and self.entities[known].type in _SHORT_FORM_TYPES | {GENERIC_TYPE}:
            short = self.entities[known]
            return short, f"full name of {short.name!r} (the only organization so named)"
        return None

    def _fuzzy(self, key: str, kind: str) -> tuple[EntityInfo, float] | None:
        if len(key.replace(" ", "")) < MIN_FUZZY_LENGTH:
            return None
        hits: Counter[str] = Counter()
        for block in blocking_keys(key):
            posting = self.postings.get(block)
            if posting and len(posting) <= MAX_BLOCK:
                hits.update(posting)
        if not hits:
            return None
        digits = set(_DIGITS.findall(key))
        choices: dict[str, str] = {}
        for entity_id, _ in hits.most_common(MAX_CANDIDATES):
            info = self.entities[entity_id]
            if len(info.key.replace(" ", "")) < MIN_FUZZY_LENGTH:
                continue
            if GENERIC_TYPE not in (kind, info.type) and info.type != kind:
                continue  # fuzzy merges stay within a type; equal keys merge across types
            if set(_DIGITS.findall(info.key)) != digits:
                continue  # "Windows 10" is not "Windows 11"
            choices[entity_id] = info.key
        if not choices:
            return None
        threshold = threshold_for(kind)
        best = process.extractOne(key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=0)
        if best is None:
            return None
        _, score, entity_id = best
        info = self.entities[entity_id]
        if score < threshold_for(info.type if kind == GENERIC_TYPE else kind) or (
            kind != GENERIC_TYPE and score < threshold
        ):
            return None
        return info, float(score)

    def _add_alias(self, info: EntityInfo, surface: str, why: str) -> str | None:
        if surface in info.aliases or len(info.aliases) >= MAX_ALIASES:
            return None
        info.aliases.append(surface)
        reason = f"{surface!r} = {info.name!r}: {why}"
        if len(info.merge_reasons) < MAX_REASONS:
            info.merge_reasons.append(reason)
        self.changed.add(info.id)
        return reason

    def add_mentions(self, entity_id: str, delta: int, at: datetime | None) -> None:
        info = self.entities.get(entity_id)
        if info is None:
            return
        changed = info.seen(at)
        if delta:
            info.mentions = max(0, info.mentions + delta)
            changed = True
        if changed:
            self.changed.add(entity_id)
