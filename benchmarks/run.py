"""Run every benchmark and write benchmarks/results/latest.md and latest.json.

Each benchmark runs in its own process (fresh memory, its own peak RSS) and writes its own
results file; this script collects them with the machine, versions and date. Every figure is
compared with a baseline or limit measured in the same run of that benchmark.

    python -m benchmarks.run [--quick]      # make bench

``--quick`` shrinks the sizes (100k-document graphs, 10k-message sync) for a smoke run.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks._common import RESULTS_DIR, machine

PACKAGES = ("kuzu", "dlt", "spacy", "rapidfuzz", "apscheduler", "httpx", "pyarrow")


def steps(quick: bool, demo_state: Path) -> list[tuple[str, list[str]]]:
    big = "100000" if quick else "1000000"
    return [
        ("graph_writes", ["-m", "benchmarks.graph_writes", "--documents", big]),
        ("extraction_speed", ["-m", "benchmarks.extraction_speed"]),
        ("extraction_eval", ["-m", "benchmarks.extraction_eval"]),
        ("resolution_bench", ["-m", "benchmarks.resolution_bench"]),
        ("demo_graph", ["-m", "daemon", "demo", "--cycles", "1", "--state-dir", str(demo_state)]),
        (
            "resolution_eval",
            ["-m", "benchmarks.resolution_eval", "--state-dir", str(demo_state), "--texts"],
        ),
        (
            "end_to_end",
            ["-m", "benchmarks.end_to_end", "--scales", "10000", *([] if quick else ["100000"])],
        ),
        ("queries", ["-m", "benchmarks.queries", "--documents", big]),
        ("idle_poll", ["-m", "benchmarks.idle_poll"]),
    ]


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def summary(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(benchmark, figure, value, target/baseline) rows for the markdown report."""
    rows: list[tuple[str, str, str, str]] = []
    gw = results.get("graph_writes")
    if gw:
        for n, c in sorted(gw["checkpoints"].items(), key=lambda kv: int(kv[0])):
            rows.append(
                (
                    "graph writes",
                    f"building {int(n):,} documents + relationships",
                    f"{c['rows_per_s']:,.0f} rows/s (last batches {c['marginal_rows_per_s']:,.0f})",
                    f"naive UNWIND/MERGE: {gw.get('naive_checkpoints', {}).get(n, 0):,.0f} rows/s"
                    if str(n) in {str(k) for k in gw.get("naive_checkpoints", {})}
                    else "",
                )
            )
        rows.append(
            (
                "graph writes",
                "rate at largest / rate at 10k",
                f"{gw['ratio_last_to_first']:.2f}",
                "target >= 0.5: " + ("met" if gw["target_met"] else "MISSED"),
            )
        )
    es = results.get("extraction_speed")
    if es:
        rows.append(
            (
                "extraction",
                "no statistical model",
                f"{es['blank']['words_per_s']:,} words/s",
                f"tokenizer alone {es['tokenize_only_words_per_s']:,} words/s (ceiling); "
                f"target >= 50,000: {'met' if es['blank']['target_50k_met'] else 'MISSED'}",
            )
        )
        st = es.get("statistical")
        if isinstance(st, dict) and "scope_flagged_words_per_s" in st:
            rows.append(
                (
                    "extraction",
                    f"with {st['model']} (parser/NER where flagged)",
                    f"{st['scope_flagged_words_per_s']:,} words/s",
                    f"on every sentence: {st['scope_all_words_per_s']:,} words/s",
                )
            )
    ee = results.get("extraction_eval")
    if ee:
        for label in ("decision", "alternative", "rationale"):
            s = ee["condec"]["scores"][label]
            base = ee["condec"]["baseline_f1"].get(label)
            rows.append(
                (
                    "extraction quality",
                    f"ConDec {label} sentences (10-fold CV)",
                    f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}",
                    f"published baseline F1 {base}" if base else "",
                )
            )
    rb = results.get("resolution_bench")
    if rb:
        for run in rb["runs"]:
            rows.append(
                (
                    "resolution",
                    f"{run['mentions']:,} mentions vs {rb['entities']:,} entities",
                    f"{run['seconds']:.2f}s ({run['us_per_mention']:.0f} us/mention)",
                    f"time x{run['time_ratio_vs_smallest']} "
                    f"for size x{run['size_ratio_vs_smallest']}; "
                    f"all-pairs {rb['all_pairs_us_per_mention']:,.0f} us/mention",
                )
            )
    re_ = results.get("resolution_eval")
    if re_:
        for kind in ("people", "entities", "decisions"):
            r = re_[kind]
            rows.append(
                (
                    "resolution quality",
                    f"{kind} merges vs the sandbox answer key",
                    f"precision {r['precision']:.3f} recall {r['recall']:.3f}",
                    "",
                )
            )
    e2e = results.get("end_to_end")
    if e2e:
        for scale, r in sorted(e2e["scales"].items(), key=lambda kv: int(kv[0])):
            extra = (
                f"naive {r['naive']['records_per_s']:,.0f} records/s: x{r['speedup_vs_naive']:.1f}"
                if "naive" in r
                else ""
            )
            rows.append(
                (
                    "end to end",
                    f"{int(scale):,} messages ({r['records']:,} records)",
                    f"{r['records_per_s']:,.0f} records/s; peak RSS {r['peak_rss_mb']:,.0f} MB "
                    f"(+ extraction worker {r['worker_peak_rss_mb']:,.0f} MB)",
                    extra,
                )
            )
            if "cpu_per_record_ms" in r:
                rows.append(
                    (
                        "end to end",
                        f"{int(scale):,} messages: CPU time",
                        f"{r['cpu_seconds']:.1f}s sync + {r['worker_cpu_seconds']:.1f}s "
                        f"extraction worker + {r['sandbox_cpu_seconds']:.1f}s sandbox server = "
                        f"{r['cpu_per_record_ms']:.2f} ms/record",
                        f"CPU-bound ceiling on {r['cores']} cores: "
                        f"{r['cpu_bound_records_per_s']:,.0f} records/s",
                    )
                )
        t = e2e["targets"]
        rows.append(
            (
                "end to end",
                "targets",
                "",
                ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in t.items()),
            )
        )
    q = results.get("queries")
    if q:
        for name, r in q["queries"].items():
            rows.append(
                (
                    "queries",
                    f"{name} ({q['graph'].get('Document', 0):,} documents)",
                    f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms",
                    "" if name.startswith("baseline") else "target p95 < 50 ms",
                )
            )
    ip = results.get("idle_poll")
    if ip:
        rows.append(
            (
                "idle poll",
                "a sync cycle that finds nothing new (4 connectors)",
                f"{ip['idle_cycle_s']:.2f}s",
                f"first full sync {ip['first_sync_s']:.2f}s; "
                f"graph unchanged: {ip['graph_unchanged_by_idle_cycles']}",
            )
        )
    return rows


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Date: {report['date']}  ",
        f"Machine: {report['machine']['cpus']} cores, {report['machine']['platform']}  ",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()),
        "",
        "| benchmark | figure | value | baseline / target (same run) |",
        "|---|---|---|---|",
    ]
    for row in summary(report["results"]):
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    failed = [name for name, ok in report["steps"].items() if not ok]
    if failed:
        lines += ["", f"Failed steps: {', '.join(failed)} (see their output)."]
    lines += ["", "Per-benchmark details: `benchmarks/results/<name>.json`."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="siphon-bench-"))
    status: dict[str, bool] = {}
    timings: dict[str, float] = {}
    try:
        for name, argv in steps(args.quick, workdir / "demo"):
            print(f"== {name}", flush=True)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, *argv], check=False)
            timings[name] = round(time.perf_counter() - started, 1)
            status[name] = done.returncode == 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    names = [n for n, _ in steps(args.quick, workdir) if n != "demo_graph"]
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": _versions(),
        "quick": args.quick,
        "steps": status,
        "step_seconds": timings,
        "results": {name: load(name) for name in names},
    }
    (RESULTS_DIR / "latest.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (RESULTS_DIR / "latest.md").write_text(markdown(report))
    print((RESULTS_DIR / "latest.md").read_text())
    if not all(status.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
