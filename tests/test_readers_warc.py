"""WARC reader on crawl files written here: every record accounted for, bad tails reported."""

from __future__ import annotations

import gzip
import tracemalloc
import uuid
from collections import Counter
from pathlib import Path

import pytest

from sitreps.ingest import read_inputs
from sitreps.readers import CrawledDocument
from sitreps.readers.warc import read_warc
from sitreps.records import DocumentError, RawDocument

STORY = (
    "<!DOCTYPE html><html><head><title>Shelling near Donetsk {n}</title></head><body>"
    "<article><h1>Shelling near Donetsk {n}</h1><p>Artillery fire hit the outskirts of Donetsk "
    "overnight, local officials said on Tuesday, damaging a school and two houses.</p>"
    "<p>No casualties were reported, and both sides blamed each other for the attack.</p>"
    "</article></body></html>"
)


def _http(status: str, content_type: str, body: bytes, extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}"
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def warc_record(number: int, kind: str, block: bytes, content_type: str) -> bytes:
    header = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.UUID(int=number)}>\r\n"
        f"WARC-Date: 2015-10-01T08:00:00Z\r\nWARC-Target-URI: https://news.example/{number}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return header.encode() + block + b"\r\n\r\n"


def mixed_record(number: int) -> tuple[bytes, str]:
    """A record and what should become of it: 'doc', or the start of the skip reason."""
    page = STORY.format(n=number).encode()
    response = "application/http; msgtype=response"
    match number % 8:
        case 0:
            return warc_record(number, "request", b"GET / HTTP/1.1\r\n\r\n", "application/http"), (
                "request record"
            )
        case 1 | 3 | 5:
            return warc_record(number, "response", _http("200 OK", "text/html", page), response), (
                "doc"
            )
        case 2:
            block = _http("200 OK", "application/pdf", b"%PDF-1.4 binary")
            return warc_record(number, "response", block, response), "not HTML"
        case 4:
            block = _http("404 Not Found", "text/html", b"<html>gone</html>")
            return warc_record(number, "response", block, response), "HTTP status 404"
        case 6:
            block = _http("200 OK", "text/html; charset=utf-8", gzip.compress(page))
            block = block.replace(b"Content-Type", b"Content-Encoding: gzip\r\nContent-Type", 1)
            return warc_record(number, "response", block, response), "doc"
        case _:
            return warc_record(number, "metadata", b"fetchTimeMs: 12\r\n", "text/plain"), (
                "metadata record"
            )


def write_warc(path: Path, count: int, compress: bool, truncate_tail: int = 0) -> list[str]:
    expected, parts = [], []
    for number in range(count):
        record, outcome = mixed_record(number)
        parts.append(gzip.compress(record) if compress else record)
        expected.append(outcome)
    data = b"".join(parts)
    path.write_bytes(data[: len(data) - truncate_tail] if truncate_tail else data)
    return expected


def _account(items: list, skipped: list[tuple[str, str]]) -> Counter[str]:
    tally: Counter[str] = Counter()
    for item in items:
        tally["doc" if isinstance(item, RawDocument) else "error"] += 1
    for _, reason in skipped:
        tally[reason.split(" (")[0]] += 1
    return tally


@pytest.mark.parametrize("compress", [True, False])
def test_thousand_record_warc_every_record_accounted_for(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    expected = write_warc(path, 1000, compress, truncate_tail=60)
    skipped: list[tuple[str, str]] = []
    items = list(read_inputs([str(path)], on_skip=lambda name, why: skipped.append((name, why))))
    tally = _account(items, skipped)
    # the last record (a metadata record) is cut: it is the one failure, all others are read
    want = Counter(expected[:-1])
    assert tally["doc"] == want["doc"]
    assert tally["error"] == 1
    assert sum(tally.values()) == 1000
    for reason in ("request record", "not HTML", "HTTP status 404", "metadata record"):
        assert tally[reason] == want[reason], reason
    (error,) = [item for item in items if isinstance(item, DocumentError)]
    assert "truncated" in error.error and "the rest was not read" in error.error
    docs = [item for item in items if isinstance(item, RawDocument)]
    first = docs[0]
    assert isinstance(first, CrawledDocument) and first.kind == "html"
    assert first.input == f"{path}#<urn:uuid:{uuid.UUID(int=1)}>"
    assert first.url == "https://news.example/1" and first.page_date_hint == "2015-10-01"
    assert b"Artillery fire hit" in docs[3].content  # the gzip-encoded payload, decoded


def test_warc_is_detected_by_content_and_read_from_stdin_like_streams(tmp_path: Path) -> None:
    path = tmp_path / "download.bin"
    write_warc(path, 16, compress=True)
    docs = [i for i in read_inputs([str(path)]) if isinstance(i, RawDocument)]
    assert len(docs) == 8
    with path.open("rb") as stream:
        streamed = list(read_warc("<stdin>", gzip.GzipFile(fileobj=stream), 1_000_000))
    assert [d.input.split("#")[1] for d in streamed] == [d.input.split("#")[1] for d in docs]


def test_corrupt_gzip_member_keeps_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.warc.gz"
    members = [gzip.compress(mixed_record(n)[0]) for n in range(24)]
    broken = bytearray(members[12])
    broken[20:60] = b"\x00" * 40
    members[12] = bytes(broken)
    path.write_bytes(b"".join(members))
    items = list(read_inputs([str(path)]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert len(docs) == 6  # records 1, 3, 5, 6, 9, 11 came before the damage
    assert len(errors) == 1 and "the rest was not read" in errors[0].error


def test_cut_inside_a_header_and_garbage_after_records_are_reported(tmp_path: Path) -> None:
    whole = b"".join(mixed_record(n)[0] for n in range(4))
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole + mixed_record(5)[0][:40])
    errors = [i for i in read_inputs([str(cut)]) if isinstance(i, DocumentError)]
    assert len(errors) == 1 and "truncated" in errors[0].error
    packed = tmp_path / "cut.warc.gz"
    packed.write_bytes(gzip.compress(whole) + gzip.compress(mixed_record(5)[0])[:30])
    items = list(read_inputs([str(packed)]))
    assert sum(isinstance(i, RawDocument) for i in items) == 2
    assert sum(isinstance(i, DocumentError) for i in items) == 1


def _peak_while_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    count = sum(1 for _ in read_inputs([str(path)]))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, peak


def test_reading_a_warc_keeps_memory_flat(tmp_path: Path) -> None:
    small, large = tmp_path / "small.warc.gz", tmp_path / "large.warc.gz"
    write_warc(small, 1000, compress=True)
    write_warc(large, 8000, compress=True)
    list(read_inputs([str(small)]))  # imports and caches are not what this measures
    small_count, small_peak = _peak_while_reading(small)
    large_count, large_peak = _peak_while_reading(large)
    assert (small_count, large_count) == (500, 4000)
    assert large_peak < small_peak * 1.5, f"peak {small_peak:,} -> {large_peak:,} bytes"
