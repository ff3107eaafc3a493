"""Decision extraction quality: ConDec k-fold cross-validation, and the sandbox answer key.

ConDec: the classifier is retrained per fold on the other folds (fixed seeds) and the full
extractor — rules + that fold's classifier — labels each held-out sentence; no sentence is
ever scored by a classifier that saw it. A sentence counts as a *decision* when the extractor
emits a decided/rejected/reversed decision for it, an *alternative* when it emits a proposal,
and *pro*/*con* when the classifier's verdict is that argument (rationale sentences).
Published baseline (logistic regression, 10-fold, whole set): decision F1 0.389, alternative
F1 0.248. Targets here: decision F1 >= 0.60, alternative F1 >= 0.45.

Sandbox: ``connectors.sandbox.Sandbox().answer_key()`` labels every document of a generated
organization; each is extracted (replies with their parent) and scored: decision vs
non-decision documents, proposals, every non-decision kind, the status of found decisions,
whether the labelled rationale and alternatives were found, and the structured-fact rule.
Two worlds: the default one (the hand-written organization; the rules were developed while
reading it, so it is not held out) and a scaled one (3,000 Slack messages, mostly generated
variations the rules were not tuned on).

    python -m benchmarks.extraction_eval [--folds 10] [--seed 0] [--data condec-dev.csv]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import UTC, datetime
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


DECIDED = ("decided", "rejected", "reversed")
NOT_DECISIONS = ("question", "hypothetical", "negated", "reported", "chatter")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def sandbox_eval(seed: int = 7, scale: int | None = None) -> dict[str, Any] | None:
    """Score on the sandbox's labelled answer key, or None when there is none (yet).

    Documents: each reachable text document is extracted (with its parent's text for
    replies); a document labelled "decision" should yield a decided/rejected/reversed decision,
    one labelled "proposal" a proposal, and the other labels (question, hypothetical, negated,
    reported, chatter) no decided one. For found decisions: the status against the truth's
    (superseded counts as decided: it was decided at the time), whether a rationale was found
    where the truth has one (and how many of its words it shares), and whether a labelled
    alternative was found. Structured: ``classify_fact`` on every labelled fact.
    """
    try:
        from connectors.sandbox import Sandbox
    except ImportError:
        return None
    if not hasattr(Sandbox, "answer_key"):
        return None
    from rapidfuzz import fuzz

    from connectors import Fact
    from ontology.extraction import ExtractionInput, ParentContext, classify_fact

    sandbox = Sandbox(seed=seed, scale=scale, now=datetime(2026, 3, 1, tzinfo=UTC))
    key = sandbox.answer_key()
    docs = [d for d in key.documents if d.reachable and d.text.strip() and d.label != "structured"]
    by_id = {d.record_id: d for d in key.documents}
    inputs = []
    for d in docs:
        parent = by_id.get(d.parent_id) if d.parent_id else None
        inputs.append(
            ExtractionInput(
                d.record_id,
                d.text,
                author=d.author,
                created_at=datetime.fromisoformat(d.created_at.replace("Z", "+00:00")),
                parent=ParentContext(parent.record_id, parent.text, parent.author)
                if parent is not None
                else None,
            )
        )
    extractor = build_extractor()
    results = list(extractor.extract_many(inputs))
    decision_docs, proposal_docs = PRF(), PRF()
    false_decided: dict[str, list[int]] = {label: [0, 0] for label in NOT_DECISIONS}
    status_ok = status_n = 0
    rationale_found = rationale_n = 0
    rationale_overlap: list[float] = []
    alt_found = alt_n = 0
    misses: list[str] = []
    for d, result in zip(docs, results, strict=True):
        decided = [x for x in result.decisions if x.status in DECIDED]
        proposed = [x for x in result.decisions if x.status == "proposed"]
        decision_docs.add(bool(decided), d.label == "decision")
        proposal_docs.add(bool(proposed) and not decided, d.label == "proposal")
        if d.label in false_decided:
            false_decided[d.label][0] += bool(decided)
            false_decided[d.label][1] += 1
        if d.label == "decision" and not decided:
            misses.append(d.text[:100])
        if d.label != "decision" or not decided or not d.decisions:
            continue
        truth = key.decisions.get(d.decisions[0])
        if truth is None:
            continue
        found = decided[0]
        status_n += 1
        # a later reversal or replacement is known from later documents, not from this text
        want = "decided" if truth.status in ("superseded", "reversed") else truth.status
        status_ok += found.status == want
        rationale = next((x.rationale for x in decided if x.rationale), None)
        if truth.rationale:
            rationale_n += 1
            if rationale:
                rationale_found += 1
                gold = _words(truth.rationale)
                rationale_overlap.append(len(gold & _words(rationale)) / max(1, len(gold)))
        if truth.alternatives:
            alt_n += 1
            got = [a for x in decided for a in x.alternatives]
            alt_found += any(
                fuzz.partial_ratio(a.lower(), g.lower()) >= 80
                for a in got
                for g in truth.alternatives
            )
    structured = PRF()
    for s in key.structured:
        fact = Fact(
            id=s.id,
            kind=s.kind,  # type: ignore[arg-type]
            field=s.field,
            from_value=s.from_value,
            to_value=s.to_value,
            at=datetime.fromisoformat(s.at.replace("Z", "+00:00")),
        )
        structured.add(classify_fact(fact) is not None, s.is_decision)
    summary = {
        "documents": len(docs),
        "decision documents F1": f"{decision_docs.f1:.3f} (P {decision_docs.precision:.3f}, "
        f"R {decision_docs.recall:.3f})",
        "proposal documents F1": f"{proposal_docs.f1:.3f} (P {proposal_docs.precision:.3f}, "
        f"R {proposal_docs.recall:.3f})",
        "non-decisions taken as decided": ", ".join(
            f"{label} {n}/{total}" for label, (n, total) in false_decided.items()
        ),
        "status correct": f"{status_ok}/{status_n}",
        "rationale found": f"{rationale_found}/{rationale_n} (mean word recall "
        f"{sum(rationale_overlap) / max(1, len(rationale_overlap)):.2f})",
        "alternatives found": f"{alt_found}/{alt_n}",
        "structured facts F1": f"{structured.f1:.3f} (P {structured.precision:.3f}, "
        f"R {structured.recall:.3f}, {len(key.structured)} facts)",
    }
    return {
        "seed": seed,
        "scale": scale,
        "summary": summary,
        "decision_documents": decision_docs.as_dict(),
        "proposal_documents": proposal_docs.as_dict(),
        "false_decided": false_decided,
        "status": {"correct": status_ok, "of": status_n},
        "rationale": {"found": rationale_found, "of": rationale_n},
        "alternatives": {"found": alt_found, "of": alt_n},
        "structured": structured.as_dict(),
        "missed_decision_documents": misses,
    }


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
    for name, seed, scale in (("sandbox", 7, None), ("sandbox_scaled", 11, 3000)):
        sandbox = sandbox_eval(seed, scale)
        results[name] = sandbox if sandbox is not None else "connectors.sandbox has no answer_key()"
        if sandbox is None:
            print("sandbox: connectors.sandbox.Sandbox.answer_key() not available; skipped")
            break
        print(f"sandbox answer key (seed {seed}, scale {scale or 'default'}):")
        for key, value in sandbox["summary"].items():
            print(f"  {key}: {value}")
    path = write_results("extraction_eval", results, args.output)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
