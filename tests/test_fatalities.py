import pytest

from sitreps.events.fatalities import count_fatalities, parse_number


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The first strikes earlier this week killed 30 fighters at a training camp.", 30),
        ("Clashes erupted on Monday, killing 3 soldiers and 5 militants.", 8),
        ("Three people died when the minibus was hit.", 3),
        ("The death toll rose to 12 on Monday.", 12),
        ("At least 12 people were killed in the attack.", 12),
        ("A man and his 12-year-old son were killed by assailants near the river.", 2),
        ("A suspected smuggler was killed in the border town.", 1),
        ("Gunmen shot dead two traders and injured four others.", 2),
        ("Twenty-three villagers were massacred overnight.", 23),
        ("No one was hurt in the blast.", 0),
        ("Dozens were killed.", None),
        ("Two soldiers were wounded.", None),
        ("There are 32 warplanes at the base, guarded by 1,700 marines.", None),
        ("An officer shot dead a driver who refused to pay a bribe.", 1),
        ("The two sides clashed in the camp, resulting in 5 deaths and 9 injuries.", 5),
        ("The house was set on fire, killing its four occupants.", 4),
        ("Bandits attacked the village, killing at least 7, including 2 police reservists.", 7),
        ("The gunmen killed one driver and injured four passengers.", 1),
        ("Residents beat two suspected thieves to death at the market.", 2),
        ("Herders protested after 32 sheep were killed by a speeding truck.", None),
        ("Parents camped outside the court after a classroom collapsed, killing six pupils.", None),
        ("The strikes killed a number of militants.", None),
        ("Gunmen killed three soldiers and a civilian near the camp.", 4),
        ("Five villagers and a child were killed when the shell hit the market.", 6),
        ("Two soldiers and one militant were killed.", 3),
        ("The bomb hit a convoy, killing five soldiers, a police officer told reporters.", 5),
    ],
)
def test_count_fatalities(sentence, expected):
    assert count_fatalities(sentence) == expected


def test_parse_number():
    assert parse_number("1,700") == 1700
    assert parse_number("thirty-two") == 32
    assert parse_number("a dozen") == 12
    assert parse_number("several") is None
