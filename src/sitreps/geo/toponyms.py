"""Toponym recognition in raw article text by gazetteer matching plus context cues.

Capitalised runs of 1-4 tokens (with lower-case connectors such as "ez", "al", "of") are looked
up in the gazetteer, longest first. A match is kept or dropped by how well known the place is
and by its context: a locative preposition, a "province"/"county" suffix, "the city of X",
"X, Y" containment, a title before a name ("Mr", "President"), a capitalised neighbour that makes
it part of a person's or organisation's name, and optional spaCy entity spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import yaml

from sitreps.geo.demonyms import country_code, demonym_code
from sitreps.geo.gazetteer import (
    ALIAS_CURATED,
    DATA_DIR,
    Candidate,
    Gazetteer,
    open_gazetteer,
)
from sitreps.geo.normalize import name_key

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_TOKENS = 4
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_CONNECTORS = frozenset(
    {
        "of",
        "de",
        "del",
        "der",
        "la",
        "le",
        "les",
        "el",
        "al",
        "ez",
        "es",
        "ed",
        "ad",
        "an",
        "as",
        "ash",
        "ar",
        "az",
        "at",
        "du",
        "des",
        "da",
        "do",
        "dos",
        "das",
        "di",
        "upon",
        "sur",
        "and",
        "bin",
        "ibn",
        "abu",
        "am",
        "im",
        "en",
        "y",
        "e",
        "van",
        "von",
        "aan",
    }
)
_INNER_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")
_SKIPPABLE_BEFORE = frozenset(
    {
        "the",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "north",
        "south",
        "east",
        "west",
        "rural",
        "downtown",
        "greater",
        "neighbouring",
        "neighboring",
        "nearby",
        # "in north-east Syria", "in north-western Syria"
        *(
            f"{ns}{sep}{ew}{end}"
            for ns in ("north", "south")
            for sep in ("-", "")
            for ew in ("east", "west")
            for end in ("", "ern")
        ),
    }
)
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "lord",
        "lady",
        "president",
        "minister",
        "general",
        "gen",
        "colonel",
        "col",
        "captain",
        "capt",
        "major",
        "maj",
        "lt",
        "sgt",
        "sergeant",
        "king",
        "queen",
        "prince",
        "princess",
        "sheikh",
        "imam",
        "bishop",
        "pope",
        "senator",
        "sen",
        "rep",
        "governor",
        "gov",
        "mayor",
        "chief",
        "commander",
        "judge",
        "justice",
        "professor",
        "prof",
        "father",
        "brother",
        "sister",
        "saint",
        "st",
        "mullah",
        "emir",
        "ayatollah",
        "spokesman",
        "spokeswoman",
        "secretary",
        "chairman",
    }
)
_ADMIN_SUFFIXES = {
    "province": "admin1",
    "governorate": "admin1",
    "oblast": "admin1",
    "region": "admin1",
    "state": "admin1",
    "prefecture": "admin1",
    "department": "admin1",
    "county": "admin2",
    "district": "admin2",
    "municipality": "admin2",
    "division": "admin2",
    "city": "place",
    "town": "place",
    "village": "place",
    "camp": "place",
    "area": "place",
    "neighbourhood": "place",
    "neighborhood": "place",
    "suburb": "place",
    "countryside": "admin1",  # "the Idlib countryside": the province outside its capital
    "desert": "admin1",
}
_NEAR_BEFORE = re.compile(
    r"(?:\bnear|\boutside|\bnearby|\bclose to|\boutskirts of|\bvicinity of|\bnorth of|"
    r"\bsouth of|\beast of|\bwest of|(?:north|south)-?(?:east|west) of)"
    r"\s+(?:the\s+)?(?:(?:city|town|village|area)\s+of\s+)?$",
    re.IGNORECASE,
)
_OF_PATTERN = re.compile(
    r"(?:\b(?P<adj>[A-Z][\w’'-]+)\s+)?(?:(?:port|border|northern|southern|eastern|western|"
    r"central|coastal|restive|besieged|ancient|capital|key|strategic|desert)\s+)*"
    r"(?P<kind>city|town|village|port|capital|province|region|district|state|county|"
    r"governorate|area|suburb|neighbourhood|neighborhood|camp|municipality|locality|"
    r"settlement|oblast|island|hamlet|countryside|outskirts|suburbs|areas|centre|center|"
    r"heart|streets|desert|villages|towns)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset(
    "a an the in on at of for to from by with and but or nor as if when while after before since "
    "during it he she they we i you this that these those there here his her their its our my your "
    "meanwhile elsewhere also then so yet both all some many most more several one two three four "
    "five six seven eight nine ten what who which where why how not no new according despite "
    "although though however earlier later last next today yesterday tomorrow".split()
)
# Words that turn a preceding or following place name into an organisation or facility name.
_INSTITUTIONS = frozenset(
    "department ministry university college school street road avenue post times news herald "
    "tribune journal gazette bank company corporation inc group party council committee center "
    "centre hospital airport station park square bridge hotel club church mosque chamber board "
    "institute foundation association society agency office court police".split()
)
_CONTRACTION = re.compile(r"^\w+['’](?:ve|re|ll|d|m|t|s)$", re.IGNORECASE)
_PART_OF = re.compile(
    r"\s+(?:area|suburb|district|village|town|neighbou?rhood|estate|ward|"
    r"division|location|sub-?county|outskirts|part|region|province|county)"
    r"\s+(?:of|in)\s+(?:the\s+)?|\s*\(\s*",
    re.IGNORECASE,
)
# "Islamic State of Iraq and Syria", "Bank of England", "University of Nairobi": the places
# after "of" belong to an organisation's name (group 1 is blocked as a toponym).
_ORGANISATION_OF = re.compile(
    r"\b(?:(?!The )[A-Z][a-z]+ State|Army|Front|Council|Bank|University|College|Ministry|Department|Movement|"
    r"Brigades?|Battalions?|League|Emirate|Caliphate|Party|Institute|Organi[sz]ation|Office|"
    r"Command|Authority|Federation|Association|Court|Church|Chamber|Museum|School)"
    r" of (?:the )?([A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*(?:(?: and|,) (?:the )?[A-Z][\w’'-]+)*)"
)
# "US-backed", "Kurdish-led", "Iranian-made": a compound adjective, never part of a person's name
_ADJECTIVAL_COMPOUND = re.compile(r"-[a-z]{3,}$")
_APPOSITION = re.compile(r",\s+(?:a|an|the)\s+(?:[a-z-]+\s+){0,2}?([a-z]+)\b")
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”]\s*$|^\s*$")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    capitalised: bool = False  # set by `tokenize`: see `_capitalised`


def _capitalised(word: str) -> bool:
    """ "Homs", and also "ez-Zor" / "al-Raqqa" (a lower-case article glued to a name)."""
    if word[:1].isupper():
        return True
    head, _, tail = word.rpartition("-")
    return bool(head) and tail[:1].isupper() and head.lower() in _CONNECTORS


@dataclass
class Toponym:
    """A place name found in the text. ``candidates`` are the gazetteer entries for it."""

    start: int
    end: int
    text: str
    candidates: tuple[Candidate, ...] = ()
    near: bool = False
    cue: str | None = None  # the locative word before it ("in", "near", "city of"...)
    kind_hint: str | None = None  # feature suggested by the context ("admin1", "place")
    country_hint: str | None = None  # from "the Syrian port city of X"
    next_in_list: int | None = None  # index of the toponym after ", " / " and "
    list_joiner: str | None = None  # "," / "and" / "or"
    from_entity: bool = False
    in_name: bool = False  # inside an organisation's name ("Islamic State of Iraq")

    @property
    def known(self) -> bool:
        return bool(self.candidates)


def tokenize(text: str) -> list[Token]:
    """Word tokens with offsets (a possessive "'s" is cut off)."""
    return list(_tokens(text))


@lru_cache(maxsize=8)  # the scanner and the country votes tokenise the same article
def _tokens(text: str) -> tuple[Token, ...]:
    tokens = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group()
        if word.endswith(("'s", "’s")) and len(word) > 2:
            end -= 2
            word = word[:-2]
        tokens.append(Token(start, end, word, _capitalised(word)))
    return tuple(tokens)


class _Scanner:
    def __init__(
        self, text: str, gazetteer: Gazetteer, entities: Sequence[tuple[int, int, str]] | None
    ):
        self.text = text
        self.gaz = gazetteer
        self.tokens = tokenize(text)
        self.lower_words = {t.text.lower() for t in self.tokens if t.text.islower()}
        self.surnames = self._surnames()
        self.blocked: list[tuple[int, int]] = []
        self.organisation_tails = [m.span(1) for m in _ORGANISATION_OF.finditer(text)]
        self.locations: list[tuple[int, int]] = []
        for start, end, label in entities or ():
            if label in {"GPE", "LOC", "FAC"}:
                self.locations.append((start, end))
            elif label in {"PERSON", "WORK_OF_ART", "PRODUCT", "LAW"}:
                self.blocked.append((start, end))

    def _surnames(self) -> set[str]:
        """Second words of capitalised pairs ("Paul Allen", "Mr Putin", "Bashar al-Assad"):
        the same word alone later in the text is a person, not a place."""
        found = set()
        for k in range(1, len(self.tokens)):
            first, second = self.tokens[k - 1], self.tokens[k]
            gap = self.text[first.end : second.start]
            if gap != " " or not (first.capitalised and second.capitalised):
                continue
            first_key, second_key = name_key(first.text), name_key(second.text)
            if first_key in _TITLES:
                found.add(second_key)
            elif self._plain_name(first_key, first.text) and self._plain_name(
                second_key, second.text
            ):
                found.add(second_key)
                if _strength(self.gaz.lookup_candidates(first.text)) < 2:
                    found.add(first_key)  # "Nelson Mandela", "Chen Jining"
        return found

    def _plain_name(self, key: str, word: str) -> bool:
        return (
            not _ADJECTIVAL_COMPOUND.search(word)
            and key not in self.gaz.stopwords
            and key not in _FUNCTION_WORDS
            and key not in self.lower_words
            and key not in _ADMIN_SUFFIXES
            and key not in _INSTITUTIONS
            and not country_code(word)
        )

    # -- candidate spans --------------------------------------------------------------------

    def _joined(self, i: int, j: int) -> bool:
        """Tokens i..j form one name: only spaces or hyphens between them, inner words ok."""
        for k in range(i, j):
            gap = self.text[self.tokens[k].end : self.tokens[k + 1].start]
            if not _INNER_GAP.fullmatch(gap):
                return False
        for k in range(i + 1, j):
            word = self.tokens[k]
            if not word.capitalised and word.text.lower() not in _CONNECTORS:
                return False
        return self.tokens[j].capitalised

    def spans(self) -> list[tuple[int, int, tuple[Candidate, ...]]]:
        found = []
        i = 0
        while i < len(self.tokens):
            if (
                not self.tokens[i].capitalised
                or self.tokens[i].text in {"The", "A", "An"}
                or _CONTRACTION.match(self.tokens[i].text)
            ):
                i += 1
                continue
            match = None
            for j in range(min(len(self.tokens), i + MAX_TOKENS) - 1, i - 1, -1):
                if not self._joined(i, j):
                    continue
                surface = self.text[self.tokens[i].start : self.tokens[j].end]
                candidates = self.gaz.lookup_candidates(surface)
                if candidates:
                    match = (i, j, candidates)
                    break
            if match:
                found.append(match)
                i = match[1] + 1
            else:
                i += 1
        return found

    # -- context -----------------------------------------------------------------------------

    def sentence_initial(self, i: int) -> bool:
        before = self.text[max(0, self.tokens[i].start - 3) : self.tokens[i].start]
        return i == 0 or bool(_SENTENCE_END.search(before)) or before.endswith(("‘", "'", "("))

    def preceding_word(self, i: int) -> tuple[str | None, int]:
        """The word before token i (skipping "the", "northern"...), and its index."""
        k = i - 1
        while k >= 0 and self.tokens[k].text.lower() in _SKIPPABLE_BEFORE:
            k -= 1
        if k < 0:
            return None, k
        gap = self.text[self.tokens[k].end : self.tokens[k + 1].start]
        if gap.strip(" -") or "\n" in gap:
            return None, k
        return self.tokens[k].text.lower(), k

    def capitalised_neighbour(self, i: int, j: int) -> bool:
        """A capitalised word glued to the span: it is part of a longer name."""
        before = i - 1
        if (
            before >= 0
            and self._is_name_word(before)
            and _INNER_GAP.fullmatch(self.text[self.tokens[before].end : self.tokens[i].start])
        ):
            return True
        after = j + 1
        return (
            after < len(self.tokens)
            and self._is_name_word(after)
            and not self.tokens[after].text.isupper()
            and bool(_INNER_GAP.fullmatch(self.text[self.tokens[j].end : self.tokens[after].start]))
        )

    def after_capitalised_common_word(self, i: int) -> bool:
        """ "City Hall", "Premier League": a capitalised common word makes it a name."""
        if i == 0 or self.sentence_initial(i - 1):
            return False
        before = self.tokens[i - 1]
        key = name_key(before.text)
        return (
            before.capitalised
            and key in self.gaz.stopwords
            and key not in _TITLES
            and self.text[before.end : self.tokens[i].start] == " "
        )

    def _is_name_word(self, k: int) -> bool:
        word = self.tokens[k].text
        key = name_key(word)
        return (
            word[:1].isupper()
            and not _ADJECTIVAL_COMPOUND.search(word)
            and key not in self.gaz.stopwords
            and key not in _FUNCTION_WORDS
            and key not in self.lower_words
            and key not in _ADMIN_SUFFIXES
            and not country_code(word)
        )

    def overlaps(self, spans: list[tuple[int, int]], start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in spans)


def _strength(candidates: tuple[Candidate, ...]) -> int:
    """2: well known (country, region, admin1, town >= 100k); 1: town >= 10k or admin2; 0."""
    best = 0
    for cand in candidates:
        place = cand.place
        if cand.fuzzy:
            level = 1 if place.feature != "place" else 0
        elif place.feature in {"country", "region", "admin1"} or place.population >= 100_000:
            level = 2
        elif place.feature == "admin2" or place.population >= 10_000:
            level = 1
        else:
            level = 0
        best = max(best, level)
    return best


@cache
def place_words(part: str) -> frozenset[str]:
    """One list of ``data/place_words.yaml`` (heads, kinds, verbs, actor_nouns), normalised."""
    data = yaml.safe_load(DATA_DIR.joinpath("place_words.yaml").read_text(encoding="utf-8"))
    return frozenset(name_key(w) for w in (data or {}).get(part) or ())


_LOCATIVE = place_words("locative_cues")  # "in Homs", "shelled Douma" (data)


def _place_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    return place_words("heads"), place_words("kinds"), place_words("verbs")


def find_toponyms(
    text: str,
    entities: list[tuple[int, int, str]] | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[Toponym]:
    """Place names in ``text`` with character offsets, context cues and gazetteer candidates."""
    gaz = gazetteer or open_gazetteer()
    scan = _Scanner(text, gaz, entities)
    toponyms: list[Toponym] = []
    token_index: list[tuple[int, int]] = []  # (first, last) token of each toponym
    for i, j, candidates in scan.spans():
        toponym = _judge(scan, i, j, candidates, toponyms)
        if toponym is not None:
            toponyms.append(toponym)
            token_index.append((i, j))
    _add_entity_only(scan, toponyms, token_index)
    _add_unknown_list_members(scan, toponyms, token_index)
    _add_cued_unknowns(scan, toponyms, token_index)
    order = sorted(range(len(toponyms)), key=lambda k: toponyms[k].start)
    toponyms = [toponyms[k] for k in order]
    token_index = [token_index[k] for k in order]
    _link_lists(scan, toponyms, token_index)
    return toponyms


def _judge(
    scan: _Scanner, i: int, j: int, candidates: tuple[Candidate, ...], accepted: list[Toponym]
) -> Toponym | None:
    start, end = scan.tokens[i].start, scan.tokens[j].end
    surface = scan.text[start:end]
    key = name_key(surface)
    single = i == j
    if single and (
        key in scan.gaz.stopwords
        or demonym_code(surface)
        or len(key) <= 2
        and not surface.isupper()
    ):
        return None
    if _acronym(surface):
        candidates = tuple(
            c
            for c in candidates
            if c.alias_kind == ALIAS_CURATED or c.place.feature == "country" and len(key) > 2
        )
        if not candidates:
            return None  # "NATO", "BA", "APC": acronyms, not the towns that share the letters
    if scan.overlaps(scan.blocked, start, end) and not scan.overlaps(scan.locations, start, end):
        return None
    toponym = _with_context(scan, i, j, candidates)
    toponym.in_name = scan.overlaps(scan.organisation_tails, start, end)
    strength = _strength(candidates)
    is_country = any(c.place.feature == "country" for c in candidates)
    in_entity = scan.overlaps(scan.locations, start, end)
    previous_word, _ = scan.preceding_word(i)
    if previous_word in _TITLES:
        return None
    if not is_country and not in_entity and scan.capitalised_neighbour(i, j):
        return None
    cued = toponym.cue is not None or toponym.kind_hint is not None or in_entity
    if strength == 2:
        return toponym
    if (
        key in scan.surnames
        or _institution_around(scan, i, j)
        or scan.after_capitalised_common_word(i)
    ):
        return None
    if single and key in scan.lower_words and not in_entity:
        return None  # "police", "bar": used as an ordinary word in this very document
    after_comma_of_place = bool(accepted) and _follows_list(scan.text, accepted[-1].end, start)
    if strength == 1 and (cued or after_comma_of_place or not scan.sentence_initial(i)):
        return toponym
    if cued or (after_comma_of_place and accepted[-1].known):
        return toponym
    return None


def _acronym(surface: str) -> bool:
    letters = surface.replace(".", "")
    return letters.isupper() and len(letters) <= 5


def _institution_around(scan: _Scanner, i: int, j: int) -> bool:
    """ "Commerce Department", "Chamber of Commerce": part of an organisation's name."""
    after = j + 1
    if (
        after < len(scan.tokens)
        and scan.tokens[after].text.lower() in _INSTITUTIONS
        and scan.tokens[after].capitalised
    ):
        return True
    if i >= 2 and scan.tokens[i - 1].text == "of" and scan.tokens[i - 2].capitalised:
        return scan.tokens[i - 2].text.lower() in _INSTITUTIONS
    return False


def _follows_list(text: str, previous_end: int, start: int) -> bool:
    """``start`` continues a list after the previous toponym ("X, Y", "X and Y")."""
    gap = text[previous_end:start]
    return re.fullmatch(r"\s*(?:,\s*)?(?:(?:and|or)\s+)?", gap) is not None and gap.strip() != ""


def _may_have_cue(before: str) -> bool:
    """Cheap test: can ``_NEAR_BEFORE`` or ``_OF_PATTERN`` match at the end of ``before``?"""
    tail = before[-24:].rstrip().lower()
    if tail.endswith("the"):
        tail = tail[:-3].rstrip()
    return tail.endswith(("of", "near", "outside", "nearby", "close to"))


def _with_context(scan: _Scanner, i: int, j: int, candidates: tuple[Candidate, ...]) -> Toponym:
    start, end = scan.tokens[i].start, scan.tokens[j].end
    toponym = Toponym(start, end, scan.text[start:end], candidates)
    before = scan.text[max(0, start - 80) : start]
    if not _may_have_cue(before):
        before = ""  # the regular expressions below are costly: most names have no such cue
    if before and _NEAR_BEFORE.search(before):
        toponym.near = True
        toponym.cue = "near"
    of_match = _OF_PATTERN.search(before) if before else None
    if of_match:
        toponym.cue = toponym.cue or f"{of_match.group('kind').lower()} of"
        kind = _ADMIN_SUFFIXES.get(of_match.group("kind").lower(), "place")
        toponym.kind_hint = kind
        adjective = of_match.group("adj")
        if adjective:
            toponym.country_hint = country_code(adjective)
    word, _ = scan.preceding_word(i)
    if toponym.cue is None and word in _LOCATIVE:
        toponym.cue = word
    after = j + 1
    if after < len(scan.tokens):
        suffix = scan.tokens[after].text.lower()
        gap = scan.text[end : scan.tokens[after].start]
        if suffix in _ADMIN_SUFFIXES and _INNER_GAP.fullmatch(gap):
            toponym.kind_hint = _ADMIN_SUFFIXES[suffix]
    return toponym


def _add_entity_only(
    scan: _Scanner, toponyms: list[Toponym], token_index: list[tuple[int, int]]
) -> None:
    """spaCy GPE/LOC spans the gazetteer scan missed: looked up whole, else kept as unknown."""
    for start, end in scan.locations:
        if any(t.start < end and start < t.end for t in toponyms):
            continue
        surface = scan.text[start:end]
        for article in ("the ", "The "):
            if surface.startswith(article):
                surface, start = surface[len(article) :], start + len(article)
        if not surface[:1].isupper() or country_code(surface) and demonym_code(surface):
            continue
        candidates = scan.gaz.lookup_candidates(surface)
        first = next((k for k, t in enumerate(scan.tokens) if t.start >= start), None)
        if first is None:
            continue
        last = max(k for k, t in enumerate(scan.tokens) if t.start < end)
        toponym = _with_context(scan, first, last, candidates)
        toponym.from_entity = True
        toponyms.append(toponym)
        token_index.append((first, last))


def _add_unknown_list_members(
    scan: _Scanner, toponyms: list[Toponym], token_index: list[tuple[int, int]]
) -> None:
    """Capitalised words coordinated with a cued known place ("in Homs, Tayyiba and Hama").

    They are kept as unknown toponyms (no candidates): the event-location step can still say
    that something happened at a named place it cannot put on the map.
    """
    taken = {k for first, last in token_index for k in range(first, last + 1)}
    for idx in range(len(toponyms)):
        if toponyms[idx].cue is None or not toponyms[idx].known:
            continue
        k = token_index[idx][1] + 1
        joined = False
        while k < len(scan.tokens):
            gap = scan.text[scan.tokens[k - 1].end : scan.tokens[k].start]
            word = scan.tokens[k]
            if "\n" in gap or gap.strip() not in {",", ""}:
                break
            if word.text.lower() in {"and", "or"}:
                joined, k = True, k + 1
                continue
            if not (joined or gap.strip() == ",") or not scan._is_name_word(k):
                break
            joined = False
            if k not in taken:
                toponym = Toponym(word.start, word.end, word.text, (), cue="list")
                toponyms.append(toponym)
                token_index.append((k, k))
                taken.add(k)
            k += 1


def _add_cued_unknowns(
    scan: _Scanner, toponyms: list[Toponym], token_index: list[tuple[int, int]]
) -> None:
    """Names no gazetteer knows that the context makes places: "the village of Shalaf",
    "the Bayaa neighborhood", "Huwaysis area", "entered Tal Bizam", "at Khirbet al-Joz".

    They are kept without candidates; the event-location step reports them at the level of
    a known place near them in the sentence, or of the country.
    """
    heads, kinds, verbs = _place_words()
    taken = {k for first, last in token_index for k in range(first, last + 1)}
    i = 0
    while i < len(scan.tokens):
        j = _unknown_run(scan, i, taken)
        if j is None:
            i += 1
            continue
        toponym = _with_context(scan, i, j, ())
        if _names_a_place(scan, i, j, toponym, heads, kinds, verbs):
            toponym.cue = toponym.cue or "named place"
            toponyms.append(toponym)
            token_index.append((i, j))
            taken.update(range(i, j + 1))
        i = j + 1


def _unknown_run(scan: _Scanner, i: int, taken: set[int]) -> int | None:
    """Last token of the capitalised name starting at token i, if it is free and plausible."""
    token = scan.tokens[i]
    if i in taken or not token.capitalised or not scan._is_name_word(i):
        return None
    if token.text in {"The", "A", "An"} or _CONTRACTION.match(token.text):
        return None
    j = i
    while j + 1 < len(scan.tokens) and j + 1 - i < MAX_TOKENS and j + 1 not in taken:
        if not scan._joined(i, j + 1):
            break
        j += 1
    while j > i and not scan.tokens[j].capitalised:
        j -= 1
    start, end = scan.tokens[i].start, scan.tokens[j].end
    if (
        scan.overlaps(scan.blocked, start, end)
        or scan.overlaps(scan.organisation_tails, start, end)
        or (i == j and name_key(token.text) in scan.surnames)
    ):
        return None
    return j


def _names_a_place(
    scan: _Scanner,
    i: int,
    j: int,
    toponym: Toponym,
    heads: frozenset[str],
    kinds: frozenset[str],
    verbs: frozenset[str],
) -> bool:
    word, _ = scan.preceding_word(i)
    if word in _TITLES or scan.after_capitalised_common_word(i):
        return False
    if toponym.kind_hint is not None and (toponym.cue or "").endswith(" of"):
        return True  # "the village of Shalaf", "the town of Kafr Nabuda"
    after = j + 1
    if after < len(scan.tokens) and name_key(scan.tokens[after].text) in kinds:
        gap = scan.text[scan.tokens[j].end : scan.tokens[after].start]
        if gap == " " and not scan.tokens[after].capitalised:
            return True  # "the Bayaa neighborhood", "Huwaysis area"
    if word in verbs:
        return True  # "entered Tal Bizam"
    apposition = _APPOSITION.match(scan.text, scan.tokens[j].end)
    if apposition and name_key(apposition.group(1)) in kinds:
        return True  # "Tahrawa, a village near Mosul"
    head = name_key(scan.tokens[i].text) in heads and j > i
    return head and (word in _LOCATIVE or toponym.cue is not None)


def _link_lists(
    scan: _Scanner, toponyms: list[Toponym], token_index: list[tuple[int, int]]
) -> None:
    for idx in range(len(toponyms) - 1):
        gap = scan.text[toponyms[idx].end : toponyms[idx + 1].start]
        if _PART_OF.fullmatch(gap):
            toponyms[idx].next_in_list = idx + 1
            toponyms[idx].list_joiner = "of"
            continue
        joiner = re.fullmatch(r"\s*(,)?\s*(?:(and|or)\s+)?(?:the\s+)?", gap)
        if joiner and (joiner.group(1) or joiner.group(2)):
            toponyms[idx].next_in_list = idx + 1
            toponyms[idx].list_joiner = joiner.group(2) or ","
            follower = toponyms[idx + 1]
            if follower.cue is None and toponyms[idx].cue is not None:
                follower.cue = "list"
                follower.near = follower.near or toponyms[idx].near
