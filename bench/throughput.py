"""End-to-end throughput of `ingest`: articles/s, MB/s and peak RSS per worker.

Two inputs: a general-news mix (the article-extraction benchmark pages in
../shared/eval/extract/html, repeated to about ``--pages`` pages, each copy made a distinct
file by an HTML comment) and conflict-dense text (../shared/corpus/guardian_syria_iraq_2019.csv).
Each configuration (input x default/--fast x workers) runs in its own process: the documents
are read, coded and stored in a fresh SQLite database, as `sitreps ingest` does. Repeated
pages are coded like distinct ones (near-duplicate detection is off; otherwise the copies
would cost nothing). Times exclude loading the pipeline, its lazily loaded date recognizer
included (reported apart, as "load s"); MB are the input bytes (uncompressed HTML, CSV text). Peak RSS is VmHWM from /proc: the main process for one
worker (it codes in process), else the largest worker. "main CPU ms/doc" is the CPU time
of the main process per document (user + system, from ``time.process_time``): the whole
per-document cost with one worker, the reading and storing with more; it moves less than wall time
when other work shares the machine.

The table is printed and appended, with the commit id and the machine load, to
docs/performance.md. ``--profile`` also profiles one in-process run with cProfile.

Usage: .venv/bin/python bench/throughput.py [--workers 1 2] [--pages 300] [--profile]
       [--inputs news conflict] [--modes default fast] [--no-report]
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
HTML_PAGES = SHARED / "eval" / "extract" / "html"
CONFLICT_CSV = SHARED / "corpus" / "guardian_syria_iraq_2019.csv"
REPORT = REPO / "docs" / "performance.md"
INPUTS = ("news", "conflict")
MODES = ("default", "fast")


def write_news_mix(folder: Path, pages: int) -> Path:
    """The benchmark pages, repeated until there are ``pages`` of them, as .html files."""
    sources = sorted(HTML_PAGES.glob("*.html.gz"))
    if not sources:
        sys.exit(f"no pages in {HTML_PAGES}: the shared evaluation material sits beside the repo")
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(pages):
        page = gzip.decompress(sources[number % len(sources)].read_bytes())
        copy = number // len(sources)
        (folder / f"{number:05d}.html").write_bytes(page + f"\n<!-- copy {copy} -->\n".encode())
    return folder


def input_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


# ---------------------------------------------------------------------------- one run


def run_one(path: str, workers: int, fast: bool) -> dict:
    """Ingest ``path`` into a fresh database; what it took (runs in its own process)."""
    from sitreps.ingest import read_inputs
    from sitreps.parallel import DocumentCoder, PipelineSettings, RunStats, ingest_documents
    from sitreps.parallel import peak_rss_kb as own_peak
    from sitreps.store import open_store

    settings = PipelineSettings(fast=fast, dedupe=False)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, DocumentCoder(settings, workers) as coder:
        coder.warm_up()
        loaded = time.perf_counter() - started
        with open_store(Path(tmp) / "bench.db") as store:
            cpu = time.process_time()
            stats = ingest_documents(read_inputs([path]), store, coder, RunStats())
            cpu = time.process_time() - cpu
        peaks = coder.peak_rss_kb()
    return {
        "documents": stats.coded, "articles": stats.coded - stats.errors, "events": stats.events,
        "errors": stats.errors, "seconds": stats.elapsed, "load_seconds": loaded,
        "main_cpu_seconds": cpu,
        "bytes": input_bytes(Path(path)), "worker_peak_kb": max(peaks.values(), default=0),
        "main_peak_kb": own_peak() or 0,
    }  # fmt: skip


def run_isolated(path: Path, workers: int, fast: bool, script: str = __file__) -> dict:
    """One run of ``script --one`` in its own process, so its peak RSS is its own."""
    load_before = os.getloadavg()[0]
    command = [sys.executable, script, "--one", json.dumps([str(path), workers, fast])]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"benchmark run of {Path(script).name} failed: {out.stderr[-3000:]}")
    result = json.loads(out.stdout.splitlines()[-1])
    return {**result, "load_before": load_before, "load_after": os.getloadavg()[0]}


# ---------------------------------------------------------------------------- report


HEADER = (
    "| input | extraction | workers | docs | events | errors | load s | run s | articles/s "
    "| docs/s | MB/s | main CPU ms/doc | peak RSS/worker MB | main RSS MB | speed-up | load avg |"
)


def table(rows: list[dict]) -> str:
    lines = [HEADER, _rule()]
    base: dict[tuple[str, str], float] = {}
    for row in rows:
        rate = row["articles"] / row["seconds"]
        key = (row["input"], row["extraction"])
        base.setdefault(key, rate)
        lines.append(
            f"| {row['input']} | {row['extraction']} | {row['workers']} | {row['documents']} "
            f"| {row['events']} | {row['errors']} | {row['load_seconds']:.1f} "
            f"| {row['seconds']:.1f} | {rate:.1f} | {row['documents'] / row['seconds']:.1f} "
            f"| {row['bytes'] / 1e6 / row['seconds']:.2f} | {_main_cpu(row)} "
            f"| {row['worker_peak_kb'] / 1024:.0f} "
            f"| {row['main_peak_kb'] / 1024:.0f} | {rate / base[key]:.2f}x "
            f"| {row['load_before']:.1f}→{row['load_after']:.1f} |"
        )
    return "\n".join(lines)


def _main_cpu(row: dict) -> str:
    """CPU time of the main process per document: all the work with one worker (it codes in
    process), reading and storing with more. On a shared machine, steadier than wall time."""
    cpu = row.get("main_cpu_seconds")
    return f"{1000 * cpu / row['documents']:.1f}" if cpu is not None and row["documents"] else "–"


def _rule() -> str:
    return "|" + "---|" * (HEADER.count("|") - 1)


def commit_id() -> str:
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return out.stdout.strip()

    dirty = " (working tree with uncommitted changes)" if git("status", "--porcelain") else ""
    return (git("rev-parse", "--short", "HEAD") or "unknown") + dirty


def append_report(text: str) -> None:
    if not REPORT.exists():
        REPORT.write_text("# Performance\n")
    with REPORT.open("a") as out:
        out.write("\n" + text + "\n")


def benchmark(workers: list[int], pages: int, names: list[str], modes: list[str]) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {
            "news": lambda: write_news_mix(Path(tmp) / "mix", pages),
            "conflict": lambda: CONFLICT_CSV,
        }
        for key in names:
            name, path = {"news": "news mix"}.get(key, key), inputs[key]()
            for fast in [mode == "fast" for mode in modes]:
                for count in workers:
                    row = run_isolated(path, count, fast)
                    row |= {"input": name, "extraction": "fast" if fast else "default"}
                    row |= {"workers": count}
                    print(table([row]).splitlines()[-1], file=sys.stderr, flush=True)
                    rows.append(row)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"## Throughput run, {when}, commit {commit_id()}\n\n"
        f"`bench/throughput.py --workers {' '.join(map(str, workers))} --pages {pages}"
        f"{_selection(names, modes)}` on "
        f"{os.cpu_count()} CPUs. Articles/s counts the documents coded without error; the "
        "speed-up is against the first row of the same input and extraction. Load avg is the "
        "1-minute load before → after the run (other work shares this machine).\n\n" + table(rows)
    )


def _selection(names: list[str], modes: list[str]) -> str:
    text = "" if names == list(INPUTS) else f" --inputs {' '.join(names)}"
    return text + ("" if modes == list(MODES) else f" --modes {' '.join(modes)}")


# ---------------------------------------------------------------------------- profile


def profile(pages: int, top: int = 25) -> str:
    """cProfile of one in-process run over both inputs (default extraction)."""
    from sitreps.ingest import read_inputs
    from sitreps.parallel import WARM_UP_TEXT
    from sitreps.pipeline import Pipeline

    pipeline = Pipeline(dedupe=False)
    pipeline.warm_up(WARM_UP_TEXT)  # what loads lazily
    with tempfile.TemporaryDirectory() as tmp:
        mix = write_news_mix(Path(tmp) / "mix", min(pages, 92))
        sections = []
        for name, path in (("news mix", mix), ("conflict", CONFLICT_CSV)):
            profiler = cProfile.Profile()
            raws = list(read_inputs([str(path)]))[:100]
            profiler.enable()
            for raw in raws:
                pipeline.process(raw)
            profiler.disable()
            for order in ("tottime", "cumulative"):
                buffer = io.StringIO()
                stats = pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order)
                stats.print_stats(top)
                body = buffer.getvalue().strip().split("\n", 1)[-1]
                sections.append(
                    f"### {name}, {len(raws)} documents, by {order}\n\n```\n{body}\n```"
                )
    return f"## Profile ({commit_id()})\n\n" + "\n\n".join(sections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pages", type=int, default=300, help="pages in the news mix")
    parser.add_argument("--inputs", nargs="+", choices=INPUTS, default=list(INPUTS))
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES),
                        help="extraction modes")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="also profile one run")
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        path, workers, fast = json.loads(args.one)
        print(json.dumps(run_one(path, workers, fast)))
        return
    if not CONFLICT_CSV.exists():
        sys.exit(f"{CONFLICT_CSV} is not here: the shared material sits beside the repo")
    report = benchmark(args.workers, args.pages, args.inputs, args.modes)
    if args.profile:
        report += "\n\n" + profile(args.pages)
    print(report)
    if not args.no_report:
        append_report(report)


if __name__ == "__main__":
    main()
