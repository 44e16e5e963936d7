"""Geo stage: gazetteer, demonyms, toponyms, resolution and event locations.

The real gazetteer is built once per test session (about 20 s) unless the installed one
(default_gazetteer_path()) already exists.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sitreps.geo import (
    Geocoder,
    country_code,
    country_location,
    default_gazetteer_path,
    event_locations,
    find_toponyms,
    open_gazetteer,
)
from sitreps.geo.gazetteer import SCHEMA_VERSION, _schema_ok, build_gazetteer, usable_alias
from sitreps.geo.normalize import name_key, skeleton_key

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_3c99f06cd3fd5c94.txt"


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory):
    installed = default_gazetteer_path()
    if installed.exists() and _schema_ok(installed):
        return open_gazetteer(installed)
    path = tmp_path_factory.mktemp("geo") / "gazetteer.sqlite"
    stats = build_gazetteer(path)
    assert stats["cities"] > 200_000 and stats["admin1"] > 3_000
    return open_gazetteer(path)


@pytest.fixture(scope="session")
def geocoder(gazetteer):
    return Geocoder(gazetteer)


def _sentence(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    end = text.find(".", start)
    return start, end + 1 if end >= 0 else len(text)


# -- keys and aliases ----------------------------------------------------------------------


def test_transliterations_share_a_skeleton():
    assert (
        skeleton_key("Deir ez-Zor") == skeleton_key("Dayr az Zawr") == skeleton_key("Deir al-Zor")
    )
    assert skeleton_key("Ar Raqqah") == skeleton_key("Raqqa")
    assert name_key("Saint-Étienne") == "saint etienne"
    assert skeleton_key("Paris") != skeleton_key("Peru")


def test_airport_codes_and_foreign_scripts_are_not_aliases():
    assert not usable_alias("GAQ", "Gao")
    assert not usable_alias("حمص", "Homs")
    assert not usable_alias("hms", "Homs")
    assert usable_alias("Ḩimş", "Homs")
    assert usable_alias("al-Hasakah", "Al Hasakah")


# -- gazetteer -----------------------------------------------------------------------------


def test_lookup_orders_countries_first_and_finds_spellings(gazetteer):
    assert gazetteer.lookup("Syria")[0].country == "SY"
    assert gazetteer.lookup("Kiev")[0].name == "Kyiv"
    crimea = gazetteer.lookup("Crimea")[0]
    assert (crimea.country, crimea.feature) == ("UA", "admin1")
    assert any(p.country == "SY" for p in gazetteer.lookup("Dayr az Zawr"))
    assert all(p.country != "US" or p.feature != "place" for p in gazetteer.lookup("Gao")[:1])
    assert gazetteer.lookup("Donbas")[0].feature == "region"


def test_countries_and_admin1_have_points(gazetteer):
    syria = gazetteer.country("SY")
    assert syria is not None and 32 < syria.lat < 37 and 35 < syria.lon < 42
    kenya = gazetteer.country("ke")
    assert kenya is not None and -5 < kenya.lat < 5
    homs = gazetteer.admin1("SY", "11")
    assert homs is not None and homs.name == "Homs" and homs.lat is not None


def test_lookup_is_fast(gazetteer):
    names = ["Homs", "Nairobi", "Springfield", "Nowhereville", "Deir al-Zour"]
    for name in names:
        gazetteer.lookup(name)
    started = time.perf_counter()
    for _ in range(200):
        for name in names:
            gazetteer.lookup(name)
    assert (time.perf_counter() - started) / 1000 < 0.0005


def test_schema_version_is_recorded(gazetteer):
    assert _schema_ok(gazetteer.path)
    assert SCHEMA_VERSION


# -- demonyms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Syrian", "SY"),
        ("Russian", "RU"),
        ("French", "FR"),
        ("American", "US"),
        ("US", "US"),
        ("U.S.", "US"),
        ("British", "GB"),
        ("UK", "GB"),
        ("Kenyan", "KE"),
        ("Syria", "SY"),
        ("Kenyans", "KE"),
        ("Ivory Coast", "CI"),
        ("Moscow", None),
        ("us", None),
        ("Arab", None),
    ],
)
def test_country_code(word, code):
    assert country_code(word) == code


# -- toponyms ------------------------------------------------------------------------------


def test_toponyms_skip_people_titles_and_months(gazetteer):
    text = (
        "Mr Vladimir Putin met President Paul Kagame in March. Police said the talks in "
        "Kigali went well, and Kagame flew home."
    )
    found = [t.text for t in find_toponyms(text, gazetteer=gazetteer)]
    assert found == ["Kigali"]


def test_toponym_patterns(gazetteer):
    text = (
        "Gunmen attacked a bus near Garissa on Monday, 20 km north of the border. "
        "Troops were sent to Idlib province and to the Syrian port city of Tartus."
    )
    found = {t.text: t for t in find_toponyms(text, gazetteer=gazetteer)}
    assert found["Garissa"].near
    assert found["Idlib"].kind_hint == "admin1"
    assert found["Tartus"].country_hint == "SY" and found["Tartus"].kind_hint == "place"


def test_acronyms_do_not_become_towns(gazetteer):
    text = "NATO and the UN met in Brussels; the UK and the US sent envoys."
    found = [t.text for t in find_toponyms(text, gazetteer=gazetteer)]
    assert "NATO" not in found and "UN" not in found
    assert {"Brussels", "UK", "US"} <= set(found)


def test_spacy_entities_block_and_add(gazetteer):
    text = "Aleppo Airport reopened, officials in Tadif said."
    entities = [(0, 14, "FAC"), (32, 37, "GPE")]
    found = [t.text for t in find_toponyms(text, entities, gazetteer=gazetteer)]
    assert "Tadif" in found


# -- resolution ----------------------------------------------------------------------------


def test_document_focus_picks_the_right_namesake(geocoder):
    text = (
        "Syrian government forces shelled rebel positions around Homs. "
        "Clashes were also reported in Palmyra, a monitor said."
    )
    geo = geocoder.geocode(text)
    assert geo.focus_country == "SY"
    palmyra = next(m for m in geo.mentions if m.text == "Palmyra")
    assert palmyra.place is not None and palmyra.place.country == "SY"
    assert "focus" in palmyra.reason


def test_containment_resolves_the_inner_place(geocoder):
    geo = geocoder.geocode("A protest took place in Bangor, Maine on Saturday.")
    bangor = next(m for m in geo.mentions if m.text == "Bangor")
    assert bangor.place is not None and bangor.place.country == "US"
    assert bangor.place.admin1 == "Maine"


def test_province_context_prefers_the_admin_area(geocoder):
    geo = geocoder.geocode("Air strikes hit villages in Idlib province on Tuesday.")
    idlib = next(m for m in geo.mentions if m.text == "Idlib")
    assert idlib.place is not None and idlib.place.feature == "admin1"
    geo = geocoder.geocode("Air strikes hit a market in Idlib on Tuesday, Syrian media said.")
    idlib = next(m for m in geo.mentions if m.text == "Idlib")
    assert idlib.place is not None and idlib.place.feature == "place"


def test_unknown_place_is_not_invented(geocoder):
    geo = geocoder.geocode("Fighting spread among Homs, Qaryat Zarzurxyz and Hama in Syria.")
    unknown = next(m for m in geo.mentions if m.text.startswith("Qaryat"))
    assert unknown.place is None


# -- event locations -----------------------------------------------------------------------


def test_coordinated_places_give_one_location_each(geocoder):
    text = "Kenya: Police said raiders torched homes in Lamu and Garissa on Friday."
    geo = geocoder.geocode(text)
    locations = event_locations(geo, 0, len(text), text.index("torched"))
    assert [loc.name for loc in locations] == ["Lamu", "Garissa"]
    assert all(loc.precision == "place" and loc.country == "KE" for loc in locations)


def test_event_location_precisions(geocoder):
    text = (
        "Rebels clashed with the army in Syria. Jets bombed targets near Homs. "
        "Militants attacked checkpoints in Idlib province."
    )
    geo = geocoder.geocode(text)
    first = _sentence(text, "Rebels")
    assert [loc.precision for loc in event_locations(geo, *first, text.index("clashed"))] == [
        "country"
    ]
    second = _sentence(text, "Jets")
    near = event_locations(geo, *second, text.index("bombed"))
    assert near[0].name == "Homs" and near[0].precision == "near"
    third = _sentence(text, "Militants")
    admin = event_locations(geo, *third, text.index("attacked"))
    assert admin[0].precision == "admin1" and admin[0].country == "SY"


def test_place_of_occurrence_beats_places_talked_about(geocoder):
    text = (
        "Ethiopia wrote to Kenya to request support after gunmen from Somalia attacked a "
        "camp in Moyale."
    )
    geo = geocoder.geocode(text)
    locations = event_locations(geo, 0, len(text), text.index("attacked"))
    assert [loc.name for loc in locations] == ["Moyale"]


def test_containment_drops_the_container(geocoder):
    text = "Police shot dead two suspects in Watamu, Kilifi on Tuesday."
    geo = geocoder.geocode(text)
    locations = event_locations(geo, 0, len(text), text.index("shot"))
    assert [loc.name for loc in locations] == ["Watamu"]


def test_no_place_gives_empty_and_country_fallback(geocoder):
    text = "Students protested over fees. Police dispersed them in Nairobi."
    geo = geocoder.geocode(text)
    assert event_locations(geo, 0, 30, 10) == []
    fallback = country_location(geo, "KE")
    assert fallback.precision == "country" and fallback.name == "Kenya" and fallback.lat


# -- the seed page (read from ../shared; never copied into the repository) ---------------


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not available")
def test_seed_page(geocoder):
    text = SEED.read_text(encoding="utf-8")
    geo = geocoder.geocode(text)
    assert geo.focus_country == "SY"
    resolved = {m.text: m.place for m in geo.mentions if m.place is not None}
    assert resolved["Syria"].feature == "country" and resolved["Syria"].country == "SY"
    for town in ["Latakia", "Homs", "Deir ez-Zor", "Palmyra"]:
        assert resolved[town].country == "SY", town
    assert (resolved["Crimea"].country, resolved["Crimea"].feature) == ("UA", "admin1")
    assert resolved["Ukraine"].country == "UA" and resolved["Russia"].country == "RU"
    assert not any(m.text.startswith("Arab") for m in geo.mentions)
    washiya = [m for m in geo.mentions if m.text == "Washiya"]
    assert all(m.place is None or m.place.country == "SY" for m in washiya)

    start, end = _sentence(text, "The strikes were spread among")
    locations = event_locations(geo, start, end, text.index("strikes", start))
    assert [loc.text for loc in locations][:1] == ["Deir ez-Zor"]
    assert "Palmyra" in [loc.text for loc in locations]
    assert all(loc.country == "SY" for loc in locations)

    start, end = _sentence(text, "The casualties")
    assert event_locations(geo, start, end, text.index("confirmed", start)) == []
