"""Throughput of the ingest + extract stages: pages/s, MB/s and peak RSS.

Two inputs, both written to a temporary directory from the article-extraction benchmark pages
(../shared/eval/extract) repeated ``--repeat`` times: a directory of .html files and one
WARC.gz with a request, a response and a metadata record per page (as a crawl has them). Each
configuration (input x default/fast x workers) runs in its own process, so its peak RSS is
its own. MB is the size of the HTML read (uncompressed).

Usage: .venv/bin/python bench/ingest_throughput.py [--repeat 5] [--workers 1 2] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sitreps.evaluate.extract import default_data_dir, load_pages


def warc_record(number: int, kind: str, block: bytes, content_type: str, url: str) -> bytes:
    header = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.UUID(int=number)}>\r\n"
        f"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: {url}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return gzip.compress(header.encode() + block + b"\r\n\r\n", compresslevel=6)


def write_inputs(pages: list[bytes], folder: Path) -> tuple[Path, Path]:
    html_dir = folder / "html"
    html_dir.mkdir()
    warc = folder / "crawl.warc.gz"
    with warc.open("wb") as out:
        for number, page in enumerate(pages):
            (html_dir / f"{number:06d}.html").write_bytes(page)
            url = f"https://news.example/{number}"
            request = f"GET /{number} HTTP/1.1\r\nHost: news.example\r\n\r\n".encode()
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            http += f"Content-Length: {len(page)}\r\n\r\n".encode() + page
            out.write(warc_record(3 * number, "request", request, "application/http", url))
            out.write(warc_record(3 * number + 1, "response", http, "application/http", url))
            out.write(
                warc_record(3 * number + 2, "metadata", b"fetchTimeMs: 5\r\n", "text/plain", url)
            )
    return html_dir, warc


def _extract(item: tuple[object, bool]) -> int:
    from sitreps.extract import ExtractionError, extract_article
    from sitreps.records import DocumentError

    raw, fast = item
    if isinstance(raw, DocumentError):
        return 0
    try:
        return len(extract_article(raw, fast=fast).text) > 0
    except ExtractionError:
        return 0


def run_one(path: str, fast: bool, workers: int, queue: mp.Queue) -> None:
    from sitreps.ingest import read_inputs

    # imports and model loading are set-up, not throughput
    _extract((next(iter(read_inputs([path]))), fast))
    started = time.perf_counter()
    documents = ((raw, fast) for raw in read_inputs([path]))
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            extracted = sum(pool.imap(_extract, documents, chunksize=8))
    else:
        extracted = sum(map(_extract, documents))
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if workers > 1:
        peak_kb += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    queue.put({"pages": extracted, "seconds": elapsed, "peak_rss_mb": peak_kb / 1024})


def measure(path: Path, fast: bool, workers: int) -> dict:
    queue: mp.Queue = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=run_one, args=(str(path), fast, workers, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        print(f"no benchmark pages at {args.data}", file=sys.stderr)
        return 2
    pages = [html for _, html, _ in load_pages(args.data)] * args.repeat
    megabytes = sum(len(page) for page in pages) / 1e6
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        html_dir, warc = write_inputs(pages, Path(folder))
        for label, path in (("html files", html_dir), ("warc.gz", warc)):
            for fast in (False, True):
                for workers in args.workers:
                    result = measure(path, fast, workers)
                    rows.append({
                        "input": label, "mode": "fast" if fast else "default",
                        "workers": workers, **result,
                        "pages_per_s": result["pages"] / result["seconds"],
                        "mb_per_s": megabytes / result["seconds"],
                    })  # fmt: skip
    if args.json:
        print(json.dumps({"pages": len(pages), "megabytes": megabytes, "rows": rows}))
        return 0
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML")
    print("| input | mode | workers | pages/s | MB/s | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['input']} | {row['mode']} | {row['workers']} | {row['pages_per_s']:.0f} "
            f"| {row['mb_per_s']:.1f} | {row['peak_rss_mb']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
