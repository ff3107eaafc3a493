"""The cost of a sync cycle that finds nothing new.

Against the sandbox's seeded organization (served by its own process): one full first sync,
then several cycles with no new activity. Each idle cycle still re-reads the lookback window
(edits and late replies land there), so it costs HTTP requests and a pass over those records,
which the ingest recognises as unchanged and does not rewrite. Reported per connector: seconds,
requests and records re-read per idle cycle, against the first sync in the same run.

    python -m benchmarks.idle_poll [--cycles 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._common import write_results
from benchmarks.end_to_end import SandboxProcess


def run(cycles: int) -> dict[str, Any]:
    from daemon._pipeline import (
        OpenGraph,
        forget_ingestors,
        open_graph,
        shared_ingestor,
        sync_connector,
    )
    from daemon._settings import load_config

    workdir = Path(tempfile.mkdtemp(prefix="siphon-idle-"))
    sandbox = SandboxProcess(None, workdir)  # the hand-written organization
    os.environ.update(sandbox.environ())
    results: dict[str, Any] = {"connectors": {}}
    try:
        loaded = load_config(sandbox.config, state_dir=workdir / "state")
        shared_ingestor(loaded)
        with open_graph(loaded) as store:
            graph = OpenGraph(store)
            first: dict[str, Any] = {}
            for name in loaded.connectors:
                r = sync_connector(loaded, name, graph=graph)
                first[name] = (r.seconds, r.requests, r.total_records)
            before = store.counts()
            idle: dict[str, list[tuple[float, int, int, int]]] = {n: [] for n in loaded.connectors}
            started = time.perf_counter()
            for _ in range(cycles):
                for name in loaded.connectors:
                    r = sync_connector(loaded, name, graph=graph)
                    idle[name].append((r.seconds, r.requests, r.total_records, r.documents))
            idle_total = (time.perf_counter() - started) / cycles
            unchanged = store.counts() == before
        for name in loaded.connectors:
            secs = [x[0] for x in idle[name]]
            results["connectors"][name] = {
                "first_sync_s": round(first[name][0], 2),
                "first_sync_records": first[name][2],
                "idle_s_median": round(statistics.median(secs), 3),
                "idle_requests": idle[name][-1][1],
                "idle_records_reread": idle[name][-1][2],
                "idle_documents_written": sum(x[3] for x in idle[name]),
            }
        results["idle_cycle_s"] = round(idle_total, 2)
        results["first_sync_s"] = round(sum(v[0] for v in first.values()), 2)
        results["graph_unchanged_by_idle_cycles"] = unchanged
        forget_ingestors()
    finally:
        sandbox.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    results = run(args.cycles)
    for name, r in results["connectors"].items():
        print(
            f"{name:11s} idle cycle {r['idle_s_median']:.2f}s, {r['idle_requests']} requests, "
            f"{r['idle_records_reread']} records re-read, {r['idle_documents_written']} written "
            f"(first sync {r['first_sync_s']:.2f}s, {r['first_sync_records']} records)"
        )
    print(
        f"all connectors: idle cycle {results['idle_cycle_s']:.2f}s vs first sync "
        f"{results['first_sync_s']:.2f}s; graph unchanged: "
        f"{results['graph_unchanged_by_idle_cycles']}"
    )
    print(f"wrote {write_results('idle_poll', results, args.output)}")


if __name__ == "__main__":
    main()
