"""POST /api/ingest: code a URL, an uploaded file or pasted text into the database.

Enabled only when the server has a bearer token. Coding runs in one dedicated thread (the
pipeline and the writing connection live there: one writer, as for `sitreps ingest`); the
pipeline is loaded on the first request unless one is given.
"""

from __future__ import annotations

import asyncio
import hmac
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitreps.records import DocumentError, RawDocument

if TYPE_CHECKING:
    from sitreps.pipeline import Pipeline, Result
    from sitreps.store import Store

DEFAULT_MAX_UPLOAD_BYTES = 5_000_000
URL_SCHEMES = ("http://", "https://")


def token_matches(expected: str | None, authorization: str | None) -> bool:
    """Whether an `Authorization: Bearer …` header carries the token (constant time)."""
    if not expected or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


@dataclass
class Outcome:
    """What became of one submitted document."""

    input: str
    status: str  # coded | skipped (already stored) | duplicate | error
    article_id: str | None = None
    events: list[str] = field(default_factory=list)
    error: str | None = None
    stage: str | None = None


class Ingestor:
    """Codes submitted documents one at a time in its own thread and stores them."""

    def __init__(self, db_path: str | Path, pipeline: Pipeline | None = None):
        self.db_path = db_path  # a SQLite file or a PostgreSQL URL
        self._pipeline = pipeline
        self._store: Store | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitreps-ingest")

    async def ingest(self, documents: list[RawDocument | DocumentError]) -> list[Outcome]:
        """Code and store the documents (in the ingest thread); one outcome per document."""
        future = self._thread.submit(self._ingest_all, documents)
        return await asyncio.wrap_future(future)

    async def ingest_url(self, url: str, max_bytes: int) -> list[Outcome]:
        """Fetch a page (or a feed's entries) and ingest it, in the ingest thread."""
        future = self._thread.submit(self._ingest_url, url, max_bytes)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Finish the document in progress, close the writing connection, stop the thread."""
        self._thread.submit(self._close_store).result()
        self._thread.shutdown(wait=True, cancel_futures=True)

    # -- in the ingest thread ---------------------------------------------------------------

    def _ingest_url(self, url: str, max_bytes: int) -> list[Outcome]:
        from sitreps.ingest import read_inputs

        return self._ingest_all(list(read_inputs([url], max_bytes=max_bytes)))

    def _ingest_all(self, documents: list[RawDocument | DocumentError]) -> list[Outcome]:
        return [self._ingest_one(doc) for doc in documents]

    def _ingest_one(self, doc: RawDocument | DocumentError) -> Outcome:
        store = self._writer()
        if isinstance(doc, DocumentError):
            store.record_error(doc)
            return Outcome(doc.input, "error", error=doc.error, stage=doc.stage)
        if store.has_document(doc.content_hash):
            stored = store.stored_article(doc.content_hash)
            return Outcome(doc.input, "skipped", article_id=stored.id if stored else None)
        result = self._pipeline_for().process(doc)
        return self._save(store, result, doc)

    def _save(self, store: Store, result: Result, doc: RawDocument) -> Outcome:
        if result.error is None and result.duplicate_of is not None:
            store.record_duplicate(doc.input, doc.content_hash, result.duplicate_of,
                                   kind=doc.kind, size=len(doc.content))  # fmt: skip
            return Outcome(doc.input, "duplicate", article_id=result.duplicate_of)
        if result.error is None and result.article is not None:
            try:
                stored = store.save_article(result.article, result.events, kind=doc.kind,
                                            size=len(doc.content), content_hash=doc.content_hash)  # fmt: skip
                return Outcome(doc.input, "coded", result.article.id, [e.id for e in stored])
            except Exception as exc:  # the store refusing one document is that document's error
                result.error = DocumentError(
                    input=doc.input, stage="store", error=f"cannot store: {exc}",
                    content_hash=doc.content_hash,
                )  # fmt: skip
        assert result.error is not None
        store.record_error(result.error)
        return Outcome(doc.input, "error", error=result.error.error, stage=result.error.stage)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _writer(self) -> Store:
        if self._store is None:
            from sitreps.store import open_store

            self._store = open_store(self.db_path)
        return self._store

    def _pipeline_for(self) -> Pipeline:
        if self._pipeline is None:
            from sitreps.pipeline import Pipeline

            self._pipeline = Pipeline()
        return self._pipeline
