"""Helpers for the regular expressions that analysts write in the data files."""

from __future__ import annotations

import re

try:  # CPython's regex parser (private): only used to speed up, never needed for matching
    from re import _constants, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: the plain alternation is used
    _constants = _parser = None

_OPTIONAL_SPACE = re.compile(r" (?=[?*])")


def whole_words(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """Compile an analyst's pattern to match whole words, with any run of whitespace
    (including non-breaking spaces) wherever the pattern has a space."""
    flexible = _OPTIONAL_SPACE.sub(r"\\s", pattern).replace(" ", r"\s+")
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + flexible + r")(?![\w-])", flags)


def by_first_letter(alternatives: list[str], flags: int) -> str | None:
    """The alternation of ``alternatives`` that first looks at the letter it starts on and
    tries only the alternatives that can start with it, in their order: the same matches,
    fewer tries at each word. None when some alternative may start otherwise than with one
    of a known set of ASCII letters (or may match nothing)."""
    if _parser is None:
        return None
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        try:
            first = _first_letters(list(_parser.parse(alternative, flags)))
        except (re.error, AttributeError, TypeError, ValueError):  # private parser changed
            return None
        if first is None or first[1] or not all(c.isascii() and c.isalnum() for c in first[0]):
            return None
        folded = {c.lower() for c in first[0]} if flags & re.IGNORECASE else first[0]
        for letter in sorted(folded):
            groups.setdefault(letter, []).append(f"(?:{alternative})")
    return "|".join(f"(?={re.escape(c)})(?:{'|'.join(alts)})" for c, alts in groups.items())


def _first_letters(items: list) -> tuple[set[str], bool] | None:
    """The letters a parsed sequence can start with, and whether it can match nothing;
    None when that is not a known set of letters."""
    letters: set[str] = set()
    for op, arg in items:
        if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            continue  # zero width: what follows starts the match
        first = _first_of_item(op, arg)
        if first is None:
            return None
        letters |= first[0]
        if not first[1]:
            return letters, False
    return letters, True


def _first_of_item(op, arg) -> tuple[set[str], bool] | None:
    if op is _constants.LITERAL:
        return {chr(arg)}, False
    if op is _constants.IN:
        if all(kind is _constants.LITERAL for kind, _ in arg):
            return {chr(code) for _, code in arg}, False
        return None
    if op is _constants.SUBPATTERN:
        return _first_letters(list(arg[3]))
    if op is _constants.BRANCH:
        branches = [_first_letters(list(b)) for b in arg[1]]
        if any(b is None for b in branches):
            return None
        return set().union(*(b[0] for b in branches)), any(b[1] for b in branches)
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
        low, _, item = arg
        first = _first_letters(list(item))
        return None if first is None else (first[0], low == 0 or first[1])
    return None
