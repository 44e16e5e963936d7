"""What the readers share: the document type with a container date, and the skip callback."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import Field

from sitreps.records import RawDocument

SkipCallback = Callable[[str, str], None]
"""Called as ``on_skip(input, reason)`` for a record passed over on purpose."""


class CrawledDocument(RawDocument):
    """A RawDocument that came out of a container (WARC record, feed entry) with a date hint."""

    page_date_hint: str | None = Field(
        default=None,
        description="The container's date for the page (WARC-Date, a feed entry's date): used "
        "as the page date only when the page itself shows none.",
    )
