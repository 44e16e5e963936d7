"""The pipeline: ingest -> extract -> language -> time -> geo -> actors -> events -> link.

One `Pipeline` object holds the loaded resources (spaCy, gazetteer, codebook) and codes one
document at a time; `extract`, `ingest` and `eval` all go through `Pipeline.process`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sitreps.dedupe import DuplicateFinder
from sitreps.events import code_article, relevant_sentences
from sitreps.events.codebook import Codebook, load_codebook
from sitreps.events.context import relevance_gate
from sitreps.extract import ExtractionError, extract_article, foreign_language
from sitreps.geo import ArticleGeography, Geocoder, open_gazetteer
from sitreps.language import detect_language, detect_language_fast
from sitreps.link import merge_article_events, name_casualties
from sitreps.nlp import load_parser, sentence_spans
from sitreps.records import Article, DocumentError, Event, RawDocument
from sitreps.time import load_date_recognizer, resolve_article_date

SUPPORTED_LANGUAGES = {"en"}
MIN_WORDS_FOR_DEDUPE = 50
WARM_UP_PAGE = (
    '<html><head><title>Warm-up</title><link rel="canonical" '
    'href="https://news.example.org/2021/03/08/warm-up.html"></head>'
    "<body><article><p>{text}</p></article></body></html>"
)


@dataclass
class Result:
    """What one document gave: its article and events, or the error that stopped it."""

    input: str
    article: Article | None = None
    events: list[Event] = field(default_factory=list)
    error: DocumentError | None = None
    raw: RawDocument | None = None
    duplicate_of: str | None = None  # a copy of this earlier article: not coded again


class Pipeline:
    def __init__(
        self,
        gazetteer_path: str | Path | None = None,
        codebook: Codebook | None = None,
        include_unreal: bool = False,
        fast: bool = False,
        dedupe: bool = True,
    ):
        self.codebook = codebook or load_codebook()
        self.gate = relevance_gate(self.codebook)
        self.geocoder = Geocoder(open_gazetteer(gazetteer_path))
        self.parser = load_parser()
        self.include_unreal = include_unreal
        self.fast = fast  # resiliparse extraction and language detection (bulk crawls)
        # Syndicated copies of one story are coded once (within this pipeline's lifetime).
        self._duplicates = DuplicateFinder() if dedupe else None

    def process(self, raw: RawDocument | DocumentError) -> Result:
        """Code one raw document; never raises for a bad document, returns its error."""
        if isinstance(raw, DocumentError):
            return Result(input=raw.input, error=raw)
        foreign = None if self.fast else foreign_language(raw, SUPPORTED_LANGUAGES)
        if foreign is not None:  # told before the costly extraction
            return Result(raw.input, error=_error(raw, "language", _unsupported(foreign)), raw=raw)
        try:
            article = extract_article(raw, fast=True) if self.fast else extract_article(raw)
        except ExtractionError as exc:
            return Result(raw.input, error=_error(raw, "extract", str(exc)), raw=raw)
        except Exception as exc:  # a parser bug on one page must not stop the batch
            reason = f"unexpected {type(exc).__name__}: {exc}"
            return Result(raw.input, error=_error(raw, "extract", reason), raw=raw)
        if article.language and article.language not in SUPPORTED_LANGUAGES:
            reason = _unsupported(article.language)
            return Result(
                raw.input, article=article, error=_error(raw, "language", reason), raw=raw
            )
        article = resolve_article_date(article)
        canonical = self._copy_of(article)
        if canonical is not None:
            return Result(raw.input, article=article, raw=raw, duplicate_of=canonical)
        try:
            events = self._events(article)  # its story date is resolved above
        except Exception as exc:  # one bad document never stops a batch
            reason = f"{type(exc).__name__}: {exc}"
            return Result(raw.input, article=article, error=_error(raw, "events", reason), raw=raw)
        return Result(raw.input, article=article, events=events, raw=raw)

    def warm_up(self, text: str) -> None:
        """Load what loads on first use (date recognizer, language identifier, the HTML
        extractor's word lists and domain suffixes) by extracting a page that holds ``text``,
        a short report, and coding it, so that a timed run does not pay for it."""
        (detect_language_fast if self.fast else detect_language)(text)
        page = WARM_UP_PAGE.format(text=html.escape(text)).encode()
        extract_article(RawDocument(input="warm-up.html", content=page, kind="html"), self.fast)
        load_date_recognizer()  # most sentences never reach it: it would load inside a timed run
        self.process_text(text, doc_id="warm-up", ref_date="2021-03-08")

    def remember(self, article: Article) -> None:
        """An article coded earlier (a stored one, on a resumed run): copies of it are copies."""
        if self._duplicates is not None and len(article.text.split()) >= MIN_WORDS_FOR_DEDUPE:
            self._duplicates.add(article)

    def _copy_of(self, article: Article) -> str | None:
        """The earlier article this one copies. Short texts (headlines, analyst notes) are
        never merged: two one-line reports can be alike and still be two events."""
        if self._duplicates is None or len(article.text.split()) < MIN_WORDS_FOR_DEDUPE:
            return None
        return self._duplicates.add(article)

    def process_many(self, raws: Iterable[RawDocument | DocumentError]) -> Iterator[Result]:
        for raw in raws:
            yield self.process(raw)

    def code(self, article: Article) -> list[Event]:
        """Events of a clean article: time, geo, actors, events, then in-article linking."""
        return self._events(resolve_article_date(article))

    def _events(self, article: Article) -> list[Event]:
        """``code`` for an article whose story date was resolved already."""
        if not self.gate.passes(article.text):
            return []  # no event word anywhere: no sentence to split, parse or code
        sentences = sentence_spans(article.text)
        gated = relevant_sentences(article.text, sentences, self.codebook)
        if not gated:
            return []
        texts = [article.text[sentences[i][0] : sentences[i][1]] for i in gated]
        docs = dict(zip(gated, self.parser.pipe(texts, batch_size=64), strict=True))
        geography = cast(ArticleGeography, _GeographyOnDemand(self.geocoder, article.text))
        events = code_article(
            article, sentences, docs, geography, self.codebook, self.include_unreal
        )
        return name_casualties(article.text, sentences, merge_article_events(events))

    def process_text(
        self,
        text: str,
        *,
        doc_id: str,
        ref_date: str | None = None,
        title: str | None = None,
        url: str | None = None,
        source: str | None = None,
    ) -> list[Event]:
        """Events of a clean article text whose reference date is known (evaluation).

        The text is taken as it is: no boilerplate cleaning, which is for scraped pages.
        """
        article = Article(
            id=doc_id, input=doc_id, text=text, title=title, url=url, source=source,
            date=ref_date, date_precision="day" if ref_date else None,
            date_evidence="supplied with the input" if ref_date else None,
        )  # fmt: skip
        return self.code(article)


class _GeographyOnDemand:
    """An article's geography, geocoded when the coder first asks for it. In general news
    many articles have an event word but no sentence that gets as far as its places."""

    def __init__(self, geocoder: Geocoder, text: str) -> None:
        self._geocoder, self._text = geocoder, text
        self._geography: ArticleGeography | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not set yet (copy, pickle): not the geography's
            raise AttributeError(name)
        if self._geography is None:
            self._geography = self._geocoder.geocode(self._text)
        return getattr(self._geography, name)


def _unsupported(language: str) -> str:
    return f"language '{language}' is not supported yet (English only)"


def _error(raw: RawDocument, stage: str, reason: str) -> DocumentError:
    return DocumentError(input=raw.input, stage=stage, error=reason, content_hash=raw.content_hash)
