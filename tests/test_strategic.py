"""Strategic developments through the real pipeline: decisions, moves, agreements, bases,
transfers of territory - coded when done, never when talked about (sentences written here)."""

from __future__ import annotations

import pytest

STRATEGIC = "Strategic developments"


def _code(pipeline, text, ref_date="2019-10-20"):
    return pipeline.process_text(text, doc_id="t", ref_date=ref_date)


def _strategic(events):
    return [e for e in events if e.event_type == STRATEGIC]


@pytest.mark.parametrize(
    ("text", "sub_type", "actor1"),
    [
        (
            "Hours later the prime minister was granted permission to use military force in "
            "Libya by his country's parliament.",
            "Change to group/activity",
            None,
        ),
        (
            "The Turkish parliament on Thursday approved a motion authorising the deployment "
            "of troops to Libya.",
            "Change to group/activity",
            "Government of Turkey",
        ),
        (
            "The Federation Council voted to authorise the use of military force abroad.",
            "Change to group/activity",
            "Government of Russia",
        ),
        (
            "Kenyan lawmakers approved the deployment of 900 soldiers to Haiti.",
            "Change to group/activity",
            "Government of Kenya",
        ),
        (
            "The army deployed reinforcements to the border town of Malanville on Monday.",
            "Change to group/activity",
            None,
        ),
        (
            "Kurdish fighters withdrew from the town of Tal Abyad without a fight on Sunday.",
            "Non-violent transfer of territory",
            None,
        ),
        (
            "The two communities signed a peace agreement in Marsabit on Friday.",
            "Agreement",
            None,
        ),
        (
            "Soldiers arrested four suspected militants of the group at a checkpoint near "
            "Kandi on Tuesday.",
            "Arrests",
            None,
        ),
        (
            "The militants established a new base in the forest near Kompa last week.",
            "Headquarters or base established",
            None,
        ),
        (
            "A truce was signed between the two clans in Marsabit on Tuesday.",
            "Agreement",
            None,
        ),
        (
            "Soldiers discovered and defused several IEDs on the road near Tanguieta on Monday.",
            "Disrupted weapons use",
            None,
        ),
        (
            "Soldiers foiled an attack on the army base in Kidal on Monday.",
            "Disrupted weapons use",
            None,
        ),
        (
            "Suspected militants burned a school in the village of Sebga on Friday.",
            "Looting/property destruction",
            None,
        ),
        (
            "Suspected militants seized three donkey carts from traders near Dablo on Friday.",
            "Looting/property destruction",
            None,
        ),
        (
            "Many members of an armed group were seen in the village of Kofoni on Friday.",
            "Change to group/activity",
            None,
        ),
    ],
)
def test_what_was_done_is_coded(pipeline, text, sub_type, actor1):
    events = _strategic(_code(pipeline, text))
    assert [e.sub_event_type for e in events][:1] == [sub_type]
    if actor1:
        assert events[0].actor1.name == actor1


def test_the_deciding_body_is_the_state_of_the_person_it_empowers(pipeline):
    events = _code(
        pipeline,
        "On Wednesday Vladimir Putin was granted permission to use military force abroad "
        "by his country's parliament.",
        ref_date="2015-09-30",
    )
    decision = _strategic(events)
    assert len(decision) == 1
    assert decision[0].sub_event_type == "Change to group/activity"
    assert decision[0].actor1.name == "Government of Russia"
    assert decision[0].actor2 is None  # Putin is the same state, not a second actor


@pytest.mark.parametrize(
    "text",
    [
        # talk about the decision, not the decision
        "An aide stressed that the permission to use military force did not mean troops "
        "would fight on the ground.",
        "The president asked parliament for permission to use military force in Syria.",
        "MPs will vote on Tuesday on whether to approve the deployment of troops to Libya.",
        "Parliament refused to authorise the use of military force against the regime.",
        "The opposition called for the withdrawal of troops from the border.",
        "Lawmakers are considering a bill that would authorise the deployment of troops.",
        "If parliament approved the deployment of troops, the government would fall.",
        "The president hopes to be given permission to use military force in Syria.",
        "The opposition demanded that the cabinet be granted permission to deploy troops.",
        # history told as background
        "The last time the parliament granted the president the right to deploy troops "
        "abroad, the army seized a peninsula.",
        # leaving a deal, a race or an organisation is no transfer of territory
        "The United States withdrew from the nuclear deal in May.",
        "The senator pulled out of the presidential race on Monday.",
        # a base of support is no base
        "The party established a strong support base in the north.",
        # agreements need their concluding verb
        "Turkey is the guarantor of the ceasefire in Idlib.",
        "The UN begged both sides to agree to an immediate humanitarian ceasefire.",
        "The ceasefire with the militants broke down in the north.",
        # arrests are finite acts of this story
        "Such an escape is next to impossible for women, who must evade arrest on the way.",
        "The militia has detained a total of 900 foreign fighters.",
        "The government released a pastor detained for two years on terror charges.",
        "The Kurds say they cannot detain foreigners indefinitely.",
        "The suspect has been wanted for arrest by the federal police since 2015.",
        # standing presences and figures of speech
        "Yet again the foreign powers, whose troops are deployed across the region, stood by.",
        "Our nation has foiled the schemes of its scheming rivals yet again, the minister boasted.",
    ],
)
def test_talk_plans_refusals_and_history_are_not_coded(pipeline, text):
    assert _strategic(_code(pipeline, text)) == []


def test_a_decision_governs_the_violence_it_names(pipeline):
    events = _code(
        pipeline,
        "The Bundestag approved air strikes against Islamic State in Syria on Friday.",
        ref_date="2015-12-06",
    )
    assert [e.sub_event_type for e in events] == ["Change to group/activity"]
    assert events[0].actor1.name == "Government of Germany"


def test_destruction_by_warplanes_stays_an_air_strike(pipeline):
    events = _code(pipeline, "Russian warplanes destroyed a water station near Idlib on Monday.")
    assert [e.sub_event_type for e in events] == ["Air/drone strike"]


def test_talk_is_kept_as_hypothetical_on_request():
    from sitreps.pipeline import Pipeline

    events = Pipeline(include_unreal=True).process_text(
        "The president hopes to be given permission to use military force in Syria.",
        doc_id="t",
        ref_date="2019-06-01",
    )
    assert events and all(e.modality.value == "hypothetical" for e in events)
