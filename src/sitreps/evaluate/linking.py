"""Score incident linking on labelled event pairs (eval/linking/guardian_pairs.csv).

Each labelled pair names two events by a stable key (the document, the character offsets of
the event's first evidence sentence, its type, date and place: see eval/linking/README.md) and
says whether they are the same incident. The pipeline is run over the documents (or a given
database is read), every key is looked up among the stored events, and pairwise precision and
recall of "same incident" are reported, with the pairs whose events could not be found and
the ratio of incidents to events.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sitreps.records import Event

REPO = Path(__file__).resolve().parents[3]
DEFAULT_LABELS = REPO / "eval" / "linking" / "guardian_pairs.csv"
CORPUS_NAME = "guardian_syria_iraq_2019.csv"
SIDE_FIELDS = ("doc", "corpus_id", "sentence", "event_type", "sub_event_type", "date", "place",
               "geonameid")  # fmt: skip
LABELS = {"same": True, "different": False}
SPLITS = ("tune", "heldout")
FIRST_ROUND = "1"  # the round of a labels file without a `round` column

# How much each agreement between a key and a stored event counts when finding the event.
_SAME_SENTENCE, _OVERLAPPING_SENTENCE = 8, 6
_MIN_MATCH = 5  # an evidence sentence, or sub-type + date + place all equal without one


class LinkingLabelsError(ValueError):
    """A labels file that cannot be read; the message names the row."""


@dataclass(frozen=True)
class EventKey:
    """Finds one event again: its document and first evidence sentence, type, date, place."""

    doc: str
    corpus_id: str
    sentence: tuple[int, int]
    event_type: str
    sub_event_type: str
    date: str
    place: str
    geonameid: str


@dataclass(frozen=True)
class LabelledPair:
    pair_id: str
    split: str
    category: str
    same: bool
    a: EventKey
    b: EventKey
    reason: str
    round: str = FIRST_ROUND  # the labelling round that added the pair (eval/linking/README.md)


def read_pairs(path: str | Path) -> list[LabelledPair]:
    """The labelled pairs of a CSV file; LinkingLabelsError names a bad row."""
    path = Path(path)
    if not path.is_file():
        raise LinkingLabelsError(f"{path}: no such labels file")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = _missing_columns(reader.fieldnames or [])
        if missing:
            raise LinkingLabelsError(f"{path}: missing columns {', '.join(missing)}")
        return [_pair(row, path, number) for number, row in enumerate(reader, start=2)]


def _missing_columns(columns: Sequence[str]) -> list[str]:
    wanted = ["pair_id", "split", "category", "label", "reason"]
    wanted += [f"{side}_{name}" for side in "ab" for name in SIDE_FIELDS]
    return [name for name in wanted if name not in columns]


def _pair(row: dict[str, str], path: Path, number: int) -> LabelledPair:
    where = f"{path}, line {number}"
    label = row["label"].strip().lower()
    if label not in LABELS:
        raise LinkingLabelsError(f"{where}: label must be same or different, not {label!r}")
    if row["split"] not in SPLITS:
        raise LinkingLabelsError(f"{where}: split must be tune or heldout, not {row['split']!r}")
    return LabelledPair(
        pair_id=row["pair_id"], split=row["split"], category=row["category"],
        same=LABELS[label], a=_key(row, "a", where), b=_key(row, "b", where),
        reason=row["reason"], round=_round(row, where),
    )  # fmt: skip


def _round(row: dict[str, str], where: str) -> str:
    value = (row.get("round") or "").strip() or FIRST_ROUND
    if not value.isdigit():
        raise LinkingLabelsError(f"{where}: round must be a number, not {value!r}")
    return str(int(value))


def _key(row: dict[str, str], side: str, where: str) -> EventKey:
    values = {name: (row[f"{side}_{name}"] or "").strip() for name in SIDE_FIELDS}
    try:
        start, end = (int(x) for x in values["sentence"].split("-"))
    except ValueError:
        raise LinkingLabelsError(
            f"{where}: {side}_sentence must be START-END offsets, not {values['sentence']!r}"
        ) from None
    if not values["doc"]:
        raise LinkingLabelsError(f"{where}: {side}_doc is empty")
    return EventKey(**{**values, "sentence": (start, end)})


# ------------------------------------------------------------------------ finding events


@dataclass(frozen=True)
class StoredEvent:
    event: Event
    doc: str  # the article's input name
    incident: str
    order: int

    @property
    def id(self) -> str:
        return self.event.id


def stored_events(store) -> list[StoredEvent]:
    """Every event of the store with its article's input name, in id order."""
    inputs: dict[str, str] = {}
    found = []
    for event in sorted(store.events(), key=lambda e: e.id):
        article_id = event.article.id
        if article_id not in inputs:
            article = store.article(article_id)
            inputs[article_id] = article.input if article else article_id
        incident = event.incident_id or event.id
        found.append(StoredEvent(event, inputs[article_id], incident, len(found)))
    return found


def _by_doc(events: Iterable[StoredEvent], docs: set[str]) -> dict[str, list[StoredEvent]]:
    grouped: dict[str, list[StoredEvent]] = defaultdict(list)
    for stored in events:
        for doc in docs:
            if stored.doc == doc or stored.doc.endswith("/" + doc):
                grouped[doc].append(stored)
    return grouped


def find_event(key: EventKey, candidates: Sequence[StoredEvent]) -> StoredEvent | None:
    """The stored event a key names, or None when no event is close enough."""
    best, best_score = None, 0
    for stored in candidates:
        score = _match_score(key, stored.event)
        if score > best_score:
            best, best_score = stored, score
    return best if best_score >= _MIN_MATCH else None


def _match_score(key: EventKey, event: Event) -> int:
    start, end = key.sentence
    sentence = 0
    for evidence in event.evidence:
        if (evidence.start, evidence.end) == (start, end):
            sentence = _SAME_SENTENCE
            break
        if evidence.start < end and start < evidence.end:
            sentence = _OVERLAPPING_SENTENCE
    location = event.location
    place = bool(location) and (
        (key.geonameid and str(location.geonameid) == key.geonameid)
        or (key.place and location.name == key.place)
    )
    agreements = (
        2 * (event.sub_event_type == key.sub_event_type)
        + (event.event_type == key.event_type)
        + ((event.date or "") == key.date)
        + 2 * bool(place)
    )
    if sentence:
        return sentence + agreements
    exact = event.sub_event_type == key.sub_event_type and (event.date or "") == key.date
    return _MIN_MATCH if exact and place else 0


# ------------------------------------------------------------------------------- scoring


def score_pairs(pairs: Sequence[LabelledPair], events: Sequence[StoredEvent]) -> dict:
    """Pairwise precision and recall of 'same incident', overall and per split.

    A pair whose sentence no longer gives an event (unmatched) is scored as not linked: the
    pipeline has nothing there to link, so a `same` pair it lost counts against recall and
    dropping events cannot raise it."""
    grouped = _by_doc(events, {key.doc for p in pairs for key in (p.a, p.b)})
    outcomes, unmatched = [], []
    for pair in pairs:
        a = find_event(pair.a, grouped.get(pair.a.doc, []))
        b = find_event(pair.b, grouped.get(pair.b.doc, []))
        if a is None or b is None:
            sides = [side for side, found in (("a", a), ("b", b)) if found is None]
            unmatched.append({"pair_id": pair.pair_id, "split": pair.split, "sides": sides})
            outcomes.append((pair, False))
            continue
        predicted = a.id == b.id or a.incident == b.incident
        outcomes.append((pair, predicted))
    scores = {
        "pairs": len(pairs),
        "matched": len(outcomes) - len(unmatched),
        "unmatched": unmatched,
        "all": _counts(outcomes),
        **{split: _counts([o for o in outcomes if o[0].split == split]) for split in SPLITS},
        "by_round": _by_round(outcomes),
        "by_category": _by_category(outcomes),
        "by_split_category": {
            split: _by_category([o for o in outcomes if o[0].split == split]) for split in SPLITS
        },
        "errors": [
            _error(pair, predicted) for pair, predicted in outcomes if predicted != pair.same
        ],  # fmt: skip
    }
    return scores


def _counts(outcomes: Sequence[tuple[LabelledPair, bool]]) -> dict:
    tally = Counter((pair.same, predicted) for pair, predicted in outcomes)
    tp, fp, fn = tally[(True, True)], tally[(False, True)], tally[(True, False)]
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {"pairs": len(outcomes), "gold_same": tp + fn, "predicted_same": tp + fp,
            "tp": tp, "fp": fp, "fn": fn, "tn": tally[(False, False)],
            "precision": precision, "recall": recall, "f1": f1}  # fmt: skip


def _by_round(outcomes: Sequence[tuple[LabelledPair, bool]]) -> dict[str, dict]:
    """Counts of each labelling round: all its pairs and each split."""
    rounds = sorted({pair.round for pair, _ in outcomes}, key=int)
    result = {}
    for number in rounds:
        chosen = [o for o in outcomes if o[0].round == number]
        result[number] = {
            "all": _counts(chosen),
            **{split: _counts([o for o in chosen if o[0].split == split]) for split in SPLITS},
        }
    return result


def _by_category(outcomes: Sequence[tuple[LabelledPair, bool]]) -> dict[str, dict]:
    result: dict[str, dict] = {}
    for pair, predicted in outcomes:
        row = result.setdefault(pair.category, {"pairs": 0, "correct": 0})
        row["pairs"] += 1
        row["correct"] += predicted == pair.same
    return dict(sorted(result.items()))


def _error(pair: LabelledPair, predicted: bool) -> dict:
    return {"pair_id": pair.pair_id, "split": pair.split, "category": pair.category,
            "gold": "same" if pair.same else "different",
            "predicted": "same" if predicted else "different", "round": pair.round,
            "reason": pair.reason,
            "a": asdict(pair.a), "b": asdict(pair.b)}  # fmt: skip


def incident_ratio(events: Sequence[StoredEvent], doc_part: str = CORPUS_NAME) -> dict:
    """Events, incidents and their ratio among the events of the documents named like
    `doc_part` (all events when none is)."""
    chosen = [e for e in events if doc_part in e.doc] or list(events)
    sizes = Counter(e.incident for e in chosen)
    return {
        "documents": doc_part if any(doc_part in e.doc for e in events) else "all",
        "events": len(chosen),
        "incidents": len(sizes),
        "ratio": len(sizes) / len(chosen) if chosen else None,
        "multi_report_incidents": sum(1 for n in sizes.values() if n > 1),
        "largest_incident": max(sizes.values(), default=0),
    }


# ------------------------------------------------------------------------------- running


def default_inputs() -> list[Path]:
    """The shared Guardian corpus, the repository's examples and the shared seed pages."""
    shared = [REPO.parent / "shared", Path.cwd().parent / "shared"]
    root = next((p for p in shared if p.exists()), shared[0])
    return [root / "corpus" / CORPUS_NAME, REPO / "examples", root / "seeds"]


def build_database(inputs: Sequence[Path], db: Path, workers: int = 1) -> None:
    """Run the real pipeline over the inputs into a database (what `sitreps ingest` does)."""
    from sitreps.ingest import read_inputs
    from sitreps.parallel import DocumentCoder, PipelineSettings, RunStats, ingest_documents
    from sitreps.store import open_store

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise FileNotFoundError(f"inputs not found: {', '.join(missing)}")
    with DocumentCoder(PipelineSettings(), workers) as coder, open_store(db) as store:
        raws = read_inputs([str(p) for p in inputs])
        ingest_documents(raws, store, coder, RunStats())


def relink_database(source: Path, target: Path) -> None:
    """Store the source's articles and events again, in their stored order, into a new
    database: the current linker links them, without coding the articles again (SQLite)."""
    from sitreps.store import open_store

    with open_store(source) as old, open_store(target) as new:
        order = old.conn.execute("SELECT article_id, record FROM events ORDER BY rowid").fetchall()
        by_article: dict[str, list[Event]] = {}
        for row in order:
            event = Event.model_validate_json(row["record"])
            by_article.setdefault(row["article_id"], []).append(
                event.model_copy(update={"incident_id": None})
            )
        for article_id, events in by_article.items():
            article = old.article(article_id)
            if article is not None:
                new.save_article(article, events)


def run_linking_eval(
    labels: str | Path | None = None,
    *,
    db: str | Path | None = None,
    relink: bool = False,
    inputs: Sequence[Path] | None = None,
    workers: int = 1,
) -> dict:
    """Score linking on the labelled pairs: a given database, else a fresh one built by
    running the pipeline over `inputs` (default: corpus, examples, seed)."""
    from sitreps.store import open_store

    pairs = read_pairs(labels or DEFAULT_LABELS)
    with tempfile.TemporaryDirectory(prefix="sitreps-link-") as tmp:
        path = Path(db) if db else Path(tmp) / "built.db"
        if db is None:
            build_database(list(inputs or default_inputs()), path, workers)
        elif not path.exists():
            raise FileNotFoundError(f"{path}: no such database")
        if relink:
            relinked = Path(tmp) / "relinked.db"
            relink_database(path, relinked)
            path = relinked
        with open_store(path) as store:
            events = stored_events(store)
    scores = score_pairs(pairs, events)
    scores["corpus"] = incident_ratio(events)
    scores["labels"] = str(labels or DEFAULT_LABELS)
    return scores


def format_linking_scores(scores: dict) -> str:
    """A short human-readable report."""
    lines = [
        f"labelled pairs: {scores['pairs']}, matched {scores['matched']}, "
        f"unmatched {len(scores['unmatched'])}"
    ]
    lines += [_count_line(split, "", scores[split]) for split in ("all", *SPLITS)]
    # One line per split and round, each starting with its split's name, so that filtering
    # out the lines naming `heldout` (and `all`) leaves only tune figures.
    for number, counts in scores.get("by_round", {}).items():
        lines += [
            _count_line(split, f"round {number}: ", counts[split]) for split in ("all", *SPLITS)
        ]
    for split, categories in scores.get("by_split_category", {}).items():
        cats = ", ".join(f"{k} {v['correct']}/{v['pairs']}" for k, v in categories.items())
        lines.append(f"correct by category ({split}): {cats}")
    corpus = scores.get("corpus")
    if corpus:
        lines.append(
            f"corpus ({corpus['documents']}): {corpus['incidents']} incidents / "
            f"{corpus['events']} events = {_fmt(corpus['ratio'])}; "
            f"{corpus['multi_report_incidents']} incidents with 2+ reports, largest "
            f"{corpus['largest_incident']}"
        )
    if scores["unmatched"]:
        names = ", ".join(f"{u['pair_id']} ({'+'.join(u['sides'])})" for u in scores["unmatched"])
        lines.append(f"unmatched pairs: {names}")
    return "\n".join(lines)


def _count_line(split: str, label: str, c: dict) -> str:
    return (
        f"{split:>8}: {label}precision {_fmt(c['precision'])}  recall {_fmt(c['recall'])}  "
        f"F1 {_fmt(c['f1'])}  (pairs {c['pairs']}, gold same {c['gold_same']}, "
        f"tp {c['tp']} fp {c['fp']} fn {c['fn']} tn {c['tn']})"
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def write_errors(scores: dict, path: str | Path, split: str | None = None) -> int:
    """Write the wrongly linked pairs (of one split, or all) as JSONL; returns how many."""
    chosen = [e for e in scores["errors"] if split in (None, e["split"])]
    with Path(path).open("w", encoding="utf-8") as handle:
        for error in chosen:
            handle.write(json.dumps(error, ensure_ascii=False) + "\n")
    return len(chosen)
