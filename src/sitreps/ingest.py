"""Read input documents: files, directories, globs, stdin, URLs; HTML, text, JSONL and CSV
corpora, WARC crawl files and RSS/Atom feeds (the last two in ``sitreps.readers``).

``read_inputs`` yields one ``RawDocument`` per document and one ``DocumentError`` per document
that cannot be read; a bad document never stops the stream. Content is stored as UTF-8
(decoded from the declared charset, a BOM, UTF-8, or a detected encoding).
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from sitreps.readers.base import CrawledDocument, SkipCallback
from sitreps.records import DocumentError, RawDocument
from sitreps.textclean import normalise_date

if TYPE_CHECKING:
    from sitreps.readers.http import Fetcher

InputFormat = Literal["auto", "html", "text", "jsonl", "csv", "warc", "feed"]
INPUT_FORMATS: tuple[str, ...] = ("auto", "html", "text", "jsonl", "csv", "warc", "feed")
DOCUMENT_SUFFIXES = (".html", ".htm", ".xhtml", ".txt")
CORPUS_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".warc", ".rss", ".atom")
URL_PREFIXES = ("http://", "https://")
STDIN_NAME = "<stdin>"
SNIFF_BYTES = 8192
DEFAULT_MAX_BYTES = 20_000_000

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x7fELF")
_CHARSET_RE = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_START_RE = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|body|meta|title|\?xml)", re.I)
_HTML_TAG_RE = re.compile(rb"</?(?:html|head|body|p|div|br|span|article|a|li|h[1-6])\b", re.I)
_GZIP_MAGIC = b"\x1f\x8b"
# control characters other than tab, newline, carriage return and form feed; replacement chars
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


class UndecodableError(ValueError):
    """Bytes that are not text in any encoding we can recognise."""


# ---------------------------------------------------------------------------- decoding


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET_RE.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    # Browsers read latin-1 labels as windows-1252 (WHATWG encoding standard).
    return "cp1252" if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"} else name


def _control_ratio(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    return len(_CONTROL_RE.findall(sample)) / len(sample)


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer comes with trafilatura
        return None
    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None


def decode_bytes(data: bytes) -> str:
    """Text from bytes: BOM, else UTF-8, else the declared charset, else a detected encoding.

    Raises UndecodableError for binary content (NUL bytes, known binary formats, or mostly
    control characters whatever the encoding).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[: SNIFF_BYTES * 8]:
        raise UndecodableError("binary content (NUL bytes)")
    if data.startswith(_BINARY_MAGIC):
        raise UndecodableError("binary content (not a text or HTML file)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    if _control_ratio(text) > 0.05:
        raise UndecodableError("undecodable content (mostly control characters)")
    return text


def _decode_legacy(data: bytes) -> str:
    for encoding in (_declared_charset(data), _guess_encoding(data)):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


# ---------------------------------------------------------------------------- sniffing


def looks_like_html(head: bytes) -> bool:
    if _HTML_START_RE.match(head):
        return True
    return len(_HTML_TAG_RE.findall(head[:SNIFF_BYTES])) >= 3


def detect_format(name: str, head: bytes, requested: str = "auto") -> str:
    """html | text | jsonl | csv | warc | feed, from the request, else the content (WARC and
    feeds), else the file name, else the content again."""
    if requested != "auto":
        return requested
    from sitreps.readers.feeds import looks_like_feed
    from sitreps.readers.warc import is_warc

    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if is_warc(stripped):
        return "warc"
    if looks_like_feed(stripped):
        return "feed"
    suffix = _suffix(name)
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "html" if looks_like_html(stripped) else "text"


def _suffix(name: str) -> str:
    path = Path(name.lower())
    if path.suffix == ".gz":
        path = path.with_suffix("")
    return path.suffix


# ---------------------------------------------------------------------------- paths


def _is_supported(path: Path) -> bool:
    return _suffix(path.name) in DOCUMENT_SUFFIXES + CORPUS_SUFFIXES


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and _is_supported(path):
                yield path


def expand_paths(paths: Iterable[str]) -> Iterator[str | DocumentError]:
    """Each input path as files to read ("-" for stdin), or an error for a missing path."""
    for raw_path in paths:
        if raw_path == "-" or raw_path.startswith(URL_PREFIXES):
            yield raw_path
            continue
        path = Path(raw_path)
        if path.is_dir():
            yield from (str(p) for p in _walk(path))
        elif path.exists():
            yield raw_path
        elif glob.has_magic(raw_path):
            matches = sorted(glob.glob(raw_path, recursive=True))
            if not matches:
                yield _error(raw_path, "no file matches this pattern")
            for match in matches:
                yield from expand_paths([match]) if Path(match).is_dir() else [match]
        else:
            yield _error(raw_path, "no such file or directory")


def _error(input_name: str, reason: str) -> DocumentError:
    return DocumentError(input=input_name, stage="ingest", error=reason)


# ---------------------------------------------------------------------------- reading


def read_inputs(
    paths: Iterable[str],
    input_format: str = "auto",
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_skip: SkipCallback | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[RawDocument | DocumentError]:
    """Every document in ``paths`` (files, directories, globs, URLs, "-"), or why it was
    rejected.

    ``max_bytes`` bounds one document: a whole HTML/text file, one JSONL line / CSV row, one
    WARC record or fetched page. ``on_skip(input, reason)`` hears of the container records
    passed over on purpose (WARC requests, non-HTML responses). ``fetcher`` fetches URLs
    (a polite default one is made when a URL or a summary-only feed needs it).
    """
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)}")
    options = _Options(input_format, max_bytes, on_skip, fetcher)
    for item in expand_paths(paths):
        if isinstance(item, DocumentError):
            yield item
        elif item == "-":
            yield from _read_stream(STDIN_NAME, _open_stdin(), options)
        elif item.startswith(URL_PREFIXES):
            from sitreps.readers.feeds import read_url

            yield from read_url(item, options.get_fetcher(), max_bytes, input_format)
        else:
            yield from _read_file(item, options)


class _Options:
    """How to read: format, size limit, skip callback, and the (lazily made) URL fetcher."""

    def __init__(
        self,
        input_format: str,
        max_bytes: int,
        on_skip: SkipCallback | None,
        fetcher: Fetcher | None,
    ) -> None:
        self.input_format, self.max_bytes, self.on_skip = input_format, max_bytes, on_skip
        self._fetcher = fetcher

    def get_fetcher(self) -> Fetcher:
        if self._fetcher is None:
            from sitreps.readers.http import Fetcher

            self._fetcher = Fetcher()
        return self._fetcher


def _read_file(path: str, options: _Options) -> Iterator[RawDocument | DocumentError]:
    input_format, max_bytes = options.input_format, options.max_bytes
    try:
        compressed = _is_gzip(path)
        if detect_format(path, _first_bytes(path, compressed), input_format) == "warc":
            from sitreps.readers.warc import read_warc

            # FastWARC reads the file itself (and its gzip members), faster than through Python,
            # and a damaged member later in the file must not stop the records before it
            yield from read_warc(path, path, max_bytes, options.on_skip)
            return
        stream = _open_file(path, compressed)
    except (OSError, zlib.error) as exc:
        yield _error(path, f"cannot read file: {getattr(exc, 'strerror', None) or exc}")
        return
    with stream:
        try:
            kind = detect_format(path, stream.peek(SNIFF_BYTES)[:SNIFF_BYTES], input_format)
        except (OSError, EOFError, zlib.error) as exc:
            yield _error(path, f"cannot read file: {exc}")
            return
        too_large = not compressed and os.fstat(stream.fileno()).st_size > max_bytes
        if kind in ("html", "text") and too_large:
            yield _too_large(path, max_bytes)
            return
        yield from _read_stream(path, stream, options)


def _first_bytes(path: str, compressed: bool) -> bytes:
    """The first bytes of a file, decompressing only as much of its first gzip member."""
    with open(path, "rb") as handle:
        data = handle.read(SNIFF_BYTES * 8 if compressed else SNIFF_BYTES)
    if not compressed:
        return data
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, SNIFF_BYTES)


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == _GZIP_MAGIC


def _open_file(path: str, compressed: bool) -> io.BufferedReader:
    if compressed:
        return io.BufferedReader(gzip.open(path, "rb"), SNIFF_BYTES)
    return open(path, "rb")  # noqa: SIM115 - closed by the caller's with-block


def _open_stdin() -> io.BufferedReader:
    stream = sys.stdin.buffer
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream, SNIFF_BYTES)
    if stream.peek(2)[:2] == _GZIP_MAGIC:
        return io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"), SNIFF_BYTES)
    return stream


def _too_large(name: str, max_bytes: int) -> DocumentError:
    return _error(name, f"larger than the limit of {max_bytes:,} bytes")


def _read_stream(
    name: str, stream: io.BufferedReader, options: _Options
) -> Iterator[RawDocument | DocumentError]:
    max_bytes = options.max_bytes
    try:
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        kind = detect_format(name, head, options.input_format)
        if kind == "warc":
            from sitreps.readers.warc import read_warc

            yield from read_warc(name, stream, max_bytes, options.on_skip)
        elif kind == "feed":
            from sitreps.readers.feeds import read_feed

            data = stream.read(max_bytes + 1)
            if len(data) > max_bytes:
                yield _too_large(name, max_bytes)
                return
            yield from read_feed(name, data, options.get_fetcher, max_bytes)
        elif kind == "jsonl":
            yield from _read_jsonl(name, stream, max_bytes)
        elif kind == "csv":
            yield from _read_csv(name, stream, max_bytes)
        else:
            yield _read_document(name, stream, kind, max_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        yield _error(name, f"cannot read file: {exc}")


def _read_document(
    name: str, stream: BinaryIO, kind: str, max_bytes: int
) -> RawDocument | DocumentError:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return _too_large(name, max_bytes)
    return make_document(name, data, kind)


def make_document(
    name: str,
    data: bytes,
    kind: str | None = None,
    page_date_hint: str | None = None,
    **metadata: str | None,
) -> RawDocument | DocumentError:
    """A RawDocument from raw bytes (kind sniffed when None), or the reason it is unusable.

    With a ``page_date_hint`` (a crawl or feed date) it is a ``CrawledDocument``.
    """
    if not data.strip():
        return _error(name, "empty document" if not data else "only whitespace")
    try:
        text = decode_bytes(data)
    except UndecodableError as exc:
        return _error(name, str(exc))
    if not text.strip():
        return _error(name, "only whitespace")
    if kind is None or kind == "auto":
        kind = "html" if looks_like_html(text[:SNIFF_BYTES].encode("utf-8")) else "text"
    if page_date_hint:
        return CrawledDocument(
            input=name, content=text.encode("utf-8"), kind=kind, page_date_hint=page_date_hint,
            **metadata,
        )  # fmt: skip
    return RawDocument(input=name, content=text.encode("utf-8"), kind=kind, **metadata)


# ---------------------------------------------------------------------------- corpora

_METADATA_FIELDS = ("url", "title", "source")


def _record_document(
    name: str, record: dict[str, object], kind: str | None
) -> RawDocument | DocumentError:
    body = record.get("text")
    if body is None and isinstance(record.get("html"), str):
        body, kind = record["html"], "html"
    elif isinstance(body, str) and kind in (None, "auto"):
        # a corpus's text is the article itself: no site chrome to clean off
        kind = "html" if looks_like_html(body[:SNIFF_BYTES].encode("utf-8")) else "article"
    if not isinstance(body, str):
        return _error(name, "record has no 'text' field")
    metadata: dict[str, str | None] = {
        field: str(record[field]) for field in _METADATA_FIELDS if record.get(field)
    }
    if record.get("id") not in (None, ""):
        metadata["id"] = str(record["id"])
    date = record.get("date")
    if date not in (None, ""):
        parsed = normalise_date(str(date))
        if parsed is None:
            return _error(name, f"unrecognised date {date!r} (use ISO YYYY-MM-DD)")
        metadata["date"] = parsed[0]
    return make_document(name, body.encode("utf-8"), kind, **metadata)


def _bounded_lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) pairs; line is None for a line longer than max_bytes (skipped)."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield number, None
        else:
            yield number, line


def _read_jsonl(
    name: str, stream: BinaryIO, max_bytes: int
) -> Iterator[RawDocument | DocumentError]:
    for number, line in _bounded_lines(stream, max_bytes):
        line_name = f"{name}#line-{number}"
        if line is None:
            yield _too_large(line_name, max_bytes)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
            yield _error(line_name, f"bad JSON on line {number}: {reason}")
            continue
        if not isinstance(record, dict):
            yield _error(line_name, f"line {number} is not a JSON object")
            continue
        record_id = record.get("id")
        record_name = f"{name}#{record_id}" if record_id not in (None, "") else line_name
        yield _record_document(record_name, record, None)


def _read_csv(name: str, stream: BinaryIO, max_bytes: int) -> Iterator[RawDocument | DocumentError]:
    text_stream = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        yield from _read_csv_rows(name, csv.reader(text_stream), max_bytes)
    finally:
        text_stream.detach()  # leave the byte stream (maybe stdin) to its owner


def _read_csv_rows(
    name: str, reader: Iterator[list[str]], max_bytes: int
) -> Iterator[RawDocument | DocumentError]:
    csv.field_size_limit(max(max_bytes, csv.field_size_limit()))
    header = next(reader, None)
    columns = [column.strip().lower() for column in header or []]
    if "text" not in columns:
        yield _error(name, f"CSV has no 'text' column (columns: {', '.join(columns) or 'none'})")
        return
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            record = dict(zip(columns, row, strict=False))
            has_id = bool(record.get("id"))
            record.setdefault("id", str(number))
            record["id"] = record["id"] or str(number)
            record_name = f"{name}#{record['id']}" if has_id else f"{name}#row-{number}"
            if len(record["text"].encode("utf-8")) > max_bytes:
                yield _too_large(record_name, max_bytes)
                continue
            yield _record_document(record_name, record, None)
    except csv.Error as exc:
        yield _error(f"{name}#row-{number + 1}", f"bad CSV after row {number}: {exc}")
