"""Where did an event happen? From the places of its sentence to ``Location`` records."""

from __future__ import annotations

import re
from dataclasses import replace

from sitreps.geo.gazetteer import Place, open_gazetteer
from sitreps.geo.resolve import (
    ArticleGeography,
    PlaceMention,
    before_actor_noun,
    contains,
    speaks_for_its_government,
)
from sitreps.geo.toponyms import place_words
from sitreps.records import Location

# Words before a place that make it the place of occurrence.
OCCURRENCE_CUES = place_words("occurrence_cues")  # "in", "near", "shelled" (data)
# Words before a place that make it something the event is about, not where it happened.
ABOUT_CUES = frozenset({"to", "from", "for", "against", "with", "by", "towards", "toward"})
FACILITY_NOUNS = place_words("facility_nouns")  # "headquarters", "base" (data)
_FACILITY_AFTER = re.compile(r"(?:[ \t]+[a-z-]+){1,3}")
_FUNCTION_WORDS = frozenset("to from in at on of and or the a an was were is are had has".split())
# "metres from the", "yards away from a", "close to the", "outside the" + a facility's name
_CLOSE_TO = re.compile(
    r"\b(?:(?:metres|meters|yards|feet|kilometres|km|miles)\s+(?:away\s+)?from|near|"
    r"close\s+to|outside|next\s+to|beside)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s\s+(?:[a-z-]+\s+){0,2}")
_BASED = re.compile(r"^-?\s*(?:based|backed|led|born|made|owned|funded|supported)\b")


def _precision(mention: PlaceMention, place: Place, text: str = "") -> str:
    if mention.near:
        return "near"
    if place.feature == "place" and _names_a_facility(text, mention):
        return "near"
    if place.feature == "country":
        return "country"
    if place.feature in {"admin1", "region"}:
        return "admin1"
    if place.feature == "admin2":
        return "admin2"  # a district: more than its province, less than a town
    return "place"


def _names_a_facility(text: str, mention: PlaceMention) -> bool:
    """ "metres from the Manbij military council headquarters": a town naming a facility or
    an organisation puts the event at or near the town, not anywhere in it."""
    following = _FACILITY_AFTER.match(text, mention.end)
    if following is None:
        return False
    for word in following.group(0).split():
        if word in _FUNCTION_WORDS:
            return False
        if word in FACILITY_NOUNS:
            return True
    return False


def _near_a_facility(text: str, mention: PlaceMention) -> PlaceMention:
    """ "just metres from the US-backed Manbij military council headquarters": a town naming
    a facility that the text puts the event close to is a place of occurrence (near)."""
    close = (
        mention.cue in (None, "from")
        and mention.place is not None
        and mention.place.feature == "place"
        and _CLOSE_TO.search(text[max(0, mention.start - 48) : mention.start]) is not None
        and _names_a_facility(text, mention)
    )
    return replace(mention, cue="near", near=True) if close else mention


def _location(mention: PlaceMention, place: Place, text: str = "") -> Location:
    return Location(
        name=place.name,
        geonameid=place.geonameid,
        country=place.country,
        admin1=place.admin1 if place.feature != "country" else None,
        lat=place.lat,
        lon=place.lon,
        precision=_precision(mention, place, text),
        text=mention.text,
    )


def country_location(geo: ArticleGeography, iso2: str) -> Location:
    """A country-precision location (the fallback when a sentence names no place)."""
    gaz = geo.gazetteer or open_gazetteer()
    country = gaz.country(iso2)
    if country is None:
        return Location(name=iso2, country=iso2, precision="country")
    return Location(
        name=country.name,
        geonameid=country.geonameid,
        country=country.country,
        lat=country.lat,
        lon=country.lon,
        precision="country",
    )


def _groups(mentions: list[tuple[int, PlaceMention]]) -> list[list[PlaceMention]]:
    """Coordinated lists ("Homs, Hama and Idlib"); a trailing container ("Watamu, Kilifi")
    is dropped from the list it closes."""
    by_index = dict(mentions)
    groups: list[list[PlaceMention]] = []
    seen: set[int] = set()
    for index, mention in mentions:
        if index in seen:
            continue
        group = [mention]
        seen.add(index)
        current = mention
        while current.next_in_list is not None and current.next_in_list in by_index:
            follower = by_index[current.next_in_list]
            seen.add(current.next_in_list)
            if _is_container(current, follower):
                if current.place is None:  # unknown X in "the X area of Y": report Y
                    group[group.index(current)] = replace(
                        follower, text=current.text, near=current.near, cue=current.cue
                    )
                current = follower
                continue
            group.append(follower)
            current = follower
        groups.append(group)
    return groups


def _is_container(inner: PlaceMention, outer: PlaceMention) -> bool:
    """ "Watamu, Kilifi", "the Kisauni area of Mombasa": the second holds the first."""
    if inner.list_joiner not in {",", "of"} or outer.place is None:
        return False
    if inner.place is None:
        return inner.list_joiner == "of" and outer.place.feature != "country"
    return outer.place != inner.place and contains(outer.place, inner.place)


def _cue(group: list[PlaceMention]) -> str | None:
    return group[0].cue


def _distance(group: list[PlaceMention], anchor: int) -> int:
    if group[0].start <= anchor < group[-1].end:
        return 0
    return min(abs(anchor - m.start) for m in group)


def event_locations(geo: ArticleGeography, start: int, end: int, anchor: int) -> list[Location]:
    """Places where the event of sentence [start, end) with trigger at ``anchor`` happened."""
    chosen = event_place_mentions(geo, start, end, anchor)
    if not chosen:
        return []
    known = [m for m in geo.mentions if start <= m.start and m.end <= end and m.place]
    return _to_locations(geo, chosen, known)


def event_place_mentions(
    geo: ArticleGeography, start: int, end: int, anchor: int
) -> list[PlaceMention]:
    """The place mentions of sentence [start, end) where its event (trigger at ``anchor``)
    happened: one coordinated group, possibly with unknown names; ``[]`` when none."""
    inside = [
        (i, m)
        for i, m in enumerate(geo.mentions)
        if start <= m.start
        and m.end <= end
        and _may_be_where(geo.text, m)
        and not _country_as_actor(geo.text, m)
    ]
    inside = _without_possessors(geo.text, inside)
    inside = [(i, _near_a_facility(geo.text, m)) for i, m in inside]
    if not inside:
        return []
    groups = _groups(inside)
    occurrence = [
        g for g in groups if _cue(g) in OCCURRENCE_CUES or (_cue(g) or "").endswith(" of")
    ]
    if not occurrence:
        occurrence = [
            g
            for g in groups
            if _cue(g) not in ABOUT_CUES and _cue(g) != "of" and not _modifier(geo.text, g[-1])
        ]
    occurrence = [g for g in occurrence if any(m.place or m.cue for m in g)]
    if not occurrence:
        return []
    occurrence = _towns_the_areas_hold(geo.text, groups, occurrence) or occurrence
    occurrence = _most_specific(occurrence)
    return min(occurrence, key=lambda g: _distance(g, anchor))


def _towns_the_areas_hold(
    text: str, groups: list[list[PlaceMention]], occurrence: list[list[PlaceMention]]
) -> list[list[PlaceMention]]:
    """ "Raqqa, capital of the caliphate in eastern Syria, fell": when the text puts the event
    only in countries or regions, a town of the sentence that one of them holds, named with no
    cue and qualifying no noun (the subject, an appositive's head), is where it happened."""
    areas = [m.place for g in occurrence for m in g]
    if not all(p is not None and p.feature in _AREA_FEATURES for p in areas):
        return []
    return [
        g
        for g in groups
        if g not in occurrence
        and _cue(g) is None
        and not _modifier(text, g[-1])
        and not before_actor_noun(text, g[-1])
        and all(
            m.place is not None
            and m.place.feature not in _AREA_FEATURES
            and any(contains(area, m.place) for area in areas)
            for m in g
        )
    ]


_AREA_FEATURES = {"country", "admin1", "region"}


def _may_be_where(text: str, mention: PlaceMention) -> bool:
    """Not "X-based"/"X-backed", not inside an organisation's name, not a capital speaking for
    its government: the mention may name where something happened."""
    return not (
        _BASED.match(text[mention.end : mention.end + 12])
        or mention.in_name
        or speaks_for_its_government(text, mention)
    )


def _country_as_actor(text: str, mention: PlaceMention) -> bool:
    """ "The US said", "US troops", "supported by the US and UK", "outside the US embassy":
    a country named without a locative cue, or before an actor noun, is an actor or a
    nationality, not where the event happened."""
    if mention.place is None or mention.place.feature != "country":
        return False
    if mention.cue is None:
        return True
    return before_actor_noun(text, mention)


def _without_possessors(
    text: str, inside: list[tuple[int, PlaceMention]]
) -> list[tuple[int, PlaceMention]]:
    """ "in Mogadishu's Wadajir district", "in Venezuela's Portuguesa state": the possessor
    holds the place; the possessed place takes over its cue."""
    kept: list[tuple[int, PlaceMention]] = []
    carried: str | None = None
    for k, (index, mention) in enumerate(inside):
        if carried is not None and mention.cue not in OCCURRENCE_CUES:
            mention = replace(mention, cue=carried)
        carried = None
        follower = inside[k + 1][1] if k + 1 < len(inside) else None
        if follower is not None and _POSSESSIVE.fullmatch(text[mention.end : follower.start]):
            carried = mention.cue
            continue
        kept.append((index, mention))
    return kept


def _nearby_known(mention: PlaceMention, known: list[PlaceMention]) -> PlaceMention | None:
    """The known town or area of the sentence closest to an unknown name (countries, which
    the caller falls back to anyway, are left out)."""
    candidates = [m for m in known if m.place is not None and m.place.feature != "country"]
    if not candidates:
        return None
    return min(candidates, key=lambda m: abs(m.start - mention.start))


def _modifier(text: str, mention: PlaceMention) -> bool:
    """ "Siaya Senator", "Nairobi CBD": the name qualifies the next word."""
    return re.match(r" [A-Z]", text[mention.end : mention.end + 2]) is not None


def _most_specific(groups: list[list[PlaceMention]]) -> list[list[PlaceMention]]:
    """Drop groups that only contain places holding a place of another group
    ("strikes in Syria, near Homs" -> Homs)."""
    places = [m.place for g in groups for m in g if m.place is not None]

    def redundant(group: list[PlaceMention]) -> bool:
        return all(
            m.place is not None and any(p != m.place and contains(m.place, p) for p in places)
            for m in group
        )

    kept = [g for g in groups if not redundant(g)]
    return kept or groups


def _to_locations(
    geo: ArticleGeography, group: list[PlaceMention], known: list[PlaceMention]
) -> list[Location]:
    known_countries = {m.place.country for m in group if m.place and m.place.country}
    fallback_country = (
        next(iter(known_countries)) if len(known_countries) == 1 else geo.fallback_country
    )
    lone_unknown = not known_countries
    locations: list[Location] = []
    seen: set[tuple[str, int | None]] = set()
    for mention in group:
        nearby = _nearby_known(mention, known) if lone_unknown and mention.place is None else None
        if mention.place is not None:
            location = _location(mention, mention.place, geo.text)
        elif nearby is not None and nearby.place is not None:
            # an unknown village: degrade to the town or area the sentence names with it
            near = nearby.place.feature == "place"
            location = _location(replace(mention, near=near), nearby.place).model_copy(
                update={"text": mention.text}
            )
        elif fallback_country:
            location = country_location(geo, fallback_country).model_copy(
                update={"text": mention.text}
            )
        else:
            continue
        key = (location.name, location.geonameid) if mention.place else (mention.text, None)
        if key not in seen:
            seen.add(key)
            locations.append(location)
    return locations


def town_referred_to(
    geo: ArticleGeography, start: int, end: int, country: str | None
) -> tuple[PlaceMention, Location] | None:
    """The town "the city" or "the town" refers back to in [start, end): the last town of
    `country` named there as a place (not inside a name, not "Mosul residents"), provided no
    other town was named just before it; None when there is none or it is unclear."""
    towns = [
        m
        for m in geo.mentions
        if start <= m.start
        and m.end <= end
        and m.place is not None
        and m.place.feature == "place"
        and m.place.country == country
        and _may_be_where(geo.text, m)
        and not before_actor_noun(geo.text, m)
    ]
    if not towns:
        return None
    last = towns[-1]
    rivals = {
        m.place.geonameid
        for m in towns
        if m.place is not None and last.start - m.start <= _RIVAL_CHARS
    }
    if len(rivals) > 1:
        return None
    return last, _location(last, last.place, geo.text)


_RIVAL_CHARS = 200  # another town named this close before the last one makes it unclear
