"""Incident linking on a million events: CPU time of the candidate search and of saving.

Loads (or reuses, with ``--keep``) the synthetic million-event SQLite database of
bench/query_bench.py, then links ``--samples`` new events drawn from the same generator (a
different seed, dates to the day) one at a time and measures, in process CPU time
(user + sys, `time.process_time`):

- ``scan-400d``: the candidate search before migration 7 (every event of the compatible event
  types in the country, or with no country, dated within 400 days), records parsed;
- ``candidates``: `Store._candidates` (the index-driven search of `sitreps.link.search_window`);
- ``link``: the candidates plus `sitreps.link.link_decision`;
- ``save``: `Store.save_article` of a one-event article (linking, merging, writing, commit);
- ``re-save``: the same article saved again (its old event deleted, the incident it was in
  linked again, the event linked anew).

Usage: .venv/bin/python bench/link_bench.py [--events 1000000] [--samples 300]
       [--sqlite PATH] [--keep] [--no-old] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from query_bench import Generator, load_sqlite  # noqa: E402

from sitreps.link import compatible_event_types, link_decision  # noqa: E402
from sitreps.records import Article, Event  # noqa: E402
from sitreps.store import Store  # noqa: E402


def sample_events(count: int, seed: int = 7) -> list[Event]:
    """New events like the loaded ones, dated to the day, with fresh ids (by seed)."""
    generator = Generator(seed)
    events = []
    for n, (row, _, _) in enumerate(generator.rows(count)):
        record = json.loads(row[-1])
        day = date(2017, 1, 1) + timedelta(days=generator.rng.randrange(4 * 365))
        record.update(id=f"new{seed}-{n:06d}", date=day.isoformat(), date_precision="day",
                      incident_id=None, article={"id": f"new-article-{seed}-{n:06d}"})  # fmt: skip
        events.append(Event.model_validate(record))
    return events


def old_scan(store: Store, event: Event) -> list[Event]:
    """The candidate search before migration 7: a +-400-day scan of the country."""
    types = compatible_event_types(event)
    sql = f"SELECT record FROM events WHERE event_type IN ({','.join('?' * len(types))})"
    params: list = list(types)
    if event.location and event.location.country:
        sql += " AND (country = ? OR country IS NULL OR location = ?)"
        params += [event.location.country, event.location.name]
    day = date.fromisoformat(event.date)
    sql += " AND (date IS NULL OR date BETWEEN ? AND ?) ORDER BY rowid"
    params += [(day - timedelta(days=400)).isoformat(), (day + timedelta(days=400)).isoformat()]
    return [Event.model_validate_json(r["record"]) for r in store.conn.execute(sql, params)]


def timed(action) -> tuple[float, object]:
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def summary(name: str, times: list[float], sizes: list[int] | None = None) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    line = (f"| {name} | {1000 * statistics.median(times):.2f} | {1000 * p95:.2f} | "
            f"{1000 * statistics.fmean(times):.2f} |")  # fmt: skip
    if sizes is not None:
        line += f" {statistics.median(sizes):.0f} / {max(sizes)} |"
    else:
        line += " |"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--sqlite", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="reuse --sqlite if loaded")
    parser.add_argument("--no-old", action="store_true", help="skip the 400-day scan")
    parser.add_argument("--seed", type=int, default=7, help="of the new events")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sitreps-link-bench-") as tmp:
        path = args.sqlite or Path(tmp) / "bench.db"
        if not (args.keep and path.exists()):
            path.unlink(missing_ok=True)
            load_sqlite(path, args.events)
        run(path, args)


def run(path: Path, args) -> None:
    events = sample_events(args.samples, args.seed)
    results: dict[str, list[float]] = {
        "scan-400d": [], "candidates": [], "link": [], "save": [], "re-save": []
    }  # fmt: skip
    sizes: dict[str, list[int]] = {"scan-400d": [], "candidates": []}
    with Store(path) as store:
        total = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        for event in events:
            if not args.no_old:
                spent, found = timed(lambda e=event: old_scan(store, e))
                results["scan-400d"].append(spent)
                sizes["scan-400d"].append(len(found))
            spent, found = timed(lambda e=event: list(store._candidates(e)))
            results["candidates"].append(spent)
            sizes["candidates"].append(len(found))
            spent, _ = timed(lambda e=event: link_decision(e, list(store._candidates(e))))
            results["link"].append(spent)
            article = Article(id=event.article.id, input="bench", text="A bench sentence.")
            spent, _ = timed(lambda e=event, a=article: store.save_article(a, [e]))
            results["save"].append(spent)
            spent, _ = timed(lambda e=event, a=article: store.save_article(a, [e]))
            results["re-save"].append(spent)
    print(f"{total} events in {path}; {len(events)} new events linked one at a time; "
          "process CPU time (user+sys) per event")  # fmt: skip
    print("| step | p50 ms | p95 ms | mean ms | candidates median / max |")
    print("|---|---|---|---|---|")
    for name, times in results.items():
        if times:
            print(summary(name, times, sizes.get(name)))


if __name__ == "__main__":
    main()
