"""What the coder knows about an article and each of its sentences while it works."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from sitreps.actors import SECTION_RANK, ActorMention
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
    # "presumed JNIM militants": the named group, not the generic word, is the actor
    return max(overlapping, key=lambda a: (SECTION_RANK[a.section], a.end - a.start))


def token_at(doc: Doc, char: int) -> Token | None:
    for token in doc:
        if token.idx <= char < token.idx + len(token.text):
            return token
    return None


def token_end(token: Token) -> int:
    return token.idx + len(token.text)


# ---------------------------------------------------------------------------------------------


def trigger_token(sentence: SentenceContext, char: int) -> Token | None:
    """The parsed token at a character offset of the sentence, when it was parsed."""
    return token_at(sentence.doc, char) if sentence.doc is not None else None
