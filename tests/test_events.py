"""The events stage through the real pipeline, on sentences written for these tests."""

from __future__ import annotations

import pytest


def _code(pipeline, text, ref_date="2019-12-31", **kw):
    return pipeline.process_text(text, doc_id="t", ref_date=ref_date, **kw)


def test_air_strike_with_actor_target_place_and_deaths(pipeline):
    events = _code(
        pipeline,
        "Turkish warplanes struck Kurdish YPG positions near Afrin on Monday, killing "
        "eight fighters, the defence ministry said.",
    )
    assert len(events) == 1
    event = events[0]
    assert (event.event_type, event.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert event.actor1.name == "Military Forces of Turkey"
    assert event.actor1.country == "TR"
    assert event.actor2.name.startswith("YPG")
    assert event.fatalities == 8
    assert event.location.country == "SY"
    assert event.location.precision == "near"
    assert event.date == "2019-12-30"
    assert event.attribution == "defence ministry"
    assert event.evidence[0].text.startswith("Turkish warplanes")
    assert event.plover == "ASSAULT"


def test_protest_follows_acled_conventions(pipeline):
    events = _code(
        pipeline,
        "Police fired tear gas to disperse hundreds of traders protesting against new taxes "
        "in Mombasa on Tuesday.",
    )
    assert [e.sub_event_type for e in events] == ["Protest with intervention"]
    assert events[0].actor1.name == "Protesters (Kenya)"
    assert events[0].actor2.name == "Police Forces of Kenya"


def test_unknown_attackers_on_civilians(pipeline):
    events = _code(pipeline, "Gunmen shot dead three villagers in Mandera county on Sunday.")
    assert [e.sub_event_type for e in events] == ["Attack"]
    assert events[0].actor1.name == "Unidentified Armed Group (Kenya)"
    assert events[0].actor2.name == "Civilians (Kenya)"
    assert events[0].fatalities == 3


@pytest.mark.parametrize(
    "text",
    [
        "The rebels threatened to attack the capital if talks fail.",
        "Officials denied that soldiers had shelled the village.",
        "Police will deploy to the stadium ahead of the march planned for next week.",
        "An estimated 40,000 people have been killed in the ten-year conflict.",
        "A court sentenced two men for the killing of a journalist in 2015.",
        "The striker shot past the goalkeeper after a swift counter-attack.",
        "The regime has used barrel bombs on the suburbs more than 50 times.",
        "If you leave the camp without permission, the guards beat you.",
        "Thousands fled ahead of the pending fighting in the east.",
        "Two of her three children have since died of illness.",
        "Her cousin is believed to have died in an airstrike four years ago.",
    ],
)
def test_not_events(pipeline, text):
    assert _code(pipeline, text) == []


def test_unreal_events_kept_on_request():
    from sitreps.pipeline import Pipeline

    events = Pipeline(include_unreal=True).process_text(
        "Officials denied that soldiers had shelled the village of Kafr Nabl.",
        doc_id="t",
        ref_date="2019-06-01",
    )
    assert events == [] or all(e.modality.value != "asserted" for e in events)


def test_denial_contests_the_event_at_the_same_place(pipeline):
    events = _code(
        pipeline,
        "Jets of the Saudi-led coalition struck a market in Majz on Monday, killing 9 people.\n\n"
        "Separately, Houthi fighters shelled army positions near Taiz.\n\n"
        "The coalition denied that its aircraft had struck the market in Majz.",
    )
    by_place = {e.location.name: e for e in events}
    assert by_place["Majz"].contested is True
    assert by_place["Majz"].evidence[-1].supports == ["contested"]
    assert not [e for e in events if e.location.name != "Majz" and e.contested]


def test_one_event_per_place_across_a_sentence_and_its_neighbour(pipeline):
    events = _code(
        pipeline,
        "French jets carried out three air strikes on Islamic State in Iraq on Friday.\n\n"
        "The strikes hit Mosul, Tal Afar and Baiji, the ministry said.",
    )
    places = sorted(e.location.name for e in events)
    assert len(places) == 3
    assert all(e.actor1.name == "Military Forces of France" for e in events)
    assert all(e.location.precision == "place" for e in events)


def test_claim_of_responsibility_names_the_attacker(pipeline):
    events = _code(
        pipeline,
        "A roadside bomb hit a police truck near Garissa on Monday, killing two officers.\n\n"
        "Al-Shabaab said its fighters had planted the bomb.",
    )
    assert len(events) == 1
    assert events[0].actor1.name == "Al Shabaab"
    assert events[0].modality.value == "claimed"
    assert events[0].fatalities == 2


def test_ids_are_stable(pipeline):
    text = "Gunmen killed two traders in Mandera on Sunday."
    first = [e.id for e in _code(pipeline, text)]
    assert first and first == [e.id for e in _code(pipeline, text)]


def test_a_place_that_names_an_actor_is_not_where_it_happened(pipeline):
    events = _code(
        pipeline,
        "Government forces, backed by Moscow, shelled rebel positions in Idlib on Monday.",
    )
    assert len(events) == 1
    assert events[0].location.name == "Idlib"


def test_quoted_testimony_needs_a_place_or_a_toll(pipeline):
    assert _code(pipeline, "“They attacked us again and again,” a resident said.") == []
    events = _code(
        pipeline,
        "“Soldiers shot dead four men in Kidal on Monday,” a local official told reporters.",
    )
    assert len(events) == 1 and events[0].modality.value == "claimed"
    assert events[0].fatalities == 4


def test_a_district_is_located_at_district_precision(pipeline):
    events = _code(
        pipeline, "Gunmen abducted two teachers in a village of Tapoa province on Monday."
    )
    assert len(events) == 1
    assert (events[0].location.name, events[0].location.precision) == ("Tapoa", "admin2")
    assert events[0].location.country == "BF"


@pytest.mark.parametrize(
    ("text", "sub_type", "actor1"),
    [
        # a crowd destroying property is a riot; an armed group doing it is property destruction
        (
            "On Sunday a mob vandalised and set fire to a mosque in Rangpur, amid unrest "
            "following anti-government demonstrations in the city.",
            "Mob violence",
            "Rioters (Bangladesh)",
        ),
        (
            "Demonstrators chanted slogans and set ablaze two buses in Rangpur on Sunday.",
            "Violent demonstration",
            "Rioters (Bangladesh)",
        ),
        (
            "Gunmen burned down a primary school in Djibo on Sunday.",
            "Looting/property destruction",
            "Unidentified Armed Group (Burkina Faso)",
        ),
        # taking things is looting, taking a town is a territorial gain
        (
            "Suspected jihadists seized dozens of cattle from herders near Djibo on Sunday.",
            "Looting/property destruction",
            "Unidentified Armed Group (Burkina Faso)",
        ),
        (
            "Suspected jihadists seized the town of Djibo on Sunday after heavy fighting.",
            "Non-state actor overtakes territory",
            "Unidentified Armed Group (Burkina Faso)",
        ),
        # villagers who beat or attack someone are a mob, not an armed group
        (
            "Residents attacked and injured a herder in Parakou on Sunday after his cattle "
            "destroyed their crops.",
            "Mob violence",
            "Rioters (Benin)",
        ),
        (
            "Supporters of two rival parties clashed in Bogra on Sunday, injuring ten people.",
            "Mob violence",
            "Rioters (Bangladesh)",
        ),
        (
            "Hundreds of students staged a peaceful march in Nairobi on Sunday to demand lower "
            "fees.",
            "Peaceful protest",
            "Protesters (Kenya)",
        ),
    ],
)
def test_who_acts_decides_the_sub_type(pipeline, text, sub_type, actor1):
    events = _code(pipeline, text)
    assert [(e.sub_event_type, e.actor1.name) for e in events] == [(sub_type, actor1)]


def test_a_frame_after_the_trigger_does_not_hide_the_event(pipeline):
    reported = _code(
        pipeline, "Villagers beat to death a man accused of stealing a goat in Parakou on Sunday."
    )
    assert [e.sub_event_type for e in reported] == ["Mob violence"]
    assert reported[0].fatalities == 1
    # the killing is what the man is accused of: no event of this story
    framed = _code(pipeline, "Police arrested a man accused of killing his neighbour in Nakuru.")
    assert framed == [] or all(e.sub_event_type == "Arrests" for e in framed)


def test_the_next_sentence_gives_the_toll_of_the_event_before(pipeline):
    events = _code(
        pipeline,
        "Gunmen attacked the village of Djibo on Sunday. Five civilians were reportedly killed.",
    )
    assert [(e.sub_event_type, e.fatalities) for e in events] == [("Attack", 5)]
    assert [ev.supports for ev in events[0].evidence][-1] == ["fatalities"]
    # a toll told with its own place is its own event
    apart = _code(
        pipeline,
        "Gunmen attacked Djibo on Sunday. The army said it was sending troops. Five "
        "civilians were killed in Kaya on Sunday.",
    )
    assert sorted((e.location.name, e.fatalities) for e in apart) == [("Djibo", None), ("Kaya", 5)]


def test_an_attack_on_a_militia_position_is_a_clash_and_abduct_and_kill_is_an_attack(pipeline):
    clash = _code(
        pipeline,
        "Suspected jihadists attacked a volunteer fighter (VDP) outpost near Djibo on Sunday.",
    )
    assert [(e.sub_event_type, e.actor2.name) for e in clash] == [
        ("Armed clash", "VDP: Volunteer for Defense of Homeland")
    ]
    killed = _code(
        pipeline, "Suspected militants abducted and killed a local councillor in Djibo on Sunday."
    )
    assert [(e.sub_event_type, e.fatalities) for e in killed] == [("Attack", 1)]


def test_either_group_and_own_claims(pipeline):
    either = _code(
        pipeline, "Presumed JNIM or ISGS militants attacked a VDP position near Djibo on Sunday."
    )
    assert [e.actor1.name for e in either] == [
        "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)"
    ]
    claimed = _code(pipeline, "ISGS claimed to have killed a JNIM fighter near Oursi on Sunday.")
    assert [(e.actor1.name, e.actor2.name) for e in claimed] == [
        ("Islamic State (Greater Sahara)", "JNIM: Group for Support of Islam and Muslims")
    ]


def test_people_who_fight_each_other_are_a_mob_and_victims_of_a_clash_are_not(pipeline):
    families = _code(
        pipeline, "Two families of farmers clashed over farmland in Parakou on Sunday."
    )
    assert [e.sub_event_type for e in families] == ["Mob violence"]
    riot = _code(
        pipeline,
        "Student demonstrators clashed with police in Rangpur on Sunday. Two people were killed "
        "in the clash.",
    )
    assert [(e.sub_event_type, e.fatalities) for e in riot] == [("Violent demonstration", 2)]


def test_a_years_toll_is_a_statistic_not_an_event(pipeline):
    assert (
        _code(pipeline, "Warplanes killed about 4000 civilians in Syria in 2016, a monitor said.")
        == []
    )
    assert [
        e.fatalities for e in _code(pipeline, "Warplanes killed 12 civilians in Idlib on Monday.")
    ] == [12]


def test_workers_who_marched_are_protesters(pipeline):
    events = _code(
        pipeline, "Railway workers reportedly marched in Nairobi on Monday over unpaid wages."
    )
    assert [(e.sub_event_type, e.actor1.name) for e in events] == [
        ("Peaceful protest", "Protesters (Kenya)")
    ]


def test_strikes_on_chemical_weapons_sites_are_air_strikes_near_the_capital(pipeline):
    events = _code(
        pipeline,
        "US, British and French jets struck three chemical weapons sites near Damascus on "
        "Saturday.",
    )
    assert [(e.sub_event_type, e.location.name) for e in events] == [
        ("Air/drone strike", "Damascus")
    ]
    used = _code(pipeline, "A chemical attack on Douma killed 40 people on Saturday.")
    assert [(e.sub_event_type, e.fatalities) for e in used] == [("Chemical weapon", 40)]


def test_what_the_next_sentence_says_decides_the_protest(pipeline):
    dispersed = _code(
        pipeline,
        "Residents protested in Naivasha on Sunday, demanding a new road. Police fired tear gas "
        "to disperse the crowd.",
    )
    assert [e.sub_event_type for e in dispersed] == ["Protest with intervention"]
    assert dispersed[0].evidence[-1].supports == ["sub_event_type"]
    # a road damaged by rain is no riot
    calm = _code(
        pipeline,
        "Residents staged a demonstration in Nairobi on Sunday over a road damaged by heavy rain.",
    )
    assert [e.sub_event_type for e in calm] == ["Peaceful protest"]


def test_a_sentence_supports_the_date_only_when_it_dates_the_event(pipeline):
    dated = _code(pipeline, "Gunmen shot dead four farmers near Djibo on Saturday.")
    undated = _code(pipeline, "Gunmen shot dead four farmers near Djibo.")
    assert dated[0].date == "2019-12-28" and "date" in dated[0].evidence[0].supports
    # dated by the story itself: no sentence of the article says when
    assert undated[0].date == "2019-12-31" and "date" not in undated[0].evidence[0].supports


def test_a_trigger_inside_an_organisations_name_is_no_event(pipeline):
    named = "Experts from the Organisation for the Prohibition of Chemical Weapons reached Homs."
    assert _code(pipeline, named) == []
    used = "Inspectors said chemical weapons were used in Homs on Saturday."
    assert [e.sub_event_type for e in _code(pipeline, used)] == ["Chemical weapon"]


def test_the_happening_an_act_answers_is_its_motive_not_its_event(pipeline):
    salvo = _code(
        pipeline,
        "Warships fired a salvo of 40 missiles at an airbase near Homs on Saturday, to punish "
        "a chemical attack on Douma.",
    )
    assert [(e.sub_event_type, e.location.name) for e in salvo] == [
        ("Shelling/artillery/missile attack", "Homs")
    ]
    reprisal = _code(
        pipeline,
        "Rebels shelled army posts on Monday in retaliation for airstrikes on Maarat al-Numan.",
    )
    assert [e.sub_event_type for e in reprisal] == ["Shelling/artillery/missile attack"]
    assert reprisal[0].location is None  # the shelled posts are not placed; Maarat was bombed
