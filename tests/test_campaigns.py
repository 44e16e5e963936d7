"""Campaigns told as background code no event; dated, placed reports with the same words
do (real pipeline; sentences written here)."""

from __future__ import annotations

import pytest


def _code(pipeline, text, ref_date="2019-10-20"):
    return pipeline.process_text(text, doc_id="t", ref_date=ref_date)


@pytest.mark.parametrize(
    "text",
    [
        # a campaign as a time reference, in a sentence about the future
        "What the group does after the Qamishli campaign will decide whether it has built a "
        "real army, or to fight against the government.",
        # a campaign as the object of a policy
        "Officials argued that the soldiers served the national interest by keeping up the "
        "offensive against remaining militant cells.",
        "The rebels now find themselves waging a battle against Kurdish militias in Manbij on "
        "behalf of their foreign patron.",
        # a campaign over an unspecified span and many places
        "Since then, Kurdish-led fighters, supported by American jets, have been fighting it "
        "out with hardline militants in towns and villages in Hasakah province.",
        # a campaign as a whole
        "The battle for Raqqa has shaped the politics of the region.",
        # habitual and generic violence
        "The air strikes now taking a heavy toll in Idlib are carried out with impunity by "
        "government forces.",
        "Armies have used poison gas on a handful of occasions since the first world war.",
    ],
)
def test_campaign_as_background_codes_no_event(pipeline, text):
    assert _code(pipeline, text) == []


@pytest.mark.parametrize(
    ("text", "sub_type", "place", "date"),
    [
        ("The offensive killed 20 people in Idlib on Tuesday.", "Attack", "Idlib", "2019-10-15"),
        (
            "Fighting broke out in Manbij on Monday between Kurdish forces and Turkish-backed "
            "rebels.",
            "Armed clash",
            "Manbij",
            "2019-10-14",
        ),
        (
            "Turkey launched an offensive against Kurdish fighters in Afrin on Saturday.",
            "Armed clash",
            "Afrīn",
            "2019-10-19",
        ),
        (
            "During the siege, government artillery shelled Deraa on Thursday.",
            "Shelling/artillery/missile attack",
            "Dar‘ā",
            "2019-10-17",
        ),
        (
            "Since the start of the offensive, a car bomb exploded in Afrin on Friday, killing "
            "five civilians.",
            "Remote explosive/landmine/IED",
            "Afrīn",
            "2019-10-18",
        ),
    ],
)
def test_dated_placed_report_keeps_its_event(pipeline, text, sub_type, place, date):
    events = _code(pipeline, text)
    assert [e.sub_event_type for e in events] == [sub_type]
    assert place in events[0].location.name
    assert events[0].date == date


def test_campaign_word_with_a_toll_stays_an_event(pipeline):
    events = _code(pipeline, "Fighting in the battle for Raqqa killed 14 Kurdish fighters.")
    assert len(events) == 1
    assert events[0].fatalities == 14


def test_background_campaign_gives_way_to_the_reported_act(pipeline):
    """A cue of habit speaks for its own clause: the airstrikes carried out are the event,
    not the chemical weapons of the norm they enforce."""
    text = (
        "The two allies say they carried out the airstrikes on Saturday to uphold a rule "
        "– the taboo on poison gas, which armies have broken on a handful of occasions over "
        "the course of a century."
    )
    assert [e.sub_event_type for e in _code(pipeline, text)] == ["Air/drone strike"]


def test_whether_governs_a_trigger_beyond_the_comma(pipeline):
    text = (
        "The vote will show whether the council has built up the militia to guard the "
        "border, or to fight against the army in Homs."
    )
    assert _code(pipeline, text) == []
    pipeline.include_unreal = True
    try:
        unreal = _code(pipeline, text)
    finally:
        pipeline.include_unreal = False
    assert [e.modality.value for e in unreal] == ["hypothetical"]


def test_hours_of_fighting_are_one_fight_not_a_campaign(pipeline):
    events = pipeline.process_text(
        "Soldiers seized rifles and motorbikes after several hours of fighting with gunmen near "
        "Kaya on Monday.",
        doc_id="t",
        ref_date="2021-08-05",
    )
    assert [e.sub_event_type for e in events] == ["Armed clash"]
