"""Score article extraction on the article-extraction benchmark pages in ../shared/eval/extract.

Two readers are scored against the gold ``articleBody``:
  html  - extract_article on the HTML page (trafilatura + htmldate);
  text  - the scraped-text cleaner on the same page first flattened to full-page text with all
          boilerplate kept (inscriptis, which is NOT a project dependency: install it into the
          virtualenv for this script only: ``.venv/bin/pip install inscriptis``).
Metrics are precision/recall/F1 averaged over pages as the benchmark does, on single tokens
("token") and on the benchmark's own 4-token shingles ("shingle").

Usage: .venv/bin/python bench/extract_eval.py [--data ../shared/eval/extract] [--show-worst 5]
(--show-worst lists the pages with the lowest shingle F1 with their precision and recall.)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sitreps.extract import ExtractionError, extract_article
from sitreps.records import RawDocument
from sitreps.textclean import clean_scraped_text

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extract"
TOKEN_RE = re.compile(r"\w+")


def ngrams(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def overlap(gold: str, predicted: str, n: int) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) over n-gram multisets, as the benchmark computes them."""
    gold_grams, predicted_grams = ngrams(gold, n), ngrams(predicted, n)
    tp = sum((gold_grams & predicted_grams).values())
    fp = sum((predicted_grams - gold_grams).values())
    fn = sum((gold_grams - predicted_grams).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _ratio(part: float, other: float) -> float:
    return 1.0 if part == other == 0 else part / (part + other) if part + other else 0.0


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean(_ratio(tp, fp) for tp, fp, _ in counts if tp + fp > 0)
    recall = statistics.mean(_ratio(tp, fn) for tp, _, fn in counts if tp + fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def html_reader(page_id: str, html: bytes) -> str:
    raw = RawDocument(input=page_id, content=html, kind="html")
    try:
        return extract_article(raw).text
    except ExtractionError:
        return ""


def flatten(html: bytes) -> str:
    from inscriptis import get_text

    return get_text(html.decode("utf-8", errors="replace"))


def text_reader(page_id: str, html: bytes) -> str:
    return clean_scraped_text(flatten(html)).text


def flat_reader(page_id: str, html: bytes) -> str:
    return flatten(html)


def evaluate(
    data: Path, reader: Callable[[str, bytes], str]
) -> tuple[dict[str, dict[str, float]], list[tuple[dict[str, float], str]], float]:
    gold = json.loads((data / "ground-truth.json").read_text("utf-8"))
    token_counts, shingle_counts = [], []
    per_page: list[tuple[dict[str, float], str]] = []
    started = time.perf_counter()
    for page_id, record in sorted(gold.items()):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        predicted = reader(page_id, html)
        token_counts.append(overlap(record.get("articleBody", ""), predicted, 1))
        shingle_counts.append(overlap(record.get("articleBody", ""), predicted, 4))
        per_page.append((scores([shingle_counts[-1]]), page_id))
    elapsed = time.perf_counter() - started
    return {"token": scores(token_counts), "shingle": scores(shingle_counts)}, per_page, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show-worst", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        print(f"no benchmark data at {args.data}", file=sys.stderr)
        return 2
    readers: dict[str, Callable[[str, bytes], str]] = {"html": html_reader}
    try:
        import inscriptis  # noqa: F401

        readers.update({"text": text_reader, "flat (no cleaning)": flat_reader})
    except ImportError:
        print("inscriptis not installed: skipping the scraped-text measurement", file=sys.stderr)
    for name, reader in readers.items():
        metrics, per_page, elapsed = evaluate(args.data, reader)
        for level, values in metrics.items():
            print(
                f"{name:<20} {level:<8} P={values['precision']:.3f} "
                f"R={values['recall']:.3f} F1={values['f1']:.3f}"
            )
        print(f"{name:<20} {len(per_page)} pages in {elapsed:.1f}s")
        worst = sorted(per_page, key=lambda page: page[0]["f1"])[: args.show_worst]
        for page, page_id in worst:  # low P: chrome kept; low R: story dropped
            print(
                f"    worst: {page_id} shingle P={page['precision']:.3f} "
                f"R={page['recall']:.3f} F1={page['f1']:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
