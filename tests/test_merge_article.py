"""Within one article: the sentences of one happening merge, those of others stay apart.

The first tests build events by hand to pin each rule of `merge_article_events`; the last
ones run the real pipeline on short texts written for them."""

from __future__ import annotations

import pytest

from sitreps.link import merge_article_events, within_article_rules
from sitreps.records import Actor, ActorKind, ArticleRef, Event, Evidence, Location

GHOUTA = Location(name="Eastern Ghouta", country="SY", admin1="Rif-dimashq", lat=33.55,
                  lon=36.45, precision="admin1")  # fmt: skip
SYRIA = Location(name="Syria", geonameid=163843, country="SY", lat=35.0, lon=38.0,
                 precision="country")  # fmt: skip
REGIME = Actor(name="Military Forces of Syria", country="SY", kind=ActorKind.STATE_FORCES,
               text="regime forces")  # fmt: skip
STATE = Actor(name="Government of Syria", country="SY", kind=ActorKind.STATE_FORCES,
              text="government-held areas")  # fmt: skip
REBELS = Actor(name="Syrian rebels", country="SY", kind=ActorKind.REBELS, text="rebels")
ISRAEL = Actor(name="Military Forces of Israel", country="IL", kind=ActorKind.STATE_FORCES,
               text="Israel")  # fmt: skip
RUSSIA = Actor(name="Military Forces of Russia", country="RU", kind=ActorKind.STATE_FORCES,
               text="Russian jets")  # fmt: skip


def _told(n: int, *, start: int | None = None, sub: str = "Air/drone strike",
          etype: str = "Explosions/Remote violence", actor1: Actor | None = None,
          actor2: Actor | None = None, location: Location = SYRIA, date: str = "2018-02-20",
          precision: str = "day", text: str | None = None) -> Event:  # fmt: skip
    """An event told by one sentence at `start` (n * 100 unless given)."""
    start = n * 100 if start is None else start
    sentence = text or f"sentence {n}"
    return Event(
        id=f"e{n}", event_type=etype, sub_event_type=sub, date=date, date_precision=precision,
        actor1=actor1, actor2=actor2, location=location, article=ArticleRef(id="a"),
        evidence=[Evidence(text=sentence, start=start, end=start + len(sentence))],
        confidence=0.6,
    )  # fmt: skip


def _groups(events: list[Event]) -> list[list[str]]:
    """The ids of the events each merged event holds, by their evidence sentences."""
    by_start = {e.evidence[0].start: e.id for e in events}
    return [[by_start[x.start] for x in m.evidence] for m in merge_article_events(events)]


def test_a_vague_sentence_joins_one_happening_and_bridges_none():
    """The vague second sentence fits both named ones; the third does not fit the first."""
    first = _told(1, actor1=RUSSIA, sub="Air/drone strike")
    vague = _told(2, actor1=None, sub="Air/drone strike")
    israel = _told(3, actor1=ISRAEL, sub="Air/drone strike")
    assert _groups([first, vague, israel]) == [["e1", "e2"], ["e3"]]


def test_the_other_sides_response_is_another_event():
    shelling = _told(1, sub="Shelling/artillery/missile attack", location=GHOUTA)
    answer = _told(2, sub="Shelling/artillery/missile attack", actor1=REBELS, actor2=STATE,
                   text="Rebel groups responded with mortar fire on the capital.")  # fmt: skip
    assert _groups([shelling, answer]) == [["e1"], ["e2"]]
    # told without the cue, the same two sentences are one bombardment that rebels carried out
    plain = answer.model_copy(update={"evidence": [Evidence(text="Rebel mortars hit.", start=200,
                                                            end=218)]})  # fmt: skip
    assert _groups([shelling, plain]) == [["e1", "e2"]]


def test_one_sides_target_is_not_the_other_sides_perpetrator():
    strike = _told(1, actor1=REGIME, actor2=REBELS)
    answer = _told(2, actor1=REBELS, actor2=STATE)
    unnamed_target = _told(3, actor1=None, actor2=REGIME)  # the regime's forces were hit
    assert len(merge_article_events([strike, answer])) == 2
    assert len(merge_article_events([strike, unnamed_target])) == 2


def test_violent_sub_types_differ_only_under_one_named_perpetrator():
    air = _told(1, actor1=RUSSIA, sub="Air/drone strike")
    shelling = _told(2, actor1=RUSSIA, sub="Shelling/artillery/missile attack")
    assert len(merge_article_events([air, shelling])) == 1  # one bombardment, two weapons
    unnamed = _told(3, sub="Shelling/artillery/missile attack")
    assert len(merge_article_events([air, unnamed])) == 2
    chemical = _told(4, actor1=RUSSIA, sub="Chemical weapon")
    assert len(merge_article_events([air, chemical])) == 2  # no group holds both


def test_a_perpetrator_named_far_from_an_unnamed_happening_names_another():
    strikes = _told(1, start=0)
    israel_far = _told(2, start=4000, actor1=ISRAEL)
    assert len(merge_article_events([strikes, israel_far])) == 2
    israel_near = _told(3, start=200, actor1=ISRAEL)
    assert len(merge_article_events([strikes, israel_near])) == 1
    # a vague sentence far after a named one refers back to it
    named = _told(4, start=0, actor1=RUSSIA)
    vague_far = _told(5, start=4000)
    assert len(merge_article_events([named, vague_far])) == 1


def test_a_month_told_is_not_a_day_in_the_next_month():
    day = _told(1, date="2019-03-03")
    last_month = _told(2, date="2019-02-01", precision="month")
    assert len(merge_article_events([day, last_month])) == 2
    this_month = _told(3, date="2019-03-01", precision="month")
    assert len(merge_article_events([day, this_month])) == 1


def test_the_within_article_groups_name_codebook_sub_types():
    rules = within_article_rules()
    assert rules.one_kind("Air/drone strike", "Shelling/artillery/missile attack")
    assert not rules.one_kind("Air/drone strike", "Chemical weapon")
    assert rules.response.search("Rebels retaliated with rockets")


# ----------------------------------------------------------------- the real pipeline on text

RESPONSE = (
    "Heavy shelling killed at least 45 civilians in the besieged towns of eastern Ghouta on "
    "Tuesday, doctors said. Rebel groups hit back with a barrage of mortar fire on "
    "government-controlled districts of Damascus, killing six people, state media reported."
)
FEATURE = (
    "A British volunteer fighting with Kurdish forces was killed when a Turkish air strike hit "
    "her convoy near Afrin on Wednesday, her commanders said. Lucy Marsh, 29, from Hull, had "
    "travelled to Syria two years ago to join the women's units. Mortar fire has hit the "
    "villages around the town for weeks, residents say. Her unit had spent the winter guarding "
    "a refuge on the edge of the city. Fighting between Kurdish militias and Turkish-backed "
    "rebels has displaced thousands of families across the canton."
)
THREE_STATEMENTS = (
    "Russia says it has begun to bomb militant positions in Syria. The Russian defence "
    "ministry said its jets had carried out about 20 strikes on ammunition depots and command "
    "posts of the militants. President Vladimir Putin was granted permission to deploy the air "
    "force abroad by the upper house of parliament this morning. A US defence official said "
    "that Russian aircraft had already struck targets near Hama, in the west of the country."
)


def _holding(events: list[Event], text: str, words: str) -> list[Event]:
    """The events the sentence starting with `words` tells (not one it only places: "the
    town" of a later sentence takes its name from an earlier one)."""
    start = text.index(words)
    return [e for e in events if start in {x.start for x in e.evidence if _tells(x)}]


def _tells(evidence) -> bool:
    return evidence.supports != ["location"]


@pytest.fixture(scope="module")
def coded(pipeline):
    def code(text: str) -> list[Event]:
        return pipeline.process_text(text, doc_id="merge-test", ref_date="2021-03-10")

    return code


def test_a_retaliation_by_the_other_side_stays_its_own_event(coded):
    events = coded(RESPONSE)
    [shelling] = _holding(events, RESPONSE, "Heavy shelling")
    [answer] = _holding(events, RESPONSE, "Rebel groups hit back")
    assert shelling is not answer
    assert shelling.fatalities == 45 and answer.fatalities == 6
    assert shelling.actor1 is None or "rebels" not in shelling.actor1.name.lower()
    assert answer.actor1 is not None and "rebels" in answer.actor1.name.lower()


def test_a_features_background_does_not_fold_into_the_death_report(coded):
    events = coded(FEATURE)
    [death] = _holding(events, FEATURE, "A British volunteer")
    assert death.sub_event_type == "Air/drone strike"
    background = [FEATURE.index(w) for w in ("Mortar fire", "Fighting between")]
    assert not set(background) & {x.start for x in death.evidence}


def test_three_statements_of_one_bombing_stay_one_event(coded):
    events = coded(THREE_STATEMENTS)
    statements = ("Russia says", "The Russian defence ministry", "A US defence official")
    holding = {id(e) for words in statements for e in _holding(events, THREE_STATEMENTS, words)}
    assert len(holding) == 1
    [strike] = [e for e in events if id(e) in holding]
    assert strike.actor1.name == "Military Forces of Russia"
    assert strike.location.precision == "near"  # near Hama, the most precise place told


OTHER_TIME = (
    "Western jets struck three sites in Syria on Saturday. The US, Britain and France said they "
    "carried out the strikes to punish the use of chemical weapons by the regime. The nerve "
    "agent attack in Salisbury in March added to the urgency, officials said."
)


def test_a_next_sentence_with_its_own_time_lends_no_place(coded):
    """ "The … attack in Salisbury in March" tells another happening, not where the sentence
    before it happened."""
    events = coded(OTHER_TIME)
    own_time = OTHER_TIME.index("The nerve agent")
    [chemical] = _holding(events, OTHER_TIME, "The US, Britain")
    assert own_time not in {x.start for x in chemical.evidence}
    assert chemical.location is None or chemical.location.precision == "country"
