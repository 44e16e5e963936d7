"""RSS and Atom feeds (feedparser), and single pages given by URL.

An entry that carries the full article (``content:encoded``, Atom ``content``) becomes a
document named ``feed#<entry id>``; an entry with only a summary is followed to its link and
the fetched page becomes the document (named by its URL). The entry's date is kept as a hint
for the page date. A feed or page that cannot be fetched is a recorded DocumentError.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator

import feedparser

from sitreps.readers.base import SkipCallback
from sitreps.readers.http import Fetcher, FetchError
from sitreps.records import DocumentError, RawDocument

FULL_CONTENT_WORDS = 120  # an entry with fewer words of content is a teaser: follow its link
_FEED_RE = re.compile(rb"<(?:rss|rdf:RDF|feed)\b", re.IGNORECASE)
_ATOM_RE = re.compile(rb"<feed\b[^>]*xmlns\s*=\s*[\"']http://www\.w3\.org/2005/Atom", re.I)
_TAG_RE = re.compile(r"<[^>]+>")


def looks_like_feed(head: bytes) -> bool:
    """True for the start of an RSS (0.9x/1.0/2.0) or Atom document."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return False
    match = _FEED_RE.search(stripped[:4096])
    if not match:
        return False
    if match.group(0).lower().startswith(b"<feed"):
        return bool(_ATOM_RE.search(stripped[:4096]))
    # an <rss>/<rdf:RDF> root: nothing but a prolog, comments or a doctype before it
    prolog = stripped[: match.start()]
    return b"<html" not in prolog.lower() and b"<body" not in prolog.lower()


def read_feed(
    name: str,
    data: bytes,
    get_fetcher: Callable[[], Fetcher],
    max_bytes: int,
    on_skip: SkipCallback | None = None,
) -> Iterator[RawDocument | DocumentError]:
    """Documents of a feed's entries (full content, or the linked page for a summary)."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        reason = parsed.get("bozo_exception") or "no entries"
        yield _error(name, f"not a readable feed: {reason}")
        return
    for number, entry in enumerate(parsed.entries, start=1):
        yield _entry_document(name, number, entry, get_fetcher, max_bytes)


def _entry_document(
    name: str, number: int, entry, get_fetcher: Callable[[], Fetcher], max_bytes: int
) -> RawDocument | DocumentError:
    from sitreps.ingest import make_document

    link = entry.get("link") or None
    title = entry.get("title") or None
    hint = _entry_date(entry)
    content = _full_content(entry)
    if content:
        entry_name = f"{name}#{entry.get('id') or link or f'entry-{number}'}"
        page = f"<html><head></head><body><article>{content}</article></body></html>"
        return make_document(
            entry_name, page.encode("utf-8"), "html", page_date_hint=hint, url=link, title=title
        )
    if not link:
        return _error(f"{name}#entry-{number}", "feed entry has only a summary and no link")
    try:
        fetched = get_fetcher().fetch(link)
    except FetchError as exc:
        return _error(link, str(exc))
    if len(fetched.content) > max_bytes:
        return _error(link, f"larger than the limit of {max_bytes:,} bytes")
    return make_document(
        link, fetched.content, None, page_date_hint=hint, url=fetched.url, title=title
    )


def _full_content(entry) -> str | None:
    """The entry's content when it is the whole article, not a teaser."""
    values = [part.get("value", "") for part in entry.get("content", [])]
    best = max(values, key=len, default="")
    words = len(_TAG_RE.sub(" ", best).split())
    summary_words = len(_TAG_RE.sub(" ", entry.get("summary", "")).split())
    if words >= FULL_CONTENT_WORDS and words > summary_words:
        return best
    return None


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return time.strftime("%Y-%m-%d", value)
    return None


def _error(name: str, reason: str) -> DocumentError:
    return DocumentError(input=name, stage="ingest", error=reason)


def read_url(
    url: str,
    fetcher: Fetcher,
    max_bytes: int,
    input_format: str = "auto",
    on_skip: SkipCallback | None = None,
) -> Iterator[RawDocument | DocumentError]:
    """The document(s) at a URL: a page, a feed's entries, or a WARC file's records."""
    from sitreps.ingest import detect_format, make_document

    try:
        fetched = fetcher.fetch(url)
    except FetchError as exc:
        yield _error(url, str(exc))
        return
    kind = detect_format(url, fetched.content[:8192], input_format)
    if kind == "feed":
        yield from read_feed(url, fetched.content, lambda: fetcher, max_bytes, on_skip)
    elif kind == "warc":
        from sitreps.readers.warc import read_warc

        yield from read_warc(url, io.BytesIO(fetched.content), max_bytes, on_skip)
    elif kind in ("html", "text"):
        yield make_document(url, fetched.content, kind, url=fetched.url)
    else:
        yield _error(url, f"a {kind} corpus is read from a file, not a URL")
