"""Fatality counts tied to the kill words of an event's sentence.

"killed 30 IS militants" -> 30; "three people died" -> 3; "a death toll of 12" -> 12;
"killing 3 soldiers and 5 militants" -> 8 (victim groups are summed); "at least 12" -> 12
(the lower bound, as ACLED codes it); "a man was shot dead" -> 1; "dozens were killed" ->
None (vague: the number is unknown, not zero); "no one was hurt" -> 0. Injuries are not deaths.
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
    r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:"
    + "|".join(_TENS)
    + r")(?:[- ](?:"
    + "|".join(k for k in _UNITS if " " not in k)
    + r"))?|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r"|(?:a |one )?hundred)"
)
_QUALIFIER = r"(?:at least |more than |over |about |around |nearly |almost |some |up to |an estimated |a total of |another |other )?"
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
    r"activists|journalists|peacekeepers|police|marines|sailors|pilots|crew)"
)
_DEATH = r"(?:killed|dead|died|shot dead|slain|murdered|massacred|executed|beheaded|perished|lost their lives|lynched|hacked to death|burned to death|burnt to death|stabbed to death|beaten to death|gunned down)"

_KILLING = (
    r"(?:kill(?:ed|ing|s)?|left|leaving|claimed the lives of|massacred|executed|shot dead|"
    r"murdered|lynched|stoned to death|beat(?:en)? (?:up )?to death|hacked to death)"
)
_DETERMINER = r"(?:(?:its|their|the|all|his|her)\s+)?"
_PATTERNS = [
    # "killed 30 IS militants", "killing three soldiers and five militants", "killing its four
    # occupants"
    re.compile(
        rf"\b{_KILLING}\s+{_DETERMINER}"
        rf"(?P<list>{_QUALIFIER}{_NUMBER}\s+{_VICTIM}"
        rf"(?:\s*(?:,|and)\s*{_QUALIFIER}{_NUMBER}\s+{_VICTIM}|\s+and\s+an?\s+{_VICTIM})*)"
        rf"(?!\s+(?:injured|wounded|hurt))",
        re.IGNORECASE,
    ),
    # "killing at least 7, including 2 police", "killing three."
    re.compile(
        rf"\b{_KILLING}\s+(?P<list>{_QUALIFIER}{_NUMBER})(?=\s*(?:[,.;]|$|and\b|including\b|in\b|"
        rf"on\b|at\b|when\b|after\b|while\b))",
        re.IGNORECASE,
    ),
    # "resulting in 5 deaths", "5 fatalities were reported"
    re.compile(rf"(?P<list>{_QUALIFIER}{_NUMBER})\s+(?:deaths|fatalities)\b", re.IGNORECASE),
    # "beat two men to death"
    re.compile(
        rf"\b(?:beat|stoned|hacked|stabbed|burned|burnt|clubbed)\s+(?:up\s+)?"
        rf"(?P<list>{_NUMBER}\s+(?:[\w’'-]+\s+){{0,3}}?[\w’'-]+)\s+to death",
        re.IGNORECASE,
    ),
    # "30 people were killed", "three soldiers died", "12 dead"
    re.compile(
        rf"(?P<list>{_QUALIFIER}{_NUMBER}\s+(?:{_VICTIM}\s+)?(?:[\w’'-]+\s+){{0,6}}?)"
        rf"(?:were|was|have been|had been|are|being|been)?\s*(?:reportedly\s+)?{_DEATH}\b",
        re.IGNORECASE,
    ),
    # "a death toll of 12", "the toll rose to 15"
    re.compile(
        rf"\b(?:death toll|toll|fatalities|deaths)\s+(?:of|at|to|rose to|reached|stood at|climbed to)\s+"
        rf"(?P<list>{_QUALIFIER}{_NUMBER})",
        re.IGNORECASE,
    ),
]
_PERSON_PAIR = (
    r"(?:[\w’'-]+\s+){0,2}?(?:son|daughter|wife|husband|brother|sister|father|mother|child|"
    r"friend|colleague|companion|cousin|nephew|uncle|man|woman|boy|girl|bodyguard|driver)"
)
# "shot dead a driver", "a mob killed a suspected criminal" -> 1
_SINGLE_OBJECT = re.compile(
    rf"\b{_KILLING}\s+(?:a|an|one)\s+(?!number|total|series|wave|spate|string|dozen|few)",
    re.IGNORECASE,
)
# Deaths of animals (in the counted words) or in accidents (in the clause) are not conflict
# fatalities; "a livestock market" is only a place.
_ANIMALS = re.compile(
    r"\b(?:sheep|goats?|cattle|cows?|camels?|livestock|animals?|donkeys?|dogs?|chickens?|"
    r"birds?|heads? of)\b",
    re.IGNORECASE,
)
_ACCIDENT = re.compile(
    r"\b(?:accident|crash(?:ed)?|collapsed?|collision|drown\w*|landslide|flood\w*|earthquake|"
    r"lightning|stampede|electrocut\w*|speeding|motorist|illness|disease|cholera|overdose)\b",
    re.IGNORECASE,
)


def _not_conflict_death(sentence: str, match: re.Match[str]) -> bool:
    return bool(
        _ANIMALS.search(match.group(0))
        or _ACCIDENT.search(_clause_around(sentence, match.start(), match.end()))
    )


# "a suspected returnee was killed" -> 1; "a man and his son were killed" -> 2
_SINGULAR = re.compile(
    rf"\b(?:a|an|one)\s+(?:[\w’'-]+\s+){{0,5}}?(?:was|has been|had been|got)\s+"
    rf"(?:reportedly\s+|allegedly\s+)?{_DEATH}",
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


def count_fatalities(sentence: str) -> int | None:
    """Deaths reported in one event sentence; None when the sentence gives no number."""
    totals: list[int] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if _not_conflict_death(sentence, m):
                continue
            groups = [parse_number(g.group("n")) for g in _GROUP_NUMBER.finditer(m.group("list"))]
            values = [g for g in groups if g is not None]
            if values:  # "5 citizens and a child": one more victim named without a number
                values += [1 for _ in _ONE_MORE.finditer(m.group("list"))]
            if values:
                totals.append(sum(values))
    if totals:
        return max(totals)
    if _PAIR.search(sentence):
        return 2
    singles = [
        m for m in (*_SINGULAR.finditer(sentence), *_SINGLE_OBJECT.finditer(sentence))
        if not _not_conflict_death(sentence, m)
    ]  # fmt: skip
    if singles:
        return len({m.start() for m in singles})
    if _NONE_KILLED.search(sentence):
        return 0
    return None


def _clause_around(sentence: str, start: int, end: int) -> str:
    """The clause holding a match and the one before it ("a classroom collapsed, killing six
    pupils"): accident or animal words there disqualify the count."""
    left = max(sentence.rfind(c, 0, start) for c in ",;:")
    left = max(sentence.rfind(c, 0, max(left, 0)) for c in ",;:")
    right = [i for i in (sentence.find(c, end) for c in ",;:") if i != -1]
    return sentence[left + 1 : min(right) if right else len(sentence)]


def parse_number(token: str) -> int | None:
    """'30' -> 30, '1,700' -> 1700, 'thirty-two' -> 32, 'a dozen' -> 12; None if not a number."""
    token = token.strip().lower()
    if not token:
        return None
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
