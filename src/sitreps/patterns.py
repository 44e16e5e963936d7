"""Helpers for the regular expressions that analysts write in the data files."""

from __future__ import annotations

import re

_OPTIONAL_SPACE = re.compile(r" (?=[?*])")


def whole_words(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """Compile an analyst's pattern to match whole words, with any run of whitespace
    (including non-breaking spaces) wherever the pattern has a space."""
    flexible = _OPTIONAL_SPACE.sub(r"\\s", pattern).replace(" ", r"\s+")
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + flexible + r")(?![\w-])", flags)
