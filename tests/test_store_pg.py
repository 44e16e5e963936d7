"""The store on PostgreSQL: the same behaviours as on SQLite, against a real server.

The backend-independent tests of test_store.py run here again with `store` (and `filled`)
on PostgreSQL; the tests below cover what differs (schema version table, JSONB record,
concurrent writers, query plans). The server is a throwaway one (tests/pgserver.py) or
SITREPS_TEST_PG_URL; without one these tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pgserver import fresh_schema, pg_server_url, pg_url  # noqa: F401 (fixtures)
from sitreps.dialects import StoreError, redact, to_pg
from sitreps.records import DocumentError, Evidence
from sitreps.store import SCHEMA_VERSION, EventFilter, Store, _where, open_store
from test_store import (  # noqa: F401 (re-run here on PostgreSQL)
    _article,
    _event,
    filled,
    test_an_absurd_event_date_does_not_break_linking,
    test_errors_are_recorded,
    test_incident_filters_match_any_report,
    test_incident_merges_its_reports,
    test_map_views_find_what_is_inside_them,
    test_new_filters,
    test_queries,
    test_reports_from_two_articles_become_one_incident,
    test_saving_twice_stores_once,
    test_stored_article_by_content_hash,
    test_word_search_follows_every_change,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "04_somalia_roadside_bomb.txt"


@pytest.fixture
def store(pg_url):  # noqa: F811 (the fixture, by name)
    with Store(pg_url) as s:
        yield s


def test_schema_is_migrated_with_the_postgres_types(store, pg_url):  # noqa: F811
    assert store.dialect.name == "postgresql"
    version = store.conn.execute("SELECT version FROM sitreps_schema").fetchone()[0]
    assert version == SCHEMA_VERSION
    types = dict(
        store.conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'events' AND table_schema = current_schema()"
        ).fetchall()
    )
    assert types["record"] == "jsonb" and types["lat"] == "double precision"
    assert types["rowid"] == "bigint"
    with Store(pg_url) as again:  # opening again migrates nothing
        assert again.counts()["events"] == 0


def test_newer_database_is_refused(store, pg_url):  # noqa: F811
    store.conn.execute("UPDATE sitreps_schema SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(RuntimeError, match="newer"):
        Store(pg_url)


def test_record_is_queryable_json(filled):  # noqa: F811
    rows = filled.conn.execute(
        "SELECT id FROM events WHERE record->'location'->>'name' = ? ORDER BY id", ("Homs",)
    )
    assert [r["id"] for r in rows] == ["e1"]


def test_text_search_matches_words_in_any_case(store):
    event = _event("a1", event_id="e1", place="Şanlıurfa", lat=37.16, lon=38.79, country="TR")
    event = event.model_copy(update={"evidence": [Evidence(text="Şanlıurfa SCHOOL hit, 50% burnt",
                                                           start=0, end=5)]})  # fmt: skip
    store.save_article(_article("a1"), [event])
    assert [e.id for e in store.events(EventFilter(text="Şanlıurfa school"))] == ["e1"]
    assert [e.id for e in store.events(EventFilter(text="50%"))] == ["e1"]
    assert [e.id for e in store.events(EventFilter(text="burn hit"))] == ["e1"]
    assert [e.id for e in store.events(EventFilter(text="urnt"))] == []  # a word's start only


def test_nul_characters_are_dropped(store):
    event = _event("a1", event_id="e1", place="Homs\x00", lat=34.73, lon=36.71)
    store.save_article(_article("a1"), [event])
    store.record_error(DocumentError(input="bad\x00.bin", stage="ingest", error="binary"))
    assert store.events()[0].location.name == "Homs"
    assert store.errors()[0].input == "bad.bin"


def test_undated_events_come_last(store):
    dated = _event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71)
    undated = _event("a2", event_id="e2", place="Mosul", lat=36.34, lon=43.13, country="IQ")
    store.save_article(_article("a1"), [dated])
    store.save_article(_article("a2"), [undated.model_copy(update={"date": None})])
    assert [e.id for e in store.events()] == ["e1", "e2"]


def test_saving_an_article_is_one_transaction(store, monkeypatch):
    events = [
        _event("a1", event_id="e1", place="Homs", lat=34.73, lon=36.71),
        _event("a1", event_id="e2", place="Aleppo", lat=36.20, lon=37.16),
    ]
    real_insert = store._insert_event

    def fail_on_second(event):
        if event.id == "e2":
            raise psycopg.OperationalError("connection lost")
        real_insert(event)

    monkeypatch.setattr(store, "_insert_event", fail_on_second)
    with pytest.raises(psycopg.OperationalError):
        store.save_article(_article("a1"), events, content_hash="h1")
    counts = store.counts()
    assert (counts["articles"], counts["events"], counts["incidents"]) == (0, 0, 0)
    assert not store.has_document("h1")


@pytest.mark.parametrize(
    ("flt", "index"),
    [
        (EventFilter(country="SY", since="2019-01-01"), "events_country"),
        (EventFilter(admin1="Homs"), "events_admin1"),
        (EventFilter(sub_event_type="Air/drone strike"), "events_sub_type"),
        # on tables this small any map index may be the cheaper
        (EventFilter(near=(34.7, 36.7, 10)), "events_box"),
        (EventFilter(bbox=(34, 36, 35, 37)), "events_box"),
        (EventFilter(bbox=(34, 36, 35, 37), since="2019"), "events_(cell|box|day_box)"),
        (EventFilter(text="market"), "evidence_words"),
        (EventFilter(actor="iraq"), "events_actor1_words"),
    ],
)
def test_filters_use_an_index(store, flt, index):
    store.conn.execute("SET enable_seqscan = off")  # the tables are tiny: force the choice
    where, params = _where(flt, store.dialect)
    assert re.search(
        index, store.dialect.plan(store.conn, f"SELECT id FROM events WHERE {where}", params)
    )


def _ingest_articles(url: str, first: int, count: int) -> None:
    """One writer process: `count` articles, each with a strike in Homs and one in Aleppo."""
    with Store(url) as store:
        for n in range(first, first + count):
            events = [
                _event(f"a{n}", event_id=f"e{n}h", place="Homs", lat=34.73, lon=36.71),
                _event(f"a{n}", event_id=f"e{n}a", place="Aleppo", lat=36.20, lon=37.16),
            ]
            store.save_article(_article(f"a{n}"), events, content_hash=f"h{n}")


def test_two_processes_ingesting_lose_and_duplicate_nothing(pg_url):  # noqa: F811
    Store(pg_url).close()  # migrated once, before the race
    spawn = multiprocessing.get_context("spawn")
    # overlapping ranges: articles 10-19 are ingested by both processes
    writers = [spawn.Process(target=_ingest_articles, args=(pg_url, first, 20))
               for first in (0, 10)]  # fmt: skip
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
    assert [w.exitcode for w in writers] == [0, 0]
    with Store(pg_url) as store:
        counts = store.counts()
        assert (counts["articles"], counts["documents"], counts["events"]) == (30, 30, 60)
        evidence = store.conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
        assert evidence == 60
        # every Homs strike is one incident, every Aleppo strike another
        assert sorted(i.reports for i in store.incidents()) == [30, 30]


def test_two_processes_migrating_at_once(pg_url):  # noqa: F811
    code = "import sys; from sitreps.store import Store; Store(sys.argv[1]).close()"
    runs = [subprocess.Popen([sys.executable, "-c", code, pg_url]) for _ in range(2)]
    assert [run.wait(120) for run in runs] == [0, 0]


def test_an_unreachable_server_is_a_clear_error():
    url = "postgresql://someone:secret@127.0.0.1:1/nothing?connect_timeout=2"
    with pytest.raises(StoreError, match=r"cannot connect to postgresql://someone:\*\*\*@"):
        open_store(url)


def test_urls_and_placeholders():
    assert redact("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"
    assert redact("sitreps.db") == "sitreps.db"
    assert to_pg("a = ? AND b LIKE '?%' AND c = ?") == "a = %s AND b LIKE '?%%' AND c = %s"


# -- the command line and the Python API on PostgreSQL ------------------------------------


@pytest.fixture(scope="module")
def both(pipeline, pg_server_url, tmp_path_factory):  # noqa: F811
    """The examples and follow-ups ingested into SQLite and into PostgreSQL: (file, url)."""
    from test_export import build_database

    path = build_database(pipeline, tmp_path_factory.mktemp("pg") / "sitreps.db")
    with fresh_schema(pg_server_url) as url:
        build_database(pipeline, url)
        yield str(path), url


def _cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "sitreps", *args], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_queries_and_exports_match_sqlite(both):
    path, url = both
    for args in (
        ("events", "--format", "jsonl"),
        ("events", "--country", "SO", "--text", "BOMB", "--format", "jsonl"),
        ("incidents", "--format", "jsonl"),
        ("export", "--format", "acled-csv"),
    ):
        on_sqlite = _cli(*args, "--db", path)
        assert on_sqlite.strip() and _cli(*args, "--db", url) == on_sqlite


def test_python_api_matches_sqlite(both):
    import sitreps

    path, url = both
    with sitreps.open(path) as on_file, sitreps.open(url) as on_server:
        assert on_server.events() == on_file.events()
        assert on_server.incidents() == on_file.incidents()
        assert on_server.events(near=(14.10, -1.63, 30)) == on_file.events(near=(14.10, -1.63, 30))
        frame = on_server.events(country="YE").to_pandas()
        assert frame.equals(on_file.events(country="YE").to_pandas())
        assert "***" in repr(sitreps.open(url.replace("postgres@", "postgres:pw@")))


def test_ingest_command_into_postgresql_is_idempotent(pg_url):  # noqa: F811
    example = str(EXAMPLE)
    first = subprocess.run([sys.executable, "-m", "sitreps", "ingest", example, "--db", pg_url],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert first.returncode == 0, first.stderr
    with Store(pg_url) as store:
        counts = store.counts()
    assert counts["articles"] == 1 and counts["events"] >= 1
    again = subprocess.run([sys.executable, "-m", "sitreps", "ingest", example, "--db", pg_url],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stderr
    with Store(pg_url) as store:
        assert store.counts() == counts


def test_an_unreachable_database_is_a_clear_cli_error():
    done = subprocess.run(
        [sys.executable, "-m", "sitreps", "events", "--db",
         "postgresql://u:secret@127.0.0.1:1/x?connect_timeout=2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "cannot open postgresql://u:***@127.0.0.1:1" in done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr
