"""Tolls told after the event: "Gunmen attacked Djibo. ... Five civilians were killed."

Reports, and ACLED's notes most of all, often tell the event first and its dead one to a few
sentences later, in a sentence that names no new place and no new attacker. Such a sentence
gives the toll of the event told before it; it is not an event of its own. Several such
sentences add up when they say so ("3 others died", "Two civilians were also killed"), and a
stated total ("Total 9 fatalities") replaces the parts.
"""

from __future__ import annotations

import re

from sitreps.events.fatalities import ADDITIVE, count_fatalities, stated_total
from sitreps.records import Event

# Event types whose records carry a toll. Protests are in: a protest where someone is shot
# dead has a toll, whatever sub-type the protest ends up with.
TOLL_TYPES = {
    "Battles",
    "Violence against civilians",
    "Explosions/Remote violence",
    "Riots",
    "Protests",
}
TOLL_SUB_TYPES = {"Looting/property destruction", "Arrests"}
# How many sentences without an event may stand between the event and its toll.
MAX_GAP = 4
_DEATH_WORD = re.compile(
    r"\b(?:kill|dead|die|death|fatalit|bodies|corpses|succumb|casualt|martyr|slain|murder|"
    r"execut|lynch|shot|beheaded|charred|burned alive|burnt alive)",
    re.IGNORECASE,
)
# A toll from another time or another event: "coded separately", "last year", "in a
# previous attack", "since January".
_ELSEWHERE = re.compile(
    r"\b(?:coded separately|separate event|previous(?:ly)?|earlier (?:attack|clash|raid|"
    r"incident|event)s?|last (?:week|month|year)|years? ago|months? ago|since|so far|"
    r"this year|in retaliation|in response|follow(?:s|ed) (?:the|an?)|anniversary)\b",
    re.IGNORECASE,
)


def may_state_toll(sentence: str) -> bool:
    """Cheap check for the relevance gate: could this sentence give a toll?"""
    return bool(_DEATH_WORD.search(sentence)) and count_fatalities(sentence) is not None


def accepts_toll(event: Event) -> bool:
    """Does this kind of event carry a toll?"""
    return event.event_type in TOLL_TYPES or event.sub_event_type in TOLL_SUB_TYPES


def follow_up_toll(previous: Event, coded: list[Event], text: str, gap: int) -> int | None:
    """The toll `previous` has once the sentence `text`, coded as `coded`, is read; None when
    the sentence does not give `previous`'s toll (it tells a new event, or nothing).

    `gap` is the number of sentences between the one that told `previous` and this one.
    """
    if gap > MAX_GAP or not accepts_toll(previous) or not _DEATH_WORD.search(text):
        return None
    refers_back = _THE_EVENT.search(text) is not None and previous.event_type in _VIOLENT
    if coded and not all(_toll_only(e) or refers_back and _no_new_place(e) for e in coded):
        return None
    if _ELSEWHERE.search(text):
        return None
    total = stated_total(text)
    if total is not None:
        return total
    toll = count_fatalities(text) if not coded else coded[0].fatalities
    if toll is None:
        return None
    if previous.fatalities is None:
        return toll
    if refers_back:  # "16 people were killed in the attack": the whole attack's toll
        return max(toll, previous.fatalities)
    if toll and ADDITIVE.search(text):
        return previous.fatalities + toll
    return None


# The toll of the event just told, named by a definite reference to it: "16 people were killed
# in the attack", "died in the blast". The sentence may name the victims' side ("the most deadly
# attack on American forces") without telling another event.
_THE_EVENT = re.compile(
    r"\b(?:killed|died|dead|wounded|injured|lost their lives)\s+(?:\w+\s+){0,2}?"
    r"(?:in|by)\s+the\s+(?:\w+\s+)?(?:attack|bombing|blast|explosion|strike|air ?strike|"
    r"raid|ambush|assault|shelling)s?\b(?!\s+(?:on|in|at|near|against)\b)",
    re.IGNORECASE,
)
_VIOLENT = {"Battles", "Violence against civilians", "Explosions/Remote violence"}


def _no_new_place(event: Event) -> bool:
    """An event with a toll whose sentence names no place finer than a country."""
    return accepts_toll(event) and (event.location is None or event.location.precision == "country")


def _toll_only(event: Event) -> bool:
    """An event with no place finer than a country and no attacker found in its sentence (an
    actor1 filled by a convention does not count): a toll sentence."""
    return (
        accepts_toll(event)
        and event.fatalities is not None
        and (event.location is None or event.location.precision == "country")
        and (event.actor1 is None or event.actor1.text is None)
        and "actor1" not in event.evidence[0].supports
    )
