"""Extract the article from a raw document: main text, title, url, source and page date.

HTML goes through trafilatura (main text and metadata; its date comes from htmldate with
extensive search and original dates preferred), or with ``fast=True`` through resiliparse's
main-content extractor with page dates from the page's metadata only (for bulk crawls). Scraped text, whose HTML is already lost, goes
through the line cleaner in ``sitreps.textclean``. The page date is only the page's date: the
story's own date (``Article.date``) is set here only when the caller supplied one.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Collection, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta

import lxml.html
import trafilatura
from lxml.etree import ParserError
from trafilatura.metadata import (  # the pieces of its extract_metadata that are used here
    META_URL,
    examine_meta,
    extract_domain,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
    find_date,
)
from trafilatura.settings import Document

from sitreps.ingest import UndecodableError, decode_bytes
from sitreps.language import UNDETERMINED, detect_language, detect_language_fast
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


def extract_article(raw: RawDocument, fast: bool = False) -> Article:
    """The clean Article of a RawDocument; raises ExtractionError when no usable text remains.

    ``fast`` uses resiliparse for HTML and for the language (about ten times faster, a few
    points less accurate: see docs/ingest.md).
    """
    try:
        content = decode_bytes(raw.content)
    except UndecodableError as exc:
        raise ExtractionError(str(exc)) from exc
    if raw.kind == "html":
        extracted = _from_html_fast(content, raw) if fast else _from_html(content, raw)
    elif raw.kind == "article":
        extracted = _Extracted(text=_article_paragraphs(content))
    else:
        extracted = _from_text(content, raw)
    _check_usable(extracted.text, strict=raw.kind != "article")
    date, precision, evidence = _supplied_date(raw.date)
    language, _confidence = (detect_language_fast if fast else detect_language)(extracted.text)
    # a crawl or feed date is the page's date only when the page itself shows none
    page_date = _plausible(extracted.page_date) or _plausible(getattr(raw, "page_date_hint", None))
    return Article(
        id=raw.id or stable_id(extracted.text),
        input=raw.input,
        url=raw.url or extracted.url,
        title=raw.title or extracted.title,
        text=extracted.text,
        date=date,
        date_precision=precision,
        date_evidence=evidence,
        page_date=page_date,
        language=language,
        source=raw.source or extracted.source,
        content_hash=raw.content_hash,
    )


_HTML_LANG = re.compile(rb"<html\b[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.IGNORECASE)
_HTML_LANG_SCAN_BYTES = 20_000


def foreign_language(raw: RawDocument, supported: Collection[str]) -> str | None:
    """The language of an HTML page that declares another language than the supported ones
    (``<html lang>``) and reads as one: its main text, taken the fast way (resiliparse),
    is identified as such. None for every other page, which is then extracted in full.

    A cheap look before trafilatura, which would cost several times more for a page that is
    then refused for its language.
    """
    if raw.kind != "html":
        return None
    declared = _HTML_LANG.search(raw.content, 0, _HTML_LANG_SCAN_BYTES)
    if declared is None or declared.group(1).decode().lower() in supported:
        return None
    try:
        text = _from_html_fast(decode_bytes(raw.content), raw).text
    except Exception:  # whatever fails here fails again, and is reported, in the full path
        return None
    language, _probability = detect_language(text)
    return None if language in supported or language == UNDETERMINED else language


def _article_paragraphs(content: str) -> str:
    """Corpus text as it is, with one blank line between paragraphs."""
    lines = [" ".join(line.split()) for line in content.splitlines()]
    return PARAGRAPH_BREAK.join(line for line in lines if line)


EARLIEST_PAGE_DATE = "1990-01-01"  # before the web, a page date is a parsing artefact


def _plausible(value: str | None) -> str | None:
    """A page date, or None when it cannot be one (0001-01-01, next year's)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    if value[:10] < EARLIEST_PAGE_DATE or day > date.today() + timedelta(days=2):
        return None
    return value


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
    # the metadata first: the extraction below prunes the tree it is given
    meta = _page_metadata(tree, raw.url)
    document = trafilatura.bare_extraction(
        tree,
        url=raw.url,
        with_metadata=False,
        include_comments=False,
        include_images=False,
        favor_precision=True,
    )
    text = _paragraphs(document.text or "", meta.title) if document else ""
    if not text:
        text = clean_scraped_text(html_to_text(_parse_html(content)), title=raw.title).text
    if document is None:
        return _Extracted(text=text)
    return _Extracted(
        text=text,
        title=meta.title,
        url=meta.url,
        source=meta.sitename or meta.hostname,
        page_date=meta.date,
    )


def _page_metadata(tree: lxml.html.HtmlElement, url: str | None) -> Document:
    """Title, URL, site name, host name and date of a page, found as trafilatura's
    ``extract_metadata`` finds them, without the author, categories, tags and licence it
    also looks for (a third of its extraction time, and unused here)."""
    meta = examine_meta(tree)
    with suppress(Exception):  # bugs of trafilatura's JSON-LD reader: it skips them too
        meta = extract_meta_json(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.url = meta.url or extract_url(tree, url)
    if meta.url:
        meta.hostname = extract_domain(meta.url, fast=True)
    meta.date = find_date(tree, url=meta.url, **_DATE_PARAMS)
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")  # a Twitter handle
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (site := META_URL.match(meta.url)):
        meta.sitename = site[1]
    meta.clean_and_trim()
    return meta


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


# ---------------------------------------------------------------------------- fast mode

_META_DATE_KEYS = (
    "article:published_time", "datepublished", "og:published_time", "published_time",
    "pubdate", "publishdate", "publish-date", "parsely-pub-date", "sailthru.date", "dc.date",
    "dc.date.issued", "dcterms.created", "date", "article.published", "cxenseparse:recs:publishtime",
    "article:modified_time", "datemodified", "og:updated_time", "last-modified",
)  # fmt: skip
_JSONLD_DATE_RE = re.compile(r'"datePublished"\s*:\s*"([^"]{4,40})"')
_META_SCAN_CHARS = 300_000
_META_RE = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_ATTRIBUTE_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_CANONICAL_RE = re.compile(
    r"""<link\s[^>]*rel\s*=\s*["']?canonical["']?[^>]*href\s*=\s*["']([^"']+)""", re.I
)
_TIME_RE = re.compile(r"""<time\s[^>]*datetime\s*=\s*["']([^"']+)""", re.IGNORECASE)


def _from_html_fast(content: str, raw: RawDocument) -> _Extracted:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(content)
    meta = _meta_tags(content)
    title = meta.get("og:title") or (tree.title or "").strip() or None
    body = extract_plain_text(
        tree, main_content=True, preserve_formatting=True, list_bullets=False, alt_texts=False
    )
    text = _paragraphs(body, title)
    if not text:
        text = extract_plain_text(tree, preserve_formatting=True, list_bullets=False)
        text = clean_scraped_text(text, title=raw.title).text
    return _Extracted(
        text=text,
        title=title,
        url=meta.get("og:url") or _canonical_url(content),
        source=meta.get("og:site_name"),
        page_date=_meta_date(meta, content),
    )


def _meta_tags(content: str) -> dict[str, str]:
    """<meta> name/property/itemprop -> content (lower-cased keys, first one wins).

    A regular expression over the page's start: walking resiliparse's DOM from Python costs
    more than the whole extraction.
    """
    tags: dict[str, str] = {}
    for tag in _META_RE.findall(content[:_META_SCAN_CHARS]):
        attributes = {k.lower(): v1 or v2 or v3 for k, v1, v2, v3 in _ATTRIBUTE_RE.findall(tag)}
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        value = attributes.get("content")
        if key and value:
            tags.setdefault(key.strip().lower(), html.unescape(value.strip()))
    return tags


def _canonical_url(content: str) -> str | None:
    match = _CANONICAL_RE.search(content[:_META_SCAN_CHARS])
    return html.unescape(match.group(1)) if match else None


def _meta_date(meta: dict[str, str], content: str) -> str | None:
    """The page's publication date from metadata, JSON-LD or the first <time datetime>."""
    for value in _date_candidates(meta, content):
        parsed = normalise_date(value)
        if parsed and parsed[1] == "day":
            return parsed[0]
    return None


def _date_candidates(meta: dict[str, str], content: str) -> Iterator[str]:
    """Metadata dates in order of trust; the page is searched only when the tags have none."""
    yield from (meta[key] for key in _META_DATE_KEYS if key in meta)
    for pattern in (_JSONLD_DATE_RE, _TIME_RE):
        found = pattern.search(content, 0, _META_SCAN_CHARS)
        if found:
            yield found.group(1)
