"""Cheap rules over one sentence: is it a decision, a proposal, a rejection, a reversal, or
something that only looks like one (a question, a hypothetical, reported speech, ...), and
where are its statement, rationale, alternatives and named deciders.

The rules run on the sentence text with regular expressions (C speed, no model needed); offsets
are character offsets into the sentence. ``normalize`` lower-cases and straightens quotes
without changing the length, so offsets found in the normalized text hold for the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from ontology.extraction._lexicon import IMPERATIVE_VERBS, words
from ontology.extraction._rules import (
    _ALT_NEEDLES,
    _ASKING_FEEDBACK,
    _BOUNDARY,
    _CHOICE_BEFORE_OVER,
    _CONDITIONAL_NEEDLES,
    _CONSIDERED_NEEDLES,
    _DECIDER_NEEDLES,
    _HYPOTHETICAL_NEEDLES,
    _KEEP_IN_STATEMENT,
    _LEADING_FILLER,
    _LIST_SPLIT,
    _NAME,
    _NAME_SPLIT,
    _NEEDLES,
    _NEGATED_NEEDLES,
    _NEGATION_PREFIX,
    _NOT_A_NAME,
    _NOT_AN_OPTION_AFTER_OVER,
    _PRIORITY,
    _RATIONALE_KEEP_MARKER,
    _RATIONALE_NEEDLES,
    _RATIONALE_TEMPORAL,
    _REPORTED_NEEDLES,
    _REQUEST_NEEDLES,
    _STATEMENT_PREFIX,
    _TRAILING,
    ALT_MARKER,
    ANAPHORIC,
    CONDITIONAL,
    CONSEQUENCE_OPENER,
    CONSIDERED,
    DECIDER_BY,
    DECIDER_PER,
    DECIDER_SUBJECT,
    HYPOTHETICAL,
    NEGATED_DECISION,
    OTHER_OPTION,
    PLEASE,
    QUESTION_START,
    RATIONALE_MARKER,
    RATIONALE_OPENER,
    RELAY,
    REPORTED,
    REQUEST,
    RULES,
    CueKind,
    _r,
)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "–": "-"})


def normalize(text: str) -> str:
    """Lower-case, straight quotes; same length as ``text`` so offsets carry over."""
    return text.translate(_QUOTES).lower()


@dataclass(slots=True)
class Cue:
    """The decision phrase a rule found."""

    kind: CueKind
    strength: float
    start: int
    end: int
    verb: str = ""
    negated: bool = False
    content: Literal["after", "before", "all"] = "after"
    explicit: bool = True
    name: str = ""
    supersedes: bool = False


@dataclass(slots=True)
class SentenceCues:
    """What the rules found in one sentence (offsets relative to the sentence start)."""

    text: str
    words: list[str]
    cue: Cue | None = None
    question: bool = False
    proposal_question: bool = False
    hypothetical: bool = False
    conditional: bool = False
    reported: bool = False
    negated_decision: bool = False
    request: bool = False
    please: bool = False
    imperative: bool = False
    imperative_negated: bool = False
    rationale: tuple[int, int] | None = None
    leading_rationale: bool = False
    alternatives: list[str] = field(default_factory=list)
    considered: list[str] = field(default_factory=list)
    rejected_objects: list[str] = field(default_factory=list)
    deciders: list[str] = field(default_factory=list)
    rationale_opener: bool = False
    consequence_opener: bool = False
    parse_imperative: bool | None = None  # set when a statistical parse was run
    main_start: int = 0  # where the main clause starts (after a leading rationale clause)
    main_end: int = 0

    @property
    def flagged(self) -> bool:
        """True when the rules see anything decision-like: worth the expensive parts."""
        return bool(
            self.cue
            or self.imperative
            or self.imperative_negated
            or self.rationale_opener
            or self.considered
        )


_LITERALS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _literals(needles: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for "any of these substrings": a single C call instead of a Python loop."""
    rx = _LITERALS.get(needles)
    if rx is None:
        rx = _LITERALS[needles] = re.compile("|".join(map(re.escape, needles)))
    return rx


def _has(needles: tuple[str, ...], norm: str) -> bool:
    return _literals(needles).search(norm) is not None


def _found(rx: re.Pattern[str], needles: tuple[str, ...], norm: str) -> bool:
    """``rx.search`` behind a substring pre-check."""
    return _literals(needles).search(norm) is not None and rx.search(norm) is not None


def _scan(rx: re.Pattern[str], needles: tuple[str, ...], norm: str) -> Iterator[re.Match[str]]:
    """``rx.finditer`` behind a substring pre-check (most sentences have no marker at all)."""
    if _literals(needles).search(norm) is not None:
        yield from rx.finditer(norm)


def _first_word_index(norm: str) -> int:
    m = _LEADING_FILLER.match(norm)
    return m.end() if m else 0


def _phrase(text: str, start: int, *, max_words: int = 8) -> str:
    """The noun-phrase-ish text from ``start`` to the next clause boundary."""
    rest = text[start:]
    rest = rest[len(rest) - len(rest.lstrip(" .,:;(")) :]
    m = _BOUNDARY.search(" " + rest.lower() + " ")
    cut = max(0, m.start() - 1) if m else len(rest)
    phrase = rest[:cut].strip()
    words = phrase.split()
    return " ".join(words[:max_words])


def split_list(phrase: str) -> list[str]:
    """'RabbitMQ, SQS or NATS' -> ['RabbitMQ', 'SQS', 'NATS']."""
    items = []
    for part in _LIST_SPLIT.split(phrase):
        part = _TRAILING.sub("", part.strip())
        part = re.sub(r"^(?:the|a|an|using|use|to|with)\s+", "", part, flags=re.IGNORECASE)
        if part and part.lower() not in ("it", "that", "this", "them", "one", "etc"):
            items.append(part)
    return items


def clean_statement(text: str) -> str:
    """Strip fillers, the leftovers of a cue and trailing punctuation from a statement."""
    s = text.strip()
    lead = _LEADING_FILLER.match(s.lower())
    if lead:
        s = s[lead.end() :]
    m = _STATEMENT_PREFIX.match(s.lower())
    if m and m.end():
        s = s[m.end() :]
    prev = None
    while prev != s:
        prev = s
        s = _TRAILING.sub("", s).strip()
    return s


def _names(group: str) -> list[str]:
    out = []
    for raw in _NAME_SPLIT.split(group):
        name = raw.strip()
        if not name or name.lower().lstrip("@") in _NOT_A_NAME:
            continue
        if name.split()[0].lower() in _NOT_A_NAME:
            continue
        out.append(name)
    return out


def find_deciders(text: str) -> list[str]:
    """Named deciders/approvers: "Maria approved", "approved by Maria", "per @bob"."""
    found: list[str] = []
    for rx in (DECIDER_BY, DECIDER_PER, DECIDER_SUBJECT):
        for m in rx.finditer(text):
            start = m.start(1)
            # a capitalized first word of the sentence is only a name if it is not a cue word
            for name in _names(m.group(1)):
                if start == 0 and name.lower() in _NOT_A_NAME:
                    continue
                if name not in found:
                    found.append(name)
    return found


_PASSIVE_REJECTION = next(r.pattern for r in RULES if r.name == "was rejected")
_PASSIVE_NEEDLES = _NEEDLES["was rejected"]
_ALL_NEEDLES = tuple(sorted({n for ns in _NEEDLES.values() for n in ns}))
_RULE_NEEDLES = [frozenset(_NEEDLES[r.name]) if r.name in _NEEDLES else None for r in RULES]


def _best_cue(norm: str) -> Cue | None:
    present = {n for n in _ALL_NEEDLES if n in norm}
    found: list[Cue] = []
    for rule, needles in zip(RULES, _RULE_NEEDLES, strict=True):
        if needles is not None and needles.isdisjoint(present):
            continue
        m = rule.pattern.search(norm)  # the first match of a rule is enough
        if m is not None:
            found.append(
                Cue(
                    kind=rule.kind,
                    strength=rule.strength,
                    start=m.start(),
                    end=m.end(),
                    verb=rule.verb,
                    negated=rule.negated,
                    content=rule.content,
                    explicit=rule.explicit,
                    name=rule.name,
                    supersedes=rule.supersedes,
                )
            )
    if not found:
        return None
    # explicit beats inferred; then kind priority; then strength; then earliest
    best = max(found, key=lambda c: (c.explicit, _PRIORITY[c.kind], c.strength, -c.start))
    if best.kind == "rejected" and best.content == "before":
        # "Decision: the queue moves to SQS; RabbitMQ is off the table": the decision comes
        # first, the passive rejection names its alternative (see ``rejected_objects``)
        earlier = [c for c in found if c.kind == "decided" and c.explicit and c.end <= best.start]
        if earlier:
            return max(earlier, key=lambda c: (c.strength, -c.start))
    return best


def analyze(text: str, words: list[str]) -> SentenceCues:
    """Run every rule over one sentence. ``words`` are its lower-cased tokens (no spaces)."""
    norm = normalize(text)
    out = SentenceCues(text=text, words=words, main_end=len(text))
    stripped = norm.rstrip()
    begin = _first_word_index(norm)
    # "I'd suggest we X, thoughts?": asking for feedback on a proposal, not a question
    asking = _ASKING_FEEDBACK.search(norm)
    body_end = asking.start() if asking else len(stripped)
    out.main_end = min(out.main_end, body_end)
    out.question = (
        norm[:body_end].rstrip().endswith("?")
        or (asking is None and stripped.endswith("?"))
        or bool(QUESTION_START.match(norm[begin:]))
    )
    out.negated_decision = _found(NEGATED_DECISION, _NEGATED_NEEDLES, norm)
    out.request = _found(REQUEST, _REQUEST_NEEDLES, norm)
    out.rationale_opener = bool(RATIONALE_OPENER.match(norm[begin:]))
    out.consequence_opener = bool(CONSEQUENCE_OPENER.match(norm.lstrip()))

    cue = _best_cue(norm)
    # "Maria approved" style cues need a following object or a name before them
    out.cue = cue
    if cue is not None:
        before = norm[: cue.start]
        out.reported = _found(REPORTED, _REPORTED_NEEDLES, before)
        hyp = HYPOTHETICAL.search(norm) if _has(_HYPOTHETICAL_NEEDLES, norm) else None
        out.hypothetical = hyp is not None and not (
            cue.kind == "proposed" and cue.start <= hyp.start() < cue.end + 1
        )
        if cue.kind == "proposed" and cue.name == "how about":
            out.proposal_question = True
    else:
        out.reported = _found(REPORTED, _REPORTED_NEEDLES, norm)
        out.hypothetical = _found(HYPOTHETICAL, _HYPOTHETICAL_NEEDLES, norm)

    # "Please X": a directive, weaker than a bare imperative
    pm = PLEASE.match(norm, begin)
    if pm:
        out.please = True
        begin = pm.end()
    # imperative: the first content word is a design verb used as a verb
    first = norm[begin:].split(None, 2)
    if first:
        w0 = first[0].strip(".,:;!\"'")
        w1 = first[1].strip(".,:;!\"'") if len(first) > 1 else ""
        if w0 in ("don't", "never") or (w0 == "do" and w1 == "not"):
            nxt = norm[begin:].split()
            idx = 2 if w0 == "do" else 1
            if len(nxt) > idx + 1 and nxt[idx].endswith("ly"):
                idx += 1  # "Do not permanently include ..."
            if len(nxt) > idx and nxt[idx].strip(".,:;!") in IMPERATIVE_VERBS:
                out.imperative_negated = True
        elif w0 in IMPERATIVE_VERBS and w1 not in _NOT_IMPERATIVE_NEXT and len(first) > 1:
            out.imperative = True

    # rationale: leading ("Since X, we ...") or trailing ("... because X")
    for m in _scan(RATIONALE_MARKER, _RATIONALE_NEEDLES, norm):
        marker = m.group(0).strip(" ,").lower()
        if marker == "since" and _RATIONALE_TEMPORAL.match(norm, m.end()):
            continue
        if cue is not None and m.start() < cue.end and cue.content == "after" and m.start() > begin:
            continue  # "decided to avoid X" is content, not reason
        keep = marker.startswith(_RATIONALE_KEEP_MARKER)
        r_start = m.start() if keep else m.end()
        while r_start < len(text) and text[r_start] in " ,:":
            r_start += 1
        if m.start() <= begin + 1:
            comma = norm.find(",", m.end())
            if comma > 0:
                out.rationale = (r_start, comma)
                out.leading_rationale = True
                out.main_start = comma + 1
            continue
        out.rationale = (r_start, len(stripped))
        out.main_end = min(out.main_end, m.start())
        break

    # a conditional only counts outside the rationale and not as "what if we" proposals
    for m in _scan(CONDITIONAL, _CONDITIONAL_NEEDLES, norm):
        if out.rationale and out.rationale[0] <= m.start() < out.rationale[1]:
            continue
        if cue is not None and cue.start <= m.start() < cue.end:
            continue
        if m.group(0).strip() in ("once", "when", "whenever") and m.start() > begin:
            continue  # "when" mid-sentence is usually temporal, not a condition
        word = m.group(0).strip()
        leading = m.start() <= begin + 1
        if leading or word not in ("if", "once", "when", "whenever") or cue is None:
            out.conditional = True  # "If X, we'll ...", "... unless X", "assuming X"
        elif not cue.explicit and cue.kind == "decided":
            out.conditional = True  # "We'll use Kafka if the load test passes"
        # else: "We decided to show a warning if X" - the condition is part of the content
        if cue is not None and m.start() > cue.end and out.conditional:
            out.main_end = min(out.main_end, m.start())
        break

    # alternatives in the sentence
    for m in _scan(ALT_MARKER, _ALT_NEEDLES, norm):
        marker = " ".join(m.group(0).split())
        if out.rationale and out.rationale[0] <= m.start() < out.rationale[1]:
            continue
        if marker == "over" and (
            not _CHOICE_BEFORE_OVER.search(norm[: m.start()])
            or _NOT_AN_OPTION_AFTER_OVER.match(norm, m.end())
        ):
            continue
        if marker in ("in favor of", "in favour of"):
            # "drop X in favor of Y": X is the alternative
            lead = cue.end if cue is not None and cue.end <= m.start() else begin
            head = text[lead : m.start()].strip()
            head = re.sub(
                r"^(?:to\s+)?(?:drop|ditch|abandon|deprecate|replace|remove|retire|sunset|"
                r"dropping|ditching|abandoning|replacing|removing|retiring)\s+",
                "",
                head,
                flags=re.IGNORECASE,
            )
            items = split_list(_phrase(head, 0))
        elif marker.endswith("from"):
            # "moves from Jenkins to GitHub Actions": the alternative ends at "to"
            rest = text[m.end() :]
            to = re.search(r"\s(?:to|onto|towards)\s", rest)
            items = split_list(_phrase(rest[: to.start()] if to else rest, 0))
        else:
            items = split_list(_phrase(text, m.end()))
        for item in items:
            if item not in out.alternatives:
                out.alternatives.append(item)
        if marker.startswith(_KEEP_IN_STATEMENT) or marker.endswith("from"):
            continue  # the statement reads right with the marker left in
        out.main_end = min(out.main_end, m.start())

    for m in _scan(CONSIDERED, _CONSIDERED_NEEDLES, norm):
        for item in split_list(_phrase(text, m.end())):
            if item not in out.considered:
                out.considered.append(item)
    for m in _scan(OTHER_OPTION, ("other", "alternative", "runner", "fallback", "second"), norm):
        # "MongoDB was the other option"
        item = clean_statement(text[m.start(1) : m.end(1)])
        item = re.sub(r"^(?:the|an?)\s+", "", item, flags=re.IGNORECASE)
        if item and item not in out.considered:
            out.considered.append(item)
    if cue is not None and cue.kind == "rejected":
        obj = _content(text, cue, out)
        out.rejected_objects = split_list(obj) if obj else []
    elif cue is not None and cue.kind == "decided" and _has(_PASSIVE_NEEDLES, norm):
        # "...moves to SQS; RabbitMQ is off the table because ...": RabbitMQ is an alternative
        for m in _PASSIVE_REJECTION.finditer(norm, cue.end):
            cut = max(norm.rfind(p, cue.end, m.start()) for p in ";,:")
            if cut < 0:
                continue
            for item in split_list(clean_statement(text[cut + 1 : m.start()])):
                if item not in out.alternatives:
                    out.alternatives.append(item)
            out.main_end = min(out.main_end, cut)
    out.deciders = find_deciders(text) if _has(_DECIDER_NEEDLES, norm) else []
    if out.rationale is None and cue is not None and cue.content == "after":
        # "Going with Wise over Currencycloud: better spreads and same-day settlement" - the
        # clause after a colon, semicolon or dash gives the reason, unless it is itself the
        # decision restated ("Not doing gRPC: we'll keep REST")
        stop = _CLAUSE_STOP.search(text, cue.end)
        if stop is not None:
            tail = norm[stop.end() :].strip()
            tail_cue = _best_cue(tail)
            restated = tail_cue is not None and tail_cue.start <= _first_word_index(tail) + 1
            if tail and not restated and not tail.endswith("?") and len(tail.split()) >= 3:
                out.rationale = (stop.end(), len(stripped))
                out.main_end = min(out.main_end, stop.start())
    if out.deciders and cue is not None and not out.reported and RELAY.search(norm):
        out.reported = True  # "FYI Raj decided on X, details in the ticket": relayed
    if out.cue is None and out.alternatives and out.rationale is not None and not out.question:
        # "The driver app is built in React Native rather than Flutter because ...": an option
        # named, another set aside, and a reason: the shape of a decision statement
        out.cue = Cue("decided", 0.7, begin, begin, explicit=False, name="chose over because")
    if out.cue is None:
        pa = PAST_ACTION.search(norm)
        if pa and _is_past_design_verb(pa.group(1)):
            out.cue = Cue("decided", 0.5, pa.start(), pa.start(1), explicit=False, name="we did")
    return out


PAST_ACTION = _r(
    r"^\s*(?:so\s+|now\s+)?(?:we|i)\s+(?:(?:also|just|now|already|finally|then)\s+)?(\w+)\b"
)


def _is_past_design_verb(word: str) -> bool:
    if not word.endswith("ed") and word not in (
        "chose",
        "made",
        "kept",
        "built",
        "wrote",
        "split",
        "set",
        "put",
        "moved",
    ):
        return False
    from ontology.extraction._lexicon import verb_lemma

    lemma = verb_lemma(word)
    return (
        lemma is not None
        and lemma in IMPERATIVE_VERBS
        and lemma not in ("need", "try", "check", "test", "decide")
    )


_CLAUSE_STOP = re.compile(r"[:;]\s|\s[-–—]\s")
_NOT_IMPERATIVE_NEXT = frozenset(
    words("""
    of is are was were has had 's will would can should could might must cases case
    coverage results result suite tests data set for -
    """)
)


def _content(text: str, cue: Cue, cues: SentenceCues) -> str:
    """The text a cue governs: after it ("decided to X") or before it ("X was approved")."""
    if cue.content == "all":
        raw = text[cues.main_start : cues.main_end]
    elif cue.content == "before":
        start = cues.main_start if cues.main_start < cue.start else 0
        raw = text[start : cue.start]
    else:
        end = cues.main_end if cues.main_end > cue.end else len(text)
        stop = _CLAUSE_STOP.search(text, cue.end, end)
        if stop and stop.start() > cue.end + 2:
            end = stop.start()  # "Not doing gRPC for now: we'll keep REST" -> "doing gRPC"
        raw = text[cue.end : end]
    return clean_statement(raw)


def statement_of(cues: SentenceCues) -> tuple[str, bool]:
    """The decision's statement and whether it is negated (polarity do_not).

    The statement is the action without the cue, rationale or alternatives: "We decided to
    use Kafka instead of RabbitMQ because it scales" -> "use Kafka". Negation moves into
    the polarity: "We won't support IE11" -> ("support IE11", negated).
    """
    text = cues.text
    negated = False
    cue = cues.cue
    if cue is not None:
        body = _content(text, cue, cues)
        if not body and cue.name == "going forward" and cue.start > cues.main_start + 1:
            # the cue closes the sentence: "No deploys on Fridays, effective now."
            body = clean_statement(text[cues.main_start : cue.start])
        negated = cue.negated
        if cue.verb and body and not body.lower().startswith(cue.verb.split()[0]):
            body = f"{cue.verb} {body}"
    else:
        start = cues.main_start
        end = cues.main_end if cues.main_end > start else len(text)
        body = clean_statement(text[start:end])
        if cues.imperative_negated:
            negated = True
    m = _NEGATION_PREFIX.match(body.lower())
    if m:
        negated = True  # the cue's own "not" or the body's: either way, do not
        body = body[m.end() :]
    if cue is not None and cue.kind in ("rejected",):
        negated = True
    body = clean_statement(body)
    if cues.deciders and _ONLY_DECIDERS.fullmatch(body):
        body = ""  # "Signed off by Maria." names who, not what
    return body, negated


_ONLY_DECIDERS = re.compile(
    r"(?:(?:by|per|from)\s+)?" + _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r")*(?:\s+too)?"
)


def is_anaphoric(statement: str) -> bool:
    """True for statements that only point back: "do that", "go with it", "this"."""
    return not statement or bool(ANAPHORIC.match(statement.lower()))


def clean_rationale(text: str) -> str:
    """Trim a reason: whitespace, a leading "that", trailing punctuation and emoji."""
    s = re.sub(r"^(?:that|is\s+that)\s+", "", text.strip(), flags=re.IGNORECASE)
    prev = None
    while prev != s:
        prev = s
        s = _TRAILING.sub("", s).strip()
    return s


def rationale_text(cues: SentenceCues) -> str | None:
    if cues.rationale is None:
        return None
    start, end = cues.rationale
    text = clean_rationale(cues.text[start:end])
    return text or None
