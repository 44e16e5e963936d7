"""Events stage: code the events told in an article, sentence by sentence, with evidence.

For each sentence that passes the codebook's relevance gate (most sentences never reach the
parser), the coder picks the sub-event type from the triggers, reads the modality (asserted,
claimed, denied, hypothetical, planned), the actors and their roles from the dependency parse,
the fatalities tied to the event's kill words, the place(s) where it happened and its date.
War-wide statistics ("250,000 killed in the four-year war") and procedural frames
("an investigation into claims of torture") are not events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from sitreps.actors import SECTION_RANK, ActorMention, country_name, find_actors
from sitreps.codebook import Codebook, SubEventType, TriggerMatch, load_codebook
from sitreps.fatalities import count_fatalities
from sitreps.geo import ArticleGeography, country_location, event_locations
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
from sitreps.time import ResolvedDate, reference_date, resolve_event_date

REPORTING_LEMMAS = {
    "say", "tell", "report", "claim", "announce", "confirm", "state", "add", "accuse",
    "allege", "insist", "declare", "write", "tweet", "note", "warn", "explain",
}  # fmt: skip
_REPORTING_WORDS = re.compile(
    r"\b(?:said|says|say|told|reported|reports|claimed|claims|announced|confirmed|stated|added|"
    r"according to|accused|alleged|insisted|declared|tweeted)\b",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|would|could|might|may|whether|unclear|possible|possibly|risk of|"
    r"threaten(?:s|ed)? to|vow(?:s|ed)? to|warn(?:s|ed)? of|fear(?:s|ed)?|going to|"
    r"intend(?:s|ed)? to|in case)\b",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    r"\b(?:plan(?:s|ned)? to|planning to|will|shall|prepar(?:e|es|ed|ing) to|set to|"
    r"to be held|scheduled|call(?:s|ed)? for|urg(?:e|es|ed) )",
    re.IGNORECASE,
)
_DENIED = re.compile(
    r"\b(?:den(?:y|ies|ied)|rejected (?:claims|reports)|dismissed (?:claims|reports)|"
    r"not|never|no one|nobody|n't|false|refuted|disputed?)\b",
    re.IGNORECASE,
)
_CLAIMED = re.compile(
    r"\b(?:claim(?:s|ed)?|alleged(?:ly)?|reportedly|purportedly|unconfirmed|said to have|"
    r"accus(?:e|es|ed) )",
    re.IGNORECASE,
)
# A sentence that denies or doubts an event told just before ("American officials do not
# believe those attacks are targeting IS") marks that event as contested.
_DISPUTE = re.compile(
    r"\b(?:den(?:y|ies|ied)|disputed?|do(?:es)? not believe|did not believe|doubt(?:s|ed)?|"
    r"contradict(?:s|ed)?|rejected|dismissed|false)\b",
    re.IGNORECASE,
)
_ANAPHORA = re.compile(
    r"^\s*(?:but |however, |and )?(?:the|these|those|this|that|its|their|they|such)\b"
    r"(?:\s+\w+){0,3}\s*(?:strikes?|attacks?|raids?|clash(?:es)?|bombings?|blasts?|"
    r"explosions?|shelling|fighting|assaults?|operations?|protests?|incidents?)?",
    re.IGNORECASE,
)
# Statistics about a whole war are context, not an event.
_WAR_STATISTIC = re.compile(
    r"\b(?:have|has|had)\s+(?:been\s+)?(?:killed|died|lost their lives|perished)\b[^.]{0,80}"
    r"\b(?:war|conflict|insurgency|crisis|uprising|violence|fighting)\b"
    r"|\b(?:since|throughout|over the course of)\s+(?:the\s+)?(?:start|beginning|outbreak)\b"
    r"|\b(?:in|during)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}(?:\w+-year|decade-long|years-long)\s+"
    r"(?:civil\s+)?(?:war|conflict|insurgency)",
    re.IGNORECASE,
)
# Procedural or legal frames talk about events without reporting one.
_NON_EVENT_FRAME = re.compile(
    r"\b(?:investigat\w*|inquiry|probe into|allegations? of|claims of|accused of|charged with|"
    r"convicted|sentenced|on trial|trial of|crimes against humanity|war crimes?|anniversary|"
    r"commemorat\w*|memorial|condemn(?:s|ed)?|reports? on|documented)\b"
    # trends are not events: "attacks have increased across the region this year"
    r"|\b(?:have|has)\s+(?:increased|risen|surged|soared|declined|fallen|dropped|doubled)\b"
    r"|\b(?:on the rise|rising number|increase in (?:attacks|violence))\b",
    re.IGNORECASE,
)
_VIOLENT_EVENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_CLAIM_OF_RESPONSIBILITY = re.compile(
    r"\bclaim(?:ed|s)?\s+(?:responsibility|the attack|the bombing|the killing)"
    r"|\b(?:said|says|announced)\b[^.]{0,60}\b(?:its|their)\s+(?:fighters|militants|men|"
    r"members|forces)\s+(?:had\s+|have\s+)?(?:carried out|planted|attacked|killed|detonated)",
    re.IGNORECASE,
)
_UNVERIFIED = re.compile(
    r"\b(?:could not be|cannot be|has not been|have not been|was not|were not)\s+"
    r"(?:independently\s+)?(?:verified|confirmed)\b|\bunverified\b",
    re.IGNORECASE,
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

_VICTIM_KINDS = {ActorKind.CIVILIANS}
_ACTING_KINDS = {
    ActorKind.STATE_FORCES,
    ActorKind.REBELS,
    ActorKind.POLITICAL_MILITIA,
    ActorKind.IDENTITY_MILITIA,
    ActorKind.RIOTERS,
    ActorKind.PROTESTERS,
}
_ARMED_KINDS = {
    ActorKind.STATE_FORCES,
    ActorKind.REBELS,
    ActorKind.POLITICAL_MILITIA,
    ActorKind.IDENTITY_MILITIA,
}


@dataclass
class SentenceContext:
    index: int
    start: int
    end: int
    text: str
    doc: Doc | None = None
    actors: list[ActorMention] = field(default_factory=list)


@dataclass
class ArticleContext:
    article: Article
    sentences: list[tuple[int, int]]
    geo: ArticleGeography
    reference: ResolvedDate | None
    parsed: dict[int, SentenceContext]


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
        if events and _UNVERIFIED.search(sentence.text):
            events[-1] = events[-1].model_copy(update={"modality": Modality.CLAIMED})
        if events and _claims_responsibility(sentence.text):
            events[-1] = _claimed_by(events[-1], sentence)
        coded = _code_sentence(ctx, sentence, codebook, events[-1] if events else None)
        denials = [e for e in coded if e.modality == Modality.DENIED]
        if denials or (events and not coded and _disputes_previous(sentence.text)):
            events = _mark_contested(events, denials, sentence)
        events.extend(e for e in coded if e.modality != Modality.DENIED)
    if not include_unreal:
        events = [e for e in events if e.modality in (Modality.ASSERTED, Modality.CLAIMED)]
    return events


def _claims_responsibility(text: str) -> bool:
    """ "X claimed responsibility", but not "no group has claimed the attack"."""
    m = _CLAIM_OF_RESPONSIBILITY.search(text)
    if not m:
        return False
    before = text[max(0, m.start() - 40) : m.start()]
    return not re.search(r"\b(?:no|not|nobody|none|yet to|never)\b|n't", before, re.IGNORECASE)


def _claimed_by(event: Event, sentence: SentenceContext) -> Event:
    """ "Al-Shabaab said its fighters had planted the bomb": the group claims the attack. An
    attacker the text did not name takes the claimant's name; the event becomes claimed."""
    groups = [a for a in sentence.actors if a.section == "armed_groups"]
    if not groups or event.event_type not in _VIOLENT_EVENT_TYPES:
        return event
    claimant = groups[0].to_actor(event.location.country if event.location else None)
    update: dict = {"modality": Modality.CLAIMED}
    if event.actor1 is None or event.actor1.text is None:
        update["actor1"] = claimant
    evidence = Evidence(
        text=sentence.text, start=sentence.start, end=sentence.end, supports=["actor1", "modality"]
    )
    update["evidence"] = [*event.evidence, evidence]
    update["attribution"] = "; ".join(x for x in (event.attribution, claimant.name) if x)
    return event.model_copy(update=update)


def _mark_contested(
    events: list[Event], denials: list[Event], sentence: SentenceContext
) -> list[Event]:
    """A denial contests the event it is about: the one at the same place, or the one just
    told. The denial is kept as evidence on that event, not coded as an event of its own."""
    if not events:
        return events
    target = len(events) - 1
    named = [
        i for i, e in enumerate(events)
        if e.location and e.location.precision != "country"
        and re.search(rf"\b{re.escape(e.location.text or e.location.name)}\b", sentence.text)
    ]  # fmt: skip
    if named:
        target = named[-1]
    for denial in denials:
        for i in range(len(events) - 1, -1, -1):
            if _same_place(events[i].location, denial.location):
                target = i
                break
    evidence = Evidence(
        text=sentence.text, start=sentence.start, end=sentence.end, supports=["contested"]
    )
    event = events[target]
    events[target] = event.model_copy(
        update={"contested": True, "evidence": [*event.evidence, evidence]}
    )
    return events


def _same_place(a: Location | None, b: Location | None) -> bool:
    if a is None or b is None or a.precision == "country" or b.precision == "country":
        return False
    return (a.geonameid is not None and a.geonameid == b.geonameid) or a.name == b.name


def relevant_sentences(
    text: str, sentences: list[tuple[int, int]], codebook: Codebook | None = None
) -> list[int]:
    """Indices of the sentences worth parsing: the cheap gate before the parser."""
    codebook = codebook or load_codebook()
    return [
        i for i, (a, b) in enumerate(sentences) if codebook.gate(text[a:b]) or _follow_up(text[a:b])
    ]


def _follow_up(sentence: str) -> bool:
    """Sentences without event words that still change an event told before them."""
    return bool(
        _UNVERIFIED.search(sentence)
        or _disputes_previous(sentence)
        or _claims_responsibility(sentence)
    )


# ---------------------------------------------------------------------------------------------


def _code_sentence(
    ctx: ArticleContext,
    sentence: SentenceContext,
    codebook: Codebook,
    previous: Event | None = None,
) -> list[Event]:
    text = sentence.text
    if _NON_EVENT_FRAME.search(text):
        return []
    triggers = codebook.triggers_in(text)
    if not triggers:
        return []
    if _WAR_STATISTIC.search(text) and all(t.sub_type.needs_victims for t in triggers):
        return []
    trigger = _main_trigger(triggers)
    modality = _modality(text, trigger)
    agent, target = _roles(sentence, trigger)
    sub_type = _refine_sub_type(codebook, trigger, triggers, text, agent, target, sentence)
    inherited = _continues(previous, trigger, text)
    if inherited is not None and (sub_type is None or sub_type.needs_victims):
        # "One raid hit a market in Majz, killing 12": the raid told just before
        sub_type = codebook.sub_type(inherited.sub_event_type)
    if sub_type is None:
        return []
    attribution = _attribution(sentence, trigger)
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
    event_date = resolve_event_date(text, ctx.reference, anchor=trigger.start)
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
        country = location.country if location else ctx.geo.focus_country
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
    r"petitions?|marchers|strikers|picket\w*|lynch\w*|abduct\w*|kidnap\w*|rap(?:e|ed))\b",
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
        return _protest_sub_type(codebook, lowered, names)
    if sub.needs_victims:
        return _violence_sub_type(codebook, lowered, agent, target, sentence)
    if sub.event_type == "Battles":
        return _riot_instead_of_battle(codebook, agent, target) or sub
    return sub


_UNARMED = {ActorKind.RIOTERS, ActorKind.PROTESTERS}
_NON_STATE_ARMED = {ActorKind.REBELS, ActorKind.POLITICAL_MILITIA, ActorKind.IDENTITY_MILITIA}


def _riot_instead_of_battle(
    codebook: Codebook, agent: ActorMention | None, target: ActorMention | None
) -> SubEventType | None:
    """A fight with rioters or party supporters on one side is a riot, not a battle:
    rioters against the police is a violent demonstration, rioters among themselves mob
    violence (ACLED's codebook)."""
    sides = [a for a in (agent, target) if a is not None]
    if not any(a.kind in _UNARMED for a in sides) or any(a.kind in _NON_STATE_ARMED for a in sides):
        return None
    if any(a.kind == ActorKind.STATE_FORCES for a in sides):
        return codebook.sub_type("Violent demonstration")
    return codebook.sub_type("Mob violence")


_INTERVENTION = re.compile(
    r"\b(?:dispers\w+|tear ?gas|teargas|water cannons?|batons?|lathi|arrest\w*|detain\w*|"
    r"broke up|rubber bullets|baton-charged|cracked down)\b"
)
_LETHAL_FORCE = re.compile(
    r"\b(?:shot dead|killed|killing|opened fire on|live (?:rounds|ammunition|bullets)|"
    r"shot and killed|died)\b"
)
_RIOT = re.compile(
    r"\b(?:riot\w*|pelted|threw stones|stone-?throwing|hurled|torched|set(?:ting)? (?:on )?fires?|"
    r"burn(?:ed|t|ing) (?:tyres|tires|vehicles|cars|property)|vandali[sz]\w+|looted|"
    r"clashed with|barricad\w+|bonfires?|lit fires|destroy\w*|destruction|damag\w+|"
    r"violent(?:ly)?|smashed|stormed|block(?:ed|ing) (?:the |a )?(?:road|highway)s? with)\b"
)


def _protest_sub_type(codebook: Codebook, lowered: str, names: set[str]) -> SubEventType:
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
) -> SubEventType | None:
    """Generic kill/attack words: who was hit decides the code, as an analyst would."""
    if agent and agent.kind == ActorKind.RIOTERS:
        return codebook.sub_type("Mob violence")
    target_armed = target is not None and target.kind in _ARMED_KINDS
    agent_armed = agent is not None and agent.kind in _ARMED_KINDS
    if target_armed and agent_armed:
        return codebook.sub_type("Armed clash")
    if target_armed and not agent:
        # "30 soldiers were killed" with no attacker named: fighting with an unknown group
        return codebook.sub_type("Armed clash")
    if target is not None and target.kind in _VICTIM_KINDS:
        return codebook.sub_type("Attack")
    if agent_armed or any(a.kind in _VICTIM_KINDS for a in sentence.actors):
        return codebook.sub_type("Attack")
    if re.search(r"\b(?:killed|shot dead|murdered|gunned down|hacked|stabbed)\b", lowered):
        return codebook.sub_type("Attack")
    return None


# ---------------------------------------------------------------------------------------------
# Modality and attribution


def _modality(text: str, trigger: TriggerMatch) -> Modality:
    clause = _clause_before(text, trigger.start)
    if _HYPOTHETICAL.search(clause):
        return Modality.HYPOTHETICAL
    if _PLANNED.search(clause):
        return Modality.PLANNED
    if _DENIED.search(clause):
        return Modality.DENIED
    if _CLAIMED.search(text):
        return Modality.CLAIMED
    return Modality.ASSERTED


def _clause_before(text: str, position: int) -> str:
    """The words of the trigger's own clause before the trigger (modal cues live there)."""
    head = text[:position]
    cut = max(head.rfind(","), head.rfind(";"), head.rfind("–"), head.rfind(" - "))
    clause = head[cut + 1 :] if cut >= 0 else head
    # a reporting verb opens a new clause: "X said that ... " - cues before it are the speaker's
    reporting = list(_REPORTING_WORDS.finditer(clause))
    if reporting:
        clause = clause[reporting[-1].end() :]
    return clause


_BACK_REFERENCE = re.compile(
    r"\b(?:the|these|those|such|this|that)\s+(?:\w+\s+)?(?:strikes?|attacks?|raids?|claims?|"
    r"reports?|accounts?|bombings?|clash(?:es)?|operations?|killings?)\b",
    re.IGNORECASE,
)


def _disputes_previous(text: str) -> bool:
    """A sentence that doubts or denies what was just reported ("officials do not believe
    those attacks are targeting IS")."""
    return bool(_DISPUTE.search(text) and (_ANAPHORA.match(text) or _BACK_REFERENCE.search(text)))


def _attribution(
    sentence: SentenceContext, trigger: TriggerMatch
) -> tuple[str, ActorMention | None] | None:
    """Who says so: the subject of the reporting verb that governs the trigger."""
    text = sentence.text
    for pattern in (_ACCORDING_TO, _CONFIRMED_BY):
        m = pattern.search(text)
        cleaned = _clean_attribution(m.group(1)) if m else None
        if m and cleaned:
            return cleaned, _actor_at(sentence, m.start(1), m.end(1))
    doc = sentence.doc
    if doc is None:
        return None
    token = _token_at(doc, trigger.start)
    if token is None:
        return None
    for ancestor in token.ancestors:
        if ancestor.lemma_.lower() in REPORTING_LEMMAS or ancestor.text.lower() in (
            "said", "says", "told", "claimed", "reported", "confirmed", "announced"
        ):  # fmt: skip
            subjects = [c for c in ancestor.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                subject = subjects[0]
                span = doc[subject.left_edge.i : subject.right_edge.i + 1]
                cleaned = _clean_attribution(span.text)
                if subject.pos_ == "PRON" or cleaned is None:
                    return None
                return cleaned, _actor_at(sentence, span.start_char, span.end_char)
    return None


_ACCORDING_TO = re.compile(r"\baccording to ([^,.;]+)", re.IGNORECASE)
_CONFIRMED_BY = re.compile(
    r"\b(?:were|was|have been|has been) confirmed by ([^,.;]+)", re.IGNORECASE
)


def _clean_attribution(text: str) -> str | None:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" \t\n\"'“”‘’"), flags=re.IGNORECASE)
    return text if re.search(r"[^\W\d_]{2,}", text) else None


# ---------------------------------------------------------------------------------------------
# Roles


def _roles(
    sentence: SentenceContext, trigger: TriggerMatch
) -> tuple[ActorMention | None, ActorMention | None]:
    """The agent and the target of the event, from the parse and the words around the trigger."""
    actors = [a for a in sentence.actors if not _is_reporter(sentence, a)]
    if not actors:
        return None, None
    sides = _sides_of_clash(sentence.text, trigger, actors)
    if sides is not None:
        return sides
    agent = _agent_from_parse(sentence, trigger, actors) or _agent_by_position(
        sentence.text, trigger, actors
    )
    remaining = [a for a in actors if a is not agent and a.section != "country"]
    target = _target_by_position(sentence.text, trigger, remaining)
    if agent is None and target is None:
        victims = [a for a in remaining if a.kind in _VICTIM_KINDS]
        if victims:
            target = victims[0]
    if agent is not None and agent.role_hint == "victim" and target is None:
        agent, target = None, agent
    if agent is not None and agent.section == "country" and agent.kind == ActorKind.STATE_FORCES:
        pass  # a country named as the one acting: its forces
    return agent, target


_BETWEEN = re.compile(r"\s*(?:\w+\s+){0,3}?between\s+$", re.IGNORECASE)


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
    joined = re.fullmatch(r"\s*(?:and|&)\s*", text[first.end : second.start])
    if _BETWEEN.fullmatch(text[trigger.end : first.start]) and joined:
        return first, second
    return None


def _is_reporter(sentence: SentenceContext, actor: ActorMention) -> bool:
    """An actor that only says something ("the Russian defence ministry said") is a source."""
    after = sentence.text[actor.end : actor.end + 25]
    return bool(
        re.match(
            r"\s*(?:has |have |had )?(?:said|says|say|told|reported|claimed|announced|confirmed|"
            r"stated|spokes\w+ said|officials? said)\b",
            after,
            re.IGNORECASE,
        )
    ) or bool(re.search(r"according to\s*$", sentence.text[: actor.start], re.IGNORECASE))


def _agent_from_parse(
    sentence: SentenceContext, trigger: TriggerMatch, actors: list[ActorMention]
) -> ActorMention | None:
    doc = sentence.doc
    if doc is None:
        return None
    token = _token_at(doc, trigger.start)
    if token is None:
        return None
    # possessive or modifier of a nominal trigger: "French airstrikes", "Russia's strikes"
    for child in token.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod"):
            found = _actor_at(sentence, child.idx, child.idx + len(child.text))
            if found in actors:
                return found
    # "by X"
    for child in token.subtree:
        if child.dep_ == "agent" or (child.lower_ == "by" and child.head == token):
            for obj in child.children:
                found = _actor_at(sentence, obj.left_edge.idx, _end(obj.right_edge))
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
        else:
            break
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
                    return _actor_at(sentence, child.left_edge.idx, _end(child.right_edge))
        return None
    found = _actor_at(sentence, subject.left_edge.idx, _end(subject.right_edge))
    return found if found in actors else None


_TARGET_CUE = re.compile(
    r"(?:\bon|\bagainst|\btargeting|\btargeted|\bat|\bkill(?:ed|ing)?|\bhit(?:ting)?|"
    r"\bstruck|\bambush(?:ed|ing)|\bshelled|\bpounded|\braided|\bstormed|"
    r"\battack(?:ed|ing)?|\bbomb(?:ed|ing)?|\bshot|\bwounding|\binjuring|\bof|\bwith)"
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
        if close and actor.kind in _ACTING_KINDS:
            return actor
    inside = [a for a in actors if a.start >= trigger.start and a.end <= trigger.end]
    return inside[0] if inside else None


def _target_by_position(
    text: str, trigger: TriggerMatch, actors: list[ActorMention]
) -> ActorMention | None:
    after = [a for a in actors if a.start >= trigger.end]
    for actor in after:
        gap = text[trigger.end : actor.start]
        if len(gap) > 90:
            break
        if _TARGET_CUE.search(text[: actor.start]) or not gap.strip():
            return actor
    # passive voice: "Two soldiers were killed" - the victims stand before the trigger
    before = [a for a in actors if a.end <= trigger.start]
    for actor in reversed(before):
        gap = text[actor.end : trigger.start]
        if re.search(r"\b(?:were|was|have been|has been|had been|got)\b", gap) and len(gap) < 60:
            return actor
    return None


def _actor_at(sentence: SentenceContext, start: int, end: int) -> ActorMention | None:
    overlapping = [a for a in sentence.actors if a.start < end and a.end > start]
    if not overlapping:
        return None
    # "presumed JNIM militants": the named group, not the generic word, is the actor
    return max(overlapping, key=lambda a: (SECTION_RANK[a.section], a.end - a.start))


def _token_at(doc: Doc, char: int) -> Token | None:
    for token in doc:
        if token.idx <= char < token.idx + len(token.text):
            return token
    return None


def _end(token: Token) -> int:
    return token.idx + len(token.text)


# ---------------------------------------------------------------------------------------------
# Place


def _locations(
    ctx: ArticleContext, sentence: SentenceContext, trigger: TriggerMatch
) -> list[tuple[Location, Evidence | None]]:
    anchor = sentence.start + trigger.start
    places = event_locations(ctx.geo, sentence.start, sentence.end, anchor)
    precise = [p for p in places if p.precision in ("place", "near", "admin1")]
    if not precise:
        follow = _following_places(ctx, sentence)
        if follow:
            return follow
    if places:
        return [(p, None) for p in _one_place_between(sentence.text, places)]
    if ctx.geo.focus_country:
        return [(country_location(ctx.geo, ctx.geo.focus_country), None)]
    return []


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
    if not _ANAPHORA.match(text):
        return []
    match = _ANCHOR_LOCATION.search(text)
    anchor = start + (match.start() if match else 0)
    places = [
        p
        for p in event_locations(ctx.geo, start, end, anchor)
        if p.precision in ("place", "near", "admin1")
    ]
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
    if event_date is not None:
        fields.append("date")
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
        score += {"place": 0.15, "near": 0.12, "admin1": 0.1, "country": 0.04}[location.precision]
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
