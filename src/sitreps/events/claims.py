"""Who says so and how sure: modality, attribution, denials, claims of responsibility."""

from __future__ import annotations

import re

from sitreps.actors import ActorMention
from sitreps.events.codebook import TriggerMatch
from sitreps.events.context import SentenceContext, actor_at, trigger_token
from sitreps.records import Event, Evidence, Location, Modality

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
    # the month next to its day or year ("on 7 May", "May 2019") is no modal
    r"\b(?:if|unless|would|could|might|(?<!\d\s)may(?!\s+\d)|whether|unclear|possible|possibly|risk of|"
    r"threaten(?:s|ed)? to|vow(?:s|ed)? to|warn(?:s|ed)? of|fear(?:s|ed)?|going to|"
    r"intend(?:s|ed)? to|inten(?:t|tion) to|hop(?:e|es|ed|ing) (?:that )?|in case|pending|impending|looming|imminent|potential|must|should|"
    r"needs? to|ha(?:s|ve) to|demand(?:s|ed)? (?:an? )?(?:end|halt|stop))\b",
    re.IGNORECASE,
)
# "If you go outside the tent, they beat you": a condition governs the whole sentence
_CONDITION_FIRST = re.compile(r"^\W*(?:if|unless|should|whenever|in the event)\b", re.IGNORECASE)
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
ANAPHORA = re.compile(
    r"^\s*(?:but |however, |and )?(?:the|these|those|this|that|its|their|they|such)\b"
    r"(?:\s+\w+){0,3}\s*(?:strikes?|attacks?|raids?|clash(?:es)?|bombings?|blasts?|"
    r"explosions?|shelling|fighting|assaults?|operations?|protests?|incidents?)?",
    re.IGNORECASE,
)
_VIOLENT_EVENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_CLAIM_OF_RESPONSIBILITY = re.compile(
    r"\bclaim(?:ed|s)?\s+(?:responsibility|the attack|the bombing|the killing)"
    r"|\b(?:said|says|announced)\b[^.]{0,60}\b(?:its|their)\s+(?:fighters|militants|men|"
    r"members|forces)\s+(?:had\s+|have\s+)?(?:carried out|planted|attacked|killed|detonated)",
    re.IGNORECASE,
)
UNVERIFIED = re.compile(
    r"\b(?:could not be|cannot be|has not been|have not been|was not|were not)\s+"
    r"(?:independently\s+)?(?:verified|confirmed)\b|\bunverified\b",
    re.IGNORECASE,
)


def claims_responsibility(text: str) -> bool:
    """ "X claimed responsibility", but not "no group has claimed the attack"."""
    m = _CLAIM_OF_RESPONSIBILITY.search(text)
    if not m:
        return False
    before = text[max(0, m.start() - 40) : m.start()]
    return not re.search(r"\b(?:no|not|nobody|none|yet to|never)\b|n't", before, re.IGNORECASE)


def claimed_by(event: Event, sentence: SentenceContext) -> Event:
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


_ATTRIBUTED = re.compile(
    r"\b(?:was|were|had been|has been|have been|is|are)\s+(?:\w+ly\s+)?(?:(?:believed|suspected|thought|said|presumed) to have been\s+)?"
    r"(?:planted|laid|placed|set|carried out|perpetrated|committed|conducted|staged)\s+by\b",
    re.IGNORECASE,
)


def names_the_perpetrator(text: str) -> bool:
    """ "The device was likely planted by JNIM militants": a follow-up naming who did it."""
    return bool(_ATTRIBUTED.search(text))


def perpetrated_by(event: Event, sentence: SentenceContext) -> Event:
    """The armed group a follow-up sentence names as the perpetrator becomes actor 1 of the
    event just told (ACLED codes the planter of a mine, not the army whose truck struck it);
    the actor it replaces, when the text named one, becomes actor 2."""
    match = _ATTRIBUTED.search(sentence.text)
    groups = [
        a
        for a in sentence.actors
        if a.section == "armed_groups" and match and a.start >= match.end()
    ]
    if not groups or event.event_type not in _VIOLENT_EVENT_TYPES:
        return event
    country = event.location.country if event.location else None
    perpetrator = groups[0].to_actor(country)
    update: dict = {"actor1": perpetrator}
    if event.actor1 is not None and event.actor1.text is not None and event.actor2 is None:
        update["actor2"] = event.actor1
    evidence = Evidence(
        text=sentence.text, start=sentence.start, end=sentence.end, supports=["actor1"]
    )
    update["evidence"] = [*event.evidence, evidence]
    return event.model_copy(update=update)


def mark_contested(
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


def modality_of(text: str, trigger: TriggerMatch) -> Modality:
    clause = _clause_before(text, trigger.start)
    if _HYPOTHETICAL.search(clause) or _CONDITION_FIRST.match(text):
        return Modality.HYPOTHETICAL
    if _PLANNED.search(clause):
        return Modality.PLANNED
    if _DENIED.search(clause):
        return Modality.DENIED
    if _CLAIMED.search(text):
        return Modality.CLAIMED
    return Modality.ASSERTED


_CONDITION_MARKS = {"whether", "if", "unless"}


def under_condition(sentence: SentenceContext, trigger: TriggerMatch) -> bool:
    """Is the trigger inside a clause opened by "whether" or "if", however far from it
    ("will determine whether it has built up an army, or to fight against the regime")?
    The clause before the trigger stops at a comma; the parse does not."""
    token = trigger_token(sentence, trigger.start)
    while token is not None:
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in token.children):
            return True
        token = token.head if token.head.i != token.i else None
    return False


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


def disputes_previous(text: str) -> bool:
    """A sentence that doubts or denies what was just reported ("officials do not believe
    those attacks are targeting IS")."""
    return bool(_DISPUTE.search(text) and (ANAPHORA.match(text) or _BACK_REFERENCE.search(text)))


def attribution_of(
    sentence: SentenceContext, trigger: TriggerMatch
) -> tuple[str, ActorMention | None] | None:
    """Who says so: the subject of the reporting verb that governs the trigger."""
    text = sentence.text
    for pattern in (_ACCORDING_TO, _CONFIRMED_BY):
        m = pattern.search(text)
        cleaned = _clean_attribution(m.group(1)) if m else None
        if m and cleaned:
            return cleaned, actor_at(sentence, m.start(1), m.end(1))
    token = trigger_token(sentence, trigger.start)
    if token is None:
        return None
    doc = token.doc
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
                return cleaned, actor_at(sentence, span.start_char, span.end_char)
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
