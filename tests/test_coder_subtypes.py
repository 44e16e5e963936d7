"""Sub-event types decided by the coder, through the real pipeline, on sentences written for
these tests: what a protest is about is not what happened at it, crowds against armed groups,
communal fights, ambushes, fights with armed gangs, and unrest."""

from __future__ import annotations

import pytest


def _sub_types(pipeline, text: str, ref_date: str = "2019-12-31") -> list[str]:
    events = pipeline.process_text(text, doc_id="t", ref_date=ref_date)
    return [e.sub_event_type for e in events]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the demand names detentions and a curfew: no intervention at this protest
        (
            "On Sunday, hundreds of students staged a protest in Dhaka, demanding the release "
            "of those detained by police and the withdrawal of the curfew.",
            "Peaceful protest",
        ),
        # the grievance is a killing: still a peaceful protest
        (
            "Residents of Kisumu protested on Sunday after a pedestrian was killed by a speeding "
            "lorry.",
            "Peaceful protest",
        ),
        # the crowd went home by itself
        (
            "Teachers staged a protest in Nakuru on Sunday. The crowd dispersed after officials "
            "promised to pay the arrears.",
            "Peaceful protest",
        ),
        # the police did intervene
        (
            "Teachers staged a protest in Nakuru on Sunday over unpaid wages, and police fired "
            "tear gas to disperse them.",
            "Protest with intervention",
        ),
        # a cause ends at its comma: the burning after it is what the crowd did
        (
            "On Sunday, demonstrators chanted slogans against the ruling party, set ablaze "
            "several buses and attacked policemen in Sylhet.",
            "Violent demonstration",
        ),
        # party activists attacking the protesters in the next sentence
        (
            "Students staged a protest in Rangpur on Sunday, demanding justice. Ruling party "
            "activists then assaulted the students with sticks.",
            "Protest with intervention",
        ),
        # a road blocked to press a demand is a protest
        (
            "On Sunday, traders blocked the Nakuru-Eldoret highway in Nakuru to demand the "
            "reopening of the market.",
            "Peaceful protest",
        ),
    ],
)
def test_protest_sub_type_reads_what_happened_not_the_grievance(pipeline, text, expected):
    assert expected in _sub_types(pipeline, text)
    assert "Excessive force against protesters" not in _sub_types(pipeline, text) or (
        expected == "Excessive force against protesters"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a crowd the roles take for victims ("a number of residents") still acts
        (
            "On Sunday, a number of residents beat and killed an alleged thief near Parakou.",
            "Mob violence",
        ),
        # mob justice stays mob violence whatever the crowd carries
        (
            "On Sunday, villagers with machetes killed a suspected robber in Parakou.",
            "Mob violence",
        ),
        # a group carrying blades to attack a farmer is an armed (communal) group
        (
            "On Sunday, a group of pastoralists equipped with machetes attacked and wounded a "
            "farmer in Nikki.",
            "Attack",
        ),
        # members of a sect the actor dictionary does not know
        (
            "On Sunday, members of a local sect tied up and beat a woman accused of sorcery in "
            "Abomey.",
            "Mob violence",
        ),
    ],
)
def test_crowds_and_armed_groups(pipeline, text, expected):
    assert _sub_types(pipeline, text) == [expected]


def test_communal_fights_are_battles_and_family_quarrels_a_mob(pipeline):
    assert _sub_types(
        pipeline, "On Sunday, herders and farmers clashed over pasture in Garissa."
    ) == ["Armed clash"]
    assert _sub_types(
        pipeline, "On Sunday, Borana and Somali herders clashed near Garba Tula."
    ) == ["Armed clash"]
    assert _sub_types(
        pipeline, "Two families clashed over a plot of land in Parakou on Sunday."
    ) == ["Mob violence"]


def test_an_ambush_on_civilians_is_an_attack_on_soldiers_a_clash(pipeline):
    assert _sub_types(
        pipeline,
        "On Sunday, an unidentified armed group ambushed a bus near Marsabit, killing three "
        "passengers.",
    ) == ["Attack"]
    assert _sub_types(
        pipeline, "On Sunday, militants ambushed an army patrol near Djibo, killing two soldiers."
    ) == ["Armed clash"]


def test_police_against_an_armed_gang_is_a_clash(pipeline):
    assert _sub_types(
        pipeline, "On Sunday, police shot dead two suspected gang members in Nakuru."
    ) == ["Armed clash"]
    assert _sub_types(pipeline, "On Sunday, police shot dead two civilians in Nakuru.") == [
        "Attack"
    ]


def test_violence_by_unnamed_people_amid_unrest_is_mob_violence(pipeline):
    assert _sub_types(
        pipeline,
        "On Sunday, unknown assailants set ablaze a ward councillor's home in Rangpur, "
        "amid the outbreak of violence that followed the fall of the cabinet.",
    ) == ["Mob violence"]
    assert _sub_types(
        pipeline, "On Sunday, unidentified gunmen shot dead a local councillor in Djibo."
    ) == ["Attack"]


def test_taking_things_or_people_is_no_territorial_gain(pipeline):
    assert "Non-state actor overtakes territory" not in _sub_types(
        pipeline, "On Sunday, suspected militants seized four carts from women near Djibo."
    )
    assert "Non-state actor overtakes territory" not in _sub_types(
        pipeline, "On Sunday, ISGS claimed to have captured and killed a JNIM fighter near Oursi."
    )
    assert _sub_types(
        pipeline, "On Sunday, Islamic State militants captured Palmyra after heavy fighting."
    )[:1] == ["Non-state actor overtakes territory"]


def test_the_month_may_is_no_modal(pipeline):
    assert _sub_types(
        pipeline,
        "07 May: residents killed two people accused of witchcraft in Lodwar.",
        "2019-05-08",
    ) == ["Mob violence"]
    assert _sub_types(pipeline, "Gunmen may have killed two people in Lodwar on Sunday.") == []


def test_an_attack_the_defenders_fought_back_is_a_clash(pipeline):
    assert _sub_types(
        pipeline,
        "On Sunday, suspected militants attacked the village of Gassere near Ouahigouya. "
        "Volunteer fighters repelled the attack.",
    )[:1] == ["Armed clash"]
    assert _sub_types(
        pipeline, "On Sunday, suspected militants attacked the village of Gassere near Ouahigouya."
    ) == ["Attack"]


def test_violence_a_protest_is_about_is_no_event(pipeline):
    assert _sub_types(
        pipeline,
        "On Sunday, a group of women in Kakamega demonstrated against rising cases of rape in "
        "the area.",
    ) == ["Peaceful protest"]
    # "over 300" counts the crowd; it opens no grievance
    assert _sub_types(
        pipeline,
        "On Sunday, over 300 demonstrators burned tyres on the Narok road, demanding "
        "compensation for their land.",
    ) == ["Violent demonstration"]


def test_killing_words_analysts_use(pipeline):
    assert _sub_types(
        pipeline, "On Sunday, a crowd burned two suspected robbers to death in Toffo."
    ) == ["Mob violence"]
    assert _sub_types(pipeline, "On Sunday, residents stoned a police vehicle in Malanville.") == [
        "Mob violence"
    ]
    # the habit belongs to what the victim is accused of, not to the beating
    assert _sub_types(
        pipeline,
        "On Sunday, villagers beat a man accused of repeatedly stealing yams in Bembereke.",
    ) == ["Mob violence"]


def test_what_the_crowd_did_after_its_demand_is_read(pipeline):
    assert _sub_types(
        pipeline,
        "On Sunday, residents of Embakasi held a demonstration to denounce the poor roads, "
        "blocking roads with stones and burning tyres.",
    ) == ["Violent demonstration"]


def test_aircraft_sent_to_attack_make_an_air_strike(pipeline):
    text = "The government sent in aircraft to attack rebel villages in Idlib on Tuesday."
    events = pipeline.process_text(text, doc_id="t", ref_date="2019-03-14")
    assert [e.sub_event_type for e in events] == ["Air/drone strike"]
