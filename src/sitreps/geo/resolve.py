"""Toponym resolution: pick one gazetteer entry per mention with a scored, explained choice.

Evidence, in order of weight: the context's own hints ("X province", "the Syrian city of X",
"X, Y" containment), the document's country focus (countries named, demonyms, a dateline),
the kind of place (country > region > admin1 > populous town) and population, and proximity to
the other places of the document. A mention whose best score stays low is left unresolved.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from sitreps.geo.demonyms import demonym_code
from sitreps.geo.gazetteer import ALIAS_ALTERNATE, Candidate, Gazetteer, Place, open_gazetteer
from sitreps.geo.normalize import name_key
from sitreps.geo.toponyms import Toponym, find_toponyms, place_words, tokenize

FEATURE_PRIOR = {"country": 20.0, "region": 12.0, "admin1": 10.0, "admin2": 5.0}
MIN_SCORE = 6.0
MIN_TOWN_POPULATION = 500
NEIGHBOUR_BONUS, NEIGHBOUR_CAP = 1.5, 4.5  # per other place of the story nearby, at most
NEIGHBOUR_KM = 200.0
DEMONYM_VOTE = 0.3  # "Syrian", "British": often an actor's nationality, weak place evidence
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Za-z' .-]{1,40}?)(?:,\s*[A-Z][A-Za-z .]{1,30})?\s*"
    r"(?:\([^)]{1,30}\)\s*)?[—–-]{1,2}\s"
)


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str
    place: Place | None
    near: bool = False
    score: float = 0.0
    reason: str = ""
    cue: str | None = None
    next_in_list: int | None = None
    list_joiner: str | None = None
    in_name: bool = False  # inside an organisation's name: never a place of occurrence


@dataclass
class ArticleGeography:
    text: str
    mentions: list[PlaceMention] = field(default_factory=list)
    focus_country: str | None = None
    countries: dict[str, float] = field(default_factory=dict)  # country -> focus votes
    gazetteer: Gazetteer | None = field(default=None, repr=False, compare=False)
    story_country: str | None = None  # where the story happens: see `story_country`
    dateline_country: str | None = None  # the country of a dateline ("QAMISHLI, Syria —")

    @property
    def fallback_country(self) -> str | None:
        """The country of an event whose sentence names no place of its own."""
        return self.story_country or self.focus_country

    def fallback_country_at(self, start: int, end: int) -> str | None:
        """`fallback_country` for the sentence [start, end): the locative evidence in and
        near it weighs more, so a story told in several countries places each part."""
        focus = self.focus_country
        where = _where_votes(self.text, self.mentions, self.dateline_country, (start, end), focus)
        return _best_country(where, self.countries) or self.fallback_country


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _km(a: Place, b: Place) -> float | None:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return None
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def _within(a: Place, b: Place, km: float) -> bool:
    """``a`` and ``b`` less than ``km`` apart (a cheap latitude test first)."""
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return False
    if abs(a.lat - b.lat) * 111.2 > km:
        return False
    return distance_km(a.lat, a.lon, b.lat, b.lon) < km


def contains(outer: Place, inner: Place) -> bool:
    """``inner`` lies in ``outer`` (same place counts as inside)."""
    if outer is inner or outer == inner:
        return True
    if outer.feature == "country":
        return inner.country == outer.country and inner.feature != "country"
    if outer.feature == "admin1":
        return (
            inner.country == outer.country
            and inner.admin1_code == outer.admin1_code
            and inner.feature in {"admin2", "place"}
        )
    if outer.feature in {"admin2", "region"} and inner.feature == "place":
        km = _km(outer, inner)
        return inner.country == outer.country and km is not None and km < 80
    if outer.feature == "place" and outer.admin1 and name_key(outer.admin1) == name_key(outer.name):
        # "Watamu, Kilifi": a town named like its province stands for the province here
        return (
            inner.feature == "place"
            and inner.country == outer.country
            and inner.admin1_code == outer.admin1_code
        )
    return False


# Cues that put a happening at a place ("in Manbij", "near Homs", "shelled Douma"): not "to",
# "from" or "for", which name where people go or come from.
_STORY_CUES = frozenset(
    "in at near across inside within throughout around outside among amongst between over "
    "entered reached captured seized besieged bombed shelled attacked".split()
)
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")
_AWAY_CUES = frozenset({"to", "from", "towards", "toward", "for", "against", "via"})
STORY_COUNTRY_VOTE = 1.5  # "in Syria": more than one town of it
FOCUS_SHARE = 0.25  # the focus votes (actors, demonyms included) only break near-ties
NEARBY_CHARS = 250  # locative evidence this close to a sentence counts double for its events
_MODIFIED_NOUN = re.compile(r"[ \t]+(?:[a-z]|[A-Z][a-z]+\b(?![,.]))")


# Cues that put the story in a country ("in Syria", "across Iraq", "the province of X").
_WHERE_CUES = frozenset(
    "in at across inside within throughout into near around outside over entered reached "
    "captured seized besieged bombed shelled attacked".split()
)


def _country_mention_weight(text: str, toponym: Toponym) -> float:
    """How much a country mention says about where the story is: "in Syria" much; a country
    named as an actor ("the US said", "supported by the US") or a modifier ("US soldiers",
    "UK Foreign Office", "Russia's move") little: actors' nationalities are not places."""
    cue = toponym.cue or ""
    if toponym.in_name:
        return 0.3
    if cue in _WHERE_CUES or cue.endswith(" of"):
        return 1.5
    if cue == "list":
        return 1.0
    after = text[toponym.end : toponym.end + 20]
    if after.startswith(("'s", "’s", "-")) or _MODIFIED_NOUN.match(after):
        return 0.3
    return 0.6


class Geocoder:
    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gaz = gazetteer or open_gazetteer()

    def geocode(
        self, text: str, entities: list[tuple[int, int, str]] | None = None
    ) -> ArticleGeography:
        toponyms = find_toponyms(text, entities, gazetteer=self.gaz)
        votes = self._country_votes(text, toponyms)
        focus = max(votes, key=votes.get) if votes else None
        first = [self._resolve(t, toponyms, [], votes, focus, None) for t in toponyms]
        settled = [
            (t, m.place)
            for t, m in zip(toponyms, first, strict=True)
            if m.place is not None and m.place.feature != "country"
        ]
        mentions = [self._resolve(t, toponyms, first, votes, focus, settled) for t in toponyms]
        dateline = self._dateline_country(text)
        story = story_country(text, mentions, votes, dateline)
        return ArticleGeography(text, mentions, focus, votes, self.gaz, story, dateline)

    def _dateline_country(self, text: str) -> str | None:
        dateline = _DATELINE.match(text[:120])
        if not dateline:
            return None
        places = self.gaz.lookup(dateline.group(1).strip())
        return places[0].country if places and places[0].country else None

    # -- document focus ----------------------------------------------------------------------

    def _country_votes(self, text: str, toponyms: list[Toponym]) -> dict[str, float]:
        votes: Counter[str] = Counter()
        for toponym in toponyms:
            exact = [c for c in toponym.candidates if not c.fuzzy]
            if not exact:
                continue  # a spelling variant is too weak to say which country a story is in
            best = exact[0].place
            if best.feature == "country":
                votes[best.country] += _country_mention_weight(text, toponym)
                continue
            countries = {c.place.country for c in exact if c.place.country}
            areas = [c for c in exact if c.place.feature in {"admin1", "admin2", "region"}]
            big = [c for c in exact if c.place.population >= 100_000 or c in areas]
            if len(countries) == 1:
                # a province or district named only in one country says more than a village
                votes[next(iter(countries))] += 1.0 if areas else 0.5
            elif len({c.place.country for c in big}) == 1:
                votes[big[0].place.country] += 0.5
        for token in tokenize(text):
            code = demonym_code(token.text) if token.text[:1].isupper() else None
            if code:
                votes[code] += DEMONYM_VOTE
        dateline = self._dateline_country(text)
        if dateline:
            votes[dateline] += 2.0
        return dict(votes)

    # -- one mention -------------------------------------------------------------------------

    def _resolve(
        self,
        toponym: Toponym,
        toponyms: list[Toponym],
        first: list[PlaceMention],
        votes: dict[str, float],
        focus: str | None,
        settled: list[tuple[Toponym, Place]] | None,
    ) -> PlaceMention:
        mention = PlaceMention(
            toponym.start,
            toponym.end,
            toponym.text,
            None,
            toponym.near,
            0.0,
            "not in the gazetteer",
            toponym.cue,
            toponym.next_in_list,
            toponym.list_joiner,
            toponym.in_name,
        )
        if not toponym.candidates:
            return mention
        container = self._container(toponym, toponyms, first)
        others = _other_places(toponym, settled)
        scored = [
            self._score(c, toponym, toponym.candidates, votes, focus, container, others)
            for c in toponym.candidates[:60]
        ]
        scored.sort(key=lambda item: -item[0])
        score, reasons, cand = scored[0]
        if score < MIN_SCORE:
            return _replace(
                mention,
                score=round(score, 2),
                reason=f"abstained: best {cand.place.name} ({cand.place.country}) "
                f"scored {score:.1f}: " + "; ".join(reasons),
            )
        return _replace(mention, place=cand.place, score=round(score, 2), reason="; ".join(reasons))

    def _container(
        self, toponym: Toponym, toponyms: list[Toponym], first: list[PlaceMention]
    ) -> Place | None:
        """The place after "X, " when it contains a reading of X ("Bangor, Maine")."""
        if toponym.list_joiner not in {",", "of"} or toponym.next_in_list is None or not first:
            return None
        outer = first[toponym.next_in_list].place
        if outer is None:
            return None
        if any(contains(outer, c.place) and c.place != outer for c in toponym.candidates):
            return outer
        return None

    def _score(
        self,
        cand: Candidate,
        toponym: Toponym,
        candidates: tuple[Candidate, ...],
        votes: dict[str, float],
        focus: str | None,
        container: Place | None,
        others: list[Place] | None,
    ) -> tuple[float, list[str], Candidate]:
        place = cand.place
        reasons = []
        if place.feature == "place":
            # cities500 lists places of 500+ people; a population of 0 means "not recorded"
            score = 1.0 + 1.5 * math.log10(max(place.population, MIN_TOWN_POPULATION) + 10)
            reasons.append(f"town of {place.population:,}")
            if cand.alias_kind == ALIAS_ALTERNATE:
                score -= 1.0
                reasons.append("by an alternate name")
            if cand.alias_kind != ALIAS_ALTERNATE and _dominant(place, candidates):
                score += 3.0
                reasons.append("far bigger than its namesakes")
        else:
            score = FEATURE_PRIOR[place.feature]
            reasons.append(place.feature)
        if cand.fuzzy:
            score -= 2.0
            reasons.append("spelling variant")
        if place.feature in {"admin1", "admin2"} and _same_name_town(place, candidates):
            score -= 4.0
            reasons.append("a town of the same name is its seat")
        hint = toponym.kind_hint
        if hint in {"admin1", "admin2"}:
            bonus = 6.0 if place.feature in {"admin1", "admin2"} else -3.0
            score += bonus
            reasons.append(f"context says {hint}" if bonus > 0 else "context says area")
        elif hint == "place":
            bonus = 3.0 if place.feature == "place" else -3.0
            score += bonus
            reasons.append("context says town")
        if toponym.country_hint:
            if place.country == toponym.country_hint:
                score += 6.0
                reasons.append(f"named as in {toponym.country_hint}")
            else:
                score -= 2.0
        if place.feature != "country" and place.country:
            if place.country == focus:
                score += 4.0
                reasons.append(f"document focus {focus}")
            elif votes.get(place.country, 0) >= 1.0:
                score += 2.0
                reasons.append(f"{place.country} is mentioned")
            elif focus and place.population < 100_000:
                # a village abroad that the story never places abroad is almost never meant;
                # how sure depends on how clearly the story is placed
                score -= 5.0 if votes.get(focus, 0) >= 1.5 else 2.0
                reasons.append(f"{place.country} is foreign to a {focus} story")
            if cand.fuzzy and place.country != focus:
                score -= 4.0
        if container is not None:
            if contains(container, place) and place != container:
                score += 6.0
                reasons.append(f"inside {container.name}")
            else:
                score -= 2.0
        if others is not None and place.feature != "country":
            score += self._neighbourhood(place, others, reasons)
        return score, reasons, cand

    @staticmethod
    def _neighbourhood(place: Place, others: list[Place], reasons: list[str]) -> float:
        """Other places of the story near this reading (towns within 200 km) or inside it
        (an area holding them): "Gainesville" among Atlanta and Athens is the Georgian one."""
        others = [p for p in others if p is not place]
        near = [p for p in others if _within(p, place, NEIGHBOUR_KM)]
        inside = [p for p in others if contains(place, p)] if place.feature != "place" else []
        bonus = min(NEIGHBOUR_CAP, NEIGHBOUR_BONUS * len({p.name for p in near + inside}))
        if bonus:
            reasons.append(f"near {(near + inside)[0].name} (+{bonus:.1f})")
        return bonus


def story_country(
    text: str, mentions: list[PlaceMention], votes: dict[str, float], dateline: str | None
) -> str | None:
    """The country the story happens in, from locative evidence only: countries and places
    the text puts something in ("in Syria", "near Manbij", "the town of X") and the dateline.
    Countries named as actors or modifiers ("US-backed forces", "clashes with US forces")
    and demonyms say who, not where; the focus votes only break near-ties."""
    focus = max(votes, key=votes.get) if votes else None
    return _best_country(_where_votes(text, mentions, dateline, None, focus), votes)


def _where_votes(
    text: str,
    mentions: list[PlaceMention],
    dateline: str | None,
    sentence: tuple[int, int] | None,
    focus: str | None = None,
) -> Counter[str]:
    """Locative votes per country. A country counts after a where-cue ("in Syria"); a town
    after an occurrence cue ("in Manbij", "the town of X"), half when it is a small town
    outside the focus country (often a namesake resolved abroad); a province or district
    unless it is where someone goes or comes from. With a sentence span [start, end),
    evidence in and near the sentence weighs more, and the sentence's own towns count
    whatever their cue ("to clear the group from Afrin")."""
    where: Counter[str] = Counter()
    for mention in mentions:
        place = mention.place
        if place is None or not place.country or mention.in_name:
            continue
        inside = sentence is not None and sentence[0] <= mention.start < sentence[1]
        weight = _where_weight(text, mention, place, inside, focus)
        if weight:
            where[place.country] += weight * _closeness(mention.start, sentence)
    if dateline:
        where[dateline] += 2.0
    return where


_SPEAKER_TAIL = re.compile(
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w’'-]+)*\s+(?:(?:has|have|had|is|are|was|were|also)\s+)*"
    r"([a-z]+)\b"
)


def speaks_for_its_government(text: str, mention: PlaceMention) -> bool:
    """ "Washington and London are confident that…", "Moscow has acknowledged…": a place named
    with no locative cue and followed by a statement verb speaks for its government."""
    if mention.cue is not None:
        return False
    tail = _SPEAKER_TAIL.match(text, mention.end)
    return tail is not None and name_key(tail.group(1)) in place_words("statement_verbs")


def before_actor_noun(text: str, mention: PlaceMention) -> bool:
    """ "US troops", "between Sudan refugees", "Mosul residents": the name says whose, not
    where (`actor_nouns` in place_words.yaml)."""
    following = _NEXT_WORD.match(text, mention.end)
    return following is not None and name_key(following.group(1)) in place_words("actor_nouns")


def _where_weight(
    text: str, mention: PlaceMention, place: Place, inside: bool, focus: str | None
) -> float:
    if speaks_for_its_government(text, mention):
        return 0.0  # "Washington and London are confident…": who speaks, not where
    cue = mention.cue or ""
    located = cue in _STORY_CUES or (cue.endswith(" of") and cue != "of")
    if place.feature == "country":
        # "between Sudan refugees": a country before an actor noun names who, not where
        actor = before_actor_noun(text, mention)
        return STORY_COUNTRY_VOTE if located and not actor else 0.0
    if place.feature in {"admin1", "admin2", "region"}:
        return 1.0 if located or inside or cue not in _AWAY_CUES else 0.0
    if not (located or inside):
        return 0.0
    small_abroad = focus is not None and place.country != focus and place.population < 100_000
    return 0.5 if small_abroad else 1.0


def _closeness(position: int, sentence: tuple[int, int] | None) -> float:
    """3 inside the sentence, 2 within a few lines of it, 1 elsewhere in the story."""
    if sentence is None:
        return 1.0
    start, end = sentence
    if start <= position < end:
        return 3.0
    distance = start - position if position < start else position - end
    return 2.0 if distance <= NEARBY_CHARS else 1.0


def _best_country(where: Counter[str], votes: dict[str, float]) -> str | None:
    if not where:
        return None
    return max(where, key=lambda c: where[c] + FOCUS_SHARE * votes.get(c, 0.0))


def _other_places(
    toponym: Toponym, settled: list[tuple[Toponym, Place]] | None
) -> list[Place] | None:
    """The places settled for the story's other names (each once), for proximity scoring;
    None on the first pass, when none are settled yet."""
    if not settled:
        return None
    key = name_key(toponym.text)
    return list({id(p): p for t, p in settled if name_key(t.text) != key}.values())


def _dominant(place: Place, candidates: tuple[Candidate, ...]) -> bool:
    others = [
        c.place.population
        for c in candidates
        if c.place.feature == "place" and c.place is not place
    ]
    return bool(others) and place.population >= 20 * max(others)


def _same_name_town(area: Place, candidates: tuple[Candidate, ...]) -> bool:
    """The area is named after a big town of the same name ("Homs", "Moscow", "New York")."""
    floor = max(10_000, area.population // 10)
    return any(
        c.place.feature == "place"
        and c.place.population >= floor
        and c.place.country == area.country
        for c in candidates
    )


def _replace(mention: PlaceMention, **changes: object) -> PlaceMention:
    return replace(mention, **changes)
