"""Strategic developments: decisions, moves of forces, agreements — done, not talked about.

The triggers of these sub-types are in the codebook (data/codebook.yaml); their guards are in
its `strategic:` block. Three things set them apart from the violent sub-types:

- **Only what was done is an event.** "Putin was given permission to use military force" is a
  decision; "asked parliament for permission", "MPs will vote on whether to approve the
  deployment", "parliament refused to authorise air strikes" are talk (coded hypothetical, so
  dropped by default), and "the last time the parliament granted him the right to deploy
  troops abroad" is history told as background (not coded at all).
- **A decision governs the violence it names.** In "parliament approved air strikes against
  IS" the air strikes are the object of the decision, not an air strike of this story.
- **The deciding body is the state.** "His country's parliament", "the Federation Council",
  "lawmakers" decide for their state: actor1 is its government.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from sitreps.actors import ActorMention
from sitreps.events.codebook import Codebook, TriggerMatch
from sitreps.events.context import SentenceContext
from sitreps.patterns import whole_words
from sitreps.records import ActorKind, Modality

STRATEGIC = "Strategic developments"
# Sub-types whose triggers name a decision taken by a state's deciding body
DECISIONS = {"Change to group/activity"}
_CLAUSE_BREAK = re.compile(r"[,;:–—()]|\s-\s")


def is_strategic(trigger: TriggerMatch) -> bool:
    """Is the trigger one of a Strategic development?"""
    return trigger.sub_type.event_type == STRATEGIC


def without_governed(codebook: Codebook, triggers: list[TriggerMatch]) -> list[TriggerMatch]:
    """Drop the triggers that are the object of another ("approved air strikes on IS",
    "defused an IED"): the governing sub-types are listed in the codebook."""
    governing = _guards(codebook).governing
    heads = [t for t in triggers if t.sub_type.name in governing]
    if not heads:
        return triggers
    return [
        t
        for t in triggers
        if t.sub_type.name in governing
        or not any(h.start < t.start and t.end <= h.end for h in heads)
    ]


def strategic_modality(
    codebook: Codebook, text: str, trigger: TriggerMatch, modality: Modality
) -> Modality | None:
    """The modality of a strategic trigger after its guards; None when it is background.

    Talk, requests, refusals and plans before the trigger in its clause make it hypothetical;
    so does a negated decision (not denied: a denied event would mark the event told before
    it as contested).
    """
    guards = _guards(codebook)
    clause = _clause_before(text, trigger.start)
    if guards.background.search(clause):
        return None
    if guards.talk.search(clause):
        return Modality.HYPOTHETICAL
    if modality == Modality.DENIED and trigger.sub_type.name in DECISIONS:
        return Modality.HYPOTHETICAL  # "parliament has not approved the deployment"
    return modality


def deciding_body(
    codebook: Codebook,
    sentence: SentenceContext,
    trigger: TriggerMatch,
    focus_country: str | None,
) -> ActorMention | None:
    """The state whose legislature or cabinet took the decision the trigger names."""
    if trigger.sub_type.name not in DECISIONS:
        return None
    bodies = _guards(codebook).bodies
    named = [
        a for a in sentence.actors if a.kind == ActorKind.STATE_FORCES and bodies.search(a.text)
    ]
    if named:
        return min(named, key=lambda a: abs(a.start - trigger.start))
    found = [m for m in bodies.finditer(sentence.text) if not _inside_actor(sentence, m.start())]
    if not found:
        return None
    body = min(found, key=lambda m: abs(m.start() - trigger.start))
    country = _country_near(sentence, body.start()) or focus_country
    return ActorMention(
        start=body.start(),
        end=body.end(),
        text=body.group(0),
        name="Government of {country_name}",
        country=country,
        kind=ActorKind.STATE_FORCES,
        section="state_forces",
    )


def _inside_actor(sentence: SentenceContext, position: int) -> bool:
    return any(a.start <= position < a.end for a in sentence.actors)


def _country_near(sentence: SentenceContext, position: int) -> str | None:
    """ "Putin was given permission ... by his country's parliament": the country of the
    state actor the body belongs to - a named person or institution before it rather than a
    country named as a place ("in Syria"), the nearest first."""
    states = [a for a in sentence.actors if a.kind == ActorKind.STATE_FORCES and a.country]
    if not states:
        return None

    def rank(actor: ActorMention) -> tuple[bool, bool, int]:
        return (actor.section == "country", actor.start > position, abs(actor.start - position))

    return min(states, key=rank).country


def _clause_before(text: str, position: int) -> str:
    """The words of the trigger's own clause before it."""
    head = text[:position]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    return head[breaks[-1].end() :] if breaks else head


class _Guards:
    def __init__(self, data: dict) -> None:
        self.talk = _alternation(data.get("talk_cues"))
        self.background = _alternation(data.get("background_cues"))
        self.bodies = _alternation(data.get("deciding_bodies"))
        self.governing = frozenset(data.get("governing_sub_types") or ())


_NEVER = re.compile(r"(?!)")


def _alternation(patterns: list[str] | None) -> re.Pattern[str]:
    if not patterns:
        return _NEVER
    return whole_words("|".join(f"(?:{p})" for p in patterns))


_compiled: WeakKeyDictionary[Codebook, _Guards] = WeakKeyDictionary()


def _guards(codebook: Codebook) -> _Guards:
    """The codebook's strategic guards, compiled once per codebook object."""
    guards = _compiled.get(codebook)
    if guards is None:
        guards = _compiled[codebook] = _Guards(codebook.strategic)
    return guards
