"""Who did it and to whom, through the real pipeline, on notes written for these tests."""

from __future__ import annotations

import pytest


def _actors(pipeline, text, ref_date="2019-03-14"):
    events = pipeline.process_text(text, doc_id="t", ref_date=ref_date)
    return [
        (e.actor1.name if e.actor1 else None, e.actor2.name if e.actor2 else None) for e in events
    ]


@pytest.mark.parametrize(
    ("text", "actor1"),
    [
        # a heading names the event's type, not who acted
        (
            "Looting: On 14 March 2019, presumed ISGS militants stole cattle near Djibo.",
            "Islamic State (Greater Sahara)",
        ),
        # people who are usually victims, acting as the subject of an active verb: a mob
        (
            "On 14 March 2019, villagers attacked and injured a suspected thief in Parakou.",
            "Rioters (Benin)",
        ),
        # "the militants" refers back to the group named in the sentence before
        (
            "On 14 March 2019, suspected JNIM militants stopped a bus near Djibo. The "
            "militants executed four passengers.",
            "JNIM: Group for Support of Islam and Muslims",
        ),
    ],
)
def test_the_agent_is_actor1(pipeline, text, actor1):
    assert [a1 for a1, _ in _actors(pipeline, text)] == [actor1]


def test_two_groups_that_clash_are_both_sides_in_order(pipeline):
    text = "On 14 March 2019, JNIM and ISGS militants clashed near Djibo."
    assert _actors(pipeline, text) == [
        ("JNIM: Group for Support of Islam and Muslims", "Islamic State (Greater Sahara)")
    ]


def test_a_counted_actor_before_a_bare_participle_is_the_victim(pipeline):
    text = (
        "On 14 March 2019, JNIM and ISGS militants clashed near Djibo. Four JNIM fighters "
        "reportedly killed."
    )
    events = pipeline.process_text(text, doc_id="t", ref_date="2019-03-14")
    assert len(events) == 1
    assert events[0].actor1.name == "JNIM: Group for Support of Islam and Muslims"
    assert events[0].fatalities == 4


def test_a_party_or_state_body_gives_generic_actors_their_country_when_no_place_does(pipeline):
    text = "On 14 March 2019, a mob including BNP supporters set fire to two buses."
    assert [a1 for a1, _ in _actors(pipeline, text)] == ["Rioters (Bangladesh)"]


def test_a_mine_s_victim_and_the_group_named_as_its_planter(pipeline):
    text = (
        "On 14 March 2019, an army truck struck an IED near Djibo. Two soldiers were "
        "killed. The device was thought to have been planted by JNIM militants."
    )
    assert _actors(pipeline, text) == [
        ("JNIM: Group for Support of Islam and Muslims", "Military Forces of Burkina Faso")
    ]


@pytest.mark.parametrize(
    ("text", "actor1"),
    [
        # a nominal trigger's agent is the subject of its light verb or of the verb it qualifies
        (
            "On 14 March 2019, presumed JNIM militants carried out an ambush against "
            "soldiers near Djibo.",
            "JNIM: Group for Support of Islam and Muslims",
        ),
        (
            "On 14 March 2019, unknown individuals with machetes killed a trader in Parakou.",
            "Unidentified Armed Group (Benin)",
        ),
        (
            "On 14 March 2019, clashes broke out between the Beninese army and three gunmen "
            "in Parakou.",
            "Military Forces of Benin",
        ),
    ],
)
def test_more_agents(pipeline, text, actor1):
    assert [a1 for a1, _ in _actors(pipeline, text)] == [actor1]


def test_the_subject_of_a_passive_clause_before_the_trigger_is_not_its_agent(pipeline):
    text = "On 14 March 2019, two soldiers were killed in an ambush near Djibo."
    assert all(a1 != "Military Forces of Burkina Faso" for a1, _ in _actors(pipeline, text))


@pytest.mark.parametrize(
    ("text", "actor1"),
    [
        (
            "On 14 March 2019, an army truck struck an IED likely planted by JNIM militants "
            "near Djibo.",
            "JNIM: Group for Support of Islam and Muslims",
        ),
        (
            "On 14 March 2019, presumed JNIM militants set off an IED under a military "
            "vehicle near Djibo.",
            "JNIM: Group for Support of Islam and Muslims",
        ),
        (
            "On 14 March 2019, youths from the Bobo community attacked herders near Djibo.",
            "Bobo Ethnic Militia (Burkina Faso)",
        ),
    ],
)
def test_mines_and_communities(pipeline, text, actor1):
    assert [a1 for a1, _ in _actors(pipeline, text)] == [actor1]


def test_a_town_that_fell_to_a_group_was_taken_by_it(pipeline):
    events = pipeline.process_text(
        "Raqqa, long the stronghold of Islamic State in northern Syria, fell to the SDF "
        "on Tuesday.",
        doc_id="t",
        ref_date="2017-10-20",
    )
    assert [(e.actor1.name, e.actor2.name) for e in events] == [
        ("SDF: Syrian Democratic Forces", "Islamic State")
    ]
