from datetime import date

from sitreps.records import Article
from sitreps.time import ResolvedDate, resolve_article_date, resolve_event_date, story_date

WEDNESDAY = ResolvedDate(date(2015, 9, 30), "day", "test")


def test_republished_story_is_dated_by_its_own_text():
    text = (
        "Troops were sent to the border on 12 March.\n\n"
        "The republic has been at war since separatists seized Crimea last year, and "
        "aid agencies say Syria's four-year civil war has displaced millions."
    )
    resolved = story_date(text, page_date="2022-01-29")
    assert resolved.date.year == 2015
    assert resolved.precision == "month"
    assert resolved.date == date(2015, 3, 1)
    assert "re-publication" in resolved.evidence


def test_page_date_kept_when_text_agrees():
    resolved = story_date("Gunmen attacked a market on Tuesday.", page_date="2019-03-07")
    assert resolved == ResolvedDate(date(2019, 3, 7), "day", resolved.evidence)


def test_explicit_date_beats_a_much_later_page_date():
    resolved = story_date("On 3 March 2019 a bus was attacked near Mandera.", "2023-05-01")
    assert resolved.date == date(2019, 3, 3)


def test_no_date_at_all():
    assert story_date("Nothing here tells the time.", None) is None


def test_relative_expressions_resolve_into_the_past():
    assert resolve_event_date("Jets struck the town on Wednesday.", WEDNESDAY).date == date(
        2015, 9, 30
    )
    assert resolve_event_date("Jets struck the town on Monday.", WEDNESDAY).date == date(
        2015, 9, 28
    )
    yesterday = resolve_event_date("Police fired on the crowd yesterday.", WEDNESDAY)
    assert (yesterday.date, yesterday.precision) == (date(2015, 9, 29), "day")
    week = resolve_event_date("The first strikes earlier this week killed 30.", WEDNESDAY)
    assert (week.date, week.precision) == (date(2015, 9, 28), "week")
    year = resolve_event_date("The town was taken last year.", WEDNESDAY)
    assert (year.date, year.precision) == (date(2014, 1, 1), "year")


def test_event_date_never_more_precise_than_the_reference():
    month = ResolvedDate(date(2015, 9, 1), "month", "test")
    resolved = resolve_event_date("The first strikes earlier this week killed 30.", month)
    assert resolved.precision == "month"
    assert resolved.date == date(2015, 9, 1)


def test_sentence_without_date_takes_the_story_date():
    resolved = resolve_event_date("Gunmen killed two traders.", WEDNESDAY)
    assert resolved.date == WEDNESDAY.date


def test_resolve_article_date_keeps_supplied_date():
    article = Article(id="a", input="x", text="Some text.", date="2019-12-31")
    resolved = resolve_article_date(article)
    assert (resolved.date, resolved.date_precision) == ("2019-12-31", "day")


def test_date_in_the_url_is_evidence_against_a_later_page_date():
    from sitreps.time import date_from_url

    url = "https://news.example/world/2015/09/30/russia-strikes-syria/"
    assert date_from_url(url) == (date(2015, 9, 30), "day")
    assert date_from_url("https://x.example/2019-04-10-bus-attack.html") == (
        date(2019, 4, 10),
        "day",
    )
    assert date_from_url("https://x.example/news/20190410/story") == (date(2019, 4, 10), "day")
    assert date_from_url("https://x.example/2016/02/story.html") == (date(2016, 2, 1), "month")
    assert date_from_url("https://x.example/story-2015.html") is None
    assert date_from_url("https://x.example/2015/13/45/bad") is None
    republished = story_date("Jets struck targets on Wednesday.", "2022-01-29", url=url)
    assert republished.date == date(2015, 9, 30) and "URL" in republished.evidence
    same_day = story_date("Jets struck targets on Wednesday.", "2015-10-01", url=url)
    assert same_day.date == date(2015, 10, 1)  # a day later: the same publication
    no_page = story_date("Jets struck targets on Wednesday.", None, url=url)
    assert no_page.date == date(2015, 9, 30)


def test_dateline_pins_the_day_inside_the_window():
    wire = (
        "DAMASCUS, Sept 30 (Reuters) – Russian jets struck targets in Syria on Wednesday, "
        "as Syria's four-year civil war entered a new phase."
    )
    resolved = story_date(wire, page_date="2022-01-29")
    assert (resolved.date, resolved.precision) == (date(2015, 9, 30), "day")
    assert "dateline" in resolved.evidence and "re-publication" in resolved.evidence
    next_day_page = story_date("KABUL, Oct. 3 - Gunmen attacked a checkpoint.", "2019-10-04")
    assert next_day_page.date == date(2019, 10, 3)
    across_new_year = story_date("KABUL, Dec 31 - Gunmen attacked a checkpoint.", "2020-01-02")
    assert across_new_year.date == date(2019, 12, 31)
    too_far = story_date("KABUL, March 3 - Gunmen attacked a checkpoint.", "2019-10-04")
    assert too_far.date == date(2019, 10, 4)  # no year and far from the page: not guessed
    with_year = story_date("SANAA, March 14, 2018 — Warplanes struck Saada.", None)
    assert with_year.date == date(2018, 3, 14)
    assert story_date("Sept 30 was quiet in the capital.", None) is None


MONDAY = ResolvedDate(date(2021, 5, 3), "day", "test")


def test_fast_path_resolves_plain_expressions_like_the_recognizer():
    from sitreps.time import _fast_expressions

    cases = {
        "Gunmen attacked a bus on Monday night.": (date(2021, 5, 3), "monday"),
        "Sunday's raid left four dead.": (date(2021, 5, 2), "sunday"),
        "On 3 May 2021, rebels shelled the camp.": (date(2021, 5, 3), "3 may 2021"),
        "Troops arrived on 10 September, officials said.": (date(2020, 9, 10), "10 september"),
        "The depot burned on September 10, 2015 in the north.": (
            date(2015, 9, 10),
            "september 10, 2015",
        ),
        "Police said the blast on Sept. 10 was deliberate.": (date(2020, 9, 10), "sept. 10"),
        "The convoy was hit on 12 Sep. near the border.": (date(2020, 9, 12), "12 sep"),
        "A mine exploded on Dec 13 2019 near the road.": (date(2019, 12, 13), "dec 13 2019"),
        "A raid on 2021-04-30 left three dead.": (date(2021, 4, 30), "2021-04-30"),
        "Protesters were dispersed yesterday.": (date(2021, 5, 2), "yesterday"),
        "Shops were looted today.": (date(2021, 5, 3), "today"),
    }
    for sentence, (day, evidence) in cases.items():
        found = _fast_expressions(sentence, MONDAY.date)
        assert found is not None, sentence
        assert [(r.date, r.precision, r.evidence) for _, r in found] == [(day, "day", evidence)]
        resolved = resolve_event_date(sentence, MONDAY)
        assert (resolved.date, resolved.evidence) == (day, evidence)


def test_fast_path_story_date_for_times_of_day_and_future_dates():
    from sitreps.time import _fast_expressions

    for sentence in ("Shelling resumed this morning.", "Last night, gunmen looted a shop."):
        assert _fast_expressions(sentence, MONDAY.date) == []
        assert resolve_event_date(sentence, MONDAY).evidence == "the story's date"
    assert _fast_expressions("Talks open on 10 June 2021 in Geneva.", MONDAY.date) == []


def test_fast_path_leaves_anything_unusual_to_the_recognizer():
    from sitreps.time import _fast_expressions

    for sentence in (
        "Clashes between 20 - 22 November killed nine.",
        "In the week of 3 May, raids continued.",
        "Attacks rose in the last week.",
        "Attacks rose more than two years ago.",
        "Attacks rose around 1500 on Monday.",
        "Attacks rose since 2015 and in late 2016.",
        "On 3 May (as reported), a bus was burned.",
        "Gunmen struck on Monday, 3 May 2021.",
        "Rebels struck on Monday at 5pm.",
        "Troops left since Monday.",
        "The march on 3 may was peaceful.",
        "On 29 February, a bus was burned.",
        "Gunmen struck on Monday and Tuesday.",
    ):
        assert _fast_expressions(sentence, MONDAY.date) is None, sentence


def test_fast_path_keeps_the_expression_nearest_the_trigger():
    from sitreps.time import _fast_expressions

    sentence = "Rebels burned a church on Sunday, while the army shelled Kaya on 3 May."
    assert len(_fast_expressions(sentence, MONDAY.date)) == 2
    near_end = resolve_event_date(sentence, MONDAY, anchor=sentence.index("shelled"))
    assert near_end.date == date(2021, 5, 3)
    near_start = resolve_event_date(sentence, MONDAY, anchor=sentence.index("burned"))
    assert near_start.date == date(2021, 5, 2)


def test_fast_path_resolves_relative_periods_months_and_years_like_the_recognizer():
    from sitreps.time import _fast_expressions

    wednesday = date(2019, 3, 13)
    cases = {
        "Rebels attacked the base last week.": (date(2019, 3, 4), "week", "last week"),
        "Earlier this week, rebels attacked.": (date(2019, 3, 11), "week", "earlier this week"),
        "Rebels attacked this month.": (date(2019, 3, 1), "month", "this month"),
        "Last month, rebels attacked.": (date(2019, 2, 1), "month", "last month"),
        "Rebels attacked earlier this year.": (date(2019, 1, 1), "year", "earlier this year"),
        "Rebels attacked last year.": (date(2018, 1, 1), "year", "last year"),
        "Rebels attacked last weekend.": (date(2019, 3, 9), "week", "last weekend"),
        "Rebels attacked last Saturday.": (date(2019, 3, 9), "day", "last saturday"),
        "Rebels attacked last July.": (date(2018, 7, 1), "month", "last july"),
        "Rebels attacked two years ago.": (date(2017, 3, 13), "day", "two years ago"),
        "Rebels attacked 10 days ago.": (date(2019, 3, 3), "day", "10 days ago"),
        "Rebels attacked in January.": (date(2019, 1, 1), "month", "january"),
        "Rebels attacked in April.": (date(2018, 4, 1), "month", "april"),
        "Rebels attacked in May 2017.": (date(2017, 5, 1), "month", "may 2017"),
        "Rebels attacked in 2016.": (date(2016, 1, 1), "year", "2016"),
    }
    for sentence, (day, precision, evidence) in cases.items():
        found = _fast_expressions(sentence, wednesday)
        assert found is not None and len(found) == 1, sentence
        resolved = found[0][1]
        assert (resolved.date, resolved.precision, resolved.evidence) == (
            day,
            precision,
            evidence,
        ), sentence
    # "earlier this week" told on a Monday is that Monday: a day, not a week
    monday = _fast_expressions("Earlier this week, rebels attacked.", date(2019, 3, 11))
    assert monday is not None and monday[0][1].precision == "day"
    # a year or a month after the reference date is no date of the event
    assert _fast_expressions("Rebels vowed to attack in 2020.", wednesday) == []


def test_recognizer_shares_repeated_extractions_within_one_parse():
    from datetime import datetime

    from sitreps.time import _recognizer

    sentence = "Around 8 on Monday night, seven years after the war began, rebels attacked."
    first = [
        (r.start, r.text, r.type_name) for r in _recognizer().parse(sentence, datetime(2019, 3, 13))
    ]
    again = [
        (r.start, r.text, r.type_name) for r in _recognizer().parse(sentence, datetime(2019, 3, 13))
    ]
    assert first == again
    assert "around 8 on monday night" in {text for _, text, _ in first}


def test_part_of_a_named_year_or_month_is_dated_to_that_year_or_month():
    # The recognizer read "late 2015" against the story's own month, four years on.
    story = ResolvedDate(date(2019, 3, 23), "day", "page")
    cases = {
        "In late 2015, gunmen stormed a concert hall.": (date(2015, 1, 1), "year"),
        "In mid-2014 the militants overran the town.": (date(2014, 1, 1), "year"),
        "Late last year the rebels shelled the port.": (date(2018, 1, 1), "year"),
        "At the end of January, a drone hit the convoy.": (date(2019, 1, 1), "month"),
        "In late December the army raided the camp.": (date(2018, 12, 1), "month"),
        "In late March 2017 the army raided the camp.": (date(2017, 3, 1), "month"),
    }
    for sentence, (day, precision) in cases.items():
        resolved = resolve_event_date(sentence, story)
        assert (resolved.date, resolved.precision) == (day, precision), sentence
