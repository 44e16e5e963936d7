"""Score event detection on PLOVER-annotated news sentences (precision and recall).

The PLOVER gold file (`zsp_PLV_train.tsv`: real news sentences, one gold PLOVER root each) is
mostly *not* political violence: accusations, rejections, aid, consultations, threats. That
makes it the place to measure what ACLED-style gold cannot: how often sitreps codes an event
where an analyst would code none. Each sentence is coded on its own (no reference date).

- recall per root: of the sentences whose gold root sitreps covers (ASSAULT, PROTEST, COERCE,
  AGREE, MOBILIZE), the share where a produced event has that PLOVER root;
- violence precision: of the sentences where sitreps produced an ASSAULT or PROTEST event, the
  share whose gold root is ASSAULT or PROTEST (COERCE counts too: ACLED codes violent
  repression of protests and forced seizures that PLOVER files under COERCE);
- false-positive rate: the share of sentences with a root outside sitreps' scope (ACCUSE,
  REJECT, YIELD, ...) that got any event at all; THREATEN sentences must give none
  (threats are hypothetical).
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

COVERED_ROOTS = ("ASSAULT", "PROTEST", "COERCE", "AGREE", "MOBILIZE")
VIOLENT_ROOTS = ("ASSAULT", "PROTEST")
# Gold roots that may rightly give a violent/protest event in ACLED terms.
VIOLENCE_COMPATIBLE = {"ASSAULT", "PROTEST", "COERCE"}


def read_plover(path: str | Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(sentence id, sentence, gold root) triples in file order."""
    rows = []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            sentence, root = (row.get("sentence") or "").strip(), (row.get("gold_root") or "")
            if sentence and root:
                rows.append((row.get("sentence_id") or str(len(rows)), sentence, root.strip()))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def run_plover_eval(path: str | Path, limit: int | None = None, pipeline=None) -> dict:
    if pipeline is None:
        from sitreps.pipeline import Pipeline

        pipeline = Pipeline()
    rows = read_plover(path, limit)
    gold_counts: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    produced_violent = violent_correct = 0
    out_of_scope = out_of_scope_with_event = 0
    threats = threats_with_event = 0
    started = time.perf_counter()
    for sentence_id, sentence, root in rows:
        events = pipeline.process_text(sentence, doc_id=f"plover:{sentence_id}")
        roots = {e.plover for e in events if e.plover}
        gold_counts[root] += 1
        if root in roots:
            hits[root] += 1
        if roots & set(VIOLENT_ROOTS):
            produced_violent += 1
            violent_correct += root in VIOLENCE_COMPATIBLE
        if root not in COVERED_ROOTS:
            out_of_scope += 1
            out_of_scope_with_event += bool(events)
        if root == "THREATEN":
            threats += 1
            threats_with_event += bool(events)
    elapsed = time.perf_counter() - started
    return {
        "gold": str(path),
        "n": len(rows),
        "recall": {
            r: {"n": gold_counts[r], "found": hits[r], "recall": _ratio(hits[r], gold_counts[r])}
            for r in COVERED_ROOTS
        },
        "violence_precision": {
            "produced": produced_violent,
            "correct": violent_correct,
            "precision": _ratio(violent_correct, produced_violent),
        },
        "false_positive_rate": {
            "n": out_of_scope,
            "with_event": out_of_scope_with_event,
            "rate": _ratio(out_of_scope_with_event, out_of_scope),
        },
        "threats_coded": {"n": threats, "with_event": threats_with_event},
        "seconds": round(elapsed, 2),
    }


def format_plover_scores(scores: dict) -> str:
    lines = [f"gold: {scores['gold']}   sentences: {scores['n']}", ""]
    lines.append(f"{'gold root':<12}{'n':>6}{'found':>8}{'recall':>9}")
    for root, r in scores["recall"].items():
        recall = "-" if r["recall"] is None else f"{r['recall']:.1%}"
        lines.append(f"{root:<12}{r['n']:>6}{r['found']:>8}{recall:>9}")
    vp, fp = scores["violence_precision"], scores["false_positive_rate"]
    lines += [
        "",
        f"violence/protest precision: {_pct(vp['precision'])} "
        f"({vp['correct']}/{vp['produced']} sentences coded ASSAULT or PROTEST)",
        f"events on out-of-scope sentences: {_pct(fp['rate'])} ({fp['with_event']}/{fp['n']})",
        f"threats coded as events: {scores['threats_coded']['with_event']}"
        f"/{scores['threats_coded']['n']}",
        f"time: {scores['seconds']} s",
    ]
    return "\n".join(lines)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
