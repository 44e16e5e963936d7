"""Score article extraction on the article-extraction benchmark pages (../shared/eval/extract).

The metric is the benchmark's own: word tokens (``\\w+``), 4-token shingles counted as
multisets, per page tp/fp/fn normalised by their sum, precision and recall averaged over pages
(precision over pages where something was extracted), F1 of the two averages. Modes:
``html`` scores ``extract_article`` on the HTML pages (``fast`` for the resiliparse path);
``scraped`` scores the scraped-text cleaner on the same pages flattened to full-page text with
all their boilerplate (inscriptis when installed, else html-text, else sitreps' own flattener).
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sitreps.records import RawDocument

SHINGLE_SIZE = 4
_TOKEN_RE = re.compile(r"\w+")
Counts = tuple[float, float, float]


def default_data_dir() -> Path:
    """../shared/eval/extract beside the repository (or the working directory's ../shared)."""
    candidates = [
        Path(__file__).resolve().parents[4] / "shared" / "eval" / "extract",
        Path.cwd().parent / "shared" / "eval" / "extract",
    ]
    return next((path for path in candidates if path.exists()), candidates[0])


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[str]:
    tokens = _TOKEN_RE.findall(text or "")
    grams = (" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(gram for gram in grams if gram)


def page_counts(gold: str, predicted: str, size: int = SHINGLE_SIZE) -> Counts:
    """Normalised (tp, fp, fn) of one page's shingle multisets."""
    gold_grams, predicted_grams = shingles(gold, size), shingles(predicted, size)
    tp = sum((gold_grams & predicted_grams).values())
    fp = sum((predicted_grams - gold_grams).values())
    fn = sum((gold_grams - predicted_grams).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def average_scores(counts: list[Counts]) -> dict[str, float]:
    precisions = [tp / (tp + fp) for tp, fp, _ in counts if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, _, fn in counts if tp + fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# ---------------------------------------------------------------------------- readers


def html_reader(fast: bool) -> Callable[[str, bytes], str]:
    from sitreps.extract import ExtractionError, extract_article

    def read(page_id: str, html: bytes) -> str:
        try:
            return extract_article(RawDocument(input=page_id, content=html, kind="html"), fast).text
        except ExtractionError:
            return ""

    return read


def flattener() -> tuple[str, Callable[[bytes], str]]:
    """The full-page text renderer used for the scraped-text mode, and its name."""
    try:
        from inscriptis import get_text

        return "inscriptis", lambda html: get_text(html.decode("utf-8", errors="replace"))
    except ImportError:
        pass
    try:
        import html_text

        return "html-text", lambda html: html_text.extract_text(html.decode("utf-8", "replace"))
    except ImportError:
        pass
    import lxml.html

    from sitreps.extract import html_to_text

    return "sitreps html_to_text", lambda html: html_to_text(lxml.html.document_fromstring(html))


def scraped_reader() -> tuple[str, Callable[[str, bytes], str]]:
    from sitreps.textclean import clean_scraped_text

    name, flatten = flattener()
    return name, lambda page_id, html: clean_scraped_text(flatten(html)).text


# ---------------------------------------------------------------------------- run


def load_pages(data: Path) -> list[tuple[str, bytes, str]]:
    """(page id, HTML bytes, gold body) for every page with a gold body."""
    gold = json.loads((data / "ground-truth.json").read_text("utf-8"))
    pages = []
    for page_id, record in sorted(gold.items()):
        path = data / "html" / f"{page_id}.html.gz"
        if path.exists():
            pages.append(
                (page_id, gzip.decompress(path.read_bytes()), record.get("articleBody", ""))
            )
    return pages


def run_extract_eval(
    data: Path | None = None, fast: bool = False, mode: str = "html", worst: int = 5
) -> dict:
    """Scores of one reader over the benchmark pages, with speed and the worst pages."""
    data = data or default_data_dir()
    if not (data / "ground-truth.json").exists():
        raise FileNotFoundError(f"no extraction benchmark at {data}")
    pages = load_pages(data)
    if mode == "scraped":
        renderer, reader = scraped_reader()
    else:
        renderer, reader = None, html_reader(fast)
    if pages:
        reader(*pages[0][:2])  # imports and first-call set-up are not what pages/s measures
    counts, per_page, elapsed = [], [], 0.0
    for page_id, html, gold in pages:
        started = time.perf_counter()
        predicted = reader(page_id, html)
        elapsed += time.perf_counter() - started
        counts.append(page_counts(gold, predicted))
        per_page.append((average_scores([counts[-1]])["f1"], page_id))
    result = {
        "mode": mode, "fast": fast, "pages": len(pages), **average_scores(counts),
        "seconds": round(elapsed, 3), "pages_per_s": round(len(pages) / elapsed, 1),
        "worst": [{"id": page_id, "f1": round(f1, 3)} for f1, page_id in sorted(per_page)[:worst]],
    }  # fmt: skip
    if renderer:
        result["renderer"] = renderer
    return result


def format_extract_scores(result: dict) -> str:
    label = result["mode"] + (" (fast)" if result["fast"] else "")
    if result.get("renderer"):
        label += f", flattened with {result['renderer']}"
    lines = [
        f"extraction {label}: {result['pages']} pages",
        f"  precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f}  (4-token shingles, averaged per page)",
        f"  {result['pages_per_s']:.1f} pages/s ({result['seconds']:.1f}s extracting, one core)",
    ]
    lines += [f"  worst: {page['id']} F1 {page['f1']:.3f}" for page in result["worst"]]
    return "\n".join(lines)
