"""Tolls told after their event, through the real pipeline (texts written for these tests)."""

from __future__ import annotations


def _code(pipeline, text, ref_date="2021-03-10"):
    return pipeline.process_text(text, doc_id="t", ref_date=ref_date)


def test_toll_a_few_sentences_later_joins_the_event(pipeline):
    events = _code(
        pipeline,
        "On 8 March 2021, herders and farmers clashed over a well in Garissa. "
        "The farmers accused the herders of letting cattle into their fields. "
        "Four people, including a young boy, were killed.",
    )
    assert len(events) == 1
    assert events[0].fatalities == 4
    assert events[0].evidence[-1].supports == ["fatalities"]


def test_toll_sentences_add_up_and_a_stated_total_wins(pipeline):
    added = _code(
        pipeline,
        "On 8 March 2021, a mob attacked a police station in Garissa. "
        "Two constables were beaten to death. 3 others later died of their wounds.",
    )
    assert [e.fatalities for e in added] == [5]
    total = _code(
        pipeline,
        "On 8 March 2021, a mob attacked a police station in Garissa. "
        "Two constables were beaten to death. 3 others later died of their wounds. Total 6 fatalities.",
    )
    assert [e.fatalities for e in total] == [6]


def test_a_toll_without_an_event_word_still_counts(pipeline):
    events = _code(
        pipeline,
        "On 8 March 2021, police clashed with armed smugglers near Garissa. "
        "There was 1 fatality and 7 arrests.",
    )
    assert [e.fatalities for e in events if e.sub_event_type != "Arrests"] == [1]


def test_background_tolls_and_war_statistics_stay_out(pipeline):
    events = _code(
        pipeline,
        "On 8 March 2021, gunmen attacked a bus near Garissa. "
        "Twelve people were killed in a previous attack on the same road last year.",
    )
    bus = [e for e in events if e.evidence[0].text.startswith("On 8 March")]
    assert [e.fatalities for e in bus] == [None]  # the earlier attack's dead are not its toll
    war = _code(
        pipeline,
        "On 8 March 2021, gunmen attacked a bus near Garissa. "
        "More than 3,000 people have been killed in the insurgency since 2012.",
    )
    assert all(e.fatalities is None for e in war)


def test_headline_verbs_give_events(pipeline):
    for headline in (
        "Warplanes bomb Manbej in the northern countryside of Aleppo",
        "Regime forces bomb Jobar and the countryside of Daraa",
        "Militants execute 5 in Idlib",
    ):
        assert _code(pipeline, headline, ref_date="2016-01-05"), headline
    executed = _code(pipeline, "Militants execute 5 in Idlib", ref_date="2016-01-05")
    assert [e.fatalities for e in executed] == [5]
    # the death penalty is not political violence
    assert not _code(
        pipeline, "The court said the state executed two men convicted of drug smuggling."
    )


def test_the_toll_of_the_attack_just_told_is_that_attacks_whole_toll(pipeline):
    events = _code(
        pipeline,
        "A suicide bomber killed three police officers at a market in Kismayo on Monday. "
        "As many as 11 people died in the attack, the worst on the city's police in months.",
    )
    assert [(e.sub_event_type, e.fatalities) for e in events] == [("Suicide bomb", 11)]
    elsewhere = _code(
        pipeline,
        "Gunmen attacked a checkpoint in Djibo on Monday, killing two soldiers. "
        "Three civilians were killed in the attack on Arbinda on Tuesday.",
    )
    assert [e.fatalities for e in elsewhere] == [2, 3]
