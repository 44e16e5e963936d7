"""Geo stage benchmarks (accuracy is scored by `sitreps eval geo`, see docs/geo.md).

    .venv/bin/python bench/geo_eval.py speed
    .venv/bin/python bench/geo_eval.py share [--rows 200] [--places-out FILE]

``speed``: gazetteer build time and lookup latency (cold and cached).
``share``: the geo stage's share of the pipeline's time on the conflict-dense Guardian rows of
../shared/corpus (article geocoding plus event-location calls, timed inside a real pipeline
run); ``--places-out`` writes each event's location as JSONL, to check where events land.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitreps.geo import build_gazetteer, open_gazetteer

SHARED = Path(__file__).resolve().parents[2] / "shared"
GUARDIAN = SHARED / "corpus" / "guardian_syria_iraq_2019.csv"


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


class _Timer:
    """Wraps a function and adds up the seconds spent in it."""

    def __init__(self, function: Callable[..., Any]):
        self.function = function
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


def share(args: argparse.Namespace) -> None:
    import sitreps.events.coder as coder
    from sitreps.pipeline import Pipeline

    csv.field_size_limit(1 << 30)
    with GUARDIAN.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[: args.rows]
    pipeline = Pipeline(dedupe=False)
    pipeline.process_text("Warm-up: an air strike hit Homs on Monday.", doc_id="warm-up")
    geocode = _Timer(pipeline.geocoder.geocode)
    locations = _Timer(coder.event_locations)
    fallback = _Timer(coder.country_location)
    pipeline.geocoder.geocode = geocode  # type: ignore[method-assign]
    coder.event_locations, coder.country_location = locations, fallback  # type: ignore[assignment]
    countries: Counter[str] = Counter()
    placed: list[dict] = []
    started = time.perf_counter()
    n_events = 0
    for k, row in enumerate(rows):
        events = pipeline.process_text(row["text"], doc_id=f"guardian:{k}", ref_date=row["date"])
        n_events += len(events)
        for event in events:
            loc = event.location
            countries[loc.country if loc else "none"] += 1
            placed.append(_place_row(k, event))
    total = time.perf_counter() - started
    if args.places_out:
        lines = (json.dumps(p, ensure_ascii=False) + "\n" for p in placed)
        Path(args.places_out).write_text("".join(lines), encoding="utf-8")
    geo_s = geocode.seconds + locations.seconds + fallback.seconds
    print(
        json.dumps(
            {
                "rows": len(rows),
                "events": n_events,
                "pipeline_s": round(total, 2),
                "geo_s": round(geo_s, 2),
                "geocode_s": round(geocode.seconds, 2),
                "event_location_s": round(locations.seconds + fallback.seconds, 3),
                "geo_share_of_pipeline": round(geo_s / total, 3),
                "geo_added_to_rest": round(geo_s / (total - geo_s), 3),
                "ms_per_article_geo": round(geo_s / len(rows) * 1000, 1),
                "event_countries": dict(countries.most_common(8)),
            },
            indent=1,
        )
    )


def _place_row(row: int, event: Any) -> dict:
    loc = event.location
    evidence = event.evidence[0].text if event.evidence else ""
    return {
        "row": row,
        "type": event.sub_event_type,
        "place": loc.name if loc else None,
        "country": loc.country if loc else None,
        "precision": loc.precision if loc else None,
        "sentence": evidence[:300],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("speed")
    p = sub.add_parser("share")
    p.add_argument("--rows", type=int, default=200)
    p.add_argument("--places-out", default=None)
    args = parser.parse_args()
    {"speed": speed, "share": share}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
