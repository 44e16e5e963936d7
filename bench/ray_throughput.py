"""Ray local against `ingest --workers N`: the same inputs as bench/throughput.py (the
general-news mix and the conflict-dense CSV), the same N CPUs, each run in its own process.

For `ingest --workers N` the run time excludes loading the pipelines (bench/throughput.py's
`run_one`). For `batch` (Ray Data, N coding actors) three times are given: Ray's start-up, the
whole batch (actors start and load their pipeline inside it), and the steady part, from the
first chunk written to the last (file times; rate = records of the later chunks / that time). The
overhead is Ray's steady rate against ingest's rate; the end-to-end overhead (start-up
included, against ingest's load + run) is given too. `load` (Parquet -> SQLite) is timed apart.

The table is printed and appended with the commit id to docs/performance.md (unless
--no-report). The machine is shared: run it more than once and compare.

Usage: .venv/bin/python bench/ray_throughput.py [--cpus 2] [--pages 300] [--fast] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from throughput import CONFLICT_CSV, append_report, commit_id, run_isolated, write_news_mix


def run_one_ray(path: str, cpus: int, fast: bool) -> dict:
    """`batch` then `load` of ``path`` on a local Ray of ``cpus`` CPUs (in its own process)."""
    from sitreps.batch import CHUNKS, load_output, run_batch, start_ray
    from sitreps.store import open_store

    started = time.perf_counter()
    start_ray(None, cpus)
    ray_start = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        began = time.time()
        stats = run_batch(path, out, num_cpus=cpus, fast=fast)
        batch_seconds = time.time() - began
        chunks = sorted((p.stat().st_mtime, json.loads(p.read_text())["records"])
                        for p in (out / CHUNKS).glob("*.json"))  # fmt: skip
        loading = time.perf_counter()
        with open_store(Path(tmp) / "bench.db") as store:
            loaded = load_output(out, store, dedupe=False)
        load_seconds = time.perf_counter() - loading
    # steady: from the first chunk written to the last, the records of the chunks after the first
    steady_seconds = chunks[-1][0] - chunks[0][0]
    steady_records = sum(records for _when, records in chunks[1:])
    return {
        "records": stats.records, "errors": stats.errors, "events": stats.events,
        "ray_start": ray_start, "batch_seconds": batch_seconds,
        "first_chunk": chunks[0][0] - began, "steady_seconds": steady_seconds,
        "steady_rate": steady_records / steady_seconds if steady_seconds > 0 else 0.0,
        "load_seconds": load_seconds, "loaded_events": loaded.events,
    }  # fmt: skip


HEADER = (
    "| input | docs | ingest -w N: load s + run s | ingest docs/s | Ray start s | batch s "
    "| first chunk at s | Ray steady docs/s | steady overhead | end-to-end overhead "
    "| load s (Parquet→SQLite) | events ingest / batch | load avg |"
)


def row(name: str, ingest: dict, ray: dict) -> str:
    ingest_rate = ingest["documents"] / ingest["seconds"]
    steady = 1 - ray["steady_rate"] / ingest_rate
    ingest_total = ingest["load_seconds"] + ingest["seconds"]
    ray_total = ray["ray_start"] + ray["batch_seconds"]
    return (
        f"| {name} | {ingest['documents']} | {ingest['load_seconds']:.1f} + "
        f"{ingest['seconds']:.1f} | {ingest_rate:.1f} | {ray['ray_start']:.1f} "
        f"| {ray['batch_seconds']:.1f} | {ray['first_chunk']:.1f} | {ray['steady_rate']:.1f} "
        f"| {steady:+.0%} | {ray_total / ingest_total - 1:+.0%} | {ray['load_seconds']:.1f} "
        f"| {ingest['events']} / {ray['events']} "
        f"| {ingest['load_before']:.1f}→{ray['load_after']:.1f} |"
    )


def benchmark(cpus: int, pages: int, fast: bool, repeat: int) -> str:
    lines = [HEADER, "|" + "---|" * (HEADER.count("|") - 1)]
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {"news mix": write_news_mix(Path(tmp) / "mix", pages), "conflict": CONFLICT_CSV}
        for attempt in range(repeat):
            for name, path in inputs.items():
                ingest = run_isolated(path, cpus, fast)
                ray = run_isolated(path, cpus, fast, script=__file__)
                lines.append(row(f"{name} (run {attempt + 1})", ingest, ray))
                print(lines[-1], file=sys.stderr, flush=True)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    flags = f"--cpus {cpus} --pages {pages}" + (" --fast" if fast else "") + f" --repeat {repeat}"
    return (
        f"## Ray local against ingest --workers {cpus}, {when}, commit {commit_id()}\n\n"
        f"`bench/ray_throughput.py {flags}` on {os.cpu_count()} CPUs, "
        f"{'fast' if fast else 'default'} extraction. Overhead: how much slower Ray is "
        "(negative: faster). Load avg is the 1-minute load before → after (shared machine: "
        "the figures are noisy).\n\n" + "\n".join(lines)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpus", type=int, default=2, help="ingest workers = Ray CPUs")
    parser.add_argument("--pages", type=int, default=300, help="pages in the news mix")
    parser.add_argument("--fast", action="store_true", help="resiliparse extraction")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        path, cpus, fast = json.loads(args.one)
        print(json.dumps(run_one_ray(path, cpus, fast)))
        return
    if not CONFLICT_CSV.exists():
        sys.exit(f"{CONFLICT_CSV} is not here: the shared material sits beside the repo")
    report = benchmark(args.cpus, args.pages, args.fast, args.repeat)
    print(report)
    if not args.no_report:
        append_report(report)


if __name__ == "__main__":
    main()
