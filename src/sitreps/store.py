"""Store stage: the embedded SQLite database (WAL mode, versioned schema with migrations).

Tables: documents (every input seen, with its content hash and status), articles (clean text
and metadata), events (v1 records, queryable columns + the full JSON), evidence (the sentences
behind each event, with offsets), incidents, and errors (bad documents, with the reason).
Ingesting the same page twice stores it once; one bad document never stops a batch.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sitreps.link import distance_km, same_incident
from sitreps.records import Article, DocumentError, Event, Location

# Each migration brings the schema from version i to i+1. Never edit a released one: add more.
MIGRATIONS: list[str] = [
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
]

SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class EventFilter:
    country: str | None = None
    since: str | None = None
    until: str | None = None
    event_type: str | None = None  # matches event_type or sub_event_type
    actor: str | None = None
    near: tuple[float, float, float] | None = None  # lat, lon, km
    limit: int | None = None


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = sqlite3.connect(self.path, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        migrate(self.conn)

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
        return row is not None and row["status"] == "coded"

    def save_article(
        self, article: Article, events: Iterable[Event], *, kind: str | None = None,
        size: int | None = None, content_hash: str | None = None,
    ) -> list[Event]:  # fmt: skip
        """Store an article and its events in one transaction; returns events with incidents."""
        content_hash = content_hash or article.content_hash or article.id
        linked = []
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id, content_hash, article.input, article.url, article.title,
                    article.text, article.date, article.date_precision, article.date_evidence,
                    article.page_date, article.language, article.source,
                ),
            )  # fmt: skip
            old = [r["id"] for r in self.conn.execute(
                "SELECT id FROM events WHERE article_id = ?", (article.id,))]  # fmt: skip
            if old:
                self.conn.executemany(
                    "DELETE FROM evidence WHERE event_id = ?", [(i,) for i in old]
                )
                self.conn.execute("DELETE FROM events WHERE article_id = ?", (article.id,))
            for event in events:
                event = event.model_copy(update={"incident_id": self._incident_for(event)})
                self._insert_event(event)
                linked.append(event)
            self.conn.execute(
                "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?)",
                (content_hash, article.input, kind, size, "coded", article.id, _now()),
            )
        return linked

    def record_error(self, error: DocumentError) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO errors (input, stage, error, content_hash, at) VALUES (?,?,?,?,?)",
                (error.input, error.stage, error.error, error.content_hash, _now()),
            )
            if error.content_hash:
                self.conn.execute(
                    "INSERT OR IGNORE INTO documents VALUES (?,?,?,?,?,?,?)",
                    (error.content_hash, error.input, None, None, "error", None, _now()),
                )

    def _insert_event(self, event: Event) -> None:
        loc = event.location
        a1, a2 = event.actor1, event.actor2
        self.conn.execute(
            "INSERT OR REPLACE INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
        self.conn.executemany(
            "INSERT INTO evidence VALUES (?,?,?,?,?)",
            [(event.id, e.start, e.end, e.text, ",".join(e.supports)) for e in event.evidence],
        )

    def _incident_for(self, event: Event) -> str:
        """The incident this event joins: an earlier compatible event's, or a new one."""
        for other in self._candidates(event):
            if other.article.id != event.article.id and same_incident(event, other):
                return other.incident_id or other.id
        with self.conn:
            self.conn.execute(
                "INSERT OR IGNORE INTO incidents VALUES (?,?,?,?)",
                (event.id, event.event_type, event.date,
                 event.location.country if event.location else None),
            )  # fmt: skip
        return event.id

    def _candidates(self, event: Event) -> Iterator[Event]:
        sql = "SELECT record FROM events WHERE event_type = ?"
        params: list = [event.event_type]
        if event.location and event.location.country:
            sql += " AND (country = ? OR country IS NULL)"
            params.append(event.location.country)
        if event.date:
            d = date.fromisoformat(event.date)
            sql += " AND (date IS NULL OR date BETWEEN ? AND ?)"
            params += [(d - timedelta(days=400)).isoformat(), (d + timedelta(days=400)).isoformat()]
        sql += " ORDER BY rowid"
        for row in self.conn.execute(sql, params):
            yield Event.model_validate_json(row["record"])

    # -- reading ---------------------------------------------------------------------------

    def events(self, flt: EventFilter | None = None) -> list[Event]:
        flt = flt or EventFilter()
        sql, params = ["SELECT record, lat, lon FROM events WHERE 1=1"], []
        if flt.country:
            sql.append("AND country = ?")
            params.append(flt.country.upper())
        if flt.since:
            sql.append("AND date >= ?")
            params.append(flt.since)
        if flt.until:
            sql.append("AND date <= ?")
            params.append(flt.until)
        if flt.event_type:
            sql.append("AND (lower(event_type) = lower(?) OR lower(sub_event_type) = lower(?))")
            params += [flt.event_type, flt.event_type]
        if flt.actor:
            sql.append("AND (actor1 LIKE ? OR actor2 LIKE ?)")
            params += [f"%{flt.actor}%", f"%{flt.actor}%"]
        if flt.near:
            lat, lon, km = flt.near
            dlat = km / 111.0
            dlon = km / (111.0 * max(0.01, math.cos(math.radians(lat))))
            sql.append("AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
            params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
        sql.append("ORDER BY date DESC, id")
        results = []
        for row in self.conn.execute(" ".join(sql), params):
            if flt.near:
                centre = Location(name="", lat=flt.near[0], lon=flt.near[1], precision="place")
                here = Location(name="", lat=row["lat"], lon=row["lon"], precision="place")
                km_away = distance_km(centre, here)
                if km_away is None or km_away > flt.near[2]:
                    continue
            results.append(Event.model_validate_json(row["record"]))
            if flt.limit and len(results) >= flt.limit:
                break
        return results

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


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the current schema version; returns the version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {version} is newer than this sitreps ({SCHEMA_VERSION})"
        )
    for i in range(version, SCHEMA_VERSION):
        with conn:
            conn.executescript(MIGRATIONS[i])
            conn.execute(f"PRAGMA user_version = {i + 1}")
    return SCHEMA_VERSION


def open_store(path: str | Path) -> Store:
    return Store(path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dumps_events(events: Iterable[Event]) -> str:
    return "\n".join(json.dumps(e.model_dump(mode="json"), ensure_ascii=False) for e in events)
