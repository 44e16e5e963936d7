"""Link stage: reports of the same happening become one event, and events one incident.

Within an article, several sentences often tell one event ("Russia says it has started to
bomb IS targets", "the defence ministry said airstrikes hit vehicles", "a US official said
Russian jets struck near Homs"): they are merged into one event that keeps every sentence as
evidence, the most precise place, the best-resolved date and every attribution. Across
articles, events are linked into incidents (`incident_key`, `same_incident`) by the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from sitreps.events.codebook import load_codebook
from sitreps.geo.resolve import distance_km as great_circle_km
from sitreps.records import LOCATION_PRECISION_RANK, Event, Location
from sitreps.time import PRECISION_RANK

SAME_PLACE_KM = 25.0
_WINDOW_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}


def merge_article_events(events: Sequence[Event]) -> list[Event]:
    """Merge events of one article that describe the same happening; order is kept."""
    merged: list[Event] = []
    for event in events:
        for i, kept in enumerate(merged):
            if _same_happening(kept, event):
                merged[i] = _merge(kept, event)
                break
        else:
            merged.append(event)
    return merged


def same_incident(a: Event, b: Event) -> bool:
    """True when two events (from any articles) can be one incident."""
    return _same_happening(a, b)


def _same_happening(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type and not (_joins_protest(a, b) or _part_of_fight(a, b)):
        return False
    if _part_of_fight(a, b):
        if not _fighter_in(a, b) and not _fighter_in(b, a):
            return False
    elif not _actors_compatible(a, b):
        return False
    # Two precise places far apart are two events, as an analyst codes them.
    return _places_compatible(a.location, b.location) and _dates_compatible(a, b)


_VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def _part_of_fight(a: Event, b: Event) -> bool:
    """Shooting told without named victims ("gunmen opened fire on its vehicles") next to a
    battle or a strike at the same place and time is part of it, not an attack on civilians."""
    for generic, other in ((a, b), (b, a)):
        victims_unnamed = generic.actor2 is None or generic.actor2.text is None
        if (
            generic.sub_event_type == "Attack"
            and victims_unnamed
            and other.event_type in _VIOLENT_TYPES
            and other.sub_event_type != "Attack"
        ):
            return True
    return False


def _fighter_in(generic: Event, fight: Event) -> bool:
    """The shooter of the generic event is one of the fight's sides (or unnamed)."""
    shooter = generic.actor1
    if shooter is None or shooter.text is None:
        return True
    sides = [a for a in (fight.actor1, fight.actor2) if a is not None]
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


def _dates_compatible(a: Event, b: Event) -> bool:
    from datetime import date

    if not a.date or not b.date:
        return True
    da, db = date.fromisoformat(a.date), date.fromisoformat(b.date)
    window = max(_WINDOW_DAYS[a.date_precision or "day"], _WINDOW_DAYS[b.date_precision or "day"])
    return abs((da - db).days) < window + 1


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
