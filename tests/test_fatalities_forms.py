"""Toll forms beyond the basics: ranges, asides, singular objects, headlines, totals, frames.

Every sentence here is written for the test (none is taken from an evaluation file)."""

import pytest

from sitreps.events.fatalities import count_fatalities, normalise, stated_total


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # any count right after a kill verb, whatever the victims are called
        ("Raiders killed 6 camel traders near the well.", 6),
        ("The patrol killed three suspected poachers at dawn.", 3),
        ("A militia executes 4 in the town square", 4),
        # ranges and alternatives: the lowest figure (ACLED's rule)
        ("Gunmen killed between 12 and 30 villagers at the market.", 12),
        ("The soldiers killed either two or five fighters.", 2),
        # asides do not add victims
        ("Six people, including two nurses, were killed in the shelling.", 6),
        ("Seven people were killed, including 2 policemen, and 40 were injured.", 7),
        ("Three traders, among them a woman, were killed.", 3),
        ("Eight people including three guards were killed.", 8),
        ("1 person, a shopkeeper from the town, was killed in the clash.", 1),
        # groups listed with commas and "and"
        ("Four guards, one soldier, and one cook were killed and ten others wounded.", 6),
        ("The raiders killed 3 guards, and 4 herders in the village.", 7),
        ("7 fighters and 2 civilians were killed in the fighting.", 9),
        # injuries are not deaths, also before a death word later on
        ("Nine soldiers were wounded and four rebels killed.", 4),
        ("Gunmen left five people injured.", None),
        # singular victims named with "the", "his", a headline or "he died"
        ("Gunmen killed the village chief in his home.", 1),
        ("The farmer killed his neighbour with a machete.", 1),
        ("Unknown men shot dead the former mayor of the town.", 1),
        ("Gunmen killed the attackers' leader and his bodyguard.", 2),
        ("Soldiers killed the attackers.", None),
        # the object must name a person: idioms are not victims
        ('"We killed the game in the second half," the coach said.', None),
        ("The senate killed the bill on Monday.", None),
        ("An officer from the coastal province killed in the clashes", 1),
        ("A fighter killed near the border and shelling on two towns", 1),
        ("One died and several were injured in the air strike.", 1),
        ("The wounded guard later died in hospital.", 1),
        ("He succumbed to his injuries on Monday.", 1),
        ("Bandits killed and mutilated a herder near the river.", 1),
        ("Gunmen killed by machete a young farmer.", 1),
        # an age is not a count
        ("A 45-year-old teacher was shot dead at the gate.", 1),
        ("Police fired at the crowd, killing a 19 years old student.", 1),
        # noun phrases of death
        ("The raid ended with the death of three gunmen.", 3),
        ("The fighting resulted in the killing of 4 people.", 4),
        ("5 charred bodies were recovered from the house.", 5),
        ("There was 1 fatality and 3 arrests.", 1),
        ("The strike caused 9 casualties and dozens of injuries.", 9),
        ("The shelling caused 12 casualties and injuries.", None),
        # passive heads must not be an active gang: "four men shot dead a priest"
        ("A gang of four men shot dead a priest on the road.", 1),
        # more deaths told as more
        ("Three militants were killed and two civilians were also killed.", 5),
        # a stated total wins
        ("Five died at the gate and 4 in the yard. Total 9 fatalities.", 9),
        ("Two guards died (total of 5 fatalities).", 5),
        ("The army killed an unspecified number of militants. Fatalities coded as 3.", 3),
        # a killing the victims are accused of is not the toll
        ("Residents beat two men accused of killing a trader.", None),
        ("A mob attacked a man suspected of killing a child.", None),
        ("Drivers marched to protest the death of a colleague.", None),
        ("The troops killed an unspecified number of fighters.", None),
        ("Shelling on the town and the death of a child in the market", 1),
        ("Soldiers beat residents to avenge the killing of a colleague.", None),
        ("Residents protested over the killing of a villager by robbers.", None),
        ("Nine people from one family are the victims of the air strike.", 9),
        # a date is not a count
        ("On December 27 2019, 2 guards were killed at the gate.", 2),
        ("On 26 November 2019, two thieves were lynched by residents.", 2),
        # a run-on sentence: the injured are not the dead
        ("A party member was killed 15 people were injured in the clash.", 1),
        # a count told as coded in another event
        (
            "Mourners marched with the bodies of 3 men killed (coded separately), and burned tyres.",
            None,
        ),
        # war-wide figures in words
        ("About 60 thousand were killed.", 60000),
    ],
)
def test_count_fatalities_forms(sentence, expected):
    assert count_fatalities(sentence) == expected


def test_normalise_cuts_ranges_ages_and_asides():
    assert normalise("killed between 6 and 10 men") == "killed 6 men"
    assert "year" not in normalise("a 60 year-old woman was killed")
    assert normalise("Four persons, including two guards, were killed.") == (
        "Four persons were killed."
    )


def test_stated_total():
    assert stated_total("Total 12 fatalities.") == 12
    assert stated_total("Unknown fatalities coded as 10.") == 10
    assert stated_total("Twelve people were killed.") is None
