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
