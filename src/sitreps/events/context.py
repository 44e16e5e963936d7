"""What the coder knows about an article and each of its sentences while it works."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Token

from sitreps.actors import SECTION_RANK, ActorMention
from sitreps.events.codebook import Codebook, SenseGuard
from sitreps.geo import ArticleGeography
from sitreps.patterns import by_first_letter
from sitreps.records import ActorKind, Article
from sitreps.time import ResolvedDate

VICTIM_KINDS = {ActorKind.CIVILIANS}
ACTING_KINDS = {
    ActorKind.STATE_FORCES,
    ActorKind.REBELS,
    ActorKind.POLITICAL_MILITIA,
    ActorKind.IDENTITY_MILITIA,
    ActorKind.RIOTERS,
    ActorKind.PROTESTERS,
}
ARMED_KINDS = {
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


def actor_at(sentence: SentenceContext, start: int, end: int) -> ActorMention | None:
    overlapping = [a for a in sentence.actors if a.start < end and a.end > start]
    if not overlapping:
        return None
    # "presumed JNIM militants": the named group, not the generic word, is the actor;
    # "JNIM and ISGS militants": of two named groups, the first
    return max(overlapping, key=lambda a: (SECTION_RANK[a.section], -a.start))


def token_at(doc: Doc, char: int) -> Token | None:
    """The token of ``doc`` that covers character offset ``char``, if one does."""
    starts = doc.user_data.get(_TOKEN_STARTS)
    if starts is None:  # the same sentence is asked about many times: index it once
        # read from the array: no Token object is made for each of the sentence's words
        starts = doc.user_data[_TOKEN_STARTS] = doc.to_array("IDX").tolist()
    index = bisect_right(starts, char) - 1
    if index < 0:
        return None
    token = doc[index]
    return token if char < token.idx + len(token.text) else None


_TOKEN_STARTS = "sitreps.token_starts"


def token_end(token: Token) -> int:
    return token.idx + len(token.text)


# ---------------------------------------------------------------------------------------------


def trigger_token(sentence: SentenceContext, char: int) -> Token | None:
    """The parsed token at a character offset of the sentence, when it was parsed."""
    return token_at(sentence.doc, char) if sentence.doc is not None else None


# ---------------------------------------------------------------------------------------------
# The relevance gate: the cheap test that keeps most text away from the parser.


_WORD_BEFORE = r"(?<![\w-])(?:"
_WORD_AFTER = r")(?![\w-])"


class RelevanceGate:
    """Does a text hold any trigger of the codebook? One regular expression for all triggers.

    Every trigger is a whole-word pattern (``patterns.whole_words``); the gate checks the
    word boundary once for all of them instead of once per trigger, which makes it several
    times faster than an alternation of the compiled triggers. It matches wherever one of
    the triggers would (a trigger written otherwise keeps its own boundaries). Triggers
    written in lower case (all of the packaged codebook's) are matched against the lowered
    text, about four times faster than a case-insensitive search.
    """

    def __init__(self, codebook: Codebook) -> None:
        patterns = [p.pattern for s in codebook.sub_types for p in s.triggers]
        bounded = [inner for p in patterns if (inner := _without_word_bounds(p)) is not None]
        parts = [_WORD_BEFORE + "|".join(bounded) + _WORD_AFTER] if bounded else []
        parts += [p for p in patterns if _without_word_bounds(p) is None]
        source = "|".join(parts)
        # an upper-case letter may be a class (\S, \W): such triggers keep IGNORECASE
        self._lowered = source == source.lower()
        flags = 0 if self._lowered else re.IGNORECASE
        if bounded and (dispatched := by_first_letter(bounded, flags)) is not None:
            parts[0] = _WORD_BEFORE + dispatched + _WORD_AFTER
        self._pattern = re.compile("|".join(parts), flags) if parts else None
        self._triggers = [p for s in codebook.sub_types for p in s.triggers]
        self._senses = codebook.senses

    def passes(self, text: str) -> bool:
        """Any event vocabulary in ``text`` that is not all in another sense ("Chile beat
        Peru", "stocks rally")? A page that fails is not parsed at all."""
        if self._pattern is None:
            return False
        folded = self._fold(text)
        governing = _PageSenses(self._senses, folded)
        for match in self._pattern.finditer(folded):
            if not self._senses.ambiguous(match.group(0)):
                return True
            sentence = _sentence_around(folded, match)
            if not self._other_sense(folded, match, sentence, governing):
                return True
        return False

    def sentences(self, text: str, sentences: list[tuple[int, int]]) -> list[int]:
        """Indices of the sentences (character spans of ``text``) holding a trigger that is
        not read in another sense of the sentence or of the whole page."""
        if self._pattern is None:
            return []
        folded = self._fold(text)
        if len(folded) != len(text):  # lowering changed offsets (rare letters): fold each
            slices = [self._fold(text[a:b]) for a, b in sentences]
        else:  # on a slice: word boundaries as in the sentence alone
            slices = [folded[a:b] for a, b in sentences]
        governing = _PageSenses(self._senses, folded)
        return [i for i, sentence in enumerate(slices) if self._holds(sentence, governing)]

    def _holds(self, sentence: str, governing: _PageSenses) -> bool:
        for match in self._pattern.finditer(sentence) if self._pattern else ():
            if not self._senses.ambiguous(match.group(0)):
                return True
            if not self._other_sense(sentence, match, sentence, governing):
                return True
        return False

    def _other_sense(
        self, text: str, match: re.Match[str], sentence: str, governing: _PageSenses
    ) -> bool:
        """Is every trigger that starts where ``match`` does read in another sense? (The
        gate's one expression stops at the first trigger that fits, maybe the shorter.)"""
        for pattern in self._triggers:
            found = pattern.match(text, match.start())
            if found and not self._senses.other_sense(found.group(0), sentence, governing):
                return False
        return True

    def _fold(self, text: str) -> str:
        return text.lower() if self._lowered else text


class _PageSenses:
    """The senses that govern a page, counted on first need and then remembered."""

    def __init__(self, senses: SenseGuard, page: str) -> None:
        self._senses, self._page = senses, page
        self._governing: frozenset[str] | None = None

    def __call__(self) -> frozenset[str]:
        if self._governing is None:
            self._governing = self._senses.governing(self._page)
        return self._governing


_SENTENCE_END = re.compile(r"[.!?\n]")


def _sentence_around(text: str, match: re.Match[str]) -> str:
    """The sentence around a match, roughly: from the last full stop before to the next."""
    start = max(text.rfind(mark, 0, match.start()) for mark in ".!?\n") + 1
    end = _SENTENCE_END.search(text, match.end())
    return text[start : end.start() if end else len(text)]


def _without_word_bounds(pattern: str) -> str | None:
    if pattern.startswith(_WORD_BEFORE) and pattern.endswith(_WORD_AFTER):
        return pattern[len(_WORD_BEFORE) : -len(_WORD_AFTER)]
    return None


_gates: WeakKeyDictionary[Codebook, RelevanceGate] = WeakKeyDictionary()


def relevance_gate(codebook: Codebook) -> RelevanceGate:
    """The gate of a codebook, compiled once per codebook object."""
    gate = _gates.get(codebook)
    if gate is None:
        gate = _gates[codebook] = RelevanceGate(codebook)
    return gate
