"""Query latency on a million events: p50/p95 of the dashboard's and the CLI's queries.

Generates ``--events`` synthetic but realistic events (15 conflict countries weighted as in
ACLED-like data, places and admin1 regions from the installed gazetteer, the codebook's
types, four years of dates with their precisions, actors, tolls, an evidence sentence each,
four events per article, a fifth of them linked into incidents) and bulk-loads them (not
the NLP pipeline) into SQLite and, when one is available, PostgreSQL: ``--pg URL``,
SITREPS_TEST_PG_URL, or a throwaway server started like the tests' (tests/pgserver.py).
The schema is the store's own, every migration and index included.

Each query runs ``--repeat`` times with parameters drawn at random (a country among the
weighted ones, a 90-day window, a map view around a city…), after a few warm-up runs; the
queries are the dashboard's (sitreps serve: count + a page of records, count + map points,
counts per day by type) and the CLI's filter paths through `Store.events`/`Store.incidents`.
The table is printed and appended, with the commit id, to docs/performance.md.

Usage: .venv/bin/python bench/query_bench.py [--events 1000000] [--repeat 40]
       [--sqlite PATH] [--keep] [--pg URL | --no-pg] [--no-append]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "docs" / "performance.md"
sys.path.insert(0, str(REPO / "tests"))  # the throwaway PostgreSQL server (tests/pgserver.py)

from sitreps.records import Event  # noqa: E402
from sitreps.store import EVENT_COLUMNS, EventFilter, Store, _where  # noqa: E402

# Share of events per country (ISO2), roughly as conflict data sets spread them.
COUNTRY_WEIGHTS = {
    "SY": 18, "YE": 10, "AF": 10, "IQ": 8, "UA": 8, "SO": 7, "NG": 6, "ML": 5, "BF": 5,
    "MM": 5, "CD": 5, "SD": 4, "ET": 3, "PK": 3, "MX": 3,
}  # fmt: skip
# Share of events per ACLED event type (sub-event types are uniform within a type).
TYPE_WEIGHTS = {
    "Battles": 30, "Explosions/Remote violence": 30, "Violence against civilians": 18,
    "Protests": 12, "Riots": 5, "Strategic developments": 5,
}  # fmt: skip
FIRST_DAY, DAYS = date(2017, 1, 1), 4 * 365
PRECISIONS = (("day", 85), ("week", 5), ("month", 7), ("year", 2), (None, 1))
VERBS = ("attacked", "shelled", "clashed with", "raided", "bombed", "ambushed", "protested in")
_KINDS = {"Military": "state forces", "Protesters": "protesters", "Rioters": "rioters"}
ARTICLE_EVERY = 4  # events per article
BATCH = 20_000


@dataclass
class Place:
    name: str
    country: str
    admin1: str | None
    lat: float
    lon: float
    weight: float


def places_by_country() -> dict[str, list[Place]]:
    """The 40 most populous places of each benchmark country, from the gazetteer."""
    from sitreps.geo.gazetteer import default_gazetteer_path

    path = default_gazetteer_path()
    if not path.exists():
        sys.exit(f"no gazetteer at {path}: run `make install` first")
    conn = sqlite3.connect(path)
    found: dict[str, list[Place]] = {}
    for country in COUNTRY_WEIGHTS:
        rows = conn.execute(
            "SELECT name, admin1, lat, lon, population FROM place WHERE feature = 'place' "
            "AND country = ? AND lat IS NOT NULL ORDER BY population DESC LIMIT 40",
            (country,),
        ).fetchall()
        found[country] = [Place(n, country, a, la, lo, max(p or 1, 1) ** 0.5)
                          for n, a, la, lo, p in rows]  # fmt: skip
    conn.close()
    return {c: p for c, p in found.items() if p}


def event_types() -> list[tuple[str, str, float]]:
    """(event type, sub-event type, weight) from the codebook."""
    from importlib import resources

    import yaml

    text = (resources.files("sitreps.data") / "codebook.yaml").read_text(encoding="utf-8")
    taxonomy = yaml.safe_load(text)["event_types"]
    pairs = []
    for event_type in taxonomy:
        subs = event_type["sub_event_types"]
        weight = TYPE_WEIGHTS.get(event_type["name"], 1) / len(subs)
        pairs += [(event_type["name"], sub["name"], weight) for sub in subs]
    return pairs


class Generator:
    """Deterministic synthetic events: rows for the events, evidence and articles tables."""

    def __init__(self, seed: int = 6):
        self.rng = random.Random(seed)
        self.places = places_by_country()
        self.countries = list(self.places)
        self.country_weights = [COUNTRY_WEIGHTS[c] for c in self.countries]
        self.types = event_types()
        self.type_weights = [w for _, _, w in self.types]

    def actor(self, country: str, event_type: str) -> tuple[str, str | None]:
        roll = self.rng.random()
        if event_type in ("Protests", "Riots"):
            return (f"Protesters ({country})" if roll < 0.7 else f"Rioters ({country})"), None
        if roll < 0.45:
            return f"Military Forces of {country}", country
        if roll < 0.75:
            return f"Unidentified Armed Group ({country})", None
        return f"Rebel Group {self.rng.randint(1, 40)} ({country})", None

    def rows(self, count: int) -> Iterator[tuple[tuple, tuple, str]]:
        """(events row, evidence row, article id) per event, in EVENT_COLUMNS order."""
        rng = self.rng
        precisions = [p for p, _ in PRECISIONS]
        precision_weights = [w for _, w in PRECISIONS]
        incident = None
        for i in range(count):
            country = rng.choices(self.countries, self.country_weights)[0]
            places = self.places[country]
            place = rng.choices(places, [p.weight for p in places])[0]
            event_type, sub_type, _ = rng.choices(self.types, self.type_weights)[0]
            precision = rng.choices(precisions, precision_weights)[0]
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            when = _date_text(day, precision)
            actor1, actor1_country = self.actor(country, event_type)
            located = rng.random() > 0.05
            lat = round(place.lat + rng.gauss(0, 0.05), 5) if located else None
            lon = round(place.lon + rng.gauss(0, 0.05), 5) if located else None
            fatalities = None if rng.random() < 0.1 else int(rng.expovariate(0.3) * rng.random())
            confidence = round(rng.uniform(0.4, 0.95), 3)
            event_id = f"bench{i:08d}"
            incident = incident if incident and rng.random() < 0.2 else event_id
            article_id = f"bench-article-{i // ARTICLE_EVERY:07d}"
            sentence = f"{actor1} {rng.choice(VERBS)} {place.name}, killing {fatalities or 0}."
            record = {
                "schema_version": "1", "id": event_id, "event_type": event_type,
                "sub_event_type": sub_type, "date": when, "date_precision": precision,
                "actor1": {"name": actor1, "country": actor1_country,
                           "kind": _KINDS.get(actor1.split()[0], "rebels"), "text": actor1},
                "location": {"name": place.name, "country": country, "admin1": place.admin1,
                             "lat": lat, "lon": lon, "precision": "place" if located else
                             "country"},
                "fatalities": fatalities, "modality": "asserted", "contested": False,
                "evidence": [{"text": sentence, "start": 0, "end": len(sentence),
                              "supports": ["event_type", "location"]}],
                "article": {"id": article_id}, "confidence": confidence, "incident_id": incident,
            }  # fmt: skip
            row = (
                event_id, article_id, incident, event_type, sub_type, when, precision, actor1,
                actor1_country, None, None, place.name, None, country, place.admin1, lat, lon,
                "place" if located else "country", fatalities, "asserted", 0, confidence,
                json.dumps(record),
            )  # fmt: skip
            yield row, (event_id, 0, len(sentence), sentence, "event_type,location"), article_id


def _date_text(day: date, precision: str | None) -> str | None:
    """The date as the pipeline stores it: a full ISO day, the first of the period for a
    month or a year (with its precision beside it); None when undated."""
    if precision is None:
        return None
    if precision == "month":
        return day.replace(day=1).isoformat()
    if precision == "year":
        return day.replace(month=1, day=1).isoformat()
    return day.isoformat()


def _batches(generator: Generator, count: int) -> Iterator[tuple[list, list, list, list]]:
    """(events, evidence, articles, incidents) rows, BATCH events at a time."""
    events, evidence, articles, incidents = [], [], [], []
    for row, sentence, article_id in generator.rows(count):
        events.append(row)
        evidence.append(sentence)
        if not articles or articles[-1][0] != article_id:
            articles.append((article_id, f"Bench article {article_id}."))
        if row[2] == row[0]:
            incidents.append((row[0], row[3], row[5], row[13]))
        if len(events) >= BATCH:
            yield events, evidence, articles, incidents
            events, evidence, articles, incidents = [], [], [], []
    if events:
        yield events, evidence, articles, incidents


def _check_records(generator: Generator) -> None:
    """The generated records are valid v1 events (a sample, validated by pydantic), dated
    to a full day whatever their precision, as the pipeline stores them."""
    for row, _, _ in Generator(seed=99).rows(200):
        event = Event.model_validate_json(row[-1])
        if event.date is not None:
            date.fromisoformat(event.date)


_COLUMNS = ", ".join(EVENT_COLUMNS)


def load_sqlite(path: Path, count: int) -> None:
    with Store(path) as store:
        conn = store.conn
        conn.execute("PRAGMA foreign_keys=OFF")  # consistent by construction; faster load
        conn.execute("PRAGMA synchronous=OFF")
        marks = ",".join("?" * len(EVENT_COLUMNS))
        for events, evidence, articles, incidents in _batches(Generator(), count):
            with conn:
                conn.executemany("INSERT INTO articles (id, text) VALUES (?, ?)", articles)
                conn.executemany("INSERT INTO incidents VALUES (?,?,?,?)", incidents)
                conn.executemany(f"INSERT INTO events ({_COLUMNS}) VALUES ({marks})", events)
                conn.executemany("INSERT INTO evidence VALUES (?,?,?,?,?)", evidence)
            _progress(conn.execute("SELECT max(rowid) FROM events").fetchone()[0], count)
        conn.execute("ANALYZE")
    print(file=sys.stderr)


def load_postgres(url: str, count: int) -> None:
    with Store(url) as store:
        raw = store.conn.raw
        for table in ("evidence", "events", "incidents", "articles"):
            raw.execute(f"TRUNCATE {table} CASCADE")
        done = 0
        for events, evidence, articles, incidents in _batches(Generator(), count):
            with raw.transaction(), raw.cursor() as cursor:
                _copy(cursor, "articles (id, text)", articles)
                _copy(cursor, "incidents", incidents)
                _copy(cursor, f"events ({_COLUMNS})", events)
                _copy(cursor, 'evidence (event_id, start, "end", text, supports)', evidence)
            done += len(events)
            _progress(done, count)
        raw.execute("VACUUM ANALYZE")
    print(file=sys.stderr)


def _copy(cursor, target: str, rows: list) -> None:
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _progress(done: int, total: int) -> None:
    print(f"\r  loaded {done:,}/{total:,} events", end="", file=sys.stderr, flush=True)


# -- the queries ----------------------------------------------------------------------------


class Params:
    """Random query parameters, drawn like a user of the dashboard would choose them."""

    def __init__(self, generator: Generator, seed: int = 7):
        self.rng = random.Random(seed)
        self.gen = generator

    def country(self) -> str:
        return self.rng.choices(self.gen.countries, self.gen.country_weights)[0]

    def window(self, days: int) -> tuple[str, str]:
        start = FIRST_DAY + timedelta(days=self.rng.randrange(DAYS - days))
        return start.isoformat(), (start + timedelta(days=days - 1)).isoformat()

    def place(self) -> Place:
        places = self.gen.places[self.country()]
        return self.rng.choice(places[:10])

    def bbox(self, degrees: float = 2.0) -> tuple[float, float, float, float]:
        p, half = self.place(), degrees / 2
        return p.lat - half, p.lon - half, p.lat + half, p.lon + half


MAP_COLUMNS = "id, event_type, sub_event_type, date, actor1, location, lat, lon, fatalities"


def newest(store: Store, columns: str, where: str, params: list, limit: int) -> list:
    """The newest `limit` matches: chosen by key (from an index), then read, as the store
    does (a sort that carried every match's columns would read them all)."""
    order = store.dialect.newest_first
    return store.conn.execute(
        f"SELECT {columns} FROM events WHERE rowid IN (SELECT rowid FROM events WHERE {where} "
        f"ORDER BY {order} LIMIT ?) ORDER BY {order}",
        [*params, limit],
    ).fetchall()


def dashboard_page(store: Store, flt: EventFilter) -> int:
    """The dashboard's event table: the count and the newest 50 records (as JSON text)."""
    where, params = _where(flt, store.dialect)
    total = store.conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()
    return total[0] + len(newest(store, "record", where, params, 50))


def dashboard_map(store: Store, flt: EventFilter, limit: int = 1000) -> int:
    """The dashboard's map: the count and the newest `limit` points with their labels."""
    where, params = _where(flt, store.dialect)
    where += " AND lat IS NOT NULL AND lon IS NOT NULL"
    total = store.conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()
    return total[0] + len(newest(store, MAP_COLUMNS, where, params, limit))


def daily_counts(store: Store, flt: EventFilter) -> int:
    """The dashboard's timeline: events and deaths per day and event type."""
    where, params = _where(flt, store.dialect)
    rows = store.conn.execute(
        "SELECT date, event_type, count(*), sum(fatalities) FROM events "
        f"WHERE {where} AND date IS NOT NULL GROUP BY date, event_type",
        params,
    ).fetchall()
    return len(rows)


@dataclass
class Query:
    name: str
    run: Callable[[Store, Params], int]
    target: bool = False  # one of the three typical dashboard queries


def _days(p: Params, days: int, **more) -> EventFilter:
    since, until = p.window(days)
    return EventFilter(since=since, until=until, **more)


def _near(p: Params, km: float, **more) -> EventFilter:
    place = p.place()
    return EventFilter(near=(place.lat, place.lon, km), **more)


QUERIES = [
    Query("country × 90 days: count + newest 50 (table)",
          lambda s, p: dashboard_page(s, _days(p, 90, country=p.country())), target=True),
    Query("country × 90 days: count + 1000 map points",
          lambda s, p: dashboard_map(s, _days(p, 90, country=p.country())), target=True),
    Query("bounding box 2°×2°: count + 1000 map points",
          lambda s, p: dashboard_map(s, EventFilter(bbox=p.bbox())), target=True),
    Query("bounding box 2°×2° × 90 days: count + 1000 points",
          lambda s, p: dashboard_map(s, _days(p, 90, bbox=p.bbox())), target=True),
    Query("counts per day by type: country × 365 days",
          lambda s, p: daily_counts(s, _days(p, 365, country=p.country())), target=True),
    Query("counts per day by type: all countries × 90 days",
          lambda s, p: daily_counts(s, _days(p, 90)), target=True),
    Query("counts per day by type: country, all time",
          lambda s, p: daily_counts(s, EventFilter(country=p.country()))),
    Query("CLI events: country × 90 days, --limit 100",
          lambda s, p: len(s.events(_days(p, 90, country=p.country(), limit=100)))),
    Query("CLI events: --near city,50 km, --limit 100",
          lambda s, p: len(s.events(_near(p, 50, limit=100)))),
    Query("CLI events: --admin1 X --since (1 year), --limit 100",
          lambda s, p: len(s.events(EventFilter(admin1=p.place().admin1,
                                                since=p.window(365)[0], limit=100)))),
    Query("CLI events: --sub-type × 90 days, --limit 100",
          lambda s, p: len(s.events(_days(p, 90, sub_event_type="Armed clash", limit=100)))),
    Query("CLI events: --min-fatalities 40, --limit 100",
          lambda s, p: len(s.events(EventFilter(min_fatalities=40, limit=100)))),
    Query("CLI events: country × 90 days --actor 'Rebel Group 7'",
          lambda s, p: len(s.events(_days(p, 90, country=p.country(), actor="Rebel Group 7")))),
    Query("CLI events: country × 90 days --text ambushed",
          lambda s, p: len(s.events(_days(p, 90, country=p.country(), text="ambushed")))),
    Query("CLI incidents: country × 90 days, --limit 50",
          lambda s, p: len(s.incidents(_days(p, 90, country=p.country(), limit=50)))),
]  # fmt: skip


@dataclass
class Timings:
    """Milliseconds per run: wall clock, and this process's CPU time (user + system).

    On SQLite the CPU time is the query's own work, whatever else loads the machine; on
    PostgreSQL the server's work is in another process, so only the wall clock counts there."""

    wall: list[float]
    cpu: list[float]


def measure(store: Store, query: Query, repeat: int, generator: Generator) -> Timings:
    params = Params(generator)
    for _ in range(3):  # warm-up: caches, plans
        query.run(store, params)
    params = Params(generator, seed=8)
    timings = Timings([], [])
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        query.run(store, params)
        timings.cpu.append((time.process_time() - start_cpu) * 1000)
        timings.wall.append((time.perf_counter() - start) * 1000)
    return timings


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18]


# -- running it -----------------------------------------------------------------------------


def _postgres_url(args) -> tuple[str | None, object | None, str]:
    """(url, throwaway server to stop, why not) for PostgreSQL."""
    if args.no_pg:
        return None, None, "--no-pg"
    url = args.pg or os.environ.get("SITREPS_TEST_PG_URL")
    if url:
        return url, None, ""
    from pgserver import NoServer, ThrowawayServer

    try:
        server = ThrowawayServer()
    except NoServer as exc:
        return None, None, str(exc)
    try:
        return server.start(), server, ""
    except NoServer as exc:
        server.stop()
        return None, None, str(exc)


def _load_if_needed(target: str | Path, count: int, load: Callable, keep: bool) -> float:
    if keep:
        with Store(target) as store:
            if store.counts()["events"] == count:
                print(f"  reusing {store.name} ({count:,} events)", file=sys.stderr)
                return 0.0
    start = time.perf_counter()
    load(target, count)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--sqlite", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="reuse --sqlite/--pg if loaded")
    parser.add_argument("--pg", help="postgresql:// URL (default: SITREPS_TEST_PG_URL or a "
                        "throwaway server)")  # fmt: skip
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-append", action="store_true", help="do not write the report")
    args = parser.parse_args()

    print("load average (1, 5, 15 min) at the start: "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()), file=sys.stderr)  # fmt: skip
    generator = Generator()
    _check_records(generator)
    tmp = tempfile.TemporaryDirectory(prefix="sitreps-qbench-")
    backends: list[tuple[str, str | Path, Callable]] = [
        ("SQLite", args.sqlite or Path(tmp.name) / "bench.db", load_sqlite)
    ]
    url, server, why_not = _postgres_url(args)
    if url:
        backends.append(("PostgreSQL", url, load_postgres))
    else:
        print(f"PostgreSQL left out: {why_not}", file=sys.stderr)
    results: dict[str, dict[str, Timings]] = {}
    notes = []
    try:
        for name, target, load in backends:
            print(f"{name}: loading {args.events:,} events", file=sys.stderr)
            seconds = _load_if_needed(target, args.events, load, args.keep)
            if seconds:
                notes.append(f"{name} load: {seconds:.0f} s ({args.events / seconds:,.0f} "
                             "events/s)")  # fmt: skip
            with Store(target) as store:
                results[name] = {}
                for query in QUERIES:
                    results[name][query.name] = measure(store, query, args.repeat, generator)
                    times = results[name][query.name]
                    print(f"  {query.name}: p50 {statistics.median(times.wall):.1f} ms, "
                          f"p95 {p95(times.wall):.1f} ms, CPU p50 "
                          f"{statistics.median(times.cpu):.1f} ms, p95 {p95(times.cpu):.1f} ms",
                          file=sys.stderr)  # fmt: skip
    finally:
        if server is not None:
            server.stop()
        tmp.cleanup()
    table = format_table(results, args)
    print(table)
    print(
        "load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    if not args.no_append:
        append_report(table, notes, args)


def format_table(results: dict[str, dict[str, Timings]], args) -> str:
    names = list(results)
    columns = [f"{n} p50 ms | {n} p95 ms" for n in names]
    if "SQLite" in results:
        columns.insert(1, "SQLite CPU p50 ms | SQLite CPU p95 ms")
    header = "| query | " + " | ".join(columns) + " |"
    lines = [header, "|---|" + "---:|" * (2 * len(columns))]
    for query in QUERIES:
        cells = []
        for name in names:
            times = results[name][query.name]
            cells += [f"{statistics.median(times.wall):.1f}", f"{p95(times.wall):.1f}"]
            if name == "SQLite":
                cells += [f"{statistics.median(times.cpu):.1f}", f"{p95(times.cpu):.1f}"]
        label = f"**{query.name}**" if query.target else query.name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def append_report(table: str, notes: list[str], args) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=REPO).stdout.strip() or "unknown"  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, cwd=REPO).stdout.strip()  # fmt: skip
    load = os.getloadavg()[0]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = [
        "",
        f"## Query latency, {args.events:,} events — {stamp}, commit {commit}"
        + (" (with uncommitted changes)" if dirty else ""),
        "",
        f"`.venv/bin/python bench/query_bench.py --events {args.events} --repeat {args.repeat}`"
        f" on this {os.cpu_count()}-CPU machine, 1-minute load {load:.1f} at the end. "
        "Each query ran with random parameters (country, window, map view) after 3 warm-up "
        "runs; **bold** rows are the issue's typical dashboard queries (target: p95 < 50 ms "
        "on SQLite).",
        "",
        table,
        "",
    ]
    if notes:
        section += ["Bulk load (COPY / executemany, indexes in place): " + "; ".join(notes), ""]
    with REPORT.open("a", encoding="utf-8") as report:
        report.write("\n".join(section))
    print(f"appended to {REPORT.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
