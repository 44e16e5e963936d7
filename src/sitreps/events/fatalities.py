"""Fatality counts tied to the kill words of an event's sentence.

"killed 30 IS militants" -> 30; "three people died" -> 3; "a death toll of 12" -> 12;
"killing 3 soldiers and 5 militants" -> 8 (victim groups are summed); "at least 12" -> 12
(the lower bound, as ACLED codes it); "between 15 and 25 men" -> 15 (the lowest figure);
"a man was shot dead" -> 1; "killed the village chief" -> 1; "the death of three armed men"
-> 3; "Total 9 fatalities" -> 9 (a stated total wins); "dozens were killed" -> None (vague:
the number is unknown, not zero); "no one was hurt" -> 0. Injuries are not deaths, nor is the
killing a suspect is accused of ("lynched a man accused of killing a child").
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\s+thousand)?|(?:"
    + "|".join(_TENS)
    + r")(?:[- ](?:"
    + "|".join(k for k in _UNITS if " " not in k)
    + r"))?|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r"|(?:a |one )?hundred)"
)
_QUALIFIER = (
    r"(?:at least |at the least |a least |more than |over |about |around |nearly |almost |"
    r"some |up to |an estimated |a total of |another |other |roughly |approximately )?"
)
_VICTIM = (
    r"(?:(?!(?:and|or|wounded|injured|hurt|wounding|injuring)\b)[\w’'-]+\s+){0,4}?"
    r"(?:people|persons?|civilians?|soldiers?|troops|militants?|fighters?|rebels?|insurgents?|"
    r"jihadists?|policemen|police officers?|officers?|members?|gunmen|attackers?|assailants?|"
    r"protesters?|demonstrators?|villagers?|residents?|children|women|men|man|woman|boys?|girls?|"
    r"students?|workers?|farmers?|herders?|passengers?|recruits?|guards?|personnel|"
    r"combatants?|terrorists?|extremists?|bandits?|others|teenagers?|worshippers|individuals|"
    r"family members|relatives|pupils|traders|miners|members|occupants|inmates|prisoners|"
    r"guests|customers|patients|officials|staff|employees|pilgrims|mourners|shoppers|"
    r"spectators|drivers?|motorists?|herdsmen|fishermen|hunters|loyalists|supporters|"
    r"activists|journalists|peacekeepers|police|marines|sailors|pilots|crew|pastoralists?|"
    r"robbers?|thieves|suspects?|gendarmes?|rangers?|militiamen|schoolchildren|victims|"
    r"volunteers?|elders?|youths?|merchants?|planters|smugglers|criminals|kidnappers)"
)
_DEATH = (
    r"(?:killed|dead|died|shot dead|slain|murdered|massacred|executed|beheaded|perished|"
    r"lost their lives|lynched|hacked to death|burned to death|burnt to death|stabbed to death|"
    r"beaten to death|gunned down|charred to death|burned alive|burnt alive|martyred|"
    r"assassinated|tortured to death|shot and killed)"
)
_KILL_VERB = (
    r"(?:kill(?:ed|ing|s)?|claimed the lives of|massacred|execut(?:ed|ing|es|e)|"
    r"shot dead|murdered|assassinated|beheaded|decapitated|slaughtered|strangled|gunned down|"
    r"lynched|stoned to death|beat(?:en)? (?:up )?to death|hacked to death)"
)
# "killed and mutilated a farmer", "executed, and booby-trapped a fighter", "killed by
# machete a man": the victim still follows
_WEAPON = (
    r"(?:machetes?|knives|knife|guns?|gunfire|arrows?|swords?|axes?|stones?|bullets?|firearms?)"
)
_KILL_ACT = (
    rf"{_KILL_VERB}(?:\s*,?\s+and\s+[\w-]+(?:ed|t)\b)?"
    rf"(?:\s+(?:by|with)\s+(?:a\s+)?{_WEAPON})?"
)
# "left three dead" counts, "left three wounded" does not
_KILLING = rf"(?:{_KILL_ACT}|left|leaving)"
_DETERMINER = r"(?:(?:its|their|the|all|his|her)\s+)?"
_NOT_A_TOLL_UNIT = (
    r"(?!\s*(?:%|per ?cent|km|kilomet\w*|miles?|metres|meters|hours?|days?|weeks?|months?|"
    r"years?|times|am|pm|gmt|o'clock|kg)\b)"
)
_NOT_INJURED = r"(?!(?:\s+[\w’'-]+){0,3}?\s+(?:injured|wounded|hurt)\b)"
_GROUP_SEPARATOR = r"\s*(?:,\s*and|,|and|as well as)\s*"
# one victim group before a death word: "5 members of the regime forces and militiamen loyal
# to them" (never across an injury word or another count)
_PASSIVE_GROUP = (
    rf"{_QUALIFIER}{_NUMBER}(?:\s+(?!(?:wounded|injured|hurt|were|was|are|had|have)\b|"
    rf"and\s+{_QUALIFIER}{_NUMBER}\b|\d)[\w’'-]+){{0,10}}?"
)
_AUX = r"(?P<aux>were|was|have been|had been|are|being|been|got)"
_DETERMINER_WORDS = r"(?:a|an|the|his|her|their|its|one|two|three|four|five|\d+)"
_PATTERNS = [
    # "killed 30 IS militants", "killing three soldiers and five militants", "killing its four
    # occupants"
    re.compile(
        rf"\b{_KILLING}\s+{_DETERMINER}"
        rf"(?P<list>{_QUALIFIER}{_NUMBER}\s+{_VICTIM}"
        rf"(?:{_GROUP_SEPARATOR}{_QUALIFIER}{_NUMBER}\s+{_VICTIM}|\s+and\s+an?\s+{_VICTIM})*)"
        rf"(?!\s+(?:(?:were|was|are)\s+)?(?:injured|wounded|hurt))",
        re.IGNORECASE,
    ),
    # "killed 10 pastoralists", "executed 5 in Idlib": any count right after a kill verb
    re.compile(
        rf"\b{_KILL_ACT}\s+{_DETERMINER}(?P<list>{_QUALIFIER}{_NUMBER})\b{_NOT_A_TOLL_UNIT}"
        rf"{_NOT_INJURED}",
        re.IGNORECASE,
    ),
    # "killing at least 7, including 2 police", "killing three."
    re.compile(
        rf"\b{_KILLING}\s+(?P<list>{_QUALIFIER}{_NUMBER})(?=\s*(?:[,.;]|$|and\b|including\b|in\b|"
        rf"on\b|at\b|when\b|after\b|while\b))",
        re.IGNORECASE,
    ),
    # "resulting in 5 deaths", "5 fatalities were reported", "There was 1 fatality"
    re.compile(
        rf"\b(?P<list>{_QUALIFIER}{_NUMBER})\s+(?:deaths?|fatalit(?:y|ies))\b", re.IGNORECASE
    ),
    # "beat two men to death"
    re.compile(
        rf"\b(?:beat|stoned|hacked|stabbed|burned|burnt|clubbed)\s+(?:up\s+)?"
        rf"(?P<list>{_NUMBER}\s+(?:[\w’'-]+\s+){{0,3}}?[\w’'-]+)\s+to death",
        re.IGNORECASE,
    ),
    # "30 people were killed", "three soldiers died", "12 dead", "9 gendarmes and 6 civilians
    # were killed"; without an auxiliary the death word must not take an object ("a gang of
    # four men shot dead a priest" counts the priest, not the gang)
    re.compile(
        rf"\b(?P<list>{_PASSIVE_GROUP}(?:{_GROUP_SEPARATOR}{_PASSIVE_GROUP})*)"
        rf"\s+(?:{_AUX}\s+)?(?:(?:reportedly|allegedly|also|later|all|subsequently)\s+)?{_DEATH}\b"
        rf"(?(aux)|(?!\s+{_DETERMINER_WORDS}\b))",
        re.IGNORECASE,
    ),
    # "12 persons from one family are the victims of a massacre"
    re.compile(
        rf"\b(?P<list>{_QUALIFIER}{_NUMBER})\s+(?:[\w’'-]+\s+){{0,5}}?(?:are|were)\s+"
        r"(?:the\s+|among the\s+)?(?:victims|dead)\b",
        re.IGNORECASE,
    ),
    # "a death toll of 12", "the toll rose to 15"
    re.compile(
        rf"\b(?:death toll|toll|fatalities|deaths)\s+(?:of|at|to|rose to|reached|stood at|climbed to)\s+"
        rf"\b(?P<list>{_QUALIFIER}{_NUMBER})",
        re.IGNORECASE,
    ),
    # "causing the death of the three armed men", "the killing of 3 people"
    re.compile(
        rf"\b(?:deaths?|killings?|murders?|executions?|bodies|corpses)\s+of\s+{_DETERMINER}"
        rf"\b(?P<list>{_QUALIFIER}{_NUMBER})\b{_NOT_A_TOLL_UNIT}",
        re.IGNORECASE,
    ),
    # "4 dead bodies were recovered"
    re.compile(
        rf"\b(?P<list>{_QUALIFIER}{_NUMBER})\s+(?:[\w’'-]+\s+){{0,3}}?(?:bodies|corpses)\b",
        re.IGNORECASE,
    ),
    # "7 casualties and tens of injuries": counted apart from the injured, casualties are the
    # dead (not "13 casualties and injuries", which counts both)
    re.compile(
        rf"\b(?P<list>{_QUALIFIER}{_NUMBER})\s+casualt(?:y|ies)\b(?!\s+and\s+injur)"
        rf"(?=[^.;]{{0,60}}\b(?:injur|wound))",
        re.IGNORECASE,
    ),
]
# A stated total wins over the parts: "Total 9 fatalities", "(total of 5 fatalities)",
# "Unknown fatalities coded as 3" (the analyst's own figure in ACLED notes).
_TOTAL = re.compile(
    rf"\btotal(?:\s+of)?\s+(?P<n>{_NUMBER})\s+(?:[\w’'-]+\s+){{0,2}}?"
    rf"(?:fatalit(?:y|ies)|deaths|dead|killed)\b"
    rf"|\b(?P<n2>{_NUMBER})\s+(?:fatalit(?:y|ies)|deaths|people killed)\s+in total\b"
    rf"|\b(?:fatalit\w*|killed|dead|deaths?)\b[^.;]{{0,50}}?\bcoded\s+as\s+(?P<n3>{_NUMBER})\b",
    re.IGNORECASE,
)
_PERSON_PAIR = (
    r"(?:[\w’'-]+\s+){0,2}?(?:son|daughter|wife|husband|brother|sister|father|mother|child|"
    r"friend|colleague|companion|cousin|nephew|uncle|man|woman|boy|girl|bodyguard|driver)"
)
# "shot dead a driver", "a mob killed a suspected criminal" -> 1
_SINGLE_OBJECT = re.compile(
    rf"\b{_KILL_ACT}\s+(?:a|an|one)\s+(?!number|total|series|wave|spate|string|dozen|few|"
    r"unspecified|unknown|undetermined|undisclosed|large|small|handful|estimated|lot)",
    re.IGNORECASE,
)
# "killed the village chief", "shot dead the former deputy governor of Kilifi" -> 1; not
# "killed the attackers" (plural) nor "killed the rest"
_THE_OBJECT = re.compile(
    rf"\b{_KILL_ACT}\s+(?:the|his|her)\s+(?P<phrase>(?:[\w’'-]+\s+){{0,4}}?(?P<head>[\w’'-]+))"
    r"(?=\s*(?:[,.;:]|$)|\s+(?:in|at|near|on|of|and|who|with|while|as|after|during|from|by|"
    r"outside|inside|before|when)\b)",
    re.IGNORECASE,
)
_AND_PARTNER = re.compile(rf"\s+and\s+(?:his|her|their|a|an)\s+{_PERSON_PAIR}\b", re.I)
_PLURAL_IRREGULAR = {
    "people", "men", "women", "children", "police", "personnel", "youth", "staff", "crew",
    "militia", "troops", "rest", "remainder", "number", "majority", "bulk", "total", "toll",
    "others", "family", "group", "gang", "mob", "crowd", "population", "community",
}  # fmt: skip
_PERSON_HEAD = re.compile(
    r"(?!(?:matter|order|border|number|power|cover|danger|error|rumour|water|paper|cent(?:er|re)|"
    r"letter|chapter|winter|summer|motor|sector|factor|terror|labour|honour|colour|favour|"
    r"humour|event|content|talent|intent|plant|grant|chant|\w*ment|computer|register|career|"
    r"corner|dinner|fever|filter|finger|flower|hammer|ladder|pepper|poster|quarter|shelter|"
    r"silver|theat(?:er|re)|thunder|timber|tower|trailer|trigger|weather|wonder|barrier)$)"
    r"\w+(?:man|woman|er|or|ist|ian|ant|ent)|chief|imam|priest|pastor|victim|suspect|child|boy|"
    r"girl|son|wife|husband|uncle|nephew|cousin|friend|colleague|guard|bodyguard|cook|nurse|"
    r"judge|monk|nun|cleric|sheikh|king|queen|prince|emir|mayor|councillor|councilor|deputy|"
    r"mp|head|general|major|youth|elder|man|woman|person|individual|hostage|captive|pilot|"
    r"journalist|assistant|secretary|agent|parent|spouse|relative|neighbou?r|landlord|tenant|"
    r"owner|employee|servant|thief|bandit|criminal|rebel|militant|body|corpse|sergeant|"
    r"captain|colonel|lieutenant|official",
    re.IGNORECASE,
)
_SINGULAR_S = re.compile(r"(?:ss|us|is)$", re.IGNORECASE)
# Deaths of animals (in the counted words) or in accidents (in the clause) are not conflict
# fatalities; "a livestock market" is only a place.
_ANIMALS = re.compile(
    r"\b(?:sheep|goats?|cattle|cows?|camels?|livestock|animals?|donkeys?|dogs?|chickens?|"
    r"birds?|heads? of|oxen|herd)\b",
    re.IGNORECASE,
)
_ACCIDENT = re.compile(
    r"\b(?:accident|crash(?:ed)?|collapsed?|collision|drown\w*|landslide|flood\w*|earthquake|"
    r"lightning|stampede|electrocut\w*|speeding|motorist|illness|disease|cholera|overdose)\b",
    re.IGNORECASE,
)
# The killing a suspect is accused of, or that a protest is about, is not this event's toll:
# "lynched two robbers accused of killing three people", "to protest the death of a driver".
_CAUSE_FRAME = re.compile(
    r"(?:\b(?:accused|suspected|charged|blamed|convicted|arrested|wanted)\b[^.;,]{0,25}?"
    r"\b(?:of|for|with|to have|in)|\bprotest\w*(?:\s+(?:against|over))?(?:\s+the)?(?:\s+\w+\s+and|\s+\w+)?|"
    r"\bjustice for(?:\s+the)?|\b(?:for|into|revenge|avenge|over|against)(?:\s+the)?)\s*$",
    re.IGNORECASE,
)


def _not_conflict_death(sentence: str, match: re.Match[str]) -> bool:
    return bool(
        _ANIMALS.search(match.group(0))
        or _ACCIDENT.search(_clause_around(sentence, match.start(), match.end()))
        or _CAUSE_FRAME.search(sentence[max(0, match.start() - 60) : match.start()])
    )


# "a suspected returnee was killed" -> 1; "a man and his son were killed" -> 2
_SINGULAR = re.compile(
    rf"\b(?:a|an|one|he|she)\s+(?:[\w’'-]+\s+){{0,5}}?(?:was|has been|had been|got)\s+"
    rf"(?:reportedly\s+|allegedly\s+|later\s+|also\s+)?{_DEATH}",
    re.IGNORECASE,
)
# headline style, with no auxiliary: "an officer from Latakia killed in Hama", "One died and
# several were injured"
_SINGULAR_HEADLINE = re.compile(
    r"\b(?:a|an|one)\s+(?:[\w’'-]+\s+){0,6}?(?:killed|shot dead|died|dead)\b"
    r"(?=\s+(?:in|at|near|on|during|by|when|after|while|and)\b|\s*[,.;]|\s*$)",
    re.IGNORECASE,
)
# "the death of a child", "the killing of a shepherd" -> 1
_DEATH_OF_ONE = re.compile(
    r"(?:^|\band\s+|,\s*|\bcaus\w+\s+|\bresult\w*\s+in\s+|\bled\s+to\s+)(?:the\s+)?"
    r"(?:death|killing)\s+of\s+(?:a|an|one)\s+(?!number\b)",
    re.IGNORECASE,
)
# "The man later died in the hospital", "He succumbed to his injuries"
_HE_DIED = re.compile(
    r"\b(?:he|she|the\s+(?:[\w’'-]+\s+){0,2}?(?P<head>[\w’'-]+))\s+"
    r"(?:later\s+|subsequently\s+|eventually\s+|also\s+)?(?:died|succumbed)\b",
    re.IGNORECASE,
)
_PAIR = re.compile(
    rf"\b(?:a|an|one)\s+(?:[\w’'-]+\s+){{0,3}}?\w+\s+and\s+(?:his|her|their|a|an|another)\s+"
    rf"{_PERSON_PAIR}\s+(?:were|have been|had been)\s+(?:reportedly\s+)?{_DEATH}",
    re.IGNORECASE,
)
_NONE_KILLED = re.compile(
    r"\b(?:no one|nobody|no casualties|no deaths|no fatalities|no injuries)\b", re.IGNORECASE
)
_VAGUE = re.compile(r"\b(?:dozens|scores|hundreds|thousands|several|many|some)\b", re.IGNORECASE)
# "and a child": one more victim; not ", a police officer told reporters" (the speaker)
_ONE_MORE = re.compile(rf"\band\s+(?:a|an)\s+(?:{_PERSON_PAIR}|{_VICTIM})\b", re.IGNORECASE)
_GROUP_NUMBER = re.compile(rf"{_QUALIFIER}(?P<n>{_NUMBER})(?=\s|$)", re.IGNORECASE)
# "Two civilians were also killed", "3 others died": more deaths, added to the ones told
ADDITIVE = re.compile(r"\b(?:also|another|others?|more|as well)\b", re.IGNORECASE)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# A count told as coded elsewhere: "with the bodies of 3 students killed (coded separately)"
ELSEWHERE_MARK = " ⟂"
# Rewrites before counting: no dates, the lowest figure of a range, no ages, no asides.
_REWRITES = [
    (
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?\b"
            rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
            r"|\b(?:19|20)\d\d\b",
            re.I,
        ),
        "",
    ),
    (
        re.compile(r"\s*\([^()]*\b(?:coded separately|separate events?)\b[^()]*\)", re.I),
        ELSEWHERE_MARK,
    ),
    (re.compile(rf"\bbetween\s+({_NUMBER})\s+and\s+(?:about\s+)?{_NUMBER}\b", re.I), r"\1"),
    (re.compile(rf"\beither\s+({_NUMBER})\s+or\s+{_NUMBER}\b", re.I), r"\1"),
    (
        re.compile(rf"\b({_NUMBER})\s+(?:or|to)\s+(?:about\s+)?{_NUMBER}\b(?!\s*(?:%|km))", re.I),
        r"\1",
    ),
    (re.compile(r"\b(\d+)\s*[-–]\s*\d+\b"), r"\1"),
    (re.compile(r"\b(?:aged\s+)?\d+[- ]years?[- ]olds?\b|\baged\s+\d+\b", re.I), ""),
    (re.compile(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]"), ""),
    # "Four persons, including two party members, were killed" -> "Four persons were killed"
    (
        re.compile(
            r"\s*,?\s+(?:including|among (?:them|whom|which)|of whom|most of them|mostly)\b"
            r"[^;.]*?(?=\s+(?:were|was|have been|had been|died)\b)",
            re.I,
        ),
        "",
    ),
    (
        re.compile(
            r",\s*(?:including|among (?:them|whom|which)|of whom|most of them|mostly)\b[^,;.]*,?",
            re.I,
        ),
        "",
    ),
    # "1 person, a hawker, was killed"
    (re.compile(r",\s+(?:a|an)\s+[^,;.]{1,50},\s*(?=(?:was|were|died)\b)", re.I), " "),
]


def normalise(sentence: str) -> str:
    """The sentence with ranges cut to their lowest figure, ages, brackets and "including ..."
    asides removed: what the count patterns read."""
    for pattern, replacement in _REWRITES:
        sentence = pattern.sub(replacement, sentence)
    return sentence


def stated_total(sentence: str) -> int | None:
    """A total the text states outright ("Total 9 fatalities", "coded as 3"), or None."""
    match = _TOTAL.search(sentence) or _TOTAL.search(normalise(sentence))
    if match is None:
        return None
    return parse_number(match.group("n") or match.group("n2") or match.group("n3") or "")


# Every count pattern holds one of these stems: a sentence without any is skipped at once.
_DEATH_STEM = re.compile(
    r"kill|dead|die|death|fatalit|bod(?:y|ies)|corpse|succumb|casualt|martyr|slain|murder|"
    r"execut|lynch|behead|massacr|perish|lives|gunned|hacked|stabbed|beat|burn|charred|"
    r"tortur|assassin|decapitat|slaughter|strangl|stoned|toll|victim",
    re.IGNORECASE,
)


def count_fatalities(sentence: str) -> int | None:
    """Deaths reported in one event sentence; None when the sentence gives no number."""
    if not _DEATH_STEM.search(sentence):
        return 0 if _NONE_KILLED.search(sentence) else None
    total = stated_total(sentence)
    if total is not None:
        return total
    sentence = normalise(sentence)
    counted = _counted_groups(sentence)
    if counted:
        return _combine(counted)
    if _PAIR.search(sentence):
        return 2
    singles = [
        m
        for m in (
            *_SINGULAR.finditer(sentence),
            *_SINGULAR_HEADLINE.finditer(sentence),
            *_SINGLE_OBJECT.finditer(sentence),
            *_singular_objects(sentence),
            *_he_died(sentence),
            *_DEATH_OF_ONE.finditer(sentence),
        )
        if not _not_conflict_death(sentence, m)
    ]
    if singles:
        return _distinct_singles(singles)
    if _NONE_KILLED.search(sentence):
        return 0
    return None


def _counted_groups(sentence: str) -> list[tuple[int, int, int, bool]]:
    """(start, end, deaths, additive) for every counted match."""
    counted = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if _not_conflict_death(sentence, m) or _told_elsewhere(sentence, m):
                continue
            listed = m.group("list")
            groups = [parse_number(g.group("n")) for g in _GROUP_NUMBER.finditer(listed)]
            values = [g for g in groups if g is not None]
            if values:  # "5 citizens and a child": one more victim named without a number
                values += [1 for _ in _ONE_MORE.finditer(listed)]
                before = sentence[max(0, m.start() - 12) : m.start()]
                additive = bool(ADDITIVE.search(m.group(0)) or ADDITIVE.search(before))
                counted.append((m.start(), m.end(), sum(values), additive))
    return counted


def _told_elsewhere(sentence: str, match: re.Match[str]) -> bool:
    """Is the count marked as coded in another event, before the clause ends?"""
    rest = re.split(r"[,.;]", sentence[match.end() : match.end() + 40], maxsplit=1)[0]
    return ELSEWHERE_MARK.strip() in rest


def _combine(counted: list[tuple[int, int, int, bool]]) -> int:
    """The largest count, plus the deaths told as more ("two civilians were also killed")
    in a part of the sentence no other count covers."""
    ordered = sorted(counted, key=lambda c: -c[2])
    kept: list[tuple[int, int, int, bool]] = []
    for item in ordered:
        if not any(item[0] < k[1] and k[0] < item[1] for k in kept):
            kept.append(item)
    base = max((k[2] for k in kept if not k[3]), default=0)
    extra = sum(k[2] for k in kept if k[3])
    return base + extra if base else max(k[2] for k in kept)


def _distinct_singles(singles: list[re.Match[str]]) -> int:
    """One victim per distinct, non-overlapping singular mention."""
    spans: list[tuple[int, int]] = []
    for m in sorted(singles, key=lambda m: m.start()):
        if not any(m.start() < end and start < m.end() for start, end in spans):
            spans.append((m.start(), m.end()))
    return len(spans)


def _singular_objects(sentence: str) -> list[re.Match[str]]:
    """ "killed the chief" (one victim); "killed the chief and his son" (two)."""
    found = []
    for m in _THE_OBJECT.finditer(sentence):
        if _is_singular(m.group("head")) and _is_person(m.group("head")):
            found.append(m)
            second = _AND_PARTNER.match(sentence, m.end())
            if second:
                found.append(second)
    return found


def _he_died(sentence: str) -> list[re.Match[str]]:
    return [
        m
        for m in _HE_DIED.finditer(sentence)
        if m.group("head") is None or _is_singular(m.group("head"))
    ]


def _is_person(noun: str) -> bool:
    """ "killed the chief" is a victim, "killed the game" (a football idiom) or "killed the
    bill" is not: the head of a singular object must name a person."""
    return bool(_PERSON_HEAD.fullmatch(noun))


def _is_singular(noun: str) -> bool:
    lowered = noun.lower()
    if lowered in _PLURAL_IRREGULAR or parse_number(lowered) is not None:
        return False
    return not lowered.endswith("s") or bool(_SINGULAR_S.search(lowered))


def _clause_around(sentence: str, start: int, end: int) -> str:
    """The clause holding a match and the one before it ("a classroom collapsed, killing six
    pupils"): accident or animal words there disqualify the count."""
    left = max(sentence.rfind(c, 0, start) for c in ",;:")
    left = max(sentence.rfind(c, 0, max(left, 0)) for c in ",;:")
    right = [i for i in (sentence.find(c, end) for c in ",;:") if i != -1]
    return sentence[left + 1 : min(right) if right else len(sentence)]


def parse_number(token: str) -> int | None:
    """'30' -> 30, '1,700' -> 1700, 'thirty-two' -> 32, 'a dozen' -> 12, '60 thousand' ->
    60000; None if not a number."""
    token = token.strip().lower()
    if not token:
        return None
    if token.endswith("thousand"):
        base = parse_number(token[: -len("thousand")])
        return base * 1000 if base is not None else None
    digits = token.replace(",", "")
    if digits.isdigit():
        return int(digits)
    if token in _UNITS:
        return _UNITS[token]
    if "hundred" in token:
        return 100
    parts = re.split(r"[- ]", token)
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


def is_vague_count(sentence: str) -> bool:
    return bool(_VAGUE.search(sentence))
