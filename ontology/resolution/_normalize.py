"""Name normalization and blocking keys shared by people, entity and decision resolution.

Normalization is staged so a merge can say *why* two names are the same: case, Unicode
(NFKC + diacritics), punctuation, then corporate suffixes. Blocking keys (tokens, a prefix and a
phonetic code) put each name into a few small buckets, so a new name is scored only against the
names sharing a bucket, never against all of them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

#: Corporate suffixes dropped from organization names ("Acme, Inc." == "ACME Corp").
CORPORATE_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "kg",
        "pty",
        "pte",
        "kk",
        "holdings",
        "group",
    }
)
#: Words too common to block on.
STOPWORDS = frozenset(
    {"the", "a", "an", "of", "and", "for", "to", "in", "on", "at", "by", "with", "&", "de"}
)
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_UNDERSCORE = re.compile(r"_+")


def casefold(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def fold_unicode(text: str) -> str:
    """NFKC, then strip combining marks (diacritics): 'Société' -> 'societe'."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return casefold(unicodedata.normalize("NFKC", stripped))


def strip_punctuation(text: str) -> str:
    # Dots inside words join ("node.js" -> "nodejs"; "A.C.M.E." -> "acme"); other marks split.
    joined = re.sub(r"(?<=\w)[.'’](?=\w)", "", text)
    spaced = _UNDERSCORE.sub(" ", _PUNCT.sub(" ", joined))
    return _SPACE.sub(" ", spaced).strip()


def strip_suffixes(text: str) -> str:
    """Drop trailing corporate suffixes and a leading 'the'; never down to nothing."""
    tokens = text.split()
    while len(tokens) > 1 and tokens[-1] in CORPORATE_SUFFIXES:
        tokens.pop()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    return " ".join(tokens)


#: Names that are one product by convention, not by spelling: folded to one key.
KNOWN_ALIASES: dict[str, str] = {
    "postgres": "postgresql",
    "psql": "postgresql",
    "mongo": "mongodb",
    "apache kafka": "kafka",
    "apache spark": "spark",
    "rabbit mq": "rabbitmq",
    "elastic search": "elasticsearch",
    "k8s": "kubernetes",
    "amazon s3": "s3",
    "aws s3": "s3",
    "amazon web services": "aws",
    "google cloud platform": "gcp",
    "reactjs": "react",
    "react js": "react",
    "golang": "go",
    "ms teams": "microsoft teams",
}


@lru_cache(maxsize=200_000)
def normalize_name(text: str) -> str:
    """The comparison key of a name: folded case, Unicode and punctuation, no corporate
    suffix, and well-known aliases folded together ("Postgres" -> "postgresql")."""
    key = strip_suffixes(strip_punctuation(fold_unicode(text)))
    return KNOWN_ALIASES.get(key, key)


def explain_equal(a: str, b: str) -> str:
    """Why two names with the same ``normalize_name`` key are the same (the first stage that
    makes them equal)."""
    if a == b:
        return "identical"
    if casefold(a) == casefold(b):
        return "case-insensitive equal"
    if fold_unicode(a) == fold_unicode(b):
        return "Unicode/diacritics-normalized equal"
    if strip_punctuation(fold_unicode(a)) == strip_punctuation(fold_unicode(b)):
        return "punctuation-normalized equal"
    if strip_suffixes(strip_punctuation(fold_unicode(a))) == strip_suffixes(
        strip_punctuation(fold_unicode(b))
    ):
        return "suffix-normalized equal"
    return "known alias"


def tokens(key: str) -> list[str]:
    return [t for t in key.split() if t not in STOPWORDS]


_SOUNDEX = str.maketrans(
    "abcdefghijklmnopqrstuvwxyz",
    "01230120022455012623010202",
)


def phonetic(word: str) -> str:
    """American Soundex of one word (4 characters), '' when it has no letters."""
    letters = [c for c in word if "a" <= c <= "z"]
    if not letters:
        return ""
    digits = "".join(letters).translate(_SOUNDEX)
    out = [letters[0]]
    last = digits[0]
    for ch, digit in zip(letters[1:], digits[1:], strict=True):
        if digit != "0" and digit != last:
            out.append(digit)
        if ch not in "hw":
            last = digit
        if len(out) == 4:
            break
    return "".join(out).ljust(4, "0")


def blocking_keys(key: str) -> list[str]:
    """The buckets a normalized name falls into: each content token, the first 4 characters
    of the squeezed name and the Soundex of its first and last tokens."""
    words = tokens(key)
    out = [f"t:{w}" for w in words if len(w) >= 3]
    squeezed = key.replace(" ", "")
    if squeezed:
        out.append(f"p:{squeezed[:4]}")
    if words:
        out.append(f"s:{phonetic(words[0])}:{len(words)}")
        if len(words) > 1:
            out.append(f"e:{phonetic(words[-1])}")
    return out


def slug(text: str, limit: int = 60) -> str:
    """A readable id part: lower-case words joined by '-', with a short hash when cut."""
    base = re.sub(r"[^a-z0-9]+", "-", fold_unicode(text)).strip("-")
    if not base:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()[:12]
    if len(base) > limit:
        return base[:limit].rstrip("-") + "-" + short_hash(base, length=8)
    return base


def short_hash(*parts: str, length: int = 20) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()[:length]


def singular(word: str) -> str:
    """A plural English noun's singular, for concept names ('databases' -> 'database')."""
    if len(word) <= 3 or word.endswith("ss") or word.endswith("us"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word
