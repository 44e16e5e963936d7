"""Name keys for gazetteer matching.

Two keys are used: ``name_key`` (accent-free, case-free, punctuation-free) for exact matching,
and ``skeleton_key`` for transliteration-tolerant matching ("Deir ez-Zor", "Dayr az Zawr" and
"Deir al-Zor" share one skeleton). The skeleton is only consulted when the exact key finds
nothing, because it merges more than it should for short common names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from unidecode import unidecode

_APOSTROPHES = re.compile(r"['’‘`ʻʼʿʾ´]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Arabic-style articles written as separate tokens after hyphen removal ("ez-Zor" -> "ez zor").
_ARTICLES = frozenset(
    {
        "al",
        "el",
        "ad",
        "an",
        "as",
        "ash",
        "ar",
        "az",
        "ez",
        "at",
        "ath",
        "adh",
        "ed",
        "es",
        "er",
        "et",
        "ul",
        "ud",
        "ush",
        "ur",
    }
)
_DOUBLED = re.compile(r"([a-z])\1+")
# Vowel runs (y and w count as vowels after a vowel: "ay", "aw") collapse to one symbol.
_VOWEL_RUN = re.compile(r"[aeiou][aeiouyw]*|y(?=[^aeiou]|$)")
_SKELETON_WORDS = {
    "dayr": "deir",
    "dair": "deir",
    "dir": "deir",
    "tall": "tel",
    "tell": "tel",
    "tal": "tel",
    "jabal": "jebel",
    "jabel": "jebel",
    "jebal": "jebel",
    "wadi": "wadi",
    "ain": "ayn",
    "ein": "ayn",
    "abu": "abu",
    "bu": "abu",
    "kafr": "kfar",
    "kefr": "kfar",
}


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Lower-case, accent-free, punctuation-free form of a name ("Saint-Étienne" -> "saint etienne")."""
    text = _APOSTROPHES.sub("", unidecode(name).lower())
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def skeleton_key(name: str) -> str:
    """Transliteration-tolerant key: no articles, no doubled letters, vowel runs collapsed."""
    tokens = name_key(name).split()
    if len(tokens) > 1:
        tokens = [t for t in tokens if t not in _ARTICLES] or tokens
    tokens = [_SKELETON_WORDS.get(t, t) for t in tokens]
    out = []
    for token in tokens:
        token = _DOUBLED.sub(r"\1", token)
        token = _VOWEL_RUN.sub("a", token)
        if len(token) > 2 and token.endswith("ah"):
            token = token[:-1]
        out.append(token)
    return " ".join(out)
