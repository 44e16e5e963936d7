"""WARC and WARC.gz crawl files (Common Crawl, CC-NEWS) read record by record with FastWARC.

HTML responses (and HTML resource records) become documents named ``file#<WARC-Record-ID>``;
requests, metadata, revisits, non-HTML and non-2xx responses are skipped with a reason; a
truncated record, a corrupt stretch or an incomplete tail is a DocumentError for the rest of
the file, and everything read before it is kept. Nothing but the current record is in memory.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator

from sitreps.readers.base import SkipCallback
from sitreps.records import DocumentError, RawDocument

WARC_MAGIC = b"WARC/1."
HTML_TYPES = ("text/html", "application/xhtml+xml")
_DOCUMENT_RECORDS = ("response", "resource")
_CHUNK = 1 << 20
_HEADER_LIMIT = 1 << 16
_TRAILER_SLACK = 16  # the CRLFCRLF after a record, and some writers' extra newlines


def is_warc(head: bytes) -> bool:
    """True for the start of an (uncompressed) WARC stream."""
    return head.lstrip(b"\r\n").startswith(WARC_MAGIC)


def read_warc(
    name: str,
    source: str | BinaryIO,
    max_bytes: int,
    on_skip: SkipCallback | None = None,
) -> Iterator[RawDocument | DocumentError]:
    """Documents of a WARC file or stream (``source`` is a path or a binary stream).

    A path is also checked for a truncated or unreadable tail after the last good record.
    """
    stream = open(source, "rb") if isinstance(source, str) else source  # noqa: SIM115
    last_offset: int | None = None
    last_id = "the start of the file"
    try:
        for record in ArchiveIterator(stream, parse_http=False, auto_decode="none"):
            record_name = f"{name}#{record.record_id or f'offset-{record.stream_pos}'}"
            outcome = _record_document(record_name, record, max_bytes)
            last_offset, last_id = record.stream_pos, f"record {record.record_id}"
            if isinstance(outcome, str):
                if on_skip:
                    on_skip(record_name, outcome)
                continue
            if isinstance(outcome, DocumentError) and outcome.error.startswith("truncated"):
                yield outcome.model_copy(
                    update={"error": f"{outcome.error}; the rest was not read"}
                )
                return
            yield outcome
    except OSError as exc:
        yield _error(name, f"corrupt WARC after {last_id}: {exc}; the rest was not read")
        return
    finally:
        if isinstance(source, str):
            stream.close()
    if isinstance(source, str):
        problem = _tail_problem(source, last_offset)
        if problem:
            yield _error(name, f"{problem} after {last_id}; the rest was not read")


def _error(name: str, reason: str) -> DocumentError:
    return DocumentError(input=name, stage="ingest", error=reason)


# ---------------------------------------------------------------------------- one record


def _record_document(name: str, record, max_bytes: int) -> RawDocument | DocumentError | str:
    """The record's document, its error, or (a str) why it is skipped."""
    record_type = str(record.record_type)
    declared = _declared_length(record)
    if declared is None:
        return _error(name, "truncated record (incomplete WARC header)")
    too_large = declared > max_bytes + (1 << 16)
    if record_type not in _DOCUMENT_RECORDS or too_large:
        consumed = record.reader.consume()
        if consumed < declared:
            return _error(name, f"truncated record ({consumed:,} of {declared:,} bytes)")
        if too_large:
            return _error(name, f"larger than the limit of {max_bytes:,} bytes")
        return f"{record_type} record"
    block = record.reader.read(declared)
    if len(block) < declared:
        return _error(name, f"truncated record ({len(block):,} of {declared:,} bytes)")
    if record_type == "response":
        parsed = _parse_http(block)
        if isinstance(parsed, str):
            return parsed
        content_type, payload = parsed
    else:
        content_type, payload = record.headers.get("Content-Type", ""), block
    if content_type and not content_type.split(";")[0].strip().lower().startswith(HTML_TYPES):
        return f"not HTML ({content_type.split(';')[0].strip() or 'no type'})"
    return _make(name, record, payload, content_type)


def _declared_length(record) -> int | None:
    value = record.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _make(name: str, record, payload: bytes, content_type: str) -> RawDocument | DocumentError:
    from sitreps.ingest import make_document

    charset = _charset(content_type)
    if charset:
        payload = _recode(payload, charset)
    crawled = record.headers.get("WARC-Date")
    return make_document(
        name,
        payload,
        "html",
        url=record.headers.get("WARC-Target-URI") or None,
        page_date_hint=crawled[:10] if crawled else None,
    )


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _recode(payload: bytes, charset: str) -> bytes:
    """UTF-8 bytes from a payload in the charset its HTTP header declares (when it is not UTF-8)."""
    try:
        payload.decode("utf-8")
        return payload
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode(
            "cp1252" if charset in ("iso-8859-1", "latin-1") else charset
        ).encode()
    except (LookupError, UnicodeDecodeError):
        return payload  # left to the generic decoder


# ---------------------------------------------------------------------------- HTTP


def _parse_http(block: bytes) -> tuple[str, bytes] | str:
    """(content type, decoded payload) of an HTTP response block, or why it is skipped."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    lines = head.decode("latin-1").splitlines()
    status = lines[0].split() if lines else []
    if len(status) < 2 or not status[0].startswith("HTTP/") or not status[1].isdigit():
        return "not an HTTP response"
    if not status[1].startswith("2"):
        return f"HTTP status {status[1]}"
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    try:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = _dechunk(body)
        body = _decode_content(body, headers.get("content-encoding", "").lower())
    except (ValueError, OSError, zlib.error) as exc:
        return f"undecodable HTTP payload ({exc})"
    return headers.get("content-type", ""), body


def _dechunk(body: bytes) -> bytes:
    parts, position = [], 0
    while position < len(body):
        end = body.find(b"\r\n", position)
        if end < 0:
            break
        size = int(body[position:end].split(b";")[0] or b"0", 16)
        if size == 0:
            break
        parts.append(body[end + 2 : end + 2 + size])
        position = end + 2 + size + 2
    return b"".join(parts)


def _decode_content(body: bytes, encoding: str) -> bytes:
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


# ---------------------------------------------------------------------------- the tail


def _tail_problem(path: str, last_offset: int | None) -> str | None:
    """Why the bytes after the last record's start are not exactly that one record, if so."""
    with open(path, "rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
        handle.seek(last_offset or 0)
        chunks = _inflate(handle) if compressed else iter(lambda: handle.read(_CHUNK), b"")
        try:
            return _check_last_record(chunks, first_record=last_offset is None)
        except (OSError, EOFError, zlib.error) as exc:
            return f"corrupt compressed data ({exc})"


def _inflate(handle: BinaryIO) -> Iterator[bytes]:
    """Decompressed bytes of consecutive gzip members; EOFError when the last one is cut."""
    inflater = None
    while True:
        data = handle.read(_CHUNK)
        if not data:
            if inflater is not None and not inflater.eof:
                raise EOFError("compressed data ends before its end marker")
            return
        while data:
            if inflater is None or inflater.eof:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            yield inflater.decompress(data)
            data = inflater.unused_data if inflater.eof else b""


def _check_last_record(chunks: Iterator[bytes], first_record: bool) -> str | None:
    head, total = b"", 0
    for chunk in chunks:
        if len(head) < _HEADER_LIMIT:
            head += chunk[: _HEADER_LIMIT - len(head)]
        total += len(chunk)
    if first_record:
        return "unreadable WARC data" if head.strip() else None
    header, sep, _ = head.partition(b"\r\n\r\n")
    length = _header_length(header)
    if not sep or length is None:
        return "truncated WARC header"
    expected = len(header) + len(sep) + length
    if total < expected:
        return "truncated record"
    if total > expected + _TRAILER_SLACK:
        return f"{total - expected:,} unread bytes"
    return None


def _header_length(header: bytes) -> int | None:
    for line in header.split(b"\r\n"):
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-length" and value.strip().isdigit():
            return int(value)
    return None
