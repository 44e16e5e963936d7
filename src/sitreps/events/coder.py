"""The coder: the events told in an article, sentence by sentence, with evidence.

For each sentence that passes the codebook's relevance gate (most sentences never reach the
parser), the coder picks the sub-event type from the triggers, reads the modality (asserted,
claimed, denied, hypothetical, planned), the actors and their roles from the dependency parse,
the fatalities tied to the event's kill words, the place(s) where it happened and its date.
War-wide statistics ("250,000 killed in the four-year war") and procedural frames
("an investigation into claims of torture") are not events.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from sitreps.actors import ActorMention, country_name, country_of_actors, find_actors
from sitreps.events.campaigns import campaign_background
from sitreps.events.claims import (
    ANAPHORA,
    UNVERIFIED,
    attribution_of,
    claimed_by,
    claims_responsibility,
    disputes_previous,
    mark_contested,
    modality_of,
    names_the_perpetrator,
    perpetrated_by,
    under_condition,
)
from sitreps.events.codebook import Codebook, SubEventType, TriggerMatch, load_codebook
from sitreps.events.context import (
    ARMED_KINDS,
    VICTIM_KINDS,
    ArticleContext,
    SentenceContext,
    relevance_gate,
    token_at,
)
from sitreps.events.fatalities import count_fatalities
from sitreps.events.roles import find_roles, named_by_reference
from sitreps.events.strategic import (
    deciding_body,
    is_strategic,
    strategic_modality,
    without_governed,
)
from sitreps.events.tolls import follow_up_toll, may_state_toll
from sitreps.geo import ArticleGeography, country_location, event_locations
from sitreps.geo.location import event_place_mentions, town_referred_to
from sitreps.records import (
    Actor,
    ActorKind,
    Article,
    ArticleRef,
    Event,
    Evidence,
    Location,
    Modality,
    stable_id,
)
from sitreps.time import (
    STORY_DATE,
    ResolvedDate,
    reference_date,
    resolve_event_date,
    window_end,
)

# Statistics about a whole war are context, not an event.
_WAR_STATISTIC = re.compile(
    r"\b(?:have|has|had)\s+(?:been\s+)?(?:killed|died|lost their lives|perished)\b[^.]{0,80}"
    r"\b(?:war|conflict|insurgency|crisis|uprising|violence|fighting)\b"
    r"|\b(?:since|throughout|over the course of)\s+(?:the\s+)?(?:start|beginning|outbreak)\b"
    r"|\b(?:in|during)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}(?:\w+-year|decade-long|years-long)\s+"
    r"(?:civil\s+)?(?:war|conflict|insurgency)"
    # a whole year's toll: "about 4,000 civilians were killed in 2016", "so far this year"
    r"|\b(?:killed|died|dead|deaths|kill)\b[^.]{0,40}\b(?:in|during|throughout|since)\s+"
    r"(?:(?:19|20)\d\d|the\s+(?:past|last)\s+(?:year|decade|\d+\s+years))\b"
    r"|\b(?:so far this year|since the (?:start|beginning) of the year|this year alone)\b",
    re.IGNORECASE,
)
# Procedural or legal frames talk about an event without reporting it: "an investigation into
# the killing of...", "a man accused of killing...". They frame the event only when they come
# before its trigger ("villagers beat a man accused of theft" reports the beating).
_FRAME_BEFORE_TRIGGER = re.compile(
    r"\b(?:investigat\w*|inquiry|probe into|allegations? of|claims of|accused of|charged with|"
    r"convicted|sentenced|on trial|trial of|crimes against humanity|war crimes?|anniversary|"
    r"commemorat\w*|memorial|condemn(?:s|ed)?|reports? on|documented|lawsuit|sued|suing|"
    r"filed (?:a |an )?(?:\w+ )?(?:complaint|case|petition|suit)|accusing|blamed|blames|"
    r"extradit\w*)\b",
    re.IGNORECASE,
)
# Trends, habits and tallies are not one event wherever they are said.
_NON_EVENT_FRAME = re.compile(
    # trends are not events: "attacks have increased across the region this year"
    r"\b(?:have|has)\s+(?:increased|risen|surged|soared|declined|fallen|dropped|doubled)\b"
    r"|\b(?:on the rise|rising number|increase in (?:attacks|violence))\b"
    # habits and tallies are not one event: "has used chemical weapons more than 100 times"
    r"|\b(?:\d+|dozens of|hundreds of|several|many|countless) times\b"
    r"|\b(?:repeatedly|regularly|routinely|habitually|frequently|time and again)\b"
    r"|\b(?:stockpiles?|red line|arsenal)\b",
    re.IGNORECASE,
)
# "a man accused of repeatedly stealing": the habit is the victim's alleged one
_ALLEGATION_BEFORE = re.compile(r"\b(?:accused|suspected|known|charged|convicted)\b[^.]{0,25}$")


def _non_event_frame(text: str) -> bool:
    return any(
        not _ALLEGATION_BEFORE.search(text[: m.start()]) for m in _NON_EVENT_FRAME.finditer(text)
    )


_CONTINUATION = re.compile(
    r"^\s*(?:one|another|a second|a third|the first|the second|the latest|the|this|that|"
    r"these|those|its|their)\s+(?:\w+\s+)?(?:raids?|strikes?|attacks?|blasts?|explosions?|"
    r"bombs?|shells?|missiles?|rockets?|drones?|assaults?|ambush)\b",
    re.IGNORECASE,
)
# Weapons only states use: the speaker for them ("the defence ministry said airstrikes hit")
# speaks for its own forces.
_STATE_WEAPONS = {"Air/drone strike", "Shelling/artillery/missile attack"}
_ANCHOR_LOCATION = re.compile(
    r"\b(?:in|at|near|outside|across|among|between|around|into|on)\s", re.IGNORECASE
)


def code_article(
    article: Article,
    sentences: list[tuple[int, int]],
    docs: dict[int, Doc],
    geo: ArticleGeography,
    codebook: Codebook | None = None,
    include_unreal: bool = False,
) -> list[Event]:
    """Code every event in `article`.

    `sentences` are the article's sentence spans; `docs` maps the index of each sentence that
    passed the relevance gate to its parse. Events whose modality is denied, hypothetical or
    planned are dropped unless `include_unreal` is set.
    """
    codebook = codebook or load_codebook()
    ctx = ArticleContext(article, sentences, geo, reference_date(article), {})
    for index, doc in docs.items():
        start, end = sentences[index]
        ctx.parsed[index] = SentenceContext(
            index, start, end, article.text[start:end], doc, find_actors(article.text[start:end])
        )
    events: list[Event] = []
    for index in sorted(ctx.parsed):
        sentence = ctx.parsed[index]
        if events and UNVERIFIED.search(sentence.text):
            events[-1] = events[-1].model_copy(update={"modality": Modality.CLAIMED})
        if events and claims_responsibility(sentence.text):
            events[-1] = claimed_by(events[-1], sentence)
        elif events and names_the_perpetrator(sentence.text):
            events[-1] = perpetrated_by(events[-1], sentence)
        coded = _code_sentence(ctx, sentence, codebook, events[-1] if events else None)
        toll = _toll_of_previous(events, coded, sentence, ctx) if events else None
        if toll is not None:
            events[-1] = _with_toll(events[-1], toll, sentence)
            continue
        denials = [e for e in coded if e.modality == Modality.DENIED]
        if denials or (events and not coded and disputes_previous(sentence.text)):
            events = mark_contested(events, denials, sentence)
        events.extend(e for e in coded if e.modality != Modality.DENIED)
        if events and coded and events[-1] is coded[-1]:
            events[-1] = _protest_told_on(ctx, events[-1], sentence, codebook)
            events[-1] = _attack_fought_back(ctx, events[-1], sentence, codebook)
    if not include_unreal:
        events = [e for e in events if e.modality in (Modality.ASSERTED, Modality.CLAIMED)]
    return _carry_places(ctx, events, codebook)


def _toll_of_previous(
    events: list[Event], coded: list[Event], sentence: SentenceContext, ctx: ArticleContext
) -> int | None:
    """ "Gunmen attacked Djibo. Five civilians were killed.": a later sentence that gives a
    toll and no new place or attacker gives the toll of the event told before it (see
    events/tolls.py); returns that event's new toll, or None."""
    previous = events[-1]
    origin = previous.evidence[0].start
    told_at = next((i for i, (start, _) in enumerate(ctx.sentences) if start == origin), None)
    if told_at is None or _WAR_STATISTIC.search(sentence.text):
        return None
    if sum(e.evidence[0].start == origin for e in events) > 1:
        return None  # one toll for events at several places: which share is whose is unsaid
    return follow_up_toll(previous, coded, sentence.text, sentence.index - told_at - 1)


def _with_toll(previous: Event, toll: int, sentence: SentenceContext) -> Event:
    evidence = Evidence(
        text=sentence.text, start=sentence.start, end=sentence.end, supports=["fatalities"]
    )
    return previous.model_copy(
        update={"fatalities": toll, "evidence": [*previous.evidence, evidence]}
    )


def relevant_sentences(
    text: str, sentences: list[tuple[int, int]], codebook: Codebook | None = None
) -> list[int]:
    """Indices of the sentences worth parsing: the cheap gate before the parser."""
    gated = set(relevance_gate(codebook or load_codebook()).sentences(text, sentences))
    return [i for i, (a, b) in enumerate(sentences) if i in gated or _follow_up(text[a:b])]


def _follow_up(sentence: str) -> bool:
    """Sentences without event words that still change an event told before them."""
    return bool(
        UNVERIFIED.search(sentence)
        or disputes_previous(sentence)
        or claims_responsibility(sentence)
        or names_the_perpetrator(sentence)
        or may_state_toll(sentence)
    )


# ---------------------------------------------------------------------------------------------


def _code_sentence(
    ctx: ArticleContext,
    sentence: SentenceContext,
    codebook: Codebook,
    previous: Event | None = None,
) -> list[Event]:
    text = sentence.text
    if _non_event_frame(text):
        return []
    triggers = [t for t in codebook.triggers_in(text) if not _inside_a_name(text, t)]
    if not triggers or _mentioned_in_passing(sentence, triggers):
        return []
    triggers = _drop_motive_triggers(text, triggers)
    triggers = _drop_grievance_triggers(text, _drop_passing_triggers(sentence, triggers))
    triggers = without_governed(codebook, triggers)
    background = campaign_background(codebook, text, triggers)
    campaign_only = bool(background) and len(background) == len(triggers)
    if background and not campaign_only:  # the campaign is the setting of another event
        triggers = [t for t in triggers if t not in background]
    if _WAR_STATISTIC.search(text) and all(t.sub_type.needs_victims for t in triggers):
        return []
    trigger = _main_trigger(triggers)
    if _framed(text, trigger):
        return []
    modality = modality_of(text, trigger)
    if modality == Modality.ASSERTED and under_condition(sentence, trigger):
        modality = Modality.HYPOTHETICAL
    if is_strategic(trigger):  # done, not talked about; history is not coded
        modality = strategic_modality(codebook, text, trigger, modality)
        if modality is None:
            return []
    agent, target = find_roles(sentence, trigger)
    agent = named_by_reference(ctx, sentence, agent)
    agent = deciding_body(codebook, sentence, trigger, ctx.geo.focus_country) or agent
    sub_type = _refine_sub_type(codebook, trigger, triggers, text, agent, target, sentence)
    inherited = _continues(previous, trigger, text)
    if inherited is not None and (sub_type is None or sub_type.needs_victims):
        # "One raid hit a market in Majz, killing 12": the raid told just before
        sub_type = codebook.sub_type(inherited.sub_event_type)
    if sub_type is None:
        return []
    attribution = attribution_of(sentence, trigger)
    if agent is None and attribution and attribution[1] is not None:
        speaker = attribution[1]
        if speaker.kind == ActorKind.STATE_FORCES and sub_type.name in _STATE_WEAPONS:
            agent = speaker  # "The defence ministry said airstrikes hit ..." - its own forces
    fatalities = count_fatalities(text) if sub_type.violent else None
    locations = _locations(ctx, sentence, trigger)
    named_place = any(
        loc.precision != "country" and evidence is None for loc, evidence in locations
    )
    if not (named_place or _anchored(sub_type, agent, target, fatalities, text)):
        return []
    if _in_quotation(text, trigger.start):
        if not (named_place or fatalities):
            return []  # a speaker's words without place or toll: testimony, not a report
        modality = Modality.CLAIMED if modality == Modality.ASSERTED else modality
    # the date last: resolving it is the costliest step of a sentence
    event_date = resolve_event_date(text, ctx.reference, anchor=trigger.start)
    if _background(event_date, ctx.reference):
        return []  # "killed in an airstrike three years ago": not this story's event
    if campaign_only and not _anchored_in_time(event_date, fatalities):
        return []  # "waging a battle against the militias": the campaign, not a happening
    evidence = [
        Evidence(
            text=text,
            start=sentence.start,
            end=sentence.end,
            supports=_supported_fields(agent, target, fatalities, locations, event_date),
        )
    ]
    events = []
    for location, location_evidence in locations or [(None, None)]:
        country = location.country if location else ctx.geo.fallback_country
        country = country or country_of_actors(sentence.actors)
        actor1, actor2 = _apply_conventions(
            sub_type,
            agent.to_actor(country) if agent else None,
            target.to_actor(country) if target else None,
            country,
        )
        if inherited is not None and inherited.actor1 and (actor1 is None or not actor1.text):
            actor1 = inherited.actor1
        all_evidence = list(evidence)
        if location_evidence is not None:
            all_evidence.append(location_evidence)
        events.append(
            Event(
                id=stable_id(
                    ctx.article.id, sentence.start, sub_type.name, location and location.name
                ),
                event_type=sub_type.event_type,
                sub_event_type=sub_type.name,
                plover=sub_type.plover,
                plover_mode=sub_type.plover_mode,
                cameo=sub_type.cameo,
                date=event_date.iso if event_date else None,
                date_precision=event_date.precision if event_date else None,
                actor1=actor1,
                actor2=actor2,
                location=location,
                fatalities=fatalities,
                attribution=attribution[0] if attribution else None,
                contested=False,
                modality=modality,
                evidence=all_evidence,
                article=_article_ref(ctx.article),
                confidence=_confidence(sub_type, trigger, actor1, location, event_date, modality),
            )
        )
    return events


BACKGROUND_DAYS = 90


def _background(event_date: ResolvedDate | None, reference: ResolvedDate | None) -> bool:
    """An event dated well before the story it is told in is background to that story."""
    if event_date is None or reference is None or event_date.evidence == STORY_DATE:
        return False
    return (reference.date - window_end(event_date)).days > BACKGROUND_DAYS


def _anchored_in_time(event_date: ResolvedDate | None, fatalities: int | None) -> bool:
    """A date in the sentence or a toll ties a campaign word to one happening ("the
    offensive killed 20 people", "the siege ended yesterday")."""
    dated = event_date is not None and event_date.evidence != "the story's date"
    return dated or bool(fatalities)


def _in_quotation(text: str, position: int) -> bool:
    """Is the trigger inside a direct quotation ("…" or “…”)?"""
    before = text[:position]
    curly = before.count("“") > before.count("”")
    straight = before.count('"') % 2 == 1
    return curly or straight


# "resigned after weeks of protests", "in the wake of a Taliban attack": the violence is the
# background of what the sentence reports, told (and coded) in its own reports.
_PASSING_PREPOSITIONS = {"after", "following", "amid", "over", "since", "despite", "before"}
_PASSING_PHRASES = re.compile(
    r"\b(?:in the wake of|in response to|in retaliation for|in the aftermath of|on the heels of)"
    r"\s+(?:\S+\s+){0,4}$",
    re.IGNORECASE,
)


def _mentioned_in_passing(sentence: SentenceContext, triggers: list[TriggerMatch]) -> bool:
    """Every trigger sits in a phrase that qualifies a non-event main clause."""
    doc = sentence.doc
    if doc is None:
        return False
    root = _root_of(doc)
    if root is None or any(t.start <= root.idx < t.end for t in triggers):
        return False
    return all(_in_passing_phrase(sentence, t) for t in triggers)


def _root_of(doc: Doc) -> Token | None:
    """The sentence's first ROOT token, found in the array of labels (no Token per word)."""
    roots = (doc.to_array("DEP") == doc.vocab.strings["ROOT"]).nonzero()[0]
    return doc[int(roots[0])] if len(roots) else None


def _drop_passing_triggers(
    sentence: SentenceContext, triggers: list[TriggerMatch]
) -> list[TriggerMatch]:
    """Protest words in a background phrase do not turn the main clause's violence into a
    demonstration ("set fire to a temple amid unrest following demonstrations")."""
    if sentence.doc is None or len(triggers) < 2:
        return triggers
    kept = [
        t
        for t in triggers
        if t.sub_type.event_type != "Protests" or not _in_passing_phrase(sentence, t)
    ]
    return kept or triggers


# "the Organisation for the Prohibition of Chemical Weapons", "the Campaign Against Arms Trade":
# capitalised words joined by of/for/against… to a capitalised word before them.
_NAME_BEFORE = re.compile(r"\b[A-Z][\w’'-]+ (?:(?:of|for|against|on|to) )(?:the )?$")
_TITLE_WORD = re.compile(r"[A-Z][\w’'-]*")


def _inside_a_name(text: str, trigger: TriggerMatch) -> bool:
    """A trigger that is part of an organisation's or a programme's name names no event.
    A headline in title case ("Russia Denies Use of Chemical Weapons") is not a name."""
    words = text[trigger.start : trigger.end].split()
    if trigger.start == 0 or not all(_TITLE_WORD.fullmatch(w) for w in words):
        return False
    lowercase_words = sum(w[:1].islower() for w in text.split() if len(w) > 3)
    return lowercase_words >= 2 and bool(_NAME_BEFORE.search(text[: trigger.start]))


# What an act answers: "strikes to punish a chemical attack", "in retaliation for the bombing".
_MOTIVE_CUE = (
    r"to (?:punish|avenge|retaliate for)|in (?:retaliation|revenge|reprisal) for|"
    r"as (?:punishment|retaliation|revenge) for|in response to"
)
# Before a trigger, a purpose ("to deter an attack") also names a happening that is not the act.
_MOTIVE = re.compile(
    rf"\b(?:{_MOTIVE_CUE}|to (?:deter|prevent|stop|halt|end)|in response for)\s+(?:\S+\s+){{0,4}}$",
    re.IGNORECASE,
)


def _drop_motive_triggers(text: str, triggers: list[TriggerMatch]) -> list[TriggerMatch]:
    """The happening an act answers is its motive, not the sentence's event: "missiles fired
    to punish a chemical attack" is a missile strike. Kept when it is the only trigger."""
    kept = [t for t in triggers if not _MOTIVE.search(text[: t.start])]
    return kept or triggers


_MOTIVE_CLAUSE = re.compile(rf",?\s*\b(?:{_MOTIVE_CUE})\b", re.IGNORECASE)


def _motive_start(text: str, trigger: TriggerMatch) -> int:
    """Where a motive clause after the trigger begins (the sentence's end when none): its
    places are where the answered happening was ("in retaliation for the attack on X")."""
    motive = _MOTIVE_CLAUSE.search(text, trigger.end)
    return motive.start() if motive else len(text)


def _framed(text: str, trigger: TriggerMatch) -> bool:
    """A procedural frame before the trigger: the sentence is about the event, not a report."""
    return any(m.start() < trigger.start for m in _FRAME_BEFORE_TRIGGER.finditer(text))


def _in_passing_phrase(sentence: SentenceContext, trigger: TriggerMatch) -> bool:
    if _PASSING_PHRASES.search(sentence.text[: trigger.start]):
        return True
    token = token_at(sentence.doc, trigger.start)
    hops = 0
    while token is not None and token.dep_ != "ROOT" and hops < 4:
        if token.dep_ == "pobj" and token.head.lower_ in _PASSING_PREPOSITIONS:
            return True
        if token.dep_ in ("nsubj", "dobj", "ROOT", "ccomp", "xcomp", "conj"):
            return False
        token, hops = token.head, hops + 1
    return False


def _continues(previous: Event | None, trigger: TriggerMatch, text: str) -> Event | None:
    """The event this sentence goes on telling, when it opens by pointing back at it."""
    if previous is None or not _CONTINUATION.match(text):
        return None
    if previous.event_type not in ("Explosions/Remote violence", "Battles"):
        return None
    return previous


def _apply_conventions(
    sub_type: SubEventType, actor1: Actor | None, actor2: Actor | None, country: str | None
) -> tuple[Actor | None, Actor | None]:
    """ACLED's conventions: protests are coded "Protesters (Country)" with the police as
    actor2, an attack by nobody named is by an "Unidentified Armed Group (Country)", ..."""
    first, second = sub_type.actor1, sub_type.actor2
    if first and first.always and (actor1 is None or actor1.kind.value != first.kind):
        if actor1 is not None and actor1.kind == ActorKind.STATE_FORCES:
            actor2 = actor1  # the police acting on the protest
        elif actor2 is not None and actor2.kind.value in (first.kind, "civilians"):
            actor2 = None  # the protesters themselves
        actor1 = _conventional_actor(first, country)
    if actor1 is None and first:
        actor1 = _conventional_actor(first, country)
    if actor2 is None and second:
        actor2 = _conventional_actor(second, country)
    if actor1 and actor2 and actor1.name == actor2.name:
        actor2 = None
    return actor1, actor2


def _conventional_actor(convention, country: str | None) -> Actor:
    label = country_name(country)
    if label:
        name = convention.default.replace("{country_name}", label)
    else:
        name = convention.default.replace(" ({country_name})", "").replace(" of {country_name}", "")
    return Actor(name=name, country=country, kind=ActorKind(convention.kind), text=None)


_CONFLICT_NOUNS = re.compile(
    r"\b(?:bombs?|explosives?|bullets?|guns?|gunfire|rifles?|weapons?|missiles?|rockets?|"
    r"artillery|mortars?|shells?|grenades?|airstrikes?|air strikes?|ied|mines?|machetes?|"
    r"knives|police|army|troops|soldiers|militants?|insurgents?|protesters?|demonstrators?|"
    r"rioters?|mob|civilians?|villagers?|residents|gunmen|attackers?|assailants?|security "
    r"clans?|militias?|tribesmen|communities|arrows?|spears?|"
    r"forces|aircraft|jets|warplanes|drones?|helicopters?|convoys?|checkpoints?|"
    r"casualties|hostages?|curfew|protests?|demonstrations?|rall(?:y|ies)|sit-ins?|"
    r"cease-?fires?|truces?|armistice|"
    r"petitions?|marchers|marched|strikers|picket\w*|lynch\w*|abduct\w*|kidnap\w*|rap(?:e|ed)|"
    r"protest(?:ed|ing)|demonstrat(?:ed|ing)|rallied|processions?)\b",
    re.IGNORECASE,
)


def _anchored(
    sub_type: SubEventType,
    agent: ActorMention | None,
    target: ActorMention | None,
    fatalities: int | None,
    text: str,
) -> bool:
    """An event needs something beyond its trigger word: an actor, a death toll, or the
    vocabulary of violence or protest ("the champions bombarded the defence" is football)."""
    if agent is not None or target is not None or fatalities:
        return True
    return bool(_CONFLICT_NOUNS.search(text))


def _main_trigger(triggers: list[TriggerMatch]) -> TriggerMatch:
    return max(triggers, key=lambda t: (t.sub_type.priority, -t.start))


def _refine_sub_type(
    codebook: Codebook,
    trigger: TriggerMatch,
    triggers: list[TriggerMatch],
    text: str,
    agent: ActorMention | None,
    target: ActorMention | None,
    sentence: SentenceContext,
) -> SubEventType | None:
    """Decide the sub-type where the trigger alone does not: protests, generic violence."""
    sub = trigger.sub_type
    names = {t.sub_type.name for t in triggers}
    lowered = text.lower()
    if "Peaceful protest" in names and (sub.event_type == "Protests" or sub.priority < 56):
        arrests = {t.sub_type.name for t in codebook.triggers_in(_what_happened(lowered))}
        return _protest_sub_type(codebook, lowered, arrests & {"Arrests"})
    if sub.needs_victims:
        return _violence_sub_type(codebook, lowered, agent, target, sentence, trigger.start)
    if sub.event_type == "Battles":
        trigger_text = text[trigger.start : trigger.end]
        if _ambush_on_civilians(trigger_text, agent, sentence):
            return codebook.sub_type("Attack")
        riot = _riot_instead_of_battle(
            codebook, agent, target, sentence.actors, trigger_text, lowered
        )
        return riot or sub
    if sub.name == "Looting/property destruction":
        return _crowd_destruction(codebook, agent, target, sentence, lowered) or sub
    if sub.name == "Abduction/forced disappearance" and _KILLED.search(lowered):
        return codebook.sub_type("Attack")  # "abducted and killed": the killing is the event
    return sub


def _ambush_on_civilians(
    trigger_text: str, agent: ActorMention | None, sentence: SentenceContext
) -> bool:
    """An ambush on a bus, a driver or herders is an attack on civilians; only an ambush on
    armed men (a patrol, soldiers, police) is a battle."""
    if not trigger_text.lower().startswith("ambush"):
        return False
    others = [a for a in sentence.actors if a is not agent and a.section != "country"]
    if any(a.kind in ARMED_KINDS for a in others):
        return False
    return not _ARMED_TARGET_WORDS.search(sentence.text)


_ARMED_TARGET_WORDS = re.compile(
    r"\b(?:patrols?|convoys?|soldiers|troops|police\w*|officers|army|military|gendarm\w+|"
    r"rangers|reservists|guards|militants|fighters|positions?|base|checkpoints?)\b",
    re.IGNORECASE,
)
_KILLED = re.compile(r"\b(?:killed|executed|murdered|beheaded|shot dead|found dead)\b")


def _crowd_destruction(
    codebook: Codebook,
    agent: ActorMention | None,
    target: ActorMention | None,
    sentence: SentenceContext,
    lowered: str,
) -> SubEventType | None:
    """Property destroyed by a crowd is a riot (ACLED): by demonstrators a violent
    demonstration, by a mob or party supporters mob violence, and so is destruction by
    people nobody names in a wave of unrest; by an armed group it stays looting/property
    destruction."""
    if agent is not None and agent.kind == ActorKind.PROTESTERS:
        return codebook.sub_type("Violent demonstration")
    crowd = _acting_crowd(sentence, agent, target)
    if crowd is not None:
        return codebook.sub_type("Mob violence")
    if _UNREST.search(lowered) and not _named_armed_group(agent):
        return codebook.sub_type("Mob violence")
    return None


_UNARMED = {ActorKind.RIOTERS, ActorKind.PROTESTERS}
# Herders against farmers, clan against clan, with rifles or machetes: communal militias
# fighting, a battle in ACLED's codebook (its communal militias are armed groups)
_COMMUNAL = re.compile(
    r"\b(?:herders?|pastoralists?|farmers?|clans?|tribes?|tribesmen|communities|ethnic|"
    r"militias?|raiders)\b"
)
_WEAPONS = re.compile(r"\b(?:machetes?|rifles?|guns?|firearms?|gunshots?|arrows?|spears?)\b")
_FAMILIES = re.compile(r"\bfamil(?:y|ies)\b")


def _communal_fight(lowered: str) -> bool:
    """Armed communities, not two quarrelling families or a crowd."""
    if _WEAPONS.search(lowered):
        return True
    return bool(_COMMUNAL.search(lowered)) and not _FAMILIES.search(lowered)


_FOUGHT = re.compile(r"clashed|fought|battled|exchanged (?:of )?(?:gun)?fire")
_NON_STATE_ARMED = {ActorKind.REBELS, ActorKind.POLITICAL_MILITIA, ActorKind.IDENTITY_MILITIA}


def _riot_instead_of_battle(
    codebook: Codebook,
    agent: ActorMention | None,
    target: ActorMention | None,
    mentioned: list[ActorMention],
    trigger_text: str,
    lowered: str = "",
) -> SubEventType | None:
    """A fight with rioters or party supporters on one side is a riot, not a battle:
    rioters against the police is a violent demonstration, rioters among themselves mob
    violence (ACLED's codebook)."""
    sides = [a for a in (agent, target) if a is not None]
    if any(a.kind in _NON_STATE_ARMED for a in sides):
        return None
    everyone = sides + [a for a in mentioned if a.section != "country"]
    # they fought ("families clashed", "clashes between farmers and herders"), not merely
    # died in someone's fight ("two people were killed in the clash")
    acting = len(sides) == 2 or bool(_FOUGHT.fullmatch(trigger_text.lower()))
    civilians_only = bool(everyone) and all(a.kind == ActorKind.CIVILIANS for a in everyone)
    if acting and civilians_only and not _communal_fight(lowered):
        # "two families clashed over land": people with no armed organisation fight as a mob
        return codebook.sub_type("Mob violence")
    if not any(a.kind in _UNARMED for a in sides):
        return None
    if any(a.kind == ActorKind.STATE_FORCES for a in sides):
        return codebook.sub_type("Violent demonstration")
    return codebook.sub_type("Mob violence")


# violence aimed at the crowd in the sentence after the protest
_ON_THE_CROWD = re.compile(
    r"\b(?:attack\w*|assault\w*|beat|beaten|charged|fired (?:\w+ )?(?:at|on|into)|"
    r"opened fire (?:at|on))\s+(?:\w+\s+){0,2}?(?:the\s+)?(?:protesters|demonstrators|"
    r"students|rally|protest|procession|crowd|marchers|them)\b"
)
_INTERVENTION = re.compile(
    r"\b(?:intervened|picked up|dispers\w+|tear ?gas|teargas|water cannons?|batons?|lathi|arrest\w*|detain\w*|"
    r"broke up|rubber bullets|baton-charged|cracked down)\b"
)
_LETHAL_FORCE = re.compile(
    r"\b(?:shot dead|killed|killing|opened fire (?:on|at)|fired (?:shots|bullets|live)|live (?:rounds|ammunition|bullets)|"
    r"shot and killed|died)\b"
)
_RIOT = re.compile(
    r"\b(?:riot\w*|rampage|pelted|stoned|threw stones|throwing (?:stones|rocks)|stone-?throwing|hurled|torched|set(?:ting)? (?:on )?fires?|"
    r"burn(?:ed|t|ing) (?:tyres|tires|vehicles|cars|property)|vandali[sz]\w+|looted|"
    r"clash\w*|barricad\w+|bonfires?|lit fires|destroy\w*|destruction|"
    r"damag(?:ed|ing) (?:\w+ ){0,2}(?:property|properties|vehicles?|cars?|shops?|buildings?|"
    r"offices?|windows?|stations?)|"
    r"set (?:\S+ ){0,6}?(?:ablaze|alight|on fire)|"
    r"(?:protesters|demonstrators|students|rioters)\b[^.]{0,40}\b(?:attack|assault)\w*|"
    r"violent(?:ly)?|smashed|stormed|block(?:ed|ing) (?:the |a )?(?:road|highway)s? with)\b"
)


# the attacked side was armed and fought: a battle, not one-sided violence (ACLED)
_FOUGHT_BACK = re.compile(
    r"\b(?:repelled|repulsed|responded to the (?:attack|assault)|fought back|returned fire|"
    r"fired back|exchange(?:d)? (?:of )?fire|gunfight|gun battle|engaged the (?:attackers|"
    r"assailants|militants|gunmen))\b",
    re.IGNORECASE,
)
_ARMED_DEAD = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several)\s+(?:\w+\s+){0,2}?"
    r"(?:vdps?|volunteer fighters?|dozos?|militiam[ae]n|soldiers?|gendarmes?|policem[ae]n|"
    r"police officers?|security (?:forces|personnel|agents?)|militants?|jihadists?|attackers|"
    r"assailants)(?:\s+(?:fighters?|members?))?\s+(?:were|was)\s+(?:killed|wounded|injured)",
    re.IGNORECASE,
)
_KILLED_ARMED = re.compile(
    r"\bkill(?:ed|ing)\s+(?:\d+|one|two|three|four|five|six|several)\s+(?:\w+\s+){0,2}?"
    r"(?:vdps?|volunteer fighters?|dozos?|militiam[ae]n|soldiers?|gendarmes?|policem[ae]n|"
    r"police officers?)\b",
    re.IGNORECASE,
)


def _attack_fought_back(
    ctx: ArticleContext, event: Event, sentence: SentenceContext, codebook: Codebook
) -> Event:
    """ "Militants attacked the village. Volunteer fighters repelled the attack.": the attack
    on a defended place is an armed clash."""
    if event.sub_event_type != "Attack":
        return event
    told = [sentence.text]
    for index in (sentence.index + 1, sentence.index + 2):
        if index < len(ctx.sentences):
            start, end = ctx.sentences[index]
            told.append(ctx.article.text[start:end])
    text = " ".join(told)
    if not (_FOUGHT_BACK.search(text) or _ARMED_DEAD.search(text) or _KILLED_ARMED.search(text)):
        return event
    clash = codebook.sub_type("Armed clash")
    return event.model_copy(
        update={
            "event_type": clash.event_type,
            "sub_event_type": clash.name,
            "plover": clash.plover,
            "plover_mode": clash.plover_mode,
            "cameo": clash.cameo,
        }
    )


_ESCALATION = {
    "Peaceful protest": 0,
    "Protest with intervention": 1,
    "Excessive force against protesters": 2,
    "Violent demonstration": 3,
}


def _protest_told_on(
    ctx: ArticleContext, event: Event, sentence: SentenceContext, codebook: Codebook
) -> Event:
    """ "Residents protested over the road. Police fired tear gas to disperse them.": what the
    next sentence says the police or the crowd did decides the protest's sub-type."""
    if event.sub_event_type not in _ESCALATION or sentence.index + 1 >= len(ctx.sentences):
        return event
    start, end = ctx.sentences[sentence.index + 1]
    following = ctx.article.text[start:end]
    lowered = following.lower()
    on_the_crowd = _ON_THE_CROWD.search(lowered)
    if codebook.triggers_in(following) and not (_INTERVENTION.search(lowered) or on_the_crowd):
        return event  # the next sentence tells an event of its own
    both = f"{sentence.text} {following}".lower()
    if on_the_crowd:
        # "Party members assaulted the students": the protest was broken up by force
        both += " (intervened)"
    refined = _protest_sub_type(codebook, both, set())
    if _ESCALATION[refined.name] <= _ESCALATION[event.sub_event_type]:
        return event
    evidence = Evidence(text=following, start=start, end=end, supports=["sub_event_type"])
    return event.model_copy(
        update={
            "event_type": refined.event_type,
            "sub_event_type": refined.name,
            "plover": refined.plover,
            "plover_mode": refined.plover_mode,
            "cameo": refined.cameo,
            "evidence": [*event.evidence, evidence],
        }
    )


# What a protest is about is not what happened at it: "demanding the release of those detained",
# "protested after a man was killed by a motorist" tell the grievance, not an intervention.
_GRIEVANCE = re.compile(
    r"\b(?:(?P<demand>demand(?:ing|ed|s)?|to demand|call(?:ing|ed)? for|seeking|urging|"
    r"in protest (?:of|against|at|over)|to protest|protesting|to denounce|denouncing|"
    r"condemning|to condemn|in (?:solidarity|support) (?:with|of)|for (?:the )?"
    r"(?:release|justice|arrest|punishment|trial))|"
    # force used "against the demonstrators" is no grievance, "over 300" no cause
    r"against(?!\s+(?:the\s+)?(?:demonstrators|protesters|crowds?|students|them|rioters|"
    r"marchers|people))|over(?!\s+(?:\d|a (?:hundred|thousand|dozen)|hundreds|thousands))|"
    r"regarding|due to|because of|"
    r"accusing|(?P<after>after|following))\b"
)
# a demand runs to the end of its clause (its list has commas: "demanding X, Y, and Z");
# a cause ("against the party, set ablaze ...") to the next comma
_CLAUSE_END = re.compile(
    r";|\.\s|,?\s+(?:and|but|while|before|when|as|then)\s+(?:the\s+)?(?:police|security|"
    r"officers|soldiers|army|troops|protesters|demonstrators|they|rioters|students|crowd)\b|"
    # "..., blocking roads with burning tyres": what the crowd did, after the demand
    r",\s+(?:and\s+)?(?:blocking|burning|throwing|pelting|setting|looting|clashing|attacking|"
    r"vandali[sz]ing|destroying|stoning|barricading|torching|marching|chanting)\b"
)
_CAUSE_END = re.compile(r";|\.\s|,")
# the crowd going home by itself is no intervention: "the crowd dispersed after ..."
_SELF_DISPERSAL = re.compile(
    r"\b(?:crowds?|protesters|demonstrators|they|participants|students|people|rally|protest|"
    r"gathering|procession)\s+(?:later\s+|then\s+|eventually\s+|peacefully\s+)?"
    r"dispersed\b(?!\s+by)(?:\s+peacefully)?"
)


def _grievance_spans(lowered: str) -> list[tuple[int, int]]:
    """Where the sentence tells what a protest is about (see _GRIEVANCE)."""
    spans, position = [], 0
    while (match := _GRIEVANCE.search(lowered, position)) is not None:
        ends = _CLAUSE_END if match.group("demand") else _CAUSE_END
        end_match = ends.search(lowered, match.end())
        end = end_match.start() if end_match else len(lowered)
        clause = lowered[match.start() : end]
        if not (match.group("after") and _INTERVENTION.search(clause)):
            spans.append((match.start(), end))  # not "dispersed after police fired tear gas"
        position = end
    return spans


def _what_happened(lowered: str) -> str:
    """The sentence without its grievance clauses: what the crowd and the police did."""
    lowered = _SELF_DISPERSAL.sub(lambda m: " " * len(m.group(0)), lowered)
    kept, position = [], 0
    for start, end in _grievance_spans(lowered):
        kept.append(lowered[position:start])
        position = end
    kept.append(lowered[position:])
    return " ".join(kept)


def _drop_grievance_triggers(text: str, triggers: list[TriggerMatch]) -> list[TriggerMatch]:
    """ "Women demonstrated against rising cases of rape": the violence a protest is about
    is not an event of the sentence."""
    if not any(t.sub_type.event_type == "Protests" for t in triggers):
        return triggers
    spans = _grievance_spans(text.lower())
    kept = [
        t
        for t in triggers
        if t.sub_type.event_type == "Protests" or not any(a <= t.start < b for a, b in spans)
    ]
    return kept or triggers


def _protest_sub_type(codebook: Codebook, lowered: str, names: set[str]) -> SubEventType:
    lowered = _what_happened(lowered)
    if _RIOT.search(lowered):
        return codebook.sub_type("Violent demonstration")
    if _LETHAL_FORCE.search(lowered):
        return codebook.sub_type("Excessive force against protesters")
    if _INTERVENTION.search(lowered) or "Arrests" in names:
        return codebook.sub_type("Protest with intervention")
    return codebook.sub_type("Peaceful protest")


def _violence_sub_type(
    codebook: Codebook,
    lowered: str,
    agent: ActorMention | None,
    target: ActorMention | None,
    sentence: SentenceContext,
    trigger_at: int = 0,
) -> SubEventType | None:
    """Generic kill/attack words: who was hit decides the code, as an analyst would."""
    crowd = _acting_crowd(sentence, agent, target)
    if crowd is not None or (agent is None and _crowd_subject(sentence.text)):
        return codebook.sub_type(_crowd_violence(lowered))
    target_armed = target is not None and target.kind in ARMED_KINDS
    agent_armed = agent is not None and agent.kind in ARMED_KINDS
    if target_armed and agent_armed:
        return codebook.sub_type("Armed clash")
    if target_armed and not agent:
        # "30 soldiers were killed" with no attacker named: fighting with an unknown group
        return codebook.sub_type("Armed clash")
    if (agent_armed or agent is None) and _armed_victims(sentence, trigger_at):
        # "police shot dead two suspected gang members": a fight with an armed gang
        return codebook.sub_type("Armed clash")
    if _UNREST.search(lowered) and not _named_armed_group(agent):
        # "unidentified assailants torched the office amid the unrest that followed the
        # demonstrations": people with no armed organisation acting in a riot
        return codebook.sub_type("Mob violence")
    if target is not None and target.kind in VICTIM_KINDS:
        return codebook.sub_type("Attack")
    if agent_armed or any(a.kind in VICTIM_KINDS for a in sentence.actors):
        return codebook.sub_type("Attack")
    if _HARMED.search(lowered) or count_fatalities(lowered):
        # a person harmed by someone nobody names, or a toll with no actors ("8 casualties in
        # the raids")
        return codebook.sub_type("Attack")
    return None


_HARMED = re.compile(
    r"\b(?:killed|shot dead|murdered|gunned down|hacked|stabbed|shot|assaulted|"
    r"execut(?:ed|es|e|ing)|beheaded|assassinated|"
    r"beat(?:en)? (?:to death|up)|burn(?:ed|t) alive)\b"
)


# people who carry arms as a group, named as the ones hit
_ARMED_PEOPLE = re.compile(
    r"\b(?:gang(?:s| members?)?|robbers|bandits|militants?|gunmen|raiders|attackers|"
    r"insurgents|jihadists|thugs|poachers|armed (?:men|suspects|criminals|robbers))\b",
    re.IGNORECASE,
)


def _armed_victims(sentence: SentenceContext, trigger_at: int) -> bool:
    """Are the people hit an armed group ("killed two robbers", "militants were killed by")?"""
    text = sentence.text
    after = text[trigger_at : trigger_at + 70]
    if re.match(r"\S+(?:\s+dead)?\s+by\b", after):  # "were killed by police": before it
        return bool(_ARMED_PEOPLE.search(text[max(0, trigger_at - 70) : trigger_at]))
    victims = re.match(r"\S+(?:\s+(?:dead|and killed|and wounded))?\s+(.{0,50})", after)
    return bool(victims and _ARMED_PEOPLE.match(_strip_quantity(victims.group(1))))


_QUANTITY = re.compile(
    r"^(?:the |a |an |one |two |three |four |five |six |seven |eight |nine |ten |\d+ |"
    r"several |some |at least \S+ |of the |of |suspected |alleged |presumed |members of |"
    r"(?:a |the )?(?:group|gang) of )+",
    re.IGNORECASE,
)


def _strip_quantity(phrase: str) -> str:
    return _QUANTITY.sub("", phrase)


# a crowd named before the trigger that the actor dictionary does not know
_CROWD_SUBJECT = re.compile(
    r"^(?:[^,]{0,40},\s*)?(?:overnight,?\s+)?(?:a (?:number|group|crowd|mob) of|(?:about |some )?"
    r"(?:\w+ )?members of (?:the )?(?:\w+ ){0,4}(?:community|sect|fraternity|family|"
    r"village|clan)|(?:a |\w+ )?(?:group of )?(?:brothers|youths?|villagers|residents|locals))\b",
    re.IGNORECASE,
)


def _crowd_subject(text: str) -> bool:
    """The sentence opens with a crowd that acts ("villagers beat", not "villagers were
    attacked")."""
    match = _CROWD_SUBJECT.search(text)
    acted_at = _first_violent_word(text)
    if match is None or acted_at is None or acted_at < match.end():
        return False
    between = text[match.end() : acted_at]
    return len(between) <= 60 and not _PASSIVE_BETWEEN.search(between)


_CROWD_KINDS = {ActorKind.RIOTERS, ActorKind.CIVILIANS}
_PASSIVE_BETWEEN = re.compile(r"\b(?:was|were|been|being|is|are|by)\b", re.IGNORECASE)


def _acting_crowd(
    sentence: SentenceContext, agent: ActorMention | None, target: ActorMention | None
) -> ActorMention | None:
    """The people who did it, when they are not an armed organisation: the agent, or the
    civilians named just before an active trigger ("a number of residents beat ...", which
    the roles take for victims)."""
    if agent is not None:
        return agent if agent.kind in _CROWD_KINDS else None
    if target is None or target.kind not in _CROWD_KINDS:
        return None
    trigger_at = _first_violent_word(sentence.text)
    if trigger_at is None or target.end > trigger_at:
        return None
    between = sentence.text[target.end : trigger_at]
    if len(between) > 60 or _PASSIVE_BETWEEN.search(between):
        return None
    return target


_VIOLENT_WORD = re.compile(
    r"\b(?:killed|kill|attack(?:ed)?|assault(?:ed)?|beat(?:en)?|hacked|stabbed|lynched|"
    r"murdered|wounded|injured|shot|burn(?:ed|t)|set (?:ablaze|fire|alight)|tortured|"
    r"captured|executed|vandali[sz]ed|looted)\b",
    re.IGNORECASE,
)


def _first_violent_word(text: str) -> int | None:
    match = _VIOLENT_WORD.search(text)
    return match.start() if match else None


# Weapons that make a group of people an armed (communal) group, not a crowd
_ARMED_CUE = re.compile(
    r"\b(?:equipped with|armed with (?:\w+ ){0,2}(?:guns?|rifles?|firearms?|machetes?|blades?)|"
    r"armed (?:farmers|herders|pastoralists|men|youths|individuals|villagers)|gunmen|guns?|"
    r"rifles?|firearms?|gunshots?|shot (?:and|dead)|blade weapons|bows? and arrows|"
    r"poisoned arrows)\b"
)
# party activists fighting are a mob in ACLED's codebook, whatever they carry
_PARTISAN = re.compile(r"\b(?:league|party|supporters|activists|cadres|loyalists)\b")
# Mob justice: a crowd punishing a suspect is a mob, whatever it carries
_MOB_JUSTICE = re.compile(
    r"\b(?:thie(?:f|ves)|robbers?|burglars?|suspects?|suspected (?:of|\w+ers?)|presumed|"
    r"alleged (?:\w+ers?|thie\w+)|accused of|suspicion of|witch(?:es|craft)?|sorcer\w+|"
    r"mob justice|lynch\w*|adultery)\b"
)


def _crowd_violence(lowered: str) -> str:
    """Violence by people who are not an organised armed group (villagers, a group of
    farmers): ACLED codes a crowd's violence as mob violence, but people carrying guns or
    blades as a group are an armed (communal) group attacking civilians."""
    if _UNREST.search(lowered) or _MOB_JUSTICE.search(lowered) or _PARTISAN.search(lowered):
        return "Mob violence"
    return "Attack" if _ARMED_CUE.search(lowered) else "Mob violence"


_UNREST = re.compile(
    r"\bamid (?:the |an )?(?:outbreak of |wave of |ongoing |widespread )?(?:\w+ )?"
    r"(?:violence|unrest|riots?|rioting|disturbances|chaos|mob violence)\b"
)
_UNNAMED = re.compile(
    r"^(?:an? |the )?(?:group of )?(?:unidentified|unknown|masked|some)?\s*"
    r"(?:assailants|attackers|persons|people|men|individuals|miscreants)$",
    re.IGNORECASE,
)


def _named_armed_group(agent: ActorMention | None) -> bool:
    """An agent that is an armed organisation, not "unidentified assailants"."""
    if agent is None:
        return False
    if agent.kind not in ARMED_KINDS:
        return False
    return not _UNNAMED.match(agent.text.strip())


# ---------------------------------------------------------------------------------------------
# Modality and attribution


# Place


def _locations(
    ctx: ArticleContext, sentence: SentenceContext, trigger: TriggerMatch
) -> list[tuple[Location, Evidence | None]]:
    anchor = sentence.start + trigger.start
    end = sentence.start + _motive_start(sentence.text, trigger)
    places = [
        p
        for p in event_locations(ctx.geo, sentence.start, end, anchor)
        if not _names_an_actor(p, sentence)
    ]
    precise = [p for p in places if p.precision != "country"]
    if not precise:
        follow = _following_places(ctx, sentence)
        named = {p.country for p in places}
        if follow and (not named or all(p.country in named for p, _ in follow)):
            return follow  # "...in Syria. The blast in Mosul ...": not the same happening
    if places:
        return [(p, None) for p in _one_place_between(sentence.text, places)]
    country = ctx.geo.fallback_country_at(sentence.start, sentence.end)
    if country:
        return [(country_location(ctx.geo, country), None)]
    return []


def _carry_places(ctx: ArticleContext, events: list[Event], codebook: Codebook) -> list[Event]:
    """Country-level events take the place a neighbouring sentence tells for the same
    happening (see `_place_told_nearby`); run once the article is coded, so that a sentence
    that only gives the toll of the event before it still reads as placeless."""
    starts = {start: index for index, (start, _) in enumerate(ctx.sentences)}
    carried = []
    for event in events:
        index = starts.get(event.evidence[0].start)
        sentence = ctx.parsed.get(index) if index is not None else None
        if event.location is None or event.location.precision != "country" or sentence is None:
            carried.append(event)
            continue
        sub_type = codebook.sub_type(event.sub_event_type)
        own = [t for t in codebook.triggers_in(sentence.text) if t.sub_type.name == sub_type.name]
        told = _place_told_nearby(ctx, sentence, own, sub_type, codebook, event.location.country)
        told = told or _town_referred_to(ctx, sentence, event.location.country)
        if told is None:
            carried.append(event)
            continue
        place, evidence = told
        carried.append(
            event.model_copy(update={"location": place, "evidence": [*event.evidence, evidence]})
        )
    return carried


# "the city's stadium", "the town", "inside the city": a town named before, not named again.
_THE_TOWN = re.compile(r"\bthe (?:city|town)(?:['’]s)?\b(?! of\b| and\b)", re.IGNORECASE)
_TOWN_WINDOW = 5  # sentences before the event that "the city" may refer back to


def _town_referred_to(
    ctx: ArticleContext, sentence: SentenceContext, country: str | None
) -> tuple[Location, Evidence] | None:
    """A country-level event told of "the city" or "the town" happened in the town the
    article named last, within a few sentences before, in the event's country."""
    if not _THE_TOWN.search(sentence.text):
        return None
    first = ctx.sentences[max(0, sentence.index - _TOWN_WINDOW)][0]
    found = town_referred_to(ctx.geo, first, sentence.start, country)
    if found is None:
        return None
    mention, place = found
    start, end = next((a, b) for a, b in ctx.sentences if a <= mention.start < b)
    evidence = Evidence(
        text=ctx.article.text[start:end], start=start, end=end, supports=["location"]
    )
    return place, evidence


# Sentences around a country-level event that may tell where it happened: the next one, the
# one before, the one after next ("...died in an explosion in Syria. The soldier was named.
# Five others were wounded in the blast in Manbij.").
_NEIGHBOUR_OFFSETS = (1, -1, 2)


def _place_told_nearby(
    ctx: ArticleContext,
    sentence: SentenceContext,
    own_triggers: list[TriggerMatch],
    sub_type: SubEventType,
    codebook: Codebook,
    country: str | None,
) -> tuple[Location, Evidence] | None:
    """The place of a country-level event told by a neighbouring sentence about the same kind
    of happening ("the blast in Manbij"), when exactly one such place is told there and it
    lies in the event's country; None when no place or several places are told (a wrong town
    is worse than an honest country)."""
    found: dict[tuple[str, int | None], tuple[Location, Evidence]] = {}
    for offset in _NEIGHBOUR_OFFSETS:
        index = sentence.index + offset
        if not 0 <= index < len(ctx.sentences):
            continue
        start, end = ctx.sentences[index]
        text = ctx.article.text[start:end]
        triggers = [t for t in codebook.triggers_in(text) if _same_kind(sub_type, t.sub_type)]
        if not triggers or _WAR_STATISTIC.search(text):
            continue
        # the later sentence must refer back ("the blast in Manbij"): "an airstrike near X"
        # after it, or "the attack in Syria" after "a bomb exploded in X", tells another one
        if offset > 0:
            triggers = [t for t in triggers if _definite(text, t)]
        elif not any(_definite(sentence.text, t) for t in own_triggers):
            continue
        for trigger in triggers:
            for place in _place_at_trigger(ctx, start, end, trigger):
                evidence = Evidence(text=text, start=start, end=end, supports=["location"])
                found.setdefault((place.name, place.geonameid), (place, evidence))
    if len(found) != 1:
        return None
    place, evidence = next(iter(found.values()))
    return (place, evidence) if country and place.country == country else None


_DEFINITE_BEFORE = re.compile(
    r"\b(?:the|this|that|these|those|its)\s+((?:[\w-]+\s+){0,3})$", re.IGNORECASE
)
_NOT_MODIFIERS = frozenset(
    "was were is are be been being has have had will would could may might to of in on at by "
    "for with from and or but who which that as than not".split()
)
PLACE_NEAR_TRIGGER = 80  # characters: "the blast in Manbij", "the attack, near Homs,"


def _definite(text: str, trigger: TriggerMatch) -> bool:
    """ "the roadside bomb blast", "that attack": the trigger is a noun that refers to a known
    happening ("their son was kidnapped" is not)."""
    match = _DEFINITE_BEFORE.search(text[max(0, trigger.start - 60) : trigger.start])
    if match is None:
        return False
    return not any(word.lower() in _NOT_MODIFIERS for word in match.group(1).split())


def _place_at_trigger(
    ctx: ArticleContext, start: int, end: int, trigger: TriggerMatch
) -> list[Location]:
    """The precise places the sentence [start, end) gives for the happening of ``trigger``:
    only places told close to the trigger ("the blast in Manbij")."""
    anchor = start + trigger.start
    mentions = event_place_mentions(ctx.geo, start, end, anchor)
    if not mentions or min(abs(m.start - anchor) for m in mentions) > PLACE_NEAR_TRIGGER:
        return []
    return [p for p in event_locations(ctx.geo, start, end, anchor) if p.precision != "country"]


def _same_kind(a: SubEventType, b: SubEventType) -> bool:
    """Two sub-event types that may tell one happening: one event type, or one cross-type
    group of the linking rules (a soldier's death told as a clash and as a bombing)."""
    from sitreps.link import cross_type_rules  # linking imports the events package

    if a.event_type == b.event_type:
        return True
    return cross_type_rules().compatible(a.name, b.name)


_LOCATIVE = re.compile(
    r"\b(?:in|near|at|outside|around|inside|into|across|on the outskirts of|north of|south of|"
    r"east of|west of)\s+",
    re.IGNORECASE,
)


def _names_an_actor(place: Location, sentence: SentenceContext) -> bool:
    """ "Assad, supported by Moscow", "US jets attacked": the place word names an actor."""
    word = place.text or place.name
    if word and re.search(rf"{_LOCATIVE.pattern}(?:the\s+)?{re.escape(word)}\b", sentence.text):
        return False  # "near Damascus" is a place even where "Damascus" can name the regime
    for actor in sentence.actors:
        if actor.section == "country":
            continue
        if word and word in actor.text:
            return True
    return False


def _one_place_between(text: str, places: list[Location]) -> list[Location]:
    """ "on the road between Mogadishu and Afgooye" names one event near two places."""
    if len(places) < 2 or not re.search(r"\bbetween\b", text, re.IGNORECASE):
        return places
    for first, second in zip(places, places[1:], strict=False):
        pattern = rf"between\s+(?:the\s+)?{re.escape(first.text or first.name)}\s+and\s+"
        if re.search(pattern, text, re.IGNORECASE):
            near = second.model_copy(update={"precision": "near"})
            return [p for p in places if p not in (first, second)] + [near]
    return places


# The next sentence tells another happening when it gives its own time ("The novichok attack
# in Salisbury in March"): its places are not the event's.
_OWN_TIME = re.compile(
    r"\b(?:(?:in|since|during|last|early|late)\s+|mid-)(?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December|(?:19|20)\d\d)\b"
    r"|\b(?:last|previous) (?:week|month|year)\b|\b(?:weeks|months|years) ago\b",
)


def _following_places(
    ctx: ArticleContext, sentence: SentenceContext
) -> list[tuple[Location, Evidence]]:
    """Places given in the next sentence about the same event ("The strikes were spread
    among Deir ez-Zor, Washiya and Palmyra")."""
    index = sentence.index + 1
    if index >= len(ctx.sentences):
        return []
    start, end = ctx.sentences[index]
    text = ctx.article.text[start:end]
    if not ANAPHORA.match(text) or _OWN_TIME.search(text):
        return []
    match = _ANCHOR_LOCATION.search(text)
    anchor = start + (match.start() if match else 0)
    places = [p for p in event_locations(ctx.geo, start, end, anchor) if p.precision != "country"]
    evidence = Evidence(text=text, start=start, end=end, supports=["location"])
    return [(p, evidence) for p in places]


# ---------------------------------------------------------------------------------------------


def _supported_fields(agent, target, fatalities, locations, event_date) -> list[str]:
    fields = ["event_type", "sub_event_type"]
    if agent:
        fields.append("actor1")
    if target:
        fields.append("actor2")
    if fatalities is not None:
        fields.append("fatalities")
    if locations:
        fields.append("location")
    if event_date is not None and event_date.evidence != STORY_DATE:
        fields.append("date")  # the sentence dates it; the story's date is no sentence's
    return fields


def _confidence(
    sub_type: SubEventType,
    trigger: TriggerMatch,
    actor1: Actor | None,
    location: Location | None,
    event_date: ResolvedDate | None,
    modality: Modality,
) -> float:
    """A transparent score: how much of the record rests on explicit evidence."""
    score = 0.35
    score += 0.15 if not sub_type.needs_victims else 0.05
    score += 0.15 if actor1 is not None else 0.0
    if location is not None:
        score += {"place": 0.15, "near": 0.12, "admin2": 0.11, "admin1": 0.1, "country": 0.04}[
            location.precision
        ]
    if event_date is not None:
        score += {"day": 0.1, "week": 0.08, "month": 0.05, "year": 0.02}[event_date.precision]
    if modality == Modality.CLAIMED:
        score -= 0.1
    return round(max(0.05, min(score, 0.95)), 2)


def _article_ref(article: Article) -> ArticleRef:
    return ArticleRef(
        id=article.id,
        url=article.url,
        title=article.title,
        date=article.date,
        page_date=article.page_date,
        source=article.source,
    )
