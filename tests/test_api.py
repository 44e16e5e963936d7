"""The Python API: sitreps.open(path) -> events / incidents, as records and as DataFrames."""

from __future__ import annotations

import pytest

import sitreps
from sitreps.records import Event
from sitreps.store import FilterError, Incident
from test_export import build_database


@pytest.fixture(scope="module")
def db(pipeline, tmp_path_factory):
    path = build_database(pipeline, tmp_path_factory.mktemp("api") / "sitreps.db")
    with sitreps.open(path) as database:
        yield database


def test_open_refuses_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no sitreps database"):
        sitreps.open(tmp_path / "typo.db")
    with sitreps.open(tmp_path / "new.db", create=True) as empty:
        assert list(empty.events()) == [] and empty.counts()["events"] == 0


def test_events_are_records_and_take_the_cli_filters(db):
    everything = db.events()
    assert everything and all(isinstance(e, Event) for e in everything)
    strikes = db.events(type="Air/drone strike", country="YE")
    assert strikes and {e.sub_event_type for e in strikes} == {"Air/drone strike"}
    assert db.events(sub_event_type="air/drone strike") == strikes
    assert [e.location.name for e in db.events(near=(14.10, -1.63, 30))] == ["Djibo"]
    assert all(e.fatalities >= 10 for e in db.events(min_fatalities=10))
    assert len(db.events(limit=2)) == 2
    assert {e.location.country for e in db.events(text="roadside bomb")} == {"SO"}


def test_bad_filters_raise_clear_errors(db):
    with pytest.raises(FilterError, match="since: 'last week' is not a date"):
        db.events(since="last week")
    with pytest.raises(TypeError, match="unknown filter 'place'"):
        db.events(place="Homs")


def test_events_to_pandas(db):
    found = db.events(country="YE")
    frame = found.to_pandas()
    assert list(frame["id"]) == [e.id for e in found]
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["fatalities"].dtype == "Int64"
    assert frame["fatalities"].sum() == sum(e.fatalities or 0 for e in found)


def test_reports_of_one_bombing_are_one_incident(db):
    """examples/04 and two wire reports tell the Afgooye bomb with 4, 5 and 9 dead."""
    bombings = db.incidents(country="SO", sub_type="Remote explosive/landmine/IED")
    assert len(bombings) == 1 and isinstance(bombings[0], Incident)
    bombing = bombings[0]
    assert bombing.reports == bombing.articles == 3
    assert (bombing.fatalities_low, bombing.fatalities_best, bombing.fatalities_high) == (4, 5, 9)
    assert bombing.location.name == "Afgooye"
    assert {"military officer", "police officer", "district commissioner"} <= set(
        bombing.attributions
    )
    assert db.incident(bombing.id) == bombing
    assert len(db.incidents()) == len(db.events()) - 2


def test_incidents_to_pandas(db):
    frame = db.incidents().to_pandas()
    assert frame["reports"].sum() == len(db.events())
    somalia = frame[frame["sub_event_type"] == "Remote explosive/landmine/IED"].iloc[0]
    assert (somalia["fatalities_low"], somalia["fatalities_high"]) == (4, 9)
