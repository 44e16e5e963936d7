"""Dashboard latency: p50/p95 of the API requests the dashboard makes, over HTTP on loopback,
and the dashboard's time to interactive in headless Chromium, on a database of 100k events.

The events are synthetic but realistic (bench/query_bench.py's generator: weighted conflict
countries, gazetteer places, the codebook's types, four years of dates, actors, tolls,
evidence) bulk-loaded into a SQLite database with the store's schema. The server is the real
one (`sitreps serve` in its own process); each request runs ``--repeat`` times with
parameters drawn at random, on one keep-alive connection, after a few warm-up requests.
Time to interactive is the time from navigation to the dashboard's first complete render
(map, timeline, table: `body[data-state=ready]`), read from the page's own clock.

Usage: .venv/bin/python bench/api_latency.py [--events 100000] [--repeat 40] [--db PATH]
       [--keep] [--tti-runs 5]
(--db reuses or keeps the generated database; without Chromium the TTI part is skipped.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
TTI_SCRIPT = REPO / "bench" / "dashboard_tti.mjs"
CHROMIUM = Path(os.environ.get("SITREPS_CHROMIUM", "/usr/bin/chromium"))
COUNTRIES = ["SY", "YE", "AF", "IQ", "UA", "SO", "NG", "ML"]
TYPES = ["Battles", "Air/drone strike", "Armed clash", "Protests", "Attack",
         "Remote explosive/landmine/IED", "Shelling/artillery/missile attack"]  # fmt: skip
ACTORS = ["Military Forces", "Unidentified Armed Group", "Protesters", "Rebel Group 7"]
WORDS = ["killing", "shelled", "raided", "ambushed"]
FIRST_DAY, LAST_DAY = "2017-01-01", "2020-12-30"
MAP = 2000  # the dashboard's map asks for the newest 2000 matching events

Params = Callable[[random.Random], dict]


def _window(rng: random.Random, days: int) -> dict:
    start = time.mktime(time.strptime(FIRST_DAY, "%Y-%m-%d"))
    end = time.mktime(time.strptime(LAST_DAY, "%Y-%m-%d")) - days * 86400
    since = start + rng.random() * (end - start)
    return {
        "since": time.strftime("%Y-%m-%d", time.localtime(since)),
        "until": time.strftime("%Y-%m-%d", time.localtime(since + days * 86400)),
    }


# (label, path, parameters): what the dashboard asks for, first load then common filters
REQUESTS: list[tuple[str, str, Params]] = [
    ("overview (filter lists)", "/api/overview", lambda r: {}),
    ("counts per week by type", "/api/counts", lambda r: {"interval": "week"}),
    ("map points (2000 newest)", "/api/events.geojson", lambda r: {"limit": MAP}),
    ("table page (50)", "/api/events", lambda r: {"limit": 50}),
    ("table page, country", "/api/events", lambda r: {"country": r.choice(COUNTRIES)}),
    ("table page, type", "/api/events", lambda r: {"type": r.choice(TYPES)}),
    ("table page, 90 days", "/api/events", lambda r: _window(r, 90)),
    ("table page, actor text", "/api/events", lambda r: {"actor": r.choice(ACTORS)}),
    ("table page, evidence text", "/api/events", lambda r: {"text": r.choice(WORDS)}),
    ("table page, sort by deaths", "/api/events", lambda r: {"sort": "fatalities"}),
    ("table page 20 (offset 1000)", "/api/events", lambda r: {"offset": 1000}),
    ("map points, country", "/api/events.geojson",
     lambda r: {"country": r.choice(COUNTRIES), "limit": MAP}),
    ("counts, country + type", "/api/counts",
     lambda r: {"country": r.choice(COUNTRIES), "type": r.choice(TYPES), "interval": "week"}),
    ("map points, 90 days", "/api/events.geojson", lambda r: {**_window(r, 90), "limit": MAP}),
    ("incidents page", "/api/incidents", lambda r: {"country": r.choice(COUNTRIES)}),
]  # fmt: skip


def build_database(path: Path, count: int) -> float:
    """Generate `count` events into a new database; returns the seconds it took."""
    sys.path.insert(0, str(REPO / "bench"))
    from query_bench import load_sqlite

    started = time.perf_counter()
    load_sqlite(path, count)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "sitreps", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


def timed_get(conn: http.client.HTTPConnection, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    conn.request("GET", url)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        sys.exit(f"{url}: HTTP {response.status} {body[:200]!r}")
    return elapsed, len(body)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port: int, pid: int, repeat: int) -> list[tuple[str, float, float, float, int]]:
    """(label, p50 ms, p95 ms, server CPU ms per request, median response bytes) per request."""
    rng = random.Random(7)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rows = []
    for label, path, params in REQUESTS:
        for _ in range(3):  # warm-up
            timed_get(conn, f"{path}?{urlencode(params(rng))}")
        cpu_before = cpu_seconds(pid)
        samples = [timed_get(conn, f"{path}?{urlencode(params(rng))}") for _ in range(repeat)]
        cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / repeat
        times = [t for t, _ in samples]
        size = int(statistics.median(s for _, s in samples))
        rows.append((label, percentile(times, 0.5), percentile(times, 0.95), cpu_ms, size))
    conn.close()
    return rows


def time_to_interactive(port: int, runs: int) -> dict | None:
    if not CHROMIUM.exists() or not (REPO / "web" / "node_modules" / "playwright-core").exists():
        print(f"time to interactive skipped: no {CHROMIUM} or web/node_modules", file=sys.stderr)
        return None
    run = subprocess.run(
        ["node", str(TTI_SCRIPT), f"http://127.0.0.1:{port}", str(runs)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if run.returncode != 0:
        sys.exit(f"time to interactive failed:\n{run.stdout}\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--db", type=Path, help="Database to use (generated if missing).")
    parser.add_argument("--keep", action="store_true", help="Keep the generated database.")
    parser.add_argument("--tti-runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sitreps-api-bench-"))
    db = args.db or workdir / "bench.db"
    if not db.exists():
        print(f"generating {args.events:,} events -> {db}", file=sys.stderr)
        print(f"  {build_database(db, args.events):.0f}s", file=sys.stderr)
    port = free_port()
    server = start_server(db, port)
    try:
        rows = measure(port, server.pid, args.repeat)
        tti = time_to_interactive(port, args.tti_runs)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not (args.keep or args.db):
            shutil.rmtree(workdir, ignore_errors=True)
    print(format_table(rows, tti, db, args))


def format_table(rows: list, tti: dict | None, db: Path, args) -> str:
    events = _count_events(db) if db.exists() else args.events
    load = os.getloadavg()[0]
    lines = [
        f"load average {load:.1f} on {os.cpu_count()} CPUs at the end of the run",
        "",
        f"API latency over HTTP on loopback, {events:,} events, {args.repeat} requests each "
        f"(random parameters), one keep-alive connection",
        "",
        "| request | p50 ms | p95 ms | server CPU ms | response bytes |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {label} | {p50:.1f} | {p95:.1f} | {cpu:.1f} | {size:,} |"
        for label, p50, p95, cpu, size in rows
    ]
    if tti:
        lines += [
            "",
            f"Dashboard time to interactive (headless Chromium, {tti['runs']} loads): "
            f"first load {tti['first_ms']:.0f} ms (fresh profile), then median "
            f"{tti['median_ms']:.0f} ms, max {tti['max_ms']:.0f} ms",
            "phases of the last load (ms after navigation start): "
            + ", ".join(f"{name} {ms}" for name, ms in tti["phases"][-1].items()),
        ]
    return "\n".join(lines)


def _count_events(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


if __name__ == "__main__":
    main()
