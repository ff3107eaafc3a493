"""Entity resolution cost: N mentions resolved against 50k known entities.

Builds an ``EntityIndex`` of 50k organization/product names, then resolves 10k, 50k and 100k
mentions against a fresh copy each time. The mentions mix what real text holds: the exact name
(30%), a variant that normalizes to it (case, punctuation, a corporate suffix, diacritics: 30%),
a typo that only rapidfuzz over the blocked candidates finds (20%) and a name never seen
(20%). Near-linear means time(100k) / time(10k) stays near 10 (all-pairs would be ~10 too per
mention, but ~5,000x slower in absolute terms: the baseline below scores one mention against
all 50k entities for comparison).

    python -m benchmarks.resolution_bench [--entities 50000] [--sizes 10000,50000,100000]
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from typing import Any

from rapidfuzz import fuzz, process

from benchmarks._common import write_results
from ontology.resolution import EntityIndex, normalize_name

SYLLABLES = [
    "ac", "me", "glo", "bex", "ini", "tech", "zen", "dyn", "sys", "tron", "vex", "lum", "cor",
    "nex", "ora", "pix", "qua", "rio", "sol", "tera", "ul", "vir", "wex", "xan", "yor", "zup",
    "bri", "cal", "dor", "eon", "fal", "gar", "hel", "ix", "jor", "kal", "lor", "mar", "nor",
]  # fmt: skip
WORDS = ["Labs", "Systems", "Cloud", "Data", "Networks", "Health", "Capital", "Logistics",
         "Energy", "Robotics", "Analytics", "Media", "Foods", "Security", "Motors"]  # fmt: skip
SUFFIXES = ["Inc.", "Ltd", "GmbH", "Corp", "LLC", "S.A.", "AG", "Corporation"]


def _name(rng: random.Random) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{stem} {rng.choice(WORDS)}" if rng.random() < 0.7 else stem


def _variant(name: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return f"{name}, {rng.choice(SUFFIXES)}"
    if choice == 2:
        return name.lower() + " " + rng.choice(SUFFIXES).lower()
    return name.replace("o", "ö", 1) if "o" in name else name + " Inc"


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 8:
        return name + "s"
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swap two letters


def build(entities: int, seed: int = 7) -> tuple[EntityIndex, list[str]]:
    rng = random.Random(seed)
    index = EntityIndex()
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < entities:
        name = _name(rng)
        key = normalize_name(name)
        if key in seen:
            continue
        seen.add(key)
        names.append(name)
        index.resolve(name, "Organization")
    index.changed.clear()
    return index, names


def mentions(names: list[str], count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        roll = rng.random()
        name = rng.choice(names)
        if roll < 0.3:
            out.append(name)
        elif roll < 0.6:
            out.append(_variant(name, rng))
        elif roll < 0.8:
            out.append(_typo(name, rng))
        else:
            out.append(_name(rng) + " " + rng.choice(["Partners", "Group", "Studio", "Works"]))
    return out


def run(entities: int, sizes: list[int]) -> dict[str, Any]:
    started = time.perf_counter()
    base, names = build(entities)
    build_s = time.perf_counter() - started
    rows = []
    for size in sizes:
        index = copy.deepcopy(base)
        batch = mentions(names, size)
        t0 = time.perf_counter()
        created = 0
        for surface in batch:
            found = index.resolve(surface, "Organization")
            created += bool(found and found.created)
        seconds = time.perf_counter() - t0
        rows.append(
            {
                "mentions": size,
                "seconds": round(seconds, 3),
                "us_per_mention": round(seconds / size * 1e6, 1),
                "mentions_per_s": round(size / seconds),
                "new_entities": created,
            }
        )
    smallest = rows[0]
    for row in rows:
        row["time_ratio_vs_smallest"] = round(row["seconds"] / smallest["seconds"], 2)
        row["size_ratio_vs_smallest"] = round(row["mentions"] / smallest["mentions"], 2)
    # all-pairs baseline: one mention scored against every entity, measured on 200 mentions
    keys = [normalize_name(n) for n in names]
    sample = [normalize_name(m) for m in mentions(names, 200, seed=3)]
    t0 = time.perf_counter()
    for key in sample:
        process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=90)
    all_pairs_us = (time.perf_counter() - t0) / len(sample) * 1e6
    return {
        "entities": entities,
        "build_seconds": round(build_s, 2),
        "runs": rows,
        "all_pairs_us_per_mention": round(all_pairs_us, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--sizes", default="10000,50000,100000")
    args = parser.parse_args()
    results = run(args.entities, [int(s) for s in args.sizes.split(",")])
    print(f"{results['entities']} entities indexed in {results['build_seconds']} s")
    print(f"{'mentions':>9} {'seconds':>8} {'us/mention':>10} {'time x':>7} {'size x':>7}")
    for row in results["runs"]:
        print(
            f"{row['mentions']:>9} {row['seconds']:>8} {row['us_per_mention']:>10} "
            f"{row['time_ratio_vs_smallest']:>7} {row['size_ratio_vs_smallest']:>7}"
        )
    print(f"all-pairs baseline: {results['all_pairs_us_per_mention']} us per mention")
    path = write_results("resolution_bench", results)
    print(f"results: {path}")


if __name__ == "__main__":
    main()
