"""Decisions stated in several places become one ``Decision``; later ones link to earlier ones.

- **Same decision**: one decision as documents state it — a Slack thread, a Jira comment, a
  CRM note — is matched on its statement (rapidfuzz over content words), its polarity, the
  things it is about and a time window. Candidates come from postings on ABOUT entities and
  rare statement words, never from all decisions.
- **Ids**: ``decision:<hash(anchor document, statement key)>``: a reply confirming a proposal
  is anchored on the proposal's document, so both land on one id whichever arrives first;
  a structured decision is anchored on its fact id. A re-delivered or edited document keeps
  the ids of the decisions it stated.
- **Precedent**: a new decision links to earlier decisions about the same entities with a
  similar statement (``similarity`` on the edge).
- **Supersedes**: a decision that reverses or replaces an earlier one ("moving back to X")
  points to it, and the earlier one's status becomes ``superseded``.

Each source's own say (role, deciders, about, confidence, time) is kept per STATED_IN edge, so
an edited document changes only its part, and DECIDED_BY / ABOUT are the union over sources.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz

from ontology.resolution._normalize import fold_unicode, short_hash, strip_punctuation

#: Decisions further apart than this are not the same decision, however alike.
SAME_DECISION_WINDOW = timedelta(days=14)
#: One statement whose content words are all in another's ("go with Postgres" / "Postgres for
#: the ledger service"), about the same thing and this close in time, is the same decision.
SAME_CORE_WINDOW = timedelta(days=3)
#: Statement similarity (0-100) to be the same decision: with / without a shared ABOUT entity.
SAME_WITH_ABOUT = 75.0
SAME_WITHOUT_ABOUT = 90.0
#: Precedent similarity (0-1) and how many precedents a decision keeps.
PRECEDENT_MIN = 0.45
PRECEDENT_LIMIT = 3
MAX_POSTING = 300
#: A decision this widely stated takes no more sources by similarity alone (only by its own
#: id or a confirmation): a guard against one generic statement absorbing everything.
MAX_SOURCES_BY_SIMILARITY = 25

#: Words that say *that* something was decided, not *what*: left out of statement keys.
_CUE_TEXT = """we i you they our us let lets will shall would should must going gonna decided
    decide decision decisions agreed agree agreement approved approve confirm confirmed ok okay
    yes final finally the a an to of for and or with on in at by is are be been it this that
    so go just also then now please team all"""
_CUE_WORDS = frozenset(_CUE_TEXT.split())
_WORD = re.compile(r"\w+")


def statement_key(text: str) -> str:
    """The content words of a statement, folded and lightly stemmed, in order."""
    words = []
    for word in _WORD.findall(strip_punctuation(fold_unicode(text))):
        if word in _CUE_WORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def statement_similarity(a: str, b: str) -> float:
    """0-100: token_set_ratio when both keys have 3+ words (one phrasing inside another),
    else token_sort_ratio."""
    if len(a.split()) >= 3 and len(b.split()) >= 3:
        return float(fuzz.token_set_ratio(a, b))
    return float(fuzz.token_sort_ratio(a, b))


@dataclass(frozen=True)
class Statement:
    """One decision as one document states it, with people and things already resolved."""

    document_id: str
    statement: str
    status: str
    role: str  # stated | confirmed | structured
    decided_at: datetime
    polarity: str = "do"
    rationale: str | None = None
    alternatives: tuple[str, ...] = ()
    deadline: date | None = None
    confidence: float = 0.5
    origin: str = "text"
    deciders: tuple[str, ...] = ()  # "role\taccount\t<id>" or "role\tname\t<name>"
    about: tuple[str, ...] = ()  # entity ids
    anchor: str = ""  # the document the id is anchored on (the proposal for a confirmation)
    fact_id: str | None = None
    supersedes_cue: str | None = None
    span: tuple[int, int] = (0, 0)

    @property
    def key(self) -> str:
        return statement_key(self.statement)

    def decision_id(self) -> str:
        basis = self.fact_id or self.key or self.statement
        return f"decision:{short_hash(self.anchor or self.document_id, basis)}"


@dataclass
class Source:
    role: str
    deciders: tuple[str, ...]
    about: tuple[str, ...]
    confidence: float
    at: datetime | None
    span: tuple[int, int] = (0, 0)


@dataclass
class DecisionInfo:
    id: str
    statement: str
    status: str
    decided_at: datetime | None
    rationale: str | None = None
    alternatives: list[str] = field(default_factory=list)
    confidence: float = 0.5
    origin: str = "text"
    polarity: str = "do"
    deadline: date | None = None
    updated_at: datetime | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    primary: str | None = None
    base_status: str = "decided"
    supersedes: str | None = None
    supersedes_reason: str | None = None
    superseded_by: str | None = None
    written: dict[str, object] | None = None  # the row as last written to the graph
    _key_cache: tuple[str, str] | None = field(default=None, repr=False, compare=False)
    _about_cache: tuple[tuple[str, ...], set[str]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def key(self) -> str:
        # cached per statement: clusters can be large and this is asked for often
        cached = self._key_cache
        if cached is None or cached[0] != self.statement:
            cached = self._key_cache = (self.statement, statement_key(self.statement))
        return cached[1]

    def about(self) -> set[str]:
        signature = tuple(sorted(self.sources))
        if len(self.sources) <= 2 or self._about_cache is None:
            found = {e for s in self.sources.values() for e in s.about}
            self._about_cache = (signature, found)
            return found
        if self._about_cache[0] != signature:
            self._about_cache = (signature, {e for s in self.sources.values() for e in s.about})
        return self._about_cache[1]

    def row(self) -> dict[str, object]:
        """All content columns (the ledger's seq/hash are left to the ledger)."""
        return {
            "id": self.id,
            "statement": self.statement,
            "status": self.status,
            "rationale": self.rationale,
            "alternatives": list(self.alternatives),
            "decided_at": self.decided_at,
            "confidence": round(self.confidence, 6),
            "origin": self.origin,
            "polarity": self.polarity,
            "deadline": self.deadline,
            "updated_at": self.updated_at,
            "reversal_cue": self.supersedes_reason,
        }


@dataclass
class Changes:
    touched: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    supersede_touched: set[str] = field(default_factory=set)  # SUPERSEDES out-edges to rewrite


def _one_contains_the_other(a: str, b: str) -> bool:
    words_a, words_b = set(a.split()), set(b.split())
    return bool(words_a and words_b) and (words_a <= words_b or words_b <= words_a)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class DecisionIndex:
    """Every decision with its sources, plus postings by ABOUT entity and statement word."""

    def __init__(self) -> None:
        self.decisions: dict[str, DecisionInfo] = {}
        self.by_doc: dict[str, set[str]] = defaultdict(set)
        self.by_entity: dict[str, set[str]] = defaultdict(set)
        self.by_word: dict[str, set[str]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self.decisions)

    def load(self, decisions: Iterable[DecisionInfo]) -> None:
        self.decisions.clear()
        self.by_doc.clear()
        self.by_entity.clear()
        self.by_word.clear()
        for info in decisions:
            self.decisions[info.id] = info
            self._post(info)
            info.written = info.row()
        for info in self.decisions.values():
            if info.supersedes and info.supersedes in self.decisions:
                self.decisions[info.supersedes].superseded_by = info.id

    def _post(self, info: DecisionInfo) -> None:
        for doc in info.sources:
            self.by_doc[doc].add(info.id)
        for entity in info.about():
            self.by_entity[entity].add(info.id)
        for word in set(info.key.split()):
            if len(word) >= 4:
                self.by_word[word].add(info.id)

    def _unpost(self, info: DecisionInfo) -> None:
        for doc in info.sources:
            self.by_doc.get(doc, set()).discard(info.id)
        for entity in info.about():
            self.by_entity.get(entity, set()).discard(info.id)
        for word in set(info.key.split()):
            self.by_word.get(word, set()).discard(info.id)

    def _candidates(self, key: str, about: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for entity in about:
            found |= self.by_entity.get(entity, set())
        for word in set(key.split()):
            posting = self.by_word.get(word)
            if posting and len(word) >= 4 and len(posting) <= MAX_POSTING:
                found |= posting
        return found

    # -- one document at a time ---------------------------------------------------------
    def restate(self, document_id: str, statements: list[Statement], changes: Changes) -> None:
        """Replace what ``document_id`` states with ``statements`` (empty: it states nothing)."""
        old = set(self.by_doc.get(document_id, set()))
        kept: set[str] = set()
        for stated in statements:
            decision_id = self._place(document_id, stated, old, kept)
            kept.add(decision_id)
            self._apply(decision_id, stated, changes)
        for decision_id in old - kept:
            info = self.decisions.get(decision_id)
            if info is None:
                continue
            self._unpost(info)
            info.sources.pop(document_id, None)
            changes.touched.add(decision_id)
            if not info.sources:
                self._delete(info, changes)
            else:
                if info.primary == document_id:
                    info.primary = self._earliest(info)
                self._refresh(info)
                self._post(info)

    def _place(self, document_id: str, stated: Statement, old: set[str], kept: set[str]) -> str:
        """Which decision a statement is: its own id, a proposal it confirms, what this
        document stated before, or the same decision stated elsewhere; else a new one."""
        own = stated.decision_id()
        if own in self.decisions and own not in kept:
            return own
        if stated.role == "confirmed" and stated.anchor:
            proposals = sorted(d for d in self.by_doc.get(stated.anchor, set()) if d not in kept)
            best = self._best_same(stated, proposals, window=None, floor=50.0)
            if best is None and len(proposals) == 1:
                best = proposals[0]
            if best is not None:
                return best
        before = sorted(d for d in old if d not in kept)
        best = self._best_same(stated, before, window=None, floor=70.0)
        if best is not None:
            return best
        cands = self._candidates(stated.key, stated.about) - kept - old
        cands = {
            c
            for c in cands
            if document_id not in self.decisions[c].sources
            and len(self.decisions[c].sources) < MAX_SOURCES_BY_SIMILARITY
        }
        best = self._best_same(stated, sorted(cands), window=SAME_DECISION_WINDOW)
        return best if best is not None else own

    def _best_same(
        self,
        stated: Statement,
        candidates: Iterable[str],
        *,
        window: timedelta | None,
        floor: float | None = None,
    ) -> str | None:
        """The most similar candidate past the threshold: ``floor`` when given, else one that
        depends on whether they share an ABOUT entity."""
        key = stated.key
        about = set(stated.about)
        reversing = bool(stated.supersedes_cue) or stated.status == "reversed"
        best: tuple[float, str] | None = None
        for decision_id in candidates:
            info = self.decisions.get(decision_id)
            if info is None or info.polarity != stated.polarity:
                continue
            if bool(info.supersedes_reason) != reversing:
                continue  # a reversal is never the decision it reverses
            if (info.origin == "structured") != (stated.origin == "structured"):
                continue  # a status change is linked by precedent, not merged with what people say
            if (
                window is not None
                and info.decided_at is not None
                and abs(info.decided_at - stated.decided_at) > window
            ):
                continue
            score = statement_similarity(key, info.key)
            shared = bool(about & info.about())
            if floor is not None:
                needed = floor
            else:
                needed = SAME_WITH_ABOUT if shared else SAME_WITHOUT_ABOUT
                if (
                    score < needed
                    and shared
                    and info.decided_at is not None
                    and abs(info.decided_at - stated.decided_at) <= SAME_CORE_WINDOW
                    and _one_contains_the_other(key, info.key)
                ):
                    score = needed  # a terse statement of the same decision stated fully elsewhere
            if score >= needed and (best is None or (score, decision_id) > best):
                best = (score, decision_id)
        return best[1] if best else None

    def _apply(self, decision_id: str, stated: Statement, changes: Changes) -> None:
        info = self.decisions.get(decision_id)
        source = Source(
            role=stated.role,
            deciders=stated.deciders,
            about=stated.about,
            confidence=stated.confidence,
            at=stated.decided_at,
            span=stated.span,
        )
        if info is None:
            info = DecisionInfo(
                id=decision_id,
                statement=stated.statement,
                status=stated.status,
                decided_at=stated.decided_at,
            )
            self.decisions[decision_id] = info
            changes.created.add(decision_id)
        else:
            self._unpost(info)
        info.sources[stated.document_id] = source
        earliest = self._earliest(info)
        if stated.role != "confirmed" and (
            info.primary is None
            or info.primary == stated.document_id
            or earliest == stated.document_id
            or info.sources.get(info.primary) is None
            or info.sources[info.primary].role == "confirmed"
        ):
            # this document is (now) where the decision is primarily stated: its content wins
            info.primary = stated.document_id
            info.statement = stated.statement
            info.rationale = stated.rationale
            info.alternatives = list(stated.alternatives)
            info.polarity = stated.polarity
            info.origin = stated.origin
            info.deadline = stated.deadline
            info.base_status = stated.status
        elif info.primary is None:
            info.primary = stated.document_id
            info.statement = stated.statement
            info.polarity = stated.polarity
            info.base_status = "proposed" if stated.status == "decided" else stated.status
        if stated.supersedes_cue or stated.status == "reversed":
            info.supersedes_reason = stated.supersedes_cue or "reversed"
            changes.supersede_touched.add(decision_id)
        self._refresh(info)
        self._post(info)
        changes.touched.add(decision_id)

    @staticmethod
    def _earliest(info: DecisionInfo) -> str | None:
        ranked = sorted(
            info.sources.items(),
            key=lambda kv: (kv[1].role == "confirmed", kv[1].at or datetime.max, kv[0]),
        )
        return ranked[0][0] if ranked else None

    @staticmethod
    def _refresh(info: DecisionInfo) -> None:
        """Recompute what follows from all sources: time, confidence, status."""
        times = [s.at for s in info.sources.values() if s.at is not None]
        info.decided_at = min(times) if times else info.decided_at
        info.updated_at = max(times) if times else info.updated_at
        keep = 1.0
        for source in info.sources.values():
            keep *= 1.0 - min(max(source.confidence, 0.0), 0.99)
        info.confidence = 1.0 - keep
        status = info.base_status
        if status == "proposed" and any(s.role == "confirmed" for s in info.sources.values()):
            status = "decided"
        info.status = "superseded" if info.superseded_by else status

    def _delete(self, info: DecisionInfo, changes: Changes) -> None:
        self._unpost(info)
        del self.decisions[info.id]
        changes.deleted.add(info.id)
        changes.created.discard(info.id)
        if info.supersedes and info.supersedes in self.decisions:
            target = self.decisions[info.supersedes]
            if target.superseded_by == info.id:
                target.superseded_by = None
                self._refresh(target)
                changes.touched.add(target.id)
        if info.superseded_by and info.superseded_by in self.decisions:
            later = self.decisions[info.superseded_by]
            later.supersedes = None
            changes.supersede_touched.add(later.id)
        for doc in list(info.sources):
            self.by_doc.get(doc, set()).discard(info.id)

    # -- links between decisions ----------------------------------------------------------
    def link_supersession(self, decision_id: str, changes: Changes) -> None:
        """Find what a reversing decision supersedes; mark it superseded."""
        info = self.decisions.get(decision_id)
        if info is None:
            return
        previous = info.supersedes
        target = None
        if info.supersedes_reason:
            target = self._superseded_candidate(info)
        if previous and previous != target and previous in self.decisions:
            old = self.decisions[previous]
            if old.superseded_by == decision_id:
                old.superseded_by = None
                self._refresh(old)
                changes.touched.add(previous)
        info.supersedes = target
        if target is not None:
            old = self.decisions[target]
            old.superseded_by = decision_id
            self._refresh(old)
            changes.touched.add(target)

    def _superseded_candidate(self, info: DecisionInfo) -> str | None:
        about = info.about()
        best: tuple[float, datetime, str] | None = None
        for cand_id in self._candidates(info.key, about):
            if cand_id == info.id:
                continue
            cand = self.decisions[cand_id]
            if cand.decided_at and info.decided_at and cand.decided_at > info.decided_at:
                continue
            if cand.base_status in ("rejected",) or (cand.superseded_by not in (None, info.id)):
                continue
            overlap = _jaccard(about, cand.about())
            # What is reversed is judged on content: the cue ("moving back to") says *that*
            # something is reversed, and matching on it links unrelated moves.
            text = statement_similarity(info.key, cand.key)
            if overlap == 0.0 and text < 60.0:
                continue
            score = overlap + text / 100.0
            at = cand.decided_at or datetime.min
            if best is None or (score, at, cand_id) > best:
                best = (score, at, cand_id)
        return best[2] if best else None

    def _similarity(self, info: DecisionInfo, cand: DecisionInfo, about: set[str]) -> float:
        return round(
            0.5 * _jaccard(about, cand.about())
            + 0.5 * statement_similarity(info.key, cand.key) / 100.0,
            4,
        )

    def _around(self, info: DecisionInfo, *, earlier: bool) -> list[DecisionInfo]:
        """Decisions sharing an ABOUT entity, earlier (or later) than ``info``; the nearest
        ``MAX_POSTING`` in time, so a much-discussed entity costs no more than a quiet one."""
        if info.decided_at is None:
            return []
        found: set[str] = set()
        for entity in info.about():
            found |= self.by_entity.get(entity, set())
        out = []
        for cand_id in found:
            cand = self.decisions.get(cand_id)
            if cand is None or cand.id == info.id or cand.decided_at is None:
                continue
            if (
                (cand.decided_at < info.decided_at)
                if earlier
                else (cand.decided_at > info.decided_at)
            ):
                out.append(cand)
        if len(out) > MAX_POSTING:
            out = heapq.nsmallest(
                MAX_POSTING,
                out,
                key=lambda c: abs((c.decided_at or info.decided_at) - info.decided_at),  # type: ignore[operator]
            )
        return out

    def precedents(self, decision_id: str) -> list[tuple[str, float]]:
        """Earlier decisions about the same entities with a similar statement, best first."""
        info = self.decisions.get(decision_id)
        if info is None:
            return []
        about = info.about()
        found: list[tuple[float, str]] = []
        for cand in self._around(info, earlier=True):
            if cand.id in (info.supersedes, info.superseded_by):
                continue
            similarity = self._similarity(info, cand, about)
            if similarity >= PRECEDENT_MIN:
                found.append((similarity, cand.id))
        found.sort(key=lambda x: (-x[0], x[1]))
        return [(cand_id, sim) for sim, cand_id in found[:PRECEDENT_LIMIT]]

    def later_similar(self, decision_id: str) -> list[tuple[str, float]]:
        """Later decisions for which ``decision_id`` is a precedent (a late-arriving old one)."""
        info = self.decisions.get(decision_id)
        if info is None:
            return []
        out = []
        for cand in self._around(info, earlier=False):
            if info.id in (cand.supersedes, cand.superseded_by):
                continue
            similarity = self._similarity(cand, info, cand.about())
            if similarity >= PRECEDENT_MIN:
                out.append((cand.id, similarity))
        return sorted(out)
