"""The Python API: ``sitreps.open(path)`` and queries that return records.

    import sitreps
    with sitreps.open("sitreps.db") as db:
        strikes = db.events(country="SY", sub_type="Air/drone strike", since="2019-12")
        df = strikes.to_pandas()
        for incident in db.incidents(country="SY", min_fatalities=10):
            print(incident.date, incident.fatalities_best, incident.reports)

Filters are the ones of `sitreps events` (see docs/store.md); a bad value raises
`sitreps.store.FilterError` (a ValueError) naming the filter. A `postgresql://` URL opens a
PostgreSQL database instead of a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sitreps.dialects import is_database_url, redact
from sitreps.records import Event
from sitreps.store import EventFilter, Incident, Store

if TYPE_CHECKING:
    import pandas

# The command line's option names, accepted beside EventFilter's field names.
_ALIASES = {"type": "event_type", "sub_type": "sub_event_type"}


class EventList(list[Event]):
    """Events from a query: a list of Event records that also makes a DataFrame."""

    def to_pandas(self) -> pandas.DataFrame:
        from sitreps.cli import CSV_COLUMNS, flat_row

        return _frame([flat_row(e) for e in self], CSV_COLUMNS)


class IncidentList(list[Incident]):
    """Incidents from a query: a list of Incident records that also makes a DataFrame."""

    def to_pandas(self) -> pandas.DataFrame:
        from sitreps.export import INCIDENT_COLUMNS, incident_row

        return _frame([incident_row(i) for i in self], INCIDENT_COLUMNS)


def _frame(rows: list[dict], columns: list[str]) -> pandas.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601", errors="coerce")
    for column in columns:
        if column == "geonameid" or column.startswith("fatalities") or column == "reports":
            frame[column] = frame[column].astype("Int64")
    return frame


class Database:
    """A sitreps database opened for reading (and for ingesting through `store`)."""

    def __init__(self, path: str | Path, *, create: bool = False):
        if not is_database_url(path):
            path = Path(path)
            if not create and not path.exists():
                raise FileNotFoundError(f"no sitreps database at {path}")
        self.path = path
        self.store = Store(path)

    def events(self, **filters) -> EventList:
        """Events that match, newest first: country, admin1, since, until, event_type (or
        type), sub_event_type (or sub_type), actor, text, near=(lat, lon, km),
        min_fatalities, min_confidence, limit."""
        return EventList(self.store.iter_events(make_filter(**filters)))

    def incidents(self, **filters) -> IncidentList:
        """Incidents with at least one report that matches (the same filters as `events`)."""
        return IncidentList(self.store.incidents(make_filter(**filters)))

    def incident(self, incident_id: str) -> Incident | None:
        return self.store.incident(incident_id)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({redact(self.path)!r})"


def make_filter(**filters) -> EventFilter:
    """An EventFilter from keyword arguments (CLI-style aliases accepted)."""
    known = set(EventFilter.field_names())
    resolved = {}
    for name, value in filters.items():
        field = _ALIASES.get(name, name)
        if field not in known:
            accepted = ", ".join(sorted(known | set(_ALIASES)))
            raise TypeError(f"unknown filter {name!r}; filters are: {accepted}")
        resolved[field] = value
    return EventFilter(**resolved)


def open_database(path: str | Path, *, create: bool = False) -> Database:
    """Open a sitreps database, a file or a `postgresql://` URL; a missing file is an error
    unless create=True (a PostgreSQL database must exist; its tables are created)."""
    return Database(path, create=create)
