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

from sitreps.actors import ActorMention, find_actors
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
    r"commemorat\w*|memorial|condemn(?:s|ed)?|reports? on|documented)\b",
    re.IGNORECASE,
)
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
        if events and _disputes_previous(sentence.text):
            events[-1] = events[-1].model_copy(update={"contested": True})
        events.extend(_code_sentence(ctx, sentence, codebook))
    if not include_unreal:
        events = [e for e in events if e.modality in (Modality.ASSERTED, Modality.CLAIMED)]
    return events


def relevant_sentences(
    text: str, sentences: list[tuple[int, int]], codebook: Codebook | None = None
) -> list[int]:
    """Indices of the sentences worth parsing: the cheap gate before the parser."""
    codebook = codebook or load_codebook()
    return [i for i, (a, b) in enumerate(sentences) if codebook.gate(text[a:b])]


# ---------------------------------------------------------------------------------------------


def _code_sentence(
    ctx: ArticleContext, sentence: SentenceContext, codebook: Codebook
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
    if sub_type is None:
        return []
    attribution = _attribution(sentence, trigger)
    if agent is None and attribution and attribution[1] is not None:
        speaker = attribution[1]
        if speaker.kind == ActorKind.STATE_FORCES and sub_type.event_type in (
            "Explosions/Remote violence",
        ):
            agent = speaker  # "The defence ministry said airstrikes hit ..." - its own forces
    fatalities = count_fatalities(text) if sub_type.violent else None
    locations = _locations(ctx, sentence, trigger)
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
        actor1 = agent.to_actor(country) if agent else None
        actor2 = target.to_actor(country) if target else None
        if actor1 and actor2 and actor1.name == actor2.name:
            actor2 = None
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
    return sub


_INTERVENTION = re.compile(
    r"\b(?:dispers\w+|tear ?gas|teargas|water cannons?|batons?|lathi|arrest\w*|detain\w*|"
    r"broke up|rubber bullets|baton-charged|cracked down)\b"
)
_LETHAL_FORCE = re.compile(
    r"\b(?:shot dead|killed|killing|opened fire on|live (?:rounds|ammunition|bullets)|"
    r"shot and killed|died)\b"
)
_RIOT = re.compile(
    r"\b(?:riot\w*|pelted|threw stones|stone-?throwing|hurled|torched|set (?:on )?fire|"
    r"burn(?:ed|t|ing) (?:tyres|tires|vehicles|cars)|vandali[sz]\w+|looted|clashed with)\b"
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
    m = re.search(r"\baccording to ([^,.;]+)", text, re.IGNORECASE)
    if m:
        return _clean_attribution(m.group(1)), _actor_at(sentence, m.start(1), m.end(1))
    m = re.search(r"\b(?:were|was|have been|has been) confirmed by ([^,.;]+)", text, re.I)
    if m:
        return _clean_attribution(m.group(1)), _actor_at(sentence, m.start(1), m.end(1))
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
                if subject.pos_ == "PRON":
                    return None
                return _clean_attribution(span.text), _actor_at(
                    sentence, span.start_char, span.end_char
                )
    return None


def _clean_attribution(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Roles


def _roles(
    sentence: SentenceContext, trigger: TriggerMatch
) -> tuple[ActorMention | None, ActorMention | None]:
    """The agent and the target of the event, from the parse and the words around the trigger."""
    actors = [a for a in sentence.actors if not _is_reporter(sentence, a)]
    if not actors:
        return None, None
    agent = _agent_from_parse(sentence, trigger, actors) or _agent_by_position(
        sentence.text, trigger, actors
    )
    remaining = [a for a in actors if a is not agent]
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
        if len(gap) > 50:
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
    return max(overlapping, key=lambda a: (a.section != "country", a.end - a.start))


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
        return [(p, None) for p in places]
    if ctx.geo.focus_country:
        return [(country_location(ctx.geo, ctx.geo.focus_country), None)]
    return []


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
