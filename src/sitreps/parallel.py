"""Code documents on every core: worker processes with one loaded pipeline each, one writer.

The main process reads the inputs, skips what is already stored, and streams the rest to the
workers in small batches; at most a few batches per worker are in flight, so the input is
never held in memory whole. Results come back in input order and are written by the main
process alone (SQLite has one writer). Near-duplicate detection is done in the main process
too, on the articles the workers return, so syndicated copies are stored once whatever worker
coded them (a worker codes a copy before the main process sees it is one; its events are
dropped). A worker that dies is reported; the batches it held are re-run one at a time to
find the document that kills it, which is recorded as an error. See docs/scale.md.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sitreps.dedupe import DuplicateFinder
from sitreps.records import Article, DocumentError, RawDocument

if TYPE_CHECKING:
    from sitreps.pipeline import Pipeline, Result
    from sitreps.store import Store

T = TypeVar("T")
R = TypeVar("R")
Document = RawDocument | DocumentError

START_METHOD = "spawn"  # no inherited state (threads, SQLite handles), same on every OS
DEFAULT_BATCH_SIZE = 4
BATCHES_PER_WORKER = 3  # in flight per worker: enough to keep it busy, little memory
MAX_CONSECUTIVE_CRASHES = 3  # deaths with nothing coded in between: give up
# With the number of workers left to the coder, up to this many documents are coded in the
# calling process: a pool costs about a second more to start than one pipeline takes to load,
# and saves only part of ~0.1 s a document per extra core.
IN_PROCESS_MAX_DOCUMENTS = 20
LOST_REASON = "the worker process died while coding this document"


class WorkerCrash(RuntimeError):
    """Worker processes keep dying with nothing coded in between: the run cannot go on."""


def default_workers() -> int:
    return os.cpu_count() or 1


def peak_rss_kb(pid: int | str = "self") -> int | None:
    """A process's peak resident set size (VmHWM) in kB, from /proc; None where there is none."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------- worker side


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    _exit_with_parent()
    if initializer is not None:
        initializer(*initargs)


def _exit_with_parent() -> None:
    """A worker whose main process was killed (kill -9) must not live on as an orphan."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _run_batch(work: Callable[[list[T]], list[R]], batch: list[T]) -> tuple[int, int | None, list]:
    return os.getpid(), peak_rss_kb(), work(batch)


def _pause(batch: list[float]) -> list[float]:
    time.sleep(batch[0])
    return batch


# ---------------------------------------------------------------------------- the pool


class OrderedPool(Generic[T, R]):
    """Maps ``work`` (a top-level function: batch -> one result per item) over a stream in
    worker processes, with bounded batches in flight, yielding results in input order.

    ``lost(item, reason)`` stands in for the result of an item whose worker died on it.
    """

    def __init__(
        self,
        work: Callable[[list[T]], list[R]],
        lost: Callable[[T, str], R],
        *,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple = (),
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_crash: Callable[[str], None] | None = None,
    ) -> None:
        self.work, self.lost, self.workers = work, lost, max(1, workers)
        self.initializer, self.initargs = initializer, initargs
        self.batch_size = max(1, batch_size)
        self.on_crash = on_crash
        self.peak_rss: dict[int, int] = {}  # worker pid -> peak RSS in kB
        self.crashes = 0
        self._consecutive_crashes = 0
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> OrderedPool[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def warm_up(self, work: Callable[[list], list] = _pause, batch: list | None = None) -> None:
        """Start every worker and run ``work(batch)`` (default: a short pause) about once on
        each, so that what loads lazily is loaded before a timed run (benchmarks)."""
        futures = [self._submit_call(work, batch or [0.2]) for _ in range(self.workers)]
        for future in futures:
            self._collect(future)

    def map(self, items: Iterable[T]) -> Iterator[R]:
        batches = _batched(items, self.batch_size)
        pending: deque[tuple[list[T], Future]] = deque()
        while True:
            while len(pending) < self.workers * BATCHES_PER_WORKER:
                batch = next(batches, None)
                if batch is None:
                    break
                pending.append((batch, self._submit_call(self.work, batch)))
            if not pending:
                return
            batch, future = pending[0]
            try:
                results = self._collect(future)
            except BrokenProcessPool as exc:
                broken = [b for b, _ in pending]
                pending.clear()
                self._crashed(exc)
                for b in broken:
                    yield from self._isolated(b)
                continue
            except Exception as exc:  # e.g. a result that cannot be pickled: lose the batch only
                results = self._lost_batch(batch, exc)
            pending.popleft()
            yield from results

    def _isolated(self, batch: list[T]) -> Iterator[R]:
        """Re-run a batch alone after a crash; if it kills its worker again, each document alone,
        so that only the document that kills a worker is lost."""
        try:
            results = self._collect(self._submit_call(self.work, batch))
        except BrokenProcessPool as exc:
            self._crashed(exc)
            if len(batch) == 1:
                yield self.lost(batch[0], LOST_REASON)
                return
            for item in batch:
                yield from self._isolated([item])
            return
        except Exception as exc:
            results = self._lost_batch(batch, exc)
        yield from results

    def _lost_batch(self, batch: list[T], exc: Exception) -> list[R]:
        return [self.lost(item, f"worker error: {type(exc).__name__}: {exc}") for item in batch]

    def _submit_call(self, work: Callable, batch: list) -> Future:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context(START_METHOD),
                initializer=_start_worker, initargs=(self.initializer, self.initargs),
            )  # fmt: skip
        try:
            return self._executor.submit(_run_batch, work, batch)
        except BrokenProcessPool as exc:  # a worker died between two batches
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    def _collect(self, future: Future) -> list:
        pid, peak, results = future.result()
        if peak is not None:
            self.peak_rss[pid] = max(peak, self.peak_rss.get(pid, 0))
        self._consecutive_crashes = 0
        return results

    def _crashed(self, exc: BaseException) -> None:
        self.crashes += 1
        self._consecutive_crashes += 1
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self.on_crash is not None:
            self.on_crash(f"a worker process died ({exc}); its documents are re-run one by one")
        if self._consecutive_crashes >= MAX_CONSECUTIVE_CRASHES:
            raise WorkerCrash(
                f"worker processes died {self._consecutive_crashes} times in a row with nothing "
                "coded in between (cannot load the pipeline? out of memory?)"
            ) from exc


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class PipelineSettings:
    """What a pipeline is made with; sent to each worker, which loads its own."""

    include_unreal: bool = False
    fast: bool = False
    dedupe: bool = True  # off: copies are coded like any page (benchmarks of repeated pages)


_worker_pipeline: Pipeline | None = None


def _load_worker_pipeline(settings: PipelineSettings) -> None:
    global _worker_pipeline
    from sitreps.pipeline import Pipeline

    # copies are found by the main process, which sees every article
    _worker_pipeline = Pipeline(include_unreal=settings.include_unreal, fast=settings.fast,
                                dedupe=False)  # fmt: skip


WARM_UP_TEXT = "Gunmen killed two people in Mandera on Sunday, police said on Monday."


def _warm_up_worker(batch: list[str]) -> list[str]:
    assert _worker_pipeline is not None
    _warm_up_pipeline(_worker_pipeline)
    time.sleep(0.2)  # so that the next warm-up call goes to another worker
    return batch


def _warm_up_pipeline(pipeline: Pipeline) -> None:
    """Load what the pipeline loads on first use (date recognizer, language identifier)."""
    pipeline.warm_up(WARM_UP_TEXT)


def code_batch(batch: list[Document]) -> list[Result]:
    """The per-document work of a worker: `Pipeline.process` on each, without the raw bytes
    (the main process still has them)."""
    assert _worker_pipeline is not None, "code_batch runs in a worker with a loaded pipeline"
    results = []
    for raw in batch:
        result = _worker_pipeline.process(raw)
        result.raw = None
        results.append(result)
    return results


def lost_document(raw: Document, reason: str) -> Result:
    from sitreps.pipeline import Result

    if isinstance(raw, DocumentError):
        return Result(input=raw.input, error=raw)
    error = DocumentError(input=raw.input, stage="worker", error=reason,
                          content_hash=raw.content_hash)  # fmt: skip
    return Result(input=raw.input, error=error, raw=raw)


class CopyFinder:
    """Syndicated copies across all workers, by the rule `Pipeline` uses (50+ words)."""

    def __init__(self) -> None:
        self._finder = DuplicateFinder()

    def remember(self, article: Article) -> None:
        """An article stored by an earlier run: later copies of it are copies."""
        if _long_enough(article):
            self._finder.add(article)

    def mark(self, result: Result) -> Result:
        if result.error is None and result.article is not None and _long_enough(result.article):
            canonical = self._finder.add(result.article)
            if canonical is not None:
                result.duplicate_of, result.events = canonical, []
        return result


def _long_enough(article: Article) -> bool:
    from sitreps.pipeline import MIN_WORDS_FOR_DEDUPE

    return len(article.text.split()) >= MIN_WORDS_FOR_DEDUPE


class DocumentCoder:
    """Codes a stream of documents in input order: in this process (``workers=1``, the
    pipeline's own duplicate check) or in a pool of worker processes.

    ``workers=None`` leaves the choice to the coder: a stream of at most
    ``IN_PROCESS_MAX_DOCUMENTS`` documents (one page, a few files) is coded in this process,
    a longer one by a pool with a worker per core. Nothing is loaded until the first call of
    ``code`` shows which.
    """

    def __init__(
        self,
        settings: PipelineSettings,
        workers: int | None = None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_crash: Callable[[str], None] | None = None,
    ) -> None:
        self.settings, self.batch_size, self.on_crash = settings, batch_size, on_crash
        self.workers = workers or default_workers()
        self.copies = CopyFinder() if settings.dedupe else None
        self.pipeline: Pipeline | None = None
        self.pool: OrderedPool[Document, Result] | None = None
        # chosen by the stream's length (auto), copies then found by `copies` either way
        self._undecided = workers is None and self.workers > 1
        if self.workers == 1:
            self.pipeline = self._load_pipeline(dedupe=settings.dedupe)
        elif not self._undecided:
            self.pool = self._start_pool()

    def _load_pipeline(self, dedupe: bool) -> Pipeline:
        from sitreps.pipeline import Pipeline

        return Pipeline(include_unreal=self.settings.include_unreal, fast=self.settings.fast,
                        dedupe=dedupe)  # fmt: skip

    def _start_pool(self) -> OrderedPool[Document, Result]:
        return OrderedPool(
            code_batch, lost_document, workers=self.workers,
            initializer=_load_worker_pipeline, initargs=(self.settings,),
            batch_size=self.batch_size, on_crash=self.on_crash,
        )  # fmt: skip

    def _choose(self, raws: Iterable[Document]) -> Iterator[Document]:
        """Read ahead far enough to know whether the stream is short; load what codes it."""
        stream = iter(raws)
        head = list(itertools.islice(stream, IN_PROCESS_MAX_DOCUMENTS + 1))
        if len(head) <= IN_PROCESS_MAX_DOCUMENTS:
            self.pipeline = self._load_pipeline(dedupe=False)
        else:
            self.pool = self._start_pool()
        self._undecided = False
        return itertools.chain(head, stream)

    def __enter__(self) -> DocumentCoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def warm_up(self) -> None:
        """Load every worker's pipeline, lazily loaded parts included (benchmarks)."""
        if self.pipeline is not None:
            _warm_up_pipeline(self.pipeline)
        elif self.pool is not None:
            self.pool.warm_up(_warm_up_worker, [WARM_UP_TEXT])

    def code(self, raws: Iterable[Document]) -> Iterator[Result]:
        auto = self._undecided
        if auto:
            raws = self._choose(raws)
        if self.pipeline is not None:
            results = self.pipeline.process_many(raws)
            if auto and self.copies is not None:
                results = map(self.copies.mark, results)
            yield from results
            return
        assert self.pool is not None
        pending: deque[Document] = deque()

        def sent() -> Iterator[Document]:
            for raw in raws:
                pending.append(raw)
                yield raw

        for result in self.pool.map(sent()):
            raw = pending.popleft()
            if isinstance(raw, RawDocument):
                result.raw = raw
            yield self.copies.mark(result) if self.copies is not None else result

    def remember(self, article: Article) -> None:
        """An article stored earlier (resumed run): later copies of it are copies."""
        if self.workers == 1 and self.pipeline is not None:
            self.pipeline.remember(article)
        elif self.copies is not None:
            self.copies.remember(article)

    @property
    def crashes(self) -> int:
        return self.pool.crashes if self.pool is not None else 0

    def peak_rss_kb(self) -> dict[str, int]:
        """Peak RSS of each process that coded: 'main' in process, else 'worker <pid>'."""
        if self.pool is None:
            return {"main": peak_rss_kb() or 0}
        return {f"worker {pid}": kb for pid, kb in sorted(self.pool.peak_rss.items())}


# ---------------------------------------------------------------------------- runs


@dataclass
class RunStats:
    documents: int = 0  # read, including those already stored
    skipped: int = 0  # already stored
    events: int = 0
    errors: int = 0
    duplicates: int = 0
    bytes: int = 0  # of the documents coded
    crashes: int = 0
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0
    peak_rss_kb: dict[str, int] = field(default_factory=dict)

    @property
    def coded(self) -> int:
        return self.documents - self.skipped

    @property
    def pages_per_second(self) -> float:
        return self.coded / self.elapsed if self.elapsed else 0.0

    def count(self, result: Result) -> None:
        if result.raw is not None:
            self.bytes += len(result.raw.content)
        if result.error is not None:
            self.errors += 1
        elif result.duplicate_of is not None:
            self.duplicates += 1
        else:
            self.events += len(result.events)

    def finish(self, coder: DocumentCoder) -> RunStats:
        self.elapsed = time.perf_counter() - self.started
        self.crashes = coder.crashes
        self.peak_rss_kb = coder.peak_rss_kb()
        return self

    def summary(self) -> str:
        peak = max(self.peak_rss_kb.values(), default=0)
        return (
            f"{self.documents} documents ({self.skipped} already stored, "
            f"{self.duplicates} copies of another, {self.errors} errors), {self.events} events "
            f"in {self.elapsed:.1f}s ({self.pages_per_second:.1f} pages/s, "
            f"{self.bytes / 1e6 / max(self.elapsed, 1e-9):.2f} MB/s; "
            f"{len(self.peak_rss_kb)} coding process(es), peak RSS {peak / 1024:.0f} MB each at most"
            + (f"; {self.crashes} worker crash(es)" if self.crashes else "")
            + ")"
        )


def extract_documents(
    raws: Iterable[Document], coder: DocumentCoder, stats: RunStats
) -> Iterator[Result]:
    """Every document's result, in input order, counted in ``stats``."""

    def counted() -> Iterator[Document]:
        for raw in raws:
            stats.documents += 1
            yield raw

    for result in coder.code(counted()):
        stats.count(result)
        yield result


def ingest_documents(
    raws: Iterable[Document],
    store: Store,
    coder: DocumentCoder,
    stats: RunStats,
    on_result: Callable[[Result | None], None] | None = None,
) -> RunStats:
    """Code and store every document not stored yet; one writer (this process), one
    transaction per document, so a killed run loses only the documents in flight.

    ``on_result`` hears of each result, and of each skipped document with None.
    """
    in_flight: set[str] = set()

    def to_code() -> Iterator[Document]:
        for raw in raws:
            stats.documents += 1
            if isinstance(raw, RawDocument):
                content_hash = raw.content_hash
                if content_hash in in_flight or _already_stored(store, coder, content_hash):
                    stats.skipped += 1
                    if on_result is not None:
                        on_result(None)
                    continue
                in_flight.add(content_hash)
            yield raw

    for result in coder.code(to_code()):
        _write(store, result)
        stats.count(result)
        if result.raw is not None:
            in_flight.discard(result.raw.content_hash)
        if on_result is not None:
            on_result(result)
    return stats.finish(coder)


def _already_stored(store: Store, coder: DocumentCoder, content_hash: str) -> bool:
    if not store.has_document(content_hash):
        return False
    article = store.stored_article(content_hash)  # later copies of it, in this run, are copies
    if article is not None:
        coder.remember(article)
    return True


def _write(store: Store, result: Result) -> None:
    """Store one result; a document the store refuses becomes an error, never stops the run."""
    if result.error is None:
        try:
            _save(store, result)
            return
        except Exception as exc:
            raw = result.raw
            reason = f"cannot store: {type(exc).__name__}: {exc}"
            result.error = DocumentError(input=result.input, stage="store", error=reason,
                                         content_hash=raw.content_hash if raw else None)  # fmt: skip
            result.events = []
    store.record_error(result.error)


def _save(store: Store, result: Result) -> None:
    raw: Any = result.raw
    assert result.article is not None and raw is not None
    if result.duplicate_of is not None:
        store.record_duplicate(raw.input, raw.content_hash, result.duplicate_of,
                               kind=raw.kind, size=len(raw.content))  # fmt: skip
        return
    stored = store.save_article(result.article, result.events, kind=raw.kind,
                                size=len(raw.content), content_hash=raw.content_hash)  # fmt: skip
    result.events = stored
