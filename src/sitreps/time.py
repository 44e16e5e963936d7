"""Time stage: the story's own date, and each event's date resolved from its sentence.

A page's date is not the story's date: pages are re-published, and scraped text carries the
date widget of the day it was scraped. The story date comes, in order of trust, from the
caller, from a date in the page's URL (/2015/09/30/), from an explicit dated mention in the
text, from the page metadata when the text does not contradict it, or from dated landmarks the
text mentions ("Syria's four-year civil war", "Moscow seized Crimea last year"); a dateline
("DAMASCUS, Sept 30 (Reuters) -") then pins the day when it falls inside the window found. Relative expressions in an event's sentence ("earlier this
week", "on Wednesday", "last year") are resolved against that date, never into the future, and
never more precisely than the reference date itself is known.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from itertools import pairwise

import yaml

from sitreps.records import Article, DatePrecision

PRECISION_RANK: dict[str, int] = {"day": 0, "week": 1, "month": 2, "year": 3}

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
# "10 September 2015", "September 10, 2015", "Sept. 10 2015"
_FULL_DATE = re.compile(
    rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+((?:19|20)\d\d)"
    rf"|({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d))\b",
    re.IGNORECASE,
)
_YEAR_WAR = re.compile(
    r"(?P<who>[\w’']+(?:\s[\w’']+)?)\s+(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
    r"[- ]years?[- ]old\s+(?:civil\s+)?(?:war|conflict|insurgency|crisis|uprising)"
    r"|(?P<who2>[\w’']+(?:\s[\w’']+)?)\s+(?P<n2>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
    r"[- ]years?\s+(?:long\s+)?(?:civil\s+)?(?:war|conflict|insurgency|crisis|uprising)",
    re.IGNORECASE,
)
# What every _YEAR_WAR match ends with: a cheap test that spares most texts its slow search
# (its open-ended start is tried at every position of the text).
_YEAR_WAR_TAIL = re.compile(
    r"[- ]years?(?:[- ]old\s+|\s+(?:long\s+)?)(?:civil\s+)?(?:war|conflict|insurgency|crisis|uprising)",
    re.IGNORECASE,
)
_RELATIVE_YEAR = re.compile(
    r"\b(last year|this year|(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r") years ago)\b",
    re.IGNORECASE,
)


STORY_DATE = "the story's date"  # the evidence of an event date no sentence gave


@dataclass(frozen=True)
class ResolvedDate:
    date: date
    precision: DatePrecision
    evidence: str

    @property
    def iso(self) -> str:
        return self.date.isoformat()


# ---------------------------------------------------------------------------------------------
# Story date


def resolve_article_date(article: Article) -> Article:
    """Return the article with `date`, `date_precision` and `date_evidence` filled in."""
    if article.date and article.date_precision:
        return article
    if article.date:
        return article.model_copy(
            update={"date_precision": "day", "date_evidence": article.date_evidence or "given"}
        )
    resolved = story_date(article.text, article.page_date, url=article.url)
    if resolved is None:
        return article
    return article.model_copy(
        update={
            "date": resolved.iso,
            "date_precision": resolved.precision,
            "date_evidence": resolved.evidence,
        }
    )


def story_date(text: str, page_date: str | None, url: str | None = None) -> ResolvedDate | None:
    """The story's date from its URL and text, checked against the page's date."""
    page = _parse_iso(page_date)
    resolved = _story_date_from_url(url, page) or _story_date(text, page)
    dateline = _dateline(text)
    return _with_dateline(resolved, dateline, page) if dateline else resolved


def _story_date(text: str, page: date | None) -> ResolvedDate | None:
    explicit = _latest_explicit_date(text, not_after=page)
    textual_year = _year_from_landmarks(text)
    if page and textual_year and textual_year < page.year:
        return _date_within_year(text, textual_year, page)
    if page and explicit and (page - explicit).days > 370:
        return ResolvedDate(
            explicit, "day",
            f"latest dated mention in the text ({explicit.isoformat()}); the page date "
            f"{page.isoformat()} is over a year later, taken as a re-publication",
        )  # fmt: skip
    if page:
        return ResolvedDate(page, "day", "page date, not contradicted by the text")
    if explicit:
        return ResolvedDate(explicit, "day", "latest dated mention in the text")
    if textual_year:
        return _date_within_year(text, textual_year, None)
    return None


# A URL date: /2015/09/30/, /2015-09-30-slug, /20150930/, or a month only (/2015/09/slug).
_URL_DAY_RE = re.compile(
    r"/((?:19|20)\d\d)([/-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)
_URL_MONTH_RE = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/")
URL_DATE_SLACK_DAYS = 2  # a page date a day or two after the URL's is the same publication


def date_from_url(url: str | None) -> tuple[date, DatePrecision] | None:
    """The publication date a news URL carries in its path, with its precision."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.split("?")[0].split("#")[0], flags=re.I)
    day = _URL_DAY_RE.search(path)
    if day:
        parsed = _safe_date(int(day.group(1)), int(day.group(3)), int(day.group(4)))
        if parsed:
            return parsed, "day"
    month = _URL_MONTH_RE.search(path)
    if month:
        return date(int(month.group(1)), int(month.group(2)), 1), "month"
    return None


def _story_date_from_url(url: str | None, page: date | None) -> ResolvedDate | None:
    """The URL's date when there is no page date or the page date is later (re-publication)."""
    found = date_from_url(url)
    if found is None:
        return None
    url_date, precision = found
    if page is None:
        return ResolvedDate(url_date, precision, f"date in the URL ({url_date.isoformat()})")
    if precision == "month" and (page.year, page.month) == (url_date.year, url_date.month):
        return None  # the page date is the finer of two agreeing dates
    window_end_day = window_end(ResolvedDate(url_date, precision, ""))
    if (page - window_end_day).days > URL_DATE_SLACK_DAYS:
        return ResolvedDate(
            url_date, precision,
            f"date in the URL ({url_date.isoformat()}); the page date {page.isoformat()} is "
            "later, taken as a re-publication",
        )  # fmt: skip
    return None


# "DAMASCUS, Sept 30 (Reuters) -", "KABUL, Oct. 3 -", "SANAA, March 14, 2018 —"
_DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Z.'’ -]{2,40}(?:,\s*[A-Z][\w.'’ -]{1,30})?\s*[,(]\s*"
    rf"(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?\s*\)?\s*(?:\([^)]{1,40}\)\s*)?[-–—:]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Dateline:
    month: int
    day: int
    year: int | None
    text: str


def _dateline(text: str) -> Dateline | None:
    """The dateline opening the story, if any (its place must be written in capitals)."""
    match = _DATELINE_RE.match(text[:200])
    if not match or not match.group(0).lstrip()[:3].isupper():
        return None
    month = _month_number(match.group("month"))
    if month is None:
        return None
    year = int(match.group("year")) if match.group("year") else None
    day = int(match.group("day"))
    return Dateline(month, day, year, match.group(0).strip(" -–—:"))


def _with_dateline(
    resolved: ResolvedDate | None, dateline: Dateline, page: date | None
) -> ResolvedDate | None:
    """Pin the story to its dateline's day when that day falls inside the window found."""
    why = f"dateline '{dateline.text}'"
    if dateline.year:
        day = _safe_date(dateline.year, dateline.month, dateline.day)
        if day and (resolved is None or day <= window_end(resolved)):
            return ResolvedDate(day, "day", why)
        return resolved
    if resolved is None:
        return None
    end = window_end(resolved)
    for year in (end.year, end.year - 1):
        day = _safe_date(year, dateline.month, dateline.day)
        if day and _dateline_fits(day, resolved):
            return ResolvedDate(day, "day", f"{why} within {resolved.evidence}")
    return resolved


def _dateline_fits(day: date, resolved: ResolvedDate) -> bool:
    """A day inside the resolved window, or (for a day-precise date) up to a month before it."""
    end = window_end(resolved)
    if resolved.precision == "day":
        return timedelta(0) <= end - day <= timedelta(days=31)
    return resolved.date <= day <= end


def _date_within_year(text: str, year: int, page: date | None) -> ResolvedDate:
    """Narrow a story known only by its year with day-month mentions of that year."""
    why = f"the text dates itself to {year}"
    if page:
        why += f" (the page date {page.isoformat()} is a re-publication)"
    mentions = [d for d in _day_month_mentions(text, year)]
    if mentions:
        latest = max(mentions)
        return ResolvedDate(
            latest.replace(day=1), "month",
            f"{why}; latest day-month mention {latest.isoformat()} bounds it to that month",
        )  # fmt: skip
    return ResolvedDate(date(year, 1, 1), "year", why)


def _day_month_mentions(text: str, year: int) -> list[date]:
    pattern = re.compile(
        rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\b|({_MONTHS})\.?\s+(\d{{1,2}})\b)",
        re.IGNORECASE,
    )
    found = []
    for m in pattern.finditer(text):
        day_s = m.group(1) or m.group(4)
        month_s = m.group(2) or m.group(3)
        parsed = _safe_date(year, _month_number(month_s), int(day_s))
        if parsed:
            found.append(parsed)
    return found


def _latest_explicit_date(text: str, not_after: date | None) -> date | None:
    found = []
    for m in _FULL_DATE.finditer(text):
        if m.group(1):
            parsed = _safe_date(int(m.group(3)), _month_number(m.group(2)), int(m.group(1)))
        else:
            parsed = _safe_date(int(m.group(6)), _month_number(m.group(4)), int(m.group(5)))
        if parsed and (not_after is None or parsed <= not_after):
            found.append(parsed)
    return max(found) if found else None


def _year_from_landmarks(text: str) -> int | None:
    """The year a story must have been written in, from dated landmarks it mentions."""
    anchors = _anchors()
    lowered = text.lower()
    years: list[int] = []
    wars = _YEAR_WAR.finditer(text) if _YEAR_WAR_TAIL.search(text) else ()
    for m in wars:
        who = (m.group("who") or m.group("who2") or "").lower()
        n = _to_int(m.group("n") or m.group("n2"))
        for conflict in anchors["conflicts"]:
            if n and any(re.search(p, who) for p in conflict["patterns"]):
                years.append(conflict["start"] + n)
                break
    for landmark in anchors["landmarks"]:
        for pattern in landmark["patterns"]:
            for m in pattern.finditer(lowered):
                window = lowered[m.end() : m.end() + 80]
                rel = _RELATIVE_YEAR.search(window)
                if not rel:
                    continue
                phrase = rel.group(1).lower()
                if phrase == "last year":
                    years.append(landmark["year"] + 1)
                elif phrase == "this year":
                    years.append(landmark["year"])
                else:
                    years.append(landmark["year"] + (_to_int(rel.group("n")) or 0))
    if not years:
        return None
    return max(set(years), key=years.count)


@lru_cache(maxsize=1)
def _anchors() -> dict:
    with resources.files("sitreps.data").joinpath("anchors.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    for conflict in data["conflicts"]:
        conflict["patterns"] = [re.compile(p, re.IGNORECASE) for p in conflict["patterns"]]
    for landmark in data["landmarks"]:
        landmark["patterns"] = [re.compile(p) for p in landmark["patterns"]]  # on lowered text
    return data


# ---------------------------------------------------------------------------------------------
# Event date


def resolve_event_date(
    sentence: str, reference: ResolvedDate | None, anchor: int | None = None
) -> ResolvedDate | None:
    """The date of an event told in `sentence`, relative to the story's reference date.

    `anchor` is the character offset of the event trigger in the sentence: when the sentence
    holds several date expressions, the one nearest the trigger wins.
    """
    if reference is None:
        return None
    ref_dt = datetime.combine(reference.date, datetime.min.time())
    if reference.precision != "day":
        # Resolve against the end of the known window: "earlier this week" in a story known
        # only by its month cannot be more precise than that month.
        ref_dt = datetime.combine(window_end(reference), datetime.min.time())
    found = _dated_expressions(sentence, ref_dt)
    candidates = [
        (abs(start - anchor) if anchor is not None else start, resolved)
        for start, resolved in found
    ]
    if not candidates:
        return ResolvedDate(reference.date, reference.precision, STORY_DATE)
    _, best = min(candidates, key=lambda c: c[0])
    if PRECISION_RANK[best.precision] < PRECISION_RANK[reference.precision] and (
        _is_relative(best.evidence)
    ):
        return _coarsen(best, reference.precision)
    return best


# The recognizer costs ~30 ms a sentence; most event sentences hold no date expression at all.
# Only a sentence with one of these words (or a number that can be a day or a year) goes to it.
_DATE_CUE = re.compile(
    rf"\b(?:{_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|"
    r"yesterday|tomorrow|ago|weeks?|weekend|months?|years?|decades?|days?|mornings?|afternoon|"
    r"evenings?|night|overnight|dawn|dusk|midnight|christmas|easter|ramadan|eid)\b"
    r"|\b(?:19|20)\d\d\b|\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}/\d{1,2}\b",
    re.IGNORECASE,
)
_AMBIGUOUS_MONTHS = {"march", "may"}


def _dated_expressions(sentence: str, ref_dt: datetime) -> list[tuple[int, ResolvedDate]]:
    """Each date expression of the sentence that resolves to a day, with its start offset."""
    if not _DATE_CUE.search(sentence):
        return []
    fast = _fast_expressions(sentence, ref_dt.date())
    if fast is not None:
        return fast
    found = []
    for result in _recognizer().parse(sentence, ref_dt):
        if _lowercase_month_word(sentence, result.start, result.end):
            continue
        resolved = _from_recognizer(result, ref_dt.date())
        if resolved is not None:
            found.append((result.start, resolved))
    return found


# ---------------------------------------------------------------------------------------------
# Fast path: the plain expressions that make up most dated event sentences ("on Monday",
# "On 3 May 2021", "yesterday") resolved here exactly as the recognizer resolves them, at a
# fraction of its cost. A sentence with anything else that could be, or could join, a date
# expression goes to the recognizer: the fast path answers only when it is certain.

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CAP_MONTH = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_YEAR = r"(?:19|20)\d\d"
_FULL_MONTH = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_COUNT_WORDS = "|".join([*_NUMBER_WORDS, *(word.title() for word in _NUMBER_WORDS)])
# The span of each alternative is the span the recognizer reports for that expression.
_FAST_EXPRESSION = re.compile(
    rf"(?P<iso>(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>[0-2]\d|3[01]))"
    rf"|(?P<dmy_d>[12]\d|3[01]|[1-9])(?:st|nd|rd|th)? (?P<dmy_m>{_CAP_MONTH})(?:\.? |\.?, )(?P<dmy_y>{_YEAR})"
    rf"|(?P<mdy_m>{_CAP_MONTH})\.? (?P<mdy_d>[12]\d|3[01]|[1-9])(?:st|nd|rd|th)?,? (?P<mdy_y>{_YEAR})"
    rf"|(?P<my_m>{_CAP_MONTH})\.? (?P<my_y>{_YEAR})"
    rf"|(?P<dm_d>[12]\d|3[01]|[1-9])(?:st|nd|rd|th)? (?P<dm_m>{_CAP_MONTH})"
    rf"|(?P<md_m>{_CAP_MONTH})\.? (?P<md_d>[12]\d|3[01]|[1-9])(?:st|nd|rd|th)?"
    r"|(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?P<yesterday>[Yy]esterday)|(?P<today>[Tt]oday)"
    # relative periods and months, each resolved as the recognizer resolves it
    r"|(?P<period>(?:[Ee]arlier this|[Tt]his|[Ll]ast) (?:week|month|year)\b|[Ll]ast weekend)"
    rf"|[Ll]ast (?:(?P<last_weekday>{'|'.join(w.title() for w in _WEEKDAY_NAMES)})"
    rf"|(?P<last_month>{_FULL_MONTH}))"
    rf"|(?P<ago>(?P<ago_n>\d{{1,2}}|{_COUNT_WORDS}|[Aa]n?|[Aa] few) (?P<ago_unit>day|week|month|year)s? ago)"
    rf"|(?P<month>{_FULL_MONTH})|(?P<year>{_YEAR})"
)
_FAST_ISO = re.compile(rf"\b{_YEAR}-(?:0[1-9]|1[0-2])-(?:[0-2]\d|3[01])\b")
# Words the recognizer reads as part of a date or as a date of their own: with any of them in
# the sentence, the fast path cannot be sure of the whole sentence.
_FAST_BLOCKERS = re.compile(
    r"\b(?:now|recent|recently|current|currently|later|earlier|soon|former|formerly|"
    r"previously|ago|eve|noon|noontime|lunchtime|o'clock|hours?|hrs?|am|pm|gmt|utc|season|"
    r"summer|winter|spring|autumn|fall|quarter|fortnight|century|daily|weekly|monthly|annual|"
    r"annually|tomorrow|tonight|day|days|weekend|week|weeks|month|months|year|years|date|"
    r"dates|time|times|period|first|second|third|fourth|fifth|half|midday|eod|eom|eoy)\b"
    # "around 1500", "about two thousand": read as years; "around 8 on Monday": as a time
    rf"|\b(?:around|about|approximately|circa)\s+(?:\d|{'|'.join(_NUMBER_WORDS)})"
    r"|\d\s*(?:[:.h]\d|[ap]\.?m\b|h\b)|\d{4}\s*(?:h|hrs?|hours|gmt)\b|\d[-–/]\d|[-–/]\s*\d"
    # "the 25 April" is read with its article; "on 2 students" is read as a day
    rf"|\bthe\s+(?:\d|(?:{_CAP_MONTH}|{'|'.join(_WEEKDAY_NAMES)})\b)"  # not "the market"
    rf"|\b(?:on|at|by)\s+\d{{1,2}}(?!\d|\s+(?:{_CAP_MONTH})\b)",
    re.IGNORECASE,
)
# Words that change or join an expression they stand right before ("since Monday").
_FAST_MODIFIER = re.compile(
    r"\b(?:since|until|till|before|after|from|between|through|throughout|by|during|within|"
    r"around|about|approximately|circa|starting|ending|beginning|end|early|late|mid|middle|"
    r"last|next|this|that|these|those|same|every|each|past|previous|following|coming|"
    r"of|to|and|or|than|for|as|per|dated|dawn|dusk|midnight|midday|noon|night|morning|"
    r"evening|afternoon)\s*[,.]?\s*(?:on\s+)?$",
    re.IGNORECASE,
)
_FAST_ALLOWED_CUE = re.compile(
    r"(?:this morning|last night"
    r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)"
    r" (?:morning|afternoon|evening|night))\b",
    re.IGNORECASE,
)
# What may follow an expression without joining it: an end, punctuation, or a word.
_FAST_FOLLOWER = re.compile(r"$|'s\b|’s\b|[.,;:!?)\"'’”]|\s+[a-zA-Z]")
_FAST_JOINERS = re.compile(r"\s*(?:(?:and|or|to|at|of|through|till|until)\b|\d)", re.IGNORECASE)


def _fast_expressions(sentence: str, ref: date) -> list[tuple[int, ResolvedDate]] | None:
    """The sentence's date expressions when all of them are plain ones, else None."""
    if len(sentence.lower()) != len(sentence):
        return None  # "İ" lowers to two characters: the recognizer's offsets shift after it
    matches = list(_FAST_EXPRESSION.finditer(sentence))
    plain = sentence
    for match in matches:  # "last week", "two years ago": their words block nothing else
        if match.lastgroup in {"period", "ago"}:
            start, end = match.span()
            plain = plain[:start] + " " * (end - start) + plain[end:]
    plain = _FAST_ISO.sub(" ", _FAST_ALLOWED_CUE.sub(" ", plain))
    if _FAST_BLOCKERS.search(plain):
        return None
    spans: list[tuple[int, int]] = []
    found: list[tuple[int, ResolvedDate]] = []
    for match in matches:
        if not _stands_alone(sentence, match.start(), match.end()):
            return None
        if match.lastgroup in _RELATIVE_GROUPS and _RELATIVE_PREFIX.search(
            sentence[max(0, match.start() - 20) : match.start()]
        ):
            return None  # "the last week", "more than two years ago": another expression
        try:
            resolved = _fast_resolved(match, ref)
        except (OverflowError, ValueError):  # a reference date at the edge of the calendar
            return None
        if resolved is _UNSURE:
            return None
        spans.append((match.start(), match.end()))
        if resolved is not None:
            day, precision = resolved
            evidence = sentence[match.start() : match.end()].lower()
            found.append((match.start(), ResolvedDate(day, precision, evidence)))
    allowed = [(m.start(), m.end()) for m in _FAST_ALLOWED_CUE.finditer(sentence)]
    if not all(_stands_alone(sentence, start, end) for start, end in allowed):
        return None
    if any(_FAST_NUMBER_AFTER.match(sentence, end) for _, end in allowed):
        return None  # "Friday night two trucks...": read as a time of that night
    if _adjacent(sentence, spans) or not _cues_covered(sentence, spans + allowed):
        return None
    return found


_FAST_NUMBER_AFTER = re.compile(rf"\s+(?:\d|(?:{_COUNT_WORDS})\b)")
# The groups of the relative expressions, and what may not stand before them: an article or a
# number word makes them part of a longer expression the recognizer reads otherwise.
_RELATIVE_GROUPS = frozenset({"period", "last_weekday", "last_month", "ago"})
_RELATIVE_PREFIX = re.compile(
    r"\b(?:the|a|an|more|less|than|over|under|nearly|almost|some|just|only|least|most|"
    r"roughly|exactly|barely|hardly|few|several|many|hundred|thousand|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|\d+)\s*,?\s*$",
    re.IGNORECASE,
)


def _adjacent(sentence: str, spans: list[tuple[int, int]]) -> bool:
    """Two expressions with only spaces or punctuation between them ("Monday, 3 May")."""
    return any(
        not re.search(r"[^\W\d_]{2}", sentence[end:start])
        for (_, end), (start, _) in pairwise(spans)
    )


_UNSURE = date.min


def _stands_alone(sentence: str, start: int, end: int) -> bool:
    """An expression with a word boundary on both sides and nothing that could join it."""
    before = sentence[:start]
    if before and (before[-1].isalnum() or before[-1] in "-–/'’"):
        return False
    if _FAST_MODIFIER.search(before[-20:]):
        return False
    after = sentence[end:]
    if after and (after[0].isalnum() or after[0] in "-–/"):
        return False
    if not _FAST_FOLLOWER.match(after):
        return False
    if after[:1] in {".", ","} and after[1:2] == " ":
        after = after[1:]
    # "Monday and Tuesday", "Monday at", "Monday, 3 May": the recognizer may join these
    return not _FAST_JOINERS.match(after) or after.lstrip().startswith(("'s", "’s"))


_Resolved = tuple[date, DatePrecision]


def _fast_resolved(match: re.Match, ref: date) -> _Resolved | date | None:
    """The expression's first day and precision: None for one after `ref`, _UNSURE when it is
    not plain."""
    group = match.lastgroup
    if group in _RELATIVE_GROUPS or group in {"month", "year", "my_y"}:
        return _fast_period(match, ref)
    day = _fast_day(match, ref)
    if day is None or day is _UNSURE:
        return day
    return day, "day"


def _fast_period(match: re.Match, ref: date) -> _Resolved | date | None:
    """Relative expressions, months and years, resolved as the recognizer resolves them."""
    group, text = match.lastgroup, match.group(0).lower()
    monday = ref - timedelta(days=ref.weekday())
    if group == "period":
        return _PERIODS[text](ref, monday)
    if group == "last_weekday":
        return monday - timedelta(days=7 - _WEEKDAY_NAMES.index(text.split()[1])), "day"
    if group == "last_month":
        return date(ref.year - 1, _month_number(match.group("last_month")) or 0, 1), "month"
    if group == "ago":
        return _ago(match, ref)
    if group == "month":
        month = _month_number(match.group("month")) or 0
        this_year = date(ref.year, month, 1)
        return (this_year if this_year <= ref else date(ref.year - 1, month, 1)), "month"
    if group == "year":
        first = date(int(match.group("year")), 1, 1)
        return (first, "year") if first <= ref else None
    first = date(int(match.group("my_y")), _month_number(match.group("my_m")) or 0, 1)
    return (first, "month") if first <= ref else None


def _earlier_this_week(ref: date, monday: date) -> _Resolved:
    end = min(ref, monday + timedelta(days=3))  # the recognizer's "earlier" ends on Thursday
    return monday, _range_precision((end - monday).days)


_PERIODS: dict[str, Callable[[date, date], _Resolved | date]] = {
    "last week": lambda ref, monday: (monday - timedelta(days=7), "week"),
    "this week": lambda ref, monday: (monday, "week"),
    "earlier this week": _earlier_this_week,
    "last weekend": lambda ref, monday: (monday - timedelta(days=2), "week"),
    # on the 29th-31st the recognizer's "last month" is not always the month before: unsure
    "last month": lambda ref, monday: (
        (_month_start(ref, -1), "month") if ref.day <= 28 else _UNSURE
    ),
    "this month": lambda ref, monday: (ref.replace(day=1), "month"),
    "earlier this month": lambda ref, monday: (ref.replace(day=1), "month"),
    "last year": lambda ref, monday: (date(ref.year - 1, 1, 1), "year"),
    "this year": lambda ref, monday: (date(ref.year, 1, 1), "year"),
    "earlier this year": lambda ref, monday: (date(ref.year, 1, 1), "year"),
}


def _month_start(ref: date, months: int) -> date:
    index = ref.year * 12 + ref.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _ago(match: re.Match, ref: date) -> _Resolved | date | None:
    """ "two years ago", "a month ago", "10 days ago": the day that far back."""
    count = match.group("ago_n").lower()
    n = 1 if count in {"a", "an"} else 3 if count == "a few" else _to_int(count)
    unit = match.group("ago_unit")
    if not n:
        return _UNSURE
    if unit in {"day", "week"}:
        return ref - timedelta(days=n * (7 if unit == "week" else 1)), "day"
    first = _month_start(ref, -n * (12 if unit == "year" else 1))
    day = _safe_date(first.year, first.month, ref.day)
    return (day, "day") if day else _UNSURE  # 31 March less a month: left to the recognizer


def _fast_day(match: re.Match, ref: date) -> date | None:
    """The expression's day: None for a day after `ref`, _UNSURE when it is not plain."""
    groups = match.groupdict()
    if groups["iso"]:
        day = _safe_date(int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"]))
        return _not_after(day, ref)
    for prefix in ("dmy", "mdy"):
        if groups[f"{prefix}_y"]:
            month = _month_number(groups[f"{prefix}_m"])
            day = _safe_date(int(groups[f"{prefix}_y"]), month, int(groups[f"{prefix}_d"]))
            return _not_after(day, ref)
    for prefix in ("dm", "md"):
        if groups[f"{prefix}_m"]:
            month = _month_number(groups[f"{prefix}_m"])
            return _latest_yearless(month, int(groups[f"{prefix}_d"]), ref)
    if groups["weekday"]:
        back = (ref.weekday() - _WEEKDAY_NAMES.index(groups["weekday"].lower())) % 7
        return ref - timedelta(days=back)
    if groups["yesterday"]:
        return ref - timedelta(days=1)
    return ref  # today


def _not_after(day: date | None, ref: date) -> date | None:
    if day is None:
        return _UNSURE
    return day if day <= ref else None


def _latest_yearless(month: int | None, day_of_month: int, ref: date) -> date | None:
    """A day-month resolves to this year's or last year's, whichever is not after `ref`."""
    this_year = _safe_date(ref.year, month, day_of_month)
    last_year = _safe_date(ref.year - 1, month, day_of_month)
    if this_year is None or last_year is None:
        return _UNSURE  # 29 February, 31 April: left to the recognizer
    return this_year if this_year <= ref else last_year


def _cues_covered(sentence: str, spans: list[tuple[int, int]]) -> bool:
    """Every date cue of the sentence lies inside one of the spans."""
    for cue in _DATE_CUE.finditer(sentence):
        if not any(start <= cue.start() and cue.end() <= end for start, end in spans):
            return False
    return True


def _lowercase_month_word(sentence: str, start: int, end: int) -> bool:
    """ "the march was peaceful", "they may attack": words, not months."""
    surface = sentence[start : end + 1]
    words = surface.split()
    return any(w in _AMBIGUOUS_MONTHS for w in words) and surface == surface.lower()


def _from_recognizer(result, ref: date) -> ResolvedDate | None:
    kind = result.type_name.rsplit(".", 1)[-1]
    values = (result.resolution or {}).get("values") or []
    text = result.text
    if kind == "date":
        days = [_parse_iso(v.get("value")) for v in values]
        past = [d for d in days if d is not None and d <= ref]
        if not past:
            return None
        return ResolvedDate(max(past), "day", text)
    if kind == "daterange":
        ranges = []
        for v in values:
            start, end = _parse_iso(v.get("start")), _parse_iso(v.get("end"))
            if start and end and start <= ref:
                ranges.append((start, end))
        if not ranges:
            return None
        start, end = max(ranges)
        return ResolvedDate(start, _range_precision((end - start).days), text)
    if kind == "datetime":
        days = [_parse_iso((v.get("value") or "")[:10]) for v in values]
        past = [d for d in days if d is not None and d <= ref]
        return ResolvedDate(max(past), "day", text) if past else None
    return None  # durations, times of day, sets: not a date


def _range_precision(days: int) -> DatePrecision:
    if days <= 1:
        return "day"
    if days <= 7:
        return "week"
    if days <= 31:
        return "month"
    return "year"


_RELATIVE_WORDS = re.compile(
    r"\b(this|last|past|earlier|previous|yesterday|today|tonight|ago|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|week|weekend|morning|night|evening)\b",
    re.IGNORECASE,
)


def _is_relative(expression: str) -> bool:
    return bool(_RELATIVE_WORDS.search(expression))


def _coarsen(resolved: ResolvedDate, precision: DatePrecision) -> ResolvedDate:
    d = resolved.date
    if precision == "year":
        d = d.replace(month=1, day=1)
    elif precision == "month":
        d = d.replace(day=1)
    elif precision == "week":
        d = d - timedelta(days=d.weekday())
    return ResolvedDate(d, precision, resolved.evidence)


def window_end(reference: ResolvedDate) -> date:
    """The last day of a resolved date's window (the day itself for day precision)."""
    d = reference.date
    if reference.precision == "year":
        return date(d.year, 12, 31)
    if reference.precision == "month":
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if reference.precision == "week":
        return d + timedelta(days=6)
    return d


def load_date_recognizer() -> None:
    """Load the date recognizer now (a few seconds), not on the first sentence that needs it:
    most sentences are resolved without it, so a warm-up text may never reach it."""
    _recognizer()


@lru_cache(maxsize=1)
def _recognizer():
    """Recognizers-Text's English date/time model without its date-time-period extractor.

    That extractor ("Thursday night", "Sunday morning") takes half the model's time, and
    its results are of a kind this module does not use: they only hid the day they contain,
    so that "killed on Thursday night" fell back to the story's date. Without it the day is
    found by the date extractor ("Thursday").
    """
    from ms_recognizers_date_time import Culture, DateTimeRecognizer
    from ms_recognizers_date_time.date_time.base_merged import BaseMergedExtractor
    from ms_recognizers_date_time.date_time.english.merged_extractor_config import (
        EnglishMergedExtractorConfiguration,
    )
    from ms_recognizers_date_time.date_time.models import DateTimeModel

    class NoExpressions:
        def extract(self, source: str, reference: datetime | None = None) -> list:
            return []

    class WithoutDateTimePeriods(EnglishMergedExtractorConfiguration):
        @property
        def date_time_period_extractor(self) -> NoExpressions:
            return NoExpressions()

    class SharingExtractions(DateTimeModel):
        def parse(self, query: str, reference: datetime | None = None) -> list:
            global _shared_extractions
            _shared_extractions = {}
            try:
                return super().parse(query, reference)
            finally:
                _shared_extractions = None

    _share_basic_extractions()
    stock = DateTimeRecognizer(Culture.English).get_datetime_model()
    extractor = BaseMergedExtractor(WithoutDateTimePeriods(), stock.extractor.options)
    return SharingExtractions(stock.parser, extractor)


# The recognizer's composite extractors (date period, date-time, merged...) each run their own
# copy of the basic date, time and duration extractors over the same text: 5-7 runs of the date
# extractor per sentence. The copies are built from the same configuration, and an extraction
# is a function of its text and reference time, so within one `parse` each is run once and its
# results handed out again as fresh copies (callers may change the objects they get).
_shared_extractions: dict | None = None


def _share_basic_extractions() -> None:
    from ms_recognizers_date_time.date_time.base_date import BaseDateExtractor
    from ms_recognizers_date_time.date_time.base_duration import BaseDurationExtractor
    from ms_recognizers_date_time.date_time.base_time import BaseTimeExtractor

    for extractor_class in (BaseDateExtractor, BaseTimeExtractor, BaseDurationExtractor):
        if not getattr(extractor_class.extract, "shares_extractions", False):
            extractor_class.extract = _sharing(extractor_class.extract)


def _sharing(extract: Callable) -> Callable:
    @functools.wraps(extract)
    def shared_extract(self, source: str, reference: datetime | None = None) -> list:
        memo = _shared_extractions
        if memo is None:
            return extract(self, source, reference)
        key = (type(self), type(self.config), getattr(self, "merge", None), source, reference)
        if key not in memo:
            results = extract(self, source, reference)
            memo[key] = copy.deepcopy(results)
            return results
        return copy.deepcopy(memo[key])

    shared_extract.shares_extractions = True  # type: ignore[attr-defined]
    return shared_extract


# ---------------------------------------------------------------------------------------------
# helpers


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _safe_date(year: int, month: int | None, day: int) -> date | None:
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(name: str) -> int | None:
    key = name.lower().rstrip(".")[:3]
    order = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return order.index(key) + 1 if key in order else None


def _to_int(token: str | None) -> int | None:
    if not token:
        return None
    token = token.lower()
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token)


def reference_date(article: Article) -> ResolvedDate | None:
    """The article's story date as a ResolvedDate, for resolving its events' dates."""
    d = _parse_iso(article.date)
    if d is None:
        return None
    return ResolvedDate(d, article.date_precision or "day", article.date_evidence or "")
