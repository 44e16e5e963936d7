"""Typed records that flow through the pipeline, defined once.

RawDocument (ingest) -> Article (extract, language, time) -> Event (events, link) -> store.
The Event record is the public, versioned output ("event record v1"); its JSON Schema is
printed by ``sitreps schema`` and documented in docs/event-record.md.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


class ActorKind(StrEnum):
    STATE_FORCES = "state forces"
    REBELS = "rebels"
    POLITICAL_MILITIA = "political militia"
    IDENTITY_MILITIA = "identity militia"
    PROTESTERS = "protesters"
    RIOTERS = "rioters"
    CIVILIANS = "civilians"
    EXTERNAL_OTHER = "external/other"


class Modality(StrEnum):
    ASSERTED = "asserted"
    CLAIMED = "claimed"
    DENIED = "denied"
    HYPOTHETICAL = "hypothetical"
    PLANNED = "planned"


DatePrecision = Literal["day", "week", "month", "year"]
LocationPrecision = Literal["place", "near", "admin2", "admin1", "country"]
# From the most to the least precise.
LOCATION_PRECISION_RANK: dict[str, int] = {
    "place": 0, "near": 1, "admin2": 2, "admin1": 3, "country": 4
}  # fmt: skip


class RawDocument(BaseModel):
    """One input document as read from a file, a corpus row, a WARC record or stdin."""

    model_config = ConfigDict(frozen=True)

    input: str = Field(description="Where it came from: a path, a URL, or path#record-id.")
    content: bytes = Field(repr=False)
    kind: Literal["html", "text", "article"] = Field(
        default="text",
        description="html: a web page; text: scraped page text (site chrome is cleaned off); "
        "article: article text as given by a corpus (taken as it is).",
    )
    id: str | None = Field(default=None, description="Caller-supplied id (JSONL/CSV input).")
    url: str | None = None
    title: str | None = None
    date: str | None = Field(
        default=None, description="Caller-supplied reference date (ISO), trusted over the page."
    )
    source: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class Article(BaseModel):
    """A clean article: main text and metadata, the unit every later stage works on."""

    id: str = Field(description="Stable id: the caller's id, else a hash of the clean text.")
    input: str
    url: str | None = None
    title: str | None = None
    text: str
    date: str | None = Field(default=None, description="The story's own date (ISO), if known.")
    date_precision: DatePrecision | None = None
    date_evidence: str | None = Field(
        default=None, description="Why the story date is what it is (human-readable)."
    )
    page_date: str | None = Field(
        default=None, description="The date the page carries (may be a re-publication date)."
    )
    language: str | None = None
    source: str | None = None
    content_hash: str | None = None


class Actor(BaseModel):
    name: str = Field(description="Normalised actor name, ACLED style.")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    kind: ActorKind
    text: str | None = Field(default=None, description="The words in the article.")


class Location(BaseModel):
    name: str
    geonameid: int | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    admin1: str | None = Field(default=None, description="First-level subdivision name.")
    lat: float | None = None
    lon: float | None = None
    precision: LocationPrecision
    text: str | None = Field(default=None, description="The words in the article.")


class Evidence(BaseModel):
    text: str = Field(description="The supporting sentence.")
    start: int = Field(description="Character offset of the sentence in the article text.")
    end: int
    supports: list[str] = Field(
        default_factory=list, description="Event fields this sentence supports."
    )


class ArticleRef(BaseModel):
    id: str
    url: str | None = None
    title: str | None = None
    date: str | None = None
    page_date: str | None = None
    source: str | None = None


class Event(BaseModel):
    """Event record v1: one coded event with the evidence for each field."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    id: str = Field(description="Stable id: same article and same event, same id.")
    event_type: str = Field(description="ACLED event type, e.g. 'Explosions/Remote violence'.")
    sub_event_type: str = Field(description="ACLED sub-event type, e.g. 'Air/drone strike'.")
    plover: str | None = Field(default=None, description="PLOVER event type (mapping).")
    plover_mode: str | None = Field(default=None, description="PLOVER mode, e.g. 'aerial'.")
    cameo: str | None = Field(default=None, description="CAMEO root code (mapping).")
    date: str | None = Field(description="ISO date: the day, or the first day of the window.")
    date_precision: DatePrecision | None = None
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = None
    fatalities: int | None = None
    attribution: str | None = Field(default=None, description="Who says so.")
    contested: bool = False
    modality: Modality = Modality.ASSERTED
    evidence: list[Evidence]
    article: ArticleRef
    confidence: float = Field(ge=0.0, le=1.0)
    incident_id: str | None = Field(
        default=None, description="Id of the incident this event was linked into."
    )


def stable_id(*parts: object, length: int = 16) -> str:
    """A short deterministic id from the given parts."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


def event_json_schema() -> dict:
    return Event.model_json_schema()


class DocumentError(BaseModel):
    """A document that could not be processed: recorded and reported, never fatal to a batch."""

    input: str
    stage: str = Field(description="Pipeline stage that rejected it: ingest, extract, language…")
    error: str = Field(description="A clear, human-readable reason.")
    content_hash: str | None = None
