"""IS_A candidates (Hearst patterns) and subject-verb-object relations between named things.

Noun phrases come from the statistical parser's noun chunks when a sentence was parsed, else
from token windows bounded by function words, verbs and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from spacy.tokens import Doc

from ontology._model import IsaCandidate, RelationCandidate
from ontology.extraction._lexicon import FUNCTION_WORDS, IMPERATIVE_VERBS, verb_lemma, words
from ontology.extraction._state import Mention, SentenceInfo, state_of

#: Published pattern precision (WebIsADb, Seitner et al. 2016) used as the candidate's weight.
#: "like" is not in that list: 0.25 is our own conservative figure, below "e.g.".
PATTERN_WEIGHTS = {
    "and other": 0.70,
    "or other": 0.70,
    "such as": 0.58,
    "including": 0.44,
    "is a": 0.44,
    "e.g.": 0.33,
    "like": 0.25,
}
_HEARST_HINT = re.compile(
    r"\b(?:such as|including|and other|or other|e\.g\.?|for example|like|is an?|are)\b",
    re.IGNORECASE,
)
_NOT_BEFORE_LIKE = frozenset(
    words(
        "i we you they he she it would 'd looks look looked seems seem feel feels felt just more "
        "something anything nothing things stuff much exactly really sounds sound is are was"
    )
)
_NOUNISH_STOP = (
    FUNCTION_WORDS
    | IMPERATIVE_VERBS
    | frozenset(
        words(
            "need needs want wants like likes prefer prefers evaluate evaluated consider "
            "considered support supports have has had get got try tried think thought know knew "
            "see saw"
        )
    )
)
_SUBJECT_PRONOUNS = frozenset(words("i we you they he she"))
_NOT_HYPONYM = frozenset(words("this that it there which what something everything nothing one"))
_LIST_WORDS = frozenset(("and", "or", ","))
_RELATION_LABELS = frozenset(
    words("TECH PRODUCT ORG NAME COMPONENT PROJECT PERSON ISSUE_KEY GPE FAC NORP EVENT")
)


def singular(word: str) -> str:
    """Rule-based singular for a hypernym head: brokers -> broker, libraries -> library."""
    low = word.lower()
    if len(low) <= 3 or not low.endswith("s") or low.endswith(("ss", "us", "is")):
        return word
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if low.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]


@dataclass(slots=True)
class _Phrase:
    text: str
    start: int  # char offsets in the doc
    end: int


def _phrase_left(doc: Doc, end_tok: int, lo: int) -> _Phrase | None:
    """The noun phrase ending just before token ``end_tok`` (exclusive)."""
    j = end_tok
    while j > lo and (doc[j - 1].is_punct and doc[j - 1].text in ",("):
        j -= 1
    i = j
    while i > lo and j - i < 3:
        tok = doc[i - 1]
        if tok.is_punct or tok.is_space or tok.lower_ in _NOUNISH_STOP or tok.like_num:
            break
        i -= 1
    # "I benchmarked message brokers such as ...": with no tagger, a past-tense or -ing word
    # right after a subject pronoun is the verb, not a modifier ("managed databases" stays).
    while i < j - 1 and doc[i].lower_.endswith(("ed", "ing")) and i > lo:
        if doc[i - 1].lower_ not in _SUBJECT_PRONOUNS:
            break
        i += 1
    if i == j:
        return None
    span = doc[i:j]
    return _Phrase(span.text, span.start_char, span.end_char)


def _phrases_right(doc: Doc, start_tok: int, hi: int, mentions: list[Mention]) -> list[_Phrase]:
    """A list of noun phrases from ``start_tok``: "Kafka, RabbitMQ and NATS"."""
    by_start = {m.tok_start: m for m in mentions}
    out: list[_Phrase] = []
    i = start_tok
    while i < hi and doc[i].text in (",", ":", "("):
        i += 1
    while i < hi:
        m = by_start.get(i)
        if m is not None:
            out.append(_Phrase(m.text, m.start, m.end))
            i = m.tok_end
        else:
            j = i
            while j < hi and j - i < 4:
                tok = doc[j]
                if tok.is_punct or tok.is_space or tok.lower_ in FUNCTION_WORDS:
                    break
                j += 1
            if j == i:
                break
            span = doc[i:j]
            out.append(_Phrase(span.text, span.start_char, span.end_char))
            i = j
        # continue the list only over "," / "and" / "or"
        if i < hi and doc[i].lower_ in _LIST_WORDS:
            i += 1
            if i < hi and doc[i].lower_ in ("and", "or"):
                i += 1
            continue
        break
    return out


def _phrases_left_list(doc: Doc, end_tok: int, lo: int, mentions: list[Mention]) -> list[_Phrase]:
    """A list of noun phrases ending at ``end_tok``: "Kafka, RabbitMQ and" (before "other")."""
    by_end = {m.tok_end: m for m in mentions}
    out: list[_Phrase] = []
    j = end_tok
    while j > lo:
        m = by_end.get(j)
        if m is not None:
            out.append(_Phrase(m.text, m.start, m.end))
            j = m.tok_start
        else:
            p = _phrase_left(doc, j, lo)
            if p is None:
                break
            out.append(p)
            j = doc.char_span(p.start, p.end, alignment_mode="expand").start  # type: ignore[union-attr]
        if j > lo and doc[j - 1].text == ",":
            j -= 1
            continue
        break
    out.reverse()
    return out


def _noun_chunk_before(info: SentenceInfo, offset: int) -> _Phrase | None:
    """With a parse: the noun chunk that ends right before char ``offset`` (sentence-relative)."""
    parsed = info.parsed
    if parsed is None:
        return None
    best = None
    for chunk in parsed.noun_chunks:
        if chunk.end_char <= offset and offset - chunk.end_char <= 2:
            best = chunk
    if best is None:
        return None
    root = best.root
    start = best.start_char
    for tok in best:
        if tok.dep_ == "det" or tok.pos_ in ("DET", "PRON"):
            start = tok.idx + len(tok.text_with_ws)
        else:
            break
    if root.pos_ == "PRON":
        return None
    return _Phrase(
        parsed.text[start : best.end_char], info.start + start, info.start + best.end_char
    )


def find_isa(doc: Doc) -> list[IsaCandidate]:
    """Hearst-pattern IS_A candidates in every sentence."""
    st = state_of(doc)
    out: list[IsaCandidate] = []
    for info in st.sentences:
        text = info.cues.text
        if not _HEARST_HINT.search(text):
            continue
        mentions = [m for m in st.mentions if info.start <= m.start < info.end]
        lo, hi = info.tok_start, info.tok_end
        i = lo
        while i < hi:
            low = doc[i].lower_
            nxt = doc[i + 1].lower_ if i + 1 < hi else ""
            found: tuple[str, int, int] | None = None  # pattern, cue start tok, cue end tok
            if low == "such" and nxt == "as":
                found = ("such as", i, i + 2)
            elif low == "including":
                found = ("including", i, i + 1)
            elif low in ("e.g.", "e.g") or (low == "for" and nxt == "example"):
                found = ("e.g.", i, i + (1 if low.startswith("e.g") else 2))
            elif low == "like" and i > lo and doc[i - 1].lower_ not in _NOT_BEFORE_LIKE:
                found = ("like", i, i + 1)
            elif low in ("and", "or") and nxt == "other":
                found = (f"{low} other", i, i + 2)
            elif low in ("is", "are") and nxt in ("a", "an"):
                found = ("is a", i, i + 2)
            if found is None:
                i += 1
                continue
            pattern, cs, ce = found
            if pattern in ("and other", "or other"):
                hypos = _phrases_left_list(doc, cs, lo, mentions)
                hyper = _phrases_right(doc, ce, hi, mentions)[:1]
                pairs = [(h, hyper[0]) for h in hypos] if hyper else []
            elif pattern == "is a":
                left = _phrases_left_list(doc, cs, lo, mentions)[-1:]
                right = _phrases_right(doc, ce, hi, mentions)[:1]
                ok = bool(left) and any(
                    m.start <= left[0].start < m.end or left[0].start <= m.start < left[0].end
                    for m in mentions
                )
                pairs = [(left[0], right[0])] if ok and right else []
            else:
                hyper_p = _noun_chunk_before(info, doc[cs].idx - info.start) or _phrase_left(
                    doc, cs, lo
                )
                hypos = _phrases_right(doc, ce, hi, mentions)
                pairs = [(h, hyper_p) for h in hypos] if hyper_p else []
            for hypo, hyper_phrase in pairs:
                if hypo.text.lower() in _NOT_HYPONYM or hypo.text.lower() in FUNCTION_WORDS:
                    continue
                words = hyper_phrase.text.split()
                if not words or words[-1].lower() in FUNCTION_WORDS:
                    continue
                hypernym = " ".join([*words[:-1], singular(words[-1])])
                if hypernym.lower() == hypo.text.lower():
                    continue
                out.append(
                    IsaCandidate(
                        hyponym=hypo.text,
                        hypernym=hypernym,
                        pattern=pattern,
                        weight=PATTERN_WEIGHTS[pattern],
                        start=min(hypo.start, hyper_phrase.start),
                        end=max(hypo.end, hyper_phrase.end),
                    )
                )
            i = ce
    return out


def find_relations(doc: Doc, *, window: int = 4) -> list[RelationCandidate]:
    """Subject-verb-object relations between mentions in one sentence."""
    st = state_of(doc)
    out: list[RelationCandidate] = []
    for info in st.sentences:
        mentions = [
            m
            for m in st.mentions
            if info.start <= m.start < info.end and m.label in _RELATION_LABELS
        ]
        if len(mentions) < 2:
            continue
        if info.parsed is not None:
            out.extend(_parsed_relations(info, mentions))
            continue
        for a, b in pairwise(mentions):
            gap = doc[a.tok_end : b.tok_start]
            if not 1 <= len(gap) <= window or any(t.is_punct and t.text != "-" for t in gap):
                continue
            words = [t.lower_ for t in gap]
            if any(w in ("not", "n't", "never", "no") for w in words):
                continue
            verb = None
            for w in words:
                verb = verb_lemma(w)
                if verb is not None:
                    break
            if verb is None:
                continue
            subj, obj = a, b
            if "by" in words and any(
                w in ("is", "are", "was", "were", "be", "been") for w in words
            ):
                subj, obj = b, a  # passive: "X is used by Y"
            out.append(
                RelationCandidate(
                    subject=subj.text,
                    predicate=verb,
                    object=obj.text,
                    start=a.start,
                    end=b.end,
                    confidence=0.5,
                )
            )
    return out


def _parsed_relations(info: SentenceInfo, mentions: list[Mention]) -> list[RelationCandidate]:
    parsed = info.parsed
    out: list[RelationCandidate] = []

    def mention_at(tok_idx: int) -> Mention | None:
        pos = info.start + tok_idx
        for m in mentions:
            if m.start <= pos < m.end:
                return m
        return None

    for tok in parsed:
        if tok.pos_ not in ("VERB", "AUX") or tok.pos_ == "AUX":
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        objects = [c for c in tok.children if c.dep_ in ("dobj", "attr", "oprd")]
        for prep in (c for c in tok.children if c.dep_ in ("prep", "agent")):
            objects.extend(c for c in prep.children if c.dep_ == "pobj")
        passive = any(c.dep_ == "nsubjpass" for c in tok.children)
        for s in subjects:
            ms = mention_at(s.idx)
            if ms is None:
                continue
            for o in objects:
                mo = mention_at(o.idx)
                if mo is None or mo is ms:
                    continue
                subj, obj = (mo, ms) if passive and o.head.dep_ == "agent" else (ms, mo)
                out.append(
                    RelationCandidate(
                        subject=subj.text,
                        predicate=tok.lemma_.lower() or tok.lower_,
                        object=obj.text,
                        start=min(ms.start, mo.start),
                        end=max(ms.end, mo.end),
                        confidence=0.7,
                    )
                )
    return out
