"""Score the pipeline against a gold event file: one pipeline call per gold record.

For each record the pipeline runs on the record's text with the record's date as reference date;
the best-matching produced event is compared field by field (see docs/evaluation.md).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, Protocol

from sitreps.evaluate.gold import (
    GoldRecord,
    fold,
    normalise_actor_name,
    read_gold,
)
from sitreps.evaluate.places import same_subdivision
from sitreps.records import Event

WITHIN_KM = 25.0
NO_EVENT = "<no event>"

# Field names, in report order.
FIELDS = (
    "event_type",
    "sub_event_type",
    "actor1_country",
    "actor1_name",
    "fatalities",
    "country",
    "admin1",
    "within_25km",
    "date",
)

# Generic words dropped before comparing first-level subdivision names.
_ADMIN_GENERIC = {
    "governorate",
    "province",
    "provincia",
    "region",
    "state",
    "county",
    "division",
    "district",
    "department",
    "departement",
    "prefecture",
    "oblast",
    "muhafazat",
    "wilayah",
    "territory",
    "capital",
    "city",
    "of",
    "the",
}
_ARTICLES = {"al", "ar", "as", "ad", "an", "az", "at", "ash", "el", "le", "la"}


class EventPipeline(Protocol):
    def process_text(
        self, text: str, doc_id: str | None = ..., ref_date: str | None = ...
    ) -> list[Event]: ...


# ---------------------------------------------------------------- field comparisons


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1_r, lat2_r = math.radians(lat1), math.radians(lat2)
    d_lat, d_lon = lat2_r - lat1_r, math.radians(lon2 - lon1)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat1_r) * math.cos(lat2_r) * math.sin(d_lon / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def normalise_admin1(name: str | None) -> str:
    """Folded admin1 name with generic words ("Governorate", "Province"...) removed."""
    if not name:
        return ""
    words = re.split(r"[^0-9a-z]+", fold(name).replace("'", ""))
    return " ".join(w for w in words if w and w not in _ADMIN_GENERIC)


def _admin1_skeleton(normalised: str) -> str:
    """Transliteration-tolerant key: articles, vowels, w/y and word-final "h" after a vowel
    dropped, doubled letters merged.

    "Hamah" ~ "Hama", "Ar Raqqah" ~ "Raqqa", "Deir ez Zor" ~ "Dayr az Zawr", "Hims" ~ "Homs".
    """
    words = [re.sub(r"(?<=[aeiou])h$", "", w) for w in normalised.split() if w not in _ARTICLES]
    consonants = re.sub(r"[aeiouwy]", "", "".join(words))
    return re.sub(r"(.)\1+", r"\1", consonants)


def admin1_match(gold: str | None, produced: str | None) -> bool:
    gold_norm, produced_norm = normalise_admin1(gold), normalise_admin1(produced)
    if not gold_norm or not produced_norm:
        return False
    if gold_norm == produced_norm:
        return True
    gold_key, produced_key = _admin1_skeleton(gold_norm), _admin1_skeleton(produced_norm)
    if len(gold_key) >= 2 and gold_key == produced_key:
        return True
    return same_subdivision(gold, produced, normalise_admin1)


def event_distance_km(gold: GoldRecord, event: Event) -> float | None:
    loc = event.location
    if gold.lat is None or gold.lon is None or loc is None or loc.lat is None or loc.lon is None:
        return None
    return haversine_km(gold.lat, gold.lon, loc.lat, loc.lon)


def _has_coordinates(event: Event) -> bool:
    return bool(
        event.location and event.location.lat is not None and event.location.lon is not None
    )


def compare(gold: GoldRecord, event: Event | None) -> dict[str, bool | None]:
    """Field -> True (match), False (mismatch) or None (not scored: the gold has no value).

    With no event every scored field is False.
    """
    scored = _scored_fields(gold)
    if event is None:
        return {name: (False if scored[name] else None) for name in FIELDS}
    loc = event.location
    actor1 = event.actor1
    distance = event_distance_km(gold, event)
    results: dict[str, bool | None] = {
        "event_type": gold.type_accepted(event.event_type),
        "sub_event_type": event.sub_event_type == gold.sub_event_type,
        "actor1_country": bool(actor1) and actor1.country == gold.actor1_country,
        "actor1_name": bool(actor1)
        and normalise_actor_name(actor1.name) == normalise_actor_name(gold.actor1),
        "fatalities": (event.fatalities or 0) == gold.fatalities,
        "country": bool(loc) and loc.country == gold.country,
        "admin1": bool(loc) and admin1_match(gold.admin1, loc.admin1),
        "within_25km": distance is not None and distance <= WITHIN_KM,
        "date": event.date == gold.date,
    }
    return {name: (results[name] if scored[name] else None) for name in FIELDS}


def _scored_fields(gold: GoldRecord) -> dict[str, bool]:
    return {
        "event_type": bool(gold.accepted_event_types),
        "sub_event_type": gold.sub_event_type is not None,
        "actor1_country": gold.actor1_country is not None,
        # UCDP side names ("Government of Syria") are not ACLED actor names.
        "actor1_name": gold.actor1 is not None and gold.source_format != "ucdp",
        "fatalities": gold.fatalities is not None,
        "country": gold.country is not None,
        "admin1": gold.admin1 is not None,
        "within_25km": gold.place_level,
        "date": gold.date is not None,
    }


# ---------------------------------------------------------------- choosing the event


def _match_key(gold: GoldRecord, event: Event, index: int) -> tuple:
    """Sort key, larger is better: sub-type, type, nearness, admin/country, date, file order."""
    distance = event_distance_km(gold, event)
    nearness = -distance if distance is not None else -1e6
    loc = event.location
    place = 2 * admin1_match(gold.admin1, loc.admin1 if loc else None) + (
        loc is not None and loc.country == gold.country
    )
    return (
        gold.sub_event_type is not None and event.sub_event_type == gold.sub_event_type,
        gold.type_accepted(event.event_type),
        nearness,
        place,
        event.date == gold.date,
        -index,
    )


def choose_event(gold: GoldRecord, events: list[Event]) -> Event | None:
    """The produced event that best matches the gold record, or None when there is none."""
    if not events:
        return None
    best = max(range(len(events)), key=lambda i: _match_key(gold, events[i], i))
    return events[best]


# ---------------------------------------------------------------- accumulation


@dataclass
class FieldTally:
    correct: int = 0
    n_found: int = 0
    n_all: int = 0

    def add(self, result: bool | None, found: bool) -> None:
        if result is None:
            return
        self.n_all += 1
        self.n_found += found
        self.correct += bool(result)

    def as_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "n_found": self.n_found,
            "n_all": self.n_all,
            "acc_found": _ratio(self.correct, self.n_found),
            "acc_all": _ratio(self.correct, self.n_all),
        }


@dataclass
class Tally:
    n: int = 0
    n_found: int = 0
    n_errors: int = 0
    n_skipped_empty: int = 0
    n_events: int = 0
    n_events_with_coordinates: int = 0
    n_chosen_with_coordinates: int = 0
    fields: dict[str, FieldTally] = field(default_factory=lambda: {f: FieldTally() for f in FIELDS})
    type_pairs: list[tuple[str, str]] = field(default_factory=list)
    sub_type_pairs: list[tuple[str, str]] = field(default_factory=list)
    distances_km: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    per_type: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    error_messages: list[str] = field(default_factory=list)

    def add(
        self,
        gold: GoldRecord,
        events: list[Event],
        chosen: Event | None,
        results: dict[str, bool | None],
    ) -> None:
        found = chosen is not None
        self.n += 1
        self.n_found += found
        self.n_events += len(events)
        self.n_events_with_coordinates += sum(_has_coordinates(e) for e in events)
        self.n_chosen_with_coordinates += bool(chosen and _has_coordinates(chosen))
        for name, result in results.items():
            self.fields[name].add(result, found)
        self._add_labels(gold, chosen)
        if chosen is not None and gold.place_level:
            distance = event_distance_km(gold, chosen)
            if distance is not None:
                self.distances_km.append(distance)
        label = gold.type_label or "?"
        self.per_type[label].update(
            n=1, found=int(found), type_correct=int(bool(results["event_type"]))
        )

    def _add_labels(self, gold: GoldRecord, chosen: Event | None) -> None:
        gold_type = gold.type_label
        if gold_type:
            predicted = chosen.event_type if chosen else NO_EVENT
            # An accepted type counts as the gold label (ambiguous 2015/UCDP types).
            self.type_pairs.append(
                (gold_type, gold_type if gold.type_accepted(predicted) else predicted)
            )
        if gold.sub_event_type:
            predicted_sub = chosen.sub_event_type if chosen else NO_EVENT
            self.sub_type_pairs.append((gold.sub_event_type, predicted_sub))


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def weighted_f1(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Support-weighted F1 over the gold labels (as sklearn's average='weighted')."""
    pairs = list(pairs)
    if not pairs:
        return None
    support = Counter(gold for gold, _ in pairs)
    predicted = Counter(pred for _, pred in pairs)
    true_pos = Counter(gold for gold, pred in pairs if gold == pred)
    total = 0.0
    for label, count in support.items():
        precision = true_pos[label] / predicted[label] if predicted[label] else 0.0
        recall = true_pos[label] / count
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        total += f1 * count
    return round(total / len(pairs), 4)


def _timing(seconds: list[float], load_s: float, total_s: float) -> dict[str, float | None]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] if ordered else None
    return {
        "pipeline_load_s": round(load_s, 3),
        "total_s": round(total_s, 3),
        "mean_s": round(statistics.fmean(ordered), 4) if ordered else None,
        "median_s": round(statistics.median(ordered), 4) if ordered else None,
        "p95_s": round(p95, 4) if p95 is not None else None,
        "max_s": round(ordered[-1], 4) if ordered else None,
    }


def summarise(tally: Tally, gold_path: str, load_s: float, total_s: float) -> dict[str, Any]:
    distances = tally.distances_km
    return {
        "gold": gold_path,
        "n": tally.n,
        "n_errors": tally.n_errors,
        "n_skipped_empty_text": tally.n_skipped_empty,
        "error_examples": tally.error_messages[:5],
        "found": {"n": tally.n_found, "recall": _ratio(tally.n_found, tally.n)},
        "events_per_record": _ratio(tally.n_events, tally.n),
        "fields": {name: tally.fields[name].as_dict() for name in FIELDS},
        "event_type_f1_weighted": weighted_f1(tally.type_pairs),
        "sub_event_type_f1_weighted": weighted_f1(tally.sub_type_pairs),
        "coordinates": {
            "chosen_with_coordinates": _ratio(tally.n_chosen_with_coordinates, tally.n_found),
            "produced_with_coordinates": _ratio(tally.n_events_with_coordinates, tally.n_events),
            "n_distance_pairs": len(distances),
            "within_25km_of_pairs": _ratio(sum(d <= WITHIN_KM for d in distances), len(distances)),
            "median_km": round(statistics.median(distances), 2) if distances else None,
            "mean_km": round(statistics.fmean(distances), 2) if distances else None,
        },
        "per_gold_type": {
            label: {
                "n": counts["n"],
                "recall": _ratio(counts["found"], counts["n"]),
                "type_acc_all": _ratio(counts["type_correct"], counts["n"]),
            }
            for label, counts in sorted(tally.per_type.items(), key=lambda kv: -kv[1]["n"])
        },
        "timing": _timing(tally.seconds, load_s, total_s),
    }


# ---------------------------------------------------------------- the run


def _error_line(
    gold: GoldRecord,
    chosen: Event | None,
    n_events: int,
    results: dict[str, bool | None],
    error: str | None,
) -> str | None:
    mismatched = [name for name, result in results.items() if result is False]
    if chosen is None:
        mismatched.insert(0, "event")
    if not mismatched and error is None:
        return None
    gold_dict = asdict(gold)
    gold_dict["accepted_event_types"] = sorted(gold.accepted_event_types)
    line = {
        "id": gold.id,
        "mismatched": mismatched,
        "error": error,
        "n_events": n_events,
        "gold": gold_dict,
        "event": chosen.model_dump(mode="json") if chosen else None,
    }
    return json.dumps(line, ensure_ascii=False)


def _load_pipeline() -> EventPipeline:
    from sitreps.pipeline import Pipeline

    return Pipeline()


def _progress_iter(records: list[GoldRecord], enabled: bool) -> Iterable[GoldRecord]:
    if not enabled:
        return records
    from tqdm import tqdm

    return tqdm(records, desc="eval", unit="rec", file=sys.stderr)


def _run_one(pipeline: EventPipeline, gold: GoldRecord) -> tuple[list[Event], str | None, float]:
    started = time.perf_counter()
    try:
        events = list(pipeline.process_text(gold.text, doc_id=gold.id, ref_date=gold.ref_date))
        error = None
    except Exception as exc:  # a failing record is counted and reported, never fatal
        events, error = [], f"{type(exc).__name__}: {exc}"
    return events, error, time.perf_counter() - started


def score_records(
    records: Iterable[GoldRecord],
    pipeline: EventPipeline,
    errors_out: IO[str] | None = None,
    progress: bool = False,
    on_record: Callable[[GoldRecord, Event | None], None] | None = None,
) -> Tally:
    """Run the pipeline over the records and accumulate the tallies."""
    tally = Tally()
    for gold in _progress_iter(list(records), progress):
        if not gold.text.strip():
            tally.n_skipped_empty += 1
            continue
        events, error, seconds = _run_one(pipeline, gold)
        tally.seconds.append(seconds)
        if error is not None:
            tally.n_errors += 1
            tally.error_messages.append(f"{gold.id}: {error}")
        chosen = choose_event(gold, events)
        results = compare(gold, chosen)
        tally.add(gold, events, chosen, results)
        if errors_out is not None:
            line = _error_line(gold, chosen, len(events), results, error)
            if line is not None:
                errors_out.write(line + "\n")
        if on_record is not None:
            on_record(gold, chosen)
    return tally


def run_eval(
    gold_path: str | Path,
    limit: int | None = None,
    errors_path: Path | None = None,
    pipeline: EventPipeline | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Score the pipeline on a gold file; returns a JSON-serialisable dict of scores.

    ``limit`` takes the first N records in file order. ``errors_path`` receives one JSONL line
    per record with a mismatch (gold fields, the chosen event, the mismatched fields).
    """
    started = time.perf_counter()
    records = list(islice(read_gold(gold_path), limit))
    load_s = 0.0
    if pipeline is None:
        load_started = time.perf_counter()
        pipeline = _load_pipeline()
        load_s = time.perf_counter() - load_started
    if errors_path is not None:
        Path(errors_path).parent.mkdir(parents=True, exist_ok=True)
        with Path(errors_path).open("w", encoding="utf-8") as errors_out:
            tally = score_records(records, pipeline, errors_out, progress)
    else:
        tally = score_records(records, pipeline, None, progress)
    return summarise(tally, str(gold_path), load_s, time.perf_counter() - started)


# ---------------------------------------------------------------- terminal table


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:5.1f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def format_scores(scores: dict[str, Any]) -> str:
    """A plain-text table of the scores for the terminal."""
    found = scores["found"]
    timing = scores["timing"]
    coords = scores["coordinates"]
    lines = [
        f"gold: {scores['gold']}",
        f"records: {scores['n']}   pipeline errors: {scores['n_errors']}"
        f"   skipped (empty text): {scores['n_skipped_empty_text']}",
        f"event found (recall): {_pct(found['recall'])}  ({found['n']}/{scores['n']})"
        f"   events per record: {_num(scores['events_per_record'])}",
        "",
        f"{'field':<16}{'acc|found':>10}{'acc|all':>10}{'correct':>9}{'found':>8}{'scored':>8}",
    ]
    for name, tally in scores["fields"].items():
        lines.append(
            f"{name:<16}{_pct(tally['acc_found']):>10}{_pct(tally['acc_all']):>10}"
            f"{tally['correct']:>9}{tally['n_found']:>8}{tally['n_all']:>8}"
        )
    lines += [
        "",
        f"event_type weighted F1:     {_num(scores['event_type_f1_weighted'])}",
        f"sub_event_type weighted F1: {_num(scores['sub_event_type_f1_weighted'])}",
        f"chosen events with coordinates: {_pct(coords['chosen_with_coordinates'])}"
        f"   all produced: {_pct(coords['produced_with_coordinates'])}",
        f"distance (place-level gold, both with coordinates, n={coords['n_distance_pairs']}): "
        f"within 25 km {_pct(coords['within_25km_of_pairs'])}, "
        f"median {_num(coords['median_km'])} km, "
        f"mean {_num(coords['mean_km'])} km",
        "",
        f"{'gold type':<40}{'n':>7}{'recall':>9}{'type acc':>10}",
    ]
    for label, row in scores["per_gold_type"].items():
        lines.append(
            f"{label[:39]:<40}{row['n']:>7}{_pct(row['recall']):>9}{_pct(row['type_acc_all']):>10}"
        )
    lines += [
        "",
        f"time per record: mean {_num(timing['mean_s'], 3)} s, "
        f"median {_num(timing['median_s'], 3)} s, p95 {_num(timing['p95_s'], 3)} s"
        f"   total {_num(timing['total_s'])} s"
        f" (pipeline load {_num(timing['pipeline_load_s'])} s)",
    ]
    if scores["error_examples"]:
        lines += ["", "pipeline errors (first 5):", *(f"  {m}" for m in scores["error_examples"])]
    return "\n".join(lines)
