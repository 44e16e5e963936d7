"""`sitreps serve` on PostgreSQL: every API answer is the one the same data gives on SQLite.

The examples (and the hostile article) are ingested into SQLite once, then saved article by
article, in the same order, into a fresh PostgreSQL schema, so linking makes the same
incidents. The server is a throwaway one (tests/pgserver.py) or SITREPS_TEST_PG_URL; without
one these tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from conftest import EXAMPLES
from pgserver import fresh_schema, pg_server_url  # noqa: F401 (fixtures)
from serve_helpers import HOSTILE_EVENT_ID, HOSTILE_ID, build_database, free_port, json_when_up
from sitreps.records import Event
from sitreps.serve import create_app
from sitreps.store import Store

with warnings.catch_warnings():  # starlette's notice that TestClient will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "test-token-0123456789abcdef"
REPORT = (
    "KISMAYO, June 2, 2020 - Government troops clashed with al-Shabaab fighters near Kismayo "
    "on Monday, leaving nine fighters dead, a military officer said."
)


def copy_database(source: Path, url: str) -> None:
    """Every article of a SQLite database with its events, saved in order into `url`."""
    with Store(source) as sqlite, Store(url) as target:
        for row in sqlite.conn.execute("SELECT id FROM articles ORDER BY rowid").fetchall():
            records = sqlite.conn.execute(
                "SELECT record FROM events WHERE article_id = ? ORDER BY rowid", (row["id"],)
            )
            events = [Event.model_validate_json(r["record"]) for r in records]
            target.save_article(sqlite.article(row["id"]), events)


@pytest.fixture(scope="module")
def databases(pipeline, pg_server_url, tmp_path_factory):  # noqa: F811 (the fixture)
    """(SQLite path, PostgreSQL URL) holding the same articles and events."""
    path = build_database(pipeline, [EXAMPLES], tmp_path_factory.mktemp("serve") / "serve.db")
    with fresh_schema(pg_server_url) as url:
        copy_database(path, url)
        yield path, url


@pytest.fixture(scope="module")
def clients(databases):
    path, url = databases
    with TestClient(create_app(path)) as on_sqlite, TestClient(create_app(url)) as on_pg:
        yield on_sqlite, on_pg


REQUESTS = [
    "/api/events?limit=1000",
    "/api/events?limit=3&offset=2",
    "/api/events?sort=fatalities&order=asc&limit=1000",
    "/api/events?sort=fatalities&limit=1000",
    "/api/events?sort=actor1&order=asc&limit=1000",
    "/api/events?sort=location&limit=1000",
    "/api/events?type=Air/drone%20strike&country=Yemen",
    "/api/events?since=2019&until=2019-12&min_confidence=0.5",
    "/api/events?near=14.10,-1.63,30",
    "/api/events?text=roadside%20bomb",
    "/api/events?actor=coalition",
    "/api/events?admin1=saada",
    "/api/events?min_fatalities=10",
    "/api/events.geojson",
    "/api/events.geojson?limit=2&country=SO",
    "/api/events.geojson?near=14.10,-1.63,30",
    "/api/counts",
    "/api/counts?interval=week&by=admin1",
    "/api/counts?by=country&min_fatalities=1",
    "/api/counts?by=sub_event_type&text=killed",
    "/api/incidents?limit=100",
    "/api/incidents?limit=100&order=asc",
    "/api/incidents?type=Air/drone%20strike",
    "/api/overview",
    f"/api/articles/{HOSTILE_ID}",
    f"/api/events/{HOSTILE_EVENT_ID}",
    "/api/events/nothing",
    "/api/events?since=2019-13-01",
]


@pytest.mark.parametrize("request_path", REQUESTS)
def test_answers_are_the_same_as_on_sqlite(clients, request_path):
    on_sqlite, on_pg = clients
    expected, answer = on_sqlite.get(request_path), on_pg.get(request_path)
    assert answer.status_code == expected.status_code
    assert answer.json() == expected.json()
    if expected.status_code == 200 and "/api/events?" in request_path:
        assert expected.json()["events"], "each filter should select some events"


def test_articles_and_incidents_are_the_same(clients, databases):
    on_sqlite, on_pg = clients
    with Store(databases[0]) as store:
        articles = [r[0] for r in store.conn.execute("SELECT id FROM articles")]
        incidents = [i.id for i in store.incidents()]
    for article_id in articles:
        path = f"/api/articles/{article_id}"
        assert on_pg.get(path).json() == on_sqlite.get(path).json()
    for incident_id in incidents:
        path = f"/api/incidents/{incident_id}"
        assert on_pg.get(path).json() == on_sqlite.get(path).json()


def test_the_server_cannot_write_through_its_reading_connections(databases):
    app = create_app(databases[1])
    store = app.state.sitreps.pool.store()
    try:
        with pytest.raises(Exception, match="read-only"):
            store.conn.execute("DELETE FROM events")
    finally:
        app.state.sitreps.pool.close()


def test_ingest_into_postgresql_then_query_it(pipeline, pg_server_url):  # noqa: F811
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with fresh_schema(pg_server_url) as url:
        app = create_app(url, token=TOKEN, pipeline=pipeline)
        with TestClient(app) as client:
            response = client.post("/api/ingest", json={"text": REPORT}, headers=auth)
            assert response.status_code == 200, response.text
            [outcome] = response.json()["results"]
            assert outcome["status"] == "coded" and outcome["events"], outcome
            found = client.get("/api/events", params={"text": "kismayo"}).json()
            assert sorted(e["id"] for e in found["events"]) == sorted(outcome["events"])
            again = client.post("/api/ingest", json={"text": REPORT}, headers=auth)
            assert again.json()["results"][0]["status"] == "skipped"


def test_sitreps_serve_command_on_postgresql(databases):
    url = databases[1]
    sitreps = [sys.executable, "-m", "sitreps", "serve", "--port", "0"]
    unreachable = subprocess.run(
        [*sitreps, "--db", "postgresql://u:secret@127.0.0.1:1/x?connect_timeout=2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert unreachable.returncode == 1 and "cannot serve postgresql://u:***@" in unreachable.stderr
    assert "secret" not in unreachable.stderr
    port = free_port()
    server = subprocess.Popen([*sitreps[:-2], "--port", str(port), "--db", url],
                              env=dict(os.environ), stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        overview = json_when_up(f"http://127.0.0.1:{port}/api/overview")
        with Store(url) as store:
            assert overview is not None and overview["events"] == store.counts()["events"]
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "read-only" in server.stderr.read()
