"""Parallel coding: ordered results, bounded batches, worker deaths, one writer, resume after
kill -9. The pool tests use tiny work functions of this module (spawned workers import it)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitreps.parallel import (
    BATCHES_PER_WORKER,
    DocumentCoder,
    OrderedPool,
    PipelineSettings,
    RunStats,
    WorkerCrash,
    extract_documents,
    ingest_documents,
)
from sitreps.records import RawDocument
from sitreps.store import open_store

# ------------------------------------------------------------------ work functions (workers)


def square_all(batch: list[int]) -> list[int]:
    if any(n < 0 for n in batch):  # a document that kills its worker (a segfaulting parser)
        os._exit(3)
    time.sleep(0.01 * (batch[0] % 3))  # batches finish out of order
    return [n * n for n in batch]


def lost_number(n: int, reason: str) -> str:
    return f"lost {n}"


def cannot_start() -> None:
    raise RuntimeError("no model here")


# ------------------------------------------------------------------ the pool


def test_results_come_back_in_input_order_with_bounded_batches():
    consumed: list[int] = []

    def numbers():
        for n in range(60):
            consumed.append(n)
            yield n

    with OrderedPool(square_all, lost_number, workers=2, batch_size=3) as pool:
        results = pool.map(numbers())
        first = next(results)
        in_flight_at_first = len(consumed)
        rest = list(results)
    assert [first, *rest] == [n * n for n in range(60)]
    assert in_flight_at_first <= (2 * BATCHES_PER_WORKER + 1) * 3  # never the whole input
    assert pool.peak_rss and all(kb > 0 for kb in pool.peak_rss.values())


def test_a_document_that_kills_its_worker_is_lost_alone():
    crashes: list[str] = []
    items = [*range(10), -1, *range(10, 20)]
    with OrderedPool(
        square_all, lost_number, workers=2, batch_size=4, on_crash=crashes.append
    ) as pool:
        results = list(pool.map(items))
    assert results == [n * n for n in range(10)] + ["lost -1"] + [n * n for n in range(10, 20)]
    assert pool.crashes >= 1 and crashes and "died" in crashes[0]


def test_workers_that_cannot_start_stop_the_run_cleanly():
    pool = OrderedPool(square_all, lost_number, workers=2, initializer=cannot_start)
    with pool, pytest.raises(WorkerCrash):
        list(pool.map(range(10)))


# ------------------------------------------------------------------ documents

OPENINGS = [
    "Gunmen attacked a police post near {place} on {day} night, killing {n} officers.",
    "Suspected militants ambushed an army convoy outside {place} on {day}, killing {n} soldiers.",
    "An air strike hit a market in {place} on {day}, killing {n} civilians, medics said.",
    "Clashes between two armed groups in {place} on {day} left {n} fighters dead.",
    "Police fired tear gas at hundreds of protesters in {place} on {day}; {n} were arrested.",
    "A roadside bomb struck a minibus on the road to {place} on {day}, killing {n} passengers.",
]
MIDDLES = [
    "The attackers arrived on foot shortly after midnight and fled before reinforcements came.",
    "Witnesses described heavy gunfire lasting for more than an hour around the main square.",
    "Local elders said the area had been tense since a dispute over grazing land last month.",
    "Hospital staff said several of the wounded were in a critical condition on {day} evening.",
    "The interior ministry promised an inquiry and sent extra troops to the district.",
    "No group has claimed responsibility, though suspicion fell on fighters active nearby.",
]
CLOSINGS = [
    "Aid agencies warned that thousands of families had fled their homes in recent weeks.",
    "Schools in the town stayed closed and traders kept their shops shuttered, residents said.",
    "The United Nations mission called on all sides to protect civilians and allow aid through.",
    "A curfew was imposed from dusk to dawn while security forces searched nearby villages.",
    "Officials said the death toll could rise as rescue teams reached more remote areas.",
    "Residents said mobile phone networks were cut for most of the following day.",
]
PLACES = ["Mandera", "Garissa", "Wajir", "Lamu", "Djibo", "Kidal", "Gao", "Mopti", "Taiz", "Aden"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def report(i: int) -> str:
    """A short report, different enough from every other one not to be taken for a copy."""
    place, day = PLACES[i % len(PLACES)], DAYS[i % len(DAYS)]
    parts = [OPENINGS[i % 6], MIDDLES[(i // 6) % 6], CLOSINGS[(i // 36) % 6]]  # no two alike
    if i % 4 == 1:
        parts.append("In a separate incident, a grenade attack wounded two guards in {place}.")
    body = " ".join(part.format(place=place, day=day, n=i + 3) for part in parts)
    return f"{place.upper()}, March {i % 27 + 1}, 2021\n\n{body}\n"


def write_pages(folder: Path, count: int) -> list[Path]:
    """`count` distinct reports, one syndicated copy of the third, and one unreadable file."""
    folder.mkdir(exist_ok=True)
    pages = []
    for i in range(count):
        pages.append(folder / f"{i:03d}.txt")
        pages[-1].write_text(report(i))
    more = " ".join(MIDDLES).format(day="Sunday")
    pages[2].write_text(f"{report(2)}\n{more}\n")
    story = report(2).split("\n\n", 1)[1]
    copy = folder / f"{count:03d}_copy.txt"
    copy.write_text(f"Breaking News\n\n{story}\n{more}\n\nShare this story.\n")
    (folder / f"{count + 1:03d}_binary.txt").write_bytes(b"\x00\x01" * 200)
    return pages


def raw_documents(folder: Path) -> list[RawDocument]:
    return [
        RawDocument(input=str(p), content=p.read_bytes(), kind="text")
        for p in sorted(folder.iterdir())
        if "binary" not in p.name
    ]


@pytest.fixture(scope="module")
def two_workers():
    with DocumentCoder(PipelineSettings(), workers=2) as coder:
        yield coder


def test_two_workers_code_as_one_pipeline_does(tmp_path, two_workers, pipeline):
    write_pages(tmp_path, 6)
    raws = raw_documents(tmp_path)
    stats = RunStats()
    results = list(extract_documents(raws, two_workers, stats))
    assert [r.input for r in results] == [r.input for r in raws]
    copy = results[-1]
    assert copy.duplicate_of == results[2].article.id and copy.events == []
    for result, raw in zip(results[:-1], raws, strict=False):
        alone = pipeline.process(raw)
        assert [e.id for e in result.events] == [e.id for e in alone.events]
    assert stats.events == sum(len(r.events) for r in results) > 0
    assert stats.duplicates == 1 and stats.documents == 7


def test_stored_documents_are_never_sent_to_workers(tmp_path):
    write_pages(tmp_path / "pages", 4)
    raws = raw_documents(tmp_path / "pages")
    with open_store(tmp_path / "s.db") as store:
        with DocumentCoder(PipelineSettings(), workers=2) as coder:
            first = ingest_documents(raws, store, coder, RunStats())
        assert first.skipped == 0 and first.duplicates == 1
        counts = store.counts()
        with DocumentCoder(PipelineSettings(), workers=2) as coder:
            again = ingest_documents(raws, store, coder, RunStats())
            assert again.skipped == len(raws) and coder.pool.peak_rss == {}  # no worker ran
        assert store.counts() == counts


# ------------------------------------------------------------------ kill -9, then again


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sitreps", *args]


def _stored(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        tables = ("documents", "articles", "events")
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        counts["event ids"] = sorted(r[0] for r in conn.execute("SELECT id FROM events"))
        counts["copies"] = conn.execute(
            "SELECT count(*) FROM documents WHERE status = 'duplicate'"
        ).fetchone()[0]
    return counts


def _documents_stored(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


@pytest.mark.slow
def test_kill_9_then_run_again_loses_nothing_and_stores_nothing_twice(tmp_path):
    pages = tmp_path / "pages"
    write_pages(pages, 40)
    env = {**os.environ, "COLUMNS": "200"}
    clean_db, db = tmp_path / "clean.db", tmp_path / "resumed.db"
    clean = subprocess.run(_cli("ingest", str(pages), "--db", str(clean_db), "--workers", "1"),
                           capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert clean.returncode == 0, clean.stderr
    expected = _stored(clean_db)
    assert expected["copies"] == 1 and expected["events"] > 0

    run = subprocess.Popen(
        _cli("ingest", str(pages), "--db", str(db), "--workers", "2"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while _documents_stored(db) < 8 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(run.pid, signal.SIGKILL)
    assert run.wait(timeout=30) == -signal.SIGKILL
    partial = _documents_stored(db)
    assert 0 < partial < expected["documents"], "the run must be killed midway"
    _wait_for_orphans(run.pid)  # the workers leave with their main process

    again = subprocess.run(_cli("ingest", str(pages), "--db", str(db), "--workers", "2"),
                           capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "already stored" in again.stderr
    assert _stored(db) == expected


def _wait_for_orphans(group: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("worker processes outlived their killed main process")


def test_extract_output_order_does_not_depend_on_workers(tmp_path):
    write_pages(tmp_path, 12)
    env = {**os.environ, "COLUMNS": "200"}
    outputs = []
    for workers in ("1", "2"):
        out = subprocess.run(_cli("extract", str(tmp_path), "--format", "jsonl", "-w", workers),
                             capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert "binary.txt" in out.stderr and "1 copies of another" in out.stderr
        outputs.append([json.loads(line)["id"] for line in out.stdout.splitlines()])
    assert outputs[0] == outputs[1] and outputs[0]


def test_a_document_the_store_refuses_is_an_error_not_the_end(tmp_path, two_workers):
    text = "Gunmen shot dead two traders in Mandera on Sunday, police said."
    odd = RawDocument(input="odd", content=text.encode(), kind="article", date="0001-01-02")
    fine = RawDocument(input="fine", content=text.replace("two", "three").encode(),
                       kind="article", date="2021-03-07")  # fmt: skip
    with open_store(tmp_path / "s.db") as store:
        stats = ingest_documents([odd, fine], store, two_workers, RunStats())
        stages = [e.stage for e in store.errors()]
        assert store.counts()["events"] >= 1
    assert stats.documents == 2 and stats.events >= 1
    # the store cannot yet place an event dated in year 1 (date arithmetic out of range)
    assert stages in ([], ["store"]) and stats.errors == len(stages)
