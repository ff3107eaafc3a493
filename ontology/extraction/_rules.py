"""The rule tables: decision phrases (with the strength each one lends), and the patterns for
questions, hypotheticals, conditionals, reported speech, negated decisions, rationale and
alternatives. Data, not logic: ``_cues.analyze`` applies them.

Every pattern runs on normalized text (lower case, straight quotes; see ``_cues.normalize``).
The ``*_NEEDLES`` are substrings a pattern cannot match without: a cheap test that keeps most
patterns off most sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ontology.extraction._lexicon import words

CueKind = Literal["decided", "proposed", "rejected", "reversed"]


@dataclass(slots=True, frozen=True)
class _Rule:
    kind: CueKind
    strength: float
    pattern: re.Pattern[str]
    verb: str = ""  # prepended to the statement ("going with X" -> "go with X")
    negated: bool = False  # the cue itself says "not": polarity do_not
    content: Literal["after", "before", "all"] = "after"  # where the statement is
    explicit: bool = True  # an explicit decision phrase (not an inference from form)
    name: str = ""
    # the text replaces an earlier decision with this one: status decided, the cue kept as
    # ``supersedes_cue`` ("moving back to X"); kind "reversed" is for undoing without a new
    # choice ("we're reverting the decision to use Kafka")
    supersedes: bool = False


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_WE = r"(?:we|i|the team|team|everyone|we all)"
_HAVE = r"(?:\s+(?:have|'ve|had|'d|just|finally|now|all|officially))*"
_BLOCKED_AFTER_WILL = (
    r"(?!\s+(?:see|discuss|talk|think|look|need|decide|check|figure|revisit|circle|have to|try|"
    r"keep you|let you|get back|follow up|sync|meet|chat|investigate|consider|evaluate|"
    r"probably|likely|maybe|update you|report|know|find out)\b)"
)

# Order matters only within equal priority; the analyser ranks kinds itself.
RULES: tuple[_Rule, ...] = (
    # -- reversals ---------------------------------------------------------------------------
    _Rule(
        "reversed",
        0.9,
        _r(
            r"\b(?:(?:we(?:'re| are)\s+)?(?:revert(?:ing|s)?\s+to|roll(?:ing|s)?\s+back\s+to|"
            r"(?:go(?:ing|es)?|mov(?:e|es|ing)|switch(?:es|ing)?)\s+(?:[\w'.\-]+\s+){0,4}?back\s+"
            r"(?:to|through|on)|return(?:ing|s)?\s+to))\b"
        ),
        verb="go back to",
        name="back to",
        supersedes=True,
    ),
    _Rule(
        "reversed",
        0.9,
        _r(
            r"\b(?:revers(?:e|ed|ing)|revert(?:ed|ing)?|undo(?:ing)?|overturn(?:ed|ing)?|"
            r"scrap(?:ped|ping)?|roll(?:ed|ing)?\s+back|"
            r"drop(?:ped|ping)?)\s+(?:the|our|that|this|last \w+'s)\s+(?:earlier\s+|previous\s+)?"
            r"(?:decision|plan|call)(?:\s+(?:to|on|about))?\b"
        ),
        name="reverse decision",
    ),
    _Rule(
        "reversed",
        0.85,
        _r(r"\b(?:(?:we(?:'ve| have)?\s+)?changed\s+(?:our|my)\s+minds?|change\s+of\s+plans?)\b"),
        name="changed our mind",
        supersedes=True,
    ),
    _Rule(
        "reversed",
        0.8,
        _r(r"\b(?:we\s+)?(?:will\s+|'ll\s+|are\s+|'re\s+)?no\s+longer\b"),
        negated=True,
        name="no longer",
        supersedes=True,
    ),
    # -- rejections --------------------------------------------------------------------------
    _Rule(
        "rejected",
        0.9,
        _r(r"\bdecided\s+against\b"),
        negated=True,
        name="decided against",
    ),
    _Rule(
        "rejected",
        0.85,
        _r(
            rf"\b{_WE}{_HAVE}\s+(?:rejected|declined|vetoed|ruled\s+out|turned\s+down|"
            r"dismissed|scrapped|shelved|nixed|killed|dropped)\b"
        ),
        negated=True,
        name="we rejected",
    ),
    _Rule(
        "rejected",
        0.85,
        _r(
            r"\b(?:(?:is|was|were|are|has\s+been|have\s+been|got|been)\s+"
            r"(?:rejected|declined|vetoed|ruled\s+out|turned\s+down|scrapped|shelved|nixed)|"
            r"(?:is|are)\s+off\s+the\s+table|didn't\s+make\s+the\s+cut)\b"
        ),
        negated=True,
        content="before",
        name="was rejected",
    ),
    _Rule(
        "rejected",
        0.8,
        _r(
            rf"\b{_WE}?\s*(?:(?:are|'re|am|'m)\s+not|won't|will\s+not)\s+"
            r"(?:going|moving\s+forward|proceeding)\s+with\b"
        ),
        negated=True,
        name="not going with",
    ),
    _Rule("rejected", 0.8, _r(r"\bno-?go\b"), negated=True, name="no-go"),
    # -- explicit decisions ------------------------------------------------------------------
    _Rule(
        "decided",
        0.95,
        _r(rf"\b(?:{_WE}|they){_HAVE}\s+decided\s+not\s+to\b"),
        negated=True,
        name="decided not to",
    ),
    _Rule(
        "decided",
        0.95,
        _r(rf"(?:^|(?<=\s))(?:[\w@.\-']+){_HAVE}\s+decided\b(?:\s+(?:to|that|on))?"),
        name="decided",
    ),
    _Rule(
        "decided",
        0.95,
        _r(
            r"\b(?:(?:the|our|my)\s+)?(?:final\s+)?(?:decision\s+(?:is|was|has\s+been)"
            r"(?:\s+(?:made|taken|reached)(?=\s+(?:to|that)\b))?"
            r"(?!\s+(?:made|taken|reached|final|pending|open|still|not|yet|a|the|for|about|on|"
            r"up|due|expected|tbd)\b)|decision\s*:|decided\s*:)(?:\s+(?:to|that))?"
        ),
        name="decision is",
    ),
    _Rule(
        "decided",
        0.9,
        _r(
            r"\b(?:final\s+call|the\s+call\s+is|verdict|resolution|outcome)\s*(?::|is|was)(?:\s+to)?"
        ),
        name="final call",
    ),
    _Rule(
        "decided",
        0.9,
        _r(
            rf"\b(?:{_WE}{_HAVE}\s+agreed(?:\s+(?:to|that|on))?|(?:it's|it\s+is)\s+agreed(?:\s+that)?|agreed\s*:|consensus\s+(?:is|was)(?:\s+to)?)"
        ),
        name="agreed",
    ),
    _Rule(
        "decided",
        0.85,
        _r(
            rf"\b(?:{_WE}\s*(?:are|'re|am|'m)|i'm)\s+(?:going|moving\s+forward|proceeding|"
            r"sticking)\s+with\b"
        ),
        verb="go with",
        name="going with",
    ),
    _Rule(
        "decided",
        0.85,
        _r(rf"\b{_WE}\s*(?:will|'ll|shall)\s+(?:go|proceed|move\s+forward|stick)\s+with\b"),
        verb="go with",
        name="will go with",
    ),
    _Rule(
        "decided",
        0.85,
        _r(rf"\b{_WE}{_HAVE}\s+(?:chose|chosen|picked|selected|went\s+with|gone\s+with)\b"),
        verb="choose",
        name="chose",
    ),
    _Rule(
        "decided",
        0.85,
        _r(rf"\b{_WE}{_HAVE}\s+(?:opted\s+for|settled\s+on|landed\s+on|committed\s+to)\b"),
        verb="choose",
        name="opted for",
    ),
    _Rule(
        "decided",
        0.8,
        _r(
            rf"\b{_WE}\s*(?:are|'re)\s+(?:switching|moving|migrating|standardi[sz]ing)\s+"
            r"(?:to|on)\b"
        ),
        verb="move to",
        name="moving to",
    ),
    _Rule(
        "decided",
        0.85,
        _r(
            r"\b(?:(?:is|was|were|are|has\s+been|have\s+been|got|been)\s+"
            r"(?:approved|signed\s+off|green-?lit|greenlit|okayed|ok'd|accepted|confirmed))\b"
        ),
        content="before",
        name="was approved",
    ),
    _Rule(
        "decided",
        0.85,
        _r(
            r"\b(?:approved|approves|signed\s+off(?:\s+on)?|green-?lit|greenlit|okayed|ok'd|"
            r"gave\s+(?:the\s+|us\s+the\s+)?(?:go-?ahead|green\s+light)(?:\s+(?:to|for|on))?|"
            r"made\s+the\s+call(?:\s+to)?)(?:\s*:)?"
        ),
        name="approved",
    ),
    _Rule(
        "decided",
        0.75,
        _r(
            r"\b(?:going\s+forward|from\s+now\s+on|moving\s+forward|effective\s+(?:now|today|immediately))\b,?"
        ),
        name="going forward",
    ),
    _Rule(
        "decided",
        0.7,
        _r(r"\b(?:the|our)\s+plan\s+is(?:\s+to)?\b|\bplan\s*:"),
        name="the plan is",
    ),
    _Rule(
        "decided",
        0.8,
        _r(r"\s+it\s+is(?=\s*(?:[.!,:;]|$|for\b|then\b|,?\s+not\b))"),
        content="before",
        name="X it is",
    ),
    _Rule(
        "decided",
        0.7,
        _r(r"^\s*(?:so\s+|ok\s+|then\s+)?not\s+(?=\w+ing\b)"),
        negated=True,
        name="not doing",
    ),
    _Rule(
        "decided",
        0.7,
        _r(
            rf"\b{_WE}\s*(?:are|'re)(?=\s+(?:staying|sticking|keeping|standardi[sz]ing|dropping|"
            r"deprecating|sunsetting|retiring|removing|replacing|adopting|buying|hiring|"
            r"outsourcing|freezing|pausing|postponing|cancell?ing|consolidating|splitting)\b)"
        ),
        explicit=False,
        name="we're doing",
    ),
    _Rule(
        "decided",
        0.65,
        _r(r"\bwe\s+(?:keep|stay|stick)\b"),
        explicit=False,
        name="we keep",
    ),
    _Rule(
        "decided",
        0.65,
        _r(r"\blet'?s\s+not\b|\blet\s+us\s+not\b"),
        negated=True,
        explicit=False,
        name="let's not",
    ),
    _Rule(
        "decided",
        0.75,
        _r(
            r"\b(?:let'?s|let\s+us)\b(?!\s+(?:discuss|see|talk|think|revisit|sync|chat|meet|"
            r"decide|wait|hold|circle|take|check|figure|consider|evaluate|explore|look|try|"
            r"brainstorm|not|keep\s+(?:discussing|talking)|get\s+(?:input|feedback)|ask)\b)"
        ),
        explicit=False,
        name="let's",
    ),
    _Rule(
        "decided",
        0.75,
        _r(
            rf"\b(?:we|the\s+team)\s*(?:will\s+not|won't|shall\s+not|are\s+not\s+going\s+to|'re\s+not\s+going\s+to|aren't\s+going\s+to)\b{_BLOCKED_AFTER_WILL}"
        ),
        negated=True,
        explicit=False,
        name="we won't",
    ),
    _Rule(
        "decided",
        0.7,
        _r(
            rf"\b(?:we|the\s+team)\s*(?:will|'ll|shall|are\s+going\s+to|'re\s+going\s+to|are\s+gonna|'re\s+gonna)\b{_BLOCKED_AFTER_WILL}"
        ),
        explicit=False,
        name="we will",
    ),
    _Rule(
        "decided",
        0.5,
        _r(r"\bwe\s+(?:don't|do\s+not)\s+(?=use|store|support|allow|run|deploy|ship|keep|need)"),
        negated=True,
        explicit=False,
        name="we don't",
    ),
    _Rule(
        "decided",
        0.5,
        _r(r"\bwe\s+(?:use|are\s+using|'re\s+using|only\s+use|now\s+use|always\s+use)\b"),
        verb="use",
        explicit=False,
        name="we use",
    ),
    _Rule(
        "decided",
        0.45,
        _r(rf"\bi\s*(?:will|'ll|am\s+going\s+to|'m\s+going\s+to)\b{_BLOCKED_AFTER_WILL}"),
        explicit=False,
        name="i will",
    ),
    # -- proposals ---------------------------------------------------------------------------
    _Rule(
        "proposed",
        0.8,
        _r(
            r"\b(?:(?:i|we)\s*(?:would\s+|'d\s+|'ll\s+|want\s+to\s+|would\s+like\s+to\s+|"
            r"'d\s+like\s+to\s+)?(?:propose|suggest|recommend)(?:\s+that)?(?:\s+we)?"
            r"(?:\s+(?:should|could))?|i\s*(?:'d|would)\s+(?:like|love|prefer)\s+(?:us\s+)?to|"
            r"i\s+want\s+(?:us\s+)?to)\b"
        ),
        name="i propose",
    ),
    _Rule(
        "proposed",
        0.8,
        _r(
            r"\b(?:my|our|the)\s+(?:proposal|suggestion|recommendation|vote|preference|idea)\s*"
            r"(?:is|would\s+be|:)(?:\s+(?:to|that|for))?|\b(?:proposal|suggestion|rfc|idea|option\s+\w)\s*:"
        ),
        name="proposal:",
    ),
    _Rule(
        "proposed",
        0.75,
        _r(r"\b(?:how|what)\s+about\b|\bwhy\s+(?:don't\s+we|not)\b|\bwhat\s+if\s+we\b"),
        name="how about",
    ),
    _Rule(
        "proposed",
        0.7,
        _r(
            r"(?<!how\s)(?<!what\s)(?<!where\s)(?<!which\s)(?<!why\s)(?<!when\s)(?<!who\s)\b(?:should|shall|could|can)\s+we\b(?!\s+(?:not\b|just\s+not\b))"
        ),
        name="should we",
    ),
    _Rule(
        "proposed",
        0.7,
        _r(
            r"\b(?:i\s+think\s+|i\s+feel\s+|i\s+believe\s+|maybe\s+|perhaps\s+|probably\s+)?"
            r"(?:we|the\s+team)\s+(?:should|ought\s+to|could|might|may\s+want\s+to|might\s+want\s+to)"
            r"(?:\s+(?:also|still|just|probably|consider))?\b"
        ),
        name="we should",
    ),
    _Rule(
        "proposed",
        0.65,
        _r(r"\b(?:maybe|perhaps|alternatively|optionally|ideally)\b"),
        name="maybe",
    ),
    _Rule(
        "proposed",
        0.7,
        _r(
            r"\bi\s*(?:'d|would)\s+(?:go|vote|opt)\s+(?:with|for)\b|\bi\s+vote\s+(?:for|to)\b|"
            r"\bi\s*(?:'d|would)?\s*prefer\b"
        ),
        name="i'd go with",
    ),
    _Rule(
        "proposed",
        0.65,
        _r(
            r"\bit\s*(?:would|might|could|'d)\s+be\s+(?:good|better|nice|great|worth|best|wise|"
            r"useful|helpful)(?:\s+\w+)?\s+to\b|\b(?:one|another|an)\s+option\s+(?:is|would\s+be)"
            r"(?:\s+to)?\b|\bworth\s+considering\b"
        ),
        name="it would be good to",
    ),
    _Rule(
        "proposed",
        0.6,
        _r(
            r"\b(?:(?:it|this|that)\s+)?(?:could|might|may)\s+(?:also\s+)?be\s+"
            r"(?:possible|an\s+option|useful|done)\b|\b(?:could|might)\s+(?:use|be\s+used)\b"
        ),
        name="could be",
    ),
)

_PRIORITY = {"reversed": 4, "rejected": 3, "decided": 2, "proposed": 1}

# Decision phrasings of policy and announcement style ("New rule: ...", "No more free pilots",
# "Going with Wise over Currencycloud", "From next Monday on-call rotates weekly").
RULES = (
    *RULES,
    _Rule(
        "decided",
        0.85,
        _r(r"(?:^\s*|\bnew\s+)(?:rule|policy|standard|guideline|convention)\s*:"),
        name="new rule:",
    ),
    _Rule(
        "decided",
        0.85,
        _r(r"^\s*(?:as|like\s+we)\s+(?:agreed|decided|discussed)\b[^:.]{0,40}:"),
        name="as agreed:",
    ),
    _Rule(
        "decided",
        0.8,
        _r(r"^\s*(?:ok(?:ay)?,?\s+|so\s+|then\s+)?(?:going|go)\s+with\b"),
        verb="go with",
        name="going with:",
    ),
    _Rule("decided", 0.65, _r(r"^\s*no\s+more\b"), negated=True, explicit=False, name="no more"),
    _Rule(
        "decided",
        0.75,
        _r(rf"\b{_WE}\s*(?:are|'re|am|'m)\s+not\s+(?=\w+ing\b)(?!going\s+to\b)"),
        negated=True,
        name="we're not doing",
    ),
    _Rule(
        "decided",
        0.75,
        _r(r",?\s+(?:full\s+stop|period|no\s+exceptions)\b"),
        content="before",
        name="full stop",
    ),
    _Rule(
        "decided",
        0.8,
        _r(r"\b(?:per|as\s+per|following)\s+(?:the|our)\s+(?:[\w\-]+\s+){0,2}decision\b,?"),
        name="per the decision",
    ),
    _Rule(
        "decided",
        0.7,
        _r(r"^\s*confirmed\b[^:.]{0,40}:"),
        name="confirmed:",
    ),
    _Rule(
        "decided",
        0.7,
        _r(
            r"^\s*(?:starting|from|as\s+of|effective|beginning)\s+(?:(?:the|next|this)\s+)?"
            r"(?:\d{1,2}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
            r"nov|dec)[a-z]*\.?)?|(?:january|february|march|april|may|june|july|august|september|"
            r"october|november|december)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?|monday|tuesday|wednesday|"
            r"thursday|friday|q[1-4]|today|tomorrow|now|\w+\s+(?:api\s+)?version|\w+\s+release|"
            r"week|month|quarter|sprint|year)(?:\s+on)?\b,?"
        ),
        explicit=False,
        name="starting",
    ),
    _Rule(
        "decided",
        0.65,
        _r(
            r"(?<!\bto\s)(?<!\bwe\s)(?<!\bi\s)(?<!you\s)(?<!they\s)(?<!'ll\s)(?<!will\s)"
            r"(?<!\bcan\s)(?<!must\s)(?<!should\s)(?<!could\s)(?<!would\s)(?<!might\s)"
            r"(?<!\bmay\s)\b(?:moves?|changes?|switch(?:es)?|migrates?)\s+(?:over\s+)?"
            r"(?:from\s+[^,;:]{1,40}?\s+)?to\b"
        ),
        explicit=False,
        content="all",
        name="moves to",
    ),
)

# Substrings a rule cannot match without: a rule runs only when one is in the sentence, which
# keeps the ~45 regexes off most sentences (a substring test costs next to nothing).
_NEEDLES: dict[str, tuple[str, ...]] = {
    "back to": ("back", "revert", "return"),
    "reverse decision": ("decision", "plan", "call"),
    "changed our mind": ("mind", "change of plan"),
    "no longer": ("no longer",),
    "decided against": ("against",),
    "we rejected": (
        "reject",
        "declin",
        "veto",
        "ruled",
        "turned",
        "dismiss",
        "scrap",
        "shelv",
        "nix",
        "kill",
        "drop",
    ),
    "was rejected": (
        "reject",
        "declin",
        "veto",
        "ruled",
        "turned",
        "scrap",
        "shelv",
        "nix",
        "off the table",
        "cut",
    ),
    "not going with": (
        "not going",
        "won't",
        "will not",
        "not moving",
        "not proceeding",
        "'re not",
        "'m not",
        "are not",
        "am not",
    ),
    "no-go": ("no-go", "nogo", "no go"),
    "decided not to": ("decided not",),
    "decided": ("decided",),
    "decision is": ("decision", "decided"),
    "final call": ("call", "verdict", "resolution", "outcome"),
    "agreed": ("agreed", "consensus"),
    "going with": ("going with", "forward with", "proceeding with", "sticking with"),
    "will go with": (" with",),
    "chose": ("chose", "picked", "selected", "went with", "gone with"),
    "opted for": ("opted", "settled", "landed", "committed"),
    "moving to": ("switching", "moving", "migrating", "standardi"),
    "was approved": ("approved", "signed", "green", "okayed", "ok'd", "accepted", "confirmed"),
    "approved": (
        "approv",
        "signed",
        "green",
        "okayed",
        "ok'd",
        "go-ahead",
        "goahead",
        "go ahead",
        "made the call",
    ),
    "going forward": ("forward", "from now on", "effective"),
    "the plan is": ("plan",),
    "X it is": ("it is",),
    "not doing": ("not ",),
    "we're doing": ("we", "team", "everyone", "i "),
    "we keep": ("keep", "stay", "stick"),
    "let's not": ("let",),
    "let's": ("let",),
    "we won't": ("won't", "not"),
    "we will": ("will", "'ll", "shall", "going to", "gonna"),
    "we don't": ("don't", "do not"),
    "we use": ("use", "using"),
    "i will": ("will", "'ll", "going to"),
    "i propose": ("propos", "suggest", "recommend", "like", "love", "prefer", "want"),
    "proposal:": (
        "proposal",
        "suggestion",
        "recommendation",
        "vote",
        "preference",
        "idea",
        "rfc",
        "option",
    ),
    "how about": ("about", "why", "what if"),
    "should we": ("should", "shall", "could", "can"),
    "we should": ("should", "ought", "could", "might", "may want"),
    "maybe": ("maybe", "perhaps", "alternatively", "optionally", "ideally"),
    "i'd go with": ("'d", "would", "vote", "prefer"),
    "it would be good to": ("would", "might", "could", "'d", "option", "worth"),
    "could be": ("could", "might", "may"),
    "new rule:": ("rule", "policy", "standard", "guideline", "convention"),
    "as agreed:": ("agreed", "decided", "discussed"),
    "going with:": ("go",),
    "no more": ("no more",),
    "we're not doing": ("not",),
    "full stop": ("full stop", "period", "no exception"),
    "per the decision": ("decision",),
    "confirmed:": ("confirmed",),
    "starting": ("starting", "from", "as of", "effective", "beginning"),
    "moves to": ("move", "change", "switch", "migrate"),
}

NEGATED_DECISION = _r(
    r"\b(?:(?:have|has|had)(?:\s+not|n't)(?:\s+yet)?\s+(?:decided|agreed|settled|chosen|"
    r"made\s+(?:a|the|any)\s+(?:decision|call)|made\s+up\s+our\s+minds?|reached\s+(?:a\s+)?"
    r"(?:decision|consensus))|(?:did|do|does)(?:\s+not|n't)\s+(?:decide|agree)|"
    r"not\s+(?:yet\s+)?(?:decided|final|settled|agreed)|undecided|no\s+decision|"
    r"(?:yet|still)\s+to\s+(?:decide|agree|be\s+decided)|still\s+(?:deciding|discussing|debating|"
    r"undecided|figuring\s+out|evaluating|open)|tbd|to\s+be\s+(?:decided|determined|confirmed)|"
    r"up\s+in\s+the\s+air|open\s+question|no\s+consensus|not\s+sure\s+(?:yet|if|whether|we|that|about)|"
    r"(?:need|needs|have|has)\s+to\s+decide|decide\s+later|pending\s+(?:a\s+)?decision|"
    r"can't\s+decide|nothing\s+(?:is\s+|has\s+been\s+)?(?:decided|final))\b"
)
REPORTED = _r(
    r"\b(?:said|says|saying|told|tells|mentioned|mentions|heard|hear|hearing|claims?|claimed|"
    r"reported|reports|thinks|thought|believes?|believed|rumou?rs?|apparently|supposedly|"
    r"allegedly|according\s+to|word\s+is|someone\s+said|they\s+say|i\s+read\s+that)\b"
)
HYPOTHETICAL = _r(
    r"\b(?:if\s+(?:we|i|they|it|you|[a-z]+)\s+(?:\w+ed|did|could|had|were|went|took|made|"
    r"ran|got|paid|chose|built)\b|if\s+(?:we|i|they)\s+(?:were|had)|were\s+we\s+to|would\s+have|could\s+have|"
    r"should\s+have|might\s+have|we'd|we\s+would|would\s+be|hypothetically|in\s+theory|"
    r"theoretically|imagine|suppose|supposing|in\s+an\s+ideal\s+world|if\s+only|i\s+wish|"
    r"wish\s+we|in\s+a\s+perfect\s+world)\b"
)
CONDITIONAL = _r(
    r"(?:^|\b)(?:if|unless|assuming|provided(?:\s+that)?|in\s+case|only\s+if|as\s+long\s+as|"
    r"depending\s+on|once|when(?:ever)?)\b"
)
REQUEST = _r(
    r"\bplease\s*[.!]*$|\b(?:can\s+you|could\s+you|would\s+you|will\s+you|you\s+should|can\s+someone|could\s+someone)\b"
)
_ASKING_FEEDBACK = _r(
    r"[,;:\-—]?\s*(?:thoughts|wdyt|objections|any\s+objections|opinions|ok|okay|right|"
    r"agreed|makes\s+sense|sound\s+good|sounds\s+good|yes\s+or\s+no)\s*\?+\s*$"
)
RELAY = _r(
    r"^\s*(?:fyi|heads\s+up|psa)\b|\b(?:details\s+in|see\s+the|more\s+in\s+the|"
    r"(?:in|on)\s+the\s+\w+\s+(?:ticket|issue|doc|thread|page))\b"
)
PLEASE = _r(r"^(?:please|pls|plz)\b\s*")
QUESTION_START = _r(
    r"^(?:so\s+|ok\s+|and\s+|but\s+)?(?:(?:should|shall|can|could|do|does|did|is|are|was|were|"
    r"will|would|have|has|isn't|aren't|don't|doesn't|won't|wouldn't|shouldn't)\s+(?:we|i|you|they|"
    r"it|this|that|the|there|anyone|someone|somebody|everyone|he|she|our)\b|"
    r"any\s+(?:thoughts|objections|opinions|ideas)|thoughts\b|wdyt\b|"
    r"(?:who|what|why|how|which|where)\b)"
)
ANAPHORIC = _r(
    r"^\s*(?:do|go\s+with|go\s+ahead\s+with|proceed\s+with|ship|implement|try|use)?\s*"
    r"(?:that|it|this|so|the\s+same|as\s+(?:proposed|suggested|discussed))\s*(?:then|one|plan|"
    r"approach|option|proposal)?\s*[.!]*$"
)
RATIONALE_OPENER = _r(
    r"^(?:(?:this|that|it)(?:'s|\s+is|\s+was)\s+because|the\s+(?:main\s+)?reasons?\s+(?:is|are|"
    r"was|being)|reasons?\s*:|rationale\s*:|why\s*:|because|mainly\s+because|since|"
    r"the\s+(?:main\s+)?(?:motivation|driver|rationale)\s+(?:is|was)|this\s+(?:way|will|means|"
    r"lets|allows|gives|avoids|saves|keeps)|that\s+(?:way|will|means|lets|allows|gives|avoids)|"
    r"it(?:'s|\s+is)\s+(?:faster|cheaper|simpler|easier|safer|more|less|better)|"
    r"(?:pros?|cons?|benefits?|upside|downside)\s*:)"
)
CONSEQUENCE_OPENER = _r(
    r"^(?:so|therefore|hence|thus|that's\s+why|this\s+is\s+why|for\s+(?:that|this)\s+reason|"
    r"as\s+a\s+result|consequently)\b,?"
)
# Rationale inside a sentence; "as" only when a clause follows (not "such as", "as well").
RATIONALE_MARKER = _r(
    r"(?:\b(?:because\s+of|because|since|so\s+that|so\s+we\s+(?:can|don't|won't|avoid|get|have)|"
    r"due\s+to|given\s+(?:that|the)|in\s+order\s+to|to\s+(?:avoid|prevent|ensure|make\s+sure|"
    r"reduce|improve|save|simplify|speed\s+up|cut|lower|keep\s+(?:costs?|things?))|"
    r"the\s+reason\s+(?:is|being)|reason\s+being|which\s+(?:means|gives|lets|avoids|saves)|"
    r"for\s+(?:better|lower|less|more|faster|cheaper|simpler))\b|"
    r"(?<!such)(?<!as\s{1}well)(?:,\s*|\s)as\s+(?=(?:it|we|they|this|that|the|our|there|its|"
    r"these|those|he|she|you|i|all|most)\b))"
)
_RATIONALE_KEEP_MARKER = (
    "so that",
    "so we",
    "due to",
    "in order to",
    "to ",
    "which",
    "for ",
)
_RATIONALE_TEMPORAL = _r(r"\s*(?:\d|yesterday|last|monday|tuesday|wednesday|thursday|friday|then)")
ALT_MARKER = _r(
    r"\b(?:instead\s+of|rather\s+than|as\s+opposed\s+to|in\s+favou?r\s+of|over|vs\.?|versus|"
    r"(?:switch(?:es|ing|ed)?|mov(?:e|es|ing|ed)|migrat(?:e|es|ing|ed)|port(?:s|ing|ed)?)"
    r"\s+(?:[\w'&.\-]+\s+){0,6}?(?:away\s+)?from|"
    r"replac(?:e|es|ing|ed)|(?:,|\band|\bbut)\s+not|"
    r"(?:drop(?:s|ping)?|retir(?:e|es|ing)|postpon(?:e|es|ing)|deprecat(?:e|es|ing)|"
    r"sunset(?:s|ting)?|ditch(?:es|ing)?|abandon(?:s|ing)?|walk(?:s|ing)?\s+away\s+from|"
    r"stop(?:s|ping)?\s+using|phas(?:e|es|ing)\s+out))\b"
)
# Alternative markers that belong to the statement ("drop Adyen", "replace Jenkins with ...").
_KEEP_IN_STATEMENT = (
    "replac",
    "in favo",
    "drop",
    "retir",
    "postpon",
    "deprecat",
    "sunset",
    "ditch",
    "abandon",
    "walk",
    "stop",
    "phas",
)
OTHER_OPTION = _r(
    r"([\w][\w .&+\-]{0,40}?)\s+(?:was|were|is|are)\s+(?:the|an?|our)\s+(?:other|only\s+other|"
    r"second|runner-up|fallback|alternative)\s*(?:options?|alternatives?|choices?|candidates?)?\b"
)
_CHOICE_BEFORE_OVER = _r(
    r"\b(?:chose|choose|chosen|picked|pick|prefer|preferred|went\s+with|go\s+with|going\s+with|"
    r"selected|select|opted\s+for|favou?r|use|using|decided\s+on|settled\s+on|decided|"
    r"decision|recommend|suggest|vote\s+for|it\s+is)\b"
)
_NOT_AN_OPTION_AFTER_OVER = _r(
    r"\s*(?:the\s+)?(?:weekend|time|night|years?|months?|weeks?|days?|the\s+next|the\s+past|"
    r"the\s+last|there|here|it|email|slack|lunch|coffee|\d)"
)
CONSIDERED = _r(
    r"\b(?:we|i|they)?\s*(?:also\s+)?(?:considered|looked\s+at|evaluated|tried|tested|"
    r"compared|discussed|explored|debated)\s+"
)
_BOUNDARY = _r(
    r"[,.;:!?()\[\]]|\s(?:because|since|so|but|which|that|due|given|for|when|while|if|until|"
    r"by|to\s+(?:avoid|reduce|save|keep|make)|as|though|although|we|it|they|after|before|"
    r"in\s+order|are|is|was|were|has|have|had|will|would|seems?|looks?|didn't|did|does|don't)\s"
)
_LIST_SPLIT = _r(r"\s*(?:,\s*(?:and|or)?|\band\b|\bor\b|\bnor\b|/|&)\s*")
_LEADING_FILLER = _r(
    r"^(?:\s|[-*•>#]|\+1|ok(?:ay)?\b|so\b|alright\b|well\b|yes\b|yeah\b|yep\b|cool\b|great\b|"
    r"fyi\b|update\s*:|note\s*:|decision\s*:|agreed\s*:|approved\s*:|final\s*:|tl;?dr\s*:?|"
    r"(?:team|folks|all|everyone|guys)\s*[,:!]|@here\b|@channel\b|hi\b|hey\b|then\b|also\b|"
    r"therefore\b|hence\b|thus\b|now\b|just\b|please\b|pls\b|[,:;])+"
)
_STATEMENT_PREFIX = _r(
    r"^(?:(?:to|that|on|with|for)\s+)?(?:(?:we|i|the\s+team)\s*(?:will|'ll|shall|should|"
    r"are\s+going\s+to|'re\s+going\s+to|would|could|can)\s+)?(?:(?:probably|definitely|also|"
    r"just|actually|now|finally)\s+)?"
)
_NEGATION_PREFIX = _r(r"^(?:not|never|no\s+longer|do\s+not|don't|stop)\s+")
_TRAILING = _r(
    r"[\s,;:.!?\-–—)(\"'`*_~]+$|\s+(?:any\s*more|any\s+longer|for\s+now|then|for\s+the\s+time\s+being)$|\s*(?::\w+:|[\U0001F300-\U0001FAFF\u2600-\u27BF])+\s*$"
)
_NAME = r"(?:@\w[\w.\-]*\w|@\w|[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+)?)"
DECIDER_BY = re.compile(
    r"\b(?i:approved|signed\s+off|decided|confirmed|agreed|green-?lit|okayed|vetoed|rejected|"
    r"declined|made)\s+(?:on\s+)?(?:\w+\s+)?(?i:by)\s+("
    + _NAME
    + r"(?:\s*(?:,|and|&)\s*"
    + _NAME
    + r")*)"
)
DECIDER_PER = re.compile(r"\b(?:[Pp]er|[Aa]s\s+per)\s+(" + _NAME + r")")
DECIDER_SUBJECT = re.compile(
    r"(" + _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r")*)\s+(?:has\s+|have\s+|had\s+|just\s+|"
    r"finally\s+|officially\s+)*(?:approved|signed\s+off|decided|made\s+the\s+call|"
    r"gave\s+(?:the\s+|us\s+the\s+)?(?:go-?ahead|green\s+light)|okayed|ok'd|confirmed|vetoed|"
    r"rejected|declined|agreed)\b"
)
_NOT_A_NAME = frozenset(
    words("""
    we i the this that it they team everyone everybody management approved decided ok okay so
    yes finally today yesterday and then also it's we've we're i've i'm you he she our their
    all both nobody someone somebody who which what leadership he's she's that's there
    """)
)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")


_RATIONALE_NEEDLES = (
    "because",
    "since",
    "so ",
    "due",
    "given",
    "order",
    "to ",
    "reason",
    "which",
    "for ",
    "as ",
)
_CONDITIONAL_NEEDLES = (
    "if",
    "unless",
    "assuming",
    "provided",
    "in case",
    "as long",
    "depending",
    "once",
    "when",
)
_ALT_NEEDLES = (
    "drop",
    "retir",
    "postpon",
    "deprecat",
    "sunset",
    "ditch",
    "abandon",
    "away",
    "stop",
    "phas",
    "instead",
    "rather",
    "opposed",
    "favo",
    "over",
    "vs",
    "versus",
    "from",
    "replac",
    "not",
)
_CONSIDERED_NEEDLES = (
    "consider",
    "looked",
    "evaluat",
    "tried",
    "tested",
    "compared",
    "discuss",
    "explored",
    "debated",
)


_NEGATED_NEEDLES = (
    "decid",
    "agree",
    "settled",
    "chosen",
    "decision",
    "call",
    "mind",
    "consensus",
    "tbd",
    "to be",
    "air",
    "open",
    "sure",
    "later",
    "pending",
    "still",
    "yet",
    "final",
)
_REQUEST_NEEDLES = ("please", "you", "someone")
_REPORTED_NEEDLES = (
    "said",
    "say",
    "told",
    "tell",
    "mention",
    "hear",
    "claim",
    "report",
    "think",
    "thought",
    "believ",
    "rumo",
    "apparently",
    "supposedly",
    "allegedly",
    "according",
    "word is",
    "read that",
)
_HYPOTHETICAL_NEEDLES = (
    "if",
    "were",
    "would",
    "have",
    "we'd",
    "hypothetical",
    "theor",
    "imagine",
    "suppos",
    "ideal",
    "wish",
    "perfect world",
)
_DECIDER_NEEDLES = (
    "by",
    "per",
    "approv",
    "signed",
    "decided",
    "call",
    "go-ahead",
    "goahead",
    "green",
    "okayed",
    "ok'd",
    "confirmed",
    "veto",
    "reject",
    "declin",
    "agreed",
)
