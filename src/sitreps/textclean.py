"""Clean scraped news text whose HTML is lost: drop site chrome, find the title and page date.

A scraped page is a list of lines: menus, weather and date widgets, the headline (sometimes
repeated, sometimes glued to breadcrumb words), the story's paragraphs with related-story
headlines and ads between them, and a tail of "Most Popular" / comment / plugin lines.
Each line is classified, the article body is the run of lines with the most prose in it
(a maximum-sum segment, so one ad or related headline does not split it), the title is looked
for just before that run, and a date widget above the body becomes the page date.
When the text keeps the page layout as indentation (inscriptis, lynx, w3m), the story's column
(the indentation of its longest run of consecutive paragraphs) is found and prose in other
columns (teasers, cookie text, sidebars) no longer extends the body.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import yaml

PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class CleanPage:
    title: str | None
    text: str
    page_date: str | None


class LineKind(Enum):
    PROSE = "prose"
    OTHER = "other"
    SHORT = "short"
    CHROME = "chrome"
    STOP = "stop"
    NAV = "nav"
    WEATHER = "weather"
    DATE = "date"
    HEADLINE = "headline"


@dataclass(frozen=True)
class Boilerplate:
    exact_lines: frozenset[str]
    prefixes: tuple[str, ...]
    contains: re.Pattern[str]  # each compiled from a phrase list: one search, not one per phrase
    notices: re.Pattern[str]
    short_notices: re.Pattern[str]
    stop_lines: frozenset[str]
    max_words: int
    notice_max_words: int
    function_words: frozenset[str]


@lru_cache(maxsize=1)
def boilerplate() -> Boilerplate:
    text = resources.files("sitreps").joinpath("data/boilerplate.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return Boilerplate(
        exact_lines=frozenset(data["exact_lines"]),
        prefixes=tuple(data["prefixes"]),
        contains=_any_of(data["contains"]),
        notices=_any_of(data["notices"]),
        short_notices=_any_of(data["short_notices"]),
        stop_lines=frozenset(data["stop_lines"]),
        max_words=int(data["max_words"]),
        notice_max_words=int(data["notice_max_words"]),
        function_words=frozenset(data["headline_function_words"]),
    )


def _any_of(phrases: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(phrase) for phrase in phrases))


# ---------------------------------------------------------------------------- dates

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_FORMS = [
    rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}",  # Saturday, January 29, 2022
    rf"{_WEEKDAY}{_DAY}(?:\s+|-){_MONTH}(?:,?\s+|-){_YEAR}",  # 29 January 2022, 29-Jan-2022
    rf"{_YEAR}-(?P<month_num>\d{{1,2}})-{_DAY}",  # 2022-01-29
    rf"{_YEAR}/(?P<month_num2>\d{{1,2}})/{_DAY}",  # 2022/01/29
]
_DATE_RE = [re.compile(form, re.IGNORECASE) for form in _DATE_FORMS]
_TIME = (
    r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{2,4})?(?:\s*[+-]\d{2}:?\d{2})?)"
)
_DATE_LABEL = r"(?:(?:last\s+)?updated|published|posted|date)(?:\s+on)?\s*:?\s*|on\s+"
_DATE_LINE_RE = re.compile(
    rf"^(?:{_DATE_LABEL})?(?P<date>.+?)(?:\s*(?:[|,\-–—•@]|at)?\s*{_TIME})?\s*$", re.IGNORECASE
)
_ISO_PREFIX_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date_text(text: str) -> str | None:
    """The ISO date if ``text`` is exactly one unambiguous date (numeric d/m orders refused)."""
    text = text.strip().strip(".")
    for pattern in _DATE_RE:
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = match.groupdict()
        month_text = parts.get("month")
        month = MONTHS[month_text.lower()] if month_text else None
        month = month or int(parts.get("month_num") or parts.get("month_num2") or 0)
        return _iso(int(parts["year"]), month, int(parts["day"]))
    return None


def parse_date_line(line: str) -> str | None:
    """The ISO date of a date-widget line ("Saturday, January 29, 2022", "29 Jan 2022 | 10:32")."""
    if len(line) > 80:
        return None
    match = _DATE_LINE_RE.match(line.strip())
    if not match:
        return None
    return parse_date_text(match.group("date"))


def normalise_date(value: str) -> tuple[str, str] | None:
    """A caller-supplied date as (ISO text, precision); None when not understood.

    ISO forms (``2019-04-10``, ``2019-04-10T12:00:00Z``, ``2019-04``, ``2019``) and
    written-out months (``10 April 2019``, ``April 10, 2019``, ``10-Apr-2019``) are accepted;
    purely numeric day/month orders such as ``04/10/2019`` are refused as ambiguous.
    """
    value = value.strip()
    written = parse_date_text(value)
    if written:
        return written, "day"
    match = _ISO_PREFIX_RE.match(value)
    if not match or (len(value) > 10 and value[10] not in "T "):
        return None
    year, month, day = match.group("year", "month", "day")
    if day:
        iso = _iso(int(year), int(month), int(day))
        return (iso, "day") if iso else None
    if month:
        return (f"{year}-{month}", "month") if 1 <= int(month) <= 12 else None
    return (year, "year") if len(value) == 4 else None


# ---------------------------------------------------------------------------- lines

_TERMINAL_RE = re.compile(r"[.!?…。！？؟।۔][\"'”’»)\]」』）]*$")
_WEATHER_RE = re.compile(
    r"^(?:[A-Z][\w .'-]{0,30}\s)?-?\d{1,3}(?:[.,]\d)?\s*°?\s*[CF](?:\s+[A-Za-z ]{0,25})?$"
)
_GLUE_RE = re.compile(r"[a-z]{2,}[A-Z][a-z]")
# A slash only separates breadcrumbs with spaces around it ("News / World", not "and/or").
_BREADCRUMB_SEP_RE = re.compile(r"\s*(?:[»›>|]|::)\s*|\s+[/\\]\s+")
# Scripts written without spaces count one word per two characters.
_WORD_RE = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,2}|\w+(?:['’]\w+)*"
)
_RELATIVE_TIME_RE = re.compile(
    r"^(?:about |updated )?(?:\d+|an?|one) (?:second|minute|min|hour|hr|day|week|month|year)s? ago$"
)
_BYLINE_RE = re.compile(r"^(?:by|words by|reporting by)\s+[A-Z]", re.IGNORECASE)
_LINK_OR_TAG_RE = re.compile(r"(?:https?://|www\.)\S+|[#@]\w+")
_TEASER_GLUE_RE = re.compile(r"[a-z][A-Z](?=[a-z]* )")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\xad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)


def _without_invisibles(text: str) -> str:
    """Zero-width characters and soft hyphens removed (translate is slow: only when present)."""
    if any(char in text for char in _INVISIBLE_CHARS):
        return text.translate(_INVISIBLE)
    return text


def normalise_phrase(line: str) -> str:
    """Lower-cased, accents kept, every run of non-alphanumerics replaced by one space."""
    folded = line.casefold().replace("’", "'")
    return _NOT_WORD_RE.sub(" ", folded).strip()


_NOT_WORD_RE = re.compile(r"[\W_]+")  # also the combining accents NFKD splits off


def _key(line: str) -> str:
    """A comparison key that ignores case, accents, quotes, spaces and punctuation (any script)."""
    decomposed = unicodedata.normalize("NFKD", line.casefold())
    return _NOT_WORD_RE.sub("", decomposed)


def same_text(first: str, second: str) -> bool:
    """Equal when case, quotes, spaces and punctuation are ignored."""
    return _key(first) == _key(second)


def _words(line: str) -> list[str]:
    return _WORD_RE.findall(line)


def _is_title_case(words: list[str], function_word_set: frozenset[str]) -> bool:
    alphabetic = [w for w in words if w[0].isalpha()]
    if len(alphabetic) < 3:
        return False
    capitalised = [w for w in alphabetic if w[0].isupper()]
    function_words = [w for w in alphabetic if w.lower() in function_word_set]
    capitalised_function = [w for w in function_words if w[0].isupper()]
    if function_words and len(capitalised_function) < len(function_words) / 2:
        return False
    return len(capitalised) >= 0.8 * len(alphabetic)


def _is_chrome(line: str, words: list[str], rules: Boilerplate) -> bool:
    phrase = normalise_phrase(line)
    if not phrase or phrase in rules.exact_lines or _RELATIVE_TIME_RE.match(phrase):
        return True
    if not any(ch.isalpha() for ch in phrase):
        return True
    if len(words) <= rules.notice_max_words and rules.notices.search(phrase):
        return True
    if len(words) > rules.max_words:
        return False
    if rules.short_notices.search(phrase):
        return True
    sentence_like = bool(_TERMINAL_RE.search(line)) and len(words) > 8
    if sentence_like:
        return False
    if _BYLINE_RE.match(line) and len(words) <= 6:
        return True
    padded = phrase + " "
    if padded.startswith(rules.prefixes):
        return True
    if not _TERMINAL_RE.search(line) and rules.contains.search(phrase):
        return True
    return line.startswith(("©", "(c) ", "Copyright"))


def _is_teaser(line: str, function_words: frozenset[str]) -> bool:
    """A related-story headline glued to its teaser ("...Student-AthleteA 24-year-old woman")."""
    for match in _TEASER_GLUE_RE.finditer(line):
        headline = _words(line[: match.start() + 1])
        if len(headline) >= 3 and _is_title_case(headline, function_words):
            return True
    return False


def _is_nav(line: str, words: list[str]) -> bool:
    if _TERMINAL_RE.search(line) and len(words) > 6:
        return False
    line = _LINK_OR_TAG_RE.sub(" ", line)  # camel-case hashtags and URLs are not glued menus
    if len(_GLUE_RE.findall(line)) >= 2:
        return True
    if line.startswith("Home") and (
        _GLUE_RE.match(line) or _BREADCRUMB_SEP_RE.search(line[4:8] or " ")
    ):
        return True
    return len(_BREADCRUMB_SEP_RE.findall(line)) >= 2 and len(words) <= 20


def _is_keyword_list(line: str, words: list[str]) -> bool:
    """Tag clouds and link lists: many short comma- or bullet-separated items, no sentence end."""
    items = [item for item in re.split(r"\s*[,;•·|]\s*", line) if item]
    return len(items) >= 5 and len(words) <= 3 * len(items) and not _TERMINAL_RE.search(line)


def _is_prose(line: str, words: list[str]) -> bool:
    if _is_keyword_list(line, words):
        return False
    if _TERMINAL_RE.search(line) and len(words) >= 4:
        return True
    if len(words) < 20:
        return False
    lower_initial = sum(1 for w in words if w[0].islower())
    return lower_initial >= 0.3 * len(words)


def classify_line(line: str, rules: Boilerplate | None = None) -> LineKind:
    rules = rules or boilerplate()
    words = _words(line)
    if not words:
        return LineKind.CHROME
    if parse_date_line(line):
        return LineKind.DATE
    if _WEATHER_RE.match(line):
        return LineKind.WEATHER
    if normalise_phrase(line) in rules.stop_lines:
        return LineKind.STOP
    if _is_chrome(line, words, rules):
        return LineKind.CHROME
    if _is_nav(line, words):
        return LineKind.NAV
    if _is_teaser(line, rules.function_words):
        return LineKind.HEADLINE
    if _is_prose(line, words):
        return LineKind.PROSE
    if len(words) <= 2:
        return LineKind.SHORT
    if (
        len(words) <= 15
        and not _TERMINAL_RE.search(line)
        and _is_title_case(words, rules.function_words)
    ):
        return LineKind.HEADLINE
    return LineKind.OTHER


# ---------------------------------------------------------------------------- layout


def split_lines(text: str) -> list[str]:
    """Lines with whitespace normalised; blank lines kept as "" (they mark paragraphs)."""
    text = _without_invisibles(text).replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(line.split()) for line in text.split("\n")]


def unwrap_hard_wrapped(lines: list[str]) -> list[str]:
    """Join lines of paragraphs that were hard-wrapped at a fixed width (e-mail, plain text)."""
    return [line for line, _ in _unwrap_with_indents(lines, [0] * len(lines))]


def _indent(raw_line: str) -> int:
    stripped = raw_line.lstrip(" \t\xa0")
    prefix = raw_line[: len(raw_line) - len(stripped)]
    return len(prefix) + 3 * prefix.count("\t")


def layout_lines(text: str) -> tuple[list[str], list[int]]:
    """Non-blank lines (hard-wrapped paragraphs re-joined) and how far each was indented."""
    text = _without_invisibles(text).replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    lines = [" ".join(line.split()) for line in raw_lines]
    indents = [_indent(line) if line.strip() else 0 for line in raw_lines]
    pairs = _unwrap_with_indents(lines, indents)
    return [line for line, _ in pairs], [indent for _, indent in pairs]


def _unwrap_with_indents(lines: list[str], indents: list[int]) -> list[tuple[str, int]]:
    pairs = [(line, indent) for line, indent in zip(lines, indents, strict=True)]
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 4 or "" not in lines:
        return [pair for pair in pairs if pair[0]]
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near_width = sum(1 for n in lengths if n >= 0.75 * width)
    if width > 100 or near_width < 0.4 * len(lengths):
        return [pair for pair in pairs if pair[0]]
    joined: list[tuple[str, int]] = []
    previous_wraps = False
    for line, indent in pairs:
        if line and previous_wraps and joined:
            joined[-1] = (f"{joined[-1][0]} {line}", joined[-1][1])
        elif line:
            joined.append((line, indent))
        previous_wraps = bool(line) and len(line) >= 0.6 * width
    return joined


_PENALTY = {
    LineKind.PROSE: 0,
    LineKind.OTHER: -1,
    LineKind.SHORT: -3,
    LineKind.HEADLINE: -4,
    LineKind.DATE: -3,
    LineKind.WEATHER: -5,
    LineKind.CHROME: -5,
    LineKind.NAV: -8,
    LineKind.STOP: -60,
}


def main_segment(lines: list[str], kinds: list[LineKind]) -> tuple[int, int] | None:
    """[start, end) of the run of lines with the most prose words (maximum-sum segment)."""
    return _max_sum_segment(_line_scores(lines, kinds))


def _line_scores(lines: list[str], kinds: list[LineKind]) -> list[int]:
    return [
        len(_words(line)) if kind is LineKind.PROSE else _PENALTY[kind]
        for line, kind in zip(lines, kinds, strict=True)
    ]


def _max_sum_segment(scores: list[int]) -> tuple[int, int] | None:
    best_sum, best = 0, None
    running, start = 0, 0
    for index, score in enumerate(scores):
        if running <= 0:
            running, start = score, index
        else:
            running += score
        if running > best_sum:
            best_sum, best = running, (start, index + 1)
    return best


_RUN_TRANSPARENT = {LineKind.CHROME, LineKind.SHORT}


def _body_indent(
    kinds: list[LineKind], scores: list[int], indents: list[int], segment: tuple[int, int]
) -> int:
    """The indentation of the longest run of consecutive, equally indented prose lines.

    Teasers alternate with their headlines, so the longest unbroken run is the story's; an ad
    or a short widget line between two paragraphs does not break the run."""
    best_words, best_indent = 0, indents[segment[0]]
    run_words, run_indent = 0, None
    for index in range(*segment):
        if kinds[index] in _RUN_TRANSPARENT:
            continue
        if scores[index] <= 0 or indents[index] != run_indent:
            run_words, run_indent = 0, indents[index]
        run_words += max(scores[index], 0)
        if run_words > best_words:
            best_words, best_indent = run_words, run_indent
    return best_indent


BOX_PROSE_SHARE = 0.5


class Segment(NamedTuple):
    start: int
    end: int
    column: int  # the indentation of the story's paragraphs


def body_segment(lines: list[str], kinds: list[LineKind], indents: list[int]) -> Segment | None:
    """The main segment, found again with prose set in another column than the body's demoted.

    Flatteners that keep the page layout (inscriptis, lynx) indent each box of the page by its
    nesting, so the story's paragraphs share one indentation and teaser lists around it do not.
    """
    scores = _line_scores(lines, kinds)
    segment = _max_sum_segment(scores)
    if segment is None:
        return None
    column = _body_indent(kinds, scores, indents, segment)
    rescored = [
        _column_score(score, kind, indent, column)
        for score, kind, indent in zip(scores, kinds, indents, strict=True)
    ]
    segment = _max_sum_segment(rescored)
    return Segment(*segment, column) if segment else None


def _column_score(score: int, kind: LineKind, indent: int, column: int) -> int:
    if indent == column:
        return score
    if kind is LineKind.STOP and indent > column:
        return _PENALTY[LineKind.CHROME]  # a "Most read" box nested inside the story
    return min(score, _PENALTY[LineKind.OTHER])


def _boxes_without_prose(
    lines: list[str], kinds: list[LineKind], indents: list[int], segment: Segment
) -> set[int]:
    """Lines of runs set in another column than the story's that are mostly not prose: a "Most
    read" box or a caption block inside the story; an embedded quote or tweet is prose."""
    dropped: set[int] = set()
    run: list[int] = []
    for index in [*range(segment.start, segment.end), None]:
        if index is not None and indents[index] != segment.column:
            run.append(index)
            continue
        words = [len(_words(lines[i])) for i in run]
        prose = sum(n for i, n in zip(run, words, strict=True) if kinds[i] is LineKind.PROSE)
        if run and prose < BOX_PROSE_SHARE * sum(words):
            dropped.update(run)
        run = []
    return dropped


# ---------------------------------------------------------------------------- title


def _breadcrumb_tail(line: str) -> str | None:
    """The last segment of a breadcrumb line ("HomeAll ArticlesRussian Jets ..." -> "Russian...")."""
    pieces = _BREADCRUMB_SEP_RE.split(line)
    last = pieces[-1]
    glue_points = [m.start() + len(m.group()) - 2 for m in _GLUE_RE.finditer(last)]
    if glue_points:
        last = last[glue_points[-1] :]
    return last.strip() if len(_words(last)) >= 3 else None


def _title_candidates(head: list[str], kinds: list[LineKind]) -> list[int]:
    wanted = {LineKind.HEADLINE, LineKind.OTHER, LineKind.PROSE}
    return [
        i
        for i, (line, kind) in enumerate(zip(head, kinds, strict=True))
        if kind in wanted and 2 <= len(_words(line)) <= 30 and not line.lower().startswith("by ")
    ]


def find_title(head: list[str], kinds: list[LineKind]) -> str | None:
    """The headline among the lines above the body: repeated, or closing a breadcrumb."""
    candidates = _title_candidates(head, kinds)
    keys = [_key(line) for line in head]
    nav_keys = [keys[i] for i, kind in enumerate(kinds) if kind is LineKind.NAV]
    for i in reversed(candidates):
        key = keys[i]
        repeated = keys.count(key) > 1
        closes_breadcrumb = any(nav.endswith(key) and nav != key for nav in nav_keys)
        if key and (repeated or closes_breadcrumb):
            return head[i]
    recent = [i for i in candidates if i >= len(head) - 8]
    if recent:
        return head[max(recent, key=lambda i: (len(_words(head[i])) >= 4, i))]
    for i in reversed(range(len(head))):
        if kinds[i] is LineKind.NAV and (tail := _breadcrumb_tail(head[i])):
            return tail
    return None


# ---------------------------------------------------------------------------- cleaning

_DROP_IN_BODY = {
    LineKind.CHROME,
    LineKind.STOP,
    LineKind.NAV,
    LineKind.WEATHER,
    LineKind.SHORT,
    LineKind.HEADLINE,
}


def clean_scraped_text(text: str, title: str | None = None) -> CleanPage:
    """Main text, title and page date of a scraped page (``title``: a known title, if any)."""
    lines, indents = layout_lines(text)
    rules = boilerplate()
    kinds = [classify_line(line, rules) for line in lines]
    segment = body_segment(lines, kinds, indents)
    if segment is None:
        return CleanPage(title=title, text="", page_date=_first_date(lines, kinds))
    head, head_kinds = lines[: segment.start], kinds[: segment.start]
    title = title or find_title(head, head_kinds)
    title_key = _key(title) if title else None
    boxes = _boxes_without_prose(lines, kinds, indents, segment)
    body = [
        lines[i]
        for i in range(segment.start, segment.end)
        if kinds[i] not in _DROP_IN_BODY
        and i not in boxes
        and not (title_key and _key(lines[i]) == title_key)
    ]
    return CleanPage(
        title=title,
        text=PARAGRAPH_BREAK.join(body),
        page_date=_first_date(head, head_kinds),
    )


def _first_date(lines: list[str], kinds: list[LineKind]) -> str | None:
    for line, kind in zip(lines, kinds, strict=True):
        if kind is LineKind.DATE:
            return parse_date_line(line)
    return None


def drop_chrome_paragraphs(paragraphs: list[str]) -> list[str]:
    """A light pass for text an HTML extractor already cleaned: drop exact chrome lines only."""
    rules = boilerplate()
    return [p for p in paragraphs if normalise_phrase(p) not in rules.exact_lines]
