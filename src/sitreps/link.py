"""Link stage: reports of the same happening become one event, and events one incident.

Within an article, several sentences often tell one event ("Russia says it has started to
bomb IS targets", "the defence ministry said airstrikes hit vehicles", "a US official said
Russian jets struck near Homs"): they are merged into one event that keeps every sentence as
evidence, the most precise place, the best-resolved date and every attribution. Across
articles, the store links events into incidents with `link_decision` (specific reports
transitively, vague ones to one anchor report, so the incidents do not depend on the order of
ingest) over the stored reports `search_window` delimits; which differently coded reports may
still be one happening is data (data/linking.yaml). See docs/incidents.md.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

import yaml

from sitreps.events.codebook import load_codebook
from sitreps.geo.demonyms import country_code
from sitreps.geo.resolve import distance_km as great_circle_km
from sitreps.records import LOCATION_PRECISION_RANK, Actor, ActorKind, Event, Evidence, Location
from sitreps.time import PRECISION_RANK

SAME_PLACE_KM = 25.0
ARTICLE_SLACK_DAYS = 1  # one article's "Monday night" and "Tuesday" may be one happening
NEAR_CHARS = 1200  # about a paragraph: how far a happening's perpetrator is told from it


def merge_article_events(events: Sequence[Event]) -> list[Event]:
    """Merge events of one article that describe the same happening; order is kept.

    A sentence joins a happening only when it can be one with every sentence already told of
    it (`_joins`), not just with the fields merged so far: a long feature's vague sentences
    (no actor, the story's date, the country) would otherwise chain its first and its fifth
    happening into one."""
    told: list[list[Event]] = []  # the events of each happening, in the order told
    merged: list[Event] = []
    for event in events:
        for i, members in enumerate(told):
            if _joins(members, event):
                members.append(event)
                merged[i] = _merge(merged[i], event)
                break
        else:
            told.append([event])
            merged.append(event)
    return merged


def _joins(members: Sequence[Event], event: Event) -> bool:
    """`event` tells the happening `members` tell: it can be one with each of them, and it is
    no response by another side to what they tell ("rebels responded with shelling")."""
    if _tells_response(event) and not any(_same_side(m.actor1, event.actor1) for m in members):
        return False
    if _perpetrator_told_apart(members, event):
        return False
    return all(_same_happening(member, event) for member in members)


def _perpetrator_told_apart(members: Sequence[Event], event: Event) -> bool:
    """A sentence naming a perpetrator far from a happening told so far without one tells
    another happening: a feature tells several strikes of one war paragraphs apart ("the
    US-led strikes" at the top, "Israel has carried out airstrikes" further down). Told
    near it, it names the happening's perpetrator ("Air strikes hit Idlib. Russian jets
    ..."); vague sentences after a named one refer back to it wherever they stand."""
    if not _is_named(event.actor1) or any(_is_named(m.actor1) for m in members):
        return False
    start = event.evidence[0].start if event.evidence else 0
    return all(abs(m.evidence[0].start - start) > NEAR_CHARS for m in members if m.evidence)


def _tells_response(event: Event) -> bool:
    """The sentence that tells the event tells a response or a retaliation."""
    sentence = event.evidence[0].text if event.evidence else ""
    return bool(within_article_rules().response.search(sentence))


@dataclass(frozen=True)
class WithinArticleRules:
    """How sentences of one article may tell one happening (data/linking.yaml)."""

    violent_event_types: frozenset[str]
    groups: tuple[frozenset[str], ...]
    response: re.Pattern

    def one_kind(self, a: str, b: str) -> bool:
        """Two violent sub-types that one happening may be told as."""
        return any(a in group and b in group for group in self.groups)


@lru_cache(maxsize=1)
def within_article_rules() -> WithinArticleRules:
    """The packaged within-article rules; ValueError names an unknown sub-event type."""
    data = _linking_data()["within_article"]
    known = {sub.name for sub in load_codebook().sub_types}
    groups = []
    for group in data["sub_type_groups"]:
        names = frozenset(group["sub_event_types"])
        if names - known:
            raise ValueError(f"linking.yaml, {group['name']!r}: unknown {sorted(names - known)}")
        groups.append(names)
    cues = "|".join(data["response_cues"])
    return WithinArticleRules(
        violent_event_types=frozenset(data["violent_event_types"]),
        groups=tuple(groups),
        response=re.compile(rf"\b(?:{cues})\b", re.IGNORECASE),
    )


def same_incident(a: Event, b: Event) -> bool:
    """True when two events from different articles can be one incident.

    Stricter than the merging of one article's sentences, where the story itself ties them
    together: across articles the two reports must pin down one happening, so an event told
    only to the month or year links only to a report of the same sub-event type at the same
    named place, and one told only at country level only to a report of the same sub-event
    type, to the day or week, by the same named perpetrator (`_specific_enough`).

    Reports that name the same private person tell one story (`_one_persons_story`).
    """
    return (_can_be_one(a, b) and _actors_overlap(a, b)) or _one_persons_story(a, b)


def _one_persons_story(a: Event, b: Event) -> bool:
    """Two reports naming the same private person where they tell harm done to them ("Jac
    Holmes, 24, died…" in one, "Holmes was killed…" in the other), of sub-types that may tell
    one happening, in compatible places and at most `same_person.max_days` apart, tell that
    person's story: one death, one attack, whatever type, actors or date precision each
    report gave it."""
    if not (a.date and b.date) or not (a.date_precision and b.date_precision):
        return False
    rules = cross_type_rules()
    if a.event_type != b.event_type and not rules.compatible(a.sub_event_type, b.sub_event_type):
        return False
    if not _places_compatible(a.location, b.location):
        return False
    vague_date = {a.date_precision, b.date_precision} & {"month", "year"}
    if vague_date and not _same_named_place(a.location, b.location):
        return False  # a month at large pins down no one's story (and is not searched for)
    return _dates_compatible(a, b, same_person_rules().max_days) and _share_person(a, b)


_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?\b")
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)? ([A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)"
CASUALTY = "casualty"  # what an evidence sentence naming the event's casualty supports


def _share_person(a: Event, b: Event) -> bool:
    """One report names a person ("First Last" with an age, a rank or "named as") whose last
    name both reports hold where they tell harm (`_harm_words`); words of the reports'
    places and actors, demonyms, country names and the words of data/linking.yaml are no
    person."""
    excluded = _context_words(a) | _context_words(b)
    people = (_people(a) | _people(b)) - excluded
    return bool(people & _harm_words(a) & _harm_words(b))


def _people(event: Event) -> set[str]:
    """The last names of the people the evidence names as news names the dead and wounded:
    with an age ("Jac Holmes, 24,"), a rank ("Sgt Matt Tonroe"), or "named as"; leaders and
    spokesmen are named without them."""
    return {name for evidence in event.evidence for name in _named_people(evidence.text)}


def _named_people(text: str) -> set[str]:
    rules = same_person_rules()
    return {
        name
        for match in rules.pattern.finditer(text)
        for name in match.groups()
        if name and name not in rules.not_names and country_code(name) is None
    }


def _harm_words(event: Event) -> set[str]:
    """The capitalised words of the sentences that tell harm done to someone: evidence with a
    harm word ("killed", "died", "wounded"), and the casualty named near such a sentence."""
    harm = same_person_rules().harm
    return {
        word
        for evidence in event.evidence
        if CASUALTY in evidence.supports or harm.search(evidence.text)
        for word in _CAPITALISED.findall(evidence.text)
    }


def name_casualties(
    text: str, sentences: Sequence[tuple[int, int]], events: list[Event]
) -> list[Event]:
    """Give each event whose harm sentence names no one ("She was killed a week later", "A
    British man has been killed in Raqqa") the nearest sentence of the article, within
    `same_person.nearby_sentences`, that names a casualty ("Anna Campbell, 26, from…"), as
    evidence that supports `casualty`; a sentence that is the evidence of an event tells that
    event, and is never taken."""
    told = {(e.start, e.end) for event in events for e in event.evidence}
    naming = {
        i: span
        for i, span in enumerate(sentences)
        if span not in told and _named_people(text[span[0] : span[1]])
    }
    if not naming:
        return events
    index = {span: i for i, span in enumerate(sentences)}
    return [_with_casualty(text, event, index, naming) for event in events]


def _with_casualty(
    text: str, event: Event, index: dict[tuple[int, int], int], naming: dict[int, tuple[int, int]]
) -> Event:
    """The event with the casualty sentences near its unnamed harm sentences (the nearest;
    the one after on a tie: a report names the dead after telling the death)."""
    rules = same_person_rules()
    spans = set()
    for evidence in event.evidence:
        at = index.get((evidence.start, evidence.end))
        if at is None or not rules.harm.search(evidence.text) or _named_people(evidence.text):
            continue
        near = [i for i in naming if 0 < abs(i - at) <= rules.nearby_sentences]
        if near:
            spans.add(naming[min(near, key=lambda i: (abs(i - at), i < at))])
    if not spans:
        return event
    added = [
        Evidence(text=text[s:e], start=s, end=e, supports=[CASUALTY]) for s, e in sorted(spans)
    ]
    return event.model_copy(update={"evidence": [*event.evidence, *added]})


def _context_words(event: Event) -> set[str]:
    """The words of the report's place and actors (a leader named as an actor included)."""
    texts = []
    if event.location is not None:
        texts += [event.location.name or "", event.location.admin1 or ""]
    for actor in (event.actor1, event.actor2):
        if actor is not None:
            texts += [actor.name, actor.text or ""]
    return {word for text in texts for word in _CAPITALISED.findall(text)}


@dataclass(frozen=True)
class SamePersonRules:
    """How reports naming one casualty are told (data/linking.yaml, `same_person`)."""

    max_days: int
    pattern: re.Pattern
    not_names: frozenset[str]
    nearby_sentences: int
    harm: re.Pattern


@lru_cache(maxsize=1)
def same_person_rules() -> SamePersonRules:
    """The packaged same-casualty rules: days apart, the pattern of a named person, words
    that name no person, how near a casualty's name may be, the words that tell harm."""
    data = _linking_data()["same_person"]
    ranks = "|".join(re.escape(rank) for rank in data["ranks"])
    pattern = re.compile(
        rf"\b{_NAME},? (?:also |aged )?\d{{1,2}}\b"
        rf"|\b(?:named as|{ranks})\.? (?:[A-Z][a-z]+ )?{_NAME}"
    )
    words = set(data["not_names"]) | set(calendar.month_name[1:]) | set(calendar.day_name)
    harm = "|".join(re.escape(word) for word in data["harm_words"])
    return SamePersonRules(
        max_days=int(data["max_days"]),
        pattern=pattern,
        not_names=frozenset(words),
        nearby_sentences=int(data["nearby_sentences"]),
        harm=re.compile(rf"\b(?:{harm})\b", re.IGNORECASE),
    )


@lru_cache(maxsize=1)
def _linking_data() -> dict:
    text = resources.files("sitreps.data").joinpath("linking.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def choose_incident(event: Event, candidates: Iterable[Event]) -> str | None:
    """The incident a new event joins, or None when it starts one (see `link_decision`)."""
    decision = link_decision(event, candidates)
    if decision.anchor is not None:
        return decision.anchor.incident_id or decision.anchor.id
    if decision.joined:
        return min({*decision.joined, event.id})
    return None


@dataclass(frozen=True)
class LinkDecision:
    """How a new report links: a specific report joins (and so merges) every incident
    `joined` names; a vague one attaches to its `anchor` report's incident."""

    joined: frozenset[str] = frozenset()
    anchor: Event | None = None


def link_decision(event: Event, candidates: Iterable[Event]) -> LinkDecision:
    """Link a new report to stored ones (`candidates`, each with its incident_id).

    Incidents do not depend on the order reports arrive in:
    - *specific* reports (a named place or region, dated to the day or week) are linked
      transitively: every specific report that can be one happening with the new one
      (`same_incident`) puts its incident into `joined`, and the store merges them all; an
      incident's id is the smallest id among its specific reports. So the specific reports
      of an incident are the connected components of `same_incident`.
    - a *vague* report (told at country level, or only to the month or year) never joins two
      incidents: it attaches to the single best specific report it can be one happening
      with (`anchor_rank`: the same named place, then the same region, then the same
      sub-event type, then the closest in time, then the most words in common, then the
      smallest id), and is alone otherwise.
      A vague report pins down no happening by itself, so it never bridges two, and two
      vague reports are never linked to each other.
    """
    others = [c for c in candidates if c.id != event.id and is_specific(c)]
    matching = [c for c in others if same_incident(event, c)]
    if is_specific(event):
        return LinkDecision(joined=frozenset(c.incident_id or c.id for c in matching))
    if not matching:
        return LinkDecision()
    return LinkDecision(anchor=min(matching, key=lambda c: anchor_rank(event, c)))


def anchor_rank(event: Event, report: Event) -> tuple[int, int, int, float, str]:
    """Sort key of the specific reports a vague report may attach to (smallest first): the
    same named place, then the same region, then the same sub-event type, then the closest
    in time (days between the periods the dates stand for), then the one whose sentences
    share the most words with it (reports of one article often code one happening twice,
    with different perpetrators), then the smallest id."""
    same_type = event.sub_event_type == report.sub_event_type
    place = _place_strength(event.location, report.location)
    shared = -_shared_words(event, report)
    return (-place, -int(same_type), _days_apart(event, report), shared, report.id)


_WORD = re.compile(r"[^\W\d_]{5,}")


def _shared_words(a: Event, b: Event) -> float:
    """How much two reports' sentences say alike: the distinct words of five letters or more
    they share, over the geometric mean of their counts (0 to 1, rounded: a sort key)."""
    words_a, words_b = _long_words(a), _long_words(b)
    if not words_a or not words_b:
        return 0.0
    return round(len(words_a & words_b) / (len(words_a) * len(words_b)) ** 0.5, 6)


def _long_words(event: Event) -> set[str]:
    return {w.casefold() for evidence in event.evidence for w in _WORD.findall(evidence.text)}


@dataclass(frozen=True)
class CrossTypeRules:
    """Which sub-event types of different event types may tell one happening, and how far
    apart their dates may be (data/linking.yaml)."""

    max_days: int
    groups: tuple[frozenset[str], ...]

    def compatible(self, a: str, b: str) -> bool:
        return any(a in group and b in group for group in self.groups)


@lru_cache(maxsize=1)
def cross_type_rules() -> CrossTypeRules:
    """The packaged cross-type linking rules; ValueError names an unknown sub-event type."""
    data = _linking_data()["cross_type"]
    known = {sub.name for sub in load_codebook().sub_types}
    groups = []
    for group in data["groups"]:
        names = frozenset(group["sub_event_types"])
        unknown = sorted(names - known)
        if unknown:
            raise ValueError(f"linking.yaml, group {group['name']!r}: unknown {unknown}")
        groups.append(names)
    return CrossTypeRules(max_days=int(data["max_days"]), groups=tuple(groups))


def compatible_event_types(event: Event) -> list[str]:
    """The event types of stored reports that may tell the same happening as `event`: its own
    type first, then those of the sub-types it shares a cross-type group with."""
    codebook = load_codebook()
    types = [event.event_type]
    for group in cross_type_rules().groups:
        if event.sub_event_type in group:
            for name in sorted(group):
                event_type = codebook.sub_type(name).event_type
                if event_type not in types:
                    types.append(event_type)
    return types


@dataclass(frozen=True)
class SearchWindow:
    """Where the stored reports a new one may link with lie (`search_window`): a necessary
    condition of `same_incident`, so the store can find them through an index.

    `exact` holds the day- and week-dated reports: dated `exact[0]`..`exact[1]`, of one of
    `event_types`. `vague_dates` holds the month- and year-dated ones, which link only to a
    report at the same named place (None when none can link). `named_place` is set when the new report is
    told at a named place, so that reports at other named places more than `SAME_PLACE_KM`
    away, or of that name in another country, can be told apart."""

    exact: tuple[str, str]
    vague_dates: tuple[str, str] | None
    event_types: tuple[str, ...]
    named_place: Location | None


def search_window(event: Event) -> SearchWindow | None:
    """The stored reports `event` may link with, or None when it links with nothing (an
    undated report, or one told only to the month or year and not at a named place)."""
    if event.date_precision not in _SPAN_DAYS:
        return None
    try:
        first, last = _period(date.fromisoformat((event.date or "")[:10]), event.date_precision)
    except (ValueError, OverflowError):
        return None
    precise = event.location is not None and event.location.precision in _PRECISE
    vague_date = event.date_precision in ("month", "year")
    if vague_date and not precise:
        return None
    slack = max(follow_up_days(), cross_type_rules().max_days, same_person_rules().max_days)

    def days(low: int, high: int) -> tuple[str, str]:
        return (first - timedelta(days=low)).isoformat(), (last + timedelta(days=high)).isoformat()

    later = follow_up_days(after_vague=True) if vague_date else slack
    try:
        exact = days(slack + _SPAN_DAYS["week"], max(slack, later))
        wide = days(slack + _SPAN_DAYS["year"], slack)
    except OverflowError:
        return None  # an absurd date (year 1 or 9999) links to nothing
    return SearchWindow(
        exact=exact,
        vague_dates=wide if precise and not vague_date else None,
        event_types=tuple(compatible_event_types(event)),
        named_place=event.location if precise else None,
    )


_SPAN_DAYS = {"day": 0, "week": 6, "month": 30, "year": 365}  # the last day of a period


def is_specific(event: Event) -> bool:
    """A report that pins down one happening by itself: dated to the day or week, naming an
    actor (in the text), and told at a named place or region or naming both sides. A report
    that names nobody fits anyone, so it may follow an incident but never bridge two."""
    if event.date_precision not in ("day", "week"):
        return False
    named = len(_named_actors(event))
    return named == 2 or (named == 1 and not _is_vague_place(event.location))


def _place_strength(a: Location | None, b: Location | None) -> int:
    if _same_named_place(a, b):
        return 2
    if a and b and a.admin1 and b.admin1 and _norm(a.admin1) == _norm(b.admin1):
        return 1
    return 0


def _can_be_one(a: Event, b: Event) -> bool:
    """Type, place, date and specificity allow two reports to be one happening."""
    if not (a.date and b.date) or not (a.date_precision and b.date_precision):
        return False  # an undated report pins down no happening
    if a.sub_event_type != b.sub_event_type:
        return _coded_apart_but_one(a, b)
    if not _places_compatible(a.location, b.location):
        return False
    return _specific_enough(a, b) and _dates_compatible(a, b, _slack_days(a, b))


def _coded_apart_but_one(a: Event, b: Event) -> bool:
    """Reports coded with different sub-event types are one happening only when the types
    may tell one happening (sub-types of one event type, or of a group of data/linking.yaml)
    and the reports agree more than reports of one sub-type must: both dated to the day or
    week and at most `max_days` apart, in compatible places, naming the same two actors
    (whatever their roles). One shared actor and one place are not enough: on an active front
    the same forces fight, shell and raid the same town every day."""
    rules = cross_type_rules()
    if a.event_type != b.event_type and not rules.compatible(a.sub_event_type, b.sub_event_type):
        return False
    if not (a.date and b.date) or not {a.date_precision, b.date_precision} <= {"day", "week"}:
        return False
    if not _places_compatible(a.location, b.location):
        return False
    if not _dates_compatible(a, b, rules.max_days):
        return False
    named = _named_actors(a)
    return len(named) == 2 and named == _named_actors(b)


def _named_actors(event: Event) -> set[str]:
    """The actors the text names (not a coding convention, not civilians or a crowd)."""
    return {
        actor.name
        for actor in (event.actor1, event.actor2)
        if actor is not None and actor.text is not None and actor.kind not in _ANONYMOUS
    }


def _actors_overlap(a: Event, b: Event) -> bool:
    """The reports name no actor, or name one actor in common on either side (the same name,
    or the same country's actors of one kind); only two disjoint sets of named actors make
    two happenings."""
    sides_a = [x for x in (a.actor1, a.actor2) if x is not None and x.text is not None]
    sides_b = [x for x in (b.actor1, b.actor2) if x is not None and x.text is not None]
    if not sides_a or not sides_b or _actors_compatible(a, b):
        return True
    return any(_one_actor(x, y) for x in sides_a for y in sides_b)


def _one_actor(x: Actor, y: Actor) -> bool:
    if x.name == y.name:
        return True
    return bool(x.country and x.country == y.country) and x.kind == y.kind


def _same_happening(a: Event, b: Event) -> bool:
    """Two events of one article can be one happening: kinds, actors, place and date agree."""
    if _part_of_fight(a, b):
        if not _shooter_fights(a, b):
            return False
    elif not _kinds_compatible(a, b) or not _actors_compatible(a, b):
        return False
    if _opposing_sides(a, b):
        return False
    # Two precise places far apart are two events, as an analyst codes them.
    return _places_compatible(a.location, b.location) and _dates_compatible(
        a, b, ARTICLE_SLACK_DAYS
    )


def _kinds_compatible(a: Event, b: Event) -> bool:
    """One happening told as these two sub-types. Violent sub-types differ only as parts of
    one happening (a bombardment by air and by artillery, a battle and the town it took) and
    only when the same named perpetrator tells both: an unnamed "air strike" beside named
    shelling, or an air strike beside a chemical attack, is two events. Other event types
    keep their sub-types apart only by their event type (a protest and its dispersal)."""
    if a.sub_event_type == b.sub_event_type:
        return True
    if a.event_type != b.event_type:
        return _joins_protest(a, b)
    rules = within_article_rules()
    if a.event_type not in rules.violent_event_types:
        return True
    return rules.one_kind(a.sub_event_type, b.sub_event_type) and _same_side(a.actor1, b.actor1)


def _is_named(actor: Actor | None) -> bool:
    """An actor the text names (not a coding convention, not civilians or a crowd)."""
    return actor is not None and actor.text is not None and actor.kind not in _ANONYMOUS


def _same_side(x: Actor | None, y: Actor | None) -> bool:
    """Two named actors of one side: one name, or the same country's actors of one kind (the
    Kremlin and Russian jets)."""
    if x is None or y is None or not _is_named(x) or not _is_named(y):
        return False
    return x.name == y.name or (bool(x.country) and x.country == y.country and x.kind == y.kind)


def _opposing_sides(a: Event, b: Event) -> bool:
    """One event's named target is the other's perpetrator, who is not the first event's own
    perpetrator: an attack and the other side's answer ("regime jets bombed Ghouta"; "rebel
    shelling of government-held Damascus"). Battles are left out: both sides fight in one."""
    if "Battles" in (a.event_type, b.event_type):
        return False
    for x, y in ((a, b), (b, a)):
        if _same_side(x.actor1, y.actor2) and not _same_side(x.actor1, y.actor1):
            return True
    return False


_VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def _part_of_fight(a: Event, b: Event) -> bool:
    """Shooting told without named victims ("gunmen opened fire on its vehicles") next to a
    battle or a strike at the same place and time is part of it, not an attack on civilians."""
    return _is_generic_attack(a, b) or _is_generic_attack(b, a)


def _is_generic_attack(generic: Event, other: Event) -> bool:
    victims_unnamed = generic.actor2 is None or generic.actor2.text is None
    return (
        generic.sub_event_type == "Attack"
        and victims_unnamed
        and other.event_type in _VIOLENT_TYPES
        and other.sub_event_type != "Attack"
    )


def _shooter_fights(a: Event, b: Event) -> bool:
    """The shooter of the Attack with unnamed victims is unnamed ("gunmen opened fire" beside
    the battle), one of the other event's named sides, or names the side of a fight told
    without any."""
    generic, fight = (a, b) if _is_generic_attack(a, b) else (b, a)
    shooter = generic.actor1
    if shooter is None or shooter.text is None:
        return True
    sides = [side for side in (fight.actor1, fight.actor2) if side is not None]
    if not any(side.text is not None for side in sides):
        return True
    return any(side.name == shooter.name for side in sides)


def _joins_protest(a: Event, b: Event) -> bool:
    """Arrests during a protest are the intervention in that protest, not another event."""
    types = {a.event_type, b.event_type}
    return types == {"Protests", "Strategic developments"} and "Arrests" in (
        a.sub_event_type,
        b.sub_event_type,
    )


def _actors_compatible(a: Event, b: Event) -> bool:
    if a.actor1 is None or b.actor1 is None:
        return True
    if a.actor1.text is None or b.actor1.text is None:
        return True  # a coding convention ("Unidentified Armed Group"), not a named actor
    if a.actor1.name == b.actor1.name:
        return True
    # "Government of Russia" (Mr Putin) and "Military Forces of Russia" are one side
    return bool(a.actor1.country and a.actor1.country == b.actor1.country) and (
        a.actor1.kind == b.actor1.kind
    )


def _places_compatible(a: Location | None, b: Location | None) -> bool:
    if a is None or b is None:
        return True
    if _same_place_name(a, b):
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if a.precision == "country" or b.precision == "country":
        return True
    if a.precision in ("admin1", "admin2") or b.precision in ("admin1", "admin2"):
        return not (a.admin1 and b.admin1) or _norm(a.admin1) == _norm(b.admin1)
    if a.geonameid and a.geonameid == b.geonameid:
        return True
    km = distance_km(a, b)
    return km is not None and km <= SAME_PLACE_KM


def _dates_compatible(a: Event, b: Event, slack_days: int) -> bool:
    """The periods the two dates stand for (a day, a week from its first day, a calendar
    month or year) are at most `slack_days` apart; an undated event fits any date."""
    if not a.date or not b.date:
        return True
    try:
        da, db = date.fromisoformat(a.date[:10]), date.fromisoformat(b.date[:10])
    except ValueError:
        return False  # an absurd date links to nothing
    return _period_gap(da, a.date_precision, db, b.date_precision) <= slack_days


def _period_gap(da: date, precision_a: str | None, db: date, precision_b: str | None) -> int:
    """Days between the periods two dates stand for (0 when they overlap)."""
    first_a, last_a = _period(da, precision_a)
    first_b, last_b = _period(db, precision_b)
    return max((first_b - last_a).days, (first_a - last_b).days, 0)


def _days_apart(a: Event, b: Event) -> int:
    """Days between two reports' periods; an unreadable date is as far as can be."""
    try:
        da, db = date.fromisoformat((a.date or "")[:10]), date.fromisoformat((b.date or "")[:10])
    except ValueError:
        return 1 << 30
    return _period_gap(da, a.date_precision, db, b.date_precision)


def _period(day: date, precision: str | None) -> tuple[date, date]:
    """The first and last day a date of this precision stands for."""
    if precision == "week":
        return day, day + timedelta(days=6)
    if precision == "month":  # the whole month, whatever day a source stored it under
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return day, day


def _slack_days(a: Event, b: Event) -> int:
    """How far apart two reports' dates may be. A follow-up report often dates a happening by
    its own publication ("the attack", told days later), so two reports of the same kind of
    event at the same named place may be `follow_up.max_days` apart when one of them gives
    no date of its own; two reports each dated by their own words ("on Monday", "on 7
    April") tell two days, as a bombardment is told day after day. Otherwise a day (late
    night, time zones, "yesterday")."""
    if a.sub_event_type != b.sub_event_type or not _same_named_place(a.location, b.location):
        return 1
    if _dated_by_its_words(a) and _dated_by_its_words(b):
        return 1
    if _told_after_its_period(a, b) or _told_after_its_period(b, a):
        return follow_up_days(after_vague=True)  # "the attack in March", told in April
    return follow_up_days()


def _told_after_its_period(vague: Event, later: Event) -> bool:
    """`vague` is dated only to its month or year and `later`, dated by its story, was told
    after that period began."""
    if vague.date_precision not in ("month", "year") or _dated_by_its_words(later):
        return False
    try:
        first, _ = _period(date.fromisoformat((vague.date or "")[:10]), vague.date_precision)
    except ValueError:
        return False  # an absurd date links to nothing
    return (later.date or "")[:10] >= first.isoformat()


def _dated_by_its_words(event: Event) -> bool:
    """The sentence that tells the happening gives its date (not the story's date). Later
    sentences merged into the report often date what was said about it ("Macron said on
    Thursday"), not the happening."""
    return bool(event.evidence) and "date" in event.evidence[0].supports


@lru_cache(maxsize=2)
def follow_up_days(after_vague: bool = False) -> int:
    """How many days a follow-up report may date a happening after it (data/linking.yaml);
    `after_vague`: after a report dated only to its month or year."""
    rules = _linking_data()["follow_up"]
    return int(rules["after_vague_days"] if after_vague else rules["max_days"])


def _specific_enough(a: Event, b: Event) -> bool:
    """Whether two reports from different articles pin down one happening.

    Place and time alone tie a report told at country level (or with no place), or only to
    the month or year, to nothing. A month or year joins a report of the same sub-event type
    at the same named place; a country joins a report of the same sub-event type by the same
    named perpetrator, both to the day or week; a country and a month or year join nothing."""
    vague_place = _is_vague_place(a.location) or _is_vague_place(b.location)
    vague_date = any(e.date_precision in ("month", "year") for e in (a, b))
    if not vague_place and not vague_date:
        return True
    if vague_date and not vague_place:
        return a.sub_event_type == b.sub_event_type and _same_named_place(a.location, b.location)
    return a.sub_event_type == b.sub_event_type and not vague_date and _share_named_actor(a, b)


def _is_vague_place(location: Location | None) -> bool:
    return location is None or location.precision == "country"


def _same_named_place(a: Location | None, b: Location | None) -> bool:
    """One named place (not a region or country): the same gazetteer entry, or close."""
    if a is None or b is None or a.precision not in _PRECISE or b.precision not in _PRECISE:
        return False
    if a.geonameid is not None and a.geonameid == b.geonameid or _same_place_name(a, b):
        return True
    km = distance_km(a, b)
    return km is not None and km <= SAME_PLACE_KM


_PRECISE = ("place", "near", "admin2")


def _same_place_name(a: Location, b: Location) -> bool:
    """Two reports name one place that the geocoder resolved to two gazetteer entries (a
    Salisbury in England and one in Maryland): the same name, told precisely by both, is one
    place; two towns of one name rarely host the same kind of event in the same days."""
    if a.precision not in _PRECISE or b.precision not in _PRECISE:
        return False
    return bool(a.name) and a.name.casefold() == (b.name or "").casefold()


def _share_named_actor(a: Event, b: Event) -> bool:
    """Both reports name the same perpetrator (words in the text, not a coding convention;
    civilians and crowds name no one). A shared target is not enough: most reports from one
    war name the same government or the same civilians as the side that suffered."""
    x, y = a.actor1, b.actor1
    if x is None or y is None or x.text is None or y.text is None:
        return False
    return x.kind not in _ANONYMOUS and x.name == y.name


_ANONYMOUS = (ActorKind.CIVILIANS, ActorKind.PROTESTERS, ActorKind.RIOTERS)


def _merge(kept: Event, new: Event) -> Event:
    location = _better_location(kept.location, new.location)
    date_source = kept
    if new.date and (
        not kept.date
        or PRECISION_RANK[new.date_precision or "year"]
        < PRECISION_RANK[kept.date_precision or "year"]
    ):
        date_source = new
    attributions = [
        part for a in (kept.attribution, new.attribution) if a for part in a.split("; ")
    ]
    attribution = "; ".join(dict.fromkeys(attributions)) or None
    fatalities = _max_known(kept.fatalities, new.fatalities)
    specific = _more_specific(kept, new)
    evidence = list(kept.evidence)
    seen = {(e.start, e.end) for e in evidence}
    evidence.extend(e for e in new.evidence if (e.start, e.end) not in seen)
    return kept.model_copy(
        update={
            "event_type": specific.event_type,
            "sub_event_type": specific.sub_event_type,
            "plover": specific.plover,
            "plover_mode": specific.plover_mode,
            "cameo": specific.cameo,
            "actor1": specific.actor1
            if specific.event_type == "Protests"
            else _better_actor(kept.actor1, new.actor1),
            "actor2": _better_actor(kept.actor2, new.actor2),
            "location": location,
            "date": date_source.date,
            "date_precision": date_source.date_precision,
            "fatalities": fatalities,
            "attribution": attribution,
            "contested": kept.contested or new.contested,
            "evidence": evidence,
            "confidence": round(min(0.99, max(kept.confidence, new.confidence) + 0.03), 2),
        }
    )


def _more_specific(a: Event, b: Event) -> Event:
    """The sub-type an analyst would keep: the codebook's higher priority; a protest over the
    arrests made in it."""
    if a.event_type != b.event_type:
        if "Protests" in (a.event_type, b.event_type):
            return a if a.event_type == "Protests" else b
        return b if a.sub_event_type == "Attack" else a
    priority = load_codebook().sub_type
    return b if priority(b.sub_event_type).priority > priority(a.sub_event_type).priority else a


def _better_actor(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a.text is None and b.text is not None:
        return b  # a named actor beats a coding convention
    # forces beat a government named for them ("Military Forces of Russia" over "Government")
    if a.name.startswith("Government of") and b.name.startswith("Military Forces of"):
        return b
    return a


def _better_location(a: Location | None, b: Location | None) -> Location | None:
    if a is None:
        return b
    if b is None:
        return a
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return a  # same place: keep the first telling's precision ("near Djibo")
    return b if LOCATION_PRECISION_RANK[b.precision] < LOCATION_PRECISION_RANK[a.precision] else a


def _max_known(a: int | None, b: int | None) -> int | None:
    known = [x for x in (a, b) if x is not None]
    return max(known) if known else None


def distance_km(a: Location, b: Location) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


def _norm(text: str | None) -> str:
    return (text or "").lower().replace("governorate", "").replace("province", "").strip()
