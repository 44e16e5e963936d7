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
from sitreps.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    EventFilter,
    FilterError,
    Store,
    _where,
    migrate,
)


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
    assert ids(EventFilter(actor="x' OR '1'='1")) == []  # values are bound, never SQL
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


def _with(event: Event, **changes) -> Event:
    return event.model_copy(update=changes)


@pytest.fixture
def filled(store):
    """Three stories: strikes in Homs and Aleppo, a shelling in Mosul."""
    homs = _event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71, fatalities=3)
    homs = _with(
        homs,
        location=homs.location.model_copy(update={"admin1": "Homs"}),
        evidence=[Evidence(text="Russian jets struck a market in Homs.", start=0, end=37)],
    )
    aleppo = _with(
        _event("a1", event_id="e2", place="Aleppo", lat=36.20, lon=37.16, date="2019-11-01"),
        confidence=0.5,
    )
    mosul = _event("a1", event_id="e3", place="Mosul", lat=36.34, lon=43.13, country="IQ",
                   kind="Shelling/artillery/missile attack", actor="Military Forces of Iraq",
                   fatalities=12)  # fmt: skip
    store.save_article(_article("a1"), [homs, aleppo, mosul])
    return store


def test_new_filters(filled):
    ids = lambda **kw: sorted(e.id for e in filled.events(EventFilter(**kw)))  # noqa: E731
    assert ids(admin1="HOMS") == ["e1"]
    assert ids(sub_event_type="shelling/artillery/missile attack") == ["e3"]
    assert ids(text="market") == ["e1"]
    assert ids(text="MARKET IN homs") == ["e1"]
    assert ids(text="homs jets") == ["e1"]  # words, in any order
    assert ids(text="mark") == ["e1"]  # a word's start
    assert ids(text="arket") == []  # not the middle of a word (a word search since schema 6)
    assert ids(text="market, Aleppo") == []  # every word, in one sentence
    assert ids(actor="iraq") == ["e3"]
    assert ids(actor="forces IRA") == ["e3"]
    assert ids(min_fatalities=3) == ["e1", "e3"]
    assert ids(min_fatalities=4) == ["e3"]
    assert ids(min_confidence=0.6) == ["e1", "e3"]
    assert ids(country="Syria", since="2019-12") == ["e1"]
    assert ids(until="2019-11") == ["e2"]
    assert ids(since="2019", until="2019") == ["e1", "e2", "e3"]
    assert ids(country="IRQ") == ["e3"]
    assert [e.id for e in filled.events(EventFilter(limit=1))] == ["e1"]  # newest first


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("since", "2019-13-01", "not a date"),
        ("until", "yesterday", "not a date"),
        ("country", "Atlantis", "unknown country"),
        ("event_type", "airstrike", "unknown type"),
        ("sub_event_type", "Battles", "is an event type"),
        ("min_fatalities", -1, "at least 0"),
        ("min_fatalities", 2.5, "whole number"),
        ("min_confidence", 1.5, "between 0 and 1"),
        ("min_confidence", "high", "a number"),
        ("near", (95.0, 36.0, 10.0), "not a latitude"),
        ("near", (34.0, 36.0, 0.0), "more than 0 km"),
        ("limit", 0, "at least 1"),
        ("text", "  ", "non-empty"),
        ("text", "%_", "no word to search for"),
        ("actor", "--", "no word to search for"),
    ],
)
def test_bad_filter_values_are_named(field, value, message):
    with pytest.raises(FilterError, match=message) as caught:
        EventFilter(**{field: value})
    assert caught.value.field == field


def test_since_after_until_is_refused():
    with pytest.raises(FilterError, match="after until"):
        EventFilter(since="2020-01-01", until="2019-12-31")


def _report(article_id: str, event_id: str, **changes) -> Event:
    base = _event(article_id, event_id=event_id, place="Homs", lat=34.73, lon=36.71)
    return _with(base, **changes)


def test_incident_merges_its_reports(store):
    vague = Location(name="Homs", country="SY", admin1="Homs", lat=34.8, lon=36.9,
                     precision="admin1")  # fmt: skip
    store.save_article(_article("a1"), [
        _report("a1", "e1", fatalities=3, attribution="activists", location=vague,
                date_precision="week"),
    ])  # fmt: skip
    store.save_article(_article("a2"), [
        _report("a2", "e2", fatalities=5, attribution="Russian defence ministry",
                date="2019-12-31"),
    ])  # fmt: skip
    store.save_article(_article("a3"), [
        _report("a3", "e3", fatalities=12, attribution="rescuers", contested=True),
    ])  # fmt: skip
    store.save_article(_article("a4"), [_report("a4", "e4", event_type="Battles",
                                                sub_event_type="Armed clash")])  # fmt: skip
    incidents = store.incidents()
    assert sorted(i.reports for i in incidents) == [1, 3]
    strike = next(i for i in incidents if i.reports == 3)
    assert strike.id == "e1" and strike.articles == 3
    assert (strike.fatalities_low, strike.fatalities_best, strike.fatalities_high) == (3, 5, 12)
    assert strike.location.precision == "place"  # the most precise place
    assert (strike.date, strike.date_precision) == ("2019-12-30", "day")  # the best date
    assert strike.attributions == ["activists", "Russian defence ministry", "rescuers"]
    assert strike.contested  # one source contests
    assert [s.event_id for s in strike.sources] == ["e1", "e2", "e3"]
    assert strike.sources[1].fatalities == 5 and strike.sources[1].evidence
    assert store.incident("e1") == strike
    assert store.incident("nope") is None


def test_incident_filters_match_any_report(store):
    store.save_article(_article("a1"), [_report("a1", "e1", fatalities=2)])
    store.save_article(_article("a2"), [_report("a2", "e2", fatalities=40)])
    store.save_article(_article("a3"), [_report("a3", "e3", location=None, date="2018-01-01")])
    found = store.incidents(EventFilter(min_fatalities=30))
    assert [(i.id, i.reports, i.fatalities_low) for i in found] == [("e1", 2, 2)]
    assert [i.id for i in store.incidents(EventFilter(limit=1))] == ["e1"]
    assert len(store.incidents()) == 2


def test_a_version_1_database_is_upgraded(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO articles (id, text) VALUES ('kept', 'text')")
    conn.commit()
    conn.close()
    with Store(path) as upgraded:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert upgraded.counts()["articles"] == 1
        names = {r[0] for r in upgraded.conn.execute("SELECT name FROM sqlite_master")}
        assert {"events_admin1", "events_sub_type", "events_country_day", "events_box"} <= names
        assert "events_lat_lon" not in names  # replaced by migration 5


def test_map_views_find_what_is_inside_them(store):
    places = [("e1", 34.73, 36.71), ("e2", -16.5, 179.8), ("e3", -16.9, -179.9),
              ("e4", 0.0, 0.0), ("e5", -90.0, -180.0), ("e6", 89.99, 180.0)]  # fmt: skip
    store.save_article(_article("a1"), [
        _event("a1", event_id=i, place=i, lat=lat, lon=lon) for i, lat, lon in places
    ])  # fmt: skip

    def found(*box):
        over_all_time = sorted(e.id for e in store.events(EventFilter(bbox=box)))
        over_dates = store.events(EventFilter(bbox=box, since="2019", until="2019"))
        assert sorted(e.id for e in over_dates) == over_all_time  # by 1° cells
        return over_all_time

    assert found(34.7, 36.7, 34.8, 36.8) == ["e1"]
    assert found(-17, 179, -16, -179) == ["e2", "e3"]  # across the antimeridian
    assert found(-17, 179.85, -16, -179.85) == ["e3"]
    assert found(-0.5, -0.5, 0.5, 0.5) == ["e4"] and found(0, 0, 0, 0) == ["e4"]
    assert found(-90, -180, -89, -179) == ["e5"] and found(89, 179, 90, 180) == ["e6"]
    assert found(-90, -180, 90, 180) == ["e1", "e2", "e3", "e4", "e5", "e6"]
    assert [e.id for e in store.events(EventFilter(near=(-16.5, 179.8, 5)))] == ["e2"]
    assert [e.id for e in store.events(EventFilter(near=(0.1, 0.1, 30), since="2019"))] == ["e4"]


def test_a_version_5_database_gets_its_word_indexes(tmp_path):
    path = tmp_path / "v5.db"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:5]:
        if isinstance(migration, str):
            conn.executescript(migration)
    conn.execute("PRAGMA user_version = 5")
    conn.execute("INSERT INTO articles (id, text) VALUES ('a1', 'text')")
    conn.execute(
        "INSERT INTO events (id, article_id, event_type, sub_event_type, actor1, record) "
        "VALUES ('e1', 'a1', 'Battles', 'Armed clash', 'Military Forces of Iraq', '{}')"
    )
    conn.execute("INSERT INTO evidence VALUES ('e1', 0, 9, 'Troops clashed near Mosul.', '')")
    conn.commit()
    conn.close()
    with Store(path) as upgraded:  # the rows stored before are indexed by migration 6
        where, params = _where(EventFilter(text="mosul", actor="forces"))
        found = upgraded.conn.execute(f"SELECT id FROM events WHERE {where}", params)
        assert [row["id"] for row in found] == ["e1"]


def test_word_search_follows_every_change(store):
    def found(**kw):
        return [e.id for e in store.events(EventFilter(**kw))]

    market = _with(_event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71),
                   evidence=[Evidence(text="Jets hit a crowded market.", start=0, end=9)])  # fmt: skip
    store.save_article(_article("a1"), [market])
    assert found(text="crowded market") == ["e1"] and found(actor="russia") == ["e1"]
    school = _with(market, evidence=[Evidence(text="Jets hit a school.", start=0, end=9)],
                   actor1=Actor(name="Military Forces of Syria", country="SY",
                                kind=ActorKind.STATE_FORCES, text="Syrian jets"))  # fmt: skip
    store.save_article(_article("a1"), [school])  # the article coded again
    assert found(text="market") == [] and found(text="school") == ["e1"]
    assert found(actor="russia") == [] and found(actor="syria") == ["e1"]
    store.save_article(_article("a1"), [])  # and again, with no event left
    assert found(text="school") == [] and found(actor="syria") == []


@pytest.mark.parametrize(
    ("flt", "index"),
    [
        (EventFilter(country="SY", since="2019-01-01"), "events_country"),
        (EventFilter(admin1="Homs"), "events_admin1"),
        (EventFilter(sub_event_type="Air/drone strike"), "events_sub_type"),
        (EventFilter(min_fatalities=100), "events_fatalities"),
        (EventFilter(near=(34.7, 36.7, 10)), "events_box"),
        (EventFilter(bbox=(34, 36, 35, 37)), "events_box"),
        # a map view over dates seeks the 1° cells it touches (schema 6)
        (EventFilter(bbox=(34, 36, 35, 37), since="2019-10", until="2019-12"), "events_cell"),
        (EventFilter(near=(34.7, 36.7, 10), since="2019-10"), "events_cell"),
        (EventFilter(bbox=(0, 0, 40, 60), since="2019"), "events_box"),  # too many cells
        (EventFilter(text="market"), "evidence_words"),
        (EventFilter(actor="iraq"), "actor_words"),
    ],
)
def test_filters_use_an_index(store, flt, index):
    where, params = _where(flt)
    plan = store.conn.execute(f"EXPLAIN QUERY PLAN SELECT id FROM events WHERE {where}", params)
    assert index in " ".join(row["detail"] for row in plan)


def test_saving_an_article_is_one_transaction(tmp_path, monkeypatch):
    store = Store(tmp_path / "atomic.db")
    events = [
        _event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71),
        _event("a1", event_id="e2", place="Aleppo", lat=36.20, lon=37.16),
    ]
    real_insert = store._insert_event

    def fail_on_second(event):
        if event.id == "e2":
            raise sqlite3.OperationalError("disk I/O error")
        real_insert(event)

    monkeypatch.setattr(store, "_insert_event", fail_on_second)
    with pytest.raises(sqlite3.OperationalError):
        store.save_article(_article("a1"), events, content_hash="h1")
    counts = store.counts()
    assert (counts["articles"], counts["events"], counts["incidents"]) == (0, 0, 0)
    assert not store.has_document("h1")
    store.close()


def test_an_absurd_event_date_does_not_break_linking(store):
    odd = _event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71, date="0001-01-01")
    store.save_article(_article("a1"), [odd])
    later = _event("a2", event_id="e2", place="Homs", lat=34.73, lon=36.71)
    assert store.save_article(_article("a2"), [later])[0].incident_id == "e2"


def test_stored_article_by_content_hash(store):
    store.save_article(_article("a1"), [], content_hash="h1")
    assert store.stored_article("h1").id == "a1"
    assert store.stored_article("nope") is None
