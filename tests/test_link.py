"""Merging the sentences that tell one event, and telling different events apart."""

from __future__ import annotations

from sitreps.link import merge_article_events, same_incident
from sitreps.records import Actor, ActorKind, ArticleRef, Event, Evidence, Location

HOMS = Location(name="Homs", geonameid=169577, country="SY", lat=34.72, lon=36.72, precision="near")
SYRIA = Location(
    name="Syria", geonameid=163843, country="SY", lat=35.0, lon=38.0, precision="country"
)
ALEPPO = Location(
    name="Aleppo", geonameid=170063, country="SY", lat=36.20, lon=37.16, precision="place"
)


def _event(n: int, *, location: Location, actor: str | None = "Military Forces of Russia",
           country: str = "RU", text: str | None = "Russian jets", sub: str = "Air/drone strike",
           etype: str = "Explosions/Remote violence", date: str = "2015-09-30",
           fatalities: int | None = None, attribution: str | None = None) -> Event:  # fmt: skip
    actor1 = (
        Actor(name=actor, country=country, kind=ActorKind.STATE_FORCES, text=text)
        if actor
        else None
    )
    return Event(
        id=f"e{n}", event_type=etype, sub_event_type=sub, date=date, date_precision="day",
        actor1=actor1, location=location, fatalities=fatalities, attribution=attribution,
        evidence=[Evidence(text=f"sentence {n}", start=n * 10, end=n * 10 + 9)],
        article=ArticleRef(id="a"), confidence=0.7,
    )  # fmt: skip


def test_sentences_of_one_strike_merge_keeping_all_evidence():
    merged = merge_article_events(
        [
            _event(1, location=SYRIA, attribution="Russia"),
            _event(2, location=HOMS, attribution="US defence official", fatalities=4),
        ]
    )
    assert len(merged) == 1
    event = merged[0]
    assert event.location.name == "Homs"  # the most precise place
    assert event.fatalities == 4
    assert event.attribution == "Russia; US defence official"
    assert [e.start for e in event.evidence] == [10, 20]
    assert event.confidence > 0.7


def test_different_places_actors_or_dates_stay_apart():
    base = _event(1, location=HOMS)
    assert len(merge_article_events([base, _event(2, location=ALEPPO)])) == 2
    france = _event(3, location=HOMS, actor="Military Forces of France", country="FR")
    assert len(merge_article_events([base, france])) == 2
    later = _event(4, location=HOMS, date="2015-11-30")
    assert len(merge_article_events([base, later])) == 2


def test_conventional_actor_yields_to_the_named_one():
    unnamed = _event(1, location=HOMS, actor="Unidentified Armed Group (Syria)", country="SY",
                     text=None, sub="Remote explosive/landmine/IED")  # fmt: skip
    named = _event(2, location=HOMS, actor="Islamic State", country=None, text="IS",
                   sub="Remote explosive/landmine/IED")  # fmt: skip
    merged = merge_article_events([unnamed, named])
    assert len(merged) == 1 and merged[0].actor1.name == "Islamic State"


def test_arrests_during_a_protest_are_its_intervention():
    protest = _event(1, location=HOMS, actor="Protesters (Syria)", country="SY", text=None,
                     sub="Peaceful protest", etype="Protests")  # fmt: skip
    arrests = _event(2, location=HOMS, actor="Police Forces of Syria", country="SY",
                     text="police", sub="Arrests", etype="Strategic developments")  # fmt: skip
    merged = merge_article_events([protest, arrests])
    assert len(merged) == 1
    assert merged[0].event_type == "Protests"


def test_same_incident_across_articles():
    assert same_incident(_event(1, location=HOMS), _event(2, location=SYRIA, date="2015-10-01"))
    assert not same_incident(_event(1, location=HOMS), _event(2, location=ALEPPO))


# ------------------------------------------- reports coded differently, places named twice

from sitreps.link import (  # noqa: E402
    choose_incident,
    compatible_event_types,
    cross_type_rules,
    link_decision,
)

RAQQA = Location(name="Raqqa", geonameid=163915, country="SY", lat=35.95, lon=39.01,
                 precision="place")  # fmt: skip
UK = Actor(name="Military Forces of the United Kingdom", country="GB",
           kind=ActorKind.STATE_FORCES, text="British soldier")  # fmt: skip
IS = Actor(name="Islamic State", kind=ActorKind.REBELS, text="Isis")


def _coded(n: int, article: str, *, etype: str, sub: str, date: str = "2018-03-30",
           location: Location = SYRIA, actors: tuple = (UK, IS)) -> Event:  # fmt: skip
    actor1, actor2 = (list(actors) + [None, None])[:2]
    return Event(
        id=f"x{n}", event_type=etype, sub_event_type=sub, date=date, date_precision="day",
        actor1=actor1, actor2=actor2, location=location,
        evidence=[Evidence(text=f"sentence {n}", start=0, end=9)], article=ArticleRef(id=article),
        confidence=0.7,
    )  # fmt: skip


def test_one_death_coded_as_a_clash_and_a_bombing_is_one_incident():
    clash = _coded(1, "a1", etype="Battles", sub="Armed clash")
    bomb = _coded(2, "a2", etype="Explosions/Remote violence",
                  sub="Remote explosive/landmine/IED", date="2018-03-31")  # fmt: skip
    assert choose_incident(bomb, [clash]) == "x1"
    assert "Battles" in compatible_event_types(bomb)


def test_differently_coded_reports_need_the_same_two_actors_and_close_dates():
    clash = _coded(1, "a1", etype="Battles", sub="Armed clash", location=RAQQA)
    one_shared = _coded(2, "a2", etype="Explosions/Remote violence",
                        sub="Remote explosive/landmine/IED", location=RAQQA, actors=(UK,))  # fmt: skip
    assert choose_incident(one_shared, [clash]) is None  # a front: same forces, same town
    later = _coded(3, "a3", etype="Explosions/Remote violence",
                   sub="Remote explosive/landmine/IED", location=RAQQA, date="2018-04-02")  # fmt: skip
    assert choose_incident(later, [clash]) is None
    protest = _coded(4, "a4", etype="Protests", sub="Peaceful protest", location=RAQQA)
    assert choose_incident(protest, [clash]) is None  # no group holds both sub-types
    territory = _coded(5, "a5", etype="Battles", sub="Non-state actor overtakes territory",
                       location=RAQQA, actors=(IS,))  # fmt: skip
    assert choose_incident(territory, [clash]) is None  # other sub-type, one actor in common


def test_the_cross_type_groups_name_codebook_sub_types():
    rules = cross_type_rules()
    assert rules.compatible("Armed clash", "Remote explosive/landmine/IED")
    assert rules.compatible("Peaceful protest", "Violent demonstration")
    assert not rules.compatible("Peaceful protest", "Air/drone strike")
    assert rules.max_days >= 0


def test_one_place_name_resolved_to_two_gazetteer_entries_is_one_place():
    england = Location(name="Salisbury", geonameid=2638664, country="GB", admin1="England",
                       lat=51.07, lon=-1.79, precision="place")  # fmt: skip
    maryland = Location(name="Salisbury", geonameid=4368711, country="US", admin1="Maryland",
                        lat=38.36, lon=-75.60, precision="place")  # fmt: skip
    russia = Actor(name="Military Forces of Russia", country="RU", kind=ActorKind.STATE_FORCES,
                   text="Russian agents")  # fmt: skip
    poison = {"etype": "Explosions/Remote violence", "sub": "Chemical weapon", "actors": (russia,)}
    first = _coded(1, "a1", location=england, **poison)
    assert choose_incident(_coded(2, "a2", location=maryland, **poison), [first]) == "x1"
    # one place, but a month later: another happening
    later = _coded(3, "a3", location=maryland, date="2018-04-30", **poison)
    assert choose_incident(later, [first]) is None


def test_a_bridging_report_joins_every_incident_it_fits():
    syria_side = Actor(name="Military Forces of Syria", country="SY", kind=ActorKind.STATE_FORCES,
                       text="regime forces")  # fmt: skip
    russia = Actor(name="Military Forces of Russia", country="RU", kind=ActorKind.STATE_FORCES,
                   text="Russian jets")  # fmt: skip
    civilians = Actor(name="Civilians (Syria)", country="SY", kind=ActorKind.CIVILIANS,
                      text="civilians")  # fmt: skip
    strike = {"etype": "Explosions/Remote violence", "sub": "Air/drone strike"}
    a = _coded(1, "a1", location=HOMS, actors=(syria_side, civilians), **strike)
    b = _coded(2, "a2", location=HOMS, actors=(russia,), **strike)
    bridge = _coded(4, "a4", location=HOMS, actors=(russia, syria_side), **strike)
    assert link_decision(bridge, [a, b]).joined == {"x1", "x2"}
    assert choose_incident(bridge, [a, b]) == "x1"  # the smallest id names the merged incident
    # an incident at another place is never joined, whatever the bridge says
    elsewhere = b.model_copy(update={"location": ALEPPO})
    assert link_decision(bridge, [a, elsewhere]).joined == {"x1"}


def test_a_vague_report_follows_one_incident_and_bridges_none():
    russia = Actor(name="Military Forces of Russia", country="RU", kind=ActorKind.STATE_FORCES,
                   text="Russian jets")  # fmt: skip
    strike = {"etype": "Explosions/Remote violence", "sub": "Air/drone strike"}
    homs = _coded(1, "a1", location=HOMS, actors=(russia,), **strike)
    aleppo = _coded(2, "a2", location=ALEPPO, actors=(russia,), **strike)
    # told at country level: it fits both strikes, and joins one without merging them
    vague = _coded(3, "a3", location=SYRIA, actors=(russia,), **strike)
    decision = link_decision(vague, [aleppo, homs])
    assert decision.joined == frozenset() and decision.anchor is homs
    assert link_decision(vague, [homs, aleppo]).anchor is homs  # whatever the order
    # a report naming no actor fits anyone: it follows an incident, never bridges two
    unnamed = _coded(4, "a4", location=HOMS, actors=(), **strike)
    assert link_decision(unnamed, [homs]).anchor is homs


def test_reports_naming_the_same_casualty_tell_one_story():
    ypg = Actor(name="YPG: People's Protection Units", country="SY", kind=ActorKind.IDENTITY_MILITIA,
                text="YPG")  # fmt: skip
    regime = Actor(name="Military Forces of Syria", country="SY", kind=ActorKind.STATE_FORCES,
                   text="Syrian forces")  # fmt: skip

    def told(n: int, sub: str, etype: str, actors: tuple, text: str, **more) -> Event:
        event = _coded(n, f"a{n}", etype=etype, sub=sub, location=RAQQA, actors=actors, **more)
        return event.model_copy(update={"evidence": [Evidence(text=text, start=0, end=len(text))]})

    bomb = told(1, "Remote explosive/landmine/IED", "Explosions/Remote violence", (ypg,),
                "The volunteer Tom Marsh, 27, died when a mine exploded near his unit.")  # fmt: skip
    obituary = told(2, "Armed clash", "Battles", (regime, IS),
                    "His comrade said Marsh was killed clearing a street of the Raqqa front.",
                    date="2018-04-03")  # fmt: skip
    assert same_incident(bomb, obituary)  # other type, other actors: one casualty
    later = obituary.model_copy(update={"date": "2018-04-20"})
    assert not same_incident(bomb, later)  # three weeks apart
    # a background line about the person is not the report of their death
    background = told(5, "Armed clash", "Battles", (regime, IS),
                      "His comrade said Marsh had fought on the Raqqa front for a year.",
                      date="2018-04-03")  # fmt: skip
    assert not same_incident(bomb, background)
    # a leader is named without an age or a rank: no private person in common
    leader = told(3, "Armed clash", "Battles", (regime, IS),
                  "President Marsh said the offensive would go on.")  # fmt: skip
    plain = told(4, "Remote explosive/landmine/IED", "Explosions/Remote violence", (ypg,),
                 "Officials said Tom Marsh would visit the front.")  # fmt: skip
    assert not same_incident(plain, leader)
