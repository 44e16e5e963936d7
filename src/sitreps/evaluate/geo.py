"""Score the geo stage on the gold files of ``../shared/eval`` (see docs/geo.md).

Three kinds of gold, told apart by their records:

- toponym corpora (``geowebnews.jsonl``, ``lgl.jsonl``: records with ``toponyms``): the metric
  of the EUPEG benchmark. A predicted toponym matches a gold one when the surfaces are equal
  (case-insensitive) and the span midpoints differ by less than 10 characters. Gold toponyms
  are those with coordinates; predictions are mentions resolved to a place with coordinates.
  A prediction that matches a gold toponym without coordinates (a demonym, a homonym) counts
  neither way. Accuracy@161 km, mean/median error and AUC over matched toponyms; countries and
  first-level areas are also scored by GeoNames id.
- event-location sentences (``event_location_dev.jsonl``: records with ``verb``): is the place
  chosen for the event the gold one (span overlap), and is no place chosen when gold has none?
- UCDP GED events (records with ``adm_1``): the place chosen for the headline's event within
  25 km of UCDP's point, its admin1 right, and two ceilings: the share of UCDP points with any
  gazetteer entry within 25 km, and the share of headlines naming any place in the gold admin1.

Each record can go to a tuning or a held-out part (a stable hash of its id): tune on one,
report both.
"""

from __future__ import annotations

import json
import math
import statistics
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sitreps.geo import Geocoder, country_location, event_locations
from sitreps.geo.location import event_place_mentions
from sitreps.geo.resolve import PlaceMention, distance_km

MIDPOINT_CHARS = 10
ACCURATE_KM = 161.0
WITHIN_KM = 25.0
MAX_KM = 20039.0  # half the Earth's circumference: the AUC's worst error
HOLDOUT_SHARE = 5  # one record in five is held out
SPLITS = ("all", "tune", "holdout")


class GeoGoldError(ValueError):
    """A gold file that cannot be read or is of no known kind."""


# ---------------------------------------------------------------------------------------------
# Reading


def in_holdout(record_id: object) -> bool:
    """Stable split: the same record is always in the same part."""
    return zlib.crc32(str(record_id).encode("utf-8")) % HOLDOUT_SHARE == 0


def read_geo_gold(path: str | Path, split: str = "all", limit: int | None = None) -> list[dict]:
    """Records of a JSONL gold file, of the chosen part, the first ``limit`` of them."""
    if split not in SPLITS:
        raise GeoGoldError(f"unknown split {split!r} (one of {', '.join(SPLITS)})")
    path = Path(path)
    if not path.is_file():
        raise GeoGoldError(f"no gold file at {path}")
    records: list[dict] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GeoGoldError(f"{path.name} line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise GeoGoldError(f"{path.name} line {number}: not a JSON object")
            record.setdefault("id", number)
            if split != "all" and in_holdout(record["id"]) != (split == "holdout"):
                continue
            records.append(record)
            if limit is not None and len(records) >= limit:
                break
    return records


def gold_kind(records: list[dict]) -> str:
    """``toponyms``, ``event_location`` or ``ucdp``, from the first record's fields."""
    if not records:
        raise GeoGoldError("the gold file has no records")
    first = records[0]
    if "toponyms" in first and "text" in first:
        return "toponyms"
    if "verb" in first and "event_locations" in first:
        return "event_location"
    if "adm_1" in first and "lat" in first and ("headline" in first or "text" in first):
        return "ucdp"
    raise GeoGoldError(f"unknown gold schema (fields: {', '.join(sorted(first))})")


# ---------------------------------------------------------------------------------------------
# Entry point


def run_geo_eval(
    path: str | Path,
    limit: int | None = None,
    split: str = "all",
    errors_path: str | Path | None = None,
    geocoder: Geocoder | None = None,
) -> dict[str, Any]:
    """Score the geo stage on one gold file; mismatches go to ``errors_path`` (JSONL)."""
    records = read_geo_gold(path, split, limit)
    kind = gold_kind(records)
    geocoder = geocoder or Geocoder()
    scorer: Callable[[list[dict], Geocoder, _Errors], dict[str, Any]] = {
        "toponyms": score_toponyms,
        "event_location": score_event_location,
        "ucdp": score_ucdp,
    }[kind]
    started = time.perf_counter()
    with _Errors(errors_path) as errors:
        scores = scorer(records, geocoder, errors)
    elapsed = time.perf_counter() - started
    header = {"gold": str(path), "kind": kind, "split": split, "n_records": len(records)}
    return {**header, **scores, "seconds": round(elapsed, 1)}


class _Errors:
    """JSONL sink for mismatches (a no-op without a path)."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self.handle: IO[str] | None = None

    def __enter__(self) -> _Errors:
        if self.path:
            self.handle = self.path.open("w", encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle:
            self.handle.close()

    def write(self, record: dict) -> None:
        if self.handle:
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# Toponym corpora (EUPEG metric)


@dataclass
class _ToponymTally:
    tp: int = 0
    fp: int = 0
    n_gold: int = 0
    area_n: int = 0
    area_right: int = 0

    def __post_init__(self) -> None:
        self.errors_km: list[float] = []


def toponym_matches(mention: PlaceMention, gold: dict) -> bool:
    """EUPEG: same surface (case-insensitive), span midpoints under 10 characters apart."""
    return (
        mention.text.lower() == str(gold.get("surface", "")).lower()
        and abs((mention.start + mention.end) / 2 - (gold["start"] + gold["end"]) / 2)
        < MIDPOINT_CHARS
    )


def _has_point(toponym: dict) -> bool:
    return toponym.get("lat") is not None and toponym.get("lon") is not None


def score_toponyms(records: list[dict], geocoder: Geocoder, errors: _Errors) -> dict[str, Any]:
    tally = _ToponymTally()
    areas = geocoder.gaz.area_ids()
    for record in records:
        text = record.get("text") or ""
        geo = geocoder.geocode(text)
        gold = [t for t in record.get("toponyms") or [] if _has_point(t)]
        unplaced = [
            t for t in record.get("toponyms") or [] if not _has_point(t) and t.get("is_toponym")
        ]
        tally.n_gold += len(gold)
        matched = _score_document(record, geo.mentions, gold, unplaced, areas, tally, errors)
        for k, toponym in enumerate(gold):
            if k not in matched:
                errors.write(_missed(record, toponym, geo.mentions))
    return _toponym_scores(tally)


def _score_document(
    record: dict,
    mentions: list[PlaceMention],
    gold: list[dict],
    unplaced: list[dict],
    areas: dict[int, str],
    tally: _ToponymTally,
    errors: _Errors,
) -> set[int]:
    matched: set[int] = set()
    for mention in mentions:
        place = mention.place
        if place is None or place.lat is None or place.lon is None:
            continue
        hit = next(
            (k for k, g in enumerate(gold) if k not in matched and toponym_matches(mention, g)),
            None,
        )
        if hit is None:
            if not any(toponym_matches(mention, g) for g in unplaced):
                tally.fp += 1
                errors.write(_error_row(record, "false positive", mention))
            continue
        matched.add(hit)
        tally.tp += 1
        target = gold[hit]
        km = distance_km(place.lat, place.lon, float(target["lat"]), float(target["lon"]))
        tally.errors_km.append(km)
        gold_id = _int_or_none(target.get("geonameid"))
        if gold_id is not None and gold_id in areas:
            tally.area_n += 1
            tally.area_right += place.geonameid == gold_id
        if km > ACCURATE_KM:
            errors.write(_error_row(record, "far", mention, target, km))
    return matched


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _error_row(
    record: dict,
    error: str,
    mention: PlaceMention,
    gold: dict | None = None,
    km: float | None = None,
) -> dict:
    place = mention.place
    row: dict[str, Any] = {
        "id": record.get("id"),
        "error": error,
        "surface": mention.text,
        "start": mention.start,
        "context": _context(record.get("text") or "", mention.start, mention.end),
        "predicted": _place_label(place),
        "reason": mention.reason,
    }
    if gold is not None:
        row["gold"] = f"{gold.get('name')} ({gold.get('country')}, {gold.get('admin1')})"
        row["km"] = round(km or 0.0)
    return row


def _missed(record: dict, gold: dict, mentions: list[PlaceMention]) -> dict:
    overlapping = [m for m in mentions if m.start < gold["end"] and gold["start"] < m.end]
    found = overlapping[0] if overlapping else None
    if found is None:
        why = "not recognised"
    elif found.place is None:
        why = "unresolved: " + found.reason
    else:
        why = f"span differs: {found.text!r}"
    return {
        "id": record.get("id"),
        "error": "missed",
        "surface": gold.get("surface"),
        "start": gold.get("start"),
        "type": gold.get("type"),
        "context": _context(record.get("text") or "", gold["start"], gold["end"]),
        "gold": f"{gold.get('name')} ({gold.get('country')}, {gold.get('admin1')})",
        "why": why,
    }


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    return (
        text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]
    ).replace("\n", " ")


def _place_label(place: Any) -> str | None:
    if place is None:
        return None
    return f"{place.name} ({place.country}, {place.admin1}, {place.feature})"


def _toponym_scores(tally: _ToponymTally) -> dict[str, Any]:
    n_pred = tally.tp + tally.fp
    precision = tally.tp / n_pred if n_pred else 0.0
    recall = tally.tp / tally.n_gold if tally.n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    km = tally.errors_km
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "acc_161km": round(sum(e <= ACCURATE_KM for e in km) / len(km), 3) if km else 0.0,
        "mean_km": round(statistics.fmean(km), 1) if km else None,
        "median_km": round(statistics.median(km), 1) if km else None,
        "auc": round(statistics.fmean(math.log(1 + e) / math.log(MAX_KM) for e in km), 3)
        if km
        else None,
        "n_gold": tally.n_gold,
        "n_pred": n_pred,
        "tp": tally.tp,
        "area_id_accuracy": round(tally.area_right / tally.area_n, 3) if tally.area_n else None,
        "area_id_n": tally.area_n,
    }


# ---------------------------------------------------------------------------------------------
# Event-location sentences


def score_event_location(
    records: list[dict], geocoder: Geocoder, errors: _Errors
) -> dict[str, Any]:
    located = located_right = unlocated = unlocated_right = predicted = predicted_right = 0
    for record in records:
        text = record.get("text") or ""
        verb = record.get("verb") or {}
        anchor = int(verb.get("start") or 0)
        gold = [(int(g["start"]), int(g["end"])) for g in record.get("event_locations") or []]
        geo = geocoder.geocode(text)
        chosen = event_place_mentions(geo, 0, len(text), anchor)
        hit = any(m.start < g_end and g_start < m.end for m in chosen for g_start, g_end in gold)
        if gold:
            located += 1
            located_right += hit
        else:
            unlocated += 1
            unlocated_right += not chosen
        if chosen:
            predicted += 1
            predicted_right += hit
        right = hit if gold else not chosen
        if not right:
            errors.write(_location_error(record, text, gold, chosen))
    n = located + unlocated
    return {
        "accuracy": _rate(located_right + unlocated_right, n),
        "located_accuracy": _rate(located_right, located),
        "abstain_accuracy": _rate(unlocated_right, unlocated),
        "precision": _rate(predicted_right, predicted),
        "n": n,
        "n_located": located,
        "n_predicted": predicted,
    }


def _location_error(
    record: dict, text: str, gold: list[tuple[int, int]], chosen: list[PlaceMention]
) -> dict:
    return {
        "id": record.get("id"),
        "text": text,
        "verb": (record.get("verb") or {}).get("text"),
        "gold": [text[a:b] for a, b in gold],
        "predicted": [m.text for m in chosen],
        "predicted_places": [_place_label(m.place) for m in chosen],
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


# ---------------------------------------------------------------------------------------------
# UCDP events


def score_ucdp(records: list[dict], geocoder: Geocoder, errors: _Errors) -> dict[str, Any]:
    from sitreps.evaluate.score import admin1_match
    from sitreps.events.codebook import load_codebook

    codebook = load_codebook()
    within = admin1_right = exact_n = exact_within = named_admin1 = 0
    precision_levels: Counter[str] = Counter()
    for record in records:
        text = str(record.get("headline") or record.get("text") or "")
        location, geo = _event_location(geocoder, codebook, text)
        named_admin1 += any(
            m.place is not None and admin1_match(record.get("adm_1"), m.place.admin1)
            for m in geo.mentions
        )
        precision_levels[location.precision if location else "none"] += 1
        km = None
        if location is not None and location.lat is not None and location.lon is not None:
            km = distance_km(location.lat, location.lon, float(record["lat"]), float(record["lon"]))
        is_within = km is not None and km <= WITHIN_KM
        is_admin1 = location is not None and admin1_match(record.get("adm_1"), location.admin1)
        within += is_within
        admin1_right += is_admin1
        if (record.get("where_prec") or 9) <= 2:
            exact_n += 1
            exact_within += is_within
        if not (is_within and is_admin1):
            errors.write(_ucdp_error(record, text, location, km, is_admin1))
    n = len(records)
    return {
        "within_25km": _rate(within, n),
        "admin1": _rate(admin1_right, n),
        "admin1_named_in_text": _rate(named_admin1, n),
        "within_25km_exact_gold": _rate(exact_within, exact_n),
        "n_exact_gold": exact_n,
        "gazetteer_ceiling_25km": _gazetteer_ceiling(records, geocoder),
        "precision_levels": dict(precision_levels.most_common()),
        "n": n,
    }


def _event_location(geocoder: Geocoder, codebook: Any, text: str) -> tuple[Any, Any]:
    """The location the geo stage gives the headline's event (trigger from the codebook),
    and the headline's geography."""
    geo = geocoder.geocode(text)
    triggers = codebook.triggers_in(text)
    anchor = max(triggers, key=lambda t: (t.sub_type.priority, -t.start)).start if triggers else 0
    locations = event_locations(geo, 0, len(text), anchor)
    if locations:
        return locations[0], geo
    fallback = country_location(geo, geo.fallback_country) if geo.fallback_country else None
    return fallback, geo


def _ucdp_error(record: dict, text: str, location: Any, km: float | None, is_admin1: bool) -> dict:
    return {
        "id": record.get("id"),
        "headline": text,
        "gold": f"{record.get('where_coordinates')} ({record.get('adm_1')}; "
        f"prec {record.get('where_prec')})",
        "predicted": f"{location.name} ({location.admin1}; {location.precision})"
        if location
        else None,
        "km": round(km) if km is not None else None,
        "admin1_right": is_admin1,
    }


def _gazetteer_ceiling(records: list[dict], geocoder: Geocoder) -> float | None:
    """Share of gold points that have any gazetteer entry within 25 km."""
    points = [(float(r["lat"]), float(r["lon"])) for r in records if r.get("lat") is not None]
    if not points:
        return None
    margin = 0.5
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    entries = geocoder.gaz.places_in_box(
        min(lats) - margin, min(lons) - margin, max(lats) + margin, max(lons) + margin
    )
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for place in entries:
        if place.lat is not None and place.lon is not None:
            grid.setdefault(_cell(place.lat, place.lon), []).append((place.lat, place.lon))
    covered = sum(_any_within(grid, lat, lon) for lat, lon in points)
    return round(covered / len(points), 3)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat * 2), math.floor(lon * 2)  # half-degree cells (>= 25 km wide here)


def _any_within(
    grid: dict[tuple[int, int], list[tuple[float, float]]], lat: float, lon: float
) -> bool:
    row, col = _cell(lat, lon)
    for d_row in (-1, 0, 1):
        for d_col in (-1, 0, 1):
            for p_lat, p_lon in grid.get((row + d_row, col + d_col), ()):
                if distance_km(lat, lon, p_lat, p_lon) <= WITHIN_KM:
                    return True
    return False


# ---------------------------------------------------------------------------------------------
# Printing


def format_geo_scores(scores: dict[str, Any]) -> str:
    """A short human-readable report of ``run_geo_eval``'s scores."""
    lines = [
        f"{Path(scores['gold']).name}: {scores['kind']}, {scores['n_records']} records "
        f"({scores['split']}), {scores['seconds']} s"
    ]
    skip = {"gold", "kind", "split", "n_records", "seconds"}
    for key, value in scores.items():
        if key not in skip:
            lines.append(f"  {key:<24} {value}")
    return "\n".join(lines)
