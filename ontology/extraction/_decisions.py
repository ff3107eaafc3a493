"""Decisions from free text: the per-sentence verdict (rules + classifier), then the context
across sentences of one message (rationale in the next sentence, "So we'll ...", alternatives
named elsewhere in the message, "Signed off by Maria." on its own line, "Let's do that.").
Confirmations of a parent's proposal are finished by the ``Extractor`` (it needs the parent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, ORTH, SENT_START
from spacy.tokens import Doc

from ontology._model import DecisionStatus, ExtractedDecision
from ontology.extraction._cues import (
    SentenceCues,
    analyze,
    clean_rationale,
    clean_statement,
    find_deciders,
    is_anaphoric,
    rationale_text,
    statement_of,
)
from ontology.extraction._dates import find_deadline
from ontology.extraction._state import Confirmation, DocState, SentenceInfo, state_of, text_of

#: Sentences longer than this are code or logs pasted into chat: no rules, no classifier.
MAX_SENTENCE_CHARS = 1500


@dataclass(slots=True)
class Judgement:
    """The verdict on one sentence."""

    label: str  # decision | alternative | pro | con | issue | none
    status: DecisionStatus | None = None
    confidence: float = 0.0


#: Negative decision phrases that turn an option down (status rejected) rather than set a rule
#: ("Do not store card numbers in logs" stays decided, polarity do_not).
TURNING_DOWN = frozenset(
    ("we won't", "decided not to", "let's not", "not doing", "we're not doing", "not going with")
)


def _argmax(scores: dict[str, float], among: tuple[str, ...]) -> str:
    return max(among, key=lambda k: scores.get(k, 0.0))


def judge(cues: SentenceCues, scores: dict[str, float] | None, min_confidence: float) -> Judgement:
    """Combine the rules and the classifier for one sentence.

    Rules gate: negated decisions ("we haven't decided"), reported speech, requests and
    hypotheticals are never decided; questions are at most proposals. Rules set the status
    (decided / proposed / rejected / reversed) and a prior strength; the classifier moves the
    confidence (explicit cues a little, inferred ones — imperatives, "let's", "we will" — a lot)
    and alone can find decisions the rules miss.
    """
    rest = ("pro", "con", "issue", "none")
    fallback = _argmax(scores, rest) if scores else "none"
    if cues.question and not cues.proposal_question:
        cue = cues.cue
        if (
            cue is not None
            and cue.kind == "proposed"
            and scores is not None
            and not cues.hypothetical
            and scores["alternative"] >= max(0.3, scores["issue"])
        ):
            # "Can we use Statuspage instead of the manual email list?": the classifier reads
            # it as an option put forward, not as an open issue
            confidence = round(0.5 * cue.strength + 0.5 * scores["alternative"], 3)
            if confidence >= min_confidence:
                return Judgement("alternative", "proposed", confidence)
        return Judgement("issue" if scores is None or fallback in ("issue", "none") else fallback)
    if cues.negated_decision or cues.reported:
        return Judgement(fallback)
    pd = scores["decision"] if scores else None
    pa = scores["alternative"] if scores else None

    cue = cues.cue
    kind: str | None = None
    strength = 0.0
    explicit = False
    if cue is not None:
        kind, strength, explicit = cue.kind, cue.strength, cue.explicit
    elif cues.imperative_negated or (
        cues.parse_imperative if cues.parse_imperative is not None else cues.imperative
    ):
        kind, strength = "decided", 0.6 if cues.imperative_negated else 0.5
        if cues.please:
            strength -= 0.1
    if cues.request and kind != "proposed":
        return Judgement(fallback)
    if cues.hypothetical:
        return Judgement(fallback)  # "If we moved to Kafka we could replay the ledger"

    if kind is None:
        if scores is None or pd is None or pa is None:
            return Judgement(fallback)
        best = _argmax(scores, ("decision", "alternative", *rest))
        if best == "decision" and pd >= min_confidence:
            return Judgement("decision", "decided", pd)
        if best == "alternative" and pa >= min_confidence:
            return Judgement("alternative", "proposed", pa)
        return Judgement(fallback)

    status: DecisionStatus = kind  # type: ignore[assignment]
    if cue is not None and cue.supersedes:
        status = "decided"  # a new decision replacing an earlier one (supersedes_cue)
    elif cue is not None and cue.negated and cue.name in TURNING_DOWN:
        status = "rejected"  # "we won't X", "not doing X": an option turned down
    if pd is None or pa is None:
        confidence = strength
    elif kind == "proposed":
        confidence = strength + (pa + pd - 0.5) * 0.4
    else:
        weight = 0.3 if explicit else 0.5
        confidence = strength + (pd - 0.5) * weight
        # an inferred cue the classifier reads as an option: a proposal, not a decision
        if not explicit and pa > pd and pa >= 0.5:
            status = "proposed"
            confidence = 0.5 * strength + 0.5 * pa
    if cues.conditional and status == "decided":
        status = "proposed"
        confidence *= 0.9
    confidence = round(min(0.99, max(0.01, confidence)), 3)
    if confidence < min_confidence:
        return Judgement(fallback, status, confidence)
    return Judgement("alternative" if status == "proposed" else "decision", status, confidence)


# -- replies that confirm the parent ------------------------------------------------------------
_CONFIRM_STRONG = (
    r"approved?|approves|agreed|i\s+agree|we\s+agree|go\s+ahead|go\s+for\s+it|ship\s+it|do\s+it|"
    r"let'?s\s+do\s+(?:it|that|this)|let'?s\s+go\s+with\s+(?:it|that|this(?:\s+one)?)|"
    r"let'?s\s+go|let'?s\s+proceed|proceed|green\s+light|signed\s+off|sign\s+off|decided|"
    r"done\s+deal|deal|confirmed|works\s+for\s+me|fine\s+by\s+me|"
    r"let'?s\s+make\s+it\s+happen|make\s+it\s+so|approve\s+it|you\s+have\s+my\s+approval"
)
_CONFIRM_WEAK = (
    r"\+1|:\+1:|:thumbsup:|:white_check_mark:|:heavy_check_mark:|👍|✅|lgtm|sgtm|"
    r"sounds\s+good|sounds\s+great|sounds\s+right|makes\s+sense|good\s+idea|great\s+idea|"
    r"yes|yep|yeah|yup|sure|ok(?:ay)?|k|cool|great|perfect|alright|right|absolutely|"
    r"definitely|of\s+course|👌|🚀"
)
_CONFIRM_NEG = (
    r"-1|:-1:|:thumbsdown:|👎|no|nope|let'?s\s+not(?:\s+do\s+(?:it|that|this))?|"
    r"i\s+disagree|disagree|not\s+approved|rejected|veto(?:ed)?|no-?go|hold\s+off|"
    r"don'?t\s+do\s+(?:it|that)|not\s+a\s+good\s+idea|bad\s+idea|not\s+convinced"
)
_FILLER = (
    r"to\s+me|from\s+me|by\s+me|then|team|all|folks|guys|everyone|thanks|thank\s+you|please|"
    r"here|too|also|as\s+well|for\s+this|on\s+this|on\s+that|with\s+that|with\s+this|"
    r":[\w+\-]+:|it|that|this|the\s+plan|the\s+proposal|the\s+change|both|really|totally|"
    r"(?:@[\w.\-]+)|(?-i:[A-Z][a-z]+)|from\s+my\s+side|on\s+my\s+side|by\s+(?:@?\w+)"
)
_TOKEN = re.compile(
    rf"\s*(?:(?P<neg>(?:{_CONFIRM_NEG}))|(?P<strong>(?:{_CONFIRM_STRONG}))|"
    rf"(?P<weak>(?:{_CONFIRM_WEAK}))|(?P<filler>(?:{_FILLER})))(?=$|[\s,.!;:)\-—]|[^\w\s])"
    r"(?:[\s,.!;)\-—]|:(?![\w+\-]))*",
    re.IGNORECASE,
)
_HOLD = re.compile(
    r"\b(?:but|wait|later|not\s+yet|first|after|before|unless|if|once|hold)\b|\?", re.IGNORECASE
)


def detect_confirmation(text: str) -> Confirmation | None:
    """Is this whole (short) reply a confirmation ("ok, let's do that", "+1, approved",
    "agreed, go ahead") or a refusal ("-1, let's not")? Anything with a condition, a question
    or content of its own is not."""
    stripped = text.strip()
    if not stripped or len(stripped) > 160 or _HOLD.search(stripped):
        return None
    pos = 0
    strong = weak = neg = 0
    spans: list[tuple[int, int]] = []
    lead = len(text) - len(text.lstrip())
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if m is None or m.end() == pos:
            return None
        if m.group("neg"):
            neg += 1
            spans.append((m.start("neg"), m.end("neg")))
        elif m.group("strong"):
            strong += 1
            spans.append((m.start("strong"), m.end("strong")))
        elif m.group("weak"):
            weak += 1
            spans.append((m.start("weak"), m.end("weak")))
        pos = m.end()
    if not spans:
        return None
    start, end = spans[0][0] + lead, spans[-1][1] + lead
    deciders = find_deciders(stripped)
    if neg and not strong:
        return Confirmation(False, 0.8, start, end, deciders)
    if neg:
        return None  # mixed signals
    # "+1", "sounds good", a thumbs-up alone: a vote or a nod, not an approval
    strength = 0.85 if strong else 0.0
    return Confirmation(True, strength, start, end, deciders)


# -- the components ----------------------------------------------------------------------------
# Source code pasted into a message: assignments, calls with brackets, statement ends.
_CODE = re.compile(
    r"\w\s*=\s*\w+[\[(.]|[;{}]\s*$|^\s*(?:def|class|return|import|if .*:$)\b|\)\s*[{:]$"
)


#: Tokens that end a sentence (the sentencizer's defaults that occur in chat and tickets).
SENTENCE_END = (".", "!", "?", "...", "…", "?!", "!?", "!!", "??", "!!!", "???", "。", "！", "？")


class SentenceAnalyzer:
    """The ``siphon_cues`` component: splits sentences (unless something before it did) and runs
    the cheap rules over every sentence.

    Sentence bounds and words come from one ``Doc.to_array`` call per document: the spaCy
    sentencizer, ``doc.sents`` and token objects cost more here than all the rules together.
    Splitting follows the sentencizer's rule (a sentence ends after ``SENTENCE_END``, closing
    punctuation stays with it) and also ends a sentence at a line break.
    """

    def __init__(self, name: str = "siphon_cues", *, max_sentence_chars: int = 1500) -> None:
        self.name = name
        self.max_sentence_chars = max_sentence_chars

    def __call__(self, doc: Doc) -> Doc:
        st = state_of(doc)
        st.sentences = []
        n = len(doc)
        if n == 0:
            return doc
        arr = doc.to_array([SENT_START, IDX, LENGTH, LOWER, IS_SPACE, IS_PUNCT, ORTH])
        idx = arr[:, 1].tolist()
        length = arr[:, 2].tolist()
        lower = arr[:, 3].tolist()
        space = arr[:, 4].tolist()
        st.token_starts = idx
        st.token_lengths = length
        strings = doc.vocab.strings
        text = text_of(doc)
        preset = doc.has_annotation("SENT_START")
        if preset:
            starts = [int(i) for i in numpy.flatnonzero(arr[:, 0] == 1)]
        else:
            punct = arr[:, 5].tolist()
            ends = {strings.add(p) for p in SENTENCE_END}
            starts = [0]
            after_end = False
            for i, orth in enumerate(arr[:, 6].tolist()):
                if after_end and not punct[i] and not space[i]:
                    starts.append(i)
                    after_end = False
                if orth in ends:
                    after_end = True
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        # a line break ends a sentence too (bullets, pasted lists, Jira descriptions)
        breaks = (
            [
                i + 1
                for i in range(n - 1)
                if space[i] and "\n" in strings[lower[i]] and i + 1 not in starts
            ]
            if "\n" in text and not preset
            else []
        )
        if breaks:
            starts = sorted({*starts, *breaks})
        for s, e in zip(starts, [*starts[1:], n], strict=True):
            while e > s and space[e - 1]:
                e -= 1
            if e <= s:
                continue
            start_char, end_char = idx[s], idx[e - 1] + length[e - 1]
            sent = text[start_char:end_char]
            if not sent.strip():
                continue
            if len(sent) > self.max_sentence_chars or _CODE.search(sent):
                cues = SentenceCues(text=sent, words=[])
            else:
                words = [strings[lower[i]] for i in range(s, e) if not space[i]]
                cues = analyze(sent, words)
            st.sentences.append(SentenceInfo(start_char, end_char, s, e, cues))
        return doc


_OPENER_STRIP = re.compile(
    r"^(?:(?:this|that|it)(?:'s|\s+is|\s+was)\s+because|the\s+(?:main\s+)?reasons?\s+(?:is|are|"
    r"was|being)(?:\s+that)?|reasons?\s*:|rationale\s*:|why\s*:|because|mainly\s+because|since|"
    r"the\s+(?:main\s+)?(?:motivation|driver|rationale)\s+(?:is|was)(?:\s+that)?)[\s,:]*",
    re.IGNORECASE,
)


class DecisionFinder:
    """The ``siphon_decisions`` component: verdicts per sentence, then context across them."""

    def __init__(
        self, name: str = "siphon_decisions", *, min_confidence: float = 0.5, sprint_days: int = 14
    ) -> None:
        self.name = name
        self.min_confidence = min_confidence
        self.sprint_days = sprint_days

    def __call__(self, doc: Doc) -> Doc:
        st = state_of(doc)
        text = text_of(doc)
        if st.parent is not None or len(text) <= 160:
            st.confirmation = detect_confirmation(text)
        candidates: list[tuple[int, ExtractedDecision]] = []
        ref = (st.created_at or datetime.now(UTC)).date()
        for i, info in enumerate(st.sentences):
            verdict = judge(info.cues, info.scores, self.min_confidence)
            info.label = verdict.label
            if verdict.status is None or st.confirmation is not None:
                continue
            decision = self._decision(doc, st, i, info, verdict, ref)
            if decision is None:
                continue
            if candidates and candidates[-1][0] == i - 1 and _points_back(info):
                # "I propose we move to Kafka. Let's do it.": one decision, now decided
                _, before = candidates.pop()
                decision.rationale = decision.rationale or before.rationale
                decision.alternatives = decision.alternatives or before.alternatives
                decision.about = decision.about or before.about
                decision.deadline = decision.deadline or before.deadline
                decision.start = before.start
            candidates.append((i, decision))
        self._context(st, candidates)
        st.candidates = [d for _, d in candidates]
        st.decisions = [d for d in st.candidates if d.confidence >= self.min_confidence]
        return doc

    def _decision(
        self,
        doc: Doc,
        st: DocState,
        i: int,
        info: SentenceInfo,
        verdict: Judgement,
        ref: date,
    ) -> ExtractedDecision | None:
        cues = info.cues
        statement, negated = statement_of(cues)
        assert verdict.status is not None
        if is_anaphoric(statement):
            # "Let's do that." points at the sentence before it in the same message
            if i == 0:
                return None  # nothing to point back to (a reply: see confirmations)
            prev = st.sentences[i - 1]
            statement, prev_negated = statement_of(prev.cues)
            negated = negated or prev_negated
            if not statement:
                return None
        deadline = find_deadline(cues.text, ref, sprint_days=self.sprint_days)
        if deadline is not None and statement.endswith(deadline.text):
            statement = clean_statement(statement[: -len(deadline.text)])
        if not statement or _EMPTY_STATEMENT.fullmatch(statement.lower()):
            return None  # "Maybe later.", "let's see": nothing was decided or proposed
        alternatives = list(cues.alternatives)
        for item in cues.considered:
            if item not in alternatives and item.lower() not in statement.lower():
                alternatives.append(item)
        about = [
            m.public()
            for m in st.mentions
            if info.start <= m.start < info.end and m.label not in ("URL", "EMAIL", "PERSON")
        ]
        status = verdict.status
        return ExtractedDecision(
            statement=statement,
            status=status,
            polarity="do_not" if negated or status == "rejected" else "do",
            rationale=rationale_text(cues),
            alternatives=alternatives,
            deciders=list(cues.deciders),
            deadline=deadline.when if deadline else None,
            confidence=verdict.confidence,
            start=info.start,
            end=_trim_end(text_of(doc), info.start, info.end),
            about=about,
            supersedes_cue=(
                cues.text[cues.cue.start : cues.cue.end].strip()
                if cues.cue is not None and (status == "reversed" or cues.cue.supersedes)
                else None
            ),
        )

    def _context(self, st: DocState, candidates: list[tuple[int, ExtractedDecision]]) -> None:
        """Attach what neighbouring sentences say to the decisions of this message."""
        if not candidates:
            return
        decision_rows = {i for i, _ in candidates}
        sentences = st.sentences
        # deciders named in a sentence of their own ("Signed off by Maria.")
        loose_deciders = [
            name
            for i, s in enumerate(sentences)
            if i not in decision_rows
            for name in s.cues.deciders
        ]
        considered = [
            item
            for i, s in enumerate(sentences)
            if i not in decision_rows
            for item in (*s.cues.considered, *s.cues.rejected_objects)
        ]
        decided = [d for _, d in candidates if d.status == "decided"]
        for i, decision in candidates:
            if decision.rationale is None:
                decision.rationale = self._neighbour_rationale(sentences, i, decision_rows)
            if not decision.deciders and loose_deciders:
                decision.deciders = list(dict.fromkeys(loose_deciders))
            if decision.status in ("decided", "reversed"):
                for item in considered:
                    low = item.lower()
                    if low not in decision.statement.lower() and item not in decision.alternatives:
                        decision.alternatives.append(item)
        # a rejection next to a decision in the same message names an alternative of it
        for _, rejected in candidates:
            if rejected.status != "rejected":
                continue
            for d in decided:
                if rejected.statement not in d.alternatives and rejected.statement != d.statement:
                    d.alternatives.append(rejected.statement)

    @staticmethod
    def _neighbour_rationale(
        sentences: list[SentenceInfo], i: int, decision_rows: set[int]
    ) -> str | None:
        cues = sentences[i].cues
        if i + 1 < len(sentences) and i + 1 not in decision_rows:
            nxt = sentences[i + 1]
            scores = nxt.scores or {}
            pro_con = scores.get("pro", 0.0) + scores.get("con", 0.0)
            if nxt.cues.rationale_opener or (
                pro_con >= 0.5 and not nxt.cues.question and nxt.cues.cue is None
            ):
                text = _OPENER_STRIP.sub("", nxt.cues.text.strip())
                return clean_rationale(text) or None
        if cues.consequence_opener and i > 0 and i - 1 not in decision_rows:
            prev = sentences[i - 1].cues
            if not prev.question:
                return clean_rationale(prev.text) or None
        return None


_EMPTY_STATEMENT = re.compile(
    r"(?:(?:later|sometime|soon|tomorrow|today|now|eventually|then|again|too|also|both|"
    r"either|maybe|so|yes|no|ok|not|it|this|that|there|here|see|the\s+same)\W*)+"
)


def _points_back(info: SentenceInfo) -> bool:
    statement, _ = statement_of(info.cues)
    return is_anaphoric(statement)


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def confirmation_decision(
    st: DocState, parent: DocState, parent_id: str, min_confidence: float
) -> ExtractedDecision | None:
    """The decision a confirming reply makes: the parent's proposal, decided by the replier."""
    conf = st.confirmation
    if conf is None or conf.strength <= 0:
        return None
    best = _parent_proposal(parent)
    if best is None or (best.status != "proposed" and conf.positive):
        return None  # agreeing with a decision already taken decides nothing new
    decision = ExtractedDecision(
        statement=best.statement,
        status="decided" if conf.positive else "rejected",
        polarity=best.polarity if conf.positive else "do_not",
        rationale=best.rationale,
        alternatives=list(best.alternatives),
        deciders=list(conf.deciders),
        deadline=best.deadline,
        confidence=round(min(0.99, 0.5 * conf.strength + 0.5 * max(best.confidence, 0.6)), 3),
        start=conf.start,
        end=conf.end,
        about=[],  # offsets of the parent's mentions do not hold in the reply
        confirms_document=parent_id,
    )
    return decision if decision.confidence >= min_confidence else None


def _parent_proposal(parent: DocState) -> ExtractedDecision | None:
    """What the parent proposed: its best proposal, else its best decision candidate, else
    a yes/no question that asks to do something ("Should we move to Postgres?")."""
    rank = {"proposed": 3, "decided": 2, "reversed": 1, "rejected": 0}
    pool = [d for d in parent.candidates if d.statement]
    if pool:
        return max(pool, key=lambda d: (rank[d.status], d.confidence))
    for info in parent.sentences:
        cues = info.cues
        if cues.question and cues.cue is not None and cues.cue.kind == "proposed":
            statement, negated = statement_of(cues)
            if statement:
                return ExtractedDecision(
                    statement=statement,
                    status="proposed",
                    polarity="do_not" if negated else "do",
                    confidence=0.6,
                    start=info.start,
                    end=info.end,
                )
    return None
