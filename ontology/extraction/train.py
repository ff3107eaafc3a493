"""Train the sentence classifier on ConDec and write the shipped artifact.

    python -m ontology.extraction.train [--data condec-dev.csv] [--out DIR] [--seed 0]

Reproducible: fixed seeds and a fixed data order give the same artifact for the same data.
The data is the ConDec NLP4RE'21 development split (MIT licence; see models/ATTRIBUTION.md).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import spacy

from ontology.extraction._classifier import (
    DEFAULT_MODEL_DIR,
    LABELS,
    SentenceClassifier,
    features,
    train_classifier,
)
from ontology.extraction._cues import analyze

#: ConDec's flags in the order that decides a row's single label (rows have at most one).
CONDEC_FLAGS = (
    ("isDecision", "decision"),
    ("isAlternative", "alternative"),
    ("isPro", "pro"),
    ("isCon", "con"),
    ("isIssue", "issue"),
)


def default_data_path() -> Path:
    """$SIPHON_CONDEC_CSV, else shared/data/condec/condec-dev.csv beside the checkout."""
    env = os.environ.get("SIPHON_CONDEC_CSV")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    for candidate in (
        repo.parent / "shared" / "data" / "condec" / "condec-dev.csv",
        repo / "shared" / "data" / "condec" / "condec-dev.csv",
    ):
        if candidate.is_file():
            return candidate
    return repo.parent / "shared" / "data" / "condec" / "condec-dev.csv"


def load_condec(path: str | Path) -> list[tuple[str, str]]:
    """(sentence, label) rows; label is one of ``LABELS`` ("none" when no flag is set)."""
    rows: list[tuple[str, str]] = []
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {f for f, _ in CONDEC_FLAGS} | {"sentence"}
        missing -= set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            label = "none"
            for flag, name in CONDEC_FLAGS:
                value = (row.get(flag) or "0").strip()
                if value not in ("0", "1"):
                    raise ValueError(f"{path}:{line}: {flag} must be 0 or 1, not {value!r}")
                if value == "1":
                    label = name
                    break
            rows.append((row["sentence"], label))
    return rows


def featurize(texts: Iterable[str]) -> list[list[str]]:
    """Classifier features for each text taken as one sentence (the extractor's tokenizer)."""
    nlp = spacy.blank("en")
    out = []
    for doc in nlp.pipe(texts):
        words = [t.lower_ for t in doc if not t.is_space]
        out.append(features(analyze(doc.text, words)))
    return out


def train_on(
    rows: Sequence[tuple[str, str]], *, seed: int = 0, epochs: int = 12
) -> SentenceClassifier:
    feats = featurize(text for text, _ in rows)
    return train_classifier(
        zip(feats, (label for _, label in rows), strict=True), seed=seed, epochs=epochs
    )


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=None, help="ConDec CSV (default: shared/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="output directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args(argv)
    data = args.data or default_data_path()
    if not data.is_file():
        print(
            f"error: no training data at {data} (set --data or SIPHON_CONDEC_CSV)", file=sys.stderr
        )
        return 2
    rows = load_condec(data)
    classifier = train_on(rows, seed=args.seed, epochs=args.epochs)
    counts = Counter(label for _, label in rows)
    classifier.nlp.meta.update(
        {
            "name": "siphon_condec_textcat",
            "version": "1.0.0",
            "description": "Decision-knowledge sentence classifier (ConDec NLP4RE'21 dev split)",
            "license": "MIT (training data: ConDec, see ATTRIBUTION.md)",
        }
    )
    classifier.to_disk(
        args.out,
        meta={
            "data": data.name,
            "data_sha256": sha256_of(data),
            "rows": len(rows),
            "label_counts": {label: counts.get(label, 0) for label in LABELS},
            "seed": args.seed,
            "epochs": args.epochs,
        },
    )
    size = sum(p.stat().st_size for p in Path(args.out).rglob("*") if p.is_file())
    print(f"trained on {len(rows)} rows from {data}; wrote {args.out} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
