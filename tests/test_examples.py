"""The project's own example pages, end to end, against what examples/README.md promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitreps.ingest import read_inputs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def results(pipeline):
    out = {}
    for result in pipeline.process_many(read_inputs([str(EXAMPLES)])):
        out[Path(result.input).name] = result
    return out


def test_scraped_yemen_page(results):
    result = results["01_yemen_strikes_scraped.txt"]
    assert result.article.page_date == "2023-06-08"
    assert result.article.date == "2018-03-14"
    events = result.events
    assert all(e.date.startswith("2018-03-1") for e in events)
    majz = [e for e in events if e.location and e.location.name == "Majz"]
    assert len(majz) == 1 and majz[0].fatalities == 12 and majz[0].contested
    assert majz[0].actor1.name == "Saudi-led Coalition"
    bayda = [e for e in events if e.actor1 and e.actor1.country == "US"]
    assert len(bayda) == 1 and bayda[0].fatalities == 3
    assert bayda[0].attribution == "two local security officials"
    taiz = [e for e in events if e.sub_event_type == "Shelling/artillery/missile attack"]
    assert len(taiz) == 1 and taiz[0].location.name == "Taiz" and not taiz[0].contested
    assert all((e.fatalities or 0) < 1000 for e in events)  # the war-wide statistic is not coded
    assert not [e for e in events if e.location and "Hodeidah" in (e.location.text or "")]


def test_burkina_clash(results):
    events = results["02_burkina_djibo_clash.html"].events
    assert len(events) == 1
    clash = events[0]
    assert clash.sub_event_type == "Armed clash"
    # "an army patrol was ambushed": the unnamed attackers ambushed the soldiers
    assert clash.actor1.name == "Unidentified Armed Group (Burkina Faso)"
    assert clash.actor2.name == "Military Forces of Burkina Faso"
    assert (clash.location.name, clash.location.precision) == ("Djibo", "near")
    assert (clash.date, clash.fatalities) == ("2021-08-04", 22)


def test_nairobi_protest(results):
    events = results["03_nairobi_protest.html"].events
    assert [e.sub_event_type for e in events] == ["Protest with intervention"]
    assert events[0].actor1.name == "Protesters (Kenya)"
    assert events[0].actor2.name == "Police Forces of Kenya"
    assert events[0].location.name == "Nairobi"
    assert events[0].date == "2019-07-16"


def test_somalia_roadside_bomb(results):
    events = results["04_somalia_roadside_bomb.txt"].events
    bomb = [e for e in events if e.sub_event_type == "Remote explosive/landmine/IED"]
    assert len(bomb) == 1
    assert bomb[0].actor1.name == "Al Shabaab"
    assert bomb[0].modality.value == "claimed"
    assert bomb[0].actor2.name == "Military Forces of Somalia"
    assert bomb[0].fatalities == 4
    assert bomb[0].location.name == "Afgooye" and bomb[0].location.precision == "near"
    assert bomb[0].date == "2019-11-03"


def test_football_is_not_conflict(results):
    assert results["05_football_derby.txt"].events == []


def test_french_page_rejected_cleanly(results):
    result = results["06_mali_attaque_fr.html"]
    assert result.error is not None and result.error.stage == "language"
    assert result.events == []
