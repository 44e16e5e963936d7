"""Extract the article from a raw document: main text, title, url, source and page date.

HTML goes through trafilatura (main text and metadata; its date comes from htmldate with
extensive search and original dates preferred). Scraped text, whose HTML is already lost, goes
through the line cleaner in ``sitreps.textclean``. The page date is only the page's date: the
story's own date (``Article.date``) is set here only when the caller supplied one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml.etree import ParserError

from sitreps.ingest import UndecodableError, decode_bytes
from sitreps.language import detect_language
from sitreps.records import Article, RawDocument, stable_id
from sitreps.textclean import (
    PARAGRAPH_BREAK,
    clean_scraped_text,
    drop_chrome_paragraphs,
    normalise_date,
    same_text,
    split_lines,
)

MIN_TEXT_CHARS = 25
MIN_TEXT_WORDS = 4
SUPPLIED_DATE_EVIDENCE = "supplied with the input"
_DATE_PARAMS = {"extensive_search": True, "original_date": True}

# trafilatura and htmldate log every page they find hard; those are not our errors.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


class ExtractionError(Exception):
    """No usable article text could be extracted from a document."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Extracted:
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    page_date: str | None = None


def extract_article(raw: RawDocument) -> Article:
    """The clean Article of a RawDocument; raises ExtractionError when no usable text remains."""
    try:
        content = decode_bytes(raw.content)
    except UndecodableError as exc:
        raise ExtractionError(str(exc)) from exc
    if raw.kind == "html":
        extracted = _from_html(content, raw)
    elif raw.kind == "article":
        extracted = _Extracted(text=_article_paragraphs(content))
    else:
        extracted = _from_text(content, raw)
    _check_usable(extracted.text, strict=raw.kind != "article")
    date, precision, evidence = _supplied_date(raw.date)
    language, _confidence = detect_language(extracted.text)
    return Article(
        id=raw.id or stable_id(extracted.text),
        input=raw.input,
        url=raw.url or extracted.url,
        title=raw.title or extracted.title,
        text=extracted.text,
        date=date,
        date_precision=precision,
        date_evidence=evidence,
        page_date=extracted.page_date,
        language=language,
        source=raw.source or extracted.source,
        content_hash=raw.content_hash,
    )


def _article_paragraphs(content: str) -> str:
    """Corpus text as it is, with one blank line between paragraphs."""
    lines = [" ".join(line.split()) for line in content.splitlines()]
    return PARAGRAPH_BREAK.join(line for line in lines if line)


def _check_usable(text: str, strict: bool = True) -> None:
    if not text.strip():
        raise ExtractionError("no article text found")
    if strict and (len(text) < MIN_TEXT_CHARS or len(text.split()) < MIN_TEXT_WORDS):
        raise ExtractionError(f"article text too short ({len(text.split())} words)")


def _supplied_date(value: str | None) -> tuple[str | None, str | None, str | None]:
    parsed = normalise_date(value) if value else None
    if parsed is None:
        return None, None, None
    iso, precision = parsed
    return iso, precision, SUPPLIED_DATE_EVIDENCE


def _from_text(content: str, raw: RawDocument) -> _Extracted:
    page = clean_scraped_text(content, title=raw.title)
    return _Extracted(text=page.text, title=page.title, page_date=page.page_date)


def _paragraphs(text: str, title: str | None) -> str:
    lines = drop_chrome_paragraphs([line for line in split_lines(text) if line])
    if title and lines and same_text(lines[0], title):
        lines = lines[1:]  # the headline, repeated as the first block of the body
    return PARAGRAPH_BREAK.join(lines)


def _parse_html(content: str) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        return lxml.html.document_fromstring(content.encode("utf-8"), parser=parser)
    except (ParserError, ValueError) as exc:
        raise ExtractionError(f"unparsable HTML: {exc}") from exc


def _from_html(content: str, raw: RawDocument) -> _Extracted:
    tree = _parse_html(content)
    document = trafilatura.bare_extraction(
        tree,
        url=raw.url,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        favor_precision=True,
        date_extraction_params=_DATE_PARAMS,
    )
    text = _paragraphs(document.text or "", document.title) if document else ""
    if not text:
        text = clean_scraped_text(html_to_text(_parse_html(content)), title=raw.title).text
    if document is None:
        return _Extracted(text=text)
    return _Extracted(
        text=text,
        title=document.title,
        url=document.url,
        source=document.sitename or document.hostname,
        page_date=document.date,
    )


_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "article", "section", "header", "footer", "nav", "aside", "blockquote", "pre",
    "figure", "figcaption", "main", "form", "dd", "dt", "hr", "title",
)  # fmt: skip


def html_to_text(tree: lxml.html.HtmlElement) -> str:
    """All visible text of a page, one line per block element (for the text cleaner)."""
    for element in tree.xpath("//script|//style|//noscript|//template|//svg"):
        element.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    return tree.text_content()
