"""End to end on the page that started the project (read from ../shared, never copied)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def seed_events(pipeline, seed_path):
    from sitreps.ingest import read_inputs

    results = list(pipeline.process_many(read_inputs([str(seed_path)])))
    assert len(results) == 1 and results[0].error is None
    return results[0].article, results[0].events


def test_story_date_is_2015_not_the_2022_page(seed_events):
    article, events = seed_events
    assert article.page_date == "2022-01-29"
    assert article.date.startswith("2015-")
    assert all(e.date.startswith("2015-") for e in events)


def _by_actor(events, country):
    return [
        e
        for e in events
        if e.actor1 and e.actor1.country == country and e.sub_event_type == "Air/drone strike"
    ]


def test_russian_strikes_near_homs_contested(seed_events):
    _, events = seed_events
    russian = _by_actor(events, "RU")
    assert len(russian) == 1
    strike = russian[0]
    assert strike.sub_event_type == "Air/drone strike"
    assert strike.location.name == "Homs" and strike.location.precision == "near"
    assert strike.contested
    assert "US defence official" in strike.attribution
    assert len(strike.evidence) >= 3


def test_french_strike_killed_30(seed_events):
    _, events = seed_events
    french = _by_actor(events, "FR")
    assert len(french) == 1
    assert french[0].fatalities == 30
    assert french[0].location.country == "SY"
    assert french[0].actor2.name == "Islamic State"


def test_coalition_strikes_one_event_per_place(seed_events):
    _, events = seed_events
    coalition = [e for e in events if e.actor1 and "Coalition" in e.actor1.name]
    places = {e.location.text for e in coalition}
    assert {"Deir ez-Zor", "Palmyra"} <= places
    assert all(e.location.country == "SY" for e in coalition)


def test_no_war_statistics_or_hypotheticals(seed_events):
    _, events = seed_events
    assert all((e.fatalities or 0) < 1000 for e in events)
    assert all(e.modality.value in ("asserted", "claimed") for e in events)
    types = sorted(e.sub_event_type for e in events)
    assert types == ["Air/drone strike"] * (len(events) - 1) + ["Change to group/activity"]


def test_parliaments_authorisation_is_a_strategic_development(seed_events):
    """ "Putin was given permission to use military force in Syria by his country's
    parliament": one decision of the Russian state; neither "permission to use military force
    did not mean that ground forces would be engaged" nor "the last time the Russian
    parliament granted Mr Putin the right to deploy troops abroad" is another."""
    _, events = seed_events
    decisions = [e for e in events if e.event_type == "Strategic developments"]
    assert len(decisions) == 1
    decision = decisions[0]
    assert decision.sub_event_type == "Change to group/activity"
    assert decision.actor1.name == "Government of Russia"
    assert decision.modality.value == "asserted"
    assert "permission to use military force" in decision.evidence[0].text
    assert decision.date.startswith("2015-09")


def test_story_is_dated_to_its_month_the_text_holds_no_day(seed_events):
    """No dateline, weekday or full date of 2015 in the text: "10 September" (when an
    investigation was opened) bounds the story to September 2015, no finer."""
    article, events = seed_events
    assert (article.date, article.date_precision) == ("2015-09-01", "month")
    assert all(e.date_precision == "month" for e in events)
    assert not any("2022" in (e.date or "") for e in events)


def test_cli_extract_jsonl_validates_against_schema(seed_path):
    import jsonschema

    out = subprocess.run(
        [sys.executable, "-m", "sitreps", "extract", str(seed_path), "--format", "jsonl"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    schema = json.loads(
        subprocess.run(
            [sys.executable, "-m", "sitreps", "schema"], capture_output=True, text=True, check=True
        ).stdout
    )
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) >= 4
    for record in records:
        jsonschema.validate(record, schema)
