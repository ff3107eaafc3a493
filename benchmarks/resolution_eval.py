"""Resolution quality against the sandbox's answer key: precision and recall of merges.

For people, entities and decisions alike, every pair of items the key puts in one cluster (two
accounts of one human, two spellings of one company, two documents stating one decision) is a
true merge; a pair the graph puts together is a predicted merge. Pairwise precision = correct
predicted merges / predicted merges; recall = correct predicted merges / true merges.

It also checks the gazetteer loop: extracting the same texts a second time, after the graph's
entities were fed to the extractor, finds at least as many entity mentions as the first time.

    python -m benchmarks.resolution_eval --state-dir DIR --answer-key key.json [--texts]

DIR holds a graph built from the sandbox (``siphon demo`` or ``siphon run`` against it);
key.json is ``AnswerKey.to_dict()``. Without ``--answer-key`` the script asks
``connectors.sandbox`` for the key of its default world.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from benchmarks._common import PRF, write_results
from ontology import GraphStore, graph_path
from ontology.resolution import normalize_name

TOOLS = ("slack", "jira", "hubspot", "salesforce")


def pairwise(truth: Mapping[str, str], predicted: Mapping[str, str | None]) -> PRF:
    """Pairwise merge P/R over the items in ``truth`` (item -> true cluster); ``predicted``
    maps item -> predicted cluster (None: not found, so merged with nothing)."""
    score = PRF()
    items = sorted(truth)
    for a, b in itertools.combinations(items, 2):
        same_truth = truth[a] == truth[b]
        pa, pb = predicted.get(a), predicted.get(b)
        same_pred = pa is not None and pa == pb
        if same_truth or same_pred:
            score.add(same_pred, same_truth)
    return score


def people_truth(key: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for person, entry in key["people"].items():
        for tool in TOOLS:
            account = entry.get(tool)
            if isinstance(account, Mapping) and account.get("record_id"):
                out[str(account["record_id"])] = person
    return out


def entity_truth(key: Mapping[str, Any]) -> dict[str, str]:
    return {
        variant: canonical
        for canonical, variants in key["entities"].items()
        for variant in {canonical, *variants}
    }


def decision_truth(key: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for cluster_id, cluster in key["decisions"].items():
        if not cluster.get("reachable", True):
            continue
        for doc in cluster.get("documents", []):
            out[str(doc)] = cluster_id
    return out


def predicted_people(store: GraphStore) -> dict[str, str | None]:
    return {
        str(a): str(p)
        for a, p in store.execute("MATCH (a:Account)-[:ACCOUNT_OF]->(p:Person) RETURN a.id, p.id")
    }


def predicted_entities(store: GraphStore, variants: Iterable[str]) -> dict[str, str | None]:
    by_alias: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for entity_id, name, aliases in store.execute(
        "MATCH (e:Entity) RETURN e.id, e.name, e.aliases"
    ):
        for surface in {name, *(aliases or [])}:
            if surface:
                by_alias.setdefault(surface, entity_id)
                by_key.setdefault(normalize_name(surface), entity_id)
    return {v: by_alias.get(v) or by_key.get(normalize_name(v)) for v in variants}


def predicted_decisions(store: GraphStore, docs: Iterable[str]) -> dict[str, str | None]:
    stated: dict[str, list[str]] = defaultdict(list)
    for decision_id, doc in store.execute(
        "MATCH (x:Decision)-[:STATED_IN]->(d:Document) RETURN x.id, d.id"
    ):
        stated[str(doc)].append(str(decision_id))
    # a document stating several decisions is compared on its first (ids sort stably)
    return {d: (sorted(stated[d])[0] if stated.get(d) else None) for d in docs}


def evaluate(store: GraphStore, key: Mapping[str, Any]) -> dict[str, Any]:
    """Pairwise merge precision/recall for people, entities and decisions."""
    out: dict[str, Any] = {}
    people = people_truth(key)
    entities = entity_truth(key)
    decisions = decision_truth(key)
    for name, truth, predicted in (
        ("people", people, predicted_people(store)),
        ("entities", entities, predicted_entities(store, entities)),
        ("decisions", decisions, predicted_decisions(store, decisions)),
    ):
        score = pairwise(truth, predicted)
        out[name] = {
            "items": len(truth),
            "found": sum(1 for item in truth if predicted.get(item) is not None),
            "true_merges": score.tp + score.fn,
            "predicted_merges": score.tp + score.fp,
            "precision": round(score.precision, 3),
            "recall": round(score.recall, 3),
        }
    return out


def mention_passes(store: GraphStore, texts: list[str]) -> dict[str, int]:
    """Entity mentions found in ``texts`` by a fresh extractor, then again after the graph's
    entities were fed to its gazetteer (the loop closing)."""
    from ontology._ingest import Ingestor
    from ontology.extraction import build_extractor

    extractor = build_extractor()
    first = sum(len(e.entities) for e in extractor.extract_many(_inputs(texts)))
    Ingestor(extractor=extractor)._ensure_state(store)  # feeds the gazetteer from the graph
    second = sum(len(e.entities) for e in extractor.extract_many(_inputs(texts)))
    return {"first_pass_mentions": first, "second_pass_mentions": second}


def _inputs(texts: list[str]) -> list[Any]:
    from ontology.extraction import ExtractionInput

    return [ExtractionInput(f"text:{n}", t) for n, t in enumerate(texts)]


def _default_key() -> dict[str, Any]:
    try:
        from connectors import sandbox  # type: ignore[attr-defined]
    except ImportError as exc:
        raise SystemExit(
            f"no --answer-key given and connectors.sandbox is unavailable: {exc}"
        ) from exc
    key = sandbox.Sandbox().answer_key()
    return dict(key.to_dict())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--answer-key", type=Path)
    parser.add_argument("--texts", action="store_true", help="also run the two-pass mention check")
    args = parser.parse_args()
    key = (
        json.loads(args.answer_key.read_text(encoding="utf-8"))
        if args.answer_key
        else _default_key()
    )
    with GraphStore(graph_path(args.state_dir)) as store:
        results = evaluate(store, key)
        if args.texts:
            texts = [d["text"] for d in key.get("documents", []) if d.get("text")]
            results["gazetteer_loop"] = mention_passes(store, texts)
    for name in ("people", "entities", "decisions"):
        row = results[name]
        print(
            f"{name:<10} items={row['items']:<6} found={row['found']:<6} "
            f"precision={row['precision']:.3f} recall={row['recall']:.3f}"
        )
    if "gazetteer_loop" in results:
        print(f"gazetteer loop: {results['gazetteer_loop']}")
    print(f"results: {write_results('resolution_eval', results)}")


if __name__ == "__main__":
    main()
