"""`sitreps batch` on a local Ray with 2 CPUs, and `sitreps load`: Parquet partitions, the
failure record, the same store as `ingest`, idempotent load, resume after an interruption.

One Ray session serves the module (Ray starts in several seconds); one batch run over a small
folder serves most tests. The page texts are written for these tests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitreps.batch import (
    CHUNKS,
    DOCUMENTS,
    EVENTS,
    FAILURES,
    IN_FLIGHT,
    SHARDS,
    BatchError,
    BatchOutput,
    ChunkCoder,
    load_output,
    reading_order,
    run_batch,
    start_ray,
    unfinished_shards,
)
from sitreps.ingest import read_inputs
from sitreps.parallel import DocumentCoder, PipelineSettings, RunStats, ingest_documents
from sitreps.pipeline import Result
from sitreps.records import Event, RawDocument
from sitreps.store import open_store

STORIES = [
    (
        "Djibo",
        "2021-03-07",
        "Gunmen on motorbikes attacked the market in Djibo, Burkina Faso, "
        "on Sunday, killing eleven traders, local officials said. The army sent reinforcements "
        "to the town on Monday.",
    ),
    (
        "Mandera",
        "2021-04-13",
        "Suspected militants ambushed a police patrol near Mandera, "
        "Kenya, on Tuesday, killing three officers, police said. A second patrol was fired on "
        "later the same day.",
    ),
    (
        "Taiz",
        "2021-04-20",
        "An air strike hit a fuel depot on the outskirts of Taiz, Yemen, "
        "on Tuesday, killing four workers, medics said.",
    ),
    (
        "Gao",
        "2021-05-02",
        "A roadside bomb struck a minibus on the road out of Gao, Mali, on "
        "Sunday, killing six passengers, the regional governor said.",
    ),
]
QUIET = ("The town council of a small coastal resort voted on Thursday to extend the opening "
         "hours of the public library and to repaint the harbour railings before the summer.")  # fmt: skip


def page(title: str, date: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="{date}"></head><body>'
        f"<nav>Home | World | Africa</nav><article><h1>{title}</h1>"
        f"<p>{body}</p><p>{body.split(',')[0]} was calm on the following morning, residents "
        "said, though many shops stayed shut.</p></article><footer>Contact us</footer>"
        "</body></html>"
    )


def write_input(folder: Path) -> Path:
    """Four pages in the folder, one quiet page and a JSONL corpus in a subfolder, a binary
    file, and a JSONL line that is not JSON."""
    folder.mkdir(parents=True)
    for number, (place, date, body) in enumerate(STORIES):
        (folder / f"{number}_{place.lower()}.html").write_text(
            page(f"Attack in {place}", date, body)
        )
    (folder / "zz_broken.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    sub = folder / "corpus"
    sub.mkdir()
    (sub / "a_quiet.html").write_text(page("Library hours", "2021-06-01", QUIET))
    records = [
        {"id": "w1", "date": "2021-03-09", "text": "Police fired tear gas at hundreds of "
         "protesters in Nairobi on Tuesday; twenty were arrested, witnesses said."},
        "this line is not JSON",
        {"id": "w2", "date": "2021-04-14", "text": "Gunmen killed two herders near Wajir, "
         "Kenya, on Wednesday, elders said."},
    ]  # fmt: skip
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    (sub / "wire.jsonl").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture(scope="module")
def local_ray():
    import ray

    start_ray(None, num_cpus=2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory, local_ray):
    root = tmp_path_factory.mktemp("batch")
    input_dir = write_input(root / "in")
    stats = run_batch(input_dir, root / "out", num_cpus=2, batch_size=2)
    return input_dir, root / "out", stats


@pytest.fixture(scope="module")
def ingested(batch_run, tmp_path_factory):
    """What `sitreps ingest INPUT_DIR` stores for the same folder."""
    input_dir = batch_run[0]
    db = tmp_path_factory.mktemp("ingest") / "ingest.db"
    with DocumentCoder(PipelineSettings(), workers=1) as coder, open_store(db) as store:
        ingest_documents(read_inputs([str(input_dir)]), store, coder, RunStats())
    return db


def stored(db: Path) -> dict:
    with sqlite3.connect(db) as conn:

        def rows(sql: str) -> list:
            return sorted(tuple(r) for r in conn.execute(sql))

        return {
            "documents": rows("SELECT content_hash, input, kind, size, status, article_id "
                              "FROM documents"),
            "articles": rows("SELECT id, content_hash, input, url, title, text, date FROM articles"),
            "events": rows("SELECT id, incident_id, record FROM events"),
            "incidents": rows("SELECT * FROM incidents"),
            "errors": rows("SELECT input, stage, error FROM errors"),
        }  # fmt: skip


# ------------------------------------------------------------------ the output folder


def test_events_are_parquet_partitioned_by_month_and_country(batch_run):
    import pyarrow.dataset as ds

    _input, out, stats = batch_run
    assert stats.shards == 7 and stats.actors == 2 and stats.events > 0
    folders = {p.relative_to(out / EVENTS).parent.as_posix()
               for p in (out / EVENTS).rglob("*.parquet")}  # fmt: skip
    assert "year_month=2021-03/country=BF" in folders
    assert "year_month=2021-04/country=KE" in folders
    table = ds.dataset(out / EVENTS, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == stats.events
    for row in table.to_pylist():
        event = Event.model_validate_json(row["record"])
        assert row["year_month"] == event.date[:7] and row["country"] == event.location.country
        assert row["id"] == event.id and row["incident_id"] is None  # linked at load


def test_failures_are_recorded_with_their_reason(batch_run):
    import pyarrow.dataset as ds

    _input, out, stats = batch_run
    failures = ds.dataset(out / FAILURES, format="parquet").to_table().to_pylist()
    reasons = {Path(f["input"]).name: f["error"] for f in failures}
    assert "binary" in reasons["zz_broken.html"]
    assert "bad JSON on line 2" in reasons["wire.jsonl#line-2"]
    assert stats.errors == len(failures) == 2


def test_every_record_is_in_one_finished_chunk(batch_run):
    _input, out, stats = batch_run
    output = BatchOutput(out)
    assert len(output.done_shards()) == stats.shards and unfinished_shards(out) == []
    seqs: dict[str, list[int]] = {}
    for manifest in output.manifests():
        for part in manifest["shards"].values():
            seqs.setdefault(part["name"], []).extend(part["seqs"])
        assert all((out / f).exists() for f in manifest["files"])
    assert {name: sorted(s) for name, s in seqs.items()}["corpus/wire.jsonl"] == [0, 1, 2]
    assert sum(len(s) for s in seqs.values()) == stats.records == 9
    assert not list(out.rglob("*.tmp")) and not list((out / IN_FLIGHT).glob("*"))


def test_a_finished_batch_run_again_codes_nothing(batch_run):
    input_dir, out, _stats = batch_run
    again = run_batch(input_dir, out, num_cpus=2)
    assert again.records == 0 and again.shards_already_done == again.shards == 7


def test_a_batch_folder_is_not_reused_with_other_settings(batch_run, tmp_path):
    input_dir, out, _stats = batch_run
    with pytest.raises(BatchError, match="other settings"):
        run_batch(input_dir, out, fast=True)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="not a batch output"):
        run_batch(input_dir, tmp_path / "taken")
    with pytest.raises(BatchError, match="not the output"):
        load_output(tmp_path / "taken", None)  # type: ignore[arg-type]


# ------------------------------------------------------------------ load


def test_load_stores_what_ingest_stores(batch_run, ingested, tmp_path):
    _input, out, _stats = batch_run
    db = tmp_path / "loaded.db"
    with open_store(db) as store:
        stats = load_output(out, store)
    assert stats.stored == 7 and stats.errors == 2 and stats.events > 0
    loaded, expected = stored(db), stored(ingested)
    assert loaded == expected
    assert all(incident for _id, incident, _record in loaded["events"])


def test_load_again_stores_nothing_twice(batch_run, tmp_path):
    _input, out, _stats = batch_run
    db = tmp_path / "twice.db"
    with open_store(db) as store:
        load_output(out, store)
    first = stored(db)
    with open_store(db) as store:
        again = load_output(out, store)
    assert again.stored == again.errors == 0 and again.already_stored == 7
    assert stored(db) == first


def test_load_command(batch_run, tmp_path):
    _input, out, _stats = batch_run
    db = tmp_path / "cli.db"
    done = subprocess.run([sys.executable, "-m", "sitreps", "load", str(out), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "7 articles" in done.stderr and "2 errors recorded" in done.stderr
    with open_store(db) as store:
        assert store.counts()["articles"] == 7


def test_shards_load_in_the_order_ingest_reads_them():
    names = ["b.html", "a/z.html", "a.html", "a/b/c.html", "a/y.html", "c/a.html"]
    assert sorted(names, key=reading_order) == [
        "a.html", "b.html", "a/y.html", "a/z.html", "a/b/c.html", "c/a.html"
    ]  # fmt: skip


# ------------------------------------------------------------------ interruptions


class _DyingCoder:
    """Stands in for an actor's coder: records what it was asked to code."""

    def __init__(self) -> None:
        self.coded: list[str] = []

    def code(self, documents):
        for document in documents:
            self.coded.append(document.input)
            yield Result(input=document.input, raw=document)


def test_a_document_that_killed_an_actor_is_recorded_as_lost(tmp_path):
    coder = ChunkCoder.__new__(ChunkCoder)  # no pipeline: the coder is a stand-in
    coder.coder, coder.output = _DyingCoder(), tmp_path
    documents = {seq: RawDocument(input=f"doc{seq}", content=b"x") for seq in range(3)}
    (tmp_path / IN_FLIGHT).mkdir()
    (tmp_path / IN_FLIGHT / "s-000000000.json").write_text("{}")  # an attempt died...
    (tmp_path / IN_FLIGHT / "s-000000000.1").touch()  # ... while coding doc1
    results = coder._code("s-000000000", documents)
    assert coder.coder.coded == ["doc0", "doc2"]
    assert results[1].error is not None and "died" in results[1].error.error


@pytest.mark.slow
def test_an_interrupted_batch_resumes_without_losing_or_repeating(batch_run, tmp_path):
    """A run that stopped midway: one shard unfinished (one chunk written, one not), files of
    a chunk without manifest, a temporary file."""
    import shutil

    input_dir, finished, _stats = batch_run
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    chunk = next(m for m in BatchOutput(out).manifests()
                 if any(p["name"] == "corpus/wire.jsonl" for p in m["shards"].values()))  # fmt: skip
    for shard in chunk["shards"]:  # a shard is marked done only once all its chunks are
        (out / SHARDS / f"{shard}.json").unlink()
    (out / CHUNKS / f"{chunk['chunk']}.json").unlink()  # its files stay: they are orphans now
    (out / DOCUMENTS / ".x.parquet.1234.tmp").write_bytes(b"half")
    resumed = run_batch(input_dir, out, num_cpus=2, batch_size=2)
    assert resumed.records == chunk["records"] and resumed.removed_files >= 2
    assert resumed.shards_already_done == 7 - len(chunk["shards"]) and unfinished_shards(out) == []
    loaded = {}
    for name, folder in (("finished", finished), ("resumed", out)):
        with open_store(tmp_path / f"{name}.db") as store:
            load_output(folder, store)
        loaded[name] = stored(tmp_path / f"{name}.db")
    assert loaded["resumed"] == loaded["finished"]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sitreps", *args]


@pytest.mark.slow
def test_kill_9_then_batch_again_loses_nothing_and_codes_nothing_twice(tmp_path):
    input_dir = write_input(tmp_path / "in")
    for copy in range(6):  # more shards and chunks, so that the kill falls between two
        text = (input_dir / "corpus" / "wire.jsonl").read_text()
        (input_dir / "corpus" / f"more_{copy}.jsonl").write_text(text.replace('"w', f'"c{copy}w'))
    out = tmp_path / "out"
    command = _cli("batch", str(input_dir), str(out), "--num-cpus", "2", "--batch-size", "1")
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while run.poll() is None and time.monotonic() < deadline:
            if len(list((out / CHUNKS).glob("*.json"))) >= 2:
                break
            time.sleep(0.05)
        os.kill(run.pid, signal.SIGKILL)  # the command; its local Ray goes with it
        run.wait(timeout=30)
    finally:
        time.sleep(2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)  # Ray's agents, if they outlived it
    assert len(BatchOutput(out).done_shards()) < 13, "the run must be killed midway"
    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "records were done" in again.stderr
    output = BatchOutput(out)
    assert len(output.done_shards()) == 13 and unfinished_shards(out) == []
    seqs = [(shard, seq) for m in output.manifests()
            for shard, part in m["shards"].items() for seq in part["seqs"]]  # fmt: skip
    assert len(seqs) == len(set(seqs)) == 9 + 6 * 3  # every record once
