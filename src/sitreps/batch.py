"""Code a folder of shards on Ray, into Parquet; bring the Parquet into the store (`load`).

`run_batch` lists the input files (the shards: WARC, JSONL, CSV, HTML, text), and maps them
with Ray Data: a read task per shard turns it into documents with the readers that `ingest`
uses (`sitreps.ingest.read_inputs`), and an actor pool codes them, each actor with one loaded
pipeline (`sitreps.parallel.DocumentCoder`, the coder of `extract` and `ingest`). Each actor
writes what it coded itself, one *chunk* per (batch, shard):

    OUTPUT/events/year_month=YYYY-MM/country=CC/<chunk>.parquet   v1 events (flat + JSON)
    OUTPUT/documents/<chunk>.parquet    one row per input record: article, events, error
    OUTPUT/failures/<chunk>.parquet     the records that gave no article, with the reason
    OUTPUT/_chunks/<chunk>.json         the chunk's manifest, written last
    OUTPUT/_shards/<shard>.json         a shard whose every record is in a chunk
    OUTPUT/_batch.json                  the run's settings

Every file is written under a temporary name and renamed; a chunk exists once its manifest
does. A run killed with -9 and started again removes the files of chunks without a manifest,
skips finished shards, and reads the others again skipping the records already in a chunk:
nothing is lost, nothing is coded twice. `load_output` brings the chunks into a store in the
order `ingest` would have read the same folder, so the stored articles, events, copies and
incidents are those of `sitreps ingest INPUT_DIR`; it skips what is stored (idempotent).

Ray is imported only here, and only when a run starts. See docs/scale.md.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitreps.parallel import (
    LOST_REASON,
    CopyFinder,
    Document,
    DocumentCoder,
    PipelineSettings,
    lost_document,
)
from sitreps.records import Article, DocumentError, Event, stable_id

if TYPE_CHECKING:
    import pyarrow as pa

    from sitreps.pipeline import Result
    from sitreps.store import Store

EVENTS = "events"
DOCUMENTS = "documents"
FAILURES = "failures"
CHUNKS = "_chunks"
SHARDS = "_shards"
IN_FLIGHT = "_in_flight"  # chunks being coded: which attempt killed its actor
RUN_FILE = "_batch.json"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
FORMAT_VERSION = 1
DEFAULT_BATCH_SIZE = 32  # documents an actor codes (and writes as one chunk) at a time
LOCAL_OBJECT_STORE_BYTES = 1_000_000_000  # a local Ray shares the machine: keep its store small
NO_TOTAL = -1
READ_GROUP_FILES = 64
DOCUMENT_BLOCK_BYTES = 64 * 1024
READ_GROUP_BYTES = 64_000_000
READERS_PER_ACTOR = 1 / 8  # reading is ~1% of coding: a few read tasks keep the actors fed


class BatchError(Exception):
    """A batch that cannot run as asked (a clear reason for the user)."""


# ---------------------------------------------------------------------------- shards


@dataclass(frozen=True)
class Shard:
    """One input file. ``name`` is its path relative to the input folder; ``path`` is the
    path read (as `ingest INPUT_DIR` names it, so document names are the same)."""

    id: str
    name: str
    path: str
    size: int


def list_shards(input_dir: str | Path) -> tuple[list[Shard], list[DocumentError]]:
    """The input files in the order `ingest` reads them, and the paths that cannot be read."""
    from sitreps.ingest import expand_paths

    root = Path(input_dir)
    if not root.exists():
        raise BatchError(f"{input_dir}: no such file or directory")
    shards, errors = [], []
    for item in expand_paths([str(input_dir)]):
        if isinstance(item, DocumentError):
            errors.append(item)
            continue
        path = Path(item)
        name = path.relative_to(root).as_posix() if root.is_dir() else path.name
        size = path.stat().st_size
        shards.append(Shard(id=stable_id(name, size), name=name, path=item, size=size))
    return shards, errors


def reading_order(name: str) -> tuple:
    """Sort key of a shard name that gives the order of `ingest`'s walk: a folder's files
    (by name) before its subfolders (by name)."""
    *folders, file_name = name.split("/")
    return (*((1, folder) for folder in folders), (0, file_name))


# ---------------------------------------------------------------------------- output folder


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """``write(tmp)`` then rename: readers see the whole file or none (same filesystem)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_json(path: Path, data: dict) -> None:
    _write_atomically(path, lambda tmp: tmp.write_text(json.dumps(data, ensure_ascii=False)))


class BatchOutput:
    """The output folder of a batch: its settings, finished shards and chunks."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def prepare(self, settings: PipelineSettings, input_dir: str) -> None:
        """Check that the folder is new or a batch with the same settings; note the settings."""
        wanted = {"format": FORMAT_VERSION, "input": str(input_dir),
                  "fast": settings.fast, "include_unreal": settings.include_unreal}  # fmt: skip
        run_file = self.root / RUN_FILE
        if run_file.exists():
            found = json.loads(run_file.read_text())
            changed = [k for k in ("format", "fast", "include_unreal") if found.get(k) != wanted[k]]
            if changed:
                raise BatchError(
                    f"{self.root} holds a batch run with other settings ({', '.join(changed)}): "
                    "run again with the same options, or choose another output folder"
                )
            return
        if self.root.exists() and (not self.root.is_dir() or any(self.root.iterdir())):
            raise BatchError(f"{self.root} exists and is not a batch output: choose another")
        _write_json(run_file, wanted)

    def is_batch_output(self) -> bool:
        return (self.root / RUN_FILE).exists()

    def done_shards(self) -> set[str]:
        folder = self.root / SHARDS
        return {p.stem for p in folder.glob("*.json")} if folder.is_dir() else set()

    def manifests(self) -> list[dict]:
        folder = self.root / CHUNKS
        if not folder.is_dir():
            return []
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]

    def records_by_shard(self) -> dict[str, list[int]]:
        """Shard id -> the seqs of its records that are in a chunk."""
        found: dict[str, list[int]] = {}
        for manifest in self.manifests():
            for shard, part in manifest["shards"].items():
                found.setdefault(shard, []).extend(part["seqs"])
        return found

    def remove_unfinished(self) -> int:
        """Delete the files of chunks that have no manifest (a killed run's), and temporary
        files; returns how many files were removed."""
        chunks = {p.stem for p in (self.root / CHUNKS).glob("*.json")}
        removed = 0
        for path in (self.root / IN_FLIGHT).glob("*"):
            path.unlink()  # the next attempt of a chunk is a fresh one
        for folder in (EVENTS, DOCUMENTS, FAILURES, CHUNKS, SHARDS):
            for path in (self.root / folder).rglob("*"):
                orphan = path.suffix == ".parquet" and path.stem not in chunks
                if path.is_file() and (orphan or path.name.endswith(".tmp")):
                    path.unlink()
                    removed += 1
        return removed

    def mark_shard_done(self, shard: Shard, summary: dict) -> None:
        _write_json(self.root / SHARDS / f"{shard.id}.json", {**asdict(shard), **summary})


# ---------------------------------------------------------------------------- reading (Ray task)


def read_shards(group: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The records of a group of shards (a Ray task reads several small files), in order."""
    for shard in group["shards"]:
        yield from read_shard(shard)


def read_shard(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The records of one shard as rows, numbered in reading order (``seq``); records passed
    over on purpose (WARC requests...) are rows too, with the reason. Rows whose seq is in
    ``done`` (already in a chunk) are left out; a last row gives the shard's ``total``."""
    from sitreps.ingest import read_inputs

    done = set(row["done"])
    skipped: list[tuple[str, str]] = []
    seq = 0

    def emit(document: bytes, skip: str) -> Iterator[dict[str, Any]]:
        nonlocal seq
        if seq not in done:
            yield {"shard": row["shard"], "name": row["name"], "seq": seq,
                   "document": document, "skip": skip, "total": NO_TOTAL}  # fmt: skip
        seq += 1

    def skip_rows() -> Iterator[dict[str, Any]]:
        while skipped:
            name, reason = skipped.pop(0)
            yield from emit(pickle.dumps(DocumentError(input=name, stage="skipped",
                                                       error=reason)), reason)  # fmt: skip

    for document in read_inputs([row["path"]], on_skip=lambda n, r: skipped.append((n, r))):
        yield from skip_rows()
        yield from emit(pickle.dumps(document), "")
    yield from skip_rows()
    yield {"shard": row["shard"], "name": row["name"], "seq": seq, "document": b"", "skip": "",
           "total": seq}  # fmt: skip


def read_groups(shards: list[Shard], done: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Shards in groups of at most READ_GROUP_FILES files or READ_GROUP_BYTES bytes: one read
    task per group (a folder of single pages is not one task per page)."""
    groups: list[list[dict[str, Any]]] = []
    size = 0
    for shard in shards:
        if not groups or len(groups[-1]) >= READ_GROUP_FILES or size >= READ_GROUP_BYTES:
            groups.append([])
            size = 0
        groups[-1].append({"shard": shard.id, "name": shard.name, "path": shard.path,
                           "done": done.get(shard.id, [])})  # fmt: skip
        size += shard.size
    return [{"shards": group} for group in groups]


# ---------------------------------------------------------------------------- coding (Ray actor)


class ChunkCoder:
    """A Ray Data actor: loads one pipeline, codes each batch of documents and writes it as
    chunks (one per shard in the batch); returns one summary row per chunk."""

    def __init__(self, settings: PipelineSettings, output: str) -> None:
        self.coder = DocumentCoder(settings, workers=1)  # the pipeline, in this process
        self.coder.warm_up()
        self.output = Path(output)

    def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        rows = batch.to_pylist()
        records = sorted((r for r in rows if r["total"] == NO_TOTAL),
                         key=lambda r: (r["shard"], r["seq"]))  # fmt: skip
        summary = {"records": [[r["shard"], r["seq"]] for r in records],
                   "totals": {r["shard"]: r["total"] for r in rows if r["total"] != NO_TOTAL},
                   "events": 0, "errors": 0, "skipped": 0, "bytes": 0}  # fmt: skip
        if records:
            counts = self._code_chunk(records)
            summary.update({k: counts[k] for k in ("events", "errors", "skipped", "bytes")})
        return pa.Table.from_pylist([{"summary": json.dumps(summary)}])

    def _code_chunk(self, records: list[dict]) -> dict[str, int]:
        chunk = chunk_name(records[0]["shard"], records[0]["seq"])
        documents = [pickle.loads(r["document"]) for r in records]
        to_code = {i: documents[i] for i, r in enumerate(records) if not r["skip"]}
        results = self._code(chunk, to_code)
        coded = [
            Record(r["shard"], r["name"], r["seq"], None if i in results else documents[i],
                   results.get(i))
            for i, r in enumerate(records)
        ]  # fmt: skip
        counts = write_chunk(self.output, chunk, coded)
        _clear_in_flight(self.output, chunk)
        return counts

    def _code(self, chunk: str, documents: dict[int, Document]) -> dict[int, Result]:
        """Each document's result. A chunk whose earlier attempt killed its actor (a segfault,
        the OOM killer) is coded one document at a time, and a document that was being coded
        when an actor died is not coded again but recorded as lost: one bad page costs an
        actor restart or two, never the run."""
        marker = self.output / IN_FLIGHT / f"{chunk}.json"
        if not marker.exists():
            _write_json(marker, {"documents": len(documents)})
            return dict(zip(documents, self.coder.code(documents.values()), strict=True))
        results = {}
        for index, document in documents.items():
            doc_marker = self.output / IN_FLIGHT / f"{chunk}.{index}"
            if doc_marker.exists():
                results[index] = lost_document(document, LOST_REASON)
                continue
            doc_marker.touch()
            results[index] = next(iter(self.coder.code([document])))
        return results


def bound_chunk_coder(settings: PipelineSettings, output: str) -> type[ChunkCoder]:
    """ChunkCoder with its arguments built in: an actor class that needs no constructor
    arguments can always be restarted (Ray keeps the class, not arguments that may be gone)."""

    class BoundChunkCoder(ChunkCoder):
        def __init__(self) -> None:
            super().__init__(settings, output)

    return BoundChunkCoder


def chunk_name(shard: str, first_seq: int) -> str:
    return f"{shard}-{first_seq:09d}"


def _clear_in_flight(output: Path, chunk: str) -> None:
    for path in (output / IN_FLIGHT).glob(f"{chunk}.*"):
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- writing a chunk


def document_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([
        ("shard", pa.string()), ("seq", pa.int64()), ("input", pa.string()),
        ("content_hash", pa.string()), ("kind", pa.string()), ("size", pa.int64()),
        ("status", pa.string()), ("stage", pa.string()), ("error", pa.string()),
        ("article", pa.string()), ("events", pa.string()),
    ])  # fmt: skip


def failure_schema() -> pa.Schema:
    import pyarrow as pa

    names = ("shard", "seq", "input", "content_hash", "status", "stage", "error")
    return pa.schema([document_schema().field(name) for name in names])


def event_file_schema() -> pa.Schema:
    """The columns of `sitreps export --format parquet`, less the partition columns, and the
    v1 record as JSON (``record``)."""
    import pyarrow as pa

    from sitreps.export import parquet_schema

    schema = parquet_schema()
    for name in ("year_month", "country"):
        schema = schema.remove(schema.get_field_index(name))
    return schema.append(pa.field("record", pa.string()))


def document_row(
    shard: str, seq: int, skipped: DocumentError | None, result: Result | None
) -> dict[str, Any]:
    """One input record as a row of documents/: status coded, error or skipped."""
    if skipped is not None:
        return {"shard": shard, "seq": seq, "input": skipped.input, "status": "skipped",
                "stage": skipped.stage, "error": skipped.error}  # fmt: skip
    assert result is not None
    raw = result.raw
    row: dict[str, Any] = {
        "shard": shard, "seq": seq, "input": result.input,
        "content_hash": raw.content_hash if raw is not None else None,
        "kind": raw.kind if raw is not None else None,
        "size": len(raw.content) if raw is not None else None,
    }  # fmt: skip
    if result.error is not None:
        error = result.error
        return {**row, "status": "error", "stage": error.stage, "error": error.error,
                "content_hash": row["content_hash"] or error.content_hash}  # fmt: skip
    assert result.article is not None
    events = json.dumps([e.model_dump(mode="json") for e in result.events], ensure_ascii=False)
    return {**row, "status": "coded", "article": result.article.model_dump_json(),
            "events": events}  # fmt: skip


def event_row(event: Event) -> tuple[tuple[str, str], dict[str, Any]]:
    """(year_month, country) partition and the file row of one event."""
    from sitreps.export import parquet_row

    row = parquet_row(event)
    partition = (row.pop("year_month") or HIVE_NULL, row.pop("country") or HIVE_NULL)
    row["record"] = event.model_dump_json()
    return partition, row


@dataclass(frozen=True)
class Record:
    """One input record of a chunk: a document's result, or a record passed over."""

    shard: str
    name: str
    seq: int
    skipped: DocumentError | None
    result: Result | None


def write_chunk(output: Path, chunk: str, records: list[Record]) -> dict[str, int]:
    """Write one chunk: its files, then its manifest (which records of which shards)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    documents = [document_row(r.name, r.seq, r.skipped, r.result) for r in records]
    failures = [d for d in documents if d["status"] != "coded"]
    partitions: dict[tuple[str, str], list[dict]] = {}
    for record in records:
        if record.result is not None and record.result.error is None:
            for event in record.result.events:
                partition, row = event_row(event)
                partitions.setdefault(partition, []).append(row)
    files: list[str] = []

    def put(relative: str, rows: list[dict], schema: pa.Schema) -> None:
        table = pa.Table.from_pylist(rows, schema=schema)
        _write_atomically(output / relative, lambda tmp: pq.write_table(table, tmp))
        files.append(relative)

    put(f"{DOCUMENTS}/{chunk}.parquet", documents, document_schema())
    if failures:
        put(f"{FAILURES}/{chunk}.parquet", failures, failure_schema())
    events_schema = event_file_schema()
    for (month, country), rows in sorted(partitions.items()):
        put(f"{EVENTS}/year_month={month}/country={country}/{chunk}.parquet", rows, events_schema)
    counts = {
        "records": len(records), "events": sum(len(rows) for rows in partitions.values()),
        "errors": sum(d["status"] == "error" for d in documents),
        "skipped": sum(d["status"] == "skipped" for d in documents),
        "bytes": sum(d.get("size") or 0 for d in documents),
    }  # fmt: skip
    shards: dict[str, dict] = {}
    for record in records:
        shards.setdefault(record.shard, {"name": record.name, "seqs": []})["seqs"].append(
            record.seq
        )
    manifest = {"chunk": chunk, "shards": shards, "files": files, **counts}
    _write_json(output / CHUNKS / f"{chunk}.json", manifest)
    return counts


# ---------------------------------------------------------------------------- the run


@dataclass
class BatchStats:
    shards: int = 0
    shards_already_done: int = 0
    records: int = 0  # coded in this run (documents, errors and skipped records)
    records_already_done: int = 0  # in chunks of an earlier, interrupted run
    events: int = 0
    errors: int = 0
    skipped: int = 0
    bytes: int = 0
    removed_files: int = 0  # of chunks an interrupted run left unfinished
    actors: int = 0
    started: float = field(default_factory=time.perf_counter)
    load_seconds: float = 0.0  # Ray start-up
    elapsed: float = 0.0

    @property
    def documents_per_second(self) -> float:
        coding = self.elapsed - self.load_seconds
        return (self.records - self.skipped) / coding if coding > 0 else 0.0

    def add(self, summary: dict) -> None:
        self.records += len(summary["records"])
        for name in ("events", "errors", "skipped", "bytes"):
            setattr(self, name, getattr(self, name) + summary[name])

    def summary(self) -> str:
        resumed = (
            f"; resumed: {self.shards_already_done} shards and {self.records_already_done} "
            f"records were done, {self.removed_files} unfinished files removed"
            if self.shards_already_done or self.records_already_done or self.removed_files
            else ""
        )
        return (
            f"{self.shards} shards, {self.records} records coded ({self.errors} errors, "
            f"{self.skipped} passed over), {self.events} events in {self.elapsed:.1f}s "
            f"(Ray start {self.load_seconds:.1f}s; {self.documents_per_second:.1f} docs/s, "
            f"{self.actors} actors{resumed})"
        )


def start_ray(address: str | None, num_cpus: int | None) -> None:
    """Connect to a Ray cluster, or start a local one that stays on this machine."""
    import ray

    if ray.is_initialized():
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nothing leaves the machine
    if address:
        ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
        return
    ray.init(
        "local",  # a new Ray of our own, never one that another command left running here
        num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
        object_store_memory=LOCAL_OBJECT_STORE_BYTES, _node_ip_address="127.0.0.1",
        logging_level=logging.ERROR,  # not the notice that a token guards the local cluster
    )  # fmt: skip


def run_batch(
    input_dir: str | Path,
    output_dir: str | Path,
    *,
    address: str | None = None,
    num_cpus: int | None = None,
    actors: int | None = None,
    fast: bool = False,
    include_unreal: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[BatchStats], None] | None = None,
) -> BatchStats:
    """Code every shard of ``input_dir`` not yet in ``output_dir``; see the module docstring.

    ``actors`` defaults to the CPUs of the Ray cluster (``num_cpus`` for a local one).
    """
    stats = BatchStats()
    settings = PipelineSettings(include_unreal=include_unreal, fast=fast, dedupe=False)
    output = BatchOutput(output_dir)
    shards, path_errors = list_shards(input_dir)
    if path_errors:
        raise BatchError("; ".join(f"{e.input}: {e.error}" for e in path_errors))
    output.prepare(settings, str(input_dir))
    stats.shards = len(shards)
    stats.removed_files = output.remove_unfinished()
    done_shards = output.done_shards()
    stats.shards_already_done = sum(s.id in done_shards for s in shards)
    done_records = output.records_by_shard()
    todo = [s for s in shards if s.id not in done_shards]
    stats.records_already_done = sum(len(done_records.get(s.id, [])) for s in todo)
    if todo:
        start_ray(address, num_cpus)
        stats.load_seconds = time.perf_counter() - stats.started
        _run(todo, output, settings, done_records, stats, actors, batch_size, on_progress)
    stats.elapsed = time.perf_counter() - stats.started
    return stats


def _run(
    shards: list[Shard],
    output: BatchOutput,
    settings: PipelineSettings,
    done_records: dict[str, list[int]],
    stats: BatchStats,
    actors: int | None,
    batch_size: int,
    on_progress: Callable[[BatchStats], None] | None,
) -> None:
    import ray
    import ray.data

    by_id = {s.id: s for s in shards}
    stats.actors = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
    groups = read_groups(shards, done_records)
    # Ray Data restarts a dead actor and retries its batch as often as it takes; ChunkCoder
    # makes sure each retry gets further (a document that kills an actor is recorded as lost)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.verbose_progress = False
    # small blocks of documents, so that one read task feeds every actor (one block is one
    # actor call at least; Ray's default block, 128 MB, would be a whole shard)
    context.target_max_block_size = DOCUMENT_BLOCK_BYTES
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # not "progress bars disabled"
    readers = max(1, min(len(groups), round(stats.actors * READERS_PER_ACTOR)))
    dataset = (
        ray.data.from_items(groups, override_num_blocks=len(groups))
        # reading is cheap beside coding: a few tasks, and no CPU slot taken from the actors
        .flat_map(read_shards, num_cpus=0, compute=ray.data.TaskPoolStrategy(size=readers))
        .map_batches(
            bound_chunk_coder(settings, str(output.root)), batch_size=batch_size,
            batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=stats.actors),
            num_cpus=1,
        )
    )  # fmt: skip
    counted = {s.id: len(done_records.get(s.id, [])) for s in shards}
    totals: dict[str, int] = {}
    for row in dataset.iter_rows():
        summary = json.loads(row["summary"])
        stats.add(summary)
        for shard, _seq in summary["records"]:
            counted[shard] += 1
        totals.update(summary["totals"])
        for shard in {s for s, _seq in summary["records"]} | set(summary["totals"]):
            if totals.get(shard) == counted[shard]:
                output.mark_shard_done(by_id[shard], {"records": counted[shard]})
        if on_progress is not None:
            on_progress(stats)


# ---------------------------------------------------------------------------- load


@dataclass
class LoadStats:
    chunks: int = 0
    documents: int = 0  # coded documents read from the chunks
    stored: int = 0
    already_stored: int = 0
    duplicates: int = 0
    events: int = 0
    errors: int = 0  # recorded in the store in this run
    skipped: int = 0  # records passed over by the readers (not stored, as by ingest)
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.chunks} chunks, {self.documents} documents ({self.already_stored} already "
            f"stored, {self.duplicates} copies of another), {self.stored} articles and "
            f"{self.events} events stored, {self.errors} errors recorded, {self.skipped} "
            f"records passed over, in {self.elapsed:.1f}s"
        )


def load_output(
    output_dir: str | Path,
    store: Store,
    *,
    dedupe: bool = True,
    on_document: Callable[[], None] | None = None,
) -> LoadStats:
    """Store a batch output's documents in the order `ingest` would have read them: articles
    with their events (linked into incidents), copies as copies, errors as errors.

    Idempotent: a document already stored is skipped, an error already recorded is not
    recorded again. ``dedupe`` finds syndicated copies as `ingest` does.
    """
    output = BatchOutput(output_dir)
    if not output.is_batch_output():
        raise BatchError(f"{output_dir} is not the output of `sitreps batch`")
    stats = LoadStats()
    copies = CopyFinder() if dedupe else None
    recorded = {(e.input, e.stage, e.error) for e in store.errors()}
    tables = _ChunkTables(output.root)
    for shard, chunks in _chunks_by_shard(output):
        stats.chunks += len(chunks)
        for row in _shard_documents(tables, shard, chunks):
            _load_document(store, row, copies, recorded, stats)
            if on_document is not None:
                on_document()
    stats.elapsed = time.perf_counter() - stats.started
    return stats


def unfinished_shards(output_dir: str | Path) -> list[str]:
    """Names of the shards with chunks but no completion mark (an interrupted batch)."""
    output = BatchOutput(output_dir)
    done = output.done_shards()
    return sorted({part["name"] for manifest in output.manifests()
                   for shard, part in manifest["shards"].items() if shard not in done})  # fmt: skip


def _chunks_by_shard(output: BatchOutput) -> list[tuple[str, list[str]]]:
    """(shard name, the chunks that hold its records), shards in the order `ingest` reads
    the input folder."""
    by_shard: dict[str, list[str]] = {}
    for manifest in output.manifests():
        for part in manifest["shards"].values():
            by_shard.setdefault(part["name"], []).append(manifest["chunk"])
    return sorted(by_shard.items(), key=lambda item: reading_order(item[0]))


class _ChunkTables:
    """The documents of the chunks read last (consecutive shards share chunks)."""

    def __init__(self, root: Path, keep: int = 8) -> None:
        self.root, self.keep = root, keep
        self._tables: dict[str, list[dict]] = {}

    def rows(self, chunk: str) -> list[dict]:
        import pyarrow.parquet as pq

        if chunk not in self._tables:
            if len(self._tables) >= self.keep:
                self._tables.pop(next(iter(self._tables)))
            table = pq.read_table(self.root / DOCUMENTS / f"{chunk}.parquet")
            self._tables[chunk] = table.to_pylist()
        return self._tables[chunk]


def _shard_documents(tables: _ChunkTables, shard: str, chunks: list[str]) -> list[dict]:
    """The document rows of one shard, in reading order (``seq``)."""
    rows = {
        row["seq"]: row for chunk in chunks for row in tables.rows(chunk) if row["shard"] == shard
    }
    return [rows[seq] for seq in sorted(rows)]


def _load_document(
    store: Store,
    row: dict,
    copies: CopyFinder | None,
    recorded: set[tuple[str, str, str]],
    stats: LoadStats,
) -> None:
    if row["status"] == "skipped":
        stats.skipped += 1
        return
    if row["status"] == "error":
        _record_error(store, DocumentError(input=row["input"], stage=row["stage"],
                                           error=row["error"], content_hash=row["content_hash"]),
                      recorded, stats)  # fmt: skip
        return
    stats.documents += 1
    content_hash = row["content_hash"]
    if store.has_document(content_hash):
        stats.already_stored += 1
        stored = store.stored_article(content_hash)
        if stored is not None and copies is not None:
            copies.remember(stored)  # later copies of it are copies, as in ingest
        return
    result = _result(row)
    if copies is not None:
        copies.mark(result)
    try:
        _store_result(store, row, result, stats)
    except Exception as exc:  # the store refuses one document: an error, never a stopped load
        error = DocumentError(input=row["input"], stage="store",
                              error=f"cannot store: {type(exc).__name__}: {exc}",
                              content_hash=content_hash)  # fmt: skip
        _record_error(store, error, recorded, stats)


def _result(row: dict) -> Result:
    from sitreps.pipeline import Result

    article = Article.model_validate_json(row["article"])
    events = [Event.model_validate(e) for e in json.loads(row["events"])]
    return Result(input=row["input"], article=article, events=events)


def _store_result(store: Store, row: dict, result: Result, stats: LoadStats) -> None:
    """As `ingest` stores a coded document (sitreps.parallel)."""
    assert result.article is not None
    if result.duplicate_of is not None:
        store.record_duplicate(row["input"], row["content_hash"], result.duplicate_of,
                               kind=row["kind"], size=row["size"])  # fmt: skip
        stats.duplicates += 1
        return
    stored = store.save_article(result.article, result.events, kind=row["kind"],
                                size=row["size"], content_hash=row["content_hash"])  # fmt: skip
    stats.stored += 1
    stats.events += len(stored)


def _record_error(
    store: Store, error: DocumentError, recorded: set[tuple[str, str, str]], stats: LoadStats
) -> None:
    key = (error.input, error.stage, error.error)
    if key in recorded:
        return
    store.record_error(error)
    recorded.add(key)
    stats.errors += 1
