"""Where an event happened when its sentence names no town: the story's country, a town that
names a facility, a place told by a neighbouring sentence (real pipeline, invented texts)."""

from __future__ import annotations


def _code(pipeline, text, ref_date="2019-03-30"):
    return pipeline.process_text(text, doc_id="t", ref_date=ref_date)


def _told_by(events, words):
    found = [e for e in events if words in e.evidence[0].text]
    assert found, [e.evidence[0].text for e in events]
    return found[0]


def test_ied_metres_from_a_us_backed_council_is_near_its_town_not_in_the_us(pipeline):
    events = _code(
        pipeline,
        "A coalition soldier serving with US troops was killed in Syria on Thursday, the US "
        "defence department said. US officials said the US would keep its forces there. "
        "The IED blast went off just metres from the US-backed Tabqa military council "
        "headquarters.",
    )
    blast = _told_by(events, "IED blast")
    assert blast.location.country == "SY"
    assert blast.location.name == "Al-Tabqa"
    assert blast.location.precision == "near"
    assert all(e.location.country == "SY" for e in events)


def test_a_facility_the_blast_was_close_to_beats_the_country_of_its_sentence(pipeline):
    events = _code(
        pipeline,
        "The bomb went off a few metres from the Tabqa military council headquarters in "
        "northern Syria on Monday, killing two guards.",
    )
    assert events
    assert (events[0].location.name, events[0].location.precision) == ("Al-Tabqa", "near")


def test_clashes_with_us_and_us_backed_forces_stay_in_the_story_country(pipeline):
    events = _code(
        pipeline,
        "Foreign powers are drawn ever deeper into the war in Syria. The US says the US "
        "mission is not over, and US diplomats told US senators that the US would not "
        "leave soon. Scores of Russian mercenaries died last week in clashes with US "
        "and US-backed forces, US officials said.",
    )
    clash = _told_by(events, "clashes with US")
    assert clash.location.country == "SY"
    assert clash.location.precision == "country"


def test_dateline_tells_the_story_country_of_a_placeless_event(pipeline):
    events = _code(
        pipeline,
        "QAMISHLI, Syria — A roadside bomb killed two fighters of a US-backed militia on "
        "Sunday, US officials and a US-funded monitor said.",
    )
    assert events
    assert events[0].location.country == "SY"


_DEATH = (
    "A British soldier serving with the coalition against Isis was killed by a blast in Syria, "
    "the defence ministry said. He was named on Friday as a sergeant of the Parachute Regiment. "
)


def test_country_level_death_takes_the_town_of_the_blast_told_after_it(pipeline):
    events = _code(
        pipeline,
        _DEATH + "Officials said two more men were hurt by the roadside bomb blast in Tabqa.",
    )
    death = _told_by(events, "British soldier")
    assert death.location.name == "Al-Tabqa"
    assert death.location.country == "SY"
    assert any("blast in Tabqa" in e.text for e in death.evidence)


def test_another_happening_next_door_does_not_lend_its_town(pipeline):
    events = _code(
        pipeline,
        "A British soldier serving with the coalition against Isis was killed by a blast in "
        "Syria, the defence ministry said. Separately, an airstrike hit a market near Raqqa on "
        "Friday, killing four people.",
    )
    death = _told_by(events, "British soldier")
    assert (death.location.name, death.location.precision) == ("Syria", "country")


def test_two_towns_told_next_door_leave_the_event_at_country_level(pipeline):
    events = _code(
        pipeline,
        _DEATH + "Six others were wounded when the roadside bombs hit "
        "Raqqa and Tabqa, officials said.",
    )
    death = _told_by(events, "British soldier")
    assert (death.location.name, death.location.precision) == ("Syria", "country")


def test_a_town_in_another_country_is_not_carried(pipeline):
    lead = _DEATH.split(" He was named")[0] + " "
    for text in (
        _DEATH + "Officials said six more were hurt by the roadside bomb blast in Mosul.",
        lead + "The roadside bomb blast in Mosul wounded six others, officials said.",
    ):
        death = _told_by(_code(pipeline, text), "British soldier")
        assert (death.location.name, death.location.precision) == ("Syria", "country")


def test_compass_adjective_keeps_the_locative_cue_of_a_country(pipeline):
    events = _code(
        pipeline,
        "US officials said US aircraft would stay in the region, the US defence department "
        "said. Fighters loyal to the US-led coalition clashed with jihadists in north-east "
        "Syria on Sunday, US officials said.",
    )
    clash = _told_by(events, "clashed with jihadists")
    assert (clash.location.name, clash.location.precision) == ("Syria", "country")


def test_a_capital_that_speaks_for_its_government_is_not_where_it_happened(pipeline):
    events = _code(
        pipeline,
        "An Isis recruiter from Kent is believed to have died in a drone strike in Raqqa. "
        "Washington and London are confident, though not certain, that she was killed.",
    )
    assert {e.location.name for e in events} == {"Ar Raqqah"}
    stated = _code(pipeline, "Kabul said the Taliban attacked a checkpoint on Monday.")
    assert [e.location.country for e in stated] == ["AF"]


def test_a_town_a_country_holds_is_where_it_happened_not_the_country(pipeline):
    fell = _code(
        pipeline, "Raqqa, a city on the Euphrates in northern Syria, fell to the SDF last week."
    )
    assert [(e.sub_event_type, e.location.name) for e in fell] == [
        ("Non-state actor overtakes territory", "Ar Raqqah")
    ]
    # the residents of a town are who speaks, not where the strikes were
    told = _code(pipeline, "Mosul residents said airstrikes in Iraq killed ten people.")
    assert [e.location.precision for e in told] == ["country"]


def test_the_city_is_the_town_named_just_before(pipeline):
    events = _code(
        pipeline,
        "Kurdish fighters have encircled Raqqa in northern Syria. Clashes went on all week. "
        "On Friday the SDF took the city's football ground from Isis in Syria, they said.",
    )
    assert [e.location.name for e in events if "football ground" in e.evidence[0].text] == [
        "Ar Raqqah"
    ]
    # two towns named just before: which one "the city" is remains unsaid
    unclear = _code(
        pipeline,
        "Aid convoys reached Homs and Hama on Monday. "
        "Gunmen attacked a bakery in the city on Tuesday, killing four people in Syria.",
    )
    assert [e.location.precision for e in unclear] == ["country"]
