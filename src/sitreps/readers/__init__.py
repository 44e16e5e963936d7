"""Readers for containers of documents: WARC crawl files, RSS/Atom feeds, web pages by URL.

Each reader yields ``RawDocument`` (or ``CrawledDocument``, which adds the container's date
hint) and ``DocumentError``; records a reader passes over on purpose (WARC requests, non-HTML
responses) are reported through an ``on_skip(input, reason)`` callback, so every record is
accounted for without flooding the error list. ``sitreps.ingest.read_inputs`` dispatches to
them by content.
"""

from sitreps.readers.base import CrawledDocument, SkipCallback

__all__ = ["CrawledDocument", "SkipCallback"]
