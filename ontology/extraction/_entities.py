"""Entity mentions: the gazetteer of known entities, rules for @mentions, issue keys, URLs and
channels, a lexicon of common technologies and vendors, and capitalization/shape heuristics.

Overlaps are settled by source: gazetteer > rule (regex) > lexicon > statistical NER > shape,
then the longer span. The gazetteer is refreshed in place (``update_gazetteer``): PhraseMatcher
keys are added and removed per entity, so the pipeline is never rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from spacy.attrs import IDX, LENGTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from ontology.extraction._lexicon import CASE_SENSITIVE_TECH, TECH_LEXICON, words
from ontology.extraction._state import Mention, state_of, text_of
from ontology.extraction._types import GazetteerEntry

PRIORITY = {"gazetteer": 0, "rule": 1, "lexicon": 2, "ner": 3, "shape": 4}

_URL = re.compile(r"\bhttps?://[^\s<>\"'|]+|\bwww\.[^\s<>\"'|]+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_SLACK_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]+))?>")
_SLACK_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9][\w.\-]*[\w]|[A-Za-z0-9])")
_ISSUE_KEY = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]{1,9}-[1-9]\d{0,6}(?![\w-])")
_CHANNEL = re.compile(r"(?<![\w&#/])#(?=[a-z0-9_\-]*[a-z])[a-z0-9][a-z0-9_\-]{1,79}(?![\w])")
_TRAIL = ".,;:!?)]}>'\""
# Standards and names shaped like issue keys: UTF-8, ISO-8601, SHA-256, RFC-7231, CVE-2024-...
_NOT_ISSUE_PREFIXES = frozenset(
    words("UTF ISO SHA RFC TLS SSL MD HTTP IPV PEP CVE AES ECMA ES COVID PCI SOC GPT TCP UDP")
)
# Candidate name words: a capital anywhere, a digit after a letter, or a dotted name.
_SHAPE = re.compile(
    r"(?<![\w@#/.\-])(?=[A-Z]|[a-z][\w'.\-]*?(?:[A-Z]|[A-Za-z]\d|\.[a-z]))[A-Za-z][\w'.\-]*"
)
_WORD_AFTER = re.compile(r"\s+([\w.]+)")
_WORD_BEFORE = re.compile(r"([\w@]+)\s+\Z")
# Chat words written in capitals that are not names.
_NOT_NAMES = frozenset(
    words("""
    i ok okay lgtm sgtm fyi asap eod eow tbd tl;dr afaik imo imho btw pr prs wip qa ui ux
    yes no hi hey thanks thank please yeah yep nope sure cool great also so but and or then
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today tomorrow yesterday
    mon tue wed thu fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec q1 q2 q3 q4
    decision rationale reason pro pros con cons issue alternative update note agreed approved
    re fwd cc action todo done edit edited
    """)
)
_PERSON_BEFORE = frozenset(words("per by ask cc thanks thx ping with from to @"))
_PERSON_AFTER = frozenset(
    words("approved decided said says agreed signed confirmed vetoed rejected thinks wrote asked")
)
_ORG_SUFFIX = frozenset(words("inc inc. ltd ltd. llc gmbh corp corp. co. plc ag sa"))


def _tokenizer(nlp: Language) -> Tokenizer:
    tok = nlp.tokenizer
    assert isinstance(tok, Tokenizer)
    return tok


def _distinctive(alias: str) -> bool:
    """Can this alias be matched in any case? Multi-word names and odd shapes can; plain
    single words ("Atlas", "Search") could be ordinary words, so they match as written."""
    if len(alias) <= 3:
        return False
    if " " in alias.strip():
        return True
    body = alias[1:]
    return any(c.isdigit() or c in ".-_/+#" for c in alias) or any(c.isupper() for c in body)


class EntityFinder:
    """The ``siphon_entities`` component."""

    def __init__(
        self,
        nlp: Language,
        name: str = "siphon_entities",
        *,
        lexicon: bool = True,
        shape_heuristics: bool = True,
    ) -> None:
        self.name = name
        self.nlp = nlp
        self.shape_heuristics = shape_heuristics
        self.any_case = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._labels: dict[str, tuple[str, str, str | None]] = {}  # key -> (label, source, id)
        self._gazetteer: dict[str, GazetteerEntry] = {}
        if lexicon:
            by_label: dict[str, list[str]] = {}
            for term, label in TECH_LEXICON.items():
                by_label.setdefault(label, []).append(term)
            for label, terms in sorted(by_label.items()):
                key = f"lex:{label}"
                self.any_case.add(key, list(_tokenizer(nlp).pipe(sorted(terms))))
                self._labels[key] = (label, "lexicon", None)
            exact: dict[str, list[str]] = {}
            for term, label in CASE_SENSITIVE_TECH.items():
                exact.setdefault(label, []).append(term)
            for label, terms in sorted(exact.items()):
                key = f"lexcs:{label}"
                self.exact.add(key, list(_tokenizer(nlp).pipe(sorted(terms))))
                self._labels[key] = (label, "lexicon", None)

    # -- the gazetteer --------------------------------------------------------------------
    def update_gazetteer(self, entries: Iterable[GazetteerEntry]) -> int:
        """Add or replace known entities (by ``entity_id``); returns how many changed."""
        changed = 0
        for entry in entries:
            key = f"gaz:{entry.entity_id}"
            old = self._gazetteer.get(entry.entity_id)
            if old is not None and old == entry:
                continue
            self.remove_entity(entry.entity_id)
            names = [n.strip() for n in [entry.name, *entry.aliases] if n and n.strip()]
            any_case = sorted({n for n in names if _distinctive(n)})
            exact = sorted({v for n in names if not _distinctive(n) for v in (n, n.upper())})
            if any_case:
                self.any_case.add(key, list(_tokenizer(self.nlp).pipe(any_case)))
            if exact:
                self.exact.add(key, list(_tokenizer(self.nlp).pipe(exact)))
            self._labels[key] = (entry.label, "gazetteer", entry.entity_id)
            self._gazetteer[entry.entity_id] = entry
            changed += 1
        return changed

    def remove_entity(self, entity_id: str) -> None:
        key = f"gaz:{entity_id}"
        for matcher in (self.any_case, self.exact):
            if key in matcher:
                matcher.remove(key)
        self._labels.pop(key, None)
        self._gazetteer.pop(entity_id, None)

    @property
    def gazetteer_size(self) -> int:
        return len(self._gazetteer)

    # -- the component --------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        st = state_of(doc)
        if not st.token_starts and len(doc):
            arr = doc.to_array([IDX, LENGTH])
            st.token_starts, st.token_lengths = arr[:, 0].tolist(), arr[:, 1].tolist()
        text = text_of(doc)
        found: list[Mention] = []
        for matcher in (self.any_case, self.exact):
            for match_id, start, end in matcher(doc):
                key = self.nlp.vocab.strings[match_id]
                label, source, entity_id = self._labels[key]
                start_char = st.token_starts[start]
                end_char = st.token_starts[end - 1] + st.token_lengths[end - 1]
                found.append(
                    Mention(
                        start_char,
                        end_char,
                        start,
                        end,
                        text[start_char:end_char],
                        label,
                        "gazetteer" if source == "gazetteer" else "rule",
                        PRIORITY[source],
                        entity_id,
                    )
                )
        found.extend(self._regex_mentions(doc))
        if self.shape_heuristics:
            starts = {info.start for info in st.sentences} or {0}
            found.extend(self._shape_mentions(doc, starts))
        found = _shape_remainders(found, text, st)
        st.mentions = join_adjacent(resolve_overlaps(found + st.mentions), text, st)
        return doc

    def _regex_mentions(self, doc: Doc) -> list[Mention]:
        text = text_of(doc)
        st = state_of(doc)
        out: list[Mention] = []
        taken: list[tuple[int, int]] = []

        def add(start: int, end: int, label: str, shown: str | None = None) -> None:
            while end > start and text[end - 1] in _TRAIL:
                end -= 1
            if end <= start or any(s < end and start < e for s, e in taken):
                return
            tok_start, tok_end = st.token_range(start, end)
            taken.append((start, end))
            out.append(
                Mention(
                    start,
                    end,
                    tok_start,
                    tok_end,
                    shown or text[start:end],
                    label,
                    "rule",
                    PRIORITY["rule"],
                )
            )

        if "<@" in text:
            for m in _SLACK_USER.finditer(text):
                add(m.start(), m.end(), "PERSON", m.group(2) or m.group(0))
        if "<#" in text:
            for m in _SLACK_CHANNEL.finditer(text):
                add(m.start(), m.end(), "CHANNEL", f"#{m.group(2)}" if m.group(2) else None)
        if "http" in text or "www." in text:
            for m in _URL.finditer(text):
                add(m.start(), m.end(), "URL")
        if "@" in text:
            for m in _EMAIL.finditer(text):
                add(m.start(), m.end(), "EMAIL")
            for m in _MENTION.finditer(text):
                add(m.start(), m.end(), "PERSON")
        if "-" in text:
            for m in _ISSUE_KEY.finditer(text):
                if m.group(0).split("-", 1)[0] not in _NOT_ISSUE_PREFIXES:
                    add(m.start(), m.end(), "ISSUE_KEY")
        if "#" in text:
            for m in _CHANNEL.finditer(text):
                add(m.start(), m.end(), "CHANNEL")
        return out

    def _shape_mentions(self, doc: Doc, sentence_starts: set[int]) -> list[Mention]:
        """Proper-name shapes: runs of capitalized words not at a sentence start, CamelCase,
        names with digits or dots (S3, Node.js). Labels: PERSON next to a decider verb or
        after "per"/"by"/"ask", ORG with a company suffix, PRODUCT for odd shapes, else NAME
        (an unclassified proper name that resolution maps to a person or a thing).

        A regex finds the candidate words (those with a capital, digit or dot), so only they
        are looked at in Python."""
        text = text_of(doc)
        st = state_of(doc)
        words: list[tuple[int, int, str]] = []
        for m in _SHAPE.finditer(text):
            word = m.group(0)
            end = m.end()
            while word and word[-1] in ".'-":
                word, end = word[:-1], end - 1
            if word.endswith("'s"):
                word, end = word[:-2], end - 2
            if len(word) < 2 or len(word) > 40:
                continue
            low = word.lower()
            if low in _NOT_NAMES or low in STOP_WORDS or not _name_like(word):
                continue
            odd = _odd_shape(word)
            if m.start() in sentence_starts and not odd:
                continue
            words.append((m.start(), end, word))
        out: list[Mention] = []
        i = 0
        while i < len(words):
            start, end, word = words[i]
            j = i + 1
            # merge "Google Cloud Storage": capitalized words one space apart
            while (
                j < len(words)
                and j - i < 4
                and text[end : words[j][0]] == " "
                and words[j][2][0].isupper()
            ):
                end = words[j][1]
                j += 1
            after_m = _WORD_AFTER.match(text, end)
            after = after_m.group(1).lower() if after_m else ""
            before_m = _WORD_BEFORE.search(text, 0, start)
            before = before_m.group(1).lower() if before_m else ""
            if after in _ORG_SUFFIX:
                label = "ORG"
                end = after_m.end(1) if after_m else end
            elif any(_odd_shape(w[2]) for w in words[i:j]):
                label = "PRODUCT"
            elif before in _PERSON_BEFORE or after in _PERSON_AFTER:
                label = "PERSON"
            else:
                label = "NAME"
            tok_start, tok_end = st.token_range(start, end)
            out.append(
                Mention(
                    start,
                    end,
                    tok_start,
                    tok_end,
                    text[start:end],
                    label,
                    "rule",
                    PRIORITY["shape"],
                )
            )
            i = j
        return out


def _name_like(text: str) -> bool:
    if not text or not text[0].isalpha():
        return False
    return text[0].isupper() or _odd_shape(text)


def _odd_shape(text: str) -> bool:
    """CamelCase, letters with digits, dotted names: GraphQL, S3, EC2, Node.js, k8s."""
    if len(text) < 2 or not any(c.isalpha() for c in text):
        return False
    if any(c.isdigit() for c in text) and text[0].isalpha():
        return not text.isdigit() and len(text) <= 24
    if "." in text.strip(".") and text.split(".")[-1].isalpha() and text[0].isalpha():
        return True
    return any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)


def _shape_remainders(mentions: list[Mention], text: str, st: Any) -> list[Mention]:
    """A capitalized run that contains a lexicon hit ("AWS Secrets Manager" around "AWS")
    loses to it in overlap resolution; keep the words outside the hit as their own shape
    mention so ``join_adjacent`` can put the product name back together."""
    shape = PRIORITY["shape"]
    stronger = [m for m in mentions if m.priority < shape]
    out = list(mentions)
    for m in mentions:
        if m.priority != shape:
            continue
        inside = sorted(
            k for k in ((s.start, s.end) for s in stronger) if m.start <= k[0] and k[1] <= m.end
        )
        if not inside:
            continue
        cursor = m.start
        for start, end in [*inside, (m.end, m.end)]:
            piece = text[cursor:start].strip()
            if piece and piece[0].isupper():
                left = text.index(piece, cursor)
                tok_start, tok_end = st.token_range(left, left + len(piece))
                out.append(
                    Mention(
                        left, left + len(piece), tok_start, tok_end, piece, m.label, m.source, shape
                    )
                )
            cursor = max(cursor, end)
    return out


#: Words that follow a product name without being part of it ("Okta SSO", "Stripe API").
_NOT_A_NAME_PART = frozenset(
    words("api apis sdk sso saml ui ux cli db sla slas csv json pdf url urls app apps docs bill")
)

#: Labels that name a thing and may run together into one longer name.
_JOINABLE = frozenset(("TECH", "PRODUCT", "ORG", "NAME"))


def join_adjacent(mentions: list[Mention], text: str, st: object) -> list[Mention]:
    """Names one space apart are one name: "Grafana" + "Cloud" is Grafana Cloud, "HashiCorp"
    + "Vault" is HashiCorp Vault. The lexicon knows the vendor; the product is the whole run.
    A known entity (gazetteer) is never swallowed: its id says exactly what it is."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            # two known names stay two, unless a vendor names its product: "HashiCorp Vault"
            and (
                PRIORITY["shape"] in (prev.priority, m.priority)
                or (prev.label == "ORG" and m.label in ("TECH", "PRODUCT"))
            )
            and prev.label in _JOINABLE
            and m.label in _JOINABLE
            and prev.entity_id is None
            and m.entity_id is None
            and text[prev.end : m.start] == " "
            and m.text[:1].isupper()
            and m.text.lower() not in _NOT_A_NAME_PART
        ):
            label = "ORG" if prev.label == m.label == "ORG" else "PRODUCT"
            out[-1] = Mention(
                prev.start,
                m.end,
                prev.tok_start,
                m.tok_end,
                text[prev.start : m.end],
                label,
                "rule",
                min(prev.priority, m.priority),
            )
            continue
        out.append(m)
    return out


def resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the best of overlapping mentions (source priority, then length), in text order."""
    ranked = sorted(mentions, key=lambda m: (m.priority, -(m.end - m.start), m.start))
    kept: list[Mention] = []
    for m in ranked:
        if all(m.end <= k.start or k.end <= m.start for k in kept):
            kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept
