"""Decision extraction quality: ConDec k-fold cross-validation, and the sandbox answer key.

ConDec: the classifier is retrained per fold on the other folds (fixed seeds) and the full
extractor — rules + that fold's classifier — labels each held-out sentence; no sentence is
ever scored by a classifier that saw it. A sentence counts as a *decision* when the extractor
emits a decided/rejected/reversed decision for it, an *alternative* when it emits a proposal,
and *pro*/*con* when the classifier's verdict is that argument (rationale sentences).
Published baseline (logistic regression, 10-fold, whole set): decision F1 0.389, alternative
F1 0.248. Targets here: decision F1 >= 0.60, alternative F1 >= 0.45.

Sandbox: when ``connectors.sandbox`` provides ``Sandbox().answer_key()``, every labelled
document is extracted and scored: decision vs non-decision documents, the status of found
decisions, and whether the labelled rationale and alternatives were found.

    python -m benchmarks.extraction_eval [--folds 10] [--seed 0] [--data condec-dev.csv]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._common import PRF, folds, table, write_results
from ontology.extraction import build_extractor
from ontology.extraction.train import default_data_path, load_condec, train_on

CLASSES = ("decision", "alternative", "pro", "con")


def condec_cv(data: Path, k: int, seed: int) -> dict[str, Any]:
    rows = load_condec(data)
    scores = {c: PRF() for c in CLASSES}
    rationale = PRF()  # pro or con, as one "rationale sentence" class
    predictions: list[str] = [""] * len(rows)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i, test in enumerate(folds(len(rows), k, seed)):
            held_out = set(test)
            train = [rows[j] for j in range(len(rows)) if j not in held_out]
            model_dir = Path(tmp) / f"fold{i}"
            train_on(train, seed=seed).to_disk(model_dir)
            extractor = build_extractor(classifier=model_dir)
            labels = list(extractor.label_sentences(rows[j][0] for j in test))
            for j, label in zip(test, labels, strict=True):
                predictions[j] = label
    for (_, gold), pred in zip(rows, predictions, strict=True):
        for c in CLASSES:
            scores[c].add(pred == c, gold == c)
        rationale.add(pred in ("pro", "con"), gold in ("pro", "con"))
    return {
        "data": str(data),
        "rows": len(rows),
        "folds": k,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 1),
        "scores": {c: s.as_dict() for c, s in scores.items()} | {"rationale": rationale.as_dict()},
        "baseline_f1": {"decision": 0.389, "alternative": 0.248},
        "targets_met": {
            "decision": scores["decision"].f1 >= 0.60,
            "alternative": scores["alternative"].f1 >= 0.45,
        },
    }


def sandbox_eval() -> dict[str, Any] | None:
    """Score on the sandbox answer key, or None when the sandbox has none (yet)."""
    try:
        from connectors.sandbox import Sandbox  # type: ignore[attr-defined]
    except ImportError:
        return None
    if not hasattr(Sandbox, "answer_key"):
        return None
    from benchmarks._sandbox_key import score_answer_key

    return score_answer_key(Sandbox, build_extractor())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "condec": condec_cv(args.data or default_data_path(), args.folds, args.seed)
    }
    cd = results["condec"]
    print(f"ConDec {cd['folds']}-fold CV on {cd['rows']} sentences ({cd['seconds']}s):")
    print(
        table(
            [("class", "precision", "recall", "F1", "baseline F1")]
            + [
                (
                    c,
                    f"{s['precision']:.3f}",
                    f"{s['recall']:.3f}",
                    f"{s['f1']:.3f}",
                    f"{cd['baseline_f1'].get(c, '')}",
                )
                for c, s in cd["scores"].items()
            ]
        )
    )
    for name, met in cd["targets_met"].items():
        print(f"target {name}: {'met' if met else 'MISSED'}")
    sandbox = sandbox_eval()
    results["sandbox"] = (
        sandbox if sandbox is not None else "connectors.sandbox has no answer_key()"
    )
    if sandbox is None:
        print("sandbox: connectors.sandbox.Sandbox.answer_key() not available; skipped")
    else:
        print("sandbox:")
        for key, value in sandbox["summary"].items():
            print(f"  {key}: {value}")
    path = write_results("extraction_eval", results, args.output)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
