from sitreps.actors import find_actors
from sitreps.records import ActorKind


def _names(text):
    return [(m.text, m.to_actor("SY").name, m.kind) for m in find_actors(text)]


def test_islamic_state_is_recognised_before_tagging():
    found = _names("Coalition jets struck IS positions and ISIS fighters fled; it is over.")
    names = [n for _, n, _ in found]
    assert names.count("Islamic State") == 2
    assert all(text != "is" for text, _, _ in found)


def test_state_forces_from_demonyms():
    found = {
        t: (n, k) for t, n, k in _names("Russian warplanes and French airstrikes hit the camp.")
    }
    assert found["Russian warplanes"] == ("Military Forces of Russia", ActorKind.STATE_FORCES)
    assert found["French airstrikes"][0] == "Military Forces of France"


def test_us_is_not_the_pronoun():
    assert not [m for m in find_actors("They told us nothing.") if m.country == "US"]
    assert any(m.country == "US" for m in find_actors("A US official spoke."))


def test_generic_actors_take_the_country_from_context():
    found = find_actors("Gunmen killed two villagers near the market.")
    actors = [m.to_actor("KE") for m in found]
    assert [a.name for a in actors] == ["Unidentified Armed Group (Kenya)", "Civilians (Kenya)"]
    assert actors[1].kind == ActorKind.CIVILIANS
