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


def test_a_named_group_takes_in_the_word_for_its_members():
    assert _names("Presumed ISGS militants killed a herder.")[0][:2] == (
        "ISGS militants",
        "Islamic State (Greater Sahara)",
    )
    assert [n for _, n, _ in _names("Al-Shabaab gunmen fled.")] == ["Al Shabaab"]


def test_either_group_in_the_order_acled_writes_it():
    jnim_isgs = "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)"
    assert _names("ISGS or JNIM militants ambushed a convoy.")[0][1] == jnim_isgs
    assert _names("JNIM or IS Sahel fighters raided a village.")[0][1].endswith(
        "and/or Islamic State (Sahel)"
    )


def test_state_force_units_are_named_after_the_force():
    found = find_actors("Gendarmes and prison warders were deployed; GSU officers followed.")
    assert [m.to_actor("BF").name for m in found[:2]] == [
        "Police Forces of Burkina Faso Gendarmerie",
        "Police Forces of Burkina Faso Prison Guards",
    ]
    assert found[2].to_actor().name == "Police Forces of Kenya General Service Unit"
    assert [m.name for m in find_actors("French Operation Barkhane forces struck.")] == [
        "Military Forces of France"
    ]


def test_coordinated_demonyms_name_the_first_force_and_single_strikes_count():
    assert _names("Burkinabe and French aircraft bombed a base.")[0][1] == (
        "Military Forces of Burkina Faso"
    )
    assert _names("A Burkinabe airstrike hit the camp.")[0][1] == "Military Forces of Burkina Faso"


def test_party_supporters_are_rioters_of_the_party_country():
    actors = [m.to_actor() for m in find_actors("Chhatra League activists beat a student.")]
    assert actors[0].name == "Rioters (Bangladesh)"
    assert actors[0].text == "Chhatra League"
    assert find_actors("ODM youths stoned cars.")[0].to_actor().name == "Rioters (Kenya)"


def test_ethnic_and_clan_militias_take_the_country_from_context():
    found = [m.to_actor("KE").name for m in find_actors("Pokot raiders attacked Turkana herders.")]
    assert found[0] == "Pokot Ethnic Militia (Kenya)"
    both = find_actors("Clashes between the Borana and Gabra communities left two dead.")
    assert [m.to_actor("KE").name for m in both] == [
        "Borana Ethnic Militia (Kenya)",
        "Gabra Ethnic Militia (Kenya)",
    ]
    assert find_actors("Peulh herders attacked farmers.")[0].to_actor("BJ").name == (
        "Fulani Ethnic Militia (Benin)"
    )
    clans = find_actors("Fighting broke out between Garre and Murulle clan militias.")
    assert [m.to_actor("KE").name for m in clans] == [
        "Garre Clan Militia (Kenya)",
        "Murulle Clan Militia (Kenya)",
    ]


def test_people_of_a_group_who_are_attacked_stay_civilians():
    found = find_actors("Gunmen attacked Fulani herders.")
    assert [m.to_actor("BJ").name for m in found] == [
        "Unidentified Armed Group (Benin)",
        "Civilians (Benin)",
    ]


def test_a_group_of_armed_men_is_an_armed_group_not_a_crowd():
    names = [n for _, n, _ in _names("A group of ten unidentified armed men took the herd.")]
    assert names == ["Unidentified Armed Group (Syria)"]
    assert [n for _, n, _ in _names("A group of youths attacked him.")] == ["Rioters (Syria)"]


def test_armed_farmers_and_attacking_herders_are_communal_militias():
    def first(text: str) -> str:
        return find_actors(text)[0].to_actor("BJ").name

    assert first("Farmers with hunting rifles attacked a camp.") == (
        "Unidentified Communal Militia (Benin)"
    )
    assert first("Pastoralists attacked two women.") == "Unidentified Communal Militia (Benin)"
    assert first("Two Bariba men equipped with machetes attacked a herder.") == (
        "Bariba Ethnic Militia (Benin)"
    )
    assert first("Ethnic militiamen killed a trader.") == "Unidentified Ethnic Militia (Benin)"
    # a crowd with no weapon named is a mob, and herders who are attacked are civilians
    assert first("A group of farmers attacked a herder.") == "Rioters (Benin)"
    assert [m.kind for m in find_actors("Gunmen killed two herders.")][1] == ActorKind.CIVILIANS


def test_clans_of_a_known_ethnic_group_are_named_as_the_group():
    found = find_actors("Two Maasai clans clashed over land.")
    assert [m.to_actor("KE").name for m in found] == ["Maasai Ethnic Militia (Kenya)"]


def test_syrias_armed_opposition_is_rebels_not_the_state():
    found = find_actors("Syria's armed opposition fought on near Aleppo.")
    assert [(a.name, a.kind) for a in found] == [("Syrian rebels", ActorKind.REBELS)]
