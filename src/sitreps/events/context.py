"""What the coder knows about an article and each of its sentences while it works."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Token

from sitreps.actors import SECTION_RANK, ActorMention
from sitreps.events.codebook import Codebook
from sitreps.geo import ArticleGeography
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
        starts = doc.user_data[_TOKEN_STARTS] = [token.idx for token in doc]
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
        self._pattern = re.compile(source, flags) if parts else None

    def passes(self, text: str) -> bool:
        """Any event vocabulary at all in ``text``?"""
        return bool(self._pattern and self._pattern.search(self._fold(text)))

    def sentences(self, text: str, sentences: list[tuple[int, int]]) -> list[int]:
        """Indices of the sentences (character spans of ``text``) holding a trigger."""
        if self._pattern is None:
            return []
        search, folded = self._pattern.search, self._fold(text)
        if len(folded) != len(text):  # lowering changed offsets (rare letters): fold each
            return [i for i, (a, b) in enumerate(sentences) if search(self._fold(text[a:b]))]
        # on a slice: word boundaries as in the sentence alone
        return [i for i, (a, b) in enumerate(sentences) if search(folded[a:b])]

    def _fold(self, text: str) -> str:
        return text.lower() if self._lowered else text


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
