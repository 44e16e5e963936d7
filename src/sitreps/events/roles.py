"""Who did it and to whom: the agent and the target of an event, from the parse and the words
around the trigger. Actors themselves come from the dictionary (sitreps.actors)."""

from __future__ import annotations

import re

from spacy.tokens import Token

from sitreps.actors import ActorMention, find_actors
from sitreps.events.claims import REPORTING_LEMMAS
from sitreps.events.codebook import TriggerMatch
from sitreps.events.context import (
    ACTING_KINDS,
    VICTIM_KINDS,
    ArticleContext,
    SentenceContext,
    actor_at,
    token_end,
    trigger_token,
)
from sitreps.records import ActorKind


def find_roles(
    sentence: SentenceContext, trigger: TriggerMatch
) -> tuple[ActorMention | None, ActorMention | None]:
    """The agent and the target of the event, from the parse and the words around the trigger."""
    actors = [a for a in sentence.actors if not _is_reporter(sentence, a)]
    if not actors:
        return None, None
    trigger = _past_label(sentence, trigger)
    sides = _sides_of_clash(sentence.text, trigger, actors) or _sides_before_clash(
        sentence.text, trigger, actors
    )
    if sides is not None:
        return sides
    taken = _taken_by(sentence.text, trigger, actors)
    if taken is not None:
        return taken
    agent = _planter(sentence.text, actors) or _agent_from_parse(sentence, trigger, actors)
    acting_subject = agent is not None
    agent = agent or _agent_by_position(sentence.text, trigger, actors)
    remaining = [a for a in actors if a is not agent and a.section != "country"]
    target = _target_by_position(sentence.text, trigger, remaining)
    if agent is None and target is None:
        victims = [a for a in remaining if a.kind in VICTIM_KINDS]
        if victims:
            target = victims[0]
    if agent is not None and _struck_a_mine(sentence.text, agent):
        agent, target = None, agent  # "an army vehicle struck an IED": the army was hit
    if agent is not None and target is None and _elliptic_passive(sentence.text, agent, trigger):
        agent, target = None, agent  # "Four JNIM fighters reportedly killed."
    # "residents attacked a thief": people who are usually the victims, here acting
    acting = acting_subject and _active(sentence, trigger)
    if agent is not None and agent.role_hint == "victim" and target is None and not acting:
        agent, target = None, agent
    return agent, target


_FELL_TO = re.compile(r"fell (?:to|into the hands of)\b", re.IGNORECASE)


def _taken_by(
    text: str, trigger: TriggerMatch, actors: list[ActorMention]
) -> tuple[ActorMention | None, ActorMention | None] | None:
    """ "Raqqa, capital of Islamic State's caliphate, fell to Kurdish forces": the place is
    the subject; who took it follows "to", and an actor named before held it."""
    if not _FELL_TO.match(trigger.text):
        return None
    after = [a for a in actors if a.start >= trigger.end and a.section != "country"]
    before = [a for a in actors if a.end <= trigger.start and a.section != "country"]
    return (after[0] if after else None), (before[-1] if before else None)


_TOLL_WORD = re.compile(
    r"(?:killed|wounded|injured|dead|died|hurt|abducted|kidnapped|arrested|detained|shot|"
    r"beaten|lynched|attacked|assaulted|raped|executed)$",
    re.IGNORECASE,
)
_NOTHING_DONE = re.compile(
    r"\s*(?:[.,;:)]|$|\b(?:in|on|at|during|when|while|after|and|near|by|as)\b)", re.IGNORECASE
)
_TOLL_SUBJECT = re.compile(
    r"(?:^|[.;,]\s*|\b(?:and|with)\s+)(?:\W*(?:at least|about|some|around)\s+)?"
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many|dozens of)"
    r"\s+$",
    re.IGNORECASE,
)


def _elliptic_passive(text: str, agent: ActorMention, trigger: TriggerMatch) -> bool:
    """Note style without "were": "Four JNIM fighters (reportedly) killed." The counted actor
    is the one killed, not the killer: nothing is done to anyone after the verb."""
    if agent.end > trigger.start or not _TOLL_WORD.search(trigger.text):
        return False
    gap = text[agent.end : trigger.start]
    if not re.fullmatch(r"\s*(?:\w+ly\s+)?", gap):
        return False
    counted = _TOLL_SUBJECT.search(text[: agent.start]) or (
        _COUNT_FIRST.match(agent.text) and _CLAUSE_START.search(text[: agent.start])
    )
    return bool(counted) and bool(_NOTHING_DONE.match(text, trigger.end))


_COUNT_FIRST = re.compile(
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many)\b", re.IGNORECASE
)
_CLAUSE_START = re.compile(r"(?:^|[.;,]|\b(?:and|with))\s*$", re.IGNORECASE)


_PLANTED_BY = re.compile(r"\b(?:planted|laid|placed)\s+by\s+(?:the\s+)?$", re.IGNORECASE)


def _planter(text: str, actors: list[ActorMention]) -> ActorMention | None:
    """ "an army vehicle struck an IED likely planted by JNIM militants": who laid the mine."""
    for actor in actors:
        if actor.section == "armed_groups" and _PLANTED_BY.search(
            text[max(0, actor.start - 30) : actor.start]
        ):
            return actor
    return None


_STRUCK_A_MINE = re.compile(
    r"(?:\s+(?:vehicle|truck|convoy|patrol|car|bus|motorbike|motorcycle)s?)?\s+(?:\w+ly\s+)?"
    r"(?:struck|hit|ran over|drove over|stepped on|ran into|triggered)\s+(?:an?\s+|the\s+)?"
    r"(?:\w+\s+){0,2}?(?:IEDs?|(?:land)?mines?|explosive devices?|roadside bombs?)\b",
    re.IGNORECASE,
)


def _struck_a_mine(text: str, agent: ActorMention) -> bool:
    """Whoever drives onto or steps on a mine is its victim, not the one who laid it."""
    return bool(_STRUCK_A_MINE.match(text, agent.end))


_LABEL = re.compile(r"\s*:\s")


def _past_label(sentence: SentenceContext, trigger: TriggerMatch) -> TriggerMatch:
    """ "Looting: On 2 May, gunmen seized goats ...": a heading names the event's type, not
    who acted; roles are read from the main verb of the text after it."""
    if sentence.doc is None or sentence.text[: trigger.start].strip():
        return trigger
    if not _LABEL.match(sentence.text, trigger.end):
        return trigger
    for token in sentence.doc:
        if token.idx <= trigger.end or token.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
        if any(c.idx > trigger.end for c in subjects):  # not the heading read as a subject
            end = token_end(token)
            return TriggerMatch(trigger.sub_type, token.idx, end, sentence.text[token.idx : end])
    return trigger


def _active(sentence: SentenceContext, trigger: TriggerMatch) -> bool:
    """The trigger is a verb in the active voice ("attacked", not "were attacked")."""
    token = trigger_token(sentence, trigger.start)
    if token is None or token.pos_ != "VERB":
        return False
    return not any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)


_BETWEEN = re.compile(r"\s*(?:\w+\s+){0,3}?between\s+(?:the\s+)?$", re.IGNORECASE)


def _sides_of_clash(
    text: str, trigger: TriggerMatch, actors: list[ActorMention]
) -> tuple[ActorMention, ActorMention] | None:
    """ "clashes between regime forces and rebels": both sides, in the order given."""
    if trigger.sub_type.event_type != "Battles":
        return None
    after = [a for a in actors if a.start >= trigger.end]
    if len(after) < 2:
        return None
    first, second = after[0], after[1]
    joined = re.fullmatch(r"\s*(?:and|&)\s*(?:\w+\s+)?", text[first.end : second.start])
    if _BETWEEN.fullmatch(text[trigger.end : first.start]) and joined:
        return first, second
    return None


def _sides_before_clash(
    text: str, trigger: TriggerMatch, actors: list[ActorMention]
) -> tuple[ActorMention, ActorMention] | None:
    """ "JNIM and ISGS militants clashed": both sides, the first named as actor 1."""
    if trigger.sub_type.event_type != "Battles":
        return None
    before = [a for a in actors if a.end <= trigger.start]
    if len(before) < 2:
        return None
    first, second = before[-2], before[-1]
    joined = re.fullmatch(r"\s*(?:and|&)\s*(?:the\s+)?", text[first.end : second.start])
    close = re.fullmatch(r"\s*(?:\w+ly\s+)?(?:have\s+|had\s+)?", text[second.end : trigger.start])
    if joined and close and first.name != second.name:
        return first, second
    return None


def _is_reporter(sentence: SentenceContext, actor: ActorMention) -> bool:
    """An actor that only says something ("the Russian defence ministry said") is a source."""
    after = sentence.text[actor.end : actor.end + 25]
    return bool(
        re.match(
            r"\s*(?:has |have |had )?(?:said|says|say|told|reported|claimed|announced|confirmed|"
            r"stated|spokes\w+ said|officials? said)\b"
            # "ISGS claimed to have killed...": a claim of one's own act makes the agent
            r"(?!\s+(?:to have|responsibility|credit))",
            after,
            re.IGNORECASE,
        )
    ) or bool(re.search(r"according to\s*$", sentence.text[: actor.start], re.IGNORECASE))


def _agent_from_parse(
    sentence: SentenceContext, trigger: TriggerMatch, actors: list[ActorMention]
) -> ActorMention | None:
    token = trigger_token(sentence, trigger.start)
    if token is None:
        return None
    # possessive or modifier of a nominal trigger: "French airstrikes", "Russia's strikes"
    for child in token.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod"):
            found = actor_at(sentence, child.idx, child.idx + len(child.text))
            if found in actors:
                return found
    # "by X"
    for child in token.subtree:
        if child.dep_ == "agent" or (child.lower_ == "by" and child.head == token):
            for obj in child.children:
                found = actor_at(sentence, obj.left_edge.idx, token_end(obj.right_edge))
                if found in actors:
                    return found
    # subject of the trigger verb, or of the verbs it is the complement of
    node: Token | None = token
    hops = 0
    while node is not None and hops < 4:
        for child in node.children:
            if child.dep_ in ("nsubj", "csubj"):
                found = _subject_actor(sentence, child, actors)
                if found is not None:
                    return found
        if node.dep_ in ("xcomp", "ccomp", "advcl", "conj", "relcl", "acl") and node.head != node:
            if node.head.lemma_.lower() in REPORTING_LEMMAS and node.dep_ == "ccomp":
                break
            node = node.head
            hops += 1
        elif hops == 0 and _verb_of_nominal(node) is not None:
            node = _verb_of_nominal(node)
            hops += 1
        else:
            break
    return None


_LIGHT_VERBS = {
    "carry", "launch", "conduct", "stage", "mount", "lead", "perpetrate", "commit", "make",
    "detonate", "plant", "lay", "set", "explode",
}  # fmt: skip


def _verb_of_nominal(token: Token) -> Token | None:
    """The verb whose subject did a nominal trigger: "militants carried out an ambush",
    "gunmen shot a candidate in an ambush"."""
    head = token.head
    if token.dep_ == "dobj" and head.lemma_.lower() in _LIGHT_VERBS:
        return head
    if (
        token.dep_ == "pobj"
        and head.dep_ == "prep"
        and head.lower_ in ("in", "during")
        and head.head.pos_ == "VERB"
        and not any(c.dep_ in ("nsubjpass", "auxpass") for c in head.head.children)
    ):
        return head.head
    return None


def _subject_actor(
    sentence: SentenceContext, subject: Token, actors: list[ActorMention]
) -> ActorMention | None:
    if subject.pos_ == "PRON" and subject.lower_ in ("it", "they"):
        # "Russia says it has started to bomb": the pronoun is the speaker
        speaker_verb = subject.head
        while speaker_verb.dep_ in ("xcomp", "ccomp") and speaker_verb.head != speaker_verb:
            speaker_verb = speaker_verb.head
            for child in speaker_verb.children:
                if child.dep_ == "nsubj" and child.i != subject.i:
                    return actor_at(sentence, child.left_edge.idx, token_end(child.right_edge))
        return None
    found = actor_at(sentence, subject.left_edge.idx, token_end(subject.right_edge))
    return found if found in actors else None


_TARGET_CUE = re.compile(
    r"(?:\bon|\bagainst|\btargeting|\btargeted|\bat|\bkill(?:ed|ing)?|\bhit(?:ting)?|"
    r"\bstruck|\bambush(?:ed|ing)|\bshelled|\bpounded|\braided|\bstormed|"
    r"\battack(?:ed|ing)?|\bbomb(?:ed|ing)?|\bshot|\bwound(?:ed|ing)|\binjur(?:ed|ing)|\bof|\bwith|"
    r"\bassault(?:ed|ing)|\bbeat(?:ing)?|\bhacked|\bstabbed|\blynched|\babducted|\bkidnapped|"
    r"\brobbed|\bmurdered)"
    r"\s+(?:\d[\d,]*\s+|\w+\s+)?(?:the\s+)?(?:suspected\s+)?$",
    re.IGNORECASE,
)


def _agent_by_position(
    text: str, trigger: TriggerMatch, actors: list[ActorMention]
) -> ActorMention | None:
    """Fallback when the parse finds no subject: the nearest armed actor just before the trigger."""
    before = [a for a in actors if a.end <= trigger.start and a.role_hint != "victim"]
    for actor in reversed(before):
        gap = text[actor.end : trigger.start]
        close = len(gap) <= 60 and not re.search(r"[;:]|\b(?:and|but|while|as)\b", gap)
        passive = _PASSIVE.search(gap) or _PASSIVE_CLAUSE.match(gap)
        if close and actor.kind in ACTING_KINDS and not passive:
            return actor
    inside = [a for a in actors if a.start >= trigger.start and a.end <= trigger.end]
    return inside[0] if inside else None


# "Three militants were killed": the actor before a passive verb is its patient
_PASSIVE = re.compile(r"\b(?:were|was|have been|has been|had been|got|being)\s+(?:\w+ly\s+)?$")

# "Two soldiers were killed in an ambush": the actor is the patient of the clause before it
_PASSIVE_CLAUSE = re.compile(
    r"\s*(?:were|was|have been|has been|had been|got|being)\s+(?:\w+ly\s+)?\w+(?:ed|en|t)\b"
    r"(?!\s+to\b)",  # "were reported to have clashed" is not a passive of the event
    re.IGNORECASE,
)

_PHRASE_BREAK = re.compile(
    r"[,;:.]|\b(?:and|or|but|while|as|who|which|that|after|before|when|in|near|at|on|from|to|"
    r"by|with|said|says|was|were|is|are)\b",
    re.IGNORECASE,
)


def _same_phrase(gap: str) -> bool:
    """ "attacked a volunteer fighter (VDP) position": the actor qualifies the trigger's object."""
    return len(gap) <= 40 and not _PHRASE_BREAK.search(gap)


def _target_by_position(
    text: str, trigger: TriggerMatch, actors: list[ActorMention]
) -> ActorMention | None:
    after = [a for a in actors if a.start >= trigger.end]
    for actor in after:
        gap = text[trigger.end : actor.start]
        if len(gap) > 90:
            break
        if _TARGET_CUE.search(text[: actor.start]) or not gap.strip() or _same_phrase(gap):
            return actor
    # passive voice: "Two soldiers were killed" - the victims stand before the trigger
    before = [a for a in actors if a.end <= trigger.start]
    for actor in reversed(before):
        gap = text[actor.end : trigger.start]
        if re.search(r"\b(?:were|was|have been|has been|had been|got)\b", gap) and len(gap) < 60:
            return actor
    return None


_DEFINITE = re.compile(r"\b(?:the|these|those)\s+(?:same\s+|suspected\s+|presumed\s+)?$", re.I)
_NAMED = ("armed_groups",)


def named_by_reference(
    ctx: ArticleContext, sentence: SentenceContext, actor: ActorMention | None
) -> ActorMention | None:
    """ "Suspected JNIM militants intercepted a convoy. The militants executed 15 men.": a
    definite generic armed actor refers to the armed group named just before in the article."""
    if actor is None or actor.section != "generic" or actor.kind not in _MEMBER_KINDS:
        return actor
    if not _DEFINITE.search(sentence.text[: actor.start]):
        return actor
    named = [m for m in sentence.actors if m.section in _NAMED and m.end <= actor.start]
    if not named:
        earlier = ctx.article.text[max(0, sentence.start - 600) : sentence.start]
        named = [m for m in find_actors(earlier) if m.section in _NAMED]
    if not named:
        return actor
    group = named[-1]
    return ActorMention(
        start=actor.start,
        end=actor.end,
        text=actor.text,
        name=group.name,
        country=group.country,
        kind=group.kind,
        section=group.section,
        role_hint=group.role_hint,
    )


_MEMBER_KINDS = {ActorKind.REBELS, ActorKind.IDENTITY_MILITIA, ActorKind.POLITICAL_MILITIA}
