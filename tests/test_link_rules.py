"""Linking rules on invented reports, stored in a real store in every order: the closest
report in time anchors a vague one, reports each dated by their own words are a day apart at
most, and a casualty is one story only where the reports tell harm done to them."""

from __future__ import annotations

import itertools

from sitreps.link import CASUALTY, name_casualties
from sitreps.nlp import sentence_spans
from sitreps.records import Actor, ActorKind, Article, ArticleRef, Event, Evidence, Location
from sitreps.store import open_store

DOUMA = Location(name="Douma", geonameid=170654, country="SY", admin1="Rif-dimashq",
                 lat=33.57, lon=36.40, precision="place")  # fmt: skip
RAQQA = Location(name="Raqqa", geonameid=163915, country="SY", admin1="Raqqa", lat=35.95,
                 lon=39.01, precision="place")  # fmt: skip
REGIME = Actor(name="Military Forces of Syria", country="SY", kind=ActorKind.STATE_FORCES,
               text="regime forces")  # fmt: skip
RUSSIA = Actor(name="Military Forces of Russia", country="RU", kind=ActorKind.STATE_FORCES,
               text="Russian jets")  # fmt: skip
YPG = Actor(name="YPG: People's Protection Units", country="SY",
            kind=ActorKind.IDENTITY_MILITIA, text="YPG")  # fmt: skip
IS = Actor(name="Islamic State", kind=ActorKind.REBELS, text="Isis")
STRIKE = ("Explosions/Remote violence", "Air/drone strike")


def _told(n: int, date: str, actors: tuple, *, text: str = "Jets struck the town.",
          dated_by_text: bool = False, location: Location = DOUMA, kind: tuple = STRIKE,
          precision: str = "day", more: tuple[Evidence, ...] = ()) -> tuple:  # fmt: skip
    """An article of one report: its first sentence supports the date when `dated_by_text`."""
    supports = ["event_type", "sub_event_type"] + (["date"] if dated_by_text else [])
    article = Article(id=f"art{n}", input=f"art{n}.txt", text=text)
    event = Event(
        id=f"s{n}", event_type=kind[0], sub_event_type=kind[1], date=date,
        date_precision=precision, actor1=actors[0] if actors else None,
        actor2=actors[1] if len(actors) > 1 else None, location=location,
        evidence=[Evidence(text=text, start=0, end=len(text), supports=supports), *more],
        article=ArticleRef(id=article.id), confidence=0.7,
    )  # fmt: skip
    return article, [event]


def _incidents(path, articles) -> dict[str, str]:
    with open_store(path) as store:
        for article, events in articles:
            store.save_article(article, events)
        return {e.id: e.incident_id for e in store.events()}


def _in_every_order(tmp_path, articles) -> dict[str, str]:
    """The incidents after storing the articles in every order (all the same, or fails)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    results = [
        _incidents(tmp_path / f"order{n}.db", list(order))
        for n, order in enumerate(itertools.permutations(articles))
    ]
    assert all(result == results[0] for result in results)
    return results[0]


def test_a_vague_report_follows_the_closest_report_in_time(tmp_path):
    """Two strikes on one town three days apart (told by different sides, so apart): a
    report naming nobody, dated the day before the later one, follows the later one, whatever
    their ids."""
    incidents = _in_every_order(
        tmp_path,
        [
            _told(1, "2018-04-14", (RUSSIA,), dated_by_text=True),
            _told(2, "2018-04-11", (REGIME,), dated_by_text=True),
            _told(3, "2018-04-10", ()),  # names nobody: vague
        ],
    )
    assert incidents == {"s1": "s1", "s2": "s2", "s3": "s2"}


def test_among_equal_anchors_a_vague_report_follows_the_one_telling_it_alike(tmp_path):
    """Two reports of one place and day that the linker keeps apart (each names another side):
    a report naming nobody follows the one whose sentences share its words, not the one with
    the smaller id."""
    chemical = ("Explosions/Remote violence", "Chemical weapon")
    incidents = _in_every_order(
        tmp_path,
        [
            _told(1, "2018-04-12", (RUSSIA,), kind=chemical,
                  text="Officials accused Moscow over the diplomatic expulsions row."),
            _told(2, "2018-04-12", (REGIME,), kind=chemical,
                  text="Inspectors confirmed the nerve agent poisoning of the former spy."),
            _told(3, "2018-04-12", (), kind=chemical,
                  text="The poisoning of a former spy with a nerve agent shocked the town."),
        ],
    )  # fmt: skip
    assert incidents == {"s1": "s1", "s2": "s2", "s3": "s2"}


def test_reports_dated_by_their_own_words_are_a_day_apart_at_most(tmp_path):
    """A bombardment told day after day at one place, each report dating its strike ("on
    Monday"), is many happenings; a report dated only by its story may be a week late."""
    days = ["2018-04-07", "2018-04-10", "2018-04-13"]
    each_dated = [_told(n, day, (REGIME,), dated_by_text=True) for n, day in enumerate(days)]
    assert set(_in_every_order(tmp_path / "dated", each_dated).values()) == {"s0", "s1", "s2"}
    follow_ups = [_told(0, days[0], (REGIME,), dated_by_text=True)] + [
        _told(n, day, (REGIME,)) for n, day in enumerate(days[1:], start=1)
    ]
    assert set(_in_every_order(tmp_path / "follow", follow_ups).values()) == {"s0"}


def test_a_harm_sentence_takes_the_casualty_named_near_it():
    text = (
        "A British volunteer has been killed in Raqqa, his family said. "
        "Tom Marsh, 27, from Leeds, had joined the Kurdish units last year. "
        "Officials gave no further details. "
        "Ann Reed, 41, was wounded in a separate shelling in Idlib."
    )
    spans = sentence_spans(text)
    first, second, _, fourth = spans

    def coded(span: tuple[int, int], n: int) -> Event:
        evidence = Evidence(text=text[span[0] : span[1]], start=span[0], end=span[1])
        return Event(id=f"c{n}", event_type="Battles", sub_event_type="Armed clash",
                     date="2018-04-01", date_precision="day", location=RAQQA,
                     evidence=[evidence], article=ArticleRef(id="a"), confidence=0.7)  # fmt: skip

    death, shelling = name_casualties(text, spans, [coded(first, 1), coded(fourth, 2)])
    assert [(e.start, e.supports) for e in death.evidence[1:]] == [(second[0], [CASUALTY])]
    assert len(shelling.evidence) == 1  # it names its casualty itself
    # a sentence that tells an event of its own is that event's, never a neighbour's casualty
    [alone, _] = name_casualties(text, spans, [coded(first, 1), coded(second, 3)])
    assert len(alone.evidence) == 1


def test_one_casualty_named_where_both_reports_tell_the_death(tmp_path):
    """A death told as an IED in one article and a clash in another, with other actors: one
    story when both tell the harm done to the same named person (one of them through the
    casualty named next to its harm sentence), not when one only mentions them in passing."""
    ied = ("Explosions/Remote violence", "Remote explosive/landmine/IED")
    clash = ("Battles", "Armed clash")
    named = "Tom Marsh, 27, from Leeds, had joined the Kurdish units last year."
    casualty = Evidence(text=named, start=200, end=200 + len(named), supports=[CASUALTY])
    reports = [
        _told(1, "2018-04-01", (YPG,), kind=ied, location=RAQQA,
              text="The volunteer Tom Marsh, 27, died when a mine exploded near his unit."),
        _told(2, "2018-04-03", (REGIME, IS), kind=clash, location=RAQQA,
              text="A British volunteer has been killed in Raqqa, his family said.",
              more=(casualty,)),
        _told(3, "2018-04-04", (RUSSIA,), kind=clash, location=RAQQA,
              text="His friend said Marsh had spent a year on the Raqqa front."),
    ]  # fmt: skip
    assert _in_every_order(tmp_path, reports) == {"s1": "s1", "s2": "s1", "s3": "s3"}


def test_a_report_dated_to_its_month_follows_a_later_one_told_without_a_date(tmp_path):
    """ "The poisoning in Douma in March", told in an April article that gives no date of its
    own, is the happening an April report dated by its story refers back to; a report dated
    before that month, or one dated by its own words, is not."""
    chemical = ("Explosions/Remote violence", "Chemical weapon")
    month = _told(1, "2018-03-01", (), kind=chemical, precision="month", dated_by_text=True)
    told_later = _told(2, "2018-04-20", (REGIME,), kind=chemical)
    assert _in_every_order(tmp_path / "later", [month, told_later]) == {"s1": "s2", "s2": "s2"}
    dated_later = _told(3, "2018-04-20", (REGIME,), kind=chemical, dated_by_text=True)
    before = _told(4, "2018-02-10", (REGIME,), kind=chemical)
    apart = _in_every_order(tmp_path / "apart", [month, dated_later, before])
    assert apart == {"s1": "s1", "s3": "s3", "s4": "s4"}
