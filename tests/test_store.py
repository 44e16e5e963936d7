"""The SQLite store: schema migrations, WAL, idempotent saves, incidents, queries, errors."""

from __future__ import annotations

import sqlite3

import pytest

from sitreps.records import (
    Actor,
    ActorKind,
    Article,
    ArticleRef,
    DocumentError,
    Event,
    Evidence,
    Location,
)
from sitreps.store import SCHEMA_VERSION, EventFilter, Store, migrate


def _event(article_id: str, *, event_id: str, place: str, lat: float, lon: float,
           date: str = "2019-12-30", kind: str = "Air/drone strike", country="SY",
           fatalities: int | None = None, actor: str = "Military Forces of Russia") -> Event:  # fmt: skip
    return Event(
        id=event_id,
        event_type="Explosions/Remote violence",
        sub_event_type=kind,
        date=date,
        date_precision="day",
        actor1=Actor(name=actor, country="RU", kind=ActorKind.STATE_FORCES, text="Russian jets"),
        location=Location(name=place, country=country, lat=lat, lon=lon, precision="place"),
        fatalities=fatalities,
        evidence=[Evidence(text=f"Jets struck {place}.", start=0, end=10, supports=["location"])],
        article=ArticleRef(id=article_id),
        confidence=0.8,
    )


def _article(article_id: str) -> Article:
    return Article(id=article_id, input=f"{article_id}.txt", text="Jets struck the town.")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "test.db") as s:
        yield s


def test_schema_is_migrated_and_wal(store):
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrate(store.conn) == SCHEMA_VERSION  # running again changes nothing


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store(path)


def test_saving_twice_stores_once(store):
    event = _event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71)
    store.save_article(_article("a1"), [event], content_hash="h1")
    store.save_article(_article("a1"), [event], content_hash="h1")
    assert store.counts()["events"] == 1
    assert store.counts()["articles"] == 1
    assert store.has_document("h1")
    evidence = store.conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
    assert evidence == 1


def test_reports_from_two_articles_become_one_incident(store):
    first = store.save_article(
        _article("a1"), [_event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71)]
    )
    second = store.save_article(
        _article("a2"),
        [
            _event("a2", event_id="e2", place="Homs", lat=34.75, lon=36.70, date="2019-12-31"),
            _event("a2", event_id="e3", place="Aleppo", lat=36.20, lon=37.16),
        ],
    )
    assert second[0].incident_id == first[0].incident_id == "e1"
    assert second[1].incident_id == "e3"
    assert store.counts()["incidents"] == 2


def test_queries(store):
    store.save_article(
        _article("a1"),
        [
            _event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71, fatalities=3),
            _event("a1", event_id="e2", place="Aleppo", lat=36.20, lon=37.16, date="2019-11-01"),
            _event(
                "a1",
                event_id="e3",
                place="Mosul",
                lat=36.34,
                lon=43.13,
                country="IQ",
                kind="Shelling/artillery/missile attack",
                actor="Military Forces of Iraq",
            ),  # fmt: skip
        ],
    )
    ids = lambda flt: sorted(e.id for e in store.events(flt))  # noqa: E731
    assert ids(EventFilter(country="sy")) == ["e1", "e2"]
    assert ids(EventFilter(since="2019-12-01")) == ["e1", "e3"]
    assert ids(EventFilter(until="2019-11-30")) == ["e2"]
    assert ids(EventFilter(event_type="air/drone strike")) == ["e1", "e2"]
    assert ids(EventFilter(event_type="Explosions/Remote violence")) == ["e1", "e2", "e3"]
    assert ids(EventFilter(actor="Iraq")) == ["e3"]
    assert ids(EventFilter(near=(34.70, 36.70, 25))) == ["e1"]
    assert ids(EventFilter(country="SY'; DROP TABLE events; --")) == []
    assert store.counts()["events"] == 3


def test_errors_are_recorded(store):
    store.record_error(DocumentError(input="bad.bin", stage="ingest", error="binary content",
                                     content_hash="deadbeef"))  # fmt: skip
    assert [e.error for e in store.errors()] == ["binary content"]
    assert not store.has_document("deadbeef")


def test_readers_keep_working_during_a_write(tmp_path):
    path = tmp_path / "wal.db"
    writer = Store(path)
    writer.conn.execute("BEGIN IMMEDIATE")
    writer.conn.execute("INSERT INTO articles (id, text) VALUES ('x', 'pending')")
    with Store(path) as reader:
        assert reader.counts()["articles"] == 0
    writer.conn.execute("COMMIT")
    writer.close()
