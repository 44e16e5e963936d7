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
    ],
)
def test_count_fatalities(sentence, expected):
    assert count_fatalities(sentence) == expected


def test_parse_number():
    assert parse_number("1,700") == 1700
    assert parse_number("thirty-two") == 32
    assert parse_number("a dozen") == 12
    assert parse_number("several") is None
