"""`sitreps serve`: the HTTP API on a real database of ingested pages, its security (text stays
text, parameterised filters, the ingest token, size limits, headers) and the command."""

from __future__ import annotations

import functools
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
import warnings
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import EXAMPLES, REPO
from serve_helpers import (
    HOSTILE_EVENT_ID,
    HOSTILE_ID,
    HOSTILE_TEXT,
    build_database,
    free_port,
    json_when_up,
    running_server,
)
from sitreps.serve import create_app
from sitreps.serve.ingest import token_matches
from sitreps.serve.security import TileUrlError, tile_origin
from sitreps.store import EventFilter, FilterError, Store

with warnings.catch_warnings():  # starlette's notice that TestClient will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

STATIC = REPO / "src" / "sitreps" / "serve" / "static"
TOKEN = "test-token-0123456789abcdef"
STRIKE = "Air/drone strike"
REPORT = (
    "MOGADISHU, March 3, 2020 - Al-Shabaab fighters attacked a police station in Baidoa on "
    "Monday, killing six police officers, the district commissioner said."
)


@pytest.fixture(scope="module")
def db_path(pipeline, tmp_path_factory) -> Path:
    return build_database(pipeline, [EXAMPLES], tmp_path_factory.mktemp("serve") / "serve.db")


@pytest.fixture(scope="module")
def client(db_path):
    with TestClient(create_app(db_path)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def store(db_path):
    with Store(db_path) as opened:
        yield opened


def ids(events: list[dict]) -> list[str]:
    return [e["id"] for e in events]


# -- the API -----------------------------------------------------------------------------------


def test_events_are_paginated_with_a_total(client, store):
    expected = [e.id for e in store.events()]
    first = client.get("/api/events", params={"limit": 4}).json()
    assert first["total"] == len(expected) >= 8
    assert first["limit"] == 4 and first["offset"] == 0 and len(first["events"]) == 4
    pages = [
        client.get("/api/events", params={"limit": 4, "offset": offset}).json()["events"]
        for offset in range(0, len(expected), 4)
    ]
    assert [i for page in pages for i in ids(page)] == expected  # newest first, like the CLI


@pytest.mark.parametrize(
    ("params", "flt"),
    [
        ({"type": STRIKE}, EventFilter(event_type=STRIKE)),
        ({"type": "explosions/remote violence", "country": "Yemen"},
         EventFilter(event_type="Explosions/Remote violence", country="YE")),
        ({"sub_type": "armed clash"}, EventFilter(sub_event_type="Armed clash")),
        ({"since": "2019", "until": "2019-12"}, EventFilter(since="2019", until="2019-12")),
        ({"near": "14.10,-1.63,30"}, EventFilter(near=(14.10, -1.63, 30))),
        ({"min_fatalities": 10}, EventFilter(min_fatalities=10)),
        ({"actor": "coalition", "min_confidence": 0.5},
         EventFilter(actor="coalition", min_confidence=0.5)),
        ({"text": "roadside bomb"}, EventFilter(text="roadside bomb")),
        ({"admin1": "saada"}, EventFilter(admin1="saada")),
    ],
)  # fmt: skip
def test_filters_select_what_the_cli_selects(client, store, params, flt):
    expected = [e.id for e in store.events(flt)]
    assert expected, f"the examples should give events for {params}"
    page = client.get("/api/events", params={**params, "limit": 1000}).json()
    assert ids(page["events"]) == expected and page["total"] == len(expected)
    geo = client.get("/api/events.geojson", params=params).json()
    with_coordinates = [e.id for e in store.events(flt) if e.location and e.location.lat]
    assert [f["id"] for f in geo["features"]] == with_coordinates


def test_sorting_is_done_by_the_server(client):
    deaths = client.get("/api/events", params={"sort": "fatalities", "limit": 100}).json()
    tolls = [e["fatalities"] for e in deaths["events"]]
    known = [t for t in tolls if t is not None]
    assert known == sorted(known, reverse=True) and tolls[: len(known)] == known
    rising = client.get("/api/events", params={"sort": "fatalities", "order": "asc"}).json()
    tolls = [e["fatalities"] for e in rising["events"]]
    known = [t for t in tolls if t is not None]
    assert known == sorted(known) and tolls[: len(known)] == known  # unknown tolls last
    by_actor = client.get("/api/events", params={"sort": "actor1", "order": "asc"}).json()
    names = [e["actor1"]["name"] for e in by_actor["events"] if e["actor1"]]
    assert names == sorted(names)


def test_geojson_is_a_feature_collection(client):
    response = client.get("/api/events.geojson", params={"limit": 2})
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    assert collection["total"] > 2 and collection["truncated"] is True
    feature = collection["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert {"event_type", "sub_event_type", "date", "fatalities"} <= set(feature["properties"])


def test_counts_per_day_and_week(client, store):
    total = len(store.events())
    daily = client.get("/api/counts").json()
    assert daily["interval"] == "day" and daily["by"] == "event_type"
    assert sum(b["events"] for b in daily["buckets"]) + daily["undated"] == total
    assert set(daily["keys"]) == {e.event_type for e in store.events()}
    weekly = client.get("/api/counts", params={"interval": "week", "by": "admin1"}).json()
    assert sum(b["events"] for b in weekly["buckets"]) + weekly["undated"] == total
    assert all(date.fromisoformat(b["period"]).weekday() == 0 for b in weekly["buckets"])
    yemen = client.get("/api/counts", params={"country": "YE"}).json()
    expected = sum(e.fatalities or 0 for e in store.events(EventFilter(country="YE")))
    assert sum(b["fatalities"] for b in yemen["buckets"]) == expected


def test_an_article_with_the_evidence_of_each_event(client, store):
    event = store.events(EventFilter(event_type=STRIKE, country="YE"))[0]
    found = client.get(f"/api/articles/{event.article.id}").json()
    assert found["id"] == event.article.id and found["title"] == event.article.title
    coded = {e["id"]: e for e in found["events"]}
    assert event.id in coded
    for ev in found["events"]:
        assert ev["evidence"]
        for span in ev["evidence"]:
            assert found["text"][span["start"] : span["end"]] == span["text"]


def test_incidents_merge_their_reports(client, store):
    page = client.get("/api/incidents", params={"limit": 100}).json()
    assert page["total"] == len(store.incidents()) == len(page["incidents"])
    first = page["incidents"][0]
    one = client.get(f"/api/incidents/{first['id']}").json()
    assert one == json.loads(store.incident(first["id"]).model_dump_json())
    strikes = client.get("/api/incidents", params={"type": STRIKE}).json()
    assert strikes["total"] == len(store.incidents(EventFilter(event_type=STRIKE)))


def test_event_overview_and_config(client, store):
    assert client.get(f"/api/events/{HOSTILE_EVENT_ID}").json()["id"] == HOSTILE_EVENT_ID
    overview = client.get("/api/overview").json()
    assert overview["events"] == len(store.events())
    assert any(c["code"] == "YE" and c["name"] == "Yemen" for c in overview["countries"])
    assert [t["name"] for t in overview["event_types"]][0] == "Battles"
    assert client.get("/api/config").json() == {"tiles": None, "ingest": False}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2019-13-01"}, "since"),
        ({"since": "2020", "until": "2019"}, "since"),
        ({"type": "Skirmish"}, "type"),
        ({"sub_type": "Battles"}, "sub_type"),
        ({"country": "Atlantis"}, "country"),
        ({"min_confidence": 2}, "min_confidence"),
        ({"min_fatalities": -1}, "min_fatalities"),
        ({"min_fatalities": "ten"}, "min_fatalities"),
        ({"near": "34.7,36.7"}, "near"),
        ({"near": "95,36,10"}, "near"),
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"offset": -5}, "offset"),
        ({"sort": "record"}, "sort"),
        ({"order": "sideways"}, "order"),
    ],
)
def test_unusable_filters_are_400_naming_the_parameter(client, params, field):
    response = client.get("/api/events", params=params)
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["error"]


def test_unusable_count_options_are_400(client):
    assert client.get("/api/counts", params={"interval": "month"}).json()["field"] == "interval"
    bad = client.get("/api/counts", params={"by": "record"})
    assert bad.status_code == 400 and bad.json()["field"] == "by"


def test_unknown_ids_are_404(client):
    for path in ("events/nope", "articles/nope", "incidents/nope"):
        response = client.get(f"/api/{path}")
        assert response.status_code == 404 and "nope" in response.json()["error"]


# -- security ----------------------------------------------------------------------------------

INJECTIONS = [
    "' OR '1'='1",
    "x'; DROP TABLE events; --",
    "%' OR 1=1 --",
    '" OR ""="',
    "1) UNION SELECT record FROM events --",
    "%",
    "_",
    "\\",
]


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_sql_injection_attempts_change_nothing(client, store, db_path, attempt):
    tables = store.conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
    before = store.counts()
    for name in ("actor", "text", "admin1"):  # taken as the CLI takes them
        response = client.get("/api/events", params={name: attempt})
        try:
            expected = store.events(EventFilter(**{name: attempt}))
        except FilterError:  # no word to search for: refused, as by the CLI
            assert response.status_code == 400 and response.json()["field"] == name
            continue
        assert response.status_code == 200 and response.json()["total"] == len(expected)
        assert len(expected) <= 1, (name, attempt)  # the hostile article has "__" in it
    for name in ("country", "type", "since", "near", "sort", "order", "min_confidence"):
        assert client.get("/api/events", params={name: attempt}).status_code == 400
    assert client.get("/api/counts", params={"by": attempt}).status_code == 400
    assert client.get(f"/api/events/{quote(attempt, safe='')}").status_code == 404
    assert store.counts() == before
    assert store.conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == tables


def test_the_server_cannot_write_through_its_reading_connections(db_path):
    app = create_app(db_path)
    store = app.state.sitreps.pool.store()
    with pytest.raises(Exception, match="readonly|read-only|query_only"):
        store.conn.execute("DELETE FROM events")
    app.state.sitreps.pool.close()


def test_hostile_article_text_is_served_as_json_data_not_html(client):
    response = client.get(f"/api/articles/{HOSTILE_ID}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["text"] == HOSTILE_TEXT  # unchanged: the page renders it as text
    assert response.json()["url"].startswith("javascript:")


def test_every_response_carries_the_security_headers(client):
    paths = ["/", "/docs", "/openapi.json", "/api/events", "/api/events?since=bad",
             "/api/articles/nope", "/static/style.css", "/static/js/main.js", "/no/such/page"]  # fmt: skip
    for path in paths:
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert (
            "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        )
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_and_scripts_never_parse_html():
    for page in ("index.html", "docs.html"):
        html = (STATIC / page).read_text()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(" src=" in tag for tag in scripts)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html)  # no inline body
        assert not re.search(r"\son[a-z]+\s*=", html) and " style=" not in html
    for script in (STATIC / "js").glob("*.js"):
        code = re.sub(r"/\*.*?\*/|^\s*//.*$", "", script.read_text(), flags=re.S | re.M)
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in code, f"{script.name}: {sink}"


def test_api_docs_are_served_from_this_server(client):
    html = client.get("/docs").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    assert all(not a.startswith(("http:", "https:", "//")) for a in assets)
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/incidents", "/api/events.geojson", "/api/counts",
                 "/api/articles/{article_id}", "/api/incidents/{incident_id}", "/api/ingest"):  # fmt: skip
        assert path in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"country", "type", "since", "near", "limit", "offset", "sort"} <= names


def test_tile_urls_are_checked_and_allowed_by_the_policy(db_path):
    assert (
        tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png")
        == "https://*.tiles.example.org"
    )
    for bad in ("javascript:alert(1)//{z}{x}{y}", "https://tiles.example.org/tile.png",
                "file:///tiles/{z}/{x}/{y}.png", "https://a;script-src */{z}/{x}/{y}"):  # fmt: skip
        with pytest.raises(TileUrlError):
            tile_origin(bad)
    app = create_app(db_path, tiles="https://tiles.example.org/{z}/{x}/{y}.png")
    with TestClient(app) as tiled:
        response = tiled.get("/api/config")
        assert response.json()["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
        csp = response.headers["content-security-policy"]
        assert "img-src 'self' data: https://tiles.example.org;" in csp


def test_token_comparison():
    assert token_matches(TOKEN, f"Bearer {TOKEN}") and token_matches(TOKEN, f"bearer {TOKEN}")
    for header in (None, "", TOKEN, f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", f"Bearer {TOKEN[:-1]}"):  # fmt: skip
        assert not token_matches(TOKEN, header)
    assert not token_matches(None, f"Bearer {TOKEN}") and not token_matches("", "Bearer ")


def test_ingest_is_disabled_without_a_token(client, store):
    before = store.counts()
    response = client.post("/api/ingest", json={"text": REPORT})
    assert response.status_code == 403 and "--token" in response.json()["error"]
    assert store.counts() == before


@pytest.fixture(scope="module")
def ingest_db(pipeline, tmp_path_factory) -> Path:
    return build_database(pipeline, [EXAMPLES], tmp_path_factory.mktemp("ingest") / "ingest.db")


@pytest.fixture(scope="module")
def writer(ingest_db, pipeline):
    app = create_app(ingest_db, token=TOKEN, pipeline=pipeline, max_upload_bytes=20_000)
    with TestClient(app) as test_client:
        yield test_client


def test_ingest_needs_the_token(writer, ingest_db):
    with Store(ingest_db) as store:
        before = store.counts()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = writer.post("/api/ingest", json={"text": REPORT}, headers=headers)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    with Store(ingest_db) as store:
        assert store.counts() == before


def test_ingest_text_then_query_it(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = writer.post("/api/ingest", json={"text": REPORT, "title": "Baidoa attack",
                                                 "source": "Test Wire"}, headers=auth)  # fmt: skip
    assert response.status_code == 200, response.text
    [outcome] = response.json()["results"]
    assert outcome["status"] == "coded" and outcome["events"], outcome
    found = writer.get("/api/events", params={"text": "Baidoa"}).json()
    assert set(ids(found["events"])) == set(outcome["events"])
    assert found["events"][0]["location"]["country"] == "SO"
    again = writer.post("/api/ingest", json={"text": REPORT, "title": "Baidoa attack",
                                              "source": "Test Wire"}, headers=auth)  # fmt: skip
    assert again.json()["results"][0]["status"] == "skipped"


def test_ingest_an_uploaded_file(writer):
    page = b"<html><head><title>Clash in Kismayo</title></head><body><article><p>" + (
        b"KISMAYO, June 2, 2020 - Government troops clashed with al-Shabaab fighters near "
        b"Kismayo on Monday, leaving nine fighters dead, a military officer said.</p>"
        b"</article></body></html>"
    )
    response = writer.post(
        "/api/ingest", files={"file": ("kismayo.html", page, "text/html")},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    [outcome] = response.json()["results"]
    assert outcome["input"] == "upload:kismayo.html" and outcome["status"] == "coded"
    assert outcome["events"]


def test_ingest_a_url(writer, tmp_path):
    """The server fetches the page (here from a local web server) and codes it."""
    (tmp_path / "gao.html").write_text(
        "<html><head><title>Attack near Gao</title></head><body><article><p>GAO, July 7, "
        "2020 - Gunmen attacked a village near Gao on Tuesday, killing eleven civilians, "
        "local officials said.</p></article></body></html>"
    )
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    pages = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{pages.server_address[1]}/gao.html"
        response = writer.post("/api/ingest", json={"url": url},
                               headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
    finally:
        pages.shutdown()
    assert response.status_code == 200, response.text
    [outcome] = response.json()["results"]
    assert outcome["input"] == url and outcome["status"] == "coded" and outcome["events"]
    article = writer.get(f"/api/articles/{outcome['article_id']}").json()
    assert article["url"] == url and "Gao" in article["text"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "file:///etc/passwd"},
        {"url": "/etc/passwd"},
        {"url": "https://example.org/a", "text": "both"},
        {},
        {"text": REPORT, "date": "yesterday"},
    ],
)
def test_ingest_refuses_unusable_requests(writer, body):
    response = writer.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400, response.text


def test_ingest_refuses_bodies_over_the_limit(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = writer.post("/api/ingest", json={"text": "x" * 30_000}, headers=auth)
    assert response.status_code == 413 and "limit" in response.json()["error"]
    assert response.headers["content-security-policy"]
    response = writer.post("/api/ingest", content=b"{}", headers={**auth, "content-type": "text/plain"})  # fmt: skip
    assert response.status_code == 415


def test_limit_holds_for_chunked_bodies_on_a_real_socket(ingest_db, pipeline):
    """A client that announces no length (chunked) is cut off at the limit all the same."""
    app = create_app(ingest_db, token=TOKEN, pipeline=pipeline, max_upload_bytes=10_000)
    with running_server(app) as base:
        host, port = base.removeprefix("http://").split(":")
        with Store(ingest_db) as store:
            before = store.counts()
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        chunks = (b"y" * 4096 for _ in range(10))
        try:
            connection.request("POST", "/api/ingest", body=chunks, encode_chunked=True,
                               headers={"Authorization": f"Bearer {TOKEN}",
                                        "Content-Type": "application/json"})  # fmt: skip
            status = connection.getresponse().status
        except (ConnectionResetError, BrokenPipeError):
            # the server answered 413 and closed while the client was still sending: the
            # kernel then resets the connection before the client reads the answer
            status = None
        finally:
            connection.close()
        assert status in (413, None)
        with Store(ingest_db) as store:
            assert store.counts() == before  # nothing of the body was taken in
        with urllib.request.urlopen(f"{base}/api/config") as config:  # still serving
            assert json.load(config)["ingest"] is True


def test_concurrent_readers_on_a_real_socket(db_path):
    """Requests from several threads at once each get their own connection."""
    from concurrent.futures import ThreadPoolExecutor

    with running_server(create_app(db_path)) as base:

        def fetch(offset: int) -> int:
            with urllib.request.urlopen(f"{base}/api/events?limit=2&offset={offset}") as r:
                return json.load(r)["total"]

        with ThreadPoolExecutor(8) as pool:
            totals = set(pool.map(fetch, [0, 1, 2, 3] * 6))
    assert len(totals) == 1


# -- the command -------------------------------------------------------------------------------


def test_sitreps_serve_command(db_path, tmp_path):
    sitreps = [sys.executable, "-m", "sitreps"]
    missing = subprocess.run([*sitreps, "serve", "--db", str(tmp_path / "none.db")],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert missing.returncode == 1 and "no database" in missing.stderr
    short = subprocess.run([*sitreps, "serve", "--db", str(db_path), "--token", "abc"],
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert short.returncode == 2 and "16 characters" in short.stderr
    port = free_port()
    env = {**os.environ, "SITREPS_TOKEN": TOKEN}
    server = subprocess.Popen([*sitreps, "serve", "--db", str(db_path), "--port", str(port)],
                              env=env, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        config = json_when_up(f"http://127.0.0.1:{port}/api/config")
        assert config == {"tiles": None, "ingest": True}  # the token came from SITREPS_TOKEN
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as page:
            assert b'id="map"' in page.read()
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "ingest enabled" in server.stderr.read()


@pytest.mark.parametrize("common", [1, 10**9])
def test_a_lone_word_search_pages_like_the_cli(client, store, monkeypatch, common):
    """Counted from the word index, read in order (common words) or by the matches."""
    from sitreps.serve import queries

    monkeypatch.setattr(queries, "COMMON_WORDS", common)
    for params in ({"text": "killed"}, {"actor": "military"}, {"text": "KILL", "limit": 2}):
        kw = {k: v for k, v in params.items() if k != "limit"}
        expected = [e.id for e in store.events(EventFilter(**kw))]
        assert expected, params
        page = client.get("/api/events", params={"limit": 1000, **params}).json()
        assert page["total"] == len(expected)
        assert ids(page["events"]) == expected[: params.get("limit", 1000)]
